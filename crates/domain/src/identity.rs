//! The personal identification number (số định danh cá nhân, spec §6.1): `PPP G YY RRRRRR`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Codes of the 63 pre-2025 provinces where a birth can be registered (spec §6.1); issued numbers never change,
/// so the old codes stay valid after the 2025 merger.
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45,
    46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92,
    93, 94, 95, 96,
];

/// Why an ID number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not twelve digits.
    #[error("số định danh cá nhân phải gồm đúng 12 chữ số")]
    Format,
    /// The first three digits are not a province code.
    #[error("ba chữ số đầu của số định danh không phải mã tỉnh nơi đăng ký khai sinh")]
    Province,
}

/// A structurally valid personal identification number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// Checks twelve digits and the province code; spaces and dots people type between groups are ignored.
    pub fn parse(raw: &str) -> Result<Self, IdNumberError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdNumberError::Format);
        }
        let province: u16 = digits[..3].parse().map_err(|_| IdNumberError::Format)?;
        if !PROVINCE_CODES.contains(&province) {
            return Err(IdNumberError::Province);
        }
        Ok(Self(digits))
    }

    /// The twelve digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth year encoded by the century-and-sex digit and the two year digits.
    pub fn birth_year(&self) -> i32 {
        let g = i32::from(self.0.as_bytes()[3] - b'0');
        let yy: i32 = self.0[4..6].parse().unwrap_or(0);
        1900 + 100 * (g / 2) + yy
    }

    /// Whether the number encodes a female holder (odd century-and-sex digit).
    pub fn is_female(&self) -> bool {
        (self.0.as_bytes()[3] - b'0') % 2 == 1
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IdNumber> for String {
    fn from(value: IdNumber) -> Self {
        value.0
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_spec_example() {
        let id = IdNumber::parse("049 195 123456").unwrap();
        assert_eq!(id.as_str(), "049195123456");
        assert_eq!(id.birth_year(), 1995);
        assert!(id.is_female());
        assert_eq!(IdNumber::parse("048203000001").unwrap().birth_year(), 2003);
    }

    #[test]
    fn refuses_wrong_length_letters_and_unknown_provinces() {
        assert_eq!(IdNumber::parse("04919512345"), Err(IdNumberError::Format));
        assert_eq!(IdNumber::parse("04919512345a"), Err(IdNumberError::Format));
        assert_eq!(IdNumber::parse("003195123456"), Err(IdNumberError::Province));
        assert_eq!(IdNumber::parse("097195123456"), Err(IdNumberError::Province));
    }
}
