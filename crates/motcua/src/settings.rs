//! Settings: built-in defaults, then a TOML file, then `MOTCUA_SECTION__KEY`
//! environment variables, then command-line flags. Parsed into typed values at start;
//! a bad value stops the program naming the key and the reason.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// Every setting, with its default.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    /// Where the embedded database and local files live. `MOTCUA_DATA_DIR`, default `./motcua-data`.
    pub data_dir: PathBuf,
    /// Database settings.
    pub database: DatabaseSettings,
    /// HTTP server settings.
    pub server: ServerSettings,
    /// Officer sessions.
    pub session: SessionSettings,
    /// Background jobs and the sweeper.
    pub jobs: JobSettings,
    /// Logging.
    pub log: LogSettings,
}

/// `[database]`
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; empty means `sqlite://<data_dir>/motcua.db`. `MOTCUA_DATABASE__URL`.
    pub url: String,
    /// Pool size. `MOTCUA_DATABASE__MAX_CONNECTIONS`, default 16.
    pub max_connections: u32,
    /// Group-commit writer lanes on PostgreSQL (SQLite has one writer). `MOTCUA_DATABASE__WRITER_LANES`,
    /// default 4 (measured best on 2 cores, BENCHMARKS.md).
    pub writer_lanes: usize,
    /// Most requests sharing one commit. `MOTCUA_DATABASE__MAX_BATCH`, default 256.
    pub max_batch: usize,
    /// Apply migrations when `serve` starts (turn off when several instances share a
    /// database and `motcua migrate` runs as a deploy step). `MOTCUA_DATABASE__MIGRATE_ON_START`, default true.
    pub migrate_on_start: bool,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact(&self.url))
            .field("max_connections", &self.max_connections)
            .field("writer_lanes", &self.writer_lanes)
            .field("max_batch", &self.max_batch)
            .field("migrate_on_start", &self.migrate_on_start)
            .finish()
    }
}

/// Hides the password of a database URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `[server]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on. `MOTCUA_SERVER__BIND`, default `127.0.0.1:8080`.
    pub bind: String,
    /// Largest request body in bytes. `MOTCUA_SERVER__BODY_LIMIT_BYTES`, default 2 MiB.
    pub body_limit_bytes: usize,
    /// Request timeout in seconds. `MOTCUA_SERVER__REQUEST_TIMEOUT_SECS`, default 30.
    pub request_timeout_secs: u64,
    /// Send the session cookie only over HTTPS. `MOTCUA_SERVER__COOKIE_SECURE`, default false (set true in production).
    pub cookie_secure: bool,
    /// Name in the page header. `MOTCUA_SERVER__PORTAL_NAME`, default `Thành phố Đà Nẵng`.
    pub portal_name: String,
}

/// `[session]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    /// Session lifetime in hours. `MOTCUA_SESSION__TTL_HOURS`, default 10.
    pub ttl_hours: i64,
    /// Failed logins per account before a pause. `MOTCUA_SESSION__LOGIN_ATTEMPTS`, default 5.
    pub login_attempts: u32,
    /// Throttle window and pause in minutes. `MOTCUA_SESSION__LOGIN_WINDOW_MINUTES`, default 15.
    pub login_window_minutes: i64,
}

/// `[jobs]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    /// Run the job worker and sweeper inside `serve`. `MOTCUA_JOBS__ENABLED`, default true.
    pub enabled: bool,
    /// How often the worker looks for due jobs, in ms. `MOTCUA_JOBS__POLL_INTERVAL_MS`, default 1000.
    pub poll_interval_ms: u64,
    /// How often the sweeper runs, in seconds. `MOTCUA_JOBS__SWEEP_INTERVAL_SECS`, default 60.
    pub sweep_interval_secs: u64,
}

/// `[log]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `text` or `json`. `MOTCUA_LOG__FORMAT`, default `text`.
    pub format: String,
    /// A tracing filter such as `info` or `motcua=debug,info`. `MOTCUA_LOG__LEVEL`, default `info`.
    pub level: String,
}

const DEFAULTS: &str = r#"
data_dir = "./motcua-data"

[database]
url = ""
max_connections = 16
writer_lanes = 4
max_batch = 256
migrate_on_start = true

[server]
bind = "127.0.0.1:8080"
body_limit_bytes = 2097152
request_timeout_secs = 30
cookie_secure = false
portal_name = "Thành phố Đà Nẵng"

[session]
ttl_hours = 10
login_attempts = 5
login_window_minutes = 15

[jobs]
enabled = true
poll_interval_ms = 1000
sweep_interval_secs = 60

[log]
format = "text"
level = "info"
"#;

/// Flags that override the other layers.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--data-dir`
    pub data_dir: Option<PathBuf>,
    /// `--database-url`
    pub database_url: Option<String>,
    /// `--bind`
    pub bind: Option<String>,
}

impl Settings {
    /// Loads the layers; `file` is `--config`, or `motcua.toml` in the working directory if present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut builder =
            config::Config::builder().add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        match file {
            Some(path) => {
                if !path.exists() {
                    bail!("configuration file {} does not exist", path.display());
                }
                builder = builder.add_source(config::File::from(path).format(config::FileFormat::Toml));
            }
            None => builder = builder.add_source(config::File::with_name("motcua.toml").required(false)),
        }
        builder = builder.add_source(
            config::Environment::with_prefix("MOTCUA")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                // Only real settings: the test harness also uses MOTCUA_TEST_* variables.
                .source(Some(
                    std::env::vars()
                        .filter(|(k, _)| k == "MOTCUA_DATA_DIR" || (k.starts_with("MOTCUA_") && k.contains("__")))
                        .collect(),
                )),
        );
        if let Some(dir) = &overrides.data_dir {
            builder = builder.set_override("data_dir", dir.display().to_string())?;
        }
        if let Some(url) = &overrides.database_url {
            builder = builder.set_override("database.url", url.clone())?;
        }
        if let Some(bind) = &overrides.bind {
            builder = builder.set_override("server.bind", bind.clone())?;
        }
        let settings: Settings =
            builder.build().context("invalid configuration")?.try_deserialize().context("invalid configuration")?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.bind_addr()?;
        let url = self.database_url();
        if !(url.starts_with("sqlite:") || url.starts_with("postgres:") || url.starts_with("postgresql:")) {
            bail!("database.url: `{}` is not a sqlite:// or postgres:// URL", redact(&url));
        }
        if !["text", "json"].contains(&self.log.format.as_str()) {
            bail!("log.format: `{}` must be `text` or `json`", self.log.format);
        }
        if self.database.max_connections < 2 {
            bail!("database.max_connections: must be at least 2 (one writer and one reader)");
        }
        if self.database.max_batch == 0 || self.database.writer_lanes == 0 {
            bail!("database.max_batch and database.writer_lanes: must be at least 1");
        }
        if self.session.ttl_hours < 1 || self.session.login_window_minutes < 1 || self.session.login_attempts < 1 {
            bail!("session: ttl_hours, login_attempts and login_window_minutes must be at least 1");
        }
        if self.server.request_timeout_secs == 0 || self.server.body_limit_bytes < 1024 {
            bail!("server: request_timeout_secs must be at least 1 and body_limit_bytes at least 1024");
        }
        Ok(())
    }

    /// The listening address.
    pub fn bind_addr(&self) -> anyhow::Result<SocketAddr> {
        self.server
            .bind
            .parse()
            .with_context(|| format!("server.bind: `{}` is not an address such as 127.0.0.1:8080", self.server.bind))
    }

    /// The database URL, defaulting to the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        if self.database.url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("motcua.db").display())
        } else {
            self.database.url.trim().to_owned()
        }
    }

    /// Whether the embedded SQLite default is in use.
    pub fn is_embedded(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }

    /// The effective settings as TOML, with secrets redacted.
    pub fn to_redacted_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.database.url = redact(&self.database_url());
        Ok(toml::to_string_pretty(&shown)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_use_sqlite_in_the_data_dir() {
        let s = Settings::load(None, &Overrides { data_dir: Some("/tmp/x".into()), ..Overrides::default() }).unwrap();
        assert_eq!(s.database_url(), "sqlite:///tmp/x/motcua.db");
        assert_eq!(s.bind_addr().unwrap().port(), 8080);
        assert!(s.is_embedded());
    }

    #[test]
    fn redaction_hides_only_the_password() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/motcua"), "postgres://app:***@db:5432/motcua");
        assert_eq!(redact("postgres://app@db/motcua"), "postgres://app@db/motcua");
        assert_eq!(redact("sqlite://./x.db"), "sqlite://./x.db");
    }

    #[test]
    fn bad_values_name_the_key() {
        let err =
            Settings::load(None, &Overrides { bind: Some("nowhere".into()), ..Overrides::default() }).unwrap_err();
        assert!(format!("{err:#}").contains("server.bind"), "{err:#}");
        let err = Settings::load(None, &Overrides { database_url: Some("mysql://x".into()), ..Overrides::default() })
            .unwrap_err();
        assert!(format!("{err:#}").contains("database.url"), "{err:#}");
    }
}
