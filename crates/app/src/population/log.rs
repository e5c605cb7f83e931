//! Writing and verifying the lookup log.
//!
//! Appends go through the group-commit writer. Each append locks the head row (on PostgreSQL `SELECT … FOR UPDATE`;
//! SQLite's `BEGIN IMMEDIATE` already serialises writers), links the record to the head's hash, and moves the head,
//! signed, in the same transaction: every committed batch ends with a signed head that covers all of it. A signed
//! head is also kept as a checkpoint when the last one is older than the configured interval.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_storage::lookup_log::{self, CheckpointRow, HeadRow, KeyRow, LookupRow};
use motcua_storage::{Db, StorageError};

use super::chain::{self, Report, SigningIdentity, TrustedKeys, Verifier};
use crate::{AppError, ErrorCode};

/// Registers `key`'s public key under its id; refuses an id already registered with another key.
pub(crate) async fn register_key(db: &Db, key: &SigningIdentity, now: DateTime<Utc>) -> Result<(), AppError> {
    let row = KeyRow { key_id: key.key_id.clone(), public_key: key.public_hex(), created_at: now };
    let mut tx = db.begin_write().await?;
    lookup_log::add_key(&mut tx, &row).await?;
    let keys = lookup_log::keys(&mut tx).await?;
    tx.commit().await?;
    match keys.iter().find(|k| k.key_id == row.key_id) {
        Some(k) if k.public_key == row.public_key => Ok(()),
        _ => Err(AppError::detailed(
            ErrorCode::Internal,
            format!("lookup-log key id {} is registered with another public key: rotate with a new key id", row.key_id),
        )),
    }
}

/// Appends `row` to the chain and signs the new head; returns the row as stored.
pub(crate) async fn append(
    db: &Db,
    signer: Arc<SigningIdentity>,
    row: LookupRow,
    checkpoint_interval: chrono::Duration,
) -> Result<LookupRow, StorageError> {
    // One chain, one head row: every append goes through the same writer lane, so appends batch together instead
    // of waiting on another lane's transaction holding the head.
    db.write_keyed("lookup-log", move |tx| {
        Box::pin(async move {
            let head = lookup_log::lock_head(tx).await?;
            let mut row = row;
            row.seq = head.seq + 1;
            row.prev_hash = head.hash;
            row.hash = chain::link(&row.prev_hash, &row);
            lookup_log::append(tx, &row).await?;
            let now = row.occurred_at;
            let due = head.checkpointed_at.is_none_or(|at| now - at >= checkpoint_interval);
            let mut new_head = signer.sign_head(row.seq, &row.hash, now);
            new_head.checkpointed_at = if due { Some(now) } else { head.checkpointed_at };
            lookup_log::set_head(tx, &new_head).await?;
            if due {
                lookup_log::add_checkpoint(tx, &checkpoint(&new_head)).await?;
            }
            Ok(row)
        })
    })
    .await
}

fn checkpoint(head: &HeadRow) -> CheckpointRow {
    CheckpointRow {
        seq: head.seq,
        hash: head.hash.clone(),
        key_id: head.key_id.clone().unwrap_or_default(),
        signature: head.signature.clone().unwrap_or_default(),
        signed_at: head.signed_at.unwrap_or_default(),
    }
}

/// Verifies the whole log in one snapshot: every link, every signature, the head against the chain's end. Only
/// `trusted` keys are believed (pinned outside the database, and the current key); `lookup_log_keys` is not trusted.
pub async fn verify(db: &Db, trusted: &TrustedKeys) -> Result<Report, AppError> {
    let mut tx = lookup_log::snapshot(db).await?;
    let head = lookup_log::head(&mut tx).await?;
    let mut verifier = Verifier::new();
    let mut after = 0;
    loop {
        let page = lookup_log::page(&mut tx, after, 5000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        page.iter().for_each(|r| verifier.push(r));
    }
    let checkpoints = lookup_log::checkpoints(&mut tx).await?;
    let keys = lookup_log::keys(&mut tx).await?;
    tx.commit().await?;
    Ok(verifier.finish(&head, &checkpoints, &keys, trusted))
}

/// The signed head, for publishing outside the database (an external anchor against a rollback of the whole log).
pub async fn signed_head(db: &Db) -> Result<HeadRow, AppError> {
    let mut tx = db.read().await?;
    let head = lookup_log::head(&mut tx).await?;
    tx.commit().await?;
    Ok(head)
}
