//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "Alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness report.
#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// Always `ready` in a 200 response.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// Units loaded in memory.
    pub units: usize,
}

/// The database answers and the unit tree is loaded.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, body = Ready),
    (status = 503, description = "Database unavailable", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Ready>, ApiError> {
    state.app.db().ping().await.map_err(|e| ApiError(e.into()))?;
    Ok(Json(Ready { status: "ready", database: state.app.db().backend().name(), units: state.app.tree().len() }))
}
