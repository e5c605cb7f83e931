//! The catalogue over HTTP: public search and pages, e-form validation, the administrators' edits, publication and
//! review, each case on SQLite and PostgreSQL over the demo catalogue.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_storage::Db;
use serde_json::{Value, json};

use crate::cases::{Reply, app, assert_problem, get, login, post_json, send, urlencode};

/// The demo's birth registration and permanent residence procedures.
const BIRTH: &str = "1.001193";
const RESIDENCE: &str = "1.004222";

pub fn with_token(mut request: Request<Body>, token: &str) -> Request<Body> {
    request.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    request
}

fn put_json(uri: &str, body: &Value, token: Option<&str>) -> Request<Body> {
    let request = Request::put(uri).header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string()));
    let request = request.unwrap();
    match token {
        Some(t) => with_token(request, t),
        None => request,
    }
}

fn codes(reply: &Reply) -> Vec<String> {
    reply.json()["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect()
}

pub async fn page_cookie(router: &Router, username: &str) -> String {
    let request = Request::post("/dang-nhap")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("username={username}&password={DEMO_PASSWORD}")))
        .unwrap();
    let reply = send(router, request).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned()
}

pub fn page_get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

pub fn page_post(path: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    let mut builder = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        builder = builder.header(header::COOKIE, c);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

pub fn location(reply: &Reply) -> String {
    reply.headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default()
}

pub async fn search_ignores_diacritics_over_api_and_page(db: Db) {
    let (router, _) = app(db).await;
    let reply = send(&router, get("/api/v1/procedures?q=dang%20ky%20khai%20sinh")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let items = reply.json()["items"].clone();
    let birth = items.as_array().unwrap().iter().find(|i| i["code"] == BIRTH).expect("found without diacritics");
    assert_eq!(birth["name"], "Thủ tục đăng ký khai sinh");
    assert_eq!(birth["lifecycle"], "published");

    let commune = send(&router, get("/api/v1/procedures?level=commune&essential=true")).await;
    assert!(codes(&commune).contains(&BIRTH.to_owned()), "{}", commune.body);
    assert!(commune.json()["items"].as_array().unwrap().iter().all(|i| i["essential"] == true));
    assert_problem(&send(&router, get("/api/v1/procedures?level=huyen")).await, 422, "invalid_input");
    assert_problem(&send(&router, get("/api/v1/procedures?drafts=true")).await, 401, "unauthenticated");
    let clerk = login(&router, "vanthu.stp").await;
    assert_problem(&send(&router, with_token(get("/api/v1/procedures?drafts=true"), &clerk)).await, 403, "forbidden");
    let auditor = login(&router, "kiemtra").await;
    assert_eq!(send(&router, with_token(get("/api/v1/procedures?drafts=true"), &auditor)).await.status, StatusCode::OK);

    let page = send(&router, get("/thu-tuc?q=dang+ky+khai+sinh")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("href=\"/thu-tuc/{BIRTH}\">Thủ tục đăng ký khai sinh</a>")), "{}", page.body);
    assert!(page.body.contains("Tìm thấy"));
    let filtered = send(&router, get("/thu-tuc?q=khai+sinh&don_vi=c20410&cap=commune&thiet_yeu=1")).await;
    assert!(filtered.body.contains(BIRTH), "a ward implements the commune-level procedures of its city");
    assert!(filtered.body.contains("<option value=\"c20410\" selected>"), "the filter is kept");
    let none = send(&router, get("/thu-tuc?q=khong+co+thu+tuc+nay")).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("Không tìm thấy thủ tục phù hợp") && none.body.contains("khai sinh"));
    let bad = send(&router, get("/thu-tuc?cap=huyen")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("role=\"alert\"") && bad.body.contains("Cấp thực hiện không hợp lệ"));
    let second = send(&router, get("/thu-tuc?trang=2")).await;
    assert!(second.body.contains("trang 2/") && second.body.contains("‹ Trang trước"), "{}", second.body);
}

pub async fn drafts_are_private_and_stale_versions_conflict(db: Db) {
    let (router, _) = app(db).await;
    let admin = login(&router, "admin").await;
    let source = send(&router, get(&format!("/api/v1/procedures/{BIRTH}"))).await.json();
    assert_eq!(source["published_version"], source["version"]);
    let mut procedure = source["procedure"].clone();
    procedure["code"] = json!("1.999001");
    procedure["name"] = json!("Thủ tục thử nghiệm bản nháp");
    let uri = "/api/v1/procedures/1.999001";

    let body = json!({"expected_version": null, "procedure": procedure});
    assert_problem(&send(&router, put_json(uri, &body, None)).await, 401, "unauthenticated");
    let leader = login(&router, "lanhdao").await;
    assert_problem(&send(&router, put_json(uri, &body, Some(&leader))).await, 403, "forbidden");
    let created = send(&router, put_json(uri, &body, Some(&admin))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["version"], 1);
    assert_problem(&send(&router, put_json(uri, &body, Some(&admin))).await, 409, "stale_version");

    // The draft: invisible to the public, visible to the administrator.
    assert_problem(&send(&router, get(uri)).await, 404, "not_found");
    assert_eq!(send(&router, get("/thu-tuc/1.999001")).await.status, StatusCode::NOT_FOUND);
    assert!(
        !codes(&send(&router, get("/api/v1/procedures?q=thu%20nghiem%20ban%20nhap")).await)
            .contains(&"1.999001".into())
    );
    let own = send(&router, with_token(get(uri), &admin)).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(own.json()["procedure"]["lifecycle"], "draft");
    let drafts = send(&router, with_token(get("/api/v1/procedures?q=thu%20nghiem&drafts=true"), &admin)).await;
    assert_eq!(codes(&drafts), ["1.999001"]);

    let publish = |version: i64| {
        with_token(post_json(&format!("{uri}/publish"), &json!({"expected_version": version}), None), &admin)
    };
    let withdraw = |version: i64| {
        with_token(post_json(&format!("{uri}/withdraw"), &json!({"expected_version": version}), None), &admin)
    };
    let published = send(&router, publish(1)).await;
    assert_eq!(
        (published.status, published.json()["version"].clone()),
        (StatusCode::OK, json!(2)),
        "{}",
        published.body
    );
    assert_eq!(send(&router, get(uri)).await.json()["procedure"]["name"], "Thủ tục thử nghiệm bản nháp");

    // An edit of a published procedure is a draft: the public keeps the published version.
    procedure["name"] = json!("Thủ tục thử nghiệm đã sửa");
    let edited =
        send(&router, put_json(uri, &json!({"expected_version": 2, "procedure": procedure}), Some(&admin))).await;
    assert_eq!(edited.json()["version"], 3, "{}", edited.body);
    let public = send(&router, get(uri)).await.json();
    assert_eq!((public["version"].clone(), public["latest_version"].clone()), (json!(2), json!(3)));
    assert_eq!(public["procedure"]["name"], "Thủ tục thử nghiệm bản nháp");
    assert_problem(&send(&router, get(&format!("{uri}?version=3"))).await, 401, "unauthenticated");
    let draft = send(&router, with_token(get(&format!("{uri}?version=3")), &admin)).await;
    assert_eq!(draft.json()["procedure"]["name"], "Thủ tục thử nghiệm đã sửa");

    assert_problem(&send(&router, publish(2)).await, 409, "stale_version");
    assert_eq!(send(&router, publish(3)).await.json()["version"], 4);
    assert_eq!(send(&router, get(uri)).await.json()["procedure"]["name"], "Thủ tục thử nghiệm đã sửa");
    assert_problem(&send(&router, withdraw(3)).await, 409, "stale_version");
    assert_eq!(send(&router, withdraw(4)).await.json()["version"], 5);
    assert_problem(&send(&router, get(uri)).await, 404, "not_found");

    let versions = send(&router, with_token(get(&format!("{uri}/versions")), &admin)).await;
    let lifecycles: Vec<Value> = versions.json().as_array().unwrap().iter().map(|v| v["lifecycle"].clone()).collect();
    assert_eq!(
        lifecycles,
        [json!("withdrawn"), json!("published"), json!("draft"), json!("published"), json!("draft")]
    );
    assert_problem(&send(&router, get(&format!("{uri}/versions"))).await, 401, "unauthenticated");
}

pub async fn form_validation_lists_each_bad_field(db: Db) {
    let (router, _) = app(db).await;
    let uri = format!("/api/v1/procedures/{BIRTH}/forms/validate");
    let bad = json!({"case": null, "values": {
        "ho_ten_nguoi_yeu_cau": "Trần Thị Mai",
        "so_dinh_danh_nguoi_yeu_cau": "12345",
        "so_dien_thoai": "12345",
        "ngay_sinh_tre": "31/02/2025",
        "quan_he_voi_tre": "hang_xom",
        "noi_cu_tru_nguoi_yeu_cau.province": "p48",
        "noi_cu_tru_nguoi_yeu_cau.commune": "c99999",
        "noi_cu_tru_nguoi_yeu_cau.detail": "12 Trần Phú",
        "so_ban_sao": "11",
    }});
    let reply = send(&router, post_json(&uri, &bad, None)).await;
    assert_problem(&reply, 422, "invalid_input");
    let errors = reply.json()["errors"].as_array().unwrap().clone();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "so_dinh_danh_nguoi_yeu_cau",
            "noi_cu_tru_nguoi_yeu_cau",
            "quan_he_voi_tre",
            "so_dien_thoai",
            "ho_ten_tre",
            "gioi_tinh_tre",
            "ngay_sinh_tre",
            "noi_sinh",
            "dan_toc_tre",
            "quoc_tich_tre",
            "que_quan_tre",
            "giay_chung_sinh",
            "so_ban_sao",
        ]
    );
    let message =
        |field: &str| errors.iter().find(|e| e["field"] == field).unwrap()["message"].as_str().unwrap().to_owned();
    assert!(message("noi_cu_tru_nguoi_yeu_cau").contains("thuộc tỉnh"));
    assert!(message("ngay_sinh_tre").starts_with("Ngày không hợp lệ"));
    assert_eq!(message("ho_ten_tre"), "Vui lòng nhập thông tin này.");
    assert_eq!(message("so_ban_sao"), "Giá trị lớn nhất là 10.");

    let good = json!({"values": valid_birth_values()});
    let reply = send(&router, post_json(&uri, &good, None)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let values = reply.json()["values"].clone();
    assert_eq!(values["ngay_sinh_tre"], "2025-09-05");
    assert_eq!(values["so_dien_thoai"], "0905123456");
    assert_eq!(values["noi_cu_tru_nguoi_yeu_cau.commune"], "c20410");

    let unknown_case = json!({"case": "khong_co", "values": {}});
    let reply = send(&router, post_json(&uri, &unknown_case, None)).await;
    assert_problem(&reply, 422, "invalid_input");
    assert_eq!(reply.json()["errors"][0]["field"], "case");
    assert_problem(
        &send(&router, post_json("/api/v1/procedures/9.999999/forms/validate", &good, None)).await,
        404,
        "not_found",
    );
}

pub fn valid_birth_values() -> Value {
    json!({
        "ho_ten_nguoi_yeu_cau": "Trần Thị Mai",
        "so_dinh_danh_nguoi_yeu_cau": "048190001234",
        "noi_cu_tru_nguoi_yeu_cau.province": "p48",
        "noi_cu_tru_nguoi_yeu_cau.commune": "c20410",
        "noi_cu_tru_nguoi_yeu_cau.detail": "12 Trần Phú",
        "quan_he_voi_tre": "me",
        "so_dien_thoai": "0905 123 456",
        "ho_ten_tre": "Nguyễn Minh Khôi",
        "gioi_tinh_tre": "nam",
        "ngay_sinh_tre": "05/09/2025",
        "noi_sinh": "Bệnh viện Phụ sản – Nhi Đà Nẵng",
        "dan_toc_tre": "Kinh",
        "quoc_tich_tre": "Việt Nam",
        "que_quan_tre": "Xã Điện Bàn, thành phố Đà Nẵng",
        "giay_chung_sinh": "giay-chung-sinh.pdf",
    })
}

pub async fn edits_are_checked_and_errors_located(db: Db) {
    let (router, _) = app(db).await;
    let admin = login(&router, "admin").await;
    let uri = format!("/api/v1/procedures/{RESIDENCE}");
    let current = send(&router, get(&uri)).await.json();
    let version = current["latest_version"].clone();
    let mut procedure = current["procedure"].clone();
    procedure["fees"][0]["amount"] = json!(-5);
    let reply =
        send(&router, put_json(&uri, &json!({"expected_version": version, "procedure": procedure}), Some(&admin)))
            .await;
    assert_problem(&reply, 422, "invalid_input");
    let fields: Vec<Value> = reply.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
    assert_eq!(fields, [json!("fees[0].amount")], "{}", reply.body);

    let mut wrong_type = current["procedure"].clone();
    wrong_type["levels"] = json!(["huyen"]);
    let reply =
        send(&router, put_json(&uri, &json!({"expected_version": version, "procedure": wrong_type}), Some(&admin)))
            .await;
    assert_problem(&reply, 422, "invalid_input");
    assert_eq!(reply.json()["errors"][0]["field"], "levels[0]", "{}", reply.body);
    let other = send(
        &router,
        put_json(
            &format!("/api/v1/procedures/{BIRTH}"),
            &json!({"expected_version": 1, "procedure": current["procedure"]}),
            Some(&admin),
        ),
    )
    .await;
    assert_problem(&other, 422, "invalid_input");
    assert_eq!(other.json()["errors"][0]["field"], "code");

    // Nothing was stored by the refusals.
    assert_eq!(send(&router, get(&uri)).await.json()["latest_version"], version);

    // Review and export: for officers who review the catalogue.
    assert_problem(&send(&router, get("/api/v1/catalogue/review")).await, 401, "unauthenticated");
    let review = send(&router, with_token(get("/api/v1/catalogue/review"), &admin)).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(review.json()["summary"]["procedures"].as_u64().unwrap() >= 60);
    let export = send(&router, with_token(get("/api/v1/catalogue/export"), &admin)).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.content_type().starts_with("application/json"));
    assert_eq!(export.json()["format"], "motcua.catalogue/1");
    let clerk = login(&router, "vanthu.stp").await;
    assert_problem(&send(&router, with_token(get("/api/v1/catalogue/export"), &clerk)).await, 403, "forbidden");

    let doc = send(&router, get("/api/openapi.json")).await.json();
    for path in [
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/procedures/{code}/forms/validate",
        "/api/v1/catalogue/review",
    ] {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
}

pub async fn public_pages_show_the_procedure_and_check_its_form(db: Db) {
    let (router, _) = app(db).await;
    let home = send(&router, get("/")).await;
    assert!(home.body.contains("href=\"/thu-tuc\""));

    let residence = send(&router, get(&format!("/thu-tuc/{RESIDENCE}"))).await;
    assert_eq!(residence.status, StatusCode::OK);
    let body = &residence.body;
    assert!(body.contains("<h1>Đăng ký thường trú</h1>"), "{body}");
    assert!(body.contains("20.000 đ") && body.contains("10.000 đ (bằng 50% mức thu)"), "counter and online price");
    assert!(body.contains("Khi nộp trực tuyến: <strong>10.000 đ</strong>"));
    assert!(body.contains("Minh họa — không phải số liệu chính thức"), "illustrative sections are marked");
    assert!(body.contains(&format!("href=\"/thu-tuc/{RESIDENCE}/nop\">Nộp trực tuyến</a>")));
    for heading in [
        "Thành phần hồ sơ",
        "Thời hạn giải quyết",
        "Phí, lệ phí",
        "Căn cứ pháp lý",
        "Tờ khai điện tử",
        "Nguồn thông tin",
    ] {
        assert!(body.contains(&format!("\">{heading}</h2>")), "{heading}");
    }
    let birth = send(&router, get(&format!("/thu-tuc/{BIRTH}"))).await;
    assert!(birth.body.contains("chưa ghi rõ đơn vị"), "the unconfirmed time is visible");
    assert!(birth.body.contains("Dịch vụ công thiết yếu"));
    assert_eq!(send(&router, get("/thu-tuc/9.999999")).await.status, StatusCode::NOT_FOUND);

    let form = send(&router, get(&format!("/thu-tuc/{BIRTH}/nop"))).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Tự động điền từ CSDL quốc gia về dân cư khi đăng nhập VNeID"));
    assert!(
        form.body.contains("type=\"date\"")
            && form.body.contains("type=\"file\"")
            && form.body.contains("type=\"tel\"")
    );
    assert!(form.body.contains("<option value=\"c20410\">Phường Hội An</option>"), "the communes of the city");
    assert!(
        form.body.contains("đăng nhập bằng tài khoản định danh điện tử VNeID"),
        "an anonymous visitor is offered the login to file"
    );

    let path = format!("/thu-tuc/{BIRTH}/nop");
    let empty = send(&router, page_post(&path, None, "truong-hop=&ngay_sinh_tre=31%2F02%2F2025")).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Tờ khai còn 13 thông tin chưa hợp lệ"), "{}", empty.body);
    assert!(empty.body.contains("id=\"f-ho_ten_tre-loi\">Vui lòng nhập thông tin này.</p>"));
    assert!(
        empty.body.contains("aria-invalid=\"true\" aria-describedby=\"f-ngay_sinh_tre-goi-y f-ngay_sinh_tre-loi\"")
    );
    assert!(empty.body.contains("href=\"#f-noi_cu_tru_nguoi_yeu_cau-province\""));

    let values = valid_birth_values();
    let body = values
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v.as_str().unwrap())))
        .collect::<Vec<_>>()
        .join("&");
    let ok = send(&router, page_post(&path, None, &body)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("Tờ khai hợp lệ") && ok.body.contains("Hồ sơ chưa được nộp"));
    assert!(ok.body.contains("12 Trần Phú, Phường Hội An, Thành phố Đà Nẵng"), "{}", ok.body);
    assert!(ok.body.contains("05/09/2025"));
}

pub async fn admin_pages_edit_publish_and_review(db: Db) {
    let (router, _) = app(db).await;
    let clerk = page_cookie(&router, "vanthu.stp").await;
    for path in
        ["/quan-tri/thu-tuc", "/quan-tri/thu-tuc/moi", &format!("/quan-tri/thu-tuc/{BIRTH}"), "/quan-tri/ra-soat"]
    {
        let reply = send(&router, page_get(path, &clerk)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(reply.body.contains("lang=\"vi\""));
        assert_eq!(location(&send(&router, get(path)).await), "/dang-nhap", "{path}");
    }
    assert_eq!(
        send(&router, page_post(&format!("/quan-tri/thu-tuc/{BIRTH}/cong-bo"), Some(&clerk), "version=1")).await.status,
        StatusCode::FORBIDDEN
    );

    let admin = page_cookie(&router, "admin").await;
    let workspace = send(&router, page_get("/can-bo", &admin)).await;
    assert!(
        workspace.body.contains("href=\"/quan-tri/thu-tuc\"") && workspace.body.contains("href=\"/quan-tri/ra-soat\"")
    );
    let list = send(&router, page_get("/quan-tri/thu-tuc?q=dang+ky+khai+sinh", &admin)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("href=\"/quan-tri/thu-tuc/{BIRTH}\"")));
    let edit = send(&router, page_get(&format!("/quan-tri/thu-tuc/{RESIDENCE}"), &admin)).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    assert!(edit.body.contains("name=\"expected_version\" value=\"1\"") && edit.body.contains("Dừng công khai"));

    let form = |name: &str, json: &str, version: &str| {
        format!(
            "expected_version={version}&name={}&sector={}&cap_commune=1&online_level=partial&min_assurance=L2&time_amount=7&time_unit=working_days&effective_from=2025-07-01&effective_to=&json={}",
            urlencode(name),
            urlencode("Đăng ký, quản lý cư trú"),
            urlencode(json)
        )
    };
    let stored = send(&router, get(&format!("/api/v1/procedures/{RESIDENCE}"))).await.json()["procedure"].clone();
    let mut negative = stored.clone();
    negative["fees"][0]["amount"] = json!(-1);
    let path = format!("/quan-tri/thu-tuc/{RESIDENCE}");
    let refused =
        send(&router, page_post(&path, Some(&admin), &form("Đăng ký thường trú", &negative.to_string(), "1"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<code>fees[0].amount</code>: mức thu -1 đồng là số âm"), "{}", refused.body);
    let broken = send(&router, page_post(&path, Some(&admin), &form("Đăng ký thường trú", "{", "1"))).await;
    assert!(broken.body.contains("<code>json</code>: JSON không hợp lệ ở dòng 1"), "{}", broken.body);

    let saved =
        send(&router, page_post(&path, Some(&admin), &form("Đăng ký thường trú (sửa)", &stored.to_string(), "1")))
            .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(location(&saved), format!("{path}?da_luu=2"));
    let draft = send(&router, page_get(&location(&saved), &admin)).await;
    assert!(draft.body.contains("Đã lưu bản nháp, phiên bản 2"));
    assert!(
        draft.body.contains("value=\"working_days\" selected")
            && draft.body.contains("id=\"essential\" name=\"essential\" type=\"checkbox\" value=\"1\">")
    );
    let listed = send(&router, page_get("/quan-tri/thu-tuc?q=dang+ky+thuong+tru", &admin)).await;
    assert!(listed.body.contains("Bản nháp chưa công bố"), "{}", listed.body);
    assert!(send(&router, get(&format!("/thu-tuc/{RESIDENCE}"))).await.body.contains("<h1>Đăng ký thường trú</h1>"));

    let stale = send(&router, page_post(&format!("{path}/cong-bo"), Some(&admin), "version=1")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Dữ liệu vừa được người khác thay đổi"), "{}", stale.body);
    let published = send(&router, page_post(&format!("{path}/cong-bo"), Some(&admin), "version=2")).await;
    assert_eq!(location(&published), format!("{path}?cong_bo=3"));
    let public = send(&router, get(&format!("/thu-tuc/{RESIDENCE}"))).await;
    assert!(public.body.contains("<h1>Đăng ký thường trú (sửa)</h1>") && public.body.contains("07 ngày làm việc"));

    let created = send(
        &router,
        page_post(
            "/quan-tri/thu-tuc/moi",
            Some(&admin),
            &format!("code=1.999002&{}", form("Thủ tục mới", &stored.to_string(), "")),
        ),
    )
    .await;
    assert_eq!(location(&created), "/quan-tri/thu-tuc/1.999002?da_luu=1", "{}", created.body);
    let no_code =
        send(&router, page_post("/quan-tri/thu-tuc/moi", Some(&admin), &form("Thủ tục mới", &stored.to_string(), "")))
            .await;
    assert!(no_code.body.contains("<code>code</code>: Vui lòng nhập mã thủ tục"));

    // The review: an abolished paper in a published procedure, confirmed by the administrator.
    let review = send(&router, page_get("/quan-tri/ra-soat", &admin)).await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(review.body.contains("Sổ hộ khẩu") && review.body.contains("Luật Cư trú"), "{}", review.body);
    assert!(review.body.contains("Thời hạn giải quyết") && review.body.contains("chưa đạt chỉ tiêu cắt giảm 20 %"));
    let decided = send(
        &router,
        page_post("/quan-tri/ra-soat", Some(&admin), "code=2.000986&component=tp5&paper=so_ho_khau&decision=confirmed"),
    )
    .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    assert!(location(&decided).starts_with("/quan-tri/ra-soat?da_ghi="), "{}", location(&decided));
    let after = send(&router, page_get(&location(&decided), &admin)).await;
    assert!(after.body.contains("Đã xác nhận") && after.body.contains("Đã ghi nhận quyết định"), "{}", after.body);
    let leader = page_cookie(&router, "lanhdao").await;
    let read_only = send(&router, page_get("/quan-tri/ra-soat", &leader)).await;
    assert_eq!(read_only.status, StatusCode::OK);
    assert!(read_only.body.contains("Đã xác nhận") && !read_only.body.contains("name=\"decision\""));
}

/// The durations the procedure form offers are the domain's (a renamed unit fails here).
#[test]
fn procedure_form_time_units_are_the_domain_ones() {
    use motcua_web::pages::procedure_form::TIME_UNITS;
    for (unit, _) in TIME_UNITS.iter().filter(|(u, _)| !u.is_empty()) {
        let value = if *unit == "within_the_day" { json!({"unit": unit}) } else { json!({"unit": unit, "amount": 2}) };
        assert!(serde_json::from_value::<motcua_domain::deadline::Duration>(value).is_ok(), "{unit}");
    }
}
