//! The procedure catalogue: immutable versions of each procedure and one summary row per code for search.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Func, Iden, OnConflict, Order, Query, SelectStatement};
use sqlx::types::Json;

use crate::db::Tx;
use crate::error::StorageError;

#[derive(Iden)]
enum Procedures {
    Table,
    Code,
    Name,
    SearchText,
    SectorName,
    Levels,
    Units,
    OnlineLevel,
    Lifecycle,
    Essential,
    LatestVersion,
    PublishedVersion,
    UpdatedAt,
}

#[derive(Iden)]
enum ProcedureVersions {
    Table,
    Code,
    Version,
    Lifecycle,
    EffectiveFrom,
    EffectiveTo,
    ContentHash,
    Document,
    CreatedAt,
}

/// The searchable summary of a procedure.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SummaryRecord {
    /// Procedure code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Folded code, name and sector.
    pub search_text: String,
    /// Sector name.
    pub sector_name: String,
    /// Levels as `|commune|vertical|`.
    pub levels: String,
    /// Unit ids as `|p48|p48.stp|`.
    pub units: String,
    /// Online level.
    pub online_level: String,
    /// Lifecycle of the summarised version.
    pub lifecycle: String,
    /// An essential service.
    pub essential: bool,
    /// The newest version.
    pub latest_version: i64,
    /// The version the public sees, if any.
    pub published_version: Option<i64>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

const SUMMARY: [Procedures; 12] = [
    Procedures::Code,
    Procedures::Name,
    Procedures::SearchText,
    Procedures::SectorName,
    Procedures::Levels,
    Procedures::Units,
    Procedures::OnlineLevel,
    Procedures::Lifecycle,
    Procedures::Essential,
    Procedures::LatestVersion,
    Procedures::PublishedVersion,
    Procedures::UpdatedAt,
];

/// One stored version.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VersionRecord {
    /// Procedure code.
    pub code: String,
    /// Version number, from 1.
    pub version: i64,
    /// Lifecycle of this version.
    pub lifecycle: String,
    /// First day it applies.
    pub effective_from: NaiveDate,
    /// Last day it applies.
    pub effective_to: Option<NaiveDate>,
    /// SHA-256 of the canonical document.
    pub content_hash: String,
    /// The whole procedure.
    pub document: Json<serde_json::Value>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

const VERSION: [ProcedureVersions; 8] = [
    ProcedureVersions::Code,
    ProcedureVersions::Version,
    ProcedureVersions::Lifecycle,
    ProcedureVersions::EffectiveFrom,
    ProcedureVersions::EffectiveTo,
    ProcedureVersions::ContentHash,
    ProcedureVersions::Document,
    ProcedureVersions::CreatedAt,
];

/// The head of each procedure: latest version, its hash, the published version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Head {
    /// Procedure code.
    pub code: String,
    /// The newest version.
    pub version: i64,
    /// Its content hash.
    pub content_hash: String,
    /// The version the public sees.
    pub published_version: Option<i64>,
}

/// Joins each procedure to its version named by `pointer` (`LatestVersion` or `PublishedVersion`).
fn version_at(pointer: Procedures) -> sea_query::SimpleExpr {
    Expr::col((ProcedureVersions::Table, ProcedureVersions::Code))
        .equals((Procedures::Table, Procedures::Code))
        .and(Expr::col((ProcedureVersions::Table, ProcedureVersions::Version)).equals((Procedures::Table, pointer)))
}

/// The head of every procedure, by code.
pub async fn heads(tx: &mut Tx) -> Result<HashMap<String, Head>, StorageError> {
    let rows: Vec<Head> = tx
        .fetch_all(
            Query::select()
                .expr_as(Expr::col((Procedures::Table, Procedures::Code)), "code")
                .expr_as(Expr::col((Procedures::Table, Procedures::LatestVersion)), "version")
                .column((ProcedureVersions::Table, ProcedureVersions::ContentHash))
                .column((Procedures::Table, Procedures::PublishedVersion))
                .from(Procedures::Table)
                .inner_join(ProcedureVersions::Table, version_at(Procedures::LatestVersion)),
        )
        .await?;
    Ok(rows.into_iter().map(|h| (h.code.clone(), h)).collect())
}

/// The head of one procedure.
pub async fn head(tx: &mut Tx, code: &str) -> Result<Option<SummaryRecord>, StorageError> {
    tx.fetch_optional(
        Query::select().columns(SUMMARY).from(Procedures::Table).and_where(Expr::col(Procedures::Code).eq(code)),
    )
    .await
}

/// Appends versions (each a new, higher version of its code) in multi-row statements.
pub async fn insert_versions(tx: &mut Tx, versions: &[VersionRecord]) -> Result<(), StorageError> {
    for chunk in versions.chunks(200) {
        let mut insert = Query::insert();
        insert.into_table(ProcedureVersions::Table).columns(VERSION);
        for v in chunk {
            insert.values_panic([
                v.code.clone().into(),
                v.version.into(),
                v.lifecycle.clone().into(),
                v.effective_from.into(),
                v.effective_to.into(),
                v.content_hash.clone().into(),
                v.document.0.clone().into(),
                v.created_at.into(),
            ]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// Inserts or replaces summaries in multi-row statements. Summaries go in before their versions (foreign key).
pub async fn upsert_summaries(tx: &mut Tx, summaries: &[SummaryRecord]) -> Result<(), StorageError> {
    for chunk in summaries.chunks(200) {
        let mut insert = Query::insert();
        insert
            .into_table(Procedures::Table)
            .columns(SUMMARY)
            .on_conflict(OnConflict::column(Procedures::Code).update_columns(SUMMARY.into_iter().skip(1)).to_owned());
        for s in chunk {
            insert.values_panic([
                s.code.clone().into(),
                s.name.clone().into(),
                s.search_text.clone().into(),
                s.sector_name.clone().into(),
                s.levels.clone().into(),
                s.units.clone().into(),
                s.online_level.clone().into(),
                s.lifecycle.clone().into(),
                s.essential.into(),
                s.latest_version.into(),
                s.published_version.into(),
                s.updated_at.into(),
            ]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// One version of a procedure.
pub async fn version(tx: &mut Tx, code: &str, version: i64) -> Result<Option<VersionRecord>, StorageError> {
    tx.fetch_optional(
        Query::select()
            .columns(VERSION)
            .from(ProcedureVersions::Table)
            .and_where(Expr::col(ProcedureVersions::Code).eq(code))
            .and_where(Expr::col(ProcedureVersions::Version).eq(version)),
    )
    .await
}

/// Every version of a procedure without the documents' bodies, newest first.
pub async fn history(tx: &mut Tx, code: &str) -> Result<Vec<VersionRecord>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns(VERSION)
            .from(ProcedureVersions::Table)
            .and_where(Expr::col(ProcedureVersions::Code).eq(code))
            .order_by(ProcedureVersions::Version, Order::Desc),
    )
    .await
}

/// Which version of each procedure to read in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The newest version, whatever its lifecycle.
    Latest,
    /// The published version; procedures without one are skipped.
    Published,
}

/// Every procedure's chosen version, by code.
pub async fn documents(tx: &mut Tx, which: Which) -> Result<Vec<VersionRecord>, StorageError> {
    let pointer = match which {
        Which::Latest => Procedures::LatestVersion,
        Which::Published => Procedures::PublishedVersion,
    };
    tx.fetch_all(
        Query::select()
            .columns(VERSION.map(|c| (ProcedureVersions::Table, c)))
            .from(Procedures::Table)
            .inner_join(ProcedureVersions::Table, version_at(pointer))
            .order_by((Procedures::Table, Procedures::Code), Order::Asc),
    )
    .await
}

/// A catalogue search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Folded words that must all occur in the search text.
    pub words: Vec<String>,
    /// Exact sector name.
    pub sector: Option<String>,
    /// Any of these unit ids.
    pub units: Vec<String>,
    /// This level.
    pub level: Option<String>,
    /// This online level.
    pub online_level: Option<String>,
    /// Only procedures with a published version (the public catalogue).
    pub published_only: bool,
    /// Only essential services.
    pub essential_only: bool,
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn like(column: Procedures, needle: &str) -> sea_query::SimpleExpr {
    Expr::col(column).like(sea_query::LikeExpr::new(format!("%{}%", escape_like(needle))).escape('\\'))
}

fn filtered(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.from(Procedures::Table);
    for word in &filter.words {
        q.and_where(like(Procedures::SearchText, word));
    }
    if let Some(sector) = &filter.sector {
        q.and_where(Expr::col(Procedures::SectorName).eq(sector.as_str()));
    }
    if !filter.units.is_empty() {
        let any = filter.units.iter().fold(Cond::any(), |c, u| c.add(like(Procedures::Units, &format!("|{u}|"))));
        q.cond_where(any);
    }
    if let Some(level) = &filter.level {
        q.and_where(like(Procedures::Levels, &format!("|{level}|")));
    }
    if let Some(online) = &filter.online_level {
        q.and_where(Expr::col(Procedures::OnlineLevel).eq(online.as_str()));
    }
    if filter.published_only {
        q.and_where(Expr::col(Procedures::PublishedVersion).is_not_null());
    }
    if filter.essential_only {
        q.and_where(Expr::col(Procedures::Essential).eq(true));
    }
    q
}

/// One page of matching summaries, by name, and the number of matches.
pub async fn search(
    tx: &mut Tx,
    filter: &Filter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<SummaryRecord>, i64), StorageError> {
    let rows = tx
        .fetch_all(
            filtered(filter)
                .columns(SUMMARY)
                .order_by(Procedures::Name, Order::Asc)
                .order_by(Procedures::Code, Order::Asc)
                .limit(limit)
                .offset(offset),
        )
        .await?;
    let (count,): (i64,) = tx.fetch_one(filtered(filter).expr(Func::count(Expr::col(Procedures::Code)))).await?;
    Ok((rows, count))
}

/// Distinct sector names with their number of procedures, by name.
pub async fn sectors(tx: &mut Tx, published_only: bool) -> Result<Vec<(String, i64)>, StorageError> {
    let filter = Filter { published_only, ..Filter::default() };
    tx.fetch_all(
        filtered(&filter)
            .column(Procedures::SectorName)
            .expr(Func::count(Expr::col(Procedures::Code)))
            .group_by_col(Procedures::SectorName)
            .order_by(Procedures::SectorName, Order::Asc),
    )
    .await
}

#[derive(Iden)]
enum CatalogueReviewDecisions {
    Table,
    Code,
    ComponentKey,
    PaperKey,
    Decision,
    Note,
    DecidedBy,
    DecidedAt,
}

/// An officer's decision on a review finding.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionRecord {
    /// Procedure code.
    pub code: String,
    /// Component key.
    pub component_key: String,
    /// Key of the abolished paper.
    pub paper_key: String,
    /// `confirmed` (the paper must go) or `dismissed` (a false match).
    pub decision: String,
    /// Why.
    pub note: Option<String>,
    /// Who decided (officer id).
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

const DECISION: [CatalogueReviewDecisions; 7] = [
    CatalogueReviewDecisions::Code,
    CatalogueReviewDecisions::ComponentKey,
    CatalogueReviewDecisions::PaperKey,
    CatalogueReviewDecisions::Decision,
    CatalogueReviewDecisions::Note,
    CatalogueReviewDecisions::DecidedBy,
    CatalogueReviewDecisions::DecidedAt,
];

/// Records or replaces a decision.
pub async fn put_decision(tx: &mut Tx, d: &DecisionRecord) -> Result<(), StorageError> {
    let mut insert = Query::insert();
    insert
        .into_table(CatalogueReviewDecisions::Table)
        .columns(DECISION)
        .values_panic([
            d.code.clone().into(),
            d.component_key.clone().into(),
            d.paper_key.clone().into(),
            d.decision.clone().into(),
            d.note.clone().into(),
            d.decided_by.clone().into(),
            d.decided_at.into(),
        ])
        .on_conflict(
            OnConflict::columns([
                CatalogueReviewDecisions::Code,
                CatalogueReviewDecisions::ComponentKey,
                CatalogueReviewDecisions::PaperKey,
            ])
            .update_columns(DECISION.into_iter().skip(3))
            .to_owned(),
        );
    tx.execute(&insert).await?;
    Ok(())
}

/// Every decision.
pub async fn decisions(tx: &mut Tx) -> Result<Vec<DecisionRecord>, StorageError> {
    tx.fetch_all(Query::select().columns(DECISION).from(CatalogueReviewDecisions::Table)).await
}
