//! The job queue table. Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
//! several workers never take the same job; sea-query leaves the clause out on SQLite,
//! where the claiming transaction already holds the single write lock (`BEGIN IMMEDIATE`).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, LockBehavior, LockType, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    UnitId,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JobRecord {
    /// Job id.
    pub id: Uuid,
    /// Which handler runs it.
    pub kind: String,
    /// Handler input.
    pub payload: Json<serde_json::Value>,
    /// The unit it concerns, if any (scopes the admin view).
    pub unit_id: Option<String>,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Attempts started so far.
    pub attempts: i64,
    /// Attempts allowed before it is marked failed.
    pub max_attempts: i64,
    /// Not before this instant.
    pub run_at: DateTime<Utc>,
    /// A running job whose lease passed this instant is considered abandoned.
    pub locked_until: Option<DateTime<Utc>>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    /// Enqueue instant.
    pub created_at: DateTime<Utc>,
    /// When it finished (done or failed).
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: [Jobs; 12] = [
    Jobs::Id,
    Jobs::Kind,
    Jobs::Payload,
    Jobs::UnitId,
    Jobs::Status,
    Jobs::Attempts,
    Jobs::MaxAttempts,
    Jobs::RunAt,
    Jobs::LockedUntil,
    Jobs::LastError,
    Jobs::CreatedAt,
    Jobs::FinishedAt,
];

/// Adds a queued job; call it in the transaction of the change that causes it.
pub async fn enqueue(tx: &mut Tx, job: &JobRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Jobs::Table).columns(COLUMNS.into_iter().chain([Jobs::UpdatedAt])).values_panic([
        job.id.into(),
        job.kind.clone().into(),
        job.payload.0.clone().into(),
        job.unit_id.clone().into(),
        job.status.clone().into(),
        job.attempts.into(),
        job.max_attempts.into(),
        job.run_at.into(),
        job.locked_until.into(),
        job.last_error.clone().into(),
        job.created_at.into(),
        job.finished_at.into(),
        job.created_at.into(),
    ]);
    tx.append(insert).await
}

/// Takes up to `limit` due jobs, marks them running with a lease until `lease_until`
/// and counts the attempt.
pub async fn claim_due(
    tx: &mut Tx,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<JobRecord>, StorageError> {
    let due = Query::select()
        .column(Jobs::Id)
        .from(Jobs::Table)
        .and_where(Expr::col(Jobs::Status).eq("queued"))
        .and_where(Expr::col(Jobs::RunAt).lte(now))
        .order_by(Jobs::RunAt, Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    tx.fetch_all(
        Query::update()
            .table(Jobs::Table)
            .values([
                (Jobs::Status, "running".into()),
                (Jobs::Attempts, Expr::col(Jobs::Attempts).add(1)),
                (Jobs::LockedUntil, lease_until.into()),
                (Jobs::UpdatedAt, now.into()),
            ])
            .and_where(Expr::col(Jobs::Id).in_subquery(due))
            .returning(Query::returning().columns(COLUMNS)),
    )
    .await
}

/// Marks a running job done.
pub async fn complete(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Result<(), StorageError> {
    finish(tx, id, "done", None, None, now).await
}

/// Records a failed attempt: queued again at `retry_at`, or failed for good when `None`.
pub async fn fail(
    tx: &mut Tx,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    match retry_at {
        Some(at) => finish(tx, id, "queued", Some(error), Some(at), now).await,
        None => finish(tx, id, "failed", Some(error), None, now).await,
    }
}

async fn finish(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    error: Option<&str>,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let mut update = Query::update();
    update
        .table(Jobs::Table)
        .values([
            (Jobs::Status, status.into()),
            (Jobs::LockedUntil, Option::<DateTime<Utc>>::None.into()),
            (Jobs::LastError, error.map(str::to_owned).into()),
            (Jobs::UpdatedAt, now.into()),
        ])
        .and_where(Expr::col(Jobs::Id).eq(id))
        .and_where(Expr::col(Jobs::Status).eq("running"));
    match retry_at {
        Some(at) => update.value(Jobs::RunAt, at),
        None => update.value(Jobs::FinishedAt, now),
    };
    if tx.execute(&update).await? == 1 { Ok(()) } else { Err(StorageError::StaleVersion) }
}

/// Returns running jobs whose lease has passed to the queue (their worker died).
pub async fn requeue_abandoned(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::update()
            .table(Jobs::Table)
            .values([
                (Jobs::Status, "queued".into()),
                (Jobs::LockedUntil, Option::<DateTime<Utc>>::None.into()),
                (Jobs::UpdatedAt, now.into()),
            ])
            .and_where(Expr::col(Jobs::Status).eq("running"))
            .and_where(Expr::col(Jobs::LockedUntil).lt(now)),
    )
    .await
}

/// Puts a failed job back in the queue for one more attempt (an administrator's retry).
pub async fn retry_failed(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Result<(), StorageError> {
    let n = tx
        .execute(
            Query::update()
                .table(Jobs::Table)
                .values([
                    (Jobs::Status, "queued".into()),
                    (Jobs::MaxAttempts, Expr::col(Jobs::Attempts).add(1)),
                    (Jobs::RunAt, now.into()),
                    (Jobs::FinishedAt, Option::<DateTime<Utc>>::None.into()),
                    (Jobs::UpdatedAt, now.into()),
                ])
                .and_where(Expr::col(Jobs::Id).eq(id))
                .and_where(Expr::col(Jobs::Status).eq("failed")),
        )
        .await?;
    if n == 1 { Ok(()) } else { Err(StorageError::NotFound) }
}

/// The newest jobs, optionally of one status.
pub async fn recent(tx: &mut Tx, status: Option<&str>, limit: u64) -> Result<Vec<JobRecord>, StorageError> {
    let mut select = Query::select();
    select.columns(COLUMNS).from(Jobs::Table).order_by(Jobs::CreatedAt, Order::Desc).limit(limit);
    if let Some(status) = status {
        select.and_where(Expr::col(Jobs::Status).eq(status));
    }
    tx.fetch_all(&select).await
}

/// One job.
pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<JobRecord>, StorageError> {
    tx.fetch_optional(Query::select().columns(COLUMNS).from(Jobs::Table).and_where(Expr::col(Jobs::Id).eq(id))).await
}
