//! Documents over the API: a file is the raw request body (streamed, never buffered whole), its name and source in
//! the query string. Dossier components, electronic results, downloads, the caller's warehouse with share links
//! and offers, and the public verification of results.

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use motcua_app::documents::{ComponentFiles, DocumentView, Offer, Share, UploadMeta, Verification};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery, Caller};
use crate::state::AppState;

/// Where a file came from, for a component upload.
#[derive(Debug, Deserialize)]
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

/// `POST /api/v1/dossiers/{id}/components/{key}/files?file_name=…&source=digitised` — the body is the file.
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    AppPath((id, key)): AppPath<(Uuid, String)>,
    AppQuery(q): AppQuery<UploadQuery>,
    request: Request,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
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
    Ok((StatusCode::CREATED, Json(doc)))
}

/// A warehouse document to attach.
#[derive(Debug, Deserialize)]
pub struct AttachBody {
    /// The warehouse document's id.
    pub document_id: Uuid,
}

/// `POST /api/v1/dossiers/{id}/components/{key}/warehouse` — a warehouse document instead of an upload.
pub async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    AppPath((id, key)): AppPath<(Uuid, String)>,
    AppJson(body): AppJson<AttachBody>,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let doc = state.app.attach_from_warehouse(&caller.ctx(), id, &key, body.document_id).await?;
    Ok((StatusCode::CREATED, Json(doc)))
}

/// `GET /api/v1/dossiers/{id}/documents` — components with their files and national flags.
pub async fn of_dossier(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Json<Vec<ComponentFiles>>, ApiError> {
    Ok(Json(state.app.dossier_components(&caller.principal(), id).await?))
}

/// The result file's name.
#[derive(Debug, Deserialize)]
pub struct ResultQuery {
    /// The file's name.
    pub file_name: String,
}

/// `POST /api/v1/dossiers/{id}/result?file_name=…` — the body is the result file; it is signed and pushed into
/// the applicant's warehouse.
pub async fn issue_result(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
    AppQuery(q): AppQuery<ResultQuery>,
    request: Request,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let doc = state.app.issue_result(&caller.ctx(), id, &q.file_name, body_stream(request)).await?;
    Ok((StatusCode::CREATED, Json(doc)))
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

/// `GET /api/v1/documents/{id}/content` — the bytes, for the owner or whoever may see the dossier.
pub async fn content(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
) -> Result<Response, ApiError> {
    let (doc, content) = state.app.document_content(&caller.principal(), id).await?;
    Ok(download(&doc, content))
}

/// `GET /api/v1/warehouse` — the caller's (citizen's or organisation's) valid documents.
pub async fn warehouse(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DocumentView>>, ApiError> {
    Ok(Json(state.app.warehouse(&caller.principal()).await?))
}

/// How long a share link lives.
#[derive(Debug, Deserialize)]
pub struct ShareBody {
    /// Days, 1–30.
    pub days: i64,
}

/// `POST /api/v1/warehouse/{id}/shares` — a time-limited link (`/chia-se/<token>`); the token is shown once.
pub async fn share(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<Uuid>,
    AppJson(body): AppJson<ShareBody>,
) -> Result<(StatusCode, Json<Share>), ApiError> {
    Ok((StatusCode::CREATED, Json(state.app.share_document(&caller.ctx(), id, body.days).await?)))
}

/// Which procedure the caller is filing.
#[derive(Debug, Deserialize)]
pub struct OffersQuery {
    /// Procedure code.
    pub procedure: String,
    /// Case, if any.
    #[serde(default)]
    pub case: Option<String>,
}

/// `GET /api/v1/warehouse/offers?procedure=…` — warehouse documents that replace components of the procedure.
pub async fn offers(
    State(state): State<AppState>,
    caller: Caller,
    AppQuery(q): AppQuery<OffersQuery>,
) -> Result<Json<Vec<Offer>>, ApiError> {
    Ok(Json(state.app.warehouse_offers(&caller.principal(), &q.procedure, q.case.as_deref()).await?))
}

/// The result code to check.
#[derive(Debug, Deserialize)]
pub struct VerifyQuery {
    /// Result code (`KQ…`).
    #[serde(default)]
    pub code: Option<String>,
}

/// `POST /api/v1/verify?code=…` — public: the body (optional) is a copy of the result file; answers `valid`,
/// `tampered` or `unknown` with the issuing unit and instant. Integrity and origin inside motcua, not a legal
/// digital signature.
pub async fn verify(
    State(state): State<AppState>,
    AppQuery(q): AppQuery<VerifyQuery>,
    request: Request,
) -> Result<Json<Verification>, ApiError> {
    let has_body =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_none_or(|v| v.trim() != "0");
    let digest = if has_body {
        let sha = state.app.hash_copy(body_stream(request)).await?;
        // An empty body hashes to the digest of nothing: no copy was sent.
        Some(sha).filter(|s| s != EMPTY_SHA256)
    } else {
        None
    };
    Ok(Json(state.app.verify_result(q.code.as_deref(), digest).await?))
}

/// SHA-256 of zero bytes.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// `GET /api/v1/verify/{code}` — public: checks a result by its code (the stored bytes are re-hashed).
pub async fn verify_code(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> Result<Json<Verification>, ApiError> {
    Ok(Json(state.app.verify_result(Some(&code), None).await?))
}
