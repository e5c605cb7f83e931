//! The procedure catalogue (danh mục thủ tục hành chính): what each procedure is, as published, versioned.
//!
//! A [`Procedure`] holds the whole published procedure: the seven constituent parts of NĐ 63/2010 Art. 8(2), the
//! statutory time and how it is counted, reception rules, components and where their data can come from instead
//! of paper, fees, forms, the internal workflow and the publication decision. Every change makes a new version; a
//! dossier keeps the version it was received under. [`check`] finds every problem of a procedure or a whole
//! catalogue at once; [`review`] is the catalogue review of Directive 05/CT-TTg.

pub mod check;
pub mod code;
pub mod fee;
pub mod form;
pub mod review;
pub mod source;

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeDelta};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::calendar::working_time::ReceptionChannel;
use crate::deadline::{Duration, Mode};
use crate::text::fold;
use crate::unit::UnitId;

pub use code::{CodeError, ProcedureCode, SectorCode, ServiceCode};
pub use fee::{ChannelRate, Fee, FeeKind};
pub use form::{Field, FieldType, FormSchema};
pub use source::{Assurance, ComponentSource, PrefillSource};

/// `ALL`, `as_str` (the stable text form, the serde key), `parse` and `label_vi` of a field-less enum.
macro_rules! keyed_enum {
    ($ty:ident { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        impl $ty {
            /// All values.
            pub const ALL: [$ty; [$(stringify!($variant)),+].len()] = [$(Self::$variant),+];

            /// Stable text form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)+
                }
            }

            /// Parses the text form.
            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == raw)
            }

            /// Vietnamese name.
            pub fn label_vi(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }
    };
}

/// The identifier of the canonical catalogue format (see `docs/catalogue-format.md`).
pub const FORMAT: &str = "motcua.catalogue/1";

/// A catalogue file in the canonical format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Free text about the file's origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The procedures.
    pub procedures: Vec<Procedure>,
}

/// Where a procedure's lifecycle stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Being prepared; not shown to the public.
    #[default]
    Draft,
    /// Public and open for dossiers.
    Published,
    /// No longer offered (abolished or replaced); kept for the dossiers received under it.
    Withdrawn,
}

keyed_enum!(Lifecycle {
    Draft => "draft", "Dự thảo";
    Published => "published", "Đang công khai";
    Withdrawn => "withdrawn", "Đã bãi bỏ, dừng thực hiện";
});

/// The online service level (NĐ 42/2022/NĐ-CP; levels 1–4 are obsolete).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình: the whole procedure online, result included.
    FullProcess,
    /// Một phần: some steps online.
    Partial,
    /// Not offered online.
    #[default]
    None,
}

keyed_enum!(OnlineLevel {
    FullProcess => "full_process", "Toàn trình";
    Partial => "partial", "Một phần";
    None => "none", "Không trực tuyến";
});

/// The level of government that implements a procedure (cấp thực hiện).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A ministry (cấp bộ).
    Ministry,
    /// The province (cấp tỉnh).
    Province,
    /// The commune (cấp xã).
    Commune,
    /// A vertically managed body (ngành dọc: police, social insurance, tax).
    Vertical,
}

keyed_enum!(Level {
    Ministry => "ministry", "Cấp bộ";
    Province => "province", "Cấp tỉnh";
    Commune => "commune", "Cấp xã";
    Vertical => "vertical", "Ngành dọc";
});

/// Who may file (đối tượng thực hiện).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// Vietnamese citizens.
    Citizen,
    /// Foreigners.
    Foreigner,
    /// Organisations and businesses.
    Organisation,
}

impl Subject {
    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Citizen => "Công dân Việt Nam",
            Self::Foreigner => "Người nước ngoài",
            Self::Organisation => "Tổ chức, doanh nghiệp",
        }
    }
}

/// The sector (lĩnh vực).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    /// Code in the national catalogue, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<SectorCode>,
    /// Name as published.
    pub name: String,
}

/// Whether a component is brought as the original, a copy, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaperForm {
    /// Bản chính.
    Original,
    /// Bản sao (certified or compared with the original).
    Copy,
    /// Either the original or a copy.
    Either,
}

impl PaperForm {
    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Original => "Bản chính",
            Self::Copy => "Bản sao",
            Self::Either => "Bản chính hoặc bản sao",
        }
    }
}

/// A required document component (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Stable key within the procedure.
    pub key: String,
    /// Name as published.
    pub name: String,
    /// Original, copy or either.
    pub form: PaperForm,
    /// Number of each (số lượng).
    pub quantity: u32,
    /// Required in every dossier (of its cases); otherwise only in the situation its name describes.
    pub mandatory: bool,
    /// Must be digitised when received on paper (TT 01/2023, spec §4.2).
    #[serde(default)]
    pub must_digitise: bool,
    /// Where the data can come from instead of the paper.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaceable_by: Vec<ComponentSource>,
    /// The cases (trường hợp) it belongs to; empty = all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<String>,
    /// The published template (mẫu đơn, tờ khai), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// A case (trường hợp) of a procedure with its own form or components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Stable key.
    pub key: String,
    /// Vietnamese name.
    pub name: String,
}

/// The statutory processing time (thời hạn giải quyết) as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatutoryTime {
    /// The duration with its unit; `None` when the publication gave no unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// A published number without a unit, kept as published and flagged for an officer to confirm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unitless_amount: Option<u32>,
    /// Counting mode; default from the unit (A for days, B for hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// Other published rules (different times by channel, extensions), as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl StatutoryTime {
    /// The duration usable for deadlines: only a confirmed one with a unit.
    pub fn confirmed(&self) -> Option<Duration> {
        self.duration
    }

    /// Whether an officer must confirm the unit before deadlines can be computed.
    pub fn needs_confirmation(&self) -> bool {
        self.duration.is_none()
    }

    /// The counting mode in force.
    pub fn mode(&self) -> Option<Mode> {
        self.mode.or_else(|| self.duration.map(Duration::default_mode))
    }

    /// The duration in Vietnamese, e.g. "05 ngày làm việc".
    pub fn label_vi(&self) -> String {
        match (self.duration, self.unitless_amount) {
            (Some(d), _) => duration_label_vi(d),
            (None, Some(n)) => format!("{n:02} (không ghi đơn vị — chờ xác nhận)"),
            (None, None) => "Chưa công bố".into(),
        }
    }
}

/// A duration in Vietnamese.
pub fn duration_label_vi(duration: Duration) -> String {
    match duration {
        Duration::WorkingDays(n) => format!("{n:02} ngày làm việc"),
        Duration::WorkingHours(n) => format!("{n:02} giờ làm việc"),
        Duration::HalfWorkingDays(n) => format!("{} ngày làm việc", (n as f64 / 2.0).to_string().replace('.', ",")),
        Duration::CalendarDays(n) => format!("{n:02} ngày"),
        Duration::Months(n) => format!("{n:02} tháng"),
        Duration::WithinTheDay => "Trong ngày".into(),
    }
}

/// Per-procedure reception parameters (spec §2.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceptionRules {
    /// Supplement requests allowed during processing (default 1: "tối đa một lần").
    #[serde(default = "one")]
    pub max_supplement_requests: u32,
    /// The clock stops while the applicant supplements (default true).
    #[serde(default = "yes")]
    pub pause_on_supplement: bool,
    /// The clock stops while financial obligations are awaited (default false).
    #[serde(default)]
    pub pause_on_financial_obligation: bool,
    /// Largest file, in bytes, accepted for this procedure's dossiers (components and results). Absent: the
    /// store's limit (`storage.max_file_bytes`); present: the smaller of the two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_file_bytes: Option<u64>,
}

impl ReceptionRules {
    /// The size limit of this procedure's files given the store's `global` limit: the smaller of the two.
    pub fn file_limit(&self, global: u64) -> u64 {
        self.max_file_bytes.map_or(global, |own| own.min(global))
    }
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

impl Default for ReceptionRules {
    fn default() -> Self {
        Self {
            max_supplement_requests: 1,
            pause_on_supplement: true,
            pause_on_financial_obligation: false,
            max_file_bytes: None,
        }
    }
}

/// One step of the internal workflow template (quy trình nội bộ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    /// What happens, e.g. "Thẩm định hồ sơ".
    pub name: String,
    /// Who does it.
    pub role: Role,
    /// Allotted working hours.
    pub hours: u32,
}

/// What the procedure produces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultSpec {
    /// Name, e.g. "Giấy khai sinh".
    pub name: String,
    /// The result is a paper document (the 766 index asks for an electronic copy of paper results).
    #[serde(default)]
    pub paper: bool,
    /// The result can be issued electronically.
    #[serde(default)]
    pub electronic: bool,
    /// The warehouse document type it becomes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_type: Option<String>,
}

/// The decision that published the procedure (quyết định công bố, QĐCB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// Number, e.g. "163/QĐ-BTP".
    pub decision: String,
    /// Date of the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    /// Date it was made public in the national database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
}

/// How sure we are of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read in an official publication (listed in `sources`).
    Published,
    /// Inferred from related official text.
    Inferred,
    /// Filled in for the demo; not an official value.
    Illustrative,
}

impl Origin {
    /// Vietnamese name, shown next to values that are not published.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Published => "Theo công bố",
            Self::Inferred => "Suy ra",
            Self::Illustrative => "Minh họa — không phải số liệu chính thức",
        }
    }
}

/// A whole published procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// Procedure code (mã TTHC).
    pub code: ProcedureCode,
    /// Name (tên thủ tục) — part 1 of 7.
    pub name: String,
    /// Sector.
    pub sector: Sector,
    /// Implementing levels.
    pub levels: Vec<Level>,
    /// Units that implement it (their subtrees included).
    #[serde(default)]
    pub units: Vec<UnitId>,
    /// Implementing agency as published (cơ quan thực hiện) — part 7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Sequence of steps for the applicant (trình tự thực hiện) — part 2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequence: Vec<String>,
    /// Methods (cách thức thực hiện) — part 3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<ReceptionChannel>,
    /// Who may file (đối tượng thực hiện) — part 6.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    /// Statutory time (thời hạn giải quyết) — part 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<StatutoryTime>,
    /// Reception parameters.
    #[serde(default)]
    pub reception: ReceptionRules,
    /// Cases with their own form or components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Case>,
    /// Components and quantities (thành phần, số lượng hồ sơ) — part 4.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Fees and charges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// The result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ResultSpec>,
    /// Online service level.
    #[serde(default)]
    pub online_level: OnlineLevel,
    /// Flagged "đủ điều kiện toàn trình" in the national database.
    #[serde(default)]
    pub full_process_eligible: bool,
    /// Minimum VNeID assurance to file online.
    #[serde(default)]
    pub min_assurance: Assurance,
    /// An essential public service of Project 06 (spec §5.2).
    #[serde(default)]
    pub essential: bool,
    /// The interlinked group it belongs to (spec §5.3): `birth` or `death`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interlinked_group: Option<String>,
    /// E-forms, one per case (or one for the procedure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<FormSchema>,
    /// Internal workflow template.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workflow: Vec<WorkflowStep>,
    /// Legal basis (căn cứ pháp lý).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    /// The publication decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<Publication>,
    /// Lifecycle.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// First day this version applies.
    pub effective_from: NaiveDate,
    /// Last day this version applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// Where values came from, by top-level field name; a field not listed is [`Origin::Published`] when `sources`
    /// is not empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Origin>,
    /// Sources read (addresses of the published pages and decisions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Notes for officers (quirks of the publication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Procedure {
    /// The origin of a top-level field's value.
    pub fn origin_of(&self, field: &str) -> Origin {
        self.provenance.get(field).copied().unwrap_or(if self.sources.is_empty() {
            Origin::Illustrative
        } else {
            Origin::Published
        })
    }

    /// The search key: folded code, name and sector.
    pub fn search_text(&self) -> String {
        fold(&format!("{} {} {}", self.code, self.name, self.sector.name))
    }

    /// The workflow's allotments as working time.
    pub fn allotments(&self) -> Vec<TimeDelta> {
        self.workflow.iter().map(|s| TimeDelta::hours(i64::from(s.hours))).collect()
    }

    /// The form for `case` (or the procedure's only form).
    pub fn form_for(&self, case: Option<&str>) -> Option<&FormSchema> {
        self.forms.iter().find(|f| f.case.as_deref() == case).or_else(|| self.forms.first())
    }

    /// Whether `subject` may file this procedure (its published subjects name it, or name nobody).
    pub fn accepts(&self, subject: Subject) -> bool {
        self.subjects.is_empty() || self.subjects.contains(&subject)
    }

    /// Why an organisation (`organisation`) or a person (otherwise) may not file this procedure, by its published
    /// subjects (đối tượng thực hiện); `None` when they may.
    pub fn refuses_filer(&self, organisation: bool) -> Option<String> {
        let open = if organisation {
            self.accepts(Subject::Organisation)
        } else {
            self.accepts(Subject::Citizen) || self.accepts(Subject::Foreigner)
        };
        if open {
            return None;
        }
        Some(if organisation {
            let subjects = self.subjects.iter().map(|s| s.label_vi()).collect::<Vec<_>>().join(", ");
            format!(
                "Thủ tục này dành cho {subjects}, không dành cho tổ chức, doanh nghiệp. Vui lòng đăng nhập bằng tài \
                 khoản định danh cá nhân nếu bạn nộp cho chính mình."
            )
        } else {
            "Thủ tục này chỉ dành cho tổ chức, doanh nghiệp: vui lòng nộp bằng tài khoản định danh điện tử của tổ chức."
                .to_owned()
        })
    }

    /// The components required for `case`.
    pub fn components_for<'a>(&'a self, case: Option<&'a str>) -> impl Iterator<Item = &'a Component> + 'a {
        self.components
            .iter()
            .filter(move |c| c.cases.is_empty() || case.is_some_and(|k| c.cases.iter().any(|x| x == k)))
    }

    /// Total fee on `channel` on `date` for an applicant who is not exempt.
    pub fn fee_total(&self, channel: ReceptionChannel, date: NaiveDate) -> i64 {
        fee::total(&self.fees, channel, date, false)
    }

    /// Whether this version is in force on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::Subject::{Citizen, Foreigner, Organisation};
    use super::check::tests::sample;

    #[test]
    fn the_published_subjects_decide_who_may_file() {
        let with = |subjects: Vec<super::Subject>| super::Procedure { subjects, ..sample() };
        // (subjects, an organisation refused?, a person refused?)
        for (subjects, organisation, person) in [
            (vec![], false, false),
            (vec![Citizen], true, false),
            (vec![Citizen, Foreigner], true, false),
            (vec![Foreigner], true, false),
            (vec![Citizen, Organisation], false, false),
            (vec![Organisation], false, true),
        ] {
            let p = with(subjects.clone());
            assert_eq!(p.refuses_filer(true).is_some(), organisation, "{subjects:?}");
            assert_eq!(p.refuses_filer(false).is_some(), person, "{subjects:?}");
        }
        let reason = with(vec![Citizen, Foreigner]).refuses_filer(true).unwrap();
        assert!(reason.contains("Công dân Việt Nam, Người nước ngoài") && reason.contains("không dành cho tổ chức"));
    }
}
