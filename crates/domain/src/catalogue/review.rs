//! The catalogue review (rà soát, Directive 05/CT-TTg): papers the law abolished or made redundant that a
//! procedure still demands, how much a citizen still types, and procedures whose constituent parts are incomplete
//! (766 indicator 1.3).

use serde::{Deserialize, Serialize};

use super::source::Assurance;
use super::{Procedure, ProcedureCode};
use crate::text::fold;

/// The target of Directive 05 for the reduction of what citizens declare.
pub const DECLARATION_REDUCTION_TARGET: f64 = 0.20;

/// A paper that must no longer be demanded, from the curated list (`data/catalogue/abolished-papers.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbolishedPaper {
    /// Stable key.
    pub key: String,
    /// Name of the paper.
    pub name: String,
    /// Phrases that identify it in a component's name (matched without diacritics or case).
    pub phrases: Vec<String>,
    /// Why it must not be demanded.
    pub reason: String,
    /// The legal basis.
    pub legal_basis: String,
}

/// A component that seems to demand an abolished paper; an officer confirms or dismisses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaperFinding {
    /// Component key.
    pub component: String,
    /// Component name.
    pub component_name: String,
    /// The paper's key in the list.
    pub paper: String,
    /// The paper's name.
    pub paper_name: String,
    /// Why.
    pub reason: String,
    /// The legal basis.
    pub legal_basis: String,
}

/// The declaration reduction of one form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormReduction {
    /// The case, if the form is a case's.
    pub case: Option<String>,
    /// Form title.
    pub title: String,
    /// Form version.
    pub version: u32,
    /// Fields typed before re-engineering (files excluded), if recorded.
    pub baseline: Option<u32>,
    /// Fields a citizen logged in at L2 still types.
    pub typed_at_l2: usize,
    /// (baseline − typed) / baseline.
    pub reduction: Option<f64>,
    /// Whether the reduction reaches [`DECLARATION_REDUCTION_TARGET`].
    pub meets_target: Option<bool>,
}

/// The parts of a procedure that must be published (NĐ 63/2010/NĐ-CP Điều 8 khoản 2; 766 indicator 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Tên thủ tục.
    Name,
    /// Trình tự thực hiện.
    Sequence,
    /// Cách thức thực hiện.
    Methods,
    /// Thành phần, số lượng hồ sơ.
    Components,
    /// Thời hạn giải quyết.
    Time,
    /// Đối tượng thực hiện.
    Subjects,
    /// Cơ quan thực hiện.
    Agency,
    /// Kết quả thực hiện.
    Result,
}

impl Part {
    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Name => "Tên thủ tục",
            Self::Sequence => "Trình tự thực hiện",
            Self::Methods => "Cách thức thực hiện",
            Self::Components => "Thành phần, số lượng hồ sơ",
            Self::Time => "Thời hạn giải quyết",
            Self::Subjects => "Đối tượng thực hiện",
            Self::Agency => "Cơ quan thực hiện",
            Self::Result => "Kết quả thực hiện",
        }
    }
}

/// The parts a procedure lacks.
pub fn missing_parts(p: &Procedure) -> Vec<Part> {
    let mut missing = Vec::new();
    let mut need = |present: bool, part: Part| {
        if !present {
            missing.push(part);
        }
    };
    need(!p.name.trim().is_empty(), Part::Name);
    need(!p.sequence.is_empty(), Part::Sequence);
    need(!p.methods.is_empty(), Part::Methods);
    need(!p.components.is_empty(), Part::Components);
    need(p.time.as_ref().is_some_and(|t| t.duration.is_some() || t.unitless_amount.is_some()), Part::Time);
    need(!p.subjects.is_empty(), Part::Subjects);
    need(p.agency.as_ref().is_some_and(|a| !a.trim().is_empty()) || !p.units.is_empty(), Part::Agency);
    need(p.result.as_ref().is_some_and(|r| !r.name.trim().is_empty()), Part::Result);
    missing
}

/// Components of `p` whose names mention a paper of `list`.
pub fn abolished_papers(p: &Procedure, list: &[AbolishedPaper]) -> Vec<PaperFinding> {
    let folded: Vec<(&AbolishedPaper, Vec<String>)> =
        list.iter().map(|paper| (paper, paper.phrases.iter().map(|ph| fold(ph)).collect())).collect();
    let mut out = Vec::new();
    for component in &p.components {
        let name = fold(&component.name);
        for (paper, phrases) in &folded {
            if phrases.iter().any(|ph| contains_phrase(&name, ph)) {
                out.push(PaperFinding {
                    component: component.key.clone(),
                    component_name: component.name.clone(),
                    paper: paper.key.clone(),
                    paper_name: paper.name.clone(),
                    reason: paper.reason.clone(),
                    legal_basis: paper.legal_basis.clone(),
                });
            }
        }
    }
    out
}

/// Whether `phrase` occurs in `text` on word boundaries (both folded).
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric();
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_none_or(|c| !is_word(c));
        let after = text[at + phrase.len()..].chars().next().is_none_or(|c| !is_word(c));
        before && after
    })
}

/// The declaration reduction of each form of `p`.
pub fn form_reductions(p: &Procedure) -> Vec<FormReduction> {
    p.forms
        .iter()
        .map(|f| {
            let reduction = f.declaration_reduction();
            FormReduction {
                case: f.case.clone(),
                title: f.title.clone(),
                version: f.version,
                baseline: f.baseline_fields,
                typed_at_l2: f.fields_to_type(Assurance::L2),
                reduction,
                meets_target: reduction.map(|r| r + 1e-9 >= DECLARATION_REDUCTION_TARGET),
            }
        })
        .collect()
}

/// The review of one procedure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcedureReview {
    /// Code.
    pub code: ProcedureCode,
    /// Name.
    pub name: String,
    /// Papers to stop demanding.
    pub papers: Vec<PaperFinding>,
    /// Missing parts.
    pub missing_parts: Vec<Part>,
    /// The published time has no unit; an officer must confirm it.
    pub time_unconfirmed: bool,
    /// Forms and their declaration reduction.
    pub forms: Vec<FormReduction>,
}

impl ProcedureReview {
    /// Whether anything needs an officer's attention.
    pub fn needs_attention(&self) -> bool {
        !self.papers.is_empty()
            || !self.missing_parts.is_empty()
            || self.time_unconfirmed
            || self.forms.iter().any(|f| f.meets_target != Some(true))
    }
}

/// Reviews one procedure.
pub fn procedure(p: &Procedure, list: &[AbolishedPaper]) -> ProcedureReview {
    ProcedureReview {
        code: p.code.clone(),
        name: p.name.clone(),
        papers: abolished_papers(p, list),
        missing_parts: missing_parts(p),
        time_unconfirmed: p.time.as_ref().is_some_and(|t| t.needs_confirmation() && t.unitless_amount.is_some()),
        forms: form_reductions(p),
    }
}

/// Totals of a review, for the report's header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Procedures reviewed.
    pub procedures: usize,
    /// Procedures with all parts (indicator 1.3 numerator).
    pub complete: usize,
    /// Components flagged as abolished papers.
    pub paper_findings: usize,
    /// Procedures whose time needs confirming.
    pub time_unconfirmed: usize,
    /// Forms with a baseline.
    pub forms_measured: usize,
    /// Of those, forms reaching the target.
    pub forms_meeting_target: usize,
}

/// Sums up reviews.
pub fn summarise(reviews: &[ProcedureReview]) -> Summary {
    let mut s = Summary { procedures: reviews.len(), ..Summary::default() };
    for r in reviews {
        s.complete += usize::from(r.missing_parts.is_empty());
        s.paper_findings += r.papers.len();
        s.time_unconfirmed += usize::from(r.time_unconfirmed);
        for f in &r.forms {
            s.forms_measured += usize::from(f.reduction.is_some());
            s.forms_meeting_target += usize::from(f.meets_target == Some(true));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Component, PaperForm, ResultSpec};

    fn household_book() -> AbolishedPaper {
        AbolishedPaper {
            key: "so_ho_khau".into(),
            name: "Sổ hộ khẩu".into(),
            phrases: vec!["sổ hộ khẩu".into(), "sổ tạm trú".into()],
            reason: "Không còn giá trị từ 01/01/2023".into(),
            legal_basis: "Luật Cư trú 2020, Điều 38 khoản 3".into(),
        }
    }

    fn component(key: &str, name: &str) -> Component {
        Component {
            key: key.into(),
            name: name.into(),
            form: PaperForm::Copy,
            quantity: 1,
            mandatory: true,
            must_digitise: false,
            replaceable_by: vec![],
            cases: vec![],
            template: None,
        }
    }

    #[test]
    fn flags_abolished_papers_without_diacritics_on_word_boundaries() {
        let mut p = crate::catalogue::check::tests::sample();
        p.components = vec![
            component("a", "Bản sao SO HO KHAU của người đề nghị"),
            component("b", "Tờ khai thay đổi thông tin cư trú"),
            component("c", "Sổ tạm trú (nếu có)"),
            component("d", "Bản sao sổ hộ khẩu1"),
        ];
        let found: Vec<String> = abolished_papers(&p, &[household_book()]).into_iter().map(|f| f.component).collect();
        assert_eq!(found, ["a", "c"]);
    }

    #[test]
    fn seven_parts_are_checked() {
        let mut p = crate::catalogue::check::tests::sample();
        assert_eq!(missing_parts(&p), [Part::Sequence, Part::Methods, Part::Components, Part::Subjects, Part::Result]);
        p.result = Some(ResultSpec { name: "Xác nhận".into(), paper: false, electronic: true, document_type: None });
        p.units.clear();
        assert!(missing_parts(&p).contains(&Part::Agency));
        assert!(!missing_parts(&p).contains(&Part::Result));
    }
}
