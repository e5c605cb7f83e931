//! The auditors' audit trail: officer actions outside dossiers (logins and failed logins, accounts and roles,
//! configuration, catalogue and calendar edits, purges), read from the append-only `events` table, limited to the
//! auditor's subtree, filtered by period, actor, action and unit, in keyset pages and as CSV.
//! Dossiers and documents have their own timelines and are not part of it; the lookup log is separate.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _, Utc};
use motcua_domain::access::{Action, Principal};
use motcua_domain::time::{to_local, vietnam_offset};
use motcua_domain::unit::UnitId;
use motcua_storage::events::{self, AuditFilter, EventRecord};
use serde::Serialize;
use uuid::Uuid;

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

fn local_midnight(day: NaiveDate) -> DateTime<Utc> {
    vietnam_offset().from_local_datetime(&day.and_time(NaiveTime::MIN)).single().map(|t| t.to_utc()).unwrap_or_default()
}

fn cursor(e: &AuditEntry) -> String {
    format!("{}_{}", e.occurred_at.timestamp_micros(), e.id)
}

fn parse_cursor(raw: &str) -> Result<(DateTime<Utc>, Uuid), AppError> {
    let bad = || AppError::detailed(ErrorCode::InvalidInput, "Con trỏ trang không hợp lệ.");
    let (micros, id) = raw.split_once('_').ok_or_else(bad)?;
    let at = micros.parse::<i64>().ok().and_then(DateTime::from_timestamp_micros).ok_or_else(bad)?;
    Ok((at, Uuid::parse_str(id).map_err(|_| bad())?))
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
            from: from.map(local_midnight),
            until: to.and_then(|d| d.succ_opt()).map(local_midnight),
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
        let limit = limit.clamp(1, MAX_PAGE);
        let mut tx = self.db().read().await?;
        let rows = events::audit_page(&mut tx, &filter, after, limit).await?;
        tx.commit().await?;
        let entries: Vec<AuditEntry> = rows.into_iter().map(AuditEntry::from).collect();
        let next = (entries.len() as u64 == limit).then(|| entries.last().map(cursor)).flatten();
        Ok(AuditPage { entries, next })
    }

    /// The whole filtered audit trail as CSV (UTF-8 with BOM, for spreadsheet software), newest first.
    pub async fn audit_trail_csv(&self, principal: &Principal, query: &AuditQuery) -> Result<String, AppError> {
        let mut out = String::from(
            "\u{feff}Thời điểm (UTC+7),Thao tác,Đối tượng,Mã đối tượng,Đơn vị,Người thực hiện,Tài khoản,Đơn vị người thực hiện,Mã yêu cầu,Chi tiết\r\n",
        );
        let mut after: Option<String> = None;
        loop {
            let page = self.audit_trail(principal, query, after.as_deref(), MAX_PAGE).await?;
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
                out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
                out.push_str("\r\n");
            }
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(out),
            }
        }
    }
}

/// One CSV field, quoted when needed; a leading formula character is neutralised (CSV injection).
fn csv_field(raw: &str) -> String {
    let text = if raw.starts_with(['=', '+', '-', '@']) { format!("'{raw}") } else { raw.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}
