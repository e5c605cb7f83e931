//! Filing for another person over HTTP: a parent logged in through the reference identity provider files for
//! their child through the API (verified in the reference population registry, logged), the dossier pages and API
//! show the representation to the parent and to reception, the child sees the lookup in "who looked up my data",
//! and a representative without a recorded relationship is refused with `representation_not_recorded`. On the e-form
//! a parent has the form prefilled with their child's registry data (locked) and files it for the child; the child
//! opens that dossier read-only from "Hồ sơ của tôi" and cannot act on it.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use chrono::NaiveDate;
use motcua_app::population::SigningIdentity;
use motcua_app::population::http::{HttpRegistry, HttpRegistryConfig};
use motcua_domain::access::Principal;
use motcua_reference::idp::IdpUser;
use motcua_reference::registry::{Population, Registry};
use motcua_storage::Db;
use serde_json::{Value, json};

use crate::cases::{assert_problem, get, login, post_json, send};
use crate::catalogue::{page_get, page_post, with_token};
use crate::citizen::{L2, filing_body, log_in};
use motcua_app::dossiers::representation::{PURPOSE_PREFILL_SUBJECT, PURPOSE_VERIFY_PARENT};

const PROCEDURE: &str = "1.001570";

struct World {
    router: Router,
    app: motcua_app::App,
    father: String,
    child: String,
    child_name: String,
    /// A complete filing of the procedure, without `on_behalf_of`.
    filing: Value,
}

async fn setup(db: Db) -> World {
    let population = Population::new(42, 2000);
    let child = (0..500)
        .filter_map(|i| population.person(i))
        .find(|c| c.father.as_ref().and_then(|f| f.id_number.as_ref()).is_some())
        .unwrap();
    let father = child.father.as_ref().unwrap().id_number.clone().unwrap();
    let registry = Registry::new(population, "test-key");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let registry_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(registry.serve(listener));

    let born = NaiveDate::from_ymd_opt(1980, 4, 30).unwrap();
    let users = vec![
        IdpUser::new(L2, "Nguyễn Thị Dân", born, true),
        IdpUser::new(&father, "Cha Của Con", born, true),
        IdpUser::new(child.id_number.as_str(), &child.full_name(), born, true),
    ];
    let app = crate::citizen::with_identity(db, users).await;
    let key = SigningIdentity::from_hex("k1", &"1".repeat(64)).unwrap();
    let mut connector = HttpRegistryConfig::new(registry_url, "test-key");
    connector.timeout = Duration::from_secs(2);
    let app = app
        .with_lookup_log_key(key, chrono::Duration::minutes(1))
        .await
        .unwrap()
        .with_population_registry(Arc::new(HttpRegistry::new(connector).unwrap()));
    let p = app.procedure(&Principal::Anonymous, PROCEDURE, None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), &father, "p48", "c20410");
    let components: Vec<String> = p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect();
    let filing = json!({"procedure": PROCEDURE, "unit": "c20410", "form": form, "components": components});
    World {
        router: crate::citizen::serve(app.clone()),
        app,
        father,
        child: child.id_number.to_string(),
        child_name: child.full_name(),
        filing,
    }
}

fn token(cookie: &str) -> &str {
    cookie.trim_start_matches("motcua_citizen=")
}

pub async fn a_parent_files_for_a_child_through_the_api_and_pages(db: Db) {
    let World { router, father, child, filing, .. } = setup(db).await;
    let father_cookie = log_in(&router, &father, "/").await;

    let mut body = filing.clone();
    body["on_behalf_of"] = json!({"kind": "parent", "subject_id_number": child});
    let filed = send(&router, post_json("/api/v1/citizen/dossiers", &body, Some(token(&father_cookie)))).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let id = filed.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(filed.json()["applicant"]["id_number"], father.as_str());

    // The father's API and page show whom it was filed for and on what footing.
    let own = send(&router, with_token(get(&format!("/api/v1/citizen/dossiers/{id}")), token(&father_cookie))).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let rep = &own.json()["representation"];
    assert_eq!((rep["kind"].as_str(), rep["subject_id_number"].as_str()), (Some("parent"), Some(child.as_str())));
    assert!(rep["evidence_lookup_id"].is_string());
    let page = send(&router, page_get(&format!("/ca-nhan/ho-so/{id}"), &father_cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nộp thay cho") && page.body.contains(&child), "{}", page.body);
    assert!(page.body.contains("Cha, mẹ nộp cho con"));

    // Reception of the competent unit sees it on the officer's dossier page.
    let reception = login(&router, "tiepnhan.hoian").await;
    let officer_page = send(&router, with_token(get(&format!("/can-bo/ho-so/{id}")), &reception)).await;
    assert_eq!(officer_page.status, StatusCode::OK, "{}", officer_page.body);
    assert!(officer_page.body.contains("Nộp thay cho") && officer_page.body.contains(&child));

    // The child sees who looked their record up, and why.
    let child_cookie = log_in(&router, &child, "/").await;
    let mine = send(&router, with_token(get("/api/v1/population/lookups/mine"), token(&child_cookie))).await.json();
    let mine = mine.as_array().unwrap();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(mine[0]["purpose"].as_str().unwrap().contains("Xác minh quan hệ cha/mẹ"));
    assert_eq!(mine[0]["procedure_code"], PROCEDURE);
    // The child is not the filer: the dossier is not in their list.
    let theirs = send(&router, with_token(get("/api/v1/citizen/dossiers"), token(&child_cookie))).await.json();
    assert!(theirs.as_array().unwrap().is_empty());

    // Someone who is not the child's parent is refused, and nothing is filed.
    let stranger = log_in(&router, L2, "/").await;
    let mut body = filing.clone();
    body["on_behalf_of"] = json!({"kind": "parent", "subject_id_number": child});
    let refused = send(&router, post_json("/api/v1/citizen/dossiers", &body, Some(token(&stranger)))).await;
    assert_problem(&refused, 422, "representation_not_verified");
    // Authorised without the authorisation paper: refused with the stable code and a Vietnamese message.
    body["on_behalf_of"] = json!({"kind": "authorised", "subject_id_number": child});
    let refused = send(&router, post_json("/api/v1/citizen/dossiers", &body, Some(token(&stranger)))).await;
    assert_problem(&refused, 422, "representation_not_recorded");
    assert!(refused.json()["detail"].as_str().unwrap_or_default().contains("giấy ủy quyền"), "{}", refused.body);
    let listed = send(&router, with_token(get("/api/v1/citizen/dossiers"), token(&stranger))).await.json();
    assert!(listed.as_array().unwrap().is_empty());

    // The e-form page offers "Nộp cho"; filing as an authorised representative without the paper renders the form
    // again with the Vietnamese reason and the values kept.
    let form = send(&router, page_get(&format!("/thu-tuc/{PROCEDURE}/nop"), &stranger)).await;
    assert!(form.body.contains("Hồ sơ này nộp cho") && form.body.contains("value=\"parent\""), "{}", form.body);
    let body = format!("{}&nop-cho=authorised&nop-cho-so-dinh-danh={child}", filing_body("k-rep"));
    let refused = send(&router, page_post(&format!("/thu-tuc/{PROCEDURE}/nop"), Some(&stranger), &body)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("giấy ủy quyền hoặc quyết định giám hộ"), "{}", refused.body);
    assert!(refused.body.contains(&format!("value=\"{child}\"")));
    // A malformed ID number of the person filed for is refused with the ID-number rule's message.
    let body = format!("{}&nop-cho=parent&nop-cho-so-dinh-danh=12345", filing_body("k-rep2"));
    let refused = send(&router, page_post(&format!("/thu-tuc/{PROCEDURE}/nop"), Some(&stranger), &body)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("12 chữ số"), "{}", refused.body);
    let listed = send(&router, with_token(get("/api/v1/citizen/dossiers"), token(&stranger))).await.json();
    assert!(listed.as_array().unwrap().is_empty());
}

/// The purposes of the lookups of `id_number`'s record, as they see them, oldest first.
async fn lookups_of(router: &Router, cookie: &str) -> Vec<String> {
    let mine = send(router, with_token(get("/api/v1/population/lookups/mine"), token(cookie))).await.json();
    let mut purposes: Vec<String> =
        mine.as_array().unwrap().iter().map(|l| l["purpose"].as_str().unwrap().to_owned()).collect();
    purposes.reverse();
    purposes
}

pub async fn a_parent_has_the_form_prefilled_with_their_childs_data_and_files_it(db: Db) {
    let World { router, app, father, child, child_name, .. } = setup(db).await;
    let url = format!("/thu-tuc/{PROCEDURE}/nop");
    let father_cookie = log_in(&router, &father, "/").await;
    let child_cookie = log_in(&router, &child, "/").await;

    // The form offers "Nộp cho con".
    let form = send(&router, page_get(&url, &father_cookie)).await;
    assert!(form.body.contains("Nộp cho con") && form.body.contains("Điền sẵn thông tin của con"), "{}", form.body);
    assert!(!form.body.contains("nop-cho-dien-san"));

    // The father asks for his child's data: the relation is verified, the child's name fills the owner's name,
    // locked; the child's ID number is suggested; "Nộp cho" is set to the child.
    let body = format!("truong-hop=&hanh-dong=dien-san-con&nop-cho-so-dinh-danh={child}");
    let filled = send(&router, page_post(&url, Some(&father_cookie), &body)).await;
    assert_eq!(filled.status, StatusCode::OK, "{}", filled.body);
    assert!(filled.body.contains("Tờ khai đã được điền sẵn thông tin của con"), "{}", filled.body);
    assert!(
        filled.body.contains(&format!(r#"name="ho_ten_chu_ho" type="text" value="{child_name}" readonly"#)),
        "{}",
        filled.body
    );
    assert!(filled.body.contains(&format!(r#"name="so_dinh_danh" type="text" value="{child}" autocomplete"#)));
    assert!(filled.body.contains(&format!(r#"name="nop-cho-dien-san" value="{child}""#)));
    assert!(filled.body.contains(r#"value="parent" selected"#));
    assert!(!filled.body.contains("Cha Của Con\" readonly"), "none of the father's own data is locked in");
    // Both lookups of the child are logged with their purpose; the child sees them.
    assert_eq!(lookups_of(&router, &child_cookie).await, [PURPOSE_VERIFY_PARENT, PURPOSE_PREFILL_SUBJECT]);

    // Filed from that form (whatever the browser sends for the locked field, the registry's value is kept): the
    // dossier is for the child, and its owner's name is the child's.
    let body = format!(
        "{}&nop-cho=parent&nop-cho-so-dinh-danh={child}&nop-cho-dien-san={child}",
        crate::citizen::filing_body("k-con").replace("so_dinh_danh=048203000001", &format!("so_dinh_danh={child}"))
    );
    let filed = send(&router, page_post(&url, Some(&father_cookie), &body)).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let location = filed.headers.get("location").unwrap().to_str().unwrap().to_owned();
    let id: uuid::Uuid = location.trim_start_matches("/ca-nhan/ho-so/").trim_end_matches("?da_nop=1").parse().unwrap();
    let page = send(&router, page_get(&location, &father_cookie)).await;
    assert!(page.body.contains("Nộp thay cho") && page.body.contains(&child), "{}", page.body);
    let mut tx = app.db().read().await.unwrap();
    let stored = motcua_storage::dossiers::get(&mut tx, id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(stored.form.0["ho_ten_chu_ho"], child_name.as_str());
    assert_eq!(stored.form.0["so_dinh_danh"], child.as_str());
    assert_eq!(stored.applicant.0["id_number"], father.as_str());
    let (sources, _) = app.dossier_provenance(&Principal::Citizen { id_number: father.clone() }, id).await.unwrap();
    assert_eq!(sources.get("ho_ten_chu_ho").map(String::as_str), Some("population.full_name"));

    // A bad ID number: a clear message on the page, nothing prefilled, no lookup.
    let before = lookups_of(&router, &child_cookie).await.len();
    let refused = send(
        &router,
        page_post(&url, Some(&father_cookie), "truong-hop=&hanh-dong=dien-san-con&nop-cho-so-dinh-danh=12345"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("Chưa điền sẵn được thông tin của con"), "{}", refused.body);
    assert!(refused.body.contains("12 chữ số") && refused.body.contains(r#"value="12345""#), "{}", refused.body);
    assert!(!refused.body.contains("nop-cho-dien-san") && !refused.body.contains("Tờ khai đã được điền sẵn"));
    // Someone the registry does not give as the child's parent: refused with the reason, nothing of the child's.
    let stranger = log_in(&router, L2, "/").await;
    let body = format!("truong-hop=&hanh-dong=dien-san-con&nop-cho-so-dinh-danh={child}");
    let refused = send(&router, page_post(&url, Some(&stranger), &body)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("Chưa điền sẵn được thông tin của con") && refused.body.contains("cha hoặc mẹ"));
    assert!(!refused.body.contains(&child_name) && !refused.body.contains("nop-cho-dien-san"), "{}", refused.body);
    // The refusal's check is logged like any lookup (its purpose: the verification), no prefill lookup followed.
    let after = lookups_of(&router, &child_cookie).await;
    assert_eq!(after[before..], [PURPOSE_VERIFY_PARENT]);
    // Nor can the stranger slip the child's values in by claiming a prefilled form: the filing re-verifies.
    let body = format!(
        "{}&nop-cho=parent&nop-cho-so-dinh-danh={child}&nop-cho-dien-san={child}",
        crate::citizen::filing_body("k-lay")
    );
    let refused = send(&router, page_post(&url, Some(&stranger), &body)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("cha hoặc mẹ"), "{}", refused.body);
}

pub async fn the_child_opens_the_dossier_filed_for_them_read_only(db: Db) {
    let World { router, father, child, filing, .. } = setup(db).await;
    let father_cookie = log_in(&router, &father, "/").await;
    let mut body = filing.clone();
    body["on_behalf_of"] = json!({"kind": "parent", "subject_id_number": child});
    let filed = send(&router, post_json("/api/v1/citizen/dossiers", &body, Some(token(&father_cookie)))).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let (id, code) =
        (filed.json()["id"].as_str().unwrap().to_owned(), filed.json()["code"].as_str().unwrap().to_owned());
    let version = filed.json()["version"].as_i64().unwrap();

    // "Hồ sơ của tôi": a separate section lists it, with who filed and how.
    let child_cookie = log_in(&router, &child, "/").await;
    let list = send(&router, page_get("/ca-nhan/ho-so", &child_cookie)).await;
    assert_eq!(list.status, StatusCode::OK);
    let (own, for_me) = list.body.split_once("Hồ sơ người khác nộp thay cho tôi").expect("the section");
    assert!(!own.contains(&code) && own.contains("Bạn chưa có hồ sơ nào"), "{}", list.body);
    assert!(for_me.contains(&format!(r#"<a href="/ca-nhan/ho-so/{id}">{code}</a>"#)), "{}", list.body);
    assert!(for_me.contains("Cha Của Con") && for_me.contains("Cha, mẹ nộp cho con"), "{}", list.body);
    // The father's list has no such section.
    let fathers = send(&router, page_get("/ca-nhan/ho-so", &father_cookie)).await;
    assert!(fathers.body.contains(&code) && !fathers.body.contains("Hồ sơ người khác nộp thay cho tôi"));

    // The dossier page: status and timeline, who filed it for them; not the filer's lookup PIN or notices.
    let page = send(&router, page_get(&format!("/ca-nhan/ho-so/{id}"), &child_cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("nộp thay cho bạn") && page.body.contains("Mới đăng ký"), "{}", page.body);
    assert!(page.body.contains("Quá trình giải quyết") && page.body.contains("Người nộp thay cho bạn"));
    assert!(!page.body.contains("Mã tra cứu") && !page.body.contains("Thông báo về hồ sơ"));
    // The API says the same, without the filer's phone and PIN.
    let api = format!("/api/v1/citizen/dossiers/{id}");
    let read = send(&router, with_token(get(&api), token(&child_cookie))).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.json()["dossier"]["code"], code.as_str());
    assert_eq!(read.json()["representation"]["kind"], "parent", "{}", read.body);
    assert!(read.json()["dossier"]["applicant"]["phone"].is_null(), "{}", read.body);
    // Another citizen still gets "not found", on the page and in the API.
    let stranger = log_in(&router, L2, "/").await;
    assert_eq!(send(&router, page_get(&format!("/ca-nhan/ho-so/{id}"), &stranger)).await.status, StatusCode::NOT_FOUND);
    assert_problem(&send(&router, with_token(get(&api), token(&stranger))).await, 404, "not_found");

    // The child cannot act on it: withdrawing through the API is "not found"; the father still can.
    let action = json!({"action": "withdraw", "expected_version": version});
    let url = format!("/api/v1/dossiers/{id}/actions");
    let refused = send(&router, post_json(&url, &action, Some(token(&child_cookie)))).await;
    assert_problem(&refused, 404, "not_found");
    let done = send(&router, post_json(&url, &action, Some(token(&father_cookie)))).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let page = send(&router, page_get(&format!("/ca-nhan/ho-so/{id}"), &child_cookie)).await;
    assert!(page.body.contains("Công dân yêu cầu rút hồ sơ"), "{}", page.body);
}
