//! Documents over the API: a file is the raw request body (streamed, never buffered whole), its name and source in
//! the query string. Dossier components, electronic results, downloads, the caller's warehouse with share links
//! and offers, and the public verification of results.

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use motcua_app::documents::{ComponentFiles, DocumentView, Offer, Share, UploadMeta, Verification};
use motcua_domain::document::{NationalFlags, Verdict};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery, Caller};
use crate::state::AppState;

/// The bytes of a file, sent as the raw request body or answered as the response body.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(pub Vec<u8>);

/// The national digitisation flags of a component (`TaiLieuNop`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct NationalFlagsDto {
    /// `DuocSoHoa`.
    pub digitised: bool,
    /// `DuocTaiSuDung`.
    pub reused: bool,
    /// `DuocLayTuKhoDMQG`.
    pub from_warehouse: bool,
}

impl From<NationalFlags> for NationalFlagsDto {
    fn from(f: NationalFlags) -> Self {
        Self { digitised: f.digitised, reused: f.reused, from_warehouse: f.from_warehouse }
    }
}

/// A document (a dossier's file, an electronic result, a warehouse document).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentDto {
    /// Id.
    pub id: Uuid,
    /// The dossier it belongs to.
    pub dossier_id: Option<Uuid>,
    /// The component it supplies.
    pub component_key: Option<String>,
    /// What it is.
    pub title: String,
    /// File name as uploaded.
    pub file_name: String,
    /// Media type sniffed from the bytes.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Size for people.
    pub size_label: String,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// `uploaded`, `digitised`, `reused`, `warehouse` or `result`.
    pub source: String,
    /// Vietnamese name of the source.
    pub source_label: String,
    /// National flags of the component it supplies.
    pub flags: NationalFlagsDto,
    /// Warehouse document type.
    pub doc_type: Option<String>,
    /// Owner (ID number or tax code).
    pub owner: Option<String>,
    /// Issuer as written, or the issuing unit's name.
    pub issuer: Option<String>,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Last valid day.
    pub valid_to: Option<NaiveDate>,
    /// Officer who digitised it.
    pub digitised_by: Option<String>,
    /// In the owner's warehouse.
    pub in_warehouse: bool,
    /// The warehouse document it copies.
    pub origin_document_id: Option<Uuid>,
    /// Public code of an electronic result.
    pub result_code: Option<String>,
    /// Procedure whose result it is.
    pub result_of: Option<String>,
    /// When the result was signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// Signing key id.
    pub signature_key_id: Option<String>,
    /// Stored at.
    pub created_at: DateTime<Utc>,
}

impl From<DocumentView> for DocumentDto {
    fn from(d: DocumentView) -> Self {
        Self {
            id: d.id,
            dossier_id: d.dossier_id,
            component_key: d.component_key,
            title: d.title,
            file_name: d.file_name,
            media_type: d.media_type,
            size_bytes: d.size_bytes,
            size_label: d.size_label,
            sha256: d.sha256,
            source: d.source.as_str().to_owned(),
            source_label: d.source_label.to_owned(),
            flags: d.flags.into(),
            doc_type: d.doc_type,
            owner: d.owner,
            issuer: d.issuer,
            issued_on: d.issued_on,
            valid_to: d.valid_to,
            digitised_by: d.digitised_by,
            in_warehouse: d.in_warehouse,
            origin_document_id: d.origin_document_id,
            result_code: d.result_code,
            result_of: d.result_of,
            signed_at: d.signed_at,
            signature_key_id: d.signature_key_id,
            created_at: d.created_at,
        }
    }
}

fn dtos(list: Vec<DocumentView>) -> Vec<DocumentDto> {
    list.into_iter().map(DocumentDto::from).collect()
}

/// A component of a dossier with the files that supply it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComponentFilesDto {
    /// Component key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Mandatory.
    pub mandatory: bool,
    /// Must be digitised when received on paper.
    pub must_digitise: bool,
    /// Received with the dossier.
    pub received: bool,
    /// Its files.
    pub documents: Vec<DocumentDto>,
    /// The national flags of the component (any of its files).
    pub flags: NationalFlagsDto,
}

impl From<ComponentFiles> for ComponentFilesDto {
    fn from(c: ComponentFiles) -> Self {
        Self {
            key: c.key,
            name: c.name,
            mandatory: c.mandatory,
            must_digitise: c.must_digitise,
            received: c.received,
            documents: dtos(c.documents),
            flags: c.flags.into(),
        }
    }
}

/// Warehouse documents that can stand in for a component of a procedure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferDto {
    /// Component key.
    pub component_key: String,
    /// Component name.
    pub component_name: String,
    /// Matching valid documents.
    pub documents: Vec<DocumentDto>,
}

impl From<Offer> for OfferDto {
    fn from(o: Offer) -> Self {
        Self { component_key: o.component_key, component_name: o.component_name, documents: dtos(o.documents) }
    }
}

/// A share link just made: the token is shown once and stored only as its hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShareDto {
    /// The secret token of the link `/chia-se/<token>`.
    pub token: String,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
}

impl From<Share> for ShareDto {
    fn from(s: Share) -> Self {
        Self { token: s.token, expires_at: s.expires_at }
    }
}

/// The verdict on an electronic result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerificationDto {
    /// `valid`, `tampered` or `unknown`.
    pub verdict: String,
    /// Vietnamese explanation.
    pub message: String,
    /// The result code.
    pub code: Option<String>,
    /// The issuing unit's name.
    pub issuer: Option<String>,
    /// When it was signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// The procedure.
    pub procedure: Option<String>,
    /// SHA-256 of the checked bytes.
    pub sha256: Option<String>,
}

impl From<Verification> for VerificationDto {
    fn from(v: Verification) -> Self {
        Self {
            verdict: match v.verdict {
                Verdict::Valid => "valid",
                Verdict::Tampered => "tampered",
                Verdict::Unknown => "unknown",
            }
            .to_owned(),
            message: v.message.to_owned(),
            code: v.code,
            issuer: v.issuer,
            signed_at: v.signed_at,
            procedure: v.procedure,
            sha256: v.sha256,
        }
    }
}

/// Where a file came from, for a component upload.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name.
    pub file_name: String,
    /// `uploaded`, `digitised` or `reused`.
    #[serde(default)]
    pub source: Option<String>,
    /// What it is.
    #[serde(default)]
    pub title: Option<String>,
    /// Warehouse document type.
    #[serde(default)]
    pub doc_type: Option<String>,
    /// Issuer as written on the paper.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Issue date (YYYY-MM-DD).
    #[serde(default)]
    pub issued_on: Option<chrono::NaiveDate>,
    /// Last valid day (YYYY-MM-DD).
    #[serde(default)]
    pub valid_to: Option<chrono::NaiveDate>,
}

/// The raw body as a stream of byte chunks.
pub fn body_stream(request: Request) -> impl futures::Stream<Item = Result<bytes::Bytes, axum::Error>> + Send {
    request.into_body().into_data_stream()
}

/// Stores a file for a dossier's component: the raw body is the file, streamed into the store and checked while
/// it arrives (size limit of the procedure and of the store, type from the bytes, antivirus if configured). By the
/// applicant (`uploaded`) or a reception officer (`uploaded`, `digitised`, `reused`).
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/components/{key}/files", tag = "documents",
    params(("id" = Uuid, Path), ("key" = String, Path, description = "Component key"), UploadQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file (PDF, JPEG or PNG)"),
    responses(
        (status = 201, body = DocumentDto),
        (status = 400, description = "`upload_incomplete`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "`file_too_large`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "`file_type_refused`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`file_infected` or bad fields", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    AppPath((id, key)): AppPath<(Uuid, String)>,
    AppQuery(q): AppQuery<UploadQuery>,
    request: Request,
) -> Result<(StatusCode, Json<DocumentDto>), ApiError> {
    let meta = UploadMeta {
        file_name: q.file_name,
        source: q.source,
        title: q.title,
        doc_type: q.doc_type,
        issuer: q.issuer,
        issued_on: q.issued_on,
        valid_to: q.valid_to,
    };
    let doc = state.app.upload_component_file(&caller.ctx(), id, &key, meta, body_stream(request)).await?;
    Ok((StatusCode::CREATED, Json(doc.into())))
}

/// A warehouse document to attach.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AttachBody {
    /// The warehouse document's id.
    pub document_id: Uuid,
}

/// Supplies a dossier's component with a document of the applicant's warehouse instead of an upload (recorded as
/// taken from the warehouse, `DuocLayTuKhoDMQG`; no bytes copied): by the applicant or a reception officer.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/components/{key}/warehouse", tag = "documents",
    params(("id" = Uuid, Path), ("key" = String, Path, description = "Component key")), request_body = AttachBody,
    responses(
        (status = 201, body = DocumentDto),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`signature_invalid`, or a document that does not stand in for the component", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    AppPath((id, key)): AppPath<(Uuid, String)>,
    AppJson(body): AppJson<AttachBody>,
) -> Result<(StatusCode, Json<DocumentDto>), ApiError> {
    let doc = state.app.attach_from_warehouse(&caller.ctx(), id, &key, body.document_id).await?;
    Ok((StatusCode::CREATED, Json(doc.into())))
}

/// A dossier's components with their files and national flags, for whoever may see the dossier.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/documents", tag = "documents", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<ComponentFilesDto>),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_dossier(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<Vec<ComponentFilesDto>>, ApiError> {
    let components = state.app.dossier_components(&caller.principal(), id).await?;
    Ok(Json(components.into_iter().map(ComponentFilesDto::from).collect()))
}

/// The result file's name.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultQuery {
    /// The file's name.
    pub file_name: String,
}

/// Issues a dossier's electronic result: the raw body is the result file (PDF or signed XML); it is stored,
/// signed by the competent unit (integrity and origin inside motcua, not a legal digital signature) and pushed into
/// the applicant's warehouse. By a handler, department or agency head, or clerk whose grants reach the dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/result", tag = "documents", params(("id" = Uuid, Path), ResultQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The result file (PDF or XML)"),
    responses(
        (status = 201, body = DocumentDto),
        (status = 400, description = "`upload_incomplete`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "`file_too_large`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "`file_type_refused`", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn issue_result(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
    AppQuery(q): AppQuery<ResultQuery>,
    request: Request,
) -> Result<(StatusCode, Json<DocumentDto>), ApiError> {
    let doc = state.app.issue_result(&caller.ctx(), id, &q.file_name, body_stream(request)).await?;
    Ok((StatusCode::CREATED, Json(doc.into())))
}

/// A download response: the bytes streamed with the sniffed media type and the file name.
pub fn download(
    doc: &DocumentView,
    content: futures::stream::BoxStream<'static, Result<bytes::Bytes, std::io::Error>>,
) -> Response {
    // RFC 6266 with the UTF-8 name percent-encoded; an ASCII fallback for old clients.
    let ascii: String =
        doc.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = doc
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, doc.media_type.clone()),
            (header::CONTENT_LENGTH, doc.size_bytes.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")),
            (header::HeaderName::from_static("x-content-sha256"), doc.sha256.clone()),
        ],
        Body::from_stream(content.map_err(axum::Error::new)),
    )
        .into_response()
}

/// A document's bytes (streamed, with `X-Content-SHA256`), for its owner or whoever may see its dossier.
#[utoipa::path(get, path = "/api/v1/documents/{id}/content", tag = "documents", params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The bytes, with the media type sniffed at upload", body = FileBytes, content_type = "application/octet-stream"),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn content(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Response, ApiError> {
    let (doc, content) = state.app.document_content(&caller.principal(), id).await?;
    Ok(download(&doc, content))
}

/// The caller's (citizen's or organisation's) personal data warehouse: valid electronic results and digitised
/// papers, newest first.
#[utoipa::path(get, path = "/api/v1/warehouse", tag = "documents",
    responses(
        (status = 200, body = Vec<DocumentDto>),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn warehouse(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DocumentDto>>, ApiError> {
    Ok(Json(dtos(state.app.warehouse(&caller.principal()).await?)))
}

/// How long a share link lives.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ShareBody {
    /// Days, 1–30.
    pub days: i64,
}

/// A time-limited link (`/chia-se/<token>`) to one of the caller's warehouse documents; the token is shown once.
/// An expired link answers `410 share_link_expired`.
#[utoipa::path(post, path = "/api/v1/warehouse/{id}/shares", tag = "documents", params(("id" = Uuid, Path)),
    request_body = ShareBody,
    responses(
        (status = 201, body = ShareDto),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn share(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ShareBody>,
) -> Result<(StatusCode, Json<ShareDto>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.app.share_document(&caller.ctx(), id, body.days).await?.into())))
}

/// Which procedure the caller is filing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OffersQuery {
    /// Procedure code.
    pub procedure: String,
    /// Case, if any.
    #[serde(default)]
    pub case: Option<String>,
}

/// For each component of a procedure that the warehouse can stand in for, the caller's matching valid documents
/// (offered instead of an upload when filing; send the choice as `from_warehouse` of the online filing).
#[utoipa::path(get, path = "/api/v1/warehouse/offers", tag = "documents", params(OffersQuery),
    responses(
        (status = 200, body = Vec<OfferDto>),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn offers(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<OffersQuery>,
) -> Result<Json<Vec<OfferDto>>, ApiError> {
    let offers = state.app.warehouse_offers(&caller.principal(), &q.procedure, q.case.as_deref()).await?;
    Ok(Json(offers.into_iter().map(OfferDto::from).collect()))
}

/// The result code to check.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// Result code (`KQ…`).
    #[serde(default)]
    pub code: Option<String>,
}

/// Public: checks an electronic result by its code, by a copy of its file (the optional raw body), or both;
/// answers `valid`, `tampered` or `unknown` with the issuing unit and instant. Integrity and origin inside motcua,
/// not a legal digital signature.
#[utoipa::path(post, path = "/api/v1/verify", tag = "documents", params(VerifyQuery),
    request_body(content = Option<FileBytes>, content_type = "application/octet-stream", description = "A copy of the result file (optional)"),
    responses(
        (status = 200, body = VerificationDto),
        (status = 413, description = "`file_too_large`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a code nor a file", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<VerifyQuery>,
    request: Request,
) -> Result<Json<VerificationDto>, ApiError> {
    let has_body =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_none_or(|v| v.trim() != "0");
    let digest = if has_body {
        let sha = state.app.hash_copy(body_stream(request)).await?;
        // An empty body hashes to the digest of nothing: no copy was sent.
        Some(sha).filter(|s| s != EMPTY_SHA256)
    } else {
        None
    };
    Ok(Json(state.app.verify_result(q.code.as_deref(), digest).await?.into()))
}

/// SHA-256 of zero bytes.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Public: checks an electronic result by its code (the stored bytes are re-hashed).
#[utoipa::path(get, path = "/api/v1/verify/{code}", tag = "documents",
    params(("code" = String, Path, description = "Result code (`KQ…`)")),
    responses((status = 200, body = VerificationDto)))]
pub async fn verify_code(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Json<VerificationDto>, ApiError> {
    Ok(Json(state.app.verify_result(Some(&code), None).await?.into()))
}
