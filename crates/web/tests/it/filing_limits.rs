//! The limits on online filing over HTTP: past a person's daily limit, the API answers problem+json 429 and the
//! e-form page shows the reason in Vietnamese, with the form kept.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use motcua_app::AppConfig;
use motcua_domain::dossier::DailyFilingLimit;
use motcua_reference::idp::IdpUser;
use motcua_storage::Db;

use crate::cases::{assert_problem, send};
use crate::catalogue::{location, page_post, with_token};
use crate::citizen::{L2, filing_body, log_in, serve, with_identity_config};

pub async fn past_the_daily_limit_the_api_says_429_and_the_page_explains(db: Db) {
    let born = NaiveDate::from_ymd_opt(1990, 4, 30).unwrap();
    let users = vec![IdpUser::new(L2, "Nguyễn Thị Dân", born, true)];
    let config =
        AppConfig { online_filings_per_citizen_day: DailyFilingLimit::new(1).unwrap(), ..AppConfig::default() };
    let router = serve(with_identity_config(db, users, config).await);
    let cookie = log_in(&router, L2, "/thu-tuc/1.001570/nop").await;
    let first = send(&router, page_post("/thu-tuc/1.001570/nop", Some(&cookie), &filing_body("k-1"))).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);

    // The page: the form again with the reason, not an error page or a 500.
    let page = send(&router, page_post("/thu-tuc/1.001570/nop", Some(&cookie), &filing_body("k-2"))).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    assert!(page.body.contains("Bạn đã nộp đủ số hồ sơ trực tuyến được phép trong ngày"), "{}", page.body);
    assert!(page.body.contains("tối đa 1 hồ sơ trực tuyến trong một ngày"), "{}", page.body);
    assert!(page.body.contains("Nộp hồ sơ</button>"), "the form is kept: {}", page.body);
    // The same key again is the dossier already filed, not a refusal.
    let again = send(&router, page_post("/thu-tuc/1.001570/nop", Some(&cookie), &filing_body("k-1"))).await;
    assert_eq!(location(&again), location(&first));

    // The API.
    let body = serde_json::json!({
        "procedure": "1.001570",
        "unit": "c20410",
        "form": {
            "ho_ten_chu_ho": "Nguyễn Thị Dân",
            "so_dinh_danh": L2,
            "noi_thuong_tru.province": "p48",
            "noi_thuong_tru.commune": "c20410",
            "noi_thuong_tru.detail": "12 Trần Phú",
            "so_dien_thoai": "0905123456",
            "ma_so_ho_kinh_doanh": "40A8001234",
            "ten_ho_kinh_doanh": "Hộ kinh doanh Dân Phát",
            "de_nghi": "tam_ngung",
            "tu_ngay": "2026-12-01",
        },
        "components": ["tp7"],
    });
    let api = Request::post("/api/v1/citizen/dossiers")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let refused = send(&router, with_token(api, cookie.trim_start_matches("motcua_citizen="))).await;
    assert_problem(&refused, 429, "filer_daily_limit_reached");
    assert!(refused.json()["detail"].as_str().unwrap().contains("tối đa 1 hồ sơ"), "{}", refused.body);
}
