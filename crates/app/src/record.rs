//! Writing events: who did what, to which record, on behalf of which unit.

use chrono::{DateTime, Utc};
use motcua_domain::access::Principal;
use motcua_domain::unit::{UnitId, UnitTree};
use motcua_storage::Json;
use motcua_storage::events::{self, EventRecord};
use motcua_storage::{StorageError, Tx};
use uuid::Uuid;

/// The caller of a use case: who acts, and which request carried it.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Who acts.
    pub principal: Principal,
    /// The HTTP request id, for correlating events with logs.
    pub request_id: Option<String>,
    /// The client's address (behind a trusted proxy, the one it names), for the per-client limits.
    pub client: Option<String>,
}

impl Ctx {
    /// motcua itself acting (imports, demo, jobs).
    pub fn system() -> Self {
        Self { principal: Principal::System, request_id: None, client: None }
    }

    /// Someone acting within a request.
    pub fn new(principal: Principal, request_id: Option<String>) -> Self {
        Self { principal, request_id, client: None }
    }

    /// The same, from the client at `address`.
    pub fn from_client(mut self, address: Option<String>) -> Self {
        self.client = address;
        self
    }
}

/// One state change to record.
#[derive(Debug, Clone)]
pub struct Change {
    /// Kind of record (`unit`, `officer`, `session`, `job` …).
    pub subject_type: &'static str,
    /// Its id.
    pub subject_id: String,
    /// `noun.verb`.
    pub action: &'static str,
    /// The unit whose records changed.
    pub unit: Option<UnitId>,
    /// Details.
    pub payload: serde_json::Value,
}

/// Appends the event for `change` in `tx`.
pub async fn event(
    tx: &mut Tx,
    tree: &UnitTree,
    now: DateTime<Utc>,
    ctx: &Ctx,
    change: Change,
) -> Result<(), StorageError> {
    let (actor_kind, actor_id, actor_unit) = match &ctx.principal {
        Principal::Anonymous => ("anonymous", None, None),
        Principal::Officer { id, unit, .. } => ("officer", Some(id.to_string()), Some(unit.to_string())),
        Principal::Citizen { id_number } => ("citizen", Some(id_number.clone()), None),
        // The organisation and the person who acted for it, both kept: the audit trail names a person.
        Principal::Organisation { tax_code, id_number } => {
            ("organisation", Some(format!("{tax_code}:{id_number}")), None)
        }
        Principal::System => ("system", None, None),
    };
    let province =
        change.unit.as_ref().and_then(|u| tree.province_of(u)).map_or_else(|| "vn".to_owned(), |p| p.id.to_string());
    events::append(
        tx,
        &EventRecord {
            province_id: province,
            id: Uuid::now_v7(),
            occurred_at: now,
            subject_type: change.subject_type.into(),
            subject_id: change.subject_id,
            action: change.action.into(),
            unit_id: change.unit.map(|u| u.to_string()),
            actor_kind: actor_kind.into(),
            actor_id,
            actor_unit_id: actor_unit,
            request_id: ctx.request_id.clone(),
            payload: Json(change.payload),
        },
    )
    .await
}
