//! Bulk loading for the synthetic data generator (issue 8): many rows per statement and many statements per
//! transaction on SQLite, `COPY … FROM STDIN` on PostgreSQL, outside the group-commit writer.
//!
//! The rows are [`DossierRow`] and [`EventRow`]: the columns of [`DossierRecord`] and [`EventRecord`] (the same
//! names, [`crate::dossiers`]' and [`crate::events`]' column lists), with the JSON columns already serialised, so
//! that a generator serialises a procedure's form once for all its dossiers instead of once per row. A row converted
//! from a record is stored exactly as the record's own insert stores it (`tests/it/bulk.rs` reads both back).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Query};
use sqlx::{Arguments, AssertSqlSafe};
use uuid::Uuid;

use crate::db::{Conn, Tx};
use crate::dossiers::{self, DossierRecord, DossierSequences, Dossiers};
use crate::error::StorageError;
use crate::events::{self, EventRecord, Events};

/// Text that many rows share (a procedure's form, a unit id): one allocation for all of them.
pub type Shared = Arc<str>;

/// A dossier as the bulk loader writes it: [`DossierRecord`] with the JSON columns (`applicant`, `form`,
/// `components`, `deadline`) already serialised.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct DossierRow {
    pub id: Uuid,
    pub province_id: Shared,
    pub code: Option<String>,
    pub procedure_code: Shared,
    pub procedure_version: i64,
    pub case_key: Option<String>,
    pub channel: Shared,
    pub receiving_unit_id: Shared,
    pub competent_unit_id: Shared,
    pub owner_unit_id: Shared,
    pub status: Shared,
    /// JSON.
    pub applicant: Shared,
    pub lookup_pin: String,
    /// JSON.
    pub form: Shared,
    /// JSON.
    pub components: Shared,
    /// JSON.
    pub deadline: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub supplement_requests: i64,
    pub apologised: bool,
    pub version: i64,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub assignee_id: Option<String>,
    pub step_index: Option<i64>,
    pub step_due_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// An event as the bulk loader writes it: [`EventRecord`] with the payload already serialised.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct EventRow {
    pub province_id: Shared,
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub subject_type: Shared,
    pub subject_id: String,
    pub action: Shared,
    pub unit_id: Option<Shared>,
    pub actor_kind: Shared,
    pub actor_id: Option<String>,
    pub actor_unit_id: Option<Shared>,
    pub request_id: Option<String>,
    /// JSON.
    pub payload: String,
}

fn json(value: &serde_json::Value) -> String {
    serde_json::to_string(value).expect("a JSON value serialises")
}

impl From<&DossierRecord> for DossierRow {
    fn from(d: &DossierRecord) -> Self {
        Self {
            id: d.id,
            province_id: d.province_id.as_str().into(),
            code: d.code.clone(),
            procedure_code: d.procedure_code.as_str().into(),
            procedure_version: d.procedure_version,
            case_key: d.case_key.clone(),
            channel: d.channel.as_str().into(),
            receiving_unit_id: d.receiving_unit_id.as_str().into(),
            competent_unit_id: d.competent_unit_id.as_str().into(),
            owner_unit_id: d.owner_unit_id.as_str().into(),
            status: d.status.as_str().into(),
            applicant: json(&d.applicant.0).into(),
            lookup_pin: d.lookup_pin.clone(),
            form: json(&d.form.0).into(),
            components: json(&d.components.0).into(),
            deadline: d.deadline.as_ref().map(|j| json(&j.0)),
            due_at: d.due_at,
            supplement_requests: d.supplement_requests,
            apologised: d.apologised,
            version: d.version,
            submitted_at: d.submitted_at,
            created_at: d.created_at,
            updated_at: d.updated_at,
            assignee_id: d.assignee_id.clone(),
            step_index: d.step_index,
            step_due_at: d.step_due_at,
            closed_at: d.closed_at,
        }
    }
}

impl From<&EventRecord> for EventRow {
    fn from(e: &EventRecord) -> Self {
        Self {
            province_id: e.province_id.as_str().into(),
            id: e.id,
            occurred_at: e.occurred_at,
            subject_type: e.subject_type.as_str().into(),
            subject_id: e.subject_id.clone(),
            action: e.action.as_str().into(),
            unit_id: e.unit_id.as_deref().map(Into::into),
            actor_kind: e.actor_kind.as_str().into(),
            actor_id: e.actor_id.clone(),
            actor_unit_id: e.actor_unit_id.as_deref().map(Into::into),
            request_id: e.request_id.clone(),
            payload: json(&e.payload.0),
        }
    }
}

/// Where a row's values go, column by column: bound parameters (SQLite) or `COPY` text (PostgreSQL).
trait Sink {
    fn null(&mut self);
    fn int(&mut self, v: i64);
    fn bool(&mut self, v: bool);
    fn uuid(&mut self, v: Uuid);
    fn time(&mut self, v: DateTime<Utc>);
    fn text(&mut self, v: String);
    fn shared(&mut self, v: Shared);

    fn opt_text(&mut self, v: Option<String>) {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }
    fn opt_shared(&mut self, v: Option<Shared>) {
        match v {
            Some(v) => self.shared(v),
            None => self.null(),
        }
    }
    fn opt_time(&mut self, v: Option<DateTime<Utc>>) {
        match v {
            Some(v) => self.time(v),
            None => self.null(),
        }
    }
    fn opt_int(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }
}

/// A table's row for [`load`].
trait BulkRow: Sized {
    /// The table.
    fn table() -> String;
    /// Its columns, in the order [`BulkRow::write`] writes them.
    fn columns() -> Vec<String>;
    /// The values, in [`BulkRow::columns`] order.
    fn write(self, sink: &mut impl Sink);
}

impl BulkRow for DossierRow {
    fn table() -> String {
        Dossiers::Table.to_string()
    }

    fn columns() -> Vec<String> {
        dossiers::COLUMNS.iter().map(Iden::to_string).collect()
    }

    fn write(self, s: &mut impl Sink) {
        // The order of `dossiers::COLUMNS` (checked by the unit test below).
        s.uuid(self.id);
        s.shared(self.province_id);
        s.opt_text(self.code);
        s.shared(self.procedure_code);
        s.int(self.procedure_version);
        s.opt_text(self.case_key);
        s.shared(self.channel);
        s.shared(self.receiving_unit_id);
        s.shared(self.competent_unit_id);
        s.shared(self.owner_unit_id);
        s.shared(self.status);
        s.shared(self.applicant);
        s.text(self.lookup_pin);
        s.shared(self.form);
        s.shared(self.components);
        s.opt_text(self.deadline);
        s.opt_time(self.due_at);
        s.int(self.supplement_requests);
        s.bool(self.apologised);
        s.int(self.version);
        s.opt_time(self.submitted_at);
        s.time(self.created_at);
        s.time(self.updated_at);
        s.opt_text(self.assignee_id);
        s.opt_int(self.step_index);
        s.opt_time(self.step_due_at);
        s.opt_time(self.closed_at);
    }
}

impl BulkRow for EventRow {
    fn table() -> String {
        Events::Table.to_string()
    }

    fn columns() -> Vec<String> {
        events::COLUMNS.iter().map(Iden::to_string).collect()
    }

    fn write(self, s: &mut impl Sink) {
        // The order of `events::COLUMNS`.
        s.shared(self.province_id);
        s.uuid(self.id);
        s.time(self.occurred_at);
        s.shared(self.subject_type);
        s.text(self.subject_id);
        s.shared(self.action);
        s.opt_shared(self.unit_id);
        s.shared(self.actor_kind);
        s.opt_text(self.actor_id);
        s.opt_shared(self.actor_unit_id);
        s.opt_text(self.request_id);
        s.text(self.payload);
    }
}

/// Inserts dossiers (`COPY` on PostgreSQL, multi-row `INSERT`s on SQLite).
pub async fn insert_dossiers(tx: &mut Tx, rows: Vec<DossierRow>) -> Result<(), StorageError> {
    load(tx, rows).await
}

/// Appends events (`COPY` on PostgreSQL, multi-row `INSERT`s on SQLite).
pub async fn insert_events(tx: &mut Tx, rows: Vec<EventRow>) -> Result<(), StorageError> {
    load(tx, rows).await
}

/// Rows per SQLite `INSERT`: far below its limit of 32,766 bound parameters; larger statements measured no faster.
const SQLITE_ROWS_PER_STATEMENT: usize = 128;

/// Bytes of `COPY` text sent to PostgreSQL at a time.
const COPY_CHUNK: usize = 1 << 20;

async fn load<R: BulkRow>(tx: &mut Tx, rows: Vec<R>) -> Result<(), StorageError> {
    if rows.is_empty() {
        return Ok(());
    }
    let table = R::table();
    let columns = R::columns();
    match &mut tx.conn {
        Conn::Sqlite(t) => {
            let mut rows = rows.into_iter().peekable();
            let mut full_statement: Option<String> = None;
            while rows.peek().is_some() {
                let mut sink = Bind { args: sqlx::sqlite::SqliteArguments::default(), error: None };
                let mut n = 0;
                for row in rows.by_ref().take(SQLITE_ROWS_PER_STATEMENT) {
                    row.write(&mut sink);
                    n += 1;
                }
                if let Some(e) = sink.error {
                    return Err(StorageError::Unavailable(format!("binding a bulk row: {e}")));
                }
                // The same text for every full statement: SQLite prepares it once (sqlx caches it).
                let sql = if n == SQLITE_ROWS_PER_STATEMENT {
                    full_statement.get_or_insert_with(|| insert_sql(&table, &columns, n)).clone()
                } else {
                    insert_sql(&table, &columns, n)
                };
                sqlx::query_with(AssertSqlSafe(sql), sink.args).execute(&mut **t).await?;
            }
        }
        Conn::Postgres(t) => {
            let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
            let statement = format!("copy \"{table}\" ({}) from stdin", quoted.join(", "));
            let mut copy = t.copy_in_raw(&statement).await?;
            let mut sink = CopyText { buf: Vec::with_capacity(COPY_CHUNK + 64 * 1024), first: true };
            for row in rows {
                row.write(&mut sink);
                sink.end_row();
                if sink.buf.len() >= COPY_CHUNK {
                    copy.send(std::mem::take(&mut sink.buf)).await?;
                    sink.buf.reserve(COPY_CHUNK + 64 * 1024);
                }
            }
            if !sink.buf.is_empty() {
                copy.send(sink.buf).await?;
            }
            copy.finish().await?;
        }
    }
    Ok(())
}

/// `insert into "t" ("a", "b") values (?, ?), (?, ?), …` for `rows` rows.
fn insert_sql(table: &str, columns: &[String], rows: usize) -> String {
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    format!("insert into \"{table}\" ({}) values {}", quoted.join(", "), vec![one; rows].join(", "))
}

/// SQLite: each value bound as the repository's own statements bind it (sqlx's encoding of the same Rust types:
/// UUIDs as 16-byte blobs, instants as RFC 3339 text, booleans as integers, JSON as text).
struct Bind {
    args: sqlx::sqlite::SqliteArguments,
    error: Option<String>,
}

impl Bind {
    fn add<T: for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>>(&mut self, v: T) {
        if let Err(e) = self.args.add(v) {
            self.error.get_or_insert_with(|| e.to_string());
        }
    }
}

impl Sink for Bind {
    fn null(&mut self) {
        self.add(Option::<i64>::None);
    }
    fn int(&mut self, v: i64) {
        self.add(v);
    }
    fn bool(&mut self, v: bool) {
        self.add(v);
    }
    fn uuid(&mut self, v: Uuid) {
        self.add(v);
    }
    fn time(&mut self, v: DateTime<Utc>) {
        self.add(v);
    }
    fn text(&mut self, v: String) {
        self.add(v);
    }
    fn shared(&mut self, v: Shared) {
        self.add(v);
    }
}

/// PostgreSQL: `COPY`'s text format (tab between columns, `\N` for null, backslash escapes).
struct CopyText {
    buf: Vec<u8>,
    first: bool,
}

impl CopyText {
    fn separate(&mut self) {
        if !self.first {
            self.buf.push(b'\t');
        }
        self.first = false;
    }

    fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.first = true;
    }

    fn escaped(&mut self, v: &str) {
        self.separate();
        let bytes = v.as_bytes();
        let mut start = 0;
        for (i, b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'\\' => b"\\\\",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                _ => continue,
            };
            self.buf.extend_from_slice(&bytes[start..i]);
            self.buf.extend_from_slice(escape);
            start = i + 1;
        }
        self.buf.extend_from_slice(&bytes[start..]);
    }

    fn plain(&mut self, v: &[u8]) {
        self.separate();
        self.buf.extend_from_slice(v);
    }
}

impl Sink for CopyText {
    fn null(&mut self) {
        self.plain(b"\\N");
    }
    fn int(&mut self, v: i64) {
        self.plain(v.to_string().as_bytes());
    }
    fn bool(&mut self, v: bool) {
        self.plain(if v { b"t" } else { b"f" });
    }
    fn uuid(&mut self, v: Uuid) {
        let mut out = [0u8; uuid::fmt::Hyphenated::LENGTH];
        let text = v.hyphenated().encode_lower(&mut out);
        self.plain(text.as_bytes());
    }
    fn time(&mut self, v: DateTime<Utc>) {
        // Microseconds at most: what `timestamptz` keeps (instants are stored truncated to them).
        self.plain(v.to_rfc3339_opts(SecondsFormat::AutoSi, true).as_bytes());
    }
    fn text(&mut self, v: String) {
        self.escaped(&v);
    }
    fn shared(&mut self, v: Shared) {
        self.escaped(&v);
    }
}

/// One daily sequence of dossier codes: the agency code, the local day, the last number issued.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SequenceRow {
    /// The agency code of the codes.
    pub agency_code: String,
    /// The local day.
    pub day: NaiveDate,
    /// The last number issued that day.
    pub last_value: i64,
}

/// Every daily sequence (a generator continues them, so its codes never collide with issued ones).
pub async fn sequences(tx: &mut Tx) -> Result<Vec<SequenceRow>, StorageError> {
    tx.fetch_all(
        Query::select()
            .columns([DossierSequences::AgencyCode, DossierSequences::Day, DossierSequences::LastValue])
            .from(DossierSequences::Table),
    )
    .await
}

/// Raises daily sequences to at least the given last values (never lowers one: numbers already issued stay
/// issued), so that later receptions continue after the bulk-loaded codes.
pub async fn raise_sequences(tx: &mut Tx, rows: &[SequenceRow]) -> Result<(), StorageError> {
    // Below each engine's limit of bound parameters (SQLite 32,766, PostgreSQL 65,535).
    for chunk in rows.chunks(1_000) {
        let mut insert = Query::insert();
        insert
            .into_table(DossierSequences::Table)
            .columns([DossierSequences::AgencyCode, DossierSequences::Day, DossierSequences::LastValue])
            .on_conflict(
                OnConflict::columns([DossierSequences::AgencyCode, DossierSequences::Day])
                    .update_column(DossierSequences::LastValue)
                    .action_and_where(
                        Expr::col((DossierSequences::Table, DossierSequences::LastValue))
                            .lt(Expr::col((sea_query::Alias::new("excluded"), DossierSequences::LastValue))),
                    )
                    .to_owned(),
            );
        for row in chunk {
            insert.values_panic([row.agency_code.clone().into(), row.day.into(), row.last_value.into()]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// Settings of this transaction's connection for a bulk load; the durability settings are left as they are.
/// SQLite: a page cache of `cache_mib` MiB, so that the indexes' insertion points stay in memory, and the statement
/// journal of each multi-row `INSERT` in memory (it holds the pages one statement changed; it went to a temporary
/// file, 13 % of the writer's time). Nothing on PostgreSQL.
pub async fn tune_for_load(tx: &mut Tx, cache_mib: u32) -> Result<(), StorageError> {
    if let Conn::Sqlite(t) = &mut tx.conn {
        let kib = i64::from(cache_mib) * 1024;
        sqlx::raw_sql(AssertSqlSafe(format!("pragma cache_size = -{kib}; pragma temp_store = memory")))
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// A secondary index: its name and the statement that creates it, as the database reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDefinition {
    /// The index's name.
    pub name: String,
    /// `create index …`, as stored by the database (SQLite's `sqlite_master.sql`, PostgreSQL's
    /// `pg_get_indexdef`).
    pub sql: String,
}

impl IndexDefinition {
    /// A partial index (`… where …`), such as those of open dossiers only.
    pub fn is_partial(&self) -> bool {
        self.sql.to_ascii_lowercase().contains(" where ")
    }
}

/// The secondary indexes of `dossiers` and `events`: not those of primary keys and unique constraints (kept during a
/// load: they refuse duplicates), by name.
pub async fn secondary_indexes(tx: &mut Tx) -> Result<Vec<IndexDefinition>, StorageError> {
    let rows: Vec<(String, String)> = match &mut tx.conn {
        Conn::Sqlite(t) => {
            sqlx::query_as(
                "select name, sql from sqlite_master where type = 'index' and tbl_name in ('dossiers', 'events') \
                 and sql is not null order by name",
            )
            .fetch_all(&mut **t)
            .await?
        }
        Conn::Postgres(t) => {
            sqlx::query_as(
                "select c.relname::text, pg_get_indexdef(i.indexrelid) from pg_index i \
                 join pg_class c on c.oid = i.indexrelid join pg_class r on r.oid = i.indrelid \
                 where r.relname in ('dossiers', 'events') and r.relnamespace = current_schema()::regnamespace \
                 and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid) order by 1",
            )
            .fetch_all(&mut **t)
            .await?
        }
    };
    Ok(rows.into_iter().map(|(name, sql)| IndexDefinition { name, sql }).collect())
}

/// Drops these indexes: a bulk load into empty tables then writes only the rows (and the keys' indexes), and
/// [`create_indexes`] builds each index afterwards in one sorted pass, several times faster than keeping it up to
/// date row by row.
pub async fn drop_indexes(tx: &mut Tx, indexes: &[IndexDefinition]) -> Result<(), StorageError> {
    for index in indexes {
        // The name comes from the database's own catalogue; quoted all the same.
        let sql = format!("drop index \"{}\"", index.name.replace('"', "\"\""));
        run_catalogue_sql(tx, sql).await?;
    }
    Ok(())
}

/// Runs a statement built from the database's own catalogue (index names and definitions).
async fn run_catalogue_sql(tx: &mut Tx, sql: String) -> Result<(), StorageError> {
    match &mut tx.conn {
        Conn::Sqlite(t) => {
            sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
        }
        Conn::Postgres(t) => {
            sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
        }
    }
    Ok(())
}

/// Creates those of these indexes that are missing (a second call after an interrupted one finishes the work). The
/// sort of a large index may spill to temporary files: SQLite's go to disk here, not memory; PostgreSQL gets
/// 512 MB of `maintenance_work_mem` for this transaction. SQLite's sorter keeps runs as large as the page cache
/// (so 512 MiB: a few runs and one merge pass instead of hundreds of 2 MB runs) and sorts on every core
/// (`pragma threads`).
pub async fn create_indexes(tx: &mut Tx, indexes: &[IndexDefinition]) -> Result<(), StorageError> {
    let present: Vec<String> = secondary_indexes(tx).await?.into_iter().map(|i| i.name).collect();
    match &mut tx.conn {
        Conn::Sqlite(t) => {
            let helpers = crate::db::cores().saturating_sub(1);
            sqlx::raw_sql(AssertSqlSafe(format!(
                "pragma temp_store = default; pragma cache_size = -{SORT_CACHE_KIB}; pragma threads = {helpers}"
            )))
            .execute(&mut **t)
            .await?;
        }
        Conn::Postgres(t) => {
            sqlx::raw_sql("set local maintenance_work_mem = '512MB'").execute(&mut **t).await?;
        }
    }
    for index in indexes.iter().filter(|i| !present.contains(&i.name)) {
        let sql = index.sql.clone();
        run_catalogue_sql(tx, sql).await?;
    }
    Ok(())
}

/// SQLite's page cache while an index is built, KiB: the sorter's run size (SQLite caps a run at 512 MiB).
const SORT_CACHE_KIB: u32 = 512 * 1024;

/// The ids of every stored dossier, in order (for checks of a small load: the whole list is read).
pub async fn dossier_ids(tx: &mut Tx) -> Result<Vec<Uuid>, StorageError> {
    let rows: Vec<(Uuid,)> = tx
        .fetch_all(
            Query::select().column(Dossiers::Id).from(Dossiers::Table).order_by(Dossiers::Id, sea_query::Order::Asc),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// How many dossiers are stored.
pub async fn count_dossiers(tx: &mut Tx) -> Result<i64, StorageError> {
    let (n,): (i64,) =
        tx.fetch_one(Query::select().expr(Expr::col(Dossiers::Id).count()).from(Dossiers::Table)).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the values a row writes.
    #[derive(Default)]
    struct Count(usize);

    impl Sink for Count {
        fn null(&mut self) {
            self.0 += 1;
        }
        fn int(&mut self, _: i64) {
            self.0 += 1;
        }
        fn bool(&mut self, _: bool) {
            self.0 += 1;
        }
        fn uuid(&mut self, _: Uuid) {
            self.0 += 1;
        }
        fn time(&mut self, _: DateTime<Utc>) {
            self.0 += 1;
        }
        fn text(&mut self, _: String) {
            self.0 += 1;
        }
        fn shared(&mut self, _: Shared) {
            self.0 += 1;
        }
    }

    #[test]
    fn rows_write_one_value_per_column() {
        let at = DateTime::from_timestamp(1_764_554_400, 0).expect("a valid instant");
        let dossier = DossierRow {
            id: Uuid::nil(),
            province_id: "p".into(),
            code: None,
            procedure_code: "c".into(),
            procedure_version: 1,
            case_key: None,
            channel: "counter".into(),
            receiving_unit_id: "u".into(),
            competent_unit_id: "u".into(),
            owner_unit_id: "u".into(),
            status: "accepted".into(),
            applicant: "{}".into(),
            lookup_pin: "000000".into(),
            form: "{}".into(),
            components: "[]".into(),
            deadline: None,
            due_at: None,
            supplement_requests: 0,
            apologised: false,
            version: 1,
            submitted_at: None,
            created_at: at,
            updated_at: at,
            assignee_id: None,
            step_index: None,
            step_due_at: None,
            closed_at: None,
        };
        let mut count = Count::default();
        dossier.write(&mut count);
        assert_eq!(count.0, DossierRow::columns().len());
        let event = EventRow {
            province_id: "p".into(),
            id: Uuid::nil(),
            occurred_at: at,
            subject_type: "dossier".into(),
            subject_id: "x".into(),
            action: "dossier.changed".into(),
            unit_id: None,
            actor_kind: "officer".into(),
            actor_id: None,
            actor_unit_id: None,
            request_id: None,
            payload: "{}".into(),
        };
        let mut count = Count::default();
        event.write(&mut count);
        assert_eq!(count.0, EventRow::columns().len());
    }

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut sink = CopyText { buf: Vec::new(), first: true };
        sink.text("a\\b\tc\nd\re".into());
        sink.null();
        sink.bool(true);
        sink.end_row();
        assert_eq!(sink.buf, b"a\\\\b\\tc\\nd\\re\t\\N\tt\n");
    }
}
