//! Dossiers and the daily sequences of their codes.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden, Clone, Copy)]
pub(crate) enum Dossiers {
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
    AssigneeId,
    StepIndex,
    StepDueAt,
    ClosedAt,
}

#[derive(Iden)]
pub(crate) enum DossierSequences {
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
    /// The officer of the owner unit it is assigned to.
    pub assignee_id: Option<String>,
    /// The workflow step that holds it (index into the procedure version's workflow).
    pub step_index: Option<i64>,
    /// When the current step (or transfer) is due.
    pub step_due_at: Option<DateTime<Utc>>,
    /// When it reached a terminal status; open dossiers have none (the queues read only those).
    pub closed_at: Option<DateTime<Utc>>,
}

pub(crate) const COLUMNS: [Dossiers; 27] = [
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
    Dossiers::AssigneeId,
    Dossiers::StepIndex,
    Dossiers::StepDueAt,
    Dossiers::ClosedAt,
];

pub(crate) fn values(d: &DossierRecord) -> [sea_query::SimpleExpr; 27] {
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
        d.assignee_id.clone().into(),
        d.step_index.into(),
        d.step_due_at.into(),
        d.closed_at.into(),
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

/// How many dossiers `filer` filed online in `[from, to)`. Online, the applicant's ID number is always the logged-in
/// filer's (also for an organisation or for another person), so the applicant index `dossiers_applicant` serves it.
/// Counted in the caller's transaction, after [`next_sequence`] locked the agency's row: see
/// `motcua_app::dossiers::intake` for what that makes atomic.
pub async fn online_filings_by(
    tx: &mut Tx,
    filer: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<u64, StorageError> {
    let (count,): (i64,) = tx
        .fetch_one(
            Query::select()
                .expr(Expr::col(Dossiers::Id).count())
                .from(Dossiers::Table)
                .and_where(Expr::cust("(applicant ->> 'id_number')").eq(filer))
                .and_where(Expr::col(Dossiers::CreatedAt).gte(from))
                .and_where(Expr::col(Dossiers::CreatedAt).lt(to))
                .and_where(Expr::col(Dossiers::Channel).eq("online")),
        )
        .await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Stores a new dossier.
pub async fn insert(tx: &mut Tx, dossier: &DossierRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Dossiers::Table).columns(COLUMNS).values_panic(values(dossier));
    tx.append(insert).await
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

/// Open dossiers held by any of `units` in one of `statuses`, soonest due first (undated last), at most `limit`
/// (index `dossiers_open_status` or `dossiers_open_unit`).
pub async fn queue(
    tx: &mut Tx,
    units: &[String],
    statuses: &[&str],
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    tx.fetch_all(&queue_statement(units, statuses, limit)).await
}

fn queue_statement(units: &[String], statuses: &[&str], limit: u64) -> sea_query::SelectStatement {
    let mut q = Query::select();
    q.columns(COLUMNS)
        .from(Dossiers::Table)
        .and_where(Expr::col(Dossiers::ClosedAt).is_null())
        .and_where(Expr::col(Dossiers::OwnerUnitId).is_in(units.iter().cloned()))
        .and_where(Expr::col(Dossiers::Status).is_in(statuses.iter().copied()))
        .order_by_with_nulls(Dossiers::DueAt, Order::Asc, sea_query::NullOrdering::Last)
        .order_by(Dossiers::CreatedAt, Order::Asc)
        .limit(limit);
    q
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
    tx.append(insert).await
}

/// Forgets keys first used before `before`.
pub async fn purge_idempotency(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::delete().from_table(IdempotencyKeys::Table).and_where(Expr::col(IdempotencyKeys::CreatedAt).lt(before)),
    )
    .await
}

/// Which open dossiers an inbox page shows. Every variant is served by a partial index on open dossiers ending in
/// `(due_at, id)`, so a page is one index range scan whatever the table's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxScope {
    /// Assigned to this officer (`dossiers_open_assignee`).
    Assignee(String),
    /// Held by one of these units (`dossiers_open_unit`).
    Units(Vec<String>),
    /// Held by one of these units in one of these statuses (`dossiers_open_status`).
    UnitsInStatus(Vec<String>, Vec<String>),
}

/// An inbox page: open dossiers in `scope` due in `[due_from, due_before)`, soonest due first, strictly after the
/// keyset `after` (the `(due_at, id)` of the last row of the previous page), at most `limit`.
pub async fn inbox(
    tx: &mut Tx,
    scope: &InboxScope,
    due_from: Option<DateTime<Utc>>,
    due_before: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    if matches!(scope, InboxScope::Units(u) | InboxScope::UnitsInStatus(u, _) if u.is_empty()) {
        return Ok(Vec::new());
    }
    tx.fetch_all(&inbox_statement(scope, due_from, due_before, after, limit)).await
}

fn inbox_statement(
    scope: &InboxScope,
    due_from: Option<DateTime<Utc>>,
    due_before: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> sea_query::SelectStatement {
    let mut q = Query::select();
    q.columns(COLUMNS).from(Dossiers::Table).and_where(Expr::col(Dossiers::ClosedAt).is_null());
    match scope {
        InboxScope::Assignee(officer) => {
            q.and_where(Expr::col(Dossiers::AssigneeId).eq(officer.as_str()));
        }
        InboxScope::Units(units) => {
            q.and_where(Expr::col(Dossiers::OwnerUnitId).is_in(units.iter().cloned()));
        }
        InboxScope::UnitsInStatus(units, status) => {
            q.and_where(Expr::col(Dossiers::OwnerUnitId).is_in(units.iter().cloned()))
                .and_where(Expr::col(Dossiers::Status).is_in(status.iter().cloned()));
        }
    }
    if let Some(from) = due_from {
        q.and_where(Expr::col(Dossiers::DueAt).gte(from));
    }
    if let Some(before) = due_before {
        q.and_where(Expr::col(Dossiers::DueAt).lt(before));
    }
    after_keyset(&mut q, Dossiers::DueAt, after);
    q.and_where(Expr::col(Dossiers::DueAt).is_not_null())
        .order_by(Dossiers::DueAt, Order::Asc)
        .order_by(Dossiers::Id, Order::Asc)
        .limit(limit);
    q
}

/// Rows strictly after `(at, id)` in `(column, id)` order: `column >= at` bounds the index range, the `or` only
/// filters the rows of that one instant.
fn after_keyset(q: &mut sea_query::SelectStatement, column: Dossiers, after: Option<(DateTime<Utc>, Uuid)>) {
    if let Some((at, id)) = after {
        q.and_where(Expr::col(column).gte(at))
            .cond_where(sea_query::Cond::any().add(Expr::col(column).gt(at)).add(Expr::col(Dossiers::Id).gt(id)));
    }
}

/// Open dossiers due before `before` (the sweeper), soonest first, after the keyset `after`.
pub async fn open_due_before(
    tx: &mut Tx,
    before: DateTime<Utc>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    let mut q = Query::select();
    q.columns(COLUMNS)
        .from(Dossiers::Table)
        .and_where(Expr::col(Dossiers::ClosedAt).is_null())
        .and_where(Expr::col(Dossiers::DueAt).lt(before));
    after_keyset(&mut q, Dossiers::DueAt, after);
    q.order_by(Dossiers::DueAt, Order::Asc).order_by(Dossiers::Id, Order::Asc).limit(limit);
    tx.fetch_all(&q).await
}

/// The register (sổ theo dõi hồ sơ): dossiers of the competent `units` received in `[from, to)`, in order of
/// reception, after the keyset `after` (`(submitted_at, id)`), at most `limit` (index `dossiers_register`).
pub async fn register(
    tx: &mut Tx,
    units: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::select();
    q.columns(COLUMNS)
        .from(Dossiers::Table)
        .and_where(Expr::col(Dossiers::CompetentUnitId).is_in(units.iter().cloned()))
        .and_where(Expr::col(Dossiers::SubmittedAt).gte(from))
        .and_where(Expr::col(Dossiers::SubmittedAt).lt(to));
    after_keyset(&mut q, Dossiers::SubmittedAt, after);
    q.order_by(Dossiers::SubmittedAt, Order::Asc).order_by(Dossiers::Id, Order::Asc).limit(limit);
    tx.fetch_all(&q).await
}

/// The SQL of an inbox page as the backend runs it, with its values inlined (for `EXPLAIN` in the query-plan test,
/// crates/storage/tests/it/inbox_plan.rs).
pub fn inbox_sql(backend: crate::Backend, scope: &InboxScope, after: Option<(DateTime<Utc>, Uuid)>) -> String {
    inlined(backend, &inbox_statement(scope, None, None, after, 50))
}

/// The SQL of [`queue`] as the backend runs it, values inlined (for the same test).
pub fn queue_sql(backend: crate::Backend, units: &[String], statuses: &[&str]) -> String {
    inlined(backend, &queue_statement(units, statuses, 100))
}

fn inlined(backend: crate::Backend, q: &sea_query::SelectStatement) -> String {
    match backend {
        crate::Backend::Sqlite => q.to_string(sea_query::SqliteQueryBuilder),
        crate::Backend::Postgres => q.to_string(sea_query::PostgresQueryBuilder),
    }
}
