//! The procedure catalogue: imports that validate everything before writing anything, versioned edits, the
//! public search, and the catalogue review.
//!
//! Every change appends a version; the public sees the published version; a draft of a published procedure
//! stays private until it is published. A re-import of unchanged content changes nothing (content hash).

pub mod sheet;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use motcua_domain::access::{Action, Principal};
use motcua_domain::catalogue::review::{self, AbolishedPaper, ProcedureReview};
use motcua_domain::catalogue::{CatalogueFile, FORMAT, Level, Lifecycle, OnlineLevel, Procedure, check};
use motcua_domain::text::fold;
use motcua_domain::unit::{UnitId, UnitKind, UnitTree};
use motcua_storage::catalogue::{self as store, DecisionRecord, Filter, SummaryRecord, VersionRecord, Which};
use motcua_storage::{Json, Tx};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::App;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::record::{self, Change, Ctx};

/// The curated list of abolished and redundant papers (`data/catalogue/abolished-papers.toml`).
pub const ABOLISHED_PAPERS_TOML: &str = include_str!("../../../../data/catalogue/abolished-papers.toml");

/// The demo catalogue (`data/demo/catalogue.json`).
pub const DEMO_CATALOGUE_JSON: &str = include_str!("../../../../data/demo/catalogue.json");

/// Parses the abolished-papers list.
pub fn abolished_papers(text: &str) -> Result<Vec<AbolishedPaper>, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        paper: Vec<AbolishedPaper>,
    }
    toml::from_str::<File>(text)
        .map(|f| f.paper)
        .map_err(|e| AppError::detailed(ErrorCode::InvalidInput, format!("Danh mục giấy tờ bãi bỏ không hợp lệ: {e}")))
}

/// One problem of an import, located in the file.
fn problem(file: &str, at: impl std::fmt::Display, message: impl std::fmt::Display) -> FieldError {
    FieldError { field: format!("{file}: {at}"), message: message.to_string() }
}

/// A catalogue file as read: the procedures that could be read, where they were in the file, and the problems of
/// those that could not.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Procedures read.
    pub procedures: Vec<Procedure>,
    /// Each procedure's index in the file.
    pub positions: Vec<usize>,
    /// Problems found while reading.
    pub problems: Vec<FieldError>,
}

impl Parsed {
    /// All procedures, or every reading problem.
    pub fn into_result(self) -> Result<Vec<Procedure>, Vec<FieldError>> {
        if self.problems.is_empty() { Ok(self.procedures) } else { Err(self.problems) }
    }
}

/// Parses a catalogue in the canonical JSON format. Each procedure is read on its own so that one bad procedure
/// does not hide the problems of the others, nor keep the others from being checked; problems are located by
/// their JSON path.
pub fn parse_json(file: &str, text: &str) -> Parsed {
    #[derive(Deserialize)]
    struct Loose {
        format: String,
        procedures: Vec<serde_json::Value>,
    }
    let loose: Loose = match serde_json::from_str(text) {
        Ok(loose) => loose,
        Err(e) => {
            let at = format!("dòng {}, cột {}", e.line(), e.column());
            return Parsed {
                problems: vec![problem(file, at, format!("không đọc được JSON: {e}"))],
                ..Parsed::default()
            };
        }
    };
    let mut parsed = Parsed::default();
    if loose.format != FORMAT {
        let message = format!("định dạng \"{}\" không được hỗ trợ (cần \"{FORMAT}\")", loose.format);
        parsed.problems.push(problem(file, "format", message));
    }
    for (i, value) in loose.procedures.into_iter().enumerate() {
        let label = value.get("code").and_then(|c| c.as_str()).map(|c| format!(" ({c})")).unwrap_or_default();
        match serde_path_to_error::deserialize::<_, Procedure>(value) {
            Ok(p) => {
                parsed.procedures.push(p);
                parsed.positions.push(i);
            }
            Err(e) => {
                let path = e.path().to_string();
                parsed.problems.push(problem(file, format!("procedures[{i}]{label}.{path}"), e.into_inner()));
            }
        }
    }
    parsed
}

/// The canonical JSON text of a catalogue (what export writes and import reads).
pub fn to_json(procedures: Vec<Procedure>) -> String {
    let file = CatalogueFile { format: FORMAT.into(), note: None, procedures };
    let mut text = serde_json::to_string_pretty(&file).expect("catalogue serialises");
    text.push('\n');
    text
}

/// The JSON Schema of the canonical format.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(CatalogueFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("schema serialises");
    text.push('\n');
    text
}

/// The canonical JSON of a procedure.
fn document_of(p: &Procedure) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(p).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))
}

/// The hash that decides whether a procedure changed: SHA-256 of its canonical JSON.
fn content_hash(document: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(document.to_string().as_bytes()))
}

fn piped<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("|");
    for item in items {
        out.push_str(item);
        out.push('|');
    }
    out
}

fn summary_of(p: &Procedure, latest: i64, published: Option<i64>, now: chrono::DateTime<chrono::Utc>) -> SummaryRecord {
    SummaryRecord {
        code: p.code.to_string(),
        name: p.name.clone(),
        search_text: p.search_text(),
        sector_name: p.sector.name.clone(),
        levels: piped(p.levels.iter().map(|l| l.as_str())),
        units: piped(p.units.iter().map(UnitId::as_str)),
        online_level: p.online_level.as_str().into(),
        lifecycle: p.lifecycle.as_str().into(),
        essential: p.essential,
        latest_version: latest,
        published_version: published,
        updated_at: now,
    }
}

/// The summary after appending `version` of `p`: a draft over a published version leaves the public summary
/// (`kept`, the stored one) as it was.
fn next_summary(
    p: &Procedure,
    version: i64,
    kept: Option<SummaryRecord>,
    now: chrono::DateTime<chrono::Utc>,
) -> SummaryRecord {
    match (p.lifecycle, kept) {
        (Lifecycle::Draft, Some(mut kept)) if kept.published_version.is_some() => {
            kept.latest_version = version;
            kept.updated_at = now;
            kept
        }
        (Lifecycle::Published, _) => summary_of(p, version, Some(version), now),
        _ => summary_of(p, version, None, now),
    }
}

/// The stored form of `version` of `p`, whose canonical JSON is `document`.
fn version_of(
    p: &Procedure,
    version: i64,
    document: serde_json::Value,
    content_hash: String,
    now: chrono::DateTime<chrono::Utc>,
) -> VersionRecord {
    VersionRecord {
        code: p.code.to_string(),
        version,
        lifecycle: p.lifecycle.as_str().into(),
        effective_from: p.effective_from,
        effective_to: p.effective_to,
        content_hash,
        document: Json(document),
        created_at: now,
    }
}

fn decode(record: VersionRecord) -> Result<Procedure, AppError> {
    serde_json::from_value(record.document.0).map_err(|e| {
        AppError::detailed(ErrorCode::Internal, format!("stored procedure {} is invalid: {e}", record.code))
    })
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Procedures that did not exist.
    pub created: usize,
    /// Procedures that got a new version.
    pub updated: usize,
    /// Procedures already identical.
    pub unchanged: usize,
}

/// A catalogue query from the public pages or the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CatalogueQuery {
    /// Words to find in the code, name or sector, diacritics and case ignored.
    #[serde(default)]
    pub q: Option<String>,
    /// Sector name.
    #[serde(default)]
    pub sector: Option<String>,
    /// A unit: procedures it implements.
    #[serde(default)]
    pub unit: Option<String>,
    /// Level (`province`, `commune`, `vertical`, `ministry`).
    #[serde(default)]
    pub level: Option<String>,
    /// Online level (`full_process`, `partial`, `none`).
    #[serde(default)]
    pub online: Option<String>,
    /// Only essential services.
    #[serde(default)]
    pub essential: Option<bool>,
    /// Page, from 1.
    #[serde(default)]
    pub page: Option<u32>,
}

/// One line of a catalogue listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureSummary {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Sector.
    pub sector: String,
    /// Levels.
    pub levels: Vec<Level>,
    /// Online level.
    pub online_level: OnlineLevel,
    /// Lifecycle of the version summarised.
    pub lifecycle: Lifecycle,
    /// Essential service.
    pub essential: bool,
    /// Newest version.
    pub latest_version: i64,
    /// Published version, if any.
    pub published_version: Option<i64>,
}

impl ProcedureSummary {
    fn from_record(r: SummaryRecord) -> Self {
        let levels = r.levels.split('|').filter_map(Level::parse).collect();
        Self {
            online_level: OnlineLevel::parse(&r.online_level).unwrap_or_default(),
            lifecycle: Lifecycle::parse(&r.lifecycle).unwrap_or_default(),
            code: r.code,
            name: r.name,
            sector: r.sector_name,
            levels,
            essential: r.essential,
            latest_version: r.latest_version,
            published_version: r.published_version,
        }
    }
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueResults {
    /// The procedures on this page.
    pub items: Vec<ProcedureSummary>,
    /// Matches in all.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
    /// Results per page.
    pub per_page: u32,
}

/// Decoded procedure versions by (code, version). Versions never change once stored, so entries never go stale;
/// the cache is emptied when it grows past [`VersionCache::CAPACITY`].
#[derive(Clone, Default)]
pub struct VersionCache(std::sync::Arc<std::sync::RwLock<VersionMap>>);

type VersionMap = HashMap<(String, i64), std::sync::Arc<Procedure>>;

impl VersionCache {
    /// Most versions kept.
    pub const CAPACITY: usize = 4096;

    fn get(&self, code: &str, version: i64) -> Option<std::sync::Arc<Procedure>> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).get(&(code.to_owned(), version)).cloned()
    }

    fn put(&self, code: &str, version: i64, p: Procedure) -> std::sync::Arc<Procedure> {
        let p = std::sync::Arc::new(p);
        let mut map = self.0.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::CAPACITY {
            map.clear();
        }
        map.insert((code.to_owned(), version), p.clone());
        p
    }
}

/// Procedures an import writes per statement batch.
const FLUSH_EVERY: usize = 200;

/// Results per page of the catalogue.
pub const PER_PAGE: u32 = 20;

/// A procedure as stored, with its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredProcedure {
    /// The version number.
    pub version: i64,
    /// The newest version (for optimistic edits).
    pub latest_version: i64,
    /// The version the public sees.
    pub published_version: Option<i64>,
    /// The procedure.
    pub procedure: Procedure,
}

/// One line of a procedure's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    /// Version number.
    pub version: i64,
    /// Lifecycle of that version.
    pub lifecycle: Lifecycle,
    /// First day it applies.
    pub effective_from: NaiveDate,
    /// Last day it applies.
    pub effective_to: Option<NaiveDate>,
    /// When it was stored.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The review of the whole catalogue with officers' decisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewReport {
    /// Totals.
    pub summary: review::Summary,
    /// Per procedure, those needing attention first, then by code.
    pub procedures: Vec<ProcedureReview>,
    /// Decisions by (code, component, paper) → `confirmed` | `dismissed`.
    pub decisions: BTreeMap<String, String>,
}

impl ReviewReport {
    /// The key of a finding in [`ReviewReport::decisions`].
    pub fn decision_key(code: &str, component: &str, paper: &str) -> String {
        format!("{code}/{component}/{paper}")
    }
}

impl App {
    fn unit_exists(tree: &UnitTree) -> impl Fn(&UnitId) -> bool + '_ {
        move |u| tree.get(u).is_some()
    }

    /// Checks procedures against the domain rules and the organisation tree; all problems at once, located by
    /// each procedure's index in the file (`positions`, or its index in `procedures` when empty).
    pub fn check_procedures(&self, file: &str, procedures: &[Procedure], positions: &[usize]) -> Vec<FieldError> {
        let tree = self.tree();
        check::catalogue(procedures, &Self::unit_exists(&tree))
            .into_iter()
            .map(|(i, p)| {
                let at = positions.get(i).copied().unwrap_or(i);
                problem(file, format!("procedures[{at}] ({}).{}", procedures[i].code, p.path), p.message)
            })
            .collect()
    }

    /// Imports procedures: everything is checked first and nothing is written unless all is valid; then each
    /// procedure whose content differs gets a new version, in one transaction. `progress` is told how many
    /// procedures were prepared out of how many.
    pub async fn import_catalogue(
        &self,
        ctx: &Ctx,
        file: &str,
        procedures: Vec<Procedure>,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<ImportReport, AppError> {
        self.require_in_home_province(&ctx.principal, Action::ManageCatalogue)?;
        let problems = self.check_procedures(file, &procedures, &[]);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let now = self.now();
        let mut tx = self.db().begin_write().await?;
        let heads = store::heads(&mut tx).await?;
        let mut report = ImportReport::default();
        let (mut summaries, mut versions, mut changed) = (Vec::new(), Vec::new(), Vec::new());
        let total = procedures.len();
        for (i, p) in procedures.into_iter().enumerate() {
            if i % 500 == 0 {
                progress(i, total);
            }
            // Written in chunks so that memory stays bounded however large the file.
            if versions.len() == FLUSH_EVERY {
                store::upsert_summaries(&mut tx, &std::mem::take(&mut summaries)).await?;
                store::insert_versions(&mut tx, &std::mem::take(&mut versions)).await?;
            }
            let document = document_of(&p)?;
            let hash = content_hash(&document);
            let head = heads.get(p.code.as_str());
            if head.is_some_and(|h| h.content_hash == hash) {
                report.unchanged += 1;
                continue;
            }
            let version = head.map_or(1, |h| h.version + 1);
            if head.is_some() {
                report.updated += 1
            } else {
                report.created += 1
            }
            // Only a draft over a published version needs the stored summary (it is kept).
            let kept = if p.lifecycle == Lifecycle::Draft && head.is_some_and(|h| h.published_version.is_some()) {
                Some(store::head(&mut tx, p.code.as_str()).await?.ok_or(AppError::code(ErrorCode::Internal))?)
            } else {
                None
            };
            summaries.push(next_summary(&p, version, kept, now));
            changed.push(serde_json::json!({ "code": p.code, "version": version }));
            versions.push(version_of(&p, version, document, hash, now));
        }
        progress(total, total);
        store::upsert_summaries(&mut tx, &summaries).await?;
        store::insert_versions(&mut tx, &versions).await?;
        if !changed.is_empty() {
            let payload = serde_json::json!({ "file": file, "report": report, "changed": changed });
            self.catalogue_event(&mut tx, ctx, now, ("catalogue", file.to_owned()), "catalogue.imported", payload)
                .await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Appends the event of a catalogue change, on behalf of the actor's province.
    async fn catalogue_event(
        &self,
        tx: &mut Tx,
        ctx: &Ctx,
        now: chrono::DateTime<chrono::Utc>,
        (subject_type, subject_id): (&'static str, String),
        action: &'static str,
        payload: serde_json::Value,
    ) -> Result<(), AppError> {
        let tree = self.tree();
        let unit = match &ctx.principal {
            Principal::Officer { unit, .. } => tree.province_of(unit).map(|p| p.id.clone()),
            _ => None,
        };
        record::event(tx, &tree, now, ctx, Change { subject_type, subject_id, action, unit, payload }).await?;
        Ok(())
    }

    /// Every procedure's newest version (for export and review).
    pub async fn catalogue_documents(&self, published_only: bool) -> Result<Vec<Procedure>, AppError> {
        let mut tx = self.db().read().await?;
        let which = if published_only { Which::Published } else { Which::Latest };
        let records = store::documents(&mut tx, which).await?;
        tx.commit().await?;
        records.into_iter().map(decode).collect()
    }

    /// Exports the newest version of every procedure in the canonical JSON format.
    pub async fn export_catalogue(&self, principal: &Principal) -> Result<String, AppError> {
        self.require_in_home_province(principal, Action::ReviewCatalogue)?;
        Ok(to_json(self.catalogue_documents(false).await?))
    }

    /// Searches the catalogue. The public (`drafts == false`) sees published versions only.
    pub async fn search_catalogue(&self, query: &CatalogueQuery, drafts: bool) -> Result<CatalogueResults, AppError> {
        let page = query.page.unwrap_or(1).clamp(1, 10_000);
        let filter = self.filter_of(query, drafts)?;
        let mut tx = self.db().read().await?;
        let (rows, total) =
            store::search(&mut tx, &filter, u64::from(PER_PAGE), u64::from((page - 1) * PER_PAGE)).await?;
        tx.commit().await?;
        Ok(CatalogueResults {
            items: rows.into_iter().map(ProcedureSummary::from_record).collect(),
            total,
            page,
            per_page: PER_PAGE,
        })
    }

    fn filter_of(&self, query: &CatalogueQuery, drafts: bool) -> Result<Filter, AppError> {
        let invalid = |field: &str, message: &str| AppError::Invalid(vec![FieldError::new(field, message)]);
        let nonempty = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let words =
            fold(query.q.as_deref().unwrap_or("")).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        let level = match nonempty(&query.level) {
            None => None,
            Some(l) => Some(
                Level::parse(&l).ok_or_else(|| invalid("level", "Cấp thực hiện không hợp lệ."))?.as_str().to_owned(),
            ),
        };
        let online_level = match nonempty(&query.online) {
            None => None,
            Some(o) => Some(
                OnlineLevel::parse(&o)
                    .ok_or_else(|| invalid("online", "Mức độ trực tuyến không hợp lệ."))?
                    .as_str()
                    .to_owned(),
            ),
        };
        let mut filter = Filter {
            words,
            sector: nonempty(&query.sector),
            units: Vec::new(),
            level,
            online_level,
            published_only: !drafts,
            essential_only: query.essential.unwrap_or(false),
        };
        if let Some(unit) = nonempty(&query.unit) {
            let tree = self.tree();
            let id = UnitId::parse(&unit).ok().filter(|id| tree.get(id).is_some());
            let id = id.ok_or_else(|| invalid("unit", "Không tìm thấy đơn vị đã chọn."))?;
            let kind = tree.get(&id).map(|u| u.kind).unwrap_or(UnitKind::Province);
            if kind.is_commune_level() {
                // A commune implements the commune-level procedures of its province (and those naming it).
                filter.units = tree.ancestors(&id).map(|u| u.id.to_string()).collect();
                if filter.level.is_none() {
                    filter.level = Some(Level::Commune.as_str().into());
                }
            } else if kind == UnitKind::Province {
                filter.units = std::iter::once(id.to_string())
                    .chain(tree.children(&id).filter(|u| !u.kind.is_commune_level()).map(|u| u.id.to_string()))
                    .collect();
            } else {
                filter.units = vec![id.to_string()];
            }
        }
        Ok(filter)
    }

    /// Sector names with their number of procedures.
    pub async fn catalogue_sectors(&self, drafts: bool) -> Result<Vec<(String, i64)>, AppError> {
        let mut tx = self.db().read().await?;
        let sectors = store::sectors(&mut tx, !drafts).await?;
        tx.commit().await?;
        Ok(sectors)
    }

    /// One procedure: the published version for the public; any version (default the newest) for reviewers.
    pub async fn procedure(
        &self,
        principal: &Principal,
        code: &str,
        version: Option<i64>,
    ) -> Result<StoredProcedure, AppError> {
        let not_found = || AppError::not_found(format!("thủ tục {code}"));
        let mut tx = self.db().read().await?;
        let head = store::head(&mut tx, code).await?.ok_or_else(not_found)?;
        let public_version = head.published_version;
        let wanted = match version {
            Some(v) if Some(v) == public_version => v,
            Some(v) => {
                self.require_in_home_province(principal, Action::ReviewCatalogue)?;
                v
            }
            None => match public_version {
                Some(v) => v,
                None => {
                    self.require_in_home_province(principal, Action::ReviewCatalogue).map_err(|_| not_found())?;
                    head.latest_version
                }
            },
        };
        let procedure = match self.procedures.get(code, wanted) {
            Some(p) => p,
            None => {
                let record = store::version(&mut tx, code, wanted).await?.ok_or_else(not_found)?;
                self.procedures.put(code, wanted, decode(record)?)
            }
        };
        tx.commit().await?;
        Ok(StoredProcedure {
            version: wanted,
            latest_version: head.latest_version,
            published_version: public_version,
            procedure: (*procedure).clone(),
        })
    }

    /// The statutory duration and counting mode of a procedure's published version, for due dates. A duration
    /// published without a unit is refused until an officer confirms it.
    pub async fn statutory_time(
        &self,
        code: &str,
    ) -> Result<(motcua_domain::deadline::Duration, Option<motcua_domain::deadline::Mode>), AppError> {
        let stored = self.procedure(&Principal::Anonymous, code, None).await?;
        let time = stored.procedure.time.as_ref();
        match time.and_then(|t| t.confirmed()) {
            Some(duration) => Ok((duration, time.and_then(|t| t.mode))),
            None => Err(AppError::detailed(
                ErrorCode::InvalidInput,
                format!(
                    "Thời hạn giải quyết của thủ tục {code} chưa được công bố đủ đơn vị; cán bộ cần xác nhận trước khi tính hạn."
                ),
            )),
        }
    }

    /// The versions of a procedure, newest first.
    pub async fn procedure_history(&self, principal: &Principal, code: &str) -> Result<Vec<VersionInfo>, AppError> {
        self.require_in_home_province(principal, Action::ReviewCatalogue)?;
        let mut tx = self.db().read().await?;
        let rows = store::history(&mut tx, code).await?;
        tx.commit().await?;
        if rows.is_empty() {
            return Err(AppError::not_found(format!("thủ tục {code}")));
        }
        Ok(rows
            .into_iter()
            .map(|r| VersionInfo {
                version: r.version,
                lifecycle: Lifecycle::parse(&r.lifecycle).unwrap_or_default(),
                effective_from: r.effective_from,
                effective_to: r.effective_to,
                created_at: r.created_at,
            })
            .collect())
    }

    /// Saves an edited or new procedure as a new draft version. `expected_version` is the newest version the
    /// editor read (`None` for a new procedure); anyone else's change in between is a conflict.
    pub async fn save_procedure(
        &self,
        ctx: &Ctx,
        mut procedure: Procedure,
        expected_version: Option<i64>,
    ) -> Result<i64, AppError> {
        procedure.lifecycle = Lifecycle::Draft;
        self.change_procedure(ctx, procedure, expected_version, "procedure.saved").await
    }

    /// Publishes the newest version of a procedure (as a new version) so the public sees it.
    pub async fn publish_procedure(&self, ctx: &Ctx, code: &str, expected_version: i64) -> Result<i64, AppError> {
        self.set_lifecycle(ctx, code, expected_version, Lifecycle::Published, "procedure.published").await
    }

    /// Withdraws a procedure: the public no longer sees it; dossiers keep their version.
    pub async fn withdraw_procedure(&self, ctx: &Ctx, code: &str, expected_version: i64) -> Result<i64, AppError> {
        self.set_lifecycle(ctx, code, expected_version, Lifecycle::Withdrawn, "procedure.withdrawn").await
    }

    async fn set_lifecycle(
        &self,
        ctx: &Ctx,
        code: &str,
        expected_version: i64,
        lifecycle: Lifecycle,
        action: &'static str,
    ) -> Result<i64, AppError> {
        self.require_in_home_province(&ctx.principal, Action::ManageCatalogue)?;
        let mut tx = self.db().read().await?;
        let record = store::version(&mut tx, code, expected_version).await?;
        tx.commit().await?;
        let mut procedure = decode(record.ok_or_else(|| AppError::not_found(format!("thủ tục {code}")))?)?;
        procedure.lifecycle = lifecycle;
        self.change_procedure(ctx, procedure, Some(expected_version), action).await
    }

    async fn change_procedure(
        &self,
        ctx: &Ctx,
        procedure: Procedure,
        expected_version: Option<i64>,
        action: &'static str,
    ) -> Result<i64, AppError> {
        self.require_in_home_province(&ctx.principal, Action::ManageCatalogue)?;
        let problems = check::procedure(&procedure, &Self::unit_exists(&self.tree()));
        if !problems.is_empty() {
            return Err(AppError::Invalid(
                problems.into_iter().map(|p| FieldError { field: p.path, message: p.message }).collect(),
            ));
        }
        let now = self.now();
        let document = document_of(&procedure)?;
        let code = procedure.code.to_string();
        let mut tx = self.db().begin_write().await?;
        let head = store::head(&mut tx, &code).await?;
        let latest = head.as_ref().map(|h| h.latest_version);
        if latest != expected_version {
            tx.rollback().await?;
            return Err(if expected_version.is_none() {
                AppError::detailed(ErrorCode::StaleVersion, format!("Thủ tục mã {code} đã có trong danh mục."))
            } else {
                AppError::code(ErrorCode::StaleVersion)
            });
        }
        let version = latest.unwrap_or(0) + 1;
        store::upsert_summaries(&mut tx, &[next_summary(&procedure, version, head, now)]).await?;
        let hash = content_hash(&document);
        store::insert_versions(&mut tx, &[version_of(&procedure, version, document, hash, now)]).await?;
        let payload = serde_json::json!({ "version": version, "lifecycle": procedure.lifecycle.as_str() });
        self.catalogue_event(&mut tx, ctx, now, ("procedure", code), action, payload).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The catalogue review of the newest versions, with officers' decisions on paper findings.
    pub async fn catalogue_review(&self, principal: &Principal) -> Result<ReviewReport, AppError> {
        self.require_in_home_province(principal, Action::ReviewCatalogue)?;
        let papers = abolished_papers(ABOLISHED_PAPERS_TOML)?;
        let documents = self.catalogue_documents(false).await?;
        let mut tx = self.db().read().await?;
        let decisions = store::decisions(&mut tx).await?;
        tx.commit().await?;
        let mut reviews: Vec<ProcedureReview> = documents
            .iter()
            .filter(|p| p.lifecycle != Lifecycle::Withdrawn)
            .map(|p| review::procedure(p, &papers))
            .collect();
        reviews.sort_by(|a, b| b.needs_attention().cmp(&a.needs_attention()).then_with(|| a.code.cmp(&b.code)));
        Ok(ReviewReport {
            summary: review::summarise(&reviews),
            procedures: reviews,
            decisions: decisions
                .into_iter()
                .map(|d| (ReviewReport::decision_key(&d.code, &d.component_key, &d.paper_key), d.decision))
                .collect(),
        })
    }

    /// Records an officer's decision on a paper finding: `confirmed` (the paper must go) or `dismissed`.
    pub async fn decide_review_finding(
        &self,
        ctx: &Ctx,
        code: &str,
        component: &str,
        paper: &str,
        confirmed: bool,
        note: Option<String>,
    ) -> Result<(), AppError> {
        self.require_in_home_province(&ctx.principal, Action::ManageCatalogue)?;
        let officer = match &ctx.principal {
            Principal::Officer { id, .. } => id.to_string(),
            _ => "system".to_owned(),
        };
        let head = self.procedure(&ctx.principal, code, None).await?;
        let current = if head.version == head.latest_version {
            head
        } else {
            self.procedure(&ctx.principal, code, Some(head.latest_version)).await?
        };
        let papers = abolished_papers(ABOLISHED_PAPERS_TOML)?;
        let known = review::abolished_papers(&current.procedure, &papers)
            .iter()
            .any(|f| f.component == component && f.paper == paper);
        if !known {
            return Err(AppError::not_found(format!("phát hiện {component}/{paper} của thủ tục {code}")));
        }
        let decision = if confirmed { "confirmed" } else { "dismissed" };
        let now = self.now();
        let mut tx = self.db().begin_write().await?;
        store::put_decision(
            &mut tx,
            &DecisionRecord {
                code: code.into(),
                component_key: component.into(),
                paper_key: paper.into(),
                decision: decision.into(),
                note: note.clone(),
                decided_by: officer,
                decided_at: now,
            },
        )
        .await?;
        let payload = serde_json::json!({ "component": component, "paper": paper, "decision": decision, "note": note });
        self.catalogue_event(&mut tx, ctx, now, ("procedure", code.into()), "procedure.review_decided", payload)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Units a procedure is implemented at, by id, with their names (for pages).
pub fn unit_names(tree: &UnitTree, p: &Procedure) -> Vec<(String, String)> {
    p.units
        .iter()
        .map(|u| (u.to_string(), tree.get(u).map_or_else(|| u.to_string(), |unit| unit.name.clone())))
        .collect()
}

/// Groups fee totals by channel for display: (counter total, online total) on `date`.
pub fn fee_totals(p: &Procedure, date: NaiveDate) -> (i64, i64) {
    use motcua_domain::calendar::working_time::ReceptionChannel;
    (p.fee_total(ReceptionChannel::Counter, date), p.fee_total(ReceptionChannel::Online, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curated_list_parses() {
        let papers = abolished_papers(ABOLISHED_PAPERS_TOML).unwrap();
        assert!(papers.iter().any(|p| p.key == "so_ho_khau"));
        assert!(papers.iter().all(|p| !p.phrases.is_empty() && !p.legal_basis.is_empty()));
    }

    #[test]
    fn json_problems_are_located_per_procedure() {
        let text = r#"{"format":"motcua.catalogue/1","procedures":[
            {"code":"1.00161","name":"A","sector":{"name":"S"},"levels":["commune"],"effective_from":"2025-07-01"},
            {"code":"1.001612","name":"B","sector":{"name":"S"},"levels":["commune"],"effective_from":"2025-07-01",
             "forms":[{"title":"T","version":1,"fields":[{"key":"a","label":"A","type":"text","prefill":"population.shoe"}]}]}
        ]}"#;
        let errors = parse_json("x.json", text).problems;
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].field.starts_with("x.json: procedures[0] (1.00161).code"), "{}", errors[0].field);
        assert!(errors[0].message.contains("d.dddddd"));
        assert!(errors[1].field.contains("procedures[1] (1.001612).forms[0].fields[0]"), "{}", errors[1].field);
        assert!(errors[1].message.contains("population.shoe"));
    }

    #[test]
    fn the_documented_schema_is_the_generated_one() {
        // Regenerate with: cargo run -- catalogue schema > docs/catalogue.schema.json
        let documented = include_str!("../../../../docs/catalogue.schema.json");
        assert_eq!(documented, json_schema());
    }

    #[test]
    fn a_wrong_format_is_refused() {
        let errors = parse_json("x.json", r#"{"format":"other/2","procedures":[]}"#).problems;
        assert!(errors[0].message.contains("other/2"));
        assert!(parse_json("x.json", "{").problems[0].field.contains("dòng 1"));
    }
}
