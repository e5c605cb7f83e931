//! The catalogue for province administrators: every procedure with its drafts, a procedure's versions with
//! publication and withdrawal, and the edit form (common fields, plus the whole procedure as JSON).
//!
//! Every change goes through the optimistic version: the page carries the newest version it showed, and someone
//! else's change in between is refused with the conflict message.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::catalogue::{CatalogueQuery, StoredProcedure, VersionInfo};
use motcua_app::error::FieldError;
use motcua_app::{AppError, ErrorCode};
use motcua_domain::access::Action;
use motcua_domain::catalogue::{Assurance, FORMAT, Level, Lifecycle, OnlineLevel};
use serde::Deserialize;
use serde_json::json;

use crate::error::{PageError, status_of};
use crate::extract::{Caller, PageForm};
use crate::pages::catalogue::{Choice, assurance_label, choices, encode, page_count, page_number};
use crate::pages::procedure_form::{EditForm, TIME_UNITS, invalid};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::{Portal, date_vi, instant_vi};

/// `None` when the caller must log in first; an error when not a province administrator.
fn require_admin(state: &AppState, caller: &Caller) -> Result<Option<Redirect>, PageError> {
    if caller.officer.is_none() {
        return Ok(Some(Redirect::to("/dang-nhap")));
    }
    state.app.require_in_home_province(&caller.ctx().principal, Action::ManageCatalogue)?;
    Ok(None)
}

struct Row {
    code: String,
    name: String,
    sector: String,
    lifecycle: &'static str,
    latest: i64,
    published: Option<i64>,
    unpublished_draft: bool,
}

#[derive(Template)]
#[template(path = "admin_catalogue.html")]
struct ListPage {
    portal: Portal,
    q: String,
    rows: Vec<Row>,
    total: i64,
    page: u32,
    previous: Option<String>,
    next: Option<String>,
}

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    trang: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    if let Some(login) = require_admin(&state, &caller)? {
        return Ok(login.into_response());
    }
    let q: String = query.q.unwrap_or_default().trim().chars().take(200).collect();
    let page = page_number(query.trang.as_deref());
    let search =
        CatalogueQuery { q: (!q.is_empty()).then(|| q.clone()), page: Some(page), ..CatalogueQuery::default() };
    let results = state.app.search_catalogue(&search, true).await?;
    let pages = page_count(results.total, results.per_page);
    let link = |p: u32| format!("/quan-tri/thu-tuc?q={}&trang={p}", encode(&q));
    let rows = results
        .items
        .iter()
        .map(|s| Row {
            code: s.code.clone(),
            name: s.name.clone(),
            sector: s.sector.clone(),
            lifecycle: s.lifecycle.label_vi(),
            latest: s.latest_version,
            published: s.published_version,
            unpublished_draft: s.published_version != Some(s.latest_version) && s.lifecycle != Lifecycle::Withdrawn,
        })
        .collect();
    render(&ListPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        rows,
        total: results.total,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        page,
        q,
    })
}

struct VersionRow {
    version: i64,
    lifecycle: &'static str,
    effective: String,
    created_at: String,
    is_public: bool,
}

#[derive(Template)]
#[template(path = "admin_procedure.html")]
struct EditPage {
    portal: Portal,
    new: bool,
    code: String,
    name: String,
    latest: Option<i64>,
    published: Option<i64>,
    versions: Vec<VersionRow>,
    form: EditForm,
    levels: Vec<Choice>,
    online_levels: Vec<Choice>,
    assurances: Vec<Choice>,
    time_units: Vec<Choice>,
    status: Option<String>,
    error: Option<String>,
    problems: Vec<FieldError>,
}

impl EditPage {
    fn new(state: &AppState, caller: &Caller, form: EditForm, stored: Option<&StoredProcedure>) -> Self {
        let level_flags = [
            (Level::Province, form.cap_province.is_some()),
            (Level::Commune, form.cap_commune.is_some()),
            (Level::Vertical, form.cap_vertical.is_some()),
            (Level::Ministry, form.cap_ministry.is_some()),
        ];
        let choice = |value: &str, label: &str, selected: &str| Choice {
            value: value.into(),
            label: label.into(),
            selected: value == selected,
        };
        Self {
            portal: Portal::of(&state.config.portal_name, caller),
            new: stored.is_none(),
            code: form.code.clone(),
            name: stored.map(|s| s.procedure.name.clone()).unwrap_or_default(),
            latest: stored.map(|s| s.latest_version),
            published: stored.and_then(|s| s.published_version),
            versions: Vec::new(),
            levels: level_flags
                .iter()
                .map(|(l, on)| Choice {
                    value: format!("cap_{}", l.as_str()),
                    label: l.label_vi().into(),
                    selected: *on,
                })
                .collect(),
            online_levels: choices(
                &[OnlineLevel::FullProcess, OnlineLevel::Partial, OnlineLevel::None],
                OnlineLevel::as_str,
                OnlineLevel::label_vi,
                &form.online_level,
            ),
            assurances: [Assurance::L1, Assurance::L2]
                .iter()
                .map(|a| choice(&format!("{a:?}"), assurance_label(*a), &form.min_assurance))
                .collect(),
            time_units: TIME_UNITS.iter().map(|(u, label)| choice(u, label, &form.time_unit)).collect(),
            form,
            status: None,
            error: None,
            problems: Vec::new(),
        }
    }

    fn with_versions(mut self, history: &[VersionInfo]) -> Self {
        let published = self.published;
        self.versions = history
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                lifecycle: v.lifecycle.label_vi(),
                effective: match v.effective_to {
                    Some(to) => format!("{} – {}", date_vi(&v.effective_from), date_vi(&to)),
                    None => format!("từ {}", date_vi(&v.effective_from)),
                },
                created_at: instant_vi(&v.created_at),
                is_public: published == Some(v.version),
            })
            .collect();
        self
    }

    fn refused(mut self, error: &AppError) -> Self {
        match error {
            AppError::Invalid(fields) => {
                self.error = Some(format!("Chưa lưu được: có {} chỗ chưa hợp lệ.", fields.len()));
                self.problems = fields.clone();
            }
            other => self.error = Some(other.message_vi()),
        }
        self
    }
}

/// The newest version of a procedure, whatever the public sees.
async fn newest(state: &AppState, caller: &Caller, code: &str) -> Result<StoredProcedure, AppError> {
    let principal = caller.ctx().principal;
    let stored = state.app.procedure(&principal, code, None).await?;
    if stored.version == stored.latest_version {
        return Ok(stored);
    }
    state.app.procedure(&principal, code, Some(stored.latest_version)).await
}

/// The edit page of a stored procedure: the form as typed (with the version it was based on), else the newest
/// version, next to the stored versions.
async fn edit_page(
    state: &AppState,
    caller: &Caller,
    code: &str,
    typed: Option<EditForm>,
) -> Result<EditPage, PageError> {
    let stored = newest(state, caller, code).await?;
    let history = state.app.procedure_history(&caller.ctx().principal, code).await?;
    let form = match typed {
        Some(form) => EditForm { code: code.to_owned(), ..form },
        None => EditForm::of(&stored.procedure, Some(stored.latest_version))?,
    };
    Ok(EditPage::new(state, caller, form, Some(&stored)).with_versions(&history))
}

/// Query of the edit page: what just happened.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    da_luu: Option<i64>,
    cong_bo: Option<i64>,
    dung: Option<i64>,
}

pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, PageError> {
    if let Some(login) = require_admin(&state, &caller)? {
        return Ok(login.into_response());
    }
    let mut page = edit_page(&state, &caller, &code, None).await?;
    page.status = match (done.da_luu, done.cong_bo, done.dung) {
        (Some(v), _, _) => {
            Some(format!("Đã lưu bản nháp, phiên bản {v}. Người dân chưa thấy bản nháp cho đến khi công bố."))
        }
        (_, Some(v), _) => Some(format!("Đã công bố phiên bản {v}.")),
        (_, _, Some(v)) => Some(format!("Đã dừng công khai thủ tục (phiên bản {v}).")),
        _ => None,
    };
    render(&page)
}

pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    PageForm(form): PageForm<EditForm>,
) -> Result<Response, PageError> {
    if let Some(login) = require_admin(&state, &caller)? {
        return Ok(login.into_response());
    }
    let expected = form.expected_version.trim().parse::<i64>().ok();
    let outcome = match form.procedure(&code) {
        Ok(procedure) => state.app.save_procedure(&caller.ctx(), procedure, expected).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(version) => Ok(Redirect::to(&format!("/quan-tri/thu-tuc/{code}?da_luu={version}")).into_response()),
        Err(e) if matches!(e.error_code(), ErrorCode::InvalidInput | ErrorCode::StaleVersion) => {
            let page = edit_page(&state, &caller, &code, Some(form)).await?.refused(&e);
            render_with_status(&page, status_of(e.error_code()))
        }
        Err(e) => Err(e.into()),
    }
}

fn blank(today: chrono::NaiveDate) -> Result<EditForm, AppError> {
    let skeleton = json!({
        "code": "",
        "name": "",
        "sector": {"name": ""},
        "levels": [],
        "units": [],
        "sequence": [],
        "methods": ["counter", "online"],
        "subjects": ["citizen"],
        "components": [],
        "fees": [],
        "legal_basis": [],
        "effective_from": today.to_string(),
    });
    let mut form = EditForm {
        online_level: "none".into(),
        min_assurance: "L1".into(),
        time_unit: "working_days".into(),
        effective_from: today.to_string(),
        json: serde_json::to_string_pretty(&skeleton)
            .map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?,
        ..EditForm::default()
    };
    form.code.clear();
    Ok(form)
}

pub async fn create_form(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if let Some(login) = require_admin(&state, &caller)? {
        return Ok(login.into_response());
    }
    let today = motcua_domain::time::local_date(state.app.now());
    render(&EditPage::new(&state, &caller, blank(today)?, None))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(form): PageForm<EditForm>,
) -> Result<Response, PageError> {
    if let Some(login) = require_admin(&state, &caller)? {
        return Ok(login.into_response());
    }
    let code = form.code.trim().to_owned();
    let outcome = if code.is_empty() {
        Err(invalid("code", "Vui lòng nhập mã thủ tục, dạng d.dddddd (ví dụ 1.001193)."))
    } else {
        match form.procedure(&code) {
            Ok(procedure) => state.app.save_procedure(&caller.ctx(), procedure, None).await,
            Err(e) => Err(e),
        }
    };
    match outcome {
        Ok(version) => {
            Ok(Redirect::to(&format!("/quan-tri/thu-tuc/{}?da_luu={version}", encode(&code))).into_response())
        }
        Err(e) if matches!(e.error_code(), ErrorCode::InvalidInput | ErrorCode::StaleVersion) => {
            let page = EditPage::new(&state, &caller, form, None).refused(&e);
            render_with_status(&page, status_of(e.error_code()))
        }
        Err(e) => Err(e.into()),
    }
}

/// A publication or withdrawal: the newest version the page showed.
#[derive(Debug, Deserialize)]
pub struct LifecycleForm {
    version: String,
}

async fn change_lifecycle(
    state: AppState,
    caller: Caller,
    code: String,
    form: LifecycleForm,
    publish: bool,
) -> Result<Response, PageError> {
    if let Some(login) = require_admin(&state, &caller)? {
        return Ok(login.into_response());
    }
    let version = form
        .version
        .trim()
        .parse::<i64>()
        .map_err(|_| PageError(invalid("version", "Thiếu phiên bản của thủ tục.")))?;
    let ctx = caller.ctx();
    let outcome = if publish {
        state.app.publish_procedure(&ctx, &code, version).await
    } else {
        state.app.withdraw_procedure(&ctx, &code, version).await
    };
    match outcome {
        Ok(new) => {
            let key = if publish { "cong_bo" } else { "dung" };
            Ok(Redirect::to(&format!("/quan-tri/thu-tuc/{code}?{key}={new}")).into_response())
        }
        Err(e) if matches!(e.error_code(), ErrorCode::InvalidInput | ErrorCode::StaleVersion) => {
            let page = edit_page(&state, &caller, &code, None).await?.refused(&e);
            render_with_status(&page, status_of(e.error_code()))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    PageForm(form): PageForm<LifecycleForm>,
) -> Result<Response, PageError> {
    change_lifecycle(state, caller, code, form, true).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    PageForm(form): PageForm<LifecycleForm>,
) -> Result<Response, PageError> {
    change_lifecycle(state, caller, code, form, false).await
}

impl EditPage {
    /// The canonical format's name, shown next to the JSON.
    fn format(&self) -> &'static str {
        FORMAT
    }

    fn can_publish(&self) -> bool {
        self.latest.is_some() && self.latest != self.published
    }
}
