//! The logged-in citizen's online drafts: the e-form page saves what is typed (a small debounced `PUT`), reopening
//! the form restores it, filing deletes it. One draft per citizen and procedure.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_app::ErrorCode;
use motcua_app::dossiers::drafts::Draft;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, Caller};
use crate::state::AppState;

/// A saved draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftDto {
    /// Procedure code.
    pub procedure: String,
    /// The form's values as typed: control name → value (e-form keys, `dia_chi.province` …, `thanh-phan-<key>`).
    pub values: BTreeMap<String, String>,
    /// Latest save.
    pub updated_at: DateTime<Utc>,
}

impl From<Draft> for DraftDto {
    fn from(d: Draft) -> Self {
        Self { procedure: d.procedure, values: d.values, updated_at: d.updated_at }
    }
}

/// What to save.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftInput {
    /// Control name → value (at most 300 values of at most 5 000 characters each).
    pub values: BTreeMap<String, String>,
}

fn citizen(caller: &Caller) -> Result<(), ApiError> {
    caller.citizen.as_ref().map(|_| ()).ok_or(ApiError::code(ErrorCode::Unauthenticated))
}

/// The citizen's draft of a procedure's e-form; `404` when there is none.
#[utoipa::path(get, path = "/api/v1/citizen/drafts/{procedure}", tag = "citizen",
    params(("procedure" = String, Path, description = "Procedure code")),
    responses(
        (status = 200, body = DraftDto),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(procedure): AppPath<String>,
) -> Result<Json<DraftDto>, ApiError> {
    citizen(&caller)?;
    let draft = state.app.draft(&caller.ctx(), &procedure).await?;
    draft.map(|d| Json(d.into())).ok_or_else(|| ApiError(motcua_app::AppError::not_found("bản nháp")))
}

/// Saves (replaces) the citizen's draft of a published procedure's e-form.
#[utoipa::path(put, path = "/api/v1/citizen/drafts/{procedure}", tag = "citizen", request_body = DraftInput,
    params(("procedure" = String, Path, description = "Procedure code")),
    responses(
        (status = 200, body = DraftDto),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown or unpublished procedure", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too many values or a value too long (`values.<name>`)", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(procedure): AppPath<String>,
    AppJson(body): AppJson<DraftInput>,
) -> Result<Json<DraftDto>, ApiError> {
    citizen(&caller)?;
    let draft = state.app.save_draft(&caller.ctx(), &procedure, body.values).await?;
    Ok(Json(draft.into()))
}

/// Deletes the citizen's draft of a procedure (`204` whether or not there was one).
#[utoipa::path(delete, path = "/api/v1/citizen/drafts/{procedure}", tag = "citizen",
    params(("procedure" = String, Path, description = "Procedure code")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(procedure): AppPath<String>,
) -> Result<StatusCode, ApiError> {
    citizen(&caller)?;
    state.app.delete_draft(&caller.ctx(), &procedure).await?;
    Ok(StatusCode::NO_CONTENT)
}
