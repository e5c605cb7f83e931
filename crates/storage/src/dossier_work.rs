//! The work around dossiers: consultations of other units (tasks), notices to applicants and alerts to leaders.

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Order, Query};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden, Clone, Copy)]
enum DossierTasks {
    Table,
    Id,
    ProvinceId,
    DossierId,
    UnitId,
    FromUnitId,
    Kind,
    Question,
    DueAt,
    Answer,
    AnsweredAt,
    AnsweredBy,
    CreatedBy,
    CreatedAt,
    Version,
}

/// A consultation: the consulted unit answers a question about a dossier by a due instant.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskRecord {
    /// Id.
    pub id: Uuid,
    /// Province (distribution key).
    pub province_id: String,
    /// The dossier.
    pub dossier_id: Uuid,
    /// The consulted unit.
    pub unit_id: String,
    /// The unit that asks (the dossier's owner).
    pub from_unit_id: String,
    /// `consultation`.
    pub kind: String,
    /// What is asked.
    pub question: String,
    /// When the answer is due.
    pub due_at: DateTime<Utc>,
    /// The answer.
    pub answer: Option<String>,
    /// When answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// The officer who answered.
    pub answered_by: Option<String>,
    /// The officer who asked.
    pub created_by: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Optimistic version.
    pub version: i64,
}

const TASK_COLUMNS: [DossierTasks; 14] = [
    DossierTasks::Id,
    DossierTasks::ProvinceId,
    DossierTasks::DossierId,
    DossierTasks::UnitId,
    DossierTasks::FromUnitId,
    DossierTasks::Kind,
    DossierTasks::Question,
    DossierTasks::DueAt,
    DossierTasks::Answer,
    DossierTasks::AnsweredAt,
    DossierTasks::AnsweredBy,
    DossierTasks::CreatedBy,
    DossierTasks::CreatedAt,
    DossierTasks::Version,
];

/// Stores a new task.
pub async fn insert_task(tx: &mut Tx, t: &TaskRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(DossierTasks::Table).columns(TASK_COLUMNS).values_panic([
        t.id.into(),
        t.province_id.clone().into(),
        t.dossier_id.into(),
        t.unit_id.clone().into(),
        t.from_unit_id.clone().into(),
        t.kind.clone().into(),
        t.question.clone().into(),
        t.due_at.into(),
        t.answer.clone().into(),
        t.answered_at.into(),
        t.answered_by.clone().into(),
        t.created_by.clone().into(),
        t.created_at.into(),
        t.version.into(),
    ]);
    tx.execute(&insert).await?;
    Ok(())
}

/// Records the answer of an open task at `expected_version`.
pub async fn answer_task(
    tx: &mut Tx,
    id: Uuid,
    answer: &str,
    by: &str,
    at: DateTime<Utc>,
    expected_version: i64,
) -> Result<(), StorageError> {
    // No stored version is the largest number: a client's i64::MAX is stale, not an overflow.
    let next = expected_version.checked_add(1).ok_or(StorageError::StaleVersion)?;
    let changed = tx
        .execute(
            Query::update()
                .table(DossierTasks::Table)
                .values([
                    (DossierTasks::Answer, answer.into()),
                    (DossierTasks::AnsweredAt, at.into()),
                    (DossierTasks::AnsweredBy, by.into()),
                    (DossierTasks::Version, next.into()),
                ])
                .and_where(Expr::col(DossierTasks::Id).eq(id))
                .and_where(Expr::col(DossierTasks::Version).eq(expected_version))
                .and_where(Expr::col(DossierTasks::AnsweredAt).is_null()),
        )
        .await?;
    if changed == 1 { Ok(()) } else { Err(StorageError::StaleVersion) }
}

/// One task.
pub async fn task(tx: &mut Tx, id: Uuid) -> Result<Option<TaskRecord>, StorageError> {
    tx.fetch_optional(
        Query::select().columns(TASK_COLUMNS).from(DossierTasks::Table).and_where(Expr::col(DossierTasks::Id).eq(id)),
    )
    .await
}

/// The tasks of a dossier, oldest first.
pub async fn tasks_of(tx: &mut Tx, dossier: Uuid) -> Result<Vec<TaskRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(TASK_COLUMNS)
            .from(DossierTasks::Table)
            .and_where(Expr::col(DossierTasks::DossierId).eq(dossier))
            .order_by(DossierTasks::CreatedAt, Order::Asc),
    )
    .await
}

/// Open tasks of `units`, soonest due first (index `dossier_tasks_open`).
pub async fn open_tasks(tx: &mut Tx, units: &[String], limit: u64) -> Result<Vec<TaskRecord>, StorageError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    tx.fetch_all(
        Query::select()
            .columns(TASK_COLUMNS)
            .from(DossierTasks::Table)
            .and_where(Expr::col(DossierTasks::UnitId).is_in(units.iter().cloned()))
            .and_where(Expr::col(DossierTasks::AnsweredAt).is_null())
            .order_by(DossierTasks::DueAt, Order::Asc)
            .order_by(DossierTasks::Id, Order::Asc)
            .limit(limit),
    )
    .await
}

/// Open tasks due before `before` (the sweeper).
pub async fn overdue_tasks(tx: &mut Tx, before: DateTime<Utc>, limit: u64) -> Result<Vec<TaskRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(TASK_COLUMNS)
            .from(DossierTasks::Table)
            .and_where(Expr::col(DossierTasks::AnsweredAt).is_null())
            .and_where(Expr::col(DossierTasks::DueAt).lt(before))
            .order_by(DossierTasks::DueAt, Order::Asc)
            .limit(limit),
    )
    .await
}

#[derive(Iden, Clone, Copy)]
enum Notices {
    Table,
    Id,
    ProvinceId,
    Recipient,
    DossierId,
    Code,
    Status,
    Subject,
    Body,
    Email,
    Phone,
    CreatedAt,
    ReadAt,
    EmailedAt,
    TextedAt,
}

/// A notice to an applicant.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoticeRecord {
    /// Id.
    pub id: Uuid,
    /// Province.
    pub province_id: String,
    /// The applicant's ID number.
    pub recipient: String,
    /// The dossier.
    pub dossier_id: Uuid,
    /// Its code.
    pub code: Option<String>,
    /// The status it reached.
    pub status: String,
    /// Subject (Vietnamese).
    pub subject: String,
    /// Body (Vietnamese).
    pub body: String,
    /// E-mail address it is also sent to.
    pub email: Option<String>,
    /// Phone it is also sent to.
    pub phone: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Read in the portal.
    pub read_at: Option<DateTime<Utc>>,
    /// E-mailed.
    pub emailed_at: Option<DateTime<Utc>>,
    /// Texted.
    pub texted_at: Option<DateTime<Utc>>,
}

const NOTICE_COLUMNS: [Notices; 14] = [
    Notices::Id,
    Notices::ProvinceId,
    Notices::Recipient,
    Notices::DossierId,
    Notices::Code,
    Notices::Status,
    Notices::Subject,
    Notices::Body,
    Notices::Email,
    Notices::Phone,
    Notices::CreatedAt,
    Notices::ReadAt,
    Notices::EmailedAt,
    Notices::TextedAt,
];

/// Stores a notice.
pub async fn insert_notice(tx: &mut Tx, n: &NoticeRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Notices::Table).columns(NOTICE_COLUMNS).values_panic([
        n.id.into(),
        n.province_id.clone().into(),
        n.recipient.clone().into(),
        n.dossier_id.into(),
        n.code.clone().into(),
        n.status.clone().into(),
        n.subject.clone().into(),
        n.body.clone().into(),
        n.email.clone().into(),
        n.phone.clone().into(),
        n.created_at.into(),
        n.read_at.into(),
        n.emailed_at.into(),
        n.texted_at.into(),
    ]);
    tx.append(insert).await
}

/// One notice.
pub async fn notice(tx: &mut Tx, id: Uuid) -> Result<Option<NoticeRecord>, StorageError> {
    tx.fetch_optional(
        Query::select().columns(NOTICE_COLUMNS).from(Notices::Table).and_where(Expr::col(Notices::Id).eq(id)),
    )
    .await
}

/// The newest notices of an applicant (index `notices_recipient`).
pub async fn notices_for(tx: &mut Tx, recipient: &str, limit: u64) -> Result<Vec<NoticeRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(NOTICE_COLUMNS)
            .from(Notices::Table)
            .and_where(Expr::col(Notices::Recipient).eq(recipient))
            .order_by(Notices::CreatedAt, Order::Desc)
            .order_by(Notices::Id, Order::Desc)
            .limit(limit),
    )
    .await
}

/// Stamps a notice as sent by `channel` (`email` or `sms`).
pub async fn notice_sent(tx: &mut Tx, id: Uuid, channel: &str, at: DateTime<Utc>) -> Result<(), StorageError> {
    let column = if channel == "sms" { Notices::TextedAt } else { Notices::EmailedAt };
    tx.execute(Query::update().table(Notices::Table).value(column, at).and_where(Expr::col(Notices::Id).eq(id)))
        .await?;
    Ok(())
}

#[derive(Iden, Clone, Copy)]
enum Alerts {
    Table,
    Id,
    ProvinceId,
    UnitId,
    DossierId,
    Kind,
    DueAt,
    CreatedAt,
    ResolvedAt,
}

/// An alert to a unit's leaders.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AlertRecord {
    /// Id.
    pub id: Uuid,
    /// Province.
    pub province_id: String,
    /// The unit whose leaders see it.
    pub unit_id: String,
    /// The dossier.
    pub dossier_id: Uuid,
    /// `reception_check_overdue`, `nearing_breach`, `overdue`, `step_overdue`, `consultation_overdue`.
    pub kind: String,
    /// The due instant it is about.
    pub due_at: DateTime<Utc>,
    /// Raised.
    pub created_at: DateTime<Utc>,
    /// Resolved.
    pub resolved_at: Option<DateTime<Utc>>,
}

const ALERT_COLUMNS: [Alerts; 8] = [
    Alerts::Id,
    Alerts::ProvinceId,
    Alerts::UnitId,
    Alerts::DossierId,
    Alerts::Kind,
    Alerts::DueAt,
    Alerts::CreatedAt,
    Alerts::ResolvedAt,
];

/// Raises an alert, or re-opens the same one (dossier, kind, due instant); returns whether a row changed.
pub async fn raise_alert(tx: &mut Tx, a: &AlertRecord) -> Result<bool, StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(Alerts::Table)
        .columns(ALERT_COLUMNS)
        .values_panic([
            a.id.into(),
            a.province_id.clone().into(),
            a.unit_id.clone().into(),
            a.dossier_id.into(),
            a.kind.clone().into(),
            a.due_at.into(),
            a.created_at.into(),
            a.resolved_at.into(),
        ])
        .on_conflict(
            OnConflict::columns([Alerts::DossierId, Alerts::Kind, Alerts::DueAt])
                .value(Alerts::ResolvedAt, Expr::val(None::<DateTime<Utc>>))
                .action_and_where(Expr::col((Alerts::Table, Alerts::ResolvedAt)).is_not_null())
                .to_owned(),
        );
    Ok(tx.execute(&insert).await? == 1)
}

/// Resolves the open alerts of a dossier (it moved on; the sweeper raises them again if they still apply).
pub async fn resolve_alerts(tx: &mut Tx, dossier: Uuid, at: DateTime<Utc>) -> Result<u64, StorageError> {
    tx.execute(
        Query::update()
            .table(Alerts::Table)
            .value(Alerts::ResolvedAt, at)
            .and_where(Expr::col(Alerts::DossierId).eq(dossier))
            .and_where(Expr::col(Alerts::ResolvedAt).is_null()),
    )
    .await
}

/// Open alerts of `units`, newest first (index `alerts_open`).
pub async fn open_alerts(tx: &mut Tx, units: &[String], limit: u64) -> Result<Vec<AlertRecord>, StorageError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    tx.fetch_all(
        Query::select()
            .columns(ALERT_COLUMNS)
            .from(Alerts::Table)
            .and_where(Expr::col(Alerts::UnitId).is_in(units.iter().cloned()))
            .and_where(Expr::col(Alerts::ResolvedAt).is_null())
            .order_by(Alerts::CreatedAt, Order::Desc)
            .order_by(Alerts::Id, Order::Desc)
            .limit(limit),
    )
    .await
}
