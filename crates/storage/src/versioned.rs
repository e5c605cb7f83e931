//! Documents stored whole under a key, with an optimistic version: yearly schedules,
//! office hours. One implementation of "insert if new, else update if unchanged since read".

use chrono::{DateTime, Utc};
use sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};

use crate::db::Tx;
use crate::error::StorageError;

/// A table holding versioned documents: `<key>`, `<document>`, `version`, `updated_at`.
pub(crate) struct VersionedTable {
    pub table: &'static str,
    pub key: &'static str,
    pub document: &'static str,
}

/// Stores `document` under `key`. `expected_version` is the version the caller read, or
/// `None` for a key not stored yet; any other writer in between gives
/// [`StorageError::StaleVersion`]. Returns the new version.
pub(crate) async fn put(
    tx: &mut Tx,
    spec: &VersionedTable,
    key: sea_query::Value,
    document: &serde_json::Value,
    expected_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let (table, key_col, doc_col) = (Alias::new(spec.table), Alias::new(spec.key), Alias::new(spec.document));
    let (version_col, updated_col) = (Alias::new("version"), Alias::new("updated_at"));
    let changed = match expected_version {
        None => {
            let mut insert = Query::insert();
            insert
                .into_table(table)
                .columns([key_col.clone(), doc_col, version_col, updated_col])
                .values_panic([Expr::value(key), document.clone().into(), 1_i64.into(), now.into()])
                .on_conflict(OnConflict::column(key_col).do_nothing().to_owned());
            tx.execute(&insert).await?
        }
        Some(version) => {
            tx.execute(
                Query::update()
                    .table(table)
                    .values([
                        (doc_col, document.clone().into()),
                        (version_col.clone(), (version + 1).into()),
                        (updated_col, now.into()),
                    ])
                    .and_where(Expr::col(key_col).eq(key))
                    .and_where(Expr::col(version_col).eq(version)),
            )
            .await?
        }
    };
    if changed == 1 { Ok(expected_version.map_or(1, |v| v + 1)) } else { Err(StorageError::StaleVersion) }
}
