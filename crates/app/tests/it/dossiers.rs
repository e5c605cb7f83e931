//! Dossiers over real storage: counter and online reception, the state machine's paths, codes under concurrency.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use motcua_app::accounts::{ClientInfo, GrantInput, NewOfficer};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::dossiers::{ActionRequest, Applicant, DossierView, NewDossier};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, AppError, ErrorCode, ManualClock};
use motcua_domain::access::Principal;
use motcua_domain::dossier::Status;
use motcua_storage::Db;

/// Monday 1/12/2025, 09:00 in Vietnam: a working day.
async fn demo_app(db: Db) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    (app, clock)
}

async fn login(app: &App, username: &str) -> Ctx {
    let outcome = app.login(username, DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    Ctx::new(outcome.officer.principal(), None)
}

/// An agency head of Phường Hội An, who signs results there.
async fn commune_head(app: &App) -> Ctx {
    let input = NewOfficer {
        username: "chutich.hoian".into(),
        full_name: "Lê Văn Chủ Tịch".into(),
        unit_id: "c20410".into(),
        password: DEMO_PASSWORD.into(),
        grants: vec![GrantInput { role: "agency_head".into(), unit_id: "c20410".into() }],
    };
    app.create_officer(&Ctx::system(), input).await.unwrap();
    login(app, "chutich.hoian").await
}

/// Valid values for every field of the procedure's form, and every mandatory component.
async fn complete(app: &App, code: &str, applicant_id: &str) -> NewDossier {
    let p = app.procedure(&Principal::Anonymous, code, None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), applicant_id, "p48", "c20410");
    NewDossier {
        procedure: code.into(),
        case: None,
        unit: None,
        applicant: Applicant {
            id_number: applicant_id.into(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: Some("0905123456".into()),
            email: None,
            organisation: None,
        },
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    }
}

async fn act(
    app: &App,
    ctx: &Ctx,
    d: &DossierView,
    action: &str,
    reasons: Option<&str>,
) -> Result<DossierView, AppError> {
    let request = ActionRequest { reasons: reasons.map(str::to_owned), ..ActionRequest::new(action, d.version) };
    app.act_on_dossier(ctx, d.id, request).await
}

const PROCEDURE: &str = "1.001570"; // tạm ngừng kinh doanh hộ kinh doanh: commune level, 1 working day

pub async fn counter_dossier_from_reception_to_returned_result(db: Db) {
    let (app, clock) = demo_app(db).await;
    let reception = login(&app, "tiepnhan.hoian").await;
    let head = commune_head(&app).await;
    let d = app.receive_at_counter(&reception, complete(&app, PROCEDURE, "048203000001").await, None).await.unwrap();
    assert_eq!(d.status, Status::Accepted);
    assert_eq!(d.national_status, Some(2));
    assert_eq!(d.code.as_deref(), Some("000.66.60.H17-251201-0001"));
    assert_eq!(d.competent_unit, "c20410");
    // One working day, mode A: due at the close of Tuesday 2/12/2025 (17:00 = 10:00 UTC).
    assert_eq!(d.due_at, Some(Utc.with_ymd_and_hms(2025, 12, 2, 10, 0, 0).unwrap()));

    let d = act(&app, &reception, &d, "start_processing", None).await.unwrap();
    assert_eq!(d.status, Status::Processing);
    let handler = reception.clone(); // tiepnhan.hoian is also the ward's handler
    let stranger = login(&app, "thuly.stp").await;
    let not_theirs = act(&app, &stranger, &d, "request_supplement", Some("Thiếu giấy tờ")).await.unwrap_err();
    assert_eq!(not_theirs.error_code(), ErrorCode::NotFound, "an officer of another unit does not see it");
    let no_reason = act(&app, &handler, &d, "request_supplement", None).await.unwrap_err();
    assert!(no_reason.message_vi().contains("lý do"), "{}", no_reason.message_vi());
    let d =
        act(&app, &handler, &d, "request_supplement", Some("Bổ sung bản sao giấy chứng nhận đăng ký hộ kinh doanh"))
            .await
            .unwrap();
    assert_eq!((d.status, d.national_status), (Status::SupplementRequested, Some(5)));

    // Two working hours later the applicant supplements: the due date moves by the paused working time.
    clock.advance(Duration::hours(2));
    let d = act(&app, &reception, &d, "supplement", None).await.unwrap();
    assert_eq!(d.status, Status::Processing);
    assert_eq!(
        d.due_at,
        Some(Utc.with_ymd_and_hms(2025, 12, 3, 2, 30, 0).unwrap()),
        "Tue 17:00 + 2 working hours = Wed 09:30"
    );
    assert_eq!(d.due_original, Some(Utc.with_ymd_and_hms(2025, 12, 2, 10, 0, 0).unwrap()), "kept for reporting");
    let again = act(&app, &handler, &d, "request_supplement", Some("Lần hai")).await.unwrap_err();
    assert!(again.message_vi().contains("tối đa 1 lần"), "{}", again.message_vi());

    let d = act(&app, &head, &d, "issue_result", None).await.unwrap();
    assert_eq!(d.status, Status::Processed);
    let withdraw = act(&app, &reception, &d, "withdraw", None).await.unwrap_err();
    assert_eq!(withdraw.error_code(), ErrorCode::InvalidInput, "no withdrawal once the result is issued");
    let d = act(&app, &reception, &d, "return_result", None).await.unwrap();
    assert_eq!((d.status, d.national_status), (Status::Returned, Some(10)));
    let closed = act(&app, &reception, &d, "return_result", None).await.unwrap_err();
    assert!(closed.message_vi().contains("đã kết thúc"), "{}", closed.message_vi());

    // Every change is an event; the applicant can read the dossier, others cannot.
    let mut tx = app.db().read().await.unwrap();
    let events = motcua_storage::events::of_subject(&mut tx, "dossier", &d.id.to_string()).await.unwrap();
    let steps: Vec<String> = events.iter().map(|e| e.payload.0["action"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        steps,
        ["receive_at_counter", "start_processing", "request_supplement", "supplement", "issue_result", "return_result"]
    );
    let citizen = Principal::Citizen { id_number: "048203000001".into() };
    assert_eq!(app.dossier(&citizen, d.id).await.unwrap().status, Status::Returned);
    let stranger = Principal::Citizen { id_number: "048203000002".into() };
    assert_eq!(app.dossier(&stranger, d.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    let other_unit = login(&app, "thuly.stp").await;
    assert_eq!(app.dossier(&other_unit.principal, d.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
}

pub async fn online_submission_is_checked_by_reception_and_may_be_refused(db: Db) {
    let (app, _) = demo_app(db).await;
    let citizen = Ctx::new(Principal::Citizen { id_number: "048203000001".into() }, None);
    let reception = login(&app, "tiepnhan.hoian").await;
    let mut input = complete(&app, PROCEDURE, "048203000001").await;
    let no_unit = app.submit_online(&citizen, input.clone(), None).await.unwrap_err();
    assert!(no_unit.message_vi().contains("Vui lòng chọn xã"), "{}", no_unit.message_vi());
    input.unit = Some("c20410".into());
    let d = app.submit_online(&citizen, input.clone(), None).await.unwrap();
    assert_eq!((d.status, d.national_status), (Status::Submitted, Some(1)));
    assert_eq!(d.receiving_unit, "c20410");
    assert!(d.code.as_deref().unwrap().starts_with("000.66.60.H17-251201-"));
    assert_eq!(d.received_at, None, "the statutory clock starts at acceptance…");
    // …but the reception check has its own deadline: Monday 09:00 online → next working period; one working day.
    assert_eq!(d.due_at, Some(Utc.with_ymd_and_hms(2025, 12, 2, 10, 0, 0).unwrap()));
    let queue = app.dossier_queue(&reception.principal, 10).await.unwrap();
    assert_eq!(queue.iter().map(|q| q.id).collect::<Vec<_>>(), [d.id], "it waits in the ward's queue");
    let accepted = act(&app, &reception, &d, "accept", None).await.unwrap();
    assert_eq!(accepted.status, Status::Accepted);
    assert!(accepted.due_at.is_some());

    // Someone else's ID number cannot be filed as oneself; a refusal needs a legal reason and keeps the code.
    let mut other = input.clone();
    other.applicant.id_number = "048203000002".into();
    assert_eq!(app.submit_online(&citizen, other, None).await.unwrap_err().error_code(), ErrorCode::InvalidInput);
    let second = app.submit_online(&citizen, input, None).await.unwrap();
    assert!(act(&app, &reception, &second, "refuse_reception", None).await.is_err());
    let refused =
        act(&app, &reception, &second, "refuse_reception", Some("Không thuộc thẩm quyền (Điều 9 NĐ 118/2025)"))
            .await
            .unwrap();
    assert_eq!((refused.status, refused.national_status), (Status::NotAccepted, Some(3)));
    assert_eq!(refused.code, second.code);
}

pub async fn bad_receptions_change_nothing(db: Db) {
    let (app, _) = demo_app(db).await;
    let reception = login(&app, "tiepnhan.hoian").await;
    let mut input = complete(&app, PROCEDURE, "048203000001").await;
    input.components.clear();
    input.form.insert("so_dien_thoai".into(), "123".into());
    input.applicant.id_number = "12345".into();
    let AppError::Invalid(problems) = app.receive_at_counter(&reception, input, None).await.unwrap_err() else {
        panic!()
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"applicant.id_number"), "{fields:?}");
    assert!(fields.iter().any(|f| f.starts_with("components.")), "{fields:?}");
    assert!(fields.contains(&"form.so_dien_thoai"), "{fields:?}");
    let mut unknown = complete(&app, PROCEDURE, "048203000001").await;
    unknown.procedure = "1.999999".into();
    assert!(
        app.receive_at_counter(&reception, unknown, None).await.unwrap_err().message_vi().contains("chưa công khai")
    );
    // A procedure whose published time has no unit cannot be given an appointment yet.
    let unconfirmed = complete(&app, "1.001193", "048203000001").await;
    let err = app.receive_at_counter(&reception, unconfirmed, None).await.unwrap_err();
    assert!(err.message_vi().contains("chưa được xác nhận đơn vị"), "{}", err.message_vi());
    assert!(app.dossier_queue(&reception.principal, 10).await.unwrap().is_empty(), "nothing was stored");
    // The first dossier that does go through still gets number 0001: refusals above took no number.
    let d = app.receive_at_counter(&reception, complete(&app, PROCEDURE, "048203000001").await, None).await.unwrap();
    assert!(d.code.unwrap().ends_with("-0001"));
}

pub async fn concurrent_actions_and_receptions(db: Db) {
    let (app, _) = demo_app(db).await;
    let reception = login(&app, "tiepnhan.hoian").await;
    let input = complete(&app, PROCEDURE, "048203000001").await;
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let (app, ctx, input) = (app.clone(), reception.clone(), input.clone());
        tasks.push(tokio::spawn(async move { app.receive_at_counter(&ctx, input, None).await.unwrap() }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap().code.unwrap());
    }
    codes.sort();
    let expected: Vec<String> = (1..=40).map(|n| format!("000.66.60.H17-251201-{n:04}")).collect();
    assert_eq!(codes, expected, "consecutive, no gap, no duplicate");

    // Two officers act on the same version: one wins, the other is told the dossier changed.
    let d = app.receive_at_counter(&reception, input, None).await.unwrap();
    let (a, b) =
        tokio::join!(act(&app, &reception, &d, "start_processing", None), act(&app, &reception, &d, "withdraw", None));
    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{outcomes:?}");
    let loser = a.err().or(b.err()).unwrap();
    assert_eq!(loser.error_code(), ErrorCode::StaleVersion);
    assert!(
        loser.message_vi().contains("trạng thái hiện tại") || loser.message_vi().contains("người khác"),
        "{}",
        loser.message_vi()
    );
}

pub async fn idempotent_submissions_and_the_timeline(db: Db) {
    let (app, _) = demo_app(db).await;
    let reception = login(&app, "tiepnhan.hoian").await;
    let input = complete(&app, PROCEDURE, "048203000001").await;
    let key = Some("phieu-0001".to_owned());
    // The same key sent twice at once, then again later: one dossier.
    let (a, b) = tokio::join!(
        app.receive_at_counter(&reception, input.clone(), key.clone()),
        app.receive_at_counter(&reception, input.clone(), key.clone())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.id, b.id);
    let again = app.receive_at_counter(&reception, input.clone(), key.clone()).await.unwrap();
    assert_eq!(again.id, a.id);
    assert_eq!(app.dossier_queue(&reception.principal, 10).await.unwrap().len(), 1);
    // The same key with another body is refused; another key makes another dossier.
    let mut changed = input.clone();
    changed.applicant.full_name = "Người Khác".into();
    let reused = app.receive_at_counter(&reception, changed, key).await.unwrap_err();
    assert_eq!(reused.error_code(), ErrorCode::IdempotencyKeyReused);
    let other = app.receive_at_counter(&reception, input, Some("phieu-0002".into())).await.unwrap();
    assert_ne!(other.id, a.id);
    assert!(other.code.unwrap().ends_with("-0002"));

    let d = act(&app, &reception, &a, "start_processing", None).await.unwrap();
    act(&app, &reception, &d, "withdraw", None).await.unwrap();
    let timeline = app.dossier_timeline(&reception.principal, a.id).await.unwrap();
    let steps: Vec<(Option<Status>, Option<Status>)> = timeline.iter().map(|t| (t.from, t.to)).collect();
    assert_eq!(
        steps,
        [
            (Some(Status::Draft), Some(Status::Accepted)),
            (Some(Status::Accepted), Some(Status::Processing)),
            (Some(Status::Processing), Some(Status::Withdrawn))
        ]
    );
    assert!(timeline.iter().all(|t| t.actor_kind == "officer" && t.actor_unit.as_deref() == Some("c20410")));
}

pub async fn public_status_needs_a_second_factor_and_resists_enumeration(db: Db) {
    let (app, _) = demo_app(db).await;
    let reception = login(&app, "tiepnhan.hoian").await;
    let d = app.receive_at_counter(&reception, complete(&app, PROCEDURE, "048203000001").await, None).await.unwrap();
    let code = d.code.clone().unwrap();
    // The last four digits of the applicant's phone, or the receipt's PIN.
    let status = app.public_status(&code, "3456", "10.0.0.1").await.unwrap();
    assert_eq!((status.status, status.national_status), (Status::Accepted, Some(2)));
    assert_eq!(status.competent_unit, "Phường Hội An");
    assert_eq!(status.steps.len(), 1);
    let by_pin = app.public_status(&code.to_lowercase(), &d.lookup_pin, "10.0.0.1").await.unwrap();
    assert_eq!(by_pin.code, code);
    // A wrong secret and an unknown code look the same.
    let wrong = app.public_status(&code, "0000", "10.0.0.2").await.unwrap_err();
    let unknown = app.public_status("000.66.60.H17-251201-9999", "3456", "10.0.0.2").await.unwrap_err();
    assert_eq!(wrong.error_code(), ErrorCode::NotFound);
    assert_eq!(wrong.message_vi(), unknown.message_vi());
    // Five failures pause the client, even for a right answer…
    for _ in 0..3 {
        let _ = app.public_status("000.66.60.H17-251201-9998", "1111", "10.0.0.2").await;
    }
    let paused = app.public_status(&code, "3456", "10.0.0.2").await.unwrap_err();
    assert_eq!(paused.error_code(), ErrorCode::TooManyAttempts);
    // …but failures on one code from many clients only slow that code down: strangers cannot lock the applicant
    // out of their own dossier.
    for i in 0..6 {
        let wrong = app.public_status(&code, "9999", &format!("10.0.1.{i}")).await.unwrap_err();
        assert_eq!(wrong.error_code(), ErrorCode::NotFound, "never refused");
    }
    let started = std::time::Instant::now();
    let applicant = app.public_status(&code, "3456", "10.0.0.9").await.unwrap();
    assert_eq!(applicant.code, code);
    assert!(started.elapsed() >= motcua_app::throttle::FIRST_DELAY, "the code's lookups are slowed down");
}

/// A gateway that records what it was asked to send (the province's real SMS provider is not wired here).
#[derive(Default)]
struct RecordingGateway(std::sync::Mutex<Vec<(String, String)>>);

impl motcua_app::notices::SmsGateway for RecordingGateway {
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> futures::future::BoxFuture<'a, Result<(), String>> {
        self.0.lock().unwrap().push((phone.to_owned(), text.to_owned()));
        Box::pin(async { Ok(()) })
    }
}

pub async fn notices_are_mailed_through_smtp_and_texted(db: Db) {
    let (app, _) = demo_app(db).await;
    let sink = motcua_testkit::smtp::SmtpSink::start().await;
    let reception = login(&app, "tiepnhan.hoian").await;
    // Not configured yet: the portal notice only.
    let mut input = complete(&app, PROCEDURE, "048203000001").await;
    input.applicant.email = Some("dan@example.vn".into());
    let quiet = app.receive_at_counter(&reception, input.clone(), None).await.unwrap();
    assert_eq!(app.run_due_jobs(10).await.unwrap().done, 0);

    app.enable_email_notices(&motcua_app::notices::SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.port,
        username: Some("motcua".into()),
        password: Some("bí mật".into()),
        from: "Một cửa Đà Nẵng <motcua@danang.gov.vn>".into(),
    })
    .unwrap();
    let gateway = Arc::new(RecordingGateway::default());
    app.enable_sms_notices(gateway.clone());
    input.applicant.id_number = "048203000002".into();
    let d = app.receive_at_counter(&reception, input, None).await.unwrap();
    let d = act(&app, &reception, &d, "start_processing", None).await.unwrap();
    let report = app.run_due_jobs(10).await.unwrap();
    assert_eq!((report.done, report.failed, report.retried), (4, 0, 0), "two notices, each mailed and texted");
    let mut mails = sink.messages();
    assert_eq!(mails.len(), 2, "{mails:#?}");
    // Jobs due at the same instant run in no promised order.
    mails.sort_by_key(|m| !m.subject().ends_with("Được tiếp nhận"));
    let code = d.code.clone().unwrap();
    assert_eq!(mails[0].to, ["dan@example.vn"]);
    assert_eq!(mails[0].from, "motcua@danang.gov.vn");
    assert_eq!(mails[0].subject(), format!("Hồ sơ {code}: Được tiếp nhận"), "{}", mails[0].data);
    assert_eq!(mails[1].subject(), format!("Hồ sơ {code}: Đang xử lý"));
    let body = mails[1].body();
    assert!(body.contains("Kính gửi ông/bà Nguyễn Thị Dân"), "{body}");
    assert!(body.contains("đã chuyển sang trạng thái: Đang xử lý") && body.contains("Hẹn trả kết quả"), "{body}");
    let mut texts = gateway.0.lock().unwrap().clone();
    texts.sort_by_key(|(_, t)| !t.ends_with("Được tiếp nhận"));
    assert_eq!(
        texts,
        [
            ("0905123456".to_owned(), format!("Hồ sơ {code}: Được tiếp nhận")),
            ("0905123456".to_owned(), format!("Hồ sơ {code}: Đang xử lý")),
        ]
    );
    // Sent once: a second pass has nothing to do.
    assert_eq!(app.run_due_jobs(10).await.unwrap().done, 0);
    // The portal notices, for the applicant only.
    let citizen = Principal::Citizen { id_number: "048203000002".into() };
    let notices = app.notices_for(&citizen).await.unwrap();
    assert_eq!(notices.len(), 2);
    assert!(notices.iter().all(|n| n.dossier == d.id));
    let first = Principal::Citizen { id_number: "048203000001".into() };
    assert_eq!(app.notices_for(&first).await.unwrap()[0].dossier, quiet.id);
    assert_eq!(app.notices_for(&reception.principal).await.unwrap_err().error_code(), ErrorCode::Forbidden);
}
