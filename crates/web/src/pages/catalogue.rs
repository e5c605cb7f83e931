//! The public procedure catalogue: the search with its filters, and a procedure's page with every published part,
//! its fees, its e-forms and where each value came from.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use motcua_app::catalogue::{CatalogueQuery, fee_totals, unit_names};
use motcua_app::{AppError, ErrorCode};
use motcua_domain::calendar::working_time::ReceptionChannel;
use motcua_domain::catalogue::check::INTERLINKED_GROUPS;
use motcua_domain::catalogue::fee::format_vnd;
use motcua_domain::catalogue::{Assurance, FieldType, Level, OnlineLevel, Origin, Procedure};
use motcua_domain::deadline::Mode;
use motcua_domain::unit::{Unit, UnitKind, UnitTree};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::Caller;
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::{Portal, date_vi};

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// An `<optgroup>`.
pub struct ChoiceGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

/// The Vietnamese name of a reception channel (cách thức thực hiện).
pub fn channel_label(channel: ReceptionChannel) -> &'static str {
    match channel {
        ReceptionChannel::Counter => "Trực tiếp tại bộ phận một cửa",
        ReceptionChannel::Postal => "Qua dịch vụ bưu chính công ích",
        ReceptionChannel::Online => "Trực tuyến",
    }
}

/// The Vietnamese name of a VNeID assurance level.
pub fn assurance_label(level: Assurance) -> &'static str {
    match level {
        Assurance::L1 => "Mức 1",
        Assurance::L2 => "Mức 2",
    }
}

/// Percent-encodes a query-string value.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The provinces this deployment serves: those whose own organisation (departments, service centres …) is loaded.
pub fn served_provinces(tree: &UnitTree, today: NaiveDate) -> Vec<&Unit> {
    tree.units()
        .filter(|u| u.kind == UnitKind::Province && u.is_active_on(today))
        .filter(|p| tree.children(&p.id).any(|c| c.is_active_on(today) && !c.kind.is_commune_level()))
        .collect()
}

/// Sorted by folded name, as people read lists.
pub fn by_name(units: &mut [&Unit]) {
    units.sort_by_cached_key(|u| motcua_domain::text::fold(&u.name));
}

pub(crate) fn unit_groups(tree: &UnitTree, today: NaiveDate, selected: &str) -> Vec<ChoiceGroup> {
    let choice =
        |u: &Unit| Choice { value: u.id.to_string(), label: u.name.clone(), selected: u.id.as_str() == selected };
    let mut groups = Vec::new();
    for province in served_provinces(tree, today) {
        let mut agencies: Vec<&Unit> =
            tree.children(&province.id).filter(|u| u.is_active_on(today) && !u.kind.is_commune_level()).collect();
        by_name(&mut agencies);
        let mut communes: Vec<&Unit> =
            tree.children(&province.id).filter(|u| u.is_active_on(today) && u.kind.is_commune_level()).collect();
        by_name(&mut communes);
        groups.push(ChoiceGroup {
            label: format!("{} và các sở, ngành", province.name),
            options: std::iter::once(province).chain(agencies).map(choice).collect(),
        });
        groups.push(ChoiceGroup {
            label: format!("Xã, phường, đặc khu của {}", province.name),
            options: communes.into_iter().map(choice).collect(),
        });
    }
    groups
}

struct ResultRow {
    code: String,
    name: String,
    sector: String,
    levels: String,
    online: &'static str,
    essential: bool,
}

#[derive(Template)]
#[template(path = "catalogue.html")]
struct SearchPage {
    portal: Portal,
    q: String,
    sectors: Vec<Choice>,
    units: Vec<ChoiceGroup>,
    levels: Vec<Choice>,
    online: Vec<Choice>,
    essential: bool,
    rows: Vec<ResultRow>,
    total: i64,
    page: u32,
    pages: u32,
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

/// The search form's parameters (all text, so that nothing a person types is refused before the search).
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    linh_vuc: Option<String>,
    don_vi: Option<String>,
    cap: Option<String>,
    truc_tuyen: Option<String>,
    thiet_yeu: Option<String>,
    trang: Option<String>,
}

/// The page asked for in a `trang` parameter, from 1.
pub(crate) fn page_number(trang: Option<&str>) -> u32 {
    trang.and_then(|p| p.trim().parse::<u32>().ok()).unwrap_or(1).max(1)
}

/// How many pages `total` results fill, at least one.
pub(crate) fn page_count(total: i64, per_page: u32) -> u32 {
    u32::try_from((total + i64::from(per_page) - 1) / i64::from(per_page)).unwrap_or(1).max(1)
}

fn trimmed(value: &Option<String>) -> String {
    value.as_deref().unwrap_or("").trim().chars().take(200).collect()
}

pub(crate) fn choices<T: Copy>(
    items: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    selected: &str,
) -> Vec<Choice> {
    items
        .iter()
        .map(|&i| Choice { value: value(i).into(), label: label(i).into(), selected: value(i) == selected })
        .collect()
}

pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let today = motcua_domain::time::local_date(state.app.now());
    let (q, sector, unit, level, online) = (
        trimmed(&query.q),
        trimmed(&query.linh_vuc),
        trimmed(&query.don_vi),
        trimmed(&query.cap),
        trimmed(&query.truc_tuyen),
    );
    let essential = query.thiet_yeu.as_deref().is_some_and(|v| !v.is_empty());
    let page = page_number(query.trang.as_deref());
    let some = |s: &String| (!s.is_empty()).then(|| s.clone());
    let catalogue_query = CatalogueQuery {
        q: some(&q),
        sector: some(&sector),
        unit: some(&unit),
        level: some(&level),
        online: some(&online),
        essential: Some(essential),
        page: Some(page),
    };
    let (results, error) = match state.app.search_catalogue(&catalogue_query, false).await {
        Ok(results) => (Some(results), None),
        Err(e) if e.error_code() == ErrorCode::InvalidInput => (None, Some(e.message_vi())),
        Err(e) => return Err(e.into()),
    };
    let sectors = state.app.catalogue_sectors(false).await?;
    let tree = state.app.tree();
    let (rows, total, pages) = match &results {
        Some(r) => (
            r.items
                .iter()
                .map(|s| ResultRow {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    sector: s.sector.clone(),
                    levels: s.levels.iter().map(|l| l.label_vi()).collect::<Vec<_>>().join(", "),
                    online: s.online_level.label_vi(),
                    essential: s.essential,
                })
                .collect(),
            r.total,
            page_count(r.total, r.per_page),
        ),
        None => (Vec::new(), 0, 1),
    };
    let link = |p: u32| {
        let mut href = format!("/thu-tuc?q={}", encode(&q));
        for (key, value) in [("linh_vuc", &sector), ("don_vi", &unit), ("cap", &level), ("truc_tuyen", &online)] {
            if !value.is_empty() {
                href.push_str(&format!("&{key}={}", encode(value)));
            }
        }
        if essential {
            href.push_str("&thiet_yeu=1");
        }
        format!("{href}&trang={p}")
    };
    let template = SearchPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        sectors: sectors
            .iter()
            .map(|(name, count)| Choice {
                value: name.clone(),
                label: format!("{name} ({count})"),
                selected: *name == sector,
            })
            .collect(),
        units: unit_groups(&tree, today, &unit),
        levels: choices(&Level::ALL, Level::as_str, Level::label_vi, &level),
        online: choices(
            &[OnlineLevel::FullProcess, OnlineLevel::Partial, OnlineLevel::None],
            OnlineLevel::as_str,
            OnlineLevel::label_vi,
            &online,
        ),
        essential,
        rows,
        total,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        page,
        pages,
        q,
        error,
    };
    if template.error.is_some() {
        render_with_status(&template, StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        render(&template)
    }
}

struct ComponentRow {
    name: String,
    form: &'static str,
    quantity: u32,
    mandatory: bool,
    sources: Vec<String>,
    cases: String,
    template: String,
}

struct FeeRow {
    name: String,
    kind: &'static str,
    counter: String,
    online: Option<String>,
    applies: bool,
    exemptions: String,
    basis: String,
    note: String,
}

struct FormFieldRow {
    label: String,
    kind: &'static str,
    required: bool,
    prefill: Option<String>,
}

struct FormView {
    title: String,
    version: u32,
    case: Option<String>,
    fields: Vec<FormFieldRow>,
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    portal: Portal,
    p: Procedure,
    version: i64,
    officer_view: bool,
    levels: String,
    units: Vec<(String, String)>,
    methods: Vec<&'static str>,
    subjects: Vec<&'static str>,
    time: Option<String>,
    time_mode: Option<&'static str>,
    time_rule: Option<String>,
    time_unconfirmed: bool,
    components: Vec<ComponentRow>,
    has_cases: bool,
    fees: Vec<FeeRow>,
    fee_counter: String,
    fee_online: Option<String>,
    online_level: &'static str,
    min_assurance: &'static str,
    interlinked: Option<String>,
    publication: Option<String>,
    result: Option<String>,
    forms: Vec<FormView>,
    effective: String,
}

impl ProcedurePage {
    /// The provenance badge of a section: a label and its CSS class when the values are not published ones.
    fn badge(&self, field: &str) -> Option<(&'static str, &'static str)> {
        match self.p.origin_of(field) {
            Origin::Published => None,
            Origin::Inferred => Some(("inferred", "Suy ra từ văn bản liên quan")),
            Origin::Illustrative => Some(("illustrative", Origin::Illustrative.label_vi())),
        }
    }

    fn illustrative_label(&self) -> &'static str {
        Origin::Illustrative.label_vi()
    }
}

/// A form field's type in words, as the citizen sees it.
pub fn field_kind(kind: &FieldType) -> &'static str {
    match kind {
        FieldType::Text { multiline: true, .. } => "Văn bản nhiều dòng",
        other => other.label_vi(),
    }
}

/// The prefill note of a field, in Vietnamese.
pub fn prefill_note(source: &motcua_domain::catalogue::PrefillSource) -> String {
    use motcua_domain::catalogue::PrefillSource as S;
    match source {
        S::Population(_) => "Tự động điền từ CSDL quốc gia về dân cư khi đăng nhập VNeID".into(),
        S::Identity(_) => "Tự động điền từ tài khoản định danh điện tử khi đăng nhập VNeID".into(),
        S::Warehouse(_) => format!("Tự động lấy khi đăng nhập VNeID: {}", source.label_vi()),
        S::Result(code) => format!("Tự động lấy từ kết quả thủ tục {code} khi đăng nhập VNeID"),
    }
}

/// Query of the procedure page.
#[derive(Debug, Default, Deserialize)]
pub struct ProcedureQuery {
    phien_ban: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(query): Query<ProcedureQuery>,
) -> Result<Response, PageError> {
    let version = match query.phien_ban.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => Some(v.parse::<i64>().map_err(|_| AppError::not_found(format!("phiên bản {v}")))?),
        None => None,
    };
    let stored = state.app.procedure(&caller.ctx().principal, &code, version).await?;
    let today = motcua_domain::time::local_date(state.app.now());
    let tree = state.app.tree();
    let p = stored.procedure;
    let (counter_total, online_total) = fee_totals(&p, today);
    let fees = p
        .fees
        .iter()
        .map(|f| {
            let counter = f.amount_for(ReceptionChannel::Counter, today, false);
            let online = f.amount_for(ReceptionChannel::Online, today, false);
            FeeRow {
                name: f.name.clone(),
                kind: f.kind.label_vi(),
                counter: format_vnd(counter),
                online: (online < counter).then(|| {
                    format!("{} (bằng {}% mức thu)", format_vnd(online), f.percent_for(ReceptionChannel::Online))
                }),
                applies: f.applies_on(today),
                exemptions: f.exemptions.join("; "),
                basis: f.legal_basis.clone().unwrap_or_default(),
                note: f.note.clone().unwrap_or_default(),
            }
        })
        .collect();
    let case_name =
        |key: &str| p.cases.iter().find(|c| c.key == key).map_or_else(|| key.to_owned(), |c| c.name.clone());
    let components = p
        .components
        .iter()
        .map(|c| ComponentRow {
            name: c.name.clone(),
            form: c.form.label_vi(),
            quantity: c.quantity,
            mandatory: c.mandatory,
            sources: c.replaceable_by.iter().map(|s| s.label_vi()).collect(),
            cases: c.cases.iter().map(|k| case_name(k)).collect::<Vec<_>>().join("; "),
            template: c.template.clone().unwrap_or_default(),
        })
        .collect();
    let forms = p
        .forms
        .iter()
        .map(|f| FormView {
            title: f.title.clone(),
            version: f.version,
            case: f.case.as_deref().map(case_name),
            fields: f
                .fields
                .iter()
                .map(|field| FormFieldRow {
                    label: field.label.clone(),
                    kind: field_kind(&field.kind),
                    required: field.required,
                    prefill: field.prefill.as_ref().map(prefill_note),
                })
                .collect(),
        })
        .collect();
    let time = p.time.as_ref();
    let page = ProcedurePage {
        portal: Portal::of(&state.config.portal_name, &caller),
        version: stored.version,
        officer_view: caller.officer.is_some() && stored.published_version != Some(stored.version),
        levels: p.levels.iter().map(|l| l.label_vi()).collect::<Vec<_>>().join(", "),
        units: unit_names(&tree, &p),
        methods: p.methods.iter().map(|m| channel_label(*m)).collect(),
        subjects: p.subjects.iter().map(|s| s.label_vi()).collect(),
        time: time.map(|t| t.label_vi()),
        time_mode: time.and_then(|t| t.mode()).map(|m| match m {
            Mode::A => "Tính theo ngày làm việc, không kể ngày tiếp nhận",
            Mode::B => "Tính theo giờ làm việc kể từ khi tiếp nhận",
        }),
        time_rule: time.and_then(|t| t.rule.clone()),
        time_unconfirmed: time.is_some_and(|t| t.needs_confirmation()),
        components,
        has_cases: !p.cases.is_empty(),
        fees,
        fee_counter: format_vnd(counter_total),
        fee_online: (online_total < counter_total).then(|| format_vnd(online_total)),
        online_level: p.online_level.label_vi(),
        min_assurance: assurance_label(p.min_assurance),
        interlinked: p.interlinked_group.as_deref().map(|g| {
            INTERLINKED_GROUPS
                .iter()
                .find(|(k, _)| *k == g)
                .map_or_else(|| g.to_owned(), |(_, label)| (*label).to_owned())
        }),
        publication: p.publication.as_ref().map(|d| {
            let mut text = format!("Quyết định số {}", d.decision);
            if let Some(on) = d.decided_on {
                text.push_str(&format!(" ngày {}", date_vi(&on)));
            }
            if let Some(on) = d.published_on {
                text.push_str(&format!("; công khai ngày {}", date_vi(&on)));
            }
            text
        }),
        result: p.result.as_ref().map(|r| {
            let mut text = r.name.clone();
            match (r.paper, r.electronic) {
                (true, true) => text.push_str(" (bản giấy và bản điện tử)"),
                (false, true) => text.push_str(" (bản điện tử)"),
                (true, false) => text.push_str(" (bản giấy)"),
                (false, false) => {}
            }
            text
        }),
        forms,
        effective: match p.effective_to {
            Some(to) => format!("Từ {} đến {}", date_vi(&p.effective_from), date_vi(&to)),
            None => format!("Từ {}", date_vi(&p.effective_from)),
        },
        p,
    };
    render(&page)
}
