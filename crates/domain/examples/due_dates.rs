//! Due-date computations per second on one core.
//!
//!     cargo run --release -p motcua_domain --example due_dates
//!
//! Builds the calendar of 2025–2026 from the shipped schedules, then computes due dates
//! for receptions spread over 2025 (every 7 minutes), cycling through working-day
//! durations in mode A and working-hour durations in mode B.

use std::time::Instant;

use chrono::{NaiveDate, TimeDelta};
use motcua_domain::calendar::{Calendar, CalendarData, HolidayRules, OfficeHours};
use motcua_domain::deadline::{Duration, Mode, due_at};

fn main() {
    let data: CalendarData =
        toml::from_str(include_str!("../../../data/calendar/schedules.toml")).expect("shipped calendar");
    let built = Instant::now();
    let calendar = Calendar::new(&HolidayRules::default(), &data, 2000..=2100).expect("calendar");
    let build_time = built.elapsed();
    let hours = OfficeHours::default();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date").and_hms_opt(0, 0, 0).expect("time");
    let cases: Vec<_> = (0..2_000_000_i64)
        .map(|i| {
            let received = start + TimeDelta::minutes((i * 7) % (330 * 24 * 60));
            let n = (i % 20) as u32 + 1;
            if i % 2 == 0 {
                (received, Duration::WorkingDays(n), Mode::A)
            } else {
                (received, Duration::WorkingHours(n * 4), Mode::B)
            }
        })
        .collect();
    let started = Instant::now();
    let mut checksum = 0_i64;
    for (received, duration, mode) in &cases {
        let due = due_at(*received, *duration, *mode, &calendar, &hours).expect("due date");
        checksum = checksum.wrapping_add(due.and_utc().timestamp());
    }
    let elapsed = started.elapsed();
    println!(
        "calendar 2000–2100 built in {:.1} ms; {} due dates in {:.3} s = {:.0} per second on one core (checksum {checksum})",
        build_time.as_secs_f64() * 1e3,
        cases.len(),
        elapsed.as_secs_f64(),
        cases.len() as f64 / elapsed.as_secs_f64()
    );
}
