//! `motcua lookup-log …`: verify the population-database lookup log, print its signed head; and the signing key
//! the server uses (docs/lookup-log.md).

use std::path::PathBuf;

use anyhow::{Context, bail};
use motcua_app::App;
use motcua_app::population::SigningIdentity;
use motcua_app::population::http::{HttpRegistry, HttpRegistryConfig};

use super::{for_operator, open_app};
use crate::settings::Settings;

/// The lookup log's key file: `lookup_log.key_file`, or `<data_dir>/lookup-log-signing.key`.
pub(crate) fn key_file(settings: &Settings) -> PathBuf {
    let configured = settings.lookup_log.key_file.trim();
    if configured.is_empty() { settings.data_dir.join("lookup-log-signing.key") } else { configured.into() }
}

/// The signing key: `lookup_log.signing_key` with `key_id`, else the key file (`key_id:hex`), created when allowed.
pub(crate) fn signing_identity(settings: &Settings) -> anyhow::Result<SigningIdentity> {
    let s = &settings.lookup_log;
    if !s.signing_key.trim().is_empty() {
        return SigningIdentity::from_hex(&s.key_id, &s.signing_key)
            .map_err(|e| anyhow::anyhow!("lookup_log.signing_key: {e}"));
    }
    let path = key_file(settings);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let (id, secret) = text
                .trim()
                .split_once(':')
                .with_context(|| format!("lookup_log.key_file: {} must hold `key_id:64 hex digits`", path.display()))?;
            SigningIdentity::from_hex(id, secret)
                .map_err(|e| anyhow::anyhow!("lookup_log.key_file {}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && s.generate_key => {
            let key = SigningIdentity::generate(&s.key_id);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            write_secret(&path, &format!("{}:{}\n", key.key_id, key.secret_hex()))?;
            tracing::warn!(file = %path.display(), key_id = %key.key_id, public_key = %key.public_hex(),
                "created a lookup-log signing key: back it up, it signs the log's head");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("lookup_log: no signing_key and no key file {} (generate_key is off)", path.display())
        }
        Err(e) => Err(e).with_context(|| format!("lookup_log.key_file: cannot read {}", path.display())),
    }
}

fn write_secret(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// The population connector of `[population]`, when a base URL is set.
pub(crate) fn connector(settings: &Settings, base_url: &str, api_key: &str) -> anyhow::Result<HttpRegistry> {
    let p = &settings.population;
    let mut config = HttpRegistryConfig::new(base_url, api_key);
    config.timeout = std::time::Duration::from_millis(p.timeout_ms);
    config.connect_timeout = std::time::Duration::from_millis(p.connect_timeout_ms);
    config.retries = p.retries;
    config.backoff = std::time::Duration::from_millis(p.backoff_ms);
    config.breaker_threshold = p.breaker_threshold;
    config.breaker_cooldown = std::time::Duration::from_secs(p.breaker_cooldown_secs);
    HttpRegistry::new(config).map_err(|e| anyhow::anyhow!("population: {e}"))
}

/// Gives the app its lookup-log key and, when configured, its population connector.
pub(crate) async fn attach(settings: &Settings, app: App) -> anyhow::Result<App> {
    let key = signing_identity(settings)?;
    let interval = chrono::Duration::seconds(settings.lookup_log.checkpoint_interval_secs as i64);
    let mut app = app.with_lookup_log_key(key, interval).await.map_err(for_operator("lookup_log"))?;
    let base = settings.population.base_url.trim();
    if !base.is_empty() {
        let registry = connector(settings, base, &settings.population.api_key)?;
        app = app.with_population_registry(std::sync::Arc::new(registry));
    }
    Ok(app)
}

/// `motcua lookup-log verify`: exits non-zero when anything is wrong, naming the records.
pub async fn verify(settings: &Settings, json: bool) -> anyhow::Result<()> {
    let app = open_app(settings, false).await?;
    let report = motcua_app::population::log::verify(app.db()).await.map_err(for_operator("lookup-log verify"))?;
    app.db().close().await;
    if json {
        let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        println!(
            "{}",
            serde_json::json!({"records": report.records, "last_seq": report.last_seq,
                "signed_seq": report.signed_seq, "intact": report.is_intact(), "problems": problems})
        );
    } else {
        println!(
            "Nhật ký tra cứu: {} bản ghi, bản ghi cuối {}, đã ký đến {}.",
            report.records, report.last_seq, report.signed_seq
        );
        for p in &report.problems {
            println!("  SAI: {p}");
        }
    }
    if report.is_intact() {
        if !json {
            println!("Toàn vẹn (intact).");
        }
        Ok(())
    } else {
        bail!("the lookup log is NOT intact: {} problem(s)", report.problems.len())
    }
}

/// `motcua lookup-log head`: the signed head as JSON, to publish outside the database.
pub async fn head(settings: &Settings) -> anyhow::Result<()> {
    let app = open_app(settings, false).await?;
    let head = motcua_app::population::log::signed_head(app.db()).await.map_err(for_operator("lookup-log head"))?;
    app.db().close().await;
    println!(
        "{}",
        serde_json::json!({"seq": head.seq, "hash": head.hash, "key_id": head.key_id,
            "signature": head.signature, "signed_at": head.signed_at})
    );
    Ok(())
}
