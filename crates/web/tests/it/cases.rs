use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::{App, AppConfig, ManualClock};
use motcua_storage::Db;
use motcua_web::{AppState, WebConfig, router};
use serde_json::{Value, json};
use tower::ServiceExt;

pub async fn app(db: Db) -> (Router, App) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock, AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let config = WebConfig { body_limit: 64 * 1024, request_timeout: Duration::from_secs(10), ..WebConfig::default() };
    (router(AppState::new(app.clone(), config)), app)
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub fn post_json(uri: &str, body: &Value, token: Option<&str>) -> Request<Body> {
    let mut builder = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

pub async fn login(router: &Router, username: &str) -> String {
    let reply =
        send(router, post_json("/api/v1/session", &json!({"username": username, "password": DEMO_PASSWORD}), None))
            .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let cookie = reply.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    reply.json()["token"].as_str().unwrap().to_owned()
}

pub fn assert_problem(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.body);
    assert_eq!(reply.content_type(), "application/problem+json", "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["code"], code);
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("/api/errors#{code}"));
    assert!(!body["title"].as_str().unwrap().is_ascii(), "Vietnamese title: {body}");
}

pub async fn api_errors_are_problem_json(db: Db) {
    let (router, _) = app(db).await;
    assert_problem(&send(&router, get("/api/v1/khong-co")).await, 404, "not_found");
    assert_problem(&send(&router, get("/api/v1/units/khong-co")).await, 404, "not_found");
    assert_problem(
        &send(&router, Request::delete("/api/v1/units").body(Body::empty()).unwrap()).await,
        405,
        "method_not_allowed",
    );
    let malformed = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{nope"))
        .unwrap();
    assert_problem(&send(&router, malformed).await, 400, "malformed_body");
    let not_json = Request::post("/api/v1/session").body(Body::from("username=a")).unwrap();
    assert_problem(&send(&router, not_json).await, 400, "malformed_body");
    let huge = json!({"username": "x".repeat(100_000), "password": "y"});
    assert_problem(&send(&router, post_json("/api/v1/session", &huge, None)).await, 413, "body_too_large");
    assert_problem(&send(&router, get("/api/v1/units?date=hom-nay")).await, 422, "invalid_input");
    assert_problem(&send(&router, get("/api/v1/me")).await, 401, "unauthenticated");
    let wrong = json!({"username": "admin", "password": "sai"});
    assert_problem(&send(&router, post_json("/api/v1/session", &wrong, None)).await, 401, "bad_credentials");

    // Invalid input lists each field in Vietnamese, and nothing is written.
    let token = login(&router, "admin").await;
    let bad = json!({"username": "A B", "full_name": " ", "unit_id": "p48", "password": "ngan", "grants": [{"role": "vua", "unit_id": "p48"}]});
    let reply = send(&router, post_json("/api/v1/officers", &bad, Some(&token))).await;
    assert_problem(&reply, 422, "invalid_input");
    let body = reply.json();
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "full_name", "password", "grants[0]"]);
}

pub async fn pages_errors_are_vietnamese_pages(db: Db) {
    let (router, _) = app(db).await;
    let reply = send(&router, get("/khong-co-trang-nay")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.content_type().starts_with("text/html"));
    assert!(reply.body.contains("lang=\"vi\"") && reply.body.contains("Không tìm thấy"), "{}", reply.body);
    let reply = send(&router, get("/don-vi/khong-co")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("Không tìm thấy"));
    let reply = send(&router, Request::delete("/don-vi").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(reply.body.contains("Phương thức yêu cầu không được hỗ trợ"));
    // Pages that need a login send visitors to the login page.
    let reply = send(&router, get("/can-bo")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers.get(header::LOCATION).unwrap(), "/dang-nhap");
}

pub async fn cross_site_posts_are_refused(db: Db) {
    let (router, _) = app(db).await;
    let forged = Request::post("/dang-nhap")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!("username=admin&password={DEMO_PASSWORD}")))
        .unwrap();
    let reply = send(&router, forged).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body.contains("không xuất phát từ trang của hệ thống"), "{}", reply.body);
    assert!(reply.headers.get(header::SET_COOKIE).is_none());

    let forged_api = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(json!({"username": "admin", "password": DEMO_PASSWORD}).to_string()))
        .unwrap();
    assert_problem(&send(&router, forged_api).await, 403, "csrf_rejected");

    // The same form from the portal's own origin works.
    let same = Request::post("/dang-nhap")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!("username=admin&password={DEMO_PASSWORD}")))
        .unwrap();
    assert_eq!(send(&router, same).await.status, StatusCode::SEE_OTHER);
}

pub async fn decision_point_refuses_another_units_data_over_http(db: Db) {
    let (router, _) = app(db).await;
    let director = login(&router, "lanhdao.stp").await;
    let own = Request::get("/api/v1/units/p48.stp/officers")
        .header(header::AUTHORIZATION, format!("Bearer {director}"))
        .body(Body::empty())
        .unwrap();
    let reply = send(&router, own).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.json().as_array().unwrap().iter().any(|o| o["username"] == "thuly.stp"));
    assert!(!reply.body.contains("argon2"), "never the password hash");

    let other = Request::get("/api/v1/units/p48.sxd/officers")
        .header(header::AUTHORIZATION, format!("Bearer {director}"))
        .body(Body::empty())
        .unwrap();
    assert_problem(&send(&router, other).await, 403, "forbidden");
    assert_problem(&send(&router, get("/api/v1/units/p48.stp/officers")).await, 401, "unauthenticated");
    let jobs = Request::get("/api/v1/jobs")
        .header(header::AUTHORIZATION, format!("Bearer {director}"))
        .body(Body::empty())
        .unwrap();
    assert_problem(&send(&router, jobs).await, 403, "forbidden");

    // Logging out ends the token.
    let logout = Request::delete("/api/v1/session")
        .header(header::AUTHORIZATION, format!("Bearer {director}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, logout).await.status, StatusCode::NO_CONTENT);
    let after = Request::get("/api/v1/me")
        .header(header::AUTHORIZATION, format!("Bearer {director}"))
        .body(Body::empty())
        .unwrap();
    assert_problem(&send(&router, after).await, 401, "unauthenticated");
}

pub async fn concurrent_creations_commit_except_the_duplicate(db: Db) {
    let (router, app) = app(db).await;
    let token = login(&router, "admin").await;
    let officers_of_unit = |router: Router, token: String| async move {
        let list = Request::get("/api/v1/units/c20410/officers")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        send(&router, list).await.json().as_array().unwrap().len()
    };
    let before = officers_of_unit(router.clone(), token.clone()).await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let username = if i == 5 { "thuly.stp".to_owned() } else { format!("can.bo.{i}") };
        let body = json!({
            "username": username, "full_name": format!("Cán Bộ Số {i}"), "unit_id": "c20410",
            "password": "mat-khau-du-dai", "grants": [{"role": "reception", "unit_id": "c20410"}]
        });
        let (router, token) = (router.clone(), token.clone());
        tasks
            .push(tokio::spawn(async move { send(&router, post_json("/api/v1/officers", &body, Some(&token))).await }));
    }
    let mut created = 0;
    for (i, task) in tasks.into_iter().enumerate() {
        let reply = task.await.unwrap();
        if i == 5 {
            assert_problem(&reply, 409, "username_taken");
        } else {
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
            assert_eq!(reply.json()["grants"][0]["role"], "reception");
            created += 1;
        }
    }
    assert_eq!(created, 11);
    assert_eq!(officers_of_unit(router.clone(), token.clone()).await, before + 11, "11 new beside the demo officers");
    assert!(app.db().write_stats().failed_writes >= 1);
}

pub async fn openapi_document_and_viewer_are_served(db: Db) {
    let (router, _) = app(db).await;
    let reply = send(&router, get("/api/openapi.json")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    for path in
        ["/api/v1/units", "/api/v1/units/{id}", "/api/v1/session", "/api/v1/officers", "/api/v1/jobs", "/readyz"]
    {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
    assert!(doc["components"]["schemas"].get("Problem").is_some());
    let viewer = send(&router, get("/api/docs/")).await;
    assert_eq!(viewer.status, StatusCode::OK);
    assert!(viewer.body.contains("swagger"), "offline Swagger UI");
    let codes = send(&router, get("/api/errors")).await;
    assert!(codes.body.contains("id=\"username_taken\""));
}

pub async fn health_readiness_and_metrics(db: Db) {
    let (router, app) = app(db).await;
    let reply = send(&router, get("/healthz")).await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "ok"));
    assert!(reply.headers.get("x-request-id").is_some());
    let ready = send(&router, get("/readyz")).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["units"], app.tree().len());
    send(&router, get("/api/v1/units")).await;
    let metrics = send(&router, get("/metrics")).await;
    assert!(metrics.body.contains("motcua_http_requests_total"), "{}", metrics.body);
    assert!(metrics.body.contains("route=\"/api/v1/units\""));

    // With the database gone, readiness says so (503 with Retry-After), liveness still answers.
    app.db().close().await;
    let down = send(&router, get("/readyz")).await;
    assert_problem(&down, 503, "unavailable");
    assert!(down.headers.get(header::RETRY_AFTER).is_some());
    assert_eq!(send(&router, get("/healthz")).await.status, StatusCode::OK);
    assert_problem(
        &send(&router, post_json("/api/v1/session", &json!({"username": "admin", "password": "x"}), None)).await,
        503,
        "unavailable",
    );
}

pub async fn login_form_sets_a_session_cookie(db: Db) {
    let (router, _) = app(db).await;
    let form = |password: &str| {
        Request::post("/dang-nhap")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("username=tiepnhan.hoian&password={password}")))
            .unwrap()
    };
    let wrong = send(&router, form("sai")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("role=\"alert\"") && wrong.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    assert!(wrong.body.contains("value=\"tiepnhan.hoian\""), "the username is kept");

    let ok = send(&router, form(DEMO_PASSWORD)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let cookie = ok.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let page =
        send(&router, Request::get("/can-bo").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Xin chào, Võ Thị Hội An"));
    assert!(page.body.contains("Cán bộ tiếp nhận và trả kết quả"));
    assert!(page.body.contains("không bao gồm quyền xem danh sách"), "a reception officer sees no account list");

    let out =
        send(&router, Request::post("/dang-xuat").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let again =
        send(&router, Request::get("/can-bo").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "the session ended on the server");
}

pub async fn user_input_is_escaped_in_pages(db: Db) {
    let (router, _) = app(db).await;
    let reply = send(&router, get("/don-vi?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.body.contains("<script>alert(1)</script>"));
    assert!(reply.body.contains("&#60;script&#62;") || reply.body.contains("&lt;script&gt;"), "{}", reply.body);
    let csp = reply.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("script-src 'self'"));
    let search = send(&router, get("/don-vi?q=phuong%20hoi%20an")).await;
    assert!(search.body.contains("href=\"/don-vi/c20410\""));
}

pub async fn calendar_api_and_page(db: Db) {
    let (router, _) = app(db).await;
    // T3: Fri 24/1/2025 16:00 (Vietnam) + 2 working days over Tết → Tue 4/2/2025 17:00.
    let body = json!({"received_at": "2025-01-24T09:00:00Z", "channel": "counter", "duration": {"unit": "working_days", "amount": 2}});
    let reply = send(&router, post_json("/api/v1/deadlines", &body, None)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["due_at"], "2025-02-04T10:00:00Z");
    assert_eq!(reply.json()["due_at_local"], "04/02/2025 17:00");
    let bad_mode = json!({"received_at": "2025-01-24T09:00:00Z", "channel": "counter", "duration": {"unit": "working_hours", "amount": 4}, "mode": "C"});
    assert_problem(&send(&router, post_json("/api/v1/deadlines", &bad_mode, None)).await, 422, "invalid_input");
    let bad_unit = json!({"received_at": "2025-01-24T09:00:00Z", "channel": "fax", "duration": {"unit": "working_days", "amount": 1}});
    let reply = send(&router, post_json("/api/v1/deadlines", &bad_unit, None)).await;
    assert_problem(&reply, 422, "invalid_input");
    assert!(reply.json()["detail"].as_str().unwrap().contains("fax"), "the detail names the bad value");

    let year = send(&router, get("/api/v1/calendar/2025")).await;
    assert_eq!(year.status, StatusCode::OK);
    let doc = year.json();
    assert_eq!(doc["version"], 1);
    assert!(
        doc["special_days"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == "2025-04-26" && d["kind"] == "swapped_working_day")
    );
    assert_problem(&send(&router, get("/api/v1/calendar/1800")).await, 422, "invalid_input");

    // Only a province administrator may change a schedule; the year in the body must match the path.
    let schedule = doc["schedule"].clone();
    let put = |token: Option<&str>, path: &str, version: i64| {
        let mut b = Request::put(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b.body(Body::from(json!({"schedule": schedule, "version": version}).to_string())).unwrap()
    };
    assert_problem(&send(&router, put(None, "/api/v1/calendar/2025", 1)).await, 401, "unauthenticated");
    let admin = login(&router, "admin").await;
    assert_problem(&send(&router, put(Some(&admin), "/api/v1/calendar/2026", 1)).await, 422, "invalid_input");
    let ok = send(&router, put(Some(&admin), "/api/v1/calendar/2025", 1)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["version"], 2);
    assert_problem(&send(&router, put(Some(&admin), "/api/v1/calendar/2025", 1)).await, 409, "stale_version");

    // Office hours: inherited, set by the unit's administrator, used by the due-date API.
    let hours = send(&router, get("/api/v1/units/p48.stp/office-hours")).await;
    assert_eq!((hours.json()["set_on"].clone(), hours.json()["version"].clone()), (Value::Null, Value::Null));
    let director = login(&router, "lanhdao.stp").await;
    let mut new_hours = hours.json()["hours"].clone();
    for day in new_hours["weekdays"].as_array_mut().unwrap() {
        day[1]["end"] = json!("17:30:00");
    }
    let put_hours = |body: Value| {
        Request::put("/api/v1/units/p48.stp/office-hours")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {director}"))
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let reply = send(&router, put_hours(json!({"hours": new_hours}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut overlapping = new_hours.clone();
    overlapping["weekdays"][0][1]["start"] = json!("11:00:00");
    assert_problem(&send(&router, put_hours(json!({"hours": overlapping, "version": 1}))).await, 422, "invalid_input");
    let body = json!({"received_at": "2025-06-10T02:00:00Z", "channel": "counter", "duration": {"unit": "working_days", "amount": 1}, "unit_id": "p48.stp"});
    assert_eq!(
        send(&router, post_json("/api/v1/deadlines", &body, None)).await.json()["due_at_local"],
        "11/06/2025 17:30"
    );
    let body = json!({"received_at": "2025-06-10T02:00:00Z", "channel": "counter", "duration": {"unit": "working_days", "amount": 1}, "unit_id": "khong-co"});
    assert_problem(&send(&router, post_json("/api/v1/deadlines", &body, None)).await, 404, "not_found");

    let page = send(&router, get("/lich?nam=2025")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Lịch làm việc năm 2025") && page.body.contains("Ngày làm bù"));
    assert!(page.body.contains("250</strong> ngày làm việc"), "2025 has 250 working days");
    assert_eq!(send(&router, get("/lich?nam=1800")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

pub async fn calendar_edit_page_for_administrators(db: Db) {
    let (router, app) = app(db).await;
    let cookie_of = |reply: &Reply| {
        reply.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned()
    };
    let login_form = |username: &str| {
        Request::post("/dang-nhap")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("username={username}&password={DEMO_PASSWORD}")))
            .unwrap()
    };
    let admin = cookie_of(&send(&router, login_form("admin")).await);
    let clerk = cookie_of(&send(&router, login_form("vanthu.stp")).await);
    let page =
        |cookie: &str| Request::get("/quan-tri/lich/2025").header(header::COOKIE, cookie).body(Body::empty()).unwrap();

    assert_eq!(send(&router, page(&clerk)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&router, get("/quan-tri/lich/2025")).await.status, StatusCode::SEE_OTHER);
    let form = send(&router, page(&admin)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("year = 2025") && form.body.contains("name=\"version\" value=\"1\""), "{}", form.body);
    let calendar_page =
        send(&router, Request::get("/lich?nam=2025").header(header::COOKIE, &admin).body(Body::empty()).unwrap()).await;
    assert!(calendar_page.body.contains("href=\"/quan-tri/lich/2025\""), "administrators see the edit link");

    let stored = motcua_app::calendar::year_schedule_to_toml(&app.calendar().schedules[&2025].schedule).unwrap();
    let submit = |cookie: &str, text: &str, version: &str| {
        let body = format!("version={version}&text={}", urlencode(text));
        Request::post("/quan-tri/lich/2025")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let broken = send(&router, submit(&admin, "year = 2025\nenabled = ", "1")).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("role=\"alert\"") && broken.body.contains("không đúng định dạng"), "{}", broken.body);
    let wrong_year = send(&router, submit(&admin, &stored.replace("year = 2025", "year = 2024"), "1")).await;
    assert!(wrong_year.body.contains("khác năm đang sửa"), "{}", wrong_year.body);
    assert_eq!(send(&router, submit(&clerk, &stored, "1")).await.status, StatusCode::FORBIDDEN);

    assert!(stored.contains("(mùng 1 Tết)"));
    let edited = stored.replacen("(mùng 1 Tết)", "(mùng 1 Tết, đã đối chiếu)", 1);
    let saved = send(&router, submit(&admin, &edited, "1")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(app.calendar().schedules[&2025].version, 2);
    assert!(app.calendar().schedules[&2025].schedule.entries.iter().any(|e| e.reason.ends_with("đã đối chiếu)")));
    let stale = send(&router, submit(&admin, &edited, "1")).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("người khác thay đổi"));
}

/// An `application/x-www-form-urlencoded` body.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn office_hours_page_for_unit_administrators(db: Db) {
    let (router, app) = app(db).await;
    let login_form = |username: &str| {
        Request::post("/dang-nhap")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("username={username}&password={DEMO_PASSWORD}")))
            .unwrap()
    };
    let cookie = |reply: Reply| {
        reply.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned()
    };
    let director = cookie(send(&router, login_form("lanhdao.stp")).await);
    let reception = cookie(send(&router, login_form("tiepnhan.hoian")).await);
    let get_with = |path: &str, c: &str| Request::get(path).header(header::COOKIE, c).body(Body::empty()).unwrap();

    let unit_page = send(&router, get_with("/don-vi/p48.stp", &director)).await;
    assert!(unit_page.body.contains("Thứ Hai – thứ Sáu: 07:30-11:30, 13:00-17:00"), "{}", unit_page.body);
    assert!(
        unit_page.body.contains("mặc định của hệ thống") && unit_page.body.contains("/quan-tri/gio-lam-viec/p48.stp")
    );
    assert!(!send(&router, get_with("/don-vi/p48.stp", &reception)).await.body.contains("Sửa giờ làm việc"));
    assert_eq!(
        send(&router, get_with("/quan-tri/gio-lam-viec/p48.stp", &reception)).await.status,
        StatusCode::FORBIDDEN
    );
    let form = send(&router, get_with("/quan-tri/gio-lam-viec/p48.stp", &director)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"07:30-11:30, 13:00-17:00\""));

    let post = |body: &str| {
        Request::post("/quan-tri/gio-lam-viec/p48.stp")
            .header(header::COOKIE, &director)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let day = |v: &str| ["t2", "t3", "t4", "t5", "t6", "lam_bu"].map(|k| format!("{k}={v}")).join("&");
    let bad = send(&router, post(&format!("{}&version=", day("17%3A00-08%3A00")))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("role=\"alert\"") && bad.body.contains("giờ kết thúc phải sau giờ bắt đầu"),
        "{}",
        bad.body
    );
    let garbled = send(&router, post(&format!("{}&version=", day("sang")))).await;
    assert!(garbled.body.contains("không đúng dạng"));

    let ok = send(&router, post(&format!("{}&version=", day("08%3A00-12%3A00%2C+13%3A30-17%3A30")))).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let division =
        app.tree().children(&motcua_domain::unit::UnitId::parse("p48.stp").unwrap()).next().unwrap().id.clone();
    let page = send(&router, get(&format!("/don-vi/{division}"))).await;
    assert!(page.body.contains("08:00-12:00, 13:30-17:30") && page.body.contains("(theo Sở Tư pháp"), "{}", page.body);
}
