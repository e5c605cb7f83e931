//! The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ; Mẫu 05 of TT 01/2018, Mẫu 06 of TT 03/2025; spec
//! §2.3, §2.9): one row per hand-over, generated from the dossier's events alone, each marked early / on time / late
//! against the due instant of the step the giver held. The dossier page shows it as a table and the PDF of the form
//! is rendered from the same [`ControlSlip`].
//!
//! The main line (reception → competent unit → steps → transfers → back to reception) is a chain: a hand-over closes
//! the giver's step, judged against that step's due instant, and opens the receiver's step with the due instant the
//! event carries. A consultation runs beside the chain: the consulted unit's answer is judged against the
//! consultation's own due instant, and the dossier's step is not closed by it.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::workflow::{HandOverKind, mark};
use crate::calendar::holiday::Calendar;
use crate::calendar::working_time::OfficeHours;
use crate::deadline::{self, DeadlineError, Standing};

/// One hand-over as recorded in a dossier's events (times are local, UTC+7; names as they should be printed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipEvent {
    /// When the dossier was handed over.
    pub at: NaiveDateTime,
    /// What kind of hand-over.
    pub kind: HandOverKind,
    /// The giving unit (key used to match a consultation with its answer).
    pub from_unit: String,
    /// The receiving unit.
    pub to_unit: String,
    /// Who gave it.
    pub giver: Option<String>,
    /// Who received it (an officer, when assigned by name).
    pub receiver: Option<String>,
    /// The due instant of the step the receiver starts (a consultation: of the answer).
    pub due: Option<NaiveDateTime>,
    /// A note (the step's name, the question asked, the reasons).
    pub note: Option<String>,
}

/// The slip's heading.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SlipHeader {
    /// The agency that keeps the slip.
    pub agency: String,
    /// The dossier code.
    pub code: String,
    /// The applicant's name.
    pub applicant: String,
    /// The applicant's phone.
    pub phone: Option<String>,
    /// The procedure's name.
    pub procedure: String,
}

/// One row of the slip: `Giao: from → Nhận: to`, when and by whom, and the result of the giver's step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipRow {
    /// The hand-over.
    pub kind: HandOverKind,
    /// Giving unit.
    pub from_unit: String,
    /// Receiving unit.
    pub to_unit: String,
    /// When.
    pub at: NaiveDateTime,
    /// Giver.
    pub giver: Option<String>,
    /// Receiver.
    pub receiver: Option<String>,
    /// The due instant of the step the giver held (none for the first hand-over and for consultations).
    pub giver_due: Option<NaiveDateTime>,
    /// The due instant of the step the receiver starts.
    pub due: Option<NaiveDateTime>,
    /// Early, on time or late (trước hạn / đúng hạn / quá hạn); none when there was no step to judge.
    pub mark: Option<Standing>,
    /// Note.
    pub note: Option<String>,
}

/// The control slip of one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlSlip {
    /// Heading.
    pub header: SlipHeader,
    /// One row per hand-over, oldest first.
    pub rows: Vec<SlipRow>,
    /// The step open now (when the dossier is still being processed): its due instant and standing.
    pub open_step: Option<(NaiveDateTime, Standing)>,
    /// Rows whose giver exceeded its step's allotment: lateness is attributed to them (spec §2.9).
    pub late_rows: Vec<usize>,
}

/// The Vietnamese word for a mark, as the form prints it.
pub fn mark_label_vi(mark: Standing) -> &'static str {
    match mark {
        Standing::Early => "Trước hạn",
        Standing::OnTime => "Đúng hạn",
        Standing::NearingBreach => "Sắp đến hạn",
        Standing::Late => "Quá hạn",
    }
}

/// Builds the slip from the hand-overs in the order they happened. `now` is given while the dossier is still being
/// processed, to judge the open step (nearing breach within `nearing` working time).
pub fn control_slip(
    header: SlipHeader,
    events: &[SlipEvent],
    now: Option<NaiveDateTime>,
    nearing: TimeDelta,
    calendar: &Calendar,
    office: &OfficeHours,
) -> Result<ControlSlip, DeadlineError> {
    let mut rows = Vec::with_capacity(events.len());
    let mut open: Option<NaiveDateTime> = None;
    let mut consultations: BTreeMap<&str, NaiveDateTime> = BTreeMap::new();
    for e in events {
        let giver_due = match e.kind {
            HandOverKind::Consult => {
                if let Some(due) = e.due {
                    consultations.insert(e.to_unit.as_str(), due);
                }
                None
            }
            HandOverKind::Answer => consultations.remove(e.from_unit.as_str()),
            // An assignment keeps the step and its due instant unless the event sets a new one.
            HandOverKind::Assign => {
                let giver_due = open;
                open = e.due.or(open);
                giver_due
            }
            _ => std::mem::replace(&mut open, e.due),
        };
        let mark = giver_due.map(|due| mark(due, e.at, calendar, office)).transpose()?;
        rows.push(SlipRow {
            kind: e.kind,
            from_unit: e.from_unit.clone(),
            to_unit: e.to_unit.clone(),
            at: e.at,
            giver: e.giver.clone(),
            receiver: e.receiver.clone(),
            giver_due,
            due: e.due,
            mark,
            note: e.note.clone(),
        });
    }
    let open_step = match (now, open) {
        (Some(now), Some(due)) => Some((due, deadline::standing(due, None, now, nearing, calendar, office)?)),
        _ => None,
    };
    let late_rows = rows.iter().enumerate().filter(|(_, r)| r.mark == Some(Standing::Late)).map(|(i, _)| i).collect();
    Ok(ControlSlip { header, rows, open_step, late_rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shipped_calendar;
    use crate::dossier::workflow::step_due;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn at(d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn ev(at: NaiveDateTime, kind: HandOverKind, from: &str, to: &str, due: Option<NaiveDateTime>) -> SlipEvent {
        SlipEvent { at, kind, from_unit: from.into(), to_unit: to.into(), giver: None, receiver: None, due, note: None }
    }

    #[test]
    fn each_hand_over_is_judged_against_the_givers_step() {
        let cal = shipped_calendar(2025..=2026);
        let office = OfficeHours::default();
        let events = [
            ev(at(23, 9, 0), HandOverKind::StartProcessing, "BPMC", "Phường", Some(at(23, 15, 0))),
            ev(at(23, 10, 0), HandOverKind::Assign, "Phường", "Phường", None),
            ev(at(23, 10, 30), HandOverKind::Consult, "Phường", "Công an", Some(at(24, 10, 0))),
            ev(at(25, 8, 0), HandOverKind::Answer, "Công an", "Phường", None),
            // The handler's step was due 23/11 15:00: handed over the same day at 14:00 — on time.
            ev(at(23, 14, 0), HandOverKind::NextStep, "Phường", "Phường", Some(at(24, 9, 0))),
            // The head's step was due 24/11 09:00: handed over on 24/11 at 10:00 — late.
            ev(at(24, 10, 0), HandOverKind::Transfer, "Phường", "Sở Tư pháp", Some(at(26, 17, 0))),
            // Back to reception on 25/11, before the due day 26/11 — early.
            ev(at(25, 9, 0), HandOverKind::ToReception, "Sở Tư pháp", "BPMC", None),
        ];
        let slip = control_slip(SlipHeader::default(), &events, None, TimeDelta::hours(8), &cal, &office).unwrap();
        let marks: Vec<Option<Standing>> = slip.rows.iter().map(|r| r.mark).collect();
        assert_eq!(
            marks,
            [
                None,
                Some(Standing::OnTime),
                None,
                Some(Standing::Late),
                Some(Standing::OnTime),
                Some(Standing::Late),
                Some(Standing::Early)
            ]
        );
        assert_eq!(slip.rows[4].giver_due, Some(at(23, 15, 0)), "an assignment keeps the step's due instant");
        assert_eq!(slip.late_rows, [3, 5]);
        assert_eq!(slip.open_step, None);
        assert_eq!(mark_label_vi(Standing::Late), "Quá hạn");
    }

    #[test]
    fn the_open_step_is_judged_at_now() {
        let cal = shipped_calendar(2025..=2026);
        let office = OfficeHours::default();
        let due = step_due(at(23, 8, 0), 4, &cal, &office).unwrap();
        let events = [ev(at(23, 8, 0), HandOverKind::StartProcessing, "BPMC", "Phường", Some(due))];
        let slip = |now| control_slip(SlipHeader::default(), &events, Some(now), TimeDelta::hours(8), &cal, &office);
        assert_eq!(slip(at(23, 9, 0)).unwrap().open_step, Some((due, Standing::NearingBreach)));
        assert_eq!(slip(at(24, 9, 0)).unwrap().open_step, Some((due, Standing::Late)));
        let relaxed =
            control_slip(SlipHeader::default(), &events, Some(at(23, 9, 0)), TimeDelta::zero(), &cal, &office);
        assert_eq!(relaxed.unwrap().open_step, Some((due, Standing::OnTime)));
    }

    proptest! {
        /// Whatever the hand-overs, a main-line row is late exactly when it came after the due instant the previous
        /// main-line row set, and there is one row per event.
        #[test]
        fn marks_follow_the_chain(steps in proptest::collection::vec((0i64..3000, 1u32..30, any::<bool>()), 1..20)) {
            let cal = shipped_calendar(2025..=2026);
            let office = OfficeHours::default();
            let mut t = at(2, 8, 0);
            let mut events = Vec::new();
            for (gap, hours, transfer) in &steps {
                t += TimeDelta::minutes(*gap);
                let due = step_due(t, *hours, &cal, &office).unwrap();
                let kind = if *transfer { HandOverKind::Transfer } else { HandOverKind::NextStep };
                events.push(ev(t, kind, "A", "B", Some(due)));
            }
            let slip = control_slip(SlipHeader::default(), &events, None, TimeDelta::zero(), &cal, &office).unwrap();
            prop_assert_eq!(slip.rows.len(), events.len());
            prop_assert_eq!(slip.rows[0].mark, None);
            for i in 1..events.len() {
                let late = events[i].at > events[i - 1].due.unwrap();
                prop_assert_eq!(slip.rows[i].mark == Some(Standing::Late), late);
                prop_assert_eq!(slip.late_rows.contains(&i), late);
            }
        }
    }
}
