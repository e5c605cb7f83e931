//! Server-side login sessions. Only the SHA-256 of the cookie token is stored, so a
//! leaked database does not leak usable sessions.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, Query};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum Sessions {
    Table,
    TokenHash,
    OfficerId,
    CreatedAt,
    ExpiresAt,
    ClientIp,
    UserAgent,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    /// Hex SHA-256 of the cookie token.
    pub token_hash: String,
    /// Whose session it is.
    pub officer_id: Uuid,
    /// Login instant.
    pub created_at: DateTime<Utc>,
    /// After this instant the session is void.
    pub expires_at: DateTime<Utc>,
    /// Client address at login.
    pub client_ip: Option<String>,
    /// Browser at login.
    pub user_agent: Option<String>,
}

const COLUMNS: [Sessions; 6] = [
    Sessions::TokenHash,
    Sessions::OfficerId,
    Sessions::CreatedAt,
    Sessions::ExpiresAt,
    Sessions::ClientIp,
    Sessions::UserAgent,
];

/// Stores a new session.
pub async fn insert(tx: &mut Tx, session: &SessionRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Sessions::Table).columns(COLUMNS).values_panic([
        session.token_hash.clone().into(),
        session.officer_id.into(),
        session.created_at.into(),
        session.expires_at.into(),
        session.client_ip.clone().into(),
        session.user_agent.clone().into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// The session with that token hash, if it has not expired at `now`.
pub async fn find_valid(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns(COLUMNS)
            .from(Sessions::Table)
            .and_where(Expr::col(Sessions::TokenHash).eq(token_hash))
            .and_where(Expr::col(Sessions::ExpiresAt).gt(now)),
    )
    .await
}

/// Ends one session (logout). Returns whether it existed.
pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<bool, StorageError> {
    let n = tx
        .execute(Query::delete().from_table(Sessions::Table).and_where(Expr::col(Sessions::TokenHash).eq(token_hash)))
        .await?;
    Ok(n > 0)
}

/// Ends every session of an officer (account disabled).
pub async fn delete_of_officer(tx: &mut Tx, officer: Uuid) -> Result<u64, StorageError> {
    tx.execute(Query::delete().from_table(Sessions::Table).and_where(Expr::col(Sessions::OfficerId).eq(officer))).await
}

/// Removes sessions that expired before `now`; returns how many.
pub async fn delete_expired(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(Query::delete().from_table(Sessions::Table).and_where(Expr::col(Sessions::ExpiresAt).lte(now))).await
}

/// Removes sessions that expired before `before` (the retention purge); returns how many.
pub async fn delete_expired_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(Query::delete().from_table(Sessions::Table).and_where(Expr::col(Sessions::ExpiresAt).lt(before))).await
}
