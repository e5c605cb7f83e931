//! `motcua backup` and `motcua restore` (docs/backup.md): the database (a SQLite snapshot, or `pg_dump` on
//! PostgreSQL), the document store's bytes and the key files, with a MANIFEST of every file's size and SHA-256 that
//! restore checks before it writes anything.

pub mod manifest;

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use futures::StreamExt;
use motcua_app::App;
use motcua_app::record::{self, Change, Ctx};
use motcua_domain::document::digest_of_key;
use sha2::{Digest, Sha256};

use self::manifest::{Backend, BackupPath, Entry, Facts, Kind, MANIFEST, Manifest};
use super::{for_operator, lookup_log, open_app, restrict};
use crate::settings::Settings;

/// Where the database goes inside a backup, per engine.
const SQLITE_FILE: &str = "motcua.db";
const POSTGRES_DUMP: &str = "motcua.pgdump";

/// `motcua backup --out DIR`: writes a new backup into `DIR` (absent or empty). The database comes first, the
/// document bytes after it: bytes are stored before the row that points at them and never removed while a row does,
/// so every document of the snapshot has its bytes in the backup.
pub async fn backup(settings: &Settings, out: &Path, json: bool) -> anyhow::Result<()> {
    if out.exists()
        && std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?.next().is_some()
    {
        bail!("{} không trống (is not empty): a backup goes into a new or empty directory", out.display());
    }
    private_dir(out)?;
    let written = write_backup(settings, out, json).await;
    if written.is_err() {
        // Everything in `out` is ours (it was empty): a half-written backup is not left to be mistaken for one.
        let _ = std::fs::remove_dir_all(out);
    }
    written
}

async fn write_backup(settings: &Settings, out: &Path, json: bool) -> anyhow::Result<()> {
    if !settings.is_embedded() {
        pg_dump_on_path().await?;
    }
    let app = open_app(settings, false).await?;
    let backend = match app.db().backend() {
        motcua_storage::Backend::Sqlite => Backend::Sqlite,
        motcua_storage::Backend::Postgres => Backend::Postgres,
    };
    let created_at = app.now();
    // Recorded before the snapshot, so the backup holds its own event.
    record_backup(&app, out, backend, created_at).await?;
    let mut entries = Vec::new();

    private_dir(&out.join(Kind::Database.dir()))?;
    let database = match backend {
        Backend::Sqlite => BackupPath::new(Kind::Database, SQLITE_FILE),
        Backend::Postgres => BackupPath::new(Kind::Database, POSTGRES_DUMP),
    }
    .map_err(anyhow::Error::msg)?;
    let database_file = out.join(database.as_str());
    match backend {
        Backend::Sqlite => motcua_storage::backup::sqlite_snapshot(app.db(), &database_file)
            .await
            .map_err(|e| anyhow::anyhow!("database snapshot: {e}"))?,
        Backend::Postgres => pg_dump(&settings.database_url(), &database_file).await?,
    }
    entries.push(Entry { path: database, facts: seal(&database_file)? });

    let files = app.documents().map_err(for_operator("storage"))?.files().clone();
    for key in files.keys("sha256").await.map_err(for_operator("listing the document store"))? {
        // Only content-addressed objects are documents; anything else under the prefix is not ours.
        let Some(sha) = digest_of_key(&key) else { continue };
        let path = BackupPath::new(Kind::Document, &key).map_err(anyhow::Error::msg)?;
        let mut stream = files.open_stream(sha).await.map_err(for_operator(&key))?;
        let dest = out.join(path.as_str());
        let mut writer = HashingFile::create(&dest)?;
        while let Some(chunk) = stream.next().await {
            writer.write(&chunk.with_context(|| format!("reading {key} from the document store"))?)?;
        }
        let facts = writer.finish()?;
        if facts.sha256 != sha {
            eprintln!(
                "CẢNH BÁO (warning): {key} does not hash to its address; copied as it is (motcua documents fixity)"
            );
        }
        entries.push(Entry { path, facts });
    }
    app.db().close().await;

    for (path, source) in key_files(settings)? {
        entries.push(Entry { facts: copy_hashed(&source, &out.join(path.as_str()))?, path });
    }

    // The manifest last: a backup without one is incomplete, and restore refuses it.
    let manifest = Manifest::new(backend, created_at, entries);
    let temp = out.join(format!("{MANIFEST}.partial"));
    let mut file = HashingFile::create(&temp)?;
    file.write(format!("{}\n", serde_json::to_string_pretty(&manifest)?).as_bytes())?;
    file.finish()?;
    std::fs::rename(&temp, out.join(MANIFEST)).context("writing the MANIFEST")?;
    sync_dir(out)?;
    report(&manifest, out, json, "Đã sao lưu (backup written) vào");
    Ok(())
}

/// `motcua restore --from DIR [--check] [--force]`: checks every file of the backup against its MANIFEST (any
/// missing, extra or altered file refuses the whole backup), then puts the database, the document bytes and the
/// keys where the settings (`--data-dir` …) say, refusing to overwrite what is there without `force`.
pub async fn restore(
    settings: &Settings,
    from: &Path,
    check_only: bool,
    force: bool,
    json: bool,
) -> anyhow::Result<()> {
    let manifest = read_manifest(from)?;
    let problems = manifest.check(&found_files(from)?);
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("  {problem}");
        }
        bail!(
            "bản sao lưu hỏng, không khôi phục gì (the backup {} fails its own checksums, nothing restored): {} \
             problem(s), first: {}",
            from.display(),
            problems.len(),
            problems[0]
        );
    }
    if check_only {
        report(&manifest, from, json, "Bản sao lưu toàn vẹn (backup intact):");
        return Ok(());
    }
    let targets = Targets::of(settings, manifest.backend)?;
    if !force && let Some(occupied) = targets.occupied(&manifest) {
        bail!("{} không trống (is not empty): restore refuses to overwrite it without --force", occupied.display());
    }
    for entry in &manifest.files {
        let Some(dest) = targets.destination(&entry.path) else { continue };
        if let Some(parent) = dest.parent() {
            private_dir(parent)?;
        }
        if entry.path.kind() == Kind::Database {
            // A log or journal of an older database beside the new file would be replayed into it.
            for suffix in ["-wal", "-shm", "-journal"] {
                remove_if_present(&PathBuf::from(format!("{}{suffix}", dest.display())))?;
            }
        }
        let temp = PathBuf::from(format!("{}.restoring", dest.display()));
        let facts = copy_hashed(&from.join(entry.path.as_str()), &temp)?;
        if facts != entry.facts {
            let _ = std::fs::remove_file(&temp);
            bail!("{} changed while it was being restored; nothing more was restored", entry.path);
        }
        std::fs::rename(&temp, &dest).with_context(|| format!("cannot put {} in place", dest.display()))?;
    }
    report(&manifest, &targets.data_dir, json, "Đã khôi phục (restored) vào");
    if manifest.backend == Backend::Postgres {
        println!(
            "Cơ sở dữ liệu PostgreSQL (the database): pg_restore --no-owner --exit-on-error --dbname \"$DATABASE_URL\" {}",
            from.join(Kind::Database.dir()).join(POSTGRES_DUMP).display()
        );
    }
    Ok(())
}

/// Where each kind of file is restored, from the target's settings.
struct Targets {
    data_dir: PathBuf,
    /// The SQLite file; `None` on PostgreSQL (`pg_restore` restores the dump).
    database: Option<PathBuf>,
    files: PathBuf,
    keys: PathBuf,
    lookup_log_key: PathBuf,
}

impl Targets {
    fn of(settings: &Settings, backend: Backend) -> anyhow::Result<Self> {
        let url = settings.database_url();
        let database = match (backend, manifest::sqlite_file(&url)) {
            (Backend::Sqlite, Some(file)) => Some(PathBuf::from(file)),
            (Backend::Sqlite, None) => bail!("a SQLite backup is restored into a sqlite:// database (database.url)"),
            (Backend::Postgres, None) if !settings.is_embedded() => None,
            (Backend::Postgres, _) => bail!("a PostgreSQL backup is restored into PostgreSQL: set database.url"),
        };
        let documents = settings.documents_config();
        let motcua_app::documents::Backend::Local(files) = documents.backend else {
            bail!(
                "restore writes documents into a local store (storage.backend = local); for S3, restore locally and \
                 copy files/ into the bucket (docs/backup.md)"
            );
        };
        Ok(Self {
            data_dir: settings.data_dir.clone(),
            database,
            files,
            keys: documents.keys_dir,
            lookup_log_key: lookup_log::key_file(settings),
        })
    }

    fn destination(&self, path: &BackupPath) -> Option<PathBuf> {
        match path.kind() {
            Kind::Database => self.database.clone(),
            Kind::Document => Some(self.files.join(path.rest())),
            Kind::UnitKey => Some(self.keys.join(path.rest())),
            Kind::LookupLogKey => Some(self.lookup_log_key.clone()),
            Kind::DataKey => Some(self.data_dir.join(path.rest())),
        }
    }

    /// The first target that already holds something: the data directory, the document and key directories, or
    /// a file the backup would replace.
    fn occupied(&self, manifest: &Manifest) -> Option<PathBuf> {
        let non_empty = |dir: &Path| std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
        [&self.data_dir, &self.files, &self.keys]
            .into_iter()
            .find(|dir| non_empty(dir.as_path()))
            .cloned()
            .or_else(|| manifest.files.iter().filter_map(|e| self.destination(&e.path)).find(|p| p.exists()))
    }
}

/// The manifest of a backup, or why there is none.
fn read_manifest(from: &Path) -> anyhow::Result<Manifest> {
    let path = from.join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: no readable {MANIFEST}; an incomplete or foreign backup", from.display()))?;
    Manifest::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Every file of a backup but its manifest, by `/`-separated relative path, with its size and SHA-256.
fn found_files(root: &Path) -> anyhow::Result<BTreeMap<String, Facts>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        for item in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
            let item = item?;
            let name = item.file_name();
            let name = name.to_str().with_context(|| format!("a file name in {} is not UTF-8", dir.display()))?;
            let relative = format!("{prefix}{name}");
            let kind = item.file_type()?;
            if kind.is_dir() {
                pending.push((item.path(), format!("{relative}/")));
            } else if kind.is_file() {
                if relative != MANIFEST {
                    found.insert(relative, hash_file(&item.path())?);
                }
            } else {
                bail!("{relative}: not a regular file (a link?); a backup holds only files");
            }
        }
    }
    Ok(found)
}

/// The key files to back up: the units' signing keys (`storage.keys_dir`), the lookup log's key file, and every
/// other `*.key` at the top of the data directory (`secrets.key` …).
fn key_files(settings: &Settings) -> anyhow::Result<Vec<(BackupPath, PathBuf)>> {
    let mut out = Vec::new();
    let named = |kind: Kind, path: &Path| -> anyhow::Result<BackupPath> {
        let name =
            path.file_name().and_then(|n| n.to_str()).with_context(|| format!("{}: odd name", path.display()))?;
        BackupPath::new(kind, name).map_err(anyhow::Error::msg)
    };
    let keys_dir = settings.documents_config().keys_dir;
    for path in regular_files(&keys_dir)? {
        out.push((named(Kind::UnitKey, &path)?, path));
    }
    let lookup_key = lookup_log::key_file(settings);
    if lookup_key.is_file() {
        out.push((named(Kind::LookupLogKey, &lookup_key)?, lookup_key.clone()));
    }
    let same = |a: &Path, b: &Path| a == b || std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok();
    for path in regular_files(&settings.data_dir)? {
        if path.extension().is_some_and(|e| e == "key") && !same(&path, &lookup_key) {
            out.push((named(Kind::DataKey, &path)?, path));
        }
    }
    Ok(out)
}

/// The regular files directly in `dir` (none if it does not exist), sorted.
fn regular_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(items) => {
            for item in items {
                let item = item?;
                if item.file_type()?.is_file() {
                    files.push(item.path());
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
    files.sort();
    Ok(files)
}

/// Writes the `backup.created` event.
async fn record_backup(
    app: &App,
    out: &Path,
    backend: Backend,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let tree = app.tree();
    let place = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf()).display().to_string();
    let change = Change {
        subject_type: "backup",
        subject_id: now.to_rfc3339(),
        action: "backup.created",
        unit: None,
        payload: serde_json::json!({ "out": place, "backend": backend }),
    };
    app.db()
        .write(move |tx| Box::pin(async move { record::event(tx, &tree, now, &Ctx::system(), change).await }))
        .await
        .map_err(|e: motcua_storage::StorageError| anyhow::anyhow!("recording the backup event: {e}"))
}

/// `pg_dump -Fc` of the database. The password travels in `PGPASSWORD`, never on the command line, where every
/// user of the machine could read it; the rest of the URL (user, host, database) is not secret.
async fn pg_dump(url: &str, dest: &Path) -> anyhow::Result<()> {
    let (url, password) = manifest::split_password(url);
    let mut command = std::process::Command::new("pg_dump");
    command.arg("--format=custom").arg("--file").arg(dest).arg("--dbname").arg(url).stdin(std::process::Stdio::null());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let status = tokio::task::spawn_blocking(move || command.status()).await?;
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => bail!("pg_dump failed ({status}); its message is above"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "pg_dump is not on PATH: install the PostgreSQL client tools of the server's version, or back up the \
             database with `pg_dump -Fc` yourself as docs/backup.md describes"
        ),
        Err(e) => Err(e).context("cannot run pg_dump"),
    }
}

/// Refuses before anything is written when `pg_dump` cannot be run.
async fn pg_dump_on_path() -> anyhow::Result<()> {
    let mut command = std::process::Command::new("pg_dump");
    command.arg("--version").stdout(std::process::Stdio::null());
    match tokio::task::spawn_blocking(move || command.status()).await? {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "pg_dump is not on PATH: install the PostgreSQL client tools of the server's version, or back up the \
             database with `pg_dump -Fc` yourself as docs/backup.md describes"
        ),
        Err(e) => Err(e).context("cannot run pg_dump"),
    }
}

/// The summary line of a backup or restore.
fn report(manifest: &Manifest, place: &Path, json: bool, done: &str) {
    let (documents, document_bytes) = manifest.count(Kind::Document);
    let keys: usize = [Kind::UnitKey, Kind::LookupLogKey, Kind::DataKey].map(|k| manifest.count(k).0).iter().sum();
    let bytes: u64 = manifest.files.iter().map(|e| e.facts.size).sum();
    if json {
        let summary = serde_json::json!({
            "place": place.display().to_string(), "backend": manifest.backend, "created_at": manifest.created_at,
            "motcua_version": manifest.motcua_version, "files": manifest.files.len(), "bytes": bytes,
            "documents": documents, "document_bytes": document_bytes, "keys": keys,
        });
        println!("{summary}");
    } else {
        println!("{done} {}", place.display());
        println!(
            "  Cơ sở dữ liệu (database): {}; tài liệu (documents): {documents} ({document_bytes} byte); khóa (keys): \
             {keys}; tổng (total): {} tệp, {bytes} byte; tạo lúc (made) {}",
            manifest.backend,
            manifest.files.len(),
            motcua_domain::time::to_local(manifest.created_at).format("%d/%m/%Y %H:%M:%S"),
        );
    }
}

/// A new file (mode 0600) written while hashing; synced to disk on `finish`.
struct HashingFile {
    file: std::fs::File,
    hasher: Sha256,
    size: u64,
}

impl HashingFile {
    fn create(path: &Path) -> anyhow::Result<Self> {
        if let Some(parent) = path.parent() {
            private_dir(parent)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self { file, hasher: Sha256::new(), size: 0 })
    }

    fn write(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        self.file.write_all(bytes)?;
        Ok(())
    }

    fn finish(self) -> anyhow::Result<Facts> {
        self.file.sync_all()?;
        Ok(Facts { size: self.size, sha256: hex::encode(self.hasher.finalize()) })
    }
}

/// Copies `source` to `dest` (mode 0600, synced), returning what was copied.
fn copy_hashed(source: &Path, dest: &Path) -> anyhow::Result<Facts> {
    let mut input = std::fs::File::open(source).with_context(|| format!("cannot read {}", source.display()))?;
    let mut output = HashingFile::create(dest)?;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = input.read(&mut buffer).with_context(|| format!("cannot read {}", source.display()))?;
        if n == 0 {
            break;
        }
        output.write(&buffer[..n])?;
    }
    output.finish()
}

/// Size and SHA-256 of a file.
fn hash_file(path: &Path) -> anyhow::Result<Facts> {
    let mut input = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = input.read(&mut buffer).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    Ok(Facts { size, sha256: hex::encode(hasher.finalize()) })
}

/// Syncs a file written elsewhere (the database snapshot) to disk, sets it to mode 0600, and hashes it.
fn seal(path: &Path) -> anyhow::Result<Facts> {
    restrict(path, 0o600)?;
    std::fs::File::open(path)?.sync_all()?;
    hash_file(path)
}

/// Creates `dir` and its missing parents with mode 0700 (backups and restored data hold keys and personal data).
fn private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("cannot create {}", dir.display()))
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
