//! The chain's unit tests and its property test.

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

/// The keys as pinned outside the database.
fn pinned(keys: &[KeyRow]) -> TrustedKeys {
    let mut trusted = TrustedKeys::new();
    keys.iter().for_each(|k| trusted.pin(&format!("{}:{}", k.key_id, k.public_key)).unwrap());
    trusted
}

fn verify(rows: &[LookupRow], head: &HeadRow, keys: &[KeyRow]) -> Report {
    let mut v = Verifier::new();
    rows.iter().for_each(|r| v.push(r));
    v.finish(head, &[], keys, &pinned(keys))
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
    let keys =
        [&old, &new].map(|k| KeyRow { key_id: k.key_id.clone(), public_key: k.public_hex(), created_at: at }).to_vec();
    let mut v = Verifier::new();
    rows.iter().for_each(|r| v.push(r));
    let report = v.finish(&head, std::slice::from_ref(&checkpoint), &keys, &pinned(&keys));
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(
        report.signers.iter().map(|u| (u.key_id.as_str(), u.seqs, u.head)).collect::<Vec<_>>(),
        [("2025", (2, 2), false), ("2026", (4, 4), true)]
    );
    let mut v = Verifier::new();
    rows.iter().for_each(|r| v.push(r));
    assert_eq!(v.finish(&head, &[], &keys[1..], &pinned(&keys[1..])).problems, vec![]);
    let mut v = Verifier::new();
    rows.iter().for_each(|r| v.push(r));
    assert_eq!(
        v.finish(&head, &[], &keys, &pinned(&keys[..1])).problems[0],
        Problem::UnknownKey { key_id: "2026".into(), signatures: 1, seqs: (4, 4), registered: true }
    );
    // The retired key registered in the database but not pinned: its checkpoint is refused.
    let mut current = TrustedKeys::new();
    current.trust_current(&new).unwrap();
    let mut v = Verifier::new();
    rows.iter().for_each(|r| v.push(r));
    let report = v.finish(&head, &[checkpoint], &keys, &current);
    assert!(report.only_current_key);
    assert_eq!(
        report.problems,
        vec![Problem::UnknownKey { key_id: "2025".into(), signatures: 1, seqs: (2, 2), registered: true }]
    );
}

#[test]
fn a_key_added_to_the_database_and_resigned_is_refused() {
    let key = SigningIdentity::generate("k1");
    let rows = chain(3);
    let (_, keys) = signed(&rows, &key);
    // The intruder rewrites record 2, re-chains, signs with their own key and registers it.
    let mut forged = rows.clone();
    forged[1].purpose = "Tò mò".into();
    for i in 1..forged.len() {
        forged[i].prev_hash = forged[i - 1].hash.clone();
        forged[i].hash = link(&forged[i].prev_hash, &forged[i]);
    }
    let theirs = SigningIdentity::generate("k9");
    let (head, their_keys) = signed(&forged, &theirs);
    let registered = [keys.clone(), their_keys].concat();
    let mut v = Verifier::new();
    forged.iter().for_each(|r| v.push(r));
    // Trusting what the database lists, the forgery passes: that was the hole.
    assert!(v.finish(&head, &[], &registered, &pinned(&registered)).is_intact());
    let mut v = Verifier::new();
    forged.iter().for_each(|r| v.push(r));
    let report = v.finish(&head, &[], &registered, &pinned(&keys));
    assert!(report.problems.contains(&Problem::UnknownKey {
        key_id: "k9".into(),
        signatures: 1,
        seqs: (3, 3),
        registered: true
    }));
    assert_eq!(report.signers[0].trust, None);
    // A trusted id listed with another public key is named too.
    let mut replaced = keys.clone();
    replaced[0].public_key = theirs.public_hex();
    let mut v = Verifier::new();
    rows.iter().for_each(|r| v.push(r));
    let (head, _) = signed(&rows, &key);
    let problems = v.finish(&head, &[], &replaced, &pinned(&keys)).problems;
    assert_eq!(problems, vec![Problem::KeyReplaced { key_id: "k1".into() }]);
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
