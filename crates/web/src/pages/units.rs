//! The unit tree pages: the provinces (or a search), and one unit.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use motcua_domain::unit::Unit;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::Caller;
use crate::pages::render;
use crate::state::AppState;
use crate::view::{Portal, date_vi};

/// A unit row in a table.
struct Row {
    id: String,
    name: String,
    kind: &'static str,
    admin_code: String,
    agency_code: String,
    agency_code_official: bool,
    active: bool,
    children: usize,
    valid_to: String,
}

fn row(unit: &Unit, today: NaiveDate, children: usize) -> Row {
    Row {
        id: unit.id.to_string(),
        name: unit.name.clone(),
        kind: unit.kind.label_vi(),
        admin_code: unit.admin_code.clone().unwrap_or_default(),
        agency_code: unit.agency_code.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_default(),
        agency_code_official: unit.agency_code_official,
        active: unit.is_active_on(today),
        children,
        valid_to: unit.valid_to.as_ref().map(date_vi).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitList {
    portal: Portal,
    query: String,
    rows: Vec<Row>,
    searching: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let today = motcua_domain::time::local_date(state.app.now());
    let tree = state.app.tree();
    let q = query.q.unwrap_or_default().trim().chars().take(100).collect::<String>();
    let units = if q.is_empty() { state.app.provinces_on(today) } else { state.app.search_units(&q, today, 100) };
    let rows = units.iter().map(|u| row(u, today, tree.children(&u.id).count())).collect();
    render(&UnitList {
        portal: Portal::of(&state.config.portal_name, &caller),
        searching: !q.is_empty(),
        query: q,
        rows,
    })
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    portal: Portal,
    unit: Row,
    valid_from: String,
    note: String,
    ancestors: Vec<Row>,
    active_children: Vec<Row>,
    ended_children: Vec<Row>,
    successors: Vec<Row>,
    current_successors: Vec<Row>,
    predecessors: Vec<Row>,
    office_hours: String,
    hours_from: Option<String>,
    can_edit_hours: bool,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let today = motcua_domain::time::local_date(state.app.now());
    let tree = state.app.tree();
    let detail = state.app.unit_detail(&id, today)?;
    let rows = |units: &[Unit]| units.iter().map(|u| row(u, today, tree.children(&u.id).count())).collect::<Vec<_>>();
    let (active, ended): (Vec<Unit>, Vec<Unit>) = detail.children.iter().cloned().partition(|u| u.is_active_on(today));
    // Successors named on the record that are themselves still active need no second list.
    let named: Vec<&str> = detail.successors.iter().map(|u| u.id.as_str()).collect();
    let further: Vec<Unit> =
        detail.current_successors.iter().filter(|u| !named.contains(&u.id.as_str())).cloned().collect();
    let (hours, set_on) = state.app.office_hours_of(&detail.unit.id)?;
    let office_hours = super::office_hours::describe(&hours);
    let hours_from = match set_on {
        Some(u) if u != detail.unit.id => Some(tree.get(&u).map_or_else(|| u.to_string(), |x| x.name.clone())),
        Some(_) => None,
        None => Some("mặc định của hệ thống".to_owned()),
    };
    let can_edit_hours =
        caller.officer.is_some() && state.app.require_office_hours_admin(&caller.ctx(), &detail.unit.id).is_ok();
    render(&UnitPage {
        office_hours,
        hours_from,
        can_edit_hours,
        portal: Portal::of(&state.config.portal_name, &caller),
        unit: row(&detail.unit, today, detail.children.len()),
        valid_from: date_vi(&detail.unit.valid_from),
        note: detail.unit.note.clone().unwrap_or_default(),
        ancestors: rows(&detail.ancestors),
        active_children: rows(&active),
        ended_children: rows(&ended),
        successors: rows(&detail.successors),
        current_successors: rows(&further),
        predecessors: rows(&detail.predecessors),
    })
}
