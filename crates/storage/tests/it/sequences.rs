//! Dossier code sequences: consecutive, without gaps or duplicates, under concurrency and across processes.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use motcua_storage::dossiers::next_sequence;
use motcua_storage::{Db, DbOptions, StorageError};
use motcua_testkit::TestDb;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

/// `n` concurrent writes through the group-commit writer; every fifth one fails after taking its number. The
/// committed numbers are exactly 1..=successes: the failed ones gave theirs back.
async fn group_commit_gives_failed_numbers_back(db: Db) {
    let mut tasks = Vec::new();
    for i in 0..200 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.write(move |tx| {
                Box::pin(async move {
                    let n = next_sequence(tx, "000.00.00.H17", day()).await?;
                    if i % 5 == 0 { Err(StorageError::Other("reception refused".into())) } else { Ok(n) }
                })
            })
            .await
        }));
    }
    let mut committed = BTreeSet::new();
    for task in tasks {
        if let Ok(n) = task.await.unwrap() {
            assert!(committed.insert(n), "duplicate {n}");
        }
    }
    assert_eq!(committed.len(), 160);
    assert_eq!(committed, (1..=160).collect::<BTreeSet<i64>>());
    // Another unit and another day count on their own.
    let other = db.write(|tx| Box::pin(async move { next_sequence(tx, "000.00.01.H17", day()).await })).await.unwrap();
    assert_eq!(other, 1);
    let next_day = day().succ_opt().unwrap();
    let other = db.write(move |tx| Box::pin(async move { next_sequence(tx, "000.00.00.H17", next_day).await })).await;
    assert_eq!(other.unwrap(), 1);
}

/// Two server processes (two connection pools) on one database, each with its own transactions.
async fn two_processes_share_one_sequence(url: String) {
    let options = DbOptions::default();
    let (a, b) = (Db::connect(&url, &options).await.unwrap(), Db::connect(&url, &options).await.unwrap());
    let mut tasks = Vec::new();
    for i in 0..120 {
        let db = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let mut tx = db.begin_write().await?;
            let n = next_sequence(&mut tx, "000.00.00.H47", day()).await?;
            tx.commit().await?;
            Ok::<i64, StorageError>(n)
        }));
    }
    let mut seen = BTreeSet::new();
    for task in tasks {
        let n = task.await.unwrap().unwrap();
        assert!(seen.insert(n), "duplicate {n}");
    }
    assert_eq!(seen, (1..=120).collect::<BTreeSet<i64>>());
    a.close().await;
    b.close().await;
}

/// Receptions at several agencies through a writer with four lanes: each agency's writes share a lane, so no batch
/// ever waits on (or deadlocks with) another lane holding the same agency's sequence row. Unkeyed, batches of
/// interleaved agencies took the rows in opposite orders and PostgreSQL aborted some of them as deadlocks.
async fn keyed_writes_across_lanes_never_conflict(url: String) {
    let options = DbOptions { writer_lanes: 4, ..DbOptions::default() };
    let db = Db::connect(&url, &options).await.unwrap();
    let agencies = ["000.10.00.H17", "000.11.00.H17", "000.12.00.H17", "000.13.00.H17", "000.14.00.H17"];
    let mut tasks = Vec::new();
    for i in 0..600 {
        let db = db.clone();
        let agency = agencies[i % agencies.len()];
        tasks.push(tokio::spawn(async move {
            let n = db
                .write_keyed(agency, move |tx| Box::pin(async move { next_sequence(tx, agency, day()).await }))
                .await?;
            Ok::<_, StorageError>((agency, n))
        }));
    }
    let mut seen: std::collections::BTreeMap<&str, BTreeSet<i64>> = Default::default();
    for task in tasks {
        let (agency, n) = task.await.unwrap().expect("no keyed write fails");
        assert!(seen.entry(agency).or_default().insert(n), "duplicate {agency} {n}");
    }
    for agency in agencies {
        assert_eq!(seen[agency], (1..=120).collect::<BTreeSet<i64>>(), "{agency}");
    }
    assert_eq!(db.write_stats().failed_writes, 0);
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_sequences() {
    let t = TestDb::sqlite().await;
    group_commit_gives_failed_numbers_back(t.db()).await;
    two_processes_share_one_sequence(t.url()).await;
    keyed_writes_across_lanes_never_conflict(t.url()).await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_sequences() {
    let Some(t) = TestDb::postgres().await else { return };
    group_commit_gives_failed_numbers_back(t.db()).await;
    two_processes_share_one_sequence(t.url()).await;
    keyed_writes_across_lanes_never_conflict(t.url()).await;
    t.finish().await;
}
