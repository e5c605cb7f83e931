//! Officers' second factor (TOTP secrets) and the login challenges between the password and the code.

use chrono::{DateTime, Utc};
use sea_query::{Cond, Expr, ExprTrait, Iden, Query};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum OfficerTotp {
    Table,
    OfficerId,
    Secret,
    ConfirmedAt,
    LastStep,
    CreatedAt,
}

#[derive(Iden)]
enum OfficerLoginChallenges {
    Table,
    TokenHash,
    OfficerId,
    CreatedAt,
    ExpiresAt,
    ClientIp,
}

/// An officer's TOTP secret. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TotpRecord {
    /// Whose secret.
    pub officer_id: Uuid,
    /// The shared secret, base32 (RFC 4648, no padding), sealed by the application (`enc:v1:…`; plaintext in
    /// rows written before sealing existed).
    pub secret: String,
    /// When the first code was accepted; none while enrolment is under way.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The last accepted time step (codes of this step or earlier are refused).
    pub last_step: Option<i64>,
    /// When the secret was made.
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for TotpRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpRecord")
            .field("officer_id", &self.officer_id)
            .field("secret", &"<redacted>")
            .field("confirmed_at", &self.confirmed_at)
            .field("last_step", &self.last_step)
            .finish()
    }
}

/// A password accepted, waiting for the code.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChallengeRecord {
    /// Hex SHA-256 of the challenge token.
    pub token_hash: String,
    /// Whose login.
    pub officer_id: Uuid,
    /// When the password was accepted.
    pub created_at: DateTime<Utc>,
    /// After this instant the password must be given again.
    pub expires_at: DateTime<Utc>,
    /// Client address.
    pub client_ip: Option<String>,
}

const TOTP_COLUMNS: [OfficerTotp; 5] = [
    OfficerTotp::OfficerId,
    OfficerTotp::Secret,
    OfficerTotp::ConfirmedAt,
    OfficerTotp::LastStep,
    OfficerTotp::CreatedAt,
];

/// The officer's secret, confirmed or not.
pub async fn get(tx: &mut Tx, officer: Uuid) -> Result<Option<TotpRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns(TOTP_COLUMNS)
            .from(OfficerTotp::Table)
            .and_where(Expr::col(OfficerTotp::OfficerId).eq(officer)),
    )
    .await
}

/// Replaces the officer's secret (a new enrolment).
pub async fn replace(tx: &mut Tx, record: &TotpRecord) -> Result<(), StorageError> {
    delete(tx, record.officer_id).await?;
    let mut insert = Query::insert();
    insert.into_table(OfficerTotp::Table).columns(TOTP_COLUMNS).values_panic([
        record.officer_id.into(),
        record.secret.clone().into(),
        record.confirmed_at.into(),
        record.last_step.into(),
        record.created_at.into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// Rewrites the officer's stored secret (a legacy plaintext seed sealed), keeping the rest of the record.
pub async fn set_secret(tx: &mut Tx, officer: Uuid, secret: &str) -> Result<(), StorageError> {
    tx.execute(
        Query::update()
            .table(OfficerTotp::Table)
            .values([(OfficerTotp::Secret, Expr::val(secret))])
            .and_where(Expr::col(OfficerTotp::OfficerId).eq(officer)),
    )
    .await?;
    Ok(())
}

/// Records `step` as used (and the secret as confirmed, if it was not) unless a step at least as recent was already
/// used. Returns false when the code was already used: the caller refuses it.
pub async fn accept_step(tx: &mut Tx, officer: Uuid, step: i64, now: DateTime<Utc>) -> Result<bool, StorageError> {
    let changed = tx
        .execute(
            Query::update()
                .table(OfficerTotp::Table)
                .values([
                    (OfficerTotp::LastStep, Expr::val(step)),
                    (OfficerTotp::ConfirmedAt, Expr::col(OfficerTotp::ConfirmedAt).if_null(Expr::val(now))),
                ])
                .and_where(Expr::col(OfficerTotp::OfficerId).eq(officer))
                .cond_where(
                    Cond::any()
                        .add(Expr::col(OfficerTotp::LastStep).is_null())
                        .add(Expr::col(OfficerTotp::LastStep).lt(step)),
                ),
        )
        .await?;
    Ok(changed == 1)
}

/// Removes the officer's secret (reset by an administrator). Returns whether there was one.
pub async fn delete(tx: &mut Tx, officer: Uuid) -> Result<bool, StorageError> {
    let n = tx
        .execute(
            Query::delete().from_table(OfficerTotp::Table).and_where(Expr::col(OfficerTotp::OfficerId).eq(officer)),
        )
        .await?;
    Ok(n > 0)
}

/// Stores a login challenge.
pub async fn insert_challenge(tx: &mut Tx, c: &ChallengeRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(OfficerLoginChallenges::Table)
        .columns([
            OfficerLoginChallenges::TokenHash,
            OfficerLoginChallenges::OfficerId,
            OfficerLoginChallenges::CreatedAt,
            OfficerLoginChallenges::ExpiresAt,
            OfficerLoginChallenges::ClientIp,
        ])
        .values_panic([
            c.token_hash.clone().into(),
            c.officer_id.into(),
            c.created_at.into(),
            c.expires_at.into(),
            c.client_ip.clone().into(),
        ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// The challenge with that token hash if it has not expired at `now`.
pub async fn find_challenge(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<ChallengeRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns([
                OfficerLoginChallenges::TokenHash,
                OfficerLoginChallenges::OfficerId,
                OfficerLoginChallenges::CreatedAt,
                OfficerLoginChallenges::ExpiresAt,
                OfficerLoginChallenges::ClientIp,
            ])
            .from(OfficerLoginChallenges::Table)
            .and_where(Expr::col(OfficerLoginChallenges::TokenHash).eq(token_hash))
            .and_where(Expr::col(OfficerLoginChallenges::ExpiresAt).gt(now)),
    )
    .await
}

/// Deletes a challenge (used), and any expired ones. Returns whether the challenge existed.
pub async fn take_challenge(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
    let n = tx
        .execute(
            Query::delete()
                .from_table(OfficerLoginChallenges::Table)
                .and_where(Expr::col(OfficerLoginChallenges::TokenHash).eq(token_hash)),
        )
        .await?;
    tx.execute(
        Query::delete()
            .from_table(OfficerLoginChallenges::Table)
            .and_where(Expr::col(OfficerLoginChallenges::ExpiresAt).lte(now)),
    )
    .await?;
    Ok(n > 0)
}

/// Removes login challenges that expired before `before` (the retention purge); returns how many.
pub async fn delete_challenges_expired_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::delete()
            .from_table(OfficerLoginChallenges::Table)
            .and_where(Expr::col(OfficerLoginChallenges::ExpiresAt).lt(before)),
    )
    .await
}
