//! Codes of the national procedure database (CSDL quốc gia về TTHC), spec §2.5.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::unit::AgencyCode;

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not `d.dddddd` with a first digit 1–3.
    #[error("mã thủ tục \"{0}\" không đúng dạng d.dddddd (ví dụ 1.001612)")]
    Procedure(String),
    /// Not a procedure code followed by an agency code.
    #[error("mã dịch vụ \"{0}\" không đúng dạng <mã thủ tục>.<mã cơ quan> (ví dụ 1.001612.000.00.00.H47)")]
    Service(String),
    /// Not a sector code.
    #[error("mã lĩnh vực \"{0}\" không hợp lệ (chữ in hoa, số và dấu gạch, ví dụ G03-GD10)")]
    Sector(String),
}

/// `as_str` and the `String` conversions serde goes through (`try_from = "String", into = "String"`) of a code
/// type whose `parse` checks the format.
macro_rules! text_conversions {
    ($ty:ident) => {
        impl $ty {
            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $ty {
            type Error = CodeError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }
    };
}

/// A procedure code (mã TTHC): one digit 1–3, a dot, six digits, e.g. `1.001612`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

impl ProcedureCode {
    /// Checks the format.
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let raw = raw.trim();
        let b = raw.as_bytes();
        let ok = b.len() == 8 && matches!(b[0], b'1'..=b'3') && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit);
        if ok { Ok(Self(raw.to_owned())) } else { Err(CodeError::Procedure(raw.to_owned())) }
    }

    /// The service code of this procedure at an implementing agency (spec §2.5).
    pub fn at_agency(&self, agency: &AgencyCode) -> ServiceCode {
        ServiceCode(format!("{}.{}", self.0, agency.as_str()))
    }
}

text_conversions!(ProcedureCode);

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A service code: the procedure code with the implementing agency's code, e.g. `1.001612.000.00.00.H47`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceCode(String);

impl ServiceCode {
    /// Checks the format: a procedure code, a dot, an agency code.
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let raw = raw.trim();
        let bad = || CodeError::Service(raw.to_owned());
        let (procedure, agency) = raw.split_at_checked(8).ok_or_else(bad)?;
        let agency = agency.strip_prefix('.').ok_or_else(bad)?;
        ProcedureCode::parse(procedure).map_err(|_| bad())?;
        AgencyCode::parse(agency).map_err(|_| bad())?;
        Ok(Self(raw.to_owned()))
    }

    /// The procedure part.
    pub fn procedure(&self) -> ProcedureCode {
        ProcedureCode(self.0[..8].to_owned())
    }

    /// The agency part.
    pub fn agency(&self) -> &str {
        &self.0[9..]
    }
}

text_conversions!(ServiceCode);

/// A sector code (mã lĩnh vực), e.g. `G03-GD10`: 1–32 upper-case letters, digits, `-`, `.` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SectorCode(String);

impl SectorCode {
    /// Checks the format.
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let raw = raw.trim();
        let ok = !raw.is_empty()
            && raw.len() <= 32
            && raw.bytes().enumerate().all(|(i, b)| {
                b.is_ascii_uppercase() || b.is_ascii_digit() || (i > 0 && matches!(b, b'-' | b'.' | b'_'))
            });
        if ok { Ok(Self(raw.to_owned())) } else { Err(CodeError::Sector(raw.to_owned())) }
    }
}

text_conversions!(SectorCode);

/// A string schema with a pattern, for the code types.
fn pattern_schema(pattern: &str) -> Schema {
    schemars::json_schema!({ "type": "string", "pattern": pattern })
}

impl JsonSchema for ProcedureCode {
    fn schema_name() -> Cow<'static, str> {
        "ProcedureCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        pattern_schema(r"^[1-3]\.[0-9]{6}$")
    }
}

impl JsonSchema for SectorCode {
    fn schema_name() -> Cow<'static, str> {
        "SectorCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        pattern_schema(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn procedure_codes_follow_the_national_format() {
        for ok in ["1.001612", "2.000815", "3.000722"] {
            assert_eq!(ProcedureCode::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", "4.001612", "1.00161", "1.0016123", "1-001612", "a.001612", "1.00161a", " 1.001612x"] {
            assert!(ProcedureCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn service_codes_join_procedure_and_agency() {
        let code = ServiceCode::parse("1.001612.000.00.00.H47").unwrap();
        assert_eq!(code.procedure().as_str(), "1.001612");
        assert_eq!(code.agency(), "000.00.00.H47");
        let built = ProcedureCode::parse("1.001612").unwrap().at_agency(&AgencyCode::parse("000.00.00.H47").unwrap());
        assert_eq!(built, code);
        for bad in ["1.001612", "1.001612.", "1.001612.000.00.00", "1.001612-000.00.00.H47", "9.001612.000.00.00.H47"] {
            assert!(ServiceCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sector_codes() {
        assert!(SectorCode::parse("G03-GD10").is_ok());
        assert!(SectorCode::parse("HT").is_ok());
        for bad in ["", "-G03", "g03", "G03 GD", &"A".repeat(33)] {
            assert!(SectorCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_well_formed_procedure_code_round_trips_through_json(first in 1u8..=3, rest in 0u32..1_000_000) {
            let raw = format!("{first}.{rest:06}");
            let code = ProcedureCode::parse(&raw).unwrap();
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<ProcedureCode>(&json).unwrap(), code);
        }
    }
}
