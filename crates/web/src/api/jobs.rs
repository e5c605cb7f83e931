//! Background jobs, for province administrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_app::jobs::JobRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppPath, AppQuery, Caller};
use crate::state::AppState;

/// A job as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobDto {
    /// Job id.
    pub id: Uuid,
    /// Handler kind.
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Attempts started.
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// Not before.
    pub run_at: DateTime<Utc>,
    /// Error of the last failed attempt.
    pub last_error: Option<String>,
    /// Unit concerned.
    pub unit_id: Option<String>,
    /// Enqueued at.
    pub created_at: DateTime<Utc>,
    /// Finished at.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<&JobRecord> for JobDto {
    fn from(j: &JobRecord) -> Self {
        Self {
            id: j.id,
            kind: j.kind.clone(),
            status: j.status.clone(),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            last_error: j.last_error.clone(),
            unit_id: j.unit_id.clone(),
            created_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}

/// Filter of the job list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct JobParams {
    /// Only jobs in this status.
    pub status: Option<String>,
}

/// The newest 200 jobs.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobParams), responses(
    (status = 200, body = Vec<JobDto>),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(params): AppQuery<JobParams>,
) -> Result<Json<Vec<JobDto>>, ApiError> {
    let jobs = state.app.recent_jobs(&caller.ctx(), params.status.as_deref()).await?;
    Ok(Json(jobs.iter().map(JobDto::from).collect()))
}

/// Gives a failed job one more attempt.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs", params(("id" = Uuid, Path)), responses(
    (status = 204, description = "Queued again"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    state.app.retry_job(&caller.ctx(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
