//! Deadlines of a dossier: the due date, pauses, the apology and re-appointment, per-step allotments and the
//! standing of a dossier at an instant.
//!
//! Implements spec §2.6 and §2.8: Bộ luật Dân sự 2015, Điều 147 (a period in days starts the day after the event)
//! and Điều 148 (a period in days or months ends with its last day; a last day that is a day off moves to the next
//! working day); the one-stop decrees (NĐ 61/2018/NĐ-CP as amended by NĐ 107/2021/NĐ-CP, replaced by
//! NĐ 118/2025/NĐ-CP): the clock stops while the applicant supplements the dossier, time already spent is kept, and
//! an agency that will be late apologises and re-appoints once, at least one working day before the due date.

use crate::calendar::holiday::{Calendar, HolidayError};
use crate::calendar::working_time::{
    self, OfficeHours, WITHIN_THE_DAY_CUTOFF, WorkingTimeError, add_working_time, close_of_day, next_period_start,
    working_day_on_or_after, working_days_after, working_days_before,
};
use chrono::{Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

/// Hours in a working day when a duration is converted to working hours (spec §2.6, [C: implementation]).
pub const HOURS_PER_WORKING_DAY: i64 = 8;

/// The default "nearing breach" threshold: one working day of working time left (spec §2.8).
pub const NEARING_BREACH: TimeDelta = TimeDelta::hours(HOURS_PER_WORKING_DAY);

/// A statutory duration (thời hạn giải quyết) with its unit, as published for a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum Duration {
    /// Working days (ngày làm việc), the most common unit.
    WorkingDays(u32),
    /// Working hours (giờ làm việc), e.g. "04 giờ".
    WorkingHours(u32),
    /// Half working days of 4 hours, for published fractions such as "0,5 ngày" (1) or "1,5 ngày" (3).
    HalfWorkingDays(u32),
    /// Calendar days (ngày).
    CalendarDays(u32),
    /// Months (tháng).
    Months(u32),
    /// Within the day (trong ngày / ngay trong ngày), under the 15:00 rule.
    WithinTheDay,
}

impl Duration {
    /// The duration in working time where it has one (1 working day = 8 hours); calendar days, months and "within
    /// the day" have none.
    pub fn working_time(self) -> Option<TimeDelta> {
        match self {
            Duration::WorkingDays(n) => Some(TimeDelta::hours(HOURS_PER_WORKING_DAY * i64::from(n))),
            Duration::WorkingHours(n) => Some(TimeDelta::hours(i64::from(n))),
            Duration::HalfWorkingDays(n) => Some(TimeDelta::hours(HOURS_PER_WORKING_DAY / 2 * i64::from(n))),
            Duration::CalendarDays(_) | Duration::Months(_) | Duration::WithinTheDay => None,
        }
    }

    /// The spec's default counting mode: A for whole-day units, B for hour units and fractions of a day.
    pub fn default_mode(self) -> Mode {
        match self {
            Duration::WorkingHours(_) | Duration::HalfWorkingDays(_) => Mode::B,
            _ => Mode::A,
        }
    }

    fn is_zero(self) -> bool {
        matches!(
            self,
            Duration::WorkingDays(0)
                | Duration::WorkingHours(0)
                | Duration::HalfWorkingDays(0)
                | Duration::CalendarDays(0)
                | Duration::Months(0)
        )
    }
}

/// How working days and hours are counted (spec §2.6), chosen per procedure. Calendar days, months and "within the
/// day" are counted the same way in both modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Mode {
    /// The legal "day" reading (Bộ luật Dân sự 2015, Điều 147: the first day is not counted): due at the end of the
    /// N-th working day after the reception date. Hours count only in whole days of 8 hours.
    A,
    /// The "hour" reading of most one-stop software: due N × 8 working hours after reception, skipping non-working
    /// time; half days are 4 hours.
    B,
}

/// When a day-based period ends on its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayEnd {
    /// At the close of office hours (spec §2.6, mode A; default).
    #[default]
    OfficeClose,
    /// At 24:00 (Bộ luật Dân sự 2015, Điều 148(6)).
    Midnight,
}

/// The parameters of due-date counting that the spec leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountingRules {
    /// The latest reception time for a "trong ngày" dossier to be due the same day; default 15:00 ([C] for hộ tịch).
    pub within_the_day_cutoff: NaiveTime,
    /// When a day-based period ends; default [`DayEnd::OfficeClose`] [U].
    pub day_end: DayEnd,
}

impl Default for CountingRules {
    fn default() -> Self {
        Self { within_the_day_cutoff: WITHIN_THE_DAY_CUTOFF, day_end: DayEnd::OfficeClose }
    }
}

/// Why a deadline could not be computed or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Working time could not be counted (calendar range, office hours).
    #[error(transparent)]
    WorkingTime(#[from] WorkingTimeError),
    /// A duration of zero.
    #[error("a duration must be positive")]
    ZeroDuration,
    /// A fraction of a day counted in mode A, which only counts whole days.
    #[error("{0:?} is not a whole number of working days, which mode A requires")]
    FractionalDays(Duration),
    /// A pause while the clock is already stopped.
    #[error("the clock is already paused since {0}")]
    AlreadyPaused(NaiveDateTime),
    /// A pause earlier than the reception or than the end of the previous pause.
    #[error("a pause at {0} overlaps the reception or an earlier pause")]
    PauseOverlaps(NaiveDateTime),
    /// A resume while the clock runs.
    #[error("the clock is not paused")]
    NotPaused,
    /// A resume earlier than its pause.
    #[error("resume at {resume} is before the pause at {start}")]
    ResumeBeforePause {
        /// The pause.
        start: NaiveDateTime,
        /// The refused resume.
        resume: NaiveDateTime,
    },
    /// A second re-appointment.
    #[error("the due date has already been re-appointed once")]
    AlreadyReappointed,
    /// A re-appointment made after the last day allowed.
    #[error("a re-appointment must be made by {latest}")]
    ReappointmentTooLate {
        /// The last day it was allowed.
        latest: NaiveDate,
    },
    /// A re-appointment that does not move the due date later.
    #[error("the new due date {0} is not later than the current one")]
    ReappointmentNotLater(NaiveDateTime),
    /// A step allotment that is zero or negative.
    #[error("step {0} has no time allotted")]
    EmptyAllotment(usize),
    /// Step allotments adding up to more than the statutory duration.
    #[error("the steps take {total} but the statutory duration is {statutory}")]
    AllotmentsExceedStatutory {
        /// Their sum.
        total: TimeDelta,
        /// The statutory duration.
        statutory: TimeDelta,
    },
}

/// The end of the period whose last day is `date`.
fn end_of(
    date: NaiveDate,
    rules: &CountingRules,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, DeadlineError> {
    Ok(match rules.day_end {
        DayEnd::OfficeClose => close_of_day(date, calendar, hours)?,
        DayEnd::Midnight => (date + Days::new(1)).and_time(NaiveTime::MIN),
    })
}

/// The due date of a dossier received at `received` under the default [`CountingRules`]. See [`due_at_with`].
pub fn due_at(
    received: NaiveDateTime,
    duration: Duration,
    mode: Mode,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, DeadlineError> {
    due_at_with(received, duration, mode, &CountingRules::default(), calendar, hours)
}

/// The due date (ngày hẹn trả kết quả) of a dossier deemed received at `received` (see
/// [`working_time::deemed_reception`]; a time outside office hours is moved to the next working period here too).
///
/// * Working days, mode A: the end of the N-th working day after the reception date.
/// * Working days, hours and half days, mode B: N working hours after reception.
/// * Calendar days and months: the end of the day N days or months after the reception date (the day of the same
///   number, or the month's last day), moved to the next working day if it is a day off.
/// * Within the day: the end of the reception day if received before the cut-off, else of the next working day.
pub fn due_at_with(
    received: NaiveDateTime,
    duration: Duration,
    mode: Mode,
    rules: &CountingRules,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, DeadlineError> {
    if duration.is_zero() {
        return Err(DeadlineError::ZeroDuration);
    }
    let received = if working_time::is_within_office_hours(received, calendar, hours)? {
        received
    } else {
        next_period_start(received, calendar, hours)?
    };
    let day = received.date();
    let last_day = |date: NaiveDate| working_day_on_or_after(date, calendar);
    match (duration, mode) {
        (Duration::WithinTheDay, _) => {
            let last =
                if received.time() < rules.within_the_day_cutoff { day } else { working_days_after(day, 1, calendar)? };
            end_of(last, rules, calendar, hours)
        }
        (Duration::CalendarDays(n), _) => {
            let last = day
                .checked_add_days(Days::new(u64::from(n)))
                .ok_or(HolidayError::OutOfRange(day))
                .map_err(WorkingTimeError::from)?;
            end_of(last_day(last)?, rules, calendar, hours)
        }
        (Duration::Months(n), _) => {
            let last = day
                .checked_add_months(Months::new(n))
                .ok_or(HolidayError::OutOfRange(day))
                .map_err(WorkingTimeError::from)?;
            end_of(last_day(last)?, rules, calendar, hours)
        }
        (_, Mode::A) => {
            let time = duration.working_time().unwrap_or_default();
            let per_day = TimeDelta::hours(HOURS_PER_WORKING_DAY);
            if time.num_seconds() % per_day.num_seconds() != 0 {
                return Err(DeadlineError::FractionalDays(duration));
            }
            let days = u32::try_from(time.num_seconds() / per_day.num_seconds()).unwrap_or(u32::MAX);
            end_of(working_days_after(day, days, calendar)?, rules, calendar, hours)
        }
        (_, Mode::B) => Ok(add_working_time(received, duration.working_time().unwrap_or_default(), calendar, hours)?),
    }
}

/// A period during which the clock of a dossier is stopped (tạm dừng tính thời gian), such as a supplement request
/// after acceptance or, if configured, a wait for financial obligations. `end` is `None` while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// When the clock stopped.
    pub start: NaiveDateTime,
    /// When it started again.
    pub end: Option<NaiveDateTime>,
}

/// The working time the clock was stopped by `pauses`, an open pause counting until `now`.
pub fn paused_time(
    pauses: &[Pause],
    now: NaiveDateTime,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<TimeDelta, DeadlineError> {
    let mut total = TimeDelta::zero();
    for pause in pauses {
        total += working_time::working_time(pause.start, pause.end.unwrap_or(now), calendar, hours)?;
    }
    Ok(total)
}

/// The due date extended by the working time of `pauses` (spec §2.6: `due' = due + working_time(pause)`); time spent
/// before a pause is kept, not reset.
pub fn extend_by_pauses(
    due: NaiveDateTime,
    pauses: &[Pause],
    now: NaiveDateTime,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, DeadlineError> {
    let paused = paused_time(pauses, now, calendar, hours)?;
    Ok(add_working_time(due, paused, calendar, hours)?)
}

/// The rule of the apology and re-appointment (spec §2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReappointmentRule {
    /// How many working days before the due date the apology must be made at the latest: the re-appointment is
    /// allowed on or before the day that many working days before the due date's day. Default 1 (spec §2.8 [C] for
    /// a provincial implementation, [P] for the article).
    pub min_lead_working_days: u32,
}

impl Default for ReappointmentRule {
    fn default() -> Self {
        Self { min_lead_working_days: 1 }
    }
}

/// An apology with a new date (Mẫu 04). The original due date stays the one reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reappointment {
    /// When the apology was made.
    pub made_at: NaiveDateTime,
    /// The new date promised to the applicant.
    pub new_due: NaiveDateTime,
}

/// Where a dossier stands against its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Finished on a day before the due date's day (trước hạn).
    Early,
    /// Finished on the due day by the due time, or still running with more than the threshold left (đúng hạn).
    OnTime,
    /// Still running with at most the threshold of working time left (one working day by default).
    NearingBreach,
    /// Finished after, or still running past, the due time (quá hạn; "overdue").
    Late,
}

/// The standing at `now` of a dossier due at `due`, finished at `finished` if it is. A running dossier is nearing
/// breach when at most `nearing` working time is left (normally [`NEARING_BREACH`]).
pub fn standing(
    due: NaiveDateTime,
    finished: Option<NaiveDateTime>,
    now: NaiveDateTime,
    nearing: TimeDelta,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<Standing, DeadlineError> {
    Ok(match finished {
        Some(at) if at > due => Standing::Late,
        Some(at) if at.date() < due.date() => Standing::Early,
        Some(_) => Standing::OnTime,
        None if now > due => Standing::Late,
        None if working_time::working_time(now, due, calendar, hours)? <= nearing => Standing::NearingBreach,
        None => Standing::OnTime,
    })
}

/// The working time left at `now` until `due`; negative, by the working time elapsed since, once it has passed.
pub fn remaining(
    due: NaiveDateTime,
    now: NaiveDateTime,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<TimeDelta, DeadlineError> {
    Ok(if now <= due {
        working_time::working_time(now, due, calendar, hours)?
    } else {
        -working_time::working_time(due, now, calendar, hours)?
    })
}

/// Checks per-step allotments of a workflow against the statutory duration (spec §2.6: their sum must not exceed
/// it) and returns their sum.
pub fn validate_allotments(allotments: &[TimeDelta], statutory: TimeDelta) -> Result<TimeDelta, DeadlineError> {
    let mut total = TimeDelta::zero();
    for (i, a) in allotments.iter().enumerate() {
        if *a <= TimeDelta::zero() {
            return Err(DeadlineError::EmptyAllotment(i));
        }
        total += *a;
    }
    if total > statutory {
        return Err(DeadlineError::AllotmentsExceedStatutory { total, statutory });
    }
    Ok(total)
}

/// The due time of a step that started at `started` with `allotment` of working time.
pub fn step_due(
    started: NaiveDateTime,
    allotment: TimeDelta,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<NaiveDateTime, DeadlineError> {
    if allotment <= TimeDelta::zero() {
        return Err(DeadlineError::EmptyAllotment(0));
    }
    Ok(add_working_time(started, allotment, calendar, hours)?)
}

/// The planned due time of each step when the steps run one after another from `received`, after checking the
/// allotments against `statutory`.
pub fn plan_steps(
    received: NaiveDateTime,
    allotments: &[TimeDelta],
    statutory: TimeDelta,
    calendar: &Calendar,
    hours: &OfficeHours,
) -> Result<Vec<NaiveDateTime>, DeadlineError> {
    validate_allotments(allotments, statutory)?;
    let mut at = received;
    allotments
        .iter()
        .map(|a| {
            at = add_working_time(at, *a, calendar, hours)?;
            Ok(at)
        })
        .collect()
}

/// The deadline of one dossier: its reception, its original due date (never overwritten), its pauses and its
/// re-appointment if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    received: NaiveDateTime,
    due_original: NaiveDateTime,
    pauses: Vec<Pause>,
    reappointment: Option<Reappointment>,
}

impl Deadline {
    /// A deadline from an already computed due date (for instance one reloaded from storage).
    pub fn new(received: NaiveDateTime, due_original: NaiveDateTime) -> Self {
        Self { received, due_original, pauses: Vec::new(), reappointment: None }
    }

    /// The deadline of a dossier deemed received at `received`, its due date computed by [`due_at_with`].
    pub fn start(
        received: NaiveDateTime,
        duration: Duration,
        mode: Mode,
        rules: &CountingRules,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<Self, DeadlineError> {
        Ok(Self::new(received, due_at_with(received, duration, mode, rules, calendar, hours)?))
    }

    /// The reception time.
    pub fn received(&self) -> NaiveDateTime {
        self.received
    }

    /// The due date computed at acceptance (synced as NgayHenTra).
    pub fn due_original(&self) -> NaiveDateTime {
        self.due_original
    }

    /// The pauses so far, in order.
    pub fn pauses(&self) -> &[Pause] {
        &self.pauses
    }

    /// The re-appointment, if one was made.
    pub fn reappointment(&self) -> Option<Reappointment> {
        self.reappointment
    }

    /// Whether the clock is stopped.
    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.end.is_none())
    }

    /// Stops the clock at `at`.
    pub fn pause(&mut self, at: NaiveDateTime) -> Result<(), DeadlineError> {
        match self.pauses.last() {
            Some(Pause { start, end: None }) => return Err(DeadlineError::AlreadyPaused(*start)),
            Some(Pause { end: Some(end), .. }) if at < *end => return Err(DeadlineError::PauseOverlaps(at)),
            _ if at < self.received => return Err(DeadlineError::PauseOverlaps(at)),
            _ => {}
        }
        self.pauses.push(Pause { start: at, end: None });
        Ok(())
    }

    /// Restarts the clock at `at`; the time already spent is kept.
    pub fn resume(&mut self, at: NaiveDateTime) -> Result<(), DeadlineError> {
        match self.pauses.last_mut() {
            Some(pause) if pause.end.is_none() => {
                if at < pause.start {
                    return Err(DeadlineError::ResumeBeforePause { start: pause.start, resume: at });
                }
                pause.end = Some(at);
                Ok(())
            }
            _ => Err(DeadlineError::NotPaused),
        }
    }

    /// The working time paused so far, an open pause counting until `now`.
    pub fn paused_time(
        &self,
        now: NaiveDateTime,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<TimeDelta, DeadlineError> {
        paused_time(&self.pauses, now, calendar, hours)
    }

    /// The legal due date at `now`: the original one extended by the pauses. A re-appointment does not change it, so
    /// reports and the index keep counting against it.
    pub fn due(
        &self,
        now: NaiveDateTime,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<NaiveDateTime, DeadlineError> {
        extend_by_pauses(self.due_original, &self.pauses, now, calendar, hours)
    }

    /// The date promised to the applicant: the re-appointed one if any, otherwise [`Deadline::due`].
    pub fn promised_due(
        &self,
        now: NaiveDateTime,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<NaiveDateTime, DeadlineError> {
        match self.reappointment {
            Some(r) => Ok(r.new_due),
            None => self.due(now, calendar, hours),
        }
    }

    /// The working time spent on the dossier by `now`: elapsed working time since reception minus the pauses.
    pub fn spent(
        &self,
        now: NaiveDateTime,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<TimeDelta, DeadlineError> {
        let elapsed = working_time::working_time(self.received, now, calendar, hours)?;
        Ok(elapsed - self.paused_time(now, calendar, hours)?)
    }

    /// Records the one apology and re-appointment, made at `made_at` with the new date `new_due`. Refused if one was
    /// already made, if it is later than `rule.min_lead_working_days` working days before the due date, or if the new
    /// date is not later than the due date.
    pub fn reappoint(
        &mut self,
        made_at: NaiveDateTime,
        new_due: NaiveDateTime,
        rule: &ReappointmentRule,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<(), DeadlineError> {
        if self.reappointment.is_some() {
            return Err(DeadlineError::AlreadyReappointed);
        }
        let due = self.due(made_at, calendar, hours)?;
        let due_day = working_day_on_or_after(due.date(), calendar)?;
        let latest = working_days_before(due_day, rule.min_lead_working_days, calendar)?;
        if made_at.date() > latest || made_at > due {
            return Err(DeadlineError::ReappointmentTooLate { latest });
        }
        if new_due <= due {
            return Err(DeadlineError::ReappointmentNotLater(new_due));
        }
        self.reappointment = Some(Reappointment { made_at, new_due });
        Ok(())
    }

    /// The standing at `now` against the legal due date (an apology does not make a late dossier on time).
    pub fn standing(
        &self,
        now: NaiveDateTime,
        finished: Option<NaiveDateTime>,
        nearing: TimeDelta,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<Standing, DeadlineError> {
        let due = self.due(finished.unwrap_or(now), calendar, hours)?;
        standing(due, finished, now, nearing, calendar, hours)
    }

    /// The working time left at `now` until the legal due date (negative once late). While paused, the time left
    /// does not shrink.
    pub fn remaining(
        &self,
        now: NaiveDateTime,
        calendar: &Calendar,
        hours: &OfficeHours,
    ) -> Result<TimeDelta, DeadlineError> {
        let due = self.due(now, calendar, hours)?;
        remaining(due, now, calendar, hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shipped_calendar;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    struct Vector {
        name: &'static str,
        received: NaiveDateTime,
        duration: Duration,
        mode: Mode,
        pause: Option<(NaiveDateTime, NaiveDateTime)>,
        base_due: NaiveDateTime,
        paused_hours: i64,
        due: NaiveDateTime,
    }

    /// Spec §2.6, T1–T8, on the 2025 calendar of §3.4 with office hours 07:30–11:30 / 13:00–17:00.
    fn vectors() -> Vec<Vector> {
        let plain = |name, received, duration, mode, due| Vector {
            name,
            received,
            duration,
            mode,
            pause: None,
            base_due: due,
            paused_hours: 0,
            due,
        };
        vec![
            plain("T1", at(2025, 4, 3, 9, 0), Duration::WorkingDays(3), Mode::A, at(2025, 4, 9, 17, 0)),
            plain("T2", at(2025, 4, 25, 10, 0), Duration::WorkingDays(5), Mode::A, at(2025, 5, 6, 17, 0)),
            plain("T3", at(2025, 1, 24, 16, 0), Duration::WorkingDays(2), Mode::A, at(2025, 2, 4, 17, 0)),
            plain("T4a", at(2025, 6, 10, 14, 30), Duration::WithinTheDay, Mode::A, at(2025, 6, 10, 17, 0)),
            plain("T4b", at(2025, 6, 10, 15, 30), Duration::WithinTheDay, Mode::A, at(2025, 6, 11, 17, 0)),
            plain("T5", at(2025, 6, 9, 16, 0), Duration::WorkingHours(8), Mode::B, at(2025, 6, 10, 16, 0)),
            Vector {
                name: "T6",
                received: at(2025, 6, 2, 9, 0),
                duration: Duration::WorkingDays(5),
                mode: Mode::A,
                pause: Some((at(2025, 6, 4, 10, 0), at(2025, 6, 9, 9, 0))),
                base_due: at(2025, 6, 9, 17, 0),
                paused_hours: 23,
                due: at(2025, 6, 12, 16, 0),
            },
            plain("T7", at(2025, 4, 3, 9, 0), Duration::WorkingHours(24), Mode::B, at(2025, 4, 9, 9, 0)),
            plain("T8", at(2025, 6, 10, 15, 30), Duration::WorkingHours(4), Mode::B, at(2025, 6, 11, 10, 0)),
        ]
    }

    #[test]
    fn spec_vectors_t1_to_t8() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        for v in vectors() {
            let base = due_at(v.received, v.duration, v.mode, &cal, &hours).unwrap();
            assert_eq!(base, v.base_due, "{} base due", v.name);
            let mut deadline = Deadline::new(v.received, base);
            if let Some((start, end)) = v.pause {
                deadline.pause(start).unwrap();
                deadline.resume(end).unwrap();
            }
            let later = at(2025, 12, 1, 9, 0);
            assert_eq!(
                deadline.paused_time(later, &cal, &hours).unwrap(),
                TimeDelta::hours(v.paused_hours),
                "{}",
                v.name
            );
            assert_eq!(deadline.due(later, &cal, &hours).unwrap(), v.due, "{} due", v.name);
            assert_eq!(deadline.due_original(), v.base_due, "{} original due is kept", v.name);
        }
    }

    #[test]
    fn other_units_and_rules() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let due = |received, duration, mode| due_at(received, duration, mode, &cal, &hours);
        // Calendar days: 10 days after Fri 25/4 is Mon 5/5, a working day; 5 days after is Wed 30/4, a holiday.
        assert_eq!(due(at(2025, 4, 25, 10, 0), Duration::CalendarDays(10), Mode::A), Ok(at(2025, 5, 5, 17, 0)));
        assert_eq!(due(at(2025, 4, 25, 10, 0), Duration::CalendarDays(5), Mode::A), Ok(at(2025, 5, 5, 17, 0)));
        // Months: 31/3 + 1 month is the month's last day, 30/4, a holiday; 1/5 holiday, 2/5 swapped, then a weekend.
        assert_eq!(due(at(2025, 3, 31, 10, 0), Duration::Months(1), Mode::A), Ok(at(2025, 5, 5, 17, 0)));
        assert_eq!(due(at(2025, 3, 31, 10, 0), Duration::Months(2), Mode::B), Ok(at(2025, 6, 2, 17, 0)));
        // 30/5 + 3 months = 30/8, a Saturday, then Sunday and the 1–2/9 holidays: Wednesday 3/9.
        assert_eq!(due(at(2025, 5, 30, 10, 0), Duration::Months(3), Mode::A), Ok(at(2025, 9, 3, 17, 0)));
        // Received on a Tết day: counting starts from the deemed reception, Monday 3/2.
        assert_eq!(due(at(2025, 1, 31, 10, 0), Duration::Months(1), Mode::A), Ok(at(2025, 3, 3, 17, 0)));
        assert_eq!(due(at(2025, 6, 10, 9, 0), Duration::HalfWorkingDays(1), Mode::B), Ok(at(2025, 6, 10, 14, 30)));
        assert_eq!(due(at(2025, 6, 10, 9, 0), Duration::WorkingHours(16), Mode::A), Ok(at(2025, 6, 12, 17, 0)));
        assert_eq!(
            due(at(2025, 6, 10, 9, 0), Duration::HalfWorkingDays(1), Mode::A),
            Err(DeadlineError::FractionalDays(Duration::HalfWorkingDays(1)))
        );
        assert_eq!(due(at(2025, 6, 10, 9, 0), Duration::WorkingDays(0), Mode::A), Err(DeadlineError::ZeroDuration));
        // Received on Saturday 7/6 (not a working day): counts from Monday 9/6.
        assert_eq!(due(at(2025, 6, 7, 9, 0), Duration::WorkingDays(1), Mode::A), Ok(at(2025, 6, 10, 17, 0)));
        let midnight = CountingRules { day_end: DayEnd::Midnight, ..CountingRules::default() };
        assert_eq!(
            due_at_with(at(2025, 4, 3, 9, 0), Duration::WorkingDays(3), Mode::A, &midnight, &cal, &hours),
            Ok(at(2025, 4, 10, 0, 0))
        );
        assert_eq!(Duration::WorkingDays(3).default_mode(), Mode::A);
        assert_eq!(Duration::HalfWorkingDays(3).working_time(), Some(TimeDelta::hours(12)));
    }

    #[test]
    fn pause_and_resume_are_checked() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let mut d = Deadline::new(at(2025, 6, 2, 9, 0), at(2025, 6, 9, 17, 0));
        assert_eq!(d.resume(at(2025, 6, 3, 9, 0)), Err(DeadlineError::NotPaused));
        assert_eq!(d.pause(at(2025, 6, 1, 9, 0)), Err(DeadlineError::PauseOverlaps(at(2025, 6, 1, 9, 0))));
        d.pause(at(2025, 6, 4, 10, 0)).unwrap();
        assert_eq!(d.pause(at(2025, 6, 5, 10, 0)), Err(DeadlineError::AlreadyPaused(at(2025, 6, 4, 10, 0))));
        assert_eq!(
            d.resume(at(2025, 6, 4, 9, 0)),
            Err(DeadlineError::ResumeBeforePause { start: at(2025, 6, 4, 10, 0), resume: at(2025, 6, 4, 9, 0) })
        );
        // While paused, the time left does not shrink and the time spent is kept.
        let left = d.remaining(at(2025, 6, 4, 10, 0), &cal, &hours).unwrap();
        assert_eq!(d.remaining(at(2025, 6, 6, 15, 0), &cal, &hours).unwrap(), left);
        // Monday 09:00–17:00 (6.5 h), Tuesday (8 h), Wednesday 07:30–10:00 (2.5 h).
        assert_eq!(d.spent(at(2025, 6, 6, 15, 0), &cal, &hours).unwrap(), TimeDelta::hours(17));
        d.resume(at(2025, 6, 9, 9, 0)).unwrap();
        assert_eq!(d.pause(at(2025, 6, 9, 8, 0)), Err(DeadlineError::PauseOverlaps(at(2025, 6, 9, 8, 0))));
        assert!(!d.is_paused());
    }

    #[test]
    fn one_reappointment_at_least_one_working_day_ahead() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let rule = ReappointmentRule::default();
        // Due Tuesday 6/5/2025 17:00 (T2): the latest day is Monday 5/5 (30/4–4/5 are off).
        let original = at(2025, 5, 6, 17, 0);
        let new_due = at(2025, 5, 9, 17, 0);
        let mut d = Deadline::new(at(2025, 4, 25, 10, 0), original);
        assert_eq!(
            d.reappoint(at(2025, 5, 6, 8, 0), new_due, &rule, &cal, &hours),
            Err(DeadlineError::ReappointmentTooLate { latest: NaiveDate::from_ymd_opt(2025, 5, 5).unwrap() })
        );
        assert_eq!(
            d.reappoint(at(2025, 5, 5, 16, 0), original, &rule, &cal, &hours),
            Err(DeadlineError::ReappointmentNotLater(original))
        );
        d.reappoint(at(2025, 5, 5, 16, 0), new_due, &rule, &cal, &hours).unwrap();
        assert_eq!(
            d.reappoint(at(2025, 5, 5, 16, 30), at(2025, 5, 12, 17, 0), &rule, &cal, &hours),
            Err(DeadlineError::AlreadyReappointed)
        );
        let now = at(2025, 5, 8, 9, 0);
        assert_eq!(d.promised_due(now, &cal, &hours).unwrap(), new_due);
        assert_eq!(d.due(now, &cal, &hours).unwrap(), original, "reports keep the original due date");
        assert_eq!(d.standing(now, Some(at(2025, 5, 8, 9, 0)), NEARING_BREACH, &cal, &hours).unwrap(), Standing::Late);
        // A rule of 2 working days moves the latest day to Tuesday 29/4.
        let mut d = Deadline::new(at(2025, 4, 25, 10, 0), original);
        let two = ReappointmentRule { min_lead_working_days: 2 };
        assert_eq!(
            d.reappoint(at(2025, 5, 5, 9, 0), new_due, &two, &cal, &hours),
            Err(DeadlineError::ReappointmentTooLate { latest: NaiveDate::from_ymd_opt(2025, 4, 29).unwrap() })
        );
    }

    #[test]
    fn standing_and_remaining() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let due = at(2025, 6, 12, 16, 0);
        let s = |finished, now| standing(due, finished, now, NEARING_BREACH, &cal, &hours).unwrap();
        assert_eq!(s(Some(at(2025, 6, 11, 10, 0)), at(2025, 6, 20, 9, 0)), Standing::Early);
        assert_eq!(s(Some(at(2025, 6, 12, 15, 0)), at(2025, 6, 20, 9, 0)), Standing::OnTime);
        assert_eq!(s(Some(at(2025, 6, 12, 16, 1)), at(2025, 6, 20, 9, 0)), Standing::Late);
        assert_eq!(s(None, at(2025, 6, 10, 9, 0)), Standing::OnTime);
        assert_eq!(s(None, at(2025, 6, 11, 16, 0)), Standing::NearingBreach, "exactly 8 working hours left");
        assert_eq!(s(None, at(2025, 6, 12, 17, 0)), Standing::Late);
        assert_eq!(remaining(due, at(2025, 6, 12, 15, 0), &cal, &hours).unwrap(), TimeDelta::hours(1));
        assert_eq!(remaining(due, at(2025, 6, 13, 8, 30), &cal, &hours).unwrap(), -TimeDelta::hours(2));
        let two_days = standing(due, None, at(2025, 6, 10, 16, 0), TimeDelta::hours(16), &cal, &hours).unwrap();
        assert_eq!(two_days, Standing::NearingBreach, "the threshold is a parameter");
    }

    #[test]
    fn step_allotments() {
        let cal = shipped_calendar(2025..=2025);
        let hours = OfficeHours::default();
        let h = TimeDelta::hours;
        let statutory = Duration::WorkingDays(3).working_time().unwrap();
        let steps = plan_steps(at(2025, 4, 3, 9, 0), &[h(4), h(16), h(4)], statutory, &cal, &hours).unwrap();
        assert_eq!(steps, vec![at(2025, 4, 3, 14, 30), at(2025, 4, 8, 14, 30), at(2025, 4, 9, 9, 0)]);
        assert_eq!(
            validate_allotments(&[h(16), h(9)], statutory),
            Err(DeadlineError::AllotmentsExceedStatutory { total: h(25), statutory })
        );
        assert_eq!(validate_allotments(&[h(4), h(0)], statutory), Err(DeadlineError::EmptyAllotment(1)));
        assert_eq!(step_due(at(2025, 4, 4, 16, 0), h(2), &cal, &hours), Ok(at(2025, 4, 8, 8, 30)));
    }

    fn instant_in_2025() -> impl Strategy<Value = NaiveDateTime> {
        (0_i64..300 * 24 * 60).prop_map(|minutes| at(2025, 1, 1, 0, 0) + TimeDelta::minutes(minutes))
    }

    fn a_duration() -> impl Strategy<Value = (Duration, Mode)> {
        let mode = prop_oneof![Just(Mode::A), Just(Mode::B)];
        (
            prop_oneof![
                (1_u32..20).prop_map(Duration::WorkingDays),
                (1_u32..40).prop_map(|n| Duration::WorkingHours(n * 8)),
                (1_u32..30).prop_map(Duration::CalendarDays),
                (1_u32..3).prop_map(Duration::Months),
                Just(Duration::WithinTheDay),
            ],
            mode,
        )
    }

    proptest! {
        #[test]
        fn due_is_never_before_reception_and_never_earlier_for_a_later_reception(
            a in instant_in_2025(), gap in 0_i64..10 * 24 * 60, (duration, mode) in a_duration(),
        ) {
            let cal = shipped_calendar(2025..=2026);
            let hours = OfficeHours::default();
            let b = a + TimeDelta::minutes(gap);
            let due_a = due_at(a, duration, mode, &cal, &hours).unwrap();
            let due_b = due_at(b, duration, mode, &cal, &hours).unwrap();
            prop_assert!(due_a >= a);
            prop_assert!(due_a <= due_b, "{:?} {:?}: {} → {}, {} → {}", duration, mode, a, due_a, b, due_b);
        }

        #[test]
        fn mode_b_due_is_the_duration_of_working_time_after_reception(
            a in instant_in_2025(), n in 1_u32..60,
        ) {
            let cal = shipped_calendar(2025..=2026);
            let hours = OfficeHours::default();
            let deemed = if working_time::is_within_office_hours(a, &cal, &hours).unwrap() {
                a
            } else {
                next_period_start(a, &cal, &hours).unwrap()
            };
            let due = due_at(a, Duration::WorkingHours(n), Mode::B, &cal, &hours).unwrap();
            prop_assert_eq!(working_time::working_time(deemed, due, &cal, &hours).unwrap(), TimeDelta::hours(i64::from(n)));
        }

        #[test]
        fn mode_a_due_closes_the_nth_working_day_after_reception(a in instant_in_2025(), n in 1_u32..20) {
            let cal = shipped_calendar(2025..=2026);
            let hours = OfficeHours::default();
            let due = due_at(a, Duration::WorkingDays(n), Mode::A, &cal, &hours).unwrap();
            let deemed = next_period_start(a, &cal, &hours).unwrap().min(
                if working_time::is_within_office_hours(a, &cal, &hours).unwrap() { a } else { NaiveDateTime::MAX },
            );
            prop_assert!(cal.is_working_day(due.date()).unwrap());
            prop_assert_eq!(due, close_of_day(due.date(), &cal, &hours).unwrap());
            let between = deemed.date().iter_days().skip(1).take_while(|d| *d <= due.date());
            prop_assert_eq!(between.filter(|d| cal.is_working_day(*d).unwrap()).count(), n as usize);
        }

        #[test]
        fn a_zero_length_pause_is_neutral_and_a_pause_never_shortens(
            a in instant_in_2025(), offset in 0_i64..3 * 24 * 60, length in 0_i64..3 * 24 * 60,
        ) {
            let cal = shipped_calendar(2025..=2026);
            let hours = OfficeHours::default();
            let due = due_at(a, Duration::WorkingDays(5), Mode::A, &cal, &hours).unwrap();
            let start = a + TimeDelta::minutes(offset);
            let later = at(2025, 12, 1, 9, 0);
            let mut neutral = Deadline::new(a, due);
            neutral.pause(start).unwrap();
            neutral.resume(start).unwrap();
            prop_assert_eq!(neutral.due(later, &cal, &hours).unwrap(), due);
            let mut paused = Deadline::new(a, due);
            paused.pause(start).unwrap();
            paused.resume(start + TimeDelta::minutes(length)).unwrap();
            let extended = paused.due(later, &cal, &hours).unwrap();
            prop_assert!(extended >= due);
            let paused_time = paused.paused_time(later, &cal, &hours).unwrap();
            prop_assert_eq!(working_time::working_time(due, extended, &cal, &hours).unwrap(), paused_time);
        }
    }
}
