//! SQLite's write-ahead log stays bounded when writes follow each other closely: checkpoints run on a reader, and
//! past `wal_limit_pages` the writer finishes one so the log starts again (a 10-million-dossier load once grew it
//! past 30 GB).

use motcua_storage::events;
use motcua_storage::{Db, DbOptions};
use motcua_testkit::TestDb;
use sqlx::types::Json;

use crate::cases::{event, t0};

#[tokio::test]
async fn the_write_ahead_log_stays_bounded_under_back_to_back_writes() {
    let t = TestDb::sqlite().await;
    let options = DbOptions { wal_limit_pages: 64, ..DbOptions::default() };
    let db = Db::connect(&t.url(), &options).await.unwrap();
    let wal = format!("{}-wal", t.url().trim_start_matches("sqlite://"));
    let payload = serde_json::json!({ "padding": "x".repeat(4000) });
    let mut largest = 0;
    // 150 transactions of 32 events of ~4 kB: ~20 MB through the log, each write begun as the last one commits.
    for n in 0..150 {
        let mut tx = db.begin_write().await.unwrap();
        for i in 0..32 {
            let mut e = event(&format!("o{n}-{i}"), "officer.padded", t0());
            e.payload = Json(payload.clone());
            events::append(&mut tx, &e).await.unwrap();
        }
        tx.commit().await.unwrap();
        largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
    }
    assert!(largest < 4 << 20, "the log grew to {largest} bytes with a limit of 64 pages (256 kB)");
    let mut tx = db.read().await.unwrap();
    assert_eq!(events::of_subject(&mut tx, "officer", "o149-31").await.unwrap().len(), 1, "the last write is there");
    tx.commit().await.unwrap();
    db.close().await;
    t.finish().await;
}
