//! The Vietnamese lunisolar calendar (âm lịch), by Hồ Ngọc Đức's astronomical algorithm at UTC+7.
//!
//! Bộ luật Lao động 2019, Điều 112(1) fixes two holidays on lunar dates (Tết Âm lịch and Giỗ Tổ Hùng Vương 10/3), so
//! the working calendar needs the lunar calendar Vietnam actually uses: months start on the civil day (UTC+7) of the
//! astronomical new moon, the month holding the winter solstice is month 11, and in a 13-month year the first month
//! without a major solar term is the leap month (spec §3.2). Because the time zone is UTC+7 and not China's UTC+8,
//! some years differ from the Chinese calendar (Tết 1985, 2007, 2030).
//!
//! The floating-point formulas are kept exactly as published so that results match the reference tables to the day;
//! the calendar is validated over 1900-01-31..=2199-12-31.

use chrono::{Datelike, NaiveDate};
use std::f64::consts::PI;

/// Vietnam's legal time zone, in hours east of UTC, as the algorithm expects it.
const TIME_ZONE: f64 = 7.0;

/// Days between `NaiveDate::num_days_from_ce` and the Julian day number (JDN of 0001-01-01 is 1 721 426).
const JDN_OFFSET: i32 = 1_721_425;

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LunarDate {
    /// The lunar year, numbered like the solar year in which its Tết falls.
    pub year: i32,
    /// The month, 1–12; a leap month carries the number of the month before it.
    pub month: u32,
    /// The day of the month, 1–30.
    pub day: u32,
    /// Whether the month is the leap month (tháng nhuận) of the year.
    pub leap: bool,
}

impl LunarDate {
    /// A lunar date in an ordinary (non-leap) month.
    pub fn new(year: i32, month: u32, day: u32) -> Self {
        Self { year, month, day, leap: false }
    }
}

fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce() + JDN_OFFSET)
}

fn from_jdn(jdn: i64) -> Option<NaiveDate> {
    let days = i32::try_from(jdn - i64::from(JDN_OFFSET)).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// Julian day of the `k`-th new moon after 1900-01-01 (Jean Meeus, "Astronomical Algorithms", as Hồ Ngọc Đức uses it).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's true longitude in radians, normalised to [0, 2π), at Julian day `jd`.
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl = dl + (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - PI * 2.0 * (l / (PI * 2.0)).floor()
}

/// The civil day (JDN, UTC+7) of the `k`-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// The 30° sector (0–11) of the sun's longitude at local midnight starting day `day`; sector 9 begins at the winter
/// solstice.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - TIME_ZONE / 24.0) / PI * 6.0).floor() as i64
}

/// The first day of lunar month 11 of solar year `year` (the month that holds the winter solstice).
fn lunar_month_11(year: i32) -> i64 {
    let last_day = NaiveDate::from_ymd_opt(year, 12, 31).map_or(0, jdn);
    let k = ((last_day - 2415021) as f64 / 29.530588853).floor() as i64;
    let start = new_moon_day(k);
    if sun_sector(start) >= 9 { new_moon_day(k - 1) } else { start }
}

/// In a 13-month year starting at month 11 on `a11`, the offset (in months after month 11) of the leap month: the
/// first month without a major solar term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The month number (1–12) a leap month at `offset` months after month 11 carries: that of the month before it.
fn leap_month_number(offset: i64) -> u32 {
    ((10 + offset - 1).rem_euclid(12) + 1) as u32
}

/// Converts a solar (Gregorian) date to the Vietnamese lunar calendar.
pub fn to_lunar(date: NaiveDate) -> LunarDate {
    let day_number = jdn(date);
    // The mean-month estimate can be a month off near a new moon (for 2062-04-09 its new moon fell after the day,
    // which gave a negative day of the month): step to the last new moon on or before the day.
    let mut k = ((day_number as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    while new_moon_day(k + 1) <= day_number {
        k += 1;
    }
    while new_moon_day(k) > day_number {
        k -= 1;
    }
    let month_start = new_moon_day(k);
    let solar_year = date.year();
    let mut a11 = lunar_month_11(solar_year);
    let mut b11 = a11;
    let mut year = if a11 >= month_start {
        a11 = lunar_month_11(solar_year - 1);
        solar_year
    } else {
        b11 = lunar_month_11(solar_year + 1);
        solar_year + 1
    };
    let day = (day_number - month_start + 1) as u32;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        if diff >= leap_offset {
            month = diff + 10;
            leap = diff == leap_offset;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        year -= 1;
    }
    LunarDate { year, month: month as u32, day, leap }
}

/// The first day of lunar month `month` (leap or not) of lunar year `year`, with the first day of the next month, or
/// `None` if that month does not exist (a leap month in a year whose leap month is another one, or none).
fn month_bounds(year: i32, month: u32, leap: bool) -> Option<(i64, i64)> {
    if !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1), lunar_month_11(year))
    } else {
        (lunar_month_11(year), lunar_month_11(year + 1))
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut offset = (i64::from(month) - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        if leap && month != leap_month_number(leap_offset) {
            return None;
        }
        if leap || offset >= leap_offset {
            offset += 1;
        }
    } else if leap {
        return None;
    }
    Some((new_moon_day(k + offset), new_moon_day(k + offset + 1)))
}

/// Converts a lunar date to the solar (Gregorian) calendar; `None` if the date does not exist (day 30 of a 29-day
/// month, a leap month the year does not have, a month outside 1–12).
pub fn from_lunar(date: LunarDate) -> Option<NaiveDate> {
    let (start, next) = month_bounds(date.year, date.month, date.leap)?;
    if date.day == 0 || i64::from(date.day) > next - start {
        return None;
    }
    from_jdn(start + i64::from(date.day) - 1)
}

/// The number of the leap month of lunar year `year`, if it has one.
pub fn leap_month(year: i32) -> Option<u32> {
    // Lunar year `year` runs from month 1 (in the span starting at month 11 of `year - 1`) to month 12 (in the span
    // starting at month 11 of `year`), so a leap month 1–10 sits in the first span and a leap 11 or 12 in the second.
    leap_in_span(year - 1).filter(|&m| m < 11).or_else(|| leap_in_span(year).filter(|&m| m >= 11))
}

/// The leap month of the 13-month span starting at month 11 of solar year `year`, if the span has 13 months.
fn leap_in_span(year: i32) -> Option<u32> {
    let a11 = lunar_month_11(year);
    let b11 = lunar_month_11(year + 1);
    (b11 - a11 > 365).then(|| leap_month_number(leap_month_offset(a11)))
}

/// Solar date of Tết Nguyên đán (lunar 1/1) of lunar year `year`.
pub fn tet(year: i32) -> Option<NaiveDate> {
    from_lunar(LunarDate::new(year, 1, 1))
}

/// The length of a lunar month in days (29 or 30), or `None` if that month does not exist.
pub fn month_length(year: i32, month: u32, leap: bool) -> Option<u32> {
    month_bounds(year, month, leap).map(|(start, next)| (next - start) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    type Ymd = (i32, u32, u32);

    /// Spec §3.3: (lunar year, Tết, Giỗ Tổ 10/3, leap month). The spec names no leap month for 1985, but its own
    /// dates imply one: Tết 21/01 and Giỗ Tổ 29/04 are 98 days apart, more than the 68 of two ordinary months, so a
    /// leap month 1 or 2 lies between them (Vietnam's 1985 had a leap month 2; China's leap month was 10 of 1984).
    const VECTORS: &[(i32, Ymd, Ymd, Option<u32>)] = &[
        (1985, (1985, 1, 21), (1985, 4, 29), Some(2)),
        (2007, (2007, 2, 17), (2007, 4, 26), None),
        (2020, (2020, 1, 25), (2020, 4, 2), Some(4)),
        (2023, (2023, 1, 22), (2023, 4, 29), Some(2)),
        (2024, (2024, 2, 10), (2024, 4, 18), None),
        (2025, (2025, 1, 29), (2025, 4, 7), Some(6)),
        (2026, (2026, 2, 17), (2026, 4, 26), None),
        (2027, (2027, 2, 6), (2027, 4, 16), None),
        (2028, (2028, 1, 26), (2028, 4, 4), Some(5)),
        (2029, (2029, 2, 13), (2029, 4, 23), None),
        (2030, (2030, 2, 2), (2030, 4, 12), None),
        (2031, (2031, 1, 23), (2031, 4, 1), Some(3)),
    ];

    #[test]
    fn spec_vectors_for_tet_hung_kings_and_leap_months() {
        for &(year, (ty, tm, td), (gy, gm, gd), leap) in VECTORS {
            assert_eq!(tet(year), Some(d(ty, tm, td)), "Tết {year}");
            assert_eq!(to_lunar(d(ty, tm, td)), LunarDate::new(year, 1, 1), "Tết {year} back");
            assert_eq!(from_lunar(LunarDate::new(year, 3, 10)), Some(d(gy, gm, gd)), "Giỗ Tổ {year}");
            assert_eq!(leap_month(year), leap, "leap month of {year}");
            for month in 1..=12 {
                let exists = from_lunar(LunarDate { year, month, day: 1, leap: true }).is_some();
                assert_eq!(exists, leap == Some(month), "leap {month} of {year}");
            }
        }
    }

    #[test]
    fn spec_extra_conversions() {
        assert_eq!(to_lunar(d(2025, 1, 1)), LunarDate::new(2024, 12, 2));
        assert_eq!(to_lunar(d(2025, 1, 28)), LunarDate::new(2024, 12, 29));
        assert_eq!(to_lunar(d(2026, 1, 1)), LunarDate::new(2025, 11, 13));
        assert_eq!(to_lunar(d(2025, 8, 24)), LunarDate::new(2025, 7, 2));
        assert_eq!(to_lunar(d(2025, 7, 25)), LunarDate { year: 2025, month: 6, day: 1, leap: true });
        assert_eq!(to_lunar(d(2026, 2, 16)), LunarDate::new(2025, 12, 29), "no 30 Tết in 2026");
        assert_eq!(month_length(2025, 12, false), Some(29));
    }

    #[test]
    fn impossible_lunar_dates_are_refused() {
        assert_eq!(from_lunar(LunarDate::new(2025, 12, 30)), None);
        assert_eq!(from_lunar(LunarDate::new(2025, 13, 1)), None);
        assert_eq!(from_lunar(LunarDate::new(2025, 0, 1)), None);
        assert_eq!(from_lunar(LunarDate::new(2025, 1, 0)), None);
        assert_eq!(from_lunar(LunarDate { year: 2024, month: 6, day: 1, leap: true }), None);
        assert_eq!(from_lunar(LunarDate { year: 2025, month: 5, day: 1, leap: true }), None);
    }

    proptest! {
        #[test]
        fn solar_to_lunar_to_solar_is_the_identity(days in 0_i64..=109_542) {
            let date = d(1900, 1, 31) + chrono::Days::new(days as u64);
            prop_assert!(date <= d(2199, 12, 31));
            let lunar = to_lunar(date);
            prop_assert!((1..=30).contains(&lunar.day));
            prop_assert!((1..=12).contains(&lunar.month));
            prop_assert_eq!(from_lunar(lunar), Some(date), "{:?}", lunar);
        }
    }

    #[test]
    fn every_day_of_the_supported_range_round_trips() {
        // Exhaustive: the random round-trip property once found 2062-04-09, whose month estimate was one off.
        let mut date = d(1900, 1, 31);
        while date <= d(2199, 12, 31) {
            let lunar = to_lunar(date);
            assert!((1..=30).contains(&lunar.day) && (1..=12).contains(&lunar.month), "{date}: {lunar:?}");
            assert_eq!(from_lunar(lunar), Some(date), "{lunar:?}");
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn every_year_of_the_supported_range_has_a_tet_and_consistent_months() {
        for year in 1900..=2199 {
            let new_year = tet(year).unwrap();
            assert_eq!(to_lunar(new_year), LunarDate::new(year, 1, 1));
            assert!(new_year >= d(year, 1, 21) && new_year <= d(year, 2, 20), "Tết {year} on {new_year}");
            for month in 1..=12 {
                let length = month_length(year, month, false).unwrap();
                assert!(length == 29 || length == 30, "{year}/{month}: {length}");
            }
        }
    }
}
