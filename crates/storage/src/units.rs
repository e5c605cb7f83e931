//! The organisation tree.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::unit::{AgencyCode, Unit, UnitId, UnitKind};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum Units {
    Table,
    Id,
    Kind,
    Name,
    ParentId,
    AdminCode,
    AgencyCode,
    AgencyCodeOfficial,
    ValidFrom,
    ValidTo,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum UnitSuccessors {
    Table,
    UnitId,
    SuccessorId,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: String,
    kind: String,
    name: String,
    parent_id: Option<String>,
    admin_code: Option<String>,
    agency_code: Option<String>,
    agency_code_official: bool,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SuccessorRow {
    unit_id: String,
    successor_id: String,
}

fn corrupt(e: impl std::fmt::Display) -> StorageError {
    StorageError::Other(format!("stored unit is invalid: {e}"))
}

impl UnitRow {
    fn into_unit(self, successors: Vec<UnitId>) -> Result<Unit, StorageError> {
        Ok(Unit {
            id: UnitId::parse(&self.id).map_err(corrupt)?,
            kind: UnitKind::parse(&self.kind).map_err(corrupt)?,
            name: self.name,
            parent: self.parent_id.as_deref().map(UnitId::parse).transpose().map_err(corrupt)?,
            admin_code: self.admin_code,
            agency_code: self.agency_code.as_deref().map(AgencyCode::parse).transpose().map_err(corrupt)?,
            agency_code_official: self.agency_code_official,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            successors,
            note: self.note,
        })
    }
}

/// The columns of a unit record, key first (timestamps aside).
const FIELDS: [Units; 10] = [
    Units::Id,
    Units::Kind,
    Units::Name,
    Units::ParentId,
    Units::AdminCode,
    Units::AgencyCode,
    Units::AgencyCodeOfficial,
    Units::ValidFrom,
    Units::ValidTo,
    Units::Note,
];

/// Every unit with its successors, in no particular order.
pub async fn all(tx: &mut Tx) -> Result<Vec<Unit>, StorageError> {
    let rows: Vec<UnitRow> = tx.fetch_all(Query::select().columns(FIELDS).from(Units::Table)).await?;
    let links: Vec<SuccessorRow> = tx
        .fetch_all(
            Query::select()
                .columns([UnitSuccessors::UnitId, UnitSuccessors::SuccessorId])
                .from(UnitSuccessors::Table)
                .order_by(UnitSuccessors::SuccessorId, Order::Asc),
        )
        .await?;
    let mut successors: std::collections::HashMap<String, Vec<UnitId>> = std::collections::HashMap::new();
    for link in links {
        successors.entry(link.unit_id).or_default().push(UnitId::parse(&link.successor_id).map_err(corrupt)?);
    }
    rows.into_iter()
        .map(|row| {
            let s = successors.remove(&row.id).unwrap_or_default();
            row.into_unit(s)
        })
        .collect()
}

/// Inserts the unit or replaces every field of the stored one, and replaces its
/// successor list. Parents and successors must already exist.
pub async fn upsert(tx: &mut Tx, unit: &Unit, now: DateTime<Utc>) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(Units::Table)
        .columns(FIELDS.into_iter().chain([Units::CreatedAt, Units::UpdatedAt]))
        .values_panic([
            unit.id.as_str().into(),
            unit.kind.as_str().into(),
            unit.name.clone().into(),
            unit.parent.as_ref().map(|p| p.as_str().to_owned()).into(),
            unit.admin_code.clone().into(),
            unit.agency_code.as_ref().map(|c| c.as_str().to_owned()).into(),
            unit.agency_code_official.into(),
            unit.valid_from.into(),
            unit.valid_to.into(),
            unit.note.clone().into(),
            now.into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::column(Units::Id)
                .update_columns(FIELDS.into_iter().skip(1).chain([Units::UpdatedAt]))
                .to_owned(),
        );
    tx.execute(&insert).await?;
    tx.execute(
        Query::delete()
            .from_table(UnitSuccessors::Table)
            .and_where(Expr::col(UnitSuccessors::UnitId).eq(unit.id.as_str())),
    )
    .await?;
    if !unit.successors.is_empty() {
        let mut insert = Query::insert();
        insert.into_table(UnitSuccessors::Table).columns([UnitSuccessors::UnitId, UnitSuccessors::SuccessorId]);
        for successor in &unit.successors {
            insert.values_panic([unit.id.as_str().into(), successor.as_str().into()]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}
