//! The logged-in citizen (VNeID session, cookie `motcua_citizen` or `Authorization: Bearer`): who they are, their
//! dossiers, and online filing. The login itself is the browser redirect flow at `/dang-nhap/vneid`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::dossiers::online::OnlineFiling;
use motcua_app::dossiers::representation::{OnBehalfOf, RepresentationView};
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
    /// The organisation, when logged in with an organisation's account: the dossiers listed and filed are its.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<crate::api::dossiers::OrganisationDto>,
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
        organisation: c.organisation.as_ref().map(crate::api::dossiers::OrganisationDto::from),
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
    /// Filing for someone else (ủy quyền, a parent for their child, a guardian): the logged-in citizen stays the
    /// filer; the relationship and its evidence are recorded on the dossier. Without a relationship or its evidence
    /// the filing is refused with `422 representation_not_recorded`; a parent the population database does not
    /// confirm with `422 representation_not_verified`.
    #[serde(default)]
    pub on_behalf_of: Option<OnBehalfOfDto>,
}

/// Who a dossier is filed for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OnBehalfOfDto {
    /// `authorised` (ủy quyền), `parent` (cha, mẹ nộp cho con) or `guardian` (người giám hộ).
    #[serde(default)]
    pub kind: String,
    /// The 12-digit personal ID number of the person the dossier is for (validated; `on_behalf_of.subject_id_number`).
    pub subject_id_number: String,
    /// Their name as declared (a parent's filing takes the population database's).
    #[serde(default)]
    pub subject_name: Option<String>,
    /// For `authorised` and `guardian`: the key of the component (among `components`) carrying the authorisation
    /// or guardianship paper.
    #[serde(default)]
    pub paper_component: Option<String>,
}

impl From<OnBehalfOfDto> for OnBehalfOf {
    fn from(d: OnBehalfOfDto) -> Self {
        Self {
            kind: d.kind,
            subject_id_number: d.subject_id_number,
            subject_name: d.subject_name,
            paper_component: d.paper_component,
        }
    }
}

/// A representation recorded on a dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepresentationDto {
    /// `authorised`, `parent` or `guardian`.
    pub kind: String,
    /// The kind in Vietnamese.
    pub kind_label: String,
    /// Who filed (the logged-in citizen).
    pub representative_id_number: String,
    /// Whom the dossier is for.
    pub subject_id_number: String,
    /// Their name, when known.
    pub subject_name: Option<String>,
    /// The component carrying the authorisation or guardianship paper.
    pub evidence_component: Option<String>,
    /// The lookup log record that confirmed a parent relation.
    pub evidence_lookup_id: Option<Uuid>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl From<RepresentationView> for RepresentationDto {
    fn from(r: RepresentationView) -> Self {
        Self {
            kind: r.kind.as_str().to_owned(),
            kind_label: r.kind_label.to_owned(),
            representative_id_number: r.representative_id_number,
            subject_id_number: r.subject_id_number,
            subject_name: r.subject_name,
            evidence_component: r.evidence_component,
            evidence_lookup_id: r.evidence_lookup_id,
            recorded_at: r.recorded_at,
        }
    }
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
        (status = 422, description = "`errors` lists each bad field: `form.<key>`, `components.<key>`, `unit`, `on_behalf_of.subject_id_number`; or `representation_not_recorded` / `representation_not_verified` when filing for someone else", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "`filer_daily_limit_reached`: the person filed their daily number of dossiers online (`limits.online_filings_per_citizen_day`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "`unit_online_share_used`: the unit's share of today's dossier codes for online filings is used up (the rest is kept for the counter and the post)", body = crate::error::Problem, content_type = "application/problem+json"),
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
        on_behalf_of: body.on_behalf_of.map(OnBehalfOf::from),
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
    /// Whom it was filed for, when the citizen filed it for someone else.
    pub representation: Option<RepresentationDto>,
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
    let dossier = match state.app.dossier(&principal, id).await {
        Ok(dossier) => dossier,
        // Not the applicant's: the person it was filed for reads it (read-only, without the filer's contacts).
        Err(e) if e.error_code() == ErrorCode::NotFound => {
            let (filed, timeline) = state.app.dossier_filed_for_me(&principal, id).await?;
            return Ok(Json(CitizenDossierDto {
                dossier: DossierDto::from(&filed.dossier),
                timeline: timeline.iter().map(TimelineEntryDto::from).collect(),
                representation: Some(RepresentationDto::from(filed.representation)),
            }));
        }
        Err(e) => return Err(e.into()),
    };
    let timeline = state.app.dossier_timeline(&principal, id).await?;
    let representation = state.app.dossier_representation(&principal, id).await?;
    Ok(Json(CitizenDossierDto {
        dossier: DossierDto::from(&dossier),
        timeline: timeline.iter().map(TimelineEntryDto::from).collect(),
        representation: representation.map(RepresentationDto::from),
    }))
}
