//! The audit trail of officer actions outside dossiers, for auditors (and administrators) within their subtree.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::audit::{AuditEntry, AuditQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppQuery, Caller};
use crate::state::AppState;

/// Filter and page of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditParams {
    /// A unit and its subtree (default: the caller's province).
    pub unit: Option<String>,
    /// One acting officer (id).
    pub actor: Option<String>,
    /// An action or a prefix of actions, e.g. `session.` or `officer.created`.
    pub action: Option<String>,
    /// First day (inclusive, UTC+7).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive, UTC+7).
    pub to: Option<NaiveDate>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// Page size (1–500, default 100).
    pub limit: Option<u64>,
    /// `csv`: the whole filtered trail as CSV instead of a JSON page.
    pub format: Option<String>,
}

/// One recorded officer action.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    /// Event id.
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// `noun.verb`, e.g. `session.created`, `session.login_failed`, `officer.created`, `calendar.schedule_updated`.
    pub action: String,
    /// Kind of record changed.
    pub subject_type: String,
    /// Which record.
    pub subject_id: String,
    /// The unit whose records changed.
    pub unit_id: Option<String>,
    /// `officer`, `system` or `anonymous`.
    pub actor_kind: String,
    /// The acting account.
    pub actor_id: Option<String>,
    /// The acting officer's unit.
    pub actor_unit_id: Option<String>,
    /// The HTTP request id.
    pub request_id: Option<String>,
    /// Details.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at,
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            unit_id: e.unit_id,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            actor_unit_id: e.actor_unit_id,
            request_id: e.request_id,
            payload: e.payload,
        }
    }
}

/// A page, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageDto {
    /// The entries.
    pub entries: Vec<AuditEntryDto>,
    /// Cursor of the next page (`after`); absent on the last page.
    pub next: Option<String>,
}

pub(crate) fn query_of(params: &AuditParams) -> AuditQuery {
    AuditQuery {
        unit: params.unit.clone(),
        actor: params.actor.clone(),
        action: params.action.clone(),
        from: params.from,
        to: params.to,
    }
}

/// The audit trail: logins and failed logins, accounts and roles, configuration, catalogue and calendar edits,
/// purges — everything officers did outside dossiers, in the caller's subtree (auditors, administrators).
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", params(AuditParams), responses(
    (status = 200, description = "A page of the trail; with `format=csv` the whole filtered trail as CSV", content(
        (AuditPageDto = "application/json"),
        (String = "text/csv"),
    )),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(params): AppQuery<AuditParams>,
) -> Result<Response, ApiError> {
    let query = query_of(&params);
    let principal = caller.principal();
    if params.format.as_deref() == Some("csv") {
        let csv = state.app.audit_trail_csv(&principal, &query).await?;
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"nhat-ky.csv\""),
            ],
            csv,
        )
            .into_response());
    }
    let page = state.app.audit_trail(&principal, &query, params.after.as_deref(), params.limit.unwrap_or(100)).await?;
    Ok(Json(AuditPageDto { entries: page.entries.into_iter().map(AuditEntryDto::from).collect(), next: page.next })
        .into_response())
}
