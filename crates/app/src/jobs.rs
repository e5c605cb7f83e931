//! Background work: the job runner and the periodic sweeper.
//!
//! A job is enqueued with [`enqueue`] inside the transaction of the change that causes
//! it, so it exists exactly when the change does. The runner claims due jobs, runs
//! their handler, and records success, a retry with backoff, or failure for an
//! administrator. The sweeper takes care of everything that has a due time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use motcua_domain::access::Action;
use motcua_domain::job::{AfterFailure, after_failure};
use motcua_domain::unit::UnitId;
use motcua_storage::jobs;
pub use motcua_storage::jobs::JobRecord;
use motcua_storage::{Json, StorageError, Tx, sessions};
use uuid::Uuid;

use crate::App;
use crate::error::{AppError, ErrorCode};
use crate::record::Ctx;

/// Attempts a job gets unless its kind says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;

/// Runs jobs of one kind. Handlers must be idempotent: a job whose worker dies after
/// the work but before recording success runs again.
pub trait JobHandler: Send + Sync {
    /// The kind this handler runs, e.g. `receipt.render`.
    fn kind(&self) -> &'static str;
    /// Does the work; an `Err` is retried with backoff.
    fn run<'a>(&'a self, app: &'a App, payload: &'a serde_json::Value) -> BoxFuture<'a, Result<(), String>>;
}

/// Handlers by kind.
#[derive(Clone, Default)]
pub struct Registry(Arc<RwLock<HashMap<&'static str, Arc<dyn JobHandler>>>>);

impl Registry {
    /// Whether a handler of `kind` is registered.
    pub fn has(&self, kind: &str) -> bool {
        self.0.read().unwrap_or_else(|p| p.into_inner()).contains_key(kind)
    }
}

/// Adds a job to the queue in `tx`; returns its id.
pub async fn enqueue(
    tx: &mut Tx,
    now: DateTime<Utc>,
    kind: &str,
    payload: serde_json::Value,
    unit: Option<&UnitId>,
) -> Result<Uuid, StorageError> {
    let id = Uuid::now_v7();
    jobs::enqueue(
        tx,
        &JobRecord {
            id,
            kind: kind.into(),
            payload: Json(payload),
            unit_id: unit.map(ToString::to_string),
            status: "queued".into(),
            attempts: 0,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            run_at: now,
            locked_until: None,
            last_error: None,
            created_at: now,
            finished_at: None,
        },
    )
    .await?;
    Ok(id)
}

/// What one pass of the runner did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Jobs that succeeded.
    pub done: usize,
    /// Jobs that failed and will be retried.
    pub retried: usize,
    /// Jobs that failed for good.
    pub failed: usize,
}

/// What one pass of the sweeper did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Expired sessions removed.
    pub sessions_removed: u64,
    /// Jobs whose worker vanished, put back in the queue.
    pub jobs_requeued: u64,
    /// Submission idempotency keys older than [`crate::dossiers::IDEMPOTENCY_KEPT`], forgotten.
    pub idempotency_keys_removed: u64,
    /// Alerts raised (or re-opened) to units' leaders about dossiers nearing or past a due time.
    pub dossier_alerts_raised: u64,
}

impl App {
    /// Registers the handler of a job kind (replacing any earlier one).
    pub fn register_job(&self, handler: Arc<dyn JobHandler>) {
        self.jobs.0.write().unwrap_or_else(|p| p.into_inner()).insert(handler.kind(), handler);
    }

    /// Claims up to `limit` due jobs and runs them.
    pub async fn run_due_jobs(&self, limit: u64) -> Result<RunReport, AppError> {
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let claimed = jobs::claim_due(&mut tx, now, now + self.config.job_lease, limit).await?;
        tx.commit().await?;
        let mut report = RunReport::default();
        for job in claimed {
            let handler = self.jobs.0.read().unwrap_or_else(|p| p.into_inner()).get(job.kind.as_str()).cloned();
            let outcome = match handler {
                Some(handler) => handler.run(self, &job.payload.0).await,
                None => Err(format!("no handler for job kind `{}`", job.kind)),
            };
            let finished = self.now();
            let mut tx = self.db.begin_write().await?;
            match outcome {
                Ok(()) => {
                    jobs::complete(&mut tx, job.id, finished).await?;
                    report.done += 1;
                }
                Err(error) => {
                    tracing::warn!(job.id = %job.id, job.kind = %job.kind, attempt = job.attempts, %error, "job failed");
                    match after_failure(job.attempts, job.max_attempts) {
                        AfterFailure::RetryIn(delay) => {
                            jobs::fail(&mut tx, job.id, &error, Some(finished + delay), finished).await?;
                            report.retried += 1;
                        }
                        AfterFailure::GiveUp => {
                            jobs::fail(&mut tx, job.id, &error, None, finished).await?;
                            report.failed += 1;
                        }
                    }
                }
            }
            tx.commit().await?;
        }
        metrics::counter!("motcua_jobs_done_total").increment(report.done as u64);
        metrics::counter!("motcua_jobs_failed_total").increment(report.failed as u64);
        Ok(report)
    }

    /// Removes what has expired and rescues abandoned jobs.
    pub async fn sweep(&self) -> Result<SweepReport, AppError> {
        let now = self.now();
        let mut tx = self.db.begin_write().await?;
        let report = SweepReport {
            sessions_removed: sessions::delete_expired(&mut tx, now).await?,
            jobs_requeued: jobs::requeue_abandoned(&mut tx, now).await?,
            idempotency_keys_removed: motcua_storage::dossiers::purge_idempotency(
                &mut tx,
                now - crate::dossiers::IDEMPOTENCY_KEPT,
            )
            .await?,
            dossier_alerts_raised: 0,
        };
        tx.commit().await?;
        Ok(SweepReport { dossier_alerts_raised: self.sweep_dossiers().await?, ..report })
    }

    /// The newest jobs, for administrators of the province.
    pub async fn recent_jobs(&self, ctx: &Ctx, status: Option<&str>) -> Result<Vec<JobRecord>, AppError> {
        self.require_in_home_province(&ctx.principal, Action::ViewJobs)?;
        if let Some(s) = status
            && !["queued", "running", "done", "failed"].contains(&s)
        {
            return Err(AppError::detailed(
                ErrorCode::InvalidInput,
                "Trạng thái phải là queued, running, done hoặc failed.",
            ));
        }
        let mut tx = self.db.read().await?;
        let list = jobs::recent(&mut tx, status, 200).await?;
        tx.commit().await?;
        Ok(list)
    }

    /// Gives a failed job one more attempt.
    pub async fn retry_job(&self, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
        self.require_in_home_province(&ctx.principal, Action::ViewJobs)?;
        let now = self.now();
        self.db.write(move |tx| Box::pin(async move { jobs::retry_failed(tx, id, now).await })).await.map_err(|e| {
            match e {
                StorageError::NotFound => AppError::not_found("công việc thất bại"),
                other => other.into(),
            }
        })
    }
}
