//! The hash chain of the lookup log and its signed head: pure functions over plain rows.
//!
//! `hash_n = SHA-256(hash_{n-1} ‖ canonical(record_n))`, with 32 zero bytes before the first record. The canonical
//! bytes are a versioned, length-prefixed encoding of every field in a fixed order, so no two different records
//! encode alike (no separator can be forged into a field). The head `(seq, hash)` is signed with Ed25519 under a key
//! id; verification walks the chain once and names every record that is altered, missing, out of place or unsigned.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer as _, SigningKey};
use motcua_storage::lookup_log::{CheckpointRow, HeadRow, KeyRow, LookupRow};
use sha2::{Digest, Sha256};

pub use super::trust::{Trust, TrustedKeys};

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

/// Why a signature was not accepted.
enum Refused {
    /// Its key is not trusted (not pinned, not the current key).
    Untrusted,
    /// It does not verify with the trusted key of its id.
    Bad,
}

fn verify_signature(keys: &TrustedKeys, key_id: &str, sig_hex: &str, message: &[u8]) -> Result<(), Refused> {
    let key = keys.get(key_id).ok_or(Refused::Untrusted)?;
    let signature = hex::decode(sig_hex)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| ed25519_dalek::Signature::from_bytes(&b));
    match signature {
        Some(s) if key.verify_strict(message, &s).is_ok() => Ok(()),
        _ => Err(Refused::Bad),
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
    /// Signatures by a key that is not trusted: not pinned outside the database, not the server's current key.
    /// Being registered in the database proves nothing: whoever can write there can add a key.
    UnknownKey {
        /// The key id.
        key_id: String,
        /// How many heads and checkpoints it signed.
        signatures: u64,
        /// The lowest and highest seq it signed.
        seqs: (i64, i64),
        /// Whether the database lists it in `lookup_log_keys`.
        registered: bool,
    },
    /// The database lists a trusted key id with another public key: the registry of keys was rewritten.
    KeyReplaced {
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
            Self::UnknownKey { key_id, signatures, seqs: (from, to), registered } => {
                write!(f, "key {key_id} is not pinned (untrusted): {signatures} signature(s) at records {from}–{to}")?;
                if *registered {
                    write!(f, "; it is only registered in the database, which anyone writing there can do")?;
                }
                Ok(())
            }
            Self::KeyReplaced { key_id } => {
                write!(f, "key {key_id}: the database lists another public key than the trusted one (replaced)")
            }
            Self::HeadUnsigned => write!(f, "the chain head is not signed"),
        }
    }
}

/// What one key signed: the heads and checkpoints carrying its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerUse {
    /// The key id.
    pub key_id: String,
    /// Why it is trusted; none: untrusted, its signatures were refused.
    pub trust: Option<Trust>,
    /// Heads and checkpoints it signed (valid signatures for a trusted key).
    pub signatures: u64,
    /// The lowest and highest seq it signed.
    pub seqs: (i64, i64),
    /// Whether it signed the current head.
    pub head: bool,
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
    /// Which key signed what, by key id.
    pub signers: Vec<SignerUse>,
    /// The keys trusted, with why.
    pub trusted: Vec<(String, Trust)>,
    /// True when no key but the server's current one is pinned: a retired key's signatures would be refused.
    pub only_current_key: bool,
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

    /// Checks the head and the checkpoints against the chain read. Only `trusted` keys are believed; `registered`
    /// (the database's `lookup_log_keys`) serves to tell which untrusted keys the database vouches for, and to catch
    /// a trusted key id listed there with another public key.
    pub fn finish(
        mut self,
        head: &HeadRow,
        checkpoints: &[CheckpointRow],
        registered: &[KeyRow],
        trusted: &TrustedKeys,
    ) -> Report {
        let mut uses: BTreeMap<String, SignerUse> = BTreeMap::new();
        let mut tally = |key_id: &str, seq: i64, is_head: bool| {
            let u = uses.entry(key_id.to_owned()).or_insert_with(|| SignerUse {
                key_id: key_id.to_owned(),
                trust: trusted.trust_of(key_id),
                signatures: 0,
                seqs: (seq, seq),
                head: false,
            });
            u.signatures += 1;
            u.seqs = (u.seqs.0.min(seq), u.seqs.1.max(seq));
            u.head |= is_head;
        };
        let mut signed = Vec::new();
        match (&head.key_id, &head.signature, head.signed_at) {
            (Some(key_id), Some(sig), Some(at)) => {
                match verify_signature(trusted, key_id, sig, &head_message(head.seq, &head.hash, at)) {
                    Ok(()) => {
                        signed.push((head.seq, head.hash.clone()));
                        tally(key_id, head.seq, true);
                    }
                    Err(Refused::Bad) => {
                        self.report.problems.push(Problem::BadSignature { what: "head".into(), key_id: key_id.clone() })
                    }
                    Err(Refused::Untrusted) => tally(key_id, head.seq, true),
                }
            }
            _ if self.report.records > 0 => self.report.problems.push(Problem::HeadUnsigned),
            _ => {}
        }
        for c in checkpoints {
            match verify_signature(trusted, &c.key_id, &c.signature, &head_message(c.seq, &c.hash, c.signed_at)) {
                Ok(()) => {
                    signed.push((c.seq, c.hash.clone()));
                    tally(&c.key_id, c.seq, false);
                }
                Err(Refused::Bad) => self
                    .report
                    .problems
                    .push(Problem::BadSignature { what: format!("checkpoint {}", c.seq), key_id: c.key_id.clone() }),
                Err(Refused::Untrusted) => tally(&c.key_id, c.seq, false),
            }
        }
        for u in uses.values().filter(|u| u.trust.is_none()) {
            self.report.problems.push(Problem::UnknownKey {
                key_id: u.key_id.clone(),
                signatures: u.signatures,
                seqs: u.seqs,
                registered: registered.iter().any(|k| k.key_id == u.key_id),
            });
        }
        for k in registered {
            if trusted.public_hex(&k.key_id).is_some_and(|pinned| !pinned.eq_ignore_ascii_case(k.public_key.trim())) {
                self.report.problems.push(Problem::KeyReplaced { key_id: k.key_id.clone() });
            }
        }
        self.report.signers = uses.into_values().collect();
        self.report.trusted = trusted.ids();
        self.report.only_current_key = trusted.only_current();
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
mod tests;
