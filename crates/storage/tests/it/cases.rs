use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_domain::access::{Grant, Role};
use motcua_domain::unit::{AgencyCode, Unit, UnitId, UnitKind};
use motcua_storage::events::{self, EventRecord};
use motcua_storage::jobs::{self, JobRecord};
use motcua_storage::officers::{self, OfficerRecord};
use motcua_storage::sessions::{self, SessionRecord};
use motcua_storage::{Backend, Db, StorageError, units};
use sqlx::types::Json;
use uuid::Uuid;

pub use crate::group_commit::{
    a_panicking_write_does_not_stop_the_writer, group_commit_isolates_a_failing_write,
    held_back_inserts_fail_only_their_own_write, sequential_writes_commit_one_by_one,
};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 2, 30, 0).unwrap() + Duration::microseconds(123_456)
}

pub fn unit(id: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        id: UnitId::parse(id).unwrap(),
        kind,
        name: format!("Đơn vị {id}"),
        parent: parent.map(|p| UnitId::parse(p).unwrap()),
        admin_code: None,
        agency_code: None,
        agency_code_official: false,
        valid_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        valid_to: None,
        successors: vec![],
        note: None,
    }
}

pub async fn seed_units(db: &Db) {
    let mut tx = db.begin_write().await.unwrap();
    for u in [unit("p48", UnitKind::Province, None), unit("c20410", UnitKind::Ward, Some("p48"))] {
        units::upsert(&mut tx, &u, t0()).await.unwrap();
    }
    tx.commit().await.unwrap();
}

pub fn officer(username: &str) -> OfficerRecord {
    OfficerRecord {
        id: Uuid::now_v7(),
        username: username.into(),
        full_name: "Nguyễn Văn A".into(),
        unit_id: "c20410".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        disabled: false,
        version: 1,
        created_at: t0(),
    }
}

pub async fn migrations_are_idempotent(db: Db) {
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    let status = db.migration_status().await.unwrap();
    assert!(!status.is_empty());
    assert!(status.iter().all(|(_, _, applied)| *applied), "{status:?}");
}

pub async fn units_round_trip_with_successors(db: Db) {
    seed_units(&db).await;
    let mut legacy = unit("qn-minh-an", UnitKind::Ward, None);
    legacy.name = "Phường Minh An".into();
    legacy.admin_code = Some("20398".into());
    legacy.agency_code = Some(AgencyCode::parse("000.00.00.H47").unwrap());
    legacy.agency_code_official = true;
    legacy.valid_from = NaiveDate::from_ymd_opt(2008, 1, 1).unwrap();
    legacy.valid_to = Some(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
    legacy.successors = vec![UnitId::parse("c20410").unwrap(), UnitId::parse("p48").unwrap()];
    legacy.note = Some("[P] test".into());

    let mut tx = db.begin_write().await.unwrap();
    units::upsert(&mut tx, &legacy, t0()).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    let all = units::all(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(all.len(), 3);
    let stored = all.iter().find(|u| u.id.as_str() == "qn-minh-an").unwrap();
    assert_eq!(stored, &legacy);

    // Upserting again replaces fields and the successor list.
    legacy.name = "Phường Minh An (cũ)".into();
    legacy.successors.truncate(1);
    let mut tx = db.begin_write().await.unwrap();
    units::upsert(&mut tx, &legacy, t0()).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let all = units::all(&mut tx).await.unwrap();
    assert_eq!(all.iter().find(|u| u.id.as_str() == "qn-minh-an").unwrap(), &legacy);

    // A parent that does not exist is refused by the foreign key.
    let orphan = unit("c1", UnitKind::Ward, Some("p99"));
    let mut tx = db.begin_write().await.unwrap();
    assert_eq!(units::upsert(&mut tx, &orphan, t0()).await, Err(StorageError::MissingReference));
}

pub async fn duplicate_username_is_classified(db: Db) {
    seed_units(&db).await;
    let mut tx = db.begin_write().await.unwrap();
    let first = officer("tiepnhan");
    officers::insert(&mut tx, &first).await.unwrap();
    let grants = vec![
        Grant { role: Role::Reception, unit: UnitId::parse("c20410").unwrap() },
        Grant { role: Role::Leader, unit: UnitId::parse("p48").unwrap() },
    ];
    officers::set_grants(&mut tx, first.id, &grants).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin_write().await.unwrap();
    let err = officers::insert(&mut tx, &officer("tiepnhan")).await.unwrap_err();
    assert!(matches!(err, StorageError::Duplicate { .. }), "{err:?}");
    tx.rollback().await.unwrap();

    let mut tx = db.read().await.unwrap();
    assert_eq!(officers::by_username(&mut tx, "TiepNhan").await.unwrap(), Some(first.clone()));
    assert_eq!(officers::by_id(&mut tx, first.id).await.unwrap(), Some(first.clone()));
    let mut stored = officers::grants(&mut tx, first.id).await.unwrap();
    stored.sort_by_key(|g| g.role.as_str());
    assert_eq!(stored, vec![grants[1].clone(), grants[0].clone()]);
    assert_eq!(officers::of_unit(&mut tx, &UnitId::parse("c20410").unwrap()).await.unwrap().len(), 1);
    assert!(officers::of_unit(&mut tx, &UnitId::parse("p48").unwrap()).await.unwrap().is_empty());
}

/// `read_one` holds no transaction: each statement sees what was committed when it started, where a SQLite read
/// transaction keeps the snapshot of its first read.
pub async fn one_statement_reads_see_each_commit(db: Db) {
    seed_units(&db).await;
    let insert = |o: OfficerRecord| {
        let db = db.clone();
        async move { db.write(move |tx| Box::pin(async move { officers::insert(tx, &o).await })).await.unwrap() }
    };
    let (first, second) = (officer("mot.cau"), officer("hai.cau"));
    insert(first.clone()).await;

    let mut one = db.read_one().await.unwrap();
    let mut snapshot = db.read().await.unwrap();
    assert_eq!(officers::by_id(&mut one, first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(officers::by_id(&mut snapshot, first.id).await.unwrap(), Some(first.clone()));
    insert(second.clone()).await;
    assert_eq!(officers::by_id(&mut one, second.id).await.unwrap(), Some(second.clone()));
    let in_snapshot = officers::by_id(&mut snapshot, second.id).await.unwrap();
    match db.backend() {
        Backend::Sqlite => assert_eq!(in_snapshot, None, "a SQLite read transaction keeps its first snapshot"),
        Backend::Postgres => assert_eq!(in_snapshot, Some(second.clone()), "read committed"),
    }
    one.commit().await.unwrap();
    snapshot.commit().await.unwrap();

    // Released and taken again, a connection sees later commits (no transaction was left open on it).
    let third = officer("ba.cau");
    insert(third.clone()).await;
    let mut again = db.read_one().await.unwrap();
    assert_eq!(officers::by_username(&mut again, "ba.cau").await.unwrap(), Some(third));
    again.rollback().await.unwrap();
}

pub async fn stale_version_is_rejected(db: Db) {
    seed_units(&db).await;
    let o = officer("thuly");
    let mut tx = db.begin_write().await.unwrap();
    officers::insert(&mut tx, &o).await.unwrap();
    officers::set_disabled(&mut tx, o.id, true, 1, t0()).await.unwrap();
    // A second writer that still holds version 1 loses.
    assert_eq!(officers::set_disabled(&mut tx, o.id, false, 1, t0()).await, Err(StorageError::StaleVersion));
    // The largest version a client can send is stale too, not an overflow (a 500 found by the API fuzzing).
    assert_eq!(officers::set_disabled(&mut tx, o.id, false, i64::MAX, t0()).await, Err(StorageError::StaleVersion));
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let stored = officers::by_id(&mut tx, o.id).await.unwrap().unwrap();
    assert!(stored.disabled);
    assert_eq!(stored.version, 2);
}

pub async fn sessions_expire(db: Db) {
    seed_units(&db).await;
    let o = officer("lanhdao");
    let session = SessionRecord {
        token_hash: "ab".repeat(32),
        officer_id: o.id,
        created_at: t0(),
        expires_at: t0() + Duration::hours(8),
        client_ip: Some("127.0.0.1".into()),
        user_agent: None,
    };
    let mut tx = db.begin_write().await.unwrap();
    officers::insert(&mut tx, &o).await.unwrap();
    sessions::insert(&mut tx, &session).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin_write().await.unwrap();
    assert_eq!(sessions::find_valid(&mut tx, &session.token_hash, t0()).await.unwrap(), Some(session.clone()));
    assert_eq!(sessions::find_valid(&mut tx, &session.token_hash, session.expires_at).await.unwrap(), None);
    assert_eq!(sessions::find_valid(&mut tx, "unknown", t0()).await.unwrap(), None);
    assert_eq!(sessions::delete_expired(&mut tx, t0() + Duration::hours(1)).await.unwrap(), 0);
    assert_eq!(sessions::delete_expired(&mut tx, t0() + Duration::hours(9)).await.unwrap(), 1);
    assert!(!sessions::delete(&mut tx, &session.token_hash).await.unwrap());
    tx.commit().await.unwrap();
}

pub fn event(subject: &str, action: &str, at: DateTime<Utc>) -> EventRecord {
    EventRecord {
        province_id: "p48".into(),
        id: Uuid::now_v7(),
        occurred_at: at,
        subject_type: "officer".into(),
        subject_id: subject.into(),
        action: action.into(),
        unit_id: Some("c20410".into()),
        actor_kind: "system".into(),
        actor_id: Some("test".into()),
        actor_unit_id: None,
        request_id: None,
        payload: Json(serde_json::json!({"tên": "Nguyễn Văn A", "n": 1})),
    }
}

pub async fn events_are_append_only(db: Db) {
    let first = event("o1", "officer.created", t0());
    let second = event("o1", "officer.disabled", t0() + Duration::seconds(1));
    let mut tx = db.begin_write().await.unwrap();
    events::append(&mut tx, &first).await.unwrap();
    events::append(&mut tx, &second).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    assert_eq!(events::of_subject(&mut tx, "officer", "o1").await.unwrap(), vec![first.clone(), second.clone()]);
    assert_eq!(events::of_units(&mut tx, &["c20410".into()], 1).await.unwrap(), vec![second.clone()]);
    assert!(events::of_units(&mut tx, &[], 10).await.unwrap().is_empty());
    tx.commit().await.unwrap();

    // The database itself refuses to rewrite history.
    let table = sea_query::Alias::new("events");
    let mut tx = db.begin_write().await.unwrap();
    let update =
        sea_query::Query::update().table(table.clone()).value(sea_query::Alias::new("action"), "tampered").to_owned();
    assert!(tx.execute(&update).await.is_err());
    tx.rollback().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    assert!(tx.execute(&sea_query::Query::delete().from_table(table).to_owned()).await.is_err());
    tx.rollback().await.unwrap();
}

pub fn job(kind: &str, run_at: DateTime<Utc>, max_attempts: i64) -> JobRecord {
    JobRecord {
        id: Uuid::now_v7(),
        kind: kind.into(),
        payload: Json(serde_json::json!({"unit": "c20410"})),
        unit_id: Some("c20410".into()),
        status: "queued".into(),
        attempts: 0,
        max_attempts,
        run_at,
        locked_until: None,
        last_error: None,
        created_at: t0(),
        finished_at: None,
    }
}

pub async fn jobs_are_claimed_once_and_retried(db: Db) {
    let due = job("test.echo", t0(), 2);
    let later = job("test.echo", t0() + Duration::hours(1), 2);
    let mut tx = db.begin_write().await.unwrap();
    jobs::enqueue(&mut tx, &due).await.unwrap();
    jobs::enqueue(&mut tx, &later).await.unwrap();
    tx.commit().await.unwrap();

    let lease = t0() + Duration::minutes(5);
    let mut tx = db.begin_write().await.unwrap();
    let claimed = jobs::claim_due(&mut tx, t0(), lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id, claimed[0].status.as_str(), claimed[0].attempts), (due.id, "running", 1));
    assert_eq!(claimed[0].locked_until, Some(lease));
    assert!(jobs::claim_due(&mut tx, t0(), lease, 10).await.unwrap().is_empty(), "never claimed twice");
    // First attempt fails: back in the queue later.
    let retry_at = t0() + Duration::seconds(10);
    jobs::fail(&mut tx, due.id, "population database timed out", Some(retry_at), t0()).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin_write().await.unwrap();
    assert!(jobs::claim_due(&mut tx, t0(), lease, 10).await.unwrap().is_empty());
    let again = jobs::claim_due(&mut tx, retry_at, lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].last_error.as_deref(), Some("population database timed out"));
    jobs::fail(&mut tx, due.id, "still down", None, retry_at).await.unwrap();
    // Finishing a job that is not running is refused.
    assert_eq!(jobs::complete(&mut tx, due.id, retry_at).await, Err(StorageError::StaleVersion));
    tx.commit().await.unwrap();

    let mut tx = db.begin_write().await.unwrap();
    let failed = jobs::recent(&mut tx, Some("failed"), 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].finished_at, Some(retry_at));
    // An administrator's retry grants one more attempt.
    jobs::retry_failed(&mut tx, due.id, retry_at).await.unwrap();
    assert_eq!(jobs::retry_failed(&mut tx, due.id, retry_at).await, Err(StorageError::NotFound));
    let third = jobs::claim_due(&mut tx, retry_at, lease, 10).await.unwrap();
    assert_eq!(third.len(), 1);
    jobs::complete(&mut tx, due.id, retry_at).await.unwrap();
    let done = jobs::get(&mut tx, due.id).await.unwrap().unwrap();
    assert_eq!((done.status.as_str(), done.attempts, done.max_attempts), ("done", 3, 3));
    assert_eq!(jobs::recent(&mut tx, None, 10).await.unwrap().len(), 2);
    tx.commit().await.unwrap();
}

pub async fn abandoned_jobs_return_to_the_queue(db: Db) {
    let j = job("test.echo", t0(), 3);
    let mut tx = db.begin_write().await.unwrap();
    jobs::enqueue(&mut tx, &j).await.unwrap();
    jobs::claim_due(&mut tx, t0(), t0() + Duration::minutes(1), 10).await.unwrap();
    assert_eq!(jobs::requeue_abandoned(&mut tx, t0() + Duration::seconds(30)).await.unwrap(), 0);
    assert_eq!(jobs::requeue_abandoned(&mut tx, t0() + Duration::minutes(2)).await.unwrap(), 1);
    let back = jobs::get(&mut tx, j.id).await.unwrap().unwrap();
    assert_eq!((back.status.as_str(), back.locked_until), ("queued", None));
    tx.commit().await.unwrap();
}

pub async fn concurrent_claims_are_disjoint(db: Db) {
    let mut tx = db.begin_write().await.unwrap();
    for _ in 0..40 {
        jobs::enqueue(&mut tx, &job("test.echo", t0(), 3)).await.unwrap();
    }
    tx.commit().await.unwrap();
    let claimers = (0..4).map(|_| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin_write().await.unwrap();
            let got = jobs::claim_due(&mut tx, t0(), t0() + Duration::minutes(1), 15).await.unwrap();
            tx.commit().await.unwrap();
            got.into_iter().map(|j| j.id).collect::<Vec<_>>()
        })
    });
    let mut all: Vec<Uuid> = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 40, "every job claimed");
    assert_eq!(unique.len(), 40, "no job claimed twice");
}

pub async fn holiday_schedules_are_versioned(db: Db) {
    use motcua_storage::calendar;
    use motcua_storage::settings::{self, Setting};
    let key = Setting::HolidaySchedule { year: 2026 };
    let first = serde_json::json!({"year": 2026, "days": [{"date": "2026-02-16", "kind": "day_off"}]});
    let second = serde_json::json!({"year": 2026, "days": []});
    let mut tx = db.begin_write().await.unwrap();
    assert_eq!(settings::put(&mut tx, &key, &first, None, t0()).await, Ok(1));
    assert_eq!(
        settings::put(&mut tx, &key, &first, None, t0()).await,
        Err(StorageError::StaleVersion),
        "already exists"
    );
    assert_eq!(settings::put(&mut tx, &key, &second, Some(1), t0()).await, Ok(2));
    assert_eq!(settings::put(&mut tx, &key, &first, Some(1), t0()).await, Err(StorageError::StaleVersion));
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let all = calendar::all(&mut tx).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].year, all[0].version, &all[0].schedule.0), (2026, 2, &second));
}

pub async fn office_hours_are_versioned_per_unit(db: Db) {
    use motcua_storage::settings::{self, Setting};
    seed_units(&db).await;
    let hoi_an = Setting::OfficeHours { unit_id: "c20410".into() };
    let unknown = Setting::OfficeHours { unit_id: "p99".into() };
    let hours = serde_json::json!({"weekdays": [], "swapped_working_day": []});
    let mut tx = db.begin_write().await.unwrap();
    assert_eq!(settings::put(&mut tx, &hoi_an, &hours, None, t0()).await, Ok(1));
    assert_eq!(settings::put(&mut tx, &hoi_an, &hours, Some(1), t0()).await, Ok(2));
    assert_eq!(settings::put(&mut tx, &hoi_an, &hours, Some(1), t0()).await, Err(StorageError::StaleVersion));
    assert_eq!(settings::put(&mut tx, &unknown, &hours, None, t0()).await, Err(StorageError::MissingReference));
    tx.rollback().await.unwrap();
}
