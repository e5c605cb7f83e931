//! The dossier code (mã hồ sơ), spec §2.5: `<agency code>-<yymmdd>-<sequence>`, e.g. `000.00.00.H47-240501-0001`.
//!
//! The sequence counts per receiving unit and per day (UTC+7) and restarts each day; provincial systems use four
//! digits, dossiers from ministry systems six or seven. The width is a setting: a day that needs more numbers than
//! the width allows is an error, never a wrapped or widened code.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::unit::AgencyCode;

/// How many digits the daily sequence has (4 to 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SequenceWidth(u8);

impl SequenceWidth {
    /// The provincial default: four digits, 0001–9999 a day.
    pub const PROVINCIAL: SequenceWidth = SequenceWidth(4);

    /// A width of 4 to 7 digits.
    pub fn new(digits: u8) -> Result<Self, DossierCodeError> {
        if (4..=7).contains(&digits) { Ok(Self(digits)) } else { Err(DossierCodeError::Width(digits)) }
    }

    /// The largest sequence number of a day.
    pub fn max(self) -> u32 {
        10u32.pow(u32::from(self.0)) - 1
    }

    /// Number of digits.
    pub fn digits(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for SequenceWidth {
    type Error = DossierCodeError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<SequenceWidth> for u8 {
    fn from(value: SequenceWidth) -> Self {
        value.0
    }
}

/// Why a dossier code could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierCodeError {
    /// A width outside 4–7.
    #[error("độ dài số thứ tự mã hồ sơ phải từ 4 đến 7 chữ số (đang đặt {0})")]
    Width(u8),
    /// The day's numbers are used up.
    #[error("đơn vị {agency} đã dùng hết {max} số mã hồ sơ của ngày {day}; cần tăng độ dài số thứ tự")]
    Overflow {
        /// The receiving unit's agency code.
        agency: String,
        /// The day.
        day: NaiveDate,
        /// The largest number of the width.
        max: u32,
    },
    /// Sequence numbers start at 1.
    #[error("số thứ tự mã hồ sơ bắt đầu từ 1")]
    Zero,
    /// Not a dossier code.
    #[error("mã hồ sơ \"{0}\" không đúng dạng <mã cơ quan>-<yymmdd>-<số thứ tự>, ví dụ 000.00.00.H47-240501-0001")]
    Format(String),
}

/// A dossier code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode(String);

impl DossierCode {
    /// The code of the `sequence`-th dossier received by `agency` on `day` (local date).
    pub fn issue(
        agency: &AgencyCode,
        day: NaiveDate,
        sequence: u32,
        width: SequenceWidth,
    ) -> Result<Self, DossierCodeError> {
        if sequence == 0 {
            return Err(DossierCodeError::Zero);
        }
        if sequence > width.max() {
            return Err(DossierCodeError::Overflow { agency: agency.as_str().into(), day, max: width.max() });
        }
        let digits = usize::from(width.digits());
        Ok(Self(format!("{}-{}-{sequence:0digits$}", agency.as_str(), day.format("%y%m%d"))))
    }

    /// Reads a code: an agency code, six date digits that form a real date, 4 to 7 sequence digits.
    pub fn parse(raw: &str) -> Result<Self, DossierCodeError> {
        let raw = raw.trim();
        let bad = || DossierCodeError::Format(raw.to_owned());
        let mut parts = raw.rsplitn(3, '-');
        let (sequence, date, agency) =
            (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
        AgencyCode::parse(agency).map_err(|_| bad())?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if date.len() != 6 || !digits(date) || NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d").is_err() {
            return Err(bad());
        }
        if !(4..=7).contains(&sequence.len()) || !digits(sequence) || sequence.bytes().all(|b| b == b'0') {
            return Err(bad());
        }
        Ok(Self(raw.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The day's sequence number.
    pub fn sequence(&self) -> u32 {
        self.0.rsplit('-').next().and_then(|s| s.parse().ok()).unwrap_or(0)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = DossierCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DossierCode> for String {
    fn from(value: DossierCode) -> Self {
        value.0
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_spec_examples() {
        let h47 = AgencyCode::parse("000.00.00.H47").unwrap();
        let code = DossierCode::issue(&h47, day(2024, 5, 1), 1, SequenceWidth::PROVINCIAL).unwrap();
        assert_eq!(code.as_str(), "000.00.00.H47-240501-0001");
        let h15 = AgencyCode::parse("H15.50.05.13").unwrap();
        let code = DossierCode::issue(&h15, day(2026, 10, 8), 975, SequenceWidth::PROVINCIAL).unwrap();
        assert_eq!(code.as_str(), "H15.50.05.13-261008-0975");
        for ok in [
            "000.00.00.H47-240501-0001",
            "000.00.53.H48-220921-0099",
            "H15.50.05.13-261008-0975",
            "000.00.00.H47-240501-1234567",
        ] {
            assert_eq!(DossierCode::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn overflow_is_an_error_naming_the_unit_and_day() {
        let h47 = AgencyCode::parse("000.00.00.H47").unwrap();
        let err = DossierCode::issue(&h47, day(2025, 7, 1), 10_000, SequenceWidth::PROVINCIAL).unwrap_err();
        assert!(err.to_string().contains("000.00.00.H47") && err.to_string().contains("9999"), "{err}");
        let wide = SequenceWidth::new(6).unwrap();
        assert_eq!(DossierCode::issue(&h47, day(2025, 7, 1), 10_000, wide).unwrap().sequence(), 10_000);
        assert_eq!(SequenceWidth::new(3), Err(DossierCodeError::Width(3)));
        assert_eq!(SequenceWidth::new(8), Err(DossierCodeError::Width(8)));
        assert_eq!(DossierCode::issue(&h47, day(2025, 7, 1), 0, wide), Err(DossierCodeError::Zero));
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "000.00.00.H47-240501-001",
            "000.00.00.H47-240501-12345678",
            "000.00.00.H47-241301-0001",
            "000.00.00.H47-240501-0000",
            "000.00.00.h47-240501-0001",
            "000.00.00.H47-24051-0001",
            "000.00.00.H47_240501_0001",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn issued_codes_parse_back_and_sort_by_sequence_within_a_day(a in 1u32..9999, b in 1u32..9999, width in 4u8..=7) {
            let h47 = AgencyCode::parse("000.00.00.H47").unwrap();
            let width = SequenceWidth::new(width).unwrap();
            let first = DossierCode::issue(&h47, day(2025, 12, 31), a, width).unwrap();
            let second = DossierCode::issue(&h47, day(2025, 12, 31), b, width).unwrap();
            prop_assert_eq!(DossierCode::parse(first.as_str()).unwrap(), first.clone());
            prop_assert_eq!(first.sequence(), a);
            prop_assert_eq!(a.cmp(&b), first.cmp(&second));
        }
    }
}
