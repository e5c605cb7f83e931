//! Test support: a fresh, migrated database per test on either backend, and
//! [`dual_test!`] to run one storage case on both.
//!
//! PostgreSQL comes from `MOTCUA_TEST_DATABASE_URL` (an admin URL; `scripts/test` starts a
//! throwaway cluster and sets it). A template database is migrated once per schema
//! fingerprint; each test gets `CREATE DATABASE … TEMPLATE …`, which takes milliseconds.
//! Without the URL the PostgreSQL half is skipped loudly, unless `CI` or
//! `MOTCUA_REQUIRE_PG` is set, in which case it fails: it can never vanish silently.

pub mod smtp;

use motcua_storage::{Backend, Db, DbOptions};
use sqlx::{Connection, Executor, PgConnection};

/// A database that exists for one test.
pub struct TestDb {
    db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// The admin URL of the test PostgreSQL, or `None` when it is not configured and not required.
pub fn postgres_url() -> Option<String> {
    match std::env::var("MOTCUA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let required = std::env::var_os("CI").is_some() || std::env::var_os("MOTCUA_REQUIRE_PG").is_some();
            assert!(!required, "MOTCUA_TEST_DATABASE_URL is not set, but CI/MOTCUA_REQUIRE_PG requires PostgreSQL");
            eprintln!("SKIPPED (PostgreSQL half): MOTCUA_TEST_DATABASE_URL is not set; run ./scripts/test");
            None
        }
    }
}

impl TestDb {
    /// A migrated SQLite file in a temporary directory (a real file, so WAL and locking are real).
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("motcua.db").display());
        let db = Db::connect(&url, &DbOptions::default()).await.expect("open SQLite");
        db.migrate().await.expect("migrate SQLite");
        Self { db, cleanup: Cleanup::Sqlite(dir) }
    }

    /// A migrated PostgreSQL database of its own, or `None` (see the module docs).
    pub async fn postgres() -> Option<Self> {
        let admin_url = postgres_url()?;
        let mut admin = PgConnection::connect(&admin_url).await.expect("connect to the test PostgreSQL");
        let template = ensure_template(&mut admin, &admin_url).await;
        let name = format!("motcua_t_{}", uuid::Uuid::now_v7().simple());
        admin
            .execute(sqlx::AssertSqlSafe(format!("create database \"{name}\" template \"{template}\"")))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        let db = Db::connect(&database_url(&admin_url, &name), &DbOptions::default()).await.expect("open PostgreSQL");
        Some(Self { db, cleanup: Cleanup::Postgres { admin_url, name } })
    }

    /// The URL of this database (for starting the binary on it).
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::Sqlite(dir) => format!("sqlite://{}", dir.path().join("motcua.db").display()),
            Cleanup::Postgres { admin_url, name } => database_url(admin_url, name),
        }
    }

    /// The handle to pass to the code under test.
    pub fn db(&self) -> Db {
        self.db.clone()
    }

    /// Closes the database and, on PostgreSQL, drops it.
    pub async fn finish(self) {
        self.db.close().await;
        if let Cleanup::Postgres { admin_url, name } = self.cleanup
            && let Ok(mut admin) = PgConnection::connect(&admin_url).await
        {
            let _ =
                admin.execute(sqlx::AssertSqlSafe(format!("drop database if exists \"{name}\" with (force)"))).await;
        }
    }
}

/// Replaces the database name in a PostgreSQL URL.
pub fn database_url(admin_url: &str, database: &str) -> String {
    let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

async fn ensure_template(admin: &mut PgConnection, admin_url: &str) -> String {
    let template = format!("motcua_tmpl_{}", Backend::Postgres.schema_fingerprint());
    // Serialise template creation across test processes (nextest runs one per test).
    admin.execute("select pg_advisory_lock(727274)").await.expect("advisory lock");
    let ready: Option<(bool,)> = sqlx::query_as("select datistemplate from pg_database where datname = $1")
        .bind(&template)
        .fetch_optional(&mut *admin)
        .await
        .expect("look up the template");
    if ready != Some((true,)) {
        if ready.is_some() {
            admin
                .execute(sqlx::AssertSqlSafe(format!("drop database \"{template}\" with (force)")))
                .await
                .expect("drop a half-built template");
        }
        admin.execute(sqlx::AssertSqlSafe(format!("create database \"{template}\""))).await.expect("create template");
        let db = Db::connect(&database_url(admin_url, &template), &DbOptions::default()).await.expect("open template");
        db.migrate().await.expect("migrate the template");
        db.close().await;
        admin
            .execute(sqlx::AssertSqlSafe(format!("alter database \"{template}\" is_template true")))
            .await
            .expect("mark template");
    }
    admin.execute("select pg_advisory_unlock(727274)").await.expect("advisory unlock");
    template
}

/// Runs each named async case `<module>::<case>(db: Db)` (a module beside the macro
/// call) once on SQLite and once
/// on PostgreSQL, each on a fresh database.
#[macro_export]
macro_rules! dual_test {
    ($module:ident: $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test_db = $crate::TestDb::sqlite().await;
                    super::$module::$name(test_db.db()).await;
                    test_db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(test_db) = $crate::TestDb::postgres().await else { return };
                    super::$module::$name(test_db.db()).await;
                    test_db.finish().await;
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn database_url_replaces_only_the_name() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:55432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:55432/t1"
        );
        assert_eq!(database_url("postgres://u:p@h/db?sslmode=disable", "t2"), "postgres://u:p@h/t2?sslmode=disable");
        assert_eq!(database_url("postgres://h:5432", "t3"), "postgres://h:5432/t3");
    }
}
