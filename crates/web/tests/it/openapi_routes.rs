//! Every API route is in the OpenAPI document, and every documented path is served. An axum router cannot list its
//! routes, so the routes are listed here and checked three ways: the list equals the paths and methods of the
//! served `/api/openapi.json` (both directions); each of them reaches a handler rather than the router's fallback;
//! and no code in `crates/web/src` registers an `/api/v1` route outside `utoipa_axum::routes!` (which takes the path
//! from the handler's `#[utoipa::path]`, so such a route cannot be missing from the document).

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use motcua_storage::Db;

use crate::cases::{app, get, send};

/// Every route of the API: `(method, path)` as OpenAPI writes them. A new route goes here and in the document.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/audit-events"),
    ("get", "/api/v1/calendar/{year}"),
    ("put", "/api/v1/calendar/{year}"),
    ("get", "/api/v1/catalogue/export"),
    ("get", "/api/v1/catalogue/review"),
    ("get", "/api/v1/citizen"),
    ("get", "/api/v1/citizen/dossiers"),
    ("post", "/api/v1/citizen/dossiers"),
    ("get", "/api/v1/citizen/dossiers/{id}"),
    ("delete", "/api/v1/citizen/drafts/{procedure}"),
    ("get", "/api/v1/citizen/drafts/{procedure}"),
    ("put", "/api/v1/citizen/drafts/{procedure}"),
    ("post", "/api/v1/deadlines"),
    ("get", "/api/v1/documents/{id}/content"),
    ("get", "/api/v1/dossier-alerts"),
    ("post", "/api/v1/dossier-consultations/{id}/answer"),
    ("get", "/api/v1/dossier-inbox"),
    ("post", "/api/v1/dossier-status"),
    ("get", "/api/v1/dossiers"),
    ("post", "/api/v1/dossiers"),
    ("get", "/api/v1/dossiers/{id}"),
    ("post", "/api/v1/dossiers/{id}/actions"),
    ("post", "/api/v1/dossiers/{id}/components/{key}/files"),
    ("post", "/api/v1/dossiers/{id}/components/{key}/warehouse"),
    ("get", "/api/v1/dossiers/{id}/consultations"),
    ("get", "/api/v1/dossiers/{id}/control-slip"),
    ("get", "/api/v1/dossiers/{id}/documents"),
    ("get", "/api/v1/dossiers/{id}/forms"),
    ("get", "/api/v1/dossiers/{id}/forms/{form}"),
    ("get", "/api/v1/dossiers/{id}/forms/{form}/data"),
    ("post", "/api/v1/dossiers/{id}/result"),
    ("get", "/api/v1/dossiers/{id}/timeline"),
    ("get", "/api/v1/jobs"),
    ("post", "/api/v1/jobs/{id}/retry"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/officers"),
    ("patch", "/api/v1/officers/{id}"),
    ("delete", "/api/v1/officers/{id}/totp"),
    ("get", "/api/v1/population/lookups"),
    ("post", "/api/v1/population/lookups"),
    ("get", "/api/v1/population/lookups/mine"),
    ("get", "/api/v1/procedures"),
    ("get", "/api/v1/procedures/{code}"),
    ("put", "/api/v1/procedures/{code}"),
    ("post", "/api/v1/procedures/{code}/forms/validate"),
    ("post", "/api/v1/procedures/{code}/publish"),
    ("post", "/api/v1/procedures/{code}/review-decisions"),
    ("get", "/api/v1/procedures/{code}/versions"),
    ("post", "/api/v1/procedures/{code}/withdraw"),
    ("delete", "/api/v1/session"),
    ("post", "/api/v1/session"),
    ("post", "/api/v1/session/totp"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/units/{id}"),
    ("get", "/api/v1/units/{id}/office-hours"),
    ("put", "/api/v1/units/{id}/office-hours"),
    ("get", "/api/v1/units/{id}/officers"),
    ("post", "/api/v1/verify"),
    ("get", "/api/v1/verify/{code}"),
    ("get", "/api/v1/warehouse"),
    ("get", "/api/v1/warehouse/offers"),
    ("post", "/api/v1/warehouse/{id}/shares"),
    ("get", "/healthz"),
    ("get", "/readyz"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A concrete URI for a documented path.
fn concrete(path: &str) -> String {
    path.replace("{id}", "00000000-0000-0000-0000-000000000000")
        .replace("{key}", "tp1")
        .replace("{code}", "KQ0000000000")
        .replace("{year}", "2026")
        .replace("{form}", "to-khai")
        .replace("{procedure}", "1.001570")
}

pub async fn every_api_route_is_documented_and_served(db: Db) {
    let (router, _) = app(db).await;
    let doc = send(&router, get("/api/openapi.json")).await.json();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter(|m| item.get(**m).is_some()).map(move |m| ((*m).to_owned(), path.clone()))
        })
        .collect();
    let listed: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    let undocumented: Vec<_> = listed.difference(&documented).collect();
    assert!(undocumented.is_empty(), "routes missing from /api/openapi.json: {undocumented:?}");
    let unlisted: Vec<_> = documented.difference(&listed).collect();
    assert!(unlisted.is_empty(), "documented routes missing from ROUTES in this test: {unlisted:?}");

    // Each documented route reaches its handler (whatever it answers without credentials or a body), not the
    // router's fallback (404 "Không có địa chỉ …") or 405.
    for (method, path) in &documented {
        let uri = concrete(path);
        let request = Request::builder()
            .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let reply = send(&router, request).await;
        assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}: {}", reply.body);
        assert!(
            !(reply.status == StatusCode::NOT_FOUND && reply.body.contains("Không có địa chỉ")),
            "{method} {uri} is documented but not routed: {}",
            reply.body
        );
    }

    // No `/api/v1` route is registered by hand (`.route("/api/v1/…", …)`, a nested router …): only `routes!`.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let compact: String = text.split_whitespace().collect();
                for needle in
                    [".route(\"/api/v1", ".nest(\"/api/v1", ".route_service(\"/api/v1", ".nest_service(\"/api/v1"]
                {
                    if compact.contains(needle) {
                        offenders.push(format!("{} ({needle}…)", path.display()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "API routes registered outside utoipa_axum::routes!: {offenders:?}");
}
