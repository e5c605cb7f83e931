//! Settings stored whole as a document under a key, with an optimistic version: yearly
//! civil-service schedules and per-unit office hours. One implementation of "insert if
//! new, else update if unchanged since read".

use chrono::{DateTime, Utc};
use sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};

use crate::db::Tx;
use crate::error::StorageError;

/// Which setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// The civil-service schedule of a year (`holiday_schedules`).
    HolidaySchedule {
        /// Calendar year.
        year: i64,
    },
    /// A unit's office hours (`unit_office_hours`).
    OfficeHours {
        /// The unit.
        unit_id: String,
    },
}

impl Setting {
    /// The kind of record, as the events table names it.
    pub fn subject_type(&self) -> &'static str {
        match self {
            Self::HolidaySchedule { .. } => "calendar",
            Self::OfficeHours { .. } => "unit",
        }
    }

    /// The record's id, as the events table names it.
    pub fn subject_id(&self) -> String {
        match self {
            Self::HolidaySchedule { year } => year.to_string(),
            Self::OfficeHours { unit_id } => unit_id.clone(),
        }
    }

    fn table(&self) -> (&'static str, &'static str, &'static str, sea_query::Value) {
        match self {
            Self::HolidaySchedule { year } => ("holiday_schedules", "year", "schedule", (*year).into()),
            Self::OfficeHours { unit_id } => ("unit_office_hours", "unit_id", "hours", unit_id.clone().into()),
        }
    }
}

/// Stores `document` as the setting `key`. `expected_version` is the version the caller
/// read, or `None` for a setting not stored yet; any other writer in between gives
/// [`StorageError::StaleVersion`]. Returns the new version.
pub async fn put(
    tx: &mut Tx,
    key: &Setting,
    document: &serde_json::Value,
    expected_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let (table, key_col, doc_col, key_value) = key.table();
    let (table, key_col, doc_col) = (Alias::new(table), Alias::new(key_col), Alias::new(doc_col));
    let (version_col, updated_col) = (Alias::new("version"), Alias::new("updated_at"));
    let changed = match expected_version {
        None => {
            let mut insert = Query::insert();
            insert
                .into_table(table)
                .columns([key_col.clone(), doc_col, version_col, updated_col])
                .values_panic([Expr::value(key_value), document.clone().into(), 1_i64.into(), now.into()])
                .on_conflict(OnConflict::column(key_col).do_nothing().to_owned());
            tx.execute(&insert).await?
        }
        Some(version) => {
            // No stored version is the largest number: a client's i64::MAX is stale, not an overflow.
            let next = version.checked_add(1).ok_or(StorageError::StaleVersion)?;
            tx.execute(
                Query::update()
                    .table(table)
                    .values([
                        (doc_col, document.clone().into()),
                        (version_col.clone(), next.into()),
                        (updated_col, now.into()),
                    ])
                    .and_where(Expr::col(key_col).eq(key_value))
                    .and_where(Expr::col(version_col).eq(version)),
            )
            .await?
        }
    };
    if changed == 1 { Ok(expected_version.map_or(1, |v| v.saturating_add(1))) } else { Err(StorageError::StaleVersion) }
}
