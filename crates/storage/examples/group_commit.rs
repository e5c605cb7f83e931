//! Durable-write throughput: group commit versus one commit per write.
//!
//! Each write appends one event row. `--mode group` sends every write through
//! `Db::write` (shared commits, one savepoint each); `--mode single` gives each write its
//! own transaction and commit, as a naive server would. Both are fully durable (SQLite
//! `synchronous=FULL`; PostgreSQL as configured — run it against a cluster with fsync on).
//!
//!     cargo run --release -p motcua_storage --example group_commit -- \
//!         --url sqlite:///tmp/gc.db --mode group --writers 256 --writes 20480 [--lanes 1]
//!
//! Prints throughput, latency percentiles and the number of commits.

use std::time::{Duration, Instant};

use chrono::Utc;
use motcua_storage::events::{self, EventRecord};
use motcua_storage::{Db, DbOptions, Json, StorageError};
use uuid::Uuid;

struct Args {
    url: String,
    mode: String,
    writers: usize,
    writes: usize,
    lanes: usize,
}

fn parse_args() -> Args {
    let mut args = Args { url: String::new(), mode: "group".into(), writers: 256, writes: 20_000, lanes: 1 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--url" => args.url = value,
            "--mode" => args.mode = value,
            "--writers" => args.writers = value.parse().expect("--writers N"),
            "--writes" => args.writes = value.parse().expect("--writes N"),
            "--lanes" => args.lanes = value.parse().expect("--lanes N"),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!args.url.is_empty(), "--url sqlite://FILE or postgres://… is required");
    assert!(["group", "single"].contains(&args.mode.as_str()), "--mode group|single");
    args
}

fn event(i: usize) -> EventRecord {
    EventRecord {
        province_id: "p48".into(),
        id: Uuid::now_v7(),
        occurred_at: motcua_domain::time::storable(Utc::now()),
        subject_type: "bench".into(),
        subject_id: i.to_string(),
        action: "bench.written".into(),
        unit_id: Some("p48".into()),
        actor_kind: "system".into(),
        actor_id: None,
        actor_unit_id: None,
        request_id: None,
        payload: Json(serde_json::json!({ "i": i, "text": "Đăng ký khai sinh" })),
    }
}

#[tokio::main]
async fn main() -> Result<(), StorageError> {
    let args = parse_args();
    let options = DbOptions { max_connections: 32, writer_lanes: args.lanes, ..DbOptions::default() };
    let db = Db::connect(&args.url, &options).await?;
    db.migrate().await?;
    let per_writer = args.writes / args.writers;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..args.writers {
        let (db, mode) = (db.clone(), args.mode.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_writer);
            for n in 0..per_writer {
                let e = event(w * per_writer + n);
                let t = Instant::now();
                if mode == "group" {
                    db.write(move |tx| Box::pin(async move { events::append(tx, &e).await })).await?;
                } else {
                    let mut tx = db.begin_write().await?;
                    events::append(&mut tx, &e).await?;
                    tx.commit().await?;
                }
                latencies.push(t.elapsed());
            }
            Ok::<_, StorageError>(latencies)
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("writer task")?);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let stats = db.write_stats();
    println!(
        "backend={} mode={} lanes={} writers={} writes={} elapsed={:.2}s throughput={:.0}/s p50={:.1}ms p95={:.1}ms p99={:.1}ms commits={} max_batch={}",
        db.backend().name(),
        args.mode,
        args.lanes,
        args.writers,
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.95).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        if args.mode == "group" { stats.commits } else { latencies.len() as u64 },
        stats.max_batch,
    );
    db.close().await;
    Ok(())
}
