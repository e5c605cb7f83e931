//! Officer login for API clients. The response sets the session cookie and also returns
//! the token for clients that send `Authorization: Bearer`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::ErrorCode;
use motcua_app::accounts::{ClientInfo, OfficerView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::officers::OfficerDto;
use crate::error::ApiError;
use crate::extract::{AppJson, Caller, ClientAddr, session_cookie};
use crate::state::AppState;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// Bearer token (also set as the `motcua_session` cookie). Shown once.
    pub token: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
    /// Who logged in.
    pub officer: OfficerDto,
}

/// What a client tells about itself (address and browser), for the audit trail.
pub fn client_info(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> ClientInfo {
    ClientInfo {
        ip: peer.map(|p| p.ip().to_string()),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

/// Logs an officer in.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest, responses(
    (status = 201, body = SessionDto),
    (status = 401, description = "Wrong username or password", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many failed attempts", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    headers: HeaderMap,
    AppJson(body): AppJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let client = client_info(&headers, peer);
    let outcome = state.app.login(&body.username, &body.password, client).await?;
    let max_age = state.app.config().session_ttl.num_seconds();
    let cookie = session_cookie(Some(&outcome.token), max_age, state.config.cookie_secure);
    let dto = SessionDto {
        token: outcome.token,
        expires_at: outcome.expires_at,
        officer: OfficerDto::from(&outcome.officer),
    };
    Ok((StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(dto)).into_response())
}

/// Logs out (ends the session of the cookie or bearer token).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses(
    (status = 204, description = "Session ended"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn delete(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let (Some(_), Some(token)) = (&caller.officer, &caller.token) else {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    };
    state.app.logout(&caller.ctx(), token).await?;
    let cookie = session_cookie(None, 0, state.config.cookie_secure);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The logged-in officer.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses(
    (status = 200, body = OfficerDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn me(caller: Caller) -> Result<Json<OfficerDto>, ApiError> {
    caller
        .officer
        .as_ref()
        .map(|o: &OfficerView| Json(OfficerDto::from(o)))
        .ok_or(ApiError::code(ErrorCode::Unauthenticated))
}
