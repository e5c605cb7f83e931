//! Officers' TOTP over HTTP: the account page's enrolment, the login page's second step, the API's two steps,
//! a replayed code, the administrator's reset.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::totp::{base32_decode, code_at, step_of};
use motcua_app::{App, AppConfig, Clock, ManualClock};
use motcua_storage::Db;
use motcua_web::{AppState, WebConfig, router};
use serde_json::json;

use crate::cases::{assert_problem, login, post_json, send};

async fn setup(db: Db) -> (Router, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let config = WebConfig { body_limit: 64 * 1024, request_timeout: Duration::from_secs(10), ..WebConfig::default() };
    (router(AppState::new(app, config)), clock)
}

fn form(uri: &str, body: &str, token: Option<&str>) -> Request<Body> {
    let mut builder = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(t) = token {
        builder = builder.header(header::COOKIE, format!("motcua_session={t}"));
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start} in {text}")) + start.len();
    &text[from..from + text[from..].find(end).unwrap()]
}

fn code(secret: &[u8], clock: &ManualClock) -> String {
    code_at(secret, step_of(clock.now().timestamp()))
}

pub async fn enrol_then_log_in_with_a_code(db: Db) {
    let (router, clock) = setup(db).await;
    let token = login(&router, "thuly.stp").await;

    // Enrolment: the secret and its QR code, shown once.
    let page = send(&router, form("/can-bo/tai-khoan/xac-thuc-hai-buoc", "", Some(&token))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg") && page.body.contains("chỉ hiển thị một lần"), "{}", page.body);
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let secret_text = between(&page.body, "<code id=\"totp-secret\">", "</code>").to_owned();
    let secret = base32_decode(&secret_text).unwrap();
    let again = Request::get("/can-bo/tai-khoan")
        .header(header::COOKIE, format!("motcua_session={token}"))
        .body(Body::empty())
        .unwrap();
    let account = send(&router, again).await;
    assert!(!account.body.contains(&secret_text), "never shown again");

    let wrong = send(&router, form("/can-bo/tai-khoan/xac-thuc-hai-buoc/xac-nhan", "code=000000", Some(&token))).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Mã xác thực không đúng"), "{}", wrong.body);
    let body = format!("code={}", code(&secret, &clock));
    let ok = send(&router, form("/can-bo/tai-khoan/xac-thuc-hai-buoc/xac-nhan", &body, Some(&token))).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Đã bật xác thực hai bước"), "{}", ok.body);

    // The login page: the password alone opens no session.
    clock.advance(chrono::Duration::seconds(30));
    let step1 = send(&router, form("/dang-nhap", &format!("username=thuly.stp&password={DEMO_PASSWORD}"), None)).await;
    assert_eq!(step1.status, StatusCode::OK);
    assert!(step1.headers.get(header::SET_COOKIE).is_none(), "no session after the password alone");
    assert!(step1.body.contains("Mã xác thực (6 chữ số)"), "{}", step1.body);
    let challenge = between(&step1.body, "name=\"challenge\" value=\"", "\"").to_owned();
    let bad = send(&router, form("/dang-nhap/ma-xac-thuc", &format!("challenge={challenge}&code=123456"), None)).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.body.contains("Mã xác thực không đúng, đã hết hạn hoặc đã được dùng"), "{}", bad.body);
    assert!(bad.headers.get(header::SET_COOKIE).is_none());
    let now_code = code(&secret, &clock);
    let good =
        send(&router, form("/dang-nhap/ma-xac-thuc", &format!("challenge={challenge}&code={now_code}"), None)).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    assert_eq!(good.headers.get(header::LOCATION).unwrap(), "/can-bo");
    assert!(good.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().starts_with("motcua_session="));

    // The API: 202 with a challenge, then the code; the code just used is refused (replay).
    let first =
        send(&router, post_json("/api/v1/session", &json!({"username": "thuly.stp", "password": DEMO_PASSWORD}), None))
            .await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
    assert!(first.headers.get(header::SET_COOKIE).is_none());
    let challenge = first.json()["challenge"].as_str().unwrap().to_owned();
    let replay = json!({"challenge": challenge, "code": now_code});
    assert_problem(&send(&router, post_json("/api/v1/session/totp", &replay, None)).await, 401, "totp_code_invalid");
    clock.advance(chrono::Duration::seconds(30));
    let fresh = json!({"challenge": challenge, "code": code(&secret, &clock)});
    let session = send(&router, post_json("/api/v1/session/totp", &fresh, None)).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    let officer_id = session.json()["officer"]["id"].as_str().unwrap().to_owned();
    let used = send(&router, post_json("/api/v1/session/totp", &fresh, None)).await;
    assert_problem(&used, 401, "login_challenge_expired");

    // Reset: refused to the officer, done by the administrator; then the password alone logs in again.
    let own = session.json()["token"].as_str().unwrap().to_owned();
    let reset = |t: &str| {
        Request::delete(format!("/api/v1/officers/{officer_id}/totp"))
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_problem(&send(&router, reset(&own)).await, 403, "forbidden");
    let admin = login(&router, "admin").await;
    assert_eq!(send(&router, reset(&admin)).await.status, StatusCode::NO_CONTENT);
    login(&router, "thuly.stp").await;
}
