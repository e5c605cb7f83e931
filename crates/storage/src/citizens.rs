//! Citizens who logged in through the identity provider, their sessions, the logins under way, and their dossiers.
//!
//! As with officers' sessions, only the SHA-256 of a session token (and of a login's `state`) is stored.

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Asterisk, Expr, ExprTrait, Iden, OnConflict, Order, Query};

use crate::db::Tx;
use crate::dossiers::DossierRecord;
use crate::error::StorageError;

#[derive(Iden)]
enum Citizens {
    Table,
    IdNumber,
    FullName,
    BirthDate,
    Assurance,
    Subject,
    FirstSeenAt,
    LastLoginAt,
}

#[derive(Iden)]
enum CitizenSessions {
    Table,
    TokenHash,
    IdNumber,
    FullName,
    BirthDate,
    Assurance,
    CreatedAt,
    ExpiresAt,
    ClientIp,
    UserAgent,
    OrgTaxCode,
    OrgName,
}

#[derive(Iden)]
enum CitizenLogins {
    Table,
    StateHash,
    Nonce,
    PkceVerifier,
    ReturnTo,
    CreatedAt,
    ExpiresAt,
}

#[derive(Iden)]
enum Dossiers {
    Table,
    CreatedAt,
}

/// A citizen as last seen at login.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CitizenRecord {
    /// Personal ID number (the key).
    pub id_number: String,
    /// Full name from the identity provider.
    pub full_name: String,
    /// Date of birth from the identity provider.
    pub birth_date: Option<NaiveDate>,
    /// `L1` or `L2`, of the last login.
    pub assurance: String,
    /// The provider's subject identifier.
    pub subject: String,
    /// First login.
    pub first_seen_at: DateTime<Utc>,
    /// Latest login.
    pub last_login_at: DateTime<Utc>,
}

/// Records a login: inserts the citizen or refreshes name, birth date, level, subject and the last login.
pub async fn upsert(tx: &mut Tx, c: &CitizenRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(Citizens::Table)
        .columns([
            Citizens::IdNumber,
            Citizens::FullName,
            Citizens::BirthDate,
            Citizens::Assurance,
            Citizens::Subject,
            Citizens::FirstSeenAt,
            Citizens::LastLoginAt,
        ])
        .values_panic([
            c.id_number.clone().into(),
            c.full_name.clone().into(),
            c.birth_date.into(),
            c.assurance.clone().into(),
            c.subject.clone().into(),
            c.first_seen_at.into(),
            c.last_login_at.into(),
        ])
        .on_conflict(
            OnConflict::column(Citizens::IdNumber)
                .update_columns([
                    Citizens::FullName,
                    Citizens::BirthDate,
                    Citizens::Assurance,
                    Citizens::Subject,
                    Citizens::LastLoginAt,
                ])
                .to_owned(),
        );
    tx.execute(&insert).await?;
    Ok(())
}

/// One citizen.
pub async fn get(tx: &mut Tx, id_number: &str) -> Result<Option<CitizenRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns([
                Citizens::IdNumber,
                Citizens::FullName,
                Citizens::BirthDate,
                Citizens::Assurance,
                Citizens::Subject,
                Citizens::FirstSeenAt,
                Citizens::LastLoginAt,
            ])
            .from(Citizens::Table)
            .and_where(Expr::col(Citizens::IdNumber).eq(id_number)),
    )
    .await
}

/// A citizen's session; name, birth date and level are those of the login that opened it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CitizenSessionRecord {
    /// Hex SHA-256 of the cookie token.
    pub token_hash: String,
    /// Whose session.
    pub id_number: String,
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// `L1` or `L2`.
    pub assurance: String,
    /// Login instant.
    pub created_at: DateTime<Utc>,
    /// After this instant the session is void.
    pub expires_at: DateTime<Utc>,
    /// Client address at login.
    pub client_ip: Option<String>,
    /// Browser at login.
    pub user_agent: Option<String>,
    /// The organisation's tax code, for a session opened with an organisation's account.
    pub org_tax_code: Option<String>,
    /// The organisation's name, with its tax code.
    pub org_name: Option<String>,
}

const SESSION_COLUMNS: [CitizenSessions; 11] = [
    CitizenSessions::TokenHash,
    CitizenSessions::IdNumber,
    CitizenSessions::FullName,
    CitizenSessions::BirthDate,
    CitizenSessions::Assurance,
    CitizenSessions::CreatedAt,
    CitizenSessions::ExpiresAt,
    CitizenSessions::ClientIp,
    CitizenSessions::UserAgent,
    CitizenSessions::OrgTaxCode,
    CitizenSessions::OrgName,
];

/// Stores a new session.
pub async fn insert_session(tx: &mut Tx, s: &CitizenSessionRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(CitizenSessions::Table).columns(SESSION_COLUMNS).values_panic([
        s.token_hash.clone().into(),
        s.id_number.clone().into(),
        s.full_name.clone().into(),
        s.birth_date.into(),
        s.assurance.clone().into(),
        s.created_at.into(),
        s.expires_at.into(),
        s.client_ip.clone().into(),
        s.user_agent.clone().into(),
        s.org_tax_code.clone().into(),
        s.org_name.clone().into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// The session with that token hash, if it has not expired at `now`.
pub async fn find_valid_session(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<CitizenSessionRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns(SESSION_COLUMNS)
            .from(CitizenSessions::Table)
            .and_where(Expr::col(CitizenSessions::TokenHash).eq(token_hash))
            .and_where(Expr::col(CitizenSessions::ExpiresAt).gt(now)),
    )
    .await
}

/// Ends one session (logout). Returns whether it existed.
pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> Result<bool, StorageError> {
    let n = tx
        .execute(
            Query::delete()
                .from_table(CitizenSessions::Table)
                .and_where(Expr::col(CitizenSessions::TokenHash).eq(token_hash)),
        )
        .await?;
    Ok(n > 0)
}

/// Removes sessions and logins under way that expired before `now`; returns how many.
pub async fn delete_expired(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StorageError> {
    let sessions = tx
        .execute(
            Query::delete()
                .from_table(CitizenSessions::Table)
                .and_where(Expr::col(CitizenSessions::ExpiresAt).lte(now)),
        )
        .await?;
    let logins = tx
        .execute(
            Query::delete().from_table(CitizenLogins::Table).and_where(Expr::col(CitizenLogins::ExpiresAt).lte(now)),
        )
        .await?;
    Ok(sessions + logins)
}

/// Removes citizen sessions that expired before `before` (the retention purge); returns how many.
pub async fn delete_sessions_expired_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::delete().from_table(CitizenSessions::Table).and_where(Expr::col(CitizenSessions::ExpiresAt).lt(before)),
    )
    .await
}

/// Removes logins under way that expired before `before` (the retention purge); returns how many.
pub async fn delete_logins_expired_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::delete().from_table(CitizenLogins::Table).and_where(Expr::col(CitizenLogins::ExpiresAt).lt(before)),
    )
    .await
}

/// Removes the profiles of citizens whose last login was before `before` and who hold no session row (the retention
/// purge; expired sessions are purged first, in the same run); returns how many. Nothing else refers to a profile:
/// dossiers keep their own copy of the applicant, drafts, documents and the lookup log are keyed by the ID number,
/// and a returning citizen's next login records the profile again.
pub async fn delete_inactive_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64, StorageError> {
    let sessions = Query::select()
        .expr(Expr::val(1))
        .from(CitizenSessions::Table)
        .and_where(
            Expr::col((CitizenSessions::Table, CitizenSessions::IdNumber))
                .equals((Citizens::Table, Citizens::IdNumber)),
        )
        .to_owned();
    tx.execute(
        Query::delete()
            .from_table(Citizens::Table)
            .and_where(Expr::col(Citizens::LastLoginAt).lt(before))
            .and_where(Expr::exists(sessions).not()),
    )
    .await
}

/// A login under way: what the callback needs to finish it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LoginRecord {
    /// Hex SHA-256 of the `state` sent to the provider.
    pub state_hash: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier (never leaves the server).
    pub pkce_verifier: String,
    /// Local path to return to after login.
    pub return_to: String,
    /// Start instant.
    pub created_at: DateTime<Utc>,
    /// After this instant the login cannot be finished.
    pub expires_at: DateTime<Utc>,
}

const LOGIN_COLUMNS: [CitizenLogins; 6] = [
    CitizenLogins::StateHash,
    CitizenLogins::Nonce,
    CitizenLogins::PkceVerifier,
    CitizenLogins::ReturnTo,
    CitizenLogins::CreatedAt,
    CitizenLogins::ExpiresAt,
];

/// Stores a login under way.
pub async fn insert_login(tx: &mut Tx, l: &LoginRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(CitizenLogins::Table).columns(LOGIN_COLUMNS).values_panic([
        l.state_hash.clone().into(),
        l.nonce.clone().into(),
        l.pkce_verifier.clone().into(),
        l.return_to.clone().into(),
        l.created_at.into(),
        l.expires_at.into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// Takes (reads and deletes) the login with that state hash, so that a callback can be used once.
pub async fn take_login(tx: &mut Tx, state_hash: &str) -> Result<Option<LoginRecord>, StorageError> {
    let found: Option<LoginRecord> = tx
        .fetch_optional(
            Query::select()
                .columns(LOGIN_COLUMNS)
                .from(CitizenLogins::Table)
                .and_where(Expr::col(CitizenLogins::StateHash).eq(state_hash)),
        )
        .await?;
    if found.is_some() {
        tx.execute(
            Query::delete()
                .from_table(CitizenLogins::Table)
                .and_where(Expr::col(CitizenLogins::StateHash).eq(state_hash)),
        )
        .await?;
    }
    Ok(found)
}

/// The expression of a dossier applicant's organisation tax code (null for a person's dossier); the same text as
/// the index `dossiers_applicant_organisation`, so both engines use it.
const ORGANISATION_TAX_CODE: &str = "(applicant -> 'organisation' ->> 'tax_code')";

/// The dossiers a person filed for themself (their ID number, no organisation), newest first, at most `limit`
/// (index `dossiers_applicant`). Dossiers they filed with an organisation's account belong to the organisation.
pub async fn dossiers_of_applicant(
    tx: &mut Tx,
    id_number: &str,
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    // `->>` reads a JSON member as text on both SQLite (≥ 3.38) and PostgreSQL (jsonb): one query for both.
    let own = [Expr::cust("(applicant ->> 'id_number')").eq(id_number), Expr::cust(ORGANISATION_TAX_CODE).is_null()];
    newest_dossiers_where(tx, own, limit).await
}

/// The dossiers of an organisation (its tax code, whoever filed them for it), newest first, at most `limit`
/// (index `dossiers_applicant_organisation`).
pub async fn dossiers_of_organisation(
    tx: &mut Tx,
    tax_code: &str,
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    newest_dossiers_where(tx, [Expr::cust(ORGANISATION_TAX_CODE).eq(tax_code)], limit).await
}

async fn newest_dossiers_where(
    tx: &mut Tx,
    conditions: impl IntoIterator<Item = sea_query::SimpleExpr>,
    limit: u64,
) -> Result<Vec<DossierRecord>, StorageError> {
    let mut query = Query::select();
    query.column(Asterisk).from(Dossiers::Table);
    for condition in conditions {
        query.and_where(condition);
    }
    tx.fetch_all(query.order_by(Dossiers::CreatedAt, Order::Desc).limit(limit)).await
}
