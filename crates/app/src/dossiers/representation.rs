//! Filing on behalf of another person (issue 6 §3): an authorised representative (ủy quyền), a parent for their
//! child, or a guardian for their ward. The logged-in person stays the applicant who files (their "Hồ sơ của tôi",
//! their notices); the person the dossier is for — the subject — is recorded in `dossier_representations` with the
//! kind and its evidence, in the dossier's own transaction:
//! - `authorised`, `guardian`: the component carrying the authorisation or guardianship paper;
//! - `parent`: the lookup log record of the registry lookup of the child that names the representative as father or
//!   mother (purpose [`PURPOSE_VERIFY_PARENT`], so the child — or whoever reads the child's lookups — sees why).
//!
//! A claim without a relationship or its evidence is refused with `representation_not_recorded`, a parent the
//! registry does not confirm with `representation_not_verified`; nothing is filed, and the refusal is an event
//! (`dossier.representation_refused`) on the representative.

use chrono::{DateTime, Utc};
use motcua_domain::access::Principal;
use motcua_domain::identity::IdNumber;
use motcua_domain::representation::{self as rules, Claim, RepresentationError, RepresentationKind};
use motcua_storage::representations::{self as store, RepresentationRecord};
use serde::Serialize;
use uuid::Uuid;

use crate::App;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::identity::CitizenSession;
use crate::population::{Answer, RegistryError, RegistryQuery};
use crate::record::{self, Change, Ctx};

/// The purpose recorded in the lookup log when a parent's relation to the child is checked.
pub const PURPOSE_VERIFY_PARENT: &str = "Xác minh quan hệ cha/mẹ – con để nộp hồ sơ thay";

/// The purpose recorded when the form is prefilled with the data of the child a verified parent files for.
pub const PURPOSE_PREFILL_SUBJECT: &str = "Điền sẵn tờ khai cho con do cha/mẹ nộp thay (quan hệ đã xác minh)";

/// The population fields the parent check asks for: the parents' numbers, and the child's name for the dossier.
const PARENT_FIELDS: [&str; 3] = ["father.id_number", "mother.id_number", "full_name"];

/// Who a dossier is filed for, as the filer sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct OnBehalfOf {
    /// `authorised`, `parent` or `guardian`; empty or unknown means no relationship was given (refused).
    #[serde(default)]
    pub kind: String,
    /// The subject's personal ID number.
    pub subject_id_number: String,
    /// The subject's name as declared (a parent's claim takes the registry's).
    #[serde(default)]
    pub subject_name: Option<String>,
    /// For `authorised` and `guardian`: the key of the component carrying the authorisation or guardianship paper
    /// (it must be among the dossier's components).
    #[serde(default)]
    pub paper_component: Option<String>,
}

/// A representation as shown on the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepresentationView {
    /// `authorised`, `parent` or `guardian`.
    pub kind: RepresentationKind,
    /// Its label in Vietnamese.
    pub kind_label: &'static str,
    /// Who filed.
    pub representative_id_number: String,
    /// For whom.
    pub subject_id_number: String,
    /// The subject's name, when known.
    pub subject_name: Option<String>,
    /// The component with the authorisation or guardianship paper.
    pub evidence_component: Option<String>,
    /// The lookup that confirmed a parent relation.
    pub evidence_lookup_id: Option<Uuid>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl RepresentationView {
    fn from_record(r: RepresentationRecord) -> Result<Self, AppError> {
        let kind = RepresentationKind::parse(&r.kind).ok_or_else(|| AppError::code(ErrorCode::Internal))?;
        Ok(Self {
            kind,
            kind_label: kind.label_vi(),
            representative_id_number: r.representative_id_number,
            subject_id_number: r.subject_id_number,
            subject_name: r.subject_name,
            evidence_component: r.evidence_component,
            evidence_lookup_id: r.evidence_lookup_id,
            recorded_at: r.recorded_at,
        })
    }
}

/// A dossier someone else filed for the caller, as its subject sees it.
#[derive(Debug, Clone, Serialize)]
pub struct FiledForMe {
    /// The dossier (without the filer's phone, e-mail and the receipt's lookup PIN).
    pub dossier: super::DossierView,
    /// Who filed it and on what footing.
    pub representation: RepresentationView,
}

/// How many dossiers filed for a person their page lists.
const FILED_FOR_ME_LIMIT: u64 = 200;

/// The ID number of a logged-in person who may be the subject of a representation.
fn subject_of(principal: &Principal) -> Result<&str, AppError> {
    match principal {
        Principal::Citizen { id_number } => Ok(id_number),
        Principal::Anonymous => Err(AppError::code(ErrorCode::Unauthenticated)),
        _ => Err(AppError::code(ErrorCode::Forbidden)),
    }
}

/// The dossier as its subject sees it: the filer's contact details and the lookup PIN are the filer's.
fn subject_view(mut d: super::DossierView) -> super::DossierView {
    d.applicant.phone = None;
    d.applicant.email = None;
    d.lookup_pin = String::new();
    d
}

/// What the idempotency hash covers of a representation (the stable parts of the claim).
pub(crate) fn claim_fingerprint(r: &RepresentationRecord) -> String {
    format!("{}|{}|{}", r.kind, r.subject_id_number, r.evidence_component.as_deref().unwrap_or(""))
}

impl App {
    /// Checks a claim to file for someone else and, for a parent, verifies it in the population registry (a logged
    /// lookup of the child). Returns the row to write with the dossier (its `dossier_id` is set there). A refusal
    /// is recorded as an event before it is returned.
    pub(crate) async fn establish_representation(
        &self,
        ctx: &Ctx,
        session: &CitizenSession,
        procedure_code: &str,
        components: &[String],
        claim: &OnBehalfOf,
    ) -> Result<RepresentationRecord, AppError> {
        let representative =
            IdNumber::parse(&session.id_number).map_err(|e| AppError::detailed(ErrorCode::Forbidden, e.to_string()))?;
        let subject = IdNumber::parse(&claim.subject_id_number).map_err(|e| {
            AppError::Invalid(vec![FieldError::new(
                "on_behalf_of.subject_id_number",
                &format!("Số định danh cá nhân của người được nộp thay: {e}."),
            )])
        })?;
        let kind = RepresentationKind::parse(&claim.kind);
        let paper = claim.paper_component.as_deref();
        let checked =
            rules::check_claim(&Claim { representative: &representative, subject: &subject, kind, paper, components });
        let kind = match checked {
            Ok(kind) => kind,
            Err(e) => return Err(self.refuse_representation(ctx, procedure_code, claim, e).await),
        };
        let mut record = RepresentationRecord {
            dossier_id: Uuid::nil(),
            representative_id_number: representative.to_string(),
            subject_id_number: subject.to_string(),
            subject_name: claim
                .subject_name
                .as_deref()
                .map(motcua_domain::text::normalize)
                .map(|n| n.trim().chars().take(200).collect::<String>())
                .filter(|n| !n.is_empty()),
            kind: kind.as_str().to_owned(),
            evidence_component: None,
            evidence_lookup_id: None,
            recorded_at: self.now(),
        };
        if kind.needs_paper() {
            record.evidence_component = paper.map(|p| p.trim().to_owned());
            return Ok(record);
        }
        let query = RegistryQuery {
            subject,
            purpose: PURPOSE_VERIFY_PARENT.into(),
            dossier_code: None,
            procedure_code: Some(procedure_code.to_owned()),
            actor_kind: "citizen",
            actor_id: Some(representative.to_string()),
            actor_unit: None,
            fields: PARENT_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
            request_id: ctx.request_id.clone(),
        };
        let (answer, row) = self.logged_lookup(&query, None).await?;
        let values = match answer {
            Ok(Answer::Found(found)) => found.values,
            Ok(Answer::NotFound) => Default::default(),
            Err(RegistryError::Unavailable(_) | RegistryError::Refused(_)) => {
                return Err(AppError::detailed(
                    ErrorCode::PopulationUnavailable,
                    "Chưa kết nối được với Cơ sở dữ liệu quốc gia về dân cư để xác minh quan hệ cha/mẹ – con; vui lòng thử lại sau hoặc nộp tại Bộ phận Một cửa.",
                ));
            }
        };
        let (father, mother) = (values.get("father.id_number"), values.get("mother.id_number"));
        if let Err(e) = rules::verify_parent(&representative, father.map(String::as_str), mother.map(String::as_str)) {
            return Err(self.refuse_representation(ctx, procedure_code, claim, e).await);
        }
        record.evidence_lookup_id = Some(row.id);
        if let Some(name) = values.get("full_name") {
            record.subject_name = Some(name.clone());
        }
        Ok(record)
    }

    /// Records a refused representation (best effort: the refusal stands even if the event cannot be written) and
    /// returns the error to give the filer.
    async fn refuse_representation(
        &self,
        ctx: &Ctx,
        procedure_code: &str,
        claim: &OnBehalfOf,
        e: RepresentationError,
    ) -> AppError {
        let code = match e {
            RepresentationError::NotRecorded(_) => ErrorCode::RepresentationNotRecorded,
            RepresentationError::NotVerified(_) => ErrorCode::RepresentationNotVerified,
        };
        let reason = match &e {
            RepresentationError::NotRecorded(r) | RepresentationError::NotVerified(r) => *r,
        };
        let representative = ctx.principal.person().unwrap_or_default().to_owned();
        let change = Change {
            subject_type: "citizen",
            subject_id: representative,
            action: "dossier.representation_refused",
            unit: None,
            payload: serde_json::json!({
                "code": code.as_str(),
                "reason": reason,
                "procedure": procedure_code,
                "kind": claim.kind.chars().take(20).collect::<String>(),
                "subject_id_number": claim.subject_id_number.chars().take(20).collect::<String>(),
            }),
        };
        let (tree, now, event_ctx) = (self.tree(), self.now(), ctx.clone());
        let written = self
            .db()
            .write(move |tx| Box::pin(async move { record::event(tx, &tree, now, &event_ctx, change).await }))
            .await;
        if let Err(err) = written {
            tracing::error!(error = %err, "a refused representation could not be recorded");
        }
        let mut message = reason.to_owned();
        if let Some(first) = message.get(..1) {
            message = first.to_uppercase() + &message[1..];
        }
        AppError::detailed(code, format!("{message}."))
    }

    /// Prefills the e-form with the registry data of the person filed for — only once the relationship is
    /// verified: a parent's relation is checked first (a logged lookup of the child), then the child's fields are
    /// looked up with purpose [`PURPOSE_PREFILL_SUBJECT`]. A paper-based claim (authorisation, guardianship) cannot
    /// be verified before the dossier is filed, so it is refused (`representation_not_verified`): the filer
    /// declares the data.
    pub async fn prefill_for_subject(
        &self,
        ctx: &Ctx,
        session: &CitizenSession,
        procedure_code: &str,
        claim: &OnBehalfOf,
    ) -> Result<crate::population::Prefill, AppError> {
        if ctx.principal != session.principal() {
            return Err(AppError::code(ErrorCode::Forbidden));
        }
        if RepresentationKind::parse(&claim.kind) != Some(RepresentationKind::Parent) {
            return Err(AppError::detailed(
                ErrorCode::RepresentationNotVerified,
                "Chỉ điền sẵn thông tin của người được nộp thay khi quan hệ cha/mẹ – con đã được xác minh qua Cơ sở dữ liệu quốc gia về dân cư; với giấy ủy quyền hoặc quyết định giám hộ, vui lòng tự kê khai.",
            ));
        }
        let record = self.establish_representation(ctx, session, procedure_code, &[], claim).await?;
        let subject = IdNumber::parse(&record.subject_id_number).map_err(|_| AppError::code(ErrorCode::Internal))?;
        self.prefill_of(ctx, procedure_code, subject, PURPOSE_PREFILL_SUBJECT, false).await
    }

    /// The dossiers others filed for the logged-in citizen — those whose recorded subject they are — newest first,
    /// each with its representation, for their "Hồ sơ người khác nộp thay cho tôi". Read-only: the subject is not
    /// the applicant, so every action on these dossiers stays the filer's ([`App::act_on_dossier`] and the document
    /// use cases go through the applicant check, which the subject does not pass).
    pub async fn dossiers_filed_for_me(&self, ctx: &Ctx) -> Result<Vec<FiledForMe>, AppError> {
        let id_number = subject_of(&ctx.principal)?;
        let mut tx = self.db().read().await?;
        let records = store::of_subject(&mut tx, id_number, FILED_FOR_ME_LIMIT).await?;
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            if let Some(d) = motcua_storage::dossiers::get(&mut tx, r.dossier_id).await? {
                out.push(FiledForMe {
                    dossier: subject_view(super::view(&d)?),
                    representation: RepresentationView::from_record(r)?,
                });
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// One dossier filed for the logged-in citizen by someone else, with its timeline, read-only; any other dossier
    /// (including one they filed themself: that is [`App::dossier`]) is not found. The filer's contact details and
    /// the lookup PIN of the receipt are not shown to the subject.
    pub async fn dossier_filed_for_me(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<(FiledForMe, Vec<super::TimelineEntry>), AppError> {
        let id_number = subject_of(principal)?;
        let mut tx = self.db().read().await?;
        let representation = store::of_dossier(&mut tx, id)
            .await?
            .filter(|r| r.subject_id_number == id_number)
            .ok_or_else(|| AppError::not_found("hồ sơ"))?;
        let record = motcua_storage::dossiers::get(&mut tx, id).await?.ok_or_else(|| AppError::not_found("hồ sơ"))?;
        let timeline = Self::timeline_in(&mut tx, id).await?;
        tx.commit().await?;
        let filed = FiledForMe {
            dossier: subject_view(super::view(&record)?),
            representation: RepresentationView::from_record(representation)?,
        };
        Ok((filed, timeline))
    }

    /// The representation of a dossier filed for someone else, for whoever may read the dossier.
    pub async fn dossier_representation(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<Option<RepresentationView>, AppError> {
        self.dossier(principal, id).await?;
        let mut tx = self.db().read().await?;
        let found = store::of_dossier(&mut tx, id).await?;
        tx.commit().await?;
        found.map(RepresentationView::from_record).transpose()
    }
}
