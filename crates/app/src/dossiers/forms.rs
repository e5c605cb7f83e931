//! The legal forms of a dossier (Mẫu 01–07, spec §2.3) as data and as PDFs.
//!
//! A form is rebuilt from the dossier and its events each time it is asked for (the pure builder is
//! `motcua_domain::dossier::forms`), so the same history gives the same form. With the `pdf` feature the form is
//! typeset by `motcua_pdf`; each PDF produced is also stored with the dossier in the document store
//! (content-addressed; a second download of an unchanged form stores nothing new). Without the feature the PDF call
//! answers `not_built` (501).

use std::collections::HashMap;

use chrono::NaiveDate;
use motcua_domain::calendar::working_time::local;
use motcua_domain::catalogue::FieldType;
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::forms::{
    self as rules, ApplicantLines, ComponentLine, FormDocument, FormError, FormEvent, FormKind, FormSource, RuleSet,
    UnitLabel,
};
use motcua_domain::unit::{UnitId, UnitKind, UnitTree};
use motcua_storage::dossiers as store;
use serde::Serialize;
use uuid::Uuid;

use super::{DossierView, invalid};
use crate::App;
use crate::error::{AppError, ErrorCode};
use crate::record::Ctx;

/// The most dossiers one register PDF lists (a typeset table of this size takes seconds); a longer period is
/// refused with a message asking for a shorter one (the CSV export has no such limit).
pub const REGISTER_PDF_MAX_ROWS: usize = 2000;

/// The forms a dossier has now, for link lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormLink {
    /// The form.
    pub form: FormKind,
    /// Its slug (URL part).
    pub slug: &'static str,
    /// "Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả".
    pub label: String,
}

/// The set in force for a dossier and the forms it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierForms {
    /// TT 01/2018 or TT 03/2025, by reception date; none before reception.
    pub rule_set: Option<RuleSet>,
    /// The forms that exist now.
    pub forms: Vec<FormLink>,
}

fn form_error(e: &FormError) -> AppError {
    AppError::detailed(ErrorCode::FormNotAvailable, motcua_domain::text::sentence(&e.to_string()))
}

/// A unit's name as printed in a heading: a commune, ward or province is its People's Committee.
fn official_name(tree: &UnitTree, id: &UnitId) -> Option<String> {
    let unit = tree.get(id)?;
    let governed = unit.kind.is_commune_level() || unit.kind == UnitKind::Province;
    let name = unit.name.trim();
    Some(if governed && !name.starts_with("Ủy ban") && !name.starts_with("UBND") {
        let mut chars = name.chars();
        let first = chars.next().map(|c| c.to_lowercase().collect::<String>()).unwrap_or_default();
        format!("Ủy ban nhân dân {first}{}", chars.as_str())
    } else {
        name.to_owned()
    })
}

/// The place before the date: the commune, ward or province the unit belongs to, without its kind.
fn place_of(tree: &UnitTree, id: &UnitId) -> String {
    let own = tree.get(id).into_iter();
    let place = own
        .chain(tree.ancestors(id))
        .find(|u| u.kind.is_commune_level() || u.kind == UnitKind::Province)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    for prefix in ["Phường ", "Xã ", "Đặc khu ", "Thành phố ", "Tỉnh "] {
        if let Some(rest) = place.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    place
}

fn label(tree: &UnitTree, raw: &str) -> UnitLabel {
    let Ok(id) = UnitId::parse(raw) else {
        return UnitLabel { name: raw.to_owned(), parent: None, place: String::new() };
    };
    let parent = tree.get(&id).and_then(|u| u.parent.clone()).and_then(|p| official_name(tree, &p));
    UnitLabel { name: official_name(tree, &id).unwrap_or_else(|| raw.to_owned()), parent, place: place_of(tree, &id) }
}

fn unit_name(tree: &UnitTree, raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    Some(UnitId::parse(raw).ok().and_then(|id| official_name(tree, &id)).unwrap_or_else(|| raw.to_owned()))
}

/// The applicant's address from the dossier's e-form, "detail, commune, province" (unit names from the tree): the
/// address field filled from the population registry (current residence first, then permanent, then temporary),
/// else the form's first address field as typed; `None` when the form has no address or it is empty.
fn address_of(p: &Procedure, case: Option<&str>, values: &serde_json::Value, tree: &UnitTree) -> Option<String> {
    let form = p.form_for(case)?;
    let rank = |f: &&motcua_domain::catalogue::Field| match f.prefill.as_ref().map(ToString::to_string).as_deref() {
        Some("population.current_address") => 0,
        Some("population.permanent_address") => 1,
        Some("population.temporary_address") => 2,
        _ => 3,
    };
    let mut fields: Vec<_> = form.fields.iter().filter(|f| f.kind == FieldType::Address).collect();
    fields.sort_by_key(rank);
    fields.into_iter().find_map(|f| {
        let part = |name: &str| {
            values.get(format!("{}.{name}", f.key)).and_then(serde_json::Value::as_str).map(str::trim).unwrap_or("")
        };
        let place = |raw: &str| {
            UnitId::parse(raw).ok().and_then(|id| tree.get(&id).map(|u| u.name.clone())).unwrap_or_else(|| raw.into())
        };
        let parts: Vec<String> = [part("detail").to_owned(), place(part("commune")), place(part("province"))]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        (!part("detail").is_empty() || !part("commune").is_empty()).then(|| parts.join(", "))
    })
}

impl App {
    /// The applicant's address on the dossier's e-form (see [`address_of`]); access is the caller's to check.
    async fn dossier_address(&self, p: &Procedure, id: Uuid) -> Result<Option<String>, AppError> {
        let mut tx = self.db().read().await?;
        let record = store::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(record.and_then(|r| address_of(p, r.case_key.as_deref(), &r.form.0, &self.tree())))
    }

    /// What the forms of a dossier are made from: the dossier view, its timeline, its procedure version and the
    /// unit tree. Same access rule as reading the dossier.
    pub async fn dossier_form_source(
        &self,
        principal: &motcua_domain::access::Principal,
        id: Uuid,
    ) -> Result<FormSource, AppError> {
        let d = self.dossier(principal, id).await?;
        let timeline = self.dossier_timeline(principal, id).await?;
        let stored =
            self.procedure(&motcua_domain::access::Principal::System, &d.procedure, Some(d.procedure_version)).await?;
        let p = &stored.procedure;
        let address = self.dossier_address(p, id).await?;
        let tree = self.tree();
        let components = d
            .components
            .iter()
            .map(|key| match p.components.iter().find(|c| &c.key == key) {
                Some(c) => {
                    ComponentLine { name: c.name.clone(), paper: c.form.label_vi().into(), quantity: c.quantity }
                }
                None => ComponentLine { name: key.clone(), paper: String::new(), quantity: 1 },
            })
            .collect();
        // The workflow's slip marks each hand-over against its step's due instant; should it fail, the form falls
        // back to rows derived from the events (marked against the appointment).
        let control_slip = match self.control_slip(principal, id).await {
            Ok(slip) => Some(slip),
            Err(e) => {
                tracing::warn!(dossier = %id, error = %e, "control slip unavailable; using the events' hand-overs");
                None
            }
        };
        let events = timeline
            .iter()
            .filter_map(|t| {
                Some(FormEvent {
                    at: local(t.at),
                    action: t.action?,
                    actor_unit: unit_name(&tree, t.actor_unit.as_deref()),
                    owner_unit: unit_name(&tree, t.owner_unit.as_deref()),
                    reasons: t.reasons.clone(),
                })
            })
            .collect();
        Ok(FormSource {
            code: d.code.clone().unwrap_or_default(),
            procedure_name: p.name.clone(),
            procedure_code: p.code.to_string(),
            channel: d.channel,
            applicant: ApplicantLines {
                name: d.applicant.display_name(),
                address,
                phone: d.applicant.phone.clone(),
                email: d.applicant.email.clone(),
            },
            lookup_pin: d.lookup_pin.clone(),
            receiving_unit: label(&tree, &d.receiving_unit),
            competent_unit: label(&tree, &d.competent_unit),
            statutory_time: p.time.as_ref().map(|t| t.label_vi()),
            components,
            received_at: d.received_at.map(local),
            due_original: d.due_original.map(local),
            due_at: d.due_at.map(local),
            events,
            control_slip,
        })
    }

    /// The set in force for a dossier and the forms it has now.
    pub async fn dossier_forms(
        &self,
        principal: &motcua_domain::access::Principal,
        id: Uuid,
    ) -> Result<DossierForms, AppError> {
        let src = self.dossier_form_source(principal, id).await?;
        let rule_set = src.rule_set();
        let forms = rules::available(&src)
            .into_iter()
            .map(|f| FormLink { form: f, slug: f.as_str(), label: rule_set.map(|s| f.label_vi(s)).unwrap_or_default() })
            .collect();
        Ok(DossierForms { rule_set, forms })
    }

    /// The content of one form (the JSON its template reads).
    pub async fn dossier_form(
        &self,
        principal: &motcua_domain::access::Principal,
        id: Uuid,
        form: FormKind,
    ) -> Result<FormDocument, AppError> {
        let src = self.dossier_form_source(principal, id).await?;
        rules::build(form, &src).map_err(|e| form_error(&e))
    }

    /// One form as a PDF whose QR code points to `<public_base_url>/tra-cuu-ho-so?ma=<code>`; stored with the
    /// dossier when a document store is configured. Without the `pdf` feature: `not_built`, after the same answers
    /// for unknown dossiers and forms not yet created.
    pub async fn dossier_form_pdf(
        &self,
        ctx: &Ctx,
        id: Uuid,
        form: FormKind,
        public_base_url: &str,
    ) -> Result<Vec<u8>, AppError> {
        let doc = self.dossier_form(&ctx.principal, id, form).await?;
        let (doc, pdf) = render(doc, public_base_url, Qr::StatusOfDossier).await?;
        self.keep_form(ctx, id, &doc, &pdf).await;
        Ok(pdf)
    }

    /// Stores a generated form with its dossier unless the same bytes are already there. Storing is a copy for the
    /// record: a missing or failing store does not keep the officer from the download.
    async fn keep_form(&self, ctx: &Ctx, id: Uuid, doc: &FormDocument, pdf: &[u8]) {
        if self.documents().is_err() {
            return;
        }
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(pdf));
        let file_name = form_file_name(doc);
        match self.dossier_files(&ctx.principal, id).await {
            Ok(files) if files.iter().any(|f| f.sha256 == sha256 && f.file_name == file_name) => return,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(dossier = %id, error = %e, "could not list dossier files; form not stored");
                return;
            }
        }
        let title = format!("{} – {}", doc.number, doc.title);
        if let Err(e) = self.put_generated_file(ctx, id, &title, &file_name, pdf.to_vec()).await {
            tracing::warn!(dossier = %id, form = doc.form.as_str(), error = %e, "generated form not stored");
        }
    }
}

impl App {
    /// The register (sổ theo dõi hồ sơ) of a period as one legal form: dossiers of the competent `unit` (or every
    /// unit the officer reaches) received from `from` to `to` (local days, at most a year: same rules as
    /// [`App::dossier_register`]), one row per dossier in order of reception.
    ///
    /// The form set is the one in force on the period's **first day** (TT 01/2018 Mẫu 06 before 1/7/2025, TT 03/2025
    /// Mẫu 07 from then): a register is one book, kept under one form, and a period that starts under the old rules
    /// is the old book's. The heading is the chosen unit's, else the officer's own unit's.
    pub async fn dossier_register_book(
        &self,
        principal: &motcua_domain::access::Principal,
        unit: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<FormDocument, AppError> {
        let list = self.register_records(principal, unit, from, to, REGISTER_PDF_MAX_ROWS as u64 + 1).await?;
        if list.len() > REGISTER_PDF_MAX_ROWS {
            return Err(invalid(
                "den",
                format!(
                    "Khoảng thời gian đã chọn có hơn {REGISTER_PDF_MAX_ROWS} hồ sơ, quá nhiều cho một tệp PDF; vui lòng \
                     chọn khoảng thời gian ngắn hơn hoặc tải tệp CSV."
                ),
            ));
        }
        let tree = self.tree();
        let heading_unit = match (unit.map(str::trim).filter(|u| !u.is_empty()), principal) {
            (Some(u), _) => label(&tree, u),
            (None, motcua_domain::access::Principal::Officer { unit, .. }) => label(&tree, unit.as_str()),
            (None, _) => return Err(AppError::code(ErrorCode::Forbidden)),
        };
        let mut procedures: HashMap<(String, i64), Procedure> = HashMap::new();
        let mut rows = Vec::with_capacity(list.len());
        // One read transaction for every row's timeline.
        let mut tx = self.db().read().await?;
        for record in &list {
            let d = super::view(record)?;
            let key = (d.procedure.clone(), d.procedure_version);
            if !procedures.contains_key(&key) {
                let stored = self
                    .procedure(&motcua_domain::access::Principal::System, &d.procedure, Some(d.procedure_version))
                    .await?;
                procedures.insert(key.clone(), stored.procedure.clone());
            }
            let p = &procedures[&key];
            let address = address_of(p, record.case_key.as_deref(), &record.form.0, &tree);
            let timeline = Self::timeline_in(&mut tx, d.id).await?;
            let src = register_source(&tree, &d, p, address, &timeline);
            let n = u32::try_from(rows.len() + 1).unwrap_or(u32::MAX);
            if let Some(row) = rules::register_row(n, &src) {
                rows.push(row);
            }
        }
        tx.commit().await?;
        let set = RuleSet::for_reception(from);
        Ok(rules::register_book(set, &heading_unit, from, to, rows, local(self.now())))
    }
}

/// What a register row is made from: the dossier as listed, its address and its events (access was checked by the
/// listing).
fn register_source(
    tree: &UnitTree,
    d: &DossierView,
    p: &Procedure,
    address: Option<String>,
    timeline: &[super::TimelineEntry],
) -> FormSource {
    let events = timeline
        .iter()
        .filter_map(|t| {
            Some(FormEvent { at: local(t.at), action: t.action?, actor_unit: None, owner_unit: None, reasons: None })
        })
        .collect();
    FormSource {
        code: d.code.clone().unwrap_or_default(),
        procedure_name: p.name.clone(),
        procedure_code: d.procedure.clone(),
        channel: d.channel,
        applicant: ApplicantLines {
            name: d.applicant.display_name(),
            address,
            phone: d.applicant.phone.clone(),
            email: d.applicant.email.clone(),
        },
        lookup_pin: String::new(),
        receiving_unit: label(tree, &d.receiving_unit),
        competent_unit: label(tree, &d.competent_unit),
        statutory_time: None,
        components: vec![],
        received_at: d.received_at.map(local),
        due_original: d.due_original.map(local),
        due_at: d.due_at.map(local),
        events,
        control_slip: None,
    }
}

impl App {
    /// The register of a period as a PDF (see [`App::dossier_register_book`]); without the `pdf` feature
    /// `not_built`, after the same checks of the period and the unit.
    pub async fn dossier_register_pdf(
        &self,
        principal: &motcua_domain::access::Principal,
        unit: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
        public_base_url: &str,
    ) -> Result<Vec<u8>, AppError> {
        let doc = self.dossier_register_book(principal, unit, from, to).await?;
        Ok(render(doc, public_base_url, Qr::StatusPage).await?.1)
    }
}

/// Where a form's QR code points, under the portal's public address.
#[derive(Debug, Clone, Copy)]
enum Qr {
    /// The public status lookup of the dossier (`/tra-cuu-ho-so?ma=<code>`).
    StatusOfDossier,
    /// The status lookup page itself: the register has no QR block, the renderer still wants a URL.
    StatusPage,
}

/// Typesets `doc` off the async workers: it takes tens to hundreds of milliseconds of CPU. The one place that needs
/// the `pdf` feature; without it, `not_built`.
#[cfg(feature = "pdf")]
async fn render(doc: FormDocument, public_base_url: &str, qr: Qr) -> Result<(FormDocument, Vec<u8>), AppError> {
    let url = match qr {
        Qr::StatusOfDossier => motcua_pdf::status_url(public_base_url, &doc.code),
        Qr::StatusPage => format!("{}/tra-cuu-ho-so", public_base_url.trim_end_matches('/')),
    };
    let (doc, pdf) = tokio::task::spawn_blocking(move || {
        let pdf = motcua_pdf::Renderer::shared().render(&doc, &url);
        (doc, pdf)
    })
    .await
    .map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
    Ok((doc, pdf.map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?))
}

/// A build without the `pdf` feature: `not_built`.
#[cfg(not(feature = "pdf"))]
async fn render(_doc: FormDocument, _public_base_url: &str, _qr: Qr) -> Result<(FormDocument, Vec<u8>), AppError> {
    Err(AppError::detailed(
        ErrorCode::NotBuilt,
        "Bản cài đặt này được biên dịch không có chức năng xuất biểu mẫu PDF (tính năng `pdf`).",
    ))
}

/// "so-theo-doi-ho-so-20261101-20261127.pdf" (`extension` "pdf"; the CSV export's is "csv").
pub fn register_file_name(from: NaiveDate, to: NaiveDate, extension: &str) -> String {
    format!("so-theo-doi-ho-so-{}-{}.{extension}", from.format("%Y%m%d"), to.format("%Y%m%d"))
}

/// "mau-01-tiep-nhan-000.00.20.H47-250701-0001.pdf".
pub fn form_file_name(doc: &FormDocument) -> String {
    let n = doc.form.number(doc.rule_set).unwrap_or(0);
    format!("mau-{n:02}-{}-{}.pdf", doc.form.as_str(), doc.code)
}
