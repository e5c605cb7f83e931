//! Online drafts (issue 5, item 7): the e-form page saves what a logged-in citizen types, a few seconds after they
//! stop typing, so the form survives a closed browser; reopening the form restores it; filing the dossier deletes it.
//! One draft per citizen and procedure. A draft is the citizen's scratch paper, not a record of an organisation, so
//! saving one writes no event; drafts untouched for long are removed by the retention purge (`updated_at`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_domain::access::Principal;
use motcua_storage::Json;
use motcua_storage::drafts::{self as store, DraftRecord};
use serde::Serialize;

use crate::App;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::record::Ctx;

/// At most this many values in a draft.
pub const MAX_DRAFT_FIELDS: usize = 300;
/// At most this many characters in one value.
pub const MAX_DRAFT_VALUE_CHARS: usize = 5_000;
/// At most this many characters in a control's name.
const MAX_DRAFT_KEY_CHARS: usize = 120;
/// Controls never kept in a draft: the filing's idempotency key must be new on every visit.
const NOT_KEPT: [&str; 1] = ["khoa-nop"];

/// A saved draft as its citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// Procedure code.
    pub procedure: String,
    /// Control name → value, as typed.
    pub values: BTreeMap<String, String>,
    /// Latest save.
    pub updated_at: DateTime<Utc>,
}

fn citizen_of(ctx: &Ctx) -> Result<&str, AppError> {
    match &ctx.principal {
        Principal::Citizen { id_number } | Principal::Organisation { id_number, .. } => Ok(id_number),
        Principal::Anonymous => Err(AppError::detailed(
            ErrorCode::Unauthenticated,
            "Vui lòng đăng nhập bằng VNeID để lưu bản nháp tờ khai.",
        )),
        _ => {
            Err(AppError::detailed(ErrorCode::Forbidden, "Chỉ người dân đăng nhập bằng VNeID mới có bản nháp tờ khai."))
        }
    }
}

fn draft_of(r: DraftRecord) -> Draft {
    let values = r
        .form_values
        .0
        .as_object()
        .map(|o| o.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned()))).collect())
        .unwrap_or_default();
    Draft { procedure: r.procedure_code, values, updated_at: r.updated_at }
}

impl App {
    /// Saves the logged-in citizen's draft of a published procedure's e-form (replacing the previous one).
    pub async fn save_draft(
        &self,
        ctx: &Ctx,
        procedure: &str,
        values: BTreeMap<String, String>,
    ) -> Result<Draft, AppError> {
        let id_number = citizen_of(ctx)?.to_owned();
        let stored = self.procedure(&Principal::Anonymous, procedure, None).await?;
        let values: BTreeMap<String, String> =
            values.into_iter().filter(|(k, _)| !NOT_KEPT.contains(&k.as_str())).collect();
        let mut problems = Vec::new();
        if values.len() > MAX_DRAFT_FIELDS {
            problems.push(FieldError::new(
                "values",
                &format!("Bản nháp có quá nhiều thông tin (tối đa {MAX_DRAFT_FIELDS})."),
            ));
        }
        for (key, value) in &values {
            if key.is_empty() || key.chars().count() > MAX_DRAFT_KEY_CHARS {
                problems.push(FieldError::new("values", "Tên ô thông tin trong bản nháp không hợp lệ."));
            } else if value.chars().count() > MAX_DRAFT_VALUE_CHARS {
                problems.push(FieldError::new(
                    &format!("values.{key}"),
                    &format!("Mỗi thông tin trong bản nháp không quá {MAX_DRAFT_VALUE_CHARS} ký tự."),
                ));
            }
        }
        if !problems.is_empty() {
            problems.truncate(20);
            return Err(AppError::Invalid(problems));
        }
        let now = self.now();
        let record = DraftRecord {
            id_number,
            procedure_code: stored.procedure.code.to_string(),
            form_values: Json(serde_json::to_value(&values).expect("strings serialise")),
            created_at: now,
            updated_at: now,
        };
        let saved = record.clone();
        self.db()
            .write(move |tx| Box::pin(async move { store::upsert(tx, &record).await.map_err(AppError::from) }))
            .await?;
        Ok(draft_of(saved))
    }

    /// The logged-in citizen's draft of a procedure, if any.
    pub async fn draft(&self, ctx: &Ctx, procedure: &str) -> Result<Option<Draft>, AppError> {
        let id_number = citizen_of(ctx)?;
        let mut tx = self.db().read().await?;
        let found = store::get(&mut tx, id_number, procedure).await?;
        tx.commit().await?;
        Ok(found.map(draft_of))
    }

    /// Deletes the logged-in citizen's draft of a procedure; returns whether there was one.
    pub async fn delete_draft(&self, ctx: &Ctx, procedure: &str) -> Result<bool, AppError> {
        let id_number = citizen_of(ctx)?.to_owned();
        let procedure = procedure.to_owned();
        let deleted = self
            .db()
            .write(move |tx| {
                Box::pin(async move { store::delete(tx, &id_number, &procedure).await.map_err(AppError::from) })
            })
            .await?;
        Ok(deleted)
    }
}
