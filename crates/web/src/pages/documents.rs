//! Document pages: the officer's components-and-files page of a dossier (digitisation at the counter, the
//! electronic result), downloads, share links, the public verification page `/xac-minh` and the citizen's
//! warehouse `/ca-nhan/kho-du-lieu`. Files arrive as multipart form fields streamed into the store.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use futures::TryStreamExt;
use motcua_app::documents::{ComponentFiles, DocumentView, UploadMeta, Verification};
use motcua_app::{AppError, ErrorCode};
use motcua_domain::document::{Verdict, human_size};
use serde::Deserialize;
use uuid::Uuid;

use crate::api::documents::{EMPTY_SHA256, download};
use crate::error::PageError;
use crate::extract::{Caller, PageForm};
use crate::pages::render;
use crate::state::AppState;
use crate::view::{Portal, date_vi, instant_vi};

fn bad_form() -> PageError {
    PageError(AppError::detailed(ErrorCode::MalformedBody, "Biểu mẫu tải tệp không hợp lệ."))
}

/// The next multipart field, which must be named `name`.
async fn field<'a>(form: &'a mut Multipart, name: &str) -> Result<axum::extract::multipart::Field<'a>, PageError> {
    match form.next_field().await.map_err(|_| bad_form())? {
        Some(f) if f.name() == Some(name) => Ok(f),
        _ => Err(bad_form()),
    }
}

/// The longest text field of an upload form (a component code, a result code): the field is read in chunks and
/// refused past this, never held whole (an anonymous 512 MB `code` once took the server to 2.7 GB).
const MAX_TEXT_FIELD: usize = 1024;

async fn text(form: &mut Multipart, name: &str) -> Result<String, PageError> {
    let mut field = field(form, name).await?;
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| bad_form())? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(PageError(AppError::detailed(
                ErrorCode::InvalidInput,
                format!("Trường \"{name}\" dài quá {MAX_TEXT_FIELD} byte."),
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(bytes).map_err(|_| bad_form())?;
    motcua_domain::text::check_input(&text)
        .map_err(|p| PageError(AppError::detailed(ErrorCode::InvalidInput, format!("Trường \"{name}\" {p}."))))?;
    Ok(text)
}

#[derive(Template)]
#[template(path = "dossier_documents.html")]
struct DossierDocuments {
    portal: Portal,
    id: Uuid,
    code: String,
    components: Vec<ComponentFiles>,
    others: Vec<DocumentView>,
    limit: String,
    done: Option<String>,
    error: Option<String>,
}

/// What the page says after an upload.
#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    done: Option<String>,
}

async fn documents_page(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    done: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let principal = caller.principal();
    let d = state.app.dossier(&principal, id).await?;
    let components = state.app.dossier_components(&principal, id).await?;
    let others =
        state.app.dossier_files(&principal, id).await?.into_iter().filter(|f| f.component_key.is_none()).collect();
    let limit = state.app.dossier_file_limit(&principal, id).await.map(human_size).unwrap_or_default();
    render(&DossierDocuments {
        portal: Portal::of(&state.config.portal_name, caller),
        id,
        code: d.code.unwrap_or_default(),
        components,
        others,
        limit,
        done,
        error,
    })
}

/// `GET /can-bo/ho-so/{id}/tai-lieu`
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    axum::extract::Query(notice): axum::extract::Query<Notice>,
) -> Result<Response, PageError> {
    let done = notice.done.map(|d| match d.as_str() {
        "ket-qua" => {
            "Đã ký và phát hành kết quả điện tử; kết quả đã được đưa vào Kho dữ liệu của người nộp.".to_owned()
        }
        _ => "Đã lưu tệp.".to_owned(),
    });
    documents_page(&state, &caller, id, done, None).await
}

/// `POST /can-bo/ho-so/{id}/tai-lieu` (multipart: `component`, `source`, `file`).
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let component = text(&mut form, "component").await?;
    let source = text(&mut form, "source").await?;
    let file = field(&mut form, "file").await?;
    let meta = UploadMeta {
        file_name: file.file_name().unwrap_or("").to_owned(),
        source: Some(source),
        ..UploadMeta::default()
    };
    match state.app.upload_component_file(&caller.ctx(), id, &component, meta, file).await {
        Ok(_) => Ok(Redirect::to(&format!("/can-bo/ho-so/{id}/tai-lieu?done=tep")).into_response()),
        Err(e) if e.error_code() != ErrorCode::Internal && e.error_code() != ErrorCode::NotFound => {
            let mut page = documents_page(&state, &caller, id, None, Some(e.message_vi())).await?;
            *page.status_mut() = StatusCode::from_u16(e.error_code().status()).unwrap_or(StatusCode::BAD_REQUEST);
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /can-bo/ho-so/{id}/ket-qua-dien-tu` (multipart: `file`).
pub async fn issue_result(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let file = field(&mut form, "file").await?;
    let name = file.file_name().unwrap_or("").to_owned();
    match state.app.issue_result(&caller.ctx(), id, &name, file).await {
        Ok(_) => Ok(Redirect::to(&format!("/can-bo/ho-so/{id}/tai-lieu?done=ket-qua")).into_response()),
        Err(e) if e.error_code() != ErrorCode::Internal && e.error_code() != ErrorCode::NotFound => {
            let mut page = documents_page(&state, &caller, id, None, Some(e.message_vi())).await?;
            *page.status_mut() = StatusCode::from_u16(e.error_code().status()).unwrap_or(StatusCode::BAD_REQUEST);
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /tai-lieu/{id}` — download, for the owner or whoever may see the dossier.
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (doc, content) = state.app.document_content(&caller.principal(), id).await?;
    Ok(download(&doc, content))
}

/// `GET /chia-se/{token}` — a share link; an expired one gets the error page (410) saying so.
pub async fn shared(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, PageError> {
    let (doc, content) = state.app.open_share(&token).await?;
    Ok(download(&doc, content))
}

/// The verdict as the page shows it.
struct VerdictView {
    kind: &'static str,
    message: &'static str,
    code: String,
    issuer: String,
    signed_at: String,
    procedure: String,
    sha256: String,
}

impl From<Verification> for VerdictView {
    fn from(v: Verification) -> Self {
        let dash = || "—".to_owned();
        Self {
            kind: match v.verdict {
                Verdict::Valid => "valid",
                Verdict::Tampered => "tampered",
                Verdict::Unknown => "unknown",
            },
            message: v.message,
            code: v.code.unwrap_or_else(dash),
            issuer: v.issuer.unwrap_or_else(dash),
            signed_at: v.signed_at.as_ref().map_or_else(dash, instant_vi),
            procedure: v.procedure.unwrap_or_else(dash),
            sha256: v.sha256.unwrap_or_else(dash),
        }
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    portal: Portal,
    code: String,
    error: Option<String>,
    verdict: Option<VerdictView>,
}

/// `GET /xac-minh`
pub async fn verify_form(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    render(&VerifyPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        code: String::new(),
        error: None,
        verdict: None,
    })
}

/// `POST /xac-minh` (multipart: `code`, `file`).
pub async fn verify(State(state): State<AppState>, caller: Caller, mut form: Multipart) -> Result<Response, PageError> {
    let portal = Portal::of(&state.config.portal_name, &caller);
    let code = text(&mut form, "code").await?.trim().to_owned();
    let file = field(&mut form, "file").await?;
    let digest = if file.file_name().is_some_and(|n| !n.is_empty()) {
        Some(state.app.hash_copy(file.map_err(|e| e.to_string())).await?).filter(|s| s != EMPTY_SHA256)
    } else {
        None
    };
    match state.app.verify_result(Some(code.as_str()).filter(|c| !c.is_empty()), digest).await {
        Ok(v) => render(&VerifyPage { portal, code, error: None, verdict: Some(v.into()) }),
        Err(e) if e.error_code() == ErrorCode::InvalidInput => {
            let mut page = render(&VerifyPage { portal, code, error: Some(e.message_vi()), verdict: None })?;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

struct WarehouseRow {
    id: Uuid,
    title: String,
    result_code: Option<String>,
    source_label: &'static str,
    issued: String,
    file_name: String,
}

#[derive(Template)]
#[template(path = "warehouse.html")]
struct WarehousePage {
    portal: Portal,
    /// The organisation whose warehouse this is, for an organisation account.
    organisation: Option<String>,
    documents: Vec<WarehouseRow>,
    shared: Option<(String, String)>,
}

async fn warehouse_page(
    state: &AppState,
    caller: &Caller,
    shared: Option<(String, String)>,
) -> Result<Response, PageError> {
    let documents = state
        .app
        .warehouse(&caller.principal())
        .await?
        .into_iter()
        .map(|d| WarehouseRow {
            id: d.id,
            title: d.title,
            result_code: d.result_code,
            source_label: d.source_label,
            issued: d.issued_on.as_ref().map_or_else(|| "—".to_owned(), date_vi),
            file_name: d.file_name,
        })
        .collect();
    let organisation = caller.citizen.as_ref().and_then(|c| c.organisation.as_ref()).map(|o| o.name.clone());
    render(&WarehousePage { portal: Portal::of(&state.config.portal_name, caller), organisation, documents, shared })
}

/// `GET /ca-nhan/kho-du-lieu` — the logged-in citizen's warehouse.
pub async fn warehouse(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    warehouse_page(&state, &caller, None).await
}

/// The share form.
#[derive(Deserialize)]
pub struct ShareForm {
    days: i64,
}

/// `POST /ca-nhan/kho-du-lieu/{id}/chia-se`
pub async fn share(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    PageForm(form): PageForm<ShareForm>,
) -> Result<Response, PageError> {
    let share = state.app.share_document(&caller.ctx(), id, form.days).await?;
    warehouse_page(&state, &caller, Some((format!("/chia-se/{}", share.token), instant_vi(&share.expires_at)))).await
}
