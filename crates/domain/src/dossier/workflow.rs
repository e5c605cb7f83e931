//! The internal workflow of a dossier (quy trình nội bộ, spec §2.4 "chuyển bước / liên thông / lấy ý kiến", §2.9):
//! which step of the procedure's workflow holds it, who may act in that step, each step's due instant and whether a
//! hand-over came early, on time or late. The use cases record every hand-over as an event carrying these values;
//! the control slip ([`super::control_slip`]) is computed from those events alone.

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::calendar::holiday::Calendar;
use crate::calendar::working_time::OfficeHours;
use crate::catalogue::WorkflowStep;
use crate::deadline::{self, DeadlineError, Standing};

/// What a hand-over does (one row of the control slip each, except assignment inside a unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOverKind {
    /// Reception hands the accepted dossier to the competent unit (the slip's first row).
    StartProcessing,
    /// The dossier is assigned or re-assigned to an officer of the unit holding it.
    Assign,
    /// The dossier moves to the next step of the workflow (handler → head of department → head of agency → clerk).
    NextStep,
    /// The dossier moves to another department or agency with a step deadline (chuyển liên thông).
    Transfer,
    /// Another unit is consulted; the dossier stays with its owner (lấy ý kiến).
    Consult,
    /// The consulted unit answers.
    Answer,
    /// The result goes back to the one-stop counter (the slip's last row).
    ToReception,
}

impl HandOverKind {
    /// Stable text form (events).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartProcessing => "start_processing",
            Self::Assign => "assign",
            Self::NextStep => "next_step",
            Self::Transfer => "transfer",
            Self::Consult => "consult",
            Self::Answer => "answer",
            Self::ToReception => "to_reception",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::StartProcessing,
            Self::Assign,
            Self::NextStep,
            Self::Transfer,
            Self::Consult,
            Self::Answer,
            Self::ToReception,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::StartProcessing => "Chuyển xử lý",
            Self::Assign => "Phân công xử lý",
            Self::NextStep => "Chuyển bước xử lý",
            Self::Transfer => "Chuyển liên thông",
            Self::Consult => "Lấy ý kiến",
            Self::Answer => "Trả lời xin ý kiến",
            Self::ToReception => "Chuyển kết quả về Bộ phận Một cửa",
        }
    }
}

/// The step processing starts in: the first step after the reception steps (index 0 when the workflow has none).
pub fn first_processing_step(steps: &[WorkflowStep]) -> usize {
    steps.iter().position(|s| s.role != Role::Reception).unwrap_or(0)
}

/// The step after `current`, if any.
pub fn next_step(steps: &[WorkflowStep], current: usize) -> Option<usize> {
    (current + 1 < steps.len()).then_some(current + 1)
}

/// Whether an officer holding `roles` may act in a step performed by `step_role`: the step's own role, or a head
/// above it (the head of department stands in for a handler, the head of agency for anyone of the agency).
pub fn may_act(step_role: Role, roles: &[Role]) -> bool {
    roles.iter().any(|r| {
        *r == step_role
            || *r == Role::AgencyHead
            || (*r == Role::DepartmentHead && matches!(step_role, Role::Handler | Role::DepartmentHead))
    })
}

/// Whether `roles` may assign or re-assign a dossier to an officer: the heads who distribute work, and reception
/// (which hands a dossier to a named handler of a small commune).
pub fn may_assign(roles: &[Role]) -> bool {
    roles.iter().any(|r| matches!(r, Role::Reception | Role::DepartmentHead | Role::AgencyHead))
}

/// Whether `roles` may transfer a dossier to another unit or consult one: those who hold a processing step.
pub fn may_transfer(roles: &[Role]) -> bool {
    roles.iter().any(|r| matches!(r, Role::Handler | Role::DepartmentHead | Role::AgencyHead))
}

/// Whether an officer with `roles` may be given a dossier in a step performed by `step_role`.
pub fn may_receive(step_role: Role, roles: &[Role]) -> bool {
    may_act(step_role, roles)
}

/// Working hours allowed for a step (never zero: a hand-over always gets a due time).
pub fn allotment(hours: u32) -> TimeDelta {
    TimeDelta::hours(i64::from(hours.max(1)))
}

/// The due instant of a step started at `started` with `hours` of working time.
pub fn step_due(
    started: NaiveDateTime,
    hours: u32,
    calendar: &Calendar,
    office: &OfficeHours,
) -> Result<NaiveDateTime, DeadlineError> {
    deadline::step_due(started, allotment(hours), calendar, office)
}

/// Whether a hand-over at `at` of a step due at `due` came early (a day before the due day), on time or late — the
/// same rule as a dossier's standing, so steps and dossiers are judged alike.
pub fn mark(
    due: NaiveDateTime,
    at: NaiveDateTime,
    calendar: &Calendar,
    office: &OfficeHours,
) -> Result<Standing, DeadlineError> {
    deadline::standing(due, Some(at), at, TimeDelta::zero(), calendar, office)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shipped_calendar;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn steps() -> Vec<WorkflowStep> {
        [
            ("Tiếp nhận", Role::Reception, 1),
            ("Thẩm định", Role::Handler, 4),
            ("Cho ý kiến", Role::DepartmentHead, 1),
            ("Phê duyệt", Role::AgencyHead, 1),
            ("Phát hành", Role::Clerk, 1),
        ]
        .into_iter()
        .map(|(name, role, hours)| WorkflowStep { name: name.into(), role, hours })
        .collect()
    }

    #[test]
    fn steps_follow_the_workflow() {
        let s = steps();
        assert_eq!(first_processing_step(&s), 1);
        assert_eq!(next_step(&s, 1), Some(2));
        assert_eq!(next_step(&s, 4), None);
        assert_eq!(first_processing_step(&[]), 0);
        assert_eq!(first_processing_step(&s[..1]), 0, "only reception: stay there");
    }

    #[test]
    fn who_may_act_in_a_step() {
        assert!(may_act(Role::Handler, &[Role::Handler]));
        assert!(may_act(Role::Handler, &[Role::DepartmentHead]));
        assert!(may_act(Role::Clerk, &[Role::AgencyHead]));
        assert!(!may_act(Role::AgencyHead, &[Role::DepartmentHead]));
        assert!(!may_act(Role::Handler, &[Role::Reception, Role::Clerk]));
        assert!(!may_act(Role::Clerk, &[Role::Leader, Role::Auditor]));
        assert!(may_assign(&[Role::DepartmentHead]) && !may_assign(&[Role::Handler]));
        assert!(may_transfer(&[Role::Handler]) && !may_transfer(&[Role::Reception]));
        for k in [HandOverKind::Assign, HandOverKind::Transfer, HandOverKind::ToReception] {
            assert_eq!(HandOverKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn step_deadlines_count_working_hours_and_marks_follow_them() {
        let cal = shipped_calendar(2025..=2026);
        let office = OfficeHours::default();
        // Friday 27/11/2026 15:00 + 4 working hours: Monday 30/11 10:00 (lunch 11:30–13:30 skipped is not crossed).
        let due = step_due(at(2026, 11, 27, 15, 0), 4, &cal, &office).unwrap();
        assert_eq!(due.date(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(mark(due, at(2026, 11, 27, 16, 0), &cal, &office).unwrap(), Standing::Early);
        assert_eq!(mark(due, due, &cal, &office).unwrap(), Standing::OnTime);
        assert_eq!(mark(due, due + TimeDelta::minutes(1), &cal, &office).unwrap(), Standing::Late);
        assert_eq!(allotment(0), TimeDelta::hours(1), "a step always gets a due time");
    }

    proptest! {
        /// A step's due instant is never before its start and grows with the allotment; a hand-over before the
        /// due instant is never late, one after it always is.
        #[test]
        fn step_dues_are_monotonic(day in 0u64..300, minute in 0u32..(24 * 60), h1 in 1u32..40, h2 in 1u32..40) {
            let cal = shipped_calendar(2025..=2026);
            let office = OfficeHours::default();
            let start = at(2025, 1, 2, 0, 0) + chrono::Days::new(day) + TimeDelta::minutes(i64::from(minute));
            let (lo, hi) = (h1.min(h2), h1.max(h2));
            let d1 = step_due(start, lo, &cal, &office).unwrap();
            let d2 = step_due(start, hi, &cal, &office).unwrap();
            prop_assert!(d1 > start && d1 <= d2);
            prop_assert_ne!(mark(d1, start, &cal, &office).unwrap(), Standing::Late);
            prop_assert_eq!(mark(d1, d1 + TimeDelta::seconds(1), &cal, &office).unwrap(), Standing::Late);
        }
    }
}
