//! Filing for another person over HTTP: a parent logged in through the reference identity provider files for
//! their child through the API (verified in the reference population registry, logged), the dossier pages and API
//! show the representation to the parent and to reception, the child sees the lookup in "who looked up my data",
//! and a representative without a recorded relationship is refused with `representation_not_recorded`.

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

const PROCEDURE: &str = "1.001570";

struct World {
    router: Router,
    father: String,
    child: String,
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
    World { router: crate::citizen::serve(app), father, child: child.id_number.to_string(), filing }
}

fn token(cookie: &str) -> &str {
    cookie.trim_start_matches("motcua_citizen=")
}

pub async fn a_parent_files_for_a_child_through_the_api_and_pages(db: Db) {
    let World { router, father, child, filing } = setup(db).await;
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
