//! The processing paths of a dossier over HTTP, each on SQLite and PostgreSQL: accepted → processed → returned through
//! the workflow's steps (assignment, hand-overs, payment, the control slip); refused; supplement then resumed with the
//! due date moved by the paused working time; withdrawn; late with apology; transfer between agencies with a
//! consultation; an unchecked submission surfacing to leaders; the inbox filters and keyset pages; the register.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use motcua_app::{App, AppConfig, ManualClock};
use motcua_storage::Db;
use motcua_web::{AppState, WebConfig, router};
use serde_json::{Value, json};

use crate::cases::{Reply, assert_problem, get, login, post_json, send};
use crate::catalogue::{page_cookie, page_get, with_token};

const PROCEDURE: &str = "1.001570";

async fn app(db: Db) -> (Router, App, Arc<ManualClock>) {
    // Friday 27/11/2026, 09:00 in Vietnam.
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let config = WebConfig { body_limit: 64 * 1024, request_timeout: Duration::from_secs(10), ..WebConfig::default() };
    (router(AppState::new(app.clone(), config)), app, clock)
}

fn dossier(id_number: &str) -> Value {
    json!({
        "procedure": PROCEDURE,
        "applicant": {"id_number": id_number, "full_name": "Nguyễn Thị Dân", "phone": "0905123456",
            "email": "dan@example.vn"},
        "form": {
            "ho_ten_chu_ho": "Nguyễn Thị Dân",
            "so_dinh_danh": id_number,
            "noi_thuong_tru.province": "p48",
            "noi_thuong_tru.commune": "c20410",
            "noi_thuong_tru.detail": "12 Trần Phú",
            "so_dien_thoai": "0905123456",
            "ma_so_ho_kinh_doanh": "40A8001234",
            "ten_ho_kinh_doanh": "Hộ kinh doanh Dân Phát",
            "de_nghi": "tam_ngung",
            "tu_ngay": "01/12/2026",
        },
        "components": ["tp7"],
    })
}

async fn receive(router: &Router, token: &str, id_number: &str) -> Value {
    let reply = send(router, post_json("/api/v1/dossiers", &dossier(id_number), Some(token))).await;
    assert_eq!(reply.status.as_u16(), 201, "{}", reply.body);
    reply.json()
}

async fn act(router: &Router, token: &str, d: &Value, mut body: Value) -> Reply {
    body["expected_version"] = d["version"].clone();
    send(router, post_json(&format!("/api/v1/dossiers/{}/actions", d["id"].as_str().unwrap()), &body, Some(token)))
        .await
}

async fn ok(router: &Router, token: &str, d: &Value, body: Value) -> Value {
    let what = body["action"].clone();
    let reply = act(router, token, d, body).await;
    assert_eq!(reply.status.as_u16(), 200, "{what}: {}", reply.body);
    reply.json()
}

async fn fetch(router: &Router, token: &str, path: &str) -> Value {
    let reply = send(router, with_token(get(path), token)).await;
    assert_eq!(reply.status.as_u16(), 200, "{path}: {}", reply.body);
    reply.json()
}

async fn officer_id(app: &App, username: &str) -> String {
    let mut tx = app.db().read().await.unwrap();
    let o = motcua_storage::officers::by_username(&mut tx, username).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    o.id.to_string()
}

fn ids(page: &Value) -> Vec<String> {
    page["rows"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect()
}

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

pub async fn accepted_processed_returned_through_the_workflow(db: Db) {
    let (router, app, _) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let handler = login(&router, "thuly.hoian").await;
    let head = login(&router, "lanhdao.hoian").await;
    let clerk = login(&router, "vanthu.hoian").await;
    let d = receive(&router, &reception, "048203000001").await;
    let d = ok(&router, &reception, &d, json!({"action": "start_processing"})).await;
    assert_eq!(d["step_index"], 1, "the handler's step follows reception");
    assert!(d["step_due_at"].is_string(), "{d}");

    // Assignment: only heads (and reception) assign; only officers who may act in the step can be chosen.
    let handler_id = officer_id(&app, "thuly.hoian").await;
    let clerk_id = officer_id(&app, "vanthu.hoian").await;
    assert_problem(
        &act(&router, &handler, &d, json!({"action": "assign", "to_officer": handler_id})).await,
        403,
        "forbidden",
    );
    let wrong = act(&router, &head, &d, json!({"action": "assign", "to_officer": clerk_id})).await;
    assert_problem(&wrong, 422, "invalid_input");
    assert!(wrong.body.contains("Thẩm định, xử lý hồ sơ"), "{}", wrong.body);
    let d = ok(&router, &head, &d, json!({"action": "assign", "to_officer": handler_id})).await;
    assert_eq!(d["assignee"], handler_id.as_str());
    assert_eq!(d["status"], "processing");
    let mine = fetch(&router, &handler, "/api/v1/dossier-inbox?filter=mine").await;
    assert_eq!(ids(&mine), [d["id"].as_str().unwrap()]);

    // The financial obligation: asked by the handler, recorded by reception with amount and receipt.
    let d = ok(&router, &handler, &d, json!({"action": "request_payment"})).await;
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("awaiting_payment"), json!(6)));
    let missing = act(&router, &reception, &d, json!({"action": "record_payment"})).await;
    assert_problem(&missing, 422, "invalid_input");
    let bad = act(
        &router,
        &reception,
        &d,
        json!({"action": "record_payment",
        "payment": {"method": "card", "amount": 0, "reference": " "}}),
    )
    .await;
    assert_problem(&bad, 422, "invalid_input");
    assert_eq!(bad.json()["errors"].as_array().unwrap().len(), 3, "{}", bad.body);
    let d = ok(
        &router,
        &reception,
        &d,
        json!({"action": "record_payment",
        "payment": {"method": "cash", "amount": 50000, "reference": "BL-0001"}}),
    )
    .await;
    assert_eq!(d["status"], "processing");

    // Hand-overs follow the workflow: the handler passes to the head of agency, who passes to the clerk.
    let head_id = officer_id(&app, "lanhdao.hoian").await;
    let d = ok(&router, &handler, &d, json!({"action": "hand_over", "to_officer": head_id})).await;
    assert_eq!((d["step_index"].clone(), d["assignee"].clone()), (json!(2), json!(head_id)));
    let not_yours = act(&router, &handler, &d, json!({"action": "hand_over"})).await;
    assert_problem(&not_yours, 403, "forbidden");
    assert!(not_yours.json()["detail"].as_str().unwrap().contains("Phê duyệt, ký kết quả"), "{}", not_yours.body);
    let d = ok(&router, &head, &d, json!({"action": "hand_over"})).await;
    assert_eq!(d["step_index"], 3);
    let last = act(&router, &clerk, &d, json!({"action": "hand_over"})).await;
    assert_problem(&last, 422, "invalid_input");
    let d = ok(&router, &clerk, &d, json!({"action": "issue_result"})).await;
    assert_eq!((d["status"].clone(), d["owner_unit"].clone()), (json!("processed"), json!("c20410")));
    let bad_via = act(&router, &reception, &d, json!({"action": "return_result", "via": "pigeon"})).await;
    assert_problem(&bad_via, 422, "invalid_input");
    let d = ok(&router, &reception, &d, json!({"action": "return_result", "via": "post"})).await;
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("returned"), json!(10)));
    assert!(d["closed_at"].is_string());

    let id = d["id"].as_str().unwrap();
    let timeline = fetch(&router, &head, &format!("/api/v1/dossiers/{id}/timeline")).await;
    let labels: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["action_label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "Tiếp nhận trực tiếp",
            "Chuyển xử lý",
            "Phân công xử lý",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            "Ghi nhận đã nộp phí, lệ phí",
            "Chuyển bước xử lý",
            "Chuyển bước xử lý",
            "Ban hành kết quả",
            "Trả kết quả"
        ]
    );
    assert_eq!(timeline[4]["payment"], json!({"method": "cash", "amount": 50000, "reference": "BL-0001"}));
    assert_eq!(timeline[8]["via"], "post");

    // The control slip: one row per hand-over, each judged against the giver's step deadline.
    let slip = fetch(&router, &head, &format!("/api/v1/dossiers/{id}/control-slip")).await;
    let kinds: Vec<&str> = slip["rows"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["start_processing", "assign", "next_step", "next_step", "to_reception"]);
    assert_eq!(slip["rows"][0]["mark"], Value::Null, "the first hand-over has no step before it");
    for row in &slip["rows"].as_array().unwrap()[1..] {
        assert_eq!(row["mark"], "on_time", "{row}");
    }
    assert_eq!(slip["header"]["code"], d["code"]);
    assert_eq!(slip["rows"][2]["receiver"], "Ngô Văn Chủ Tịch");
    assert_eq!(slip["late_rows"], json!([]));
    // …and on the dossier page.
    let cookie = page_cookie(&router, "lanhdao.hoian").await;
    let page = send(&router, page_get(&format!("/can-bo/ho-so/{id}"), &cookie)).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    for text in [
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        "Phân công xử lý",
        "Đúng hạn",
        "Chuyển kết quả về Bộ phận Một cửa",
    ] {
        assert!(page.body.contains(text), "{text}");
    }

    // The applicant was told of every change of status (not of assignments or hand-overs inside a status).
    let notices =
        app.notices_for(&motcua_domain::access::Principal::Citizen { id_number: "048203000001".into() }).await.unwrap();
    assert_eq!(notices.len(), 6, "{notices:#?}");
    assert_eq!(notices[0].subject, format!("Hồ sơ {}: Đã trả kết quả", d["code"].as_str().unwrap()));
    assert!(notices[0].body.contains("Kính gửi ông/bà Nguyễn Thị Dân"));
}

pub async fn refused_and_withdrawn(db: Db) {
    let (router, app, _) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let head = login(&router, "lanhdao.hoian").await;
    // Stop after review: the head of agency, with reasons.
    let d = receive(&router, &reception, "048203000001").await;
    let d = ok(&router, &reception, &d, json!({"action": "start_processing"})).await;
    assert_problem(&act(&router, &head, &d, json!({"action": "stop_after_review"})).await, 422, "invalid_input");
    let d = ok(
        &router,
        &head,
        &d,
        json!({"action": "stop_after_review", "reasons": "Hộ kinh doanh đã chấm dứt hoạt động"}),
    )
    .await;
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("stopped"), json!(8)));
    assert!(d["closed_at"].is_string());
    // Withdrawn at the counter on the citizen's request.
    let w = receive(&router, &reception, "048203000002").await;
    let w = ok(&router, &reception, &w, json!({"action": "withdraw"})).await;
    assert_eq!((w["status"].clone(), w["national_status"].clone()), (json!("withdrawn"), json!(7)));
    // Withdrawn by the applicant (the citizen principal of the portal).
    let c = receive(&router, &reception, "048203000003").await;
    let citizen = motcua_app::record::Ctx::new(
        motcua_domain::access::Principal::Citizen { id_number: "048203000003".into() },
        None,
    );
    let id = uuid::Uuid::parse_str(c["id"].as_str().unwrap()).unwrap();
    let other = motcua_app::record::Ctx::new(
        motcua_domain::access::Principal::Citizen { id_number: "048203000009".into() },
        None,
    );
    let request = |v: i64| motcua_app::dossiers::ActionRequest::new("withdraw", v);
    assert_eq!(
        app.act_on_dossier(&other, id, request(1)).await.unwrap_err().error_code(),
        motcua_app::ErrorCode::NotFound
    );
    let withdrawn = app.act_on_dossier(&citizen, id, request(1)).await.unwrap();
    assert_eq!(withdrawn.status.as_str(), "withdrawn");
    // Closed dossiers leave every queue.
    let unit = fetch(&router, &reception, "/api/v1/dossier-inbox?filter=unit").await;
    assert!(ids(&unit).is_empty(), "{unit}");
}

pub async fn supplement_moves_the_due_date_by_the_paused_working_time(db: Db) {
    let (router, app, clock) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let handler = login(&router, "thuly.hoian").await;
    let d = receive(&router, &reception, "048203000001").await;
    let due = instant(&d["due_at"]);
    let d = ok(&router, &reception, &d, json!({"action": "start_processing"})).await;
    clock.advance(chrono::Duration::hours(1)); // Friday 10:00
    let d = ok(&router, &handler, &d, json!({"action": "request_supplement", "reasons": "Thiếu biên bản họp"})).await;
    assert_eq!(d["status"], "supplement_requested");
    let waiting = fetch(&router, &handler, "/api/v1/dossier-inbox?filter=awaiting_supplement").await;
    assert_eq!(ids(&waiting), [d["id"].as_str().unwrap()]);
    // The applicant supplements on Monday at 10:00: the due date moves by exactly the working time the clock stood
    // still, and the original due date is kept.
    clock.advance(chrono::Duration::days(3)); // Monday 30/11 10:00
    let (reception, handler) = (login(&router, "tiepnhan.hoian").await, login(&router, "thuly.hoian").await);
    let d = ok(&router, &reception, &d, json!({"action": "supplement"})).await;
    let moved = instant(&d["due_at"]);
    assert_eq!(instant(&d["due_original"]), due, "the original due date is kept for reporting");
    let paused = working_minutes_between(&app, "2026-11-27T10:00:00", "2026-11-30T10:00:00");
    assert!(paused >= 7 * 60, "a working day stood still: {paused} min");
    assert!(moved > due, "{moved} after {due}");
    assert_eq!(working_minutes_between(&app, &local_iso(due), &local_iso(moved)), paused);
    let again = act(&router, &handler, &d, json!({"action": "request_supplement", "reasons": "Lần hai"})).await;
    assert_problem(&again, 422, "invalid_input");
    assert!(again.json()["detail"].as_str().unwrap().contains("tối đa 1 lần"), "{}", again.body);
}

fn local_iso(t: DateTime<Utc>) -> String {
    motcua_domain::time::to_local(t).naive_local().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Working minutes between two local instants at the ward's office hours (the calendar's own arithmetic).
fn working_minutes_between(app: &App, from: &str, to: &str) -> i64 {
    let cal = app.calendar().calendar.clone();
    let (hours, _) = app.office_hours_of(&motcua_domain::unit::UnitId::parse("c20410").unwrap()).unwrap();
    let from = chrono::NaiveDateTime::parse_from_str(from, "%Y-%m-%dT%H:%M:%S").unwrap();
    let to = chrono::NaiveDateTime::parse_from_str(to, "%Y-%m-%dT%H:%M:%S").unwrap();
    motcua_domain::calendar::working_time::working_time(from, to, &cal, &hours).unwrap().num_minutes()
}

pub async fn late_dossier_with_apology(db: Db) {
    let (router, _, clock) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let head = login(&router, "lanhdao.hoian").await;
    let d = receive(&router, &reception, "048203000001").await;
    let due = instant(&d["due_at"]);
    let d = ok(&router, &reception, &d, json!({"action": "start_processing"})).await;
    let no_date = act(&router, &head, &d, json!({"action": "apologise", "reasons": "Cần xác minh thêm"})).await;
    assert_problem(&no_date, 422, "invalid_input");
    let d = ok(
        &router,
        &head,
        &d,
        json!({"action": "apologise", "reasons": "Cần xác minh thêm",
        "new_due": "2026-12-04T16:00:00"}),
    )
    .await;
    assert_eq!(d["apologised"], true);
    assert_eq!(instant(&d["due_at"]), due, "the legal due date stays for reporting");
    assert_eq!(local_iso(instant(&d["reappointed_due"])), "2026-12-04T16:00:00");
    let twice = act(
        &router,
        &head,
        &d,
        json!({"action": "apologise", "reasons": "Lần nữa",
        "new_due": "2026-12-08T16:00:00"}),
    )
    .await;
    assert_problem(&twice, 422, "invalid_input");
    assert!(twice.json()["detail"].as_str().unwrap().contains("một lần"), "{}", twice.body);
    // Past the due date the dossier is overdue in the inbox and to leaders, apology or not.
    clock.advance(chrono::Duration::days(5));
    let (reception, head) = (login(&router, "tiepnhan.hoian").await, login(&router, "lanhdao.hoian").await);
    let overdue = fetch(&router, &head, "/api/v1/dossier-inbox?filter=overdue").await;
    assert_eq!(ids(&overdue), [d["id"].as_str().unwrap()]);
    // A second dossier received now cannot apologise later than one working day before its due date.
    let late = receive(&router, &reception, "048203000002").await;
    let late = ok(&router, &reception, &late, json!({"action": "start_processing"})).await;
    clock.advance(chrono::Duration::days(3));
    let head = login(&router, "lanhdao.hoian").await;
    let too_late = act(
        &router,
        &head,
        &late,
        json!({"action": "apologise", "reasons": "Trễ",
        "new_due": "2026-12-31T16:00:00"}),
    )
    .await;
    assert_problem(&too_late, 422, "invalid_input");
}

pub async fn transfer_between_agencies_and_consultation(db: Db) {
    let (router, app, clock) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let handler = login(&router, "thuly.hoian").await;
    let stp = login(&router, "thuly.stp").await;
    let d = receive(&router, &reception, "048203000001").await;
    let d = ok(&router, &reception, &d, json!({"action": "start_processing"})).await;
    // Consultation: the dossier stays; the consulted unit gets a task with its own deadline and answers.
    let no_hours =
        act(&router, &handler, &d, json!({"action": "consult", "to_unit": "p48.stp", "reasons": "Ý kiến?"})).await;
    assert_problem(&no_hours, 422, "invalid_input");
    let d = ok(
        &router,
        &handler,
        &d,
        json!({"action": "consult", "to_unit": "p48.stp",
        "reasons": "Đề nghị cho ý kiến về hộ tịch", "step_hours": 4}),
    )
    .await;
    assert_eq!(d["owner_unit"], "c20410");
    let id = d["id"].as_str().unwrap().to_owned();
    let tasks = fetch(&router, &handler, &format!("/api/v1/dossiers/{id}/consultations")).await;
    let task = tasks[0].clone();
    assert_eq!(task["unit"], "p48.stp");
    let answer = |token: &str, v: i64| {
        post_json(
            &format!("/api/v1/dossier-consultations/{}/answer", task["id"].as_str().unwrap()),
            &json!({"answer": "Thống nhất", "expected_version": v}),
            Some(token),
        )
    };
    assert_problem(&send(&router, answer(&handler, 1)).await, 404, "not_found");
    clock.advance(chrono::Duration::minutes(30));
    let answered = send(&router, answer(&stp, 1)).await;
    assert_eq!(answered.status.as_u16(), 200, "{}", answered.body);
    assert_problem(&send(&router, answer(&stp, 1)).await, 409, "stale_version");

    // Transfer to another agency with a step deadline: it holds the dossier and sees it in its queue.
    let d = fetch(&router, &handler, &format!("/api/v1/dossiers/{id}")).await;
    let no_deadline = act(&router, &handler, &d, json!({"action": "hand_over", "to_unit": "p48.stp"})).await;
    assert_problem(&no_deadline, 422, "invalid_input");
    let clerk = login(&router, "vanthu.hoian").await;
    assert_problem(
        &act(&router, &clerk, &d, json!({"action": "hand_over", "to_unit": "p48.stp", "step_hours": 8})).await,
        403,
        "forbidden",
    );
    let d = ok(&router, &handler, &d, json!({"action": "hand_over", "to_unit": "p48.stp", "step_hours": 8})).await;
    assert_eq!(d["owner_unit"], "p48.stp");
    let theirs = fetch(&router, &stp, "/api/v1/dossier-inbox").await;
    assert_eq!(ids(&theirs), [id.as_str()]);
    // Two working days later the agency hands it back: late against its 8 hours.
    clock.advance(chrono::Duration::days(4));
    let stp = login(&router, "thuly.stp").await;
    let d = ok(&router, &stp, &d, json!({"action": "hand_over", "to_unit": "c20410", "step_hours": 4})).await;
    assert_eq!(d["owner_unit"], "c20410");
    let slip =
        app.control_slip(&motcua_domain::access::Principal::System, uuid::Uuid::parse_str(&id).unwrap()).await.unwrap();
    let kinds: Vec<&str> = slip.rows.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["start_processing", "consult", "answer", "transfer", "transfer"]);
    // The answer came within its 4 hours, the handler transferred within its step; the agency kept it 4 days.
    assert_eq!(slip.rows[2].mark, Some(motcua_domain::deadline::Standing::OnTime));
    assert_eq!(slip.rows[3].mark, Some(motcua_domain::deadline::Standing::OnTime));
    assert_eq!(slip.rows[4].mark, Some(motcua_domain::deadline::Standing::Late));
    assert_eq!(slip.late_rows, [4], "lateness is attributed to the agency that held it");
    assert_eq!(slip.rows[3].to_unit, "Sở Tư pháp thành phố Đà Nẵng");
}

pub async fn unchecked_submission_surfaces_to_leaders(db: Db) {
    let (router, app, clock) = app(db).await;
    let leader = login(&router, "lanhdao.hoian").await;
    let citizen = motcua_app::record::Ctx::new(
        motcua_domain::access::Principal::Citizen { id_number: "048203000001".into() },
        None,
    );
    let mut body = dossier("048203000001");
    body["unit"] = json!("c20410");
    let input: motcua_app::dossiers::NewDossier = serde_json::from_value(body).unwrap();
    let submitted = app.submit_online(&citizen, input, None).await.unwrap();
    assert_eq!(submitted.status.as_str(), "submitted");
    assert!(submitted.due_at.is_some(), "the reception check has its own due time");
    assert_eq!(submitted.owner_unit, "c20410", "and an owner");
    app.sweep().await.unwrap();
    assert!(fetch(&router, &leader, "/api/v1/dossier-alerts").await.as_array().unwrap().is_empty());
    // Nobody checks it for a week.
    clock.advance(chrono::Duration::days(7));
    let leader = login(&router, "lanhdao.hoian").await;
    let report = app.sweep().await.unwrap();
    assert_eq!(report.dossier_alerts_raised, 1);
    assert_eq!(app.sweep().await.unwrap().dossier_alerts_raised, 0, "raised once");
    let alerts = fetch(&router, &leader, "/api/v1/dossier-alerts").await;
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!(alerts[0]["kind"], "reception_check_overdue");
    assert_eq!(alerts[0]["label"], "Quá hạn kiểm tra tiếp nhận");
    assert_eq!(alerts[0]["code"], json!(submitted.code));
    let overdue = fetch(&router, &leader, "/api/v1/dossier-inbox?filter=overdue").await;
    assert_eq!(ids(&overdue), [submitted.id.to_string()]);
    // A handler sees no alerts; the leaders' page lists it.
    let handler = login(&router, "thuly.hoian").await;
    assert!(fetch(&router, &handler, "/api/v1/dossier-alerts").await.as_array().unwrap().is_empty());
    let cookie = page_cookie(&router, "lanhdao.hoian").await;
    let page = send(&router, page_get("/can-bo/canh-bao", &cookie)).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    assert!(page.body.contains("Quá hạn kiểm tra tiếp nhận"), "{}", page.body);
    // Accepting it resolves the alert.
    let reception = login(&router, "tiepnhan.hoian").await;
    let d = fetch(&router, &reception, &format!("/api/v1/dossiers/{}", submitted.id)).await;
    ok(&router, &reception, &d, json!({"action": "accept"})).await;
    assert!(fetch(&router, &leader, "/api/v1/dossier-alerts").await.as_array().unwrap().is_empty());
}

pub async fn inbox_pages_by_keyset_and_register(db: Db) {
    let (router, _, clock) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let mut all = Vec::new();
    for i in 0..5 {
        let d = receive(&router, &reception, &format!("04820300000{i}")).await;
        all.push(d["id"].as_str().unwrap().to_owned());
        clock.advance(chrono::Duration::minutes(1));
    }
    let first = fetch(&router, &reception, "/api/v1/dossier-inbox?limit=2").await;
    assert_eq!(ids(&first).len(), 2);
    let next = first["next"].as_str().unwrap();
    let second = fetch(&router, &reception, &format!("/api/v1/dossier-inbox?limit=2&after={next}")).await;
    let third = fetch(
        &router,
        &reception,
        &format!("/api/v1/dossier-inbox?limit=2&after={}", second["next"].as_str().unwrap()),
    )
    .await;
    let mut seen: Vec<String> = [ids(&first), ids(&second), ids(&third)].concat();
    assert_eq!(seen.len(), 5);
    assert!(third["next"].is_null());
    seen.sort();
    let mut expected = all.clone();
    expected.sort();
    assert_eq!(seen, expected, "every dossier once, none twice");
    assert_problem(
        &send(&router, with_token(get("/api/v1/dossier-inbox?filter=everything"), &reception)).await,
        422,
        "invalid_input",
    );
    assert_problem(
        &send(&router, with_token(get("/api/v1/dossier-inbox?after=zzz"), &reception)).await,
        422,
        "invalid_input",
    );

    // The register, by period and unit, as a page and as CSV.
    let cookie = page_cookie(&router, "tiepnhan.hoian").await;
    let page = send(&router, page_get("/can-bo/so-theo-doi?tu=27/11/2026&den=27/11/2026&don_vi=c20410", &cookie)).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    assert!(
        page.body.contains("Sổ theo dõi hồ sơ") && page.body.contains("000.66.60.H17-261127-0005"),
        "{}",
        page.body
    );
    let csv = send(&router, page_get("/can-bo/so-theo-doi.csv?tu=27/11/2026&den=27/11/2026", &cookie)).await;
    assert_eq!(csv.status.as_u16(), 200, "{}", csv.body);
    assert!(csv.content_type().starts_with("text/csv"), "{}", csv.content_type());
    assert_eq!(csv.body.lines().count(), 6, "{}", csv.body);
    assert!(csv.body.contains("Nguyễn Thị Dân"));
    let empty = send(&router, page_get("/can-bo/so-theo-doi.csv?tu=01/11/2026&den=02/11/2026", &cookie)).await;
    assert_eq!(empty.body.lines().count(), 1);
    let inbox = send(&router, page_get("/can-bo/ho-so?loc=overdue", &cookie)).await;
    assert_eq!(inbox.status.as_u16(), 200);
    assert!(inbox.body.contains("Quá hạn") && inbox.body.contains("Của tôi"), "{}", inbox.body);
}
