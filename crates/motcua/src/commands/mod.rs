//! The subcommands. Each opens what it needs from the settings and calls the app.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use motcua_app::calendar::parse_calendar_toml;
use motcua_app::demo::{DEMO_OFFICERS, DEMO_PASSWORD};
use motcua_app::record::Ctx;
use motcua_app::units::{parse_reference_csv, parse_units_toml};
use motcua_app::{App, AppConfig, SystemClock};
use motcua_storage::{Db, DbOptions};
use motcua_web::{AppState, WebConfig};
use tokio::sync::watch;

use crate::settings::{Settings, redact};

pub mod backup;
pub mod catalogue;
pub mod documents;
pub mod generate;
pub mod idp;
pub mod lookup_log;
pub mod reference;
pub mod retention;
pub mod secrets;

/// Logs to stderr as text or JSON; `RUST_LOG` overrides `log.level`.
pub fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&settings.log.level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if settings.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Sets `path`'s permission bits (Unix; elsewhere nothing to do).
pub(crate) fn restrict(path: &std::path::Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot restrict the permissions of {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

async fn open_db(settings: &Settings) -> anyhow::Result<Db> {
    let url = settings.database_url();
    if settings.is_embedded() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("data_dir: cannot create {}", settings.data_dir.display()))?;
        // The data directory holds the database, documents and keys: its owner alone may enter it.
        restrict(&settings.data_dir, 0o700)?;
    }
    let options = DbOptions {
        max_connections: settings.database.max_connections,
        writer_lanes: settings.database.writer_lanes,
        max_batch: settings.database.max_batch,
        acquire_timeout: std::time::Duration::from_millis(settings.database.acquire_timeout_ms),
        ..DbOptions::default()
    };
    let db =
        Db::connect(&url, &options).await.with_context(|| format!("database.url: cannot open {}", redact(&url)))?;
    if let Some(file) = url.strip_prefix("sqlite://") {
        // SQLite gives its -wal and -shm files the database file's mode.
        restrict(std::path::Path::new(file.split('?').next().unwrap_or(file)), 0o600)?;
    }
    tracing::info!(backend = db.backend().name(), url = %redact(&url), "database opened");
    Ok(db)
}

pub(crate) async fn open_app(settings: &Settings, migrate: bool) -> anyhow::Result<App> {
    let secrets = secrets::secret_box(settings)?;
    let db = open_db(settings).await?;
    if migrate {
        db.migrate().await.context("applying migrations")?;
    }
    let config = AppConfig {
        session_ttl: chrono::Duration::hours(settings.session.ttl_hours),
        login_attempts: settings.session.login_attempts,
        client_login_attempts: settings.session.client_login_attempts,
        login_window: chrono::Duration::minutes(settings.session.login_window_minutes),
        identity: settings.identity.config(),
        secrets: secrets.clone(),
        online_filings_per_citizen_day: motcua_domain::dossier::DailyFilingLimit::new(
            settings.limits.online_filings_per_citizen_day,
        )
        .context("limits.online_filings_per_citizen_day")?,
        online_filings_per_client_hour: settings.limits.online_filings_per_client_hour,
        ..AppConfig::default()
    };
    let app = App::new(db, Arc::new(SystemClock), config).await.map_err(|e| anyhow::anyhow!("starting: {e}"))?;
    let documents = motcua_app::documents::Documents::open_sealed(&settings.documents_config(), secrets)
        .map_err(for_operator("storage: opening the document store"))?;
    tracing::info!(store = documents.files().describe(), "document store opened");
    let app = app.with_documents(documents);
    if settings.notices.email {
        app.enable_email_notices(&settings.smtp.config()).map_err(for_operator("smtp: e-mail notices"))?;
    }
    if !settings.notices.sms_url.trim().is_empty() {
        let token = Some(settings.notices.sms_token.clone()).filter(|t| !t.is_empty());
        app.enable_sms_notices(std::sync::Arc::new(motcua_app::notices::HttpSmsGateway::new(
            settings.notices.sms_url.trim(),
            token,
        )));
    }
    Ok(app)
}

/// An error as the operator at the console needs it, prefixed with what was being done:
/// the Vietnamese message, and for storage failures the database's own words too (the
/// console is not a public client).
pub(crate) fn for_operator(doing: impl std::fmt::Display) -> impl Fn(motcua_app::AppError) -> anyhow::Error {
    move |e| match &e {
        motcua_app::AppError::Storage(storage) => anyhow::anyhow!("{doing}: {} ({storage})", e.message_vi()),
        _ => anyhow::anyhow!("{doing}: {}", e.message_vi()),
    }
}

/// `motcua migrate`
pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = open_db(settings).await?;
    db.migrate().await.context("applying migrations")?;
    for (version, name, applied) in db.migration_status().await? {
        println!("{version:>4} {name:<40} {}", if applied { "đã áp dụng (applied)" } else { "chưa áp dụng (pending)" });
    }
    db.close().await;
    Ok(())
}

/// `motcua import units FILE`
pub async fn import_units(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let units = match file.extension().and_then(|e| e.to_str()) {
        Some("csv") => parse_reference_csv(&text),
        Some("toml") => parse_units_toml(&text),
        _ => bail!("{}: expected a .csv or .toml file", file.display()),
    }
    .map_err(for_operator(file.display()))?;
    let app = open_app(settings, true).await?;
    let report = app.apply_units(&Ctx::system(), units).await.map_err(for_operator(file.display()))?;
    println!(
        "Đã nhập {}: {} mới, {} cập nhật, {} không đổi.",
        file.display(),
        report.created,
        report.updated,
        report.unchanged
    );
    app.db().close().await;
    Ok(())
}

/// `motcua import calendar FILE`
pub async fn import_calendar(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let data = parse_calendar_toml(&text).map_err(for_operator(file.display()))?;
    let app = open_app(settings, true).await?;
    let report = app.import_calendar(&Ctx::system(), data).await.map_err(for_operator(file.display()))?;
    println!(
        "Đã nhập lịch {}: {} năm mới, {} cập nhật, {} không đổi.",
        file.display(),
        report.created,
        report.updated,
        report.unchanged
    );
    app.db().close().await;
    Ok(())
}

/// `motcua demo`
pub async fn demo(settings: &Settings, then_serve: bool) -> anyhow::Result<()> {
    let app = open_app(settings, true).await?;
    let report = app.load_demo().await.map_err(for_operator("loading the demo data"))?;
    println!(
        "Dữ liệu mẫu: {} đơn vị hành chính mới ({} không đổi), {} đơn vị tổ chức mới ({} không đổi), {} lịch nghỉ năm mới ({} không đổi), {} tài khoản mới.",
        report.reference.created,
        report.reference.unchanged,
        report.demo_units.created,
        report.demo_units.unchanged,
        report.calendar.created,
        report.calendar.unchanged,
        report.officers_created
    );
    println!(
        "Danh mục thủ tục mẫu: {} thủ tục mới, {} cập nhật, {} không đổi.",
        report.catalogue.created, report.catalogue.updated, report.catalogue.unchanged
    );
    if !then_serve {
        app.db().close().await;
        return Ok(());
    }
    let addr = settings.bind_addr()?;
    // The reference population registry rides on the demo's own listener; the connector calls it over HTTP.
    let registry = motcua_reference::registry::Registry::new(
        motcua_reference::registry::Population::demo(),
        motcua_reference::registry::DEMO_API_KEY,
    );
    let mounted = axum::Router::new().nest("/reference/registry", registry.router());
    let mut app = lookup_log::attach(settings, app).await?;
    if settings.population.base_url.trim().is_empty() {
        let host = if addr.ip().is_unspecified() { "127.0.0.1".to_owned() } else { addr.ip().to_string() };
        let base = format!("http://{host}:{}/reference/registry", addr.port());
        let connector = lookup_log::connector(settings, &base, motcua_reference::registry::DEMO_API_KEY)?;
        app = app.with_population_registry(Arc::new(connector));
    }
    let (app, mounted) = idp::attach_demo(settings, addr, app, mounted)?;
    println!("\nTài khoản cán bộ mẫu (mật khẩu chung: {DEMO_PASSWORD}):");
    for officer in DEMO_OFFICERS {
        let roles: Vec<&str> = officer.grants.iter().map(|(role, _)| *role).collect();
        println!("  {:<18} {:<28} {} @ {}", officer.username, officer.full_name, roles.join(", "), officer.unit);
    }
    run_server(settings, app, addr, mounted).await
}

/// `motcua serve`
pub async fn serve(settings: &Settings) -> anyhow::Result<()> {
    let app = open_app(settings, settings.database.migrate_on_start).await?;
    let app = lookup_log::attach(settings, app).await?;
    run_server(settings, app, settings.bind_addr()?, axum::Router::new()).await
}

/// `mounted`: routes served beside the application (the demo's reference servers).
async fn run_server(settings: &Settings, app: App, addr: SocketAddr, mounted: axum::Router) -> anyhow::Result<()> {
    let web = WebConfig {
        cookie_secure: settings.server.cookie_secure,
        body_limit: settings.server.body_limit_bytes,
        request_timeout: Duration::from_secs(settings.server.request_timeout_secs),
        portal_name: settings.server.portal_name.clone(),
        public_url: match settings.server.public_url.trim().trim_end_matches('/') {
            "" => format!("http://{addr}"),
            url => url.to_owned(),
        },
        trusted_proxies: settings.server.trusted_proxy_networks()?,
    };
    let router = mounted.merge(motcua_web::router(AppState::new(app.clone(), web)));
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("server.bind: cannot listen on {addr}"))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut background = Vec::new();
    if settings.jobs.enabled {
        background.push(tokio::spawn(job_worker(
            app.clone(),
            Duration::from_millis(settings.jobs.poll_interval_ms),
            stop_rx.clone(),
        )));
        background.push(tokio::spawn(sweeper(
            app.clone(),
            Duration::from_secs(settings.jobs.sweep_interval_secs),
            settings.retention.policy(),
            stop_rx.clone(),
        )));
    }
    println!("\nmotcua đang chạy tại http://{addr} (dừng: Ctrl+C)");
    tracing::info!(%addr, "listening");
    let server = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
        });
    let result = server.await.context("server failed");
    let _ = stop_tx.send(true);
    for task in background {
        let _ = task.await;
    }
    app.db().close().await;
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}

async fn job_worker(app: App, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match app.run_due_jobs(32).await {
            Ok(report) if report.done + report.retried + report.failed > 0 => tracing::info!(?report, "jobs run"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "job worker pass failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn sweeper(
    app: App,
    every: Duration,
    retention: motcua_app::retention::RetentionPolicy,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        match app.sweep().await {
            Ok(report) if report.sessions_removed + report.jobs_requeued + report.idempotency_keys_removed > 0 => {
                tracing::info!(?report, "sweep")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "sweep failed"),
        }
        // The retention purge rides on the sweeper, when the newest `retention.purge` event says it is due.
        match app.purge_retention_if_due(&retention).await {
            Ok(Some(report)) => tracing::info!(removed = report.total(), "retention purge (counts in its audit event)"),
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "retention purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}
