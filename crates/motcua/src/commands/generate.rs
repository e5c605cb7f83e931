//! `motcua generate` and `motcua bench load` (issue 8): synthetic dossiers and the HTTP load harness.

use std::io::Write;
use std::time::{Duration, Instant};

use motcua_bench::generate::Spec;
use motcua_bench::load::{self, MARKDOWN_HEADER, Options, Scenario, Session};

use crate::commands::{for_operator, open_app};
use crate::settings::Settings;

/// `motcua generate --dossiers N --seed S --units p48`: loads the demo data if missing (units, catalogue), then
/// writes the dossiers with their events in bulk, showing progress on standard error.
pub async fn generate(settings: &Settings, spec: Spec) -> anyhow::Result<()> {
    let app = open_app(settings, true).await?;
    app.load_demo().await.map_err(for_operator("loading the units and the catalogue"))?;
    let started = Instant::now();
    let report = motcua_bench::generate::generate(&app, &spec, |p| {
        let seconds = started.elapsed().as_secs_f64().max(1e-3);
        if p.indexing {
            eprint!("\n{} hồ sơ, {} sự kiện đã ghi sau {seconds:.0} s; đang tạo chỉ mục…", p.dossiers, p.events);
            let _ = std::io::stderr().flush();
            return;
        }
        eprint!(
            "\r{}/{} hồ sơ, {} sự kiện, {:.0} s ({:.0} hồ sơ/s, {:.0} sự kiện/s)   ",
            p.dossiers,
            p.total,
            p.events,
            seconds,
            p.dossiers as f64 / seconds,
            p.events as f64 / seconds,
        );
        let _ = std::io::stderr().flush();
    })
    .await?;
    eprintln!();
    app.db().close().await;
    println!(
        "{} hồ sơ, {} sự kiện trong {:.1} s ({:.0} hồ sơ/s, {:.0} sự kiện/s); {} xã/phường tiếp nhận, {} thủ tục, {} tài khoản bench.* mới.",
        report.dossiers,
        report.events,
        report.elapsed.as_secs_f64(),
        report.dossiers as f64 / report.elapsed.as_secs_f64().max(1e-9),
        report.events as f64 / report.elapsed.as_secs_f64().max(1e-9),
        report.communes,
        report.procedures,
        report.officers_created,
    );
    if report.elapsed > report.loaded {
        println!(
            "Ghi dữ liệu {:.1} s, tạo chỉ mục {:.1} s.",
            report.loaded.as_secs_f64(),
            (report.elapsed - report.loaded).as_secs_f64()
        );
    }
    let statuses: Vec<String> = report.by_status.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!("Theo trạng thái: {}", statuses.join(", "));
    Ok(())
}

/// `motcua bench load --url … --scenario …`: runs scenarios against a running server and prints a Markdown table.
pub async fn load(options: Options, scenarios: &[String], backend: &str) -> anyhow::Result<()> {
    let scenarios: Vec<Scenario> = if scenarios.is_empty() || scenarios.iter().any(|s| s == "all") {
        Scenario::ALL.to_vec()
    } else {
        scenarios
            .iter()
            .map(|s| Scenario::parse(s).ok_or_else(|| anyhow::anyhow!("unknown scenario {s}")))
            .collect::<anyhow::Result<_>>()?
    };
    let session = Session::open(&options).await?;
    println!("{MARKDOWN_HEADER}");
    let mut failed = false;
    for scenario in scenarios {
        let report = load::run(&session, scenario, &options).await?;
        println!("{}", report.markdown_row(backend));
        if let Some(e) = &report.first_error {
            eprintln!("{}: first error: {e}", scenario.as_str());
            failed = true;
        }
        // Let the server settle (group commits, connections) between scenarios.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if failed { anyhow::bail!("some requests failed (see above)") } else { Ok(()) }
}
