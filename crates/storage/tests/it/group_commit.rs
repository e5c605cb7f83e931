//! The group-commit writer: one commit for many requests, each isolated.

use std::sync::Arc;

use motcua_storage::officers;
use motcua_storage::{Db, StorageError};
use tokio::sync::Notify;

use crate::cases::{officer, seed_units};

/// Twenty requests arrive while a commit is in progress; one of them breaks a unique
/// constraint. The other nineteen commit (in one shared transaction), the broken one
/// gets its own error, and nothing of it is stored.
pub async fn group_commit_isolates_a_failing_write(db: Db) {
    seed_units(&db).await;
    let taken = officer("trung.ten");
    {
        let taken = taken.clone();
        db.write(move |tx| Box::pin(async move { officers::insert(tx, &taken).await })).await.unwrap();
    }
    let before = db.write_stats();

    // Hold the writer inside a first request until the others are queued behind it.
    let release = Arc::new(Notify::new());
    let gate = {
        let (db, release) = (db.clone(), release.clone());
        let first = officer("nguoi.dau");
        tokio::spawn(async move {
            db.write(move |tx| {
                Box::pin(async move {
                    release.notified().await;
                    officers::insert(tx, &first).await
                })
            })
            .await
        })
    };
    while db.write_stats().writes == before.writes {
        tokio::task::yield_now().await;
    }

    let mut requests = Vec::new();
    for i in 0..20 {
        let db = db.clone();
        let mut o = officer(&format!("can.bo.{i}"));
        if i == 7 {
            o.username = taken.username.clone();
        }
        requests.push(tokio::spawn(async move {
            db.write(move |tx| Box::pin(async move { officers::insert(tx, &o).await.map(|()| o.id) })).await
        }));
    }
    while db.write_stats().queued < 20 {
        tokio::task::yield_now().await;
    }
    release.notify_one();
    gate.await.unwrap().unwrap();

    let mut committed = Vec::new();
    for (i, request) in requests.into_iter().enumerate() {
        match request.await.unwrap() {
            Ok(id) => committed.push(id),
            Err(e) => {
                assert_eq!(i, 7);
                assert!(matches!(e, StorageError::Duplicate { .. }), "{e:?}");
            }
        }
    }
    assert_eq!(committed.len(), 19);

    let after = db.write_stats();
    assert_eq!(after.commits - before.commits, 2, "the gate's batch, then one batch for all twenty");
    assert_eq!(after.failed_writes - before.failed_writes, 1);
    assert!(after.max_batch >= 20);

    let mut tx = db.read().await.unwrap();
    for id in committed {
        assert!(officers::by_id(&mut tx, id).await.unwrap().is_some());
    }
    let unit = motcua_domain::unit::UnitId::parse("c20410").unwrap();
    assert_eq!(officers::of_unit(&mut tx, &unit).await.unwrap().len(), 21, "19 + the gate + the first");
}

/// Writes submitted one after another are each durable once acknowledged, and a
/// failing write leaves no trace while later writes still succeed.
pub async fn sequential_writes_commit_one_by_one(db: Db) {
    seed_units(&db).await;
    for i in 0..5 {
        let o = officer(&format!("tuan.tu.{i}"));
        let id = o.id;
        let got = db.write(move |tx| Box::pin(async move { officers::insert(tx, &o).await.map(|()| o.id) })).await;
        assert_eq!(got, Ok(id));
    }
    let dup = officer("tuan.tu.0");
    let err = db.write(move |tx| Box::pin(async move { officers::insert(tx, &dup).await })).await.unwrap_err();
    assert!(matches!(err, StorageError::Duplicate { .. }));
    let stats = db.write_stats();
    assert_eq!((stats.writes, stats.failed_writes, stats.commits, stats.queued), (6, 1, 6, 0));
    let mut tx = db.read().await.unwrap();
    let unit = motcua_domain::unit::UnitId::parse("c20410").unwrap();
    assert_eq!(officers::of_unit(&mut tx, &unit).await.unwrap().len(), 5);
}

/// A write that panics is undone alone; the writer keeps serving later writes.
pub async fn a_panicking_write_does_not_stop_the_writer(db: Db) {
    seed_units(&db).await;
    let broken = officer("se.hong");
    let err = db
        .write(move |tx| {
            Box::pin(async move {
                officers::insert(tx, &broken).await?;
                if broken.username == "se.hong" {
                    panic!("a bug inside a write");
                }
                Ok::<_, StorageError>(())
            })
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StorageError::Other(_)), "{err:?}");
    let fine = officer("van.chay");
    let id = fine.id;
    db.write(move |tx| Box::pin(async move { officers::insert(tx, &fine).await })).await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert!(officers::by_id(&mut tx, id).await.unwrap().is_some());
    assert!(officers::by_username(&mut tx, "se.hong").await.unwrap().is_none(), "the panicking write left nothing");
}
