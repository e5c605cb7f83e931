//! Dossiers and the daily sequences of their codes.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum Dossiers {
    Table,
    Id,
    ProvinceId,
    Code,
    ProcedureCode,
    ProcedureVersion,
    CaseKey,
    Channel,
    ReceivingUnitId,
    CompetentUnitId,
    OwnerUnitId,
    Status,
    Applicant,
    LookupPin,
    Form,
    Components,
    Deadline,
    DueAt,
    SupplementRequests,
    Apologised,
    Version,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum DossierSequences {
    Table,
    AgencyCode,
    Day,
    LastValue,
}

/// A stored dossier.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DossierRecord {
    /// Id.
    pub id: Uuid,
    /// Province (distribution key).
    pub province_id: String,
    /// National dossier code, once issued.
    pub code: Option<String>,
    /// Procedure code.
    pub procedure_code: String,
    /// The procedure version it was received under.
    pub procedure_version: i64,
    /// The procedure's case, if any.
    pub case_key: Option<String>,
    /// `counter`, `postal`, `online`.
    pub channel: String,
    /// Receiving unit.
    pub receiving_unit_id: String,
    /// Competent unit.
    pub competent_unit_id: String,
    /// The unit that holds it now.
    pub owner_unit_id: String,
    /// Status (domain `Status::as_str`).
    pub status: String,
    /// The applicant.
    pub applicant: Json<serde_json::Value>,
    /// The secret printed on the receipt for the public status lookup.
    pub lookup_pin: String,
    /// Cleaned e-form values.
    pub form: Json<serde_json::Value>,
    /// Components received, by key.
    pub components: Json<serde_json::Value>,
    /// The domain `Deadline`, once accepted.
    pub deadline: Option<Json<serde_json::Value>>,
    /// The current due instant (for queues).
    pub due_at: Option<DateTime<Utc>>,
    /// Supplement requests made during processing.
    pub supplement_requests: i64,
    /// Whether the apology was made.
    pub apologised: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was submitted or received.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: [Dossiers; 23] = [
    Dossiers::Id,
    Dossiers::ProvinceId,
    Dossiers::Code,
    Dossiers::ProcedureCode,
    Dossiers::ProcedureVersion,
    Dossiers::CaseKey,
    Dossiers::Channel,
    Dossiers::ReceivingUnitId,
    Dossiers::CompetentUnitId,
    Dossiers::OwnerUnitId,
    Dossiers::Status,
    Dossiers::Applicant,
    Dossiers::LookupPin,
    Dossiers::Form,
    Dossiers::Components,
    Dossiers::Deadline,
    Dossiers::DueAt,
    Dossiers::SupplementRequests,
    Dossiers::Apologised,
    Dossiers::Version,
    Dossiers::SubmittedAt,
    Dossiers::CreatedAt,
    Dossiers::UpdatedAt,
];

fn values(d: &DossierRecord) -> [sea_query::SimpleExpr; 23] {
    [
        d.id.into(),
        d.province_id.clone().into(),
        d.code.clone().into(),
        d.procedure_code.clone().into(),
        d.procedure_version.into(),
        d.case_key.clone().into(),
        d.channel.clone().into(),
        d.receiving_unit_id.clone().into(),
        d.competent_unit_id.clone().into(),
        d.owner_unit_id.clone().into(),
        d.status.clone().into(),
        d.applicant.0.clone().into(),
        d.lookup_pin.clone().into(),
        d.form.0.clone().into(),
        d.components.0.clone().into(),
        d.deadline.as_ref().map(|j| j.0.clone()).into(),
        d.due_at.into(),
        d.supplement_requests.into(),
        d.apologised.into(),
        d.version.into(),
        d.submitted_at.into(),
        d.created_at.into(),
        d.updated_at.into(),
    ]
}

/// The next sequence number of `agency_code` on `day`, from 1. Taken in the caller's transaction: a rollback gives
/// the number back, so committed codes have no gaps; concurrent callers are serialised on the row.
pub async fn next_sequence(tx: &mut Tx, agency_code: &str, day: NaiveDate) -> Result<i64, StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(DossierSequences::Table)
        .columns([DossierSequences::AgencyCode, DossierSequences::Day, DossierSequences::LastValue])
        .values_panic([agency_code.into(), day.into(), 1_i64.into()])
        .on_conflict(
            OnConflict::columns([DossierSequences::AgencyCode, DossierSequences::Day])
                .value(
                    DossierSequences::LastValue,
                    Expr::col((DossierSequences::Table, DossierSequences::LastValue)).add(1),
                )
                .to_owned(),
        )
        .returning_col(DossierSequences::LastValue);
    let (value,): (i64,) = tx.fetch_one(&insert).await?;
    Ok(value)
}

/// Stores a new dossier.
pub async fn insert(tx: &mut Tx, dossier: &DossierRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Dossiers::Table).columns(COLUMNS).values_panic(values(dossier));
    tx.execute(&insert).await?;
    Ok(())
}

/// Replaces a dossier's state if it is still at `expected_version` (the record carries the new version).
pub async fn update(tx: &mut Tx, dossier: &DossierRecord, expected_version: i64) -> Result<(), StorageError> {
    let changed = tx
        .execute(
            Query::update()
                .table(Dossiers::Table)
                .values(COLUMNS.into_iter().zip(values(dossier)).skip(1))
                .and_where(Expr::col(Dossiers::Id).eq(dossier.id))
                .and_where(Expr::col(Dossiers::Version).eq(expected_version)),
        )
        .await?;
    if changed == 1 { Ok(()) } else { Err(StorageError::StaleVersion) }
}

/// One dossier by id.
pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<DossierRecord>, StorageError> {
    tx.fetch_optional(Query::select().columns(COLUMNS).from(Dossiers::Table).and_where(Expr::col(Dossiers::Id).eq(id)))
        .await
}

/// One dossier by its national code.
pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<DossierRecord>, StorageError> {
    tx.fetch_optional(
        Query::select().columns(COLUMNS).from(Dossiers::Table).and_where(Expr::col(Dossiers::Code).eq(code)),
    )
    .await
}

/// Open dossiers held by any of `units`, soonest due first (undated last), at most `limit`.
pub async fn queue(
    tx: &mut Tx,
    units: &[String],
    statuses: &[&str],
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    tx.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(Dossiers::Table)
            .and_where(Expr::col(Dossiers::OwnerUnitId).is_in(units.iter().cloned()))
            .and_where(Expr::col(Dossiers::Status).is_in(statuses.iter().copied()))
            .order_by_with_nulls(Dossiers::DueAt, Order::Asc, sea_query::NullOrdering::Last)
            .order_by(Dossiers::CreatedAt, Order::Asc)
            .limit(limit),
    )
    .await
}

#[derive(Iden)]
enum IdempotencyKeys {
    Table,
    Principal,
    Key,
    RequestHash,
    DossierId,
    CreatedAt,
}

/// What an idempotency key was first used for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdempotencyRecord {
    /// SHA-256 of the first request.
    pub request_hash: String,
    /// The dossier it created.
    pub dossier_id: Uuid,
}

/// The first use of `key` by `principal`, if any.
pub async fn idempotency(tx: &mut Tx, principal: &str, key: &str) -> Result<Option<IdempotencyRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns([IdempotencyKeys::RequestHash, IdempotencyKeys::DossierId])
            .from(IdempotencyKeys::Table)
            .and_where(Expr::col(IdempotencyKeys::Principal).eq(principal))
            .and_where(Expr::col(IdempotencyKeys::Key).eq(key)),
    )
    .await
}

/// Records the first use of a key (a concurrent first use of the same key is a [`StorageError::Duplicate`]).
pub async fn put_idempotency(
    tx: &mut Tx,
    principal: &str,
    key: &str,
    record: &IdempotencyRecord,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(IdempotencyKeys::Table)
        .columns([
            IdempotencyKeys::Principal,
            IdempotencyKeys::Key,
            IdempotencyKeys::RequestHash,
            IdempotencyKeys::DossierId,
            IdempotencyKeys::CreatedAt,
        ])
        .values_panic([
            principal.into(),
            key.into(),
            record.request_hash.clone().into(),
            record.dossier_id.into(),
            now.into(),
        ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// Forgets keys first used before `before`.
pub async fn purge_idempotency(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::delete().from_table(IdempotencyKeys::Table).and_where(Expr::col(IdempotencyKeys::CreatedAt).lt(before)),
    )
    .await
}
