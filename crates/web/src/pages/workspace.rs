//! The officer's workspace and the administrators' job list.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::ErrorCode;
use motcua_app::accounts::OfficerView;
use motcua_domain::access::Action;

use crate::error::PageError;
use crate::extract::Caller;
use crate::pages::render;
use crate::state::AppState;
use crate::view::{Portal, instant_vi};

struct GrantRow {
    role: &'static str,
    unit_id: String,
    unit_name: String,
}

struct Colleague {
    full_name: String,
    username: String,
    roles: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct Workspace {
    portal: Portal,
    officer: OfficerView,
    unit_name: String,
    grants: Vec<GrantRow>,
    colleagues: Option<Vec<Colleague>>,
    can_view_jobs: bool,
    can_manage_catalogue: bool,
    can_review_catalogue: bool,
    can_see_dossiers: bool,
    can_receive: bool,
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let tree = state.app.tree();
    let name_of =
        |id: &motcua_domain::unit::UnitId| tree.get(id).map(|u| u.name.clone()).unwrap_or_else(|| id.to_string());
    let grants = officer
        .grants
        .iter()
        .map(|g| GrantRow { role: g.role.label_vi(), unit_id: g.unit.to_string(), unit_name: name_of(&g.unit) })
        .collect();
    let colleagues = match state.app.officers_of_unit(&caller.ctx(), officer.unit_id.as_str()).await {
        Ok(list) => Some(
            list.into_iter()
                .map(|o| Colleague {
                    roles: o.grants.iter().map(|g| g.role.label_vi()).collect::<Vec<_>>().join(", "),
                    full_name: o.full_name,
                    username: o.username,
                    disabled: o.disabled,
                })
                .collect(),
        ),
        Err(e) if e.error_code() == ErrorCode::Forbidden => None,
        Err(e) => return Err(e.into()),
    };
    let can_view_jobs = state.app.recent_jobs(&caller.ctx(), Some("failed")).await.is_ok();
    let principal = caller.ctx().principal;
    let can_manage_catalogue = state.app.require_in_home_province(&principal, Action::ManageCatalogue).is_ok();
    let can_review_catalogue = state.app.require_in_home_province(&principal, Action::ReviewCatalogue).is_ok();
    let (can_see_dossiers, can_receive) = crate::pages::dossiers::dossier_links(&officer);
    render(&Workspace {
        portal: Portal::new(&state.config.portal_name, Some(&officer)),
        unit_name: name_of(&officer.unit_id),
        officer,
        grants,
        colleagues,
        can_view_jobs,
        can_manage_catalogue,
        can_review_catalogue,
        can_see_dossiers,
        can_receive,
    })
}

struct JobRow {
    kind: String,
    status: &'static str,
    attempts: String,
    run_at: String,
    last_error: String,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct Jobs {
    portal: Portal,
    jobs: Vec<JobRow>,
}

pub async fn jobs(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let list = state.app.recent_jobs(&caller.ctx(), None).await?;
    let jobs = list
        .iter()
        .map(|j| JobRow {
            kind: j.kind.clone(),
            status: match j.status.as_str() {
                "queued" => "Đang chờ",
                "running" => "Đang chạy",
                "done" => "Hoàn thành",
                _ => "Thất bại",
            },
            attempts: format!("{}/{}", j.attempts, j.max_attempts),
            run_at: instant_vi(&j.run_at),
            last_error: j.last_error.clone().unwrap_or_default(),
        })
        .collect();
    render(&Jobs { portal: Portal::of(&state.config.portal_name, &caller), jobs })
}
