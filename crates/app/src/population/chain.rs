//! The hash chain of the lookup log and its signed head: pure functions over plain rows.
//!
//! `hash_n = SHA-256(hash_{n-1} ‖ canonical(record_n))`, with 32 zero bytes before the first record. The canonical
//! bytes are a versioned, length-prefixed encoding of every field in a fixed order, so no two different records
//! encode alike (no separator can be forged into a field). The head `(seq, hash)` is signed with Ed25519 under a key
//! id; verification walks the chain once and names every record that is altered, missing, out of place or unsigned.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use motcua_storage::lookup_log::{CheckpointRow, HeadRow, KeyRow, LookupRow};
use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const VERSION: &[u8] = b"motcua-lookup-log/v1";

fn put(out: &mut Vec<u8>, field: Option<&str>) {
    match field {
        Some(s) => {
            out.extend_from_slice(&(s.len() as u32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
    }
}

fn put_list(out: &mut Vec<u8>, items: &[String]) {
    out.extend_from_slice(&(items.len() as u32).to_be_bytes());
    for item in items {
        put(out, Some(item));
    }
}

/// The instant as hashed: RFC 3339 with microseconds (what both backends store exactly).
fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The canonical bytes of a record: every field but `seq` and the hashes (the chain itself fixes the order).
pub fn canonical(row: &LookupRow) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(VERSION);
    put(&mut out, Some(&row.id.to_string()));
    put(&mut out, Some(&instant(row.occurred_at)));
    put(&mut out, Some(&row.actor_kind));
    put(&mut out, row.actor_id.as_deref());
    put(&mut out, row.actor_unit_id.as_deref());
    put(&mut out, Some(&row.purpose));
    put(&mut out, row.dossier_code.as_deref());
    put(&mut out, row.procedure_code.as_deref());
    put(&mut out, Some(&row.subject_id_number));
    put_list(&mut out, &row.fields_requested.0);
    put_list(&mut out, &row.fields_returned.0);
    put(&mut out, Some(&row.result));
    put(&mut out, row.client_addr.as_deref());
    put(&mut out, row.request_id.as_deref());
    out
}

/// `hex(SHA-256(prev ‖ canonical(row)))`; `prev` is the previous hash in hex (its 32 bytes are hashed).
pub fn link(prev_hex: &str, row: &LookupRow) -> String {
    let mut hasher = Sha256::new();
    hasher.update(hex::decode(prev_hex).unwrap_or_default());
    hasher.update(canonical(row));
    hex::encode(hasher.finalize())
}

/// The bytes a head signature covers.
pub fn head_message(seq: i64, hash_hex: &str, signed_at: DateTime<Utc>) -> Vec<u8> {
    let mut out = Vec::with_capacity(96);
    out.extend_from_slice(VERSION);
    out.extend_from_slice(b"/head");
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&hex::decode(hash_hex).unwrap_or_default());
    out.extend_from_slice(instant(signed_at).as_bytes());
    out
}

/// The key that signs the chain head, with its id. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct SigningIdentity {
    /// Key id (e.g. `2026-01`), stored with every signature.
    pub key_id: String,
    key: SigningKey,
}

impl fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("key_id", &self.key_id)
            .field("public_key", &self.public_hex())
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// From a 32-byte secret seed given in hex.
    pub fn from_hex(key_id: &str, secret_hex: &str) -> Result<Self, String> {
        let key_id = key_id.trim();
        if key_id.is_empty() || key_id.len() > 64 || !key_id.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err("the key id must be 1–64 printable characters without ':'".into());
        }
        let bytes: [u8; 32] = hex::decode(secret_hex.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("the signing key must be 64 hexadecimal digits (a 32-byte Ed25519 seed)")?;
        Ok(Self { key_id: key_id.to_owned(), key: SigningKey::from_bytes(&bytes) })
    }

    /// A new random key.
    pub fn generate(key_id: &str) -> Self {
        let seed: [u8; 32] = rand::random();
        Self { key_id: key_id.to_owned(), key: SigningKey::from_bytes(&seed) }
    }

    /// The secret seed in hex, to store in a key file.
    pub fn secret_hex(&self) -> String {
        hex::encode(self.key.to_bytes())
    }

    /// The public key in hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// Signs the head `(seq, hash)` at `now`.
    pub fn sign_head(&self, seq: i64, hash: &str, now: DateTime<Utc>) -> HeadRow {
        let signature = self.key.sign(&head_message(seq, hash, now));
        HeadRow {
            seq,
            hash: hash.to_owned(),
            key_id: Some(self.key_id.clone()),
            signature: Some(hex::encode(signature.to_bytes())),
            signed_at: Some(now),
            checkpointed_at: None,
        }
    }
}

fn verify_signature(
    keys: &HashMap<String, VerifyingKey>,
    key_id: &str,
    sig_hex: &str,
    message: &[u8],
) -> Result<(), Problem> {
    let key = keys.get(key_id).ok_or_else(|| Problem::UnknownKey { key_id: key_id.to_owned() })?;
    let signature = hex::decode(sig_hex)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| ed25519_dalek::Signature::from_bytes(&b));
    match signature {
        Some(s) if key.verify_strict(message, &s).is_ok() => Ok(()),
        _ => Err(Problem::BadSignature { what: String::new(), key_id: key_id.to_owned() }),
    }
}

/// Something wrong with the log, naming the records concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The record's content no longer matches its hash: it was changed.
    Altered {
        /// Its seq.
        seq: i64,
    },
    /// The record does not follow the one before it: records were removed, inserted or reordered here.
    Unlinked {
        /// Its seq.
        seq: i64,
        /// The seq of the record it was written after, when that record is still in the log elsewhere.
        written_after: Option<i64>,
    },
    /// Seq numbers are missing: those records were removed.
    Missing {
        /// First missing seq.
        from: i64,
        /// Last missing seq.
        to: i64,
    },
    /// Records after the signed head: nobody holding the key appended them.
    Unsigned {
        /// First unsigned seq.
        from: i64,
        /// Last unsigned seq.
        to: i64,
    },
    /// The signed head (or a checkpoint) reaches further than the chain: its tail was dropped.
    TailDropped {
        /// First dropped seq.
        from: i64,
        /// Last dropped seq (as signed).
        to: i64,
    },
    /// A signed head or checkpoint names a hash the chain does not have at that seq.
    SignedHashMismatch {
        /// The seq signed.
        seq: i64,
    },
    /// A signature does not verify.
    BadSignature {
        /// What was signed (`head`, `checkpoint 42`).
        what: String,
        /// The key id it claims.
        key_id: String,
    },
    /// A signature names a key id that is not registered.
    UnknownKey {
        /// The key id.
        key_id: String,
    },
    /// The head was never signed although records exist.
    HeadUnsigned,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Altered { seq } => write!(f, "record {seq}: content altered (its hash no longer matches)"),
            Self::Unlinked { seq, written_after: Some(after) } => write!(
                f,
                "record {seq}: out of place — it was written after record {after}, not after record {} (reordered)",
                seq - 1
            ),
            Self::Unlinked { seq, written_after: None } => {
                write!(f, "record {seq}: does not follow record {} — records were removed or inserted here", seq - 1)
            }
            Self::Missing { from, to } if from == to => write!(f, "record {from}: removed"),
            Self::Missing { from, to } => write!(f, "records {from}–{to}: removed"),
            Self::Unsigned { from, to } => {
                write!(f, "records {from}–{to}: after the signed head, not appended by motcua (inserted)")
            }
            Self::TailDropped { from, to } => {
                write!(f, "records {from}–{to}: dropped from the end (signed up to {to})")
            }
            Self::SignedHashMismatch { seq } => write!(f, "record {seq}: differs from the signed head or checkpoint"),
            Self::BadSignature { what, key_id } => write!(f, "{what}: signature by key {key_id} does not verify"),
            Self::UnknownKey { key_id } => write!(f, "signature by unknown key {key_id}"),
            Self::HeadUnsigned => write!(f, "the chain head is not signed"),
        }
    }
}

/// The result of verifying the log.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Records read.
    pub records: u64,
    /// The last seq of the chain.
    pub last_seq: i64,
    /// The seq covered by the newest valid signature.
    pub signed_seq: i64,
    /// Everything wrong, in chain order.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether the log is intact.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walks the chain record by record (records arrive in seq order, in pages), then checks the signatures.
#[derive(Debug, Default)]
pub struct Verifier {
    report: Report,
    prev_seq: i64,
    prev_hash: Option<String>,
    /// Stored hash → seq, to tell a reordered record from an inserted one, and to check signed hashes.
    hashes: HashMap<String, i64>,
    by_seq: HashMap<i64, String>,
}

impl Verifier {
    /// A verifier at the start of the chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next record.
    pub fn push(&mut self, row: &LookupRow) {
        let r = &mut self.report;
        r.records += 1;
        if row.seq > self.prev_seq + 1 {
            r.problems.push(Problem::Missing { from: self.prev_seq + 1, to: row.seq - 1 });
        }
        let expected_prev = self.prev_hash.as_deref().unwrap_or(GENESIS);
        if link(&row.prev_hash, row) != row.hash {
            r.problems.push(Problem::Altered { seq: row.seq });
        } else if row.prev_hash != expected_prev {
            let written_after =
                if row.prev_hash == GENESIS { Some(0) } else { self.hashes.get(&row.prev_hash).copied() };
            // A record written after a later one shows up when that one is read; report it then too.
            r.problems.push(Problem::Unlinked { seq: row.seq, written_after: written_after.or(None) });
        }
        self.hashes.insert(row.hash.clone(), row.seq);
        self.by_seq.insert(row.seq, row.hash.clone());
        self.prev_seq = row.seq;
        self.prev_hash = Some(row.hash.clone());
        r.last_seq = row.seq;
    }

    /// Checks the head and the checkpoints against the chain read, with the registered public keys.
    pub fn finish(mut self, head: &HeadRow, checkpoints: &[CheckpointRow], keys: &[KeyRow]) -> Report {
        let keys: HashMap<String, VerifyingKey> = keys
            .iter()
            .filter_map(|k| {
                let bytes: [u8; 32] = hex::decode(&k.public_key).ok()?.try_into().ok()?;
                Some((k.key_id.clone(), VerifyingKey::from_bytes(&bytes).ok()?))
            })
            .collect();
        let mut signed = Vec::new();
        match (&head.key_id, &head.signature, head.signed_at) {
            (Some(key_id), Some(sig), Some(at)) => {
                match verify_signature(&keys, key_id, sig, &head_message(head.seq, &head.hash, at)) {
                    Ok(()) => signed.push((head.seq, head.hash.clone())),
                    Err(Problem::BadSignature { key_id, .. }) => {
                        self.report.problems.push(Problem::BadSignature { what: "head".into(), key_id })
                    }
                    Err(p) => self.report.problems.push(p),
                }
            }
            _ if self.report.records > 0 => self.report.problems.push(Problem::HeadUnsigned),
            _ => {}
        }
        for c in checkpoints {
            match verify_signature(&keys, &c.key_id, &c.signature, &head_message(c.seq, &c.hash, c.signed_at)) {
                Ok(()) => signed.push((c.seq, c.hash.clone())),
                Err(Problem::BadSignature { key_id, .. }) => {
                    self.report.problems.push(Problem::BadSignature { what: format!("checkpoint {}", c.seq), key_id })
                }
                Err(p) => self.report.problems.push(p),
            }
        }
        let last = self.report.last_seq;
        let furthest = signed.iter().map(|(seq, _)| *seq).max().unwrap_or(0);
        self.report.signed_seq = furthest.min(last);
        if furthest > last {
            self.report.problems.push(Problem::TailDropped { from: last + 1, to: furthest });
        }
        for (seq, hash) in &signed {
            if *seq <= last && *seq > 0 && self.by_seq.get(seq) != Some(hash) {
                self.report.problems.push(Problem::SignedHashMismatch { seq: *seq });
            }
        }
        // Only the head signs the newest records; a valid head is what proves nobody added after it.
        let head_ok = signed.first().is_some_and(|(s, _)| *s == head.seq);
        if last > head.seq || (!head_ok && last > furthest) {
            let from = if head_ok { head.seq } else { furthest } + 1;
            self.report.problems.push(Problem::Unsigned { from, to: last });
        }
        self.report
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use motcua_storage::Json;
    use proptest::prelude::*;

    use super::*;

    fn row(n: i64) -> LookupRow {
        LookupRow {
            seq: n,
            id: uuid::Uuid::from_u128(n as u128),
            occurred_at: Utc.timestamp_opt(1_760_000_000 + n, 123_456_000).unwrap(),
            actor_kind: "officer".into(),
            actor_id: Some(format!("officer-{n}")),
            actor_unit_id: Some("c20410".into()),
            purpose: "Giải quyết hồ sơ".into(),
            dossier_code: Some(format!("H48.20410-251128-{n:04}")),
            procedure_code: Some("1.001193".into()),
            subject_id_number: "048195000123".into(),
            fields_requested: Json(vec!["full_name".into(), "birth_date".into()]),
            fields_returned: Json(vec!["full_name".into()]),
            result: "found".into(),
            client_addr: Some("10.0.0.1".into()),
            request_id: None,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn chain(n: i64) -> Vec<LookupRow> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|i| {
                let mut r = row(i);
                r.prev_hash = prev.clone();
                r.hash = link(&prev, &r);
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn signed(rows: &[LookupRow], key: &SigningIdentity) -> (HeadRow, Vec<KeyRow>) {
        let last = rows.last().map_or((0, GENESIS.to_owned()), |r| (r.seq, r.hash.clone()));
        let head = key.sign_head(last.0, &last.1, Utc.timestamp_opt(1_770_000_000, 0).unwrap());
        let keys = vec![KeyRow {
            key_id: key.key_id.clone(),
            public_key: key.public_hex(),
            created_at: Utc.timestamp_opt(1_760_000_000, 0).unwrap(),
        }];
        (head, keys)
    }

    fn verify(rows: &[LookupRow], head: &HeadRow, keys: &[KeyRow]) -> Report {
        let mut v = Verifier::new();
        rows.iter().for_each(|r| v.push(r));
        v.finish(head, &[], keys)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let key = SigningIdentity::generate("k1");
        let rows = chain(5);
        let (head, keys) = signed(&rows, &key);
        let report = verify(&rows, &head, &keys);
        assert!(report.is_intact(), "{:?}", report.problems);
        assert_eq!((report.records, report.last_seq, report.signed_seq), (5, 5, 5));
    }

    #[test]
    fn canonical_bytes_tell_none_from_empty_and_do_not_run_fields_together() {
        let mut a = row(1);
        let mut b = row(1);
        a.actor_id = None;
        b.actor_id = Some(String::new());
        assert_ne!(canonical(&a), canonical(&b));
        a.actor_id = Some("ab".into());
        a.actor_unit_id = Some("c".into());
        b.actor_id = Some("a".into());
        b.actor_unit_id = Some("bc".into());
        assert_ne!(canonical(&a), canonical(&b));
    }

    #[test]
    fn each_kind_of_tampering_is_named() {
        let key = SigningIdentity::generate("k1");
        let rows = chain(6);
        let (head, keys) = signed(&rows, &key);

        let mut removed = rows.clone();
        removed.remove(2);
        assert_eq!(verify(&removed, &head, &keys).problems[0], Problem::Missing { from: 3, to: 3 });

        // Swap two rows' places (their seq numbers exchanged).
        let mut swapped = rows.clone();
        swapped.swap(2, 3);
        swapped[2].seq = 3;
        swapped[3].seq = 4;
        let problems = verify(&swapped, &head, &keys).problems;
        assert!(problems.contains(&Problem::Unlinked { seq: 3, written_after: None }), "{problems:?}");
        assert!(problems.contains(&Problem::Unlinked { seq: 4, written_after: Some(2) }), "{problems:?}");

        let mut dropped = rows.clone();
        dropped.truncate(4);
        assert_eq!(verify(&dropped, &head, &keys).problems, vec![Problem::TailDropped { from: 5, to: 6 }]);

        // Appended without the key: self-consistent, but beyond the signed head.
        let mut appended = chain(7);
        appended[6].purpose = "Tò mò".into();
        appended[6].hash = link(&appended[6].prev_hash, &appended[6]);
        assert_eq!(verify(&appended, &head, &keys).problems, vec![Problem::Unsigned { from: 7, to: 7 }]);

        let other = SigningIdentity::generate("k1");
        let (forged, _) = signed(&rows, &other);
        assert_eq!(
            verify(&rows, &forged, &keys).problems[0],
            Problem::BadSignature { what: "head".into(), key_id: "k1".into() }
        );
    }

    #[test]
    fn a_rotated_key_still_verifies_old_checkpoints() {
        let old = SigningIdentity::generate("2025");
        let new = SigningIdentity::generate("2026");
        let rows = chain(4);
        let at = Utc.timestamp_opt(1_770_000_000, 0).unwrap();
        let h2 = old.sign_head(2, &rows[1].hash, at);
        let checkpoint = CheckpointRow {
            seq: 2,
            hash: rows[1].hash.clone(),
            key_id: "2025".into(),
            signature: h2.signature.unwrap(),
            signed_at: at,
        };
        let head = new.sign_head(4, &rows[3].hash, at);
        let keys = [&old, &new]
            .map(|k| KeyRow { key_id: k.key_id.clone(), public_key: k.public_hex(), created_at: at })
            .to_vec();
        let mut v = Verifier::new();
        rows.iter().for_each(|r| v.push(r));
        let report = v.finish(&head, &[checkpoint], &keys);
        assert!(report.is_intact(), "{:?}", report.problems);
        let mut v = Verifier::new();
        rows.iter().for_each(|r| v.push(r));
        assert_eq!(v.finish(&head, &[], &keys[1..]).problems, vec![]);
        let mut v = Verifier::new();
        rows.iter().for_each(|r| v.push(r));
        assert_eq!(v.finish(&head, &[], &keys[..1]).problems[0], Problem::UnknownKey { key_id: "2026".into() });
    }

    #[test]
    fn debug_hides_the_secret() {
        let key = SigningIdentity::from_hex("k", &"11".repeat(32)).unwrap();
        assert!(!format!("{key:?}").contains(&"11".repeat(32)));
        assert!(SigningIdentity::from_hex("k", "abc").is_err());
        assert!(SigningIdentity::from_hex("a:b", &"11".repeat(32)).is_err());
    }

    proptest! {
        /// Any change to any single field of any single record is detected and names that record.
        #[test]
        fn any_single_alteration_is_detected(n in 1i64..12, pick in 0usize..12, field in 0usize..12, text in "[a-zà-ỹ0-9 ]{0,8}") {
            let key = SigningIdentity::generate("k1");
            let mut rows = chain(n);
            let (head, keys) = signed(&rows, &key);
            let i = pick % rows.len();
            let r = &mut rows[i];
            let before = r.clone();
            match field {
                0 => r.purpose.push_str(&text),
                1 => r.actor_id = Some(format!("{}{}", r.actor_id.clone().unwrap_or_default(), text)).filter(|_| !text.is_empty()),
                2 => r.subject_id_number.push('9'),
                3 => r.fields_returned.0.push(text.clone()),
                4 => r.fields_requested.0.pop().map_or((), |_| ()),
                5 => r.result = "not_found".into(),
                6 => r.occurred_at += chrono::Duration::microseconds(1),
                7 => r.dossier_code = None,
                8 => r.client_addr = Some(format!("10.0.0.{}", text.len() + 2)),
                9 => r.actor_unit_id = Some(format!("c{text}")),
                10 => r.request_id = Some(text.clone()),
                _ => r.id = uuid::Uuid::from_u128(u128::MAX - i as u128),
            }
            prop_assume!(*r != before);
            let seq = r.seq;
            let report = verify(&rows, &head, &keys);
            prop_assert_eq!(report.problems, vec![Problem::Altered { seq }]);
        }
    }
}
