//! Deterministic synthetic citizens: citizen `i` is computed from the seed and `i` alone, so a registry of a million
//! people costs no memory, and the same seed gives the same people on every machine.
//!
//! People live in households of four slots (`i / 4` is the household): a couple with two children, three generations
//! (a widowed elder, a son, his wife and a grandchild) or a single mother with three children. The random part of the
//! ID number is an affine permutation of `i`, so a number maps back to its index without an index table and no two
//! people share a number (hence [`MAX_SIZE`]).

use chrono::{Datelike as _, NaiveDate};
use motcua_domain::identity::IdNumber;
use serde::Serialize;

use super::names;
use super::units::{self, Commune};

/// The largest population: the six-digit random part of the ID number is a permutation of the index.
pub const MAX_SIZE: u64 = 1_000_000;

/// The seed and size of the population `motcua demo` serves; the demo identity provider logs in [`demo_citizens`].
pub const DEMO_SEED: u64 = 2025;
/// See [`DEMO_SEED`].
pub const DEMO_SIZE: u64 = 10_000;

/// Sex as the registry records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Sex {
    /// "Nam" or "Nữ".
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Male => "Nam",
            Self::Female => "Nữ",
        }
    }
}

/// A two-level address (province, commune) of the 2025 unit tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    /// Province code (2 digits in the 2025 table, e.g. 48 = Đà Nẵng).
    pub province_code: u16,
    /// Commune code (5 digits).
    pub commune_code: u32,
    /// House number and street, or village.
    pub detail: String,
    /// The whole address as people write it.
    pub text: String,
}

/// A relative as the registry records them on a citizen (§6.3: name, ID number, nationality).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relative {
    /// Full name.
    pub full_name: String,
    /// ID number, when the relative has one in the registry.
    pub id_number: Option<String>,
    /// Nationality.
    pub nationality: &'static str,
}

/// One synthetic citizen with the fields of a population-database lookup (spec §6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citizen {
    /// Position in the population.
    pub index: u64,
    /// The personal ID number.
    pub id_number: IdNumber,
    /// The old 9-digit identity card number of people born before 1990.
    pub old_id_number: Option<String>,
    /// Họ.
    pub family_name: String,
    /// Chữ đệm.
    pub middle_name: String,
    /// Tên.
    pub given_name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Province (pre-2025 code, as in the ID number) where the birth was registered.
    pub birth_registration_province: u16,
    /// Quê quán.
    pub home_town: String,
    /// Dân tộc.
    pub ethnicity: &'static str,
    /// Tôn giáo.
    pub religion: &'static str,
    /// Quốc tịch.
    pub nationality: &'static str,
    /// Nhóm máu (recorded only with a test result).
    pub blood_type: Option<&'static str>,
    /// Tình trạng hôn nhân.
    pub marital_status: &'static str,
    /// Nơi thường trú.
    pub permanent_address: Address,
    /// Nơi tạm trú.
    pub temporary_address: Option<Address>,
    /// Nơi ở hiện tại.
    pub current_address: Address,
    /// Cha.
    pub father: Option<Relative>,
    /// Mẹ.
    pub mother: Option<Relative>,
    /// Vợ/chồng.
    pub spouse: Option<Relative>,
    /// Chủ hộ.
    pub household_head: Relative,
    /// Quan hệ với chủ hộ.
    pub relation_to_household_head: &'static str,
    /// Số điện thoại.
    pub phone: Option<String>,
}

impl Citizen {
    /// "Họ chữ-đệm tên".
    pub fn full_name(&self) -> String {
        format!("{} {} {}", self.family_name, self.middle_name, self.given_name)
    }
}

/// A population of synthetic citizens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Population {
    seed: u64,
    size: u64,
    /// Multiplier of the index permutation: odd and not a multiple of 5, hence invertible modulo 10⁶.
    mul: u64,
    add: u64,
}

/// What a household slot is, before the details of the person are drawn.
#[derive(Debug, Clone)]
struct Core {
    family: &'static str,
    middle: &'static str,
    given: &'static str,
    sex: Sex,
    year: i32,
    province: u16,
    relation: &'static str,
}

impl Core {
    fn full_name(&self) -> String {
        format!("{} {} {}", self.family, self.middle, self.given)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Couple,
    ThreeGenerations,
    SingleMother,
}

impl Population {
    /// `size` citizens (at most [`MAX_SIZE`]) drawn from `seed`.
    pub fn new(seed: u64, size: u64) -> Self {
        let size = size.min(MAX_SIZE);
        let mut mul = mix(seed, 0xA5A5, 0) % MAX_SIZE;
        // Make the multiplier a unit modulo 10⁶ = 2⁶·5⁶.
        if mul.is_multiple_of(2) {
            mul += 1;
        }
        if mul.is_multiple_of(5) {
            mul = (mul + 2) % MAX_SIZE;
        }
        Self { seed, size, mul, add: mix(seed, 0x5A5A, 1) % MAX_SIZE }
    }

    /// The population `motcua demo` serves.
    pub fn demo() -> Self {
        Self::new(DEMO_SEED, DEMO_SIZE)
    }

    /// How many citizens.
    pub fn len(&self) -> u64 {
        self.size
    }

    /// Whether there is nobody.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Citizen `index`, if it exists.
    pub fn person(&self, index: u64) -> Option<Citizen> {
        (index < self.size).then(|| self.build(index))
    }

    /// The citizen holding `id`, if any: the random part is inverted to an index, then the whole number is compared.
    pub fn find(&self, id: &IdNumber) -> Option<Citizen> {
        let random: u64 = id.as_str()[6..].parse().ok()?;
        let index = (random + MAX_SIZE - self.add) % MAX_SIZE * inverse(self.mul) % MAX_SIZE;
        self.person(index).filter(|c| &c.id_number == id)
    }

    fn random_part(&self, index: u64) -> u64 {
        (self.mul * (index % MAX_SIZE) + self.add) % MAX_SIZE
    }

    fn rng(&self, stream: u64, n: u64) -> Rng {
        Rng(mix(self.seed, stream, n))
    }

    fn kind(&self, household: u64) -> Kind {
        match self.rng(1, household).below(10) {
            0..=6 => Kind::Couple,
            7 | 8 => Kind::ThreeGenerations,
            _ => Kind::SingleMother,
        }
    }

    /// The four people of a household, with names and birth years that fit together.
    fn household(&self, household: u64) -> [Core; 4] {
        let mut r = self.rng(2, household);
        let home = birth_province(&mut r);
        let person = |r: &mut Rng, family: &'static str, sex: Sex, year: i32, relation: &'static str| Core {
            family,
            middle: names::middle(sex, r.next()),
            given: names::given(sex, r.next()),
            sex,
            year: year.min(2024),
            province: if r.below(10) < 8 { home } else { birth_province(r) },
            relation,
        };
        let f1 = names::family(r.next());
        let f2 = names::family(r.next());
        match self.kind(household) {
            Kind::Couple => {
                let head_sex = if r.below(100) < 85 { Sex::Male } else { Sex::Female };
                let y = 1955 + r.below(41) as i32;
                let head = person(&mut r, f1, head_sex, y, "Chủ hộ");
                let spouse_year = y - 4 + r.below(9) as i32;
                let spouse = person(&mut r, f2, other(head_sex), spouse_year, "Vợ/chồng");
                let father_family = if head_sex == Sex::Male { f1 } else { f2 };
                let mother_year = if head_sex == Sex::Female { head.year } else { spouse.year };
                let c1y = mother_year + 20 + r.below(16) as i32;
                let c2y = c1y + 1 + r.below(5) as i32;
                let (s1, s2) = (random_sex(&mut r), random_sex(&mut r));
                let c1 = person(&mut r, father_family, s1, c1y, "Con");
                let c2 = person(&mut r, father_family, s2, c2y, "Con");
                [head, spouse, c1, c2]
            }
            Kind::ThreeGenerations => {
                let elder_sex = random_sex(&mut r);
                let y = 1935 + r.below(26) as i32;
                let f0 = names::family(r.next());
                let elder = person(&mut r, if elder_sex == Sex::Male { f1 } else { f0 }, elder_sex, y, "Chủ hộ");
                let son_year = y + 22 + r.below(9) as i32;
                let son = person(&mut r, f1, Sex::Male, son_year, "Con");
                let wife_year = son.year - 3 + r.below(7) as i32;
                let wife = person(&mut r, f2, Sex::Female, wife_year, "Con dâu");
                let child_year = wife.year + 20 + r.below(11) as i32;
                let child_sex = random_sex(&mut r);
                let grandchild = person(&mut r, f1, child_sex, child_year, "Cháu ruột");
                [elder, son, wife, grandchild]
            }
            Kind::SingleMother => {
                let y = 1965 + r.below(31) as i32;
                let mother = person(&mut r, f2, Sex::Female, y, "Chủ hộ");
                let c1y = y + 20 + r.below(12) as i32;
                let c2y = c1y + 1 + r.below(4) as i32;
                let c3y = c2y + 1 + r.below(4) as i32;
                let (s1, s2, s3) = (random_sex(&mut r), random_sex(&mut r), random_sex(&mut r));
                let c1 = person(&mut r, f1, s1, c1y, "Con");
                let c2 = person(&mut r, f1, s2, c2y, "Con");
                let c3 = person(&mut r, f1, s3, c3y, "Con");
                [mother, c1, c2, c3]
            }
        }
    }

    fn id_of(&self, index: u64, core: &Core) -> IdNumber {
        let century = (core.year - 1900) / 100;
        let g = century * 2 + i32::from(core.sex == Sex::Female);
        let raw = format!("{:03}{}{:02}{:06}", core.province, g, core.year % 100, self.random_part(index));
        IdNumber::parse(&raw).expect("generated numbers follow §6.1")
    }

    fn relative(&self, household: u64, slot: usize, cores: &[Core; 4]) -> Relative {
        let index = household * 4 + slot as u64;
        Relative {
            full_name: cores[slot].full_name(),
            id_number: Some(self.id_of(index, &cores[slot]).to_string()),
            nationality: "Việt Nam",
        }
    }

    /// A parent who is not in the registry: a name only.
    fn outside_parent(r: &mut Rng, family: Option<&'static str>, sex: Sex) -> Relative {
        let family = family.unwrap_or_else(|| names::family(r.next()));
        Relative {
            full_name: format!("{} {} {}", family, names::middle(sex, r.next()), names::given(sex, r.next())),
            id_number: None,
            nationality: "Việt Nam",
        }
    }

    fn build(&self, index: u64) -> Citizen {
        let household = index / 4;
        let slot = (index % 4) as usize;
        let cores = self.household(household);
        let core = &cores[slot];
        let kind = self.kind(household);
        let mut r = self.rng(3, index);
        let birth_date = NaiveDate::from_yo_opt(core.year, 1 + r.below(365) as u32).expect("day of year");
        let rel = |s: usize| self.relative(household, s, &cores);
        // Parents, spouse and marital status follow the household's shape.
        let (father, mother, spouse, marital) = match (kind, slot) {
            (Kind::Couple, 0 | 1) => {
                let other_slot = 1 - slot;
                (
                    Some(Self::outside_parent(&mut r, Some(core.family), Sex::Male)),
                    Some(Self::outside_parent(&mut r, None, Sex::Female)),
                    Some(rel(other_slot)),
                    "Đã kết hôn",
                )
            }
            (Kind::Couple, _) => {
                let (f, m) = if cores[0].sex == Sex::Male { (0, 1) } else { (1, 0) };
                (Some(rel(f)), Some(rel(m)), None, "Chưa kết hôn")
            }
            (Kind::ThreeGenerations, 0) => (
                Some(Self::outside_parent(&mut r, Some(core.family), Sex::Male)),
                Some(Self::outside_parent(&mut r, None, Sex::Female)),
                None,
                "Góa",
            ),
            (Kind::ThreeGenerations, 1) => {
                let elder = rel(0);
                // A widow's late husband gave the son his family name.
                let family = (cores[0].sex == Sex::Female).then_some(cores[1].family);
                let other = Self::outside_parent(&mut r, family, other(cores[0].sex));
                let (f, m) = if cores[0].sex == Sex::Male { (elder, other) } else { (other, elder) };
                (Some(f), Some(m), Some(rel(2)), "Đã kết hôn")
            }
            (Kind::ThreeGenerations, 2) => (
                Some(Self::outside_parent(&mut r, Some(core.family), Sex::Male)),
                Some(Self::outside_parent(&mut r, None, Sex::Female)),
                Some(rel(1)),
                "Đã kết hôn",
            ),
            (Kind::ThreeGenerations, _) => (Some(rel(1)), Some(rel(2)), None, "Chưa kết hôn"),
            (Kind::SingleMother, 0) => (
                Some(Self::outside_parent(&mut r, Some(core.family), Sex::Male)),
                Some(Self::outside_parent(&mut r, None, Sex::Female)),
                None,
                if r.below(2) == 0 { "Ly hôn" } else { "Góa" },
            ),
            (Kind::SingleMother, _) => {
                (Some(Self::outside_parent(&mut r, Some(core.family), Sex::Male)), Some(rel(0)), None, "Chưa kết hôn")
            }
        };
        let home = self.address(&mut self.rng(4, household));
        let temporary = (r.below(20) == 0).then(|| self.address(&mut r));
        Citizen {
            index,
            id_number: self.id_of(index, core),
            old_id_number: (core.year < 1990).then(|| format!("{:09}", r.below(1_000_000_000))),
            family_name: core.family.to_owned(),
            middle_name: core.middle.to_owned(),
            given_name: core.given.to_owned(),
            sex: core.sex,
            birth_date,
            birth_registration_province: core.province,
            home_town: names::old_province(core.province).to_owned(),
            ethnicity: if r.below(100) < 96 { "Kinh" } else { names::pick(names::ETHNICITIES, r.next()) },
            religion: if r.below(100) < 80 { "Không" } else { names::pick(names::RELIGIONS, r.next()) },
            nationality: "Việt Nam",
            blood_type: (r.below(3) == 0).then(|| names::pick(names::BLOOD_TYPES, r.next())),
            marital_status: if core.year > 2006 { "Chưa kết hôn" } else { marital },
            current_address: temporary.clone().unwrap_or_else(|| home.clone()),
            permanent_address: home,
            temporary_address: temporary,
            father,
            mother,
            spouse,
            household_head: rel(0),
            relation_to_household_head: core.relation,
            phone: (core.year < 2012).then(|| format!("09{:08}", r.below(100_000_000))),
        }
    }

    fn address(&self, r: &mut Rng) -> Address {
        let commune: &Commune = units::pick(r.next(), r.next());
        let detail = if commune.is_urban() {
            format!("Số {} đường {}", 1 + r.below(300), names::pick(names::STREETS, r.next()))
        } else {
            format!("Thôn {}", names::pick(names::VILLAGES, r.next()))
        };
        let text = format!("{detail}, {}, {}", commune.name, commune.province_name);
        Address { province_code: commune.province_code, commune_code: commune.code, detail, text }
    }
}

/// The first `n` adults (18 or older at the end of 2025) of the demo population: people a demo login can be.
pub fn demo_citizens(n: usize) -> Vec<Citizen> {
    let population = Population::demo();
    (0..population.len()).filter_map(|i| population.person(i)).filter(|c| c.birth_date.year() <= 2007).take(n).collect()
}

fn other(sex: Sex) -> Sex {
    match sex {
        Sex::Male => Sex::Female,
        Sex::Female => Sex::Male,
    }
}

fn random_sex(r: &mut Rng) -> Sex {
    if r.below(2) == 0 { Sex::Male } else { Sex::Female }
}

/// Where births were registered: mostly the two provinces that became Đà Nẵng, some from anywhere.
fn birth_province(r: &mut Rng) -> u16 {
    match r.below(100) {
        0..=59 => 48,
        60..=84 => 49,
        _ => names::pick(&names::OLD_PROVINCES, r.next()).0,
    }
}

/// SplitMix64 over (seed, stream, n): independent, reproducible draws without state shared between citizens.
fn mix(seed: u64, stream: u64, n: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small deterministic generator.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = mix(self.0, 0x1234_5678, 0x9ABC_DEF0);
        self.0
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The inverse of `a` modulo 10⁶ (extended Euclid).
fn inverse(a: u64) -> u64 {
    let (mut t, mut new_t, mut r, mut new_r) = (0i64, 1i64, MAX_SIZE as i64, a as i64);
    while new_r != 0 {
        let q = r / new_r;
        (t, new_t) = (new_t, t - q * new_t);
        (r, new_r) = (new_r, r - q * new_r);
    }
    t.rem_euclid(MAX_SIZE as i64) as u64
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn same_seed_same_people_and_ids_are_unique_and_valid() {
        let p = Population::new(7, 20_000);
        assert_eq!(p.person(123), Population::new(7, 20_000).person(123));
        let mut seen = HashSet::new();
        for i in 0..p.len() {
            let c = p.person(i).unwrap();
            assert!(seen.insert(c.id_number.clone()), "duplicate number at {i}");
            // §6.1: the number encodes the birth year and the sex.
            assert_eq!(c.id_number.birth_year(), c.birth_date.year(), "{c:?}");
            assert_eq!(c.id_number.is_female(), c.sex == Sex::Female);
            assert_eq!(p.find(&c.id_number).map(|f| f.index), Some(i));
        }
        assert!(p.person(20_000).is_none());
    }

    #[test]
    fn unknown_numbers_are_not_found() {
        let p = Population::new(7, 1000);
        let c = p.person(5).unwrap();
        let mut other = c.id_number.as_str().to_owned();
        other.replace_range(4..6, if &other[4..6] == "00" { "01" } else { "00" });
        assert!(p.find(&IdNumber::parse(&other).unwrap()).is_none());
    }

    #[test]
    fn households_hang_together() {
        let p = Population::new(3, 4000);
        for h in 0..1000 {
            let head = p.person(h * 4).unwrap();
            for s in 1..4 {
                let m = p.person(h * 4 + s).unwrap();
                assert_eq!(m.household_head.id_number.as_deref(), Some(head.id_number.as_str()));
                assert_eq!(m.permanent_address, head.permanent_address);
                if let Some(spouse) = &m.spouse {
                    let sp = p.find(&IdNumber::parse(spouse.id_number.as_deref().unwrap()).unwrap()).unwrap();
                    assert_eq!(sp.spouse.unwrap().id_number.as_deref(), Some(m.id_number.as_str()));
                }
            }
        }
    }

    #[test]
    fn demo_citizens_are_adults_with_diacritics() {
        let people = demo_citizens(20);
        assert_eq!(people.len(), 20);
        assert!(people.iter().all(|c| c.birth_date.year() <= 2007));
        assert!(people.iter().any(|c| !c.full_name().is_ascii()));
        assert!(people.iter().all(|c| c.permanent_address.text.contains(',')));
    }
}
