//! Office hours per unit; written through [`crate::settings`].

use chrono::{DateTime, Utc};
use sea_query::{Iden, Query};
use sqlx::types::Json;

use crate::db::Tx;
use crate::error::StorageError;

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
