//! Dossier reception throughput and single-dossier reads, through the use cases (no HTTP): every reception is
//! validated against the procedure's e-form and components, gets a gap-free code, its due date and its event, and
//! is acknowledged only after its group commit is durable.
//!
//!     cargo run --release -p motcua_app --example dossiers -- --url sqlite:///tmp/dossiers.db --count 5000
//!     cargo run --release -p motcua_app --example dossiers -- --url postgres://postgres@127.0.0.1:5432/bench_dossiers
//!
//! The database must be new. 128 receptions are in flight at once (`--concurrency`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua_app::accounts::{ClientInfo, GrantInput, NewOfficer};
use motcua_app::dossiers::{Applicant, NewDossier};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, SystemClock};
use motcua_domain::access::Principal;
use motcua_storage::{Db, DbOptions};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (mut url, mut count, mut concurrency) = (String::new(), 5_000usize, 128usize);
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
    assert!(!url.is_empty(), "--url sqlite://FILE or postgres://… is required");
    let db = Db::connect(&url, &DbOptions::default()).await.expect("connect");
    db.migrate().await.expect("migrate");
    let app = App::new(db, Arc::new(SystemClock), AppConfig::default()).await.expect("app");
    app.load_demo().await.expect("demo data");
    // Receptions at 20 wards, so that codes are sequenced per unit and day as in a province.
    let wards: Vec<String> = app
        .tree()
        .units()
        .filter(|u| u.kind.is_commune_level() && u.parent.as_ref().is_some_and(|p| p.as_str() == "p48"))
        .map(|u| u.id.to_string())
        .take(20)
        .collect();
    let mut officers = Vec::new();
    for (i, ward) in wards.iter().enumerate() {
        let username = format!("bench.{i}");
        let input = NewOfficer {
            username: username.clone(),
            full_name: "Cán bộ đo tải".into(),
            unit_id: ward.clone(),
            password: "MatKhau@Bench1".into(),
            grants: vec![GrantInput { role: "reception".into(), unit_id: ward.clone() }],
        };
        app.create_officer(&Ctx::system(), input).await.expect("officer");
        let outcome = app.login(&username, "MatKhau@Bench1", ClientInfo::default()).await.expect("login");
        officers.push(Ctx::new(outcome.officer.principal(), None));
    }
    // Every ward needs an agency code for its dossier codes; the demo gives one only to Hội An's centre.
    let coded: Vec<_> = wards
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut unit = app.tree().get(&motcua_domain::unit::UnitId::parse(id).unwrap()).unwrap().clone();
            unit.agency_code = Some(motcua_domain::unit::AgencyCode::parse(&format!("000.{i:02}.61.H17")).unwrap());
            unit
        })
        .collect();
    app.apply_units(&Ctx::system(), coded).await.expect("agency codes");
    let procedure = "1.001570";
    let p = app.procedure(&Principal::Anonymous, procedure, None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), "048203000001", "p48", "c20410");
    let input = NewDossier {
        procedure: procedure.into(),
        case: None,
        unit: None,
        applicant: Applicant {
            id_number: "048203000001".into(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: Some("0905123456".into()),
            email: None,
            organisation: None,
        },
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    };

    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (app, officers, input, next) = (app.clone(), officers.clone(), input.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let t = Instant::now();
                let key = Some(format!("bench-{i}"));
                let d = app.receive_at_counter(&officers[i % officers.len()], input.clone(), key).await;
                latencies.push(t.elapsed());
                ids.push((i % officers.len(), d.expect("reception").id));
            }
            (latencies, ids)
        }));
    }
    let (mut latencies, mut ids) = (Vec::new(), Vec::new());
    for w in workers {
        let (l, i) = w.await.unwrap();
        latencies.extend(l);
        ids.extend(i);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let stats = app.db().write_stats();
    println!(
        "{count} counter receptions on {} ({concurrency} in flight, 20 wards): {:.0}/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; {} commits",
        app.db().backend().name(),
        count as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
        stats.commits
    );

    let mut reads = Vec::new();
    for (i, (officer, id)) in ids.iter().enumerate().take(2000) {
        let _ = i;
        let t = Instant::now();
        app.dossier(&officers[*officer].principal, *id).await.expect("read");
        reads.push(t.elapsed());
    }
    reads.sort();
    println!(
        "read one dossier (as its officer), one at a time: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
        ms(percentile(&reads, 0.5)),
        ms(percentile(&reads, 0.95)),
        ms(percentile(&reads, 0.99))
    );
    app.db().close().await;
}
