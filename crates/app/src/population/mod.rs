//! Lookups in the national population database (CSDL quốc gia về dân cư, spec §6.3) and their log (§6.4).
//!
//! Every lookup — by an officer, by the system for a logged-in citizen (prefill), by the citizen themself — names its
//! purpose, the dossier or procedure it serves and the actor, asks only for the fields it needs, and is appended to
//! the hash-chained lookup log ([`log`]). The log record is written after the registry answers, with the result, and
//! the answer is handed to the caller only once that record is durable: if it cannot be written, the lookup is not
//! answered (fail closed). A registry that is down yields [`ErrorCode::PopulationUnavailable`]; for prefill, an
//! empty prefill flagged `declared`, so the citizen types the data and the dossier records it as not verified.

pub mod breaker;
pub mod chain;
pub mod http;
pub mod log;
mod prefill;
pub mod report;
pub mod trust;
pub mod wire;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use motcua_domain::access::{Action, Principal};
use motcua_domain::identity::IdNumber;
use motcua_domain::unit::UnitId;
use motcua_storage::dossiers;
use motcua_storage::lookup_log::LookupRow;
use serde::Serialize;
use uuid::Uuid;

pub use chain::SigningIdentity;
pub use prefill::{Prefill, PrefilledField};

use crate::error::FieldError;
use crate::record::Ctx;
use crate::{App, AppError, ErrorCode};

/// The purpose recorded for a citizen's own prefill.
pub const PURPOSE_PREFILL: &str = "prefill";
/// The purpose recorded when a citizen reads their own record.
pub const PURPOSE_SELF: &str = "self";

/// What the registry is asked.
#[derive(Debug, Clone)]
pub struct RegistryQuery {
    /// Whose record.
    pub subject: IdNumber,
    /// Why.
    pub purpose: String,
    /// The dossier served.
    pub dossier_code: Option<String>,
    /// The procedure served.
    pub procedure_code: Option<String>,
    /// `officer`, `citizen` or `system`.
    pub actor_kind: &'static str,
    /// Officer id or ID number.
    pub actor_id: Option<String>,
    /// The officer's unit.
    pub actor_unit: Option<String>,
    /// Field keys wanted.
    pub fields: Vec<String>,
    /// Correlation id.
    pub request_id: Option<String>,
}

/// A citizen's record as returned: field key → value (only the fields asked for and present).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CitizenRecord {
    /// Values by field key (`full_name`, `father.id_number`, `permanent_address` …).
    pub values: BTreeMap<String, String>,
}

impl CitizenRecord {
    /// From the `cong_dan` object of an answer.
    pub fn from_wire(answer: &serde_json::Map<String, serde_json::Value>) -> Self {
        Self { values: wire::values(answer) }
    }
}

/// The registry's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The record.
    Found(CitizenRecord),
    /// No citizen holds that number.
    NotFound,
}

/// Why the registry gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// Down, unreachable, too slow, or the circuit is open.
    #[error("population registry unavailable: {0}")]
    Unavailable(String),
    /// It refused the request (bad key, malformed request).
    #[error("population registry refused the request: {0}")]
    Refused(String),
}

/// A population registry: the HTTP client in production ([`http::HttpRegistry`]).
pub trait PopulationRegistry: Send + Sync {
    /// Looks one citizen up.
    fn lookup<'a>(&'a self, query: &'a RegistryQuery) -> BoxFuture<'a, Result<Answer, RegistryError>>;
}

/// The connector and the lookup log's key, set on [`App`] by [`App::with_population`].
#[derive(Clone, Default)]
pub(crate) struct PopulationState {
    registry: Option<Arc<dyn PopulationRegistry>>,
    signer: Option<Arc<SigningIdentity>>,
    checkpoint_interval: Option<chrono::Duration>,
}

impl fmt::Debug for PopulationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PopulationState")
            .field("registry", &self.registry.is_some())
            .field("signer", &self.signer)
            .finish()
    }
}

/// An officer's lookup.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LookupRequest {
    /// The subject's ID number (as typed; validated per spec §6.1).
    pub subject: String,
    /// Why (required), e.g. "Kiểm tra thông tin người yêu cầu đăng ký kết hôn".
    #[serde(default)]
    pub purpose: String,
    /// The dossier served (its national code).
    #[serde(default)]
    pub dossier_code: Option<String>,
    /// The procedure served (mã TTHC), when there is no dossier yet (counter reception).
    #[serde(default)]
    pub procedure_code: Option<String>,
    /// Field keys wanted (see `POPULATION_FIELDS`); empty means every field.
    #[serde(default)]
    pub fields: Vec<String>,
    /// The caller's address.
    #[serde(skip)]
    pub client_addr: Option<String>,
}

/// What an officer's lookup returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupOutcome {
    /// The lookup log record's id.
    pub lookup_id: Uuid,
    /// Its seq in the chain.
    pub seq: i64,
    /// The values returned.
    pub record: CitizenRecord,
}

fn text(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl App {
    /// Connects the population registry (a lookup without one is refused).
    pub fn with_population_registry(mut self, registry: Arc<dyn PopulationRegistry>) -> Self {
        self.population.registry = Some(registry);
        self
    }

    /// Sets the key that signs the lookup log's head, registering its public key under its id (a key id already
    /// registered with another public key is refused: rotate with a new id). `checkpoint_interval` is how often a
    /// signed head is also kept as a checkpoint.
    pub async fn with_lookup_log_key(
        mut self,
        key: SigningIdentity,
        checkpoint_interval: chrono::Duration,
    ) -> Result<Self, AppError> {
        log::register_key(self.db(), &key, self.now()).await?;
        self.population.signer = Some(Arc::new(key));
        self.population.checkpoint_interval = Some(checkpoint_interval);
        Ok(self)
    }

    /// Verifies the lookup log trusting the `pinned` keys and this server's current signing key (if set); refused
    /// when a pinned key of the current key's id is another key.
    pub async fn verify_lookup_log(&self, pinned: &trust::TrustedKeys) -> Result<chain::Report, AppError> {
        let mut trusted = pinned.clone();
        if let Some(current) = &self.population.signer {
            trusted.trust_current(current).map_err(|e| AppError::detailed(ErrorCode::Internal, e))?;
        }
        log::verify(self.db(), &trusted).await
    }

    /// Whether a registry is connected.
    pub fn population_connected(&self) -> bool {
        self.population.registry.is_some()
    }

    /// An officer looks a citizen up for a dossier or procedure of their unit (reception or handling role, in
    /// scope). Refused without a purpose, without a dossier or procedure, with an invalid ID number, or out of scope.
    pub async fn lookup_citizen(&self, ctx: &Ctx, request: LookupRequest) -> Result<LookupOutcome, AppError> {
        let Principal::Officer { id, unit, .. } = &ctx.principal else {
            return Err(match ctx.principal {
                Principal::Anonymous => AppError::code(ErrorCode::Unauthenticated),
                _ => AppError::code(ErrorCode::Forbidden),
            });
        };
        let purpose = text(Some(&request.purpose));
        let dossier_code = text(request.dossier_code.as_deref());
        let procedure_code = text(request.procedure_code.as_deref());
        let mut problems = Vec::new();
        let subject = IdNumber::parse(&request.subject)
            .map_err(|e| problems.push(FieldError::new("subject", &format!("Số định danh cá nhân: {e}."))))
            .ok();
        if purpose.is_none() {
            problems.push(FieldError::new("purpose", "Phải nêu mục đích tra cứu (Luật Căn cước 2023, NĐ 13/2023)."));
        }
        if dossier_code.is_none() && procedure_code.is_none() {
            problems.push(FieldError::new(
                "dossier_code",
                "Phải nêu hồ sơ hoặc thủ tục hành chính mà việc tra cứu phục vụ.",
            ));
        }
        let unknown: Vec<&String> = request.fields.iter().filter(|f| !wire::is_field(f)).collect();
        if !unknown.is_empty() {
            let list = unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            problems.push(FieldError::new("fields", &format!("Trường không có trong Cơ sở dữ liệu dân cư: {list}.")));
        }
        let fields = if request.fields.is_empty() { wire::all_fields() } else { request.fields };
        let mut query = RegistryQuery {
            subject: subject.clone().unwrap_or_else(|| IdNumber::parse("001000000000").expect("literal")),
            purpose: purpose.clone().unwrap_or_default(),
            dossier_code: dossier_code.clone(),
            procedure_code: procedure_code.clone(),
            actor_kind: "officer",
            actor_id: Some(id.to_string()),
            actor_unit: Some(unit.to_string()),
            fields,
            request_id: ctx.request_id.clone(),
        };
        if !problems.is_empty() {
            // An attempt on a real number is recorded too: auditors and the citizen see refused attempts.
            if subject.is_some() {
                self.log_refusal(&query, request.client_addr.clone()).await;
            }
            return Err(AppError::Invalid(problems));
        }
        // Scope: the dossier's units, or the officer's own unit for a procedure at the counter.
        match &dossier_code {
            Some(code) => {
                let mut tx = self.db().read().await?;
                let dossier = dossiers::by_code(&mut tx, code).await?;
                tx.commit().await?;
                let dossier = dossier.ok_or_else(|| AppError::not_found(format!("hồ sơ {code}")))?;
                let units = [&dossier.competent_unit_id, &dossier.receiving_unit_id, &dossier.owner_unit_id];
                let in_scope = units
                    .iter()
                    .filter_map(|u| UnitId::parse(u).ok())
                    .any(|u| self.require(&ctx.principal, Action::LookupPopulation, &u).is_ok());
                if !in_scope {
                    self.log_refusal(&query, request.client_addr.clone()).await;
                    return Err(AppError::detailed(ErrorCode::Forbidden, "Hồ sơ không thuộc phạm vi xử lý của bạn."));
                }
                // The log records the dossier's own procedure, whatever the request said.
                query.procedure_code = Some(dossier.procedure_code);
            }
            None => {
                if let Err(e) = self.require(&ctx.principal, Action::LookupPopulation, unit) {
                    self.log_refusal(&query, request.client_addr.clone()).await;
                    return Err(e);
                }
            }
        }
        let (answer, row) = self.logged_lookup(&query, request.client_addr).await?;
        match answer {
            Ok(Answer::Found(record)) => Ok(LookupOutcome { lookup_id: row.id, seq: row.seq, record }),
            Ok(Answer::NotFound) => {
                Err(AppError::not_found("công dân có số định danh này trong Cơ sở dữ liệu quốc gia về dân cư"))
            }
            Err(RegistryError::Unavailable(_)) => Err(AppError::code(ErrorCode::PopulationUnavailable)),
            Err(RegistryError::Refused(why)) => {
                tracing::error!(reason = %why, "population registry refused a lookup");
                Err(AppError::code(ErrorCode::PopulationUnavailable))
            }
        }
    }

    /// A logged-in citizen reads their own record in the registry (the lookup is logged like any other).
    pub async fn lookup_own_record(&self, ctx: &Ctx, fields: Vec<String>) -> Result<CitizenRecord, AppError> {
        let id_number = crate::identity::person_of(&ctx.principal)?;
        let subject =
            IdNumber::parse(id_number).map_err(|e| AppError::detailed(ErrorCode::Forbidden, e.to_string()))?;
        if let Some(bad) = fields.iter().find(|f| !wire::is_field(f)) {
            return Err(AppError::Invalid(vec![FieldError::new("fields", &format!("Trường không hợp lệ: {bad}."))]));
        }
        let query = RegistryQuery {
            subject,
            purpose: PURPOSE_SELF.into(),
            dossier_code: None,
            procedure_code: None,
            actor_kind: "citizen",
            actor_id: Some(id_number.to_owned()),
            actor_unit: None,
            fields: if fields.is_empty() { wire::all_fields() } else { fields },
            request_id: ctx.request_id.clone(),
        };
        match self.logged_lookup(&query, None).await?.0 {
            Ok(Answer::Found(record)) => Ok(record),
            Ok(Answer::NotFound) => {
                Err(AppError::not_found("thông tin của bạn trong Cơ sở dữ liệu quốc gia về dân cư"))
            }
            Err(_) => Err(AppError::code(ErrorCode::PopulationUnavailable)),
        }
    }

    /// Records a refused attempt (no registry call). Best effort: the refusal stands even if it cannot be recorded.
    async fn log_refusal(&self, query: &RegistryQuery, client_addr: Option<String>) {
        let Some(signer) = self.population.signer.clone() else { return };
        let row = self.log_row(query, "refused", Vec::new(), client_addr);
        let interval = self.population.checkpoint_interval.unwrap_or_else(|| chrono::Duration::minutes(1));
        if let Err(e) = log::append(self.db(), signer, row, interval).await {
            tracing::error!(error = %e, "a refused lookup could not be recorded in the lookup log");
        }
    }

    fn log_row(
        &self,
        query: &RegistryQuery,
        result: &str,
        returned: Vec<String>,
        client_addr: Option<String>,
    ) -> LookupRow {
        LookupRow {
            seq: 0,
            id: Uuid::now_v7(),
            occurred_at: self.now(),
            actor_kind: query.actor_kind.to_owned(),
            actor_id: query.actor_id.clone(),
            actor_unit_id: query.actor_unit.clone(),
            purpose: query.purpose.clone(),
            dossier_code: query.dossier_code.clone(),
            procedure_code: query.procedure_code.clone(),
            subject_id_number: query.subject.to_string(),
            fields_requested: motcua_storage::Json(query.fields.clone()),
            fields_returned: motcua_storage::Json(returned),
            result: result.to_owned(),
            client_addr,
            request_id: query.request_id.clone(),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    /// Asks the registry, then appends the log record with the result; the answer is returned only when the record
    /// is durable (fail closed).
    pub(crate) async fn logged_lookup(
        &self,
        query: &RegistryQuery,
        client_addr: Option<String>,
    ) -> Result<(Result<Answer, RegistryError>, LookupRow), AppError> {
        let registry = self.population.registry.clone().ok_or_else(|| {
            AppError::detailed(ErrorCode::PopulationUnavailable, "Hệ thống chưa được cấu hình kết nối.")
        })?;
        let signer = self.population.signer.clone().ok_or_else(|| {
            tracing::error!("the lookup log has no signing key: lookups are refused");
            AppError::code(ErrorCode::LookupLogUnavailable)
        })?;
        let mut answer = registry.lookup(query).await;
        // Minimisation holds even if the registry returns more than asked (a whole relative, the number itself).
        if let Ok(Answer::Found(record)) = &mut answer {
            record.values.retain(|k, _| query.fields.contains(k));
        }
        let (result, returned) = match &answer {
            Ok(Answer::Found(record)) => ("found", record.values.keys().cloned().collect()),
            Ok(Answer::NotFound) => ("not_found", Vec::new()),
            Err(RegistryError::Unavailable(_)) => ("unavailable", Vec::new()),
            Err(RegistryError::Refused(_)) => ("refused", Vec::new()),
        };
        let row = self.log_row(query, result, returned, client_addr);
        let interval = self.population.checkpoint_interval.unwrap_or_else(|| chrono::Duration::minutes(1));
        let row = log::append(self.db(), signer, row, interval).await.map_err(|e| {
            tracing::error!(error = %e, "the lookup log could not be written: the lookup is not answered");
            AppError::code(ErrorCode::LookupLogUnavailable)
        })?;
        Ok((answer, row))
    }
}

/// A lookup as shown to people (the citizen, auditors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupView {
    /// Position in the chain.
    pub seq: i64,
    /// The lookup id.
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// `officer`, `citizen` or `system`.
    pub actor_kind: String,
    /// Officer id or ID number.
    pub actor_id: Option<String>,
    /// The officer's unit id.
    pub unit_id: Option<String>,
    /// The unit's name, or who looked when there is no unit.
    pub unit_name: String,
    /// Why, in plain Vietnamese.
    pub purpose: String,
    /// The dossier served.
    pub dossier_code: Option<String>,
    /// The procedure served.
    pub procedure_code: Option<String>,
    /// Whose record.
    pub subject_id_number: String,
    /// Labels of the fields asked for.
    pub fields_requested: Vec<String>,
    /// Labels of the fields returned.
    pub fields_returned: Vec<String>,
    /// Result in Vietnamese.
    pub result: String,
    /// The caller's address.
    pub client_addr: Option<String>,
    /// Correlation id.
    pub request_id: Option<String>,
}

/// The Vietnamese label of a population field key.
pub fn field_label(key: &str) -> String {
    motcua_domain::catalogue::source::POPULATION_FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.to_owned(), |(_, label)| (*label).to_owned())
}

/// The Vietnamese label of a stored result.
pub fn result_label(result: &str) -> &'static str {
    match result {
        "found" => "Có kết quả",
        "not_found" => "Không tìm thấy",
        "unavailable" => "Không kết nối được",
        "refused" => "Bị từ chối",
        _ => "Lỗi",
    }
}

impl App {
    pub(crate) fn lookup_view(&self, row: LookupRow) -> LookupView {
        let tree = self.tree();
        let unit_name = match (&row.actor_unit_id, row.actor_kind.as_str()) {
            (Some(u), _) => {
                UnitId::parse(u).ok().and_then(|id| tree.get(&id).map(|u| u.name.clone())).unwrap_or_else(|| u.clone())
            }
            (None, "system") => "Cổng dịch vụ công (điền sẵn tờ khai cho chính công dân)".into(),
            (None, "citizen") => "Chính công dân".into(),
            _ => "—".into(),
        };
        let purpose = match row.purpose.as_str() {
            PURPOSE_PREFILL => "Điền sẵn tờ khai điện tử theo yêu cầu của chính công dân".to_owned(),
            PURPOSE_SELF => "Công dân tự xem thông tin của mình".to_owned(),
            "" => "(không nêu mục đích — bị từ chối)".to_owned(),
            other => other.to_owned(),
        };
        LookupView {
            seq: row.seq,
            id: row.id,
            occurred_at: row.occurred_at,
            actor_kind: row.actor_kind,
            actor_id: row.actor_id,
            unit_id: row.actor_unit_id,
            unit_name,
            purpose,
            dossier_code: row.dossier_code,
            procedure_code: row.procedure_code,
            subject_id_number: row.subject_id_number,
            fields_requested: row.fields_requested.0.iter().map(|k| field_label(k)).collect(),
            fields_returned: row.fields_returned.0.iter().map(|k| field_label(k)).collect(),
            result: result_label(&row.result).to_owned(),
            client_addr: row.client_addr,
            request_id: row.request_id,
        }
    }

    /// "Ai đã tra cứu thông tin của tôi": every lookup of the logged-in citizen's record, newest first.
    pub async fn my_lookups(&self, ctx: &Ctx) -> Result<Vec<LookupView>, AppError> {
        let id_number = crate::identity::person_of(&ctx.principal)?;
        let mut tx = self.db().read().await?;
        let rows = motcua_storage::lookup_log::of_subject(&mut tx, id_number, 1000).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(|r| self.lookup_view(r)).collect())
    }
}
