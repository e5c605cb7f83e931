//! Document metadata, the units' public signing keys and share links. The bytes live in the object store.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum Documents {
    Table,
    Id,
    ProvinceId,
    OwnerKind,
    OwnerId,
    DossierId,
    ComponentKey,
    DocType,
    Title,
    FileName,
    MediaType,
    SizeBytes,
    Sha256,
    Source,
    Issuer,
    IssuerUnitId,
    IssuedOn,
    ValidTo,
    DigitisedBy,
    OriginDocumentId,
    InWarehouse,
    ResultCode,
    ResultOf,
    SignatureKeyId,
    Signature,
    SignedAt,
    CreatedBy,
    CreatedAt,
}

#[derive(Iden)]
enum SigningKeys {
    Table,
    KeyId,
    UnitId,
    Algorithm,
    PublicKey,
    CreatedAt,
}

#[derive(Iden)]
enum DocumentShares {
    Table,
    TokenHash,
    DocumentId,
    CreatedBy,
    ExpiresAt,
    CreatedAt,
}

/// A stored document's metadata.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DocumentRecord {
    /// Id.
    pub id: Uuid,
    /// Province (distribution key).
    pub province_id: String,
    /// `person` or `organisation`.
    pub owner_kind: Option<String>,
    /// ID number or tax code.
    pub owner_id: Option<String>,
    /// The dossier it belongs to.
    pub dossier_id: Option<Uuid>,
    /// The dossier component it supplies.
    pub component_key: Option<String>,
    /// Warehouse document type.
    pub doc_type: Option<String>,
    /// What it is, for people.
    pub title: String,
    /// The file name as uploaded.
    pub file_name: String,
    /// Media type sniffed from the bytes.
    pub media_type: String,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lower-case hex: the object's address.
    pub sha256: String,
    /// Domain `Source::as_str`.
    pub source: String,
    /// The issuer as written on the paper.
    pub issuer: Option<String>,
    /// The unit that issued it.
    pub issuer_unit_id: Option<String>,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Last valid day.
    pub valid_to: Option<NaiveDate>,
    /// The officer who digitised it.
    pub digitised_by: Option<String>,
    /// The warehouse document this one copies.
    pub origin_document_id: Option<Uuid>,
    /// In its owner's warehouse.
    pub in_warehouse: bool,
    /// Public code of an electronic result.
    pub result_code: Option<String>,
    /// Procedure code of an electronic result.
    pub result_of: Option<String>,
    /// Signing key id.
    pub signature_key_id: Option<String>,
    /// Detached signature, hex.
    pub signature: Option<String>,
    /// Signing instant.
    pub signed_at: Option<DateTime<Utc>>,
    /// Who stored it (`officer:<id>`, `citizen:<id number>`, `system`).
    pub created_by: Option<String>,
    /// Stored at.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: [Documents; 27] = [
    Documents::Id,
    Documents::ProvinceId,
    Documents::OwnerKind,
    Documents::OwnerId,
    Documents::DossierId,
    Documents::ComponentKey,
    Documents::DocType,
    Documents::Title,
    Documents::FileName,
    Documents::MediaType,
    Documents::SizeBytes,
    Documents::Sha256,
    Documents::Source,
    Documents::Issuer,
    Documents::IssuerUnitId,
    Documents::IssuedOn,
    Documents::ValidTo,
    Documents::DigitisedBy,
    Documents::OriginDocumentId,
    Documents::InWarehouse,
    Documents::ResultCode,
    Documents::ResultOf,
    Documents::SignatureKeyId,
    Documents::Signature,
    Documents::SignedAt,
    Documents::CreatedBy,
    Documents::CreatedAt,
];

fn values(d: &DocumentRecord) -> [sea_query::SimpleExpr; 27] {
    [
        d.id.into(),
        d.province_id.clone().into(),
        d.owner_kind.clone().into(),
        d.owner_id.clone().into(),
        d.dossier_id.into(),
        d.component_key.clone().into(),
        d.doc_type.clone().into(),
        d.title.clone().into(),
        d.file_name.clone().into(),
        d.media_type.clone().into(),
        d.size_bytes.into(),
        d.sha256.clone().into(),
        d.source.clone().into(),
        d.issuer.clone().into(),
        d.issuer_unit_id.clone().into(),
        d.issued_on.into(),
        d.valid_to.into(),
        d.digitised_by.clone().into(),
        d.origin_document_id.into(),
        d.in_warehouse.into(),
        d.result_code.clone().into(),
        d.result_of.clone().into(),
        d.signature_key_id.clone().into(),
        d.signature.clone().into(),
        d.signed_at.into(),
        d.created_by.clone().into(),
        d.created_at.into(),
    ]
}

fn select() -> sea_query::SelectStatement {
    Query::select().columns(COLUMNS).from(Documents::Table).to_owned()
}

/// Stores a document's metadata (its bytes must already be in the object store).
pub async fn insert(tx: &mut Tx, document: &DocumentRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Documents::Table).columns(COLUMNS).values_panic(values(document));
    tx.execute(&insert).await?;
    Ok(())
}

/// One document by id.
pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<DocumentRecord>, StorageError> {
    tx.fetch_optional(select().and_where(Expr::col(Documents::Id).eq(id))).await
}

/// The documents of a dossier, by component then age.
pub async fn of_dossier(tx: &mut Tx, dossier_id: Uuid) -> Result<Vec<DocumentRecord>, StorageError> {
    tx.fetch_all(
        select()
            .and_where(Expr::col(Documents::DossierId).eq(dossier_id))
            .order_by(Documents::ComponentKey, Order::Asc)
            .order_by(Documents::CreatedAt, Order::Asc),
    )
    .await
}

/// The electronic result with a public code.
pub async fn by_result_code(tx: &mut Tx, code: &str) -> Result<Option<DocumentRecord>, StorageError> {
    tx.fetch_optional(select().and_where(Expr::col(Documents::ResultCode).eq(code))).await
}

/// Electronic results whose bytes have this SHA-256.
pub async fn results_with_digest(tx: &mut Tx, sha256: &str) -> Result<Vec<DocumentRecord>, StorageError> {
    tx.fetch_all(
        select()
            .and_where(Expr::col(Documents::Sha256).eq(sha256))
            .and_where(Expr::col(Documents::ResultCode).is_not_null()),
    )
    .await
}

/// An owner's warehouse, newest first.
pub async fn warehouse(tx: &mut Tx, owner_kind: &str, owner_id: &str) -> Result<Vec<DocumentRecord>, StorageError> {
    tx.fetch_all(
        select()
            .and_where(Expr::col(Documents::OwnerKind).eq(owner_kind))
            .and_where(Expr::col(Documents::OwnerId).eq(owner_id))
            .and_where(Expr::col(Documents::InWarehouse).eq(true))
            .order_by(Documents::CreatedAt, Order::Desc),
    )
    .await
}

/// Whether any document points at the bytes with this SHA-256.
pub async fn digest_is_referenced(tx: &mut Tx, sha256: &str) -> Result<bool, StorageError> {
    let found: Option<(String,)> = tx
        .fetch_optional(
            Query::select()
                .column(Documents::Sha256)
                .from(Documents::Table)
                .and_where(Expr::col(Documents::Sha256).eq(sha256))
                .limit(1),
        )
        .await?;
    Ok(found.is_some())
}

/// Every distinct stored content with its size, for the fixity check.
pub async fn digests(tx: &mut Tx) -> Result<Vec<(String, i64)>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns([Documents::Sha256, Documents::SizeBytes])
            .distinct()
            .from(Documents::Table)
            .order_by(Documents::Sha256, Order::Asc),
    )
    .await
}

/// A unit's public signing key.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SigningKeyRecord {
    /// Key id.
    pub key_id: String,
    /// The unit it signs for.
    pub unit_id: String,
    /// `ed25519`.
    pub algorithm: String,
    /// Public key, hex.
    pub public_key: String,
    /// Registered at.
    pub created_at: DateTime<Utc>,
}

/// Registers a public key; registering the same key again changes nothing.
pub async fn register_key(tx: &mut Tx, key: &SigningKeyRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(SigningKeys::Table)
        .columns([
            SigningKeys::KeyId,
            SigningKeys::UnitId,
            SigningKeys::Algorithm,
            SigningKeys::PublicKey,
            SigningKeys::CreatedAt,
        ])
        .values_panic([
            key.key_id.clone().into(),
            key.unit_id.clone().into(),
            key.algorithm.clone().into(),
            key.public_key.clone().into(),
            key.created_at.into(),
        ])
        .on_conflict(sea_query::OnConflict::column(SigningKeys::KeyId).do_nothing().to_owned());
    tx.execute(&insert).await?;
    Ok(())
}

/// A public key by id.
pub async fn key(tx: &mut Tx, key_id: &str) -> Result<Option<SigningKeyRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns([
                SigningKeys::KeyId,
                SigningKeys::UnitId,
                SigningKeys::Algorithm,
                SigningKeys::PublicKey,
                SigningKeys::CreatedAt,
            ])
            .from(SigningKeys::Table)
            .and_where(Expr::col(SigningKeys::KeyId).eq(key_id)),
    )
    .await
}

/// A share link.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShareRecord {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// The shared document.
    pub document_id: Uuid,
    /// Who shared it.
    pub created_by: String,
    /// End of validity.
    pub expires_at: DateTime<Utc>,
    /// Made at.
    pub created_at: DateTime<Utc>,
}

/// Stores a share link.
pub async fn insert_share(tx: &mut Tx, share: &ShareRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(DocumentShares::Table)
        .columns([
            DocumentShares::TokenHash,
            DocumentShares::DocumentId,
            DocumentShares::CreatedBy,
            DocumentShares::ExpiresAt,
            DocumentShares::CreatedAt,
        ])
        .values_panic([
            share.token_hash.clone().into(),
            share.document_id.into(),
            share.created_by.clone().into(),
            share.expires_at.into(),
            share.created_at.into(),
        ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// A share link by the hash of its token.
pub async fn share(tx: &mut Tx, token_hash: &str) -> Result<Option<ShareRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns([
                DocumentShares::TokenHash,
                DocumentShares::DocumentId,
                DocumentShares::CreatedBy,
                DocumentShares::ExpiresAt,
                DocumentShares::CreatedAt,
            ])
            .from(DocumentShares::Table)
            .and_where(Expr::col(DocumentShares::TokenHash).eq(token_hash)),
    )
    .await
}

/// Removes share links that expired before `before`; returns how many.
pub async fn purge_shares(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::delete().from_table(DocumentShares::Table).and_where(Expr::col(DocumentShares::ExpiresAt).lt(before)),
    )
    .await
}
