//! The database handle: SQLite or PostgreSQL, chosen by the URL's scheme.
//!
//! Repository functions take a [`Tx`] and build each statement once with sea-query;
//! [`Tx`] renders it for its backend. Writers on SQLite take the write lock up front
//! (`BEGIN IMMEDIATE`), so a deferred-to-write upgrade can never fail with SQLITE_BUSY.

use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sea_query::{InsertStatement, PostgresQueryBuilder, SqlWriterValues, SqliteQueryBuilder};
use sea_query_sqlx::{SqlxBinder, SqlxValues};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Connection as _, FromRow, PgPool, SqlitePool};

use crate::error::StorageError;
use crate::write::{WriteQueue, WriteStats};

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a handle talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL (or a compatible distributed engine).
    Postgres,
}

impl Backend {
    /// A short fingerprint of this backend's migrations shipped in this binary (their
    /// checksums): two binaries with the same fingerprint expect the same schema.
    pub fn schema_fingerprint(self) -> String {
        let migrator = match self {
            Self::Sqlite => &SQLITE_MIGRATOR,
            Self::Postgres => &POSTGRES_MIGRATOR,
        };
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a: stable across builds and platforms
        for byte in migrator.iter().flat_map(|m| m.checksum.iter()) {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    /// Lower-case name for logs and pages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Connection settings that are not part of the URL.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Pool size (SQLite: the writer and readers, at most four readers per core; PostgreSQL
    /// connections).
    pub max_connections: u32,
    /// How long a request waits for a pooled connection before "unavailable".
    pub acquire_timeout: Duration,
    /// How long SQLite waits on a lock held by another process.
    pub busy_timeout: Duration,
    /// Concurrent group-commit writers on PostgreSQL (SQLite always has one writer).
    /// One lane (the default here) batches best and is deterministic for tests; the binary
    /// defaults to 4, which overlaps round trips and measured fastest (BENCHMARKS.md).
    pub writer_lanes: usize,
    /// Most requests sharing one commit.
    pub max_batch: usize,
    /// SQLite: the write-ahead log's size, in pages, past which the writer waits for a complete checkpoint before
    /// its next transaction (the log then starts again from its beginning and its file is cut back to this size).
    pub wal_limit_pages: u32,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(10),
            writer_lanes: 1,
            max_batch: 256,
            // 64 MiB of 4 KiB pages: checkpoints copy it in well under a second on this class of disk.
            wal_limit_pages: 16_384,
        }
    }
}

#[derive(Clone)]
pub(crate) enum Pool {
    /// Readers, and the one connection that writes.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        checkpoints: Arc<Checkpoints>,
    },
    Postgres(PgPool),
}

/// The SQLite writer's page cache (`pragma cache_size`: negative is KiB): the index pages a batch of new dossiers
/// and events touches stay in memory between batches.
const WRITER_CACHE: &str = "-16384";

/// A SQLite reader's page cache (KiB, negative as `cache_size` takes it). Reads find most pages in the operating
/// system's cache anyway; SQLite's default (2,000 KiB) on each of many readers held a copy of the same pages and
/// took the server past its memory target at 10 million dossiers, for no measurable gain in reads (BENCHMARKS.md).
const READER_CACHE: &str = "-512";

/// SQLite readers per core: a read is CPU work on pages the operating system has cached, so more reader threads
/// than this only add page caches and thread switches (on two cores 7–8 readers read as fast as 15, BENCHMARKS.md).
const READERS_PER_CORE: u32 = 4;

/// The cores this process may use (1 when the system cannot tell): what SQLite's reader pool and index sorter scale
/// with.
pub(crate) fn cores() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

/// A handle to the database, cheap to clone and shared by the whole process.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: Pool,
    writer: Arc<WriteQueue>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the URL: it may carry a password.
        f.debug_struct("Db").field("backend", &self.backend()).finish_non_exhaustive()
    }
}

impl Db {
    /// Opens the database named by `url` (`sqlite://path` or `postgres://…`).
    /// The SQLite file is created if missing; nothing is migrated yet.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Self, StorageError> {
        let pool = if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)
                .map_err(|e| StorageError::Unavailable(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: an acknowledged write survives a power loss. Group commit pays for it.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(options.busy_timeout);
            let pool = |size: u32, connect: SqliteConnectOptions| {
                SqlitePoolOptions::new()
                    .max_connections(size)
                    .acquire_timeout(options.acquire_timeout)
                    // An embedded connection cannot drop like a network one; the ping sqlx sends on each acquire
                    // would be one more hand-off to the connection's thread per transaction.
                    .test_before_acquire(false)
                    .connect_with(connect)
            };
            // SQLite has one writer at a time. Writing always on the same connection keeps its page cache warm: a
            // connection discards its whole cache when it sees that another connection wrote, so writes spread
            // over the pool re-read every index page they touch.
            // The writer's temporary files (the statement journal each savepoint keeps) stay in memory, and it
            // leaves checkpoints to a reader (below).
            let writer = connect
                .clone()
                .pragma("cache_size", WRITER_CACHE)
                .pragma("temp_store", "memory")
                .pragma("wal_autocheckpoint", "0")
                .pragma("journal_size_limit", (u64::from(options.wal_limit_pages) * 4096).to_string());
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                // A transaction SQLite ended on its own (a COMMIT refused on a full disk rolls it back) leaves sqlx
                // counting one open; its queued ROLLBACK then fails and every later BEGIN on this connection is
                // refused until a restart. Such a connection is closed instead; the next write opens a fresh one.
                // The ping waits for that queued ROLLBACK, so a transaction it does end keeps the connection.
                .after_release(|conn, _| {
                    Box::pin(async move {
                        conn.ping().await?;
                        Ok(!conn.is_in_transaction())
                    })
                })
                .connect_with(writer)
                .await?;
            let readers = (options.max_connections.max(2) - 1).min(READERS_PER_CORE.saturating_mul(cores()));
            let read = pool(readers, connect.pragma("cache_size", READER_CACHE)).await?;
            let checkpoints = Arc::new(Checkpoints {
                read: read.clone(),
                running: Arc::default(),
                wal_pages: AtomicI64::new(0),
                limit_pages: i64::from(options.wal_limit_pages),
                next_attempt: AtomicI64::new(i64::from(options.wal_limit_pages)),
                busy_timeout: options.busy_timeout,
            });
            Pool::Sqlite { read, write, checkpoints }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let connect = PgConnectOptions::from_str(url).map_err(|e| StorageError::Unavailable(e.to_string()))?;
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(options.max_connections.max(2))
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect)
                    .await?,
            )
        } else {
            return Err(StorageError::Unavailable(
                "unsupported database URL: use sqlite://<file> or postgres://…".into(),
            ));
        };
        let lanes = match pool {
            Pool::Sqlite { .. } => 1,
            Pool::Postgres(_) => options.writer_lanes.max(1),
        };
        let writer = WriteQueue::start(pool.clone(), lanes, options.max_batch.max(1));
        Ok(Self { pool, writer: Arc::new(writer) })
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        match &self.pool {
            Pool::Sqlite { write, .. } => SQLITE_MIGRATOR.run(write).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        Ok(())
    }

    /// Version numbers and names of the migrations shipped in this binary, and whether
    /// each one has been applied to this database.
    pub async fn migration_status(&self) -> Result<Vec<(i64, String, bool)>, StorageError> {
        let (migrator, applied): (&sqlx::migrate::Migrator, Vec<(i64,)>) = match &self.pool {
            Pool::Sqlite { read: p, .. } => (
                &SQLITE_MIGRATOR,
                sqlx::query_as("select version from _sqlx_migrations where success")
                    .fetch_all(p)
                    .await
                    .unwrap_or_default(),
            ),
            Pool::Postgres(p) => (
                &POSTGRES_MIGRATOR,
                sqlx::query_as("select version from _sqlx_migrations where success")
                    .fetch_all(p)
                    .await
                    .unwrap_or_default(),
            ),
        };
        Ok(migrator
            .iter()
            .map(|m| (m.version, m.description.to_string(), applied.iter().any(|(v,)| *v == m.version)))
            .collect())
    }

    /// Every column of every table of the application schema, as
    /// `(table, column, nullable)`, sorted: what the schema-parity check compares.
    pub async fn columns(&self) -> Result<Vec<(String, String, bool)>, StorageError> {
        let mut columns: Vec<(String, String, bool)> =
            match &self.pool {
                Pool::Sqlite { read: p, .. } => sqlx::query_as::<_, (String, String, bool)>(
                    "select m.name, c.name, c.\"notnull\" = 0 from sqlite_master m join pragma_table_info(m.name) c \
                 where m.type = 'table' and m.name not like 'sqlite_%' and m.name <> '_sqlx_migrations'",
                )
                .fetch_all(p)
                .await?,
                Pool::Postgres(p) => sqlx::query_as::<_, (String, String, bool)>(
                    "select table_name::text, column_name::text, is_nullable = 'YES' from information_schema.columns \
                 where table_schema = current_schema() and table_name <> '_sqlx_migrations'",
                )
                .fetch_all(p)
                .await?,
            };
        columns.sort();
        Ok(columns)
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), StorageError> {
        match &self.pool {
            Pool::Sqlite { read: p, .. } => {
                sqlx::query("select 1").execute(p).await?;
            }
            Pool::Postgres(p) => {
                sqlx::query("select 1").execute(p).await?;
            }
        }
        Ok(())
    }

    /// A transaction for reading.
    pub async fn read(&self) -> Result<Tx, StorageError> {
        Ok(match &self.pool {
            Pool::Sqlite { read, .. } => Tx::new(Conn::Sqlite(Held::Tx(read.begin().await?))),
            Pool::Postgres(p) => Tx::new(Conn::Postgres(Held::Tx(p.begin().await?))),
        })
    }

    /// A read of **one statement**, outside any transaction: one round trip to the database instead of three
    /// (`BEGIN`, the statement, `COMMIT`) — the hot single-row reads. Each statement sees what was committed when
    /// it started; several statements that must see one snapshot take [`Db::read`] (one snapshot on SQLite).
    pub async fn read_one(&self) -> Result<Tx, StorageError> {
        Ok(match &self.pool {
            Pool::Sqlite { read, .. } => Tx::new(Conn::Sqlite(Held::Plain(read.acquire().await?))),
            Pool::Postgres(p) => Tx::new(Conn::Postgres(Held::Plain(p.acquire().await?))),
        })
    }

    /// A transaction of its own for bulk work outside the request path (imports, demo
    /// data, the job runner's bookkeeping). Request handlers use [`Db::write`].
    pub async fn begin_write(&self) -> Result<Tx, StorageError> {
        self.pool.begin_write().await
    }

    /// Runs `work` inside a shared group commit and returns its result once that
    /// commit is durable. `work` runs in its own savepoint: if it fails, only its own
    /// changes are undone and the rest of the batch still commits.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> futures::future::BoxFuture<'t, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        self.writer.submit(None, work).await
    }

    /// [`Db::write`] for work that locks rows shared by key (an agency's daily code sequence): every write with the
    /// same key goes through the same writer lane, so concurrent batches never wait on each other's locks or
    /// deadlock over them (PostgreSQL runs several lanes).
    pub async fn write_keyed<T, E, F>(&self, key: &str, work: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> futures::future::BoxFuture<'t, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        self.writer.submit(Some(key), work).await
    }

    /// Counters of the group-commit writer.
    pub fn write_stats(&self) -> WriteStats {
        self.writer.stats()
    }

    /// Closes every connection; pending writes are finished first.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { read, write, .. } => {
                read.close().await;
                write.close().await;
            }
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl Pool {
    pub(crate) async fn begin_write(&self) -> Result<Tx, StorageError> {
        Ok(match self {
            Pool::Sqlite { write, checkpoints, .. } => {
                checkpoints.bound_the_log(write).await?;
                Tx {
                    after_commit: Some(checkpoints.clone()),
                    ..Tx::new(Conn::Sqlite(Held::Tx(write.begin_with("BEGIN IMMEDIATE").await?)))
                }
            }
            Pool::Postgres(p) => Tx::new(Conn::Postgres(Held::Tx(p.begin().await?))),
        })
    }
}

/// How long the writer waits for readers to leave the write-ahead log before starting it again, in ms.
const RESTART_WAIT_MS: u128 = 200;

/// Copies SQLite's write-ahead log back into the database file after writes, on a reader connection: in the
/// committing connection (SQLite's default, every 1,000 pages) each such copy delayed every write queued behind it.
///
/// The log starts again from its beginning only when a write begins after a *complete* checkpoint; a checkpoint
/// aside never completes while writes follow each other closely (the next one has begun before it ends), so past
/// `limit_pages` the writer itself finishes the checkpoint before its next transaction ([`Checkpoints::bound_the_log`]).
/// Without that bound, a 10-million-dossier load grew the log past 30 GB.
pub(crate) struct Checkpoints {
    read: SqlitePool,
    /// Held while a checkpoint runs: one at a time.
    running: Arc<tokio::sync::Mutex<()>>,
    /// The log's size in pages, as the last checkpoint found it.
    wal_pages: AtomicI64,
    limit_pages: i64,
    /// The size at which the writer next tries: the limit, or further after a reader held the log.
    next_attempt: AtomicI64,
    /// The connections' own busy timeout.
    busy_timeout: Duration,
}

impl Checkpoints {
    /// Starts a checkpoint unless one is running. `PASSIVE`: it copies what no reader still needs and never waits
    /// for the writer or the readers.
    fn start(self: &Arc<Self>) {
        let Ok(running) = self.running.clone().try_lock_owned() else { return };
        let this = self.clone();
        tokio::spawn(async move {
            match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&this.read).await {
                Ok((_, log_pages, _)) => this.wal_pages.store(log_pages, Ordering::Release),
                Err(e) => {
                    tracing::warn!(error = %e, "checkpoint of the write-ahead log failed; the next write retries")
                }
            }
            drop(running);
        });
    }

    /// Past the limit, a `RESTART` checkpoint on the writer connection: it copies the rest of the log and waits
    /// for the readers still inside it (at most [`RESTART_WAIT_MS`]), so the next write starts the log again. A reader
    /// that holds the log longer (a long export) does not stall every write: the next attempt waits for another
    /// limit's worth of log.
    async fn bound_the_log(&self, write: &SqlitePool) -> Result<(), StorageError> {
        if self.wal_pages.load(Ordering::Acquire) <= self.next_attempt.load(Ordering::Acquire) {
            return Ok(());
        }
        // SQLite refuses a checkpoint at once, without waiting, while another one runs: wait for the one aside.
        let _running = self.running.lock().await;
        let mut writer = write.acquire().await?;
        let timeout = |ms: u128| AssertSqlSafe(format!("PRAGMA busy_timeout = {ms}"));
        sqlx::raw_sql(timeout(RESTART_WAIT_MS)).execute(&mut *writer).await?;
        let checkpoint =
            sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(RESTART)").fetch_one(&mut *writer).await;
        // The writer's own timeout (for locks held by other processes) back before anything else.
        sqlx::raw_sql(timeout(self.busy_timeout.as_millis())).execute(&mut *writer).await?;
        let (restarted, log_pages) = match checkpoint {
            Ok((busy, log_pages, _)) => (busy == 0, log_pages),
            Err(e) => {
                tracing::warn!(error = %e, "checkpoint of the write-ahead log failed");
                (false, self.wal_pages.load(Ordering::Acquire))
            }
        };
        if !restarted {
            tracing::warn!(log_pages, "the write-ahead log could not start again: a reader still uses it");
        }
        self.wal_pages.store(if restarted { 0 } else { log_pages }, Ordering::Release);
        self.next_attempt
            .store(if restarted { self.limit_pages } else { log_pages + self.limit_pages }, Ordering::Release);
        Ok(())
    }
}

/// An open transaction on either backend.
pub struct Tx {
    pub(crate) conn: Conn,
    /// Started once the transaction's changes are durable (SQLite writes).
    after_commit: Option<Arc<Checkpoints>>,
    /// Inserts held back to travel to the database together ([`Tx::append`]); `None` when this transaction sends
    /// each statement at once.
    deferred: Option<Vec<InsertStatement>>,
}

/// The connection under a [`Tx`].
pub(crate) enum Conn {
    Sqlite(Held<sqlx::Sqlite>),
    Postgres(Held<sqlx::Postgres>),
}

/// A connection inside a transaction, or on its own for [`Db::read_one`] (each statement commits by itself).
pub(crate) enum Held<DB: sqlx::Database> {
    Tx(sqlx::Transaction<'static, DB>),
    Plain(sqlx::pool::PoolConnection<DB>),
}

impl<DB: sqlx::Database> Held<DB> {
    async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Tx(t) => t.commit().await,
            Self::Plain(_) => Ok(()),
        }
    }

    async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Tx(t) => t.rollback().await,
            Self::Plain(_) => Ok(()),
        }
    }
}

impl<DB: sqlx::Database> std::ops::Deref for Held<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        match self {
            Self::Tx(t) => t,
            Self::Plain(c) => c,
        }
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for Held<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            Self::Tx(t) => t,
            Self::Plain(c) => c,
        }
    }
}

/// Most inserts held back at once: a bound on the combined statement's text and parameters.
const MAX_DEFERRED: usize = 32;

/// A row type that decodes from both backends' rows.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

macro_rules! render {
    ($tx:expr, $stmt:expr, |$conn:ident, $sql:ident, $values:ident| $body:expr) => {
        match &mut $tx.conn {
            Conn::Sqlite(t) => {
                let ($sql, $values) = $stmt.build_sqlx(SqliteQueryBuilder);
                let $conn = &mut **t;
                $body
            }
            Conn::Postgres(t) => {
                let ($sql, $values) = $stmt.build_sqlx(PostgresQueryBuilder);
                let $conn = &mut **t;
                $body
            }
        }
    };
}

impl Tx {
    fn new(conn: Conn) -> Self {
        Self { conn, deferred: None, after_commit: None }
    }

    /// Which engine the transaction runs on.
    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs an insert whose outcome the caller needs only at the end of its work (an event, a job, a new record).
    /// In a group commit's piece the insert is held back and sent together with the piece's other held-back
    /// inserts and the end of its savepoint, in one round trip; its error, if any, then fails the piece as any
    /// other error would. Elsewhere, and before any other statement of the same transaction, it runs at once.
    pub async fn append(&mut self, insert: InsertStatement) -> Result<(), StorageError> {
        match &mut self.deferred {
            Some(held) => {
                held.push(insert);
                if held.len() >= MAX_DEFERRED {
                    self.flush().await?;
                }
            }
            None => {
                self.execute(&insert).await?;
            }
        }
        Ok(())
    }

    /// Runs a statement and returns the number of rows it touched.
    pub async fn execute<S: SqlxBinder>(&mut self, stmt: &S) -> Result<u64, StorageError> {
        self.flush().await?;
        Ok(render!(self, stmt, |c, sql, v| sqlx::query_with(AssertSqlSafe(sql), v).execute(c).await?.rows_affected()))
    }

    /// All rows of a query.
    pub async fn fetch_all<T: Row, S: SqlxBinder>(&mut self, stmt: &S) -> Result<Vec<T>, StorageError> {
        self.flush().await?;
        Ok(render!(self, stmt, |c, sql, v| sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), v).fetch_all(c).await?))
    }

    /// At most one row.
    pub async fn fetch_optional<T: Row, S: SqlxBinder>(&mut self, stmt: &S) -> Result<Option<T>, StorageError> {
        self.flush().await?;
        Ok(render!(self, stmt, |c, sql, v| sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), v)
            .fetch_optional(c)
            .await?))
    }

    /// Exactly one row, or [`StorageError::NotFound`].
    pub async fn fetch_one<T: Row, S: SqlxBinder>(&mut self, stmt: &S) -> Result<T, StorageError> {
        self.fetch_optional(stmt).await?.ok_or(StorageError::NotFound)
    }

    /// From now on, holds inserts back until [`Tx::finish_piece`] (the group-commit writer's transaction).
    pub(crate) fn hold_appends(&mut self) {
        self.deferred.get_or_insert_with(Vec::new);
    }

    /// Sends the held-back inserts, if any, in one round trip.
    async fn flush(&mut self) -> Result<(), StorageError> {
        self.finish_piece(None).await
    }

    /// Sends the held-back inserts followed by `tail`, a fixed SQL text with no parameters (the end of a savepoint):
    /// in one round trip on SQLite, in two on PostgreSQL (its protocol takes one statement with parameters at a
    /// time, so the inserts travel as one statement of data-modifying `WITH` clauses). The inserts are sent in the
    /// order they were appended; if one fails, nothing after it runs.
    pub(crate) async fn finish_piece(&mut self, tail: Option<&'static str>) -> Result<(), StorageError> {
        let held = match &mut self.deferred {
            Some(held) if !held.is_empty() => std::mem::take(held),
            _ => return self.run_tail(tail).await,
        };
        match &mut self.conn {
            Conn::Sqlite(t) => {
                let mut sql = SqlWriterValues::new("?", false);
                for (i, insert) in held.iter().enumerate() {
                    if i > 0 {
                        let _ = sql.write_str("; ");
                    }
                    insert.build_collect_into(SqliteQueryBuilder, &mut sql);
                }
                if let Some(tail) = tail {
                    let _ = write!(sql, "; {tail}");
                }
                let (sql, values) = sql.into_parts();
                sqlx::query_with(AssertSqlSafe(sql), SqlxValues(values)).execute(&mut **t).await?;
                Ok(())
            }
            Conn::Postgres(t) => {
                let mut sql = SqlWriterValues::new("$", true);
                let (last, rest) = held.split_last().expect("at least one held insert");
                for (i, insert) in rest.iter().enumerate() {
                    let _ = write!(sql, "{} held_{i} AS (", if i == 0 { "WITH" } else { "," });
                    insert.build_collect_into(PostgresQueryBuilder, &mut sql);
                    let _ = sql.write_str(") ");
                }
                last.build_collect_into(PostgresQueryBuilder, &mut sql);
                let (sql, values) = sql.into_parts();
                sqlx::query_with(AssertSqlSafe(sql), SqlxValues(values)).execute(&mut **t).await?;
                self.run_tail(tail).await
            }
        }
    }

    /// Forgets the held-back inserts (the piece failed: its savepoint is rolled back).
    pub(crate) fn discard_held(&mut self) {
        if let Some(held) = &mut self.deferred {
            held.clear();
        }
    }

    async fn run_tail(&mut self, tail: Option<&'static str>) -> Result<(), StorageError> {
        match tail {
            Some(sql) => self.run_fixed(sql).await,
            None => Ok(()),
        }
    }

    /// A fixed SQL text with no parameters (savepoints): never built from input.
    pub(crate) async fn run_fixed(&mut self, sql: &'static str) -> Result<(), StorageError> {
        match &mut self.conn {
            Conn::Sqlite(t) => {
                sqlx::raw_sql(sql).execute(&mut **t).await?;
            }
            Conn::Postgres(t) => {
                sqlx::raw_sql(sql).execute(&mut **t).await?;
            }
        }
        Ok(())
    }

    /// Makes the transaction's changes durable.
    pub async fn commit(mut self) -> Result<(), StorageError> {
        self.flush().await?;
        match self.conn {
            Conn::Sqlite(t) => t.commit().await?,
            Conn::Postgres(t) => t.commit().await?,
        }
        if let Some(checkpoints) = &self.after_commit {
            checkpoints.start();
        }
        Ok(())
    }

    /// Undoes the transaction's changes.
    pub async fn rollback(self) -> Result<(), StorageError> {
        match self.conn {
            Conn::Sqlite(t) => t.rollback().await?,
            Conn::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_readers_are_few_per_core_with_small_page_caches() {
        let t = motcua_testkit::TestDb::sqlite().await;
        let db = Db::connect(&t.url(), &DbOptions { max_connections: 1000, ..DbOptions::default() }).await.unwrap();
        let Pool::Sqlite { read, write, .. } = &db.pool else { panic!("a SQLite URL opens SQLite") };
        assert_eq!(read.options().get_max_connections(), READERS_PER_CORE * cores());
        let cache = |pool: &SqlitePool| {
            let pool = pool.clone();
            async move { sqlx::query_as::<_, (i64,)>("pragma cache_size").fetch_one(&pool).await.unwrap().0 }
        };
        assert_eq!(cache(read).await, -512);
        assert_eq!(cache(write).await, -16384, "the writer keeps its larger cache");
        db.close().await;
        t.finish().await;
    }
}
