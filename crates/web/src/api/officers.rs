//! Officer accounts, scoped by the decision point.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_app::accounts::{GrantInput, NewOfficer, OfficerView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, Caller};
use crate::state::AppState;

/// A role on a unit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GrantDto {
    /// `reception`, `handler`, `department_head`, `agency_head`, `clerk`, `unit_admin`, `province_admin`, `leader`, `auditor`.
    pub role: String,
    /// Unit id.
    pub unit_id: String,
}

/// An officer account (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerDto {
    /// Account id.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Home unit.
    pub unit_id: String,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Send it back when changing the account (optimistic concurrency).
    pub version: i64,
    /// Roles.
    pub grants: Vec<GrantDto>,
}

impl From<&OfficerView> for OfficerDto {
    fn from(o: &OfficerView) -> Self {
        Self {
            id: o.id,
            username: o.username.clone(),
            full_name: o.full_name.clone(),
            unit_id: o.unit_id.to_string(),
            disabled: o.disabled,
            version: o.version,
            grants: o
                .grants
                .iter()
                .map(|g| GrantDto { role: g.role.as_str().into(), unit_id: g.unit.to_string() })
                .collect(),
        }
    }
}

/// The officers of a unit.
#[utoipa::path(get, path = "/api/v1/units/{id}/officers", tag = "officers", params(("id" = String, Path, description = "Unit id")), responses(
    (status = 200, body = Vec<OfficerDto>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
) -> Result<Json<Vec<OfficerDto>>, ApiError> {
    let officers = state.app.officers_of_unit(&caller.ctx(), &id).await?;
    Ok(Json(officers.iter().map(OfficerDto::from).collect()))
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOfficer {
    /// 3–64 characters: a-z, 0-9, '.', '_', '-'.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Home unit id.
    pub unit_id: String,
    /// Initial password, at least 10 characters.
    pub password: String,
    /// Roles to grant (each within the caller's reach).
    #[serde(default)]
    pub grants: Vec<GrantDto>,
}

/// Creates an officer account.
#[utoipa::path(post, path = "/api/v1/officers", tag = "officers", request_body = CreateOfficer, responses(
    (status = 201, body = OfficerDto),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Username taken", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    AppJson(body): AppJson<CreateOfficer>,
) -> Result<(StatusCode, Json<OfficerDto>), ApiError> {
    let input = NewOfficer {
        username: body.username,
        full_name: body.full_name,
        unit_id: body.unit_id,
        password: body.password,
        grants: body.grants.into_iter().map(|g| GrantInput { role: g.role, unit_id: g.unit_id }).collect(),
    };
    let officer = state.app.create_officer(&caller.ctx(), input).await?;
    Ok((StatusCode::CREATED, Json(OfficerDto::from(&officer))))
}

/// A change to an account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateOfficer {
    /// Disable (true) or re-enable (false).
    pub disabled: bool,
    /// The version last read; a newer stored version means someone else changed it (409).
    pub version: i64,
}

/// Disables or re-enables an account.
#[utoipa::path(patch, path = "/api/v1/officers/{id}", tag = "officers", request_body = UpdateOfficer, params(("id" = Uuid, Path)), responses(
    (status = 204, description = "Changed"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Changed by someone else", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<UpdateOfficer>,
) -> Result<StatusCode, ApiError> {
    state.app.set_officer_disabled(&caller.ctx(), id, body.disabled, body.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns an officer's TOTP off (lost phone), for an administrator of the officer's unit. Audited (`officer.totp_reset`).
#[utoipa::path(delete, path = "/api/v1/officers/{id}/totp", tag = "officers", params(("id" = Uuid, Path)), responses(
    (status = 204, description = "Reset: the officer logs in with the password alone and may enrol again"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn reset_totp(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    if caller.officer.is_none() {
        return Err(ApiError::code(motcua_app::ErrorCode::Unauthenticated));
    }
    state.app.reset_officer_totp(&caller.ctx(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
