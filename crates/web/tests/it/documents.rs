//! Documents over HTTP: raw-body uploads streamed into the store with their refusals as problem+json, downloads
//! for the dossier's officers only, electronic results and the public verification API and page.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use motcua_app::documents::{Backend, Documents, DocumentsConfig};
use motcua_app::{App, AppConfig, ManualClock};
use motcua_storage::Db;
use motcua_web::{AppState, WebConfig, router};
use serde_json::json;

use crate::cases::{assert_problem, get, login, post_json, send};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn app_with_files(db: Db, dir: &std::path::Path) -> Router {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock, AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let config = DocumentsConfig {
        backend: Backend::Local(dir.join("files")),
        max_file_bytes: 16 * 1024,
        clamd: None,
        keys_dir: dir.join("keys"),
        generate_keys: true,
    };
    let app = app.with_documents(Documents::open(&config).unwrap());
    let web = WebConfig { body_limit: 4 * 1024, request_timeout: Duration::from_secs(10), ..WebConfig::default() };
    router(AppState::new(app, web))
}

fn raw(uri: &str, bytes: Vec<u8>, token: Option<&str>) -> Request<Body> {
    let mut b = Request::post(uri).header(header::CONTENT_TYPE, "application/octet-stream");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(bytes)).unwrap()
}

fn bearer(uri: &str, token: &str) -> Request<Body> {
    Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap()
}

pub async fn files_results_and_verification_over_http(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let router = app_with_files(db, dir.path()).await;
    let token = login(&router, "tiepnhan.hoian").await;
    let dossier = json!({
        "procedure": "1.001570",
        "applicant": {"id_number": "048203000001", "full_name": "Nguyễn Thị Dân", "phone": "0905123456"},
        "form": {
            "ho_ten_chu_ho": "Nguyễn Thị Dân", "so_dinh_danh": "048203000001", "noi_thuong_tru.province": "p48",
            "noi_thuong_tru.commune": "c20410", "noi_thuong_tru.detail": "12 Trần Phú", "so_dien_thoai": "0905123456",
            "ma_so_ho_kinh_doanh": "40A8001234", "ten_ho_kinh_doanh": "Hộ kinh doanh Dân Phát", "de_nghi": "tam_ngung",
            "tu_ngay": "01/12/2026"
        },
        "components": ["tp7"],
    });
    let reply = send(&router, post_json("/api/v1/dossiers", &dossier, Some(&token))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.json()["id"].as_str().unwrap().to_owned();

    // A file larger than the JSON body limit streams through (the store has its own limit).
    let scan = [PDF, &vec![b' '; 8 * 1024]].concat();
    let uri = format!("/api/v1/dossiers/{id}/components/tp7/files?file_name=to-khai%20quet.pdf&source=digitised");
    let reply = send(&router, raw(&uri, scan.clone(), Some(&token))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let doc = reply.json();
    assert_eq!(doc["source"], "digitised");
    assert_eq!(doc["flags"]["digitised"], true);
    assert_eq!(doc["file_name"], "to-khai quet.pdf");

    // Refusals are problem+json with stable codes.
    let exe = [b"MZ\x90\x00".as_slice(), &[0u8; 1500]].concat();
    assert_problem(&send(&router, raw(&uri, exe, Some(&token))).await, 415, "file_type_refused");
    let big = [PDF, &vec![b' '; 17 * 1024]].concat();
    assert_problem(&send(&router, raw(&uri, big, Some(&token))).await, 413, "file_too_large");
    assert_problem(&send(&router, raw(&uri, PDF.to_vec(), None)).await, 401, "unauthenticated");
    let stranger = login(&router, "thuly.stp").await;
    assert_problem(&send(&router, raw(&uri, PDF.to_vec(), Some(&stranger))).await, 404, "not_found");

    // Download: the same bytes for the dossier's officer, 404 for another unit's.
    let content = format!("/api/v1/documents/{}/content", doc["id"].as_str().unwrap());
    let reply = send(&router, bearer(&content, &token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/pdf");
    assert_eq!(reply.body.as_bytes(), scan.as_slice());
    assert!(
        reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("filename*=UTF-8''to-khai%20quet.pdf")
    );
    assert_problem(&send(&router, bearer(&content, &stranger)).await, 404, "not_found");
    // As a browser asks for it, compressed: the compressing layer polls the checked stream again after its end, and
    // the body still ends cleanly (the download once aborted there).
    let mut compressed = bearer(&content, &token);
    compressed.headers_mut().insert(header::ACCEPT_ENCODING, "gzip".parse().unwrap());
    let reply = send(&router, compressed).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_ENCODING], "gzip");
    let listed = send(&router, bearer(&format!("/api/v1/dossiers/{id}/documents"), &token)).await.json();
    let tp7 = listed.as_array().unwrap().iter().find(|c| c["key"] == "tp7").unwrap().clone();
    assert_eq!(tp7["documents"].as_array().unwrap().len(), 1);

    // The officers' page lists the file with its checksum; the receipt does too.
    let page = send(&router, bearer(&format!("/can-bo/ho-so/{id}/tai-lieu"), &token)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("to-khai quet.pdf") && page.body.contains(doc["sha256"].as_str().unwrap()));

    // An electronic result, signed; the public API and page verify it, and say when a copy was changed.
    let reply =
        send(&router, raw(&format!("/api/v1/dossiers/{id}/result?file_name=ket-qua.pdf"), PDF.to_vec(), Some(&token)))
            .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let code = reply.json()["result_code"].as_str().unwrap().to_owned();
    let verdict = send(&router, get(&format!("/api/v1/verify/{code}"))).await.json();
    assert_eq!(verdict["verdict"], "valid", "{verdict}");
    let verdict = send(&router, raw(&format!("/api/v1/verify?code={code}"), PDF.to_vec(), None)).await.json();
    assert_eq!(verdict["verdict"], "valid");
    let changed = [PDF, b"%changed"].concat();
    let verdict = send(&router, raw(&format!("/api/v1/verify?code={code}"), changed, None)).await.json();
    assert_eq!(verdict["verdict"], "tampered");
    assert_eq!(send(&router, get("/api/v1/verify/KQ0000000000")).await.json()["verdict"], "unknown");
    let page = send(&router, get("/xac-minh")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("không phải chữ ký số có giá trị pháp lý"), "the page says what the signature is not");
}
