//! Catalogue at province scale: import of generated procedures (with forms, fees, components and workflow), a
//! re-import of unchanged content, and search latency over the result.
//!
//!     cargo run --release -p motcua_app --example catalogue -- --url sqlite:///tmp/cat.db --count 10000
//!     cargo run --release -p motcua_app --example catalogue -- --url postgres://postgres@127.0.0.1:5432/bench_cat
//!
//! The database must be empty (a new SQLite file, or a new PostgreSQL database). The procedures are the demo
//! catalogue's, repeated with new codes and names so that searches hit a realistic share of them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_app::catalogue::{CatalogueQuery, DEMO_CATALOGUE_JSON, parse_json};
use motcua_app::record::Ctx;
use motcua_app::units::{parse_reference_csv, parse_units_toml};
use motcua_app::{App, AppConfig, SystemClock};
use motcua_domain::catalogue::{Procedure, ProcedureCode};
use motcua_storage::{Db, DbOptions};

const WORDS: [&str; 12] = [
    "cấp",
    "đổi",
    "điều chỉnh",
    "gia hạn",
    "xác nhận",
    "thu hồi",
    "bổ sung",
    "đính chính",
    "chấm dứt",
    "công nhận",
    "đăng ký",
    "hỗ trợ",
];

/// `count` procedures derived from the demo catalogue: codes 1.100000 upwards, names varied by a word and a number.
fn generate(count: usize) -> Vec<Procedure> {
    let templates = parse_json("demo", DEMO_CATALOGUE_JSON).into_result().expect("demo catalogue");
    (0..count)
        .map(|i| {
            let mut p = templates[i % templates.len()].clone();
            p.code = ProcedureCode::parse(&format!("{}.{:06}", 1 + i / 900_000, 100_000 + i % 900_000)).unwrap();
            p.name = format!("{} {} (mẫu {i})", WORDS[i % WORDS.len()], p.name.to_lowercase());
            p
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut url = String::new();
    let mut count = 10_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--url" => url = value,
            "--count" => count = value.parse().expect("--count N"),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!url.is_empty(), "--url sqlite://FILE or postgres://… is required");
    let db = Db::connect(&url, &DbOptions::default()).await.expect("connect");
    db.migrate().await.expect("migrate");
    let app = App::new(db, Arc::new(SystemClock), AppConfig::default()).await.expect("app");
    let ctx = Ctx::system();
    app.apply_units(&ctx, parse_reference_csv(motcua_app::demo::REFERENCE_UNITS_CSV).unwrap()).await.unwrap();
    app.apply_units(&ctx, parse_units_toml(motcua_app::demo::DEMO_UNITS_TOML).unwrap()).await.unwrap();

    let procedures = generate(count);
    let bytes = motcua_app::catalogue::to_json(procedures.clone()).len();
    let started = Instant::now();
    let report = app.import_catalogue(&ctx, "generated", procedures.clone(), &|_, _| {}).await.expect("import");
    let import = started.elapsed();
    assert_eq!(report.created, count);
    let started = Instant::now();
    let again = app.import_catalogue(&ctx, "generated", procedures, &|_, _| {}).await.expect("re-import");
    let reimport = started.elapsed();
    assert_eq!(again.unchanged, count);
    println!(
        "{} procedures ({:.1} MB canonical JSON) on {}: import {:.2} s ({:.0} procedures/s), unchanged re-import {:.2} s",
        count,
        bytes as f64 / 1e6,
        app.db().backend().name(),
        import.as_secs_f64(),
        count as f64 / import.as_secs_f64(),
        reimport.as_secs_f64()
    );

    let queries: Vec<(&str, CatalogueQuery)> = vec![
        ("q=dang ky khai sinh", CatalogueQuery { q: Some("dang ky khai sinh".into()), ..Default::default() }),
        ("q=cap doi the can cuoc", CatalogueQuery { q: Some("cap doi the can cuoc".into()), ..Default::default() }),
        ("q=thuong tru (page 3)", CatalogueQuery { q: Some("thuong tru".into()), page: Some(3), ..Default::default() }),
        ("sector=Hộ tịch", CatalogueQuery { sector: Some("Hộ tịch".into()), ..Default::default() }),
        ("unit=c20410 (a ward)", CatalogueQuery { unit: Some("c20410".into()), ..Default::default() }),
        (
            "q=xac nhan + level=commune + online=full_process",
            CatalogueQuery {
                q: Some("xac nhan".into()),
                level: Some("commune".into()),
                online: Some("full_process".into()),
                ..Default::default()
            },
        ),
        ("no filter (page 1)", CatalogueQuery::default()),
        ("q=qwxz (no match)", CatalogueQuery { q: Some("qwxz".into()), ..Default::default() }),
    ];
    println!("{:<50} {:>8} {:>9} {:>9} {:>9}", "search (public, 20 per page)", "matches", "p50 ms", "p95 ms", "p99 ms");
    for (label, query) in &queries {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..200 {
            let started = Instant::now();
            total = app.search_catalogue(query, false).await.expect("search").total;
            times.push(started.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{:<50} {:>8} {:>9.2} {:>9.2} {:>9.2}",
            label,
            total,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99))
        );
    }
    app.db().close().await;
}
