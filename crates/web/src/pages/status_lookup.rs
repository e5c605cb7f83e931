//! The public status lookup (tra cứu tình trạng hồ sơ): a dossier code and a second factor, no personal data.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use motcua_app::ErrorCode;
use serde::Deserialize;

use crate::api::session::client_info;
use crate::error::{PageError, status_of};
use crate::extract::{AppQuery, Caller, ClientAddr, PageForm};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::{Portal, instant_or_dash, instant_vi};

/// One row of the public timeline.
struct Step {
    at: String,
    action: String,
    status: String,
}

/// What the page shows of a found dossier.
struct Found {
    code: String,
    procedure: String,
    status: String,
    national_status: String,
    unit: String,
    received_at: String,
    due_at: String,
    steps: Vec<Step>,
}

#[derive(Template)]
#[template(path = "status_lookup.html")]
struct Lookup {
    portal: Portal,
    code: String,
    error: Option<String>,
    found: Option<Found>,
}

/// `?ma=<code>`: the QR code printed on the legal forms opens the page with the code filled in.
#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    ma: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(query): AppQuery<LookupQuery>,
) -> Result<Response, PageError> {
    let portal = Portal::of(&state.config.portal_name, &caller);
    let code = query.ma.map(|c| c.trim().chars().take(40).collect()).unwrap_or_default();
    render(&Lookup { portal, code, error: None, found: None })
}

#[derive(Deserialize)]
pub struct LookupForm {
    code: String,
    secret: String,
}

pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(peer): ClientAddr,
    headers: HeaderMap,
    PageForm(form): PageForm<LookupForm>,
) -> Result<Response, PageError> {
    let portal = Portal::of(&state.config.portal_name, &caller);
    let client = client_info(&headers, peer).ip.unwrap_or_else(|| "unknown".into());
    let code: String = form.code.trim().chars().take(40).collect();
    match state.app.public_status(&code, &form.secret, &client).await {
        Ok(s) => {
            let found = Found {
                code: s.code.clone(),
                procedure: format!("{} — {}", s.procedure, s.procedure_name),
                status: s.status.label_vi().into(),
                national_status: s.national_status.map(|c| c.to_string()).unwrap_or_default(),
                unit: s.competent_unit.clone(),
                received_at: instant_or_dash(s.received_at),
                due_at: instant_or_dash(s.due_at),
                steps: s
                    .steps
                    .iter()
                    .map(|(at, action, status)| Step {
                        at: instant_vi(at),
                        action: action.map(|a| a.label_vi()).unwrap_or("").into(),
                        status: status.map(|s| s.label_vi()).unwrap_or("").into(),
                    })
                    .collect(),
            };
            render(&Lookup { portal, code, error: None, found: Some(found) })
        }
        Err(e) if matches!(e.error_code(), ErrorCode::NotFound | ErrorCode::TooManyAttempts) => render_with_status(
            &Lookup { portal, code, error: Some(e.detail_vi().unwrap_or_default()), found: None },
            status_of(e.error_code()),
        ),
        Err(e) => Err(e.into()),
    }
}
