//! The organisation tree (cơ cấu tổ chức), versioned.
//!
//! Every unit has a validity period and, once it ends, successor units. On 1/7/2025
//! Quảng Nam merged into Đà Nẵng and the district level was abolished
//! (NQ 202/2025/QH15, NQ 1659/NQ-UBTVQH15; spec domain.md §8): records of an ended unit
//! stay attached to it and are reached through its successors.
//!
//! A unit carries two different codes (spec §2.5): the statistics office's
//! administrative code (Đà Nẵng is `48`) and the agency code used in dossier codes
//! (QCVN 102:2016 style `000.00.00.H47`, or the QĐ 20/2020 style `H15.50.05.13`).

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The stable key of a unit version, e.g. `p48` (Đà Nẵng), `c20410` (Phường Hội An).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct UnitId(String);

impl UnitId {
    /// Accepts lower-case ASCII letters, digits, `.` and `-`, 1 to 64 characters.
    pub fn parse(raw: &str) -> Result<Self, UnitError> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if ok { Ok(Self(raw.to_owned())) } else { Err(UnitError::InvalidId(raw.to_owned())) }
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of body a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A province or centrally-run city (UBND tỉnh / thành phố trực thuộc trung ương).
    Province,
    /// A provincial department or board (sở, ban, ngành).
    Department,
    /// A division inside an agency (phòng), where internal workflow steps live.
    Division,
    /// A rural commune (xã).
    Commune,
    /// An urban ward (phường).
    Ward,
    /// A special zone (đặc khu), e.g. Hoàng Sa.
    SpecialZone,
    /// A district (cấp huyện): abolished on 1/7/2025, kept for history.
    District,
    /// A vertical agency of a ministry (ngành dọc): police, social insurance, tax …
    Vertical,
    /// A public-service centre (Trung tâm Phục vụ hành chính công), the one-stop counter.
    ServiceCentre,
}

impl UnitKind {
    /// All kinds, in display order.
    pub const ALL: [UnitKind; 9] = [
        Self::Province,
        Self::Department,
        Self::Division,
        Self::Commune,
        Self::Ward,
        Self::SpecialZone,
        Self::District,
        Self::Vertical,
        Self::ServiceCentre,
    ];

    /// The stable text form used in storage, the API and data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Department => "department",
            Self::Division => "division",
            Self::Commune => "commune",
            Self::Ward => "ward",
            Self::SpecialZone => "special_zone",
            Self::District => "district",
            Self::Vertical => "vertical",
            Self::ServiceCentre => "service_centre",
        }
    }

    /// Parses the text form.
    pub fn parse(raw: &str) -> Result<Self, UnitError> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw).ok_or_else(|| UnitError::InvalidKind(raw.to_owned()))
    }

    /// The Vietnamese name of the kind.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Province => "Tỉnh, thành phố",
            Self::Department => "Sở, ban, ngành",
            Self::Division => "Phòng chuyên môn",
            Self::Commune => "Xã",
            Self::Ward => "Phường",
            Self::SpecialZone => "Đặc khu",
            Self::District => "Huyện, thị xã, thành phố thuộc tỉnh",
            Self::Vertical => "Cơ quan ngành dọc",
            Self::ServiceCentre => "Trung tâm Phục vụ hành chính công",
        }
    }

    /// Communes, wards and special zones: the lower level of local government since 1/7/2025.
    pub fn is_commune_level(self) -> bool {
        matches!(self, Self::Commune | Self::Ward | Self::SpecialZone)
    }
}

/// A code of the kind `000.00.00.H47` or `H15.50.05.13` that identifies the receiving
/// agency in a dossier code (spec §2.5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgencyCode(String);

impl AgencyCode {
    /// Validates either style of spec §2.5.
    pub fn parse(raw: &str) -> Result<Self, UnitError> {
        let parts: Vec<&str> = raw.split('.').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let letter_code = |s: &str| {
            let b = s.as_bytes();
            b.len() == 3 && b[0].is_ascii_uppercase() && digits(&s[1..], 2)
        };
        let ok = parts.len() == 4
            && ((digits(parts[0], 3) && digits(parts[1], 2) && digits(parts[2], 2) && letter_code(parts[3]))
                || (letter_code(parts[0]) && parts[1..].iter().all(|p| digits(p, 2))));
        if ok { Ok(Self(raw.to_owned())) } else { Err(UnitError::InvalidAgencyCode(raw.to_owned())) }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One version of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Stable key.
    pub id: UnitId,
    /// What kind of body it is.
    pub kind: UnitKind,
    /// Official Vietnamese name (NFC).
    pub name: String,
    /// The unit it belongs to; `None` for a province.
    pub parent: Option<UnitId>,
    /// Statistics office code (provinces, districts, communes).
    pub admin_code: Option<String>,
    /// Agency code used in dossier codes.
    pub agency_code: Option<AgencyCode>,
    /// Whether the agency code was checked against an official source (otherwise illustrative).
    pub agency_code_official: bool,
    /// First day the unit exists.
    pub valid_from: NaiveDate,
    /// Last day the unit exists; `None` while it exists.
    pub valid_to: Option<NaiveDate>,
    /// Where its duties went when it ended.
    pub successors: Vec<UnitId>,
    /// Source and confidence of the record.
    pub note: Option<String>,
}

impl Unit {
    /// Whether the unit exists on that date.
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|end| date <= end)
    }

    /// Checks the rules a single record must satisfy on its own.
    pub fn validate(&self) -> Result<(), UnitError> {
        if self.name.trim().is_empty() {
            return Err(UnitError::EmptyName(self.id.clone()));
        }
        if let Some(end) = self.valid_to {
            if end < self.valid_from {
                return Err(UnitError::EndsBeforeStart(self.id.clone()));
            }
        } else if !self.successors.is_empty() {
            return Err(UnitError::SuccessorsWhileActive(self.id.clone()));
        }
        if self.parent.as_ref() == Some(&self.id) || self.successors.contains(&self.id) {
            return Err(UnitError::Cycle(self.id.clone()));
        }
        if self.kind == UnitKind::Province && self.parent.is_some() {
            return Err(UnitError::ProvinceWithParent(self.id.clone()));
        }
        Ok(())
    }
}

/// Why a unit or a tree is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// The key has characters outside `[a-z0-9.-]` or a bad length.
    #[error("invalid unit id `{0}`: use 1-64 lower-case ASCII letters, digits, '.' or '-'")]
    InvalidId(String),
    /// Unknown kind.
    #[error("invalid unit kind `{0}`")]
    InvalidKind(String),
    /// The agency code matches neither style of spec §2.5.
    #[error("invalid agency code `{0}`: expected NNN.NN.NN.ANN or ANN.NN.NN.NN")]
    InvalidAgencyCode(String),
    /// A unit without a name.
    #[error("unit `{0}` has an empty name")]
    EmptyName(UnitId),
    /// valid_to before valid_from.
    #[error("unit `{0}` ends before it starts")]
    EndsBeforeStart(UnitId),
    /// Successors named for a unit that has not ended.
    #[error("unit `{0}` has successors but no end date")]
    SuccessorsWhileActive(UnitId),
    /// A province placed under another unit.
    #[error("province `{0}` cannot have a parent")]
    ProvinceWithParent(UnitId),
    /// A parent or successor that is not in the tree.
    #[error("unit `{unit}` refers to unknown unit `{missing}`")]
    UnknownReference {
        /// The referring unit.
        unit: UnitId,
        /// The missing unit.
        missing: UnitId,
    },
    /// A unit is its own ancestor or successor.
    #[error("unit `{0}` is part of a parent or successor cycle")]
    Cycle(UnitId),
}

/// The whole organisation tree in memory: a few thousand units, loaded once and shared.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    units: HashMap<UnitId, Unit>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

impl UnitTree {
    /// Builds the tree and checks references and cycles.
    pub fn new(units: impl IntoIterator<Item = Unit>) -> Result<Self, UnitError> {
        let units: HashMap<UnitId, Unit> = units.into_iter().map(|u| (u.id.clone(), u)).collect();
        let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
        for unit in units.values() {
            unit.validate()?;
            for other in unit.parent.iter().chain(&unit.successors) {
                if !units.contains_key(other) {
                    return Err(UnitError::UnknownReference { unit: unit.id.clone(), missing: other.clone() });
                }
            }
            if let Some(parent) = &unit.parent {
                children.entry(parent.clone()).or_default().push(unit.id.clone());
            }
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| units[a].name.cmp(&units[b].name));
        }
        let tree = Self { units, children };
        for id in tree.units.keys() {
            tree.check_acyclic(id)?;
        }
        Ok(tree)
    }

    fn check_acyclic(&self, start: &UnitId) -> Result<(), UnitError> {
        let mut seen = HashSet::new();
        let mut current = Some(start);
        while let Some(id) = current {
            if !seen.insert(id) {
                return Err(UnitError::Cycle(start.clone()));
            }
            current = self.units[id].parent.as_ref();
        }
        // Successor chains must end too: walk them breadth-first.
        let mut queue: VecDeque<&UnitId> = self.units[start].successors.iter().collect();
        let mut seen = HashSet::new();
        while let Some(id) = queue.pop_front() {
            if id == start {
                return Err(UnitError::Cycle(start.clone()));
            }
            if seen.insert(id) {
                queue.extend(self.units[id].successors.iter());
            }
        }
        Ok(())
    }

    /// The unit with that key.
    pub fn get(&self, id: &UnitId) -> Option<&Unit> {
        self.units.get(id)
    }

    /// Every unit, in no particular order.
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    /// Number of units (all versions).
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether the tree holds no unit.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Direct children, sorted by name.
    pub fn children(&self, id: &UnitId) -> impl Iterator<Item = &Unit> {
        self.children.get(id).into_iter().flatten().map(|c| &self.units[c])
    }

    /// The unit itself, then its parent, up to the root.
    pub fn ancestors(&self, id: &UnitId) -> impl Iterator<Item = &Unit> {
        std::iter::successors(self.units.get(id), |u| u.parent.as_ref().and_then(|p| self.units.get(p)))
    }

    /// Units that ended and named this one among their successors.
    pub fn predecessors(&self, id: &UnitId) -> Vec<&Unit> {
        let mut found: Vec<&Unit> = self.units.values().filter(|u| u.successors.contains(id)).collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    /// The units active on `date` that carry on the duties of `id`: `id` itself if it is
    /// active, else its successors, followed transitively.
    pub fn successors_on(&self, id: &UnitId, date: NaiveDate) -> Vec<&Unit> {
        let mut result = Vec::new();
        let mut seen = HashSet::new();
        let mut queue: VecDeque<&UnitId> = VecDeque::from([id]);
        while let Some(current) = queue.pop_front() {
            if !seen.insert(current) {
                continue;
            }
            let Some(unit) = self.units.get(current) else { continue };
            if unit.is_active_on(date) {
                result.push(unit);
            } else {
                queue.extend(unit.successors.iter());
            }
        }
        result
    }

    /// Whether `target` lies in the jurisdiction rooted at `root`: `root` itself, a
    /// descendant of it, or an ended unit whose duties passed (through successors) into it.
    pub fn is_within(&self, target: &UnitId, root: &UnitId) -> bool {
        let mut seen = HashSet::new();
        let mut queue: VecDeque<&UnitId> = VecDeque::from([target]);
        while let Some(current) = queue.pop_front() {
            if !seen.insert(current) {
                continue;
            }
            for unit in self.ancestors(current) {
                if &unit.id == root {
                    return true;
                }
                queue.extend(unit.successors.iter());
            }
        }
        false
    }

    /// The province a unit belongs to (its root ancestor).
    pub fn province_of(&self, id: &UnitId) -> Option<&Unit> {
        self.ancestors(id).last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn unit(id: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
        Unit {
            id: UnitId::parse(id).unwrap(),
            kind,
            name: id.to_uppercase(),
            parent: parent.map(|p| UnitId::parse(p).unwrap()),
            admin_code: None,
            agency_code: None,
            agency_code_official: false,
            valid_from: date(2025, 7, 1),
            valid_to: None,
            successors: vec![],
            note: None,
        }
    }

    fn ended(mut u: Unit, successors: &[&str]) -> Unit {
        u.valid_from = date(2008, 1, 1);
        u.valid_to = Some(date(2025, 6, 30));
        u.successors = successors.iter().map(|s| UnitId::parse(s).unwrap()).collect();
        u
    }

    fn sample() -> UnitTree {
        UnitTree::new([
            unit("p48", UnitKind::Province, None),
            unit("p48.stp", UnitKind::Department, Some("p48")),
            unit("c20410", UnitKind::Ward, Some("p48")),
            unit("p51", UnitKind::Province, None),
            ended(unit("qn", UnitKind::Province, None), &["p48"]),
            ended(unit("qn-hoi-an", UnitKind::District, Some("qn")), &["c20410"]),
            ended(unit("qn-minh-an", UnitKind::Ward, Some("qn-hoi-an")), &["c20410"]),
        ])
        .unwrap()
    }

    fn id(s: &str) -> UnitId {
        UnitId::parse(s).unwrap()
    }

    #[test]
    fn agency_codes_of_both_styles_parse() {
        for ok in ["000.00.00.H47", "000.00.53.H48", "H15.50.05.13"] {
            assert!(AgencyCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["000.00.00.h47", "00.00.00.H47", "H15.50.05", "48", "", "000.00.00.H47."] {
            assert!(AgencyCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unit_ids_are_restricted() {
        assert!(UnitId::parse("qn-minh-an").is_ok());
        assert!(UnitId::parse("p48.stp").is_ok());
        for bad in ["", "P48", "a b", "đ", &"x".repeat(65)] {
            assert!(UnitId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validity_is_inclusive_on_both_ends() {
        let tree = sample();
        let old = tree.get(&id("qn")).unwrap();
        assert!(old.is_active_on(date(2025, 6, 30)));
        assert!(!old.is_active_on(date(2025, 7, 1)));
        assert!(tree.get(&id("p48")).unwrap().is_active_on(date(2025, 7, 1)));
        assert!(!tree.get(&id("p48")).unwrap().is_active_on(date(2025, 6, 30)));
    }

    #[test]
    fn successors_are_followed_to_units_active_on_the_date() {
        let tree = sample();
        let names = |v: Vec<&Unit>| v.into_iter().map(|u| u.id.to_string()).collect::<Vec<_>>();
        assert_eq!(names(tree.successors_on(&id("qn-minh-an"), date(2026, 1, 1))), ["c20410"]);
        assert_eq!(names(tree.successors_on(&id("qn-minh-an"), date(2020, 1, 1))), ["qn-minh-an"]);
        assert_eq!(names(tree.successors_on(&id("qn"), date(2026, 1, 1))), ["p48"]);
        assert_eq!(names(tree.predecessors(&id("c20410"))), ["QN-HOI-AN", "QN-MINH-AN"].map(str::to_lowercase));
    }

    #[test]
    fn jurisdiction_follows_parents_and_successors() {
        let tree = sample();
        assert!(tree.is_within(&id("p48.stp"), &id("p48")));
        assert!(tree.is_within(&id("qn-minh-an"), &id("p48")), "legacy data passes to the successor");
        assert!(tree.is_within(&id("qn-minh-an"), &id("c20410")));
        assert!(!tree.is_within(&id("p48.stp"), &id("c20410")));
        assert!(!tree.is_within(&id("c20410"), &id("p51")));
        assert!(!tree.is_within(&id("p48"), &id("p48.stp")), "a parent is not inside its child");
    }

    #[test]
    fn bad_trees_are_refused() {
        let dangling = UnitTree::new([unit("c1", UnitKind::Ward, Some("p99"))]);
        assert!(matches!(dangling, Err(UnitError::UnknownReference { .. })));
        let mut a = unit("a", UnitKind::Department, Some("b"));
        let b = unit("b", UnitKind::Department, Some("a"));
        assert!(matches!(UnitTree::new([a.clone(), b]), Err(UnitError::Cycle(_))));
        a.parent = None;
        a.successors = vec![id("b")];
        assert!(matches!(a.validate(), Err(UnitError::SuccessorsWhileActive(_))));
        let mut p = unit("p1", UnitKind::Province, Some("p48"));
        assert!(matches!(p.validate(), Err(UnitError::ProvinceWithParent(_))));
        p.parent = None;
        p.valid_to = Some(date(2000, 1, 1));
        assert!(matches!(p.validate(), Err(UnitError::EndsBeforeStart(_))));
        let s1 = ended(unit("s1", UnitKind::Ward, None), &["s2"]);
        let s2 = ended(unit("s2", UnitKind::Ward, None), &["s1"]);
        assert!(matches!(UnitTree::new([s1, s2]), Err(UnitError::Cycle(_))));
    }

    #[test]
    fn province_of_is_the_root() {
        let tree = sample();
        assert_eq!(tree.province_of(&id("qn-minh-an")).unwrap().id, id("qn"));
        assert_eq!(tree.province_of(&id("p48.stp")).unwrap().id, id("p48"));
        assert_eq!(tree.children(&id("p48")).count(), 2);
    }
}
