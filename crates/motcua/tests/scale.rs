//! Issue 8 in the test suite, briefly and at tiny size: the generator, every load scenario over HTTP (so the
//! harness cannot rot), and the crash test — kill -9 the server during a submission load, restart it, and every
//! acknowledged dossier is there exactly once (a retry with its idempotency key answers with the same dossier).
//! On SQLite, and on PostgreSQL when `MOTCUA_TEST_DATABASE_URL` is set. Benchmarks themselves run by
//! `scripts/bench`, never here.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use motcua_bench::load::{self, Options, Scenario, Session};
use motcua_testkit::TestDb;

fn motcua() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.env("MOTCUA_LOG__LEVEL", "warn");
    cmd
}

/// Starts `motcua serve` on a free port; returns the child and its base URL.
fn serve(url: &str) -> (Child, String) {
    let mut child = motcua()
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", url])
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
    (child, format!("http://{base}"))
}

async fn scale_on(url: &str, backend: &str) {
    let out = motcua()
        .args(["generate", "--dossiers", "400", "--days", "10", "--officers", "3", "--database-url", url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{backend}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("400 hồ sơ"), "{backend}: {text}");

    let (mut server, base) = serve(url);
    let options = Options {
        base: base.clone(),
        concurrency: 4,
        duration: Duration::from_secs(5),
        max_requests: Some(12),
        officers: 3,
        server_pid: Some(server.id()),
        ..Options::default()
    };
    let session = Session::open(&options).await.unwrap();
    assert_eq!(session.officers.len(), 3, "{backend}");
    // Every scenario, briefly: it answers without errors and measures something.
    for scenario in Scenario::ALL {
        let report = load::run(&session, scenario, &options).await.unwrap();
        assert_eq!(report.errors, 0, "{backend} {}: {:?}", scenario.as_str(), report.first_error);
        assert_eq!(report.requests, 12, "{backend} {}", scenario.as_str());
        assert!(report.p99 >= report.p50 && report.peak_rss_kib.is_some_and(|k| k > 1000), "{backend}");
        if scenario == Scenario::Submit {
            assert_eq!(report.acks.len(), 12, "{backend}");
        }
    }

    // The crash: submissions in flight while the server is killed (SIGKILL: no graceful shutdown).
    let crash = Options { concurrency: 16, duration: Duration::from_secs(3), max_requests: None, ..options.clone() };
    let load = {
        let (session, crash) = (session.clone(), crash.clone());
        tokio::spawn(async move { load::run(&session, Scenario::Submit, &crash).await })
    };
    tokio::time::sleep(Duration::from_millis(1200)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let report = load.await.unwrap().unwrap();
    assert!(!report.acks.is_empty(), "{backend}: nothing acknowledged before the kill");
    assert!(report.errors > 0, "{backend}: the kill interrupted nothing");

    let (mut server, base) = serve(url);
    let session = session.rebase(&base);
    let verification = load::verify(&session, &report.acks).await.unwrap();
    assert!(verification.missing.is_empty(), "{backend}: acknowledged but lost: {:?}", verification.missing);
    assert!(verification.retry_mismatches.is_empty(), "{backend}: {:?}", verification.retry_mismatches);
    assert_eq!(verification.checked, report.acks.len());
    Command::new("kill").arg(server.id().to_string()).status().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_load_and_crash_on_sqlite_and_postgres() {
    let sqlite = TestDb::sqlite().await;
    scale_on(&sqlite.url(), "sqlite").await;
    sqlite.finish().await;
    if let Some(pg) = TestDb::postgres().await {
        scale_on(&pg.url(), "postgres").await;
        pg.finish().await;
    }
}
