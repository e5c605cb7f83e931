//! Population-database lookups per second through the production HTTP connector, against the reference registry
//! on a loopback port, with every lookup appended durably to the hash-chained, signed lookup log (group commit).
//!
//!     cargo run --release -p motcua_app --example lookups -- --url sqlite:///tmp/lookups.db --count 5000
//!     cargo run --release -p motcua_app --example lookups -- --url postgres://postgres@127.0.0.1:5432/bench_lookups
//!
//! The database must be new (an absent SQLite file, or an empty PostgreSQL database). `--concurrency` lookups are in
//! flight at once (default 64); the registry holds 100 000 synthetic citizens. The log is verified at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_app::population::SigningIdentity;
use motcua_app::population::http::{HttpRegistry, HttpRegistryConfig};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, SystemClock};
use motcua_domain::access::Principal;
use motcua_reference::registry::{Population, Registry};
use motcua_storage::{Db, DbOptions};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut url = String::new();
    let mut count = 5000usize;
    let mut concurrency = 64usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--url" => url = value,
            "--count" => count = value.parse().expect("--count N"),
            "--concurrency" => concurrency = value.parse().expect("--concurrency N"),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!url.is_empty(), "--url sqlite:///path or postgres://…");
    let db = Db::connect(&url, &DbOptions::default()).await.expect("open the database");
    db.migrate().await.expect("migrate");

    let registry = Registry::new(Population::new(7, 100_000), "bench");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(registry.clone().serve(listener));

    let connector = HttpRegistry::new(HttpRegistryConfig::new(&base, "bench")).unwrap();
    let app = App::new(db.clone(), Arc::new(SystemClock), AppConfig::default())
        .await
        .unwrap()
        .with_lookup_log_key(SigningIdentity::generate("bench"), chrono::Duration::minutes(1))
        .await
        .unwrap()
        .with_population_registry(Arc::new(connector));

    let ids: Arc<Vec<String>> = Arc::new(
        (0..count as u64)
            .map(|i| registry.population().person(i * 13 % 100_000).unwrap().id_number.to_string())
            .collect(),
    );
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (app, ids, next) = (app.clone(), ids.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(id) = ids.get(i) else { break };
                let ctx = Ctx::new(Principal::Citizen { id_number: id.clone() }, None);
                let t = Instant::now();
                app.lookup_own_record(&ctx, vec!["full_name".into(), "birth_date".into(), "permanent_address".into()])
                    .await
                    .expect("lookup");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let stats = db.write_stats();
    println!(
        "{} lookups in {:.2} s: {:.0} lookups/s (concurrency {concurrency}); latency p50 {:?}, p99 {:?}; {} commits, largest batch {}",
        count,
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        stats.commits,
        stats.max_batch,
    );
    let t = Instant::now();
    let report = app.verify_lookup_log(&Default::default()).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    println!("verify: {} records intact in {:.2} s", report.records, t.elapsed().as_secs_f64());
}
