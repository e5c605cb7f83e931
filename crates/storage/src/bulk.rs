//! Bulk loading for the synthetic data generator (issue 8): many rows per statement, many statements per
//! transaction, outside the group-commit writer. The rows' columns and values are those of [`crate::dossiers`] and
//! [`crate::events`], so a column added there is loaded here too.

use chrono::NaiveDate;
use sea_query::{Expr, ExprTrait, OnConflict, Query};

use crate::db::{Backend, Tx};
use crate::dossiers::{self, DossierRecord, DossierSequences, Dossiers};
use crate::error::StorageError;
use crate::events::{self, EventRecord, Events};

/// Rows per multi-row `INSERT`: below each engine's limit of bound parameters (SQLite 32,766, PostgreSQL 65,535),
/// and small enough that one statement stays a few hundred kilobytes.
fn rows_per_statement(backend: Backend, columns: usize) -> usize {
    let parameters = match backend {
        Backend::Sqlite => 32_766,
        Backend::Postgres => 65_535,
    };
    (parameters / columns).min(1_000)
}

/// Inserts dossiers, in statements of many rows each.
pub async fn insert_dossiers(tx: &mut Tx, rows: &[DossierRecord]) -> Result<(), StorageError> {
    for chunk in rows.chunks(rows_per_statement(tx.backend(), dossiers::COLUMNS.len())) {
        let mut insert = Query::insert();
        insert.into_table(Dossiers::Table).columns(dossiers::COLUMNS);
        for row in chunk {
            insert.values_panic(dossiers::values(row));
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// Appends events, in statements of many rows each.
pub async fn insert_events(tx: &mut Tx, rows: &[EventRecord]) -> Result<(), StorageError> {
    for chunk in rows.chunks(rows_per_statement(tx.backend(), events::COLUMNS.len())) {
        let mut insert = Query::insert();
        insert.into_table(Events::Table).columns(events::COLUMNS);
        for row in chunk {
            insert.values_panic(events::values(row));
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// One daily sequence of dossier codes: the agency code, the local day, the last number issued.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SequenceRow {
    /// The agency code of the codes.
    pub agency_code: String,
    /// The local day.
    pub day: NaiveDate,
    /// The last number issued that day.
    pub last_value: i64,
}

/// Every daily sequence (a generator continues them, so its codes never collide with issued ones).
pub async fn sequences(tx: &mut Tx) -> Result<Vec<SequenceRow>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns([DossierSequences::AgencyCode, DossierSequences::Day, DossierSequences::LastValue])
            .from(DossierSequences::Table),
    )
    .await
}

/// Raises daily sequences to at least the given last values (never lowers one: numbers already issued stay
/// issued), so that later receptions continue after the bulk-loaded codes.
pub async fn raise_sequences(tx: &mut Tx, rows: &[SequenceRow]) -> Result<(), StorageError> {
    for chunk in rows.chunks(rows_per_statement(tx.backend(), 3)) {
        let mut insert = Query::insert();
        insert
            .into_table(DossierSequences::Table)
            .columns([DossierSequences::AgencyCode, DossierSequences::Day, DossierSequences::LastValue])
            .on_conflict(
                OnConflict::columns([DossierSequences::AgencyCode, DossierSequences::Day])
                    .update_column(DossierSequences::LastValue)
                    .action_and_where(
                        Expr::col((DossierSequences::Table, DossierSequences::LastValue))
                            .lt(Expr::col((sea_query::Alias::new("excluded"), DossierSequences::LastValue))),
                    )
                    .to_owned(),
            );
        for row in chunk {
            insert.values_panic([row.agency_code.clone().into(), row.day.into(), row.last_value.into()]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// How many dossiers are stored.
pub async fn count_dossiers(tx: &mut Tx) -> Result<i64, StorageError> {
    let (n,): (i64,) =
        tx.fetch_one(Query::select().expr(Expr::col(Dossiers::Id).count()).from(Dossiers::Table)).await?;
    Ok(n)
}
