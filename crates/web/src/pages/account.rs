//! The officer's own account page: turning on the second factor (TOTP).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::{AppError, ErrorCode};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Caller, PageForm};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::Portal;

pub struct EnrolmentView {
    secret: String,
    qr_svg: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct Account {
    portal: Portal,
    full_name: String,
    username: String,
    enabled: bool,
    pending: bool,
    enrolment: Option<EnrolmentView>,
    notice: Option<&'static str>,
    error: Option<String>,
}

impl Account {
    fn new(state: &AppState, caller: &Caller, enabled: bool) -> Option<Self> {
        let officer = caller.officer.as_ref()?;
        Some(Self {
            portal: Portal::new(&state.config.portal_name, Some(officer)),
            full_name: officer.full_name.clone(),
            username: officer.username.clone(),
            enabled,
            pending: false,
            enrolment: None,
            notice: None,
            error: None,
        })
    }
}

fn login_first() -> Response {
    Redirect::to("/dang-nhap").into_response()
}

/// `GET /can-bo/tai-khoan`.
pub async fn show(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(login_first());
    }
    let enabled = state.app.totp_enabled(&caller.ctx()).await?;
    let Some(page) = Account::new(&state, &caller, enabled) else { return Ok(login_first()) };
    render(&page)
}

/// `POST /can-bo/tai-khoan/xac-thuc-hai-buoc`: a new secret, shown this once with its QR code.
pub async fn start(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(login_first());
    }
    let enrolment = match state.app.begin_totp_enrolment(&caller.ctx()).await {
        Ok(e) => e,
        Err(AppError::Invalid(errors)) => {
            let Some(mut page) = Account::new(&state, &caller, true) else { return Ok(login_first()) };
            page.error = errors.into_iter().next().map(|e| e.message);
            return render_with_status(&page, crate::error::status_of(ErrorCode::InvalidInput));
        }
        Err(e) => return Err(e.into()),
    };
    let qr_svg = qrcode::QrCode::with_error_correction_level(enrolment.uri.as_bytes(), qrcode::EcLevel::M)
        .map(|code| code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build())
        .map_err(|e| AppError::detailed(ErrorCode::Internal, format!("qr code: {e}")))?;
    let Some(mut page) = Account::new(&state, &caller, false) else { return Ok(login_first()) };
    page.pending = true;
    page.enrolment = Some(EnrolmentView { secret: enrolment.secret, qr_svg });
    let mut response = render(&page)?;
    // The secret is on this page only: never cached.
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// `POST /can-bo/tai-khoan/xac-thuc-hai-buoc/xac-nhan`: the first code turns TOTP on.
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(form): PageForm<CodeForm>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(login_first());
    }
    match state.app.confirm_totp(&caller.ctx(), &form.code).await {
        Ok(()) => {
            let Some(mut page) = Account::new(&state, &caller, true) else { return Ok(login_first()) };
            page.notice = Some("Đã bật xác thực hai bước. Từ lần đăng nhập sau, hệ thống sẽ hỏi mã xác thực.");
            render(&page)
        }
        Err(AppError::Invalid(errors)) => {
            let Some(mut page) = Account::new(&state, &caller, false) else { return Ok(login_first()) };
            page.pending = true;
            page.error = errors.into_iter().next().map(|e| e.message);
            render_with_status(&page, crate::error::status_of(ErrorCode::InvalidInput))
        }
        Err(e) => Err(e.into()),
    }
}
