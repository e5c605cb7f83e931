//! The citizen's side of online filing: the applicant comes from the login (never typed), the procedure's minimum
//! VNeID level is enforced, and "my dossiers" lists only the citizen's own.

use std::collections::BTreeMap;

use motcua_domain::access::Principal;
use motcua_storage::{citizens, drafts, events};

use super::{Applicant, DossierView, NewDossier, view};
use crate::App;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::identity::CitizenSession;
use crate::record::{self, Change, Ctx};

/// The events' subject type of a dossier's provenance record.
const PROVENANCE_SUBJECT: &str = "dossier_provenance";

/// How many of a citizen's dossiers "my dossiers" shows.
pub const MY_DOSSIERS_LIMIT: u64 = 200;

/// What a logged-in citizen sends to file online.
#[derive(Debug, Clone, Default)]
pub struct OnlineFiling {
    /// Procedure code.
    pub procedure: String,
    /// The procedure's case, if it has cases.
    pub case: Option<String>,
    /// The competent unit, when the procedure is implemented by many.
    pub unit: Option<String>,
    /// E-form values.
    pub form: BTreeMap<String, String>,
    /// Keys of the components attached.
    pub components: Vec<String>,
    /// Phone for notices and the status lookup.
    pub phone: Option<String>,
    /// E-mail for notices.
    pub email: Option<String>,
    /// Where prefilled (locked) form values came from: field key → source (`population.full_name`,
    /// `identity.id_number`); every other field was declared by the citizen.
    pub provenance: BTreeMap<String, String>,
    /// Components supplied from the citizen's personal data warehouse instead of an upload: component key → the
    /// warehouse document (one of [`App::warehouse_offers`] for that component). Recorded as taken from the
    /// warehouse (`DuocLayTuKhoDMQG`); no bytes are copied.
    pub from_warehouse: BTreeMap<String, uuid::Uuid>,
    /// Filing for someone else (ủy quyền, parent, guardian): the relationship and its evidence, recorded on the
    /// dossier; none when the citizen files for themself.
    pub on_behalf_of: Option<super::representation::OnBehalfOf>,
}

impl App {
    /// Files a dossier online as the logged-in citizen: the applicant's ID number and name are the session's, a
    /// session below the procedure's minimum assurance level is refused, and the idempotency key makes a double
    /// submission file once.
    pub async fn file_online(
        &self,
        ctx: &Ctx,
        session: &CitizenSession,
        filing: OnlineFiling,
        idempotency_key: Option<String>,
    ) -> Result<DossierView, AppError> {
        if ctx.principal != session.principal() {
            return Err(AppError::code(ErrorCode::Forbidden));
        }

        let stored = self.procedure(&Principal::Anonymous, &filing.procedure, None).await?;
        self.require_eligible(session, &stored.procedure)?;
        let from_warehouse = filing.from_warehouse.clone();
        self.check_warehouse_choices(&ctx.principal, &filing.procedure, filing.case.as_deref(), &from_warehouse)
            .await?;
        let mut components = filing.components;
        for key in from_warehouse.keys() {
            if !components.contains(key) {
                components.push(key.clone());
            }
        }
        if session.organisation.is_some() && filing.on_behalf_of.is_some() {
            return Err(AppError::Invalid(vec![FieldError::new(
                "on_behalf_of",
                "Tài khoản tổ chức chỉ nộp hồ sơ của chính tổ chức. Để nộp thay cho một người, vui lòng đăng nhập \
                 bằng tài khoản định danh cá nhân.",
            )]));
        }
        let representation = match &filing.on_behalf_of {
            Some(claim) => Some(
                self.establish_representation(ctx, session, &stored.procedure.code.to_string(), &components, claim)
                    .await?,
            ),
            None => None,
        };
        let provenance = filing.provenance.clone();
        let declared: Vec<String> = filing.form.keys().filter(|k| !provenance.contains_key(*k)).cloned().collect();
        let input = NewDossier {
            procedure: filing.procedure,
            case: filing.case,
            unit: filing.unit,
            applicant: Applicant {
                id_number: session.id_number.clone(),
                full_name: session.full_name.clone(),
                phone: filing.phone.filter(|p| !p.trim().is_empty()),
                email: filing.email.filter(|e| !e.trim().is_empty()),
                organisation: session.organisation.clone(),
            },
            form: filing.form,
            components,
        };
        let dossier = self.submit_online_for(ctx, input, idempotency_key, representation).await?;
        self.record_provenance(ctx, &session.id_number, &dossier, provenance, declared).await?;
        self.attach_warehouse_choices(ctx, &dossier, &from_warehouse).await?;
        Ok(dossier)
    }

    /// Refuses, before anything is filed, a warehouse choice that is not one of the caller's offers for that
    /// component (`warehouse.<key>`).
    async fn check_warehouse_choices(
        &self,
        principal: &Principal,
        procedure: &str,
        case: Option<&str>,
        choices: &BTreeMap<String, uuid::Uuid>,
    ) -> Result<(), AppError> {
        if choices.is_empty() {
            return Ok(());
        }
        let offers = self.warehouse_offers(principal, procedure, case).await?;
        let problems: Vec<FieldError> = choices
            .iter()
            .filter(|(key, id)| {
                !offers.iter().any(|o| &o.component_key == *key && o.documents.iter().any(|d| d.id == **id))
            })
            .map(|(key, _)| {
                FieldError::new(
                    &format!("warehouse.{key}"),
                    "Tài liệu đã chọn không có trong Kho dữ liệu của bạn, đã hết hiệu lực hoặc không dùng thay được \
                     thành phần hồ sơ này.",
                )
            })
            .collect();
        if problems.is_empty() { Ok(()) } else { Err(AppError::Invalid(problems)) }
    }

    /// Attaches the chosen warehouse documents to a dossier just filed; a component already supplied from the
    /// warehouse (a replayed submission) is left as it is.
    async fn attach_warehouse_choices(
        &self,
        ctx: &Ctx,
        dossier: &DossierView,
        choices: &BTreeMap<String, uuid::Uuid>,
    ) -> Result<(), AppError> {
        if choices.is_empty() {
            return Ok(());
        }
        let held = self.dossier_files(&ctx.principal, dossier.id).await?;
        for (key, id) in choices {
            let attached = held.iter().any(|f| {
                f.component_key.as_deref() == Some(key.as_str())
                    && f.source == motcua_domain::document::Source::Warehouse
            });
            if !attached {
                self.attach_from_warehouse(ctx, dossier.id, key, *id).await?;
            }
        }
        Ok(())
    }

    /// Records which form values came from which source (once per dossier: a replayed submission adds nothing).
    /// Kept as its own event beside the dossier, since the dossier's form keeps only the schema's fields. The same
    /// write deletes the citizen's draft of the form, which has served its purpose.
    async fn record_provenance(
        &self,
        ctx: &Ctx,
        citizen: &str,
        dossier: &DossierView,
        sources: BTreeMap<String, String>,
        declared: Vec<String>,
    ) -> Result<(), AppError> {
        let subject = dossier.id.to_string();
        let mut tx = self.db().read_one().await?;
        let known = !events::of_subject(&mut tx, PROVENANCE_SUBJECT, &subject).await?.is_empty();
        tx.commit().await?;
        let (tree, now, ctx) = (self.tree(), self.now(), ctx.clone());
        let (citizen, procedure) = (citizen.to_owned(), dossier.procedure.clone());
        let unit = motcua_domain::unit::UnitId::parse(&dossier.competent_unit).ok();
        let change = Change {
            subject_type: PROVENANCE_SUBJECT,
            subject_id: subject,
            action: "dossier.provenance_recorded",
            unit,
            payload: serde_json::json!({ "sources": sources, "declared": declared }),
        };
        self.db()
            .write(move |tx| {
                Box::pin(async move {
                    drafts::delete(tx, &citizen, &procedure).await?;
                    if !known {
                        record::event(tx, &tree, now, &ctx, change).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await
    }

    /// Where the form values of a dossier came from, for its applicant or an officer who may read it: field key →
    /// source, and the declared fields.
    pub async fn dossier_provenance(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
    ) -> Result<(BTreeMap<String, String>, Vec<String>), AppError> {
        self.dossier(principal, id).await?;
        let mut tx = self.db().read_one().await?;
        let found = events::of_subject(&mut tx, PROVENANCE_SUBJECT, &id.to_string()).await?;
        tx.commit().await?;
        let Some(event) = found.into_iter().next() else { return Ok((BTreeMap::new(), Vec::new())) };
        let p = &event.payload.0;
        let sources = serde_json::from_value(p["sources"].clone()).unwrap_or_default();
        let declared = serde_json::from_value(p["declared"].clone()).unwrap_or_default();
        Ok((sources, declared))
    }

    /// A logged-in citizen reports that a value the registry filled in is wrong: recorded for the registry's
    /// keepers (an event), the citizen's form is not changed.
    pub async fn report_registry_error(
        &self,
        ctx: &Ctx,
        procedure: &str,
        field: &str,
        source: &str,
        note: &str,
    ) -> Result<(), AppError> {
        let (Principal::Citizen { id_number } | Principal::Organisation { id_number, .. }) = &ctx.principal else {
            return Err(AppError::code(ErrorCode::Unauthenticated));
        };
        let note = motcua_domain::text::normalize(note);
        if note.chars().count() > 1000 {
            return Err(AppError::Invalid(vec![crate::error::FieldError::new(
                "note",
                "Nội dung báo sai không quá 1000 ký tự.",
            )]));
        }
        let (tree, now, ctx) = (self.tree(), self.now(), ctx.clone());
        let change = Change {
            subject_type: "citizen",
            subject_id: id_number.clone(),
            action: "citizen.registry_error_reported",
            unit: None,
            payload: serde_json::json!({
                "procedure": procedure.chars().take(40).collect::<String>(),
                "field": field.chars().take(100).collect::<String>(),
                "source": source.chars().take(100).collect::<String>(),
                "note": note,
            }),
        };
        self.db().write(move |tx| Box::pin(async move { record::event(tx, &tree, now, &ctx, change).await })).await?;
        Ok(())
    }

    /// The logged-in citizen's dossiers (as applicant), newest first; with an organisation's account, the
    /// organisation's dossiers, whoever filed them for it.
    pub async fn citizen_dossiers(&self, ctx: &Ctx) -> Result<Vec<DossierView>, AppError> {
        let mut tx = self.db().read_one().await?;
        let rows = match &ctx.principal {
            Principal::Citizen { id_number } => {
                citizens::dossiers_of_applicant(&mut tx, id_number, MY_DOSSIERS_LIMIT).await?
            }
            Principal::Organisation { tax_code, .. } => {
                citizens::dossiers_of_organisation(&mut tx, tax_code, MY_DOSSIERS_LIMIT).await?
            }
            Principal::Anonymous => return Err(AppError::code(ErrorCode::Unauthenticated)),
            _ => return Err(AppError::code(ErrorCode::Forbidden)),
        };
        tx.commit().await?;
        rows.iter().map(view).collect()
    }
}
