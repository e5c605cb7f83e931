//! Prefill of a procedure's e-form for a logged-in citizen: the fields whose source is the population database are
//! looked up once (only those fields, purpose "prefill", logged) and come back locked; the login's own ID number
//! fills `identity.id_number`. When the registry cannot answer, the prefill is empty and flagged `declared`: the
//! citizen types the data and the dossier records it as declared, not verified.

use std::collections::BTreeSet;

use motcua_domain::catalogue::form::FieldType;
use motcua_domain::catalogue::source::PrefillSource;
use motcua_domain::identity::IdNumber;
use motcua_domain::text::fold;
use serde::Serialize;
use uuid::Uuid;

use super::{Answer, PURPOSE_PREFILL, RegistryError, RegistryQuery};
use crate::record::Ctx;
use crate::{App, AppError, ErrorCode};

/// One filled field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefilledField {
    /// The case (trường hợp) of the form it belongs to; none for the procedure's only form.
    pub form: Option<String>,
    /// The field key.
    pub key: String,
    /// The value, in the form's format (choices by their stored value; dates as yyyy-mm-dd).
    pub value: String,
    /// Where it came from (`population.full_name`, `identity.id_number`).
    pub source: String,
    /// The citizen may not edit it (they may report an error in the registry's data instead).
    pub locked: bool,
}

/// What [`App::prefill`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prefill {
    /// The procedure.
    pub procedure_code: String,
    /// The registry could not answer: the citizen declares the data, recorded as declared, not verified.
    pub declared: bool,
    /// Why, in Vietnamese, when `declared`.
    pub message: Option<String>,
    /// The lookup log record, when the registry was asked.
    pub lookup_id: Option<Uuid>,
    /// The filled fields.
    pub fields: Vec<PrefilledField>,
}

impl Prefill {
    /// The value filled into `key` (of any form of the procedure).
    pub fn value(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.key == key).map(|f| f.value.as_str())
    }

    /// Whether `key` is filled and locked.
    pub fn is_locked(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key == key && f.locked)
    }
}

/// A registry value in the field's format: a choice by its stored value.
fn shaped(kind: &FieldType, value: &str) -> String {
    match kind {
        FieldType::Choice { options } => options
            .iter()
            .find(|o| fold(&o.label) == fold(value) || fold(&o.value) == fold(value))
            .map_or_else(|| value.to_owned(), |o| o.value.clone()),
        _ => value.to_owned(),
    }
}

impl App {
    /// Prefills the published e-form(s) of `procedure_code` for the logged-in citizen (`Principal::Citizen`).
    pub async fn prefill(&self, ctx: &Ctx, procedure_code: &str) -> Result<Prefill, AppError> {
        let id_number = crate::identity::person_of(&ctx.principal)?.to_owned();
        let subject =
            IdNumber::parse(&id_number).map_err(|e| AppError::detailed(ErrorCode::Forbidden, e.to_string()))?;
        self.prefill_of(ctx, procedure_code, subject, PURPOSE_PREFILL, true).await
    }

    /// Prefills for `subject` with `purpose` recorded; the logged-in citizen is the actor. `own` fills the login's
    /// ID number into `identity.id_number` fields (not when the subject is someone the citizen files for).
    pub(crate) async fn prefill_of(
        &self,
        ctx: &Ctx,
        procedure_code: &str,
        subject: IdNumber,
        purpose: &str,
        own: bool,
    ) -> Result<Prefill, AppError> {
        let id_number = crate::identity::person_of(&ctx.principal)?.to_owned();
        let stored = self.procedure(&ctx.principal, procedure_code, None).await?;
        let forms = &stored.procedure.forms;
        let wanted: BTreeSet<String> = forms
            .iter()
            .flat_map(|f| &f.fields)
            .filter_map(|f| match &f.prefill {
                Some(PrefillSource::Population(key)) => Some(key.clone()),
                _ => None,
            })
            .collect();
        let mut prefill = Prefill {
            procedure_code: stored.procedure.code.to_string(),
            declared: false,
            message: None,
            lookup_id: None,
            fields: Vec::new(),
        };
        let mut values = std::collections::BTreeMap::new();
        if !wanted.is_empty() {
            let query = RegistryQuery {
                subject,
                purpose: purpose.into(),
                dossier_code: None,
                procedure_code: Some(prefill.procedure_code.clone()),
                actor_kind: "system",
                actor_id: Some(id_number.clone()),
                actor_unit: None,
                fields: wanted.into_iter().collect(),
                request_id: ctx.request_id.clone(),
            };
            match self.logged_lookup(&query, None).await {
                Ok((answer, row)) => {
                    prefill.lookup_id = Some(row.id);
                    match answer {
                        Ok(Answer::Found(record)) => values = record.values,
                        Ok(Answer::NotFound) => {
                            prefill.declared = true;
                            prefill.message = Some(
                                "Không tìm thấy thông tin của bạn trong Cơ sở dữ liệu quốc gia về dân cư. Vui lòng tự kê khai; hồ sơ sẽ ghi nhận là thông tin tự kê khai, chưa được xác thực.".into(),
                            );
                        }
                        Err(RegistryError::Unavailable(_) | RegistryError::Refused(_)) => {
                            prefill.declared = true;
                            prefill.message = Some(ErrorCode::PopulationUnavailable.title_vi().into());
                        }
                    }
                }
                // Not connected, or the log could not be written: nothing is shown, the citizen declares.
                Err(e) => {
                    prefill.declared = true;
                    prefill.message = Some(e.message_vi());
                }
            }
        }
        for form in forms {
            for field in &form.fields {
                let value = match &field.prefill {
                    Some(PrefillSource::Population(key)) => values.get(key).cloned(),
                    Some(PrefillSource::Identity(key)) if own && key == "id_number" => Some(id_number.clone()),
                    _ => None,
                };
                if let (Some(value), Some(source)) = (value, &field.prefill) {
                    prefill.fields.push(PrefilledField {
                        form: form.case.clone(),
                        key: field.key.clone(),
                        value: shaped(&field.kind, &value),
                        source: source.to_string(),
                        locked: true,
                    });
                }
            }
        }
        Ok(prefill)
    }
}
