//! The auditors' audit trail over HTTP: officer actions outside dossiers, filtered, in keyset pages and as CSV,
//! limited to the auditor's subtree — each case on SQLite and PostgreSQL.

use axum::http::StatusCode;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_storage::Db;
use serde_json::{Value, json};

use crate::cases::{app, assert_problem, get, login, post_json, send};
use crate::catalogue::with_token;

fn actions(page: &Value) -> Vec<String> {
    page["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

async fn new_officer(router: &axum::Router, admin: &str, username: &str, unit: &str, role: &str) {
    let body = json!({"username": username, "full_name": "Cán Bộ Kiểm Tra", "unit_id": unit, "password": DEMO_PASSWORD,
        "grants": [{"role": role, "unit_id": unit}]});
    let reply = send(router, post_json("/api/v1/officers", &body, Some(admin))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
}

pub async fn auditors_read_the_trail_of_their_subtree_only(db: Db) {
    let (router, _) = app(db).await;
    let admin = login(&router, "admin").await;
    let wrong = json!({"username": "thuly.hoian", "password": "sai mật khẩu"});
    assert_eq!(send(&router, post_json("/api/v1/session", &wrong, None)).await.status, StatusCode::UNAUTHORIZED);
    new_officer(&router, &admin, "kiemtra.hoian", "c20410", "auditor").await;
    new_officer(&router, &admin, "kiemtra.banthach", "c20335", "auditor").await;
    new_officer(&router, &admin, "moi.hoian", "c20410", "handler").await;

    // The province's auditor sees logins, the failed login and the accounts created, newest first.
    let auditor = login(&router, "kiemtra").await;
    let page = send(&router, with_token(get("/api/v1/audit-events"), &auditor)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let all = actions(&page.json());
    for action in ["session.created", "session.login_failed", "officer.created"] {
        assert!(all.contains(&action.to_owned()), "{action} in {all:?}");
    }
    assert!(all.iter().all(|a| !a.starts_with("dossier.") && !a.starts_with("document.")), "{all:?}");
    let at: Vec<String> =
        page.json()["entries"].as_array().unwrap().iter().map(|e| e["occurred_at"].as_str().unwrap().into()).collect();
    assert!(at.windows(2).all(|w| w[0] >= w[1]), "newest first: {at:?}");

    // Filters: action prefix, actor, period.
    let created = send(&router, with_token(get("/api/v1/audit-events?action=officer.created"), &auditor)).await.json();
    // The demo accounts (created by the system) and the three created here by the administrator.
    assert!(actions(&created).iter().all(|a| a == "officer.created") && actions(&created).len() > 3);
    let admin_id = created["entries"][0]["actor_id"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/audit-events?actor={admin_id}&action=officer.");
    let by_admin = send(&router, with_token(get(&uri), &auditor)).await.json();
    assert_eq!(actions(&by_admin), vec!["officer.created"; 3]);
    assert!(by_admin["entries"].as_array().unwrap().iter().all(|e| e["actor_id"] == admin_id.as_str()));
    let before = send(&router, with_token(get("/api/v1/audit-events?to=2026-11-26"), &auditor)).await.json();
    assert_eq!(before["entries"], json!([]), "nothing before the demo day");
    let bad = send(&router, with_token(get("/api/v1/audit-events?from=2026-11-28&to=2026-11-27"), &auditor)).await;
    assert_problem(&bad, 422, "invalid_input");

    // Keyset pages: one entry at a time, no repeat, no gap.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let uri = format!("/api/v1/audit-events?action=session.&limit=1&after={after}");
        let page = send(&router, with_token(get(&uri), &auditor)).await.json();
        seen.extend(page["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    let whole = send(&router, with_token(get("/api/v1/audit-events?action=session.&limit=500"), &auditor)).await;
    let full: Vec<String> =
        whole.json()["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().into()).collect();
    assert!(full.len() >= 3, "two logins and a failed one: {full:?}");
    assert_eq!(seen, full);
    assert_problem(
        &send(&router, with_token(get("/api/v1/audit-events?after=rac"), &auditor)).await,
        422,
        "invalid_input",
    );

    // CSV export of the same filter.
    let csv = send(&router, with_token(get(&format!("{uri}&format=csv")), &auditor)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"), "{}", csv.content_type());
    assert!(csv.body.contains("Thời điểm (UTC+7)") && csv.body.matches("officer.created").count() == 3, "{}", csv.body);

    // A ward's auditor sees its ward only; another ward's auditor sees nothing of it.
    let hoian = login(&router, "kiemtra.hoian").await;
    let own = send(&router, with_token(get("/api/v1/audit-events"), &hoian)).await.json();
    let units: Vec<Value> = own["entries"].as_array().unwrap().iter().map(|e| e["unit_id"].clone()).collect();
    // The ward, its service centre, and the former communes merged into it in 2025 (their history is the ward's).
    assert!(units.contains(&json!("c20410")), "{units:?}");
    assert!(
        units
            .iter()
            .all(|u| u.as_str().is_some_and(|u| u == "c20410" || u.starts_with("c20410.") || u.starts_with("qn-"))),
        "{units:?}"
    );
    let banthach = login(&router, "kiemtra.banthach").await;
    let theirs = send(&router, with_token(get("/api/v1/audit-events"), &banthach)).await.json();
    assert!(
        theirs["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["unit_id"].as_str().is_some_and(|u| u != "c20410" && !u.starts_with("c20410."))
                && e["actor_unit_id"] != "c20410"),
        "{theirs}"
    );
    assert_problem(
        &send(&router, with_token(get("/api/v1/audit-events?unit=c20410"), &banthach)).await,
        403,
        "forbidden",
    );
    assert_problem(&send(&router, with_token(get("/api/v1/audit-events?unit=p48"), &hoian)).await, 403, "forbidden");

    // Officers who are not auditors or administrators, and anonymous callers, are refused.
    let handler = login(&router, "thuly.hoian").await;
    assert_problem(&send(&router, with_token(get("/api/v1/audit-events"), &handler)).await, 403, "forbidden");
    assert_problem(&send(&router, get("/api/v1/audit-events")).await, 401, "unauthenticated");
    let doc = send(&router, get("/api/openapi.json")).await.json();
    assert!(doc["paths"].get("/api/v1/audit-events").is_some());
}
