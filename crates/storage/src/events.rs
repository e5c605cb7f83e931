//! The append-only events table: one row per state change, written in the same
//! transaction as the change. The database refuses updates and deletes (triggers).

use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
pub(crate) enum Events {
    Table,
    ProvinceId,
    Id,
    OccurredAt,
    SubjectType,
    SubjectId,
    Action,
    UnitId,
    ActorKind,
    ActorId,
    ActorUnitId,
    RequestId,
    Payload,
}

/// One recorded state change.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventRecord {
    /// The province the change belongs to (`vn` for national records); the distribution key.
    pub province_id: String,
    /// UUIDv7: ordered by creation time.
    pub id: Uuid,
    /// When the change happened.
    pub occurred_at: DateTime<Utc>,
    /// What kind of record changed (`unit`, `officer`, `session`, later `dossier`).
    pub subject_type: String,
    /// Which record changed.
    pub subject_id: String,
    /// What happened, as `noun.verb` (e.g. `officer.created`).
    pub action: String,
    /// The unit whose records changed: audit queries are scoped by it.
    pub unit_id: Option<String>,
    /// `officer`, `citizen`, `organisation`, `system` or `anonymous`.
    pub actor_kind: String,
    /// Officer id, ID number, tax code or job name.
    pub actor_id: Option<String>,
    /// The acting officer's unit.
    pub actor_unit_id: Option<String>,
    /// The HTTP request that caused it, for correlation with logs.
    pub request_id: Option<String>,
    /// Details of the change.
    pub payload: Json<serde_json::Value>,
}

pub(crate) const COLUMNS: [Events; 12] = [
    Events::ProvinceId,
    Events::Id,
    Events::OccurredAt,
    Events::SubjectType,
    Events::SubjectId,
    Events::Action,
    Events::UnitId,
    Events::ActorKind,
    Events::ActorId,
    Events::ActorUnitId,
    Events::RequestId,
    Events::Payload,
];

/// Appends an event.
pub async fn append(tx: &mut Tx, event: &EventRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Events::Table).columns(COLUMNS).values_panic(values(event));
    tx.append(insert).await
}

/// An event's values in [`COLUMNS`] order.
pub(crate) fn values(event: &EventRecord) -> [sea_query::SimpleExpr; 12] {
    [
        event.province_id.clone().into(),
        event.id.into(),
        event.occurred_at.into(),
        event.subject_type.clone().into(),
        event.subject_id.clone().into(),
        event.action.clone().into(),
        event.unit_id.clone().into(),
        event.actor_kind.clone().into(),
        event.actor_id.clone().into(),
        event.actor_unit_id.clone().into(),
        event.request_id.clone().into(),
        event.payload.0.clone().into(),
    ]
}

/// The newest events of the given units, newest first.
pub async fn of_units(tx: &mut Tx, units: &[String], limit: u64) -> Result<Vec<EventRecord>, StorageError> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    tx.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(Events::Table)
            .and_where(Expr::col(Events::UnitId).is_in(units.iter().cloned()))
            .order_by(Events::OccurredAt, Order::Desc)
            .order_by(Events::Id, Order::Desc)
            .limit(limit),
    )
    .await
}

/// Events about one record, oldest first.
pub async fn of_subject(tx: &mut Tx, subject_type: &str, subject_id: &str) -> Result<Vec<EventRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(Events::Table)
            .and_where(Expr::col(Events::SubjectType).eq(subject_type))
            .and_where(Expr::col(Events::SubjectId).eq(subject_id))
            .order_by(Events::OccurredAt, Order::Asc)
            .order_by(Events::Id, Order::Asc),
    )
    .await
}

/// When the newest event about one record happened (on the `events_subject` index).
pub async fn latest_of_subject(
    tx: &mut Tx,
    subject_type: &str,
    subject_id: &str,
) -> Result<Option<DateTime<Utc>>, StorageError> {
    let row: Option<(DateTime<Utc>,)> = tx
        .fetch_optional(
            Query::select()
                .column(Events::OccurredAt)
                .from(Events::Table)
                .and_where(Expr::col(Events::SubjectType).eq(subject_type))
                .and_where(Expr::col(Events::SubjectId).eq(subject_id))
                .order_by(Events::OccurredAt, Order::Desc)
                .limit(1),
        )
        .await?;
    Ok(row.map(|(at,)| at))
}

/// A filter of the audit trail (officer actions outside dossiers).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Events whose unit (or, for events without one, the acting officer's unit) is one of these.
    pub units: Vec<String>,
    /// Also events tied to no unit at all (failed logins of unknown accounts): for a whole province's auditors.
    pub include_unitless: bool,
    /// Subject types left out (dossiers and documents have their own timelines).
    pub exclude_subjects: Vec<String>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive).
    pub until: Option<DateTime<Utc>>,
    /// One acting account.
    pub actor_id: Option<String>,
    /// Actions starting with this prefix (e.g. `session.` or `officer.created`).
    pub action_prefix: Option<String>,
}

/// One keyset page of the audit trail, newest first, strictly after the cursor `(occurred_at, id)`.
pub async fn audit_page(
    tx: &mut Tx,
    filter: &AuditFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<EventRecord>, StorageError> {
    use sea_query::Cond;
    if filter.units.is_empty() && !filter.include_unitless {
        return Ok(Vec::new());
    }
    let mut scope = Cond::any();
    if !filter.units.is_empty() {
        scope = scope.add(Expr::col(Events::UnitId).is_in(filter.units.iter().cloned())).add(
            Cond::all()
                .add(Expr::col(Events::UnitId).is_null())
                .add(Expr::col(Events::ActorUnitId).is_in(filter.units.iter().cloned())),
        );
    }
    if filter.include_unitless {
        scope = scope
            .add(Cond::all().add(Expr::col(Events::UnitId).is_null()).add(Expr::col(Events::ActorUnitId).is_null()));
    }
    let mut select = Query::select();
    select.columns(COLUMNS).from(Events::Table).cond_where(scope);
    if !filter.exclude_subjects.is_empty() {
        select.and_where(Expr::col(Events::SubjectType).is_not_in(filter.exclude_subjects.iter().cloned()));
    }
    if let Some(from) = filter.from {
        select.and_where(Expr::col(Events::OccurredAt).gte(from));
    }
    if let Some(until) = filter.until {
        select.and_where(Expr::col(Events::OccurredAt).lt(until));
    }
    if let Some(actor) = &filter.actor_id {
        select.and_where(Expr::col(Events::ActorId).eq(actor.clone()));
    }
    if let Some(prefix) = &filter.action_prefix {
        let escaped = prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        select.and_where(Expr::col(Events::Action).like(sea_query::LikeExpr::new(format!("{escaped}%")).escape('\\')));
    }
    if let Some((at, id)) = after {
        select.cond_where(
            Cond::any()
                .add(Expr::col(Events::OccurredAt).lt(at))
                .add(Cond::all().add(Expr::col(Events::OccurredAt).eq(at)).add(Expr::col(Events::Id).lt(id))),
        );
    }
    select.order_by(Events::OccurredAt, Order::Desc).order_by(Events::Id, Order::Desc).limit(limit);
    tx.fetch_all(&select).await
}
