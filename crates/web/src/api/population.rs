//! Population-database lookups: an officer's lookup for a dossier or procedure, the logged-in citizen's own lookup
//! log, and the auditors' report. Every lookup is appended to the tamper-evident lookup log before it is answered.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::population::report::ReportQuery;
use motcua_app::population::{LookupRequest, LookupView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppJson, AppQuery, Caller, ClientAddr};
use crate::state::AppState;

/// An officer's lookup.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LookupBody {
    /// The subject's 12-digit personal ID number.
    pub subject: String,
    /// Why (required).
    pub purpose: String,
    /// The dossier served (national code); or give `procedure_code`.
    #[serde(default)]
    pub dossier_code: Option<String>,
    /// The procedure served (mã TTHC), for counter work before a dossier exists.
    #[serde(default)]
    pub procedure_code: Option<String>,
    /// Field keys wanted (`full_name`, `birth_date`, `permanent_address`, `father.full_name` …); empty: all.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResult {
    /// The lookup log record.
    pub lookup_id: Uuid,
    /// Its position in the chain.
    pub seq: i64,
    /// Values by field key.
    pub values: BTreeMap<String, String>,
}

/// A recorded lookup.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupRecordDto {
    /// Position in the chain.
    pub seq: i64,
    /// Lookup id.
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// `officer`, `citizen` or `system`.
    pub actor_kind: String,
    /// The officer's unit.
    pub unit_id: Option<String>,
    /// The unit's name.
    pub unit_name: String,
    /// Why.
    pub purpose: String,
    /// Dossier.
    pub dossier_code: Option<String>,
    /// Procedure.
    pub procedure_code: Option<String>,
    /// Whose record.
    pub subject_id_number: String,
    /// Fields asked for (labels).
    pub fields_requested: Vec<String>,
    /// Fields returned (labels).
    pub fields_returned: Vec<String>,
    /// Result.
    pub result: String,
}

impl From<LookupView> for LookupRecordDto {
    fn from(v: LookupView) -> Self {
        Self {
            seq: v.seq,
            id: v.id,
            occurred_at: v.occurred_at,
            actor_kind: v.actor_kind,
            unit_id: v.unit_id,
            unit_name: v.unit_name,
            purpose: v.purpose,
            dossier_code: v.dossier_code,
            procedure_code: v.procedure_code,
            subject_id_number: v.subject_id_number,
            fields_requested: v.fields_requested,
            fields_returned: v.fields_returned,
            result: v.result,
        }
    }
}

/// Looks a citizen up (reception or handling officers, for a dossier or procedure in their scope).
#[utoipa::path(post, path = "/api/v1/population/lookups", tag = "population", request_body = LookupBody, responses(
    (status = 200, body = LookupResult),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 502, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 503, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn lookup(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(peer): ClientAddr,
    AppJson(body): AppJson<LookupBody>,
) -> Result<Json<LookupResult>, ApiError> {
    let request = LookupRequest {
        subject: body.subject,
        purpose: body.purpose,
        dossier_code: body.dossier_code,
        procedure_code: body.procedure_code,
        fields: body.fields,
        client_addr: peer.map(|p| p.to_string()),
    };
    let out = state.app.lookup_citizen(&caller.ctx(), request).await?;
    Ok(Json(LookupResult { lookup_id: out.lookup_id, seq: out.seq, values: out.record.values }))
}

/// Every lookup of the logged-in citizen's record, newest first ("Ai đã tra cứu thông tin của tôi").
#[utoipa::path(get, path = "/api/v1/population/lookups/mine", tag = "population", responses(
    (status = 200, body = Vec<LookupRecordDto>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn mine(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<LookupRecordDto>>, ApiError> {
    let lookups = state.app.my_lookups(&caller.ctx()).await?;
    Ok(Json(lookups.into_iter().map(LookupRecordDto::from).collect()))
}

/// Filter of the report.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportParams {
    /// A unit and its subtree (default: the auditor's province).
    pub unit: Option<String>,
    /// One account.
    pub actor: Option<String>,
    /// First day (inclusive, UTC+7).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive, UTC+7).
    pub to: Option<NaiveDate>,
}

/// The report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    /// Total lookups.
    pub total: i64,
    /// Per account: `[actor_kind, actor_id, unit_name, lookups]`.
    pub counts: Vec<(String, Option<String>, String, i64)>,
    /// The records, newest first.
    pub records: Vec<LookupRecordDto>,
}

/// Counts of lookups per account and unit, with the records (auditors, province administrators).
#[utoipa::path(get, path = "/api/v1/population/lookups", tag = "population", params(ReportParams), responses(
    (status = 200, body = ReportDto),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(params): AppQuery<ReportParams>,
) -> Result<Json<ReportDto>, ApiError> {
    let query = ReportQuery { unit: params.unit, actor: params.actor, from: params.from, to: params.to };
    let report = state.app.lookup_report(&caller.principal(), &query).await?;
    Ok(Json(ReportDto {
        total: report.total,
        counts: report.counts.into_iter().map(|c| (c.actor_kind, c.actor_id, c.unit_name, c.lookups)).collect(),
        records: report.records.into_iter().map(LookupRecordDto::from).collect(),
    }))
}
