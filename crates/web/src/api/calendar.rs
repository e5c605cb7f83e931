//! The civil-service calendar and due-date computation.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::calendar::DueRequest;
use motcua_app::{AppError, ErrorCode};
use motcua_domain::calendar::working_time::ReceptionChannel;
use motcua_domain::calendar::{Day, OfficeHours, YearSchedule};
use motcua_domain::deadline::{Duration, Mode};
use motcua_domain::unit::UnitId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, Caller};
use crate::state::AppState;

/// A day that is not an ordinary working day, or a weekend day made a working day.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayDto {
    /// The date.
    pub date: NaiveDate,
    /// `weekend`, `holiday`, `substitute_day_off`, `swapped_day_off`, `swapped_working_day`.
    pub kind: String,
    /// The kind in Vietnamese.
    pub kind_label: String,
    /// The statutory holiday, in Vietnamese, if any.
    pub holiday: Option<String>,
    /// Why (from the schedule).
    pub reason: Option<String>,
    /// Legal basis.
    pub legal_basis: Option<String>,
    /// The counterpart of a swap, or the weekend holiday a substitute day stands for.
    pub replaces: Option<NaiveDate>,
}

impl From<&Day> for DayDto {
    fn from(d: &Day) -> Self {
        Self {
            date: d.date,
            kind: serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            kind_label: d.kind.label_vi().into(),
            holiday: d.holiday.map(|h| h.label_vi().to_owned()),
            reason: d.reason.clone(),
            legal_basis: d.legal_basis.clone(),
            replaces: d.replaces,
        }
    }
}

/// A year of the calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearDto {
    /// The year.
    pub year: i32,
    /// Number of working days.
    pub working_days: usize,
    /// Holidays, substitute and swapped days (weekends omitted).
    pub special_days: Vec<DayDto>,
    /// The stored yearly schedule, if any (format: data/calendar/README.md).
    #[schema(value_type = Object)]
    pub schedule: Option<serde_json::Value>,
    /// Its version: send it back with a change.
    pub version: Option<i64>,
}

fn year_days(state: &AppState, year: i32) -> Result<Vec<Day>, ApiError> {
    let mut days = Vec::new();
    for month in 1..=12 {
        days.extend(state.app.month_days(year, month)?);
    }
    Ok(days)
}

/// The working calendar of a year: holidays, substitute days, swaps, and the stored schedule.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)), responses(
    (status = 200, body = CalendarYearDto),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn get(
    State(state): State<AppState>,
    AppPath(year): AppPath<i32>,
) -> Result<Json<CalendarYearDto>, ApiError> {
    let days = year_days(&state, year)?;
    let stored = state.app.calendar().schedules.get(&year).cloned();
    Ok(Json(CalendarYearDto {
        year,
        working_days: days.iter().filter(|d| d.kind.is_working()).count(),
        special_days: days
            .iter()
            .filter(|d| {
                d.kind != motcua_domain::calendar::DayKind::Weekend
                    && d.kind != motcua_domain::calendar::DayKind::Working
            })
            .map(DayDto::from)
            .collect(),
        schedule: stored.as_ref().and_then(|s| serde_json::to_value(&s.schedule).ok()),
        version: stored.map(|s| s.version),
    }))
}

/// A new or changed yearly schedule.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PutSchedule {
    /// The schedule (format: data/calendar/README.md); its `year` must be the path's.
    #[schema(value_type = Object)]
    pub schedule: serde_json::Value,
    /// The version last read; omit for a year not stored yet.
    pub version: Option<i64>,
}

/// The stored version after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct PutScheduleResult {
    /// New version.
    pub version: i64,
}

/// Stores the schedule of a year (province administrators). The whole calendar is checked first; nothing is stored
/// if it is invalid.
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)), request_body = PutSchedule, responses(
    (status = 200, body = PutScheduleResult),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(year): AppPath<i32>,
    AppJson(body): AppJson<PutSchedule>,
) -> Result<Json<PutScheduleResult>, ApiError> {
    let schedule: YearSchedule = serde_json::from_value(body.schedule).map_err(|e| {
        AppError::detailed(ErrorCode::InvalidInput, format!("Lịch nghỉ năm không đúng định dạng: {e}."))
    })?;
    if schedule.year != year {
        return Err(AppError::detailed(
            ErrorCode::InvalidInput,
            format!("Năm trong lịch ({}) khác năm trên địa chỉ ({year}).", schedule.year),
        )
        .into());
    }
    let version = state.app.put_year_schedule(&caller.ctx(), schedule, body.version).await?;
    Ok(Json(PutScheduleResult { version }))
}

/// A statutory duration.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub struct DurationDto {
    /// `working_days`, `working_hours`, `half_working_days`, `calendar_days`, `months` or `within_the_day`.
    pub unit: DurationUnit,
    /// How many (ignored for `within_the_day`).
    #[serde(default)]
    pub amount: u32,
}

/// Units of a statutory duration.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Ngày làm việc.
    WorkingDays,
    /// Giờ làm việc.
    WorkingHours,
    /// Nửa ngày làm việc (4 giờ).
    HalfWorkingDays,
    /// Ngày (lịch).
    CalendarDays,
    /// Tháng.
    Months,
    /// Trong ngày.
    WithinTheDay,
}

/// How a dossier arrived.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelDto {
    /// Trực tiếp.
    Counter,
    /// Trực tuyến.
    Online,
    /// Bưu chính công ích.
    Postal,
}

/// A due-date question.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DueRequestDto {
    /// When the dossier was received (RFC 3339).
    pub received_at: DateTime<Utc>,
    /// How it arrived.
    pub channel: ChannelDto,
    /// The statutory duration.
    pub duration: DurationDto,
    /// `A` (whole working days, first day not counted) or `B` (working hours); default: A for days, B for hours.
    pub mode: Option<String>,
    /// The receiving unit, whose office hours apply (its own or its nearest ancestor's); default hours if absent.
    pub unit_id: Option<String>,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueAnswerDto {
    /// When the clock starts.
    pub deemed_reception: DateTime<Utc>,
    /// The due instant.
    pub due_at: DateTime<Utc>,
    /// The due instant in Vietnam time, `dd/mm/yyyy HH:MM`.
    pub due_at_local: String,
    /// The mode used.
    pub mode: String,
}

/// Computes the due date of a dossier from its reception instant, channel and statutory duration, on the official
/// calendar and the default office hours (07:30–11:30, 13:00–17:00).
#[utoipa::path(post, path = "/api/v1/deadlines", tag = "calendar", request_body = DueRequestDto, responses(
    (status = 200, body = DueAnswerDto),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn due(
    State(state): State<AppState>,
    AppJson(body): AppJson<DueRequestDto>,
) -> Result<Json<DueAnswerDto>, ApiError> {
    let n = body.duration.amount;
    let duration = match body.duration.unit {
        DurationUnit::WorkingDays => Duration::WorkingDays(n),
        DurationUnit::WorkingHours => Duration::WorkingHours(n),
        DurationUnit::HalfWorkingDays => Duration::HalfWorkingDays(n),
        DurationUnit::CalendarDays => Duration::CalendarDays(n),
        DurationUnit::Months => Duration::Months(n),
        DurationUnit::WithinTheDay => Duration::WithinTheDay,
    };
    let mode = match body.mode.as_deref() {
        None => None,
        Some("A" | "a") => Some(Mode::A),
        Some("B" | "b") => Some(Mode::B),
        Some(other) => {
            return Err(AppError::detailed(
                ErrorCode::InvalidInput,
                format!("Cách tính `{other}` không hợp lệ: dùng A hoặc B."),
            )
            .into());
        }
    };
    let channel = match body.channel {
        ChannelDto::Counter => ReceptionChannel::Counter,
        ChannelDto::Online => ReceptionChannel::Online,
        ChannelDto::Postal => ReceptionChannel::Postal,
    };
    let unit = match body.unit_id.as_deref() {
        Some(raw) => Some(UnitId::parse(raw).map_err(|_| AppError::not_found(format!("đơn vị {raw}")))?),
        None => None,
    };
    let answer = state.app.compute_due(DueRequest { received_at: body.received_at, channel, duration, mode, unit })?;
    Ok(Json(DueAnswerDto {
        deemed_reception: answer.deemed_reception,
        due_at: answer.due_at,
        due_at_local: crate::view::instant_vi(&answer.due_at),
        mode: format!("{:?}", answer.mode),
    }))
}

/// A unit's office hours.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeHoursDto {
    /// `{"weekdays": [[{"start": "07:30:00", "end": "11:30:00"}, …] × 5 (Mon–Fri)], "swapped_working_day": […]}`.
    #[schema(value_type = Object)]
    pub hours: serde_json::Value,
    /// The unit they were set on: this one, an ancestor, or none (the default hours).
    pub set_on: Option<String>,
    /// Version of this unit's own setting, if it has one: send it back with a change.
    pub version: Option<i64>,
}

/// The office hours that apply to a unit.
#[utoipa::path(get, path = "/api/v1/units/{id}/office-hours", tag = "calendar", params(("id" = String, Path)), responses(
    (status = 200, body = OfficeHoursDto),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn office_hours(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> Result<Json<OfficeHoursDto>, ApiError> {
    let unit = UnitId::parse(&id).map_err(|_| AppError::not_found(format!("đơn vị {id}")))?;
    let (hours, set_on) = state.app.office_hours_of(&unit)?;
    let version = state.app.calendar().office_hours.get(&unit).map(|h| h.version);
    Ok(Json(OfficeHoursDto {
        hours: serde_json::to_value(&hours).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?,
        set_on: set_on.map(|u| u.to_string()),
        version,
    }))
}

/// New office hours.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PutOfficeHours {
    /// Same shape as in the GET response; every weekday needs at least one period, in order, without overlap.
    #[schema(value_type = Object)]
    pub hours: serde_json::Value,
    /// The unit's own version last read; omit if it has none yet.
    pub version: Option<i64>,
}

/// Sets a unit's office hours (administrators of the unit or the province). Its sub-units inherit them.
#[utoipa::path(put, path = "/api/v1/units/{id}/office-hours", tag = "calendar", params(("id" = String, Path)), request_body = PutOfficeHours, responses(
    (status = 200, body = PutScheduleResult),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn put_office_hours(
    State(state): State<AppState>,
    caller: Caller,
    AppPath(id): AppPath<String>,
    AppJson(body): AppJson<PutOfficeHours>,
) -> Result<Json<PutScheduleResult>, ApiError> {
    let unit = UnitId::parse(&id).map_err(|_| AppError::not_found(format!("đơn vị {id}")))?;
    let hours: OfficeHours = serde_json::from_value(body.hours)
        .map_err(|e| AppError::detailed(ErrorCode::InvalidInput, format!("Giờ làm việc không hợp lệ: {e}.")))?;
    let version = state.app.put_office_hours(&caller.ctx(), &unit, hours, body.version).await?;
    Ok(Json(PutScheduleResult { version }))
}
