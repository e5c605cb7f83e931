//! Yearly civil-service schedules (the part of the calendar that is decided each year);
//! written through [`crate::settings`].

use chrono::{DateTime, Utc};
use sea_query::{Iden, Order, Query};
use sqlx::types::Json;

use crate::db::Tx;
use crate::error::StorageError;

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
