//! Editing a year's civil-service schedule, for province administrators. The schedule is
//! edited as TOML (the format of data/calendar/schedules.toml, documented in
//! data/calendar/README.md); the whole calendar is validated before anything is stored.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::calendar::{year_schedule_from_toml, year_schedule_to_toml};
use motcua_app::{AppError, ErrorCode};
use serde::Deserialize;

use crate::error::PageError;
use crate::extract::{Caller, PageForm};
use crate::pages::{render, render_with_status};
use crate::state::AppState;
use crate::view::Portal;

#[derive(Template)]
#[template(path = "calendar_edit.html")]
struct EditPage {
    portal: Portal,
    year: i32,
    text: String,
    version: String,
    error: Option<String>,
}

fn template_for(year: i32) -> String {
    format!(
        "year = {year}\nenabled = true\nsource = \"Thông báo lịch nghỉ năm {year} (ghi số, ngày văn bản)\"\nconfidence = \"C\"\n\n\
         [[entries]]\ndate = \"{year}-09-01\"\nkind = \"holiday\"\nholiday = \"national_day\"\nreason = \"Quốc khánh (ngày nghỉ liền kề)\"\n\
         legal_basis = \"Bộ luật Lao động 2019, Điều 112(1)(đ)\"\n"
    )
}

pub async fn form(State(state): State<AppState>, caller: Caller, Path(year): Path<i32>) -> Result<Response, PageError> {
    if caller.officer.is_none() {
        return Ok(Redirect::to("/dang-nhap").into_response());
    }
    state.app.require_calendar_admin(&caller.ctx())?;
    state.app.month_days(year, 1)?;
    let stored = state.app.calendar().schedules.get(&year).cloned();
    let (text, version) = match stored {
        Some(s) => (year_schedule_to_toml(&s.schedule)?, s.version.to_string()),
        None => (template_for(year), String::new()),
    };
    render(&EditPage { portal: Portal::of(&state.config.portal_name, &caller), year, text, version, error: None })
}

#[derive(Deserialize)]
pub struct EditForm {
    text: String,
    version: String,
}

pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<i32>,
    PageForm(form): PageForm<EditForm>,
) -> Result<Response, PageError> {
    state.app.require_calendar_admin(&caller.ctx())?;
    let version = form.version.trim().parse::<i64>().ok();
    let outcome = match year_schedule_from_toml(&form.text) {
        Ok(schedule) if schedule.year != year => Err(AppError::detailed(
            ErrorCode::InvalidInput,
            format!("Năm trong lịch ({}) khác năm đang sửa ({year}).", schedule.year),
        )),
        Ok(schedule) => state.app.put_year_schedule(&caller.ctx(), schedule, version).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/lich?nam={year}")).into_response()),
        Err(e) if matches!(e.error_code(), ErrorCode::InvalidInput | ErrorCode::StaleVersion) => {
            let page = EditPage {
                portal: Portal::of(&state.config.portal_name, &caller),
                year,
                text: form.text,
                version: form.version,
                error: Some(e.message_vi()),
            };
            render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}
