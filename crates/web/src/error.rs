//! Errors as people and programs see them: RFC 9457 problem+json under `/api`, a
//! helpful Vietnamese page elsewhere. Internal details are logged once, here, with the
//! request id, and never sent to the client.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use motcua_app::error::FieldError;
use motcua_app::{AppError, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem document (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// URI reference of the problem type: `/api/errors#<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short Vietnamese summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Stable machine code.
    pub code: String,
    /// Explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field errors of invalid input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One invalid field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field's key.
    pub field: String,
    /// What is wrong (Vietnamese).
    pub message: String,
}

impl Problem {
    /// The problem for a code.
    pub fn new(code: ErrorCode, detail: Option<String>, errors: Vec<FieldError>) -> Self {
        Self {
            kind: format!("/api/errors#{}", code.as_str()),
            title: code.title_vi().into(),
            status: code.status(),
            code: code.as_str().into(),
            detail,
            errors: errors.into_iter().map(|e| ProblemField { field: e.field, message: e.message }).collect(),
        }
    }
}

/// The HTTP status of an error code.
pub(crate) fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Logs, once and here, the errors that mean something is wrong on our side; their
/// details never reach the client.
fn log_if_ours(error: &AppError) {
    let code = error.error_code();
    if matches!(code, ErrorCode::Internal | ErrorCode::StorageFull | ErrorCode::Unavailable) {
        tracing::error!(error = ?error, code = code.as_str(), "request failed");
    }
}

/// An error of an API handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl ApiError {
    /// An error with only a code.
    pub fn code(code: ErrorCode) -> Self {
        Self(AppError::code(code))
    }
}

/// Renders a problem response.
pub fn problem_response(code: ErrorCode, detail: Option<String>, errors: Vec<FieldError>) -> Response {
    let problem = Problem::new(code, detail, errors);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (status_of(code), body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    if code == ErrorCode::Unavailable {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_if_ours(&self.0);
        let errors = match &self.0 {
            AppError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        };
        let detail = match &self.0 {
            AppError::Coded { detail, .. } => detail.clone(),
            _ => None,
        };
        problem_response(self.0.error_code(), detail, errors)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    portal: crate::view::Portal,
    status: u16,
    title: &'a str,
    detail: Option<String>,
    login_hint: bool,
}

/// An error of a page handler, rendered as a Vietnamese page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

/// Renders the error page for a code.
pub fn page_response(code: ErrorCode, detail: Option<String>) -> Response {
    let page = ErrorPage {
        portal: crate::view::Portal::anonymous(),
        status: code.status(),
        title: code.title_vi(),
        detail,
        login_hint: code == ErrorCode::Unauthenticated,
    };
    let html = page.render().unwrap_or_else(|_| code.title_vi().to_owned());
    let mut response = (status_of(code), Html(html)).into_response();
    if code == ErrorCode::Unavailable {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_if_ours(&self.0);
        page_response(self.0.error_code(), self.0.detail_vi())
    }
}
