//! The legal forms of a dossier over the API: which exist, their content (the typst input JSON) and their PDF.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use motcua_app::dossiers::forms::DossierForms;
use motcua_app::{AppError, ErrorCode};
use motcua_domain::access::Principal;
use motcua_domain::dossier::forms::{FormDocument, FormKind};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppPath, Caller};
use crate::state::AppState;

/// The form named by a URL slug; `.pdf` is allowed at the end.
pub fn parse_form(raw: &str) -> Result<FormKind, AppError> {
    let slug = raw.strip_suffix(".pdf").unwrap_or(raw);
    FormKind::parse(slug).ok_or_else(|| {
        let known: Vec<&str> = FormKind::ALL.iter().map(|f| f.as_str()).collect();
        AppError::detailed(
            ErrorCode::NotFound,
            format!("Không có biểu mẫu \"{slug}\"; các biểu mẫu: {}.", known.join(", ")),
        )
    })
}

/// A PDF download, shown inline by browsers.
pub fn pdf_response(pdf: Vec<u8>, form: FormKind, id: Uuid) -> Response {
    let file_name = format!("bieu-mau-{}-{id}.pdf", form.as_str());
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file_name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf,
    )
        .into_response()
}

fn signed_in(caller: &Caller) -> Result<motcua_app::record::Ctx, ApiError> {
    let ctx = caller.ctx();
    if matches!(ctx.principal, Principal::Anonymous) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    Ok(ctx)
}

/// The forms a dossier has now (by the events so far) and the set in force (`tt01_2018` for dossiers received up
/// to 30/6/2025, `tt03_2025` from 1/7/2025).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/forms", tag = "dossiers", params(("id" = Uuid, Path)), responses(
    (status = 200, body = Object, description = "`{rule_set, forms: [{form, slug, label}]}`"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<DossierForms>, ApiError> {
    let ctx = signed_in(&caller)?;
    Ok(Json(state.app.dossier_forms(&ctx.principal, id).await?))
}

/// A form as PDF (A4, PDF/A-2b, fonts embedded, QR code to the public status page). The same events give the
/// same bytes. `form` is one of `tiep-nhan` (Mẫu 01), `bo-sung` (02), `tu-choi` (03), `xin-loi` (04),
/// `dung-giai-quyet` (05 of TT 03/2025), `phieu-kiem-soat` (05/06), `so-theo-doi` (06/07).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/forms/{form}", tag = "dossiers",
    params(("id" = Uuid, Path), ("form" = String, Path, description = "Form slug, e.g. `tiep-nhan`")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown dossier or form", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`form_not_available`: the event that creates the form has not happened, or the dossier's set has no such form", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 501, description = "`not_built`: this server was built without the `pdf` feature", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn pdf(
    State(state): State<AppState>,
    caller: Caller,
    AppPath((id, form)): AppPath<(Uuid, String)>,
) -> Result<Response, ApiError> {
    let ctx = signed_in(&caller)?;
    let form = parse_form(&form)?;
    let pdf = state.app.dossier_form_pdf(&ctx, id, form, &state.config.public_url).await?;
    Ok(pdf_response(pdf, form, id))
}

/// A form's content: the JSON its typst template reads (canonical: the same events give the same bytes).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/forms/{form}/data", tag = "dossiers",
    params(("id" = Uuid, Path), ("form" = String, Path, description = "Form slug, e.g. `tiep-nhan`")),
    responses(
        (status = 200, body = Object),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn data(
    State(state): State<AppState>,
    caller: Caller,
    AppPath((id, form)): AppPath<(Uuid, String)>,
) -> Result<Json<FormDocument>, ApiError> {
    let ctx = signed_in(&caller)?;
    Ok(Json(state.app.dossier_form(&ctx.principal, id, parse_form(&form)?).await?))
}
