//! Where data can come from instead of the citizen typing or bringing it (Project 06): the registry of prefill
//! sources for form fields and of substitutes for paper components.
//!
//! The population fields are those of a lookup in the national population database (spec §6.3); the identity
//! fields are what a VNeID login itself returns (spec §6.2); the document types are the kinds of document the
//! personal data warehouse (Kho quản lý dữ liệu điện tử của tổ chức, cá nhân, spec §4.1) holds. Later issues fill
//! them from the connectors; the names are fixed here so that forms can refer to them now.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::code::ProcedureCode;

/// The minimum VNeID assurance level (mức độ định danh điện tử, NĐ 69/2024/NĐ-CP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum Assurance {
    /// Level 1: self-registered in the app (photo, no fingerprints).
    #[default]
    L1,
    /// Level 2: registered at the police with fingerprints; equivalent to the physical card.
    L2,
}

/// A field of a population-database lookup (spec §6.3): key and Vietnamese label.
pub const POPULATION_FIELDS: &[(&str, &str)] = &[
    ("id_number", "Số định danh cá nhân"),
    ("old_id_number", "Số CMND cũ"),
    ("full_name", "Họ, chữ đệm và tên"),
    ("birth_date", "Ngày, tháng, năm sinh"),
    ("sex", "Giới tính"),
    ("birth_registration_place", "Nơi đăng ký khai sinh"),
    ("home_town", "Quê quán"),
    ("ethnicity", "Dân tộc"),
    ("religion", "Tôn giáo"),
    ("nationality", "Quốc tịch"),
    ("blood_type", "Nhóm máu"),
    ("marital_status", "Tình trạng hôn nhân"),
    ("permanent_address", "Nơi thường trú"),
    ("temporary_address", "Nơi tạm trú"),
    ("current_address", "Nơi ở hiện tại"),
    ("father.full_name", "Họ tên cha"),
    ("father.id_number", "Số định danh của cha"),
    ("father.nationality", "Quốc tịch của cha"),
    ("mother.full_name", "Họ tên mẹ"),
    ("mother.id_number", "Số định danh của mẹ"),
    ("mother.nationality", "Quốc tịch của mẹ"),
    ("spouse.full_name", "Họ tên vợ/chồng"),
    ("spouse.id_number", "Số định danh của vợ/chồng"),
    ("spouse.nationality", "Quốc tịch của vợ/chồng"),
    ("household_head.full_name", "Họ tên chủ hộ"),
    ("household_head.id_number", "Số định danh của chủ hộ"),
    ("relation_to_household_head", "Quan hệ với chủ hộ"),
    ("death_date", "Ngày chết"),
    ("phone", "Số điện thoại"),
    ("email", "Thư điện tử"),
];

/// What a VNeID login returns at every level (spec §6.2): usable at L1.
pub const IDENTITY_FIELDS: &[(&str, &str)] = &[
    ("id_number", "Số định danh cá nhân"),
    ("full_name", "Họ, chữ đệm và tên"),
    ("birth_date", "Ngày, tháng, năm sinh"),
    ("sex", "Giới tính"),
];

/// Kinds of document the personal data warehouse holds: key and Vietnamese name.
pub const WAREHOUSE_DOCUMENTS: &[(&str, &str)] = &[
    ("birth_certificate", "Giấy khai sinh"),
    ("birth_notice", "Giấy chứng sinh"),
    ("death_notice", "Giấy báo tử"),
    ("death_certificate", "Trích lục khai tử"),
    ("marriage_certificate", "Giấy chứng nhận kết hôn"),
    ("marital_status_certificate", "Giấy xác nhận tình trạng hôn nhân"),
    ("civil_status_extract", "Trích lục hộ tịch"),
    ("identity_card", "Thẻ căn cước"),
    ("passport", "Hộ chiếu"),
    ("driving_licence", "Giấy phép lái xe"),
    ("criminal_record", "Phiếu lý lịch tư pháp"),
    ("land_use_certificate", "Giấy chứng nhận quyền sử dụng đất"),
    ("building_permit", "Giấy phép xây dựng"),
    ("household_business_certificate", "Giấy chứng nhận đăng ký hộ kinh doanh"),
    ("health_insurance_card", "Thẻ bảo hiểm y tế"),
    ("social_insurance_book", "Sổ bảo hiểm xã hội"),
    ("power_of_attorney", "Văn bản ủy quyền"),
    ("disability_certificate", "Giấy xác nhận khuyết tật"),
    ("residence_confirmation", "Giấy xác nhận thông tin về cư trú"),
];

/// Why a source name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Not in the registry.
    #[error(
        "nguồn dữ liệu \"{0}\" không có trong danh mục nguồn (population.<trường>, identity.<trường>, warehouse:<loại giấy tờ>, result:<mã thủ tục>)"
    )]
    Unknown(String),
}

fn known(table: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, label)| *label)
}

/// Where a form field's value can be filled in from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String")]
pub enum PrefillSource {
    /// A field of the population-database lookup: `population.full_name`.
    Population(String),
    /// A field of the VNeID login itself: `identity.id_number`.
    Identity(String),
    /// A document of the citizen's warehouse: `warehouse:birth_certificate`.
    Warehouse(String),
    /// The result of an earlier procedure: `result:1.001193`.
    Result(ProcedureCode),
}

impl PrefillSource {
    /// Parses and checks the name against the registry.
    pub fn parse(raw: &str) -> Result<Self, SourceError> {
        let unknown = || SourceError::Unknown(raw.to_owned());
        if let Some(field) = raw.strip_prefix("population.") {
            known(POPULATION_FIELDS, field).ok_or_else(unknown)?;
            Ok(Self::Population(field.to_owned()))
        } else if let Some(field) = raw.strip_prefix("identity.") {
            known(IDENTITY_FIELDS, field).ok_or_else(unknown)?;
            Ok(Self::Identity(field.to_owned()))
        } else if let Some(kind) = raw.strip_prefix("warehouse:") {
            known(WAREHOUSE_DOCUMENTS, kind).ok_or_else(unknown)?;
            Ok(Self::Warehouse(kind.to_owned()))
        } else if let Some(code) = raw.strip_prefix("result:") {
            Ok(Self::Result(ProcedureCode::parse(code).map_err(|_| unknown())?))
        } else {
            Err(unknown())
        }
    }

    /// The lowest assurance level of a login at which this source is available: the login's own identity data at
    /// L1; the population database and the warehouse need L2 (NĐ 69/2024: L2 gives access to integrated data).
    pub fn min_assurance(&self) -> Assurance {
        match self {
            Self::Identity(_) | Self::Result(_) => Assurance::L1,
            Self::Population(_) | Self::Warehouse(_) => Assurance::L2,
        }
    }

    /// A Vietnamese description for people.
    pub fn label_vi(&self) -> String {
        match self {
            Self::Population(f) => {
                format!("CSDL quốc gia về dân cư — {}", known(POPULATION_FIELDS, f).unwrap_or(f))
            }
            Self::Identity(f) => format!("Tài khoản định danh điện tử — {}", known(IDENTITY_FIELDS, f).unwrap_or(f)),
            Self::Warehouse(k) => format!("Kho dữ liệu cá nhân — {}", known(WAREHOUSE_DOCUMENTS, k).unwrap_or(k)),
            Self::Result(code) => format!("Kết quả thủ tục {code}"),
        }
    }
}

impl fmt::Display for PrefillSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Population(field) => write!(f, "population.{field}"),
            Self::Identity(field) => write!(f, "identity.{field}"),
            Self::Warehouse(kind) => write!(f, "warehouse:{kind}"),
            Self::Result(code) => write!(f, "result:{code}"),
        }
    }
}

impl TryFrom<String> for PrefillSource {
    type Error = SourceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PrefillSource> for String {
    fn from(value: PrefillSource) -> Self {
        value.to_string()
    }
}

/// Where a paper component can be replaced from, so the citizen does not bring it (spec §4.1, reuse principle).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String")]
pub enum ComponentSource {
    /// The agency looks the data up in the national population database: `population_db`.
    PopulationDb,
    /// The citizen's electronic identity account (VNeID) shows it: `vneid`.
    Vneid,
    /// A document in the personal data warehouse, of a given kind if known: `warehouse` or `warehouse:<kind>`.
    Warehouse(Option<String>),
    /// The result of an earlier procedure held electronically: `result:<code>`.
    EarlierResult(ProcedureCode),
}

impl ComponentSource {
    /// Parses and checks the name against the registry.
    pub fn parse(raw: &str) -> Result<Self, SourceError> {
        match raw {
            "population_db" => Ok(Self::PopulationDb),
            "vneid" => Ok(Self::Vneid),
            "warehouse" => Ok(Self::Warehouse(None)),
            other => match PrefillSource::parse(other)? {
                PrefillSource::Warehouse(kind) => Ok(Self::Warehouse(Some(kind))),
                PrefillSource::Result(code) => Ok(Self::EarlierResult(code)),
                _ => Err(SourceError::Unknown(raw.to_owned())),
            },
        }
    }

    /// A Vietnamese description for people.
    pub fn label_vi(&self) -> String {
        match self {
            Self::PopulationDb => "Khai thác từ CSDL quốc gia về dân cư".into(),
            Self::Vneid => "Xuất trình trên tài khoản định danh điện tử (VNeID)".into(),
            Self::Warehouse(None) => "Lấy từ Kho dữ liệu cá nhân".into(),
            Self::Warehouse(Some(kind)) => PrefillSource::Warehouse(kind.clone()).label_vi(),
            Self::EarlierResult(code) => PrefillSource::Result(code.clone()).label_vi(),
        }
    }
}

impl fmt::Display for ComponentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PopulationDb => f.write_str("population_db"),
            Self::Vneid => f.write_str("vneid"),
            Self::Warehouse(None) => f.write_str("warehouse"),
            Self::Warehouse(Some(kind)) => write!(f, "warehouse:{kind}"),
            Self::EarlierResult(code) => write!(f, "result:{code}"),
        }
    }
}

impl TryFrom<String> for ComponentSource {
    type Error = SourceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ComponentSource> for String {
    fn from(value: ComponentSource) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_name_parses_and_prints_back() {
        let names = POPULATION_FIELDS
            .iter()
            .map(|(k, _)| format!("population.{k}"))
            .chain(IDENTITY_FIELDS.iter().map(|(k, _)| format!("identity.{k}")))
            .chain(WAREHOUSE_DOCUMENTS.iter().map(|(k, _)| format!("warehouse:{k}")))
            .chain(["result:1.001193".to_owned()]);
        for name in names {
            assert_eq!(PrefillSource::parse(&name).unwrap().to_string(), name);
        }
    }

    #[test]
    fn unknown_sources_are_refused_with_the_name() {
        for bad in ["population.shoe_size", "warehouse:diploma", "result:9.1", "population", "", "vneid.full_name"] {
            let err = PrefillSource::parse(bad).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn population_data_needs_level_two_identity_data_does_not() {
        assert_eq!(PrefillSource::parse("population.permanent_address").unwrap().min_assurance(), Assurance::L2);
        assert_eq!(PrefillSource::parse("identity.full_name").unwrap().min_assurance(), Assurance::L1);
        assert_eq!(PrefillSource::parse("warehouse:birth_certificate").unwrap().min_assurance(), Assurance::L2);
    }

    #[test]
    fn component_sources_accept_the_sample_data_names() {
        for (raw, expected) in [
            ("population_db", ComponentSource::PopulationDb),
            ("vneid", ComponentSource::Vneid),
            ("warehouse", ComponentSource::Warehouse(None)),
            ("warehouse:marriage_certificate", ComponentSource::Warehouse(Some("marriage_certificate".into()))),
        ] {
            let parsed = ComponentSource::parse(raw).unwrap();
            assert_eq!(parsed, expected);
            assert_eq!(parsed.to_string(), raw);
        }
        assert!(ComponentSource::parse("population.full_name").is_err());
    }
}
