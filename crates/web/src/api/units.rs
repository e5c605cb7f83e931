//! The organisation tree, public.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use motcua_domain::unit::Unit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{AppPath, AppQuery};
use crate::state::AppState;

/// A unit as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// Stable key, e.g. `p48`, `c20410`.
    pub id: String,
    /// `province`, `department`, `division`, `commune`, `ward`, `special_zone`, `district`, `vertical`, `service_centre`.
    pub kind: String,
    /// Vietnamese name of the kind.
    pub kind_label: String,
    /// Official name.
    pub name: String,
    /// Parent unit.
    pub parent_id: Option<String>,
    /// Statistics office code.
    pub admin_code: Option<String>,
    /// Agency code used in dossier codes.
    pub agency_code: Option<String>,
    /// False when the agency code is illustrative.
    pub agency_code_official: bool,
    /// First day of existence.
    pub valid_from: NaiveDate,
    /// Last day of existence, if it ended.
    pub valid_to: Option<NaiveDate>,
    /// Successor unit ids.
    pub successors: Vec<String>,
    /// Source and confidence.
    pub note: Option<String>,
}

impl From<&Unit> for UnitDto {
    fn from(u: &Unit) -> Self {
        Self {
            id: u.id.to_string(),
            kind: u.kind.as_str().into(),
            kind_label: u.kind.label_vi().into(),
            name: u.name.clone(),
            parent_id: u.parent.as_ref().map(ToString::to_string),
            admin_code: u.admin_code.clone(),
            agency_code: u.agency_code.as_ref().map(|c| c.as_str().to_owned()),
            agency_code_official: u.agency_code_official,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
            successors: u.successors.iter().map(ToString::to_string).collect(),
            note: u.note.clone(),
        }
    }
}

fn dtos(units: &[Unit]) -> Vec<UnitDto> {
    units.iter().map(UnitDto::from).collect()
}

/// Filters of the unit list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// Words of the name, diacritics optional ("da nang" finds "Đà Nẵng"). Without it: the provinces.
    pub q: Option<String>,
    /// The date the tree is seen at (default: today in Vietnam).
    pub date: Option<NaiveDate>,
}

/// Provinces existing on a date, or units matching a search.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(ListParams), responses(
    (status = 200, body = Vec<UnitDto>),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(State(state): State<AppState>, AppQuery(params): AppQuery<ListParams>) -> Json<Vec<UnitDto>> {
    let date = params.date.unwrap_or_else(|| motcua_domain::time::local_date(state.app.now()));
    let units = match params.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => state.app.search_units(q, date, 100),
        None => state.app.provinces_on(date),
    };
    Json(dtos(&units))
}

/// One unit with its surroundings.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetailDto {
    /// The unit.
    pub unit: UnitDto,
    /// From the root down to the parent.
    pub ancestors: Vec<UnitDto>,
    /// Direct children.
    pub children: Vec<UnitDto>,
    /// Successors named when it ended.
    pub successors: Vec<UnitDto>,
    /// Units carrying on its duties on the requested date.
    pub current_successors: Vec<UnitDto>,
    /// Units that ended and passed their duties to it.
    pub predecessors: Vec<UnitDto>,
}

/// Query of the unit detail.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DetailParams {
    /// The date successors are resolved at (default: today in Vietnam).
    pub date: Option<NaiveDate>,
}

/// A unit, its parents, children, successors and predecessors.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = String, Path, description = "Unit id"), DetailParams), responses(
    (status = 200, body = UnitDetailDto),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn get(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppQuery(params): AppQuery<DetailParams>,
) -> Result<Json<UnitDetailDto>, ApiError> {
    let date = params.date.unwrap_or_else(|| motcua_domain::time::local_date(state.app.now()));
    let d = state.app.unit_detail(&id, date)?;
    Ok(Json(UnitDetailDto {
        unit: UnitDto::from(&d.unit),
        ancestors: dtos(&d.ancestors),
        children: dtos(&d.children),
        successors: dtos(&d.successors),
        current_successors: dtos(&d.current_successors),
        predecessors: dtos(&d.predecessors),
    }))
}
