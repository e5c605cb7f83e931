//! The legal calendar: the Vietnamese lunar calendar, public holidays and office hours.
//!
//! Implements Bộ luật Lao động 2019, Điều 111–112 (holidays and substitute days), the Government's yearly
//! civil-service schedules, and the office-hours rules of spec §2.6 on which every deadline is counted.

pub mod holiday;
pub mod lunar;
pub mod working_time;

pub use holiday::{Calendar, CalendarData, Day, DayKind, HolidayError, HolidayRules, StatutoryHoliday, YearSchedule};
pub use lunar::{LunarDate, from_lunar, to_lunar};
pub use working_time::{OfficeHours, Period, WorkingTimeError};

/// The calendar built from the shipped `data/calendar/schedules.toml`, for tests.
#[cfg(test)]
pub(crate) fn shipped_calendar(years: std::ops::RangeInclusive<i32>) -> Calendar {
    let data: CalendarData = toml::from_str(include_str!("../../../../data/calendar/schedules.toml")).unwrap();
    Calendar::new(&HolidayRules::default(), &data, years).unwrap()
}
