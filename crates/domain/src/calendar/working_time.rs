//! Office hours and working time: when the clock of a deadline runs.
//!
//! Implements spec §2.6 (office hours, deemed reception time, the 15:00 rule for "trong ngày" procedures) on top of
//! the working days of Bộ luật Lao động 2019, Điều 111–112 ([`Calendar`]). The 15:00 rule is the one of the hộ tịch
//! procedures (Luật Hộ tịch 2014 and its decrees: a dossier received after 15:00 is settled the next working day).
//!
//! Everything is in local Vietnam time (UTC+7, no daylight saving): a `NaiveDateTime` here is a wall-clock time in
//! Vietnam; [`local`] and [`instant`] convert from and to the UTC instants the rest of the system stores.

use super::holiday::{Calendar, HolidayError};
use crate::time;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The latest reception time for a "trong ngày" procedure to be settled the same day (spec §2.6, [C] for hộ tịch).
pub const WITHIN_THE_DAY_CUTOFF: NaiveTime = match NaiveTime::from_hms_opt(15, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// Why working time could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkingTimeError {
    /// The calendar does not cover the dates involved.
    #[error(transparent)]
    Calendar(#[from] HolidayError),
    /// A period that ends before it starts.
    #[error("office period {start}–{end} ends before it starts")]
    EmptyPeriod {
        /// Start.
        start: NaiveTime,
        /// End.
        end: NaiveTime,
    },
    /// Periods of one day that overlap or are out of order.
    #[error("office periods of {0} overlap or are out of order")]
    UnorderedPeriods(Weekday),
    /// A weekday without office hours, on which a working day would have no end.
    #[error("no office hours on {0}")]
    NoPeriods(Weekday),
    /// A negative amount of working time.
    #[error("working time cannot be negative")]
    NegativeDuration,
    /// A question that only makes sense for a working day.
    #[error("{0} is not a working day")]
    NotAWorkingDay(NaiveDate),
}

/// One opening period of a day, such as 07:30–11:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPeriod")]
pub struct Period {
    start: NaiveTime,
    end: NaiveTime,
}

#[derive(Deserialize)]
struct RawPeriod {
    start: NaiveTime,
    end: NaiveTime,
}

impl TryFrom<RawPeriod> for Period {
    type Error = WorkingTimeError;
    fn try_from(raw: RawPeriod) -> Result<Self, Self::Error> {
        Period::new(raw.start, raw.end)
    }
}

impl Period {
    /// A period from `start` to `end`, which must be later.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, WorkingTimeError> {
        if end <= start {
            return Err(WorkingTimeError::EmptyPeriod { start, end });
        }
        Ok(Self { start, end })
    }

    /// Opening time.
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// Closing time.
    pub fn end(&self) -> NaiveTime {
        self.end
    }

    fn hm(start: (u32, u32), end: (u32, u32)) -> Self {
        let t = |(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Self { start: t(start), end: t(end) }
    }
}

/// A unit's office hours (giờ hành chính): the periods of each weekday Monday–Friday and of a weekend day made a
/// working day by a swap. Saturday reception desks do not appear here: they do not make Saturday a working day for
/// deadlines (spec §2.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawOfficeHours")]
pub struct OfficeHours {
    weekdays: [Vec<Period>; 5],
    swapped_working_day: Vec<Period>,
}

#[derive(Deserialize)]
struct RawOfficeHours {
    weekdays: [Vec<Period>; 5],
    swapped_working_day: Vec<Period>,
}

impl TryFrom<RawOfficeHours> for OfficeHours {
    type Error = WorkingTimeError;
    fn try_from(raw: RawOfficeHours) -> Result<Self, Self::Error> {
        OfficeHours::new(raw.weekdays, raw.swapped_working_day)
    }
}

impl Default for OfficeHours {
    /// 07:30–11:30 and 13:00–17:00, the typical published hours, also on swapped working days.
    fn default() -> Self {
        let day = vec![Period::hm((7, 30), (11, 30)), Period::hm((13, 0), (17, 0))];
        Self { weekdays: std::array::from_fn(|_| day.clone()), swapped_working_day: day }
    }
}

impl OfficeHours {
    /// Office hours from the periods of Monday..=Friday and of a swapped working day; each day needs at least one
    /// period, in order and without overlap.
    pub fn new(weekdays: [Vec<Period>; 5], swapped_working_day: Vec<Period>) -> Result<Self, WorkingTimeError> {
        let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
        for (weekday, periods) in days.iter().zip(&weekdays).chain([(&Weekday::Sat, &swapped_working_day)]) {
            if periods.is_empty() {
                return Err(WorkingTimeError::NoPeriods(*weekday));
            }
            if periods.windows(2).any(|w| w[1].start < w[0].end) {
                return Err(WorkingTimeError::UnorderedPeriods(*weekday));
            }
        }
        Ok(Self { weekdays, swapped_working_day })
    }

    /// The same periods on every working day.
    pub fn uniform(periods: Vec<Period>) -> Result<Self, WorkingTimeError> {
        Self::new(std::array::from_fn(|_| periods.clone()), periods.clone())
    }

    /// The periods of a working day falling on `weekday` (a weekend weekday means a swapped working day).
    pub fn periods(&self, weekday: Weekday) -> &[Period] {
        match weekday {
            Weekday::Sat | Weekday::Sun => &self.swapped_working_day,
            other => &self.weekdays[other.num_days_from_monday() as usize],
        }
    }
}

/// How a dossier reached the reception desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceptionChannel {
    /// At the counter (trực tiếp).
    Counter,
    /// By public postal service (bưu chính công ích).
    Postal,
    /// Through the portal (trực tuyến).
    Online,
}

impl ReceptionChannel {
    /// Stable text form (storage, API).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Postal => "postal",
            Self::Online => "online",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Counter, Self::Postal, Self::Online].into_iter().find(|c| c.as_str() == raw)
    }
}

/// When an online dossier accepted during office hours is deemed received. Spec §2.6 [P/U].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineReception {
    /// At the start of the next working period, even during office hours (the spec's reading; default).
    #[default]
    NextPeriod,
    /// Like the counter: at the actual time when within office hours.
    AsCounter,
}

/// The wall-clock time in Vietnam of a stored UTC instant.
pub fn local(instant: DateTime<Utc>) -> NaiveDateTime {
    time::to_local(instant).naive_local()
}

/// The UTC instant of a wall-clock time in Vietnam.
pub fn instant(local: NaiveDateTime) -> DateTime<Utc> {
    (local - TimeDelta::seconds(i64::from(time::vietnam_offset().local_minus_utc()))).and_utc()
}

/// The first instant of a day in Vietnam (local midnight), the bound of a "from day … to day" filter.
pub fn day_start(date: NaiveDate) -> DateTime<Utc> {
    instant(date.and_time(NaiveTime::MIN))
}

/// The office periods of `date`: none on a day off.
pub fn periods_on<'h>(
    date: NaiveDate,
    calendar: &Calendar,
    hours: &'h OfficeHours,
) -> Result<&'h [Period], WorkingTimeError> {
    Ok(if calendar.is_working_day(date)? { hours.periods(date.weekday()) } else { &[] })
}

/// Whether `at` falls within a working period.
pub fn is_within_office_hours(
    at: NaiveDateTime,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<bool, WorkingTimeError> {
    let t = at.time();
    Ok(periods_on(at.date(), calendar, hours)?.iter().any(|p| p.start <= t && t < p.end))
}

/// The start of the first working period that starts at or after `at`.
pub fn next_period_start(
    at: NaiveDateTime,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, WorkingTimeError> {
    let mut date = at.date();
    loop {
        if let Some(p) = periods_on(date, calendar, hours)?.iter().find(|p| date.and_time(p.start) >= at) {
            return Ok(date.and_time(p.start));
        }
        date = date + Days::new(1);
    }
}

/// The close of office hours of working day `date`.
pub fn close_of_day(
    date: NaiveDate,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, WorkingTimeError> {
    let last = periods_on(date, calendar, hours)?.last().ok_or(WorkingTimeError::NotAWorkingDay(date))?;
    Ok(date.and_time(last.end))
}

/// The `n`-th working day after `date` (the first working day after it is the 1st; `n = 0` gives `date`).
pub fn working_days_after(date: NaiveDate, n: u32, calendar: &Calendar) -> Result<NaiveDate, WorkingTimeError> {
    step_working_days(date, n, calendar, |d| d + Days::new(1))
}

/// The `n`-th working day before `date`.
pub fn working_days_before(date: NaiveDate, n: u32, calendar: &Calendar) -> Result<NaiveDate, WorkingTimeError> {
    step_working_days(date, n, calendar, |d| d - Days::new(1))
}

fn step_working_days(
    mut date: NaiveDate,
    n: u32,
    calendar: &Calendar,
    step: impl Fn(NaiveDate) -> NaiveDate,
) -> Result<NaiveDate, WorkingTimeError> {
    let mut left = n;
    while left > 0 {
        date = step(date);
        if calendar.is_working_day(date)? {
            left -= 1;
        }
    }
    Ok(date)
}

/// `date` if it is a working day, otherwise the next working day.
pub fn working_day_on_or_after(mut date: NaiveDate, calendar: &Calendar) -> Result<NaiveDate, WorkingTimeError> {
    while !calendar.is_working_day(date)? {
        date = date + Days::new(1);
    }
    Ok(date)
}

/// The working time between `from` and `to` (zero if `to` is not later).
pub fn working_time(
    from: NaiveDateTime,
    to: NaiveDateTime,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<TimeDelta, WorkingTimeError> {
    let mut total = TimeDelta::zero();
    let mut date = from.date();
    while date <= to.date() && from < to {
        for p in periods_on(date, calendar, hours)? {
            let start = date.and_time(p.start).max(from);
            let end = date.and_time(p.end).min(to);
            if end > start {
                total += end - start;
            }
        }
        date = date + Days::new(1);
    }
    Ok(total)
}

/// The instant `amount` of working time after `from`. Time outside office hours does not count, so the result of a
/// positive amount always lies within or at the end of a working period; adding zero returns `from` unchanged.
pub fn add_working_time(
    from: NaiveDateTime,
    amount: TimeDelta,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, WorkingTimeError> {
    if amount < TimeDelta::zero() {
        return Err(WorkingTimeError::NegativeDuration);
    }
    if amount.is_zero() {
        return Ok(from);
    }
    let mut left = amount;
    let mut date = from.date();
    loop {
        for p in periods_on(date, calendar, hours)? {
            let start = date.and_time(p.start).max(from);
            let end = date.and_time(p.end);
            if end <= start {
                continue;
            }
            let available = end - start;
            if left <= available {
                return Ok(start + left);
            }
            left -= available;
        }
        date = date + Days::new(1);
    }
}

/// The deemed reception time (spec §2.6 [P/U]): a dossier received at the counter or by post during office hours
/// is received at that time; one received outside office hours, on a day off, or online (under the default
/// [`OnlineReception::NextPeriod`]) counts from the start of the next working period.
pub fn deemed_reception(
    actual: NaiveDateTime,
    channel: ReceptionChannel,
    online: OnlineReception,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, WorkingTimeError> {
    let as_counter = channel != ReceptionChannel::Online || online == OnlineReception::AsCounter;
    if as_counter && is_within_office_hours(actual, calendar, hours)? {
        Ok(actual)
    } else {
        next_period_start(actual, calendar, hours)
    }
}

/// The due time of a "trong ngày" procedure: the close of the reception day if the deemed reception is before
/// `cutoff` (normally [`WITHIN_THE_DAY_CUTOFF`]), otherwise the close of the next working day.
pub fn within_the_day_due(
    received: NaiveDateTime,
    cutoff: NaiveTime,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, WorkingTimeError> {
    let received = if is_within_office_hours(received, calendar, hours)? {
        received
    } else {
        next_period_start(received, calendar, hours)?
    };
    let day =
        if received.time() < cutoff { received.date() } else { working_days_after(received.date(), 1, calendar)? };
    close_of_day(day, calendar, hours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shipped_calendar;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn local_and_instant_are_inverse_at_utc_plus_7() {
        let utc = Utc.with_ymd_and_hms(2025, 6, 10, 1, 30, 0).unwrap();
        assert_eq!(local(utc), at(2025, 6, 10, 8, 30));
        assert_eq!(instant(at(2025, 6, 10, 8, 30)), utc);
    }

    #[test]
    fn office_hours_are_validated() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(matches!(Period::new(t(11, 0), t(11, 0)), Err(WorkingTimeError::EmptyPeriod { .. })));
        let morning = Period::new(t(7, 30), t(11, 30)).unwrap();
        let overlapping = Period::new(t(11, 0), t(17, 0)).unwrap();
        assert_eq!(
            OfficeHours::uniform(vec![morning, overlapping]),
            Err(WorkingTimeError::UnorderedPeriods(Weekday::Mon))
        );
        assert_eq!(OfficeHours::uniform(vec![]), Err(WorkingTimeError::NoPeriods(Weekday::Mon)));
        let parsed = toml::from_str::<Wrapper>("p = { start = \"17:00:00\", end = \"08:00:00\" }");
        assert!(parsed.is_err(), "an inverted period is refused when loaded too");
        let parsed = toml::from_str::<Wrapper>("p = { start = \"07:30:00\", end = \"11:30:00\" }").unwrap();
        assert_eq!(parsed.p, morning);
    }

    #[derive(Deserialize)]
    struct Wrapper {
        p: Period,
    }

    #[test]
    fn deemed_reception_follows_channel_and_office_hours() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let deemed = |t, channel, online| deemed_reception(t, channel, online, &cal, &hours).unwrap();
        use ReceptionChannel::*;
        let mid_morning = at(2025, 6, 10, 9, 0);
        assert_eq!(deemed(mid_morning, Counter, OnlineReception::NextPeriod), mid_morning);
        assert_eq!(deemed(mid_morning, Postal, OnlineReception::NextPeriod), mid_morning);
        assert_eq!(deemed(mid_morning, Online, OnlineReception::NextPeriod), at(2025, 6, 10, 13, 0));
        assert_eq!(deemed(mid_morning, Online, OnlineReception::AsCounter), mid_morning);
        assert_eq!(deemed(at(2025, 6, 10, 12, 0), Counter, OnlineReception::NextPeriod), at(2025, 6, 10, 13, 0));
        assert_eq!(deemed(at(2025, 6, 10, 17, 0), Counter, OnlineReception::NextPeriod), at(2025, 6, 11, 7, 30));
        // Saturday 26/4/2025 is a swapped working day; Friday 2/5 is off.
        assert_eq!(deemed(at(2025, 4, 26, 6, 0), Online, OnlineReception::NextPeriod), at(2025, 4, 26, 7, 30));
        assert_eq!(deemed(at(2025, 4, 29, 18, 0), Online, OnlineReception::NextPeriod), at(2025, 5, 5, 7, 30));
    }

    #[test]
    fn the_15_00_rule() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let due = |t| within_the_day_due(t, WITHIN_THE_DAY_CUTOFF, &cal, &hours).unwrap();
        assert_eq!(due(at(2025, 6, 10, 14, 59)), at(2025, 6, 10, 17, 0));
        assert_eq!(due(at(2025, 6, 10, 15, 0)), at(2025, 6, 11, 17, 0));
        assert_eq!(due(at(2025, 6, 13, 16, 0)), at(2025, 6, 16, 17, 0), "Friday afternoon → Monday");
        assert_eq!(due(at(2025, 6, 14, 10, 0)), at(2025, 6, 16, 17, 0), "Saturday counts from Monday morning");
    }

    #[test]
    fn working_time_skips_nights_lunch_and_days_off() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let wt = |a, b| working_time(a, b, &cal, &hours).unwrap();
        assert_eq!(wt(at(2025, 6, 10, 9, 0), at(2025, 6, 10, 14, 0)), TimeDelta::hours(3) + TimeDelta::minutes(30));
        assert_eq!(wt(at(2025, 6, 13, 16, 0), at(2025, 6, 16, 8, 30)), TimeDelta::hours(2));
        assert_eq!(wt(at(2025, 4, 29, 17, 0), at(2025, 5, 5, 7, 30)), TimeDelta::zero(), "30/4–4/5 off");
        assert_eq!(wt(at(2025, 6, 10, 14, 0), at(2025, 6, 10, 9, 0)), TimeDelta::zero());
        assert_eq!(
            add_working_time(at(2025, 6, 10, 16, 0), TimeDelta::hours(1), &cal, &hours).unwrap(),
            at(2025, 6, 10, 17, 0),
            "ends at the close, not the next opening"
        );
        assert_eq!(
            add_working_time(at(2025, 6, 10, 16, 0), TimeDelta::hours(-1), &cal, &hours),
            Err(WorkingTimeError::NegativeDuration)
        );
        assert!(matches!(
            add_working_time(at(2025, 12, 31, 16, 0), TimeDelta::hours(8), &cal, &hours),
            Err(WorkingTimeError::Calendar(HolidayError::OutOfRange(_)))
        ));
        assert_eq!(working_days_before(NaiveDate::from_ymd_opt(2025, 5, 5).unwrap(), 1, &cal).unwrap().day(), 29);
    }

    fn instant_in_2025() -> impl Strategy<Value = NaiveDateTime> {
        (0_i64..340 * 24 * 60).prop_map(|minutes| at(2025, 1, 1, 0, 0) + TimeDelta::minutes(minutes))
    }

    proptest! {
        #[test]
        fn adding_then_measuring_gives_back_the_amount(a in instant_in_2025(), minutes in 0_i64..20 * 8 * 60) {
            let cal = shipped_calendar(2025..=2026);
            let hours = OfficeHours::default();
            let h = TimeDelta::minutes(minutes);
            let end = add_working_time(a, h, &cal, &hours).unwrap();
            prop_assert!(end >= a);
            prop_assert_eq!(working_time(a, end, &cal, &hours).unwrap(), h);
        }

        #[test]
        fn adding_working_time_is_monotone(
            a in instant_in_2025(), gap in 0_i64..5 * 24 * 60, m1 in 0_i64..10 * 8 * 60, extra in 0_i64..8 * 60,
        ) {
            let cal = shipped_calendar(2025..=2026);
            let hours = OfficeHours::default();
            let b = a + TimeDelta::minutes(gap);
            let h1 = TimeDelta::minutes(m1);
            let h2 = h1 + TimeDelta::minutes(extra);
            let add = |t, h| add_working_time(t, h, &cal, &hours).unwrap();
            prop_assert!(add(a, h1) <= add(b, h1));
            prop_assert!(add(a, h1) <= add(a, h2));
        }
    }
}
