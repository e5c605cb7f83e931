//! The procedure catalogue over real storage: imports, versions, search, review.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::catalogue::{CatalogueQuery, DEMO_CATALOGUE_JSON, ImportReport, parse_json, to_json};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, AppError, ErrorCode, ManualClock};
use motcua_domain::access::Principal;
use motcua_domain::catalogue::{Component, Lifecycle, PaperForm, PrefillSource, Procedure, ProcedureCode};
use motcua_domain::unit::UnitId;
use motcua_storage::Db;

async fn demo_app(db: Db) -> App {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock, AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    app
}

async fn login(app: &App, username: &str) -> Ctx {
    let outcome = app.login(username, DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    Ctx::new(outcome.officer.principal(), None)
}

fn demo_procedures() -> Vec<Procedure> {
    parse_json("demo", DEMO_CATALOGUE_JSON).into_result().unwrap()
}

fn query(q: &str) -> CatalogueQuery {
    CatalogueQuery { q: Some(q.into()), ..CatalogueQuery::default() }
}

fn no_progress(_: usize, _: usize) {}

pub async fn demo_catalogue_imports_once_and_exports_round_trip(db: Db) {
    let app = demo_app(db).await;
    let demo = demo_procedures();
    assert!(demo.len() >= 40);
    let public = app.search_catalogue(&CatalogueQuery::default(), false).await.unwrap();
    assert_eq!(public.total, demo.len() as i64);

    // Unchanged content changes nothing, and says so.
    let again = app.import_catalogue(&Ctx::system(), "demo", demo.clone(), &no_progress).await.unwrap();
    assert_eq!(again, ImportReport { created: 0, updated: 0, unchanged: demo.len() });

    // Export, parse, re-import: the same procedures, nothing changes.
    let exported = app.export_catalogue(&Principal::System).await.unwrap();
    let parsed = parse_json("export.json", &exported).into_result().unwrap();
    let mut expected = demo.clone();
    expected.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(parsed, expected);
    assert_eq!(to_json(parsed.clone()), exported);
    let reimport = app.import_catalogue(&Ctx::system(), "export.json", parsed, &no_progress).await.unwrap();
    assert_eq!(reimport.unchanged, demo.len());

    // A changed procedure gets a new version; the old one stays readable.
    let mut changed = demo[0].clone();
    changed.name.push_str(" (sửa đổi)");
    let report = app.import_catalogue(&Ctx::system(), "one.json", vec![changed.clone()], &no_progress).await.unwrap();
    assert_eq!(report, ImportReport { created: 0, updated: 1, unchanged: 0 });
    let code = changed.code.as_str();
    let current = app.procedure(&Principal::Anonymous, code, None).await.unwrap();
    assert_eq!((current.version, current.procedure.name.clone()), (2, changed.name.clone()));
    let first = app.procedure(&Principal::System, code, Some(1)).await.unwrap();
    assert_eq!(first.procedure, demo[0]);
}

pub async fn a_bad_catalogue_reports_every_problem_and_writes_nothing(db: Db) {
    let app = demo_app(db).await;
    let before = app.search_catalogue(&CatalogueQuery::default(), true).await.unwrap().total;
    let demo = demo_procedures();
    let fresh = |code: &str| {
        let mut p = demo[0].clone();
        p.code = ProcedureCode::parse(code).unwrap();
        p
    };
    let mut unknown_unit = fresh("1.900001");
    unknown_unit.units = vec![UnitId::parse("p99.none").unwrap()];
    let mut negative_fee = fresh("1.900002");
    let mut fee = demo.iter().flat_map(|p| p.fees.clone()).next().expect("the demo has fees");
    fee.amount = -5_000;
    negative_fee.fees = vec![fee];
    let mut slow_workflow = demo
        .iter()
        .find(|p| p.time.as_ref().and_then(|t| t.duration?.working_time()).is_some() && !p.workflow.is_empty())
        .expect("a demo procedure in working days")
        .clone();
    slow_workflow.code = ProcedureCode::parse("1.900003").unwrap();
    slow_workflow.workflow[0].hours = 10_000;
    let duplicate = fresh("1.900001");
    let bad_code = fresh("1.900005");
    let mut bad_prefill = fresh("1.900006");
    bad_prefill.forms[0].fields[0].prefill = Some(PrefillSource::parse("population.blood_type").unwrap());
    let text =
        to_json(vec![unknown_unit, negative_fee, slow_workflow, duplicate, bad_code, bad_prefill, fresh("1.900007")])
            .replacen("\"1.900005\"", "\"1.90005\"", 1)
            .replacen("\"population.blood_type\"", "\"population.shoe_size\"", 1);

    // Reading finds the syntax problems (a code's format, an unknown prefill source)…
    let parsed = parse_json("bad.json", &text);
    assert_eq!(parsed.problems.len(), 2, "{:?}", parsed.problems);
    assert!(parsed.problems[0].field.starts_with("bad.json: procedures[4] (1.90005).code"), "{:?}", parsed.problems);
    assert!(parsed.problems[1].field.starts_with("bad.json: procedures[5] (1.900006).forms[0].fields[0].prefill"));
    assert!(parsed.problems[1].message.contains("population.shoe_size"), "{:?}", parsed.problems);
    // …the checks find the rest in the readable procedures, located in the file…
    let problems = app.check_procedures("bad.json", &parsed.procedures, &parsed.positions);
    let located: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    for expected in [
        "procedures[0] (1.900001).units[0]",
        "procedures[1] (1.900002).fees[0].amount",
        "procedures[2] (1.900003).workflow",
        "procedures[3] (1.900001).code",
    ] {
        assert!(located.iter().any(|f| f.ends_with(expected)), "{expected} in {located:?}");
    }
    assert_eq!(problems.len(), 4, "{located:?}");
    // …and an import refuses the whole file: nothing is written.
    let err = app.import_catalogue(&Ctx::system(), "bad.json", parsed.procedures, &no_progress).await.unwrap_err();
    let AppError::Invalid(again) = err else { panic!("{err:?}") };
    assert_eq!(again.len(), 4);
    let after = app.search_catalogue(&CatalogueQuery::default(), true).await.unwrap().total;
    assert_eq!(after, before, "nothing was written");
}

pub async fn drafts_publication_withdrawal_and_conflicts(db: Db) {
    let app = demo_app(db).await;
    let admin = login(&app, "admin").await;
    let code = "1.001193";
    let published = app.procedure(&Principal::Anonymous, code, None).await.unwrap();
    assert_eq!(published.procedure.lifecycle, Lifecycle::Published);

    // A draft of a published procedure stays private.
    let mut draft = published.procedure.clone();
    draft.name = "Thủ tục đăng ký khai sinh (dự thảo sửa đổi)".into();
    let v2 = app.save_procedure(&admin, draft.clone(), Some(published.version)).await.unwrap();
    assert_eq!(v2, published.version + 1);
    let public = app.procedure(&Principal::Anonymous, code, None).await.unwrap();
    assert_eq!(public.version, published.version);
    assert!(app.procedure(&Principal::Anonymous, code, Some(v2)).await.is_err());
    assert_eq!(app.procedure(&admin.principal, code, Some(v2)).await.unwrap().procedure.name, draft.name);
    let found = app.search_catalogue(&query("du thao sua doi"), false).await.unwrap();
    assert_eq!(found.total, 0, "the public search does not see drafts");

    // Someone who read an older version is refused.
    let stale = app.save_procedure(&admin, draft.clone(), Some(published.version)).await.unwrap_err();
    assert_eq!(stale.error_code(), ErrorCode::StaleVersion);
    let stale = app.publish_procedure(&admin, code, published.version).await.unwrap_err();
    assert_eq!(stale.error_code(), ErrorCode::StaleVersion);

    let v3 = app.publish_procedure(&admin, code, v2).await.unwrap();
    let public = app.procedure(&Principal::Anonymous, code, None).await.unwrap();
    assert_eq!((public.version, public.procedure.name.as_str()), (v3, draft.name.as_str()));
    assert_eq!(app.search_catalogue(&query("du thao sua doi"), false).await.unwrap().total, 1);

    let v4 = app.withdraw_procedure(&admin, code, v3).await.unwrap();
    let gone = app.procedure(&Principal::Anonymous, code, None).await.unwrap_err();
    assert_eq!(gone.error_code(), ErrorCode::NotFound);
    let history = app.procedure_history(&admin.principal, code).await.unwrap();
    let lifecycles: Vec<(i64, Lifecycle)> = history.iter().map(|h| (h.version, h.lifecycle)).collect();
    assert_eq!(
        lifecycles,
        [(v4, Lifecycle::Withdrawn), (v3, Lifecycle::Published), (v2, Lifecycle::Draft), (1, Lifecycle::Published)]
    );

    // Invalid edits are refused with their paths; others may not edit at all.
    let mut bad = draft.clone();
    bad.fees.push(
        bad.fees
            .first()
            .cloned()
            .map(|mut f| {
                f.code = "extra".into();
                f.amount = -1;
                f
            })
            .expect("the demo procedure has a fee"),
    );
    let AppError::Invalid(problems) = app.save_procedure(&admin, bad, Some(v4)).await.unwrap_err() else { panic!() };
    assert!(problems.iter().any(|p| p.field.ends_with(".amount")), "{problems:?}");
    let reception = login(&app, "tiepnhan.hoian").await;
    let refused = app.save_procedure(&reception, draft, Some(v4)).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::Forbidden);
    let refused = app.import_catalogue(&reception, "x", vec![], &no_progress).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::Forbidden);
}

pub async fn search_ignores_diacritics_and_filters(db: Db) {
    let app = demo_app(db).await;
    let names =
        |r: &motcua_app::catalogue::CatalogueResults| r.items.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
    let found = app.search_catalogue(&query("dang ky khai sinh"), false).await.unwrap();
    assert!(names(&found).iter().any(|n| n == "Thủ tục đăng ký khai sinh"), "{:?}", names(&found));
    let upper = app.search_catalogue(&query("ĐĂNG KÝ KHAI SINH"), false).await.unwrap();
    assert_eq!(names(&upper), names(&found));
    assert!(app.search_catalogue(&query("1.001193"), false).await.unwrap().total >= 1);
    assert_eq!(app.search_catalogue(&query("khong co thu tuc nay"), false).await.unwrap().total, 0);

    // Filters narrow and compose.
    let all = app.search_catalogue(&CatalogueQuery::default(), false).await.unwrap().total;
    let sector = CatalogueQuery { sector: Some("Hộ tịch".into()), ..Default::default() };
    let civil = app.search_catalogue(&sector, false).await.unwrap();
    assert!(civil.total > 3 && civil.total < all);
    assert!(civil.items.iter().all(|i| i.sector == "Hộ tịch"));
    let ward = CatalogueQuery { unit: Some("c20410".into()), ..Default::default() };
    let at_ward = app.search_catalogue(&ward, false).await.unwrap();
    assert!(at_ward.total > 0 && at_ward.total < all);
    assert!(at_ward.items.iter().all(|i| i.levels.contains(&motcua_domain::catalogue::Level::Commune)));
    let department = CatalogueQuery { unit: Some("p48.stp".into()), ..Default::default() };
    let at_stp = app.search_catalogue(&department, false).await.unwrap();
    assert!(at_stp.total > 0 && at_stp.total < all);
    let essential = CatalogueQuery { essential: Some(true), ..Default::default() };
    let essentials = app.search_catalogue(&essential, false).await.unwrap();
    assert!(essentials.total >= 8 && essentials.items.iter().all(|i| i.essential));

    // Pages of 20 in name order; bad filters are clear errors.
    let page2 = CatalogueQuery { page: Some(2), ..Default::default() };
    let second = app.search_catalogue(&page2, false).await.unwrap();
    let first = app.search_catalogue(&CatalogueQuery::default(), false).await.unwrap();
    assert_eq!(first.items.len(), 20);
    assert!(first.items.last().unwrap().name <= second.items[0].name);
    let bad = CatalogueQuery { level: Some("district".into()), ..Default::default() };
    assert_eq!(app.search_catalogue(&bad, false).await.unwrap_err().error_code(), ErrorCode::InvalidInput);
    let bad = CatalogueQuery { unit: Some("p99".into()), ..Default::default() };
    assert_eq!(app.search_catalogue(&bad, false).await.unwrap_err().error_code(), ErrorCode::InvalidInput);
    let sectors = app.catalogue_sectors(false).await.unwrap();
    assert!(sectors.iter().any(|(name, n)| name == "Hộ tịch" && *n == civil.total));
}

pub async fn review_flags_abolished_papers_and_records_decisions(db: Db) {
    let app = demo_app(db).await;
    let admin = login(&app, "admin").await;
    let report = app.catalogue_review(&admin.principal).await.unwrap();
    assert_eq!(report.summary.procedures, demo_procedures().len());
    assert!(report.summary.time_unconfirmed > 0, "the civil-status durations without a unit are flagged");
    assert!(report.summary.forms_measured > 0);

    // A component demanding the abolished household book is found, whatever its diacritics.
    let code = "1.004222";
    let current = app.procedure(&admin.principal, code, None).await.unwrap();
    let mut edited = current.procedure.clone();
    edited.components.push(Component {
        key: "so_ho_khau".into(),
        name: "Bản sao SO HO KHAU của chủ hộ".into(),
        form: PaperForm::Copy,
        quantity: 1,
        mandatory: true,
        must_digitise: false,
        replaceable_by: vec![],
        cases: vec![],
        template: None,
    });
    app.save_procedure(&admin, edited, Some(current.latest_version)).await.unwrap();
    let report = app.catalogue_review(&admin.principal).await.unwrap();
    let review = report.procedures.iter().find(|r| r.code.as_str() == code).unwrap();
    let finding = review.papers.iter().find(|f| f.component == "so_ho_khau").expect("flagged");
    assert!(finding.legal_basis.contains("Luật Cư trú"));

    app.decide_review_finding(&admin, code, "so_ho_khau", &finding.paper, true, Some("Bỏ khi sửa đổi".into()))
        .await
        .unwrap();
    let report = app.catalogue_review(&admin.principal).await.unwrap();
    let key = motcua_app::catalogue::ReviewReport::decision_key(code, "so_ho_khau", &finding.paper);
    assert_eq!(report.decisions.get(&key).map(String::as_str), Some("confirmed"));
    let unknown = app.decide_review_finding(&admin, code, "tp1", "so_ho_khau", false, None).await.unwrap_err();
    assert_eq!(unknown.error_code(), ErrorCode::NotFound);
    let citizen = Principal::Citizen { id_number: "048203000001".into() };
    assert!(app.catalogue_review(&citizen).await.is_err());
}

pub async fn due_dates_follow_the_published_statutory_time(db: Db) {
    use motcua_app::calendar::DueRequest;
    use motcua_domain::calendar::working_time::ReceptionChannel;
    let app = demo_app(db).await;
    // 10 calendar days (criminal record extract): received Thursday 5/6/2025, the tenth day is Sunday 15/6,
    // which moves to Monday 16/6 (Bộ luật Dân sự, Điều 148).
    let (duration, mode) = app.statutory_time("3.000333").await.unwrap();
    let received_at = Utc.with_ymd_and_hms(2025, 6, 5, 2, 0, 0).unwrap(); // 09:00 in Vietnam
    let answer = app
        .compute_due(DueRequest { received_at, channel: ReceptionChannel::Counter, duration, mode, unit: None })
        .unwrap();
    assert_eq!(motcua_domain::time::local_date(answer.due_at), chrono::NaiveDate::from_ymd_opt(2025, 6, 16).unwrap());
    // A number published without a unit is not guessed.
    let unconfirmed = app.statutory_time("1.001193").await.unwrap_err();
    assert_eq!(unconfirmed.error_code(), ErrorCode::InvalidInput);
    assert!(unconfirmed.message_vi().contains("chưa được công bố đủ đơn vị"));
}
