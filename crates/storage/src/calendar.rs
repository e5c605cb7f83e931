//! Yearly civil-service schedules (the part of the calendar that is decided each year).

use chrono::{DateTime, Utc};
use sea_query::{Iden, Order, Query};
use sqlx::types::Json;

use crate::db::Tx;
use crate::error::StorageError;
use crate::versioned::{self, VersionedTable};

#[derive(Iden)]
enum HolidaySchedules {
    Table,
    Year,
    Schedule,
    Version,
    UpdatedAt,
}

/// A stored schedule.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScheduleRecord {
    /// Calendar year.
    pub year: i64,
    /// The schedule document.
    pub schedule: Json<serde_json::Value>,
    /// Optimistic-concurrency version (1 when first stored).
    pub version: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Every stored schedule, by year.
pub async fn all(tx: &mut Tx) -> Result<Vec<ScheduleRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns([
                HolidaySchedules::Year,
                HolidaySchedules::Schedule,
                HolidaySchedules::Version,
                HolidaySchedules::UpdatedAt,
            ])
            .from(HolidaySchedules::Table)
            .order_by(HolidaySchedules::Year, Order::Asc),
    )
    .await
}

/// Stores the schedule of a year. `expected_version` is the version the caller read
/// (`None` for a year not stored yet); another writer's change in between is
/// [`StorageError::StaleVersion`]. Returns the new version.
pub async fn put(
    tx: &mut Tx,
    year: i64,
    schedule: &serde_json::Value,
    expected_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let spec = VersionedTable { table: "holiday_schedules", key: "year", document: "schedule" };
    versioned::put(tx, &spec, year.into(), schedule, expected_version, now).await
}
