//! The auditors' audit trail: officer actions outside dossiers (logins and failed logins, accounts and roles,
//! configuration, catalogue and calendar edits, purges), read from the append-only `events` table, limited to the
//! auditor's subtree, filtered by period, actor, action and unit, in keyset pages and as CSV.
//! Dossiers and documents have their own timelines and are not part of it; the lookup log is separate.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::access::{Action, Principal};
use motcua_domain::calendar::working_time::day_start;
use motcua_domain::time::to_local;
use motcua_domain::unit::UnitId;
use motcua_storage::events::{self, AuditFilter, EventRecord};
use serde::Serialize;
use uuid::Uuid;

use crate::keyset::{cursor, parse_cursor};
use crate::{App, AppError, ErrorCode};

/// Subject types that are not part of the audit trail (they have their own timelines).
const NOT_AUDITED_HERE: [&str; 2] = ["dossier", "document"];

/// The largest page.
pub const MAX_PAGE: u64 = 500;

/// What an auditor asks for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditQuery {
    /// A unit and its subtree (default: the province of the auditor's unit).
    #[serde(default)]
    pub unit: Option<String>,
    /// One acting account (officer id).
    #[serde(default)]
    pub actor: Option<String>,
    /// An action or a prefix of actions (`session.`, `officer.created` …).
    #[serde(default)]
    pub action: Option<String>,
    /// First day (local, inclusive).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day (local, inclusive).
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Event id (UUIDv7).
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// `noun.verb`.
    pub action: String,
    /// Kind of record changed.
    pub subject_type: String,
    /// Which record.
    pub subject_id: String,
    /// The unit whose records changed.
    pub unit_id: Option<String>,
    /// `officer`, `system`, `anonymous` …
    pub actor_kind: String,
    /// The acting account.
    pub actor_id: Option<String>,
    /// The acting officer's unit.
    pub actor_unit_id: Option<String>,
    /// The request that caused it.
    pub request_id: Option<String>,
    /// Details.
    pub payload: serde_json::Value,
}

impl From<EventRecord> for AuditEntry {
    fn from(e: EventRecord) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at,
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            unit_id: e.unit_id,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            actor_unit_id: e.actor_unit_id,
            request_id: e.request_id,
            payload: e.payload.0,
        }
    }
}

/// A page of the audit trail, newest first, with the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Pass as `after` for the next page; none: this was the last.
    pub next: Option<String>,
}

impl App {
    fn audit_filter(&self, principal: &Principal, query: &AuditQuery) -> Result<AuditFilter, AppError> {
        let tree = self.tree();
        let scope = match query.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => UnitId::parse(raw)
                .ok()
                .filter(|u| tree.get(u).is_some())
                .ok_or_else(|| AppError::not_found(format!("đơn vị {raw}")))?,
            // Default: the caller's province when they reach it, else their own unit.
            None => match principal {
                Principal::Officer { unit, .. } => match tree.province_of(unit).map(|p| p.id.clone()) {
                    Some(province) if self.require(principal, Action::ViewAudit, &province).is_ok() => province,
                    _ => unit.clone(),
                },
                Principal::Anonymous => return Err(AppError::code(ErrorCode::Unauthenticated)),
                _ => return Err(AppError::code(ErrorCode::Forbidden)),
            },
        };
        // The one decision point: the auditor must hold ViewAudit over the whole scope asked for.
        self.require(principal, Action::ViewAudit, &scope)?;
        let (from, to) = (query.from, query.to);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::detailed(ErrorCode::InvalidInput, "Ngày bắt đầu phải trước ngày kết thúc."));
        }
        Ok(AuditFilter {
            units: tree.units().filter(|u| tree.is_within(&u.id, &scope)).map(|u| u.id.to_string()).collect(),
            // Events tied to no unit (failed logins of unknown names) belong to the province as a whole.
            include_unitless: tree.province_of(&scope).is_some_and(|p| p.id == scope),
            exclude_subjects: NOT_AUDITED_HERE.iter().map(|s| (*s).to_owned()).collect(),
            from: from.map(day_start),
            until: to.and_then(|d| d.succ_opt()).map(day_start),
            actor_id: query.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
            action_prefix: query.action.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
        })
    }

    /// One page of the audit trail (auditors, province and unit administrators, within their reach).
    pub async fn audit_trail(
        &self,
        principal: &Principal,
        query: &AuditQuery,
        after: Option<&str>,
        limit: u64,
    ) -> Result<AuditPage, AppError> {
        let filter = self.audit_filter(principal, query)?;
        let after = after.filter(|a| !a.is_empty()).map(parse_cursor).transpose()?;
        self.audit_page(&filter, after, limit.clamp(1, MAX_PAGE)).await
    }

    async fn audit_page(
        &self,
        filter: &AuditFilter,
        after: Option<(DateTime<Utc>, Uuid)>,
        limit: u64,
    ) -> Result<AuditPage, AppError> {
        let mut tx = self.db().read().await?;
        let rows = events::audit_page(&mut tx, filter, after, limit).await?;
        tx.commit().await?;
        let entries: Vec<AuditEntry> = rows.into_iter().map(AuditEntry::from).collect();
        let next =
            (entries.len() as u64 == limit).then(|| entries.last().map(|e| cursor(e.occurred_at, e.id))).flatten();
        Ok(AuditPage { entries, next })
    }

    /// The whole filtered audit trail as CSV (UTF-8 with BOM, for spreadsheet software), newest first.
    pub async fn audit_trail_csv(&self, principal: &Principal, query: &AuditQuery) -> Result<String, AppError> {
        let filter = self.audit_filter(principal, query)?;
        let internal = |e: csv::Error| AppError::detailed(ErrorCode::Internal, e.to_string());
        let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(vec![0xEF, 0xBB, 0xBF]);
        out.write_record(CSV_HEADERS).map_err(internal)?;
        let mut after = None;
        loop {
            let page = self.audit_page(&filter, after, MAX_PAGE).await?;
            for e in &page.entries {
                let at = to_local(e.occurred_at).format("%d/%m/%Y %H:%M:%S").to_string();
                let fields = [
                    at,
                    e.action.clone(),
                    e.subject_type.clone(),
                    e.subject_id.clone(),
                    e.unit_id.clone().unwrap_or_default(),
                    e.actor_kind.clone(),
                    e.actor_id.clone().unwrap_or_default(),
                    e.actor_unit_id.clone().unwrap_or_default(),
                    e.request_id.clone().unwrap_or_default(),
                    e.payload.to_string(),
                ];
                out.write_record(fields.iter().map(|f| formula_safe(f))).map_err(internal)?;
            }
            match page.entries.last().filter(|_| page.next.is_some()) {
                Some(last) => after = Some((last.occurred_at, last.id)),
                None => break,
            }
        }
        let bytes = out.into_inner().map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))
    }
}

const CSV_HEADERS: [&str; 10] = [
    "Thời điểm (UTC+7)",
    "Thao tác",
    "Đối tượng",
    "Mã đối tượng",
    "Đơn vị",
    "Người thực hiện",
    "Tài khoản",
    "Đơn vị người thực hiện",
    "Mã yêu cầu",
    "Chi tiết",
];

/// A leading formula character is neutralised, so that a spreadsheet does not run a value (CSV injection).
fn formula_safe(raw: &str) -> String {
    if raw.starts_with(['=', '+', '-', '@']) { format!("'{raw}") } else { raw.to_owned() }
}
