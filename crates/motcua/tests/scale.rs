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

/// The `host:port` a starting child prints after `http://`. The rest of its output is drained on a thread: a
/// closed pipe would make the child's next `println!` panic.
fn printed_address(child: &mut Child) -> String {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.split("http://").nth(1).map(|rest| rest.split(['/', ' ']).next().unwrap_or("").to_owned())
        })
        .expect("the child prints its address");
    std::thread::spawn(move || lines.for_each(drop));
    address
}

/// Starts the reference population registry (seed `DEMO_SEED`, 10,000 citizens); returns it and its base URL.
fn registry() -> (Child, String) {
    let mut child = motcua()
        .args(["reference", "registry", "--bind", "127.0.0.1:0", "--size", "10000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let address = printed_address(&mut child);
    (child, format!("http://{address}"))
}

/// Starts `motcua serve` on a free port, asking `registry` for population lookups; returns the child and its base URL.
fn serve(url: &str, registry: &str) -> (Child, String) {
    let mut child = motcua()
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", url])
        .env("MOTCUA_POPULATION__BASE_URL", registry)
        .env("MOTCUA_POPULATION__API_KEY", motcua_reference::registry::DEMO_API_KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let address = printed_address(&mut child);
    (child, format!("http://{address}"))
}

async fn scale_on(url: &str, backend: &str, registry: &str) {
    let out = motcua()
        .args(["generate", "--dossiers", "400", "--days", "10", "--officers", "3", "--database-url", url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{backend}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("400 hồ sơ"), "{backend}: {text}");

    let (mut server, base) = serve(url, registry);
    let options = Options {
        base: base.clone(),
        concurrency: 4,
        duration: Duration::from_secs(5),
        max_requests: Some(12),
        officers: 3,
        server_pid: Some(server.id()),
        registry_size: 10_000,
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
        if scenario == Scenario::Online {
            // The citizens' filings are theirs: each session sees its own dossiers.
            let mine: serde_json::Value = motcua_app::http::client()
                .get(format!("{base}/api/v1/citizen/dossiers"))
                .bearer_auth(&session.citizens[0])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(mine.as_array().is_some_and(|d| !d.is_empty()), "{backend}: {mine}");
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

    let (mut server, base) = serve(url, registry);
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
    let (mut registry, registry_url) = registry();
    let sqlite = TestDb::sqlite().await;
    scale_on(&sqlite.url(), "sqlite", &registry_url).await;
    sqlite.finish().await;
    if let Some(pg) = TestDb::postgres().await {
        scale_on(&pg.url(), "postgres", &registry_url).await;
        pg.finish().await;
    }
    registry.kill().unwrap();
    registry.wait().unwrap();
}
