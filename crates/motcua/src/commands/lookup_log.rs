//! `motcua lookup-log …`: verify the population-database lookup log, print its signed head; and the signing key
//! the server uses (docs/lookup-log.md).

use std::path::PathBuf;

use anyhow::{Context, bail};
use motcua_app::App;
use motcua_app::population::SigningIdentity;
use motcua_app::population::chain::{Trust, TrustedKeys};
use motcua_app::population::http::{HttpRegistry, HttpRegistryConfig};
use motcua_app::secrets::SecretBox;

use super::secrets::write_secret;
use super::{for_operator, open_app};
use crate::settings::Settings;

/// The lookup log's key file: `lookup_log.key_file`, or `<data_dir>/lookup-log-signing.key`.
pub(crate) fn key_file(settings: &Settings) -> PathBuf {
    let configured = settings.lookup_log.key_file.trim();
    if configured.is_empty() { settings.data_dir.join("lookup-log-signing.key") } else { configured.into() }
}

/// What the key file's secret is sealed for: its key id (a sealed key moved under another id does not open).
fn purpose(key_id: &str) -> String {
    format!("lookup-log-key:{key_id}")
}

/// The signing key: `lookup_log.signing_key` with `key_id`, else the key file (`key_id:<sealed or hex secret>`),
/// created when `generate` and `lookup_log.generate_key` allow. None when there is no key and none may be made.
pub(crate) fn signing_identity(
    settings: &Settings,
    secrets: &SecretBox,
    generate: bool,
) -> anyhow::Result<Option<SigningIdentity>> {
    let s = &settings.lookup_log;
    if !s.signing_key.trim().is_empty() {
        return SigningIdentity::from_hex(&s.key_id, &s.signing_key)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("lookup_log.signing_key: {e}"));
    }
    let path = key_file(settings);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let (id, stored) = text
                .trim()
                .split_once(':')
                .with_context(|| format!("lookup_log.key_file: {} must hold `key_id:64 hex digits`", path.display()))?;
            let (secret, was_sealed) = secrets
                .open_text(&purpose(id), stored)
                .map_err(|e| anyhow::anyhow!("lookup_log.key_file {}: {e}", path.display()))?;
            if !was_sealed {
                tracing::warn!(file = %path.display(), "the lookup-log signing key file is not sealed (plaintext)");
            }
            SigningIdentity::from_hex(id, &secret)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("lookup_log.key_file {}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && s.generate_key && generate => {
            let key = SigningIdentity::generate(&s.key_id);
            let sealed = secrets.seal(&purpose(&key.key_id), key.secret_hex().as_bytes());
            write_secret(&path, &format!("{}:{sealed}\n", key.key_id))?;
            tracing::warn!(file = %path.display(), key_id = %key.key_id, public_key = %key.public_hex(),
                "created the lookup-log signing key file (sealed with the secrets key): keep it apart from the \
                 database and back it up elsewhere (lookup_log.signing_key or lookup_log.key_file), and pin its public key \
                 outside the database: lookup_log.trusted_keys = [\"{}:{}\"]", key.key_id, key.public_hex());
            Ok(Some(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !generate => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("lookup_log: no signing_key and no key file {} (generate_key is off)", path.display())
        }
        Err(e) => Err(e).with_context(|| format!("lookup_log.key_file: cannot read {}", path.display())),
    }
}

/// The keys pinned outside the database: `lookup_log.trusted_keys` and the lines of `trusted_keys_file`.
pub(crate) fn pinned_keys(settings: &Settings) -> anyhow::Result<TrustedKeys> {
    let s = &settings.lookup_log;
    let mut keys = TrustedKeys::new();
    for entry in &s.trusted_keys {
        keys.pin(entry).map_err(|e| anyhow::anyhow!("lookup_log.trusted_keys: {e}"))?;
    }
    let file = s.trusted_keys_file.trim();
    if !file.is_empty() {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("lookup_log.trusted_keys_file: cannot read {file}"))?;
        keys.pin_file(&text).map_err(|e| anyhow::anyhow!("lookup_log.trusted_keys_file {file}: {e}"))?;
    }
    Ok(keys)
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
    let secrets = app.config().secrets.clone();
    let key = signing_identity(settings, &secrets, true)?.context("lookup_log: no signing key")?;
    // A pinned key that contradicts the current one is a configuration error: say so at start, not at verify.
    pinned_keys(settings)?.trust_current(&key).map_err(|e| anyhow::anyhow!("lookup_log.trusted_keys: {e}"))?;
    let interval = chrono::Duration::seconds(settings.lookup_log.checkpoint_interval_secs as i64);
    let mut app = app.with_lookup_log_key(key, interval).await.map_err(for_operator("lookup_log"))?;
    let base = settings.population.base_url.trim();
    if !base.is_empty() {
        let registry = connector(settings, base, &settings.population.api_key)?;
        app = app.with_population_registry(std::sync::Arc::new(registry));
    }
    Ok(app)
}

/// `motcua lookup-log verify`: trusts only the pinned keys and the current signing key; exits non-zero when
/// anything is wrong, naming the records and any signature by a key not trusted.
pub async fn verify(settings: &Settings, json: bool) -> anyhow::Result<()> {
    let mut trusted = pinned_keys(settings)?;
    let app = open_app(settings, false).await?;
    let current = signing_identity(settings, &app.config().secrets, false)?;
    if let Some(key) = &current {
        trusted.trust_current(key).map_err(|e| anyhow::anyhow!("lookup_log.trusted_keys: {e}"))?;
    }
    let report =
        motcua_app::population::log::verify(app.db(), &trusted).await.map_err(for_operator("lookup-log verify"))?;
    app.db().close().await;
    let trust_name = |t: Option<Trust>| match t {
        Some(Trust::Pinned) => "pinned",
        Some(Trust::Current) => "current",
        None => "untrusted",
    };
    if json {
        let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        let signers: Vec<_> = report
            .signers
            .iter()
            .map(|u| {
                serde_json::json!({"key_id": u.key_id, "trust": trust_name(u.trust), "signatures": u.signatures,
                    "from_seq": u.seqs.0, "to_seq": u.seqs.1, "head": u.head})
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"records": report.records, "last_seq": report.last_seq,
                "signed_seq": report.signed_seq, "intact": report.is_intact(), "problems": problems,
                "signers": signers, "trusted": report.trusted.iter().map(|(id, t)| (id.clone(), trust_name(Some(*t))))
                    .collect::<std::collections::BTreeMap<_, _>>(),
                "only_current_key": report.only_current_key})
        );
    } else {
        println!(
            "Nhật ký tra cứu: {} bản ghi, bản ghi cuối {}, đã ký đến {}.",
            report.records, report.last_seq, report.signed_seq
        );
        let trusted: Vec<String> =
            report.trusted.iter().map(|(id, t)| format!("{id} ({})", trust_name(Some(*t)))).collect();
        println!(
            "Khóa được tin cậy (trusted keys): {}.",
            if trusted.is_empty() { "không có".into() } else { trusted.join(", ") }
        );
        if current.is_none() {
            println!("  Không tìm thấy khóa ký hiện hành (no current signing key found).");
        }
        if report.only_current_key {
            println!(
                "  Chưa ghim khóa nào ngoài khóa hiện hành: chữ ký của khóa cũ sẽ bị coi là không tin cậy. Ghim các \
                 khóa bằng lookup_log.trusted_keys hoặc trusted_keys_file (no key pinned besides the current one)."
            );
        }
        for u in &report.signers {
            println!(
                "  Khóa {} [{}]: {} chữ ký (signatures), tại bản ghi {}–{}{}",
                u.key_id,
                trust_name(u.trust),
                u.signatures,
                u.seqs.0,
                u.seqs.1,
                if u.head { ", ký đầu chuỗi (signs the head)" } else { "" }
            );
        }
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
