//! The population-database lookup log: append-only rows chained by hash, the head row that serialises appends and
//! carries the signed head, interval checkpoints and the public keys that signed. Hashing and signing happen in the
//! application; this module only stores and reads.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Func, Iden, LockType, Order, Query, SelectStatement};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Backend, Tx};
use crate::error::StorageError;

#[derive(Iden)]
enum LookupLog {
    Table,
    Seq,
    Id,
    OccurredAt,
    ActorKind,
    ActorId,
    ActorUnitId,
    Purpose,
    DossierCode,
    ProcedureCode,
    SubjectIdNumber,
    FieldsRequested,
    FieldsReturned,
    Result,
    ClientAddr,
    RequestId,
    PrevHash,
    Hash,
}

#[derive(Iden)]
enum LookupLogHead {
    Table,
    Chain,
    Seq,
    Hash,
    KeyId,
    Signature,
    SignedAt,
    CheckpointedAt,
}

#[derive(Iden)]
enum LookupLogCheckpoints {
    Table,
    Seq,
    Hash,
    KeyId,
    Signature,
    SignedAt,
}

#[derive(Iden)]
enum LookupLogKeys {
    Table,
    KeyId,
    PublicKey,
    CreatedAt,
}

/// The one chain.
const CHAIN: &str = "main";

/// One lookup as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LookupRow {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The lookup id (UUIDv7).
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// `officer`, `citizen` (the citizen themself) or `system` (prefill for a citizen).
    pub actor_kind: String,
    /// Officer id or the citizen's ID number.
    pub actor_id: Option<String>,
    /// The acting officer's unit.
    pub actor_unit_id: Option<String>,
    /// Why.
    pub purpose: String,
    /// The dossier served.
    pub dossier_code: Option<String>,
    /// The procedure served.
    pub procedure_code: Option<String>,
    /// Whose record was looked up.
    pub subject_id_number: String,
    /// Field keys asked for.
    pub fields_requested: Json<Vec<String>>,
    /// Field keys that came back.
    pub fields_returned: Json<Vec<String>>,
    /// `found`, `not_found`, `unavailable`, `refused` or `error`.
    pub result: String,
    /// The caller's address.
    pub client_addr: Option<String>,
    /// The HTTP request id (correlation id).
    pub request_id: Option<String>,
    /// Hex SHA-256 of the previous row (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of `prev_hash ‖ canonical bytes`.
    pub hash: String,
}

/// The end of the chain with its signature.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HeadRow {
    /// The last seq (0 when empty).
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// Which key signed.
    pub key_id: Option<String>,
    /// Hex Ed25519 signature.
    pub signature: Option<String>,
    /// When it was signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// When the last checkpoint was kept.
    pub checkpointed_at: Option<DateTime<Utc>>,
}

/// A signed head kept for later comparison.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CheckpointRow {
    /// The seq signed.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// Which key signed.
    pub key_id: String,
    /// Hex Ed25519 signature.
    pub signature: String,
    /// When.
    pub signed_at: DateTime<Utc>,
}

/// A public key that signs or signed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct KeyRow {
    /// Key id.
    pub key_id: String,
    /// Hex Ed25519 public key.
    pub public_key: String,
    /// First registered.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: [LookupLog; 17] = [
    LookupLog::Seq,
    LookupLog::Id,
    LookupLog::OccurredAt,
    LookupLog::ActorKind,
    LookupLog::ActorId,
    LookupLog::ActorUnitId,
    LookupLog::Purpose,
    LookupLog::DossierCode,
    LookupLog::ProcedureCode,
    LookupLog::SubjectIdNumber,
    LookupLog::FieldsRequested,
    LookupLog::FieldsReturned,
    LookupLog::Result,
    LookupLog::ClientAddr,
    LookupLog::RequestId,
    LookupLog::PrevHash,
    LookupLog::Hash,
];

const HEAD_COLUMNS: [LookupLogHead; 6] = [
    LookupLogHead::Seq,
    LookupLogHead::Hash,
    LookupLogHead::KeyId,
    LookupLogHead::Signature,
    LookupLogHead::SignedAt,
    LookupLogHead::CheckpointedAt,
];

/// Reads the head and, on PostgreSQL, locks it until the transaction ends, so appends never fork the chain
/// (SQLite writers are already serialised by `BEGIN IMMEDIATE`).
pub async fn lock_head(tx: &mut Tx) -> Result<HeadRow, StorageError> {
    let mut select = head_select();
    if tx.backend() == Backend::Postgres {
        select.lock(LockType::Update);
    }
    tx.fetch_one(&select).await
}

/// A read transaction that sees one snapshot of the whole log, however long the verifier pages through it
/// (repeatable read on PostgreSQL; a SQLite read transaction in WAL mode already is one).
pub async fn snapshot(db: &crate::Db) -> Result<Tx, StorageError> {
    let mut tx = db.read().await?;
    if tx.backend() == Backend::Postgres {
        tx.run_fixed("set transaction isolation level repeatable read").await?;
    }
    Ok(tx)
}

/// Reads the head without locking.
pub async fn head(tx: &mut Tx) -> Result<HeadRow, StorageError> {
    tx.fetch_one(&head_select()).await
}

fn head_select() -> SelectStatement {
    Query::select()
        .columns(HEAD_COLUMNS)
        .from(LookupLogHead::Table)
        .and_where(Expr::col(LookupLogHead::Chain).eq(CHAIN))
        .to_owned()
}

/// Appends a row; the caller holds the head lock and computed `seq`, `prev_hash` and `hash`.
pub async fn append(tx: &mut Tx, row: &LookupRow) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(LookupLog::Table).columns(COLUMNS).values_panic([
        row.seq.into(),
        row.id.into(),
        row.occurred_at.into(),
        row.actor_kind.clone().into(),
        row.actor_id.clone().into(),
        row.actor_unit_id.clone().into(),
        row.purpose.clone().into(),
        row.dossier_code.clone().into(),
        row.procedure_code.clone().into(),
        row.subject_id_number.clone().into(),
        serde_json::json!(row.fields_requested.0).into(),
        serde_json::json!(row.fields_returned.0).into(),
        row.result.clone().into(),
        row.client_addr.clone().into(),
        row.request_id.clone().into(),
        row.prev_hash.clone().into(),
        row.hash.clone().into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// Moves the head to `head` (signed by the caller).
pub async fn set_head(tx: &mut Tx, head: &HeadRow) -> Result<(), StorageError> {
    tx.execute(
        Query::update()
            .table(LookupLogHead::Table)
            .values([
                (LookupLogHead::Seq, head.seq.into()),
                (LookupLogHead::Hash, head.hash.clone().into()),
                (LookupLogHead::KeyId, head.key_id.clone().into()),
                (LookupLogHead::Signature, head.signature.clone().into()),
                (LookupLogHead::SignedAt, head.signed_at.into()),
                (LookupLogHead::CheckpointedAt, head.checkpointed_at.into()),
            ])
            .and_where(Expr::col(LookupLogHead::Chain).eq(CHAIN)),
    )
    .await?;
    Ok(())
}

/// Keeps a signed head.
pub async fn add_checkpoint(tx: &mut Tx, checkpoint: &CheckpointRow) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(LookupLogCheckpoints::Table)
        .columns([
            LookupLogCheckpoints::Seq,
            LookupLogCheckpoints::Hash,
            LookupLogCheckpoints::KeyId,
            LookupLogCheckpoints::Signature,
            LookupLogCheckpoints::SignedAt,
        ])
        .values_panic([
            checkpoint.seq.into(),
            checkpoint.hash.clone().into(),
            checkpoint.key_id.clone().into(),
            checkpoint.signature.clone().into(),
            checkpoint.signed_at.into(),
        ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// Every checkpoint, oldest first.
pub async fn checkpoints(tx: &mut Tx) -> Result<Vec<CheckpointRow>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns([
                LookupLogCheckpoints::Seq,
                LookupLogCheckpoints::Hash,
                LookupLogCheckpoints::KeyId,
                LookupLogCheckpoints::Signature,
                LookupLogCheckpoints::SignedAt,
            ])
            .from(LookupLogCheckpoints::Table)
            .order_by(LookupLogCheckpoints::Seq, Order::Asc),
    )
    .await
}

/// Registers a public key under its id; does nothing when the id is already registered.
pub async fn add_key(tx: &mut Tx, key: &KeyRow) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(LookupLogKeys::Table)
        .columns([LookupLogKeys::KeyId, LookupLogKeys::PublicKey, LookupLogKeys::CreatedAt])
        .values_panic([key.key_id.clone().into(), key.public_key.clone().into(), key.created_at.into()])
        .on_conflict(sea_query::OnConflict::column(LookupLogKeys::KeyId).do_nothing().to_owned());
    tx.execute(&insert).await?;
    Ok(())
}

/// Every public key.
pub async fn keys(tx: &mut Tx) -> Result<Vec<KeyRow>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns([LookupLogKeys::KeyId, LookupLogKeys::PublicKey, LookupLogKeys::CreatedAt])
            .from(LookupLogKeys::Table)
            .order_by(LookupLogKeys::CreatedAt, Order::Asc),
    )
    .await
}

/// Up to `limit` rows after `after_seq`, in chain order (the verifier pages through the chain with it).
pub async fn page(tx: &mut Tx, after_seq: i64, limit: u64) -> Result<Vec<LookupRow>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(LookupLog::Table)
            .and_where(Expr::col(LookupLog::Seq).gt(after_seq))
            .order_by(LookupLog::Seq, Order::Asc)
            .limit(limit),
    )
    .await
}

/// The lookups of one person's record, newest first.
pub async fn of_subject(tx: &mut Tx, id_number: &str, limit: u64) -> Result<Vec<LookupRow>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(LookupLog::Table)
            .and_where(Expr::col(LookupLog::SubjectIdNumber).eq(id_number))
            .order_by(LookupLog::Seq, Order::Desc)
            .limit(limit),
    )
    .await
}

/// Which lookups an auditor asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Lookups by officers of these units, or by citizens and the system when `include_citizens` (None: any unit).
    pub units: Option<Vec<String>>,
    /// Also the lookups made by or for citizens (no unit).
    pub include_citizens: bool,
    /// One account (officer id or ID number).
    pub actor_id: Option<String>,
    /// From (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until (exclusive).
    pub until: Option<DateTime<Utc>>,
}

fn filtered(select: &mut SelectStatement, filter: &Filter) {
    if let Some(units) = &filter.units {
        let in_units = Expr::col(LookupLog::ActorUnitId).is_in(units.iter().cloned());
        if filter.include_citizens {
            select.and_where(in_units.or(Expr::col(LookupLog::ActorUnitId).is_null()));
        } else {
            select.and_where(in_units);
        }
    }
    if let Some(actor) = &filter.actor_id {
        select.and_where(Expr::col(LookupLog::ActorId).eq(actor.clone()));
    }
    if let Some(from) = filter.from {
        select.and_where(Expr::col(LookupLog::OccurredAt).gte(from));
    }
    if let Some(until) = filter.until {
        select.and_where(Expr::col(LookupLog::OccurredAt).lt(until));
    }
}

/// The matching lookups, newest first.
pub async fn search(tx: &mut Tx, filter: &Filter, limit: u64) -> Result<Vec<LookupRow>, StorageError> {
    let mut select = Query::select().columns(COLUMNS).from(LookupLog::Table).to_owned();
    filtered(&mut select, filter);
    tx.fetch_all(select.order_by(LookupLog::Seq, Order::Desc).limit(limit)).await
}

/// Lookups counted per account and unit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CountRow {
    /// `officer`, `citizen` or `system`.
    pub actor_kind: String,
    /// The account.
    pub actor_id: Option<String>,
    /// Its unit.
    pub actor_unit_id: Option<String>,
    /// How many lookups.
    pub lookups: i64,
}

/// Counts of the matching lookups per account and unit, largest first.
pub async fn counts(tx: &mut Tx, filter: &Filter) -> Result<Vec<CountRow>, StorageError> {
    let mut select = Query::select()
        .columns([LookupLog::ActorKind, LookupLog::ActorId, LookupLog::ActorUnitId])
        .expr_as(Func::count(Expr::col(LookupLog::Seq)), sea_query::Alias::new("lookups"))
        .from(LookupLog::Table)
        .group_by_col(LookupLog::ActorKind)
        .group_by_col(LookupLog::ActorId)
        .group_by_col(LookupLog::ActorUnitId)
        .to_owned();
    filtered(&mut select, filter);
    tx.fetch_all(
        select
            .order_by_expr(Func::count(Expr::col(LookupLog::Seq)).into(), Order::Desc)
            .order_by(LookupLog::ActorId, Order::Asc),
    )
    .await
}
