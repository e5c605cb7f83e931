//! Officer accounts and their role grants.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use motcua_domain::access::{Grant, Role};
use motcua_domain::unit::UnitId;
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum Officers {
    Table,
    Id,
    Username,
    FullName,
    UnitId,
    PasswordHash,
    Disabled,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum OfficerGrants {
    Table,
    OfficerId,
    Role,
    UnitId,
}

/// A stored officer account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OfficerRecord {
    /// Account id.
    pub id: Uuid,
    /// Lower-case login name.
    pub username: String,
    /// Name shown to people.
    pub full_name: String,
    /// The unit the officer belongs to.
    pub unit_id: String,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    officer_id: Uuid,
    role: String,
    unit_id: String,
}

impl GrantRow {
    fn into_grant(self) -> Result<Grant, StorageError> {
        let role = Role::parse(&self.role).ok_or_else(|| StorageError::Other(format!("unknown role {}", self.role)))?;
        let unit = UnitId::parse(&self.unit_id).map_err(|e| StorageError::Other(e.to_string()))?;
        Ok(Grant { role, unit })
    }
}

const COLUMNS: [Officers; 8] = [
    Officers::Id,
    Officers::Username,
    Officers::FullName,
    Officers::UnitId,
    Officers::PasswordHash,
    Officers::Disabled,
    Officers::Version,
    Officers::CreatedAt,
];

/// Inserts a new account; [`StorageError::Duplicate`] if the username is taken.
pub async fn insert(tx: &mut Tx, officer: &OfficerRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Officers::Table).columns(COLUMNS.into_iter().chain([Officers::UpdatedAt])).values_panic([
        officer.id.into(),
        officer.username.clone().into(),
        officer.full_name.clone().into(),
        officer.unit_id.clone().into(),
        officer.password_hash.clone().into(),
        officer.disabled.into(),
        officer.version.into(),
        officer.created_at.into(),
        officer.created_at.into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// Replaces the officer's grants with `grants`.
pub async fn set_grants(tx: &mut Tx, officer: Uuid, grants: &[Grant]) -> Result<(), StorageError> {
    tx.execute(
        Query::delete().from_table(OfficerGrants::Table).and_where(Expr::col(OfficerGrants::OfficerId).eq(officer)),
    )
    .await?;
    if grants.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(OfficerGrants::Table).columns([
        OfficerGrants::OfficerId,
        OfficerGrants::Role,
        OfficerGrants::UnitId,
    ]);
    for grant in grants {
        insert.values_panic([officer.into(), grant.role.as_str().into(), grant.unit.as_str().into()]);
    }
    tx.execute(&insert).await?;
    Ok(())
}

/// The account with that login name (compared lower-case).
pub async fn by_username(tx: &mut Tx, username: &str) -> Result<Option<OfficerRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns(COLUMNS)
            .from(Officers::Table)
            .and_where(Expr::col(Officers::Username).eq(username.to_lowercase())),
    )
    .await
}

/// The account with that id.
pub async fn by_id(tx: &mut Tx, id: Uuid) -> Result<Option<OfficerRecord>, StorageError> {
    tx.fetch_optional(Query::select().columns(COLUMNS).from(Officers::Table).and_where(Expr::col(Officers::Id).eq(id)))
        .await
}

/// Accounts belonging to a unit, by name.
pub async fn of_unit(tx: &mut Tx, unit: &UnitId) -> Result<Vec<OfficerRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(Officers::Table)
            .and_where(Expr::col(Officers::UnitId).eq(unit.as_str()))
            .order_by(Officers::FullName, Order::Asc),
    )
    .await
}

/// The officer's grants.
pub async fn grants(tx: &mut Tx, officer: Uuid) -> Result<Vec<Grant>, StorageError> {
    Ok(grants_of(tx, &[officer]).await?.remove(&officer).unwrap_or_default())
}

/// The grants of several officers in one query, by officer.
pub async fn grants_of(tx: &mut Tx, officers: &[Uuid]) -> Result<HashMap<Uuid, Vec<Grant>>, StorageError> {
    let mut by_officer: HashMap<Uuid, Vec<Grant>> = HashMap::new();
    if officers.is_empty() {
        return Ok(by_officer);
    }
    let rows: Vec<GrantRow> = tx
        .fetch_all(
            Query::select()
                .columns([OfficerGrants::OfficerId, OfficerGrants::Role, OfficerGrants::UnitId])
                .from(OfficerGrants::Table)
                .and_where(Expr::col(OfficerGrants::OfficerId).is_in(officers.iter().copied()))
                .order_by(OfficerGrants::Role, Order::Asc)
                .order_by(OfficerGrants::UnitId, Order::Asc),
        )
        .await?;
    for row in rows {
        let officer = row.officer_id;
        by_officer.entry(officer).or_default().push(row.into_grant()?);
    }
    Ok(by_officer)
}

/// Enables or disables an account if it is still at `expected_version`.
pub async fn set_disabled(
    tx: &mut Tx,
    id: Uuid,
    disabled: bool,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    // No stored version is the largest number: a client's i64::MAX is stale, not an overflow.
    let next = expected_version.checked_add(1).ok_or(StorageError::StaleVersion)?;
    let changed = tx
        .execute(
            Query::update()
                .table(Officers::Table)
                .values([
                    (Officers::Disabled, disabled.into()),
                    (Officers::Version, next.into()),
                    (Officers::UpdatedAt, now.into()),
                ])
                .and_where(Expr::col(Officers::Id).eq(id))
                .and_where(Expr::col(Officers::Version).eq(expected_version)),
        )
        .await?;
    if changed == 1 { Ok(()) } else { Err(StorageError::StaleVersion) }
}
