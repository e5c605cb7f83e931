//! Office hours per unit.

use chrono::{DateTime, Utc};
use sea_query::{Iden, Query};
use sqlx::types::Json;

use crate::db::Tx;
use crate::error::StorageError;
use crate::versioned::{self, VersionedTable};

#[derive(Iden)]
enum UnitOfficeHours {
    Table,
    UnitId,
    Hours,
    Version,
    UpdatedAt,
}

/// Stored office hours of one unit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OfficeHoursRecord {
    /// The unit.
    pub unit_id: String,
    /// The hours document.
    pub hours: Json<serde_json::Value>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Every unit's stored hours.
pub async fn all(tx: &mut Tx) -> Result<Vec<OfficeHoursRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns([
                UnitOfficeHours::UnitId,
                UnitOfficeHours::Hours,
                UnitOfficeHours::Version,
                UnitOfficeHours::UpdatedAt,
            ])
            .from(UnitOfficeHours::Table),
    )
    .await
}

/// Stores a unit's hours; `expected_version` is `None` for a unit without stored hours.
/// Returns the new version, or [`StorageError::StaleVersion`] if someone changed them first.
pub async fn put(
    tx: &mut Tx,
    unit_id: &str,
    hours: &serde_json::Value,
    expected_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let spec = VersionedTable { table: "unit_office_hours", key: "unit_id", document: "hours" };
    versioned::put(tx, &spec, unit_id.into(), hours, expected_version, now).await
}
