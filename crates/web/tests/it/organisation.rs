//! Organisation accounts over HTTP (issue 6 §3): a person logs in with an organisation's account at the reference
//! identity provider, files for the organisation from the e-form page, and finds the organisation's dossiers — also
//! those a reception officer received at the counter for it — on "Hồ sơ của tổ chức" and in the API; procedures
//! not open to organisations and bad tax codes are refused with the reason.

use axum::http::StatusCode;
use chrono::NaiveDate;
use motcua_domain::access::Principal;
use motcua_reference::idp::IdpUser;
use motcua_storage::Db;
use serde_json::json;

use crate::cases::{assert_problem, form_body, get, login, post_json, send};
use crate::catalogue::{location, page_get, page_post, with_token};
use crate::citizen::{L2, log_in, serve, with_identity};

const TAX_CODE: &str = "0401234566";
const ORG_NAME: &str = "Công ty TNHH Xây dựng Hòa Xuân";
/// Certification of copies (chứng thực bản sao): open to citizens and organisations, commune level.
const FOR_ORGANISATIONS: &str = "2.000815";

pub async fn an_organisation_files_and_lists_its_dossiers(db: Db) {
    let born = NaiveDate::from_ymd_opt(1990, 4, 30).unwrap();
    let person = IdpUser::new(L2, "Nguyễn Thị Dân", born, true);
    let app = with_identity(db, vec![person.clone(), person.for_organisation(TAX_CODE, ORG_NAME)]).await;
    let router = serve(app.clone());
    let account = format!("{TAX_CODE}/{L2}");
    let cookie = log_in(&router, &account, "/ca-nhan/ho-so").await;

    // A procedure for citizens only: the form says why and offers no submit button.
    let citizens_only = send(&router, page_get("/thu-tuc/1.001570/nop", &cookie)).await;
    assert!(citizens_only.body.contains("không dành cho tổ chức, doanh nghiệp"), "{}", citizens_only.body);
    assert!(!citizens_only.body.contains("Nộp hồ sơ</button>"));

    // A procedure open to organisations: filed for the organisation; no "file for another person" section.
    let path = format!("/thu-tuc/{FOR_ORGANISATIONS}/nop");
    let form = send(&router, page_get(&path, &cookie)).await;
    assert!(form.body.contains(ORG_NAME) && form.body.contains(TAX_CODE), "{}", form.body);
    assert!(form.body.contains("Nộp hồ sơ</button>") && !form.body.contains("id=\"nop-thay\""), "{}", form.body);
    let p = app.procedure(&Principal::Anonymous, FOR_ORGANISATIONS, None).await.unwrap().procedure;
    let values = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), L2, "p48", "c20410");
    let mut pairs: Vec<(String, String)> = values.into_iter().collect();
    pairs.push(("don-vi".into(), "c20410".into()));
    pairs.push(("khoa-nop".into(), "org-1".into()));
    for c in p.components.iter().filter(|c| c.mandatory) {
        pairs.push((format!("thanh-phan-{}", c.key), "1".into()));
    }
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let filed = send(&router, page_post(&path, Some(&cookie), &form_body(&pairs))).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let page = send(&router, page_get(&location(&filed), &cookie)).await;
    assert!(page.body.contains(ORG_NAME) && page.body.contains("mã số thuế 0401234566"), "{}", page.body);

    // A reception officer receives a dossier for the organisation at the counter; a bad tax code is refused first.
    let reception = login(&router, "tiepnhan.hoian").await;
    let counter = |tax_code: &str| {
        json!({
            "procedure": FOR_ORGANISATIONS,
            "unit": "c20410",
            "applicant": {"id_number": "049195123456", "full_name": "Trần Văn Định",
                          "organisation": {"tax_code": tax_code, "name": ORG_NAME}},
            "form": motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), "049195123456", "p48", "c20410"),
            "components": p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect::<Vec<_>>(),
        })
    };
    let bad = send(&router, post_json("/api/v1/dossiers", &counter("0401234567"), Some(&reception))).await;
    assert_problem(&bad, 422, "invalid_input");
    assert!(
        bad.body.contains("applicant.organisation.tax_code") && bad.body.contains("chữ số kiểm tra"),
        "{}",
        bad.body
    );
    let received = send(&router, post_json("/api/v1/dossiers", &counter(" 0401234566 "), Some(&reception))).await;
    assert_eq!(received.status, StatusCode::CREATED, "{}", received.body);
    assert_eq!(received.json()["applicant"]["organisation"], json!({"tax_code": TAX_CODE, "name": ORG_NAME}));

    // "Hồ sơ của tổ chức": both dossiers, with who filed each; the API says the same.
    let list = send(&router, page_get("/ca-nhan/ho-so", &cookie)).await;
    assert!(list.body.contains("Hồ sơ của tổ chức") && list.body.contains(ORG_NAME), "{}", list.body);
    assert!(list.body.contains("Người nộp") && list.body.contains("Trần Văn Định"), "{}", list.body);
    assert_eq!(list.body.matches("href=\"/ca-nhan/ho-so/").count(), 2, "{}", list.body);
    assert!(list.body.contains("Kho dữ liệu điện tử của tổ chức"));
    let token = cookie.trim_start_matches("motcua_citizen=");
    let me = send(&router, with_token(get("/api/v1/citizen"), token)).await.json();
    assert_eq!(me["organisation"], json!({"tax_code": TAX_CODE, "name": ORG_NAME}));
    assert_eq!(me["id_number"], L2);
    let listed = send(&router, with_token(get("/api/v1/citizen/dossiers"), token)).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let warehouse = send(&router, page_get("/ca-nhan/kho-du-lieu", &cookie)).await;
    assert!(warehouse.body.contains(&format!("Kho dữ liệu điện tử của tổ chức {ORG_NAME}")), "{}", warehouse.body);

    // The same person on their own account sees none of the organisation's dossiers.
    let own = log_in(&router, L2, "/ca-nhan/ho-so").await;
    let mine = send(&router, page_get("/ca-nhan/ho-so", &own)).await;
    assert!(mine.body.contains("Hồ sơ của tôi") && mine.body.contains("Bạn chưa có hồ sơ nào"), "{}", mine.body);
    let org_dossier = received.json()["id"].as_str().unwrap().to_owned();
    let refused = send(&router, page_get(&format!("/ca-nhan/ho-so/{org_dossier}"), &own)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
}
