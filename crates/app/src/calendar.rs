//! The working calendar every deadline is counted on: the statutory holidays the domain
//! generates for any year, plus the yearly civil-service schedules, which an
//! administrator keeps in the database (shipped ones are loaded by the demo and by
//! `motcua import calendar`). Held in memory and rebuilt after each change.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::access::{Action, Principal};
use motcua_domain::calendar::working_time::{OnlineReception, ReceptionChannel, deemed_reception, instant, local};
use motcua_domain::calendar::{Calendar, CalendarData, Day, HolidayError, HolidayRules, OfficeHours, YearSchedule};
use motcua_domain::deadline::{DeadlineError, Duration, Mode, due_at};
use motcua_domain::unit::UnitId;
use motcua_storage::settings::{self, Setting};
use motcua_storage::{calendar, office_hours};

use crate::App;
use crate::error::{AppError, ErrorCode};
use crate::record::{self, Change, Ctx};
use crate::units::ImportReport;

/// The shipped civil-service calendar (yearly schedules 2024–2026 and announced holidays).
pub const SHIPPED_CALENDAR_TOML: &str = include_str!("../../../data/calendar/schedules.toml");

/// The years the in-memory calendar covers; deadlines outside them are refused.
pub const CALENDAR_YEARS: RangeInclusive<i32> = 2000..=2100;

/// A yearly schedule with its stored version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchedule {
    /// The schedule.
    pub schedule: YearSchedule,
    /// Send it back when changing the schedule.
    pub version: i64,
}

/// A unit's office hours with their stored version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOfficeHours {
    /// The hours.
    pub hours: OfficeHours,
    /// Send it back when changing them.
    pub version: i64,
}

/// The calendar in memory and the schedules and office hours it was built from.
#[derive(Debug, Clone)]
pub struct CalendarState {
    /// The combined calendar.
    pub calendar: Arc<Calendar>,
    /// Stored schedules by year.
    pub schedules: BTreeMap<i32, StoredSchedule>,
    /// Office hours set on units; other units inherit their nearest ancestor's, else the default.
    pub office_hours: BTreeMap<UnitId, StoredOfficeHours>,
}

impl CalendarState {
    /// A calendar with the generated holidays only (before the database is read).
    pub fn generated_only() -> Result<Self, AppError> {
        let calendar = build(&[])?;
        Ok(Self { calendar: Arc::new(calendar), schedules: BTreeMap::new(), office_hours: BTreeMap::new() })
    }
}

/// Parses a calendar file in the format of `data/calendar/schedules.toml`.
pub fn parse_calendar_toml(text: &str) -> Result<CalendarData, AppError> {
    toml::from_str(text).map_err(|e| AppError::detailed(ErrorCode::InvalidInput, format!("Tệp lịch không hợp lệ: {e}")))
}

/// One year's schedule as TOML, for editing by hand (the `[[years]]` entry format of
/// `data/calendar/schedules.toml`, without the table header).
pub fn year_schedule_to_toml(schedule: &YearSchedule) -> Result<String, AppError> {
    toml::to_string_pretty(schedule).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))
}

/// Parses one year's schedule written as by [`year_schedule_to_toml`].
pub fn year_schedule_from_toml(text: &str) -> Result<YearSchedule, AppError> {
    toml::from_str(text)
        .map_err(|e| AppError::detailed(ErrorCode::InvalidInput, format!("Lịch nghỉ năm không đúng định dạng: {e}")))
}

fn shipped() -> Result<CalendarData, AppError> {
    parse_calendar_toml(SHIPPED_CALENDAR_TOML)
}

fn build(years: &[YearSchedule]) -> Result<Calendar, AppError> {
    // Fixed-date annual holidays change only with the law, so they ship with the binary.
    let data = CalendarData { annual: shipped()?.annual, years: years.to_vec() };
    Calendar::new(&HolidayRules::default(), &data, CALENDAR_YEARS).map_err(|e| invalid_calendar(&e))
}

fn invalid_calendar(e: &HolidayError) -> AppError {
    AppError::detailed(ErrorCode::InvalidInput, format!("Lịch nghỉ không hợp lệ: {e}."))
}

fn deadline_error(e: &DeadlineError) -> AppError {
    let message = match e {
        DeadlineError::ZeroDuration => "Thời hạn giải quyết phải lớn hơn 0.".to_owned(),
        DeadlineError::FractionalDays(_) => {
            "Cách tính A chỉ nhận số ngày làm việc tròn; hãy dùng cách tính B cho số giờ hoặc nửa ngày.".to_owned()
        }
        DeadlineError::WorkingTime(motcua_domain::calendar::WorkingTimeError::Calendar(HolidayError::OutOfRange(
            _,
        ))) => {
            format!(
                "Thời điểm nằm ngoài phạm vi lịch được hỗ trợ ({}–{}).",
                CALENDAR_YEARS.start(),
                CALENDAR_YEARS.end()
            )
        }
        other => format!("Không tính được hạn giải quyết: {other}."),
    };
    AppError::detailed(ErrorCode::InvalidInput, message)
}

/// A due-date question: when is a dossier received at this instant, through this
/// channel, with this statutory duration, due?
#[derive(Debug, Clone)]
pub struct DueRequest {
    /// When the dossier was received (accepted).
    pub received_at: DateTime<Utc>,
    /// How it arrived.
    pub channel: ReceptionChannel,
    /// The statutory duration.
    pub duration: Duration,
    /// Counting mode; `None` takes the duration's default (A for days, B for hours).
    pub mode: Option<Mode>,
    /// The receiving unit, whose office hours apply; `None` uses the default hours.
    pub unit: Option<UnitId>,
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueAnswer {
    /// When the clock starts (the next working period for online or out-of-hours receipt).
    pub deemed_reception: DateTime<Utc>,
    /// The due instant.
    pub due_at: DateTime<Utc>,
    /// The mode used.
    pub mode: Mode,
}

impl App {
    /// The calendar as last built (shared, not copied).
    pub fn calendar(&self) -> Arc<CalendarState> {
        self.calendar.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Reads the stored schedules and rebuilds the calendar.
    pub async fn reload_calendar(&self) -> Result<(), AppError> {
        let mut tx = self.db.read().await?;
        let rows = calendar::all(&mut tx).await?;
        tx.commit().await?;
        let mut schedules = BTreeMap::new();
        for row in rows {
            let schedule: YearSchedule = serde_json::from_value(row.schedule.0)
                .map_err(|e| AppError::detailed(ErrorCode::Internal, format!("stored schedule {}: {e}", row.year)))?;
            schedules.insert(schedule.year, StoredSchedule { schedule, version: row.version });
        }
        let mut tx = self.db.read().await?;
        let rows = office_hours::all(&mut tx).await?;
        tx.commit().await?;
        let mut hours = BTreeMap::new();
        for row in rows {
            let unit =
                UnitId::parse(&row.unit_id).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
            let parsed: OfficeHours = serde_json::from_value(row.hours.0)
                .map_err(|e| AppError::detailed(ErrorCode::Internal, format!("stored office hours of {unit}: {e}")))?;
            hours.insert(unit, StoredOfficeHours { hours: parsed, version: row.version });
        }
        let list: Vec<YearSchedule> = schedules.values().map(|s| s.schedule.clone()).collect();
        let calendar = Arc::new(build(&list)?);
        *self.calendar.write().unwrap_or_else(|p| p.into_inner()) =
            Arc::new(CalendarState { calendar, schedules, office_hours: hours });
        Ok(())
    }

    /// Stores the schedule of one year after checking that the whole calendar stays valid.
    /// `expected_version` is the version the caller read (`None` for a new year).
    pub async fn put_year_schedule(
        &self,
        ctx: &Ctx,
        schedule: YearSchedule,
        expected_version: Option<i64>,
    ) -> Result<i64, AppError> {
        self.require_calendar_admin(ctx)?;
        if !CALENDAR_YEARS.contains(&schedule.year) {
            return Err(AppError::detailed(
                ErrorCode::InvalidInput,
                format!("Năm {} nằm ngoài phạm vi {}–{}.", schedule.year, CALENDAR_YEARS.start(), CALENDAR_YEARS.end()),
            ));
        }
        let current = self.calendar();
        let mut years: Vec<YearSchedule> = current
            .schedules
            .values()
            .filter(|s| s.schedule.year != schedule.year)
            .map(|s| s.schedule.clone())
            .collect();
        years.push(schedule.clone());
        build(&years)?;
        let province = match &ctx.principal {
            Principal::Officer { unit, .. } => self.tree().province_of(unit).map(|p| p.id.clone()),
            _ => None,
        };
        let action = if expected_version.is_none() { "calendar.schedule_created" } else { "calendar.schedule_updated" };
        let key = Setting::HolidaySchedule { year: i64::from(schedule.year) };
        self.store_setting(ctx, key, &schedule, expected_version, action, province).await
    }

    /// Loads schedules (e.g. the shipped ones): a year not stored is added; a stored year
    /// that differs is replaced. Idempotent.
    pub async fn import_calendar(&self, ctx: &Ctx, data: CalendarData) -> Result<ImportReport, AppError> {
        let mut report = ImportReport::default();
        for schedule in data.years {
            let stored = self.calendar().schedules.get(&schedule.year).cloned();
            match stored {
                Some(s) if s.schedule == schedule => report.unchanged += 1,
                Some(s) => {
                    self.put_year_schedule(ctx, schedule, Some(s.version)).await?;
                    report.updated += 1;
                }
                None => {
                    self.put_year_schedule(ctx, schedule, None).await?;
                    report.created += 1;
                }
            }
        }
        Ok(report)
    }

    /// Loads the calendar shipped with the binary.
    pub async fn import_shipped_calendar(&self, ctx: &Ctx) -> Result<ImportReport, AppError> {
        self.import_calendar(ctx, shipped()?).await
    }

    /// Refuses unless the caller may change the calendar (a province administrator).
    pub fn require_calendar_admin(&self, ctx: &Ctx) -> Result<(), AppError> {
        self.require_in_home_province(&ctx.principal, Action::ManageCalendar)
    }

    /// Every day of a month with its kind and reason.
    pub fn month_days(&self, year: i32, month: u32) -> Result<Vec<Day>, AppError> {
        if !(1..=12).contains(&month) || !CALENDAR_YEARS.contains(&year) {
            return Err(AppError::detailed(
                ErrorCode::InvalidInput,
                format!(
                    "Tháng {month}/{year} nằm ngoài phạm vi lịch ({}–{}).",
                    CALENDAR_YEARS.start(),
                    CALENDAR_YEARS.end()
                ),
            ));
        }
        self.calendar().calendar.month(year, month).map_err(|e| invalid_calendar(&e))
    }

    /// The office hours that apply to a unit: its own, else its nearest ancestor's, else
    /// the default (07:30–11:30, 13:00–17:00). The second value is the unit they were set on.
    pub fn office_hours_of(&self, unit: &UnitId) -> Result<(OfficeHours, Option<UnitId>), AppError> {
        let tree = self.tree();
        if tree.get(unit).is_none() {
            return Err(AppError::not_found(format!("đơn vị {unit}")));
        }
        let state = self.calendar();
        Ok(tree
            .ancestors(unit)
            .find_map(|u| state.office_hours.get(&u.id).map(|h| (h.hours.clone(), Some(u.id.clone()))))
            .unwrap_or_else(|| (OfficeHours::default(), None)))
    }

    /// Refuses unless the caller may change the unit's office hours.
    pub fn require_office_hours_admin(&self, ctx: &Ctx, unit: &UnitId) -> Result<(), AppError> {
        if self.tree().get(unit).is_none() {
            return Err(AppError::not_found(format!("đơn vị {unit}")));
        }
        self.require(&ctx.principal, Action::ManageOfficeHours, unit)
    }

    /// Sets a unit's office hours (its administrators and the province's).
    pub async fn put_office_hours(
        &self,
        ctx: &Ctx,
        unit: &UnitId,
        hours: OfficeHours,
        expected_version: Option<i64>,
    ) -> Result<i64, AppError> {
        self.require_office_hours_admin(ctx, unit)?;
        let key = Setting::OfficeHours { unit_id: unit.to_string() };
        self.store_setting(ctx, key, &hours, expected_version, "unit.office_hours_set", Some(unit.clone())).await
    }

    /// Stores a versioned calendar setting with its event in one group commit, then
    /// rebuilds the calendar.
    async fn store_setting(
        &self,
        ctx: &Ctx,
        key: Setting,
        document: &impl serde::Serialize,
        expected_version: Option<i64>,
        action: &'static str,
        unit: Option<UnitId>,
    ) -> Result<i64, AppError> {
        let json =
            serde_json::to_value(document).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
        let (tree, now, ctx) = (self.tree(), self.now(), ctx.clone());
        let version = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let version = settings::put(tx, &key, &json, expected_version, now).await?;
                    let change = Change {
                        subject_type: key.subject_type(),
                        subject_id: key.subject_id(),
                        action,
                        unit,
                        payload: json,
                    };
                    record::event(tx, &tree, now, &ctx, change).await?;
                    Ok::<_, AppError>(version)
                })
            })
            .await?;
        self.reload_calendar().await?;
        Ok(version)
    }

    /// Computes a due date on the official calendar and the receiving unit's office hours.
    pub fn compute_due(&self, request: DueRequest) -> Result<DueAnswer, AppError> {
        let calendar = self.calendar().calendar.clone();
        let hours = match &request.unit {
            Some(unit) => self.office_hours_of(unit)?.0,
            None => OfficeHours::default(),
        };
        let mode = request.mode.unwrap_or_else(|| request.duration.default_mode());
        let deemed = deemed_reception(
            local(request.received_at),
            request.channel,
            OnlineReception::default(),
            &calendar,
            &hours,
        )
        .map_err(|e| deadline_error(&DeadlineError::WorkingTime(e)))?;
        let due = due_at(deemed, request.duration, mode, &calendar, &hours).map_err(|e| deadline_error(&e))?;
        Ok(DueAnswer { deemed_reception: instant(deemed), due_at: instant(due), mode })
    }

    /// Whether `date` is a working day (for pages).
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, AppError> {
        self.calendar().calendar.is_working_day(date).map_err(|e| invalid_calendar(&e))
    }
}
