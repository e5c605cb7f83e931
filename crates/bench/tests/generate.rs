//! The generator (issue 8) at tiny size, on SQLite and on PostgreSQL when `MOTCUA_TEST_DATABASE_URL` is set:
//! deterministic from the seed whatever the batch size (the same rows on both backends too), and its bulk rows are
//! stored exactly as the repository's own inserts store the same records.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use motcua_app::{App, AppConfig, ManualClock};
use motcua_bench::generate::{Report, Spec, generate};
use motcua_storage::dossiers::{self, DossierRecord};
use motcua_storage::events::{self, EventRecord};
use motcua_storage::{Db, bulk};
use motcua_testkit::TestDb;
use uuid::Uuid;

/// Every dossier with its events, in id order.
type Snapshot = Vec<(DossierRecord, Vec<EventRecord>)>;

async fn snapshot(db: &Db) -> Snapshot {
    let mut tx = db.read().await.unwrap();
    let mut out = Vec::new();
    for id in bulk::dossier_ids(&mut tx).await.unwrap() {
        let dossier = dossiers::get(&mut tx, id).await.unwrap().unwrap();
        let events = events::of_subject(&mut tx, "dossier", &id.to_string()).await.unwrap();
        out.push((dossier, events));
    }
    tx.commit().await.unwrap();
    out
}

async fn run(db: Db, seed: u64, batch: usize) -> (Report, Snapshot) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db.clone(), clock, AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let indexes = {
        let mut tx = db.read().await.unwrap();
        bulk::secondary_indexes(&mut tx).await.unwrap()
    };
    assert!(indexes.iter().any(|i| i.name == "dossiers_open_unit") && indexes.iter().any(|i| i.name == "events_unit"));
    let spec = Spec { dossiers: 240, seed, units: vec!["p48".into()], days: 30, batch, officers: 2 };
    let mut seen = Vec::new();
    let report = generate(&app, &spec, |p| seen.push(p.dossiers)).await.unwrap();
    assert_eq!(seen.last(), Some(&240), "the last progress report is the whole load: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    // Into a fresh database the secondary indexes were built after the rows: all of them, as they were, and the
    // deferral is on record.
    let mut tx = db.read().await.unwrap();
    assert_eq!(bulk::secondary_indexes(&mut tx).await.unwrap(), indexes);
    let recorded = events::of_subject(&mut tx, "database", "bulk-load").await.unwrap();
    let actions: Vec<&str> = recorded.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["bulk.indexes_deferred", "bulk.indexes_restored"]);
    // The open-dossier indexes (partial) were kept up to date during the load, not dropped and built again.
    let deferred: Vec<&str> =
        recorded[0].payload.0["indexes"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert!(deferred.contains(&"events_unit") && deferred.contains(&"dossiers_applicant"), "{deferred:?}");
    assert!(!deferred.iter().any(|name| name.starts_with("dossiers_open_")), "{deferred:?}");
    tx.commit().await.unwrap();
    (report, snapshot(&db).await)
}

/// A copy of a generated dossier and its events, written by the repository's own inserts under other ids, reads
/// back exactly as the bulk-loaded original (same columns, same encodings).
async fn bulk_rows_read_back_like_repository_rows(db: &Db, original: &(DossierRecord, Vec<EventRecord>)) {
    let (dossier, events) = original;
    let id = Uuid::now_v7();
    let copy = DossierRecord { id, code: Some(format!("COPY-{id}")), ..dossier.clone() };
    let copied_events: Vec<EventRecord> =
        events.iter().map(|e| EventRecord { id: Uuid::now_v7(), subject_id: id.to_string(), ..e.clone() }).collect();
    let mut tx = db.begin_write().await.unwrap();
    dossiers::insert(&mut tx, &copy).await.unwrap();
    for e in &copied_events {
        events::append(&mut tx, e).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    let read = dossiers::get(&mut tx, id).await.unwrap().unwrap();
    let read_events = events::of_subject(&mut tx, "dossier", &id.to_string()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(DossierRecord { id: dossier.id, code: dossier.code.clone(), ..read }, *dossier);
    assert_eq!(read_events.len(), events.len());
    for (read, original) in read_events.into_iter().zip(events) {
        assert_eq!(EventRecord { id: original.id, subject_id: original.subject_id.clone(), ..read }, *original);
    }
}

async fn deterministic(fresh: impl AsyncFn() -> TestDb) -> Snapshot {
    let (a_db, b_db, c_db) = (fresh().await, fresh().await, fresh().await);
    // Small batches (many transactions) and one batch give the same rows.
    let (report, a) = run(a_db.db(), 7, 17).await;
    let (_, b) = run(b_db.db(), 7, 10_000).await;
    let (_, c) = run(c_db.db(), 8, 17).await;
    assert_eq!(report.dossiers, 240);
    assert_eq!(report.by_status.values().sum::<u64>(), 240);
    assert_eq!(report.events, a.iter().map(|(_, e)| e.len() as u64).sum::<u64>());
    assert!(report.events >= 240, "every dossier has at least its reception: {}", report.events);
    assert_eq!(a.len(), 240);
    assert!(a == b, "the same seed gave different rows");
    assert!(a != c, "another seed gave the same rows");
    // Open dossiers fill the inboxes, closed ones have their closing instant.
    assert!(a.iter().any(|(d, _)| d.closed_at.is_none()) && a.iter().any(|(d, _)| d.closed_at.is_some()));
    bulk_rows_read_back_like_repository_rows(&a_db.db(), &a[0]).await;
    let open = a.iter().find(|(d, _)| d.deadline.is_some() && d.closed_at.is_none()).unwrap();
    bulk_rows_read_back_like_repository_rows(&a_db.db(), open).await;
    for t in [a_db, b_db, c_db] {
        t.finish().await;
    }
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generator_is_deterministic_on_sqlite_and_postgres() {
    let sqlite = deterministic(async || TestDb::sqlite().await).await;
    if motcua_testkit::postgres_url().is_some() {
        let postgres = deterministic(async || TestDb::postgres().await.unwrap()).await;
        assert!(sqlite == postgres, "SQLite and PostgreSQL were given different rows");
    }
}
