//! Instants and local dates.
//!
//! Instants are stored in UTC and shown in Vietnam time (Asia/Ho_Chi_Minh). Vietnam has
//! kept UTC+7 without daylight saving since 1975, so a fixed offset is exact for every
//! instant the system can hold, and it is the offset the lunar calendar uses (spec §3.2).

use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};

/// UTC+7, Vietnam's legal time.
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The instant as seen on a clock in Vietnam.
pub fn to_local(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&vietnam_offset())
}

/// The calendar date in Vietnam at that instant (dossier codes and daily counters use it).
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    to_local(instant).date_naive()
}

/// Truncates to microseconds, the precision both databases keep, so that a value
/// round-trips unchanged through SQLite and PostgreSQL.
pub fn storable(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_date_changes_at_17_utc() {
        let before = Utc.with_ymd_and_hms(2025, 6, 30, 16, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2025, 6, 30, 17, 0, 0).unwrap();
        assert_eq!(local_date(before), NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        assert_eq!(local_date(after), NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
    }

    #[test]
    fn storable_drops_nanoseconds() {
        let t = Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(storable(t).timestamp_subsec_nanos(), 123_456_000);
    }
}
