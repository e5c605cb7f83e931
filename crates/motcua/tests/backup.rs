//! `motcua backup` and `motcua restore` as an operator runs them: a data directory with the demo data, stored
//! documents and keys is backed up and restored into a fresh directory, where every table's rows and every stored
//! file are the same and `serve` works; a damaged backup and an occupied target are refused.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::documents::{Backend, Documents, DocumentsConfig, UploadMeta};
use motcua_app::dossiers::{Applicant, NewDossier};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, ManualClock};
use motcua_domain::access::Principal;
use motcua_storage::{Db, DbOptions};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const LOOKUP_KEY: &str = "k1:1111111111111111111111111111111111111111111111111111111111111111\n";
const SECRETS_KEY: &str = "2222222222222222222222222222222222222222222222222222222222222222\n";

fn motcua() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.env("MOTCUA_LOG__LEVEL", "warn");
    cmd
}

fn run(data: &Path, args: &[&str]) -> Output {
    motcua().arg("--data-dir").arg(data).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sqlite_url(data: &Path) -> String {
    format!("sqlite://{}", data.join("motcua.db").display())
}

/// The demo data, a dossier received at the counter with two uploaded files and a signed result (which generates
/// the competent unit's key), the lookup log's key file and a `secrets.key`.
async fn populated(data: &Path) {
    std::fs::create_dir_all(data).unwrap();
    let db = Db::connect(&sqlite_url(data), &DbOptions::default()).await.unwrap();
    db.migrate().await.unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    let app = App::new(db, clock, AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let config = DocumentsConfig {
        backend: Backend::Local(data.join("files")),
        max_file_bytes: 1 << 20,
        clamd: None,
        keys_dir: data.join("keys"),
        generate_keys: true,
    };
    let app = app.with_documents(Documents::open(&config).unwrap());
    let officer = app.login("tiepnhan.hoian", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    let ctx = Ctx::new(officer.officer.principal(), None);
    let p = app.procedure(&Principal::Anonymous, "1.001570", None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), "048203000001", "p48", "c20410");
    let input = NewDossier {
        procedure: "1.001570".into(),
        case: None,
        unit: None,
        applicant: Applicant {
            id_number: "048203000001".into(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: None,
            email: None,
            organisation: None,
        },
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    };
    let d = app.receive_at_counter(&ctx, input, None).await.unwrap();
    for (name, bytes) in [("to-khai.pdf", PDF.to_vec()), ("ban-sao.pdf", [PDF, b"% 2\n"].concat())] {
        let meta = UploadMeta { file_name: name.into(), source: Some("digitised".into()), ..UploadMeta::default() };
        let body = futures::stream::iter([Ok::<_, std::io::Error>(bytes)]);
        app.upload_component_file(&ctx, d.id, "tp7", meta, body).await.unwrap();
    }
    let result = [PDF, b"% ket qua\n"].concat();
    let body = futures::stream::iter([Ok::<_, std::io::Error>(result)]);
    app.issue_result(&ctx, d.id, "ket-qua.pdf", body).await.unwrap();
    app.db().close().await;
    std::fs::write(data.join("lookup-log-signing.key"), LOOKUP_KEY).unwrap();
    std::fs::write(data.join("secrets.key"), SECRETS_KEY).unwrap();
}

/// Every file under `root` by relative path, with its bytes (the database files left out).
fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for item in std::fs::read_dir(&dir).unwrap() {
            let path = item.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if !relative.starts_with("motcua.db") {
                    out.insert(relative, std::fs::read(&path).unwrap());
                }
            }
        }
    }
    out
}

async fn table_rows(data: &Path) -> Vec<motcua_storage::backup::TableRows> {
    let db = Db::connect(&sqlite_url(data), &DbOptions::default()).await.unwrap();
    let rows = motcua_storage::backup::sqlite_table_rows(&db).await.unwrap();
    db.close().await;
    rows
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let path = item.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_a_fresh_directory_row_for_row_and_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    populated(&data).await;
    let backup = dir.path().join("backup");

    let out = run(&data, &["backup", "--out", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Đã sao lưu"), "{}", text(&out.stdout));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(backup.join("MANIFEST")).unwrap()).unwrap();
    assert_eq!(manifest["backend"], "sqlite");
    let paths: Vec<&str> = manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"database/motcua.db"), "{paths:?}");
    assert_eq!(paths.iter().filter(|p| p.starts_with("files/sha256/")).count(), 3, "{paths:?}");
    assert!(paths.iter().any(|p| p.starts_with("keys/") && p.ends_with(".ed25519")), "the unit's key: {paths:?}");
    assert!(paths.contains(&"lookup-log/lookup-log-signing.key") && paths.contains(&"data/secrets.key"));
    // A second backup into the same directory is refused.
    let again = run(&data, &["backup", "--out", backup.to_str().unwrap()]);
    assert!(!again.status.success() && text(&again.stderr).contains("not empty"), "{}", text(&again.stderr));

    let check = run(&data, &["restore", "--from", backup.to_str().unwrap(), "--check", "--json"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(summary["documents"], 3);

    let restored = dir.path().join("restored");
    let out = run(&restored, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Đã khôi phục"), "{}", text(&out.stdout));

    // Every table, row for row (the backup's own event included on both sides).
    let original = table_rows(&data).await;
    let copy = table_rows(&restored).await;
    assert!(original.iter().any(|t| t.table == "documents" && t.rows.len() == 3));
    let events = original.iter().find(|t| t.table == "events").unwrap();
    assert!(events.rows.iter().any(|r| r.iter().any(|v| v == "'backup.created'")), "the backup is audited");
    assert_eq!(original.len(), copy.len());
    for (a, b) in original.iter().zip(&copy) {
        assert_eq!(a, b, "table {}", a.table);
    }
    // Every stored object and key file, byte for byte, private to its owner.
    let before = files_under(&data);
    assert!(before.keys().any(|k| k.starts_with("keys/")));
    assert_eq!(files_under(&restored), before);
    #[cfg(unix)]
    {
        for name in before.keys() {
            assert_eq!(mode(&restored.join(name)), 0o600, "{name}");
        }
        assert_eq!(mode(&restored.join("motcua.db")), 0o600);
        assert_eq!(mode(&restored), 0o700);
        assert_eq!(mode(&restored.join("files/sha256")), 0o700);
    }

    // `serve` works on the restored directory, with the restored lookup-log key.
    let mut child = motcua()
        .arg("--data-dir")
        .arg(&restored)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("MOTCUA_LOOKUP_LOG__GENERATE_KEY", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split("http://").nth(1).map(|rest| rest.split_whitespace().next().unwrap_or("").into()))
        .expect("the server prints its address");
    let base: String = base;
    let ready = http_get(&base, "/readyz");
    assert!(ready.contains("200 OK"), "{ready}");
    assert!(http_get(&base, "/don-vi/qn-minh-an").contains("Phường Minh An"));
    Command::new("kill").arg(child.id().to_string()).status().unwrap();
    assert!(child.wait().unwrap().success(), "graceful exit");
}

#[test]
fn a_damaged_backup_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(run(&data, &["migrate"]).status.success());
    // Bytes at their content address, as the store keeps them, and a unit key.
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    let object = data.join(format!("files/sha256/{}/{}/{sha}", &sha[..2], &sha[2..4]));
    std::fs::create_dir_all(object.parent().unwrap()).unwrap();
    std::fs::write(&object, PDF).unwrap();
    std::fs::create_dir_all(data.join("keys")).unwrap();
    std::fs::write(data.join("keys/c20410.ed25519"), SECRETS_KEY).unwrap();
    let backup = dir.path().join("backup");
    let out = run(&data, &["backup", "--out", backup.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The unit key and the secrets key that every start generates beside the database (`secrets.key_file`).
    assert!(data.join("secrets.key").exists());
    assert_eq!((summary["documents"].as_u64(), summary["keys"].as_u64()), (Some(1), Some(2)), "{summary}");
    let document = format!("files/sha256/{}/{}/{sha}", &sha[..2], &sha[2..4]);

    let refused = |damaged: &Path, name: &str| {
        let target = dir.path().join(format!("target-{name}"));
        let out = run(&target, &["restore", "--from", damaged.to_str().unwrap()]);
        assert!(!out.status.success(), "{name}: restored a damaged backup");
        let err = text(&out.stderr);
        assert!(err.contains(name), "{name}: {err}");
        assert!(!target.exists(), "{name}: nothing restored");
        let check = run(&target, &["restore", "--from", damaged.to_str().unwrap(), "--check"]);
        assert!(!check.status.success(), "{name}: --check fails too");
        err
    };
    // One byte flipped.
    let flipped = dir.path().join("flipped");
    copy_tree(&backup, &flipped);
    let mut bytes = std::fs::read(flipped.join(&document)).unwrap();
    bytes[10] ^= 0x01;
    std::fs::write(flipped.join(&document), bytes).unwrap();
    assert!(refused(&flipped, &document).contains("SHA-256"));
    // A file deleted.
    let deleted = dir.path().join("deleted");
    copy_tree(&backup, &deleted);
    std::fs::remove_file(deleted.join("keys/c20410.ed25519")).unwrap();
    assert!(refused(&deleted, "keys/c20410.ed25519").contains("missing"));
    // A file added, and the database cut short.
    let added = dir.path().join("added");
    copy_tree(&backup, &added);
    std::fs::write(added.join("keys/intruder.ed25519"), SECRETS_KEY).unwrap();
    assert!(refused(&added, "keys/intruder.ed25519").contains("extra"));
    let truncated = dir.path().join("truncated");
    copy_tree(&backup, &truncated);
    let db = std::fs::read(truncated.join("database/motcua.db")).unwrap();
    std::fs::write(truncated.join("database/motcua.db"), &db[..db.len() - 1]).unwrap();
    refused(&truncated, "database/motcua.db");
    // No MANIFEST: an incomplete backup.
    let incomplete = dir.path().join("incomplete");
    copy_tree(&backup, &incomplete);
    std::fs::remove_file(incomplete.join("MANIFEST")).unwrap();
    refused(&incomplete, "MANIFEST");
}

#[test]
fn restore_refuses_a_non_empty_target_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(run(&data, &["migrate"]).status.success());
    let backup = dir.path().join("backup");
    assert!(run(&data, &["backup", "--out", backup.to_str().unwrap()]).status.success());

    // Something written after the backup: restoring over it needs --force, and then gives the backup's state.
    let after = dir.path().join("after");
    assert!(run(&data, &["backup", "--out", after.to_str().unwrap()]).status.success());
    let out = run(&data, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("not empty") && err.contains("--force"), "{err}");
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "x").unwrap();
    assert!(!run(&other, &["restore", "--from", backup.to_str().unwrap()]).status.success(), "any non-empty dir");

    let out = run(&data, &["restore", "--from", backup.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&data, &["restore", "--from", backup.to_str().unwrap(), "--check"]);
    assert!(out.status.success());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let events = |data: PathBuf| {
        rt.block_on(async move {
            let rows = table_rows(&data).await;
            rows.into_iter().find(|t| t.table == "events").unwrap().rows.len()
        })
    };
    // The first backup holds its own event only; the second one's event is gone with the restore.
    assert_eq!(events(data.clone()), 1);
}

/// On PostgreSQL the database is dumped by `pg_dump -Fc`, the password handed over in its environment and never
/// shown; restore checks the dump with the rest and leaves `pg_restore` to the operator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_the_backup_runs_pg_dump_without_showing_the_password() {
    let Some(pg) = motcua_testkit::TestDb::postgres().await else { return };
    // The test server trusts local connections: the password is ignored there, but must never be printed.
    let url = pg.url().replacen("://postgres@", "://postgres:bi-mat-9z@", 1);
    assert!(url.contains("bi-mat-9z"), "the test URL names the postgres user: {url}");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let backup = dir.path().join("backup");
    // Without pg_dump: refused, pointing at the docs, and no half-written backup left.
    let out = motcua()
        .arg("--data-dir")
        .arg(&data)
        .args(["--database-url", &url, "backup", "--out", backup.to_str().unwrap()])
        .env("PATH", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("pg_dump is not on PATH") && err.contains("docs/backup.md"), "{err}");
    assert!(!err.contains("bi-mat-9z") && !backup.exists(), "{err}");
    let out = motcua()
        .arg("--data-dir")
        .arg(&data)
        .args(["--database-url", &url, "backup", "--out", backup.to_str().unwrap()])
        .output()
        .unwrap();
    let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{shown}");
    assert!(!shown.contains("bi-mat-9z"), "{shown}");
    let dump = std::fs::read(backup.join("database/motcua.pgdump")).unwrap();
    assert!(dump.starts_with(b"PGDMP"), "a pg_dump custom archive");
    let manifest = std::fs::read_to_string(backup.join("MANIFEST")).unwrap();
    assert!(manifest.contains("\"backend\": \"postgres\"") && !manifest.contains("bi-mat-9z"));

    // Into SQLite: refused. Into PostgreSQL: the files and keys restored, pg_restore named for the database.
    let fresh = dir.path().join("fresh");
    let out = run(&fresh, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out.stderr).contains("PostgreSQL"), "{}", text(&out.stderr));
    let out = motcua()
        .arg("--data-dir")
        .arg(&fresh)
        .args(["--database-url", &url, "restore", "--from", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("pg_restore") && !shown.contains("bi-mat-9z"), "{shown}");
    pg.finish().await;
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
