//! The procedure catalogue: public search and detail, e-form validation, and the administrators' edits,
//! publication and review.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::catalogue::{CatalogueQuery, CatalogueResults, ProcedureSummary, StoredProcedure};
use motcua_app::error::FieldError;
use motcua_app::units::PlacesOn;
use motcua_app::{AppError, ErrorCode};
use motcua_domain::access::Action;
use motcua_domain::catalogue::{FormSchema, Procedure};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery, Caller};
use crate::state::AppState;

/// One procedure in a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureSummaryDto {
    /// Procedure code (mã TTHC), e.g. `1.001193`.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Sector name.
    pub sector: String,
    /// Implementing levels: `ministry`, `province`, `commune`, `vertical`.
    pub levels: Vec<String>,
    /// `full_process`, `partial` or `none`.
    pub online_level: String,
    /// Lifecycle of the version listed: `draft`, `published`, `withdrawn`.
    pub lifecycle: String,
    /// An essential public service.
    pub essential: bool,
    /// The newest version.
    pub latest_version: i64,
    /// The version the public sees, if any.
    pub published_version: Option<i64>,
}

impl From<&ProcedureSummary> for ProcedureSummaryDto {
    fn from(s: &ProcedureSummary) -> Self {
        Self {
            code: s.code.clone(),
            name: s.name.clone(),
            sector: s.sector.clone(),
            levels: s.levels.iter().map(|l| l.as_str().to_owned()).collect(),
            online_level: s.online_level.as_str().into(),
            lifecycle: s.lifecycle.as_str().into(),
            essential: s.essential,
            latest_version: s.latest_version,
            published_version: s.published_version,
        }
    }
}

/// A page of procedures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedurePageDto {
    /// The procedures of this page.
    pub items: Vec<ProcedureSummaryDto>,
    /// Matches in all.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
    /// Results per page.
    pub per_page: u32,
}

impl From<&CatalogueResults> for ProcedurePageDto {
    fn from(r: &CatalogueResults) -> Self {
        Self {
            items: r.items.iter().map(ProcedureSummaryDto::from).collect(),
            total: r.total,
            page: r.page,
            per_page: r.per_page,
        }
    }
}

/// Filters of the catalogue search.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// Words of the code, name or sector; diacritics optional ("dang ky khai sinh" finds "Đăng ký khai sinh").
    pub q: Option<String>,
    /// Sector name, exactly as listed.
    pub sector: Option<String>,
    /// A unit id: the procedures it implements (a commune: the commune-level procedures of its province).
    pub unit: Option<String>,
    /// `ministry`, `province`, `commune` or `vertical`.
    pub level: Option<String>,
    /// `full_process`, `partial` or `none`.
    pub online: Option<String>,
    /// Only essential public services.
    pub essential: Option<bool>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Include drafts and withdrawn procedures (officers who review the catalogue).
    pub drafts: Option<bool>,
}

/// Searches the catalogue: published procedures, or every procedure for reviewers asking for drafts.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalogue", params(ListParams), responses(
    (status = 200, body = ProcedurePageDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(params): AppQuery<ListParams>,
) -> Result<Json<ProcedurePageDto>, ApiError> {
    let drafts = params.drafts.unwrap_or(false);
    if drafts {
        state.app.require_in_home_province(&caller.ctx().principal, Action::ReviewCatalogue)?;
    }
    let query = CatalogueQuery {
        q: params.q,
        sector: params.sector,
        unit: params.unit,
        level: params.level,
        online: params.online,
        essential: params.essential,
        page: params.page,
    };
    let results = state.app.search_catalogue(&query, drafts).await?;
    Ok(Json(ProcedurePageDto::from(&results)))
}

/// A procedure with its version numbers.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredProcedureDto {
    /// The version shown.
    pub version: i64,
    /// The newest version: send it back as `expected_version` with a change.
    pub latest_version: i64,
    /// The version the public sees, if any.
    pub published_version: Option<i64>,
    /// The procedure in the canonical catalogue format (`docs/catalogue-format.md`).
    #[schema(value_type = Object)]
    pub procedure: serde_json::Value,
}

fn to_value(value: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError(AppError::detailed(ErrorCode::Internal, e.to_string())))
}

impl StoredProcedureDto {
    fn new(stored: &StoredProcedure) -> Result<Self, ApiError> {
        Ok(Self {
            version: stored.version,
            latest_version: stored.latest_version,
            published_version: stored.published_version,
            procedure: to_value(&stored.procedure)?,
        })
    }
}

/// Query of the procedure detail.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DetailParams {
    /// A version other than the published one (officers who review the catalogue).
    pub version: Option<i64>,
}

/// One procedure: the published version, or another version for reviewers.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalogue", params(("code" = String, Path), DetailParams), responses(
    (status = 200, body = StoredProcedureDto),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(code): AppPath<String>,
    AppQuery(params): AppQuery<DetailParams>,
) -> Result<Json<StoredProcedureDto>, ApiError> {
    let stored = state.app.procedure(&caller.ctx().principal, &code, params.version).await?;
    Ok(Json(StoredProcedureDto::new(&stored)?))
}

/// One version of a procedure.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    /// Version number.
    pub version: i64,
    /// `draft`, `published` or `withdrawn`.
    pub lifecycle: String,
    /// First day it applies.
    pub effective_from: NaiveDate,
    /// Last day it applies.
    pub effective_to: Option<NaiveDate>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

/// The versions of a procedure, newest first (officers who review the catalogue).
#[utoipa::path(get, path = "/api/v1/procedures/{code}/versions", tag = "catalogue", params(("code" = String, Path)), responses(
    (status = 200, body = Vec<VersionDto>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(code): AppPath<String>,
) -> Result<Json<Vec<VersionDto>>, ApiError> {
    let history = state.app.procedure_history(&caller.ctx().principal, &code).await?;
    Ok(Json(
        history
            .iter()
            .map(|v| VersionDto {
                version: v.version,
                lifecycle: v.lifecycle.as_str().into(),
                effective_from: v.effective_from,
                effective_to: v.effective_to,
                created_at: v.created_at,
            })
            .collect(),
    ))
}

/// An e-form submission to check.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ValidateFormDto {
    /// The case (trường hợp) key when the procedure has cases.
    #[serde(default)]
    pub case: Option<String>,
    /// What was typed, by field key; an address is three keys: `<key>.province`, `<key>.commune`, `<key>.detail`.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

/// The cleaned values of a valid submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidatedDto {
    /// Trimmed and normalised: dates `yyyy-mm-dd`, ID numbers and phones as digits, money as whole đồng.
    pub values: BTreeMap<String, String>,
}

/// The e-form of a procedure's case, or a refusal naming the case.
pub fn form_of<'a>(procedure: &'a Procedure, case: Option<&str>) -> Result<&'a FormSchema, AppError> {
    if let Some(case) = case
        && !procedure.cases.iter().any(|c| c.key == case)
    {
        return Err(AppError::Invalid(vec![FieldError::new("case", "Trường hợp đã chọn không có trong thủ tục.")]));
    }
    let exact = procedure.forms.iter().find(|f| f.case.as_deref() == case);
    match (exact, case) {
        (Some(form), _) => Ok(form),
        (None, None) if !procedure.cases.is_empty() && procedure.forms.iter().all(|f| f.case.is_some()) => {
            Err(AppError::Invalid(vec![FieldError::new("case", "Vui lòng chọn trường hợp thực hiện.")]))
        }
        _ => procedure
            .form_for(case)
            .ok_or_else(|| AppError::not_found(format!("tờ khai điện tử của thủ tục {}", procedure.code))),
    }
}

/// Validates a submission against a form on `date`; errors are keyed by field.
pub fn validate_form(
    state: &AppState,
    form: &FormSchema,
    values: &BTreeMap<String, String>,
    date: NaiveDate,
) -> Result<BTreeMap<String, String>, Vec<motcua_domain::catalogue::form::FieldError>> {
    let tree = state.app.tree();
    form.validate(values, &PlacesOn { tree: &tree, date })
}

/// Checks an e-form submission on the server: the cleaned values, or every bad field with its Vietnamese message.
/// Nothing is filed.
#[utoipa::path(post, path = "/api/v1/procedures/{code}/forms/validate", tag = "catalogue", params(("code" = String, Path)), request_body = ValidateFormDto, responses(
    (status = 200, body = ValidatedDto),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`errors` lists each bad field", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn validate(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<ValidateFormDto>,
) -> Result<Json<ValidatedDto>, ApiError> {
    let stored = state.app.procedure(&caller.ctx().principal, &code, None).await?;
    let form = form_of(&stored.procedure, body.case.as_deref())?;
    let today = motcua_domain::time::local_date(state.app.now());
    match validate_form(&state, form, &body.values, today) {
        Ok(values) => Ok(Json(ValidatedDto { values })),
        Err(errors) => Err(AppError::Invalid(
            errors.into_iter().map(|e| FieldError { field: e.key, message: e.message }).collect(),
        )
        .into()),
    }
}

/// A new or edited procedure.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PutProcedureDto {
    /// The newest version last read; `null` to create a procedure.
    pub expected_version: Option<i64>,
    /// The whole procedure in the canonical catalogue format; its `code` must be the path's.
    #[schema(value_type = Object)]
    pub procedure: serde_json::Value,
}

/// The version a change stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionResultDto {
    /// The new version.
    pub version: i64,
}

/// Reads a procedure from JSON; a problem is located by its path in the procedure (`fees[0].amount`).
pub fn parse_procedure(value: serde_json::Value) -> Result<Procedure, AppError> {
    serde_path_to_error::deserialize::<_, Procedure>(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "procedure".to_owned() } else { path };
        AppError::Invalid(vec![FieldError { field, message: e.into_inner().to_string() }])
    })
}

/// Saves a procedure as a new draft version (province administrators). Every problem is reported at once, located
/// by its path in the procedure; someone else's change since `expected_version` is a conflict.
#[utoipa::path(put, path = "/api/v1/procedures/{code}", tag = "catalogue", params(("code" = String, Path)), request_body = PutProcedureDto, responses(
    (status = 200, description = "A new draft version of an existing procedure", body = VersionResultDto),
    (status = 201, description = "A new procedure", body = VersionResultDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<PutProcedureDto>,
) -> Result<(StatusCode, Json<VersionResultDto>), ApiError> {
    let ctx = caller.ctx();
    state.app.require_in_home_province(&ctx.principal, Action::ManageCatalogue)?;
    let procedure = parse_procedure(body.procedure)?;
    if procedure.code.as_str() != code {
        let message = format!("Mã thủ tục {} khác mã trên địa chỉ ({code}).", procedure.code);
        return Err(AppError::Invalid(vec![FieldError::new("code", &message)]).into());
    }
    let version = state.app.save_procedure(&ctx, procedure, body.expected_version).await?;
    let status = if body.expected_version.is_none() { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(VersionResultDto { version })))
}

/// A publication or withdrawal.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LifecycleDto {
    /// The newest version last read; it is the one published or withdrawn.
    pub expected_version: i64,
}

/// Publishes the newest version of a procedure (province administrators).
#[utoipa::path(post, path = "/api/v1/procedures/{code}/publish", tag = "catalogue", params(("code" = String, Path)), request_body = LifecycleDto, responses(
    (status = 200, body = VersionResultDto),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<LifecycleDto>,
) -> Result<Json<VersionResultDto>, ApiError> {
    let version = state.app.publish_procedure(&caller.ctx(), &code, body.expected_version).await?;
    Ok(Json(VersionResultDto { version }))
}

/// Withdraws a procedure from the public (province administrators); dossiers keep their version.
#[utoipa::path(post, path = "/api/v1/procedures/{code}/withdraw", tag = "catalogue", params(("code" = String, Path)), request_body = LifecycleDto, responses(
    (status = 200, body = VersionResultDto),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<LifecycleDto>,
) -> Result<Json<VersionResultDto>, ApiError> {
    let version = state.app.withdraw_procedure(&caller.ctx(), &code, body.expected_version).await?;
    Ok(Json(VersionResultDto { version }))
}

/// An officer's decision on a paper finding of the review.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionDto {
    /// The component's key.
    pub component: String,
    /// The abolished paper's key.
    pub paper: String,
    /// `confirmed` (the paper must no longer be demanded) or `dismissed`.
    pub decision: String,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// Records a decision on a paper finding of the catalogue review (province administrators).
#[utoipa::path(post, path = "/api/v1/procedures/{code}/review-decisions", tag = "catalogue", params(("code" = String, Path)), request_body = DecisionDto, responses(
    (status = 204, description = "Recorded"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(code): AppPath<String>,
    AppJson(body): AppJson<DecisionDto>,
) -> Result<StatusCode, ApiError> {
    let confirmed = match body.decision.as_str() {
        "confirmed" => true,
        "dismissed" => false,
        _ => {
            let message = "Quyết định phải là confirmed hoặc dismissed.";
            return Err(AppError::Invalid(vec![FieldError::new("decision", message)]).into());
        }
    };
    let note = body.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    state.app.decide_review_finding(&caller.ctx(), &code, &body.component, &body.paper, confirmed, note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The catalogue review (Directive 05/CT-TTg).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    /// Totals: `procedures`, `complete`, `paper_findings`, `time_unconfirmed`, `forms_measured`,
    /// `forms_meeting_target`.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    /// Per procedure, those needing attention first: `papers`, `missing_parts`, `time_unconfirmed`, `forms`.
    #[schema(value_type = Vec<Object>)]
    pub procedures: serde_json::Value,
    /// Decisions on paper findings by `code/component/paper`: `confirmed` or `dismissed`.
    pub decisions: BTreeMap<String, String>,
}

/// The review of the newest versions of every procedure (officers who review the catalogue).
#[utoipa::path(get, path = "/api/v1/catalogue/review", tag = "catalogue", responses(
    (status = 200, body = ReviewDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn review(State(state): State<AppState>, caller: Caller) -> Result<Json<ReviewDto>, ApiError> {
    let report = state.app.catalogue_review(&caller.ctx().principal).await?;
    Ok(Json(ReviewDto {
        summary: to_value(&report.summary)?,
        procedures: to_value(&report.procedures)?,
        decisions: report.decisions,
    }))
}

/// The newest version of every procedure in the canonical JSON format (officers who review the catalogue); the
/// file `motcua catalogue import` reads.
#[utoipa::path(get, path = "/api/v1/catalogue/export", tag = "catalogue", responses(
    (status = 200, description = "A `motcua.catalogue/1` document", content_type = "application/json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn export(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let text = state.app.export_catalogue(&caller.ctx().principal).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"danh-muc-thu-tuc.json\""),
        ],
        text,
    )
        .into_response())
}
