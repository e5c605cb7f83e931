//! The citizen portal over HTTP: VNeID login through the reference identity provider (on a loopback port, reached
//! by the application over real HTTP), online filing from the e-form page, "my dossiers" as pages and API, the
//! assurance level, and the refusals (wrong state, tampered cookie, another citizen's dossier).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{NaiveDate, TimeZone, Utc};
use motcua_app::identity::IdentityConfig;
use motcua_app::{App, AppConfig, Clock, ManualClock};
use motcua_reference::idp::{self, IdpClient, IdpConfig, IdpUser};
use motcua_storage::Db;
use motcua_web::{AppState, WebConfig, router};

use crate::cases::{Reply, form_body, get, send, urlencode};
use crate::catalogue::{location, page_get, page_post, with_token};

const REDIRECT: &str = "http://127.0.0.1:9/dang-nhap/vneid/callback";
pub const L2: &str = "048203000001";
pub const L1: &str = "049195123456";

pub async fn setup(db: Db) -> Router {
    let born = NaiveDate::from_ymd_opt(1990, 4, 30).unwrap();
    let users = vec![IdpUser::new(L2, "Nguyễn Thị Dân", born, true), IdpUser::new(L1, "Trần Văn Định", born, false)];
    serve(with_identity(db, users).await)
}

/// The demo app whose citizens log in through a reference identity provider on a loopback port that knows `users`
/// (redirecting to [`REDIRECT`]), on a manual clock at 2026-11-27 09:00 local time.
pub async fn with_identity(db: Db, users: Vec<IdpUser>) -> App {
    with_identity_config(db, users, AppConfig::default()).await
}

/// [`with_identity`] with `config` (its identity set to the provider's).
pub async fn with_identity_config(db: Db, users: Vec<IdpUser>, app_config: AppConfig) -> App {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let client =
        IdpClient { client_id: "web".into(), client_secret: "bí mật".into(), redirect_uris: vec![REDIRECT.into()] };
    let idp_clock = clock.clone();
    let config = IdpConfig { clock: Arc::new(move || idp_clock.now()), ..IdpConfig::new(&issuer, client, users) };
    tokio::spawn(idp::serve(listener, config));
    let identity = IdentityConfig {
        issuer_url: issuer,
        client_id: "web".into(),
        client_secret: "bí mật".into(),
        redirect_url: REDIRECT.into(),
        session_ttl: chrono::Duration::hours(2),
    };
    let app = App::new(db, clock, AppConfig { identity: Some(identity), ..app_config }).await.unwrap();
    app.load_demo().await.unwrap();
    app
}

/// The router of `app` with the tests' request timeout.
pub fn serve(app: App) -> Router {
    let web = WebConfig { request_timeout: Duration::from_secs(10), ..WebConfig::default() };
    router(AppState::new(app, web))
}

/// The `name=value` of a `Set-Cookie` header named `name`.
fn set_cookie(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// The browser at the provider: pick `user`; returns the callback's path and query.
async fn at_provider(authorize_url: &str, user: &str) -> String {
    let http = motcua_app::http::client_builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let (endpoint, query) = authorize_url.split_once('?').unwrap();
    let answer = http
        .post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{query}&user={user}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let back = answer.headers()["location"].to_str().unwrap().to_owned();
    back.strip_prefix("http://127.0.0.1:9").unwrap().to_owned()
}

/// Logs `user` in through the pages; returns the citizen cookie (`motcua_citizen=…`).
pub async fn log_in(router: &Router, user: &str, next: &str) -> String {
    let start = send(router, get(&format!("/dang-nhap/vneid?next={}", urlencode(next)))).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let login_cookie = set_cookie(&start, "motcua_login").expect("the login cookie binds the state to the browser");
    let callback = at_provider(&location(&start), user).await;
    let done = send(router, page_get(&callback, &login_cookie)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(location(&done), next);
    let raw =
        done.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(
        raw.iter().any(|c| c.starts_with("motcua_citizen=") && c.contains("HttpOnly") && c.contains("SameSite=Lax"))
    );
    set_cookie(&done, "motcua_citizen").unwrap()
}

/// The e-form of 1.001570 filed online by the L2 citizen, with the idempotency key `key`.
pub fn filing_body(key: &str) -> String {
    form_body(&[
        ("ho_ten_chu_ho", "Nguyễn Thị Dân"),
        ("so_dinh_danh", L2),
        ("noi_thuong_tru.province", "p48"),
        ("noi_thuong_tru.commune", "c20410"),
        ("noi_thuong_tru.detail", "12 Trần Phú"),
        ("so_dien_thoai", "0905123456"),
        ("ma_so_ho_kinh_doanh", "40A8001234"),
        ("ten_ho_kinh_doanh", "Hộ kinh doanh Dân Phát"),
        ("de_nghi", "tam_ngung"),
        ("tu_ngay", "2026-12-01"),
        ("truong-hop", ""),
        ("don-vi", "c20410"),
        ("thanh-phan-tp7", "1"),
        ("khoa-nop", key),
    ])
}

pub async fn citizen_logs_in_files_online_and_sees_my_dossiers(db: Db) {
    let router = setup(db).await;
    // Not logged in: the form explains and offers the login that comes back to it.
    let visitor = send(&router, get("/thu-tuc/1.001570/nop")).await;
    assert!(visitor.body.contains("/dang-nhap/vneid?next=/thu-tuc/1.001570/nop"), "{}", visitor.body);
    assert!(!visitor.body.contains("Nộp hồ sơ</button>"));
    assert_eq!(location(&send(&router, get("/ca-nhan/ho-so")).await), "/dang-nhap/vneid?next=/ca-nhan/ho-so");

    let cookie = log_in(&router, L2, "/thu-tuc/1.001570/nop").await;
    let form = send(&router, page_get("/thu-tuc/1.001570/nop", &cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Nguyễn Thị Dân") && form.body.contains("Nộp hồ sơ</button>"), "{}", form.body);
    assert!(form.body.contains("Hồ sơ của tôi (Nguyễn Thị Dân)"), "the header shows the citizen");

    // Filing redirects to the dossier; the same key (a double click) files once.
    let first = send(&router, page_post("/thu-tuc/1.001570/nop", Some(&cookie), &filing_body("k-1"))).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let target = location(&first);
    assert!(target.starts_with("/ca-nhan/ho-so/") && target.ends_with("?da_nop=1"), "{target}");
    let again = send(&router, page_post("/thu-tuc/1.001570/nop", Some(&cookie), &filing_body("k-1"))).await;
    assert_eq!(location(&again), target);
    let page = send(&router, page_get(&target, &cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Đã nộp hồ sơ trực tuyến") && page.body.contains("Quá trình giải quyết"));
    assert!(page.body.contains("Bạn (người nộp hồ sơ)"), "the timeline shows the submission");
    let list = send(&router, page_get("/ca-nhan/ho-so", &cookie)).await;
    assert_eq!(list.body.matches("/ca-nhan/ho-so/").count(), 1, "filed once: {}", list.body);

    // The API: bearer token = the citizen cookie's value.
    let token = cookie.trim_start_matches("motcua_citizen=");
    let me = send(&router, with_token(get("/api/v1/citizen"), token)).await;
    assert_eq!(me.json()["id_number"], L2);
    assert_eq!(me.json()["assurance"], "L2");
    let dossiers = send(&router, with_token(get("/api/v1/citizen/dossiers"), token)).await.json();
    assert_eq!(dossiers.as_array().unwrap().len(), 1);
    assert_eq!(dossiers[0]["applicant"]["id_number"], L2);

    // A tampered cookie is nobody.
    let mut tampered = cookie.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    assert_eq!(
        location(&send(&router, page_get("/ca-nhan/ho-so", &tampered)).await),
        "/dang-nhap/vneid?next=/ca-nhan/ho-so"
    );
    let refused =
        send(&router, with_token(get("/api/v1/citizen"), tampered.trim_start_matches("motcua_citizen="))).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    // Logout ends the session.
    let out = send(&router, page_post("/dang-xuat/vneid", Some(&cookie), "")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(send(&router, with_token(get("/api/v1/citizen"), token)).await.status, StatusCode::UNAUTHORIZED);
}

pub async fn wrong_state_low_level_and_other_citizens_dossiers_are_refused(db: Db) {
    let router = setup(db).await;
    // A callback whose state is not this browser's login cookie.
    let start = send(&router, get("/dang-nhap/vneid")).await;
    let callback = at_provider(&location(&start), L2).await;
    let wrong = send(&router, page_get(&callback, "motcua_login=khac")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("state không hợp lệ"), "{}", wrong.body);
    assert!(set_cookie(&wrong, "motcua_citizen").is_none());

    // An L1 account cannot file a procedure that needs level 2, with the reason on the page and in the API.
    let l1 = log_in(&router, L1, "/").await;
    let page = send(&router, page_get("/thu-tuc/1.004873/nop", &l1)).await;
    assert!(page.body.contains("yêu cầu tài khoản định danh điện tử mức độ 2"), "{}", page.body);
    assert!(!page.body.contains("Nộp hồ sơ</button>"));
    let body = serde_json::json!({"procedure": "1.004873", "unit": "c20410", "form": {}, "components": []});
    let api = Request::post("/api/v1/citizen/dossiers")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, &l1)
        .body(Body::from(body.to_string()))
        .unwrap();
    let refused = send(&router, api).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.json()["code"], "assurance_too_low");

    // Another citizen's dossier is not theirs to read.
    let l2 = log_in(&router, L2, "/").await;
    let filed = send(&router, page_post("/thu-tuc/1.001570/nop", Some(&l2), &filing_body("k-2"))).await;
    let target = location(&filed);
    let id = target.trim_start_matches("/ca-nhan/ho-so/").trim_end_matches("?da_nop=1");
    assert_eq!(send(&router, page_get(&format!("/ca-nhan/ho-so/{id}"), &l1)).await.status, StatusCode::NOT_FOUND);
    let token = l1.trim_start_matches("motcua_citizen=");
    let api = send(&router, with_token(get(&format!("/api/v1/citizen/dossiers/{id}")), token)).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&router, with_token(get(&format!("/api/v1/dossiers/{id}/timeline")), token)).await.status,
        StatusCode::NOT_FOUND
    );
    let mine = send(&router, with_token(get("/api/v1/citizen/dossiers"), token)).await.json();
    assert!(mine.as_array().unwrap().is_empty());
    // Its owner reads it with its timeline.
    let own = send(
        &router,
        with_token(get(&format!("/api/v1/citizen/dossiers/{id}")), l2.trim_start_matches("motcua_citizen=")),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(own.json()["timeline"].as_array().unwrap().len(), 1);
}
