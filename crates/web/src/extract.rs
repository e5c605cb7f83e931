//! Request extractors: JSON and forms whose rejections become our errors, and the
//! logged-in officer from the session cookie or a bearer token.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use motcua_app::accounts::OfficerView;
use motcua_app::record::Ctx;
use motcua_app::{AppError, ErrorCode};
use motcua_domain::access::Principal;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, PageError};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "motcua_session";

/// The citizen session cookie's name (a citizen logged in through VNeID).
pub const CITIZEN_COOKIE: &str = "motcua_citizen";

/// JSON body; malformed or oversized bodies become problem+json.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        // Parsed as a tree first so that every string (keys included) passes the one input check before any field
        // is read; the body is already bounded by the body limit.
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(json_rejection(&rejection)),
        };
        check_json_strings(&value).map_err(|p| ApiError(AppError::detailed(ErrorCode::InvalidInput, p)))?;
        serde_path_to_error::deserialize(value)
            .map(Self)
            .map_err(|e| ApiError(AppError::detailed(ErrorCode::InvalidInput, format!("Dữ liệu không hợp lệ: {e}"))))
    }
}

/// Every string of a JSON document passes `check_input`; the problem names where.
fn check_json_strings(value: &serde_json::Value) -> Result<(), String> {
    use motcua_domain::text::check_input;
    let located = |at: &str, p: motcua_domain::text::TextProblem| format!("Trường \"{at}\" {p}.");
    let mut pending = vec![(String::new(), value)];
    while let Some((at, value)) = pending.pop() {
        match value {
            serde_json::Value::String(s) => check_input(s).map_err(|p| located(&at, p))?,
            serde_json::Value::Array(items) => {
                pending.extend(items.iter().enumerate().map(|(i, v)| (format!("{at}[{i}]"), v)));
            }
            serde_json::Value::Object(fields) => {
                for (key, v) in fields {
                    let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
                    check_input(key).map_err(|p| located(&path, p))?;
                    pending.push((path, v));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let code = match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::BodyTooLarge,
        // Well-formed JSON whose fields have the wrong type or value.
        StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::InvalidInput,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            return ApiError(AppError::detailed(ErrorCode::MalformedBody, "Content-Type phải là application/json."));
        }
        _ => ErrorCode::MalformedBody,
    };
    ApiError(AppError::detailed(code, rejection.body_text()))
}

/// URL-encoded form body for pages; rejections become the error page.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let form_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !form_type {
            return Err(PageError(AppError::code(ErrorCode::MalformedBody)));
        }
        let body = match bytes::Bytes::from_request(req, state).await {
            Ok(body) => body,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(PageError(AppError::code(ErrorCode::BodyTooLarge)));
            }
            Err(_) => return Err(PageError(AppError::code(ErrorCode::MalformedBody))),
        };
        // Every decoded name and value passes the one input check before any field is read.
        for (name, value) in form_urlencoded::parse(&body) {
            for text in [name, value] {
                motcua_domain::text::check_input(&text).map_err(|p| {
                    let detail = motcua_domain::text::sentence(&format!("nội dung gửi lên {p}"));
                    PageError(AppError::detailed(ErrorCode::InvalidInput, detail))
                })?;
            }
        }
        serde_urlencoded::from_bytes(&body).map(Self).map_err(|_| PageError(AppError::code(ErrorCode::MalformedBody)))
    }
}

/// The caller: the officer or citizen behind the session, if any, plus the request id.
pub struct Caller {
    /// The logged-in officer.
    pub officer: Option<OfficerView>,
    /// The logged-in citizen (VNeID), when no officer is logged in.
    pub citizen: Option<motcua_app::identity::CitizenSession>,
    /// The session token presented (for logout).
    pub token: Option<String>,
    /// The citizen session token presented (for logout).
    pub citizen_token: Option<String>,
    /// The request id set by the middleware.
    pub request_id: Option<String>,
    /// The client's address ([`ClientAddr`]).
    pub client: Option<std::net::IpAddr>,
}

impl Caller {
    /// Who acts: the officer, else the citizen, else nobody.
    pub fn principal(&self) -> Principal {
        match (&self.officer, &self.citizen) {
            (Some(officer), _) => officer.principal(),
            (None, Some(citizen)) => citizen.principal(),
            (None, None) => Principal::Anonymous,
        }
    }

    /// The use-case context for this caller.
    pub fn ctx(&self) -> Ctx {
        Ctx::new(self.principal(), self.request_id.clone()).from_client(self.client.map(|ip| ip.to_string()))
    }
}

/// The value of the cookie `name`, if present and non-empty.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|cookies| {
        cookies.split(';').find_map(|pair| {
            let (n, value) = pair.trim().split_once('=')?;
            (n == name && !value.is_empty()).then(|| value.to_owned())
        })
    })
}

/// Whether a presented token has the shape of ours (64 hex characters): anything else cannot be a session.
fn token_shaped(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The session token of a request: the cookie, or `Authorization: Bearer`.
pub fn session_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| {
        parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|cookies| {
            cookies.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_owned())
            })
        })
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let request_id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let token = session_token(parts);
        let officer = match &token {
            Some(t) if token_shaped(t) => state.app.authenticate(t).await?,
            _ => None,
        };
        // A citizen: the citizen cookie, or a bearer token that is not an officer's.
        let citizen_token = match &officer {
            Some(_) => None,
            None => cookie(parts, CITIZEN_COOKIE).or_else(|| token.clone()),
        };
        let citizen = match &citizen_token {
            Some(t) if token_shaped(t) => state.app.authenticate_citizen(t).await?,
            _ => None,
        };
        let Ok(ClientAddr(client)) = ClientAddr::from_request_parts(parts, state).await;
        Ok(Self { officer, citizen, token, citizen_token, request_id, client })
    }
}

/// Builds the `Set-Cookie` value for a session (or its removal with `None`).
pub fn session_cookie(token: Option<&str>, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!("{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// Builds the `Set-Cookie` value for a citizen session (or its removal with `None`).
pub fn citizen_cookie(token: Option<&str>, max_age_secs: i64, secure: bool) -> String {
    session_cookie(token, max_age_secs, secure).replacen(SESSION_COOKIE, CITIZEN_COOKIE, 1)
}

/// Query string; a bad parameter becomes problem+json.
pub struct AppQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|r| ApiError(AppError::detailed(ErrorCode::InvalidInput, r.body_text())))
    }
}

/// Path parameters; a malformed one (e.g. not a UUID) is a 404 problem.
pub struct AppPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for AppPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|r| ApiError(AppError::detailed(ErrorCode::NotFound, r.body_text())))
    }
}

/// The client's address: the peer of the connection or, when that peer is a trusted reverse proxy, the nearest
/// address in `X-Forwarded-For` that is not one of the trusted proxies. Absent in in-process tests that add no
/// connection info.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        Ok(Self(peer.map(|peer| client_address(peer, forwarded, &state.config.trusted_proxies))))
    }
}

/// Walks the proxies' chain back from the peer: each trusted hop vouches for the address before it; the first
/// address no trusted proxy is known as is the client. A malformed entry ends the walk at the last trusted hop.
pub fn client_address<'a>(
    peer: std::net::IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}
