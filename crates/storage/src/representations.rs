//! Filing on behalf of another person: one row per dossier filed by a representative (ủy quyền, parent, guardian),
//! written in the dossier's creating transaction and never updated.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum DossierRepresentations {
    Table,
    DossierId,
    RepresentativeIdNumber,
    SubjectIdNumber,
    SubjectName,
    Kind,
    EvidenceComponent,
    EvidenceLookupId,
    RecordedAt,
}

/// A recorded representation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RepresentationRecord {
    /// The dossier.
    pub dossier_id: Uuid,
    /// The logged-in person who filed.
    pub representative_id_number: String,
    /// The person the dossier is for.
    pub subject_id_number: String,
    /// The subject's name, when known (from the registry or as declared).
    pub subject_name: Option<String>,
    /// `authorised`, `parent` or `guardian`.
    pub kind: String,
    /// The component carrying the authorisation or guardianship paper.
    pub evidence_component: Option<String>,
    /// The lookup log record that confirmed a parent relation.
    pub evidence_lookup_id: Option<Uuid>,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

const COLUMNS: [DossierRepresentations; 8] = [
    DossierRepresentations::DossierId,
    DossierRepresentations::RepresentativeIdNumber,
    DossierRepresentations::SubjectIdNumber,
    DossierRepresentations::SubjectName,
    DossierRepresentations::Kind,
    DossierRepresentations::EvidenceComponent,
    DossierRepresentations::EvidenceLookupId,
    DossierRepresentations::RecordedAt,
];

/// Records a representation (in the dossier's transaction).
pub async fn insert(tx: &mut Tx, r: &RepresentationRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(DossierRepresentations::Table).columns(COLUMNS).values_panic([
        r.dossier_id.into(),
        r.representative_id_number.clone().into(),
        r.subject_id_number.clone().into(),
        r.subject_name.clone().into(),
        r.kind.clone().into(),
        r.evidence_component.clone().into(),
        r.evidence_lookup_id.into(),
        r.recorded_at.into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// The representation of a dossier, if it was filed for someone else.
pub async fn of_dossier(tx: &mut Tx, dossier_id: Uuid) -> Result<Option<RepresentationRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns(COLUMNS)
            .from(DossierRepresentations::Table)
            .and_where(Expr::col(DossierRepresentations::DossierId).eq(dossier_id)),
    )
    .await
}

/// The dossiers filed for a subject by others, newest first.
pub async fn of_subject(
    tx: &mut Tx,
    subject_id_number: &str,
    limit: u64,
) -> Result<Vec<RepresentationRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(DossierRepresentations::Table)
            .and_where(Expr::col(DossierRepresentations::SubjectIdNumber).eq(subject_id_number))
            .order_by(DossierRepresentations::RecordedAt, Order::Desc)
            .limit(limit),
    )
    .await
}
