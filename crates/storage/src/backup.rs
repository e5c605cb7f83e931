//! Backups of the embedded database: a consistent copy taken while the server runs, and every table's rows, which
//! a restored copy is compared against. PostgreSQL is backed up with its own `pg_dump` (docs/backup.md).

use std::path::Path;

use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row as _};

use crate::db::{Db, Pool};
use crate::error::StorageError;

/// Writes a consistent copy of the SQLite database to `dest`, which must not exist yet, while the server may be
/// writing. `VACUUM INTO` reads the whole database inside one read transaction of a reader connection, so the copy
/// is exactly one committed state: no write is half in it, and the writer is never blocked (WAL readers do not
/// block it). The copy is a complete database file of its own, without a `-wal` beside it.
pub async fn sqlite_snapshot(db: &Db, dest: &Path) -> Result<(), StorageError> {
    let Pool::Sqlite { read, .. } = &db.pool else {
        return Err(StorageError::Unavailable("an online snapshot is taken of SQLite; PostgreSQL uses pg_dump".into()));
    };
    let dest = dest
        .to_str()
        .ok_or_else(|| StorageError::Unavailable(format!("backup file name is not UTF-8: {}", dest.display())))?;
    // `VACUUM INTO` takes an expression: the file name is a bound parameter, never spliced into the SQL.
    sqlx::query("VACUUM INTO ?").bind(dest).persistent(false).execute(read).await?;
    Ok(())
}

/// One table's rows, each value rendered by SQLite's `quote()` (text quoted, blobs in hex, `NULL`), in rowid order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    /// The table's name.
    pub table: String,
    /// Its column names, in their declared order.
    pub columns: Vec<String>,
    /// Its rows.
    pub rows: Vec<Vec<String>>,
}

/// Every table of a SQLite database (the application's, the migrations' and SQLite's own, by name) with all its
/// rows, read in one snapshot: what a restored copy must reproduce exactly. Everything is held in memory: for
/// tests and restore drills, not for a production-sized database.
pub async fn sqlite_table_rows(db: &Db) -> Result<Vec<TableRows>, StorageError> {
    let Pool::Sqlite { read, .. } = &db.pool else {
        return Err(StorageError::Unavailable("table rows are compared on SQLite".into()));
    };
    let mut tx = read.begin().await?;
    let tables: Vec<(String,)> =
        sqlx::query_as("select name from sqlite_master where type = 'table' order by name").fetch_all(&mut *tx).await?;
    let mut out = Vec::with_capacity(tables.len());
    for (table,) in tables {
        let columns: Vec<(String,)> = sqlx::query_as("select name from pragma_table_info(?) order by cid")
            .bind(&table)
            .fetch_all(&mut *tx)
            .await?;
        let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
        if columns.is_empty() {
            continue;
        }
        // Names come from sqlite_master itself; quoted as identifiers all the same.
        let list: Vec<String> = columns.iter().map(|c| format!("quote({})", identifier(c))).collect();
        let sql = format!("select {} from {} order by rowid", list.join(", "), identifier(&table));
        let rows: Vec<SqliteRow> = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
        let rows = rows
            .iter()
            .map(|row| (0..columns.len()).map(|i| row.try_get::<String, _>(i)).collect::<Result<Vec<_>, _>>())
            .collect::<Result<Vec<_>, _>>()?;
        out.push(TableRows { table, columns, rows });
    }
    tx.commit().await?;
    Ok(out)
}

/// A SQL identifier in double quotes, inner quotes doubled.
fn identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DbOptions;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(identifier("events"), "\"events\"");
        assert_eq!(identifier("a\"b"), "\"a\"\"b\"");
    }

    #[tokio::test]
    async fn a_snapshot_holds_every_row_and_refuses_an_existing_file() {
        let t = motcua_testkit::TestDb::sqlite().await;
        let db = Db::connect(&t.url(), &DbOptions::default()).await.unwrap();
        db.migrate().await.unwrap();
        let dir = tempfile_dir();
        let dest = dir.join("it's a copy.db");
        sqlite_snapshot(&db, &dest).await.unwrap();
        let copy = Db::connect(&format!("sqlite://{}", dest.display()), &DbOptions::default()).await.unwrap();
        let original = sqlite_table_rows(&db).await.unwrap();
        assert!(original.iter().any(|t| t.table == "events"), "the application's tables are listed");
        assert!(original.iter().any(|t| t.table == "_sqlx_migrations" && !t.rows.is_empty()));
        assert_eq!(sqlite_table_rows(&copy).await.unwrap(), original);
        copy.close().await;
        // VACUUM INTO never overwrites a database.
        assert!(sqlite_snapshot(&db, &dest).await.is_err());
        db.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
        t.finish().await;
    }

    /// Writers keep committing pairs of rows that sum to zero while the snapshot is taken: the copy holds whole
    /// transactions only, and is a sound database.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_snapshot_taken_during_writes_holds_whole_transactions() {
        let t = motcua_testkit::TestDb::sqlite().await;
        let db = Db::connect(&t.url(), &DbOptions::default()).await.unwrap();
        let Pool::Sqlite { write, .. } = &db.pool else { unreachable!("a SQLite URL") };
        sqlx::raw_sql("create table pairs (n integer not null)").execute(write).await.unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (write, stop) = (write.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0i64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 200 {
                    n += 1;
                    let mut tx = write.begin().await.unwrap();
                    sqlx::query("insert into pairs (n) values (?)").bind(n).execute(&mut *tx).await.unwrap();
                    sqlx::query("insert into pairs (n) values (?)").bind(-n).execute(&mut *tx).await.unwrap();
                    tx.commit().await.unwrap();
                }
            })
        };
        let dir = tempfile_dir();
        let dest = dir.join("copy.db");
        sqlite_snapshot(&db, &dest).await.unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writer.await.unwrap();
        let copy = Db::connect(&format!("sqlite://{}", dest.display()), &DbOptions::default()).await.unwrap();
        let Pool::Sqlite { read, .. } = &copy.pool else { unreachable!("a SQLite URL") };
        let (count, sum): (i64, i64) =
            sqlx::query_as("select count(*), coalesce(sum(n), 0) from pairs").fetch_one(read).await.unwrap();
        assert_eq!((count % 2, sum), (0, 0), "whole transactions only ({count} rows)");
        let (check,): (String,) = sqlx::query_as("pragma integrity_check").fetch_one(read).await.unwrap();
        assert_eq!(check, "ok");
        copy.close().await;
        db.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
        t.finish().await;
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("motcua-backup-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
