//! The key that seals secrets at rest (`[secrets]`), and the notes `motcua config` prints about where keys live.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use motcua_app::secrets::SecretBox;

use super::lookup_log;
use crate::settings::Settings;

/// `secrets.key`, else the key file, created (with a warning) when it does not exist yet.
pub(crate) fn secret_box(settings: &Settings) -> anyhow::Result<Arc<SecretBox>> {
    let key = settings.secrets.key.trim();
    if !key.is_empty() {
        return SecretBox::from_hex(key).map(Arc::new).map_err(|e| anyhow::anyhow!("secrets.key: {e}"));
    }
    let path = settings.secrets_key_file();
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretBox::from_hex(&text)
            .map(Arc::new)
            .map_err(|e| anyhow::anyhow!("secrets.key_file {}: {e}", path.display())),
        // Only the default file is created: a configured one that is missing (a secret store not mounted) must not
        // be replaced by a new key that opens none of the sealed secrets.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && settings.secrets.key_file.trim().is_empty() => {
            let key = SecretBox::generate();
            write_secret(&path, &format!("{}\n", key.to_hex()))?;
            tracing::warn!(file = %path.display(),
                "created the secrets key (it seals TOTP seeds and key files): move it to a safe place apart from the \
                 database and back it up — set secrets.key (MOTCUA_SECRETS__KEY) or secrets.key_file; without it \
                 the sealed secrets cannot be read");
            Ok(Arc::new(key))
        }
        Err(e) => Err(e).with_context(|| format!("secrets.key_file: cannot read {}", path.display())),
    }
}

/// Creates a file readable by its owner only; refuses to overwrite one.
pub(crate) fn write_secret(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Whether `file` sits in the data directory, beside the database.
fn beside_data(settings: &Settings, file: &Path) -> bool {
    file.parent().is_some_and(|dir| dir == settings.data_dir)
}

/// Where the keys live and what to do about it, as TOML comments for `motcua config` (Vietnamese, English in
/// parentheses).
pub(crate) fn config_notes(settings: &Settings) -> Vec<String> {
    let mut notes = Vec::new();
    if settings.secrets.key.trim().is_empty() {
        let file = settings.secrets_key_file();
        let state = match (file.exists(), settings.secrets.key_file.trim().is_empty()) {
            (true, _) => "đang dùng",
            (false, true) => "sẽ được tạo khi khởi động",
            (false, false) => "KHÔNG TÌM THẤY (not found)",
        };
        notes.push(format!(
            "secrets: khóa mã hóa bí mật lấy từ tệp {} ({state}). Hãy chuyển tệp này tới nơi an toàn, tách khỏi cơ \
             sở dữ liệu, sao lưu riêng, và đặt secrets.key_file hoặc MOTCUA_SECRETS__KEY (the generated key file is \
             in use: move it to a safe place and back it up; without it TOTP seeds and key files cannot be read).",
            file.display()
        ));
    }
    let l = &settings.lookup_log;
    if l.signing_key.trim().is_empty() {
        let file = lookup_log::key_file(settings);
        let state = match std::fs::read_to_string(&file) {
            Ok(text) if text.contains(motcua_app::secrets::PREFIX_V1) => "đang dùng, đã mã hóa (sealed)",
            Ok(_) => "đang dùng, CHƯA mã hóa (plaintext)",
            Err(_) => "sẽ được tạo và mã hóa khi khởi động (created, sealed, on first start)",
        };
        let mut note = format!("lookup_log: khóa ký nhật ký tra cứu ở tệp {} ({state})", file.display());
        if beside_data(settings, &file) {
            note.push_str(
                "; tệp nằm cạnh cơ sở dữ liệu — hãy giữ ở nơi khác và sao lưu riêng (the signing key file sits \
                 beside the database: keep it apart and back it up elsewhere)",
            );
        }
        notes.push(format!("{note}."));
    }
    if l.trusted_keys.is_empty() && l.trusted_keys_file.trim().is_empty() {
        notes.push(
            "lookup_log: chưa ghim khóa công khai nào; verify chỉ tin khóa ký hiện hành. Ghim các khóa (kể cả khóa \
             đã thay) bằng lookup_log.trusted_keys hoặc trusted_keys_file (no pinned keys: verify trusts only the \
             current signing key)."
                .to_owned(),
        );
    }
    notes
}
