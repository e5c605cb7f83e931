//! The inbox's query plan on SQLite: every scope reads its queue's partial index of open dossiers, never the table.
//! (A two-step page — ids from a covering index, then 50 rows — was measured at 1M dossiers and gained nothing:
//! BENCHMARKS.md.)

use motcua_storage::Backend;
use motcua_storage::dossiers::{InboxScope, inbox_sql, queue_sql};
use motcua_testkit::TestDb;

async fn plan(url: &str, sql: &str) -> String {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let rows: Vec<(i64, i64, i64, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}"))).fetch_all(&pool).await.unwrap();
    pool.close().await;
    rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn inbox_pages_read_the_queue_indexes() {
    let t = TestDb::sqlite().await;
    let units = vec!["u1".to_owned(), "u2".to_owned(), "u3".to_owned()];
    let cases = [
        (InboxScope::Units(units.clone()), "INDEX dossiers_open_unit"),
        (InboxScope::Units(vec!["u1".into()]), "INDEX dossiers_open_unit"),
        (InboxScope::UnitsInStatus(units, vec!["accepted".into()]), "INDEX dossiers_open_status"),
        (InboxScope::Assignee("officer".into()), "INDEX dossiers_open_assignee"),
    ];
    for (scope, expected) in cases {
        let after = Some((chrono::Utc::now(), uuid::Uuid::nil()));
        for keyset in [None, after] {
            let plan = plan(&t.url(), &inbox_sql(Backend::Sqlite, &scope, keyset)).await;
            assert!(
                plan.contains(expected),
                "{scope:?} {keyset:?}: expected {expected} in\n{plan}\n{}",
                inbox_sql(Backend::Sqlite, &scope, keyset)
            );
            assert!(!plan.contains("SCAN dossiers"), "{scope:?}: a full scan in\n{plan}");
        }
    }
    t.finish().await;
}

/// The open-dossier queue (`/api/v1/dossiers/queue`) reads a partial index of open dossiers (0016 dropped the full
/// `dossiers_queue` index it used to read).
#[tokio::test]
async fn the_queue_reads_an_open_dossier_index() {
    let t = TestDb::sqlite().await;
    let units = ["u1".to_owned(), "u2".to_owned()];
    let sql = queue_sql(Backend::Sqlite, &units, &["accepted", "processing"]);
    let plan = plan(&t.url(), &sql).await;
    assert!(plan.contains("INDEX dossiers_open_"), "expected an open-dossier index in\n{plan}\n{sql}");
    assert!(!plan.contains("SCAN dossiers"), "a full scan in\n{plan}");
    t.finish().await;
}

/// "My dossiers" and "the organisation's dossiers" (`citizens::dossiers_of_applicant` / `_of_organisation`, same
/// expressions) read their expression indexes.
#[tokio::test]
async fn applicant_lists_read_their_indexes() {
    let t = TestDb::sqlite().await;
    let cases = [
        (
            "SELECT * FROM dossiers WHERE (applicant ->> 'id_number') = '048203000001' \
             AND (applicant -> 'organisation' ->> 'tax_code') IS NULL ORDER BY created_at DESC LIMIT 200",
            "INDEX dossiers_applicant ",
        ),
        (
            "SELECT * FROM dossiers WHERE (applicant -> 'organisation' ->> 'tax_code') = '0401234566' \
             ORDER BY created_at DESC LIMIT 200",
            "INDEX dossiers_applicant_organisation",
        ),
    ];
    for (sql, expected) in cases {
        let plan = plan(&t.url(), sql).await;
        assert!(plan.contains(expected), "expected {expected} in\n{plan}");
        assert!(!plan.contains("SCAN dossiers"), "a full scan in\n{plan}");
    }
    t.finish().await;
}
