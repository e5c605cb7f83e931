//! Officer login for API clients. The response sets the session cookie and also returns
//! the token for clients that send `Authorization: Bearer`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::ErrorCode;
use motcua_app::accounts::{ClientInfo, LoginStep, OfficerView};
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

/// The password was right; the account asks for its TOTP code (`POST /api/v1/session/totp`).
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginChallengeDto {
    /// Always true.
    pub totp_required: bool,
    /// Send it back with the code. Valid five minutes, once.
    pub challenge: String,
    /// When the challenge ends.
    pub expires_at: DateTime<Utc>,
}

/// The second step of a login.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TotpRequest {
    /// The `challenge` of the first step.
    pub challenge: String,
    /// The six-digit code of the authenticator app.
    pub code: String,
}

/// What a client tells about itself (address and browser), for the audit trail.
pub fn client_info(headers: &HeaderMap, peer: Option<std::net::IpAddr>) -> ClientInfo {
    ClientInfo {
        ip: peer.map(|p| p.to_string()),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

/// Logs an officer in.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest, responses(
    (status = 201, body = SessionDto),
    (status = 202, description = "Password right; the account has TOTP: send the code to /api/v1/session/totp", body = LoginChallengeDto),
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
    let outcome = match state.app.begin_login(&body.username, &body.password, client).await? {
        LoginStep::Session(outcome) => outcome,
        LoginStep::TotpRequired { challenge, expires_at } => {
            let dto = LoginChallengeDto { totp_required: true, challenge, expires_at };
            return Ok((StatusCode::ACCEPTED, Json(dto)).into_response());
        }
    };
    Ok(session_created(&state, outcome))
}

fn session_created(state: &AppState, outcome: motcua_app::accounts::LoginOutcome) -> Response {
    let max_age = state.app.config().session_ttl.num_seconds();
    let cookie = session_cookie(Some(&outcome.token), max_age, state.config.cookie_secure);
    let dto = SessionDto {
        token: outcome.token,
        expires_at: outcome.expires_at,
        officer: OfficerDto::from(&outcome.officer),
    };
    (StatusCode::CREATED, [(header::SET_COOKIE, cookie)], Json(dto)).into_response()
}

/// The second step of a login for an account with TOTP: the code for the challenge of `POST /api/v1/session`.
/// A wrong code counts toward the login throttle; a code is accepted once.
#[utoipa::path(post, path = "/api/v1/session/totp", tag = "session", request_body = TotpRequest, responses(
    (status = 201, body = SessionDto),
    (status = 401, description = "Wrong, expired or reused code (`totp_code_invalid`), or the challenge is over (`login_challenge_expired`)", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many failed attempts", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn totp(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    headers: HeaderMap,
    AppJson(body): AppJson<TotpRequest>,
) -> Result<Response, ApiError> {
    let client = client_info(&headers, peer);
    let outcome = state.app.login_with_totp(&body.challenge, &body.code, client).await?;
    Ok(session_created(&state, outcome))
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
