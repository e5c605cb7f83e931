//! The legal forms of a dossier (biểu mẫu, spec §2.3): which set applies, which form an event creates, and what
//! goes in each form — as plain data built from the dossier and its events, so that a form can be rebuilt at any
//! time and gives the same content (the PDF is typeset from this data by `motcua_pdf`).
//!
//! Two sets exist. Dossiers received up to 30/6/2025 keep the forms of TT 01/2018/TT-VPCP (Mẫu 01–06); dossiers
//! received from 1/7/2025 use those of TT 03/2025/TT-VPCP (Mẫu 01–07), which add the stop notice (Mẫu 05) and
//! renumber the control slip and the register (spec §0.1 design rule V1: the rules in force at reception apply).
//! The reception date is the local (UTC+7) date the dossier first reached the administration: its first event
//! (online submission or counter reception).

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use super::Action;
use super::control_slip::{ControlSlip, mark_label_vi};
use crate::calendar::working_time::ReceptionChannel;

/// The legal text whose forms a dossier uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSet {
    /// TT 01/2018/TT-VPCP (NĐ 61/2018 as amended by NĐ 107/2021): Mẫu 01–06.
    Tt01_2018,
    /// TT 03/2025/TT-VPCP (NĐ 118/2025): Mẫu 01–07.
    Tt03_2025,
}

impl RuleSet {
    /// The first reception day under TT 03/2025 (NĐ 118/2025 took effect on 1/7/2025).
    pub const TT03_2025_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2025, 7, 1) {
        Some(d) => d,
        None => panic!("literal date"),
    };

    /// The set for a dossier received on `date` (local date).
    pub fn for_reception(date: NaiveDate) -> Self {
        if date >= Self::TT03_2025_FROM { Self::Tt03_2025 } else { Self::Tt01_2018 }
    }

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tt01_2018 => "tt01_2018",
            Self::Tt03_2025 => "tt03_2025",
        }
    }

    /// The line under the form number ("Ban hành kèm theo …"). The issue date of TT 03/2025 is not in the
    /// specification (it is tagged [P]), so it is not printed.
    pub fn basis_vi(self) -> &'static str {
        match self {
            Self::Tt01_2018 => "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Văn phòng Chính phủ",
            Self::Tt03_2025 => "Ban hành kèm theo Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ",
        }
    }
}

/// A form, by what it is for; its number depends on the set ([`FormKind::number`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01): the dossier was accepted.
    Receipt,
    /// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02): incomplete at reception or during processing.
    SupplementRequest,
    /// Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03): not accepted.
    Refusal,
    /// Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04; in 2025 "Văn bản xin lỗi và đề nghị gia hạn …").
    Apology,
    /// Thông báo dừng giải quyết hồ sơ (TT 03/2025 Mẫu 05 only): processing stopped or withdrawn.
    StopNotice,
    /// Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05 of 2018, Mẫu 06 of 2025): travels with the dossier.
    ControlSlip,
    /// Sổ theo dõi hồ sơ (Mẫu 06 of 2018, Mẫu 07 of 2025): the register; here the dossier's entry.
    Register,
}

impl FormKind {
    /// Every form, in the order of the 2025 numbering.
    pub const ALL: [FormKind; 7] = [
        Self::Receipt,
        Self::SupplementRequest,
        Self::Refusal,
        Self::Apology,
        Self::StopNotice,
        Self::ControlSlip,
        Self::Register,
    ];

    /// The stable slug used in URLs and as the template name (`<slug>.typ`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receipt => "tiep-nhan",
            Self::SupplementRequest => "bo-sung",
            Self::Refusal => "tu-choi",
            Self::Apology => "xin-loi",
            Self::StopNotice => "dung-giai-quyet",
            Self::ControlSlip => "phieu-kiem-soat",
            Self::Register => "so-theo-doi",
        }
    }

    /// Parses a slug.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    /// The form's number in `set`, or `None` when the set has no such form (the stop notice before 1/7/2025).
    pub fn number(self, set: RuleSet) -> Option<u8> {
        Some(match (self, set) {
            (Self::Receipt, _) => 1,
            (Self::SupplementRequest, _) => 2,
            (Self::Refusal, _) => 3,
            (Self::Apology, _) => 4,
            (Self::StopNotice, RuleSet::Tt01_2018) => return None,
            (Self::StopNotice, RuleSet::Tt03_2025) => 5,
            (Self::ControlSlip, RuleSet::Tt01_2018) => 5,
            (Self::ControlSlip, RuleSet::Tt03_2025) => 6,
            (Self::Register, RuleSet::Tt01_2018) => 6,
            (Self::Register, RuleSet::Tt03_2025) => 7,
        })
    }

    /// The title printed on the form (capitals, as in the circulars).
    pub fn title_vi(self, set: RuleSet) -> &'static str {
        match (self, set) {
            (Self::Receipt, _) => "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            (Self::SupplementRequest, _) => "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            (Self::Refusal, _) => "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            (Self::Apology, RuleSet::Tt01_2018) => "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            (Self::Apology, RuleSet::Tt03_2025) => "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            (Self::StopNotice, _) => "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            (Self::ControlSlip, _) => "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            (Self::Register, _) => "SỔ THEO DÕI HỒ SƠ",
        }
    }

    /// Short name for link lists ("Mẫu 01 – Giấy tiếp nhận …").
    pub fn label_vi(self, set: RuleSet) -> String {
        let name = match (self, set) {
            (Self::Receipt, _) => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            (Self::SupplementRequest, _) => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            (Self::Refusal, _) => "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            (Self::Apology, RuleSet::Tt01_2018) => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            (Self::Apology, RuleSet::Tt03_2025) => "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            (Self::StopNotice, _) => "Thông báo dừng giải quyết hồ sơ",
            (Self::ControlSlip, _) => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            (Self::Register, _) => "Sổ theo dõi hồ sơ",
        };
        match self.number(set) {
            Some(n) => format!("Mẫu {n:02} – {name}"),
            None => name.to_owned(),
        }
    }

    /// The form an event creates, if any (spec §2.3 "created when"). The control slip and the register are not
    /// created by one event: they exist from acceptance (see [`available`]).
    pub fn created_by(action: Action, set: RuleSet) -> Option<FormKind> {
        match action {
            Action::Accept | Action::ReceiveAtCounter => Some(Self::Receipt),
            Action::RequestReceptionSupplement | Action::RequestSupplement => Some(Self::SupplementRequest),
            Action::RefuseReception => Some(Self::Refusal),
            Action::Apologise => Some(Self::Apology),
            // Under TT 01/2018 a stop is a plain written reply: there is no form for it.
            Action::StopAfterReview | Action::SupplementLapsed | Action::Withdraw => {
                (set == RuleSet::Tt03_2025).then_some(Self::StopNotice)
            }
            _ => None,
        }
    }

    /// Whether the form is printed landscape (the register's wide table).
    pub fn landscape(self) -> bool {
        self == Self::Register
    }
}

/// A unit as printed in a heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLabel {
    /// Its name ("Trung tâm Phục vụ hành chính công phường Hội An").
    pub name: String,
    /// The governing body printed above it (cơ quan chủ quản), e.g. "UBND phường Hội An".
    pub parent: Option<String>,
    /// The place printed before the date ("Hội An").
    pub place: String,
}

/// A component received, as listed on the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentLine {
    /// Its name.
    pub name: String,
    /// Original or copy ("Bản chính", "Bản sao").
    pub paper: String,
    /// Number of copies.
    pub quantity: u32,
}

/// One event of the dossier's history, with names resolved for printing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEvent {
    /// When (local time, UTC+7).
    pub at: NaiveDateTime,
    /// What was done.
    pub action: Action,
    /// The unit that acted (name).
    pub actor_unit: Option<String>,
    /// The unit holding the dossier afterwards (name).
    pub owner_unit: Option<String>,
    /// The written reasons.
    pub reasons: Option<String>,
}

/// The applicant as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantLines {
    /// Full name.
    pub name: String,
    /// Address, when known.
    pub address: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// Everything the forms of one dossier are made from: the dossier as it stands and its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSource {
    /// The dossier code.
    pub code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The procedure's code.
    pub procedure_code: String,
    /// Reception channel.
    pub channel: ReceptionChannel,
    /// The applicant.
    pub applicant: ApplicantLines,
    /// The secret for the public status lookup (printed on the receipt for applicants without a phone).
    pub lookup_pin: String,
    /// The receiving unit (one-stop counter).
    pub receiving_unit: UnitLabel,
    /// The competent unit.
    pub competent_unit: UnitLabel,
    /// Statutory time as published ("05 ngày làm việc").
    pub statutory_time: Option<String>,
    /// The components received.
    pub components: Vec<ComponentLine>,
    /// Deemed reception (clock start), local.
    pub received_at: Option<NaiveDateTime>,
    /// The original appointment, local.
    pub due_original: Option<NaiveDateTime>,
    /// The appointment in force (after pauses and a re-appointment), local.
    pub due_at: Option<NaiveDateTime>,
    /// The events, oldest first.
    pub events: Vec<FormEvent>,
    /// The control slip from the workflow's hand-overs (`control_slip::control_slip`), when the caller has it;
    /// otherwise the slip's rows are derived from `events` ([`control_slip_rows`]).
    #[serde(default)]
    pub control_slip: Option<ControlSlip>,
}

impl FormSource {
    /// The local date the dossier first reached the administration (its first event), else its deemed reception.
    pub fn reception_date(&self) -> Option<NaiveDate> {
        self.events.first().map(|e| e.at.date()).or(self.received_at.map(|r| r.date()))
    }

    /// The set of forms this dossier uses.
    pub fn rule_set(&self) -> Option<RuleSet> {
        self.reception_date().map(RuleSet::for_reception)
    }

    fn last(&self, kinds: &[Action]) -> Option<&FormEvent> {
        self.events.iter().rev().find(|e| kinds.contains(&e.action))
    }

    fn first(&self, kinds: &[Action]) -> Option<&FormEvent> {
        self.events.iter().find(|e| kinds.contains(&e.action))
    }
}

/// Why a form cannot be made for a dossier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// The dossier has not been received yet (no events).
    #[error("hồ sơ chưa được tiếp nhận nên chưa có biểu mẫu")]
    NotReceived,
    /// The set in force has no such form.
    #[error("{form} không có trong bộ biểu mẫu của {circular} áp dụng cho hồ sơ này")]
    NotInSet {
        /// The form's name.
        form: &'static str,
        /// The circular.
        circular: &'static str,
    },
    /// The event that creates the form has not happened.
    #[error("hồ sơ chưa có sự kiện tạo {0}")]
    NotYet(&'static str),
}

/// The heading block: issuing unit on the left, the national motto on the right (NĐ 30/2020).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// The governing body, upper case, or empty.
    pub parent: String,
    /// The issuing unit, upper case.
    pub unit: String,
    /// "Số: …" for letters; `None` for slips identified by the dossier code.
    pub number: Option<String>,
    /// "Hội An, ngày 05 tháng 7 năm 2025".
    pub place_date: String,
}

/// A signature block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// Capitalised role ("NGƯỜI TIẾP NHẬN HỒ SƠ").
    pub title: String,
    /// The note under it ("(Ký và ghi rõ họ tên)").
    pub note: String,
}

/// A label and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
}

/// A row of the control slip: one hand-over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipLine {
    /// Giving unit.
    pub from: String,
    /// Receiving unit.
    pub to: String,
    /// "09 giờ 30 phút, ngày 05/7/2025".
    pub at: String,
    /// "Trước hạn", "Đúng hạn", "Quá hạn".
    pub result: String,
    /// What happened.
    pub note: String,
}

/// A row of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    /// Row number.
    pub n: u32,
    /// Dossier code.
    pub code: String,
    /// Procedure name.
    pub procedure: String,
    /// Number of sets.
    pub sets: u32,
    /// Applicant.
    pub applicant: String,
    /// Address and phone.
    pub contact: String,
    /// Competent unit.
    pub competent: String,
    /// Reception date.
    pub received: String,
    /// Appointment.
    pub due: String,
    /// Sent to the competent unit.
    pub transferred: String,
    /// Result received back from the competent unit (at the one-stop counter).
    #[serde(default)]
    pub result_received: String,
    /// Result returned.
    pub returned: String,
    /// Early / on time / late, once returned.
    pub result: String,
    /// Note.
    pub note: String,
}

/// What a form says beyond its heading: each form's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// Mẫu 01.
    Receipt {
        /// The receiving unit (sentence subject).
        unit: String,
        /// The applicant.
        applicant: ApplicantLines,
        /// Procedure name.
        request: String,
        /// Components received.
        components: Vec<ComponentLine>,
        /// Number of sets.
        sets: u32,
        /// Statutory time.
        statutory_time: String,
        /// Reception time.
        received_at: String,
        /// Appointment.
        due_at: String,
        /// Where and how the result is returned.
        return_at: String,
        /// Register reference.
        register: String,
    },
    /// Mẫu 02.
    SupplementRequest {
        /// The unit asking.
        unit: String,
        /// The applicant.
        applicant: String,
        /// Procedure name.
        request: String,
        /// Date received.
        received_on: String,
        /// Each thing to add or correct (the exhaustive list, in one go).
        items: Vec<String>,
        /// Whether it is asked at reception (else during processing).
        at_reception: bool,
        /// Who to contact.
        contact: String,
    },
    /// Mẫu 03.
    Refusal {
        /// The unit refusing.
        unit: String,
        /// The applicant.
        applicant: String,
        /// Procedure name.
        request: String,
        /// Legal reasons.
        reasons: Vec<String>,
    },
    /// Mẫu 04.
    Apology {
        /// Addressee.
        addressee: String,
        /// The responsible agency.
        agency: String,
        /// The receiving unit.
        unit: String,
        /// Reception date.
        received_on: String,
        /// Procedure name.
        request: String,
        /// Original appointment.
        due_original: String,
        /// Reasons for the delay.
        reasons: Vec<String>,
        /// New appointment.
        new_due: String,
    },
    /// TT 03/2025 Mẫu 05.
    StopNotice {
        /// Addressee.
        addressee: String,
        /// The agency.
        agency: String,
        /// Reception date.
        received_on: String,
        /// Procedure name.
        request: String,
        /// What ended it ("theo đề nghị của người nộp", …).
        ground: String,
        /// Reasons.
        reasons: Vec<String>,
    },
    /// Control slip.
    ControlSlip {
        /// Applicant lines (name, phone, address).
        lines: Vec<Line>,
        /// The hand-overs.
        rows: Vec<SlipLine>,
    },
    /// Register.
    Register {
        /// For the register of a period ([`register_book`]): "Từ ngày … đến ngày …"; `None` for one dossier's entry.
        #[serde(default)]
        period: Option<String>,
        /// The rows.
        rows: Vec<RegisterRow>,
    },
}

/// A form's content: the JSON the typst template reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDocument {
    /// Which form (its slug names the template).
    pub form: FormKind,
    /// Which set.
    pub rule_set: RuleSet,
    /// "Mẫu số 01".
    pub number: String,
    /// "Ban hành kèm theo Thông tư …".
    pub basis: String,
    /// Title.
    pub title: String,
    /// Dossier code.
    pub code: String,
    /// Heading block.
    pub heading: Heading,
    /// The form's fields.
    pub body: Body,
    /// Signature blocks, left to right.
    pub signers: Vec<Signer>,
    /// "Nơi nhận" (letters only).
    pub recipients: Vec<String>,
    /// The status-lookup PIN (receipt only).
    pub lookup_pin: Option<String>,
    /// The instant of the event that made the form (local), used as the PDF creation date.
    pub issued_at: NaiveDateTime,
    /// Landscape page.
    pub landscape: bool,
}

/// "05 tháng 7 năm 2025": days below 10 and the months 1 and 2 take a leading zero (NĐ 30/2020, Phụ lục I).
pub fn day_vi(d: NaiveDate) -> String {
    let month = if d.month() <= 2 { format!("{:02}", d.month()) } else { d.month().to_string() };
    format!("{:02} tháng {month} năm {}", d.day(), d.year())
}

/// "ngày 05 tháng 7 năm 2025".
pub fn date_vi(d: NaiveDate) -> String {
    format!("ngày {}", day_vi(d))
}

/// "09 giờ 30 phút, ngày 05 tháng 7 năm 2025".
pub fn time_vi(t: NaiveDateTime) -> String {
    format!("{:02} giờ {:02} phút, {}", t.hour(), t.minute(), date_vi(t.date()))
}

/// "05/7/2025".
pub fn short_date(d: NaiveDate) -> String {
    format!("{:02}/{}/{}", d.day(), d.month(), d.year())
}

/// The mark of a hand-over or a return against the appointment (spec §2.3: trước hạn / đúng hạn / quá hạn): late
/// after the due instant, on time on the due day, early before it.
pub fn timeliness(at: NaiveDateTime, due: NaiveDateTime) -> &'static str {
    if at > due {
        "Quá hạn"
    } else if at.date() == due.date() {
        "Đúng hạn"
    } else {
        "Trước hạn"
    }
}

/// Splits written reasons into items: one per non-empty line, list markers ("1.", "-", "•") removed.
pub fn items(reasons: Option<&str>) -> Vec<String> {
    reasons
        .unwrap_or("")
        .lines()
        .map(|l| {
            let l = l.trim();
            let l = l.trim_start_matches(['-', '•', '*', '+']);
            let digits = l.chars().take_while(char::is_ascii_digit).count();
            let rest = &l[digits..];
            let l = if digits > 0 && (rest.starts_with('.') || rest.starts_with(')')) { &rest[1..] } else { l };
            l.trim().to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

fn place_date(unit: &UnitLabel, at: NaiveDateTime) -> String {
    format!("{}, {}", unit.place, date_vi(at.date()))
}

fn heading(unit: &UnitLabel, at: NaiveDateTime, numbered: bool) -> Heading {
    Heading {
        parent: unit.parent.as_deref().map(upper).unwrap_or_default(),
        unit: upper(&unit.name),
        // Letters get their number from the clerk's register (văn thư), which motcua does not keep yet.
        number: numbered.then(|| "Số: ……/……".to_owned()),
        place_date: place_date(unit, at),
    }
}

fn upper(s: &str) -> String {
    s.to_uppercase()
}

fn sign(title: &str, note: &str) -> Signer {
    Signer { title: title.into(), note: note.into() }
}

const SIGN_NAME: &str = "(Ký và ghi rõ họ tên)";
const SIGN_SEAL: &str = "(Ký, ghi rõ họ tên và đóng dấu)";

fn addressee(a: &ApplicantLines) -> String {
    format!("Ông/Bà {}", a.name)
}

fn contact_of(a: &ApplicantLines) -> String {
    let mut out = a.address.clone().unwrap_or_default();
    if let Some(phone) = &a.phone {
        if !out.is_empty() {
            out.push_str("; ");
        }
        let _ = write!(out, "ĐT: {phone}");
    }
    out
}

fn return_at(channel: ReceptionChannel, unit: &UnitLabel) -> String {
    match channel {
        ReceptionChannel::Online => {
            format!("{} hoặc nhận bản điện tử trên Cổng Dịch vụ công", unit.name)
        }
        ReceptionChannel::Postal => format!("Qua dịch vụ bưu chính công ích (hoặc tại {})", unit.name),
        _ => unit.name.clone(),
    }
}

const RECEIVED: &[Action] = &[Action::Accept, Action::ReceiveAtCounter];
const HAND_OVERS: &[Action] = &[Action::StartProcessing, Action::HandOver, Action::IssueResult, Action::ReturnResult];

fn slip_time(at: NaiveDateTime) -> String {
    format!("{:02} giờ {:02} phút, ngày {}", at.hour(), at.minute(), short_date(at.date()))
}

/// The printed rows of a control slip built from the workflow's hand-overs (marks against each step's due instant).
pub fn slip_lines(slip: &ControlSlip) -> Vec<SlipLine> {
    slip.rows
        .iter()
        .map(|r| {
            let who = |unit: &str, person: &Option<String>| match person {
                Some(p) => format!("{unit} ({p})"),
                None => unit.to_owned(),
            };
            SlipLine {
                from: who(&r.from_unit, &r.giver),
                to: who(&r.to_unit, &r.receiver),
                at: slip_time(r.at),
                result: r.mark.map(mark_label_vi).unwrap_or("").to_owned(),
                note: r.note.clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// The control slip's rows: one per hand-over (to the competent unit, between units, the result back to the
/// one-stop counter, and to the applicant), each marked against the appointment in force.
///
/// A fallback for callers without the workflow's slip: the marks compare each hand-over with the dossier's
/// appointment, not with the step's own allotment.
pub fn control_slip_rows(src: &FormSource) -> Vec<SlipLine> {
    let mut holder = src.receiving_unit.name.clone();
    let mut rows = Vec::new();
    for e in src.events.iter().filter(|e| HAND_OVERS.contains(&e.action)) {
        let to = match e.action {
            Action::IssueResult => src.receiving_unit.name.clone(),
            Action::ReturnResult => format!("{} (người nộp)", src.applicant.name),
            _ => e.owner_unit.clone().unwrap_or_else(|| src.competent_unit.name.clone()),
        };
        let result = src.due_at.map(|due| timeliness(e.at, due)).unwrap_or("").to_owned();
        rows.push(SlipLine {
            from: holder.clone(),
            to: to.clone(),
            at: slip_time(e.at),
            result,
            note: e.action.label_vi().to_owned(),
        });
        holder = to;
    }
    rows
}

/// "09 giờ 05, 05/7/2025": the reception column of the register (date and time).
fn register_time(at: NaiveDateTime) -> String {
    format!("{:02} giờ {:02}, {}", at.hour(), at.minute(), short_date(at.date()))
}

/// The register's row of a dossier (spec §2.3, Mẫu 06 of 2018 / Mẫu 07 of 2025), numbered `n`; `None` before
/// acceptance. Reception is printed with its time; the other columns are dates; the result column marks the return
/// against the appointment in force.
pub fn register_row(n: u32, src: &FormSource) -> Option<RegisterRow> {
    let e = src.first(RECEIVED)?;
    let date_of = |kinds: &[Action]| src.first(kinds).map(|e| short_date(e.at.date())).unwrap_or_default();
    let returned = src.first(&[Action::ReturnResult]);
    Some(RegisterRow {
        n,
        code: src.code.clone(),
        procedure: src.procedure_name.clone(),
        sets: 1,
        applicant: src.applicant.name.clone(),
        contact: contact_of(&src.applicant),
        competent: src.competent_unit.name.clone(),
        received: register_time(e.at),
        due: src.due_original.map(register_time).unwrap_or_default(),
        transferred: date_of(&[Action::StartProcessing]),
        result_received: date_of(&[Action::IssueResult]),
        returned: returned.map(|r| short_date(r.at.date())).unwrap_or_default(),
        result: match (returned, src.due_at) {
            (Some(r), Some(due)) => timeliness(r.at, due).to_owned(),
            _ => String::new(),
        },
        note: match src.channel {
            ReceptionChannel::Postal => "Nhận qua bưu chính".to_owned(),
            ReceptionChannel::Online => "Nộp trực tuyến".to_owned(),
            _ => String::new(),
        },
    })
}

/// The register of a period as one form: the issuing `unit`'s heading, the period, one row per dossier (already
/// numbered, in order of reception). The set is the caller's choice (`motcua_app` takes the one in force on the
/// period's first day); `issued_at` is the moment it is printed (local).
pub fn register_book(
    set: RuleSet,
    unit: &UnitLabel,
    from: NaiveDate,
    to: NaiveDate,
    rows: Vec<RegisterRow>,
    issued_at: NaiveDateTime,
) -> FormDocument {
    let form = FormKind::Register;
    let number = form.number(set).unwrap_or(0);
    FormDocument {
        form,
        rule_set: set,
        number: format!("Mẫu số {number:02}"),
        basis: set.basis_vi().into(),
        title: form.title_vi(set).into(),
        code: format!("{}-{}", from.format("%Y%m%d"), to.format("%Y%m%d")),
        heading: heading(unit, issued_at, false),
        body: Body::Register {
            period: Some(format!("Từ ngày {} đến ngày {}", short_date(from), short_date(to))),
            rows,
        },
        signers: vec![],
        recipients: vec![],
        lookup_pin: None,
        issued_at,
        landscape: true,
    }
}

/// Builds `form` for the dossier: the content depends only on `src`, so the same dossier and events give the
/// same document.
pub fn build(form: FormKind, src: &FormSource) -> Result<FormDocument, FormError> {
    let set = src.rule_set().ok_or(FormError::NotReceived)?;
    let number = form.number(set).ok_or(FormError::NotInSet {
        form: form.title_vi(RuleSet::Tt03_2025),
        circular: match set {
            RuleSet::Tt01_2018 => "Thông tư 01/2018/TT-VPCP",
            RuleSet::Tt03_2025 => "Thông tư 03/2025/TT-VPCP",
        },
    })?;
    let not_yet = || FormError::NotYet(form.title_vi(set));
    let a = &src.applicant;
    let counter = &src.receiving_unit;
    let agency = &src.competent_unit;
    // The day the dossier was actually received (the clock may start later).
    let received_day = src.first(RECEIVED).map(|e| e.at.date()).or(src.reception_date());
    let received_on = received_day.map(day_vi).unwrap_or_default();
    let (issued_at, heading, body, signers, recipients) = match form {
        FormKind::Receipt => {
            let e = src.first(RECEIVED).ok_or_else(not_yet)?;
            let sets = 1;
            let body = Body::Receipt {
                unit: counter.name.clone(),
                applicant: a.clone(),
                request: src.procedure_name.clone(),
                components: src.components.clone(),
                sets,
                statutory_time: src.statutory_time.clone().unwrap_or_default(),
                // The actual reception; the clock may start later (deemed reception, spec §2.6).
                received_at: time_vi(e.at),
                due_at: src.due_original.map(time_vi).unwrap_or_default(),
                return_at: return_at(src.channel, counter),
                register: format!("Mã hồ sơ {} (sổ theo dõi điện tử)", src.code),
            };
            let signers = vec![sign("NGƯỜI NỘP HỒ SƠ", SIGN_NAME), sign("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_NAME)];
            (e.at, heading(counter, e.at, false), body, signers, vec![])
        }
        FormKind::SupplementRequest => {
            let e = src.last(&[Action::RequestReceptionSupplement, Action::RequestSupplement]).ok_or_else(not_yet)?;
            let at_reception = e.action == Action::RequestReceptionSupplement;
            let unit = if at_reception { counter } else { agency };
            let body = Body::SupplementRequest {
                unit: unit.name.clone(),
                applicant: a.name.clone(),
                request: src.procedure_name.clone(),
                received_on: received_on.clone(),
                items: items(e.reasons.as_deref()),
                at_reception,
                contact: counter.name.clone(),
            };
            (e.at, heading(unit, e.at, false), body, vec![sign("NGƯỜI HƯỚNG DẪN", SIGN_NAME)], vec![])
        }
        FormKind::Refusal => {
            let e = src.last(&[Action::RefuseReception]).ok_or_else(not_yet)?;
            let body = Body::Refusal {
                unit: counter.name.clone(),
                applicant: a.name.clone(),
                request: src.procedure_name.clone(),
                reasons: items(e.reasons.as_deref()),
            };
            (e.at, heading(counter, e.at, false), body, vec![sign("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_NAME)], vec![])
        }
        FormKind::Apology => {
            let e = src.last(&[Action::Apologise]).ok_or_else(not_yet)?;
            let body = Body::Apology {
                addressee: addressee(a),
                agency: agency.name.clone(),
                unit: counter.name.clone(),
                received_on: received_on.clone(),
                request: src.procedure_name.clone(),
                due_original: src.due_original.map(time_vi).unwrap_or_default(),
                reasons: items(e.reasons.as_deref()),
                new_due: src.due_at.map(time_vi).unwrap_or_default(),
            };
            let signers = vec![sign("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", SIGN_SEAL)];
            let recipients = vec!["Như trên;".into(), format!("{};", counter.name), "Lưu: VT.".into()];
            (e.at, heading(agency, e.at, true), body, signers, recipients)
        }
        FormKind::StopNotice => {
            let e =
                src.last(&[Action::StopAfterReview, Action::SupplementLapsed, Action::Withdraw]).ok_or_else(not_yet)?;
            let ground = match e.action {
                Action::Withdraw => "theo đề nghị rút hồ sơ, dừng giải quyết của người nộp hồ sơ",
                Action::SupplementLapsed => "do người nộp hồ sơ không bổ sung, hoàn thiện hồ sơ theo yêu cầu",
                _ => "do hồ sơ không đủ điều kiện giải quyết theo quy định",
            };
            let body = Body::StopNotice {
                addressee: addressee(a),
                agency: agency.name.clone(),
                received_on: received_on.clone(),
                request: src.procedure_name.clone(),
                ground: ground.into(),
                reasons: items(e.reasons.as_deref()),
            };
            let signers = vec![sign("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", SIGN_SEAL)];
            let recipients = vec!["Như trên;".into(), format!("{};", counter.name), "Lưu: VT.".into()];
            (e.at, heading(agency, e.at, true), body, signers, recipients)
        }
        FormKind::ControlSlip => {
            let e = src.first(RECEIVED).ok_or_else(not_yet)?;
            let line = |label: &str, value: String| Line { label: label.into(), value };
            let mut lines = vec![
                line("Kèm theo hồ sơ của", a.name.clone()),
                line("Nội dung yêu cầu giải quyết", src.procedure_name.clone()),
                line("Ngày nhận hồ sơ", received_day.map(short_date).unwrap_or_default()),
                line("Ngày hẹn trả kết quả", src.due_original.map(time_vi).unwrap_or_default()),
                line("Cơ quan (bộ phận) giải quyết hồ sơ", agency.name.clone()),
            ];
            if let Some(phone) = &a.phone {
                lines.insert(1, line("Số điện thoại", phone.clone()));
            }
            let rows = match &src.control_slip {
                Some(slip) => slip_lines(slip),
                None => control_slip_rows(src),
            };
            let body = Body::ControlSlip { lines, rows };
            let signers = vec![];
            (e.at, heading(counter, e.at, false), body, signers, vec![])
        }
        FormKind::Register => {
            let e = src.first(RECEIVED).ok_or_else(not_yet)?;
            let row = register_row(1, src).ok_or_else(not_yet)?;
            (e.at, heading(counter, e.at, false), Body::Register { period: None, rows: vec![row] }, vec![], vec![])
        }
    };
    Ok(FormDocument {
        form,
        rule_set: set,
        number: format!("Mẫu số {number:02}"),
        basis: set.basis_vi().into(),
        title: form.title_vi(set).into(),
        code: src.code.clone(),
        heading,
        body,
        signers,
        recipients,
        lookup_pin: (form == FormKind::Receipt).then(|| src.lookup_pin.clone()),
        issued_at,
        landscape: form.landscape(),
    })
}

/// The forms that exist for the dossier now, in number order.
pub fn available(src: &FormSource) -> Vec<FormKind> {
    FormKind::ALL.into_iter().filter(|f| build(*f, src).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_json(doc: &FormDocument) -> String {
        serde_json::to_string(doc).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, mi, 0).unwrap()
    }

    fn event(at: NaiveDateTime, action: Action, reasons: Option<&str>) -> FormEvent {
        FormEvent {
            at,
            action,
            actor_unit: Some("Trung tâm Phục vụ hành chính công phường Hội An".into()),
            owner_unit: Some("UBND phường Hội An".into()),
            reasons: reasons.map(str::to_owned),
        }
    }

    fn unit(name: &str) -> UnitLabel {
        UnitLabel { name: name.into(), parent: Some("UBND thành phố Đà Nẵng".into()), place: "Hội An".into() }
    }

    /// A counter dossier received on `day` and carried through every event.
    pub(crate) fn sample(day: NaiveDate) -> FormSource {
        let t = |d: i64, h: u32, m: u32| (day + chrono::Days::new(d as u64)).and_hms_opt(h, m, 0).unwrap();
        FormSource {
            code: format!("000.00.20.H47-{}-0001", day.format("%y%m%d")),
            procedure_name: "Đăng ký khai sinh".into(),
            procedure_code: "1.001193".into(),
            channel: ReceptionChannel::Counter,
            applicant: ApplicantLines {
                name: "Nguyễn Thị Ngọc Diễm".into(),
                address: Some("12 Trần Hưng Đạo, phường Hội An".into()),
                phone: Some("0905123456".into()),
                email: None,
            },
            lookup_pin: "482913".into(),
            receiving_unit: unit("Trung tâm Phục vụ hành chính công phường Hội An"),
            competent_unit: unit("UBND phường Hội An"),
            statutory_time: Some("03 ngày làm việc".into()),
            components: vec![ComponentLine {
                name: "Tờ khai đăng ký khai sinh".into(),
                paper: "Bản chính".into(),
                quantity: 1,
            }],
            received_at: Some(t(0, 9, 5)),
            due_original: Some(t(3, 17, 0)),
            due_at: Some(t(5, 17, 0)),
            events: vec![
                event(t(0, 9, 5), Action::ReceiveAtCounter, None),
                event(t(0, 9, 30), Action::StartProcessing, None),
                event(
                    t(1, 10, 0),
                    Action::RequestSupplement,
                    Some("1. Bản sao giấy chứng sinh\n- Giấy xác nhận cư trú"),
                ),
                event(t(2, 8, 0), Action::Supplement, None),
                event(t(2, 9, 0), Action::Apologise, Some("Cần xác minh thông tin cư trú")),
                event(t(5, 16, 0), Action::IssueResult, None),
                event(t(6, 8, 0), Action::ReturnResult, None),
            ],
            control_slip: None,
        }
    }

    #[test]
    fn the_set_changes_on_1_july_2025() {
        assert_eq!(RuleSet::for_reception(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()), RuleSet::Tt01_2018);
        assert_eq!(RuleSet::for_reception(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()), RuleSet::Tt03_2025);
        // The first event decides, not the later deemed reception (an online dossier of 30/6 evening).
        let mut src = sample(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
        src.received_at = Some(at(2025, 7, 1, 7, 30));
        assert_eq!(src.rule_set(), Some(RuleSet::Tt01_2018));
        assert_eq!(build(FormKind::Receipt, &src).unwrap().basis, RuleSet::Tt01_2018.basis_vi());
        let Body::Receipt { received_at, .. } = build(FormKind::Receipt, &src).unwrap().body else { panic!() };
        assert_eq!(
            received_at, "09 giờ 05 phút, ngày 30 tháng 6 năm 2025",
            "the actual reception, not the clock start"
        );
    }

    #[test]
    fn numbers_follow_each_circular() {
        use FormKind as F;
        let n = |set| F::ALL.map(|f| f.number(set));
        assert_eq!(n(RuleSet::Tt01_2018), [Some(1), Some(2), Some(3), Some(4), None, Some(5), Some(6)]);
        assert_eq!(n(RuleSet::Tt03_2025), [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), Some(7)]);
        for f in F::ALL {
            assert_eq!(F::parse(f.as_str()), Some(f));
        }
        assert_eq!(F::created_by(Action::Withdraw, RuleSet::Tt01_2018), None);
        assert_eq!(F::created_by(Action::Withdraw, RuleSet::Tt03_2025), Some(F::StopNotice));
        assert_eq!(F::created_by(Action::RequestReceptionSupplement, RuleSet::Tt01_2018), Some(F::SupplementRequest));
        assert_eq!(F::created_by(Action::HandOver, RuleSet::Tt03_2025), None);
    }

    #[test]
    fn every_form_of_each_set_is_built_with_code_title_and_number() {
        for (day, set) in [
            (NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(), RuleSet::Tt01_2018),
            (NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(), RuleSet::Tt03_2025),
        ] {
            let mut src = sample(day);
            src.events.push(event(
                src.events.last().unwrap().at,
                Action::RefuseReception,
                Some("Không thuộc thẩm quyền"),
            ));
            src.events.push(event(src.events.last().unwrap().at, Action::Withdraw, Some("Người nộp đề nghị")));
            for f in FormKind::ALL {
                match (f.number(set), build(f, &src)) {
                    (Some(n), Ok(doc)) => {
                        let json = to_json(&doc);
                        assert!(json.contains(&src.code), "{f:?}");
                        assert!(json.contains(f.title_vi(set)), "{f:?}");
                        assert_eq!(doc.number, format!("Mẫu số {n:02}"));
                        assert_eq!(doc.rule_set, set);
                    }
                    (None, Err(FormError::NotInSet { .. })) => {
                        assert_eq!((f, set), (FormKind::StopNotice, RuleSet::Tt01_2018))
                    }
                    (n, other) => panic!("{f:?} {set:?}: {n:?} {other:?}"),
                }
            }
        }
    }

    #[test]
    fn forms_appear_with_their_events() {
        let mut src = sample(NaiveDate::from_ymd_opt(2025, 8, 4).unwrap());
        src.events.truncate(2);
        assert_eq!(available(&src), [FormKind::Receipt, FormKind::ControlSlip, FormKind::Register]);
        assert_eq!(
            build(FormKind::Apology, &src),
            Err(FormError::NotYet("VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"))
        );
        src.events.clear();
        src.received_at = None;
        assert_eq!(build(FormKind::Receipt, &src), Err(FormError::NotReceived));
        assert!(available(&src).is_empty());
    }

    #[test]
    fn the_same_events_give_the_same_json() {
        let day = NaiveDate::from_ymd_opt(2025, 9, 8).unwrap();
        for f in available(&sample(day)) {
            let a = to_json(&build(f, &sample(day)).unwrap());
            let b = to_json(&build(f, &sample(day).clone()).unwrap());
            assert_eq!(a.as_bytes(), b.as_bytes(), "{f:?}");
        }
        // A later event changes the slip, not the receipt (its content is fixed by the reception event).
        let mut later = sample(day);
        later.events.push(event(at(2025, 9, 20, 8, 0), Action::HandOver, None));
        assert_eq!(
            to_json(&build(FormKind::Receipt, &later).unwrap()),
            to_json(&build(FormKind::Receipt, &sample(day)).unwrap())
        );
        assert_ne!(
            to_json(&build(FormKind::ControlSlip, &later).unwrap()),
            to_json(&build(FormKind::ControlSlip, &sample(day)).unwrap())
        );
    }

    #[test]
    fn receipt_fields() {
        let doc = build(FormKind::Receipt, &sample(NaiveDate::from_ymd_opt(2025, 2, 3).unwrap())).unwrap();
        assert_eq!(doc.heading.place_date, "Hội An, ngày 03 tháng 02 năm 2025");
        assert_eq!(doc.heading.unit, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG HỘI AN");
        assert_eq!(doc.lookup_pin.as_deref(), Some("482913"));
        let Body::Receipt { received_at, due_at, .. } = doc.body else { panic!() };
        assert_eq!(received_at, "09 giờ 05 phút, ngày 03 tháng 02 năm 2025");
        assert_eq!(due_at, "17 giờ 00 phút, ngày 06 tháng 02 năm 2025");
        assert_eq!(doc.issued_at, at(2025, 2, 3, 9, 5));
    }

    #[test]
    fn supplement_items_are_listed_one_by_one() {
        let doc = build(FormKind::SupplementRequest, &sample(NaiveDate::from_ymd_opt(2025, 9, 8).unwrap())).unwrap();
        let Body::SupplementRequest { items, at_reception, .. } = doc.body else { panic!() };
        assert_eq!(items, ["Bản sao giấy chứng sinh", "Giấy xác nhận cư trú"]);
        assert!(!at_reception);
        assert_eq!(super::items(Some("  \n2) Tờ khai\n•Ảnh")), ["Tờ khai", "Ảnh"]);
    }

    #[test]
    fn control_slip_marks_each_hand_over() {
        let src = sample(NaiveDate::from_ymd_opt(2025, 9, 8).unwrap());
        let rows = control_slip_rows(&src);
        let summary: Vec<(&str, &str, &str)> =
            rows.iter().map(|r| (r.from.as_str(), r.to.as_str(), r.result.as_str())).collect();
        assert_eq!(
            summary,
            [
                ("Trung tâm Phục vụ hành chính công phường Hội An", "UBND phường Hội An", "Trước hạn"),
                ("UBND phường Hội An", "Trung tâm Phục vụ hành chính công phường Hội An", "Đúng hạn"),
                ("Trung tâm Phục vụ hành chính công phường Hội An", "Nguyễn Thị Ngọc Diễm (người nộp)", "Quá hạn"),
            ]
        );
        assert_eq!(rows[0].at, "09 giờ 30 phút, ngày 08/9/2025");
    }

    #[test]
    fn timeliness_marks() {
        let due = at(2025, 9, 10, 17, 0);
        assert_eq!(timeliness(at(2025, 9, 9, 17, 0), due), "Trước hạn");
        assert_eq!(timeliness(at(2025, 9, 10, 8, 0), due), "Đúng hạn");
        assert_eq!(timeliness(at(2025, 9, 10, 17, 1), due), "Quá hạn");
    }
}
