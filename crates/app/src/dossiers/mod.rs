//! Dossiers: counter reception, online submission, and every later action through the one state machine
//! (`domain::dossier::status::decide`), each change written with its event in one transaction under an optimistic
//! version.
//!
//! Decisions (spec §2.5, §8.2): the national code is issued when the dossier first reaches the administration —
//! at online submission or at counter reception — so the applicant has a reference at once; a refused dossier keeps
//! its code (numbers are never reused, and a refusal is a reportable outcome). The code's agency is the receiving
//! unit's, or its nearest ancestor's when it has none. An online dossier's receiving unit is its competent unit;
//! at the counter, the officer's unit receives and routing follows the competent unit (province-wide reception).

pub mod drafts;
pub mod forms;
mod intake;
pub mod online;
pub mod representation;
mod work;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use motcua_domain::access::{Grant, Principal, Role};
use motcua_domain::calendar::working_time::{ReceptionChannel, instant, local};
use motcua_domain::catalogue::{Level, Procedure};
use motcua_domain::deadline::{Deadline, ReappointmentRule};
use motcua_domain::dossier::workflow::{self, HandOverKind};
use motcua_domain::dossier::{Action, Actor, Facts, SequenceWidth, Status, decide};
use motcua_domain::identity::IdNumber;
use motcua_domain::representation::TaxCode;
use motcua_domain::unit::{AgencyCode, UnitId, UnitKind, UnitTree};
use motcua_storage::dossiers::{self as store, DossierRecord};
use motcua_storage::{Json, Tx};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::App;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::record::{self, Change, Ctx};
use crate::throttle::Rule;

pub use work::{Alert, AssignCandidate, ConsultationView, InboxFilter, InboxPage, RegisterRow, SlipView};

/// The applicant as declared (or, later, from the population database).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// Personal ID number.
    pub id_number: String,
    /// Full name.
    pub full_name: String,
    /// Phone, for notices and the status lookup.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail, for notices.
    #[serde(default)]
    pub email: Option<String>,
    /// The organisation that files, when the person above files for it (its legal representative or someone it
    /// authorised): the dossier is the organisation's. Absent for a person's own dossier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<crate::identity::OrganisationAccount>,
}

impl Applicant {
    /// The name the forms print: the person, or the organisation and the person who filed for it.
    pub fn display_name(&self) -> String {
        match &self.organisation {
            Some(o) => format!("{} (MST {}), người nộp: {}", o.name, o.tax_code, self.full_name),
            None => self.full_name.clone(),
        }
    }
}

/// Working days reception has to check a submitted dossier (spec §2.7: "≤ 1 working day").
pub const RECEPTION_CHECK_WORKING_DAYS: u32 = 1;

/// How long a submission's idempotency key is remembered (at least 24 hours).
pub const IDEMPOTENCY_KEPT: chrono::Duration = chrono::Duration::hours(48);

/// A new dossier, at the counter or online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDossier {
    /// Procedure code; the published version is used and kept.
    pub procedure: String,
    /// The procedure's case, if it has cases.
    #[serde(default)]
    pub case: Option<String>,
    /// The competent unit when the procedure is implemented by many (e.g. the commune for a commune-level one).
    #[serde(default)]
    pub unit: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// E-form values.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// Keys of the components received.
    #[serde(default)]
    pub components: Vec<String>,
}

/// An action on a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActionRequest {
    /// The action (`accept`, `request_supplement` …).
    pub action: String,
    /// The dossier version the actor saw.
    pub expected_version: i64,
    /// Written reasons (required for refusals, supplement requests, stops and apologies).
    #[serde(default)]
    pub reasons: Option<String>,
    /// For a hand-over: the unit that takes the dossier.
    #[serde(default)]
    pub to_unit: Option<String>,
    /// For an apology: the new appointment (local date and time).
    #[serde(default)]
    pub new_due: Option<NaiveDateTime>,
    /// For an assignment (and optionally a hand-over to the next step): the officer who takes the dossier.
    #[serde(default)]
    pub to_officer: Option<Uuid>,
    /// For a transfer to another unit or a consultation: the working hours that unit has (the step deadline).
    #[serde(default)]
    pub step_hours: Option<u32>,
    /// For recording a payment: how much, how and the receipt's reference.
    #[serde(default)]
    pub payment: Option<Payment>,
    /// For returning the result: `counter`, `post` or `online`.
    #[serde(default)]
    pub via: Option<String>,
}

/// A fee or tax payment recorded by an officer (online payment comes later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// `cash` or `bank`.
    pub method: String,
    /// Whole VND.
    pub amount: i64,
    /// The receipt (biên lai) or bank transfer reference.
    pub reference: String,
}

impl ActionRequest {
    /// A bare action at `expected_version`.
    pub fn new(action: &str, expected_version: i64) -> Self {
        Self {
            action: action.into(),
            expected_version,
            reasons: None,
            to_unit: None,
            new_due: None,
            to_officer: None,
            step_hours: None,
            payment: None,
            via: None,
        }
    }
}

/// How a result is returned (spec §2.10).
pub const RETURN_CHANNELS: [(&str, &str); 3] =
    [("counter", "Tại Bộ phận Một cửa"), ("post", "Qua dịch vụ bưu chính công ích"), ("online", "Trực tuyến")];

/// A dossier as shown to officers and its applicant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DossierView {
    /// Id.
    pub id: Uuid,
    /// National code.
    pub code: Option<String>,
    /// Status.
    pub status: Status,
    /// National status code (1–10).
    pub national_status: Option<u8>,
    /// Procedure code and the version it was received under.
    pub procedure: String,
    /// Version of the procedure.
    pub procedure_version: i64,
    /// Channel.
    pub channel: ReceptionChannel,
    /// Receiving unit.
    pub receiving_unit: String,
    /// Competent unit.
    pub competent_unit: String,
    /// The unit holding it now.
    pub owner_unit: String,
    /// Applicant.
    pub applicant: Applicant,
    /// When the clock started (deemed reception).
    pub received_at: Option<DateTime<Utc>>,
    /// The legal due instant (original due date moved by pauses).
    pub due_at: Option<DateTime<Utc>>,
    /// The original due date (kept for reporting).
    pub due_original: Option<DateTime<Utc>>,
    /// Supplement requests made during processing.
    pub supplement_requests: i64,
    /// Keys of the components received.
    pub components: Vec<String>,
    /// The secret for the public status lookup (printed on the receipt; shown to officers and the applicant).
    pub lookup_pin: String,
    /// Optimistic version.
    pub version: i64,
    /// The officer it is assigned to.
    pub assignee: Option<Uuid>,
    /// The workflow step holding it (index into the procedure version's workflow).
    pub step_index: Option<usize>,
    /// When the current step or transfer is due.
    pub step_due_at: Option<DateTime<Utc>>,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Whether the apology and re-appointment was made.
    pub apologised: bool,
    /// The date promised after the apology (the legal due date stays `due_at`).
    pub reappointed_due: Option<DateTime<Utc>>,
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
}

/// The stored deadline of a dossier, once accepted.
fn deadline_of(r: &DossierRecord) -> Result<Option<Deadline>, AppError> {
    r.deadline
        .as_ref()
        .map(|j| serde_json::from_value(j.0.clone()))
        .transpose()
        .map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))
}

fn channel_of(r: &DossierRecord) -> ReceptionChannel {
    ReceptionChannel::parse(&r.channel).unwrap_or(ReceptionChannel::Online)
}

fn view(r: &DossierRecord) -> Result<DossierView, AppError> {
    let deadline = deadline_of(r)?;
    let applicant = serde_json::from_value(r.applicant.0.clone())
        .map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
    let status = Status::parse(&r.status).ok_or_else(|| AppError::detailed(ErrorCode::Internal, "bad status"))?;
    Ok(DossierView {
        id: r.id,
        code: r.code.clone(),
        status,
        national_status: status.national_code(),
        procedure: r.procedure_code.clone(),
        procedure_version: r.procedure_version,
        channel: channel_of(r),
        receiving_unit: r.receiving_unit_id.clone(),
        competent_unit: r.competent_unit_id.clone(),
        owner_unit: r.owner_unit_id.clone(),
        applicant,
        received_at: deadline.as_ref().map(|d| instant(d.received())),
        due_at: r.due_at,
        due_original: deadline.as_ref().map(|d| instant(d.due_original())),
        supplement_requests: r.supplement_requests,
        components: serde_json::from_value(r.components.0.clone()).unwrap_or_default(),
        lookup_pin: r.lookup_pin.clone(),
        version: r.version,
        assignee: r.assignee_id.as_deref().and_then(|a| Uuid::parse_str(a).ok()),
        step_index: r.step_index.and_then(|i| usize::try_from(i).ok()),
        step_due_at: r.step_due_at,
        closed_at: r.closed_at,
        apologised: r.apologised,
        reappointed_due: deadline.as_ref().and_then(|d| d.reappointment()).map(|a| instant(a.new_due)),
    })
}

/// The agency code used in a unit's dossier codes: its own, else its one-stop service centre's (a commune receives
/// through its centre), else its nearest ancestor's.
pub fn agency_code_of(tree: &UnitTree, unit: &UnitId) -> Result<AgencyCode, AppError> {
    let own = tree.get(unit).and_then(|u| u.agency_code.clone());
    let centre = || tree.children(unit).find(|c| c.kind == UnitKind::ServiceCentre).and_then(|c| c.agency_code.clone());
    own.or_else(centre).or_else(|| tree.ancestors(unit).find_map(|u| u.agency_code.clone())).ok_or_else(|| {
        AppError::detailed(ErrorCode::InvalidInput, format!("Đơn vị {unit} chưa có mã cơ quan để cấp mã hồ sơ."))
    })
}

/// The competent unit of a dossier (spec §8.2: routing follows the competent unit, not the counter).
fn competent_unit(
    tree: &UnitTree,
    p: &Procedure,
    requested: Option<&str>,
    receiving: Option<&UnitId>,
) -> Result<UnitId, AppError> {
    let commune_level = p.levels.contains(&Level::Commune);
    let fits = |u: &UnitId| {
        let Some(unit) = tree.get(u) else { return false };
        p.units.iter().any(|pu| {
            if pu != u && !tree.is_within(u, pu) {
                return false;
            }
            // A province listed for a commune-level procedure means each of its communes.
            match tree.get(pu) {
                Some(implementing) if implementing.kind == UnitKind::Province && commune_level => {
                    unit.kind.is_commune_level()
                }
                _ => true,
            }
        })
    };
    if let Some(raw) = requested.map(str::trim).filter(|s| !s.is_empty()) {
        let id = UnitId::parse(raw)
            .ok()
            .filter(|u| tree.get(u).is_some())
            .ok_or_else(|| invalid("unit", "Không tìm thấy đơn vị đã chọn."))?;
        return if fits(&id) {
            Ok(id)
        } else {
            Err(invalid("unit", "Đơn vị đã chọn không thực hiện thủ tục này."))
        };
    }
    if let Some(receiving) = receiving.filter(|r| fits(r)) {
        return Ok(receiving.clone());
    }
    // A department or vertical body named by the procedure.
    p.units
        .iter()
        .find(|u| tree.get(u).is_some_and(|unit| !unit.kind.is_commune_level() && unit.kind != UnitKind::Province))
        .cloned()
        .ok_or_else(|| invalid("unit", "Vui lòng chọn xã, phường, đặc khu giải quyết hồ sơ."))
}

/// Whether a grant reaches a dossier unit for dossier work: a role that works on dossiers (account and system
/// administrators do not: separation of duties), held on the unit itself, or on an ancestor for the roles that read
/// a subtree (leaders, auditors). A handler of the province does not see every ward's dossiers.
pub(crate) fn reaches_dossiers_of(grant: &Grant, unit: &UnitId, tree: &UnitTree) -> bool {
    !matches!(grant.role, Role::UnitAdmin | Role::ProvinceAdmin)
        && (grant.unit == *unit || (grant.role.covers_subtree() && tree.is_within(unit, &grant.unit)))
}

/// The roles an officer holds over a dossier: grants reaching any of its units ([`reaches_dossiers_of`]).
pub(crate) fn roles_over(principal: &Principal, tree: &UnitTree, units: &[&str]) -> Vec<Role> {
    let Principal::Officer { grants, .. } = principal else { return Vec::new() };
    let ids: Vec<UnitId> = units.iter().filter_map(|u| UnitId::parse(u).ok()).collect();
    grants.iter().filter(|g| ids.iter().any(|u| reaches_dossiers_of(g, u, tree))).map(|g| g.role).collect()
}

impl App {
    fn dossier_actor(&self, principal: &Principal, r: &DossierRecord) -> Result<Actor, AppError> {
        match principal {
            Principal::System => Ok(Actor::System),
            Principal::Citizen { id_number } => {
                // A dossier filed with an organisation's account is the organisation's, not the person's.
                if r.applicant.0.get("id_number").and_then(|v| v.as_str()) == Some(id_number.as_str())
                    && applicant_tax_code(r).is_none()
                {
                    Ok(Actor::Applicant)
                } else {
                    Err(AppError::not_found("hồ sơ"))
                }
            }
            Principal::Organisation { tax_code, .. } => {
                if applicant_tax_code(r) == Some(tax_code.as_str()) {
                    Ok(Actor::Applicant)
                } else {
                    Err(AppError::not_found("hồ sơ"))
                }
            }
            Principal::Officer { .. } => {
                let tree = self.tree();
                let roles =
                    roles_over(principal, &tree, &[&r.owner_unit_id, &r.competent_unit_id, &r.receiving_unit_id]);
                if roles.is_empty() { Err(AppError::not_found("hồ sơ")) } else { Ok(Actor::Officer(roles)) }
            }
            _ => Err(AppError::code(ErrorCode::Unauthenticated)),
        }
    }

    /// The dossier an idempotency key already created, if the key was used; a different request under the same
    /// key is refused.
    async fn replay(&self, principal: &str, key: &str, hash: &str) -> Result<Option<DossierView>, AppError> {
        // Mostly one statement (an unused key); a key's dossier was committed with it, so no snapshot is needed.
        let mut tx = self.db().read_one().await?;
        let found = match store::idempotency(&mut tx, principal, key).await? {
            None => None,
            Some(first) if first.request_hash != hash => return Err(AppError::code(ErrorCode::IdempotencyKeyReused)),
            Some(first) => store::get(&mut tx, first.dossier_id).await?,
        };
        tx.commit().await?;
        found.as_ref().map(view).transpose()
    }

    async fn new_dossier(
        &self,
        ctx: &Ctx,
        input: NewDossier,
        channel: ReceptionChannel,
        idempotency_key: Option<String>,
    ) -> Result<DossierView, AppError> {
        self.new_dossier_noted(ctx, input, channel, idempotency_key, None, None).await
    }

    /// [`Self::new_dossier`] with a note recorded in the reception event (the postal item number of a postal
    /// dossier).
    async fn new_dossier_noted(
        &self,
        ctx: &Ctx,
        mut input: NewDossier,
        channel: ReceptionChannel,
        idempotency_key: Option<String>,
        note: Option<String>,
        representation: Option<motcua_storage::representations::RepresentationRecord>,
    ) -> Result<DossierView, AppError> {
        let idempotency = match idempotency_key.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()) {
            None => None,
            Some(key) if key.len() > 200 => {
                return Err(invalid("idempotency_key", "Khóa chống gửi trùng dài quá 200 ký tự."));
            }
            Some(key) => {
                let principal = ctx.principal.key();
                let mut body = serde_json::to_string(&(&input, channel.as_str())).expect("request serialises");
                // The note (a postal item number) is part of the request: the same key with another item is a
                // different request. Appended only when present, so counter requests keep their fingerprints.
                if let Some(note) = &note {
                    body.push_str(note);
                }
                if let Some(r) = &representation {
                    body.push_str(&representation::claim_fingerprint(r));
                }
                let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes()));
                if let Some(existing) = self.replay(&principal, &key, &hash).await? {
                    return Ok(existing);
                }
                Some((principal, key, hash))
            }
        };
        let tree = self.tree();
        let stored =
            self.procedure(&Principal::Anonymous, &input.procedure, None).await.map_err(|e| match e.error_code() {
                ErrorCode::NotFound => {
                    invalid("procedure", format!("Thủ tục {} không có hoặc chưa công khai.", input.procedure))
                }
                _ => e,
            })?;
        let p = &stored.procedure;
        let mut problems = Vec::new();
        if IdNumber::parse(&input.applicant.id_number).is_err() {
            problems
                .push(FieldError::new("applicant.id_number", "Số định danh cá nhân phải gồm đúng 12 chữ số hợp lệ."));
        }
        if input.applicant.full_name.trim().is_empty() {
            problems.push(FieldError::new("applicant.full_name", "Vui lòng nhập họ, chữ đệm và tên người nộp."));
        }
        if let Some(org) = &mut input.applicant.organisation {
            match TaxCode::parse(&org.tax_code) {
                Ok(code) => org.tax_code = code.as_str().to_owned(),
                Err(e) => problems.push(FieldError::new(
                    "applicant.organisation.tax_code",
                    &format!("Mã số thuế không hợp lệ: {e}."),
                )),
            }
            org.name = motcua_domain::text::normalize(&org.name);
            if org.name.is_empty() {
                problems.push(FieldError::new("applicant.organisation.name", "Vui lòng nhập tên tổ chức."));
            }
        }
        if let Some(reason) = p.refuses_filer(input.applicant.organisation.is_some()) {
            problems.push(FieldError::new("applicant.organisation", &reason));
        }
        if let Some(case) = &input.case
            && !p.cases.iter().any(|c| &c.key == case)
        {
            problems.push(FieldError::new("case", "Trường hợp đã chọn không có trong thủ tục."));
        }
        for c in p.components_for(input.case.as_deref()).filter(|c| c.mandatory) {
            if !input.components.contains(&c.key) {
                problems.push(FieldError {
                    field: format!("components.{}", c.key),
                    message: format!("Thiếu thành phần hồ sơ bắt buộc: {}", c.name),
                });
            }
        }
        let form = match p.form_for(input.case.as_deref()) {
            Some(schema) => match schema.validate(
                &input.form,
                &crate::units::PlacesOn { tree: &tree, date: motcua_domain::time::local_date(self.now()) },
            ) {
                Ok(clean) => clean,
                Err(errors) => {
                    problems.extend(
                        errors.into_iter().map(|e| FieldError { field: format!("form.{}", e.key), message: e.message }),
                    );
                    BTreeMap::new()
                }
            },
            None => BTreeMap::new(),
        };
        // Online, the competent unit receives; at the counter, the officer's unit receives and routes.
        let (receiving, competent, status, action) = match (&ctx.principal, channel) {
            (Principal::Officer { unit, .. }, ReceptionChannel::Counter | ReceptionChannel::Postal) => {
                (unit.clone(), None, Status::Accepted, Action::ReceiveAtCounter)
            }
            (
                Principal::Citizen { id_number } | Principal::Organisation { id_number, .. },
                ReceptionChannel::Online,
            ) => {
                if id_number != &input.applicant.id_number {
                    problems.push(FieldError::new(
                        "applicant.id_number",
                        "Người nộp trực tuyến phải là chủ tài khoản đăng nhập.",
                    ));
                }
                // Online, a dossier is an organisation's only when filed with the organisation's own account.
                let account_tax_code = match &ctx.principal {
                    Principal::Organisation { tax_code, .. } => Some(tax_code.as_str()),
                    _ => None,
                };
                if input.applicant.organisation.as_ref().map(|o| o.tax_code.as_str()) != account_tax_code {
                    problems.push(FieldError::new(
                        "applicant.organisation",
                        "Hồ sơ của tổ chức chỉ nộp trực tuyến được bằng tài khoản định danh điện tử của chính tổ chức đó.",
                    ));
                }
                let competent = competent_unit(&tree, p, input.unit.as_deref(), None)?;
                (competent.clone(), Some(competent), Status::Submitted, Action::Submit)
            }
            (Principal::Anonymous, _) => return Err(AppError::code(ErrorCode::Unauthenticated)),
            _ => return Err(AppError::code(ErrorCode::Forbidden)),
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let competent = match competent {
            Some(unit) => unit,
            None => competent_unit(&tree, p, input.unit.as_deref(), Some(&receiving))?,
        };
        if action == Action::ReceiveAtCounter {
            let roles = roles_over(&ctx.principal, &tree, &[receiving.as_str()]);
            decide(Status::Draft, action, &Actor::Officer(roles), Facts::default()).map_err(|e| refusal(&e))?;
        }
        let now = self.now();
        let local_now = local(now);
        let deadline =
            if status == Status::Accepted { Some(self.start_clock(p, channel, &competent, now)?) } else { None };
        let agency = agency_code_of(&tree, &receiving)?;
        let province = tree.province_of(&competent).map_or_else(|| "vn".to_owned(), |u| u.id.to_string());
        let mut record = DossierRecord {
            id: Uuid::now_v7(),
            province_id: province,
            code: None,
            procedure_code: p.code.to_string(),
            procedure_version: stored.version,
            case_key: input.case.clone(),
            channel: channel.as_str().into(),
            receiving_unit_id: receiving.to_string(),
            competent_unit_id: competent.to_string(),
            owner_unit_id: receiving.to_string(),
            status: status.as_str().into(),
            applicant: Json(serde_json::to_value(&input.applicant).expect("applicant serialises")),
            lookup_pin: format!("{:06}", rand::random_range(0..1_000_000u32)),
            form: Json(serde_json::to_value(&form).expect("form serialises")),
            components: Json(serde_json::json!(input.components)),
            deadline: deadline.as_ref().map(|d| Json(serde_json::to_value(d).expect("deadline serialises"))),
            due_at: match &deadline {
                Some(d) => Some(instant(d.due_original())),
                None => Some(self.reception_check_due(channel, &competent, now)?),
            },
            supplement_requests: 0,
            apologised: false,
            version: 1,
            submitted_at: Some(now),
            created_at: now,
            updated_at: now,
            assignee_id: None,
            step_index: None,
            step_due_at: None,
            closed_at: None,
        };
        let tree_for_event = tree.clone();
        let ctx = ctx.clone();
        let remembered = idempotency.clone();
        let day = local_now.date();
        let width = SequenceWidth::PROVINCIAL;
        let channels = self.notice_channels();
        let procedure_name = p.name.clone();
        let lane = agency.as_str().to_owned();
        // Online, the applicant is the logged-in filer (checked above), who is held to the daily limit.
        let filer = (channel == ReceptionChannel::Online).then(|| intake::OnlineFiler {
            id_number: input.applicant.id_number.clone(),
            limit: self.config.online_filings_per_citizen_day,
        });
        let saved = self
            .db()
            .write_keyed(&lane, move |tx| {
                Box::pin(async move {
                    let code = intake::take_code(tx, &agency, day, width, filer.as_ref()).await?;
                    record.code = Some(code.to_string());
                    store::insert(tx, &record).await?;
                    if let Some(mut r) = representation {
                        r.dossier_id = record.id;
                        motcua_storage::representations::insert(tx, &r).await?;
                        let change = Change {
                            subject_type: "dossier",
                            subject_id: record.id.to_string(),
                            action: "dossier.representation_recorded",
                            unit: UnitId::parse(&record.competent_unit_id).ok(),
                            payload: serde_json::json!({
                                "kind": r.kind,
                                "representative_id_number": r.representative_id_number,
                                "subject_id_number": r.subject_id_number,
                                "evidence_component": r.evidence_component,
                                "evidence_lookup_id": r.evidence_lookup_id,
                            }),
                        };
                        record::event(tx, &tree_for_event, now, &ctx, change).await?;
                    }
                    if let Some((principal, key, request_hash)) = &remembered {
                        let first =
                            store::IdempotencyRecord { request_hash: request_hash.clone(), dossier_id: record.id };
                        store::put_idempotency(tx, principal, key, &first, now).await?;
                    }
                    let work = Work { note, ..Work::default() };
                    dossier_event(tx, &tree_for_event, now, &ctx, &record, Status::Draft, action, None, &work).await?;
                    crate::notices::enqueue(tx, &channels, now, &record, &procedure_name).await?;
                    Ok::<_, AppError>(record)
                })
            })
            .await;
        match (saved, idempotency) {
            (Ok(saved), _) => view(&saved),
            // The same key arrived twice at once: the first one won; answer with its dossier.
            (Err(AppError::Storage(motcua_storage::StorageError::Duplicate { .. })), Some((principal, key, hash))) => {
                self.replay(&principal, &key, &hash).await?.ok_or_else(|| AppError::code(ErrorCode::Internal))
            }
            (Err(e), _) => Err(e),
        }
    }

    /// When reception must have checked a submitted dossier: one working day after its deemed reception (spec §2.7,
    /// `reception_check_sla`), so that no dossier waits without an owner and a due time.
    fn reception_check_due(
        &self,
        channel: ReceptionChannel,
        unit: &UnitId,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, AppError> {
        let answer = self.compute_due(crate::calendar::DueRequest {
            received_at: now,
            channel,
            duration: motcua_domain::deadline::Duration::WorkingDays(RECEPTION_CHECK_WORKING_DAYS),
            mode: None,
            unit: Some(unit.clone()),
        })?;
        Ok(answer.due_at)
    }

    /// Starts the statutory clock of an accepted dossier: the deemed reception and the due date from the
    /// procedure version's published time, at the competent unit's office hours.
    fn start_clock(
        &self,
        p: &Procedure,
        channel: ReceptionChannel,
        unit: &UnitId,
        now: DateTime<Utc>,
    ) -> Result<Deadline, AppError> {
        let time = p.time.as_ref().and_then(|t| t.confirmed()).ok_or_else(|| {
            AppError::detailed(
                ErrorCode::InvalidInput,
                format!(
                    "Thời hạn giải quyết của thủ tục {} chưa được xác nhận đơn vị; chưa thể hẹn ngày trả kết quả.",
                    p.code
                ),
            )
        })?;
        let answer = self.compute_due(crate::calendar::DueRequest {
            received_at: now,
            channel,
            duration: time,
            mode: p.time.as_ref().and_then(|t| t.mode),
            unit: Some(unit.clone()),
        })?;
        Ok(Deadline::new(local(answer.deemed_reception), local(answer.due_at)))
    }

    /// Receives a dossier at the counter (or by post) on behalf of the applicant: checked, accepted, coded and
    /// timed in one step.
    pub async fn receive_at_counter(
        &self,
        ctx: &Ctx,
        input: NewDossier,
        idempotency_key: Option<String>,
    ) -> Result<DossierView, AppError> {
        self.new_dossier(ctx, input, ReceptionChannel::Counter, idempotency_key).await
    }

    /// Receives a dossier that came by post (bưu chính công ích): like the counter, on behalf of the applicant, with
    /// channel `postal` and the postal item number (số hiệu bưu gửi) recorded in the reception event; it then follows
    /// the normal path.
    pub async fn receive_by_post(
        &self,
        ctx: &Ctx,
        input: NewDossier,
        postal_item: &str,
        idempotency_key: Option<String>,
    ) -> Result<DossierView, AppError> {
        let item: String = postal_item.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        if item.is_empty() {
            return Err(invalid("postal_item", "Vui lòng nhập số hiệu bưu gửi của hồ sơ nhận qua bưu chính."));
        }
        if item.chars().count() > 40 || !item.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(invalid("postal_item", "Số hiệu bưu gửi chỉ gồm chữ cái không dấu, chữ số, tối đa 40 ký tự."));
        }
        let note = Some(format!("Số hiệu bưu gửi: {item}"));
        self.new_dossier_noted(ctx, input, ReceptionChannel::Postal, idempotency_key, note, None).await
    }

    /// Submits an online dossier as the logged-in citizen; reception checks it next.
    pub async fn submit_online(
        &self,
        ctx: &Ctx,
        input: NewDossier,
        idempotency_key: Option<String>,
    ) -> Result<DossierView, AppError> {
        self.count_online_filing(ctx)?;
        self.new_dossier(ctx, input, ReceptionChannel::Online, idempotency_key).await
    }

    /// One address filing for many accounts (a script with a session each) is stopped before the per-person count
    /// in the database: every online filing counts against its client address for an hour, refused or not
    /// (`throttle`; in memory, per instance).
    fn count_online_filing(&self, ctx: &Ctx) -> Result<(), AppError> {
        let Some(client) = &ctx.client else { return Ok(()) };
        let rule = Rule::refuse(format!("client:{client}"), self.config.online_filings_per_client_hour, false);
        match self.filing_throttle.attempt(vec![rule], self.now()) {
            Ok(_counted) => Ok(()),
            Err(_) => Err(AppError::detailed(
                ErrorCode::TooManyAttempts,
                "Có quá nhiều hồ sơ nộp trực tuyến từ cùng một địa chỉ mạng trong một giờ; vui lòng thử lại sau.",
            )),
        }
    }

    /// [`Self::submit_online`] for someone else: the representation is written in the dossier's transaction.
    pub(crate) async fn submit_online_for(
        &self,
        ctx: &Ctx,
        input: NewDossier,
        idempotency_key: Option<String>,
        representation: Option<motcua_storage::representations::RepresentationRecord>,
    ) -> Result<DossierView, AppError> {
        self.count_online_filing(ctx)?;
        self.new_dossier_noted(ctx, input, ReceptionChannel::Online, idempotency_key, None, representation).await
    }

    /// The public status lookup: a dossier code with the last four digits of the applicant's phone or the PIN
    /// printed on the receipt. Unknown codes and wrong secrets get the same answer; failures are counted per code
    /// and per client, which are paused after [`LOOKUP_ATTEMPTS`], so codes cannot be enumerated.
    pub async fn public_status(&self, code: &str, secret: &str, client: &str) -> Result<PublicStatus, AppError> {
        let now = self.now();
        let code = code.trim().to_uppercase();
        let secret: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
        // A client past its limit is refused; a code tried from many clients is only slowed down, so strangers
        // cannot lock the applicant out of their own dossier (`throttle`).
        let key: String = code.chars().take(MAX_CODE_CHARS).collect();
        let rules = vec![
            Rule::refuse(format!("client:{client}"), LOOKUP_ATTEMPTS, false),
            Rule::slow(format!("code:{key}"), LOOKUP_ATTEMPTS),
        ];
        let Ok(attempt) = self.lookup_throttle.attempt(rules, now) else {
            return Err(AppError::detailed(
                ErrorCode::TooManyAttempts,
                "Đã tra cứu sai quá nhiều lần; vui lòng thử lại sau 15 phút.",
            ));
        };
        if !attempt.delay.is_zero() {
            tokio::time::sleep(attempt.delay).await;
        }
        let mut tx = self.db().read().await?;
        let found = store::by_code(&mut tx, &code).await?;
        let matches = |r: &DossierRecord| {
            let phone = r.applicant.0.get("phone").and_then(|p| p.as_str()).unwrap_or("");
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            let phone_ok = secret.len() == 4 && digits.len() >= 4 && digits.ends_with(&secret);
            phone_ok || (secret.len() == 6 && secret == r.lookup_pin)
        };
        let Some(record) = found.filter(|r| matches(r)) else {
            tx.commit().await?;
            return Err(AppError::detailed(
                ErrorCode::NotFound,
                "Không tìm thấy hồ sơ với mã và thông tin xác thực đã nhập (4 số cuối điện thoại hoặc mã tra cứu trên giấy tiếp nhận).",
            ));
        };
        self.lookup_throttle.succeeded(attempt);
        let steps = Self::timeline_in(&mut tx, record.id).await?.into_iter().map(|t| (t.at, t.action, t.to)).collect();
        tx.commit().await?;
        let v = view(&record)?;
        let stored = self.procedure(&Principal::System, &v.procedure, Some(v.procedure_version)).await?;
        Ok(PublicStatus {
            code,
            procedure: v.procedure,
            procedure_name: stored.procedure.name,
            status: v.status,
            national_status: v.national_status,
            competent_unit: self
                .tree()
                .get(&UnitId::parse(&v.competent_unit).map_err(|_| AppError::code(ErrorCode::Internal))?)
                .map_or(v.competent_unit.clone(), |u| u.name.clone()),
            received_at: v.received_at,
            due_at: v.due_at,
            steps,
        })
    }

    /// A dossier's history from its events, in the read transaction `tx`.
    async fn timeline_in(tx: &mut Tx, id: Uuid) -> Result<Vec<TimelineEntry>, AppError> {
        let events = motcua_storage::events::of_subject(tx, "dossier", &id.to_string()).await?;
        Ok(events
            .into_iter()
            .map(|e| {
                let p = &e.payload.0;
                let text = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                TimelineEntry {
                    at: e.occurred_at,
                    action: text("action").as_deref().and_then(Action::parse),
                    from: text("from").as_deref().and_then(Status::parse),
                    to: text("to").as_deref().and_then(Status::parse),
                    actor_kind: e.actor_kind,
                    actor_id: e.actor_id,
                    actor_unit: e.actor_unit_id,
                    reasons: text("reasons"),
                    owner_unit: text("owner_unit"),
                    hand_over: text("hand_over").as_deref().and_then(HandOverKind::parse),
                    from_unit: text("from_unit"),
                    to_unit: text("to_unit"),
                    step_due: p.get("step_due").and_then(|v| serde_json::from_value(v.clone()).ok()),
                    step_name: text("step_name"),
                    receiver: text("receiver"),
                    payment: p.get("payment").and_then(|v| serde_json::from_value(v.clone()).ok()),
                    via: text("via"),
                    note: text("note"),
                }
            })
            .collect())
    }

    /// The history of a dossier, oldest first, from its events.
    pub async fn dossier_timeline(&self, principal: &Principal, id: Uuid) -> Result<Vec<TimelineEntry>, AppError> {
        let mut tx = self.db().read().await?;
        let record = store::get(&mut tx, id).await?.ok_or_else(|| AppError::not_found("hồ sơ"))?;
        self.dossier_actor(principal, &record)?;
        let timeline = Self::timeline_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(timeline)
    }

    /// One dossier, for its applicant or an officer whose grants reach it.
    pub async fn dossier(&self, principal: &Principal, id: Uuid) -> Result<DossierView, AppError> {
        let mut tx = self.db().read_one().await?;
        let record = store::get(&mut tx, id).await?.ok_or_else(|| AppError::not_found("hồ sơ"))?;
        tx.commit().await?;
        self.dossier_actor(principal, &record)?;
        view(&record)
    }

    /// Takes an action on a dossier. Two officers acting at once: the second gets `stale_version`. Besides the
    /// state machine's actions, `assign` (to an officer of the holding unit) and `consult` (another unit, with a
    /// deadline) are hand-overs that leave the status as it is.
    pub async fn act_on_dossier(&self, ctx: &Ctx, id: Uuid, request: ActionRequest) -> Result<DossierView, AppError> {
        match request.action.as_str() {
            "assign" => return self.assign_dossier(ctx, id, &request).await,
            "consult" => return self.consult(ctx, id, &request).await,
            _ => {}
        }
        let action = Action::parse(&request.action).ok_or_else(|| invalid("action", "Thao tác không hợp lệ."))?;
        let mut tx = self.db().read_one().await?;
        let current = store::get(&mut tx, id).await?.ok_or_else(|| AppError::not_found("hồ sơ"))?;
        tx.commit().await?;
        let actor = self.dossier_actor(&ctx.principal, &current)?;
        check_version(&current, request.expected_version)?;
        let status = Status::parse(&current.status).ok_or_else(|| AppError::code(ErrorCode::Internal))?;
        let stored =
            self.procedure(&Principal::System, &current.procedure_code, Some(current.procedure_version)).await?;
        let p = &stored.procedure;
        let reasons = request.reasons.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let facts = Facts {
            supplement_requests: u32::try_from(current.supplement_requests).unwrap_or(u32::MAX),
            max_supplement_requests: p.reception.max_supplement_requests,
            apologised: current.apologised,
            has_reasons: reasons.is_some(),
        };
        let next = decide(status, action, &actor, facts).map_err(|e| refusal(&e))?;
        let now = self.now();
        let at = local(now);
        let competent = UnitId::parse(&current.competent_unit_id).map_err(|_| AppError::code(ErrorCode::Internal))?;
        let mut record = current.clone();
        let mut deadline = deadline_of(&record)?;
        let calendar = self.calendar().calendar.clone();
        let (hours, _) = self.office_hours_of(&competent)?;
        let timing = |e: motcua_domain::deadline::DeadlineError| {
            AppError::detailed(ErrorCode::InvalidInput, format!("Không tính được thời hạn: {e}."))
        };
        let roles = match &actor {
            Actor::Officer(roles) => roles.clone(),
            _ => Vec::new(),
        };
        let steps = &p.workflow;
        let mut work = Work::default();
        match action {
            Action::Accept => {
                deadline = Some(self.start_clock(p, channel_of(&record), &competent, now)?);
                record.assignee_id = None;
            }
            Action::StartProcessing => {
                // The slip's first row: the one-stop counter hands the dossier to the competent unit's first step.
                let step = workflow::first_processing_step(steps);
                let due = workflow::step_due(at, steps.get(step).map_or(8, |s| s.hours), &calendar, &hours)
                    .map_err(timing)?;
                work.hand_over(HandOverKind::StartProcessing, &record.owner_unit_id, competent.as_str(), Some(due));
                work.step_name = steps.get(step).map(|s| s.name.clone());
                record.owner_unit_id = competent.to_string();
                record.step_index = i64::try_from(step).ok();
                record.step_due_at = Some(instant(due));
                record.assignee_id = None;
            }
            Action::HandOver => match request.to_unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                Some(to) => {
                    // Transfer to another department or agency, with the share of time it has (spec §2.9).
                    if !workflow::may_transfer(&roles) {
                        return Err(AppError::detailed(
                            ErrorCode::Forbidden,
                            "Bạn không có vai trò được phép chuyển hồ sơ sang đơn vị khác.",
                        ));
                    }
                    let to = UnitId::parse(to)
                        .ok()
                        .filter(|u| self.tree().get(u).is_some())
                        .ok_or_else(|| invalid("to_unit", "Không tìm thấy đơn vị nhận."))?;
                    if to.as_str() == record.owner_unit_id {
                        return Err(invalid("to_unit", "Hồ sơ đang ở đơn vị này."));
                    }
                    let step_hours = request.step_hours.filter(|h| *h > 0).ok_or_else(|| {
                        invalid("step_hours", "Vui lòng nhập thời hạn (giờ làm việc) của đơn vị nhận.")
                    })?;
                    let due = workflow::step_due(at, step_hours, &calendar, &hours).map_err(timing)?;
                    work.hand_over(HandOverKind::Transfer, &record.owner_unit_id, to.as_str(), Some(due));
                    record.owner_unit_id = to.to_string();
                    record.step_due_at = Some(instant(due));
                    record.assignee_id = None;
                }
                None => {
                    // The next step of the workflow, by whoever may act in the current one.
                    let current_step = record.step_index.and_then(|i| usize::try_from(i).ok()).unwrap_or(0);
                    let step_role = steps.get(current_step).map(|s| s.role);
                    if let Some(role) = step_role
                        && !workflow::may_act(role, &roles)
                    {
                        return Err(AppError::detailed(
                            ErrorCode::Forbidden,
                            format!(
                                "Bước \"{}\" do {} thực hiện; bạn không thể chuyển bước này.",
                                steps[current_step].name,
                                role_vi(role)
                            ),
                        ));
                    }
                    let next_step = workflow::next_step(steps, current_step).ok_or_else(|| {
                        invalid(
                            "to_unit",
                            "Đây là bước cuối của quy trình; hãy ban hành kết quả hoặc chọn đơn vị nhận.",
                        )
                    })?;
                    let due = workflow::step_due(at, steps[next_step].hours, &calendar, &hours).map_err(timing)?;
                    let assignee = match request.to_officer {
                        Some(officer) => {
                            let candidate = self.assignable(&record, steps.get(next_step), officer).await?;
                            work.receiver = Some(candidate.full_name);
                            Some(officer.to_string())
                        }
                        None => None,
                    };
                    work.hand_over(HandOverKind::NextStep, &record.owner_unit_id, &record.owner_unit_id, Some(due));
                    work.step_name = Some(steps[next_step].name.clone());
                    record.step_index = i64::try_from(next_step).ok();
                    record.step_due_at = Some(instant(due));
                    record.assignee_id = assignee;
                }
            },
            Action::RequestSupplement => {
                record.supplement_requests += 1;
                if p.reception.pause_on_supplement
                    && let Some(d) = deadline.as_mut()
                {
                    d.pause(at).map_err(timing)?;
                }
            }
            Action::Supplement => {
                if let Some(d) = deadline.as_mut().filter(|d| d.is_paused()) {
                    d.resume(at).map_err(timing)?;
                }
            }
            Action::RequestPayment if p.reception.pause_on_financial_obligation => {
                if let Some(d) = deadline.as_mut() {
                    d.pause(at).map_err(timing)?;
                }
            }
            Action::RecordPayment => {
                work.payment = Some(payment_of(request.payment.as_ref())?);
                if let Some(d) = deadline.as_mut().filter(|d| d.is_paused()) {
                    d.resume(at).map_err(timing)?;
                }
            }
            Action::Apologise => {
                let new_due =
                    request.new_due.ok_or_else(|| invalid("new_due", "Vui lòng nhập ngày hẹn trả kết quả mới."))?;
                let d = deadline.as_mut().ok_or_else(|| AppError::code(ErrorCode::InvalidInput))?;
                d.reappoint(at, new_due, &ReappointmentRule::default(), &calendar, &hours).map_err(timing)?;
                record.apologised = true;
                work.new_due = Some(new_due);
            }
            Action::IssueResult => {
                // The slip's last row: the result goes back to the counter that received the dossier.
                work.hand_over(HandOverKind::ToReception, &record.owner_unit_id, &record.receiving_unit_id, None);
                record.owner_unit_id = record.receiving_unit_id.clone();
                record.assignee_id = None;
                record.step_due_at = None;
            }
            Action::ReturnResult => {
                let via = request.via.as_deref().map(str::trim).filter(|v| !v.is_empty()).unwrap_or("counter");
                if !RETURN_CHANNELS.iter().any(|(key, _)| *key == via) {
                    return Err(invalid("via", "Hình thức trả kết quả phải là tại quầy, bưu chính hoặc trực tuyến."));
                }
                work.via = Some(via.to_owned());
            }
            _ => {}
        }
        if let Some(d) = &deadline {
            record.due_at = Some(instant(d.due(at, &calendar, &hours).map_err(timing)?));
            record.deadline = Some(Json(serde_json::to_value(d).expect("deadline serialises")));
        }
        if next == Status::Submitted {
            // Re-submitted at reception: a new check deadline.
            record.due_at = Some(self.reception_check_due(channel_of(&record), &competent, now)?);
        }
        if next.is_terminal() {
            record.closed_at = Some(now);
            record.step_due_at = None;
        }
        record.status = next.as_str().into();
        record.version += 1;
        record.updated_at = now;
        let notify = next != status || action == Action::Apologise;
        let (tree, ctx, expected) = (self.tree(), ctx.clone(), current.version);
        let channels = self.notice_channels();
        let procedure_name = p.name.clone();
        let saved = self
            .db()
            .write(move |tx| {
                Box::pin(async move {
                    store::update(tx, &record, expected).await?;
                    dossier_event(tx, &tree, now, &ctx, &record, status, action, reasons, &work).await?;
                    motcua_storage::dossier_work::resolve_alerts(tx, record.id, now).await?;
                    if notify {
                        crate::notices::enqueue(tx, &channels, now, &record, &procedure_name).await?;
                    }
                    Ok::<_, AppError>(record)
                })
            })
            .await?;
        view(&saved)
    }

    /// Open dossiers held by the officer's units (or below them), soonest due first.
    pub async fn dossier_queue(&self, principal: &Principal, limit: u64) -> Result<Vec<DossierView>, AppError> {
        let Principal::Officer { grants, .. } = principal else { return Err(AppError::code(ErrorCode::Forbidden)) };
        let tree = self.tree();
        let units: Vec<String> = tree
            .units()
            .filter(|u| grants.iter().any(|g| reaches_dossiers_of(g, &u.id, &tree)))
            .map(|u| u.id.to_string())
            .collect();
        let open: Vec<&str> =
            Status::ALL.iter().filter(|s| !s.is_terminal() && **s != Status::Draft).map(|s| s.as_str()).collect();
        let mut tx = self.db().read().await?;
        let rows = store::queue(&mut tx, &units, &open, limit).await?;
        tx.commit().await?;
        rows.iter().map(view).collect()
    }
}

/// Longest dossier code kept as a throttle key (real codes have about 30 characters).
const MAX_CODE_CHARS: usize = 40;

/// Failed status lookups allowed per client before a pause, and per dossier code before lookups of it slow down.
pub const LOOKUP_ATTEMPTS: u32 = 5;

/// The window and pause of the status-lookup throttle.
pub const LOOKUP_WINDOW: chrono::Duration = chrono::Duration::minutes(15);

/// What anyone holding a dossier's code and its second factor may see: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicStatus {
    /// The code.
    pub code: String,
    /// Procedure code.
    pub procedure: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Status.
    pub status: Status,
    /// National status code.
    pub national_status: Option<u8>,
    /// The unit handling it.
    pub competent_unit: String,
    /// When the statutory clock started.
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment.
    pub due_at: Option<DateTime<Utc>>,
    /// The steps: when, which action, which status after.
    pub steps: Vec<(DateTime<Utc>, Option<Action>, Option<Status>)>,
}

/// One step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// What was done.
    pub action: Option<Action>,
    /// Status before.
    pub from: Option<Status>,
    /// Status after.
    pub to: Option<Status>,
    /// `officer`, `citizen`, `system`.
    pub actor_kind: String,
    /// Who.
    pub actor_id: Option<String>,
    /// The actor's unit.
    pub actor_unit: Option<String>,
    /// Written reasons.
    pub reasons: Option<String>,
    /// The unit holding the dossier afterwards.
    pub owner_unit: Option<String>,
    /// The hand-over it records (a control-slip row), if any.
    pub hand_over: Option<HandOverKind>,
    /// The giving unit of a hand-over.
    pub from_unit: Option<String>,
    /// The receiving unit of a hand-over.
    pub to_unit: Option<String>,
    /// The due instant of the step the receiver starts (local time).
    pub step_due: Option<NaiveDateTime>,
    /// The step's name.
    pub step_name: Option<String>,
    /// The officer who received it, when named.
    pub receiver: Option<String>,
    /// A recorded payment.
    pub payment: Option<Payment>,
    /// How the result was returned.
    pub via: Option<String>,
    /// A consultation's question or answer.
    pub note: Option<String>,
}

impl TimelineEntry {
    /// What was done, in Vietnamese.
    pub fn label_vi(&self) -> &'static str {
        match (self.action, self.hand_over) {
            (Some(Action::HandOver), Some(kind)) | (None, Some(kind)) => kind.label_vi(),
            (Some(action), _) => action.label_vi(),
            (None, None) => "—",
        }
    }
}

/// The tax code of the organisation a dossier belongs to, if it is an organisation's.
fn applicant_tax_code(r: &DossierRecord) -> Option<&str> {
    r.applicant.0.get("organisation").and_then(|o| o.get("tax_code")).and_then(|v| v.as_str())
}

fn refusal(e: &motcua_domain::dossier::Refusal) -> AppError {
    use motcua_domain::dossier::Refusal;
    let code = match e {
        Refusal::NotYourRole(_) => ErrorCode::Forbidden,
        _ => ErrorCode::InvalidInput,
    };
    AppError::detailed(code, motcua_domain::text::sentence(&e.to_string()))
}

/// What a change does besides its status: the hand-over it records (a control-slip row) and its details.
#[derive(Debug, Clone, Default)]
struct Work {
    hand_over: Option<HandOverKind>,
    from_unit: Option<String>,
    to_unit: Option<String>,
    /// The due instant of the step the receiver starts (local time).
    step_due: Option<NaiveDateTime>,
    step_name: Option<String>,
    receiver: Option<String>,
    to_officer: Option<String>,
    payment: Option<Payment>,
    via: Option<String>,
    new_due: Option<NaiveDateTime>,
    task: Option<Uuid>,
    note: Option<String>,
}

impl Work {
    fn hand_over(&mut self, kind: HandOverKind, from: &str, to: &str, due: Option<NaiveDateTime>) {
        self.hand_over = Some(kind);
        self.from_unit = Some(from.to_owned());
        self.to_unit = Some(to.to_owned());
        self.step_due = due;
    }
}

fn check_version(current: &DossierRecord, expected: i64) -> Result<(), AppError> {
    if current.version == expected {
        return Ok(());
    }
    Err(AppError::detailed(
        ErrorCode::StaleVersion,
        format!(
            "Hồ sơ vừa được cập nhật; trạng thái hiện tại: {}.",
            Status::parse(&current.status).map_or("", Status::label_vi)
        ),
    ))
}

fn payment_of(payment: Option<&Payment>) -> Result<Payment, AppError> {
    let p = payment.ok_or_else(|| invalid("payment", "Vui lòng nhập số tiền, hình thức nộp và số biên lai."))?;
    let mut problems = Vec::new();
    if !["cash", "bank"].contains(&p.method.as_str()) {
        problems.push(FieldError::new("payment.method", "Hình thức nộp phải là tiền mặt hoặc chuyển khoản."));
    }
    if p.amount <= 0 {
        problems.push(FieldError::new("payment.amount", "Số tiền phải lớn hơn 0 đồng."));
    }
    if p.reference.trim().is_empty() {
        problems.push(FieldError::new("payment.reference", "Vui lòng nhập số biên lai hoặc mã giao dịch."));
    }
    if problems.is_empty() {
        Ok(Payment { method: p.method.clone(), amount: p.amount, reference: p.reference.trim().to_owned() })
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// The Vietnamese name of the role that performs a step.
pub fn role_vi(role: Role) -> &'static str {
    match role {
        Role::Reception => "công chức tiếp nhận",
        Role::Handler => "chuyên viên thụ lý",
        Role::DepartmentHead => "lãnh đạo phòng",
        Role::AgencyHead => "lãnh đạo cơ quan",
        Role::Clerk => "văn thư",
        Role::UnitAdmin => "quản trị đơn vị",
        Role::ProvinceAdmin => "quản trị hệ thống",
        Role::Leader => "lãnh đạo",
        Role::Auditor => "thanh tra",
    }
}

#[allow(clippy::too_many_arguments)]
async fn dossier_event(
    tx: &mut Tx,
    tree: &UnitTree,
    now: DateTime<Utc>,
    ctx: &Ctx,
    record: &DossierRecord,
    from: Status,
    action: Action,
    reasons: Option<String>,
    work: &Work,
) -> Result<(), AppError> {
    work_event(tx, tree, now, ctx, record, from, action.as_str(), reasons, work).await
}

/// Appends a dossier's event: a state-machine action, or a hand-over that keeps the status (`assign`, `consult`,
/// `answer`). The payload carries everything the timeline and the control slip are rebuilt from.
#[allow(clippy::too_many_arguments)]
async fn work_event(
    tx: &mut Tx,
    tree: &UnitTree,
    now: DateTime<Utc>,
    ctx: &Ctx,
    record: &DossierRecord,
    from: Status,
    action: &str,
    reasons: Option<String>,
    work: &Work,
) -> Result<(), AppError> {
    let unit = UnitId::parse(&record.owner_unit_id).ok();
    let payload = serde_json::json!({
        "code": record.code,
        "from": from.as_str(),
        "to": record.status,
        "action": action,
        "reasons": reasons,
        "version": record.version,
        "due_at": record.due_at,
        "owner_unit": record.owner_unit_id,
        "assignee": record.assignee_id,
        "hand_over": work.hand_over.map(HandOverKind::as_str),
        "from_unit": work.from_unit,
        "to_unit": work.to_unit,
        "step_due": work.step_due,
        "step_name": work.step_name,
        "receiver": work.receiver,
        "to_officer": work.to_officer,
        "payment": work.payment,
        "via": work.via,
        "new_due": work.new_due,
        "task": work.task,
        "note": work.note,
    });
    let change =
        Change { subject_type: "dossier", subject_id: record.id.to_string(), action: "dossier.changed", unit, payload };
    record::event(tx, tree, now, ctx, change).await?;
    Ok(())
}
