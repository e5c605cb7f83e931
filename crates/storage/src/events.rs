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
    tx.execute(&insert).await?;
    Ok(())
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
