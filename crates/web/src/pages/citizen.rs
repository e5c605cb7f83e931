//! The citizen's side of the portal: login through VNeID (the relying party's redirect and callback), logout, and
//! "Hồ sơ của tôi" (my dossiers, each with its timeline).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use motcua_app::AppError;
use motcua_app::dossiers::{DossierView, TimelineEntry};
use motcua_domain::dossier::{Action, Status};
use serde::Deserialize;
use uuid::Uuid;

use crate::api::session::client_info;
use crate::error::PageError;
use crate::extract::{Caller, ClientAddr, citizen_cookie};
use crate::pages::render;
use crate::state::AppState;
use crate::view::{Portal, instant_or_dash, instant_vi, unit_name};

/// The cookie binding a login under way to this browser (its `state`); only sent back to the callback.
const LOGIN_COOKIE: &str = "motcua_login";

fn login_cookie(state: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let (value, age) = state.map_or(("", 0), |s| (s, motcua_app::identity::LOGIN_TTL.num_seconds()));
    format!("{LOGIN_COOKIE}={value}; Path=/dang-nhap/vneid; HttpOnly; SameSite=Lax; Max-Age={age}{secure}")
}

/// Where the login was started from.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /dang-nhap/vneid`: sends the browser to the identity provider (or straight back when already logged in).
pub async fn login(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let next = motcua_app::identity::safe_return_path(query.next.as_deref().unwrap_or("/ca-nhan/ho-so"));
    if caller.citizen.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let start = state.app.begin_citizen_login(&next).await?;
    let cookie = login_cookie(Some(&start.state), state.config.cookie_secure);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&start.authorize_url)).into_response())
}

/// The provider's answer.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /dang-nhap/vneid/callback`: finishes the login and opens the citizen session.
pub async fn callback(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let clear = login_cookie(None, state.config.cookie_secure);
    let cookie_state = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(&format!("{LOGIN_COOKIE}=")).map(str::to_owned))
        .filter(|v| !v.is_empty());
    let outcome = match (&query.error, &query.code) {
        (Some(error), _) => Err(AppError::detailed(
            motcua_app::ErrorCode::IdentityLoginFailed,
            if error == "access_denied" {
                "Bạn đã hủy đăng nhập tại hệ thống định danh điện tử.".to_owned()
            } else {
                "Hệ thống định danh điện tử từ chối yêu cầu đăng nhập.".to_owned()
            },
        )),
        (None, None) => Err(AppError::detailed(
            motcua_app::ErrorCode::IdentityLoginFailed,
            "Thiếu mã đăng nhập trong phản hồi của hệ thống định danh.",
        )),
        (None, Some(code)) => {
            state
                .app
                .finish_citizen_login(
                    query.state.as_deref().unwrap_or(""),
                    cookie_state.as_deref(),
                    code,
                    client_info(&headers, peer),
                )
                .await
        }
    };
    match outcome {
        Ok(login) => {
            let ttl = (login.session.expires_at - state.app.now()).num_seconds();
            let session = citizen_cookie(Some(&login.token), ttl, state.config.cookie_secure);
            Ok((
                AppendHeaders([(header::SET_COOKIE, clear), (header::SET_COOKIE, session)]),
                Redirect::to(&login.return_to),
            )
                .into_response())
        }
        Err(e) => {
            let mut response = PageError(e).into_response();
            if let Ok(value) = clear.parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
    }
}

/// `POST /dang-xuat/vneid`: ends the citizen session.
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if let (Some(_), Some(token)) = (&caller.citizen, &caller.citizen_token) {
        state.app.logout_citizen(&caller.ctx(), token).await?;
    }
    let cookie = citizen_cookie(None, 0, state.config.cookie_secure);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

/// The login page for a visitor who needs a citizen session.
fn to_login(next: &str) -> Response {
    Redirect::to(&format!("/dang-nhap/vneid?next={}", urlencode(next))).into_response()
}

/// Percent-encodes a local path for a query parameter.
pub(crate) fn urlencode(s: &str) -> String {
    use std::fmt::Write as _;
    s.bytes().fold(String::new(), |mut out, b| {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}

struct DossierRow {
    id: Uuid,
    code: String,
    procedure: String,
    status: &'static str,
    due_at: String,
    /// Who filed it (shown on an organisation's list, where several people file).
    filed_by: String,
}

#[derive(Template)]
#[template(path = "citizen_dossiers.html")]
struct ListPage {
    portal: Portal,
    name: String,
    id_number: String,
    assurance: &'static str,
    /// The organisation of an organisation account: its dossiers are listed.
    organisation: Option<motcua_app::identity::OrganisationAccount>,
    rows: Vec<DossierRow>,
    /// Dossiers others filed for the citizen (they are the recorded subject): read-only.
    for_me: Vec<ForMeRow>,
    notices: Vec<NoticeRow>,
}

/// A dossier someone else filed for the citizen, as listed to them.
struct ForMeRow {
    id: Uuid,
    code: String,
    procedure: String,
    status: &'static str,
    due_at: String,
    /// Who filed it, and on what footing.
    filed_by: String,
    kind: &'static str,
}

/// A portal notice of a status change, as listed to its applicant.
struct NoticeRow {
    at: String,
    subject: String,
    body: String,
}

fn notice_rows<'a>(notices: impl IntoIterator<Item = &'a motcua_app::notices::Notice>) -> Vec<NoticeRow> {
    notices
        .into_iter()
        .map(|n| NoticeRow { at: instant_vi(&n.created_at), subject: n.subject.clone(), body: n.body.clone() })
        .collect()
}

async fn procedure_name(state: &AppState, caller: &Caller, d: &DossierView) -> String {
    let principal = caller.principal();
    match state.app.procedure(&principal, &d.procedure, Some(d.procedure_version)).await {
        Ok(stored) => stored.procedure.name,
        Err(_) => d.procedure.clone(),
    }
}

/// `GET /ca-nhan/ho-so`
pub async fn my_dossiers(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let Some(citizen) = caller.citizen.clone() else { return Ok(to_login("/ca-nhan/ho-so")) };
    let dossiers = state.app.citizen_dossiers(&caller.ctx()).await?;
    let mut rows = Vec::with_capacity(dossiers.len());
    for d in &dossiers {
        rows.push(DossierRow {
            id: d.id,
            code: d.code.clone().unwrap_or_else(|| "—".into()),
            procedure: procedure_name(&state, &caller, d).await,
            status: d.status.label_vi(),
            due_at: instant_or_dash(d.due_at),
            filed_by: d.applicant.full_name.clone(),
        });
    }
    // An organisation's account lists the organisation's dossiers; a person also sees those filed for them.
    let filed_for_me =
        if citizen.organisation.is_none() { state.app.dossiers_filed_for_me(&caller.ctx()).await? } else { Vec::new() };
    let mut for_me = Vec::with_capacity(filed_for_me.len());
    for f in &filed_for_me {
        let d = &f.dossier;
        for_me.push(ForMeRow {
            id: d.id,
            code: d.code.clone().unwrap_or_else(|| "—".into()),
            procedure: procedure_name(&state, &caller, d).await,
            status: d.status.label_vi(),
            due_at: instant_or_dash(d.due_at),
            filed_by: format!("{} — số định danh {}", d.applicant.full_name, d.applicant.id_number),
            kind: f.representation.kind_label,
        });
    }
    render(&ListPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        name: citizen.full_name.clone(),
        id_number: citizen.id_number.clone(),
        assurance: citizen.assurance_vi(),
        organisation: citizen.organisation.clone(),
        rows,
        for_me,
        notices: notice_rows(&state.app.notices_for(&caller.principal()).await?),
    })
}

struct TimelineRow {
    at: String,
    action: String,
    unit: String,
    status: &'static str,
    reasons: String,
}

#[derive(Template)]
#[template(path = "citizen_dossier.html")]
struct DossierPage {
    portal: Portal,
    d: DossierView,
    code: String,
    procedure: String,
    status: &'static str,
    competent_unit: String,
    due_at: String,
    timeline: Vec<TimelineRow>,
    filed: bool,
    notices: Vec<NoticeRow>,
    representation: Option<motcua_app::dossiers::representation::RepresentationView>,
    /// Filed for the citizen by someone else: read-only, without the filer's notices and lookup PIN.
    for_me: bool,
}

/// Query of the dossier page: just filed?
#[derive(Debug, Default, Deserialize)]
pub struct FiledQuery {
    da_nop: Option<String>,
}

/// `GET /ca-nhan/ho-so/{id}`
pub async fn my_dossier(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<FiledQuery>,
) -> Result<Response, PageError> {
    if caller.citizen.is_none() {
        return Ok(to_login(&format!("/ca-nhan/ho-so/{}", urlencode(&id))));
    }
    let id = Uuid::parse_str(&id).map_err(|_| AppError::not_found("hồ sơ"))?;
    let principal = caller.principal();
    let (d, history, notices, representation, for_me) = match state.app.dossier(&principal, id).await {
        Ok(d) => {
            let history = state.app.dossier_timeline(&principal, id).await?;
            let notices = state.app.notices_for(&principal).await?;
            let representation = state.app.dossier_representation(&principal, id).await?;
            (d, history, notices, representation, false)
        }
        // Not their own: perhaps one someone else filed for them (they are its recorded subject), read-only.
        Err(e)
            if e.error_code() == motcua_app::ErrorCode::NotFound
                && matches!(principal, motcua_domain::access::Principal::Citizen { .. }) =>
        {
            let (filed, history) = state.app.dossier_filed_for_me(&principal, id).await?;
            (filed.dossier, history, Vec::new(), Some(filed.representation), true)
        }
        Err(e) => return Err(e.into()),
    };
    let tree = state.app.tree();
    let mut timeline: Vec<TimelineRow> = history.iter().map(|e| timeline_row(e, &tree)).collect();
    if for_me {
        for row in timeline.iter_mut().filter(|r| r.unit == CITIZEN_ACTOR) {
            "Người nộp thay cho bạn".clone_into(&mut row.unit);
        }
    }
    render(&DossierPage {
        for_me,
        representation,
        notices: notice_rows(notices.iter().filter(|n| n.dossier == id)),
        portal: Portal::of(&state.config.portal_name, &caller),
        code: d.code.clone().unwrap_or_else(|| "—".into()),
        procedure: procedure_name(&state, &caller, &d).await,
        status: d.status.label_vi(),
        competent_unit: unit_name(&tree, &d.competent_unit),
        due_at: instant_or_dash(d.due_at),
        timeline,
        filed: query.da_nop.is_some(),
        d,
    })
}

/// Who acted in a timeline row when it was the citizen who filed.
const CITIZEN_ACTOR: &str = "Bạn (người nộp hồ sơ)";

fn timeline_row(e: &TimelineEntry, tree: &motcua_domain::unit::UnitTree) -> TimelineRow {
    TimelineRow {
        at: instant_vi(&e.at),
        // A hand-over names the workflow step the dossier moved to (e.g. "Phê duyệt, ký kết quả").
        action: match (e.action.map_or("—", Action::label_vi), e.step_name.as_deref()) {
            (label, Some(step)) if !step.is_empty() => format!("{label}: {step}"),
            (label, _) => label.to_owned(),
        },
        unit: match e.actor_kind.as_str() {
            "citizen" => CITIZEN_ACTOR.to_owned(),
            "officer" => {
                e.actor_unit.as_deref().map_or_else(|| "Cơ quan giải quyết".to_owned(), |u| unit_name(tree, u))
            }
            _ => "Hệ thống".to_owned(),
        },
        status: e.to.map_or("", Status::label_vi),
        reasons: e.reasons.clone().unwrap_or_default(),
    }
}

/// Which prefilled value the citizen reports as wrong.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    thu_tuc: String,
    #[serde(default)]
    truong: String,
    #[serde(default)]
    nguon: String,
    #[serde(default)]
    ghi_chu: String,
}

#[derive(Template)]
#[template(path = "citizen_report.html")]
struct ReportPage {
    portal: Portal,
    procedure: String,
    field: String,
    source: String,
    done: bool,
}

/// `GET /ca-nhan/bao-sai`: the form to report that a prefilled value is wrong.
pub async fn report_form(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReportForm>,
) -> Result<Response, PageError> {
    if caller.citizen.is_none() {
        return Ok(to_login("/ca-nhan/ho-so"));
    }
    render(&ReportPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        procedure: q.thu_tuc,
        field: q.truong,
        source: q.nguon,
        done: false,
    })
}

/// `POST /ca-nhan/bao-sai`: records the report.
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    crate::extract::PageForm(f): crate::extract::PageForm<ReportForm>,
) -> Result<Response, PageError> {
    state.app.report_registry_error(&caller.ctx(), &f.thu_tuc, &f.truong, &f.nguon, &f.ghi_chu).await?;
    render(&ReportPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        procedure: f.thu_tuc,
        field: f.truong,
        source: f.nguon,
        done: true,
    })
}
