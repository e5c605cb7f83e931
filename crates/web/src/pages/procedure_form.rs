//! The procedure edit form of the administrators' pages: the common fields, and the whole procedure as JSON
//! under them. The common fields are laid over the JSON, which is then read as a procedure; a problem is located by
//! the form field or by its path in the JSON.

use motcua_app::error::FieldError;
use motcua_app::{AppError, ErrorCode};
use motcua_domain::catalogue::{Level, Procedure};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::catalogue::parse_procedure;

/// The values of the edit form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub expected_version: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub sector: String,
    pub cap_ministry: Option<String>,
    pub cap_province: Option<String>,
    pub cap_commune: Option<String>,
    pub cap_vertical: Option<String>,
    #[serde(default)]
    pub online_level: String,
    pub full_process_eligible: Option<String>,
    #[serde(default)]
    pub min_assurance: String,
    pub essential: Option<String>,
    #[serde(default)]
    pub time_amount: String,
    #[serde(default)]
    pub time_unit: String,
    #[serde(default)]
    pub effective_from: String,
    #[serde(default)]
    pub effective_to: String,
    #[serde(default)]
    pub json: String,
}

/// The units of a statutory time the form offers; the empty one keeps a published number without a unit.
pub const TIME_UNITS: [(&str, &str); 7] = [
    ("working_days", "ngày làm việc"),
    ("working_hours", "giờ làm việc"),
    ("half_working_days", "nửa ngày làm việc (4 giờ)"),
    ("calendar_days", "ngày (tính cả ngày nghỉ)"),
    ("months", "tháng"),
    ("within_the_day", "trong ngày"),
    ("", "chưa rõ đơn vị (chờ xác nhận)"),
];

impl EditForm {
    /// The form showing a stored procedure, based on `version`.
    pub fn of(procedure: &Procedure, version: Option<i64>) -> Result<Self, AppError> {
        let flag = |on: bool| on.then(|| "1".to_owned());
        let has = |level: Level| flag(procedure.levels.contains(&level));
        let (time_amount, time_unit) = match procedure.time.as_ref() {
            Some(t) => match (t.duration, t.unitless_amount) {
                (Some(d), _) => {
                    let value = serde_json::to_value(d).unwrap_or(Value::Null);
                    (
                        value["amount"].as_u64().map(|n| n.to_string()).unwrap_or_default(),
                        value["unit"].as_str().unwrap_or_default().to_owned(),
                    )
                }
                (None, Some(n)) => (n.to_string(), String::new()),
                (None, None) => (String::new(), String::new()),
            },
            None => (String::new(), String::new()),
        };
        Ok(Self {
            code: procedure.code.to_string(),
            expected_version: version.map(|v| v.to_string()).unwrap_or_default(),
            name: procedure.name.clone(),
            sector: procedure.sector.name.clone(),
            cap_ministry: has(Level::Ministry),
            cap_province: has(Level::Province),
            cap_commune: has(Level::Commune),
            cap_vertical: has(Level::Vertical),
            online_level: procedure.online_level.as_str().into(),
            full_process_eligible: flag(procedure.full_process_eligible),
            min_assurance: format!("{:?}", procedure.min_assurance),
            essential: flag(procedure.essential),
            time_amount,
            time_unit,
            effective_from: procedure.effective_from.to_string(),
            effective_to: procedure.effective_to.map(|d| d.to_string()).unwrap_or_default(),
            json: serde_json::to_string_pretty(procedure)
                .map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?,
        })
    }

    /// The procedure the form describes: the JSON, with the common fields laid over it. Every problem of the
    /// common fields is reported at once; the JSON's first problem is located by its path.
    pub fn procedure(&self, code: &str) -> Result<Procedure, AppError> {
        let mut errors = Vec::new();
        let mut value: Value = match serde_json::from_str(&self.json) {
            Ok(value @ Value::Object(_)) => value,
            Ok(_) => return Err(invalid("json", "Nội dung JSON phải là một đối tượng { … } mô tả thủ tục.")),
            Err(e) => {
                let message = format!("JSON không hợp lệ ở dòng {}, cột {}: {e}", e.line(), e.column());
                return Err(invalid("json", &message));
            }
        };
        let levels: Vec<&str> = [
            (&self.cap_ministry, Level::Ministry),
            (&self.cap_province, Level::Province),
            (&self.cap_commune, Level::Commune),
            (&self.cap_vertical, Level::Vertical),
        ]
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, level)| level.as_str())
        .collect();
        let amount = self.time_amount.trim();
        let amount = if amount.is_empty() {
            None
        } else {
            match amount.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::new("time_amount", "Thời hạn phải là số nguyên không âm."));
                    None
                }
            }
        };
        let unit = self.time_unit.trim();
        let mut time = value.get("time").cloned().filter(Value::is_object).unwrap_or_else(|| json!({}));
        match (unit, amount) {
            ("", None) => {
                time.as_object_mut().map(|t| (t.remove("duration"), t.remove("unitless_amount")));
            }
            ("", Some(n)) => {
                time["unitless_amount"] = json!(n);
                time.as_object_mut().map(|t| t.remove("duration"));
            }
            ("within_the_day", _) => {
                time["duration"] = json!({"unit": "within_the_day"});
                time.as_object_mut().map(|t| t.remove("unitless_amount"));
            }
            (unit, Some(n)) if TIME_UNITS.iter().any(|(u, _)| *u == unit) => {
                time["duration"] = json!({"unit": unit, "amount": n});
                time.as_object_mut().map(|t| t.remove("unitless_amount"));
            }
            (_, None) if errors.is_empty() => {
                errors.push(FieldError::new("time_amount", "Vui lòng nhập thời hạn cho đơn vị đã chọn."));
            }
            _ => errors.push(FieldError::new("time_unit", "Đơn vị thời hạn không hợp lệ.")),
        }
        for (field, text) in [("effective_from", &self.effective_from), ("effective_to", &self.effective_to)] {
            let text = text.trim();
            if !text.is_empty() && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() {
                errors.push(FieldError::new(field, "Ngày không hợp lệ; chọn ngày trên lịch hoặc ghi năm-tháng-ngày."));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let object = value.as_object_mut().ok_or_else(|| invalid("json", "Nội dung JSON không hợp lệ."))?;
        object.insert("code".into(), json!(code));
        object.insert("name".into(), json!(self.name.trim()));
        let sector = object.entry("sector").or_insert_with(|| json!({}));
        if !sector.is_object() {
            *sector = json!({});
        }
        sector["name"] = json!(self.sector.trim());
        object.insert("levels".into(), json!(levels));
        object.insert("online_level".into(), json!(self.online_level.trim()));
        object.insert("full_process_eligible".into(), json!(self.full_process_eligible.is_some()));
        object.insert("min_assurance".into(), json!(self.min_assurance.trim()));
        object.insert("essential".into(), json!(self.essential.is_some()));
        if time.as_object().is_some_and(|t| t.is_empty()) {
            object.remove("time");
        } else {
            object.insert("time".into(), time);
        }
        object.insert("effective_from".into(), json!(self.effective_from.trim()));
        if self.effective_to.trim().is_empty() {
            object.remove("effective_to");
        } else {
            object.insert("effective_to".into(), json!(self.effective_to.trim()));
        }
        parse_procedure(value).map_err(|e| match e {
            AppError::Invalid(fields) => AppError::Invalid(
                fields.into_iter().map(|f| FieldError { field: format!("JSON: {}", f.field), ..f }).collect(),
            ),
            other => other,
        })
    }
}

/// One located problem.
pub fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, message)])
}
