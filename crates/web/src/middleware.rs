//! Cross-cutting HTTP behaviour: request ids, metrics, security headers, and turning
//! the bare error responses of lower layers (timeout, CSRF, unknown method, panic)
//! into our problem+json or error page.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use motcua_app::ErrorCode;
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::error::{page_response, problem_response};

/// Request ids are UUIDv7: unique and ordered by time, handy in logs.
#[derive(Clone, Copy, Default)]
pub struct MakeRequestUuidV7;

impl MakeRequestId for MakeRequestUuidV7 {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&uuid::Uuid::now_v7().to_string()).ok().map(RequestId::new)
    }
}

/// Whether a path belongs to the API (problem+json) rather than the pages.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/readyz" || path == "/healthz" || path == "/metrics"
}

/// Replaces body-less error responses with a proper problem or page.
pub async fn render_bare_errors(request: Request, next: Next) -> Response {
    let api = is_api(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if status.as_u16() < 400 || response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let csrf = response.extensions().get::<tower_http::csrf::ProtectionError>().is_some();
    let code = match status.as_u16() {
        403 if csrf => ErrorCode::CsrfRejected,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        408 => ErrorCode::Timeout,
        413 => ErrorCode::BodyTooLarge,
        401 => ErrorCode::Unauthenticated,
        _ => ErrorCode::Internal,
    };
    if code == ErrorCode::Internal {
        tracing::error!(status = status.as_u16(), "request failed without a body (panic or layer error)");
    }
    let mut rendered = if api { problem_response(code, None, Vec::new()) } else { page_response(code, None) };
    for (name, value) in response.headers() {
        if name == header::ALLOW {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}

/// Refuses a request whose path or query string carries a control character once decoded (`%00`…): every handler
/// and query extractor then sees only checked text (`domain::text::check_input`, the one rule; bodies are checked
/// by the body extractors).
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let decoded = |raw: &str| percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned();
    let problem = motcua_domain::text::check_input(&decoded(uri.path()))
        .and_then(|()| motcua_domain::text::check_input(&decoded(uri.query().unwrap_or(""))))
        .err();
    let Some(problem) = problem else { return next.run(request).await };
    let detail = Some(format!("Địa chỉ yêu cầu {problem}."));
    if is_api(uri.path()) {
        problem_response(ErrorCode::InvalidInput, detail, Vec::new())
    } else {
        page_response(ErrorCode::InvalidInput, detail)
    }
}

/// Counts requests and their duration per route and status.
pub async fn record_metrics(request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let labels = [("method", method), ("route", route), ("status", response.status().as_u16().to_string())];
    metrics::counter!("motcua_http_requests_total", &labels).increment(1);
    metrics::histogram!("motcua_http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

/// Headers every response carries: no sniffing, no framing, a strict content policy.
pub async fn security_headers(request: Request, next: Next) -> Response {
    // Swagger UI (under /api/docs) needs an inline bootstrap; every other page runs no inline script.
    let docs = request.uri().path().starts_with("/api/docs");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if !docs {
        headers.insert(
            "content-security-policy",
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        );
    }
    response
}
