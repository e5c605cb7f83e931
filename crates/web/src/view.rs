//! Small helpers shared by the page templates.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::accounts::OfficerView;

/// What the page frame shows: the portal name and who is logged in.
#[derive(Debug, Clone, Default)]
pub struct Portal {
    /// Portal (province) name.
    pub name: String,
    /// The logged-in officer's name, if any.
    pub officer: Option<String>,
}

impl Portal {
    /// The frame for a visitor.
    pub fn anonymous() -> Self {
        Self { name: crate::state::WebConfig::default().portal_name, officer: None }
    }

    /// The frame for the current request.
    pub fn new(name: &str, officer: Option<&OfficerView>) -> Self {
        Self { name: name.to_owned(), officer: officer.map(|o| o.full_name.clone()) }
    }
}

/// A date the Vietnamese way: 01/07/2025.
pub fn date_vi(date: &NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// An instant in Vietnam time: 27/11/2026 09:30.
pub fn instant_vi(instant: &DateTime<Utc>) -> String {
    motcua_domain::time::to_local(*instant).format("%d/%m/%Y %H:%M").to_string()
}
