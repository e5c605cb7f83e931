//! The dossier code taken in the dossier's own transaction, with the limits on online intake
//! (`motcua_domain::dossier::intake`): online filings stop at their share of the day's numbers, and one filer files
//! at most [`DailyFilingLimit`] dossiers online a day.
//!
//! Both checks run after [`store::next_sequence`] has taken (and, on PostgreSQL, row-locked) the agency's number of
//! the day, and a refusal rolls the piece back, so the number is given back and nothing of the filing is kept. What
//! that makes atomic:
//! - the online share: exactly, on every backend and across server instances, since every filing at an agency waits
//!   for that agency's row;
//! - the filer's daily count: exactly on SQLite (one writer) and for filings at one agency on PostgreSQL (the count
//!   is a new statement after the row lock, so under READ COMMITTED it sees every filing committed before). Filings
//!   of one person at *different* agencies in the same instant run in different writer lanes (or instances) and do
//!   not see each other's uncommitted rows: a burst spread over agencies and timed to commit together can pass the
//!   limit, at worst each concurrently committing lane admitting up to the limit; once those commits land, every
//!   later filing is counted against them. A per-person lock would close that gap but would be shared across lanes,
//!   and a batch holds its locks until it commits: two lanes could deadlock over two filers. The hard guarantee that
//!   matters — the counter's numbers — does not depend on the per-person count.

use chrono::{Days, NaiveDate};
use motcua_domain::calendar::working_time::day_start;
use motcua_domain::dossier::intake::{self, DailyFilingLimit, Intake, IntakeRefusal};
use motcua_domain::dossier::{DossierCode, SequenceWidth};
use motcua_domain::unit::AgencyCode;
use motcua_storage::Tx;
use motcua_storage::dossiers as store;

use crate::error::{AppError, ErrorCode};

/// Who files online and how many dossiers a day they may file.
#[derive(Debug, Clone)]
pub(super) struct OnlineFiler {
    /// The logged-in person's ID number (the dossier's applicant online).
    pub id_number: String,
    /// Their daily limit.
    pub limit: DailyFilingLimit,
}

/// Takes `agency`'s next number of `day` for a dossier coming in by `intake` (with `filer` when online) and issues
/// its code; refuses, giving the number back, an online filing past its share or its filer's daily limit.
pub(super) async fn take_code(
    tx: &mut Tx,
    agency: &AgencyCode,
    day: NaiveDate,
    width: SequenceWidth,
    filer: Option<&OnlineFiler>,
) -> Result<DossierCode, AppError> {
    let taken = store::next_sequence(tx, agency.as_str(), day).await?;
    let sequence = u32::try_from(taken).unwrap_or(u32::MAX);
    let intake = if filer.is_some() { Intake::Online } else { Intake::InPerson };
    intake::admit_sequence(width, intake, sequence, agency.as_str(), day).map_err(refused)?;
    if let Some(filer) = filer {
        let next_day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        let filed = store::online_filings_by(tx, &filer.id_number, day_start(day), day_start(next_day)).await?;
        filer.limit.admit(filed).map_err(refused)?;
    }
    DossierCode::issue(agency, day, sequence, width)
        .map_err(|e| AppError::detailed(ErrorCode::InvalidInput, e.to_string()))
}

fn refused(refusal: IntakeRefusal) -> AppError {
    match &refusal {
        IntakeRefusal::OnlineShareUsed { agency, .. } => {
            // The operators should know: a unit this busy online, or a flood.
            tracing::warn!(agency = %agency, "the unit's online share of today's dossier codes is used up");
            AppError::detailed(ErrorCode::UnitOnlineShareUsed, refusal.to_string())
        }
        IntakeRefusal::FilerLimitReached { .. } => {
            AppError::detailed(ErrorCode::FilerDailyLimitReached, refusal.to_string())
        }
    }
}
