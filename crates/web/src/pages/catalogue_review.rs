//! The catalogue review (rà soát, Directive 05/CT-TTg) for the officers who review the catalogue: papers the law
//! abolished that procedures still demand, missing parts, unconfirmed times, and forms short of the 20 % target.
//! Province administrators confirm or dismiss each paper finding.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::AppError;
use motcua_app::catalogue::ReviewReport;
use motcua_app::error::FieldError;
use motcua_domain::access::Action;
use motcua_domain::catalogue::review::DECLARATION_REDUCTION_TARGET;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Caller, PageForm};
use crate::pages::catalogue::encode;
use crate::pages::render;
use crate::state::AppState;
use crate::view::Portal;

struct Finding {
    component: String,
    component_name: String,
    paper: String,
    paper_name: String,
    reason: String,
    legal_basis: String,
    /// `confirmed`, `dismissed`, or empty while undecided.
    decision: String,
}

struct FormRow {
    title: String,
    baseline: Option<u32>,
    typed: usize,
    reduction: Option<String>,
}

struct Item {
    code: String,
    name: String,
    papers: Vec<Finding>,
    missing: Vec<&'static str>,
    time_unconfirmed: bool,
    forms: Vec<FormRow>,
}

#[derive(Template)]
#[template(path = "catalogue_review.html")]
struct ReviewPage {
    portal: Portal,
    procedures: usize,
    complete: usize,
    paper_findings: usize,
    decided: usize,
    time_unconfirmed: usize,
    forms_measured: usize,
    forms_meeting_target: usize,
    target: String,
    items: Vec<Item>,
    can_decide: bool,
    status: Option<String>,
}

fn percent(value: f64) -> String {
    format!("{:.0} %", value * 100.0)
}

/// Query of the review page: what just happened.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    da_ghi: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(done): Query<DoneQuery>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let principal = caller.ctx().principal;
    let report = state.app.catalogue_review(&principal).await?;
    let can_decide = state.app.require_in_home_province(&principal, Action::ManageCatalogue).is_ok();
    let decision_of = |code: &str, component: &str, paper: &str| {
        report.decisions.get(&ReviewReport::decision_key(code, component, paper)).cloned().unwrap_or_default()
    };
    let items: Vec<Item> = report
        .procedures
        .iter()
        .filter(|r| r.needs_attention())
        .map(|r| Item {
            code: r.code.to_string(),
            name: r.name.clone(),
            papers: r
                .papers
                .iter()
                .map(|f| Finding {
                    decision: decision_of(r.code.as_str(), &f.component, &f.paper),
                    component: f.component.clone(),
                    component_name: f.component_name.clone(),
                    paper: f.paper.clone(),
                    paper_name: f.paper_name.clone(),
                    reason: f.reason.clone(),
                    legal_basis: f.legal_basis.clone(),
                })
                .collect(),
            missing: r.missing_parts.iter().map(|p| p.label_vi()).collect(),
            time_unconfirmed: r.time_unconfirmed,
            forms: r
                .forms
                .iter()
                .filter(|f| f.meets_target != Some(true))
                .map(|f| FormRow {
                    title: f.title.clone(),
                    baseline: f.baseline,
                    typed: f.typed_at_l2,
                    reduction: f.reduction.map(percent),
                })
                .collect(),
        })
        .collect();
    let decided = items.iter().flat_map(|i| &i.papers).filter(|f| !f.decision.is_empty()).count();
    let s = report.summary;
    render(&ReviewPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        procedures: s.procedures,
        complete: s.complete,
        paper_findings: s.paper_findings,
        decided,
        time_unconfirmed: s.time_unconfirmed,
        forms_measured: s.forms_measured,
        forms_meeting_target: s.forms_meeting_target,
        target: percent(DECLARATION_REDUCTION_TARGET),
        items,
        can_decide,
        status: done.da_ghi.map(|_| "Đã ghi nhận quyết định.".to_owned()),
    })
}

/// A decision on a paper finding.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    code: String,
    component: String,
    paper: String,
    decision: String,
}

pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let confirmed = match form.decision.as_str() {
        "confirmed" => true,
        "dismissed" => false,
        _ => return Err(AppError::Invalid(vec![FieldError::new("decision", "Quyết định không hợp lệ.")]).into()),
    };
    state.app.decide_review_finding(&caller.ctx(), &form.code, &form.component, &form.paper, confirmed, None).await?;
    Ok(Redirect::to(&format!("/quan-tri/ra-soat?da_ghi={}#tt-{}", encode(&form.code), encode(&form.code)))
        .into_response())
}
