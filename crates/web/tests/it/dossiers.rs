//! Dossiers over HTTP: counter reception through the API (idempotent), every action through the state machine with
//! its Vietnamese refusals and optimistic versions, and the officers' pages — each case on SQLite and PostgreSQL.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use motcua_app::App;
use motcua_app::accounts::{GrantInput, NewOfficer};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::record::Ctx;
use motcua_storage::Db;
use serde_json::{Value, json};

use crate::cases::{Reply, app, assert_problem, form_body, get, login, post_json, send, urlencode};
use crate::catalogue::{location, page_cookie, page_get, page_post, valid_birth_values, with_token};

/// Temporary suspension of a household business: commune level, one working day.
const PROCEDURE: &str = "1.001570";
/// The demo clock: Friday 27/11/2026, 09:00 in Vietnam; Phường Hội An receives under the agency code of its centre.
const FIRST_CODE: &str = "000.66.60.H17-261127-0001";

/// Valid values of the procedure's e-form.
fn form_values() -> Value {
    json!({
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
    })
}

fn new_dossier(id_number: &str) -> Value {
    json!({
        "procedure": PROCEDURE,
        "applicant": {"id_number": id_number, "full_name": "Nguyễn Thị Dân", "phone": "0905123456"},
        "form": form_values(),
        "components": ["tp7"],
    })
}

fn with_key(mut request: Request<Body>, key: &str) -> Request<Body> {
    request.headers_mut().insert("idempotency-key", key.parse().unwrap());
    request
}

async fn receive(router: &Router, token: &str, body: &Value) -> Value {
    let reply = send(router, post_json("/api/v1/dossiers", body, Some(token))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()
}

fn action(id: &str, token: &str, body: &Value) -> Request<Body> {
    post_json(&format!("/api/v1/dossiers/{id}/actions"), body, Some(token))
}

async fn act(router: &Router, token: &str, d: &Value, name: &str, reasons: Option<&str>) -> Reply {
    let body = json!({"action": name, "expected_version": d["version"], "reasons": reasons});
    send(router, action(d["id"].as_str().unwrap(), token, &body)).await
}

async fn act_ok(router: &Router, token: &str, d: &Value, name: &str, reasons: Option<&str>) -> Value {
    let reply = act(router, token, d, name, reasons).await;
    assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
    reply.json()
}

/// An agency head of Phường Hội An, who signs results there.
async fn commune_head(app: &App) {
    let input = NewOfficer {
        username: "chutich.hoian".into(),
        full_name: "Lê Văn Chủ Tịch".into(),
        unit_id: "c20410".into(),
        password: DEMO_PASSWORD.into(),
        grants: vec![GrantInput { role: "agency_head".into(), unit_id: "c20410".into() }],
    };
    app.create_officer(&Ctx::system(), input).await.unwrap();
}

pub async fn counter_reception_over_the_api_is_idempotent(db: Db) {
    let (router, _) = app(db).await;
    assert_problem(
        &send(&router, post_json("/api/v1/dossiers", &new_dossier("048203000001"), None)).await,
        401,
        "unauthenticated",
    );
    assert_problem(&send(&router, get("/api/v1/dossiers")).await, 401, "unauthenticated");
    let reception = login(&router, "tiepnhan.hoian").await;

    let request = |body: &Value, key: &str| with_key(post_json("/api/v1/dossiers", body, Some(&reception)), key);
    let first = send(&router, request(&new_dossier("048203000001"), "quay-1-lan-1")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let d = first.json();
    assert_eq!(d["code"], FIRST_CODE);
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("accepted"), json!(2)));
    assert_eq!(d["status_label"], "Được tiếp nhận");
    assert_eq!((d["receiving_unit"].clone(), d["competent_unit"].clone()), (json!("c20410"), json!("c20410")));
    assert_eq!(d["channel"], "counter");
    assert!(d["due_at"].is_string() && d["received_at"].is_string(), "{d}");

    // A retry with the same key and body is the same dossier; the same key with another body is refused.
    let again = send(&router, request(&new_dossier("048203000001"), "quay-1-lan-1")).await;
    assert!(again.status.is_success(), "{}", again.body);
    assert_eq!(again.json()["id"], d["id"]);
    let reused = send(&router, request(&new_dossier("048203000002"), "quay-1-lan-1")).await;
    assert_problem(&reused, 409, "idempotency_key_reused");
    let second = receive(&router, &reception, &new_dossier("048203000002")).await;
    assert_eq!(second["code"], "000.66.60.H17-261127-0002", "the replay took no number");

    // Every bad field at once, located; nothing stored.
    let mut bad = new_dossier("12345");
    bad["components"] = json!([]);
    bad["form"]["so_dien_thoai"] = json!("123");
    let reply = send(&router, post_json("/api/v1/dossiers", &bad, Some(&reception))).await;
    assert_problem(&reply, 422, "invalid_input");
    let fields: Vec<String> =
        reply.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
    for field in ["applicant.id_number", "components.tp7", "form.so_dien_thoai"] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }
    // A procedure whose published time has no unit gets no appointment.
    let mut birth = new_dossier("048203000001");
    birth["procedure"] = json!("1.001193");
    birth["form"] = valid_birth_values();
    birth["components"] = json!(["tp4", "tp6"]);
    let unconfirmed = send(&router, post_json("/api/v1/dossiers", &birth, Some(&reception))).await;
    assert_problem(&unconfirmed, 422, "invalid_input");
    assert!(
        unconfirmed.json()["detail"].as_str().unwrap().contains("chưa được xác nhận đơn vị"),
        "{}",
        unconfirmed.body
    );

    // The queue, soonest due first; the dossier and its history.
    let queue = send(&router, with_token(get("/api/v1/dossiers"), &reception)).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    let ids: Vec<Value> = queue.json().as_array().unwrap().iter().map(|d| d["id"].clone()).collect();
    assert_eq!(ids, [d["id"].clone(), second["id"].clone()]);
    let id = d["id"].as_str().unwrap();
    let one = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}")), &reception)).await;
    assert_eq!(one.json()["code"], FIRST_CODE);
    let timeline = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}/timeline")), &reception)).await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    let steps = timeline.json();
    assert_eq!(steps.as_array().unwrap().len(), 1);
    assert_eq!(steps[0]["action"], "receive_at_counter");
    assert_eq!(steps[0]["action_label"], "Tiếp nhận trực tiếp");
    assert_eq!(steps[0]["to"], "accepted");

    // Anonymous callers and officers of other units see nothing.
    assert_problem(&send(&router, get(&format!("/api/v1/dossiers/{id}"))).await, 401, "unauthenticated");
    assert_problem(&send(&router, get(&format!("/api/v1/dossiers/{id}/timeline"))).await, 401, "unauthenticated");
    assert_problem(
        &send(
            &router,
            post_json(
                &format!("/api/v1/dossiers/{id}/actions"),
                &json!({"action": "start_processing", "expected_version": 1}),
                None,
            ),
        )
        .await,
        401,
        "unauthenticated",
    );
    let stranger = login(&router, "thuly.stp").await;
    assert_problem(
        &send(&router, with_token(get(&format!("/api/v1/dossiers/{id}")), &stranger)).await,
        404,
        "not_found",
    );
    assert_problem(
        &send(&router, with_token(get(&format!("/api/v1/dossiers/{id}/timeline")), &stranger)).await,
        404,
        "not_found",
    );
    assert_problem(&act(&router, &stranger, &d, "start_processing", None).await, 404, "not_found");
    let theirs = send(&router, with_token(get("/api/v1/dossiers"), &stranger)).await;
    assert_eq!(theirs.json(), json!([]));
    assert_problem(&send(&router, with_token(get("/api/v1/dossiers/not-a-uuid"), &reception)).await, 404, "not_found");

    let doc = send(&router, get("/api/openapi.json")).await.json();
    for path in
        ["/api/v1/dossiers", "/api/v1/dossiers/{id}", "/api/v1/dossiers/{id}/timeline", "/api/v1/dossiers/{id}/actions"]
    {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
    let codes = send(&router, get("/api/errors")).await;
    assert!(codes.body.contains("idempotency_key_reused"));
}

pub async fn dossier_lifecycle_over_http(db: Db) {
    let (router, app) = app(db).await;
    commune_head(&app).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let head = login(&router, "chutich.hoian").await;
    let d = receive(&router, &reception, &new_dossier("048203000001")).await;

    // Not possible now, and the state machine says why in Vietnamese.
    let early = act(&router, &reception, &d, "return_result", None).await;
    assert_problem(&early, 422, "invalid_input");
    let detail = early.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.starts_with("Không thể trả kết quả khi hồ sơ đang ở trạng thái"), "{detail}");
    assert_problem(&act(&router, &reception, &d, "fly_away", None).await, 422, "invalid_input");

    let d = act_ok(&router, &reception, &d, "start_processing", None).await;
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("processing"), json!(4)));
    let no_reason = act(&router, &reception, &d, "request_supplement", None).await;
    assert_problem(&no_reason, 422, "invalid_input");
    assert!(no_reason.json()["detail"].as_str().unwrap().contains("lý do"), "{}", no_reason.body);
    let not_theirs = act(&router, &reception, &d, "issue_result", None).await;
    assert_problem(&not_theirs, 403, "forbidden");
    assert!(not_theirs.json()["detail"].as_str().unwrap().contains("vai trò"), "{}", not_theirs.body);

    let d = act_ok(&router, &reception, &d, "request_supplement", Some("Bổ sung biên bản họp nhóm cá nhân")).await;
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("supplement_requested"), json!(5)));
    assert_eq!(d["supplement_requests"], 1);
    let d = act_ok(&router, &reception, &d, "supplement", None).await;
    assert_eq!(d["status"], "processing");
    let d = act_ok(&router, &head, &d, "issue_result", None).await;
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("processed"), json!(9)));
    let d = act_ok(&router, &reception, &d, "return_result", None).await;
    assert_eq!((d["status"].clone(), d["national_status"].clone()), (json!("returned"), json!(10)));
    let closed = act(&router, &reception, &d, "return_result", None).await;
    assert_problem(&closed, 422, "invalid_input");
    assert!(closed.json()["detail"].as_str().unwrap().contains("đã kết thúc"), "{}", closed.body);

    let id = d["id"].as_str().unwrap();
    let timeline = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}/timeline")), &head)).await.json();
    let steps: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        ["receive_at_counter", "start_processing", "request_supplement", "supplement", "issue_result", "return_result"]
    );
    assert_eq!(timeline[2]["reasons"], "Bổ sung biên bản họp nhóm cá nhân");
    assert_eq!(timeline[4]["actor_kind"], "officer");
    // A returned dossier has left the queue.
    let queue = send(&router, with_token(get("/api/v1/dossiers"), &reception)).await.json();
    assert!(queue.as_array().unwrap().iter().all(|q| q["id"] != d["id"]));

    // Two actions on one version: one wins, the other is told the dossier changed.
    let d = receive(&router, &reception, &new_dossier("048203000002")).await;
    let id = d["id"].as_str().unwrap().to_owned();
    let start = json!({"action": "start_processing", "expected_version": d["version"]});
    let withdraw = json!({"action": "withdraw", "expected_version": d["version"]});
    let (a, b) =
        tokio::join!(send(&router, action(&id, &reception, &start)), send(&router, action(&id, &reception, &withdraw)));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
    let loser = if a.status == StatusCode::CONFLICT { a } else { b };
    assert_problem(&loser, 409, "stale_version");
}

pub async fn officer_pages_receive_and_act(db: Db) {
    let (router, _) = app(db).await;
    for path in ["/can-bo/tiep-nhan", &format!("/can-bo/tiep-nhan/{PROCEDURE}"), "/can-bo/ho-so"] {
        assert_eq!(location(&send(&router, get(path)).await), "/dang-nhap", "{path}");
    }
    let cookie = page_cookie(&router, "tiepnhan.hoian").await;
    let workspace = send(&router, page_get("/can-bo", &cookie)).await;
    assert!(workspace.body.contains("href=\"/can-bo/tiep-nhan\">Tiếp nhận hồ sơ</a>"), "{}", workspace.body);
    assert!(workspace.body.contains("href=\"/can-bo/ho-so\">Hồ sơ đang giải quyết</a>"));
    let admin = page_cookie(&router, "kiemtra").await;
    assert!(!send(&router, page_get("/can-bo", &admin)).await.body.contains("/can-bo/tiep-nhan"));

    let desk = send(&router, page_get("/can-bo/tiep-nhan", &cookie)).await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
    assert!(
        desk.body.contains(&format!("<option value=\"{PROCEDURE}\">{PROCEDURE} — Tạm ngừng kinh doanh")),
        "{}",
        desk.body
    );
    let chosen = send(&router, page_get(&format!("/can-bo/tiep-nhan?thu_tuc=&ma={PROCEDURE}"), &cookie)).await;
    assert_eq!(location(&chosen), format!("/can-bo/tiep-nhan/{PROCEDURE}"));
    let unknown = send(&router, page_get("/can-bo/tiep-nhan?ma=9.999999", &cookie)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("không có hoặc chưa công khai"));

    let path = format!("/can-bo/tiep-nhan/{PROCEDURE}");
    let form = send(&router, page_get(&path, &cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for text in [
        "Số định danh cá nhân của người nộp",
        "Họ, chữ đệm và tên chủ hộ kinh doanh",
        "Thành phần hồ sơ đã nhận",
        "name=\"thanh-phan-tp7\"",
        "Bắt buộc",
        "01 ngày làm việc",
        "name=\"khoa-chong-trung\"",
    ] {
        assert!(form.body.contains(text), "{text}");
    }

    // Sent empty: every problem in a summary and next to its field; the missing component named by the app.
    let empty = send(&router, page_post(&path, Some(&cookie), "truong-hop=&khoa-chong-trung=k1")).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &empty.body;
    assert!(body.contains("Chưa tiếp nhận được hồ sơ: có"), "{body}");
    assert!(body.contains("href=\"#nguoi-nop-so-dinh-danh\""), "{body}");
    assert!(
        body.contains("id=\"nguoi-nop-so-dinh-danh-loi\">Số định danh cá nhân phải gồm đúng 12 chữ số hợp lệ.</p>")
    );
    assert!(body.contains(
        "aria-invalid=\"true\" aria-describedby=\"nguoi-nop-so-dinh-danh-goi-y nguoi-nop-so-dinh-danh-loi\""
    ));
    assert!(body.contains("id=\"f-ho_ten_chu_ho-loi\">Vui lòng nhập thông tin này.</p>"), "{body}");
    assert!(body.contains("Thiếu thành phần hồ sơ bắt buộc: Giấy đề nghị đăng ký tạm ngừng kinh doanh"));
    assert!(body.contains("href=\"#thanh-phan-tp7\""));

    // Unconfirmed statutory time: the app's message.
    let mut birth: Vec<(String, String)> = valid_birth_values()
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    for (k, v) in [
        ("nguoi-nop-so-dinh-danh", "048190001234"),
        ("nguoi-nop-ho-ten", "Trần Thị Mai"),
        ("thanh-phan-tp4", "1"),
        ("thanh-phan-tp6", "1"),
    ] {
        birth.push((k.into(), v.into()));
    }
    let pairs: Vec<(&str, &str)> = birth.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let unconfirmed = send(&router, page_post("/can-bo/tiep-nhan/1.001193", Some(&cookie), &form_body(&pairs))).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unconfirmed.body.contains("chưa được xác nhận đơn vị; chưa thể hẹn ngày trả kết quả"),
        "{}",
        unconfirmed.body
    );

    // Received: to the dossier's page.
    let values = form_values();
    let mut pairs: Vec<(&str, &str)> =
        values.as_object().unwrap().iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect();
    pairs.extend([
        ("nguoi-nop-so-dinh-danh", "048203000001"),
        ("nguoi-nop-ho-ten", "Nguyễn Thị Dân"),
        ("nguoi-nop-dien-thoai", "0905123456"),
        ("thanh-phan-tp7", "1"),
        ("khoa-chong-trung", "trang-1"),
        ("truong-hop", ""),
        ("don-vi", ""),
    ]);
    let received = send(&router, page_post(&path, Some(&cookie), &form_body(&pairs))).await;
    assert_eq!(received.status, StatusCode::SEE_OTHER, "{}", received.body);
    let dossier_path = location(&received);
    assert!(dossier_path.starts_with("/can-bo/ho-so/") && dossier_path.ends_with("?da_tiep_nhan=1"), "{dossier_path}");
    // A double submission is the same dossier.
    let twice = send(&router, page_post(&path, Some(&cookie), &form_body(&pairs))).await;
    assert_eq!(location(&twice), dossier_path);

    let page = send(&router, page_get(&dossier_path, &cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        &format!("<h1>Hồ sơ {FIRST_CODE}</h1>"),
        "Đã tiếp nhận hồ sơ",
        "<strong>Được tiếp nhận</strong>",
        "mã trạng thái quốc gia 2",
        "phiên bản 1",
        "Phường Hội An",
        "Nguyễn Thị Dân",
        "Tiếp nhận trực tiếp",
        "Võ Thị Hội An",
        "value=\"start_processing\"",
        "name=\"expected_version\" value=\"1\"",
        "/bien-nhan\">Giấy tiếp nhận hồ sơ và hẹn trả kết quả</a>",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("value=\"issue_result\""), "only actions one of the officer's roles may take");
    let dossier = dossier_path.split('?').next().unwrap().to_owned();

    let inbox = send(&router, page_get("/can-bo/ho-so", &cookie)).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains(&format!("href=\"{dossier}\"><code>{FIRST_CODE}</code></a>")), "{}", inbox.body);
    assert!(inbox.body.contains("Tạm ngừng kinh doanh") && inbox.body.contains("Được tiếp nhận"));

    let receipt = send(&router, page_get(&format!("{dossier}/bien-nhan"), &cookie)).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    for text in [
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "Mẫu số 01",
        FIRST_CODE,
        "Phường Hội An",
        "Nguyễn Thị Dân",
        "Giấy đề nghị đăng ký tạm ngừng kinh doanh",
        "27/11/2026",
        "Thời gian trả kết quả",
    ] {
        assert!(receipt.body.contains(text), "{text}");
    }
    assert!(send(&router, get("/static/app.css")).await.body.contains("@media print"));

    // An action, then the same version again: the conflict with the current state.
    let act = |version: &str, action: &str| {
        page_post(&format!("{dossier}/thao-tac"), Some(&cookie), &format!("action={action}&expected_version={version}"))
    };
    let started = send(&router, act("1", "start_processing")).await;
    assert_eq!(location(&started), format!("{dossier}?da_cap_nhat=start_processing"), "{}", started.body);
    let after = send(&router, page_get(&location(&started), &cookie)).await;
    assert!(after.body.contains("Đã thực hiện: Chuyển xử lý. Trạng thái hiện tại: Đang xử lý."), "{}", after.body);
    assert!(after.body.contains("id=\"ly-do-request_supplement\""), "a reasons box where reasons are required");
    let stale = send(&router, act("1", "withdraw")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("trạng thái hiện tại: Đang xử lý"), "{}", stale.body);
    assert!(stale.body.contains("name=\"expected_version\" value=\"2\""));
    let no_reason = send(&router, act("2", "request_supplement")).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Cần ghi rõ lý do khi yêu cầu bổ sung giấy tờ."), "{}", no_reason.body);

    // Officers of other units do not see it.
    let stranger = page_cookie(&router, "thuly.stp").await;
    assert_eq!(send(&router, page_get(&dossier, &stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(send(&router, page_get(&format!("{dossier}/bien-nhan"), &stranger)).await.status, StatusCode::NOT_FOUND);
    assert!(!send(&router, page_get("/can-bo/ho-so", &stranger)).await.body.contains(FIRST_CODE));
    assert_eq!(location(&send(&router, get(&dossier)).await), "/dang-nhap");
    let cookie_header = Request::get(&dossier).header(header::COOKIE, "motcua_session=x").body(Body::empty()).unwrap();
    assert_eq!(location(&send(&router, cookie_header).await), "/dang-nhap");
}

pub async fn public_status_lookup_shows_no_personal_data(db: Db) {
    let (router, _) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let d = receive(&router, &reception, &new_dossier("048203000001")).await;
    let code = d["code"].as_str().unwrap().to_owned();
    let phone: String =
        d["applicant"]["phone"].as_str().unwrap().chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let found =
        send(&router, post_json("/api/v1/dossier-status", &json!({ "code": code, "secret": phone }), None)).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let body = found.json();
    assert_eq!(body["status"], "accepted");
    assert_eq!(body["national_status"], 2);
    let name = d["applicant"]["full_name"].as_str().unwrap();
    assert!(!found.body.contains(name) && !found.body.contains("048203000001"), "no personal data: {}", found.body);
    let wrong =
        send(&router, post_json("/api/v1/dossier-status", &json!({ "code": code, "secret": "0000" }), None)).await;
    assert_problem(&wrong, 404, "not_found");
    // The page: a form, then the status with its steps.
    let page = send(&router, get("/tra-cuu-ho-so")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Tra cứu tình trạng hồ sơ"));
    // The QR code of the legal forms lands here with the code filled in, and nothing else.
    let from_qr = send(&router, get(&format!("/tra-cuu-ho-so?ma={}", urlencode(&code)))).await;
    assert!(from_qr.body.contains(&format!("value=\"{code}\"")), "{}", from_qr.body);
    assert!(!from_qr.body.contains("Được tiếp nhận"), "the code alone shows no status");
    let form = format!("code={}&secret={}", urlencode(&code), phone);
    let result = send(&router, page_post("/tra-cuu-ho-so", None, &form)).await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.body);
    assert!(result.body.contains("Được tiếp nhận") && result.body.contains("Tiếp nhận trực tiếp"), "{}", result.body);
    assert!(!result.body.contains(name));
    let refused =
        send(&router, page_post("/tra-cuu-ho-so", None, &format!("code={}&secret=1234", urlencode(&code)))).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.body.contains("Không tìm thấy hồ sơ"));
}

/// Postal reception through the API: `channel: "postal"` with the postal item number, which the reception event
/// records; a missing or malformed item, an unknown channel and an item on a counter dossier are refused per field.
pub async fn postal_reception_over_the_api(db: Db) {
    let (router, _) = app(db).await;
    let reception = login(&router, "tiepnhan.hoian").await;
    let fields_of = |reply: &Reply| -> Vec<String> {
        reply.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
    };
    let with = |channel: Option<&str>, item: Option<&str>| {
        let mut body = new_dossier("048203000001");
        if let Some(c) = channel {
            body["channel"] = json!(c);
        }
        if let Some(i) = item {
            body["postal_item"] = json!(i);
        }
        body
    };
    for (channel, item, field, words) in [
        (Some("postal"), None, "postal_item", "Vui lòng nhập số hiệu bưu gửi"),
        (Some("postal"), Some("   "), "postal_item", "Vui lòng nhập số hiệu bưu gửi"),
        (Some("postal"), Some("số 1"), "postal_item", "chữ cái không dấu"),
        (Some("pigeon"), None, "channel", "Kênh tiếp nhận"),
        (None, Some("EB123456789VN"), "postal_item", "chỉ dùng cho hồ sơ nhận qua bưu chính"),
    ] {
        let reply = send(&router, post_json("/api/v1/dossiers", &with(channel, item), Some(&reception))).await;
        assert_problem(&reply, 422, "invalid_input");
        assert_eq!(fields_of(&reply), [field], "{channel:?} {item:?}: {}", reply.body);
        assert!(reply.body.contains(words), "{words}: {}", reply.body);
    }
    // Nothing was stored or numbered by the refusals.
    let queue = send(&router, with_token(get("/api/v1/dossiers"), &reception)).await;
    assert_eq!(queue.json(), json!([]));

    let d = receive(&router, &reception, &with(Some("postal"), Some(" eb 123456789 vn "))).await;
    assert_eq!(d["channel"], "postal");
    assert_eq!(d["code"], FIRST_CODE, "coded like a counter dossier");
    assert_eq!(d["status"], "accepted");
    assert!(d["due_at"].is_string(), "{d}");
    let id = d["id"].as_str().unwrap();
    let timeline = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}/timeline")), &reception)).await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    let steps = timeline.json();
    assert_eq!(steps.as_array().unwrap().len(), 1, "{steps}");
    assert_eq!(steps[0]["note"], "Số hiệu bưu gửi: EB123456789VN");
    // The explicit counter channel still works and records no item.
    let counter = receive(&router, &reception, &with(Some("counter"), None)).await;
    assert_eq!(counter["channel"], "counter");
    let id = counter["id"].as_str().unwrap();
    let timeline = send(&router, with_token(get(&format!("/api/v1/dossiers/{id}/timeline")), &reception)).await;
    assert_eq!(timeline.json()[0]["note"], Value::Null);
    // Under one idempotency key, the postal item number is part of the request: the same item replays the
    // dossier, another item is a different request.
    let keyed = |item: &str| {
        with_key(post_json("/api/v1/dossiers", &with(Some("postal"), Some(item)), Some(&reception)), "post-1")
    };
    let first = send(&router, keyed("EB000000001VN")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = send(&router, keyed("EB000000001VN")).await;
    assert_eq!(again.json()["id"], first.json()["id"], "{}", again.body);
    assert_problem(&send(&router, keyed("EB000000002VN")).await, 409, "idempotency_key_reused");
    // It then follows the normal path.
    let started = act_ok(&router, &reception, &d, "start_processing", None).await;
    assert_eq!(started["status"], "processing");

    let doc = send(&router, get("/api/openapi.json")).await.json();
    let schema = &doc["components"]["schemas"]["NewDossierDto"]["properties"];
    assert!(schema.get("channel").is_some() && schema.get("postal_item").is_some(), "{schema}");
}
