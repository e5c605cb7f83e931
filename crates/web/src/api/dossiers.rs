//! Dossiers: counter reception by officers, the caller's queue, one dossier and its history, and every later action
//! through the one state machine. Online submission by citizens arrives with their VNeID login.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDateTime, Utc};
use motcua_app::dossiers::{ActionRequest, Applicant, DossierView, NewDossier, TimelineEntry};
use motcua_app::{AppError, ErrorCode};
use motcua_domain::access::Principal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery, Caller};
use crate::state::AppState;
use motcua_app::dossiers::{InboxFilter, Payment};
use motcua_app::identity::OrganisationAccount;

/// The header that makes a reception safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The applicant (người nộp hồ sơ).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicantDto {
    /// Personal ID number (12 digits).
    pub id_number: String,
    /// Full name.
    pub full_name: String,
    /// Phone, for notices.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail, for notices.
    #[serde(default)]
    pub email: Option<String>,
    /// The organisation filing, when the person above files for it (tax code checked); absent for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationDto>,
}

/// An organisation applicant (tổ chức, doanh nghiệp).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganisationDto {
    /// Tax code (mã số thuế): 10 digits, or 10 digits, `-` and 3 digits for a dependent unit.
    pub tax_code: String,
    /// Registered name.
    pub name: String,
}

impl From<&OrganisationAccount> for OrganisationDto {
    fn from(o: &OrganisationAccount) -> Self {
        Self { tax_code: o.tax_code.clone(), name: o.name.clone() }
    }
}

impl From<ApplicantDto> for Applicant {
    fn from(a: ApplicantDto) -> Self {
        Self {
            id_number: a.id_number,
            full_name: a.full_name,
            phone: a.phone,
            email: a.email,
            organisation: a.organisation.map(|o| OrganisationAccount { tax_code: o.tax_code, name: o.name }),
        }
    }
}

impl From<&Applicant> for ApplicantDto {
    fn from(a: &Applicant) -> Self {
        Self {
            id_number: a.id_number.clone(),
            full_name: a.full_name.clone(),
            phone: a.phone.clone(),
            email: a.email.clone(),
            organisation: a.organisation.as_ref().map(OrganisationDto::from),
        }
    }
}

/// A dossier received at the counter.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDossierDto {
    /// Procedure code (mã TTHC); its published version is used and kept with the dossier.
    pub procedure: String,
    /// The procedure's case (trường hợp), if it has cases.
    #[serde(default)]
    pub case: Option<String>,
    /// The competent unit, when it is not the receiving officer's unit (e.g. a commune, for a commune-level
    /// procedure received at a provincial centre).
    #[serde(default)]
    pub unit: Option<String>,
    /// The applicant.
    pub applicant: ApplicantDto,
    /// E-form values by field key; an address is three keys: `<key>.province`, `<key>.commune`, `<key>.detail`.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// Keys of the components (thành phần hồ sơ) received; every mandatory one is required.
    #[serde(default)]
    pub components: Vec<String>,
    /// How the dossier came in: `counter` (default) or `postal` (bưu chính công ích, received by the officer from
    /// the post). Any other value is a `422` on `channel`.
    #[serde(default)]
    pub channel: Option<String>,
    /// For `postal`: the postal item number (số hiệu bưu gửi), e.g. `EB123456789VN`; spaces are dropped and letters
    /// upper-cased. Required for `postal` (a `422` on `postal_item` when missing or not 1–40 letters, digits or
    /// `-`), refused for `counter`. Recorded in the reception event (`note` of the timeline).
    #[serde(default)]
    pub postal_item: Option<String>,
}

impl From<NewDossierDto> for NewDossier {
    fn from(d: NewDossierDto) -> Self {
        Self {
            procedure: d.procedure,
            case: d.case,
            unit: d.unit,
            applicant: d.applicant.into(),
            form: d.form,
            components: d.components,
        }
    }
}

/// How a dossier received by an officer came in.
enum Reception {
    Counter,
    Postal(String),
}

impl NewDossierDto {
    /// The channel and the postal item, checked before anything else is.
    fn reception(&self) -> Result<Reception, ApiError> {
        let field = |field: &str, message: &str| {
            ApiError(AppError::Invalid(vec![motcua_app::error::FieldError::new(field, message)]))
        };
        match self.channel.as_deref().map(str::trim).unwrap_or("counter") {
            "counter" | "" => match self.postal_item.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
                None => Ok(Reception::Counter),
                Some(_) => Err(field(
                    "postal_item",
                    "Số hiệu bưu gửi chỉ dùng cho hồ sơ nhận qua bưu chính (channel \"postal\").",
                )),
            },
            "postal" => Ok(Reception::Postal(self.postal_item.clone().unwrap_or_default())),
            _ => Err(field("channel", "Kênh tiếp nhận phải là \"counter\" (trực tiếp) hoặc \"postal\" (bưu chính).")),
        }
    }
}

/// An action on a dossier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionDto {
    /// `accept`, `request_reception_supplement`, `refuse_reception`, `start_processing`, `hand_over`,
    /// `request_supplement`, `supplement`, `supplement_lapsed`, `request_payment`, `record_payment`,
    /// `stop_after_review`, `withdraw`, `issue_result`, `return_result` or `apologise`.
    pub action: String,
    /// The `version` of the dossier as last read; someone else's change since is a `409 stale_version`.
    pub expected_version: i64,
    /// Written reasons: required for refusals, supplement requests, stops and apologies.
    #[serde(default)]
    pub reasons: Option<String>,
    /// For `hand_over`: the unit that takes the dossier.
    #[serde(default)]
    pub to_unit: Option<String>,
    /// For `apologise`: the new appointment, local time (UTC+7), e.g. `2026-12-04T16:00:00`.
    #[serde(default)]
    pub new_due: Option<NaiveDateTime>,
    /// For `assign` (and optionally `hand_over` to the next step): the officer who takes the dossier.
    #[serde(default)]
    pub to_officer: Option<Uuid>,
    /// For `hand_over` to another unit and `consult`: the working hours that unit has (the step deadline).
    #[serde(default)]
    pub step_hours: Option<u32>,
    /// For `record_payment`: `{"method": "cash"|"bank", "amount": VND, "reference": "receipt number"}`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub payment: Option<Payment>,
    /// For `return_result`: `counter` (default), `post` or `online`.
    #[serde(default)]
    pub via: Option<String>,
}

impl From<ActionDto> for ActionRequest {
    fn from(d: ActionDto) -> Self {
        Self {
            action: d.action,
            expected_version: d.expected_version,
            reasons: d.reasons,
            to_unit: d.to_unit,
            new_due: d.new_due,
            to_officer: d.to_officer,
            step_hours: d.step_hours,
            payment: d.payment,
            via: d.via,
        }
    }
}

/// A dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierDto {
    /// Id.
    pub id: Uuid,
    /// National dossier code (mã hồ sơ), e.g. `000.66.60.H17-261127-0001`.
    pub code: Option<String>,
    /// Internal status: `submitted`, `accepted`, `processing`, `supplement_requested`, `processed`, `returned` …
    pub status: String,
    /// The status in Vietnamese, as the national portal names it.
    pub status_label: String,
    /// National status code (TrangThaiHoSo, 1–10).
    pub national_status: Option<u8>,
    /// Procedure code.
    pub procedure: String,
    /// The procedure version the dossier was received under.
    pub procedure_version: i64,
    /// `counter`, `postal` or `online`.
    pub channel: String,
    /// The unit that received it.
    pub receiving_unit: String,
    /// The unit competent to settle it.
    pub competent_unit: String,
    /// The unit holding it now.
    pub owner_unit: String,
    /// The applicant.
    pub applicant: ApplicantDto,
    /// When the statutory clock started (deemed reception).
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment: the legal due instant, moved by pauses and re-appointments.
    pub due_at: Option<DateTime<Utc>>,
    /// The first appointment, kept for reporting.
    pub due_original: Option<DateTime<Utc>>,
    /// Supplement requests made during processing.
    pub supplement_requests: i64,
    /// Keys of the components received.
    pub components: Vec<String>,
    /// Optimistic version: send it back as `expected_version` with an action.
    pub version: i64,
    /// The officer it is assigned to.
    pub assignee: Option<Uuid>,
    /// The workflow step holding it (index into the procedure version's workflow).
    pub step_index: Option<usize>,
    /// When the current step or transfer is due.
    pub step_due_at: Option<DateTime<Utc>>,
    /// Whether the apology and re-appointment was made.
    pub apologised: bool,
    /// The date promised after the apology; `due_at` stays the legal due date for reporting.
    pub reappointed_due: Option<DateTime<Utc>>,
    /// When it closed (terminal status).
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<&DossierView> for DossierDto {
    fn from(d: &DossierView) -> Self {
        Self {
            id: d.id,
            code: d.code.clone(),
            status: d.status.as_str().into(),
            status_label: d.status.label_vi().into(),
            national_status: d.national_status,
            procedure: d.procedure.clone(),
            procedure_version: d.procedure_version,
            channel: d.channel.as_str().into(),
            receiving_unit: d.receiving_unit.clone(),
            competent_unit: d.competent_unit.clone(),
            owner_unit: d.owner_unit.clone(),
            applicant: ApplicantDto::from(&d.applicant),
            received_at: d.received_at,
            due_at: d.due_at,
            due_original: d.due_original,
            supplement_requests: d.supplement_requests,
            components: d.components.clone(),
            version: d.version,
            assignee: d.assignee,
            step_index: d.step_index,
            step_due_at: d.step_due_at,
            apologised: d.apologised,
            reappointed_due: d.reappointed_due,
            closed_at: d.closed_at,
        }
    }
}

/// The `Idempotency-Key` header, if sent.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(value) => value.to_str().map(|v| Some(v.to_owned())).map_err(|_| {
            ApiError(AppError::detailed(ErrorCode::InvalidInput, "Idempotency-Key chỉ gồm ký tự ASCII in được."))
        }),
    }
}

/// Receives a dossier at the counter (officers with the reception role): checked, accepted, coded and given its
/// appointment in one step; the officer's unit receives. A dossier that came by post (bưu chính công ích) is received
/// the same way with `"channel": "postal"` and its `postal_item` number, which the reception event records. Send an `Idempotency-Key` header to retry safely: the same
/// key with the same body answers with the dossier it created, with another body `409 idempotency_key_reused`.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = NewDossierDto,
    params(("Idempotency-Key" = Option<String>, Header, description = "A key of at most 200 characters, unique per request")),
    responses(
        (status = 201, body = DossierDto),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`errors` lists each bad field: `applicant.*`, `form.<key>`, `components.<key>`, `channel`, `postal_item`", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    AppJson(body): AppJson<NewDossierDto>,
) -> Result<(StatusCode, Json<DossierDto>), ApiError> {
    let ctx = caller.ctx();
    if !matches!(ctx.principal, Principal::Officer { .. }) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    let key = idempotency_key(&headers)?;
    let dossier = match body.reception()? {
        Reception::Counter => state.app.receive_at_counter(&ctx, body.into(), key).await?,
        Reception::Postal(item) => state.app.receive_by_post(&ctx, body.into(), &item, key).await?,
    };
    Ok((StatusCode::CREATED, Json(DossierDto::from(&dossier))))
}

/// Query of the queue.
#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueParams {
    /// At most this many (1–500, default 100); outside that, `422 invalid_input`.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// A page size within its documented bounds: outside them a clear 422, never a silent clamp.
fn page_size(limit: Option<u64>, default: u64, max: u64) -> Result<u64, ApiError> {
    match limit.unwrap_or(default) {
        n if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError(AppError::Invalid(vec![motcua_app::error::FieldError::new(
            "limit",
            &format!("Số dòng mỗi trang phải từ 1 đến {max}."),
        )]))),
    }
}

/// The open dossiers held by the caller's units (and the units below them), soonest due first.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", params(QueueParams), responses(
    (status = 200, body = Vec<DossierDto>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(params): AppQuery<QueueParams>,
) -> Result<Json<Vec<DossierDto>>, ApiError> {
    let ctx = caller.ctx();
    if !matches!(ctx.principal, Principal::Officer { .. }) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    let limit = page_size(params.limit, 100, 500)?;
    let queue = state.app.dossier_queue(&ctx.principal, limit).await?;
    Ok(Json(queue.iter().map(DossierDto::from).collect()))
}

/// One dossier, for an officer whose roles reach one of its units.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "dossiers", params(("id" = Uuid, Path)), responses(
    (status = 200, body = DossierDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<DossierDto>, ApiError> {
    let dossier = state.app.dossier(&caller.ctx().principal, id).await?;
    Ok(Json(DossierDto::from(&dossier)))
}

/// One step of a dossier's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntryDto {
    /// When.
    pub at: DateTime<Utc>,
    /// The action (`receive_at_counter`, `start_processing` …).
    pub action: Option<String>,
    /// The action in Vietnamese.
    pub action_label: Option<String>,
    /// Status before.
    pub from: Option<String>,
    /// Status after.
    pub to: Option<String>,
    /// `officer`, `citizen` or `system`.
    pub actor_kind: String,
    /// The officer's id or the citizen's ID number.
    pub actor_id: Option<String>,
    /// The acting officer's unit.
    pub actor_unit: Option<String>,
    /// Written reasons.
    pub reasons: Option<String>,
    /// The event's note, e.g. `Số hiệu bưu gửi: EB123456789VN` on the reception of a postal dossier.
    pub note: Option<String>,
    /// The unit holding the dossier afterwards.
    pub owner_unit: Option<String>,
    /// The hand-over it records: `start_processing`, `assign`, `next_step`, `transfer`, `consult`, `answer`,
    /// `to_reception`.
    pub hand_over: Option<String>,
    /// The step's due instant set by the hand-over (local time, UTC+7).
    pub step_due: Option<NaiveDateTime>,
    /// The recorded payment.
    #[schema(value_type = Option<Object>)]
    pub payment: Option<Payment>,
    /// How the result was returned.
    pub via: Option<String>,
}

impl From<&TimelineEntry> for TimelineEntryDto {
    fn from(e: &TimelineEntry) -> Self {
        Self {
            at: e.at,
            action: e.action.map(|a| a.as_str().to_owned()),
            action_label: Some(e.label_vi().to_owned()),
            from: e.from.map(|s| s.as_str().to_owned()),
            to: e.to.map(|s| s.as_str().to_owned()),
            actor_kind: e.actor_kind.clone(),
            actor_id: e.actor_id.clone(),
            actor_unit: e.actor_unit.clone(),
            reasons: e.reasons.clone(),
            note: e.note.clone(),
            owner_unit: e.owner_unit.clone(),
            hand_over: e.hand_over.map(|h| h.as_str().to_owned()),
            step_due: e.step_due,
            payment: e.payment.clone(),
            via: e.via.clone(),
        }
    }
}

/// The history of a dossier, oldest first.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/timeline", tag = "dossiers", params(("id" = Uuid, Path)), responses(
    (status = 200, body = Vec<TimelineEntryDto>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<Vec<TimelineEntryDto>>, ApiError> {
    let entries = state.app.dossier_timeline(&caller.ctx().principal, id).await?;
    Ok(Json(entries.iter().map(TimelineEntryDto::from).collect()))
}

/// Takes an action on a dossier. Refusals of the state machine carry its Vietnamese reason in `detail`: `422` for
/// an action not possible now or missing reasons, `403` for a role that may not take it.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/actions", tag = "dossiers", params(("id" = Uuid, Path)), request_body = ActionDto, responses(
    (status = 200, description = "The dossier in its new state", body = DossierDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "`stale_version`: the dossier changed since `expected_version`", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ActionDto>,
) -> Result<Json<DossierDto>, ApiError> {
    let ctx = caller.ctx();
    if matches!(ctx.principal, Principal::Anonymous) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    let dossier = state.app.act_on_dossier(&ctx, id, body.into()).await?;
    Ok(Json(DossierDto::from(&dossier)))
}

/// A public status lookup: the dossier code and a second factor.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusLookupDto {
    /// The dossier code printed on the receipt.
    pub code: String,
    /// The last four digits of the applicant's phone, or the six-digit lookup PIN printed on the receipt.
    pub secret: String,
}

/// One public step of a dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStepDto {
    /// When.
    pub at: DateTime<Utc>,
    /// The action, e.g. `accept`.
    pub action: Option<String>,
    /// Its Vietnamese label.
    pub action_label: Option<String>,
    /// The status after it.
    pub status: Option<String>,
}

/// What the public may see of a dossier: no personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStatusDto {
    /// Dossier code.
    pub code: String,
    /// Procedure code and name.
    pub procedure: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Status.
    pub status: String,
    /// Its Vietnamese label.
    pub status_label: String,
    /// National status code (1–10).
    pub national_status: Option<u8>,
    /// The unit handling it.
    pub competent_unit: String,
    /// When the statutory clock started.
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment.
    pub due_at: Option<DateTime<Utc>>,
    /// The steps so far.
    pub steps: Vec<PublicStepDto>,
}

/// Looks up a dossier's status by its code and a second factor (anyone; failures are throttled per code and per
/// client, and an unknown code looks exactly like a wrong secret).
#[utoipa::path(post, path = "/api/v1/dossier-status", tag = "dossiers", request_body = StatusLookupDto, responses(
    (status = 200, body = PublicStatusDto),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn public_status(
    State(state): State<AppState>,
    crate::extract::ClientAddr(peer): crate::extract::ClientAddr,
    headers: HeaderMap,
    AppJson(body): AppJson<StatusLookupDto>,
) -> Result<Json<PublicStatusDto>, ApiError> {
    let client = crate::api::session::client_info(&headers, peer).ip.unwrap_or_else(|| "unknown".into());
    let s = state.app.public_status(&body.code, &body.secret, &client).await?;
    Ok(Json(PublicStatusDto {
        code: s.code,
        procedure: s.procedure,
        procedure_name: s.procedure_name,
        status: s.status.as_str().into(),
        status_label: s.status.label_vi().into(),
        national_status: s.national_status,
        competent_unit: s.competent_unit,
        received_at: s.received_at,
        due_at: s.due_at,
        steps: s
            .steps
            .into_iter()
            .map(|(at, action, status)| PublicStepDto {
                at,
                action: action.map(|a| a.as_str().into()),
                action_label: action.map(|a| a.label_vi().into()),
                status: status.map(|s| s.as_str().into()),
            })
            .collect(),
    }))
}

/// Query of an inbox page.
#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxParams {
    /// `mine`, `unit` (default), `nearing_breach`, `overdue` or `awaiting_supplement`.
    pub filter: Option<String>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// Page size (1–200, default 50); outside that, `422 invalid_input`.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

/// A page of the inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxPageDto {
    /// Open dossiers, soonest due first.
    pub rows: Vec<DossierDto>,
    /// Send as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The officer's inbox: open dossiers assigned to the caller or held by the caller's units, nearing breach,
/// overdue or waiting for a supplement; soonest due first, in keyset pages.
#[utoipa::path(get, path = "/api/v1/dossier-inbox", tag = "dossiers", params(InboxParams), responses(
    (status = 200, body = InboxPageDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(params): AppQuery<InboxParams>,
) -> Result<Json<InboxPageDto>, ApiError> {
    let ctx = caller.ctx();
    if !matches!(ctx.principal, Principal::Officer { .. }) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    let filter = match params.filter.as_deref().filter(|f| !f.is_empty()) {
        None => InboxFilter::Unit,
        Some(raw) => InboxFilter::parse(raw).ok_or_else(|| {
            ApiError(AppError::detailed(
                ErrorCode::InvalidInput,
                "Bộ lọc phải là mine, unit, nearing_breach, overdue hoặc awaiting_supplement.",
            ))
        })?,
    };
    let page = state
        .app
        .dossier_inbox(&ctx.principal, filter, params.after.as_deref(), page_size(params.limit, 50, 200)?)
        .await?;
    Ok(Json(InboxPageDto { rows: page.rows.iter().map(DossierDto::from).collect(), next: page.next }))
}

/// The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ): one row per hand-over with its mark
/// (`early`, `on_time`, `late`) against the giver's step deadline.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/control-slip", tag = "dossiers", params(("id" = Uuid, Path)), responses(
    (status = 200, body = Object),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn control_slip(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ctx = caller.ctx();
    if matches!(ctx.principal, Principal::Anonymous) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    let slip = state.app.control_slip(&ctx.principal, id).await?;
    Ok(Json(serde_json::to_value(&slip).map_err(|e| ApiError(AppError::detailed(ErrorCode::Internal, e.to_string())))?))
}

/// Open alerts of the units the caller leads: dossiers nearing or past a due time, unchecked submissions, late
/// steps and consultations.
#[utoipa::path(get, path = "/api/v1/dossier-alerts", tag = "dossiers", responses(
    (status = 200, body = [Object]),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn alerts(State(state): State<AppState>, caller: Caller) -> Result<Json<serde_json::Value>, ApiError> {
    let ctx = caller.ctx();
    if !matches!(ctx.principal, Principal::Officer { .. }) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    let alerts = state.app.dossier_alerts(&ctx.principal).await?;
    Ok(Json(serde_json::json!(alerts)))
}

/// Consultations of a dossier.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/consultations", tag = "dossiers", params(("id" = Uuid, Path)), responses(
    (status = 200, body = Object),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn consultations(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ctx = caller.ctx();
    if matches!(ctx.principal, Principal::Anonymous) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    Ok(Json(serde_json::json!(state.app.consultations(&ctx.principal, id).await?)))
}

/// The answer of a consulted unit.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerDto {
    /// The answer.
    pub answer: String,
    /// The consultation's `version` as last read.
    pub expected_version: i64,
}

/// Answers a consultation addressed to one of the caller's units.
#[utoipa::path(post, path = "/api/v1/dossier-consultations/{id}/answer", tag = "dossiers", params(("id" = Uuid, Path)), request_body = AnswerDto, responses(
    (status = 200, body = Object),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<AnswerDto>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ctx = caller.ctx();
    if matches!(ctx.principal, Principal::Anonymous) {
        return Err(ApiError::code(ErrorCode::Unauthenticated));
    }
    let answered = state.app.answer_consultation(&ctx, id, &body.answer, body.expected_version).await?;
    Ok(Json(serde_json::json!(answered)))
}
