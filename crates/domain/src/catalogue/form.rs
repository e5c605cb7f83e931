//! E-forms (tờ khai điện tử): one schema per procedure and case, which both validates a submission on the server
//! and renders the HTML form.
//!
//! A submission is a map from keys to the text people typed; an address field arrives as three keys
//! (`<key>.province`, `<key>.commune`, `<key>.detail`), the two-level unit tree of 1/7/2025 having no district.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::source::{Assurance, PrefillSource};
use crate::identity::IdNumber;
use crate::text::{normalize, sentence};

/// One choice of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// Stored value.
    pub value: String,
    /// Vietnamese label.
    pub label: String,
}

/// The type of a field, with its type-specific validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    /// Free text, at most `max_length` characters (default 500).
    Text {
        /// Longest accepted value, in characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
        /// Several lines (a text area).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        multiline: bool,
    },
    /// A calendar date (typed as dd/mm/yyyy or yyyy-mm-dd).
    Date,
    /// A personal identification number (12 digits).
    IdNumber,
    /// A Vietnamese phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// An address: province, commune (two-level tree) and the house/street detail.
    Address,
    /// One of a list.
    Choice {
        /// The choices.
        options: Vec<ChoiceOption>,
    },
    /// A whole number.
    Number {
        /// Smallest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Largest accepted value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// An amount in đồng.
    Money,
    /// An attached file (its document reference); files are excluded from declaration counts.
    File,
}

impl FieldType {
    /// A short Vietnamese name of the type, for the admin pages.
    pub fn label_vi(&self) -> &'static str {
        match self {
            Self::Text { .. } => "Văn bản",
            Self::Date => "Ngày",
            Self::IdNumber => "Số định danh",
            Self::Phone => "Số điện thoại",
            Self::Email => "Thư điện tử",
            Self::Address => "Địa chỉ",
            Self::Choice { .. } => "Lựa chọn",
            Self::Number { .. } => "Số",
            Self::Money => "Số tiền",
            Self::File => "Tệp đính kèm",
        }
    }
}

/// One field of a form. (Serde cannot deny unknown fields next to a flattened type.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    /// Stable key, lower-case ASCII, digits and `_`.
    pub key: String,
    /// Vietnamese label.
    pub label: String,
    /// Type and its validation.
    #[serde(flatten)]
    pub kind: FieldType,
    /// Must be filled in.
    #[serde(default)]
    pub required: bool,
    /// Plain-language help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// An example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Where the value can be filled in from instead of typing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<PrefillSource>,
}

impl Field {
    /// Whether a citizen logged in at `level` still has to type this field (files are never "typed").
    pub fn must_type_at(&self, level: Assurance) -> bool {
        self.kind != FieldType::File && self.prefill.as_ref().is_none_or(|s| s.min_assurance() > level)
    }
}

/// The form of a procedure, or of one of its cases (trường hợp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormSchema {
    /// Key of the case this form is for; none for the procedure's only form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Title, e.g. "Tờ khai đăng ký khai sinh".
    pub title: String,
    /// Form version, raised when its fields change.
    pub version: u32,
    /// Fields a citizen had to type in the form before re-engineering (files excluded): the baseline of the
    /// declaration-reduction indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_fields: Option<u32>,
    /// The fields, in display order.
    pub fields: Vec<Field>,
}

impl FormSchema {
    /// Fields (files excluded) that a citizen logged in at `level` still has to type.
    pub fn fields_to_type(&self, level: Assurance) -> usize {
        self.fields.iter().filter(|f| f.must_type_at(level)).count()
    }

    /// Declaration reduction (spec §1, Directive 05): (baseline − fields still typed at L2) / baseline, or `None`
    /// without a baseline.
    pub fn declaration_reduction(&self) -> Option<f64> {
        let baseline = self.baseline_fields.filter(|b| *b > 0)?;
        let typed = self.fields_to_type(Assurance::L2) as f64;
        Some((f64::from(baseline) - typed) / f64::from(baseline))
    }

    /// Structural problems of the schema itself, as (path, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, field) in self.fields.iter().enumerate() {
            let path = format!("fields[{i}]");
            let key_ok = !field.key.is_empty()
                && field.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !key_ok {
                out.push((format!("{path}.key"), format!("khóa trường \"{}\" chỉ gồm chữ thường, số và _", field.key)));
            }
            if !seen.insert(field.key.as_str()) {
                out.push((format!("{path}.key"), format!("khóa trường \"{}\" bị trùng", field.key)));
            }
            if field.label.trim().is_empty() {
                out.push((format!("{path}.label"), "thiếu nhãn của trường".into()));
            }
            match &field.kind {
                FieldType::Choice { options } if options.is_empty() => {
                    out.push((format!("{path}.options"), "trường lựa chọn phải có ít nhất một lựa chọn".into()));
                }
                FieldType::Number { min: Some(min), max: Some(max) } if min > max => {
                    out.push((format!("{path}.min"), "giá trị nhỏ nhất lớn hơn giá trị lớn nhất".into()));
                }
                _ => {}
            }
        }
        out
    }

    /// Validates a submission: every field's value, all messages at once, in Vietnamese. Returns the cleaned
    /// values (trimmed, NFC, dates as `yyyy-mm-dd`, ID numbers and phones as digits, money as whole đồng).
    pub fn validate(
        &self,
        input: &BTreeMap<String, String>,
        places: &dyn Places,
    ) -> Result<BTreeMap<String, String>, Vec<FieldError>> {
        let mut clean = BTreeMap::new();
        let mut errors = Vec::new();
        for field in &self.fields {
            let result = if field.kind == FieldType::Address {
                validate_address(field, input, places, &mut clean)
            } else {
                let raw = input.get(&field.key).map(|v| normalize(v)).unwrap_or_default();
                if raw.is_empty() {
                    if field.required { Err("Vui lòng nhập thông tin này.".to_owned()) } else { Ok(()) }
                } else {
                    validate_value(&field.kind, &raw).map(|v| {
                        clean.insert(field.key.clone(), v);
                    })
                }
            };
            if let Err(message) = result {
                errors.push(FieldError { key: field.key.clone(), label: field.label.clone(), message });
            }
        }
        if errors.is_empty() { Ok(clean) } else { Err(errors) }
    }
}

/// What address validation needs from the unit tree.
pub trait Places {
    /// Whether `province` is a province existing today.
    fn is_province(&self, province: &str) -> bool;
    /// Whether `commune` is a commune, ward or special zone of `province` existing today.
    fn is_commune_of(&self, commune: &str, province: &str) -> bool;
}

/// One field's problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Field key.
    pub key: String,
    /// Field label, so a message can name it.
    pub label: String,
    /// What is wrong and how to fix it, in Vietnamese.
    pub message: String,
}

fn validate_address(
    field: &Field,
    input: &BTreeMap<String, String>,
    places: &dyn Places,
    clean: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let part = |name: &str| input.get(&format!("{}.{name}", field.key)).map(|v| normalize(v)).unwrap_or_default();
    let (province, commune, detail) = (part("province"), part("commune"), part("detail"));
    if province.is_empty() && commune.is_empty() && detail.is_empty() {
        return if field.required { Err("Vui lòng nhập địa chỉ.".into()) } else { Ok(()) };
    }
    if !places.is_province(&province) {
        return Err("Vui lòng chọn tỉnh, thành phố.".into());
    }
    if !places.is_commune_of(&commune, &province) {
        return Err("Vui lòng chọn xã, phường, đặc khu thuộc tỉnh, thành phố đã chọn.".into());
    }
    if detail.is_empty() {
        return Err("Vui lòng ghi số nhà, đường, thôn, tổ dân phố.".into());
    }
    if detail.chars().count() > 200 {
        return Err("Phần chi tiết địa chỉ dài quá 200 ký tự.".into());
    }
    clean.insert(format!("{}.province", field.key), province);
    clean.insert(format!("{}.commune", field.key), commune);
    clean.insert(format!("{}.detail", field.key), detail);
    Ok(())
}

fn validate_value(kind: &FieldType, raw: &str) -> Result<String, String> {
    match kind {
        FieldType::Text { max_length, multiline } => {
            let max = max_length.unwrap_or(500) as usize;
            // A one-line text is a name, a place, a number: nothing invisible or direction-changing in it.
            let checked = if *multiline { crate::text::check_input(raw) } else { crate::text::check_name(raw) };
            if let Err(problem) = checked {
                return Err(sentence(&format!("nội dung {problem}")));
            }
            if raw.chars().count() > max { Err(format!("Tối đa {max} ký tự.")) } else { Ok(raw.to_owned()) }
        }
        FieldType::Date => parse_date(raw)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .ok_or_else(|| "Ngày không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/09/2025.".into()),
        FieldType::IdNumber => IdNumber::parse(raw).map(|id| id.to_string()).map_err(|e| sentence(&e.to_string())),
        FieldType::Phone => {
            parse_phone(raw).ok_or_else(|| "Số điện thoại không hợp lệ; ví dụ 0905123456 hoặc +84 905 123 456.".into())
        }
        FieldType::Email => {
            let ok = raw.len() <= 254
                && !raw.contains(char::is_whitespace)
                && raw.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
                });
            if ok {
                Ok(raw.to_lowercase())
            } else {
                Err("Địa chỉ thư điện tử không hợp lệ; ví dụ ten@example.vn.".into())
            }
        }
        FieldType::Choice { options } => options
            .iter()
            .find(|o| o.value == raw)
            .map(|o| o.value.clone())
            .ok_or_else(|| "Vui lòng chọn một trong các lựa chọn đã cho.".into()),
        FieldType::Number { min, max } => {
            let n: i64 = raw.parse().map_err(|_| "Vui lòng nhập một số nguyên.".to_owned())?;
            if let Some(min) = min
                && n < *min
            {
                return Err(format!("Giá trị nhỏ nhất là {min}."));
            }
            if let Some(max) = max
                && n > *max
            {
                return Err(format!("Giá trị lớn nhất là {max}."));
            }
            Ok(n.to_string())
        }
        FieldType::Money => {
            // People write 1.500.000 or 1 500 000 đ; a decimal comma is not a valid amount of đồng.
            let digits: String = raw.trim_end_matches(['đ', 'Đ']).chars().filter(|c| !matches!(c, '.' | ' ')).collect();
            match digits.parse::<u64>() {
                Ok(n) => Ok(n.to_string()),
                Err(_) => Err("Số tiền phải là số đồng không âm, ví dụ 50.000.".into()),
            }
        }
        FieldType::File => Ok(raw.to_owned()),
        FieldType::Address => unreachable!("addresses are validated by their parts"),
    }
}

/// Parses `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy` or `yyyy-mm-dd`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d-%m-%Y"))
        .ok()
        .filter(|d| (1800..=2200).contains(&chrono::Datelike::year(d)))
}

/// A Vietnamese phone number as ten digits starting with 0 (`+84` and `84` prefixes accepted).
pub fn parse_phone(raw: &str) -> Option<String> {
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
    let national = if let Some(rest) = compact.strip_prefix("+84") {
        format!("0{rest}")
    } else if compact.starts_with("84") && compact.len() == 11 {
        format!("0{}", &compact[2..])
    } else {
        compact
    };
    let ok = national.len() == 10 && national.starts_with('0') && national.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(national)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct DaNang;
    impl Places for DaNang {
        fn is_province(&self, province: &str) -> bool {
            province == "p48"
        }
        fn is_commune_of(&self, commune: &str, province: &str) -> bool {
            province == "p48" && commune == "c20194"
        }
    }

    fn field(key: &str, kind: FieldType, required: bool) -> Field {
        Field { key: key.into(), label: key.into(), kind, required, help: None, example: None, prefill: None }
    }

    fn form(fields: Vec<Field>) -> FormSchema {
        FormSchema { case: None, title: "Tờ khai".into(), version: 1, baseline_fields: None, fields }
    }

    fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn reports_every_bad_field_at_once_in_vietnamese() {
        let f = form(vec![
            field("ho_ten", FieldType::Text { max_length: Some(5), multiline: false }, true),
            field("ngay_sinh", FieldType::Date, true),
            field("so_dinh_danh", FieldType::IdNumber, true),
            field("dien_thoai", FieldType::Phone, false),
            field("email", FieldType::Email, false),
            field("so_con", FieldType::Number { min: Some(0), max: Some(20) }, false),
            field("le_phi", FieldType::Money, false),
            field(
                "gioi_tinh",
                FieldType::Choice { options: vec![ChoiceOption { value: "nam".into(), label: "Nam".into() }] },
                true,
            ),
            field("dia_chi", FieldType::Address, true),
        ]);
        let errors = f
            .validate(
                &input(&[
                    ("ho_ten", "Nguyễn Văn An"),
                    ("ngay_sinh", "31/02/2020"),
                    ("so_dinh_danh", "12345"),
                    ("dien_thoai", "12345"),
                    ("email", "an@"),
                    ("so_con", "21"),
                    ("le_phi", "-5"),
                    ("gioi_tinh", "khac"),
                    ("dia_chi.province", "p48"),
                    ("dia_chi.commune", "c99999"),
                    ("dia_chi.detail", "12 Trần Phú"),
                ]),
                &DaNang,
            )
            .unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            ["ho_ten", "ngay_sinh", "so_dinh_danh", "dien_thoai", "email", "so_con", "le_phi", "gioi_tinh", "dia_chi"]
        );
        assert!(errors[0].message.contains("Tối đa 5"));
        assert!(errors[2].message.starts_with("Số định danh"));
        assert!(errors[8].message.contains("thuộc tỉnh"));
    }

    #[test]
    fn cleans_valid_values() {
        let f = form(vec![
            field("ngay", FieldType::Date, true),
            field("so_dinh_danh", FieldType::IdNumber, true),
            field("dien_thoai", FieldType::Phone, true),
            field("tien", FieldType::Money, true),
            field("dia_chi", FieldType::Address, true),
            field("ghi_chu", FieldType::Text { max_length: None, multiline: true }, false),
        ]);
        let clean = f
            .validate(
                &input(&[
                    ("ngay", "5/9/2025"),
                    ("so_dinh_danh", "048 203 000 001"),
                    ("dien_thoai", "+84 905 123 456"),
                    ("tien", "1.500.000 đ"),
                    ("dia_chi.province", "p48"),
                    ("dia_chi.commune", "c20194"),
                    ("dia_chi.detail", "  12 Trần Phú "),
                ]),
                &DaNang,
            )
            .unwrap();
        assert_eq!(clean["ngay"], "2025-09-05");
        assert_eq!(clean["so_dinh_danh"], "048203000001");
        assert_eq!(clean["dien_thoai"], "0905123456");
        assert_eq!(clean["tien"], "1500000");
        assert_eq!(clean["dia_chi.detail"], "12 Trần Phú");
        assert!(!clean.contains_key("ghi_chu"));
    }

    #[test]
    fn required_fields_and_optional_empty_addresses() {
        let f = form(vec![field("dia_chi", FieldType::Address, false), field("ten", FieldType::Date, true)]);
        let errors = f.validate(&BTreeMap::new(), &DaNang).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "Vui lòng nhập thông tin này.");
    }

    #[test]
    fn declaration_reduction_counts_fields_still_typed_at_level_two() {
        let mut f = form(vec![
            Field {
                prefill: Some(PrefillSource::parse("population.full_name").unwrap()),
                ..field("ho_ten", FieldType::Text { max_length: None, multiline: false }, true)
            },
            Field {
                prefill: Some(PrefillSource::parse("identity.birth_date").unwrap()),
                ..field("ngay_sinh", FieldType::Date, true)
            },
            field("ly_do", FieldType::Text { max_length: None, multiline: true }, true),
            field("giay_to", FieldType::File, true),
        ]);
        assert_eq!(f.declaration_reduction(), None);
        f.baseline_fields = Some(5);
        assert_eq!(f.fields_to_type(Assurance::L2), 1);
        assert_eq!(f.fields_to_type(Assurance::L1), 2);
        assert_eq!(f.declaration_reduction(), Some(0.8));
    }

    #[test]
    fn schema_problems_name_their_path() {
        let f = form(vec![
            field("Ho Ten", FieldType::Date, true),
            field("a", FieldType::Choice { options: vec![] }, true),
            field("a", FieldType::Number { min: Some(5), max: Some(1) }, true),
        ]);
        let paths: Vec<String> = f.problems().into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["fields[0].key", "fields[1].options", "fields[2].key", "fields[2].min"]);
    }

    #[test]
    fn field_json_is_flat() {
        let f: Field = serde_json::from_str(
            r#"{"key":"gioi_tinh","label":"Giới tính","type":"choice","options":[{"value":"nam","label":"Nam"}],"required":true,"prefill":"population.sex"}"#,
        )
        .unwrap();
        assert!(matches!(f.kind, FieldType::Choice { .. }));
        assert_eq!(f.prefill.unwrap().to_string(), "population.sex");
        let bad = serde_json::from_str::<Field>(r#"{"key":"a","label":"A","type":"date","prefill":"population.x"}"#);
        assert!(bad.unwrap_err().to_string().contains("population.x"));
    }

    #[test]
    fn phones() {
        assert_eq!(parse_phone("0905 123 456").as_deref(), Some("0905123456"));
        assert_eq!(parse_phone("84905123456").as_deref(), Some("0905123456"));
        assert_eq!(parse_phone("090512345"), None);
        assert_eq!(parse_phone("1905123456"), None);
    }
}
