//! The bulk path of the generator: daily sequences are raised, never lowered, and live receptions continue after
//! the bulk-loaded numbers.

use chrono::NaiveDate;
use motcua_storage::Db;
use motcua_storage::bulk::{SequenceRow, raise_sequences, sequences};
use motcua_storage::dossiers::next_sequence;
use motcua_testkit::TestDb;

fn row(agency: &str, day: u32, last_value: i64) -> SequenceRow {
    SequenceRow { agency_code: agency.into(), day: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(), last_value }
}

async fn sequences_are_raised_never_lowered(db: Db) {
    let mut tx = db.begin_write().await.unwrap();
    // A live reception already took number 1 on the 27th.
    assert_eq!(next_sequence(&mut tx, "000.50.00.H17", row("", 27, 0).day).await.unwrap(), 1);
    raise_sequences(&mut tx, &[row("000.50.00.H17", 26, 40), row("000.50.00.H17", 27, 7)]).await.unwrap();
    // A second load with lower values changes nothing.
    raise_sequences(&mut tx, &[row("000.50.00.H17", 26, 3), row("000.50.00.H17", 27, 2)]).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin_write().await.unwrap();
    let mut stored = sequences(&mut tx).await.unwrap();
    stored.sort_by_key(|r| r.day);
    assert_eq!(stored, vec![row("000.50.00.H17", 26, 40), row("000.50.00.H17", 27, 7)]);
    assert_eq!(next_sequence(&mut tx, "000.50.00.H17", row("", 26, 0).day).await.unwrap(), 41);
    assert_eq!(next_sequence(&mut tx, "000.50.00.H17", row("", 27, 0).day).await.unwrap(), 8);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn bulk_sequences_on_sqlite() {
    let t = TestDb::sqlite().await;
    sequences_are_raised_never_lowered(t.db()).await;
    t.finish().await;
}

#[tokio::test]
async fn bulk_sequences_on_postgres() {
    let Some(t) = TestDb::postgres().await else { return };
    sequences_are_raised_never_lowered(t.db()).await;
    t.finish().await;
}
