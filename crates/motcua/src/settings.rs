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
    /// Document storage.
    pub storage: StorageSettings,
    /// The national population database connector.
    pub population: PopulationSettings,
    /// The lookup log's signing key.
    pub lookup_log: LookupLogSettings,
    /// Citizen login through an OpenID Connect provider (VNeID).
    pub identity: IdentitySettings,
    /// Which copies of applicants' notices are sent.
    pub notices: NoticeSettings,
    /// The SMTP relay for e-mail notices.
    pub smtp: SmtpSettings,
    /// How long personal data outside dossiers is kept (docs/identity.md, "Retention").
    pub retention: RetentionSettings,
    /// The key that seals secrets at rest.
    pub secrets: SecretsSettings,
    /// Limits on what one person or client may use up.
    pub limits: LimitsSettings,
}

/// `[secrets]`: the key that seals secrets at rest — officers' TOTP seeds, the lookup log's signing key file, the
/// units' result-signing key files (crates/app/src/secrets.rs).
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSettings {
    /// 64 hex digits (32 bytes). `MOTCUA_SECRETS__KEY` (never printed). Empty: the key file.
    pub key: String,
    /// The key file used when `key` is empty (64 hex digits), created on first start. Default
    /// `<data_dir>/secrets.key`. `MOTCUA_SECRETS__KEY_FILE`.
    pub key_file: String,
}

impl std::fmt::Debug for SecretsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsSettings")
            .field("key", &if self.key.is_empty() { "" } else { "***" })
            .field("key_file", &self.key_file)
            .finish()
    }
}

/// `[limits]`: what one person may use up of what everyone shares.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSettings {
    /// Dossiers one person may file online per day (UTC+7), counted in the database, at least 1.
    /// `MOTCUA_LIMITS__ONLINE_FILINGS_PER_CITIZEN_DAY`, default 20.
    pub online_filings_per_citizen_day: u32,
    /// Dossiers filed online from one client address per hour, all citizens behind it together (mind carrier-grade
    /// NAT: a mobile network puts many people behind one address). `MOTCUA_LIMITS__ONLINE_FILINGS_PER_CLIENT_HOUR`,
    /// default 120.
    pub online_filings_per_client_hour: u32,
}

/// `[retention]`: the retention purge (Personal Data Protection Law 2025). Dossiers, events, the lookup log and the
/// audit trail are archive records and are never purged.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Days a citizen's online draft is kept after its last save. `MOTCUA_RETENTION__DRAFTS_DAYS`, default 30.
    pub drafts_days: i64,
    /// Days officer and citizen sessions, logins under way and second-factor challenges are kept after they expired.
    /// `MOTCUA_RETENTION__EXPIRED_SESSIONS_DAYS`, default 7.
    pub expired_sessions_days: i64,
    /// Days document share links are kept after they expired. `MOTCUA_RETENTION__EXPIRED_SHARE_LINKS_DAYS`,
    /// default 30.
    pub expired_share_links_days: i64,
    /// Days without a login after which a citizen's profile (name, birth date, level of the last login) is removed;
    /// dossiers keep their own copy of the applicant. `MOTCUA_RETENTION__CITIZEN_PROFILES_DAYS`, default 730 (two
    /// years); at least 30, so that it never comes near a live session or the session grace.
    pub citizen_profiles_days: i64,
    /// Hours between purges run by the sweeper; 0: only `motcua retention purge`.
    /// `MOTCUA_RETENTION__INTERVAL_HOURS`, default 24.
    pub interval_hours: i64,
}

impl RetentionSettings {
    /// The use-case policy.
    pub fn policy(&self) -> motcua_app::retention::RetentionPolicy {
        motcua_app::retention::RetentionPolicy {
            drafts: chrono::Duration::days(self.drafts_days),
            expired_sessions: chrono::Duration::days(self.expired_sessions_days),
            expired_share_links: chrono::Duration::days(self.expired_share_links_days),
            citizen_profiles: chrono::Duration::days(self.citizen_profiles_days),
            every: (self.interval_hours > 0).then(|| chrono::Duration::hours(self.interval_hours)),
        }
    }
}

/// `[notices]`: besides the portal notice, send e-mail (through `[smtp]`) and SMS (through an HTTP gateway).
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeSettings {
    /// E-mail applicants who gave an address. `MOTCUA_NOTICES__EMAIL`, default false.
    pub email: bool,
    /// The SMS gateway (`POST {"to", "text"}`); empty: no SMS. `MOTCUA_NOTICES__SMS_URL`.
    pub sms_url: String,
    /// Bearer token of the SMS gateway. `MOTCUA_NOTICES__SMS_TOKEN` (never logged).
    pub sms_token: String,
}

impl std::fmt::Debug for NoticeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoticeSettings")
            .field("email", &self.email)
            .field("sms_url", &self.sms_url)
            .field("sms_token", &if self.sms_token.is_empty() { "" } else { "***" })
            .finish()
    }
}

/// `[smtp]`: the mail relay (plain SMTP to a relay on the loopback or in the government network).
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Host. `MOTCUA_SMTP__HOST`, default `127.0.0.1`.
    pub host: String,
    /// Port. `MOTCUA_SMTP__PORT`, default 25.
    pub port: u16,
    /// Login; empty for none. `MOTCUA_SMTP__USERNAME`.
    pub username: String,
    /// Password. `MOTCUA_SMTP__PASSWORD` (never logged).
    pub password: String,
    /// Sender. `MOTCUA_SMTP__FROM`.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &if self.password.is_empty() { "" } else { "***" })
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpSettings {
    /// The use-case settings.
    pub fn config(&self) -> motcua_app::notices::SmtpSettings {
        let some = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
        motcua_app::notices::SmtpSettings {
            host: self.host.clone(),
            port: self.port,
            username: some(&self.username),
            password: some(&self.password),
            from: self.from.clone(),
        }
    }
}

/// `[identity]`: the VNeID-compatible OpenID Connect provider citizens log in with (docs/identity.md).
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdentitySettings {
    /// The provider's issuer URL (discovery at `<issuer_url>/.well-known/openid-configuration`); empty: citizens
    /// cannot log in. `motcua demo` uses its own reference provider. `MOTCUA_IDENTITY__ISSUER_URL`.
    pub issuer_url: String,
    /// Our client id. `MOTCUA_IDENTITY__CLIENT_ID`.
    pub client_id: String,
    /// Our client secret (never printed). `MOTCUA_IDENTITY__CLIENT_SECRET`.
    pub client_secret: String,
    /// The callback registered at the provider, `<public address>/dang-nhap/vneid/callback`.
    /// `MOTCUA_IDENTITY__REDIRECT_URL`.
    pub redirect_url: String,
    /// Citizen session lifetime in minutes. `MOTCUA_IDENTITY__SESSION_TTL_MINUTES`, default 120.
    pub session_ttl_minutes: i64,
}

impl std::fmt::Debug for IdentitySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentitySettings")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &if self.client_secret.is_empty() { "" } else { "***" })
            .field("redirect_url", &self.redirect_url)
            .field("session_ttl_minutes", &self.session_ttl_minutes)
            .finish()
    }
}

impl IdentitySettings {
    /// The relying party's configuration, if a provider is configured.
    pub fn config(&self) -> Option<motcua_app::identity::IdentityConfig> {
        (!self.issuer_url.trim().is_empty()).then(|| motcua_app::identity::IdentityConfig {
            issuer_url: self.issuer_url.trim().trim_end_matches('/').to_owned(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            redirect_url: self.redirect_url.trim().to_owned(),
            session_ttl: chrono::Duration::minutes(self.session_ttl_minutes),
        })
    }
}

/// `[population]`: the population registry (docs/population-registry-protocol.md).
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSettings {
    /// Base URL; empty: not connected (lookups refused, prefill declared). `motcua demo` uses its own reference
    /// registry. `MOTCUA_POPULATION__BASE_URL`.
    pub base_url: String,
    /// Bearer API key (a secret). `MOTCUA_POPULATION__API_KEY`.
    pub api_key: String,
    /// Timeout of one attempt, in milliseconds. Default 3000.
    pub timeout_ms: u64,
    /// Timeout of connecting, in milliseconds. Default 1000.
    pub connect_timeout_ms: u64,
    /// Retries after a failed attempt. Default 2.
    pub retries: u32,
    /// Wait before the first retry, doubled each time, in milliseconds. Default 200.
    pub backoff_ms: u64,
    /// Consecutive failed lookups that open the circuit. Default 5.
    pub breaker_threshold: u32,
    /// Seconds the circuit stays open before a probe. Default 30.
    pub breaker_cooldown_secs: u64,
}

impl std::fmt::Debug for PopulationSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PopulationSettings")
            .field("base_url", &self.base_url)
            .field("api_key", &if self.api_key.is_empty() { "" } else { "***" })
            .field("timeout_ms", &self.timeout_ms)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

/// `[lookup_log]`: the Ed25519 key that signs the lookup log's head (docs/lookup-log.md).
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LookupLogSettings {
    /// The secret key: 64 hex digits (a 32-byte seed). `MOTCUA_LOOKUP_LOG__SIGNING_KEY`. Empty: the key file.
    pub signing_key: String,
    /// The key's id, stored with every signature; a new id for a new key (rotation). Default `k1`.
    pub key_id: String,
    /// The key file used when `signing_key` is empty (`key_id:hex`), created on first start when
    /// `generate_key`. Default `<data_dir>/lookup-log-signing.key`.
    pub key_file: String,
    /// Create a missing key file. Default true (the embedded demo); turn off where keys are provisioned.
    pub generate_key: bool,
    /// Seconds between kept checkpoints of the signed head. Default 60.
    pub checkpoint_interval_secs: u64,
    /// Public keys `verify` trusts besides the current one, retired keys included: `key_id:<64 hex digits>`.
    /// `MOTCUA_LOOKUP_LOG__TRUSTED_KEYS` (comma-separated). Kept outside the database, which anyone writing there
    /// could add a key to.
    pub trusted_keys: Vec<String>,
    /// A file of trusted public keys, one `key_id:<hex>` a line (`#` comments), kept apart from the database.
    /// `MOTCUA_LOOKUP_LOG__TRUSTED_KEYS_FILE`; empty: none.
    pub trusted_keys_file: String,
}

impl std::fmt::Debug for LookupLogSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookupLogSettings")
            .field("signing_key", &if self.signing_key.is_empty() { "" } else { "***" })
            .field("key_id", &self.key_id)
            .field("key_file", &self.key_file)
            .field("generate_key", &self.generate_key)
            .field("checkpoint_interval_secs", &self.checkpoint_interval_secs)
            .field("trusted_keys", &self.trusted_keys)
            .field("trusted_keys_file", &self.trusted_keys_file)
            .finish()
    }
}

/// `[database]`
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; empty means `sqlite://<data_dir>/motcua.db`. `MOTCUA_DATABASE__URL`.
    pub url: String,
    /// Pool size (SQLite opens at most four readers per core besides its writer). `MOTCUA_DATABASE__MAX_CONNECTIONS`,
    /// default 16.
    pub max_connections: u32,
    /// Group-commit writer lanes on PostgreSQL (SQLite has one writer). `MOTCUA_DATABASE__WRITER_LANES`,
    /// default 4 (measured best on 2 cores, BENCHMARKS.md).
    pub writer_lanes: usize,
    /// Most requests sharing one commit. `MOTCUA_DATABASE__MAX_BATCH`, default 256.
    pub max_batch: usize,
    /// How long a request waits for a database connection before `503 unavailable`, in ms (a database outage then
    /// answers within this). `MOTCUA_DATABASE__ACQUIRE_TIMEOUT_MS`, default 3000.
    pub acquire_timeout_ms: u64,
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
            .field("acquire_timeout_ms", &self.acquire_timeout_ms)
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
    /// Public address of the portal, printed as the QR code of the PDF forms (`<public_url>/tra-cuu-ho-so?ma=…`).
    /// `MOTCUA_SERVER__PUBLIC_URL`; empty (the default) means `http://<bind>`.
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client, comma-separated addresses or networks
    /// (`10.0.0.5, 10.1.0.0/16`); the login and lookup throttles then count the client, not the proxy. Empty (the
    /// default): the header is ignored. `MOTCUA_SERVER__TRUSTED_PROXIES`.
    pub trusted_proxies: String,
}

impl ServerSettings {
    /// The trusted proxies, parsed.
    pub fn trusted_proxy_networks(&self) -> anyhow::Result<Vec<ipnet::IpNet>> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| anyhow::anyhow!("server.trusted_proxies: \"{s}\" is not an address or a network"))
            })
            .collect()
    }
}

/// `[session]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    /// Session lifetime in hours. `MOTCUA_SESSION__TTL_HOURS`, default 10.
    pub ttl_hours: i64,
    /// Failed logins per account from one address before that address is paused for the account (from elsewhere
    /// the account's logins are only slowed down). `MOTCUA_SESSION__LOGIN_ATTEMPTS`, default 5.
    pub login_attempts: u32,
    /// Failed logins per client address, any accounts, before the address is paused.
    /// `MOTCUA_SESSION__CLIENT_LOGIN_ATTEMPTS`, default 20.
    pub client_login_attempts: u32,
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

/// `[storage]`: where document bytes go, the checks on them, and the result-signing keys.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// `local` (files under `<data_dir>/files`) or `s3`. `MOTCUA_STORAGE__BACKEND`, default `local`.
    pub backend: String,
    /// S3 endpoint, e.g. `https://s3.example.vn`; empty for AWS. `MOTCUA_STORAGE__ENDPOINT`.
    pub endpoint: String,
    /// Bucket. `MOTCUA_STORAGE__BUCKET`.
    pub bucket: String,
    /// Region. `MOTCUA_STORAGE__REGION`, default `us-east-1`.
    pub region: String,
    /// Access key id. `MOTCUA_STORAGE__ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// Secret access key (never printed). `MOTCUA_STORAGE__SECRET_ACCESS_KEY`.
    pub secret_access_key: String,
    /// Allow plain HTTP to the endpoint. `MOTCUA_STORAGE__ALLOW_HTTP`, default false.
    pub allow_http: bool,
    /// Path-style requests (most non-AWS stores). `MOTCUA_STORAGE__PATH_STYLE`, default true.
    pub path_style: bool,
    /// Largest document in bytes when the procedure sets none. `MOTCUA_STORAGE__MAX_FILE_BYTES`, default 20 MiB.
    pub max_file_bytes: u64,
    /// `host:port` of a ClamAV daemon that must pass every file; empty: no scan. `MOTCUA_STORAGE__CLAMD`.
    pub clamd: String,
    /// Directory of the units' result-signing keys (`<unit>.ed25519`); empty means `<data_dir>/keys`.
    /// `MOTCUA_STORAGE__KEYS_DIR`.
    pub keys_dir: String,
    /// Generate a missing unit key (embedded default); turn off where keys are provisioned.
    /// `MOTCUA_STORAGE__GENERATE_KEYS`, default true.
    pub generate_keys: bool,
}

impl std::fmt::Debug for StorageSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageSettings")
            .field("backend", &self.backend)
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &if self.access_key_id.is_empty() { "" } else { "***" })
            .field("secret_access_key", &if self.secret_access_key.is_empty() { "" } else { "***" })
            .field("allow_http", &self.allow_http)
            .field("path_style", &self.path_style)
            .field("max_file_bytes", &self.max_file_bytes)
            .field("clamd", &self.clamd)
            .field("keys_dir", &self.keys_dir)
            .field("generate_keys", &self.generate_keys)
            .finish()
    }
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
acquire_timeout_ms = 3000

[server]
bind = "127.0.0.1:8080"
body_limit_bytes = 2097152
request_timeout_secs = 30
cookie_secure = false
portal_name = "Thành phố Đà Nẵng"
public_url = ""
trusted_proxies = ""

[session]
ttl_hours = 10
login_attempts = 5
client_login_attempts = 20
login_window_minutes = 15

[jobs]
enabled = true
poll_interval_ms = 1000
sweep_interval_secs = 60

[log]
format = "text"
level = "info"

[storage]
backend = "local"
endpoint = ""
bucket = ""
region = "us-east-1"
access_key_id = ""
secret_access_key = ""
allow_http = false
path_style = true
max_file_bytes = 20971520
clamd = ""
keys_dir = ""
generate_keys = true

[population]
base_url = ""
api_key = ""
timeout_ms = 3000
connect_timeout_ms = 1000
retries = 2
backoff_ms = 200
breaker_threshold = 5
breaker_cooldown_secs = 30

[identity]
issuer_url = ""
client_id = ""
client_secret = ""
redirect_url = ""
session_ttl_minutes = 120

[lookup_log]
signing_key = ""
key_id = "k1"
key_file = ""
generate_key = true
checkpoint_interval_secs = 60
trusted_keys = []
trusted_keys_file = ""

[notices]
email = false
sms_url = ""
sms_token = ""

[smtp]
host = "127.0.0.1"
port = 25
username = ""
password = ""
from = "Một cửa <motcua@localhost>"

[retention]
drafts_days = 30
expired_sessions_days = 7
expired_share_links_days = 30
citizen_profiles_days = 730
interval_hours = 24

[secrets]
key = ""
key_file = ""

[limits]
online_filings_per_citizen_day = 20
online_filings_per_client_hour = 120
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

/// The `MOTCUA_SECTION__KEY` layer over `vars`.
fn environment(vars: config::Map<String, String>) -> config::Environment {
    config::Environment::with_prefix("MOTCUA")
        .prefix_separator("_")
        .separator("__")
        .try_parsing(true)
        // Lists are comma-separated, only for the keys named (every other value stays a string).
        .list_separator(",")
        .with_list_parse_key("lookup_log.trusted_keys")
        .source(Some(vars))
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
        // Only real settings: the test harness also uses MOTCUA_TEST_* variables.
        builder = builder.add_source(environment(
            std::env::vars()
                .filter(|(k, _)| k == "MOTCUA_DATA_DIR" || (k.starts_with("MOTCUA_") && k.contains("__")))
                .collect(),
        ));
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
        match self.storage.backend.as_str() {
            "local" => {}
            "s3" if !self.storage.bucket.trim().is_empty() => {}
            "s3" => bail!("storage.bucket: required when storage.backend is `s3`"),
            other => bail!("storage.backend: `{other}` must be `local` or `s3`"),
        }
        if self.storage.max_file_bytes < 1024 {
            bail!("storage.max_file_bytes: must be at least 1024");
        }
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
        if self.session.ttl_hours < 1
            || self.session.login_window_minutes < 1
            || self.session.login_attempts < 1
            || self.session.client_login_attempts < 1
        {
            bail!(
                "session: ttl_hours, login_attempts, client_login_attempts and login_window_minutes must be at least 1"
            );
        }
        self.server.trusted_proxy_networks()?;
        if self.database.acquire_timeout_ms < 100 {
            bail!("database.acquire_timeout_ms: must be at least 100");
        }
        if self.population.timeout_ms == 0 || self.population.breaker_threshold == 0 {
            bail!("population: timeout_ms and breaker_threshold must be at least 1");
        }
        let id = &self.identity;
        if !id.issuer_url.trim().is_empty()
            && (id.client_id.is_empty() || id.client_secret.is_empty() || id.redirect_url.trim().is_empty())
        {
            bail!("identity: client_id, client_secret and redirect_url are required when issuer_url is set");
        }
        if id.session_ttl_minutes < 1 {
            bail!("identity.session_ttl_minutes: must be at least 1");
        }
        if !self.secrets.key.trim().is_empty() && motcua_app::secrets::SecretBox::from_hex(&self.secrets.key).is_err() {
            bail!("secrets.key: must be 64 hexadecimal digits (32 bytes)");
        }
        if self.lookup_log.checkpoint_interval_secs == 0 {
            bail!("lookup_log.checkpoint_interval_secs: must be at least 1");
        }
        let r = &self.retention;
        if r.drafts_days < 1 || r.expired_sessions_days < 0 || r.expired_share_links_days < 0 || r.interval_hours < 0 {
            bail!(
                "retention: drafts_days must be at least 1; expired_sessions_days, expired_share_links_days and \
                 interval_hours must not be negative"
            );
        }
        if r.citizen_profiles_days < 30 {
            bail!("retention: citizen_profiles_days must be at least 30 (days without a login)");
        }
        if self.limits.online_filings_per_client_hour < 1 {
            bail!("limits.online_filings_per_client_hour: must be at least 1");
        }
        if self.limits.online_filings_per_citizen_day < 1 {
            bail!("limits.online_filings_per_citizen_day: must be at least 1");
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

    /// The document store's settings, with paths resolved against the data directory.
    pub fn documents_config(&self) -> motcua_app::documents::DocumentsConfig {
        use motcua_app::documents::{Backend, DocumentsConfig, S3Config};
        let s = &self.storage;
        let backend = if s.backend == "s3" {
            Backend::S3(S3Config {
                endpoint: s.endpoint.trim().to_owned(),
                bucket: s.bucket.trim().to_owned(),
                region: s.region.trim().to_owned(),
                access_key_id: s.access_key_id.clone(),
                secret_access_key: s.secret_access_key.clone(),
                allow_http: s.allow_http,
                path_style: s.path_style,
            })
        } else {
            Backend::Local(self.data_dir.join("files"))
        };
        DocumentsConfig {
            backend,
            max_file_bytes: s.max_file_bytes,
            clamd: Some(s.clamd.trim().to_owned()).filter(|c| !c.is_empty()),
            keys_dir: if s.keys_dir.trim().is_empty() { self.data_dir.join("keys") } else { s.keys_dir.trim().into() },
            generate_keys: s.generate_keys,
        }
    }

    /// The secrets key file (used when `secrets.key` is empty).
    pub fn secrets_key_file(&self) -> PathBuf {
        match self.secrets.key_file.trim() {
            "" => self.data_dir.join("secrets.key"),
            file => file.into(),
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
        if !shown.storage.access_key_id.is_empty() {
            shown.storage.access_key_id = "***".into();
        }
        if !shown.storage.secret_access_key.is_empty() {
            shown.storage.secret_access_key = "***".into();
        }
        if !shown.population.api_key.is_empty() {
            shown.population.api_key = "***".into();
        }
        if !shown.lookup_log.signing_key.is_empty() {
            shown.lookup_log.signing_key = "***".into();
        }
        if !shown.secrets.key.is_empty() {
            shown.secrets.key = "***".into();
        }
        if !shown.smtp.password.is_empty() {
            shown.smtp.password = "***".into();
        }
        if !shown.notices.sms_token.is_empty() {
            shown.notices.sms_token = "***".into();
        }
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
    fn storage_keys_are_redacted_and_s3_needs_a_bucket() {
        let mut s = Settings::load(None, &Overrides::default()).unwrap();
        s.storage.secret_access_key = "s3cr3t-key".into();
        s.storage.access_key_id = "AKIAEXAMPLE".into();
        assert!(!format!("{s:?}").contains("s3cr3t-key") && !format!("{s:?}").contains("AKIAEXAMPLE"));
        let shown = s.to_redacted_toml().unwrap();
        assert!(!shown.contains("s3cr3t-key") && !shown.contains("AKIAEXAMPLE"), "{shown}");
        s.storage.backend = "s3".into();
        assert!(format!("{:#}", s.validate().unwrap_err()).contains("storage.bucket"));
    }

    #[test]
    fn retention_defaults_and_bounds() {
        let mut s = Settings::load(None, &Overrides::default()).unwrap();
        let policy = s.retention.policy();
        assert_eq!(policy.drafts, chrono::Duration::days(30));
        assert_eq!(policy.expired_sessions, chrono::Duration::days(7));
        assert_eq!(policy.every, Some(chrono::Duration::hours(24)));
        assert_eq!(policy.citizen_profiles, chrono::Duration::days(730));
        s.retention.citizen_profiles_days = 29;
        assert!(format!("{:#}", s.validate().unwrap_err()).contains("citizen_profiles_days"));
        s.retention.citizen_profiles_days = 30;
        s.retention.interval_hours = 0;
        assert_eq!(s.retention.policy().every, None);
        s.retention.drafts_days = 0;
        assert!(format!("{:#}", s.validate().unwrap_err()).contains("retention"));
    }

    #[test]
    fn the_secrets_key_is_redacted_and_trusted_keys_come_from_the_environment() {
        let mut s =
            Settings::load(None, &Overrides { data_dir: Some("/tmp/x".into()), ..Overrides::default() }).unwrap();
        assert_eq!(s.secrets_key_file(), PathBuf::from("/tmp/x/secrets.key"));
        s.secrets.key = "ab".repeat(32);
        assert!(!format!("{s:?}").contains(&s.secrets.key));
        assert!(!s.to_redacted_toml().unwrap().contains(&s.secrets.key));
        let vars = [("MOTCUA_LOOKUP_LOG__TRUSTED_KEYS".to_owned(), "k1:aa,k2:bb".to_owned())];
        let parsed: Settings = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .add_source(environment(vars.into_iter().collect()))
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap();
        assert_eq!(parsed.lookup_log.trusted_keys, ["k1:aa", "k2:bb"]);
    }

    #[test]
    fn the_online_filing_limit_is_at_least_one() {
        let mut s = Settings::load(None, &Overrides::default()).unwrap();
        assert_eq!(s.limits.online_filings_per_citizen_day, 20);
        s.limits.online_filings_per_citizen_day = 0;
        assert!(format!("{:#}", s.validate().unwrap_err()).contains("limits.online_filings_per_citizen_day"));
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
