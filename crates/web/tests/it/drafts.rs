//! Online drafts over HTTP (issue 5, item 7): the API saves, returns and deletes a logged-in citizen's draft of a
//! procedure's e-form; reopening the form restores it; filing the dossier deletes it; refusals are problem+json.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use motcua_storage::Db;
use serde_json::json;

use crate::cases::{assert_problem, form_body, get, send};
use crate::catalogue::{location, page_get, page_post, with_token};
use crate::citizen::{L2, filing_body, log_in, setup};

const URL: &str = "/api/v1/citizen/drafts/1.001570";

fn put(uri: &str, body: &serde_json::Value, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::put(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(c) = cookie {
        // What the form page's script sends: the session cookie, from the same origin.
        builder = builder.header(header::COOKIE, c).header("sec-fetch-site", "same-origin");
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

pub async fn drafts_are_saved_restored_and_deleted_on_filing(db: Db) {
    let router = setup(db).await;
    // Nobody logged in: no draft.
    let anonymous = send(&router, put(URL, &json!({"values": {"ten_ho_kinh_doanh": "x"}}), None)).await;
    assert_problem(&anonymous, 401, "unauthenticated");

    let cookie = log_in(&router, L2, "/thu-tuc/1.001570/nop").await;
    let token = cookie.trim_start_matches("motcua_citizen=").to_owned();
    assert_problem(&send(&router, with_token(get(URL), &token)).await, 404, "not_found");

    // Saved as typed (the filing key is never kept), then replaced by the next save.
    let first = json!({"values": {"ten_ho_kinh_doanh": "Hộ kinh doanh", "khoa-nop": "k-1"}});
    let saved = send(&router, put(URL, &first, Some(&cookie))).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["procedure"], "1.001570");
    assert!(saved.json()["values"].get("khoa-nop").is_none());
    let second = json!({"values": {
        "ten_ho_kinh_doanh": "Hộ kinh doanh Dân Phát <b>",
        "ma_so_ho_kinh_doanh": "40A8001234",
        "noi_thuong_tru.detail": "12 Trần Phú",
        "thanh-phan-tp7": "1",
    }});
    assert_eq!(send(&router, put(URL, &second, Some(&cookie))).await.status, StatusCode::OK);
    let back = send(&router, with_token(get(URL), &token)).await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(back.json()["values"], second["values"]);
    assert!(back.json()["updated_at"].is_string());

    // Reopening the form (a new browser, same citizen) restores the values, escaped, and offers the draft saver.
    let form = send(&router, page_get("/thu-tuc/1.001570/nop", &cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Đã khôi phục bản nháp"), "{}", form.body);
    assert!(form.body.contains("value=\"Hộ kinh doanh Dân Phát &#60;b&#62;\""), "{}", form.body);
    assert!(form.body.contains("value=\"40A8001234\""));
    assert!(form.body.contains("data-draft-url=\"/api/v1/citizen/drafts/1.001570\""));
    assert!(form.body.contains("<script src=\"/static/draft.js\" defer></script>"));
    let script = send(&router, get("/static/draft.js")).await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.content_type().starts_with("text/javascript"));
    assert!(script.body.contains("/api/v1/citizen/drafts") || script.body.contains("data-draft-url"));

    // Bad input: an unknown procedure, a value too long; nothing changes.
    let unknown = send(&router, put("/api/v1/citizen/drafts/9.999999", &second, Some(&cookie))).await;
    assert_problem(&unknown, 404, "not_found");
    let long = json!({"values": {"ten_ho_kinh_doanh": "a".repeat(5_001)}});
    let refused = send(&router, put(URL, &long, Some(&cookie))).await;
    assert_problem(&refused, 422, "invalid_input");
    assert_eq!(refused.json()["errors"][0]["field"], "values.ten_ho_kinh_doanh", "{}", refused.body);
    assert!(refused.body.contains("không quá 5000 ký tự"), "{}", refused.body);
    assert_eq!(send(&router, with_token(get(URL), &token)).await.json()["values"], second["values"]);

    // Filing the dossier deletes the draft; the form opens empty again.
    let filed = send(&router, page_post("/thu-tuc/1.001570/nop", Some(&cookie), &filing_body("k-nhap"))).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    assert!(location(&filed).starts_with("/ca-nhan/ho-so/"));
    assert_problem(&send(&router, with_token(get(URL), &token)).await, 404, "not_found");
    let empty = send(&router, page_get("/thu-tuc/1.001570/nop", &cookie)).await;
    assert!(!empty.body.contains("Đã khôi phục bản nháp"));

    // DELETE is idempotent.
    assert_eq!(send(&router, put(URL, &second, Some(&cookie))).await.status, StatusCode::OK);
    let delete = || Request::delete(URL).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty());
    assert_eq!(send(&router, delete().unwrap()).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&router, delete().unwrap()).await.status, StatusCode::NO_CONTENT);
    assert_problem(&send(&router, with_token(get(URL), &token)).await, 404, "not_found");
}

fn reception_body(channel: &str, item: &str) -> String {
    form_body(&[
        ("hinh-thuc-nhan", channel),
        ("so-hieu-buu-gui", item),
        ("nguoi-nop-so-dinh-danh", L2),
        ("nguoi-nop-ho-ten", "Nguyễn Thị Dân"),
        ("ho_ten_chu_ho", "Nguyễn Thị Dân"),
        ("so_dinh_danh", L2),
        ("noi_thuong_tru.province", "p48"),
        ("noi_thuong_tru.commune", "c20410"),
        ("noi_thuong_tru.detail", "12 Trần Phú"),
        ("so_dien_thoai", "0905123456"),
        ("ma_so_ho_kinh_doanh", "40A8001234"),
        ("ten_ho_kinh_doanh", "Hộ kinh doanh Bưu Chính"),
        ("de_nghi", "tam_ngung"),
        ("tu_ngay", "2026-12-01"),
        ("truong-hop", ""),
        ("thanh-phan-tp7", "1"),
    ])
}

/// Postal reception: the officer records a dossier received by post with its postal item number; it is coded and
/// timed like a counter dossier, with channel `postal`, and follows the normal path.
pub async fn postal_reception_records_the_item_number(db: Db) {
    let router = setup(db).await;
    let officer = crate::catalogue::page_cookie(&router, "tiepnhan.hoian").await;
    let form = send(&router, page_get("/can-bo/tiep-nhan/1.001570", &officer)).await;
    assert!(form.body.contains("Qua dịch vụ bưu chính công ích") && form.body.contains("Số hiệu bưu gửi"));

    // By post without the item number: refused, nothing received.
    let missing =
        send(&router, page_post("/can-bo/tiep-nhan/1.001570", Some(&officer), &reception_body("postal", ""))).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", missing.body);
    assert!(missing.body.contains("Vui lòng nhập số hiệu bưu gửi"), "{}", missing.body);
    let bad =
        send(&router, page_post("/can-bo/tiep-nhan/1.001570", Some(&officer), &reception_body("postal", "số 1"))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let received = send(
        &router,
        page_post("/can-bo/tiep-nhan/1.001570", Some(&officer), &reception_body("postal", "eb 123456789 vn")),
    )
    .await;
    assert_eq!(received.status, StatusCode::SEE_OTHER, "{}", received.body);
    let path = location(&received);
    let id = path.trim_start_matches("/can-bo/ho-so/").trim_end_matches("?da_tiep_nhan=1").to_owned();
    let token = crate::cases::login(&router, "tiepnhan.hoian").await;
    let dossier = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}")), &token)).await.json();
    assert_eq!(dossier["channel"], "postal");
    assert_eq!(dossier["status"], "accepted");
    assert!(dossier["code"].as_str().unwrap().starts_with("000.66.60.H17-"));
    let page = send(&router, page_get(&path, &officer)).await;
    assert!(page.body.contains("Số hiệu bưu gửi: EB123456789VN"), "{}", page.body);

    // The normal path follows: into processing.
    let act = format!("action=start_processing&expected_version={}", dossier["version"]);
    let moved = send(&router, page_post(&format!("/can-bo/ho-so/{id}/thao-tac"), Some(&officer), &act)).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let after = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}")), &token)).await.json();
    assert_eq!(after["status"], "processing");
    assert_eq!(after["channel"], "postal");
}
