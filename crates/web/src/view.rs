//! Small helpers shared by the page templates.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::accounts::OfficerView;
use motcua_domain::unit::{UnitId, UnitTree};

/// What the page frame shows: the portal name and who is logged in.
#[derive(Debug, Clone, Default)]
pub struct Portal {
    /// Portal (province) name.
    pub name: String,
    /// The logged-in officer's name, if any.
    pub officer: Option<String>,
    /// The header's link to a logged-in citizen's dossiers, naming them ("Hồ sơ của tôi (…)", or "Hồ sơ của tổ
    /// chức (…)" for an organisation's account), if any (pages built with [`Portal::of`]).
    pub citizen: Option<String>,
}

impl Portal {
    /// The frame for a visitor.
    pub fn anonymous() -> Self {
        Self { name: crate::state::WebConfig::default().portal_name, officer: None, citizen: None }
    }

    /// The frame for the current request.
    pub fn new(name: &str, officer: Option<&OfficerView>) -> Self {
        Self { name: name.to_owned(), officer: officer.map(|o| o.full_name.clone()), citizen: None }
    }

    /// The frame for the current request, officer or citizen.
    pub fn of(name: &str, caller: &crate::extract::Caller) -> Self {
        Self {
            citizen: caller.citizen.as_ref().map(|c| match &c.organisation {
                Some(o) => format!("Hồ sơ của tổ chức ({} — {})", o.name, c.full_name),
                None => format!("Hồ sơ của tôi ({})", c.full_name),
            }),
            ..Self::new(name, caller.officer.as_ref())
        }
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

/// An optional instant in Vietnam time, or a dash when there is none.
pub fn instant_or_dash(instant: Option<DateTime<Utc>>) -> String {
    instant.as_ref().map(instant_vi).unwrap_or_else(|| "—".into())
}

/// A unit's name, or the id itself when the tree does not know it.
pub fn unit_name(tree: &UnitTree, id: &str) -> String {
    UnitId::parse(id).ok().and_then(|u| tree.get(&u).map(|u| u.name.clone())).unwrap_or_else(|| id.to_owned())
}
