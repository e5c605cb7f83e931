//! Documents: the files of dossiers (uploaded, digitised at the counter, reused, taken from the warehouse), the
//! electronic results signed by their issuing unit, the personal data warehouse of each citizen and organisation,
//! share links, and the fixity check (spec §4).
//!
//! Bytes first, metadata second: a file is streamed into the object store at its content address before its row
//! is written, so a row never points at missing bytes; bytes left without a row (a crash between the two writes)
//! are orphans that [`App::check_fixity`] removes once they are older than [`store::ORPHAN_GRACE`].
//!
//! Access follows the dossier: whoever may see a dossier (`App::dossier`) may see its files; the warehouse is its
//! owner's alone; results are issued by officers whose grants reach the dossier.

pub mod clamd;
pub mod sign;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use futures::Stream;
use futures::stream::BoxStream;
use motcua_domain::access::{Principal, Role};
use motcua_domain::catalogue::{Procedure, ProcedureCode};
use motcua_domain::document::{
    self as rules, Accept, HeldDocument, NationalFlags, Owner, Source, Verdict, human_size, result_statement,
};
use motcua_domain::unit::UnitId;
use motcua_storage::documents::{self as db, DocumentRecord, ShareRecord, SigningKeyRecord};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use sign::{DetachedSignature, ResultSigner, UnitKeys};
pub use store::{Backend, ObjectFiles, S3Config, Stored};

use crate::App;
use crate::dossiers::DossierView;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::record::{self, Change, Ctx};

/// Settings of the document store.
#[derive(Debug, Clone)]
pub struct DocumentsConfig {
    /// Where the bytes go.
    pub backend: Backend,
    /// Largest file accepted; a procedure may set a smaller limit for its own files (`reception.max_file_bytes`).
    pub max_file_bytes: u64,
    /// `host:port` of a ClamAV daemon every file must pass, if any.
    pub clamd: Option<String>,
    /// Directory of the units' result-signing keys.
    pub keys_dir: PathBuf,
    /// Generate a missing unit key there (the embedded default); otherwise signing without a key fails.
    pub generate_keys: bool,
}

/// The document store: bytes, limits and the result signer.
pub struct Documents {
    files: ObjectFiles,
    max_file_bytes: u64,
    signer: Arc<dyn ResultSigner>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents").field("files", &self.files).field("max_file_bytes", &self.max_file_bytes).finish()
    }
}

impl Documents {
    /// Opens the store with the embedded per-unit keys, sealed with the process's random secrets key of
    /// [`crate::AppConfig::default`] — right for tests only; the binary uses [`Documents::open_sealed`].
    pub fn open(config: &DocumentsConfig) -> Result<Self, AppError> {
        Self::open_sealed(config, crate::AppConfig::default().secrets)
    }

    /// Opens the store with the embedded per-unit keys, their files sealed with `secrets`.
    pub fn open_sealed(config: &DocumentsConfig, secrets: Arc<crate::secrets::SecretBox>) -> Result<Self, AppError> {
        Ok(Self {
            files: ObjectFiles::open(&config.backend, config.clamd.clone())?,
            max_file_bytes: config.max_file_bytes,
            signer: Arc::new(UnitKeys::new(config.keys_dir.clone(), config.generate_keys, secrets)),
        })
    }

    /// Replaces the signer (a CA-based or remote-signing service).
    pub fn with_signer(mut self, signer: Arc<dyn ResultSigner>) -> Self {
        self.signer = signer;
        self
    }

    /// The object store.
    pub fn files(&self) -> &ObjectFiles {
        &self.files
    }

    /// The size limit.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }
}

/// A document as shown to people allowed to see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentView {
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
    /// Media type from the bytes.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Size for people.
    pub size_label: String,
    /// SHA-256 of the bytes (the checksum printed on the receipt).
    pub sha256: String,
    /// How it was supplied.
    pub source: Source,
    /// Vietnamese name of the source.
    pub source_label: &'static str,
    /// National flags of the component it supplies.
    pub flags: NationalFlags,
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

fn view(r: &DocumentRecord) -> DocumentView {
    let source = Source::parse(&r.source).unwrap_or(Source::Uploaded);
    DocumentView {
        id: r.id,
        dossier_id: r.dossier_id,
        component_key: r.component_key.clone(),
        title: r.title.clone(),
        file_name: r.file_name.clone(),
        media_type: r.media_type.clone(),
        size_bytes: r.size_bytes,
        size_label: human_size(u64::try_from(r.size_bytes).unwrap_or(0)),
        sha256: r.sha256.clone(),
        source,
        source_label: source.label_vi(),
        flags: source.national_flags(),
        doc_type: r.doc_type.clone(),
        owner: r.owner_id.clone(),
        issuer: r.issuer.clone(),
        issued_on: r.issued_on,
        valid_to: r.valid_to,
        digitised_by: r.digitised_by.clone(),
        in_warehouse: r.in_warehouse,
        origin_document_id: r.origin_document_id,
        result_code: r.result_code.clone(),
        result_of: r.result_of.clone(),
        signed_at: r.signed_at,
        signature_key_id: r.signature_key_id.clone(),
        created_at: r.created_at,
    }
}

fn held(r: &DocumentRecord) -> HeldDocument {
    HeldDocument {
        doc_type: r.doc_type.clone(),
        result_of: r.result_of.as_deref().and_then(|c| ProcedureCode::parse(c).ok()),
        issued_on: r.issued_on,
        valid_to: r.valid_to,
    }
}

/// What is said about a file when it is uploaded.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct UploadMeta {
    /// The file's name as the sender has it (kept for people; never trusted for the type).
    pub file_name: String,
    /// `uploaded` (default), `digitised` (a paper scanned at the counter) or `reused`.
    #[serde(default)]
    pub source: Option<String>,
    /// What it is; defaults to the component's name.
    #[serde(default)]
    pub title: Option<String>,
    /// Warehouse document type, if it is one (`birth_certificate` …).
    #[serde(default)]
    pub doc_type: Option<String>,
    /// The issuer as written on the paper.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Issue date.
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    /// Last valid day.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// A component of a dossier with the files that supply it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentFiles {
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
    pub documents: Vec<DocumentView>,
    /// The national flags of the component (any of its files).
    pub flags: NationalFlags,
}

/// The verdict on an electronic result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    /// Valid, tampered or unknown.
    pub verdict: Verdict,
    /// Vietnamese explanation.
    pub message: &'static str,
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

/// A share link just made: the token is shown once and stored only as its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    /// The secret token of the link `/chia-se/<token>`.
    pub token: String,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
}

/// Warehouse documents that can stand in for a component of a procedure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    /// Component key.
    pub component_key: String,
    /// Component name.
    pub component_name: String,
    /// Matching valid documents.
    pub documents: Vec<DocumentView>,
}

/// What the fixity check found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FixityReport {
    /// Distinct contents checked.
    pub checked: usize,
    /// Digests whose bytes are gone.
    pub missing: Vec<String>,
    /// Digests whose bytes no longer hash to them.
    pub altered: Vec<String>,
    /// Objects without metadata older than the grace period.
    pub orphans: Vec<String>,
    /// Orphans removed (with `clean_orphans`).
    pub orphans_removed: usize,
}

impl FixityReport {
    /// Whether every stored content is present and intact.
    pub fn is_intact(&self) -> bool {
        self.missing.is_empty() && self.altered.is_empty()
    }
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
}

/// The warehouse owner a principal acts as.
fn owner_of(principal: &Principal) -> Result<Owner, AppError> {
    match principal {
        Principal::Citizen { id_number } => Ok(Owner::Person(id_number.clone())),
        Principal::Organisation { tax_code, .. } => Ok(Owner::Organisation(tax_code.clone())),
        Principal::Anonymous => Err(AppError::code(ErrorCode::Unauthenticated)),
        _ => Err(AppError::detailed(ErrorCode::Forbidden, "Kho dữ liệu chỉ dành cho công dân, tổ chức chủ sở hữu.")),
    }
}

/// Whose warehouse a dossier's documents belong to: the organisation's for an organisation's dossier, else the
/// applicant's.
fn applicant_owner(a: &crate::dossiers::Applicant) -> Owner {
    match &a.organisation {
        Some(o) => Owner::Organisation(o.tax_code.clone()),
        None => Owner::Person(a.id_number.clone()),
    }
}

fn owned_by(r: &DocumentRecord, owner: &Owner) -> bool {
    r.owner_kind.as_deref() == Some(owner.kind()) && r.owner_id.as_deref() == Some(owner.id())
}

/// A file refused for its size names the procedure's own limit when that one, smaller than the store's, applied.
fn procedure_limit(e: AppError, p: &Procedure, global: u64) -> AppError {
    match p.reception.max_file_bytes {
        Some(own) if own < global && e.error_code() == ErrorCode::FileTooLarge => AppError::detailed(
            ErrorCode::FileTooLarge,
            format!(
                "Tệp vượt quá dung lượng tối đa {} cho mỗi tệp của thủ tục {}; vui lòng giảm dung lượng tệp (ví dụ quét với độ phân giải thấp hơn) rồi gửi lại.",
                human_size(own),
                p.code
            ),
        ),
        _ => e,
    }
}

/// Roles that may digitise and attach files at reception.
const RECEPTION_ROLES: [Role; 2] = [Role::Reception, Role::Handler];
/// Roles that may issue a dossier's electronic result.
const RESULT_ROLES: [Role; 4] = [Role::Handler, Role::DepartmentHead, Role::AgencyHead, Role::Clerk];

/// Length of a result code after `KQ`.
const RESULT_CODE_LEN: usize = 10;

fn new_result_code() -> String {
    // Crockford base32 without I, L, O, U: easy to read aloud and type.
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut code = String::from("KQ");
    for _ in 0..RESULT_CODE_LEN {
        code.push(char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]));
    }
    code
}

impl App {
    /// The document store, or `unavailable` when none was configured.
    pub fn documents(&self) -> Result<&Documents, AppError> {
        self.documents
            .as_deref()
            .ok_or_else(|| AppError::detailed(ErrorCode::Unavailable, "Kho lưu trữ tệp chưa được cấu hình."))
    }

    /// The roles an officer holds over a dossier's units (the grants reaching its owner, competent or receiving
    /// unit), after [`App::dossier`] has let them see it.
    fn roles_on(&self, principal: &Principal, d: &DossierView) -> Vec<Role> {
        crate::dossiers::roles_over(principal, &self.tree(), &[&d.owner_unit, &d.competent_unit, &d.receiving_unit])
    }

    async fn procedure_of(&self, d: &DossierView) -> Result<Procedure, AppError> {
        Ok(self.procedure(&Principal::System, &d.procedure, Some(d.procedure_version)).await?.procedure)
    }

    fn province_of(&self, unit: &str) -> String {
        UnitId::parse(unit)
            .ok()
            .and_then(|u| self.tree().province_of(&u).map(|p| p.id.to_string()))
            .unwrap_or_else(|| "vn".into())
    }

    async fn save_document(
        &self,
        ctx: &Ctx,
        record: DocumentRecord,
        action: &'static str,
    ) -> Result<DocumentView, AppError> {
        self.save_with_key(ctx, record, None, action).await
    }

    async fn save_with_key(
        &self,
        ctx: &Ctx,
        record: DocumentRecord,
        key: Option<SigningKeyRecord>,
        action: &'static str,
    ) -> Result<DocumentView, AppError> {
        let (tree, ctx, now) = (self.tree(), ctx.clone(), self.now());
        // The event belongs to the issuing unit, else to the unit whose province holds the record.
        let unit = record.issuer_unit_id.as_deref().and_then(|u| UnitId::parse(u).ok());
        let saved = self
            .db()
            .write(move |tx| {
                Box::pin(async move {
                    if let Some(key) = &key {
                        db::register_key(tx, key).await?;
                    }
                    db::insert(tx, &record).await?;
                    let payload = serde_json::json!({
                        "dossier_id": record.dossier_id,
                        "component_key": record.component_key,
                        "sha256": record.sha256,
                        "size_bytes": record.size_bytes,
                        "source": record.source,
                        "result_code": record.result_code,
                    });
                    let change =
                        Change { subject_type: "document", subject_id: record.id.to_string(), action, unit, payload };
                    record::event(tx, &tree, now, &ctx, change).await?;
                    Ok::<_, AppError>(record)
                })
            })
            .await?;
        Ok(view(&saved))
    }

    /// Streams a file into a dossier's component: uploaded by the applicant, or uploaded, digitised or reused by
    /// a reception officer whose grants reach the dossier. The bytes are checked (size, type from the bytes,
    /// antivirus if configured) while they arrive; nothing is kept of a refused or broken-off upload.
    pub async fn upload_component_file<S, B, E>(
        &self,
        ctx: &Ctx,
        dossier_id: Uuid,
        component_key: &str,
        meta: UploadMeta,
        body: S,
    ) -> Result<DocumentView, AppError>
    where
        S: Stream<Item = Result<B, E>> + Send,
        B: AsRef<[u8]> + Send,
        E: std::fmt::Display + Send,
    {
        let docs = self.documents()?;
        let d = self.dossier(&ctx.principal, dossier_id).await?;
        let source = match meta.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Source::Uploaded,
            Some(raw) => Source::parse(raw)
                .filter(|s| matches!(s, Source::Uploaded | Source::Digitised | Source::Reused))
                .ok_or_else(|| invalid("source", "Nguồn tài liệu phải là tải lên, số hóa hoặc tái sử dụng."))?,
        };
        match &ctx.principal {
            Principal::Officer { .. } => {
                if !self.roles_on(&ctx.principal, &d).iter().any(|r| RECEPTION_ROLES.contains(r)) {
                    return Err(AppError::detailed(
                        ErrorCode::Forbidden,
                        "Chỉ cán bộ tiếp nhận hoặc thụ lý hồ sơ mới được số hóa thành phần hồ sơ.",
                    ));
                }
            }
            Principal::Citizen { .. } if source == Source::Uploaded => {}
            Principal::Citizen { .. } => {
                return Err(invalid("source", "Công dân chỉ tải lên tệp; việc số hóa do cán bộ tiếp nhận thực hiện."));
            }
            _ => return Err(AppError::code(ErrorCode::Forbidden)),
        }
        let p = self.procedure_of(&d).await?;
        let component = p
            .components
            .iter()
            .find(|c| c.key == component_key)
            .ok_or_else(|| invalid("component_key", "Thủ tục không có thành phần hồ sơ này."))?;
        let file_name = clean_name(&meta.file_name)?;
        let stored = docs
            .files
            .put_stream(body, p.reception.file_limit(docs.max_file_bytes), Accept { xml: false })
            .await
            .map_err(|e| procedure_limit(e, &p, docs.max_file_bytes))?;
        let now = self.now();
        let officer = match &ctx.principal {
            Principal::Officer { id, .. } => Some(id.to_string()),
            _ => None,
        };
        let record = DocumentRecord {
            id: Uuid::now_v7(),
            province_id: self.province_of(&d.competent_unit),
            owner_kind: Some(applicant_owner(&d.applicant).kind().into()),
            owner_id: Some(applicant_owner(&d.applicant).id().into()),
            dossier_id: Some(d.id),
            component_key: Some(component.key.clone()),
            doc_type: meta.doc_type.filter(|t| !t.trim().is_empty()),
            title: meta.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| component.name.clone()),
            file_name,
            media_type: stored.kind.media_type().into(),
            size_bytes: i64::try_from(stored.size).unwrap_or(i64::MAX),
            sha256: stored.sha256,
            source: source.as_str().into(),
            issuer: meta.issuer.filter(|t| !t.trim().is_empty()),
            issuer_unit_id: None,
            issued_on: meta.issued_on,
            valid_to: meta.valid_to,
            digitised_by: if source == Source::Digitised { officer } else { None },
            origin_document_id: None,
            in_warehouse: source.enters_warehouse(),
            result_code: None,
            result_of: None,
            signature_key_id: None,
            signature: None,
            signed_at: None,
            created_by: Some(ctx.principal.key()),
            created_at: now,
        };
        self.save_document(ctx, record, "document.stored").await
    }

    /// The largest file accepted for a dossier: its procedure's limit if smaller than the store's.
    pub async fn dossier_file_limit(&self, principal: &Principal, dossier_id: Uuid) -> Result<u64, AppError> {
        let docs = self.documents()?;
        let d = self.dossier(principal, dossier_id).await?;
        Ok(self.procedure_of(&d).await?.reception.file_limit(docs.max_file_bytes))
    }

    /// The files of a dossier, for whoever may see the dossier.
    pub async fn dossier_files(&self, principal: &Principal, dossier_id: Uuid) -> Result<Vec<DocumentView>, AppError> {
        self.dossier(principal, dossier_id).await?;
        let mut tx = self.db().read().await?;
        let rows = db::of_dossier(&mut tx, dossier_id).await?;
        tx.commit().await?;
        Ok(rows.iter().map(view).collect())
    }

    /// A dossier's components with their files and national flags.
    pub async fn dossier_components(
        &self,
        principal: &Principal,
        dossier_id: Uuid,
    ) -> Result<Vec<ComponentFiles>, AppError> {
        let d = self.dossier(principal, dossier_id).await?;
        let p = self.procedure_of(&d).await?;
        let files = self.dossier_files(principal, dossier_id).await?;
        Ok(p.components
            .iter()
            .map(|c| {
                let documents: Vec<DocumentView> =
                    files.iter().filter(|f| f.component_key.as_deref() == Some(&c.key)).cloned().collect();
                let flags = documents.iter().fold(NationalFlags::default(), |a, f| NationalFlags {
                    digitised: a.digitised || f.flags.digitised,
                    reused: a.reused || f.flags.reused,
                    from_warehouse: a.from_warehouse || f.flags.from_warehouse,
                });
                ComponentFiles {
                    key: c.key.clone(),
                    name: c.name.clone(),
                    mandatory: c.mandatory,
                    must_digitise: c.must_digitise,
                    received: d.components.contains(&c.key),
                    documents,
                    flags,
                }
            })
            .collect())
    }

    async fn readable(&self, principal: &Principal, id: Uuid) -> Result<DocumentRecord, AppError> {
        let mut tx = self.db().read().await?;
        let record = db::get(&mut tx, id).await?;
        tx.commit().await?;
        let not_found =
            || AppError::detailed(ErrorCode::NotFound, "Không tìm thấy tài liệu hoặc bạn không có quyền xem.");
        let record = record.ok_or_else(not_found)?;
        let allowed = match principal {
            Principal::System => true,
            Principal::Citizen { .. } | Principal::Organisation { .. } => {
                owner_of(principal).is_ok_and(|o| owned_by(&record, &o))
                    || match record.dossier_id {
                        Some(dossier) => self.dossier(principal, dossier).await.is_ok(),
                        None => false,
                    }
            }
            Principal::Officer { .. } => match record.dossier_id {
                Some(dossier) => self.dossier(principal, dossier).await.is_ok(),
                None => false,
            },
            Principal::Anonymous => return Err(AppError::code(ErrorCode::Unauthenticated)),
        };
        if allowed { Ok(record) } else { Err(not_found()) }
    }

    /// A document and its bytes (streamed), for its owner or whoever may see its dossier.
    pub async fn document_content(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<(DocumentView, BoxStream<'static, Result<bytes::Bytes, std::io::Error>>), AppError> {
        let docs = self.documents()?;
        let record = self.readable(principal, id).await?;
        let stream = docs.files.open_stream(&record.sha256).await?;
        Ok((view(&record), stream))
    }

    /// Stores a small generated file (a receipt PDF …) for a dossier; no upload checks beyond the type.
    pub async fn put_generated_file(
        &self,
        ctx: &Ctx,
        dossier_id: Uuid,
        title: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<DocumentView, AppError> {
        let docs = self.documents()?;
        let d = self.dossier(&ctx.principal, dossier_id).await?;
        let stored = docs.files.put_bytes(bytes, Accept { xml: true }).await?;
        let record = DocumentRecord {
            id: Uuid::now_v7(),
            province_id: self.province_of(&d.competent_unit),
            owner_kind: Some(applicant_owner(&d.applicant).kind().into()),
            owner_id: Some(applicant_owner(&d.applicant).id().into()),
            dossier_id: Some(d.id),
            component_key: None,
            doc_type: None,
            title: title.into(),
            file_name: clean_name(file_name)?,
            media_type: stored.kind.media_type().into(),
            size_bytes: i64::try_from(stored.size).unwrap_or(i64::MAX),
            sha256: stored.sha256,
            source: Source::Uploaded.as_str().into(),
            issuer: None,
            issuer_unit_id: None,
            issued_on: None,
            valid_to: None,
            digitised_by: None,
            origin_document_id: None,
            in_warehouse: false,
            result_code: None,
            result_of: None,
            signature_key_id: None,
            signature: None,
            signed_at: None,
            created_by: Some(ctx.principal.key()),
            created_at: self.now(),
        };
        self.save_document(ctx, record, "document.stored").await
    }

    /// Issues a dossier's electronic result: the file is streamed into the store, signed by the competent unit
    /// (detached signature over its SHA-256, code and issuer), and pushed into the applicant's warehouse.
    pub async fn issue_result<S, B, E>(
        &self,
        ctx: &Ctx,
        dossier_id: Uuid,
        file_name: &str,
        body: S,
    ) -> Result<DocumentView, AppError>
    where
        S: Stream<Item = Result<B, E>> + Send,
        B: AsRef<[u8]> + Send,
        E: std::fmt::Display + Send,
    {
        let docs = self.documents()?;
        let d = self.dossier(&ctx.principal, dossier_id).await?;
        if !self.roles_on(&ctx.principal, &d).iter().any(|r| RESULT_ROLES.contains(r)) {
            return Err(AppError::detailed(
                ErrorCode::Forbidden,
                "Chỉ chuyên viên thụ lý, lãnh đạo hoặc văn thư của đơn vị giải quyết mới được phát hành kết quả.",
            ));
        }
        // A result belongs to a dossier being settled: accepted and not yet returned, paused or closed.
        {
            use motcua_domain::dossier::Status;
            if !matches!(d.status, Status::Accepted | Status::Processing | Status::Processed) {
                return Err(AppError::detailed(
                    ErrorCode::InvalidInput,
                    format!(
                        "Không thể phát hành kết quả cho hồ sơ ở trạng thái \"{}\": chỉ hồ sơ đã tiếp nhận, đang giải \
                         quyết hoặc đã giải quyết xong chờ trả mới có kết quả.",
                        d.status.label_vi()
                    ),
                ));
            }
        }
        let p = self.procedure_of(&d).await?;
        let file_name = clean_name(file_name)?;
        let stored = docs
            .files
            .put_stream(body, p.reception.file_limit(docs.max_file_bytes), Accept { xml: true })
            .await
            .map_err(|e| procedure_limit(e, &p, docs.max_file_bytes))?;
        let unit = UnitId::parse(&d.competent_unit).map_err(|_| AppError::code(ErrorCode::Internal))?;
        let now = self.now();
        let code = new_result_code();
        let statement = result_statement(&code, unit.as_str(), &stored.sha256, now);
        let signature = docs.signer.sign(&unit, statement.as_bytes()).await?;
        let key = SigningKeyRecord {
            key_id: signature.key_id.clone(),
            unit_id: unit.to_string(),
            algorithm: signature.algorithm.clone(),
            public_key: signature.public_key.clone(),
            created_at: now,
        };
        let result = p.result.as_ref();
        let record = DocumentRecord {
            id: Uuid::now_v7(),
            province_id: self.province_of(unit.as_str()),
            owner_kind: Some(applicant_owner(&d.applicant).kind().into()),
            owner_id: Some(applicant_owner(&d.applicant).id().into()),
            dossier_id: Some(d.id),
            component_key: None,
            doc_type: result.and_then(|r| r.document_type.clone()),
            title: result.map_or_else(|| format!("Kết quả thủ tục {}", p.code), |r| r.name.clone()),
            file_name,
            media_type: stored.kind.media_type().into(),
            size_bytes: i64::try_from(stored.size).unwrap_or(i64::MAX),
            sha256: stored.sha256,
            source: Source::Result.as_str().into(),
            issuer: self.tree().get(&unit).map(|u| u.name.clone()),
            issuer_unit_id: Some(unit.to_string()),
            issued_on: Some(motcua_domain::time::local_date(now)),
            valid_to: None,
            digitised_by: None,
            origin_document_id: None,
            in_warehouse: true,
            result_code: Some(code),
            result_of: Some(p.code.to_string()),
            signature_key_id: Some(signature.key_id),
            signature: Some(signature.signature),
            signed_at: Some(now),
            created_by: Some(ctx.principal.key()),
            created_at: now,
        };
        self.save_with_key(ctx, record, Some(key), "document.result_issued").await
    }

    /// Checks a result's signature against the registered key and, if given, that `sha256` is its content.
    async fn verdict_on(&self, r: &DocumentRecord, sha256: &str) -> Result<Verdict, AppError> {
        let (Some(code), Some(unit), Some(key_id), Some(signature), Some(signed_at)) =
            (&r.result_code, &r.issuer_unit_id, &r.signature_key_id, &r.signature, r.signed_at)
        else {
            return Ok(Verdict::Tampered);
        };
        let mut tx = self.db().read().await?;
        let key = db::key(&mut tx, key_id).await?;
        tx.commit().await?;
        let Some(key) = key.filter(|k| &k.unit_id == unit) else { return Ok(Verdict::Tampered) };
        let statement = result_statement(code, unit, sha256, signed_at);
        Ok(if sign::verify(&key.algorithm, &key.public_key, statement.as_bytes(), signature) {
            Verdict::Valid
        } else {
            Verdict::Tampered
        })
    }

    fn verification(&self, verdict: Verdict, r: Option<&DocumentRecord>, sha256: Option<String>) -> Verification {
        Verification {
            verdict,
            message: verdict.label_vi(),
            code: r.and_then(|r| r.result_code.clone()),
            issuer: r.and_then(|r| r.issuer.clone()),
            signed_at: r.and_then(|r| r.signed_at),
            procedure: r.and_then(|r| r.result_of.clone()),
            sha256,
        }
    }

    /// Public verification of an electronic result by its code, by the SHA-256 of a copy someone holds, or both.
    /// With a code alone the stored bytes are re-hashed, so damage in the store shows too.
    pub async fn verify_result(
        &self,
        code: Option<&str>,
        copy_sha256: Option<String>,
    ) -> Result<Verification, AppError> {
        let code = code.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
        let mut tx = self.db().read().await?;
        let record = match (&code, &copy_sha256) {
            (Some(code), _) => db::by_result_code(&mut tx, code).await?,
            (None, Some(sha)) => db::results_with_digest(&mut tx, sha).await?.into_iter().next(),
            (None, None) => {
                tx.commit().await?;
                return Err(invalid("code", "Vui lòng nhập mã kết quả hoặc chọn tệp cần kiểm tra."));
            }
        };
        tx.commit().await?;
        let Some(record) = record else { return Ok(self.verification(Verdict::Unknown, None, copy_sha256)) };
        let sha = match copy_sha256 {
            Some(sha) => sha,
            None => match self.documents()?.files.rehash(&record.sha256).await? {
                Some((sha, _)) => sha,
                None => String::new(),
            },
        };
        let verdict = self.verdict_on(&record, &sha).await?;
        Ok(self.verification(verdict, Some(&record), Some(sha)))
    }

    /// The SHA-256 of an uploaded copy, streamed and not stored (for [`App::verify_result`]).
    pub async fn hash_copy<S, B, E>(&self, body: S) -> Result<String, AppError>
    where
        S: Stream<Item = Result<B, E>> + Send,
        B: AsRef<[u8]> + Send,
        E: std::fmt::Display + Send,
    {
        ObjectFiles::hash_stream(body, self.documents()?.max_file_bytes).await
    }

    /// The caller's warehouse: valid results and digitised papers, newest first.
    pub async fn warehouse(&self, principal: &Principal) -> Result<Vec<DocumentView>, AppError> {
        let owner = owner_of(principal)?;
        let mut tx = self.db().read().await?;
        let rows = db::warehouse(&mut tx, owner.kind(), owner.id()).await?;
        tx.commit().await?;
        let today = motcua_domain::time::local_date(self.now());
        Ok(rows.iter().filter(|r| rules::valid_on(r.issued_on, r.valid_to, today)).map(view).collect())
    }

    /// Makes a time-limited link to one of the caller's warehouse documents.
    pub async fn share_document(&self, ctx: &Ctx, id: Uuid, days: i64) -> Result<Share, AppError> {
        let owner = owner_of(&ctx.principal)?;
        if !(1..=rules::MAX_SHARE_DAYS).contains(&days) {
            return Err(invalid("days", format!("Thời hạn chia sẻ từ 1 đến {} ngày.", rules::MAX_SHARE_DAYS)));
        }
        let mut tx = self.db().read().await?;
        let record = db::get(&mut tx, id).await?;
        tx.commit().await?;
        let record = record
            .filter(|r| r.in_warehouse && owned_by(r, &owner))
            .ok_or_else(|| AppError::detailed(ErrorCode::NotFound, "Không tìm thấy tài liệu trong kho của bạn."))?;
        let token = hex::encode(rand::random::<[u8; 32]>());
        let now = self.now();
        let share = ShareRecord {
            token_hash: hex::encode(Sha256::digest(token.as_bytes())),
            document_id: record.id,
            created_by: ctx.principal.key(),
            expires_at: now + chrono::Duration::days(days),
            created_at: now,
        };
        let (tree, ctx2, expires_at) = (self.tree(), ctx.clone(), share.expires_at);
        self.db()
            .write(move |tx| {
                Box::pin(async move {
                    db::insert_share(tx, &share).await?;
                    let payload = serde_json::json!({ "expires_at": share.expires_at });
                    let change = Change {
                        subject_type: "document",
                        subject_id: share.document_id.to_string(),
                        action: "document.shared",
                        unit: None,
                        payload,
                    };
                    record::event(tx, &tree, now, &ctx2, change).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        Ok(Share { token, expires_at })
    }

    /// Opens a share link: the document and its bytes, or `share_link_expired` once its time is over.
    pub async fn open_share(
        &self,
        token: &str,
    ) -> Result<(DocumentView, BoxStream<'static, Result<bytes::Bytes, std::io::Error>>), AppError> {
        let docs = self.documents()?;
        let hash = hex::encode(Sha256::digest(token.trim().as_bytes()));
        let mut tx = self.db().read().await?;
        let share = db::share(&mut tx, &hash).await?;
        let record = match &share {
            Some(s) => db::get(&mut tx, s.document_id).await?,
            None => None,
        };
        tx.commit().await?;
        let (Some(share), Some(record)) = (share, record) else {
            return Err(AppError::detailed(ErrorCode::NotFound, "Liên kết chia sẻ không tồn tại."));
        };
        if !rules::share_open(share.expires_at, self.now()) {
            return Err(AppError::detailed(
                ErrorCode::ShareLinkExpired,
                format!(
                    "Liên kết chia sẻ đã hết hạn lúc {}; vui lòng đề nghị chủ sở hữu chia sẻ lại.",
                    motcua_domain::time::to_local(share.expires_at).format("%H:%M %d/%m/%Y")
                ),
            ));
        }
        let stream = docs.files.open_stream(&record.sha256).await?;
        Ok((view(&record), stream))
    }

    async fn warehouse_of(&self, owner: &Owner) -> Result<Vec<DocumentRecord>, AppError> {
        let mut tx = self.db().read().await?;
        let rows = db::warehouse(&mut tx, owner.kind(), owner.id()).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// For each component of a procedure (and case) that the warehouse can replace, the caller's matching valid
    /// documents: offered instead of an upload when filing.
    pub async fn warehouse_offers(
        &self,
        principal: &Principal,
        procedure: &str,
        case: Option<&str>,
    ) -> Result<Vec<Offer>, AppError> {
        let owner = owner_of(principal)?;
        let p = self.procedure(&Principal::Anonymous, procedure, None).await?.procedure;
        let rows = self.warehouse_of(&owner).await?;
        let today = motcua_domain::time::local_date(self.now());
        Ok(p.components_for(case)
            .filter_map(|c| {
                let documents: Vec<DocumentView> =
                    rows.iter().filter(|r| rules::substitutes(c, &held(r), today)).map(view).collect();
                (!documents.is_empty()).then(|| Offer {
                    component_key: c.key.clone(),
                    component_name: c.name.clone(),
                    documents,
                })
            })
            .collect())
    }

    /// Attaches a warehouse document to a dossier's component instead of an upload (recorded as "from the
    /// warehouse", `DuocLayTuKhoDMQG`): by its owner on their own dossier, or by a reception officer of the
    /// dossier for its applicant's document. The bytes are not copied; a result's signature must verify.
    pub async fn attach_from_warehouse(
        &self,
        ctx: &Ctx,
        dossier_id: Uuid,
        component_key: &str,
        document_id: Uuid,
    ) -> Result<DocumentView, AppError> {
        let d = self.dossier(&ctx.principal, dossier_id).await?;
        if matches!(ctx.principal, Principal::Officer { .. })
            && !self.roles_on(&ctx.principal, &d).iter().any(|r| RECEPTION_ROLES.contains(r))
        {
            return Err(AppError::code(ErrorCode::Forbidden));
        }
        let owner = applicant_owner(&d.applicant);
        let mut tx = self.db().read().await?;
        let source = db::get(&mut tx, document_id).await?;
        tx.commit().await?;
        let source = source
            .filter(|r| r.in_warehouse && owned_by(r, &owner))
            .ok_or_else(|| invalid("document_id", "Không tìm thấy tài liệu này trong Kho dữ liệu của người nộp."))?;
        let p = self.procedure_of(&d).await?;
        let component = p
            .components
            .iter()
            .find(|c| c.key == component_key)
            .ok_or_else(|| invalid("component_key", "Thủ tục không có thành phần hồ sơ này."))?;
        let today = motcua_domain::time::local_date(self.now());
        if !rules::substitutes(component, &held(&source), today) {
            return Err(invalid(
                "document_id",
                format!(
                    "Tài liệu \"{}\" không dùng thay được thành phần \"{}\" hoặc đã hết hiệu lực.",
                    source.title, component.name
                ),
            ));
        }
        if source.result_code.is_some() && self.verdict_on(&source, &source.sha256).await? != Verdict::Valid {
            return Err(AppError::detailed(
                ErrorCode::SignatureInvalid,
                "Chữ ký của kết quả điện tử không khớp; không thể dùng tài liệu này.",
            ));
        }
        let record = DocumentRecord {
            id: Uuid::now_v7(),
            province_id: self.province_of(&d.competent_unit),
            dossier_id: Some(d.id),
            component_key: Some(component.key.clone()),
            source: Source::Warehouse.as_str().into(),
            origin_document_id: Some(source.id),
            in_warehouse: false,
            result_code: None,
            signature_key_id: None,
            signature: None,
            signed_at: None,
            digitised_by: None,
            created_by: Some(ctx.principal.key()),
            created_at: self.now(),
            ..source
        };
        self.save_document(ctx, record, "document.attached_from_warehouse").await
    }

    /// The keys of `requested` components of a dossier that may not be demanded again in a supplement request,
    /// because a valid document in the applicant's warehouse stands in for them (spec §4.1). Pure rule:
    /// `motcua_domain::document::not_demandable`.
    pub async fn components_held_in_warehouse(
        &self,
        principal: &Principal,
        dossier_id: Uuid,
        requested: &[String],
    ) -> Result<Vec<String>, AppError> {
        let d = self.dossier(principal, dossier_id).await?;
        let p = self.procedure_of(&d).await?;
        let rows = self.warehouse_of(&applicant_owner(&d.applicant)).await?;
        let held: Vec<HeldDocument> = rows.iter().map(held).collect();
        let today = motcua_domain::time::local_date(self.now());
        Ok(rules::not_demandable(&p.components, requested, &held, today).iter().map(|c| c.key.clone()).collect())
    }

    /// Refuses a supplement request that demands a component the warehouse already holds
    /// (`component_in_warehouse`, naming them).
    pub async fn check_supplement_request(
        &self,
        principal: &Principal,
        dossier_id: Uuid,
        requested: &[String],
    ) -> Result<(), AppError> {
        let held = self.components_held_in_warehouse(principal, dossier_id, requested).await?;
        if held.is_empty() {
            return Ok(());
        }
        Err(AppError::Coded {
            code: ErrorCode::ComponentInWarehouse,
            detail: Some(format!(
                "Không được yêu cầu bổ sung lại thành phần đã có trong Kho dữ liệu của người nộp: {}.",
                held.join(", ")
            )),
        })
    }

    /// Re-hashes every stored content and reports the missing and altered ones; with `clean_orphans`, removes
    /// objects without metadata (and abandoned temporary objects) older than [`store::ORPHAN_GRACE`].
    pub async fn check_fixity(&self, clean_orphans: bool) -> Result<FixityReport, AppError> {
        let docs = self.documents()?;
        let mut tx = self.db().read().await?;
        let digests = db::digests(&mut tx).await?;
        tx.commit().await?;
        let mut report = FixityReport::default();
        let mut seen = std::collections::BTreeSet::new();
        for (sha, size) in digests {
            if !seen.insert(sha.clone()) {
                continue;
            }
            report.checked += 1;
            match docs.files.rehash(&sha).await? {
                None => report.missing.push(sha),
                Some((actual, actual_size)) if actual != sha || i64::try_from(actual_size).ok() != Some(size) => {
                    report.altered.push(sha);
                }
                Some(_) => {}
            }
        }
        let grace = chrono::Duration::from_std(store::ORPHAN_GRACE).unwrap_or_else(|_| chrono::Duration::hours(1));
        for (key, digest) in docs.files.stale_objects(self.now() - grace).await? {
            let orphan = match &digest {
                Some(sha) => {
                    !seen.contains(sha) && {
                        let mut tx = self.db().read().await?;
                        let referenced = db::digest_is_referenced(&mut tx, sha).await?;
                        tx.commit().await?;
                        !referenced
                    }
                }
                None => true,
            };
            if orphan {
                if clean_orphans {
                    docs.files.delete(&key).await?;
                    report.orphans_removed += 1;
                }
                report.orphans.push(key);
            }
        }
        Ok(report)
    }
}

/// The file name as people gave it, without any path, checked for length and for characters that would disguise
/// it (a right-to-left override turns `hoa[U+202E]fdp.exe` into "hoaexe.pdf" on screen).
fn clean_name(raw: &str) -> Result<String, AppError> {
    let name = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let name = motcua_domain::text::normalize(name);
    if let Err(problem) = motcua_domain::text::check_name(&name) {
        return Err(invalid("file_name", motcua_domain::text::sentence(&format!("tên tệp {problem}"))));
    }
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("file_name", "Tên tệp phải có từ 1 đến 200 ký tự."));
    }
    Ok(name)
}
