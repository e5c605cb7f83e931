//! Officers' downloads of a dossier's legal forms: `/can-bo/ho-so/{id}/bieu-mau` lists the forms the dossier has,
//! `/can-bo/ho-so/{id}/bieu-mau/{form}.pdf` downloads one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::dossiers::forms::FormLink;
use motcua_app::{AppError, ErrorCode};
use uuid::Uuid;

use super::render;
use crate::api::dossier_forms::{parse_form, pdf_response};
use crate::error::PageError;
use crate::extract::Caller;
use crate::state::AppState;
use crate::view::Portal;

#[derive(Template)]
#[template(path = "dossier_forms.html")]
struct FormsPage {
    portal: Portal,
    id: Uuid,
    code: String,
    rule_set: &'static str,
    forms: Vec<FormLink>,
    pdf: bool,
}

fn dossier_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::not_found("hồ sơ"))
}

/// The forms of a dossier, with links to their PDFs.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let id = dossier_id(&id)?;
    let principal = caller.ctx().principal;
    let d = state.app.dossier(&principal, id).await?;
    let forms = state.app.dossier_forms(&principal, id).await?;
    let rule_set = match forms.rule_set {
        Some(motcua_domain::dossier::forms::RuleSet::Tt01_2018) => {
            "Thông tư 01/2018/TT-VPCP (hồ sơ tiếp nhận đến hết ngày 30/6/2025)"
        }
        Some(motcua_domain::dossier::forms::RuleSet::Tt03_2025) => {
            "Thông tư 03/2025/TT-VPCP (hồ sơ tiếp nhận từ ngày 01/7/2025)"
        }
        None => "",
    };
    render(&FormsPage {
        portal: Portal::new(&state.config.portal_name, Some(&officer)),
        id,
        code: d.code.unwrap_or_default(),
        rule_set,
        forms: forms.forms,
        pdf: cfg!(feature = "pdf"),
    })
}

/// One form as PDF, for an officer whose roles reach the dossier.
pub async fn pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, form)): Path<(String, String)>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let id = dossier_id(&id)?;
    let Some(slug) = form.strip_suffix(".pdf") else {
        return Err(AppError::detailed(ErrorCode::NotFound, "Địa chỉ biểu mẫu phải kết thúc bằng .pdf.").into());
    };
    let form = parse_form(slug)?;
    let pdf = state.app.dossier_form_pdf(&caller.ctx(), id, form, &state.config.public_url).await?;
    Ok(pdf_response(pdf, form, id))
}
