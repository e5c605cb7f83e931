//! Who looked up whom in the national population database: the citizen's own page "Ai đã tra cứu thông tin của
//! tôi" and the auditors' report of lookups per account, unit and period with the records behind them (CSV, XLSX).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::population::LookupView;
use motcua_app::population::report::ReportQuery;

use crate::error::PageError;
use crate::extract::Caller;
use crate::pages::render;
use crate::state::AppState;
use crate::view::{Portal, instant_vi};

/// One lookup as a table row.
struct Row {
    seq: i64,
    at: String,
    unit: String,
    actor: String,
    purpose: String,
    dossier: String,
    procedure: String,
    subject: String,
    fields: String,
    result: String,
}

impl Row {
    fn of(v: &LookupView) -> Self {
        let actor = match v.actor_kind.as_str() {
            "officer" => "Cán bộ".to_owned(),
            "citizen" => "Chính công dân".to_owned(),
            _ => "Hệ thống (cho công dân)".to_owned(),
        };
        let fields = if v.fields_returned.is_empty() { &v.fields_requested } else { &v.fields_returned };
        Self {
            seq: v.seq,
            at: instant_vi(&v.occurred_at),
            unit: v.unit_name.clone(),
            actor,
            purpose: v.purpose.clone(),
            dossier: v.dossier_code.clone().unwrap_or_else(|| "—".into()),
            procedure: v.procedure_code.clone().unwrap_or_else(|| "—".into()),
            subject: v.subject_id_number.clone(),
            fields: fields.join(", "),
            result: v.result.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "lookups_mine.html")]
struct MinePage {
    portal: Portal,
    id_number: String,
    rows: Vec<Row>,
}

/// `GET /ca-nhan/ai-da-tra-cuu`: every lookup of the logged-in citizen's record, newest first.
pub async fn mine(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let Some(citizen) = caller.citizen.clone() else {
        return Ok(Redirect::to("/dang-nhap/vneid?next=%2Fca-nhan%2Fai-da-tra-cuu").into_response());
    };
    let lookups = state.app.my_lookups(&caller.ctx()).await?;
    render(&MinePage {
        portal: Portal::of(&state.config.portal_name, &caller),
        id_number: citizen.id_number.clone(),
        rows: lookups.iter().map(Row::of).collect(),
    })
}

struct CountRow {
    account: String,
    actor: String,
    unit: String,
    lookups: i64,
}

#[derive(Template)]
#[template(path = "lookups_audit.html")]
struct AuditPage {
    portal: Portal,
    unit: String,
    actor: String,
    from: String,
    to: String,
    query: String,
    total: i64,
    per_unit: Vec<(String, i64)>,
    counts: Vec<CountRow>,
    rows: Vec<Row>,
}

fn query_string(q: &ReportQuery) -> String {
    let mut parts = Vec::new();
    let enc = super::citizen::urlencode;
    if let Some(u) = q.unit.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("unit={}", enc(u)));
    }
    if let Some(a) = q.actor.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("actor={}", enc(a)));
    }
    if let Some(d) = q.from {
        parts.push(format!("from={d}"));
    }
    if let Some(d) = q.to {
        parts.push(format!("to={d}"));
    }
    parts.join("&")
}

/// `GET /kiem-tra/tra-cuu-dan-cu`: counts of lookups per account and unit in a period, and the records.
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let report = state.app.lookup_report(&caller.principal(), &query).await?;
    let actor_label = |k: &str| match k {
        "officer" => "Cán bộ",
        "citizen" => "Chính công dân",
        _ => "Hệ thống (cho công dân)",
    };
    render(&AuditPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        unit: query.unit.clone().unwrap_or_default(),
        actor: query.actor.clone().unwrap_or_default(),
        from: query.from.map(|d| d.to_string()).unwrap_or_default(),
        to: query.to.map(|d| d.to_string()).unwrap_or_default(),
        query: query_string(&query),
        total: report.total,
        per_unit: report.per_unit.clone(),
        counts: report
            .counts
            .iter()
            .map(|c| CountRow {
                account: c.actor_id.clone().unwrap_or_else(|| "—".into()),
                actor: actor_label(&c.actor_kind).into(),
                unit: c.unit_name.clone(),
                lookups: c.lookups,
            })
            .collect(),
        rows: report.records.iter().take(500).map(Row::of).collect(),
    })
}

/// `GET /kiem-tra/tra-cuu-dan-cu.csv`
pub async fn audit_csv(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let csv = state.app.lookup_report_csv(&caller.principal(), &query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"tra-cuu-dan-cu.csv\""),
        ],
        csv,
    )
        .into_response())
}

/// `GET /kiem-tra/tra-cuu-dan-cu.xlsx`
pub async fn audit_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let bytes = state.app.lookup_report_xlsx(&caller.principal(), &query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"tra-cuu-dan-cu.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}
