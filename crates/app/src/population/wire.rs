//! Our field keys (`domain::catalogue::source::POPULATION_FIELDS`) against the registry's §6.3 names.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Field key → (top-level §6.3 name, sub-field for nested objects).
const MAP: &[(&str, &str, Option<&str>)] = &[
    ("id_number", "so_dinh_danh", None),
    ("old_id_number", "so_cmnd_cu", None),
    ("full_name", "ho_ten", None),
    ("birth_date", "ngay_sinh", None),
    ("sex", "gioi_tinh", None),
    ("birth_registration_place", "noi_dang_ky_khai_sinh", None),
    ("home_town", "que_quan", None),
    ("ethnicity", "dan_toc", None),
    ("religion", "ton_giao", None),
    ("nationality", "quoc_tich", None),
    ("blood_type", "nhom_mau", None),
    ("marital_status", "tinh_trang_hon_nhan", None),
    ("permanent_address", "thuong_tru", Some("dia_chi")),
    ("temporary_address", "tam_tru", Some("dia_chi")),
    ("current_address", "noi_o_hien_tai", Some("dia_chi")),
    ("father.full_name", "cha", Some("ho_ten")),
    ("father.id_number", "cha", Some("so_dinh_danh")),
    ("father.nationality", "cha", Some("quoc_tich")),
    ("mother.full_name", "me", Some("ho_ten")),
    ("mother.id_number", "me", Some("so_dinh_danh")),
    ("mother.nationality", "me", Some("quoc_tich")),
    ("spouse.full_name", "vo_chong", Some("ho_ten")),
    ("spouse.id_number", "vo_chong", Some("so_dinh_danh")),
    ("spouse.nationality", "vo_chong", Some("quoc_tich")),
    ("household_head.full_name", "chu_ho", Some("ho_ten")),
    ("household_head.id_number", "chu_ho", Some("so_dinh_danh")),
    ("relation_to_household_head", "quan_he_voi_chu_ho", None),
    ("death_date", "ngay_chet", None),
    ("phone", "so_dien_thoai", None),
    ("email", "email", None),
];

/// Whether `key` is a population field.
pub fn is_field(key: &str) -> bool {
    MAP.iter().any(|(k, _, _)| *k == key)
}

/// Every field key.
pub fn all_fields() -> Vec<String> {
    MAP.iter().map(|(k, _, _)| (*k).to_owned()).collect()
}

/// The top-level §6.3 names to ask for, once each (data minimisation: only what the fields need).
pub fn top_level(fields: &[String]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (key, top, _) in MAP {
        if fields.iter().any(|f| f == key) && !out.contains(top) {
            out.push(top);
        }
    }
    out
}

/// The requested field values of a §6.3 answer, by field key; absent values are left out.
pub fn values(answer: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (key, top, sub) in MAP {
        let value = match (answer.get(*top), sub) {
            (Some(Value::Object(o)), Some(sub)) => o.get(*sub),
            (Some(v), None) => Some(v),
            _ => None,
        };
        match value {
            Some(Value::String(s)) if !s.is_empty() => {
                out.insert((*key).to_owned(), s.clone());
            }
            Some(Value::Number(n)) => {
                out.insert((*key).to_owned(), n.to_string());
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_population_source_field_is_mapped() {
        for (key, _) in motcua_domain::catalogue::source::POPULATION_FIELDS {
            assert!(is_field(key), "{key}");
        }
        assert_eq!(MAP.len(), motcua_domain::catalogue::source::POPULATION_FIELDS.len());
    }

    #[test]
    fn nested_values_are_read_and_tops_asked_once() {
        let answer = json!({"ho_ten": "Nguyễn Văn An", "cha": {"ho_ten": "Nguyễn Văn Bình", "so_dinh_danh": null},
            "thuong_tru": {"dia_chi": "Số 1 đường Trần Phú, Phường Hội An, Thành phố Đà Nẵng"}});
        let v = values(answer.as_object().unwrap());
        assert_eq!(v["full_name"], "Nguyễn Văn An");
        assert_eq!(v["father.full_name"], "Nguyễn Văn Bình");
        assert!(!v.contains_key("father.id_number"));
        assert!(v["permanent_address"].contains("Hội An"));
        let fields = ["father.full_name".to_owned(), "father.id_number".to_owned(), "sex".to_owned()];
        assert_eq!(top_level(&fields), vec!["gioi_tinh", "cha"]);
    }
}
