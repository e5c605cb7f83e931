//! A procedure's e-form (tờ khai điện tử), rendered from its schema and checked on the server with the same rules
//! as the API. A citizen logged in through VNeID files it as an online dossier (the applicant is the session's
//! citizen, never typed); a visitor can check the form and is offered the login.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::ErrorCode;
use motcua_app::documents::{DocumentView, Offer};
use motcua_app::dossiers::online::OnlineFiling;
use motcua_app::dossiers::representation::OnBehalfOf;
use motcua_domain::catalogue::fee::format_vnd;
use motcua_domain::catalogue::form::parse_date;
use motcua_domain::catalogue::{Field, FieldType, FormSchema, Procedure};
use motcua_domain::representation::RepresentationKind;
use motcua_domain::unit::{Unit, UnitId, UnitKind, UnitTree};
use serde::Deserialize;

use crate::api::catalogue::{form_of, validate_form};
use crate::error::PageError;
use crate::extract::{Caller, PageForm};
use crate::pages::catalogue::{Choice, by_name, prefill_note, served_provinces};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::{Portal, date_vi, unit_name};

/// The form field carrying the case: not a schema key, as field keys never contain `-`.
pub(crate) const CASE: &str = "truong-hop";
/// The hidden field carrying the idempotency key of an online filing (a double click files once).
const FILING_KEY: &str = "khoa-nop";
/// The competent unit chosen for a commune-level procedure.
const UNIT: &str = "don-vi";
/// Prefix of the components' checkboxes.
const COMPONENT: &str = "thanh-phan-";
/// Prefix of the components' warehouse choices (the id of a document from the citizen's personal data warehouse).
const WAREHOUSE: &str = "kho-";
/// "Nộp cho": empty for oneself, else a representation kind (`authorised`, `parent`, `guardian`).
const BEHALF: &str = "nop-cho";
/// The ID number of the person filed for.
const BEHALF_ID: &str = "nop-cho-so-dinh-danh";
/// Their name as declared.
const BEHALF_NAME: &str = "nop-cho-ho-ten";
/// The component carrying the authorisation or guardianship paper.
const BEHALF_PAPER: &str = "nop-cho-giay-to";
/// Which button of the page was pressed: [`PREFILL_CHILD`] asks for the child's data instead of filing.
const ACTION: &str = "hanh-dong";
/// "Điền sẵn thông tin của con": a parent asks for the form prefilled with their child's registry data.
const PREFILL_CHILD: &str = "dien-san-con";
/// Hidden: the form is prefilled with the data of the child whose ID number it carries (so filing puts the child's
/// values back, not the parent's).
const BEHALF_PREFILLED: &str = "nop-cho-dien-san";

/// One e-form field as the shared template `eform_fields.html` renders it.
pub(crate) struct FieldView {
    pub(crate) key: String,
    pub(crate) label: String,
    /// `input`, `textarea`, `select`, `address` or `file`.
    pub(crate) control: &'static str,
    pub(crate) input_type: &'static str,
    pub(crate) inputmode: &'static str,
    pub(crate) autocomplete: &'static str,
    pub(crate) maxlength: String,
    pub(crate) min: String,
    pub(crate) max: String,
    pub(crate) suffix: &'static str,
    pub(crate) required: bool,
    pub(crate) help: String,
    pub(crate) example: String,
    pub(crate) prefill: Option<String>,
    pub(crate) value: String,
    pub(crate) options: Vec<Choice>,
    pub(crate) provinces: Vec<Choice>,
    pub(crate) communes: Vec<Choice>,
    pub(crate) detail: String,
    pub(crate) error: Option<String>,
    /// Filled from a source the citizen may not override (readonly, with a link to report an error).
    pub(crate) locked: bool,
    /// Where to report that a locked value is wrong.
    pub(crate) report_url: String,
}

impl FieldView {
    pub(crate) fn has_hint(&self) -> bool {
        !self.help.is_empty() || !self.example.is_empty() || self.prefill.is_some()
    }

    /// The ids the control is described by: its hint and its error.
    pub(crate) fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.has_hint() {
            ids.push(format!("f-{}-goi-y", self.key));
        }
        if self.error.is_some() {
            ids.push(format!("f-{}-loi", self.key));
        }
        ids.join(" ")
    }
}

/// A line of an error summary: a link to the bad control.
pub(crate) struct ErrorLink {
    pub(crate) anchor: String,
    pub(crate) label: String,
    pub(crate) message: String,
}

#[derive(Template)]
#[template(path = "eform.html")]
struct FormPage {
    portal: Portal,
    code: String,
    name: String,
    title: Option<String>,
    cases: Vec<Choice>,
    case: String,
    fields: Vec<FieldView>,
    errors: Vec<ErrorLink>,
    valid: Option<Vec<(String, String)>>,
    notice: Option<String>,
    refresh_label: &'static str,
    filing: Filing,
    /// The citizen's saved draft was restored into the form (when it was saved).
    draft_restored: Option<String>,
}

/// What the registry and the login filled in for the logged-in citizen, for the chosen form.
#[derive(Default)]
pub(crate) struct Prefilled {
    /// Locked values by field key.
    values: BTreeMap<String, String>,
    /// Their sources (`population.full_name`, `identity.id_number`).
    sources: BTreeMap<String, String>,
    /// Why nothing could be filled from the registry (the citizen declares instead).
    message: Option<String>,
    /// The citizen's warehouse documents that can stand in for components of the procedure.
    offers: Vec<Offer>,
    /// Filled with the data of the filer's child (their name when the registry gave it, their ID number), not the
    /// filer's own.
    child: Option<(Option<String>, String)>,
}

/// The prefill of the citizen's form: only this form's fields whose source the session's level may use, and not
/// addresses (the registry's address is one text, the form's address three parts: the citizen picks them).
async fn prefilled(state: &AppState, caller: &Caller, p: &Procedure, case: Option<&str>) -> Prefilled {
    let Some(citizen) = &caller.citizen else { return Prefilled::default() };
    // Offers are a convenience: without them (no store, a storage error) the citizen files as before.
    let offers = state.app.warehouse_offers(&caller.principal(), p.code.as_str(), case).await.unwrap_or_default();
    let Ok(form) = form_of(p, case) else { return Prefilled { offers, ..Prefilled::default() } };
    let prefill = match state.app.prefill(&caller.ctx(), p.code.as_str()).await {
        Ok(prefill) => prefill,
        Err(e) => return Prefilled { message: Some(e.message_vi()), offers, ..Prefilled::default() },
    };
    let mut out = Prefilled { message: prefill.message.clone(), offers, ..Prefilled::default() };
    out.take(form, &prefill, citizen.assurance);
    out
}

/// The prefill of the form with the registry data of the child a parent files for (`App::prefill_for_subject`: the
/// relation is verified in the population registry first; both lookups are logged with their purposes). A bad ID
/// number, or a child the registry does not give the citizen as its father or mother, is an error: nothing is filled.
async fn prefilled_for_child(
    state: &AppState,
    caller: &Caller,
    p: &Procedure,
    case: Option<&str>,
    child_id: &str,
) -> Result<Prefilled, motcua_app::AppError> {
    let Some(citizen) = &caller.citizen else {
        return Err(motcua_app::AppError::code(ErrorCode::Unauthenticated));
    };
    let claim = OnBehalfOf {
        kind: RepresentationKind::Parent.as_str().into(),
        subject_id_number: child_id.trim().to_owned(),
        subject_name: None,
        paper_component: None,
    };
    let prefill = state.app.prefill_for_subject(&caller.ctx(), citizen, p.code.as_str(), &claim).await?;
    let offers = state.app.warehouse_offers(&caller.principal(), p.code.as_str(), case).await.unwrap_or_default();
    let name = prefill.fields.iter().find(|f| f.source == "population.full_name").map(|f| f.value.clone());
    let mut out = Prefilled {
        message: prefill.message.clone(),
        offers,
        child: Some((name, claim.subject_id_number.clone())),
        ..Prefilled::default()
    };
    if let Ok(form) = form_of(p, case) {
        out.take(form, &prefill, citizen.assurance);
    }
    Ok(out)
}

impl Prefilled {
    /// Takes the locked values of `form`'s fields whose source the session's level may use, but not addresses (the
    /// registry's address is one text, the form's address three parts: the citizen picks them).
    fn take(
        &mut self,
        form: &FormSchema,
        prefill: &motcua_app::population::Prefill,
        assurance: motcua_domain::catalogue::Assurance,
    ) {
        for field in &form.fields {
            let usable = field.prefill.as_ref().is_some_and(|s| s.min_assurance() <= assurance);
            if !usable || field.kind == FieldType::Address {
                continue;
            }
            let found = prefill
                .fields
                .iter()
                .find(|f| f.key == field.key && f.locked && f.form.as_deref() == form.case.as_deref());
            if let Some(filled) = found {
                self.values.insert(field.key.clone(), filled.value.clone());
                self.sources.insert(field.key.clone(), filled.source.clone());
            }
        }
    }
}

/// The ID number of the child whose data the submitted form was prefilled with, when the citizen still files for
/// their child (`nop-cho` = `parent`); the filing then puts the child's values back.
fn child_prefilled(values: &BTreeMap<String, String>) -> Option<String> {
    let text = |k: &str| values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    text(BEHALF_PREFILLED)?;
    (text(BEHALF) == Some(RepresentationKind::Parent.as_str())).then(|| text(BEHALF_ID).unwrap_or_default().to_owned())
}

/// The online-filing part of the page.
#[derive(Default)]
struct Filing {
    /// The logged-in citizen: name, ID number, level.
    citizen: Option<(String, String, &'static str)>,
    /// The organisation of an organisation account: name, tax code (the dossier will be the organisation's).
    organisation: Option<(String, String)>,
    /// Where a visitor logs in and comes back.
    login_url: String,
    /// Why this session cannot file (level too low).
    refused: Option<String>,
    /// Problems of the last filing attempt that are not a form field's.
    problems: Vec<String>,
    key: String,
    units: Vec<Choice>,
    components: Vec<ComponentChoice>,
    /// Why the registry filled nothing.
    prefill_message: Option<String>,
    /// "Nộp cho": oneself (empty value) or a representation kind.
    behalf_kinds: Vec<Choice>,
    /// The ID number and name of the person filed for, as typed.
    behalf_id: String,
    behalf_name: String,
    /// The components that can carry the authorisation or guardianship paper.
    behalf_papers: Vec<Choice>,
    /// The form is prefilled with the data of the citizen's child: their name (when known) and ID number.
    child: Option<(Option<String>, String)>,
    /// Why the child's data could not be prefilled.
    child_problem: Option<String>,
    /// The child's ID number as typed in "Nộp cho con" (kept when it was refused).
    child_typed: String,
}

impl Filing {
    fn can_file(&self) -> bool {
        self.citizen.is_some() && self.refused.is_none()
    }
}

struct ComponentChoice {
    key: String,
    name: String,
    mandatory: bool,
    checked: bool,
    /// Documents of the citizen's warehouse that can stand in for it (empty: none).
    offers: Vec<Choice>,
}

fn active_children<'a>(
    tree: &'a UnitTree,
    parent: &UnitId,
    commune_level: bool,
    today: chrono::NaiveDate,
) -> Vec<&'a Unit> {
    let mut list: Vec<&Unit> =
        tree.children(parent).filter(|u| u.is_active_on(today) && u.kind.is_commune_level() == commune_level).collect();
    by_name(&mut list);
    list
}

fn choices(units: &[&Unit], selected: &str) -> Vec<Choice> {
    units
        .iter()
        .map(|u| Choice { value: u.id.to_string(), label: u.name.clone(), selected: u.id.as_str() == selected })
        .collect()
}

fn view(
    field: &Field,
    values: &BTreeMap<String, String>,
    errors: &BTreeMap<String, String>,
    tree: &UnitTree,
    today: chrono::NaiveDate,
) -> FieldView {
    let get = |key: &str| values.get(key).cloned().unwrap_or_default();
    let mut v = FieldView {
        key: field.key.clone(),
        label: field.label.clone(),
        control: "input",
        input_type: "text",
        inputmode: "",
        autocomplete: "off",
        maxlength: String::new(),
        min: String::new(),
        max: String::new(),
        suffix: "",
        required: field.required,
        help: field.help.clone().unwrap_or_default(),
        example: field.example.clone().unwrap_or_default(),
        prefill: field.prefill.as_ref().map(prefill_note),
        value: get(&field.key),
        options: Vec::new(),
        provinces: Vec::new(),
        communes: Vec::new(),
        detail: String::new(),
        error: errors.get(&field.key).cloned(),
        locked: false,
        report_url: String::new(),
    };
    match &field.kind {
        FieldType::Text { max_length, multiline } => {
            v.control = if *multiline { "textarea" } else { "input" };
            v.maxlength = max_length.unwrap_or(500).to_string();
        }
        FieldType::Date => {
            v.input_type = "date";
            // A date typed as dd/mm/yyyy comes back in the input's own format.
            if let Some(date) = parse_date(v.value.trim()) {
                v.value = date.format("%Y-%m-%d").to_string();
            }
        }
        FieldType::IdNumber => {
            v.inputmode = "numeric";
            v.maxlength = "20".into();
        }
        FieldType::Phone => {
            v.input_type = "tel";
            v.autocomplete = "tel";
            v.maxlength = "20".into();
        }
        FieldType::Email => {
            v.input_type = "email";
            v.autocomplete = "email";
            v.maxlength = "254".into();
        }
        FieldType::Number { min, max } => {
            v.input_type = "number";
            v.inputmode = "numeric";
            v.min = min.map(|m| m.to_string()).unwrap_or_default();
            v.max = max.map(|m| m.to_string()).unwrap_or_default();
        }
        FieldType::Money => {
            v.inputmode = "numeric";
            v.suffix = "đồng";
            v.maxlength = "30".into();
        }
        FieldType::File => v.control = "file",
        FieldType::Choice { options } => {
            v.control = "select";
            v.options = options
                .iter()
                .map(|o| Choice { value: o.value.clone(), label: o.label.clone(), selected: o.value == v.value })
                .collect();
        }
        FieldType::Address => {
            v.control = "address";
            let mut province = get(&format!("{}.province", field.key));
            if province.is_empty()
                && let [only] = served_provinces(tree, today).as_slice()
            {
                province = only.id.to_string();
            }
            let mut provinces: Vec<&Unit> =
                tree.units().filter(|u| u.kind == UnitKind::Province && u.is_active_on(today)).collect();
            // "Thành phố Đà Nẵng" is looked for under Đ, among the provinces.
            provinces.sort_by_cached_key(|u| {
                let name = motcua_domain::text::fold(&u.name);
                name.strip_prefix("thanh pho ").map_or_else(|| name.clone(), str::to_owned)
            });
            v.provinces = choices(&provinces, &province);
            v.communes = match UnitId::parse(&province) {
                Ok(id) if tree.get(&id).is_some() => {
                    choices(&active_children(tree, &id, true, today), &get(&format!("{}.commune", field.key)))
                }
                _ => Vec::new(),
            };
            v.detail = get(&format!("{}.detail", field.key));
        }
    }
    v
}

/// How a cleaned value reads in the confirmation.
pub(crate) fn shown(field: &Field, clean: &BTreeMap<String, String>, tree: &UnitTree) -> Option<String> {
    if field.kind == FieldType::Address {
        let part = |p: &str| clean.get(&format!("{}.{p}", field.key)).cloned();
        let (detail, commune, province) = (part("detail")?, part("commune")?, part("province")?);
        return Some(format!("{detail}, {}, {}", unit_name(tree, &commune), unit_name(tree, &province)));
    }
    let value = clean.get(&field.key)?;
    Some(match &field.kind {
        FieldType::Date => parse_date(value).map_or_else(|| value.clone(), |d| date_vi(&d)),
        FieldType::Money => value.parse::<i64>().map_or_else(|_| value.clone(), format_vnd),
        FieldType::Choice { options } => {
            options.iter().find(|o| o.value == *value).map_or_else(|| value.clone(), |o| o.label.clone())
        }
        _ => value.clone(),
    })
}

struct Outcome<'a> {
    values: &'a BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    valid: Option<Vec<(String, String)>>,
    notice: Option<String>,
}

/// The cases of a procedure to choose from, `chosen` selected.
pub(crate) fn case_choices(p: &Procedure, chosen: Option<&str>) -> Vec<Choice> {
    p.cases
        .iter()
        .map(|c| Choice { value: c.key.clone(), label: c.name.clone(), selected: Some(c.key.as_str()) == chosen })
        .collect()
}

fn filing(
    state: &AppState,
    caller: &Caller,
    p: &Procedure,
    case: Option<&str>,
    values: &BTreeMap<String, String>,
) -> Filing {
    let code = p.code.to_string();
    let login_url = format!("/dang-nhap/vneid?next=/thu-tuc/{code}/nop");
    let Some(citizen) = &caller.citizen else { return Filing { login_url, ..Filing::default() } };
    let refused = state.app.require_eligible(citizen, p).err().and_then(|e| e.detail_vi());
    let today = motcua_domain::time::local_date(state.app.now());
    let tree = state.app.tree();
    let chosen_unit = values.get(UNIT).map(String::as_str).unwrap_or_default();
    let units = if p.levels.contains(&motcua_domain::catalogue::Level::Commune) {
        served_provinces(&tree, today)
            .iter()
            .flat_map(|province| active_children(&tree, &province.id, true, today))
            .map(|u| Choice { value: u.id.to_string(), label: u.name.clone(), selected: u.id.as_str() == chosen_unit })
            .collect()
    } else {
        Vec::new()
    };
    let components = p
        .components_for(case)
        .map(|c| ComponentChoice {
            key: c.key.clone(),
            name: c.name.clone(),
            mandatory: c.mandatory,
            checked: values.contains_key(&format!("{COMPONENT}{}", c.key)),
            offers: Vec::new(),
        })
        .collect();
    let chosen_kind = values.get(BEHALF).map(String::as_str).unwrap_or_default();
    let behalf_kinds = std::iter::once(Choice {
        value: String::new(),
        label: "Bản thân tôi".into(),
        selected: chosen_kind.is_empty(),
    })
    .chain(RepresentationKind::ALL.into_iter().map(|k| {
        Choice {
            value: k.as_str().into(),
            label: match k {
                RepresentationKind::Authorised => "Người ủy quyền cho tôi (tôi là người được ủy quyền)",
                RepresentationKind::Parent => "Con của tôi (tôi là cha hoặc mẹ)",
                RepresentationKind::Guardian => "Người được tôi giám hộ",
            }
            .into(),
            selected: k.as_str() == chosen_kind,
        }
    }))
    .collect();
    let chosen_paper = values.get(BEHALF_PAPER).map(String::as_str).unwrap_or_default();
    let behalf_papers = p
        .components_for(case)
        .map(|c| Choice { value: c.key.clone(), label: c.name.clone(), selected: c.key == chosen_paper })
        .collect();
    Filing {
        behalf_kinds,
        behalf_id: values.get(BEHALF_ID).cloned().unwrap_or_default(),
        behalf_name: values.get(BEHALF_NAME).cloned().unwrap_or_default(),
        behalf_papers,
        citizen: Some((citizen.full_name.clone(), citizen.id_number.clone(), citizen.assurance_vi())),
        organisation: citizen.organisation.as_ref().map(|o| (o.name.clone(), o.tax_code.clone())),
        login_url,
        refused,
        problems: Vec::new(),
        key: values.get(FILING_KEY).cloned().unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
        units,
        components,
        prefill_message: None,
        child: None,
        child_problem: None,
        child_typed: String::new(),
    }
}

fn page(state: &AppState, caller: &Caller, p: &Procedure, case: Option<&str>, outcome: Outcome<'_>) -> FormPage {
    page_with(state, caller, p, case, outcome, &Prefilled::default())
}

fn page_with(
    state: &AppState,
    caller: &Caller,
    p: &Procedure,
    case: Option<&str>,
    outcome: Outcome<'_>,
    prefilled: &Prefilled,
) -> FormPage {
    let today = motcua_domain::time::local_date(state.app.now());
    let tree = state.app.tree();
    let mut filing = filing(state, caller, p, case, outcome.values);
    filing.prefill_message.clone_from(&prefilled.message);
    filing.child.clone_from(&prefilled.child);
    for c in &mut filing.components {
        let chosen = outcome.values.get(&format!("{WAREHOUSE}{}", c.key)).map_or("", String::as_str);
        c.offers = prefilled
            .offers
            .iter()
            .filter(|o| o.component_key == c.key)
            .flat_map(|o| &o.documents)
            .map(|d| Choice { value: d.id.to_string(), label: offer_label(d), selected: d.id.to_string() == chosen })
            .collect();
    }
    let chosen = case.filter(|c| p.cases.iter().any(|x| x.key == *c));
    let form: Option<&FormSchema> = form_of(p, chosen).ok();
    let mut values = outcome.values.clone();
    values.extend(prefilled.values.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut fields = form.map(|f| field_views(f, &values, &outcome.errors, &tree, today)).unwrap_or_default();
    for f in fields.iter_mut().filter(|f| prefilled.values.contains_key(&f.key)) {
        let source = prefilled.sources.get(&f.key).map_or("", String::as_str);
        f.locked = true;
        f.report_url = format!("/ca-nhan/bao-sai?thu_tuc={}&truong={}&nguon={source}", p.code, f.key);
        let label = motcua_domain::catalogue::PrefillSource::parse(source).map(|s| s.label_vi()).unwrap_or_default();
        f.prefill = Some(format!("Đã điền sẵn từ {label}; không sửa được tại đây."));
    }
    let errors = error_links(&fields);
    FormPage {
        portal: Portal::of(&state.config.portal_name, caller),
        code: p.code.to_string(),
        name: p.name.clone(),
        title: form.map(|f| f.title.clone()),
        cases: case_choices(p, chosen),
        case: chosen.unwrap_or_default().to_owned(),
        fields,
        errors,
        valid: outcome.valid,
        notice: outcome.notice,
        refresh_label: "Kiểm tra tờ khai",
        filing,
        draft_restored: None,
    }
}

/// How a warehouse document reads in a component's choice: its title, result code or file name, issue date.
fn offer_label(d: &DocumentView) -> String {
    let mut label = d.title.clone();
    match &d.result_code {
        Some(code) => label.push_str(&format!(" — kết quả điện tử mã {code}")),
        None => label.push_str(&format!(" — {}", d.file_name)),
    }
    if let Some(day) = &d.issued_on {
        label.push_str(&format!(", cấp ngày {}", date_vi(day)));
    }
    label
}

/// The fields of a form with the values typed and the errors found, ready for `eform_fields.html`.
pub(crate) fn field_views(
    form: &FormSchema,
    values: &BTreeMap<String, String>,
    errors: &BTreeMap<String, String>,
    tree: &UnitTree,
    today: chrono::NaiveDate,
) -> Vec<FieldView> {
    form.fields.iter().map(|field| view(field, values, errors, tree, today)).collect()
}

/// The error summary of a form: one link per bad field (an address links to its province).
pub(crate) fn error_links(fields: &[FieldView]) -> Vec<ErrorLink> {
    fields
        .iter()
        .filter_map(|f| {
            let anchor = if f.control == "address" { format!("f-{}-province", f.key) } else { format!("f-{}", f.key) };
            f.error.as_ref().map(|m| ErrorLink { anchor, label: f.label.clone(), message: m.clone() })
        })
        .collect()
}

/// Query of the form page.
#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    truong_hop: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(query): Query<CaseQuery>,
) -> Result<Response, PageError> {
    let stored = state.app.procedure(&caller.ctx().principal, &code, None).await?;
    // A logged-in citizen's saved draft is restored (its case unless another one is asked for); locked prefilled
    // values still come from their sources.
    let draft = match &caller.citizen {
        Some(_) => state.app.draft(&caller.ctx(), &stored.procedure.code.to_string()).await?,
        None => None,
    };
    let values = draft.as_ref().map(|d| d.values.clone()).unwrap_or_default();
    let case = query.truong_hop.as_deref().or_else(|| values.get(CASE).map(String::as_str)).filter(|c| !c.is_empty());
    let outcome = Outcome { values: &values, errors: BTreeMap::new(), valid: None, notice: None };
    let prefilled = prefilled(&state, &caller, &stored.procedure, case).await;
    let mut page = page_with(&state, &caller, &stored.procedure, case, outcome, &prefilled);
    page.draft_restored =
        draft.map(|d| format!("Đã khôi phục bản nháp bạn lưu lúc {}.", crate::view::instant_vi(&d.updated_at)));
    render(&page)
}

pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    PageForm(values): PageForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let stored = state.app.procedure(&caller.ctx().principal, &code, None).await?;
    let p = &stored.procedure;
    let case = values.get(CASE).map(String::as_str).filter(|c| !c.is_empty());
    let Ok(form) = form_of(p, case) else {
        let outcome = Outcome {
            values: &values,
            errors: BTreeMap::new(),
            valid: None,
            notice: Some("Vui lòng chọn trường hợp thực hiện trước khi điền tờ khai.".into()),
        };
        return render_with_status(&page(&state, &caller, p, case, outcome), StatusCode::UNPROCESSABLE_ENTITY);
    };
    let today = motcua_domain::time::local_date(state.app.now());
    if caller.citizen.is_some() {
        if values.get(ACTION).map(String::as_str) == Some(PREFILL_CHILD) {
            return prefill_child(&state, &caller, p, case, &values).await;
        }
        return file(&state, &caller, p, case, &values).await;
    }
    match validate_form(&state, form, &values, today) {
        Ok(clean) => {
            let tree = state.app.tree();
            let shown =
                form.fields.iter().filter_map(|f| shown(f, &clean, &tree).map(|v| (f.label.clone(), v))).collect();
            let outcome = Outcome { values: &values, errors: BTreeMap::new(), valid: Some(shown), notice: None };
            render(&page(&state, &caller, p, case, outcome))
        }
        Err(problems) => {
            let errors = problems.into_iter().map(|e| (e.key, e.message)).collect();
            let outcome = Outcome { values: &values, errors, valid: None, notice: None };
            render_with_status(&page(&state, &caller, p, case, outcome), StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// Files the form as the logged-in citizen's online dossier, then shows it in "Hồ sơ của tôi"; a refusal renders
/// the form again with every problem.
async fn file(
    state: &AppState,
    caller: &Caller,
    p: &Procedure,
    case: Option<&str>,
    values: &BTreeMap<String, String>,
) -> Result<Response, PageError> {
    let Some(citizen) = &caller.citizen else {
        return Err(PageError(motcua_app::AppError::code(ErrorCode::Unauthenticated)));
    };
    // Locked values are the sources', whatever the browser sent: the child's when the form was prefilled for them
    // (the relation is verified again), else the citizen's own.
    let prefilled = match child_prefilled(values) {
        Some(child) => match prefilled_for_child(state, caller, p, case, &child).await {
            Ok(prefilled) => prefilled,
            Err(e) => {
                let status = crate::error::status_of(e.error_code());
                let outcome = Outcome { values, errors: BTreeMap::new(), valid: None, notice: None };
                let mut page = page_with(state, caller, p, case, outcome, &Prefilled::default());
                page.filing.problems = vec![e.detail_vi().unwrap_or_else(|| e.message_vi())];
                return render_with_status(&page, status);
            }
        },
        None => prefilled(state, caller, p, case).await,
    };
    let mut form: BTreeMap<String, String> =
        values.iter().filter(|(k, _)| !k.contains('-')).map(|(k, v)| (k.clone(), v.clone())).collect();
    form.extend(prefilled.values.iter().map(|(k, v)| (k.clone(), v.clone())));
    let components = values.keys().filter_map(|k| k.strip_prefix(COMPONENT)).map(str::to_owned).collect();
    // A value that is not a document id cannot be an offer: the nil id makes the app refuse it with its message.
    let from_warehouse = values
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(WAREHOUSE)?, v.trim())))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), uuid::Uuid::parse_str(v).unwrap_or_default()))
        .collect();
    let phone = form_of(p, case)
        .ok()
        .and_then(|f| f.fields.iter().find(|f| f.kind == FieldType::Phone))
        .and_then(|f| values.get(&f.key).cloned());
    let filing = OnlineFiling {
        procedure: p.code.to_string(),
        case: case.map(str::to_owned),
        unit: values.get(UNIT).cloned().filter(|u| !u.is_empty()),
        form,
        components,
        phone,
        email: None,
        provenance: prefilled.sources.clone(),
        from_warehouse,
        on_behalf_of: on_behalf_of(values),
    };
    let key = values.get(FILING_KEY).cloned();
    match state.app.file_online(&caller.ctx(), citizen, filing, key).await {
        Ok(d) => Ok(Redirect::to(&format!("/ca-nhan/ho-so/{}?da_nop=1", d.id)).into_response()),
        Err(e) => {
            let status = crate::error::status_of(e.error_code());
            let (errors, problems) = match e {
                motcua_app::AppError::Invalid(fields) => {
                    let (form_fields, other): (Vec<_>, Vec<_>) =
                        fields.into_iter().partition(|f| f.field.starts_with("form."));
                    let errors = form_fields
                        .into_iter()
                        .map(|f| (f.field.trim_start_matches("form.").to_owned(), f.message))
                        .collect();
                    (errors, other.into_iter().map(|f| f.message).collect())
                }
                other => (BTreeMap::new(), vec![other.message_vi()]),
            };
            let outcome = Outcome { values, errors, valid: None, notice: None };
            let mut page = page_with(state, caller, p, case, outcome, &prefilled);
            page.filing.problems = problems;
            render_with_status(&page, status)
        }
    }
}

/// "Điền sẵn thông tin của con": the form again, prefilled and locked with the child's registry data and set to file
/// for the child (`nop-cho` = `parent`, their ID number), or, when the ID number is bad or the registry does not
/// give the citizen as the child's father or mother, the citizen's own form with the reason and nothing of the
/// child's.
async fn prefill_child(
    state: &AppState,
    caller: &Caller,
    p: &Procedure,
    case: Option<&str>,
    values: &BTreeMap<String, String>,
) -> Result<Response, PageError> {
    let child = values.get(BEHALF_ID).map(|v| v.trim().to_owned()).unwrap_or_default();
    let mut shown: BTreeMap<String, String> = values
        .iter()
        .filter(|(k, _)| [CASE, FILING_KEY, UNIT].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    match prefilled_for_child(state, caller, p, case, &child).await {
        Ok(prefilled) => {
            shown.insert(BEHALF.into(), RepresentationKind::Parent.as_str().into());
            shown.insert(BEHALF_ID.into(), child.clone());
            // The child's ID number where the form asks for the ID number of the login: suggested, not locked (it
            // is the login's own number that the login vouches for).
            if let Ok(form) = form_of(p, case) {
                for f in form.fields.iter().filter(|f| {
                    matches!(&f.prefill, Some(motcua_domain::catalogue::PrefillSource::Identity(k)) if k == "id_number")
                }) {
                    shown.insert(f.key.clone(), child.clone());
                }
            }
            let outcome = Outcome { values: &shown, errors: BTreeMap::new(), valid: None, notice: None };
            render(&page_with(state, caller, p, case, outcome, &prefilled))
        }
        Err(e) => {
            let status = crate::error::status_of(e.error_code());
            let own = prefilled(state, caller, p, case).await;
            let outcome = Outcome { values: &shown, errors: BTreeMap::new(), valid: None, notice: None };
            let mut page = page_with(state, caller, p, case, outcome, &own);
            page.filing.child_problem = Some(e.detail_vi().unwrap_or_else(|| e.message_vi()));
            page.filing.child_typed = child;
            render_with_status(&page, status)
        }
    }
}

/// The "Nộp cho" part of the form: none when filing for oneself; otherwise the claim as typed (the app checks the
/// ID number, the relationship and its evidence).
fn on_behalf_of(values: &BTreeMap<String, String>) -> Option<OnBehalfOf> {
    let text = |k: &str| values.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let kind = text(BEHALF)?;
    Some(OnBehalfOf {
        kind,
        subject_id_number: text(BEHALF_ID).unwrap_or_default(),
        subject_name: text(BEHALF_NAME),
        paper_component: text(BEHALF_PAPER),
    })
}
