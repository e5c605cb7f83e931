//! The logged-in citizen (VNeID session, cookie `motcua_citizen` or `Authorization: Bearer`): who they are, their
//! dossiers, and online filing. The login itself is the browser redirect flow at `/dang-nhap/vneid`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::dossiers::online::OnlineFiling;
use motcua_app::identity::CitizenSession;
use motcua_app::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::dossiers::{DossierDto, TimelineEntryDto};
use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, Caller};
use crate::state::AppState;

/// The logged-in citizen.
#[derive(Debug, Serialize, ToSchema)]
pub struct CitizenDto {
    /// The 12-digit personal ID number.
    pub id_number: String,
    /// Full name, from the identity provider.
    pub full_name: String,
    /// Date of birth, from the identity provider.
    pub birth_date: Option<NaiveDate>,
    /// VNeID assurance level of this login: `L1` or `L2`.
    pub assurance: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
}

fn citizen(caller: &Caller) -> Result<&CitizenSession, ApiError> {
    caller.citizen.as_ref().ok_or(ApiError::code(ErrorCode::Unauthenticated))
}

/// The logged-in citizen.
#[utoipa::path(get, path = "/api/v1/citizen", tag = "citizen", responses(
    (status = 200, body = CitizenDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn me(caller: Caller) -> Result<Json<CitizenDto>, ApiError> {
    let c = citizen(&caller)?;
    Ok(Json(CitizenDto {
        id_number: c.id_number.clone(),
        full_name: c.full_name.clone(),
        birth_date: c.birth_date,
        assurance: format!("{:?}", c.assurance),
        expires_at: c.expires_at,
    }))
}

/// The citizen's dossiers (as applicant), newest first.
#[utoipa::path(get, path = "/api/v1/citizen/dossiers", tag = "citizen", responses(
    (status = 200, body = Vec<DossierDto>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DossierDto>>, ApiError> {
    citizen(&caller)?;
    let dossiers = state.app.citizen_dossiers(&caller.ctx()).await?;
    Ok(Json(dossiers.iter().map(DossierDto::from).collect()))
}

/// An online filing: the applicant is the logged-in citizen (not sent).
#[derive(Debug, Deserialize, ToSchema)]
pub struct FilingDto {
    /// Procedure code (its published version is used).
    pub procedure: String,
    /// The procedure's case, if it has cases.
    #[serde(default)]
    pub case: Option<String>,
    /// The competent unit id, for a procedure implemented by many units (e.g. a commune-level one).
    #[serde(default)]
    pub unit: Option<String>,
    /// E-form values by field key.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    /// Keys of the components provided.
    #[serde(default)]
    pub components: Vec<String>,
    /// Phone for notices and the status lookup.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail for notices.
    #[serde(default)]
    pub email: Option<String>,
    /// Components supplied from the citizen's personal data warehouse instead of an upload: component key → a
    /// document offered by `GET /api/v1/warehouse/offers`. Recorded as taken from the warehouse; another choice
    /// is refused (`warehouse.<key>`).
    #[serde(default)]
    pub from_warehouse: BTreeMap<String, Uuid>,
}

/// Files a dossier online as the logged-in citizen. A procedure whose minimum VNeID level is above the session's is
/// refused with `403 assurance_too_low`. Send an `Idempotency-Key` header to retry safely.
#[utoipa::path(post, path = "/api/v1/citizen/dossiers", tag = "citizen", request_body = FilingDto,
    params(("Idempotency-Key" = Option<String>, Header, description = "A key of at most 200 characters, unique per request")),
    responses(
        (status = 201, body = DossierDto),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "`assurance_too_low`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`errors` lists each bad field: `form.<key>`, `components.<key>`, `unit`", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    AppJson(body): AppJson<FilingDto>,
) -> Result<(StatusCode, Json<DossierDto>), ApiError> {
    let session = citizen(&caller)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(v.to_str().map(str::to_owned).map_err(|_| {
            ApiError(AppError::detailed(ErrorCode::InvalidInput, "Idempotency-Key chỉ gồm ký tự ASCII in được."))
        })?),
    };
    let filing = OnlineFiling {
        procedure: body.procedure,
        case: body.case,
        unit: body.unit,
        form: body.form,
        components: body.components,
        phone: body.phone,
        email: body.email,
        provenance: BTreeMap::new(),
        from_warehouse: body.from_warehouse,
    };
    let d = state.app.file_online(&caller.ctx(), session, filing, key).await?;
    Ok((StatusCode::CREATED, Json(DossierDto::from(&d))))
}

/// One of the citizen's dossiers with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CitizenDossierDto {
    /// The dossier.
    pub dossier: DossierDto,
    /// Its history, oldest first.
    pub timeline: Vec<TimelineEntryDto>,
}

/// One of the citizen's own dossiers with its timeline; another person's dossier is `404`.
#[utoipa::path(get, path = "/api/v1/citizen/dossiers/{id}", tag = "citizen", params(("id" = Uuid, Path)), responses(
    (status = 200, body = CitizenDossierDto),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<CitizenDossierDto>, ApiError> {
    citizen(&caller)?;
    let principal = caller.principal();
    let dossier = state.app.dossier(&principal, id).await?;
    let timeline = state.app.dossier_timeline(&principal, id).await?;
    Ok(Json(CitizenDossierDto {
        dossier: DossierDto::from(&dossier),
        timeline: timeline.iter().map(TimelineEntryDto::from).collect(),
    }))
}
