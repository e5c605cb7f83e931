//! The legal forms over HTTP: the list, the typst input JSON and the PDF through the API and the officers' pages,
//! with the dossier's access rule — each case on SQLite and PostgreSQL.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use motcua_storage::Db;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::cases::{app, assert_problem, get, login, post_json, send};
use crate::catalogue::{page_cookie, page_get, with_token};

/// A counter dossier of "tạm ngừng hộ kinh doanh" at Phường Hội An (demo clock: 27/11/2026, so TT 03/2025).
fn new_dossier() -> Value {
    json!({
        "procedure": "1.001570",
        "applicant": {"id_number": "048203000001", "full_name": "Nguyễn Thị Dân", "phone": "0905123456"},
        "form": {
            "ho_ten_chu_ho": "Nguyễn Thị Dân",
            "so_dinh_danh": "048203000001",
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

/// The raw bytes of a reply (PDFs are not text).
async fn bytes(router: &Router, request: Request<Body>) -> (StatusCode, String, Vec<u8>) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let kind = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, kind, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub async fn forms_are_listed_rendered_and_reproducible(db: Db) {
    let (router, _) = app(db).await;
    let token = login(&router, "tiepnhan.hoian").await;
    let reply = send(&router, post_json("/api/v1/dossiers", &new_dossier(), Some(&token))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let d = reply.json();
    let (id, code) = (d["id"].as_str().unwrap().to_owned(), d["code"].as_str().unwrap().to_owned());
    let api = |path: &str| with_token(get(&format!("/api/v1/dossiers/{id}/forms{path}")), &token);

    // Accepted at the counter: the receipt, the control slip and the register exist; the 2025 set applies.
    let list = send(&router, api("")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    assert_eq!(list["rule_set"], "tt03_2025");
    let slugs: Vec<&str> = list["forms"].as_array().unwrap().iter().map(|f| f["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["tiep-nhan", "phieu-kiem-soat", "so-theo-doi"]);
    assert_eq!(list["forms"][0]["label"], "Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả");
    assert_eq!(list["forms"][1]["label"], "Mẫu 06 – Phiếu kiểm soát quá trình giải quyết hồ sơ");

    // The template's input: the code, the title, the set; the same events give the same bytes.
    let data = send(&router, api("/tiep-nhan/data")).await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    assert_eq!(send(&router, api("/tiep-nhan/data")).await.body, data.body);
    let doc = data.json();
    assert_eq!(doc["code"], code.as_str());
    assert_eq!(doc["title"], "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    assert_eq!(doc["number"], "Mẫu số 01");
    assert_eq!(doc["rule_set"], "tt03_2025");
    assert_eq!(doc["body"]["applicant"]["name"], "Nguyễn Thị Dân");

    // The PDF, twice: the same bytes.
    let (status, kind, pdf) = bytes(&router, api("/tiep-nhan")).await;
    if cfg!(feature = "pdf") {
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"), "{}", String::from_utf8_lossy(&pdf));
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(contains(&pdf, b"+LiberationSerif"), "font not embedded");
        let (_, _, again) = bytes(&router, api("/tiep-nhan")).await;
        assert!(again == pdf, "two renders of the same events differ");
    } else {
        assert_eq!(status.as_u16(), 501);
        assert!(contains(&pdf, b"not_built"));
    }

    // Not yet created, unknown form, no session, an officer out of scope.
    assert_problem(&send(&router, api("/xin-loi")).await, 409, "form_not_available");
    assert_problem(&send(&router, api("/mau-99")).await, 404, "not_found");
    assert_problem(
        &send(&router, get(&format!("/api/v1/dossiers/{id}/forms/tiep-nhan"))).await,
        401,
        "unauthenticated",
    );
    let outsider = login(&router, "thuly.stp").await;
    let other = with_token(get(&format!("/api/v1/dossiers/{id}/forms/tiep-nhan")), &outsider);
    assert_problem(&send(&router, other).await, 404, "not_found");

    // After a refusal-free action the slip grows: hand the dossier to processing, the slip's JSON changes.
    let slip_before = send(&router, api("/phieu-kiem-soat/data")).await.body;
    let act = json!({"action": "start_processing", "expected_version": d["version"]});
    let moved = send(&router, post_json(&format!("/api/v1/dossiers/{id}/actions"), &act, Some(&token))).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_ne!(send(&router, api("/phieu-kiem-soat/data")).await.body, slip_before);
    assert_eq!(send(&router, api("/tiep-nhan/data")).await.body, data.body, "the receipt is fixed by its event");

    // The officers' pages: the dossier page links the forms; the list and the download.
    let cookie = page_cookie(&router, "tiepnhan.hoian").await;
    let page = send(&router, page_get(&format!("/can-bo/ho-so/{id}"), &cookie)).await;
    assert!(page.body.contains("Tải biểu mẫu (PDF)"), "{}", page.body);
    assert!(page.body.contains(&format!("/can-bo/ho-so/{id}/bieu-mau/tiep-nhan.pdf")));
    let receipt = send(&router, page_get(&format!("/can-bo/ho-so/{id}/bien-nhan"), &cookie)).await;
    assert!(receipt.body.contains(&format!("/can-bo/ho-so/{id}/bieu-mau/tiep-nhan.pdf")), "{}", receipt.body);
    let forms = send(&router, page_get(&format!("/can-bo/ho-so/{id}/bieu-mau"), &cookie)).await;
    assert_eq!(forms.status, StatusCode::OK, "{}", forms.body);
    assert!(forms.body.contains("Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), "{}", forms.body);
    assert!(forms.body.contains("Thông tư 03/2025/TT-VPCP"), "{}", forms.body);
    let (status, kind, page_pdf) =
        bytes(&router, page_get(&format!("/can-bo/ho-so/{id}/bieu-mau/tiep-nhan.pdf"), &cookie)).await;
    if cfg!(feature = "pdf") {
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
        assert!(page_pdf == pdf, "page and API give the same file");
    } else {
        assert_eq!(status.as_u16(), 501);
        assert!(String::from_utf8_lossy(&page_pdf).contains("PDF"), "a Vietnamese page says why");
    }
    let (status, _, _) = bytes(&router, page_get(&format!("/can-bo/ho-so/{id}/bieu-mau/tiep-nhan"), &cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let anonymous = send(&router, get(&format!("/can-bo/ho-so/{id}/bieu-mau/tiep-nhan.pdf"))).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}

/// The register of a period as the legal form: linked beside the CSV with the page's filter, served as a PDF that
/// lists the period's dossier codes (in its keywords), for an old period too (an empty Mẫu 06); a bad period is a
/// Vietnamese page.
pub async fn register_of_a_period_as_pdf(db: Db) {
    let (router, app) = app(db).await;
    let token = login(&router, "tiepnhan.hoian").await;
    let mut codes = Vec::new();
    for id_number in ["048203000001", "048203000002"] {
        let mut body = new_dossier();
        body["applicant"]["id_number"] = json!(id_number);
        let reply = send(&router, post_json("/api/v1/dossiers", &body, Some(&token))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        codes.push(reply.json()["code"].as_str().unwrap().to_owned());
    }
    // The applicant's address typed in the e-form is printed on the receipt and in the register.
    let address = "12 Trần Phú, Phường Hội An, Thành phố Đà Nẵng";
    let officer = app.authenticate(&token).await.unwrap().expect("the API token is a session");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let book = app.dossier_register_book(&officer.principal(), Some("c20410"), day, day).await.unwrap();
    assert_eq!(book.number, "Mẫu số 07");
    let motcua_domain::dossier::forms::Body::Register { rows, period } = &book.body else { panic!("{:?}", book.body) };
    assert_eq!(period.as_deref(), Some("Từ ngày 27/11/2026 đến ngày 27/11/2026"));
    let listed: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(listed, codes.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(rows[0].contact, format!("{address}; ĐT: 0905123456"));
    assert!(rows[0].received.ends_with(", 27/11/2026"), "{:?}", rows[0]);
    let ids = send(&router, with_token(get("/api/v1/dossiers"), &token)).await.json();
    let id = ids[0]["id"].as_str().unwrap().to_owned();
    let receipt = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}/forms/tiep-nhan/data")), &token)).await;
    assert_eq!(receipt.json()["body"]["applicant"]["address"], address, "{}", receipt.body);

    let cookie = page_cookie(&router, "tiepnhan.hoian").await;
    let filter = "tu=27%2F11%2F2026&den=27%2F11%2F2026&don_vi=c20410";
    let page = send(&router, page_get(&format!("/can-bo/so-theo-doi?{filter}"), &cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Tải sổ (PDF)"), "{}", page.body);
    let link = format!("/can-bo/so-theo-doi.pdf?{}", filter.replace('&', "&#38;"));
    assert!(page.body.contains(&link), "{link} in {}", page.body);

    let (status, kind, pdf) = bytes(&router, page_get(&format!("/can-bo/so-theo-doi.pdf?{filter}"), &cookie)).await;
    let (old_status, _, old) =
        bytes(&router, page_get("/can-bo/so-theo-doi.pdf?tu=01/06/2025&den=30/06/2025", &cookie)).await;
    if cfg!(feature = "pdf") {
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"), "{}", String::from_utf8_lossy(&pdf));
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(contains(&pdf, b"+LiberationSerif"), "font not embedded");
        for code in &codes {
            assert!(contains(&pdf, code.as_bytes()), "{code} not in the register PDF");
        }
        assert!(contains(&pdf, b"20261127-20261127"), "the period identifies the document");
        // Before 1/7/2025: the TT 01/2018 book, empty here.
        assert_eq!(old_status, StatusCode::OK, "{}", String::from_utf8_lossy(&old));
        assert!(old.starts_with(b"%PDF-") && contains(&old, b"20250601-20250630"));
        assert!(!contains(&old, codes[0].as_bytes()), "a dossier of 2026 in the 2025 book");
    } else {
        assert_eq!(status.as_u16(), 501);
        assert!(String::from_utf8_lossy(&pdf).contains("PDF"), "a Vietnamese page says why");
        assert_eq!(old_status.as_u16(), 501);
    }

    // Bad periods: a Vietnamese page, no PDF.
    for (query, words) in [
        ("tu=27/11/2026&den=01/11/2026", "tối đa một năm"),
        ("tu=01/01/2025&den=27/11/2026", "tối đa một năm"),
        ("tu=hôm-qua&den=27/11/2026", "Ngày phải có dạng dd/mm/yyyy"),
    ] {
        let reply = send(&router, page_get(&format!("/can-bo/so-theo-doi.pdf?{query}"), &cookie)).await;
        assert!(reply.status.is_client_error(), "{query}: {}", reply.status);
        assert!(reply.content_type().starts_with("text/html"), "{query}: {}", reply.content_type());
        assert!(reply.body.contains(words), "{query}: {}", reply.body);
    }
    // Another unit's register, and no session.
    let other = send(&router, page_get("/can-bo/so-theo-doi.pdf?don_vi=p48", &cookie)).await;
    assert!(other.status.is_client_error(), "{}", other.status);
    let anonymous = send(&router, get("/can-bo/so-theo-doi.pdf")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}
