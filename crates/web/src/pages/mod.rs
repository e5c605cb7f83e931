//! The Vietnamese pages: portal home, the unit tree, the procedure catalogue and its e-forms, officer login and
//! workspace, the officers' dossier pages, and the administrators' pages.

mod account;
mod audit_trail;
mod calendar;
mod calendar_edit;
mod catalogue;
mod catalogue_admin;
mod catalogue_review;
mod citizen;
mod documents;
mod dossier_forms;
mod dossiers;
mod eform;
mod home;
mod login;
mod lookups;
mod office_hours;
pub mod procedure_form;
mod status_lookup;
mod units;
mod workspace;

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use motcua_app::{AppError, ErrorCode};

use crate::error::PageError;
use crate::state::AppState;

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/don-vi", get(units::list))
        .route("/don-vi/{id}", get(units::show))
        .route("/lich", get(calendar::show))
        .route("/thu-tuc", get(catalogue::search))
        .route("/thu-tuc/{code}", get(catalogue::show))
        .route("/thu-tuc/{code}/nop", get(eform::form).post(eform::submit))
        .route("/quan-tri/thu-tuc", get(catalogue_admin::list))
        .route("/quan-tri/thu-tuc/moi", get(catalogue_admin::create_form).post(catalogue_admin::create))
        .route("/quan-tri/thu-tuc/{code}", get(catalogue_admin::edit).post(catalogue_admin::save))
        .route("/quan-tri/thu-tuc/{code}/cong-bo", axum::routing::post(catalogue_admin::publish))
        .route("/quan-tri/thu-tuc/{code}/dung-cong-khai", axum::routing::post(catalogue_admin::withdraw))
        .route("/quan-tri/ra-soat", get(catalogue_review::show).post(catalogue_review::decide))
        .route("/quan-tri/lich/{year}", get(calendar_edit::form).post(calendar_edit::submit))
        .route("/quan-tri/gio-lam-viec/{unit}", get(office_hours::form).post(office_hours::submit))
        .route("/tra-cuu-ho-so", get(status_lookup::form).post(status_lookup::submit))
        .route("/dang-nhap", get(login::form).post(login::submit))
        .route("/dang-xuat", axum::routing::post(login::logout))
        .route("/dang-nhap/ma-xac-thuc", axum::routing::post(login::submit_totp))
        .route("/can-bo/tai-khoan", get(account::show))
        .route("/can-bo/tai-khoan/xac-thuc-hai-buoc", axum::routing::post(account::start))
        .route("/can-bo/tai-khoan/xac-thuc-hai-buoc/xac-nhan", axum::routing::post(account::confirm))
        .route("/dang-nhap/vneid", get(citizen::login))
        .route("/dang-nhap/vneid/callback", get(citizen::callback))
        .route("/dang-xuat/vneid", axum::routing::post(citizen::logout))
        .route("/ca-nhan/ho-so", get(citizen::my_dossiers))
        .route("/ca-nhan/ai-da-tra-cuu", get(lookups::mine))
        .route("/kiem-tra/tra-cuu-dan-cu", get(lookups::audit))
        .route("/kiem-tra/nhat-ky", get(audit_trail::show))
        .route("/kiem-tra/nhat-ky.csv", get(audit_trail::csv))
        .route("/kiem-tra/tra-cuu-dan-cu.csv", get(lookups::audit_csv))
        .route("/kiem-tra/tra-cuu-dan-cu.xlsx", get(lookups::audit_xlsx))
        .route("/ca-nhan/ho-so/{id}", get(citizen::my_dossier))
        .route("/ca-nhan/bao-sai", get(citizen::report_form).post(citizen::report))
        .route("/can-bo", get(workspace::show))
        .route("/can-bo/tiep-nhan", get(dossiers::start))
        .route("/can-bo/tiep-nhan/{code}", get(dossiers::reception_form).post(dossiers::receive))
        .route("/can-bo/ho-so", get(dossiers::inbox))
        .route("/can-bo/so-theo-doi", get(dossiers::register))
        .route("/can-bo/so-theo-doi.csv", get(dossiers::register_csv))
        .route("/can-bo/so-theo-doi.pdf", get(dossiers::register_pdf))
        .route("/can-bo/canh-bao", get(dossiers::alerts))
        .route("/can-bo/ho-so/{id}", get(dossiers::show))
        .route("/can-bo/ho-so/{id}/thao-tac", axum::routing::post(dossiers::act))
        .route("/can-bo/ho-so/{id}/bien-nhan", get(dossiers::receipt))
        .route("/can-bo/ho-so/{id}/bieu-mau", get(dossier_forms::list))
        .route("/can-bo/ho-so/{id}/bieu-mau/{form}", get(dossier_forms::pdf))
        .route(
            "/can-bo/ho-so/{id}/tai-lieu",
            get(documents::show).post(documents::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/can-bo/ho-so/{id}/ket-qua-dien-tu",
            axum::routing::post(documents::issue_result).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/tai-lieu/{id}", get(documents::get))
        .route("/chia-se/{token}", get(documents::shared))
        .route(
            "/xac-minh",
            get(documents::verify_form).post(documents::verify).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/ca-nhan/kho-du-lieu", get(documents::warehouse))
        .route("/ca-nhan/kho-du-lieu/{id}/chia-se", axum::routing::post(documents::share))
        .route("/quan-tri/cong-viec", get(workspace::jobs))
        .route("/api/errors", get(home::error_codes))
        .route("/static/app.css", get(stylesheet))
        .route("/static/draft.js", get(draft_script))
}

/// Renders a template, or the error page if rendering fails.
pub fn render(template: &impl Template) -> Result<Response, PageError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(|e| PageError(AppError::detailed(ErrorCode::Internal, format!("template: {e}"))))
}

/// Renders a form page again after a refusal, with the status that says why
/// (422 for invalid input, 401 for a failed login …).
pub fn render_with_status(template: &impl Template, status: axum::http::StatusCode) -> Result<Response, PageError> {
    let mut response = render(template)?;
    *response.status_mut() = status;
    Ok(response)
}

/// The e-form's draft saver (progressive enhancement, see `static/draft.js`).
async fn draft_script() -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/draft.js"),
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}
