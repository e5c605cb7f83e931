//! The calendar page: a year in month views, with every holiday, substitute day and
//! swapped working day and its reason.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use motcua_app::calendar::CALENDAR_YEARS;
use motcua_domain::calendar::DayKind;
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::Caller;
use crate::pages::render;
use crate::state::AppState;
use crate::view::{Portal, date_vi};

struct Cell {
    day: u32,
    class: &'static str,
    label: &'static str,
}

struct Special {
    date: String,
    kind: &'static str,
    what: String,
    basis: String,
}

struct MonthView {
    number: u32,
    weeks: Vec<Vec<Cell>>,
    specials: Vec<Special>,
    working_days: usize,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    portal: Portal,
    year: i32,
    previous: Option<i32>,
    next: Option<i32>,
    months: Vec<MonthView>,
    working_days: usize,
    schedule_source: Option<String>,
    can_edit: bool,
}

#[derive(Deserialize)]
pub struct YearQuery {
    nam: Option<i32>,
}

fn class_of(kind: DayKind) -> (&'static str, &'static str) {
    match kind {
        DayKind::Working => ("", ""),
        DayKind::Weekend => ("weekend", ""),
        DayKind::Holiday => ("holiday", "nghỉ lễ"),
        DayKind::SubstituteDayOff => ("holiday", "nghỉ bù"),
        DayKind::SwappedDayOff => ("holiday", "nghỉ hoán đổi"),
        DayKind::SwappedWorkingDay => ("swapped", "làm bù"),
    }
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<YearQuery>,
) -> Result<Response, PageError> {
    let today = motcua_domain::time::local_date(state.app.now());
    let year = query.nam.unwrap_or(today.year());
    let mut months = Vec::new();
    for number in 1..=12 {
        let days = state.app.month_days(year, number)?;
        let first = NaiveDate::from_ymd_opt(year, number, 1).unwrap_or(today);
        let mut weeks = Vec::new();
        let mut week: Vec<Cell> =
            (0..first.weekday().num_days_from_monday()).map(|_| Cell { day: 0, class: "", label: "" }).collect();
        for day in &days {
            let (class, label) = class_of(day.kind);
            week.push(Cell { day: day.date.day(), class, label });
            if week.len() == 7 {
                weeks.push(std::mem::take(&mut week));
            }
        }
        if !week.is_empty() {
            while week.len() < 7 {
                week.push(Cell { day: 0, class: "", label: "" });
            }
            weeks.push(week);
        }
        let specials = days
            .iter()
            .filter(|d| !matches!(d.kind, DayKind::Working | DayKind::Weekend))
            .map(|d| Special {
                date: date_vi(&d.date),
                kind: d.kind.label_vi(),
                what: d.reason.clone().or_else(|| d.holiday.map(|h| h.label_vi().to_owned())).unwrap_or_default(),
                basis: d.legal_basis.clone().unwrap_or_default(),
            })
            .collect();
        let working_days = days.iter().filter(|d| d.kind.is_working()).count();
        months.push(MonthView { number, weeks, specials, working_days });
    }
    let schedule_source = state.app.calendar().schedules.get(&year).map(|s| s.schedule.source.clone());
    render(&CalendarPage {
        portal: Portal::of(&state.config.portal_name, &caller),
        year,
        previous: CALENDAR_YEARS.contains(&(year - 1)).then_some(year - 1),
        next: CALENDAR_YEARS.contains(&(year + 1)).then_some(year + 1),
        working_days: months.iter().map(|m| m.working_days).sum(),
        months,
        schedule_source,
        can_edit: caller.officer.is_some() && state.app.require_calendar_admin(&caller.ctx()).is_ok(),
    })
}
