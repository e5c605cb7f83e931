//! Yearly civil-service schedules (the part of the calendar that is decided each year).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
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
    match expected_version {
        None => {
            let mut insert = Query::insert();
            insert
                .into_table(HolidaySchedules::Table)
                .columns([
                    HolidaySchedules::Year,
                    HolidaySchedules::Schedule,
                    HolidaySchedules::Version,
                    HolidaySchedules::UpdatedAt,
                ])
                .values_panic([year.into(), schedule.clone().into(), 1_i64.into(), now.into()])
                .on_conflict(OnConflict::column(HolidaySchedules::Year).do_nothing().to_owned());
            if tx.execute(&insert).await? == 1 { Ok(1) } else { Err(StorageError::StaleVersion) }
        }
        Some(version) => {
            let changed = tx
                .execute(
                    Query::update()
                        .table(HolidaySchedules::Table)
                        .values([
                            (HolidaySchedules::Schedule, schedule.clone().into()),
                            (HolidaySchedules::Version, (version + 1).into()),
                            (HolidaySchedules::UpdatedAt, now.into()),
                        ])
                        .and_where(Expr::col(HolidaySchedules::Year).eq(year))
                        .and_where(Expr::col(HolidaySchedules::Version).eq(version)),
                )
                .await?;
            if changed == 1 { Ok(version + 1) } else { Err(StorageError::StaleVersion) }
        }
    }
}
