//! Filing for another person (người đại diện, issue 6 §3) and the organisation's tax code (mã số thuế).
//!
//! A representation is recorded on the dossier with its kind and its evidence: the authorisation (ủy quyền) or
//! guardianship paper as a component of the dossier, or — for a parent — the population-registry lookup that showed
//! the representative as the subject's father or mother. Without evidence the filing is refused
//! ([`RepresentationError::NotRecorded`]); a registry record that does not name the representative as a parent is
//! refused too ([`RepresentationError::NotVerified`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::identity::IdNumber;

/// On what footing someone files for another person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepresentationKind {
    /// Under a written authorisation (ủy quyền).
    Authorised,
    /// The subject's father or mother, filing for their child.
    Parent,
    /// The subject's guardian (người giám hộ).
    Guardian,
}

impl RepresentationKind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [Self; 3] = [Self::Authorised, Self::Parent, Self::Guardian];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authorised => "authorised",
            Self::Parent => "parent",
            Self::Guardian => "guardian",
        }
    }

    /// From the stored word.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// The Vietnamese label shown on the form and the dossier.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Authorised => "Người được ủy quyền",
            Self::Parent => "Cha, mẹ nộp cho con",
            Self::Guardian => "Người giám hộ",
        }
    }

    /// Whether the relationship is shown by a paper attached to the dossier (authorisation, guardianship decision)
    /// rather than by the population database.
    pub fn needs_paper(self) -> bool {
        !matches!(self, Self::Parent)
    }
}

impl fmt::Display for RepresentationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a representation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepresentationError {
    /// No relationship, or no evidence of it, was given.
    #[error("chưa ghi nhận quan hệ đại diện: {0}")]
    NotRecorded(&'static str),
    /// The evidence does not show the relationship (the registry does not name the representative as a parent).
    #[error("không xác minh được quan hệ đại diện: {0}")]
    NotVerified(&'static str),
}

/// What is claimed before any lookup: the kind, the subject and the paper (a component key of the dossier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim<'a> {
    /// The logged-in representative.
    pub representative: &'a IdNumber,
    /// The person the dossier is for.
    pub subject: &'a IdNumber,
    /// The footing; none when the filer gave none.
    pub kind: Option<RepresentationKind>,
    /// The component carrying the authorisation or guardianship paper.
    pub paper: Option<&'a str>,
    /// The components the dossier carries.
    pub components: &'a [String],
}

/// Checks a claim before anything is looked up: a kind is given, the subject is somebody else, and a paper-based
/// kind names one of the dossier's components as its paper.
pub fn check_claim(claim: &Claim<'_>) -> Result<RepresentationKind, RepresentationError> {
    let kind = claim.kind.ok_or(RepresentationError::NotRecorded("chưa chọn quan hệ với người được nộp hồ sơ thay"))?;
    if claim.subject == claim.representative {
        return Err(RepresentationError::NotRecorded("người được nộp thay phải là người khác với người nộp"));
    }
    if kind.needs_paper() {
        let paper = claim.paper.map(str::trim).filter(|p| !p.is_empty()).ok_or(RepresentationError::NotRecorded(
            "phải đính kèm giấy ủy quyền hoặc quyết định giám hộ làm thành phần hồ sơ",
        ))?;
        if !claim.components.iter().any(|c| c == paper) {
            return Err(RepresentationError::NotRecorded(
                "giấy ủy quyền hoặc quyết định giám hộ đã nêu không có trong thành phần hồ sơ",
            ));
        }
    }
    Ok(kind)
}

/// Whether the registry's record of the subject names the representative as father or mother.
pub fn is_parent(representative: &IdNumber, father: Option<&str>, mother: Option<&str>) -> bool {
    [father, mother].into_iter().flatten().any(|p| p.trim() == representative.as_str())
}

/// Checks a parent's claim against the subject's record: the registry must name the representative as a parent.
pub fn verify_parent(
    representative: &IdNumber,
    father: Option<&str>,
    mother: Option<&str>,
) -> Result<(), RepresentationError> {
    if is_parent(representative, father, mother) {
        Ok(())
    } else {
        Err(RepresentationError::NotVerified(
            "Cơ sở dữ liệu quốc gia về dân cư không ghi nhận người nộp là cha hoặc mẹ của người được nộp thay",
        ))
    }
}

/// Why a tax code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaxCodeError {
    /// Not 10 digits, or 10 digits, `-` and 3 digits.
    #[error("mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu \"-\" và 3 chữ số của đơn vị phụ thuộc")]
    Format,
    /// The tenth digit does not match the first nine.
    #[error("chữ số kiểm tra (thứ 10) của mã số thuế không đúng")]
    CheckDigit,
}

/// An organisation's tax code (mã số thuế): 10 digits, or 10 digits + `-` + 3 digits for a dependent unit (branch).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

/// The weights of the first nine digits in the check digit.
///
/// The rule — check = 10 − (Σ wᵢ·dᵢ mod 11), a result of 10 being impossible — is the one commonly implemented for
/// Vietnamese tax codes (TT 105/2020 describes the structure, not the arithmetic). Confidence: medium-high; it was
/// checked against a published example (0314409058) in the tests, not against the tax authority's own text.
const TAX_CODE_WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// The check digit of the first nine digits, or none when the rule gives 10 (no valid code has those nine digits).
pub fn tax_check_digit(first_nine: &[u8; 9]) -> Option<u8> {
    let sum: u32 = first_nine.iter().zip(TAX_CODE_WEIGHTS).map(|(d, w)| u32::from(*d) * w).sum();
    let check = 10 - sum % 11;
    u8::try_from(check).ok().filter(|c| *c < 10)
}

impl TaxCode {
    /// Checks the shape and the check digit; spaces are ignored.
    pub fn parse(raw: &str) -> Result<Self, TaxCodeError> {
        let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let (main, branch) = match code.split_once('-') {
            Some((m, b)) => (m, Some(b)),
            None => (code.as_str(), None),
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(main, 10) || branch.is_some_and(|b| !digits(b, 3)) {
            return Err(TaxCodeError::Format);
        }
        let d: Vec<u8> = main.bytes().map(|b| b - b'0').collect();
        let first: [u8; 9] = d[..9].try_into().map_err(|_| TaxCodeError::Format)?;
        if tax_check_digit(&first) != Some(d[9]) {
            return Err(TaxCodeError::CheckDigit);
        }
        Ok(Self(code))
    }

    /// The code as stored (`0314409058` or `0314409058-002`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ten digits of the organisation (the head office for a branch).
    pub fn head(&self) -> &str {
        &self.0[..10]
    }

    /// The branch number, for a dependent unit.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(11..)
    }
}

impl TryFrom<String> for TaxCode {
    type Error = TaxCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TaxCode> for String {
    fn from(value: TaxCode) -> Self {
        value.0
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> IdNumber {
        IdNumber::parse(s).unwrap()
    }

    #[test]
    fn tax_codes_check_shape_and_check_digit() {
        let t = TaxCode::parse("0314409058").unwrap();
        assert_eq!((t.head(), t.branch()), ("0314409058", None));
        let b = TaxCode::parse("0314409058-002").unwrap();
        assert_eq!((b.head(), b.branch()), ("0314409058", Some("002")));
        assert_eq!(TaxCode::parse("0314409057"), Err(TaxCodeError::CheckDigit));
        assert_eq!(TaxCode::parse("0123456789"), Err(TaxCodeError::CheckDigit));
        assert_eq!(TaxCode::parse("031440905"), Err(TaxCodeError::Format));
        assert_eq!(TaxCode::parse("0314409058-02"), Err(TaxCodeError::Format));
        assert_eq!(TaxCode::parse("03144090a8"), Err(TaxCodeError::Format));
    }

    #[test]
    fn exactly_one_check_digit_fits_nine_digits_unless_the_rule_gives_ten() {
        for seed in 0..2000u32 {
            let nine: [u8; 9] = std::array::from_fn(|i| ((seed * 7919 + i as u32 * 104_729) % 10) as u8);
            let main: String = nine.iter().map(|d| char::from(b'0' + d)).collect();
            let valid: Vec<u8> =
                (0..10u8).filter(|c| TaxCode::parse(&format!("{main}{}", char::from(b'0' + c))).is_ok()).collect();
            assert_eq!(valid, tax_check_digit(&nine).into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn claims_need_a_kind_another_person_and_a_paper_among_the_components() {
        let (me, child) = (id("001085000001"), id("001215000002"));
        let components = vec!["giay_uy_quyen".to_owned()];
        let claim = |kind, paper| Claim { representative: &me, subject: &child, kind, paper, components: &components };
        assert!(matches!(check_claim(&claim(None, None)), Err(RepresentationError::NotRecorded(_))));
        assert!(matches!(
            check_claim(&claim(Some(RepresentationKind::Authorised), None)),
            Err(RepresentationError::NotRecorded(_))
        ));
        assert!(matches!(
            check_claim(&claim(Some(RepresentationKind::Guardian), Some("khac"))),
            Err(RepresentationError::NotRecorded(_))
        ));
        assert_eq!(
            check_claim(&claim(Some(RepresentationKind::Authorised), Some("giay_uy_quyen"))),
            Ok(RepresentationKind::Authorised)
        );
        assert_eq!(check_claim(&claim(Some(RepresentationKind::Parent), None)), Ok(RepresentationKind::Parent));
        let own = Claim {
            representative: &me,
            subject: &me,
            kind: Some(RepresentationKind::Parent),
            paper: None,
            components: &components,
        };
        assert!(matches!(check_claim(&own), Err(RepresentationError::NotRecorded(_))));
    }

    #[test]
    fn a_parent_is_named_by_the_registry() {
        let me = id("001085000001");
        assert!(verify_parent(&me, Some("001085000001"), None).is_ok());
        assert!(verify_parent(&me, None, Some(" 001085000001")).is_ok());
        assert!(matches!(
            verify_parent(&me, Some("001085000009"), Some("001185000003")),
            Err(RepresentationError::NotVerified(_))
        ));
        assert!(verify_parent(&me, None, None).is_err());
        assert_eq!(RepresentationKind::parse("guardian"), Some(RepresentationKind::Guardian));
        assert_eq!(RepresentationKind::parse("friend"), None);
    }
}
