//! The binary as an operator uses it: configuration errors, migrate, import, and
//! `serve` on PostgreSQL behaving like the embedded default.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use motcua_testkit::TestDb;

fn motcua() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.env("MOTCUA_LOG__LEVEL", "warn");
    cmd
}

#[test]
fn bad_configuration_fails_naming_the_key() {
    let out = motcua().args(["config"]).env("MOTCUA_DATABASE__ULR", "x").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ulr"), "{err}");

    let out = motcua().args(["config"]).env("MOTCUA_SERVER__BIND", "khong-phai-dia-chi").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.bind"));

    let out = motcua().args(["config"]).env("MOTCUA_SERVER__REQUEST_TIMEOUT_SECS", "abc").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("request_timeout_secs"));

    let out = motcua().args(["--config", "/khong/co/tep.toml", "config"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn config_prints_effective_settings_with_the_password_redacted() {
    let out = motcua()
        .args(["config"])
        .env("MOTCUA_DATABASE__URL", "postgres://motcua:bi-mat@db.local/motcua")
        .env("MOTCUA_SERVER__PORTAL_NAME", "Tỉnh Thử Nghiệm")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("postgres://motcua:***@db.local/motcua"), "{text}");
    assert!(!text.contains("bi-mat"));
    assert!(text.contains("Tỉnh Thử Nghiệm"));
}

#[test]
fn migrate_and_import_on_a_fresh_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = motcua().arg("--data-dir").arg(&data).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("foundation"));
    assert!(data.join("motcua.db").exists());
    // Only the owner reaches the data directory and the database (TOTP seeds, personal data).
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("motcua.db")), 0o600);
    }

    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/reference/don-vi-hanh-chinh-2025.csv");
    let out = motcua().arg("--data-dir").arg(&data).args(["import", "units", csv]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("3355 mới"), "{}", String::from_utf8_lossy(&out.stdout));
    let again = motcua().arg("--data-dir").arg(&data).args(["import", "units", csv]).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 mới, 0 cập nhật, 3355 không đổi"));

    let calendar = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/calendar/schedules.toml");
    let out = motcua().arg("--data-dir").arg(&data).args(["import", "calendar", calendar]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 năm mới"), "{}", String::from_utf8_lossy(&out.stdout));
    let overlapping = dir.path().join("lich.toml");
    std::fs::write(
        &overlapping,
        "[[years]]\nyear = 2027\nenabled = true\nsource = \"thử\"\nconfidence = \"U\"\n\
         [[years.entries]]\ndate = \"2027-03-03\"\nkind = \"swapped_day_off\"\nreason = \"a\"\nlegal_basis = \"b\"\n\
         [[years.entries]]\ndate = \"2027-03-03\"\nkind = \"swapped_day_off\"\nreason = \"a\"\nlegal_basis = \"b\"\n",
    )
    .unwrap();
    let out = motcua().arg("--data-dir").arg(&data).args(["import", "calendar"]).arg(&overlapping).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Lịch nghỉ không hợp lệ"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A broken file is refused with the line number, and nothing changes.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "province_code,province_name,province_type,unit_code,unit_name,unit_type\n48,Đà Nẵng,x,20194,Phường X,làng\n",
    )
    .unwrap();
    let out = motcua().arg("--data-dir").arg(&data).args(["import", "units"]).arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Dòng 2") && err.contains("làng"), "{err}");
    let out = motcua().arg("--data-dir").arg(&data).args(["import", "units", "/khong/co.csv"]).output().unwrap();
    assert!(!out.status.success());
}

/// `serve` with a PostgreSQL URL behaves like the embedded default: it migrates,
/// loads, answers readiness and serves the unit tree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_works_on_postgres_and_on_sqlite() {
    let sqlite = TestDb::sqlite().await;
    let postgres = TestDb::postgres().await;
    let mut urls = vec![(sqlite.url(), "sqlite")];
    if let Some(pg) = &postgres {
        urls.push((pg.url(), "postgres"));
    }
    for (url, backend) in urls {
        let out = motcua().args(["demo", "--no-serve", "--database-url", &url]).output().unwrap();
        assert!(out.status.success(), "{backend}: {}", String::from_utf8_lossy(&out.stderr));

        let mut child = motcua()
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let base = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split("http://").nth(1).map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
            })
            .expect("the server prints its address");
        let ready = http_get(&base, "/readyz");
        assert!(ready.contains(&format!("\"database\":\"{backend}\"")), "{ready}");
        let page = http_get(&base, "/don-vi/qn-minh-an");
        assert!(page.contains("Phường Minh An") && page.contains("Đơn vị kế thừa"), "{backend}");
        // SIGTERM shuts it down gracefully.
        Command::new("kill").arg(child.id().to_string()).status().unwrap();
        assert!(child.wait().unwrap().success(), "{backend}: graceful exit");
    }
    sqlite.finish().await;
    if let Some(pg) = postgres {
        pg.finish().await;
    }
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn catalogue_import_export_and_review_from_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&std::ffi::OsStr]| motcua().arg("--data-dir").arg(&data).args(args).output().unwrap();
    let os = |s: &str| std::ffi::OsString::from(s);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    for units in ["data/reference/don-vi-hanh-chinh-2025.csv", "data/demo/units.toml"] {
        let out = run(&[&os("import"), &os("units"), &os(&format!("{root}/{units}"))]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let demo = os(&format!("{root}/data/demo/catalogue.json"));

    // --check validates and writes nothing; the import then creates; a second import changes nothing.
    let out = run(&[&os("import"), &os("catalogue"), &demo, &os("--check")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("60 thủ tục hợp lệ"));
    let out = run(&[&os("import"), &os("catalogue"), &demo]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("60 thủ tục mới, 0 cập nhật"), "{out:?}");
    let out = run(&[&os("import"), &os("catalogue"), &demo]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 thủ tục mới, 0 cập nhật (phiên bản mới), 60 không đổi"));

    // Export to each format and import it back: nothing changes.
    let json = dir.path().join("catalogue.json");
    let xlsx = dir.path().join("catalogue.xlsx");
    let csv = dir.path().join("csv");
    for (format, path) in [("json", &json), ("xlsx", &xlsx), ("csv", &csv)] {
        let out = run(&[&os("export"), &os("catalogue"), &os("--format"), &os(format), &os("--out"), path.as_os_str()]);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let out = run(&[&os("import"), &os("catalogue"), path.as_os_str()]);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("60 không đổi"), "{format}: {out:?}");
    }
    assert!(csv.join("thu-tuc.csv").exists());

    // A broken file: every problem reported, exit status non-zero, nothing written.
    let bad = dir.path().join("bad.json");
    let text = std::fs::read_to_string(&json).unwrap();
    let broken = text.replacen("\"1.001193\"", "\"1.00119\"", 1).replacen("\"p48.stp\"", "\"p48.khong-co\"", 1);
    std::fs::write(&bad, broken).unwrap();
    let out = run(&[&os("import"), &os("catalogue"), bad.as_os_str()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("(1.00119).code") && err.contains("p48.khong-co") && err.contains("2 lỗi"), "{err}");
    let out = run(&[&os("import"), &os("catalogue"), &demo]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("60 không đổi"));

    // The review names the abolished household book still published in 2.000986.
    let out = run(&[&os("catalogue"), &os("review")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("RÀ SOÁT DANH MỤC") && report.contains("2.000986") && report.contains("Luật Cư trú"),
        "{report}"
    );
    let out = run(&[&os("catalogue"), &os("schema")]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "CatalogueFile");
}

#[test]
fn retention_purge_from_the_console_reports_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = motcua()
        .arg("--data-dir")
        .arg(&data)
        .args(["retention", "purge", "--json"])
        .env("MOTCUA_RETENTION__DRAFTS_DAYS", "10")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["drafts"]["removed"], 0);
    let ran: chrono::DateTime<chrono::Utc> = serde_json::from_value(report["ran_at"].clone()).unwrap();
    let cutoff: chrono::DateTime<chrono::Utc> = serde_json::from_value(report["drafts"]["cutoff"].clone()).unwrap();
    assert_eq!(ran - cutoff, chrono::Duration::days(10), "the setting gives the cut-off");

    let out = motcua().arg("--data-dir").arg(&data).args(["retention", "purge"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Tổng cộng (total): 0"));

    let out = motcua()
        .arg("--data-dir")
        .arg(&data)
        .args(["retention", "purge"])
        .env("MOTCUA_RETENTION__DRAFTS_DAYS", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retention"));
}

#[test]
fn lookup_log_verify_says_what_it_trusts_and_the_secrets_key_is_kept_apart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = motcua().arg("--data-dir").arg(&data).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Nothing pinned: verify says that it trusts only the current key (none here yet).
    let out = motcua().arg("--data-dir").arg(&data).args(["lookup-log", "verify"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Chưa ghim khóa nào ngoài khóa hiện hành"), "{text}");
    // The secrets key file was generated on first use, with a warning naming it.
    assert!(data.join("secrets.key").exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("secrets.key"));

    // A pinned key (the Ed25519 base point, a valid public key): no such notice; a malformed one is refused.
    let point = format!("k0:58{}", "66".repeat(31));
    let out = motcua()
        .arg("--data-dir")
        .arg(&data)
        .args(["lookup-log", "verify", "--json"])
        .env("MOTCUA_LOOKUP_LOG__TRUSTED_KEYS", &point)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["only_current_key"].as_bool(), report["trusted"]["k0"].as_str()), (Some(false), Some("pinned")));
    let out = motcua()
        .arg("--data-dir")
        .arg(&data)
        .args(["lookup-log", "verify"])
        .env("MOTCUA_LOOKUP_LOG__TRUSTED_KEYS", "k1:zz")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lookup_log.trusted_keys"));

    // `config` says where the keys are and that they belong elsewhere; a configured key is never printed.
    let out = motcua().arg("--data-dir").arg(&data).arg("config").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{} (đang dùng)", data.join("secrets.key").display())), "{text}");
    assert!(text.contains("lookup-log-signing.key") && text.contains("keep it apart"), "{text}");
    let key = "ab".repeat(32);
    let out = motcua().arg("--data-dir").arg(&data).arg("config").env("MOTCUA_SECRETS__KEY", &key).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && !text.contains(&key) && text.contains("key = \"***\""), "{text}");
    // A configured key file that is missing is an error, not a new key that opens nothing.
    let out = motcua()
        .arg("--data-dir")
        .arg(&data)
        .args(["lookup-log", "verify"])
        .env("MOTCUA_SECRETS__KEY_FILE", dir.path().join("not-mounted.key"))
        .output()
        .unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("secrets.key_file"));
    let out = motcua().arg("--data-dir").arg(&data).arg("config").env("MOTCUA_SECRETS__KEY", "abc").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secrets.key"));
}
