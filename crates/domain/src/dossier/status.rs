//! The dossier state machine (spec §2.4): internal statuses mapped to the national status codes 1–10, every legal
//! transition with its preconditions and the actors allowed to trigger it; anything else is refused.

use serde::{Deserialize, Serialize};

use crate::access::Role;

/// Where a dossier stands. The national code (`TrangThaiHoSo`) is [`Status::national_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An online draft, not yet submitted (NHAP; never synced).
    Draft,
    /// Submitted, waiting for the reception check (MOI_DANG_KY, 1).
    Submitted,
    /// Incomplete at reception; the applicant was told what to add (BO_SUNG_TIEP_NHAN, 5).
    ReceptionSupplement,
    /// Not accepted (TU_CHOI_TIEP_NHAN, 3).
    NotAccepted,
    /// Accepted; the clock runs (DA_TIEP_NHAN, 2).
    Accepted,
    /// Being processed (DANG_XU_LY, 4).
    Processing,
    /// The agency asked for a supplement during processing; the clock is paused (YEU_CAU_BO_SUNG, 5).
    SupplementRequested,
    /// Waiting for fees or taxes (CHO_NGHIA_VU_TAI_CHINH, 6).
    AwaitingPayment,
    /// Withdrawn at the applicant's request (RUT_HO_SO, 7).
    Withdrawn,
    /// Processing stopped (DUNG_XU_LY, 8).
    Stopped,
    /// Result issued, waiting to be handed over (DA_XU_LY_XONG, 9).
    Processed,
    /// Result returned (DA_TRA_KET_QUA, 10).
    Returned,
}

/// What the statutory clock does in a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// Not yet started (before acceptance).
    NotStarted,
    /// Counting.
    Running,
    /// Paused (supplement; financial obligation when the procedure says so).
    Paused,
    /// Stopped for good.
    Stopped,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 12] = [
        Self::Draft,
        Self::Submitted,
        Self::ReceptionSupplement,
        Self::NotAccepted,
        Self::Accepted,
        Self::Processing,
        Self::SupplementRequested,
        Self::AwaitingPayment,
        Self::Withdrawn,
        Self::Stopped,
        Self::Processed,
        Self::Returned,
    ];

    /// The national status code (DVCQG `TrangThaiHoSo`); drafts have none.
    pub fn national_code(self) -> Option<u8> {
        Some(match self {
            Self::Draft => return None,
            Self::Submitted => 1,
            Self::Accepted => 2,
            Self::NotAccepted => 3,
            Self::Processing => 4,
            Self::ReceptionSupplement | Self::SupplementRequested => 5,
            Self::AwaitingPayment => 6,
            Self::Withdrawn => 7,
            Self::Stopped => 8,
            Self::Processed => 9,
            Self::Returned => 10,
        })
    }

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::ReceptionSupplement => "reception_supplement",
            Self::NotAccepted => "not_accepted",
            Self::Accepted => "accepted",
            Self::Processing => "processing",
            Self::SupplementRequested => "supplement_requested",
            Self::AwaitingPayment => "awaiting_payment",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::Processed => "processed",
            Self::Returned => "returned",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Vietnamese name, as the national portal shows it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Draft => "Bản nháp",
            Self::Submitted => "Mới đăng ký",
            Self::ReceptionSupplement => "Yêu cầu bổ sung khi tiếp nhận",
            Self::NotAccepted => "Không được tiếp nhận",
            Self::Accepted => "Được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Self::AwaitingPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::Processed => "Đã xử lý xong",
            Self::Returned => "Đã trả kết quả",
        }
    }

    /// Whether nothing can happen any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::NotAccepted | Self::Withdrawn | Self::Stopped | Self::Returned)
    }

    /// What the statutory clock does; `pause_on_payment` is the procedure's setting.
    pub fn clock(self, pause_on_payment: bool) -> Clock {
        match self {
            Self::Draft | Self::Submitted | Self::ReceptionSupplement => Clock::NotStarted,
            Self::Accepted | Self::Processing => Clock::Running,
            Self::SupplementRequested => Clock::Paused,
            Self::AwaitingPayment if pause_on_payment => Clock::Paused,
            Self::AwaitingPayment => Clock::Running,
            Self::NotAccepted | Self::Withdrawn | Self::Stopped | Self::Processed | Self::Returned => Clock::Stopped,
        }
    }
}

/// What someone does to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The applicant submits an online or postal dossier (nộp).
    Submit,
    /// A reception officer receives a complete dossier at the counter: it is accepted at once.
    ReceiveAtCounter,
    /// The reception check passes (kiểm tra đạt): accepted, receipt and appointment issued, clock started.
    Accept,
    /// The reception check finds it incomplete: one exhaustive list of what to add (Mẫu 02).
    RequestReceptionSupplement,
    /// The applicant adds what reception asked for.
    ResubmitToReception,
    /// Reception refuses it with a legal reason (Mẫu 03).
    RefuseReception,
    /// Reception hands it to the competent unit.
    StartProcessing,
    /// A hand-over between steps, departments or agencies, or a consultation (phiếu kiểm soát row).
    HandOver,
    /// The agency asks for a supplement during processing (pauses the clock).
    RequestSupplement,
    /// The applicant supplies the supplement (the clock resumes).
    Supplement,
    /// The applicant did not supplement in time or gave up.
    SupplementLapsed,
    /// The agency asks for fees or taxes.
    RequestPayment,
    /// An officer records the payment (cash, bank; online payment later).
    RecordPayment,
    /// The agency stops after review: not eligible (written reply with reasons).
    StopAfterReview,
    /// The applicant withdraws (allowed until the result is issued).
    Withdraw,
    /// The result is signed and issued.
    IssueResult,
    /// The result is handed over (counter, post, online).
    ReturnResult,
    /// The agency will be late: apology and re-appointment (Mẫu 04), at most once.
    Apologise,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 18] = [
        Self::Submit,
        Self::ReceiveAtCounter,
        Self::Accept,
        Self::RequestReceptionSupplement,
        Self::ResubmitToReception,
        Self::RefuseReception,
        Self::StartProcessing,
        Self::HandOver,
        Self::RequestSupplement,
        Self::Supplement,
        Self::SupplementLapsed,
        Self::RequestPayment,
        Self::RecordPayment,
        Self::StopAfterReview,
        Self::Withdraw,
        Self::IssueResult,
        Self::ReturnResult,
        Self::Apologise,
    ];

    /// Stable text form (used in events and the API).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::ReceiveAtCounter => "receive_at_counter",
            Self::Accept => "accept",
            Self::RequestReceptionSupplement => "request_reception_supplement",
            Self::ResubmitToReception => "resubmit_to_reception",
            Self::RefuseReception => "refuse_reception",
            Self::StartProcessing => "start_processing",
            Self::HandOver => "hand_over",
            Self::RequestSupplement => "request_supplement",
            Self::Supplement => "supplement",
            Self::SupplementLapsed => "supplement_lapsed",
            Self::RequestPayment => "request_payment",
            Self::RecordPayment => "record_payment",
            Self::StopAfterReview => "stop_after_review",
            Self::Withdraw => "withdraw",
            Self::IssueResult => "issue_result",
            Self::ReturnResult => "return_result",
            Self::Apologise => "apologise",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submit => "Nộp hồ sơ",
            Self::ReceiveAtCounter => "Tiếp nhận trực tiếp",
            Self::Accept => "Tiếp nhận hồ sơ",
            Self::RequestReceptionSupplement => "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            Self::ResubmitToReception => "Nộp bổ sung khi tiếp nhận",
            Self::RefuseReception => "Từ chối tiếp nhận",
            Self::StartProcessing => "Chuyển xử lý",
            Self::HandOver => "Chuyển bước xử lý",
            Self::RequestSupplement => "Yêu cầu bổ sung giấy tờ",
            Self::Supplement => "Nộp bổ sung giấy tờ",
            Self::SupplementLapsed => "Dừng do không bổ sung",
            Self::RequestPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::RecordPayment => "Ghi nhận đã nộp phí, lệ phí",
            Self::StopAfterReview => "Dừng xử lý (không đủ điều kiện)",
            Self::Withdraw => "Rút hồ sơ",
            Self::IssueResult => "Ban hành kết quả",
            Self::ReturnResult => "Trả kết quả",
            Self::Apologise => "Xin lỗi và hẹn lại ngày trả kết quả",
        }
    }

    /// Whether the action must carry written reasons (spec §2.7: refusals and supplement requests state them).
    pub fn needs_reasons(self) -> bool {
        matches!(
            self,
            Self::RequestReceptionSupplement
                | Self::RefuseReception
                | Self::RequestSupplement
                | Self::StopAfterReview
                | Self::Apologise
        )
    }
}

/// Who acts on a dossier. Whether an officer's grants reach the dossier's units is decided by the access core; this
/// machine decides which roles may take which action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The applicant (or their representative) through the portal.
    Applicant,
    /// An officer holding these roles on the dossier's units.
    Officer(Vec<Role>),
    /// motcua itself (time-outs, the online return of an electronic result).
    System,
}

/// Facts about the dossier that preconditions need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// Supplement requests already made during processing.
    pub supplement_requests: u32,
    /// The procedure's limit (`max_supplement_requests`).
    pub max_supplement_requests: u32,
    /// An apology was already made.
    pub apologised: bool,
    /// The action carries written reasons.
    pub has_reasons: bool,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The dossier is closed.
    #[error("hồ sơ đã kết thúc ({}); không thể {}", .status.label_vi(), .action.label_vi().to_lowercase())]
    Closed {
        /// Current status.
        status: Status,
        /// The action.
        action: Action,
    },
    /// Not possible in this status.
    #[error("không thể {} khi hồ sơ đang ở trạng thái \"{}\"", .action.label_vi().to_lowercase(), .status.label_vi())]
    NotNow {
        /// Current status.
        status: Status,
        /// The action.
        action: Action,
    },
    /// The actor may not take this action.
    #[error("bạn không có vai trò được phép {}", .0.label_vi().to_lowercase())]
    NotYourRole(Action),
    /// Reasons are required.
    #[error("cần ghi rõ lý do khi {}", .0.label_vi().to_lowercase())]
    ReasonsRequired(Action),
    /// The procedure allows no more supplement requests.
    #[error("thủ tục chỉ cho phép yêu cầu bổ sung tối đa {0} lần trong quá trình giải quyết")]
    SupplementLimit(u32),
    /// The apology was already made.
    #[error("chỉ được xin lỗi và hẹn lại ngày trả kết quả một lần")]
    AlreadyApologised,
}

/// The roles that may take an action (officers); the applicant and the system are listed in [`actor_may`].
fn officer_roles(action: Action) -> &'static [Role] {
    use Role::*;
    match action {
        Action::Submit | Action::ResubmitToReception | Action::Supplement => &[Reception],
        Action::ReceiveAtCounter
        | Action::Accept
        | Action::RequestReceptionSupplement
        | Action::RefuseReception
        | Action::StartProcessing => &[Reception],
        Action::HandOver => &[Reception, Handler, DepartmentHead, AgencyHead, Clerk],
        Action::RequestSupplement | Action::RequestPayment => &[Handler, DepartmentHead, AgencyHead],
        Action::SupplementLapsed => &[Handler, DepartmentHead, AgencyHead],
        Action::RecordPayment => &[Reception, Clerk],
        Action::StopAfterReview | Action::Apologise => &[AgencyHead],
        Action::Withdraw => &[Reception],
        Action::IssueResult => &[AgencyHead, Clerk],
        Action::ReturnResult => &[Reception, Clerk],
    }
}

/// Whether `actor` may take `action` (officers on behalf of an applicant at the counter included).
pub fn actor_may(actor: &Actor, action: Action) -> bool {
    match actor {
        Actor::Applicant => {
            matches!(action, Action::Submit | Action::ResubmitToReception | Action::Supplement | Action::Withdraw)
        }
        Actor::System => matches!(action, Action::SupplementLapsed | Action::ReturnResult),
        Actor::Officer(roles) => roles.iter().any(|r| officer_roles(action).contains(r)),
    }
}

/// The status an action leads to from `status`, if the machine allows it at all.
pub fn target(status: Status, action: Action) -> Option<Status> {
    use Action as A;
    use Status as S;
    Some(match (status, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Draft, A::ReceiveAtCounter) => S::Accepted,
        (S::Submitted, A::Accept) => S::Accepted,
        (S::Submitted, A::RequestReceptionSupplement) => S::ReceptionSupplement,
        (S::ReceptionSupplement, A::ResubmitToReception) => S::Submitted,
        (S::Submitted | S::ReceptionSupplement, A::RefuseReception) => S::NotAccepted,
        (S::Accepted, A::StartProcessing) => S::Processing,
        (S::Processing, A::HandOver) => S::Processing,
        (S::Processing, A::RequestSupplement) => S::SupplementRequested,
        (S::SupplementRequested, A::Supplement) => S::Processing,
        (S::SupplementRequested, A::SupplementLapsed) => S::Stopped,
        (S::Processing, A::RequestPayment) => S::AwaitingPayment,
        (S::AwaitingPayment, A::RecordPayment) => S::Processing,
        (S::Processing, A::StopAfterReview) => S::Stopped,
        (
            S::Submitted
            | S::ReceptionSupplement
            | S::Accepted
            | S::Processing
            | S::SupplementRequested
            | S::AwaitingPayment,
            A::Withdraw,
        ) => S::Withdrawn,
        (S::Processing, A::IssueResult) => S::Processed,
        (S::Processed, A::ReturnResult) => S::Returned,
        (S::Processing | S::SupplementRequested | S::AwaitingPayment, A::Apologise) => status,
        _ => return None,
    })
}

/// Decides an action: the new status, or why not. The one place where the legal transitions live.
pub fn decide(status: Status, action: Action, actor: &Actor, facts: Facts) -> Result<Status, Refusal> {
    if status.is_terminal() {
        return Err(Refusal::Closed { status, action });
    }
    let next = target(status, action).ok_or(Refusal::NotNow { status, action })?;
    if !actor_may(actor, action) {
        return Err(Refusal::NotYourRole(action));
    }
    if action.needs_reasons() && !facts.has_reasons {
        return Err(Refusal::ReasonsRequired(action));
    }
    if action == Action::RequestSupplement && facts.supplement_requests >= facts.max_supplement_requests {
        return Err(Refusal::SupplementLimit(facts.max_supplement_requests));
    }
    if action == Action::Apologise && facts.apologised {
        return Err(Refusal::AlreadyApologised);
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn everyone() -> Actor {
        Actor::Officer(Role::ALL.to_vec())
    }

    fn facts() -> Facts {
        Facts { supplement_requests: 0, max_supplement_requests: 1, apologised: false, has_reasons: true }
    }

    #[test]
    fn national_codes_follow_dvcqg() {
        let codes: Vec<Option<u8>> = Status::ALL.iter().map(|s| s.national_code()).collect();
        assert_eq!(
            codes,
            [None, Some(1), Some(5), Some(3), Some(2), Some(4), Some(5), Some(6), Some(7), Some(8), Some(9), Some(10)]
        );
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(s.is_terminal(), matches!(s.national_code(), Some(3 | 7 | 8 | 10)), "{s:?}");
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
    }

    /// The spec's table of legal transitions, written out independently of `target`.
    const LEGAL: &[(Status, Action, Status)] = {
        use Action as A;
        use Status as S;
        &[
            (S::Draft, A::Submit, S::Submitted),
            (S::Draft, A::ReceiveAtCounter, S::Accepted),
            (S::Submitted, A::Accept, S::Accepted),
            (S::Submitted, A::RequestReceptionSupplement, S::ReceptionSupplement),
            (S::ReceptionSupplement, A::ResubmitToReception, S::Submitted),
            (S::Submitted, A::RefuseReception, S::NotAccepted),
            (S::ReceptionSupplement, A::RefuseReception, S::NotAccepted),
            (S::Accepted, A::StartProcessing, S::Processing),
            (S::Processing, A::HandOver, S::Processing),
            (S::Processing, A::RequestSupplement, S::SupplementRequested),
            (S::SupplementRequested, A::Supplement, S::Processing),
            (S::SupplementRequested, A::SupplementLapsed, S::Stopped),
            (S::Processing, A::RequestPayment, S::AwaitingPayment),
            (S::AwaitingPayment, A::RecordPayment, S::Processing),
            (S::Processing, A::StopAfterReview, S::Stopped),
            (S::Submitted, A::Withdraw, S::Withdrawn),
            (S::ReceptionSupplement, A::Withdraw, S::Withdrawn),
            (S::Accepted, A::Withdraw, S::Withdrawn),
            (S::Processing, A::Withdraw, S::Withdrawn),
            (S::SupplementRequested, A::Withdraw, S::Withdrawn),
            (S::AwaitingPayment, A::Withdraw, S::Withdrawn),
            (S::Processing, A::IssueResult, S::Processed),
            (S::Processed, A::ReturnResult, S::Returned),
            (S::Processing, A::Apologise, S::Processing),
            (S::SupplementRequested, A::Apologise, S::SupplementRequested),
            (S::AwaitingPayment, A::Apologise, S::AwaitingPayment),
        ]
    };

    #[test]
    fn exactly_the_legal_transitions_are_allowed() {
        for status in Status::ALL {
            for action in Action::ALL {
                let expected = LEGAL.iter().find(|(s, a, _)| *s == status && *a == action).map(|(_, _, t)| *t);
                let got = decide(status, action, &everyone(), facts()).ok();
                assert_eq!(got, expected, "{status:?} + {action:?}");
            }
        }
    }

    #[test]
    fn roles_reasons_and_limits() {
        let reception = Actor::Officer(vec![Role::Reception]);
        let handler = Actor::Officer(vec![Role::Handler]);
        let head = Actor::Officer(vec![Role::AgencyHead]);
        assert_eq!(decide(Status::Submitted, Action::Accept, &reception, facts()), Ok(Status::Accepted));
        assert_eq!(
            decide(Status::Submitted, Action::Accept, &handler, facts()),
            Err(Refusal::NotYourRole(Action::Accept))
        );
        assert_eq!(
            decide(Status::Submitted, Action::Accept, &Actor::Applicant, facts()),
            Err(Refusal::NotYourRole(Action::Accept))
        );
        assert_eq!(
            decide(Status::Processing, Action::IssueResult, &handler, facts()),
            Err(Refusal::NotYourRole(Action::IssueResult))
        );
        assert_eq!(decide(Status::Processing, Action::IssueResult, &head, facts()), Ok(Status::Processed));
        let no_reasons = Facts { has_reasons: false, ..facts() };
        assert_eq!(
            decide(Status::Submitted, Action::RefuseReception, &reception, no_reasons),
            Err(Refusal::ReasonsRequired(Action::RefuseReception))
        );
        let used = Facts { supplement_requests: 1, ..facts() };
        assert_eq!(
            decide(Status::Processing, Action::RequestSupplement, &handler, used),
            Err(Refusal::SupplementLimit(1))
        );
        let apologised = Facts { apologised: true, ..facts() };
        assert_eq!(decide(Status::Processing, Action::Apologise, &head, apologised), Err(Refusal::AlreadyApologised));
        assert_eq!(decide(Status::Processing, Action::Withdraw, &Actor::Applicant, facts()), Ok(Status::Withdrawn));
        assert_eq!(
            decide(Status::Processed, Action::Withdraw, &Actor::Applicant, facts()),
            Err(Refusal::NotNow { status: Status::Processed, action: Action::Withdraw })
        );
        let closed = decide(Status::Returned, Action::ReturnResult, &reception, facts()).unwrap_err();
        assert!(closed.to_string().contains("Đã trả kết quả"), "{closed}");
    }

    #[test]
    fn the_clock_runs_only_between_acceptance_and_the_result() {
        assert_eq!(Status::Submitted.clock(false), Clock::NotStarted);
        assert_eq!(Status::Accepted.clock(false), Clock::Running);
        assert_eq!(Status::SupplementRequested.clock(false), Clock::Paused);
        assert_eq!(Status::AwaitingPayment.clock(true), Clock::Paused);
        assert_eq!(Status::AwaitingPayment.clock(false), Clock::Running);
        assert_eq!(Status::Processed.clock(false), Clock::Stopped);
    }

    proptest! {
        /// Any sequence of actions by anyone keeps the dossier inside the legal table, and a closed dossier stays
        /// closed.
        #[test]
        fn random_histories_stay_legal(steps in proptest::collection::vec((0usize..18, 0usize..3), 0..40)) {
            let mut status = Status::Draft;
            for (a, who) in steps {
                let action = Action::ALL[a];
                let actor = [Actor::Applicant, everyone(), Actor::System][who].clone();
                if let Ok(next) = decide(status, action, &actor, facts()) {
                    prop_assert!(LEGAL.contains(&(status, action, next)));
                    prop_assert!(!status.is_terminal());
                    status = next;
                }
            }
        }
    }
}
