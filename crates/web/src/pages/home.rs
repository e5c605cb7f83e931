//! The portal's home page and the error-code reference.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use motcua_app::ErrorCode;
use motcua_domain::unit::UnitKind;

use crate::error::PageError;
use crate::extract::Caller;
use crate::pages::render;
use crate::state::AppState;
use crate::view::Portal;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    portal: Portal,
    provinces: usize,
    communes: usize,
    units: usize,
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let today = motcua_domain::time::local_date(state.app.now());
    let tree = state.app.tree();
    let active = tree.units().filter(|u| u.is_active_on(today));
    let (mut provinces, mut communes, mut units) = (0, 0, 0);
    for unit in active {
        units += 1;
        if unit.kind == UnitKind::Province {
            provinces += 1;
        } else if unit.kind.is_commune_level() {
            communes += 1;
        }
    }
    render(&Home { portal: Portal::of(&state.config.portal_name, &caller), provinces, communes, units })
}

#[derive(Template)]
#[template(path = "error_codes.html")]
struct ErrorCodes {
    portal: Portal,
    codes: Vec<(&'static str, u16, &'static str)>,
}

pub async fn error_codes(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let codes = ErrorCode::ALL.iter().map(|c| (c.as_str(), c.status(), c.title_vi())).collect();
    render(&ErrorCodes { portal: Portal::of(&state.config.portal_name, &caller), codes })
}
