//! Issue 20's attacks at the HTTP edge, each reproduced first: control characters (a 500 on PostgreSQL, stored as is
//! on SQLite), invisible characters in names, an unbounded multipart field on the anonymous verification page, the
//! login throttle behind a reverse proxy, HSTS behind HTTPS.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::{App, AppConfig, ManualClock};
use motcua_storage::Db;
use motcua_web::{AppState, WebConfig, router};
use serde_json::json;

use crate::cases::{app, assert_problem, get, login, post_json, send};

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub async fn control_and_invisible_characters_are_refused_at_the_edge(db: Db) {
    let (router, _) = app(db).await;
    // JSON bodies: every string, wherever it is.
    let nul = json!({"username": "ad\u{0}min", "password": "x"});
    assert_problem(&send(&router, post_json("/api/v1/session", &nul, None)).await, 422, "invalid_input");
    // Paths and query strings, API and pages.
    assert_problem(&send(&router, get("/api/v1/units?date=2026-01-01%00")).await, 422, "invalid_input");
    assert_problem(&send(&router, get("/api/v1/units/p48%00")).await, 422, "invalid_input");
    let page = send(&router, get("/thu-tuc?q=khai%00sinh")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.content_type().starts_with("text/html") && page.body.contains("ký tự điều khiển"), "{}", page.body);
    // Form bodies.
    let page = send(&router, form("/dang-nhap", "username=ad%00min&password=x")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
    assert!(page.body.contains("ký tự điều khiển"), "{}", page.body);
    // Tabs and new lines are text.
    assert_eq!(send(&router, get("/thu-tuc?q=khai%09sinh")).await.status, StatusCode::OK);

    // A right-to-left override in an officer's name is refused, with the field named.
    let token = login(&router, "admin").await;
    let disguised = json!({"username": "gia.mao", "full_name": "Nguyễn\u{202E}nạV", "unit_id": "p48",
        "password": DEMO_PASSWORD, "grants": []});
    let reply = send(&router, post_json("/api/v1/officers", &disguised, Some(&token))).await;
    assert_problem(&reply, 422, "invalid_input");
    assert_eq!(reply.json()["errors"][0]["field"], "full_name", "{}", reply.body);
}

pub async fn the_verification_page_reads_a_bounded_code(db: Db) {
    let (router, _) = app(db).await;
    let boundary = "motcuaBoundary";
    let huge = "K".repeat(2 * 1024 * 1024);
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n{huge}\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n\
         --{boundary}--\r\n"
    );
    let request = Request::post("/xac-minh")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let reply = send(&router, request).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("dài quá"), "{}", &reply.body[..reply.body.len().min(2000)]);
    assert!(reply.body.len() < 64 * 1024, "the code is not echoed ({} bytes)", reply.body.len());
}

async fn behind(db: Db, config: WebConfig) -> Router {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock, AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    router(AppState::new(app, config))
}

fn login_from(peer: &str, forwarded_for: Option<&str>, password: &str) -> Request<Body> {
    let mut request = post_json("/api/v1/session", &json!({"username": "thuly.stp", "password": password}), None);
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    if let Some(xff) = forwarded_for {
        request.headers_mut().insert("x-forwarded-for", xff.parse().unwrap());
    }
    request
}

pub async fn the_client_behind_a_trusted_proxy_is_counted_not_the_proxy(db: Db) {
    let config = WebConfig {
        request_timeout: Duration::from_secs(30),
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..WebConfig::default()
    };
    let router = behind(db, config).await;
    // Five wrong passwords from one client through the proxy pause that client for the account…
    for _ in 0..5 {
        let reply = send(&router, login_from("127.0.0.1", Some("198.51.100.9"), "sai")).await;
        assert_problem(&reply, 401, "bad_credentials");
    }
    let reply = send(&router, login_from("127.0.0.1", Some("198.51.100.9"), DEMO_PASSWORD)).await;
    assert_problem(&reply, 429, "too_many_attempts");
    // …not the proxy, through which the officer still logs in.
    let reply = send(&router, login_from("127.0.0.1", Some("10.48.0.5, 127.0.0.1"), DEMO_PASSWORD)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    // A header from a peer that is no trusted proxy is ignored: the peer is counted.
    for _ in 0..5 {
        let _ = send(&router, login_from("203.0.113.1", Some("10.48.0.5"), "sai")).await;
    }
    let reply = send(&router, login_from("203.0.113.1", Some("10.48.0.77"), DEMO_PASSWORD)).await;
    assert_problem(&reply, 429, "too_many_attempts");
}

pub async fn page_sizes_outside_their_bounds_are_refused_not_clamped(db: Db) {
    let (router, _) = app(db).await;
    let token = login(&router, "tiepnhan.hoian").await;
    let get_as = |uri: &str| {
        let mut request = get(uri);
        request.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        request
    };
    for uri in ["/api/v1/dossiers?limit=501", "/api/v1/dossiers?limit=0", "/api/v1/dossier-inbox?limit=201"] {
        let reply = send(&router, get_as(uri)).await;
        assert_problem(&reply, 422, "invalid_input");
        assert_eq!(reply.json()["errors"][0]["field"], "limit", "{uri}");
    }
    for uri in ["/api/v1/dossiers?limit=500", "/api/v1/dossier-inbox?limit=200", "/api/v1/dossiers"] {
        assert_eq!(send(&router, get_as(uri)).await.status, StatusCode::OK, "{uri}");
    }
}

pub async fn hsts_is_sent_when_cookies_are_secure(db: Db) {
    let (plain, _) = app(db.clone()).await;
    assert!(send(&plain, get("/")).await.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let secure = behind(db, WebConfig { cookie_secure: true, ..WebConfig::default() }).await;
    let reply = send(&secure, get("/")).await;
    assert_eq!(reply.headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(), "max-age=31536000");
}
