//! The group-commit writer: one commit for many requests, each isolated.

use std::sync::Arc;

use futures::future::BoxFuture;
use motcua_storage::{Db, StorageError, Tx};
use motcua_storage::{events, officers};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::cases::{event, officer, seed_units, t0};

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

/// Inside the writer, inserts are held back and sent with the end of their write ([`motcua_storage::Tx::append`]).
/// An insert that then fails fails its own write alone — including what it held back before the failing one — and
/// a write that reads after appending sees its own rows. Outside the writer an append runs at once.
pub async fn held_back_inserts_fail_only_their_own_write(db: Db) {
    seed_units(&db).await;
    let stored = event("o-stored", "officer.created", t0());
    db.write({
        let stored = stored.clone();
        move |tx| Box::pin(async move { events::append(tx, &stored).await })
    })
    .await
    .unwrap();
    let before = db.write_stats();

    let release = Arc::new(Notify::new());
    let gate = {
        let release = release.clone();
        in_background(&db, move |_tx| {
            Box::pin(async move {
                release.notified().await;
                Ok(())
            })
        })
    };
    while db.write_stats().writes == before.writes {
        tokio::task::yield_now().await;
    }
    let two = [event("o-a", "officer.created", t0()), event("o-a", "officer.disabled", t0())];
    let mut broken = event("o-b", "officer.created", t0());
    let lost = event("o-b", "officer.disabled", t0());
    broken.id = stored.id;
    broken.province_id = stored.province_id.clone();
    let read_back = event("o-c", "officer.created", t0());
    let a = in_background(&db, move |tx| {
        Box::pin(async move {
            for e in &two {
                events::append(tx, e).await?;
            }
            Ok(())
        })
    });
    let b = in_background(&db, move |tx| {
        Box::pin(async move {
            events::append(tx, &lost).await?;
            events::append(tx, &broken).await
        })
    });
    let c = in_background(&db, move |tx| {
        Box::pin(async move {
            events::append(tx, &read_back).await?;
            Ok(events::of_subject(tx, "officer", "o-c").await?.len())
        })
    });
    while db.write_stats().queued < 3 {
        tokio::task::yield_now().await;
    }
    release.notify_one();
    gate.await.unwrap().unwrap();
    a.await.unwrap().unwrap();
    let err = b.await.unwrap().unwrap_err();
    assert!(matches!(err, StorageError::Duplicate { .. }), "{err:?}");
    assert_eq!(c.await.unwrap().unwrap(), 1, "the write read its own held-back insert");
    let after = db.write_stats();
    assert_eq!(after.commits - before.commits, 2, "the gate's batch, then one for the three");
    assert_eq!(after.failed_writes - before.failed_writes, 1);

    let mut tx = db.read().await.unwrap();
    assert_eq!(events::of_subject(&mut tx, "officer", "o-a").await.unwrap().len(), 2);
    assert!(events::of_subject(&mut tx, "officer", "o-b").await.unwrap().is_empty(), "nothing of the failed write");
    assert_eq!(events::of_subject(&mut tx, "officer", "o-c").await.unwrap().len(), 1);
    tx.commit().await.unwrap();

    // Outside the writer, the same failure is reported by the append itself.
    let mut tx = db.begin_write().await.unwrap();
    let err = events::append(&mut tx, &stored).await.unwrap_err();
    assert!(matches!(err, StorageError::Duplicate { .. }), "{err:?}");
    tx.rollback().await.unwrap();
}

/// Queues `work` on the writer from a task of its own, so that the caller can line up several writes.
fn in_background<T, F>(db: &Db, work: F) -> JoinHandle<Result<T, StorageError>>
where
    F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, StorageError>> + Send + 'static,
    T: Send + 'static,
{
    let db = db.clone();
    tokio::spawn(async move { db.write(work).await })
}
