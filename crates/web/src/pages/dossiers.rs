//! The officers' dossier pages: the reception desk (a procedure's applicant fields, e-form and component checklist),
//! the inbox, a dossier with its history and the actions possible now, and the printable receipt (Mẫu 01).
//! Everything works without JavaScript; every change goes through the same use cases as the API.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use motcua_app::accounts::OfficerView;
use motcua_app::catalogue::CatalogueQuery;
use motcua_app::dossiers::{
    ActionRequest, Applicant, AssignCandidate, DossierView, InboxFilter, NewDossier, Payment, RETURN_CHANNELS,
    TimelineEntry,
};
use motcua_app::error::FieldError;
use motcua_app::{AppError, ErrorCode};
use motcua_domain::access::Role;
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::ControlSlip;
use motcua_domain::dossier::control_slip::mark_label_vi;
use motcua_domain::dossier::status::{actor_may, target};
use motcua_domain::dossier::{Action, Actor, Clock, Status};
use serde::Deserialize;
use uuid::Uuid;

use crate::api::catalogue::form_of;
use crate::error::{PageError, status_of};
use crate::extract::{Caller, PageForm};
use crate::pages::catalogue::{Choice, ChoiceGroup, encode, unit_groups};
use crate::pages::eform::{CASE, ErrorLink, FieldView, case_choices, error_links, field_views};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::{Portal, instant_or_dash, instant_vi, unit_name};

/// Form keys of the reception desk besides the e-form's (whose keys never contain `-`).
const ID_NUMBER: &str = "nguoi-nop-so-dinh-danh";
const FULL_NAME: &str = "nguoi-nop-ho-ten";
const PHONE: &str = "nguoi-nop-dien-thoai";
const EMAIL: &str = "nguoi-nop-thu-dien-tu";
const UNIT: &str = "don-vi";
const COMPONENT: &str = "thanh-phan-";
const IDEMPOTENCY: &str = "khoa-chong-trung";
/// How the dossier came in: `counter` (default) or `postal`, and the postal item number of a postal one.
const CHANNEL: &str = "hinh-thuc-nhan";
const POSTAL_ITEM: &str = "so-hieu-buu-gui";

/// How long before the appointment a dossier is flagged as due soon.
const DUE_SOON: chrono::Duration = chrono::Duration::hours(24);

/// Roles that see the inbox.
const DOSSIER_ROLES: [Role; 5] = [Role::Reception, Role::Handler, Role::DepartmentHead, Role::AgencyHead, Role::Clerk];

/// Whether an officer works on dossiers (the inbox), and whether they receive them (the reception desk).
pub fn dossier_links(officer: &OfficerView) -> (bool, bool) {
    let inbox = officer.grants.iter().any(|g| DOSSIER_ROLES.contains(&g.role));
    let reception = officer.grants.iter().any(|g| g.role == Role::Reception);
    (inbox, reception)
}

/// The appointment's standing: `("quá hạn", "overdue")`, `("sắp đến hạn", "due-soon")` or none, while the clock
/// counts or is paused.
fn standing(d: &DossierView, now: DateTime<Utc>) -> Option<(&'static str, &'static str)> {
    let due = d.due_at?;
    if !matches!(d.status.clock(false), Clock::Running | Clock::Paused) {
        return None;
    }
    if now > due {
        Some(("Quá hạn", "overdue"))
    } else if due - now <= DUE_SOON {
        Some(("Sắp đến hạn", "due-soon"))
    } else {
        None
    }
}

/// Procedure names by code, looked up once per page.
struct Names<'a> {
    state: &'a AppState,
    caller: &'a Caller,
    known: HashMap<(String, i64), String>,
}

impl<'a> Names<'a> {
    fn new(state: &'a AppState, caller: &'a Caller) -> Self {
        Self { state, caller, known: HashMap::new() }
    }

    /// The procedure a dossier was received under (its version, else the published one).
    async fn procedure(&mut self, code: &str, version: i64) -> Option<Procedure> {
        let principal = self.caller.ctx().principal;
        match self.state.app.procedure(&principal, code, Some(version)).await {
            Ok(stored) => Some(stored.procedure),
            Err(_) => self.state.app.procedure(&principal, code, None).await.ok().map(|s| s.procedure),
        }
    }

    async fn name(&mut self, code: &str, version: i64) -> String {
        let key = (code.to_owned(), version);
        if let Some(name) = self.known.get(&key) {
            return name.clone();
        }
        let name = self.procedure(code, version).await.map_or_else(|| code.to_owned(), |p| p.name);
        self.known.insert(key, name.clone());
        name
    }
}

// ------------------------------------------------------------------ reception desk: choosing the procedure

#[derive(Template)]
#[template(path = "reception_start.html")]
struct StartPage {
    portal: Portal,
    unit_name: String,
    procedures: Vec<Choice>,
    can_receive: bool,
    error: Option<String>,
}

/// Query of the reception desk.
#[derive(Debug, Default, Deserialize)]
pub struct StartQuery {
    thu_tuc: Option<String>,
    ma: Option<String>,
}

pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<StartQuery>,
) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let typed = query.ma.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let chosen = typed.or(query.thu_tuc.as_deref().map(str::trim).filter(|c| !c.is_empty()));
    let mut error = None;
    if let Some(code) = chosen {
        match state.app.procedure(&caller.ctx().principal, code, None).await {
            Ok(_) => return Ok(Redirect::to(&format!("/can-bo/tiep-nhan/{}", encode(code))).into_response()),
            Err(e) if e.error_code() == ErrorCode::NotFound => {
                error = Some(format!("Thủ tục {code} không có hoặc chưa công khai."));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut procedures = Vec::new();
    let mut page = 1;
    loop {
        let query =
            CatalogueQuery { unit: Some(officer.unit_id.to_string()), page: Some(page), ..CatalogueQuery::default() };
        let results = state.app.search_catalogue(&query, false).await?;
        procedures.extend(results.items.iter().map(|p| Choice {
            value: p.code.clone(),
            label: format!("{} — {}", p.code, p.name),
            selected: Some(p.code.as_str()) == chosen,
        }));
        if results.items.is_empty() || i64::from(page * results.per_page) >= results.total || page >= 50 {
            break;
        }
        page += 1;
    }
    let tree = state.app.tree();
    let page = StartPage {
        portal: Portal::new(&state.config.portal_name, Some(&officer)),
        unit_name: unit_name(&tree, officer.unit_id.as_str()),
        procedures,
        can_receive: dossier_links(&officer).1,
        error,
    };
    if page.error.is_some() { render_with_status(&page, StatusCode::NOT_FOUND) } else { render(&page) }
}

// ------------------------------------------------------------------ reception desk: the dossier

struct ApplicantField {
    id: &'static str,
    label: &'static str,
    input_type: &'static str,
    autocomplete: &'static str,
    inputmode: &'static str,
    maxlength: &'static str,
    required: bool,
    hint: &'static str,
    value: String,
    error: Option<String>,
}

impl ApplicantField {
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-goi-y", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-loi", self.id));
        }
        ids.join(" ")
    }
}

struct ComponentRow {
    key: String,
    name: String,
    form: &'static str,
    quantity: u32,
    mandatory: bool,
    checked: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "reception.html")]
struct ReceptionPage {
    portal: Portal,
    code: String,
    name: String,
    time: String,
    cases: Vec<Choice>,
    case: String,
    units: Vec<ChoiceGroup>,
    unit_error: Option<String>,
    applicant: Vec<ApplicantField>,
    title: Option<String>,
    fields: Vec<FieldView>,
    components: Vec<ComponentRow>,
    components_error: bool,
    errors: Vec<ErrorLink>,
    notice: Option<String>,
    idempotency_key: String,
    refresh_label: &'static str,
    postal: bool,
    postal_item: String,
    postal_error: Option<String>,
}

/// What the reception page shows besides the procedure: the values typed and what was wrong with them.
#[derive(Default)]
struct Typed {
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
    notice: Option<String>,
}

fn reception_page(state: &AppState, caller: &Caller, p: &Procedure, typed: &Typed) -> ReceptionPage {
    let today = motcua_domain::time::local_date(state.app.now());
    let tree = state.app.tree();
    let get = |k: &str| typed.values.get(k).cloned().unwrap_or_default();
    let case = typed.values.get(CASE).map(String::as_str).filter(|c| p.cases.iter().any(|x| x.key == *c));
    let error_of = |field: &str| typed.errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let form_errors: BTreeMap<String, String> = typed
        .errors
        .iter()
        .filter_map(|e| e.field.strip_prefix("form.").map(|k| (k.to_owned(), e.message.clone())))
        .collect();
    let form = form_of(p, case).ok();
    let fields = form.map(|f| field_views(f, &typed.values, &form_errors, &tree, today)).unwrap_or_default();
    let applicant_field =
        |id, label, input_type, autocomplete, inputmode, maxlength, required, hint, field: &str| ApplicantField {
            id,
            label,
            input_type,
            autocomplete,
            inputmode,
            maxlength,
            required,
            hint,
            value: get(id),
            error: error_of(field),
        };
    let applicant = vec![
        applicant_field(
            ID_NUMBER,
            "Số định danh cá nhân của người nộp",
            "text",
            "off",
            "numeric",
            "20",
            true,
            "12 chữ số, trên thẻ Căn cước hoặc Căn cước công dân.",
            "applicant.id_number",
        ),
        applicant_field(
            FULL_NAME,
            "Họ, chữ đệm và tên người nộp",
            "text",
            "off",
            "",
            "100",
            true,
            "",
            "applicant.full_name",
        ),
        applicant_field(
            PHONE,
            "Số điện thoại người nộp",
            "tel",
            "off",
            "",
            "20",
            false,
            "Để báo khi có kết quả.",
            "applicant.phone",
        ),
        applicant_field(EMAIL, "Thư điện tử người nộp", "email", "off", "", "254", false, "", "applicant.email"),
    ];
    let components: Vec<ComponentRow> = p
        .components_for(case)
        .map(|c| ComponentRow {
            key: c.key.clone(),
            name: c.name.clone(),
            form: c.form.label_vi(),
            quantity: c.quantity,
            mandatory: c.mandatory,
            checked: typed.values.contains_key(&format!("{COMPONENT}{}", c.key)),
            error: error_of(&format!("components.{}", c.key)),
        })
        .collect();
    let mut errors: Vec<ErrorLink> = applicant
        .iter()
        .filter_map(|a| {
            a.error.as_ref().map(|m| ErrorLink { anchor: a.id.into(), label: a.label.into(), message: m.clone() })
        })
        .collect();
    for general in ["procedure", "case", "unit", "postal_item"] {
        if let Some(message) = error_of(general) {
            let (anchor, label) = match general {
                "case" => ("truong_hop", "Trường hợp thực hiện"),
                "postal_item" => (POSTAL_ITEM, "Số hiệu bưu gửi"),
                "unit" => (UNIT, "Đơn vị giải quyết"),
                _ => ("thu-tuc", "Thủ tục"),
            };
            errors.push(ErrorLink { anchor: anchor.into(), label: label.into(), message });
        }
    }
    errors.extend(error_links(&fields));
    errors.extend(components.iter().filter_map(|c| {
        c.error.as_ref().map(|m| ErrorLink {
            anchor: format!("{COMPONENT}{}", c.key),
            label: "Thành phần hồ sơ".into(),
            message: m.clone(),
        })
    }));
    let time = match p.time.as_ref() {
        Some(t) if t.needs_confirmation() => {
            format!("{} — chưa được xác nhận đơn vị, chưa thể hẹn ngày trả kết quả", t.label_vi())
        }
        Some(t) => t.label_vi(),
        None => "Chưa công bố".to_owned(),
    };
    ReceptionPage {
        portal: Portal::of(&state.config.portal_name, caller),
        code: p.code.to_string(),
        name: p.name.clone(),
        time,
        cases: case_choices(p, case),
        case: case.unwrap_or_default().to_owned(),
        units: unit_groups(&tree, today, &get(UNIT)),
        unit_error: error_of("unit"),
        applicant,
        title: form.map(|f| f.title.clone()),
        fields,
        components_error: components.iter().any(|c| c.error.is_some()),
        components,
        errors,
        notice: typed.notice.clone(),
        idempotency_key: typed.values.get(IDEMPOTENCY).cloned().unwrap_or_else(|| Uuid::now_v7().to_string()),
        refresh_label: "Tiếp nhận hồ sơ",
        postal: typed.values.get(CHANNEL).is_some_and(|c| c == "postal"),
        postal_item: get(POSTAL_ITEM),
        postal_error: error_of("postal_item"),
    }
}

/// Query of the reception form.
#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    truong_hop: Option<String>,
}

pub async fn reception_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(query): Query<CaseQuery>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let stored = state.app.procedure(&caller.ctx().principal, &code, None).await?;
    let mut typed = Typed::default();
    if let Some(case) = query.truong_hop.filter(|c| !c.is_empty()) {
        typed.values.insert(CASE.into(), case);
    }
    render(&reception_page(&state, &caller, &stored.procedure, &typed))
}

fn optional(values: &BTreeMap<String, String>, key: &str) -> Option<String> {
    values.get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The dossier a reception form describes.
fn new_dossier(code: &str, values: &BTreeMap<String, String>) -> NewDossier {
    let form = values.iter().filter(|(k, _)| !k.contains('-')).map(|(k, v)| (k.clone(), v.clone())).collect();
    let components = values.keys().filter_map(|k| k.strip_prefix(COMPONENT)).map(str::to_owned).collect();
    NewDossier {
        procedure: code.to_owned(),
        case: optional(values, CASE),
        unit: optional(values, UNIT),
        applicant: Applicant {
            id_number: values.get(ID_NUMBER).map(|v| v.trim().to_owned()).unwrap_or_default(),
            full_name: values.get(FULL_NAME).map(|v| v.trim().to_owned()).unwrap_or_default(),
            phone: optional(values, PHONE),
            email: optional(values, EMAIL),
            organisation: None,
        },
        form,
        components,
    }
}

pub async fn receive(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    PageForm(values): PageForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let ctx = caller.ctx();
    let stored = state.app.procedure(&ctx.principal, &code, None).await?;
    let key = optional(&values, IDEMPOTENCY);
    let received = if values.get(CHANNEL).is_some_and(|c| c == "postal") {
        let item = values.get(POSTAL_ITEM).map(String::as_str).unwrap_or_default();
        state.app.receive_by_post(&ctx, new_dossier(&code, &values), item, key).await
    } else {
        state.app.receive_at_counter(&ctx, new_dossier(&code, &values), key).await
    };
    match received {
        Ok(d) => Ok(Redirect::to(&format!("/can-bo/ho-so/{}?da_tiep_nhan=1", d.id)).into_response()),
        Err(e)
            if matches!(
                e.error_code(),
                ErrorCode::InvalidInput | ErrorCode::Forbidden | ErrorCode::IdempotencyKeyReused
            ) =>
        {
            let status = status_of(e.error_code());
            let typed = match e {
                AppError::Invalid(errors) => Typed {
                    notice: Some(format!("Chưa tiếp nhận được hồ sơ: có {} thông tin chưa hợp lệ.", errors.len())),
                    errors,
                    values,
                },
                other => Typed { notice: Some(other.message_vi()), errors: Vec::new(), values },
            };
            let page = reception_page(&state, &caller, &stored.procedure, &typed);
            render_with_status(&page, status)
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ inbox

struct InboxRow {
    id: Uuid,
    code: String,
    procedure: String,
    applicant: String,
    status: &'static str,
    due: String,
    standing: Option<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "dossier_inbox.html")]
struct InboxPage {
    portal: Portal,
    rows: Vec<InboxRow>,
    can_receive: bool,
    filters: Vec<(&'static str, &'static str, bool)>,
    next: Option<String>,
    filter: &'static str,
}

/// Query of the inbox: the filter and the keyset cursor.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    loc: Option<String>,
    sau: Option<String>,
}

pub async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<InboxQuery>,
) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let filter = query.loc.as_deref().and_then(InboxFilter::parse).unwrap_or_default();
    let page = state.app.dossier_inbox(&caller.ctx().principal, filter, query.sau.as_deref(), 50).await?;
    let now = state.app.now();
    let mut names = Names::new(&state, &caller);
    let mut rows = Vec::with_capacity(page.rows.len());
    for d in &page.rows {
        rows.push(InboxRow {
            id: d.id,
            code: d.code.clone().unwrap_or_default(),
            procedure: names.name(&d.procedure, d.procedure_version).await,
            applicant: d.applicant.full_name.clone(),
            status: d.status.label_vi(),
            due: d.due_at.as_ref().map(instant_vi).unwrap_or_default(),
            standing: standing(d, now),
        });
    }
    render(&InboxPage {
        portal: Portal::new(&state.config.portal_name, Some(&officer)),
        rows,
        can_receive: dossier_links(&officer).1,
        filters: InboxFilter::ALL.iter().map(|f| (f.as_str(), f.label_vi(), *f == filter)).collect(),
        next: page.next,
        filter: filter.as_str(),
    })
}

// ------------------------------------------------------------------ register (Mẫu 06/07) and alerts

struct RegisterLine {
    n: usize,
    id: Uuid,
    code: String,
    procedure: String,
    applicant: String,
    received: String,
    due: String,
    status: &'static str,
    closed: String,
}

#[derive(Template)]
#[template(path = "dossier_register.html")]
struct RegisterPage {
    portal: Portal,
    rows: Vec<RegisterLine>,
    from: String,
    to: String,
    unit: String,
    units: Vec<ChoiceGroup>,
    query: String,
}

/// Query of the register: period (dd/mm/yyyy) and unit.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterQuery {
    tu: Option<String>,
    den: Option<String>,
    don_vi: Option<String>,
}

fn day(raw: Option<&str>, default: chrono::NaiveDate, field: &str) -> Result<chrono::NaiveDate, AppError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(default),
        Some(r) => chrono::NaiveDate::parse_from_str(r, "%d/%m/%Y")
            .or_else(|_| chrono::NaiveDate::parse_from_str(r, "%Y-%m-%d"))
            .map_err(|_| AppError::Invalid(vec![FieldError::new(field, "Ngày phải có dạng dd/mm/yyyy.")])),
    }
}

/// The register's period from the query (`tu`, `den`): from the first of this month to today by default.
fn register_period(state: &AppState, q: &RegisterQuery) -> Result<(chrono::NaiveDate, chrono::NaiveDate), AppError> {
    let today = motcua_domain::time::local_date(state.app.now());
    Ok((day(q.tu.as_deref(), today.with_day(1).unwrap_or(today), "tu")?, day(q.den.as_deref(), today, "den")?))
}

async fn register_lines(
    state: &AppState,
    caller: &Caller,
    q: &RegisterQuery,
) -> Result<(Vec<RegisterLine>, chrono::NaiveDate, chrono::NaiveDate), AppError> {
    let (from, to) = register_period(state, q)?;
    let list = state.app.dossier_register(&caller.ctx().principal, q.don_vi.as_deref(), from, to, 100_000).await?;
    let mut names = Names::new(state, caller);
    let mut rows = Vec::with_capacity(list.len());
    for (i, d) in list.iter().enumerate() {
        rows.push(RegisterLine {
            n: i + 1,
            id: d.id,
            code: d.code.clone().unwrap_or_default(),
            procedure: names.name(&d.procedure, d.procedure_version).await,
            applicant: d.applicant.full_name.clone(),
            received: instant_or_dash(d.received_at),
            due: instant_or_dash(d.due_original.or(d.due_at)),
            status: d.status.label_vi(),
            closed: instant_or_dash(d.closed_at),
        });
    }
    Ok((rows, from, to))
}

pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let (rows, from, to) = register_lines(&state, &caller, &q).await?;
    let tree = state.app.tree();
    let unit = q.don_vi.clone().unwrap_or_default();
    let query = format!(
        "tu={}&den={}&don_vi={}",
        encode(&from.format("%d/%m/%Y").to_string()),
        encode(&to.format("%d/%m/%Y").to_string()),
        encode(&unit)
    );
    render(&RegisterPage {
        portal: Portal::new(&state.config.portal_name, Some(&officer)),
        rows,
        from: from.format("%d/%m/%Y").to_string(),
        to: to.format("%d/%m/%Y").to_string(),
        units: unit_groups(&tree, motcua_domain::time::local_date(state.app.now()), &unit),
        unit,
        query,
    })
}

/// The register as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs show the diacritics).
pub async fn register_csv(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let (rows, from, to) = register_lines(&state, &caller, &q).await?;
    let mut out =
        String::from("\u{feff}STT,Mã hồ sơ,Thủ tục,Người nộp,Ngày tiếp nhận,Hẹn trả,Trạng thái,Ngày kết thúc\r\n");
    let field = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
    for r in &rows {
        let line = [
            r.n.to_string(),
            r.code.clone(),
            r.procedure.clone(),
            r.applicant.clone(),
            r.received.clone(),
            r.due.clone(),
            r.status.to_owned(),
            r.closed.clone(),
        ];
        out.push_str(&line.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    let name = motcua_app::dossiers::forms::register_file_name(from, to, "csv");
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        out,
    )
        .into_response())
}

/// The register of the period as the legal form (Mẫu 06 of TT 01/2018 or Mẫu 07 of TT 03/2025, by the period's
/// first day), same filter as the page.
pub async fn register_pdf(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    let (from, to) = register_period(&state, &q)?;
    let principal = caller.ctx().principal;
    let pdf =
        state.app.dossier_register_pdf(&principal, q.don_vi.as_deref(), from, to, &state.config.public_url).await?;
    let name = motcua_app::dossiers::forms::register_file_name(from, to, "pdf");
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
        ],
        pdf,
    )
        .into_response())
}

struct AlertLine {
    dossier: Uuid,
    code: String,
    label: &'static str,
    unit: String,
    due: String,
    raised: String,
}

#[derive(Template)]
#[template(path = "dossier_alerts.html")]
struct AlertsPage {
    portal: Portal,
    rows: Vec<AlertLine>,
}

pub async fn alerts(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let tree = state.app.tree();
    let rows = state
        .app
        .dossier_alerts(&caller.ctx().principal)
        .await?
        .into_iter()
        .map(|a| AlertLine {
            dossier: a.dossier,
            code: a.code.unwrap_or_default(),
            label: a.label,
            unit: unit_name(&tree, &a.unit),
            due: instant_vi(&a.due_at),
            raised: instant_vi(&a.created_at),
        })
        .collect();
    render(&AlertsPage { portal: Portal::new(&state.config.portal_name, Some(&officer)), rows })
}

// ------------------------------------------------------------------ one dossier

struct TimelineRow {
    at: String,
    action: String,
    actor: String,
    status: String,
    reasons: String,
}

struct ActionForm {
    action: &'static str,
    label: &'static str,
    needs_reasons: bool,
    hand_over: bool,
    apologise: bool,
    payment: bool,
    via: bool,
}

struct SlipRowView {
    from_unit: String,
    to_unit: String,
    at: String,
    giver: String,
    receiver: String,
    due: String,
    mark: &'static str,
    mark_class: &'static str,
    note: String,
}

fn slip_rows(slip: &ControlSlip) -> Vec<SlipRowView> {
    let local = |t: &NaiveDateTime| t.format("%H giờ %M phút, ngày %d/%m/%Y").to_string();
    slip.rows
        .iter()
        .map(|r| SlipRowView {
            from_unit: r.from_unit.clone(),
            to_unit: r.to_unit.clone(),
            at: local(&r.at),
            giver: r.giver.clone().unwrap_or_default(),
            receiver: r.receiver.clone().unwrap_or_default(),
            due: r.due.as_ref().map(local).unwrap_or_default(),
            mark: r.mark.map_or("", mark_label_vi),
            mark_class: match r.mark {
                Some(motcua_domain::deadline::Standing::Late) => "overdue",
                Some(motcua_domain::deadline::Standing::Early) => "early",
                _ => "",
            },
            note: format!("{} {}", r.kind.label_vi(), r.note.clone().map(|n| format!("— {n}")).unwrap_or_default()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    portal: Portal,
    d: DossierView,
    status: &'static str,
    procedure: String,
    channel: &'static str,
    receiving_unit: String,
    competent_unit: String,
    owner_unit: String,
    received_at: String,
    clock_from: String,
    due_at: String,
    due_original: String,
    standing: Option<(&'static str, &'static str)>,
    timeline: Vec<TimelineRow>,
    actions: Vec<ActionForm>,
    units: Vec<ChoiceGroup>,
    done: Option<String>,
    error: Option<String>,
    slip: Vec<SlipRowView>,
    open_step: Option<(String, &'static str)>,
    candidates: Vec<AssignCandidate>,
    can_assign: bool,
    can_transfer: bool,
    step: Option<String>,
    step_due: String,
    assignee: String,
    via: Vec<(&'static str, &'static str)>,
    representation: Option<motcua_app::dossiers::representation::RepresentationView>,
}

impl DossierPage {
    fn version(&self) -> i64 {
        self.d.version
    }
}

/// The actions to offer: those the machine allows from the status, that one of the officer's roles may take.
fn offered(status: Status, officer: &OfficerView) -> Vec<ActionForm> {
    let roles = Actor::Officer(officer.grants.iter().map(|g| g.role).collect());
    Action::ALL
        .into_iter()
        .filter(|a| !matches!(a, Action::Submit | Action::ReceiveAtCounter))
        .filter(|a| !status.is_terminal() && target(status, *a).is_some() && actor_may(&roles, *a))
        .map(|a| ActionForm {
            action: a.as_str(),
            label: a.label_vi(),
            needs_reasons: a.needs_reasons(),
            hand_over: a == Action::HandOver,
            apologise: a == Action::Apologise,
            payment: a == Action::RecordPayment,
            via: a == Action::ReturnResult,
        })
        .collect()
}

/// The step that received the dossier: its counter reception or its acceptance after the reception check.
fn reception(history: &[TimelineEntry]) -> Option<&TimelineEntry> {
    history.iter().find(|e| matches!(e.action, Some(Action::ReceiveAtCounter | Action::Accept)))
}

/// The names of the officers in a history, as far as the caller may see them (always their own).
async fn actor_names(
    state: &AppState,
    caller: &Caller,
    officer: &OfficerView,
    history: &[TimelineEntry],
) -> HashMap<String, String> {
    let mut names: HashMap<String, String> = HashMap::new();
    names.insert(officer.id.to_string(), officer.full_name.clone());
    let mut units: Vec<&str> = history.iter().filter_map(|e| e.actor_unit.as_deref()).collect();
    units.sort_unstable();
    units.dedup();
    for unit in units {
        if let Ok(list) = state.app.officers_of_unit(&caller.ctx(), unit).await {
            names.extend(list.into_iter().map(|o| (o.id.to_string(), o.full_name)));
        }
    }
    names
}

async fn dossier_page(
    state: &AppState,
    caller: &Caller,
    officer: &OfficerView,
    id: Uuid,
) -> Result<DossierPage, AppError> {
    let principal = caller.ctx().principal;
    let d = state.app.dossier(&principal, id).await?;
    let history = state.app.dossier_timeline(&principal, id).await?;
    let tree = state.app.tree();
    let today = motcua_domain::time::local_date(state.app.now());
    let colleagues = actor_names(state, caller, officer, &history).await;
    let timeline = history
        .iter()
        .map(|e| {
            let unit = e.actor_unit.as_deref().map(|u| unit_name(&tree, u));
            let actor = match (e.actor_kind.as_str(), e.actor_id.as_ref().and_then(|a| colleagues.get(a))) {
                ("officer", Some(name)) => unit.map_or_else(|| name.clone(), |u| format!("{name} ({u})")),
                ("officer", None) => unit.map_or_else(|| "Cán bộ".to_owned(), |u| format!("Cán bộ {u}")),
                ("citizen", _) => "Người nộp hồ sơ".to_owned(),
                _ => "Hệ thống".to_owned(),
            };
            TimelineRow {
                at: instant_vi(&e.at),
                action: e.label_vi().to_owned(),
                actor,
                status: e.to.map(Status::label_vi).unwrap_or_default().to_owned(),
                // The reasons given, or the event's note (e.g. the postal item number of a postal dossier).
                reasons: e.reasons.clone().or_else(|| e.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let procedure = Names::new(state, caller).name(&d.procedure, d.procedure_version).await;
    let now = state.app.now();
    let slip = state.app.control_slip(&principal, id).await?;
    let candidates =
        if d.status.is_terminal() { Vec::new() } else { state.app.assign_candidates(&principal, id).await? };
    let roles: Vec<Role> = officer.grants.iter().map(|g| g.role).collect();
    let workflow = Names::new(state, caller).procedure(&d.procedure, d.procedure_version).await.map(|p| p.workflow);
    let step = d
        .step_index
        .and_then(|i| workflow.as_ref().and_then(|w| w.get(i)))
        .map(|s| format!("{} ({})", s.name, motcua_app::dossiers::role_vi(s.role)));
    let assignee = match d.assignee {
        Some(a) => colleagues
            .get(&a.to_string())
            .cloned()
            .or_else(|| candidates.iter().find(|c| c.id == a).map(|c| c.full_name.clone()))
            .unwrap_or_else(|| "Cán bộ khác".into()),
        None => "Chưa phân công".into(),
    };
    let representation = state.app.dossier_representation(&principal, id).await?;
    Ok(DossierPage {
        representation,
        open_step: slip
            .open_step
            .map(|(due, mark)| (due.format("%H giờ %M phút, ngày %d/%m/%Y").to_string(), mark_label_vi(mark))),
        slip: slip_rows(&slip),
        can_assign: motcua_domain::dossier::workflow::may_assign(&roles) && !candidates.is_empty(),
        can_transfer: motcua_domain::dossier::workflow::may_transfer(&roles) && d.status == Status::Processing,
        candidates,
        step,
        step_due: instant_or_dash(d.step_due_at),
        assignee,
        via: RETURN_CHANNELS.to_vec(),
        portal: Portal::new(&state.config.portal_name, Some(officer)),
        status: d.status.label_vi(),
        procedure,
        channel: crate::pages::catalogue::channel_label(d.channel),
        receiving_unit: unit_name(&tree, &d.receiving_unit),
        competent_unit: unit_name(&tree, &d.competent_unit),
        owner_unit: unit_name(&tree, &d.owner_unit),
        received_at: instant_or_dash(reception(&history).map(|e| e.at)),
        clock_from: instant_or_dash(d.received_at),
        due_at: instant_or_dash(d.due_at),
        due_original: instant_or_dash(d.due_original),
        standing: standing(&d, now),
        timeline,
        actions: offered(d.status, officer),
        units: unit_groups(&tree, today, ""),
        done: None,
        error: None,
        d,
    })
}

/// Query of the dossier page: what just happened.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    da_tiep_nhan: Option<String>,
    da_cap_nhat: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let id = Uuid::parse_str(&id).map_err(|_| AppError::not_found("hồ sơ"))?;
    let mut page = dossier_page(&state, &caller, &officer, id).await?;
    if query.da_tiep_nhan.is_some() {
        page.done = Some(format!(
            "Đã tiếp nhận hồ sơ {}. Hẹn trả kết quả: {}.",
            page.d.code.clone().unwrap_or_default(),
            page.due_at
        ));
    } else if let Some(action) = query.da_cap_nhat.as_deref().and_then(Action::parse) {
        page.done = Some(format!("Đã thực hiện: {}. Trạng thái hiện tại: {}.", action.label_vi(), page.status));
    }
    render(&page)
}

/// An action posted from the dossier page.
#[derive(Debug, Deserialize)]
pub struct ActionFormData {
    action: String,
    expected_version: String,
    #[serde(default)]
    reasons: Option<String>,
    #[serde(default)]
    to_unit: Option<String>,
    #[serde(default)]
    new_due: Option<String>,
    #[serde(default)]
    to_officer: Option<String>,
    #[serde(default)]
    step_hours: Option<String>,
    #[serde(default)]
    payment_method: Option<String>,
    #[serde(default)]
    payment_amount: Option<String>,
    #[serde(default)]
    payment_reference: Option<String>,
    #[serde(default)]
    via: Option<String>,
}

fn filled(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<ActionFormData>,
) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let id = Uuid::parse_str(&id).map_err(|_| AppError::not_found("hồ sơ"))?;
    let expected_version = form.expected_version.trim().parse::<i64>().unwrap_or(-1);
    let new_due = match form.new_due.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
            .map(Some)
            .map_err(|_| AppError::Invalid(vec![FieldError::new("new_due", "Ngày giờ hẹn mới không hợp lệ.")])),
    };
    let payment = filled(&form.payment_method).map(|method| Payment {
        method,
        amount: filled(&form.payment_amount).and_then(|a| a.replace(['.', ','], "").parse().ok()).unwrap_or(0),
        reference: filled(&form.payment_reference).unwrap_or_default(),
    });
    let request = new_due.map(|new_due| ActionRequest {
        reasons: form.reasons.clone(),
        to_unit: filled(&form.to_unit),
        new_due,
        to_officer: filled(&form.to_officer).and_then(|o| Uuid::parse_str(&o).ok()),
        step_hours: filled(&form.step_hours).and_then(|h| h.parse().ok()),
        payment,
        via: filled(&form.via),
        ..ActionRequest::new(&form.action, expected_version)
    });
    let outcome = match request {
        Ok(request) => state.app.act_on_dossier(&caller.ctx(), id, request).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/can-bo/ho-so/{id}?da_cap_nhat={}", encode(&form.action))).into_response()),
        Err(e)
            if matches!(e.error_code(), ErrorCode::InvalidInput | ErrorCode::Forbidden | ErrorCode::StaleVersion) =>
        {
            let mut page = dossier_page(&state, &caller, &officer, id).await?;
            page.error = Some(e.message_vi());
            render_with_status(&page, status_of(e.error_code()))
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ receipt (Mẫu 01)

struct ReceivedComponent {
    name: String,
    form: &'static str,
    quantity: u32,
}

#[derive(Template)]
#[template(path = "dossier_receipt.html")]
struct ReceiptPage {
    portal: Portal,
    d: DossierView,
    procedure: String,
    receiving_unit: String,
    received_at: String,
    clock_from: String,
    due_at: String,
    components: Vec<ReceivedComponent>,
    officer: String,
    /// Every file received (documents helper): name, size, checksum.
    files: Vec<motcua_app::documents::DocumentView>,
}

pub async fn receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let Some(officer) = caller.officer.clone() else {
        return Ok(Redirect::to("/dang-nhap").into_response());
    };
    let id = Uuid::parse_str(&id).map_err(|_| AppError::not_found("hồ sơ"))?;
    let d = state.app.dossier(&caller.ctx().principal, id).await?;
    if d.received_at.is_none() {
        return Err(
            AppError::detailed(ErrorCode::NotFound, "Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận.").into()
        );
    }
    let procedure = Names::new(&state, &caller).procedure(&d.procedure, d.procedure_version).await;
    // The components ticked at reception, as the procedure names them.
    let components = procedure
        .as_ref()
        .map(|p| {
            p.components
                .iter()
                .filter(|c| d.components.contains(&c.key))
                .map(|c| ReceivedComponent { name: c.name.clone(), form: c.form.label_vi(), quantity: c.quantity })
                .collect()
        })
        .unwrap_or_default();
    let history = state.app.dossier_timeline(&caller.ctx().principal, id).await?;
    let names = actor_names(&state, &caller, &officer, &history).await;
    let received = reception(&history);
    let receiver = received.and_then(|e| e.actor_id.as_ref()).and_then(|id| names.get(id)).cloned().unwrap_or_default();
    let tree = state.app.tree();
    render(&ReceiptPage {
        portal: Portal::new(&state.config.portal_name, Some(&officer)),
        procedure: procedure.map_or_else(|| d.procedure.clone(), |p| p.name),
        receiving_unit: unit_name(&tree, &d.receiving_unit),
        received_at: instant_or_dash(received.map(|e| e.at)),
        clock_from: instant_or_dash(d.received_at),
        due_at: instant_or_dash(d.due_at),
        components,
        officer: receiver,
        files: state.app.dossier_files(&caller.ctx().principal, id).await.unwrap_or_default(),
        d,
    })
}
