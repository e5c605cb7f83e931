//! The `after` cursor of keyset pages: the `(instant, id)` of the last row of a page, opaque to clients.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{AppError, FieldError};

/// The cursor of the row `(at, id)`.
pub(crate) fn cursor(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{}_{id}", at.timestamp_micros())
}

/// The `(at, id)` of a cursor made by [`cursor`]; anything else is refused on the field `after`.
pub(crate) fn parse_cursor(raw: &str) -> Result<(DateTime<Utc>, Uuid), AppError> {
    let bad = || AppError::Invalid(vec![FieldError::new("after", "Con trỏ trang không hợp lệ.")]);
    let (micros, id) = raw.split_once('_').ok_or_else(bad)?;
    let at = micros.parse::<i64>().ok().and_then(DateTime::from_timestamp_micros).ok_or_else(bad)?;
    Ok((at, Uuid::parse_str(id).map_err(|_| bad())?))
}
