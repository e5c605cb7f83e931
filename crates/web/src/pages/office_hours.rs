//! Editing a unit's office hours (giờ hành chính), for its administrators. Each working
//! day is written as periods, e.g. `07:30-11:30, 13:00-17:00`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveTime, Weekday};
use motcua_app::{AppError, ErrorCode};
use motcua_domain::calendar::{OfficeHours, Period};
use motcua_domain::unit::UnitId;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Caller, PageForm};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::Portal;

const DAYS: [(Weekday, &str, &str); 6] = [
    (Weekday::Mon, "t2", "Thứ Hai"),
    (Weekday::Tue, "t3", "Thứ Ba"),
    (Weekday::Wed, "t4", "Thứ Tư"),
    (Weekday::Thu, "t5", "Thứ Năm"),
    (Weekday::Fri, "t6", "Thứ Sáu"),
    (Weekday::Sat, "lam_bu", "Ngày làm bù (thứ Bảy, Chủ Nhật được hoán đổi)"),
];

struct DayRow {
    key: &'static str,
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "office_hours.html")]
struct OfficeHoursPage {
    portal: Portal,
    unit_id: String,
    unit_name: String,
    inherited_from: Option<String>,
    days: Vec<DayRow>,
    version: String,
    error: Option<String>,
}

fn format_periods(periods: &[Period]) -> String {
    periods
        .iter()
        .map(|p| format!("{}-{}", p.start().format("%H:%M"), p.end().format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Monday's periods, and a note when other days differ (for the unit page).
pub fn describe(hours: &OfficeHours) -> String {
    let monday = format_periods(hours.periods(Weekday::Mon));
    let same = DAYS[..5].iter().all(|(wd, _, _)| format_periods(hours.periods(*wd)) == monday);
    if same {
        format!("Thứ Hai – thứ Sáu: {monday}")
    } else {
        format!("Thứ Hai: {monday} (các ngày khác có giờ riêng)")
    }
}

/// Parses `07:30-11:30, 13:00-17:00`.
fn parse_periods(label: &str, text: &str) -> Result<Vec<Period>, String> {
    let invalid = || format!("{label}: “{text}” không đúng dạng, ví dụ 07:30-11:30, 13:00-17:00.");
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (start, end) = p.split_once('-').ok_or_else(invalid)?;
            let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| invalid());
            Period::new(time(start)?, time(end)?)
                .map_err(|_| format!("{label}: giờ kết thúc phải sau giờ bắt đầu ({p})."))
        })
        .collect()
}

fn page(state: &AppState, caller: &Caller, unit: &UnitId) -> Result<OfficeHoursPage, PageError> {
    state.app.require_office_hours_admin(&caller.ctx(), unit)?;
    let tree = state.app.tree();
    let name_of = |id: &UnitId| tree.get(id).map(|u| u.name.clone()).unwrap_or_else(|| id.to_string());
    let (hours, set_on) = state.app.office_hours_of(unit)?;
    Ok(OfficeHoursPage {
        portal: Portal::of(&state.config.portal_name, caller),
        unit_id: unit.to_string(),
        unit_name: name_of(unit),
        inherited_from: set_on.as_ref().filter(|s| *s != unit).map(name_of),
        days: DAYS
            .iter()
            .map(|(wd, key, label)| DayRow { key, label, value: format_periods(hours.periods(*wd)) })
            .collect(),
        version: state.app.calendar().office_hours.get(unit).map(|h| h.version.to_string()).unwrap_or_default(),
        error: None,
    })
}

fn unit_id(raw: &str) -> Result<UnitId, PageError> {
    UnitId::parse(raw).map_err(|_| PageError(AppError::not_found(format!("đơn vị {raw}"))))
}

pub async fn form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    render(&page(&state, &caller, &unit_id(&id)?)?)
}

#[derive(Deserialize)]
pub struct HoursForm {
    t2: String,
    t3: String,
    t4: String,
    t5: String,
    t6: String,
    lam_bu: String,
    version: String,
}

pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(form): PageForm<HoursForm>,
) -> Result<Response, PageError> {
    let unit = unit_id(&id)?;
    let mut page = page(&state, &caller, &unit)?;
    let texts = [&form.t2, &form.t3, &form.t4, &form.t5, &form.t6, &form.lam_bu];
    let parsed: Result<Vec<Vec<Period>>, String> =
        DAYS.iter().zip(texts).map(|((_, _, label), text)| parse_periods(label, text)).collect();
    let outcome = match parsed {
        Ok(mut days) => {
            let swapped = days.pop().unwrap_or_default();
            let weekdays: [Vec<Period>; 5] = std::array::from_fn(|i| days[i].clone());
            match OfficeHours::new(weekdays, swapped) {
                Ok(hours) => state
                    .app
                    .put_office_hours(&caller.ctx(), &unit, hours, form.version.trim().parse().ok())
                    .await
                    .map(|_| ()),
                Err(_) => Err(AppError::detailed(
                    ErrorCode::InvalidInput,
                    "Mỗi ngày cần ít nhất một khoảng giờ, theo thứ tự và không chồng lấn.",
                )),
            }
        }
        Err(message) => Err(AppError::detailed(ErrorCode::InvalidInput, message)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/don-vi/{unit}")).into_response()),
        Err(e) if matches!(e.error_code(), ErrorCode::InvalidInput | ErrorCode::StaleVersion) => {
            page.error = Some(e.message_vi());
            for (row, text) in page.days.iter_mut().zip(texts) {
                row.value = text.clone();
            }
            render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}
