//! Use cases: each one loads what it needs, lets the domain decide, and persists the
//! change together with its event (and any job) in one transaction.
//!
//! The web layer and the command line call only this crate. Every call that touches
//! an organisation's records names the acting [`Principal`](motcua_domain::access::Principal)
//! and passes the one decision point, [`App::require`].

pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod clock;
pub mod demo;
pub mod documents;
pub mod dossiers;
pub mod error;
pub mod http;
pub mod identity;
pub mod jobs;
mod keyset;
pub mod notices;
pub mod password;
pub mod population;
pub mod record;
pub mod retention;
pub mod secrets;
mod session_cache;
pub mod throttle;
pub mod totp;
pub mod units;

use std::sync::{Arc, RwLock};

use motcua_domain::access::{Action, Principal, decide, decide_grant};
use motcua_domain::unit::{UnitId, UnitTree};
use motcua_storage::Db;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{AppError, ErrorCode};

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// How long an officer session lasts.
    pub session_ttl: chrono::Duration,
    /// Failed logins allowed per account from one address in [`AppConfig::login_window`] before a pause; past it
    /// the account's logins from anywhere are slowed down (never refused).
    pub login_attempts: u32,
    /// Failed logins allowed per client address (any accounts) in the window before a pause.
    pub client_login_attempts: u32,
    /// The window and pause of the login throttle.
    pub login_window: chrono::Duration,
    /// How long a claimed job may run before another worker may take it over.
    pub job_lease: chrono::Duration,
    /// Citizen login through an OpenID Connect provider (VNeID); none: citizens cannot log in.
    pub identity: Option<identity::IdentityConfig>,
    /// The key that seals secrets at rest (TOTP seeds). The default is a random key shared by the process — right
    /// for tests only: the binary always sets the configured one, or sealed secrets would not open after a restart.
    pub secrets: Arc<secrets::SecretBox>,
    /// How many dossiers may be filed online from one client address per hour (every citizen behind it together).
    pub online_filings_per_client_hour: u32,
    /// How many dossiers one person may file online per day (UTC+7).
    pub online_filings_per_citizen_day: motcua_domain::dossier::DailyFilingLimit,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_ttl: chrono::Duration::hours(10),
            login_attempts: 5,
            client_login_attempts: 20,
            login_window: chrono::Duration::minutes(15),
            job_lease: chrono::Duration::minutes(5),
            identity: None,
            secrets: process_secrets(),
            online_filings_per_citizen_day: motcua_domain::dossier::DailyFilingLimit::DEFAULT,
            online_filings_per_client_hour: 120,
        }
    }
}

fn process_secrets() -> Arc<secrets::SecretBox> {
    static KEY: std::sync::OnceLock<Arc<secrets::SecretBox>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| Arc::new(secrets::SecretBox::generate())).clone()
}

/// The application: database, clock, the organisation tree in memory, job handlers.
#[derive(Clone)]
pub struct App {
    db: Db,
    clock: Arc<dyn Clock>,
    tree: Arc<RwLock<Arc<UnitTree>>>,
    config: AppConfig,
    jobs: jobs::Registry,
    throttle: throttle::Throttle,
    lookup_throttle: throttle::Throttle,
    hashing: password::Hashing,
    filing_throttle: throttle::Throttle,
    calendar: Arc<RwLock<Arc<calendar::CalendarState>>>,
    procedures: catalogue::VersionCache,
    identity: Option<identity::oidc::RelyingParty>,
    documents: Option<Arc<documents::Documents>>,
    population: population::PopulationState,
    officer_sessions: session_cache::SessionCache<accounts::OfficerView>,
    citizen_sessions: session_cache::SessionCache<identity::CitizenSession>,
}

impl App {
    /// Builds the application over a migrated database and loads the unit tree.
    pub async fn new(db: Db, clock: Arc<dyn Clock>, config: AppConfig) -> Result<Self, AppError> {
        let identity = config.identity.clone().map(identity::oidc::RelyingParty::new).transpose()?;
        let login_window = config.login_window;
        let app = Self {
            db,
            clock,
            tree: Arc::new(RwLock::new(Arc::new(UnitTree::default()))),
            config,
            jobs: jobs::Registry::default(),
            throttle: throttle::Throttle::new(login_window, throttle::DEFAULT_CAPACITY),
            lookup_throttle: throttle::Throttle::new(dossiers::LOOKUP_WINDOW, throttle::DEFAULT_CAPACITY),
            hashing: password::Hashing::default(),
            filing_throttle: throttle::Throttle::new(chrono::Duration::hours(1), throttle::DEFAULT_CAPACITY),
            calendar: Arc::new(RwLock::new(Arc::new(calendar::CalendarState::generated_only()?))),
            procedures: catalogue::VersionCache::default(),
            identity,
            documents: None,
            population: population::PopulationState::default(),
            officer_sessions: session_cache::SessionCache::default(),
            citizen_sessions: session_cache::SessionCache::default(),
        };
        app.reload_tree().await?;
        app.reload_calendar().await?;
        Ok(app)
    }

    /// Attaches the document store (object storage, limits, result signer).
    pub fn with_documents(mut self, documents: documents::Documents) -> Self {
        self.documents = Some(Arc::new(documents));
        self
    }

    /// The database handle.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The current instant from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        motcua_domain::time::storable(self.clock.now())
    }

    /// The organisation tree as last loaded.
    pub fn tree(&self) -> Arc<UnitTree> {
        self.tree.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The one decision point: refuses unless `principal` may do `action` on `unit`'s records.
    pub fn require(&self, principal: &Principal, action: Action, unit: &UnitId) -> Result<(), AppError> {
        decide(principal, action, unit, &self.tree()).map_err(AppError::from)
    }

    /// The decision point for giving a role: `principal` must manage the officers of the grant's unit and hold the
    /// role there itself, unless it administers the province (`domain::access::decide_grant`).
    pub fn require_grant(&self, principal: &Principal, grant: &motcua_domain::access::Grant) -> Result<(), AppError> {
        decide_grant(principal, grant, &self.tree()).map_err(AppError::from)
    }

    /// The one decision point for province-wide actions (jobs, the calendar): the
    /// principal must hold the action on the province of its own unit.
    pub fn require_in_home_province(&self, principal: &Principal, action: Action) -> Result<(), AppError> {
        let home = match principal {
            Principal::System => return Ok(()),
            Principal::Officer { unit, .. } => self.tree().province_of(unit).map(|p| p.id.clone()),
            _ => None,
        };
        // Non-officers have no province: `decide` refuses them whatever the unit.
        let province = home.unwrap_or_else(|| UnitId::parse("vn").expect("literal id"));
        self.require(principal, action, &province)
    }

    /// Use-case settings.
    pub fn config(&self) -> &AppConfig {
        &self.config
    }
}
