//! Times the rendering of Mẫu 01 (compile + PDF export) for BENCHMARKS.md:
//! `cargo run -p motcua_pdf --example bench_receipt [--release] [-- <runs>]`.

use std::time::Instant;

use chrono::NaiveDate;
use motcua_domain::calendar::working_time::ReceptionChannel;
use motcua_domain::dossier::Action;
use motcua_domain::dossier::forms::{ApplicantLines, ComponentLine, FormEvent, FormKind, FormSource, UnitLabel, build};
use motcua_pdf::{Renderer, status_url};

fn main() {
    let runs: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let at = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap().and_hms_opt(9, 5, 0).unwrap();
    let unit = |name: &str| UnitLabel {
        name: name.into(),
        parent: Some("Ủy ban nhân dân thành phố Đà Nẵng".into()),
        place: "Hội An".into(),
    };
    let src = FormSource {
        code: "000.66.60.H17-250701-0001".into(),
        procedure_name: "Đăng ký khai sinh".into(),
        procedure_code: "1.001193".into(),
        channel: ReceptionChannel::Counter,
        applicant: ApplicantLines {
            name: "Nguyễn Thị Ngọc Diễm".into(),
            address: None,
            phone: Some("0905123456".into()),
            email: None,
        },
        lookup_pin: "482913".into(),
        receiving_unit: unit("Ủy ban nhân dân phường Hội An"),
        competent_unit: unit("Ủy ban nhân dân phường Hội An"),
        statutory_time: Some("03 ngày làm việc".into()),
        components: vec![ComponentLine {
            name: "Tờ khai đăng ký khai sinh".into(),
            paper: "Bản chính".into(),
            quantity: 1,
        }],
        received_at: Some(at),
        due_original: Some(at + chrono::Days::new(3)),
        due_at: Some(at + chrono::Days::new(3)),
        events: vec![FormEvent {
            at,
            action: Action::ReceiveAtCounter,
            actor_unit: None,
            owner_unit: None,
            reasons: None,
        }],
        control_slip: None,
    };
    let doc = build(FormKind::Receipt, &src).unwrap();
    let url = status_url("https://dichvucong.danang.gov.vn", &doc.code);
    let started = Instant::now();
    let renderer = Renderer::new();
    let first = renderer.render(&doc, &url).unwrap();
    let first_time = started.elapsed();
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let pdf = renderer.render(&doc, &url).unwrap();
        times.push(t.elapsed());
        assert_eq!(pdf, first);
    }
    times.sort();
    println!(
        "Mẫu 01: first render (engine + fonts + compile + export) {:.1} ms; then {runs} runs: median {:.1} ms, min {:.1} ms, max {:.1} ms; {} bytes",
        first_time.as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        first.len()
    );
}
