use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use futures::future::BoxFuture;
use motcua_app::accounts::{ClientInfo, GrantInput, NewOfficer};
use motcua_app::demo::{DEMO_PASSWORD, DemoReport};
use motcua_app::jobs::{JobHandler, RunReport, SweepReport, enqueue};
use motcua_app::record::Ctx;
use motcua_app::units::parse_units_toml;
use motcua_app::{App, AppConfig, AppError, ErrorCode, ManualClock};
use motcua_domain::access::Principal;
use motcua_domain::unit::UnitId;
use motcua_storage::{Db, events, jobs, officers};

async fn app(db: Db) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    (app, clock)
}

pub async fn demo_app(db: Db) -> (App, Arc<ManualClock>) {
    let (app, clock) = app(db).await;
    app.load_demo().await.unwrap();
    (app, clock)
}

async fn event_count(app: &App, subject_type: &str, subject_id: &str) -> usize {
    let mut tx = app.db().read().await.unwrap();
    events::of_subject(&mut tx, subject_type, subject_id).await.unwrap().len()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

pub async fn login(app: &App, username: &str) -> Ctx {
    let outcome = app.login(username, DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    Ctx::new(outcome.officer.principal(), None)
}

pub async fn demo_load_is_idempotent_and_audited(db: Db) {
    let (app, _) = app(db).await;
    let first = app.load_demo().await.unwrap();
    assert_eq!(first.reference.created, 34 + 3321);
    assert!(first.demo_units.created >= 30, "{first:?}");
    assert_eq!(first.officers_created, motcua_app::demo::DEMO_OFFICERS.len());
    let tree_size = app.tree().len();
    assert_eq!(tree_size, 34 + 3321 + first.demo_units.created);

    let second = app.load_demo().await.unwrap();
    assert_eq!(
        second,
        DemoReport {
            reference: motcua_app::units::ImportReport { created: 0, updated: 0, unchanged: 34 + 3321 },
            demo_units: motcua_app::units::ImportReport { created: 0, updated: 0, unchanged: first.demo_units.created },
            officers_created: 0,
            calendar: motcua_app::units::ImportReport { created: 0, updated: 0, unchanged: first.calendar.created },
            catalogue: motcua_app::catalogue::ImportReport {
                created: 0,
                updated: 0,
                unchanged: first.catalogue.created
            },
        }
    );
    assert_eq!(first.calendar.created, 3, "the shipped schedules 2024–2026");
    assert_eq!(app.tree().len(), tree_size);
    assert_eq!(event_count(&app, "unit", "c20410").await, 1, "one event per real change, none for the re-run");

    // A fresh App over the same database sees the same tree (it was persisted).
    let again = App::new(app.db().clone(), Arc::new(ManualClock::new(Utc::now())), AppConfig::default()).await.unwrap();
    assert_eq!(again.tree().len(), tree_size);
}

pub async fn unit_tree_shows_history_and_succession(db: Db) {
    let (app, _) = demo_app(db).await;
    let provinces = app.provinces_on(today());
    assert_eq!(provinces.len(), 34);
    assert!(provinces.iter().any(|p| p.name == "Thành phố Đà Nẵng"));
    assert!(!provinces.iter().any(|p| p.id.as_str() == "qn"), "Quảng Nam no longer exists");

    let da_nang = app.unit_detail("p48", today()).unwrap();
    let communes = da_nang.children.iter().filter(|u| u.kind.is_commune_level()).count();
    assert_eq!(communes, 94);
    assert!(da_nang.children.iter().any(|u| u.name == "Sở Tư pháp thành phố Đà Nẵng"));
    assert!(da_nang.predecessors.iter().any(|u| u.id.as_str() == "qn"));

    let minh_an = app.unit_detail("qn-minh-an", today()).unwrap();
    assert!(!minh_an.unit.is_active_on(today()));
    assert_eq!(minh_an.unit.name, "Phường Minh An");
    assert_eq!(minh_an.current_successors.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["c20410"]);
    assert_eq!(minh_an.ancestors.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["qn", "qn-hoi-an"]);
    let hoi_an = app.unit_detail("c20410", today()).unwrap();
    assert!(hoi_an.predecessors.iter().any(|u| u.id.as_str() == "qn-minh-an"));

    // Search ignores diacritics and đ.
    let found = app.search_units("da nang", today(), 5);
    assert_eq!(found.first().map(|u| u.id.as_str()), Some("p48"));
    let hoi_an = app.search_units("Hội An", today(), 50);
    assert!(hoi_an.iter().any(|u| u.id.as_str() == "c20410"));
    let first_ended = hoi_an.iter().position(|u| !u.is_active_on(today())).unwrap();
    assert!(hoi_an[first_ended..].iter().all(|u| !u.is_active_on(today())), "active units come first");
    assert!(hoi_an[first_ended..].iter().any(|u| u.id.as_str() == "qn-hoi-an"));
    assert!(app.search_units("minh an", today(), 50).iter().any(|u| u.id.as_str() == "qn-minh-an"));

    assert_eq!(app.unit_detail("khong-co", today()).unwrap_err().error_code(), ErrorCode::NotFound);
    assert_eq!(app.unit_detail("Bad Id", today()).unwrap_err().error_code(), ErrorCode::NotFound);
}

pub async fn bad_unit_files_change_nothing(db: Db) {
    let (app, _) = demo_app(db).await;
    let before = app.tree().len();
    // A dangling successor makes the whole file fail; the valid unit before it is not written.
    let file = r#"
[[unit]]
id = "p48.moi"
kind = "department"
name = "Sở Mới"
parent = "p48"
valid_from = "2026-01-01"

[[unit]]
id = "p48.cu"
kind = "department"
name = "Sở Cũ"
parent = "p48"
valid_from = "2020-01-01"
valid_to = "2025-12-31"
successors = ["p48.khong-ton-tai"]
"#;
    let units = parse_units_toml(file).unwrap();
    let err = app.apply_units(&Ctx::system(), units).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::InvalidInput);
    assert_eq!(app.tree().len(), before);
    app.reload_tree().await.unwrap();
    assert_eq!(app.tree().len(), before, "nothing was written");

    assert!(parse_units_toml("[[unit]]\nid = \"X\"").is_err());
    assert!(
        parse_units_toml("[[unit]]\nid = \"a\"\nkind = \"planet\"\nname = \"A\"\nvalid_from = \"2025-07-01\"").is_err()
    );
    assert!(motcua_app::units::parse_reference_csv("province_code,province_name,province_type,unit_code,unit_name,unit_type\n48,Đà Nẵng,tỉnh,x1,Phường A,phường\n").is_err());

    // Only the province administrator may change the tree; a unit admin may not.
    let ctx = login(&app, "lanhdao.stp").await;
    let units = parse_units_toml("[[unit]]\nid = \"p48.stp.moi\"\nkind = \"division\"\nname = \"Phòng Mới\"\nparent = \"p48.stp\"\nvalid_from = \"2026-01-01\"").unwrap();
    assert_eq!(app.apply_units(&ctx, units.clone()).await.unwrap_err().error_code(), ErrorCode::Forbidden);
    let admin = login(&app, "admin").await;
    assert_eq!(app.apply_units(&admin, units).await.unwrap().created, 1);
}

pub async fn officer_of_one_unit_is_refused_another_units_data(db: Db) {
    let (app, _) = demo_app(db).await;
    let director = login(&app, "lanhdao.stp").await;
    // Own unit: allowed.
    let own = app.officers_of_unit(&director, "p48.stp").await.unwrap();
    assert!(own.iter().any(|o| o.username == "thuly.stp"));
    // Another department, and a ward: refused by the decision point.
    for other in ["p48.sxd", "c20410", "p48"] {
        let err = app.officers_of_unit(&director, other).await.unwrap_err();
        assert_eq!(err.error_code(), ErrorCode::Forbidden, "{other}");
    }
    // A reception officer cannot even list colleagues' accounts.
    let reception = login(&app, "tiepnhan.hoian").await;
    assert_eq!(app.officers_of_unit(&reception, "c20410").await.unwrap_err().error_code(), ErrorCode::Forbidden);
    // Anonymous callers are asked to log in.
    let anonymous = Ctx::new(Principal::Anonymous, None);
    assert_eq!(app.officers_of_unit(&anonymous, "p48.stp").await.unwrap_err().error_code(), ErrorCode::Unauthenticated);
    // The city administrator reaches the legacy Quảng Nam units through succession.
    let admin = login(&app, "admin").await;
    assert!(app.officers_of_unit(&admin, "qn-minh-an").await.unwrap().is_empty());

    // A unit admin cannot grant a role outside its unit.
    let input = NewOfficer {
        username: "xamnhap".into(),
        full_name: "Người Xâm Nhập".into(),
        unit_id: "p48.stp".into(),
        password: "mat-khau-dai-du".into(),
        grants: vec![GrantInput { role: "province_admin".into(), unit_id: "p48".into() }],
    };
    assert_eq!(app.create_officer(&director, input).await.unwrap_err().error_code(), ErrorCode::Forbidden);
    let mut tx = app.db().read().await.unwrap();
    assert!(officers::by_username(&mut tx, "xamnhap").await.unwrap().is_none());
}

pub async fn login_logout_and_throttle(db: Db) {
    let (app, _) = demo_app(db).await;
    let err = app.login("admin", "sai-mat-khau", ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::BadCredentials);
    let err = app.login("khong-ton-tai", DEMO_PASSWORD, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::BadCredentials, "unknown users look like wrong passwords");
    assert_eq!(event_count(&app, "session", "admin").await, 1, "failed login audited");

    let ok =
        app.login("ADMIN", DEMO_PASSWORD, ClientInfo { ip: Some("127.0.0.1".into()), user_agent: None }).await.unwrap();
    assert_eq!(ok.officer.full_name, "Quản trị viên thành phố");
    let who = app.authenticate(&ok.token).await.unwrap().unwrap();
    assert_eq!(who.id, ok.officer.id);
    assert!(app.authenticate("not-a-token").await.unwrap().is_none());
    app.logout(&Ctx::new(who.principal(), None), &ok.token).await.unwrap();
    assert!(app.authenticate(&ok.token).await.unwrap().is_none());

    // Five failures pause the account, even for the right password.
    for _ in 0..5 {
        let _ = app.login("thuly.stp", "sai", ClientInfo::default()).await;
    }
    let err = app.login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::TooManyAttempts);
}

pub async fn disabling_an_officer_ends_sessions_and_detects_conflicts(db: Db) {
    let (app, _) = demo_app(db).await;
    let admin = login(&app, "admin").await;
    let clerk = app.login("vanthu.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    let id = clerk.officer.id;
    // Authenticated once (and so remembered for a few seconds): disabling must end it all the same.
    assert!(app.authenticate(&clerk.token).await.unwrap().is_some());
    app.set_officer_disabled(&admin, id, true, clerk.officer.version).await.unwrap();
    assert!(app.authenticate(&clerk.token).await.unwrap().is_none(), "session ended");
    let err = app.login("vanthu.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::BadCredentials);
    // A second administrator acting on the old version gets a conflict.
    let err = app.set_officer_disabled(&admin, id, false, clerk.officer.version).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::StaleVersion);
    app.set_officer_disabled(&admin, id, false, clerk.officer.version + 1).await.unwrap();
    assert!(app.login("vanthu.stp", DEMO_PASSWORD, ClientInfo::default()).await.is_ok());
    let actions: Vec<String> = {
        let mut tx = app.db().read().await.unwrap();
        events::of_subject(&mut tx, "officer", &id.to_string()).await.unwrap().into_iter().map(|e| e.action).collect()
    };
    assert_eq!(
        actions,
        ["officer.created", "session.created", "officer.disabled", "officer.enabled", "session.created"]
    );
}

struct Counting {
    runs: AtomicUsize,
    fail_first: usize,
}

impl JobHandler for Counting {
    fn kind(&self) -> &'static str {
        "test.count"
    }
    fn run<'a>(&'a self, _app: &'a App, payload: &'a serde_json::Value) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let n = self.runs.fetch_add(1, Ordering::SeqCst);
            assert_eq!(payload["officer"], "nguoi.moi");
            if n < self.fail_first { Err(format!("attempt {} failed", n + 1)) } else { Ok(()) }
        })
    }
}

/// A change (a new officer account) and its job, written in one group commit.
async fn change_with_job(app: &App, username: &str, duplicate: bool) -> Result<uuid::Uuid, AppError> {
    let now = app.now();
    let mut record = motcua_storage::officers::OfficerRecord {
        id: uuid::Uuid::now_v7(),
        username: username.into(),
        full_name: "Người Mới".into(),
        unit_id: "c20410".into(),
        password_hash: "x".into(),
        disabled: false,
        version: 1,
        created_at: now,
    };
    if duplicate {
        record.username = "admin".into();
    }
    app.db()
        .write(move |tx| {
            Box::pin(async move {
                let job = enqueue(
                    tx,
                    now,
                    "test.count",
                    serde_json::json!({ "officer": "nguoi.moi" }),
                    Some(&UnitId::parse("c20410").unwrap()),
                )
                .await?;
                officers::insert(tx, &record).await?;
                Ok::<_, AppError>(job)
            })
        })
        .await
}

pub async fn job_enqueued_with_a_change_runs_once(db: Db) {
    let (app, _) = demo_app(db).await;
    let handler = Arc::new(Counting { runs: AtomicUsize::new(0), fail_first: 0 });
    app.register_job(handler.clone());
    let job = change_with_job(&app, "nguoi.moi", false).await.unwrap();
    assert_eq!(app.run_due_jobs(10).await.unwrap(), RunReport { done: 1, retried: 0, failed: 0 });
    assert_eq!(app.run_due_jobs(10).await.unwrap(), RunReport::default());
    assert_eq!(handler.runs.load(Ordering::SeqCst), 1);
    let mut tx = app.db().read().await.unwrap();
    let stored = jobs::get(&mut tx, job).await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.attempts), ("done", 1));
}

pub async fn job_of_a_failed_change_never_exists(db: Db) {
    let (app, _) = demo_app(db).await;
    let handler = Arc::new(Counting { runs: AtomicUsize::new(0), fail_first: 0 });
    app.register_job(handler.clone());
    assert!(change_with_job(&app, "ignored", true).await.is_err());
    assert_eq!(app.run_due_jobs(10).await.unwrap(), RunReport::default());
    assert_eq!(handler.runs.load(Ordering::SeqCst), 0);
    let admin = login(&app, "admin").await;
    assert!(app.recent_jobs(&admin, None).await.unwrap().is_empty());
}

pub async fn failing_job_is_retried_with_backoff_then_given_up(db: Db) {
    let (app, clock) = demo_app(db).await;
    let handler = Arc::new(Counting { runs: AtomicUsize::new(0), fail_first: 100 });
    app.register_job(handler.clone());
    let job = change_with_job(&app, "nguoi.moi", false).await.unwrap();
    assert_eq!(app.run_due_jobs(10).await.unwrap().retried, 1);
    // Not due again until the backoff (10 s) has passed.
    assert_eq!(app.run_due_jobs(10).await.unwrap(), RunReport::default());
    clock.advance(Duration::seconds(10));
    assert_eq!(app.run_due_jobs(10).await.unwrap().retried, 1);
    let mut given_up = 0;
    for _ in 0..20 {
        clock.advance(Duration::hours(1));
        given_up += app.run_due_jobs(10).await.unwrap().failed;
    }
    assert_eq!(given_up, 1);
    assert_eq!(handler.runs.load(Ordering::SeqCst), motcua_app::jobs::DEFAULT_MAX_ATTEMPTS as usize);

    // Visible to the province administrator, not to a reception officer; retry works.
    let admin = login(&app, "admin").await;
    let failed = app.recent_jobs(&admin, Some("failed")).await.unwrap();
    assert_eq!(failed.iter().map(|j| j.id).collect::<Vec<_>>(), [job]);
    assert_eq!(failed[0].last_error.as_deref(), Some("attempt 8 failed"));
    let reception = login(&app, "tiepnhan.hoian").await;
    assert_eq!(app.recent_jobs(&reception, None).await.unwrap_err().error_code(), ErrorCode::Forbidden);
    assert_eq!(app.recent_jobs(&admin, Some("nonsense")).await.unwrap_err().error_code(), ErrorCode::InvalidInput);
    app.retry_job(&admin, job).await.unwrap();
    assert_eq!(app.retry_job(&admin, job).await.unwrap_err().error_code(), ErrorCode::NotFound);
}

pub async fn sweeper_removes_expired_sessions(db: Db) {
    let (app, clock) = demo_app(db).await;
    let session = app.login("lanhdao", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    assert_eq!(app.sweep().await.unwrap(), SweepReport::default());
    clock.advance(AppConfig::default().session_ttl + Duration::seconds(1));
    assert!(app.authenticate(&session.token).await.unwrap().is_none());
    assert_eq!(
        app.sweep().await.unwrap(),
        SweepReport { sessions_removed: 1, jobs_requeued: 0, idempotency_keys_removed: 0, dossier_alerts_raised: 0 }
    );
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<Utc> {
    // Vietnam time → UTC.
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap() - Duration::hours(7)
}

pub async fn calendar_schedules_drive_due_dates_and_are_audited(db: Db) {
    use motcua_app::calendar::DueRequest;
    use motcua_domain::calendar::working_time::ReceptionChannel;
    use motcua_domain::deadline::{Duration as Statutory, Mode};
    let (app, _) = demo_app(db).await;
    assert_eq!(app.calendar().schedules.len(), 3);
    // Spec T1 and T2 on the shipped 2025 schedule (Giỗ Tổ; the swapped Saturday 26/4 and 30/4–2/5 off).
    let due = |received, duration, mode| {
        app.compute_due(DueRequest {
            received_at: received,
            channel: ReceptionChannel::Counter,
            duration,
            mode,
            unit: None,
        })
        .unwrap()
        .due_at
    };
    assert_eq!(due(utc(2025, 4, 3, 9, 0), Statutory::WorkingDays(3), None), utc(2025, 4, 9, 17, 0));
    assert_eq!(due(utc(2025, 4, 25, 10, 0), Statutory::WorkingDays(5), Some(Mode::A)), utc(2025, 5, 6, 17, 0));
    assert_eq!(due(utc(2025, 6, 9, 16, 0), Statutory::WorkingHours(8), None), utc(2025, 6, 10, 16, 0));
    // An online dossier counts from the next working period.
    let online = app
        .compute_due(DueRequest {
            received_at: utc(2025, 6, 14, 10, 0),
            channel: ReceptionChannel::Online,
            duration: Statutory::WorkingHours(4),
            mode: None,
            unit: None,
        })
        .unwrap();
    assert_eq!(online.deemed_reception, utc(2025, 6, 16, 7, 30));
    let zero = app.compute_due(DueRequest {
        received_at: utc(2025, 6, 9, 9, 0),
        channel: ReceptionChannel::Counter,
        duration: Statutory::WorkingDays(0),
        mode: None,
        unit: None,
    });
    assert_eq!(zero.unwrap_err().error_code(), ErrorCode::InvalidInput);

    // Declaring 10/6/2025 an extra day off moves T5's due date; the change is versioned and audited.
    let admin = login(&app, "admin").await;
    let stored = app.calendar().schedules[&2025].clone();
    let mut changed = stored.schedule.clone();
    changed.entries.push(
        serde_json::from_value(serde_json::json!({
            "date": "2025-06-10", "kind": "holiday", "reason": "Nghỉ thử nghiệm", "legal_basis": "Kiểm thử"
        }))
        .unwrap(),
    );
    let version = app.put_year_schedule(&admin, changed.clone(), Some(stored.version)).await.unwrap();
    assert_eq!(version, stored.version + 1);
    assert_eq!(due(utc(2025, 6, 9, 16, 0), Statutory::WorkingHours(8), None), utc(2025, 6, 11, 16, 0));
    assert!(!app.is_working_day(NaiveDate::from_ymd_opt(2025, 6, 10).unwrap()).unwrap());
    assert_eq!(event_count(&app, "calendar", "2025").await, 2, "created by the demo, then updated");

    // A stale version, a non-administrator, and an invalid schedule are refused; nothing changes.
    let err = app.put_year_schedule(&admin, changed.clone(), Some(stored.version)).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::StaleVersion);
    let director = login(&app, "lanhdao.stp").await;
    let err = app.put_year_schedule(&director, changed.clone(), Some(version)).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::Forbidden);
    let mut twice = changed.clone();
    let duplicate = twice.entries.last().unwrap().clone();
    twice.entries.push(duplicate);
    let err = app.put_year_schedule(&admin, twice, Some(version)).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::InvalidInput);
    app.reload_calendar().await.unwrap();
    assert_eq!(app.calendar().schedules[&2025].version, version);
    assert_eq!(app.calendar().schedules[&2025].schedule, changed);
}

pub async fn office_hours_are_inherited_and_change_due_dates(db: Db) {
    use motcua_app::calendar::DueRequest;
    use motcua_domain::calendar::working_time::ReceptionChannel;
    use motcua_domain::calendar::{OfficeHours, Period};
    use motcua_domain::deadline::Duration as Statutory;
    let (app, _) = demo_app(db).await;
    let stp = UnitId::parse("p48.stp").unwrap();
    let division = app.tree().children(&stp).next().unwrap().id.clone();
    assert_eq!(app.office_hours_of(&division).unwrap(), (OfficeHours::default(), None));

    // Sở Tư pháp opens 08:00–12:00 and 13:30–17:30; its divisions inherit it.
    let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let hours =
        OfficeHours::uniform(vec![Period::new(t(8, 0), t(12, 0)).unwrap(), Period::new(t(13, 30), t(17, 30)).unwrap()])
            .unwrap();
    let director = login(&app, "lanhdao.stp").await;
    assert_eq!(app.put_office_hours(&director, &stp, hours.clone(), None).await.unwrap(), 1);
    assert_eq!(app.office_hours_of(&division).unwrap(), (hours.clone(), Some(stp.clone())));
    let due = |unit: Option<UnitId>| {
        app.compute_due(DueRequest {
            received_at: utc(2025, 6, 10, 9, 0),
            channel: ReceptionChannel::Counter,
            duration: Statutory::WorkingDays(1),
            mode: None,
            unit,
        })
        .unwrap()
        .due_at
    };
    assert_eq!(due(None), utc(2025, 6, 11, 17, 0));
    assert_eq!(due(Some(division)), utc(2025, 6, 11, 17, 30), "closes at 17:30 there");

    // Another unit's administrator cannot change them; a stale version is refused.
    let other = login(&app, "tiepnhan.hoian").await;
    assert_eq!(
        app.put_office_hours(&other, &stp, hours.clone(), Some(1)).await.unwrap_err().error_code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        app.put_office_hours(&director, &stp, hours.clone(), None).await.unwrap_err().error_code(),
        ErrorCode::StaleVersion
    );
    assert_eq!(event_count(&app, "unit", "p48.stp").await, 2, "created by the demo, then the hours");
}
