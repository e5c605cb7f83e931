//! Online drafts: what a logged-in citizen has typed into a procedure's e-form, one row per citizen and procedure,
//! replaced on each save; `updated_at` drives the retention purge.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Query};
use sqlx::types::Json;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum DossierDrafts {
    Table,
    IdNumber,
    ProcedureCode,
    FormValues,
    CreatedAt,
    UpdatedAt,
}

/// A saved draft.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DraftRecord {
    /// The citizen's personal ID number.
    pub id_number: String,
    /// The procedure's code.
    pub procedure_code: String,
    /// The form's values as typed: control name → value.
    pub form_values: Json<serde_json::Value>,
    /// First save.
    pub created_at: DateTime<Utc>,
    /// Latest save.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: [DossierDrafts; 5] = [
    DossierDrafts::IdNumber,
    DossierDrafts::ProcedureCode,
    DossierDrafts::FormValues,
    DossierDrafts::CreatedAt,
    DossierDrafts::UpdatedAt,
];

/// Saves a draft: inserts it, or replaces the values and `updated_at` of the citizen's draft of that procedure.
pub async fn upsert(tx: &mut Tx, d: &DraftRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(DossierDrafts::Table)
        .columns(COLUMNS)
        .values_panic([
            d.id_number.clone().into(),
            d.procedure_code.clone().into(),
            d.form_values.0.clone().into(),
            d.created_at.into(),
            d.updated_at.into(),
        ])
        .on_conflict(
            OnConflict::columns([DossierDrafts::IdNumber, DossierDrafts::ProcedureCode])
                .update_columns([DossierDrafts::FormValues, DossierDrafts::UpdatedAt])
                .to_owned(),
        );
    tx.execute(&insert).await?;
    Ok(())
}

/// The citizen's draft of a procedure.
pub async fn get(tx: &mut Tx, id_number: &str, procedure_code: &str) -> Result<Option<DraftRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns(COLUMNS)
            .from(DossierDrafts::Table)
            .and_where(Expr::col(DossierDrafts::IdNumber).eq(id_number))
            .and_where(Expr::col(DossierDrafts::ProcedureCode).eq(procedure_code)),
    )
    .await
}

/// Deletes the citizen's draft of a procedure; returns whether there was one.
pub async fn delete(tx: &mut Tx, id_number: &str, procedure_code: &str) -> Result<bool, StorageError> {
    let n = tx
        .execute(
            Query::delete()
                .from_table(DossierDrafts::Table)
                .and_where(Expr::col(DossierDrafts::IdNumber).eq(id_number))
                .and_where(Expr::col(DossierDrafts::ProcedureCode).eq(procedure_code)),
        )
        .await?;
    Ok(n > 0)
}

/// Deletes the drafts last saved before `before` (the retention purge); returns how many.
pub async fn delete_updated_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::delete().from_table(DossierDrafts::Table).and_where(Expr::col(DossierDrafts::UpdatedAt).lt(before)),
    )
    .await
}
