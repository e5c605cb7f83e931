//! The legal forms of a dossier in the use-case layer: built from the dossier's events; with the `pdf` feature each
//! PDF is stored with the dossier once (content-addressed), without it the call answers `not_built`.
//! Run with `cargo nextest run -p motcua_app --features pdf -E 'test(/dossier_forms/)'`.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::documents::{Backend, Documents, DocumentsConfig};
use motcua_app::dossiers::{Applicant, NewDossier};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, ErrorCode, ManualClock};
use motcua_domain::access::Principal;
use motcua_domain::dossier::forms::{FormKind, RuleSet};
use motcua_storage::Db;

pub async fn forms_are_built_from_events_and_stored_once(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let config = DocumentsConfig {
        backend: Backend::Local(dir.path().join("files")),
        max_file_bytes: 1 << 20,
        clamd: None,
        keys_dir: dir.path().join("keys"),
        generate_keys: true,
    };
    // Monday 1/12/2025, 09:00 in Vietnam: the TT 03/2025 set.
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    let app = App::new(db, clock, AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let app = app.with_documents(Documents::open(&config).unwrap());
    let outcome = app.login("tiepnhan.hoian", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    let ctx = Ctx::new(outcome.officer.principal(), None);
    let p = app.procedure(&Principal::Anonymous, "1.001570", None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), "048203000001", "p48", "c20410");
    let input = NewDossier {
        procedure: "1.001570".into(),
        case: None,
        unit: None,
        applicant: Applicant {
            id_number: "048203000001".into(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: Some("0905123456".into()),
            email: None,
            organisation: None,
        },
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    };
    let d = app.receive_at_counter(&ctx, input, None).await.unwrap();

    let forms = app.dossier_forms(&ctx.principal, d.id).await.unwrap();
    assert_eq!(forms.rule_set, Some(RuleSet::Tt03_2025));
    let doc = app.dossier_form(&ctx.principal, d.id, FormKind::Receipt).await.unwrap();
    assert_eq!(Some(doc.code.clone()), d.code);
    assert_eq!(doc.heading.place_date, "Hội An, ngày 01 tháng 12 năm 2025");
    // The register's receiving unit heading: the centre under its ward's People's Committee.
    assert!(doc.heading.parent.starts_with("ỦY BAN NHÂN DÂN"), "{:?}", doc.heading);
    let refused = app.dossier_form(&ctx.principal, d.id, FormKind::Refusal).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::FormNotAvailable);
    // Someone else's dossier is not found, as when reading it.
    let citizen = Principal::Citizen { id_number: "048203000002".into() };
    assert_eq!(
        app.dossier_form(&citizen, d.id, FormKind::Receipt).await.unwrap_err().error_code(),
        ErrorCode::NotFound
    );

    let result = app.dossier_form_pdf(&ctx, d.id, FormKind::Receipt, "https://dvc.example.vn").await;
    if cfg!(feature = "pdf") {
        let pdf = result.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let again = app.dossier_form_pdf(&ctx, d.id, FormKind::Receipt, "https://dvc.example.vn").await.unwrap();
        assert!(pdf == again, "same events, same bytes");
        let stored: Vec<_> = app
            .dossier_files(&ctx.principal, d.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|f| f.file_name.starts_with("mau-01-tiep-nhan-"))
            .collect();
        assert_eq!(stored.len(), 1, "stored once: {stored:?}");
        assert_eq!(stored[0].media_type, "application/pdf");
        assert_eq!(stored[0].sha256, hex_sha256(&pdf));
    } else {
        assert_eq!(result.unwrap_err().error_code(), ErrorCode::NotBuilt);
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
