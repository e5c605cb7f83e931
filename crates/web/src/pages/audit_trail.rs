//! The auditors' page "Nhật ký thao tác" (`/kiem-tra/nhat-ky`): officer actions outside dossiers in the auditor's
//! subtree, filtered by period, account, action and unit, in keyset pages, with a CSV download.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::api::audit::{AuditParams, query_of};
use crate::error::PageError;
use crate::extract::Caller;
use crate::pages::render;
use crate::state::AppState;
use crate::view::{Portal, instant_vi};

struct Row {
    at: String,
    action: String,
    subject: String,
    unit: String,
    actor: String,
    details: String,
}

#[derive(Template)]
#[template(path = "audit_trail.html")]
struct TrailPage {
    portal: Portal,
    unit: String,
    actor: String,
    action: String,
    from: String,
    to: String,
    query: String,
    rows: Vec<Row>,
    next: Option<String>,
}

/// The page's query: the API's filter (dates may be empty strings from the form).
#[derive(Debug, Deserialize)]
pub struct PageParams {
    unit: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    after: Option<String>,
}

fn params(p: &PageParams) -> Result<AuditParams, PageError> {
    let day = |raw: &Option<String>| -> Result<Option<chrono::NaiveDate>, PageError> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s.parse().map(Some).map_err(|_| {
                PageError(motcua_app::AppError::detailed(
                    motcua_app::ErrorCode::InvalidInput,
                    "Ngày phải có dạng năm-tháng-ngày.",
                ))
            }),
        }
    };
    Ok(AuditParams {
        unit: p.unit.clone(),
        actor: p.actor.clone(),
        action: p.action.clone(),
        from: day(&p.from)?,
        to: day(&p.to)?,
        after: p.after.clone(),
        limit: Some(100),
        format: None,
    })
}

fn query_string(p: &PageParams) -> String {
    let enc = super::citizen::urlencode;
    [("unit", &p.unit), ("actor", &p.actor), ("action", &p.action), ("from", &p.from), ("to", &p.to)]
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|s| !s.is_empty()).map(|v| format!("{k}={}", enc(v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET /kiem-tra/nhat-ky`
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(raw): Query<PageParams>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let p = params(&raw)?;
    let page = state.app.audit_trail(&caller.principal(), &query_of(&p), p.after.as_deref(), 100).await?;
    let tree = state.app.tree();
    let unit_name = |u: &Option<String>| {
        u.as_deref()
            .map(|id| {
                motcua_domain::unit::UnitId::parse(id)
                    .ok()
                    .and_then(|uid| tree.get(&uid).map(|unit| unit.name.clone()))
                    .unwrap_or_else(|| id.to_owned())
            })
            .unwrap_or_else(|| "—".into())
    };
    let rows = page
        .entries
        .iter()
        .map(|e| Row {
            at: instant_vi(&e.occurred_at),
            action: e.action.clone(),
            subject: format!("{} {}", e.subject_type, e.subject_id),
            unit: unit_name(&e.unit_id),
            actor: match e.actor_kind.as_str() {
                "officer" => format!("Cán bộ {}", e.actor_id.clone().unwrap_or_default()),
                "system" => "Hệ thống".into(),
                "anonymous" => "Chưa đăng nhập".into(),
                other => other.to_owned(),
            },
            details: e.payload.to_string(),
        })
        .collect();
    render(&TrailPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        unit: raw.unit.clone().unwrap_or_default(),
        actor: raw.actor.clone().unwrap_or_default(),
        action: raw.action.clone().unwrap_or_default(),
        from: raw.from.clone().unwrap_or_default(),
        to: raw.to.clone().unwrap_or_default(),
        query: query_string(&raw),
        rows,
        next: page.next,
    })
}

/// `GET /kiem-tra/nhat-ky.csv`
pub async fn csv(
    State(state): State<AppState>,
    caller: Caller,
    Query(raw): Query<PageParams>,
) -> Result<Response, PageError> {
    let p = params(&raw)?;
    let csv = state.app.audit_trail_csv(&caller.principal(), &query_of(&p)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"nhat-ky.csv\""),
        ],
        csv,
    )
        .into_response())
}
