//! Documents over real storage, each case on the local file system and on an S3-compatible server over HTTP
//! (`MOTCUA_TEST_S3_URL`, started by scripts/test): uploads with their refusals, results signed and verified,
//! the warehouse, share links, reuse, and the fixity check.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use futures::stream;
use motcua_app::accounts::ClientInfo;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::documents::{Backend, Documents, DocumentsConfig, S3Config, UploadMeta};
use motcua_app::dossiers::{Applicant, DossierView, NewDossier};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, ErrorCode, ManualClock};
use motcua_domain::access::Principal;
use motcua_domain::document::{Source, Verdict};
use motcua_storage::Db;

const APPLICANT: &str = "048203000001";
pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The stores every case runs on: a local directory, and S3 when a test server is there.
pub async fn stores(limit: u64) -> Vec<(String, DocumentsConfig, tempfile::TempDir)> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    out.push((
        "local".to_owned(),
        DocumentsConfig {
            backend: Backend::Local(dir.path().join("files")),
            max_file_bytes: limit,
            clamd: None,
            keys_dir: dir.path().join("keys"),
            generate_keys: true,
        },
        dir,
    ));
    match std::env::var("MOTCUA_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => {
            let bucket = format!("motcua-{}", uuid::Uuid::now_v7().simple());
            // moto accepts an unsigned bucket creation; object_store cannot create buckets.
            let created = motcua_app::http::client().put(format!("{url}/{bucket}")).send().await.unwrap();
            assert!(created.status().is_success(), "creating bucket {bucket}: {}", created.status());
            let dir = tempfile::tempdir().unwrap();
            out.push((
                "s3".to_owned(),
                DocumentsConfig {
                    backend: Backend::S3(S3Config {
                        endpoint: url,
                        bucket,
                        region: "us-east-1".into(),
                        access_key_id: "test".into(),
                        secret_access_key: "test".into(),
                        allow_http: true,
                        path_style: true,
                    }),
                    max_file_bytes: limit,
                    clamd: None,
                    keys_dir: dir.path().join("keys"),
                    generate_keys: true,
                },
                dir,
            ));
        }
        _ => {
            let required = std::env::var_os("CI").is_some() || std::env::var_os("MOTCUA_REQUIRE_S3").is_some();
            assert!(!required, "MOTCUA_TEST_S3_URL is not set, but CI/MOTCUA_REQUIRE_S3 requires the S3 half");
            eprintln!("SKIPPED (S3 half): MOTCUA_TEST_S3_URL is not set; run ./scripts/test");
        }
    }
    out
}

/// Monday 1/12/2025, 09:00 in Vietnam.
async fn demo_app(db: Db, config: &DocumentsConfig) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    (app.with_documents(Documents::open(config).unwrap()), clock)
}

async fn login(app: &App, username: &str) -> Ctx {
    let outcome = app.login(username, DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    Ctx::new(outcome.officer.principal(), None)
}

async fn receive(app: &App, ctx: &Ctx, code: &str, applicant: &str) -> DossierView {
    let p = app.procedure(&Principal::Anonymous, code, None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), applicant, "p48", "c20410");
    let input = NewDossier {
        procedure: code.into(),
        case: None,
        unit: None,
        applicant: Applicant {
            id_number: applicant.into(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: Some("0905123456".into()),
            email: None,
            organisation: None,
        },
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    };
    app.receive_at_counter(ctx, input, None).await.unwrap()
}

fn body(bytes: &[u8]) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + use<> {
    // Several chunks, as a network body arrives.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes.chunks(7).map(|c| Ok(c.to_vec())).collect();
    stream::iter(chunks)
}

fn meta(name: &str, source: &str) -> UploadMeta {
    UploadMeta { file_name: name.into(), source: Some(source.into()), ..UploadMeta::default() }
}

async fn read_all(app: &App, principal: &Principal, id: uuid::Uuid) -> Vec<u8> {
    use futures::TryStreamExt;
    let (_, content) = app.document_content(principal, id).await.unwrap();
    content
        .try_fold(Vec::new(), |mut acc, b| async move {
            acc.extend_from_slice(&b);
            Ok(acc)
        })
        .await
        .unwrap()
}

async fn rows(app: &App) -> i64 {
    let mut tx = app.db().read().await.unwrap();
    let n = motcua_storage::documents::digests(&mut tx).await.unwrap().len() as i64;
    tx.commit().await.unwrap();
    n
}

pub async fn uploads_are_checked_streamed_and_deduplicated(db: Db) {
    for (name, config, _dir) in stores(64 * 1024).await {
        let (app, _) = demo_app(db.clone(), &config).await;
        let files = app.documents().unwrap().files().clone();
        let reception = login(&app, "tiepnhan.hoian").await;
        let d = receive(&app, &reception, "1.001570", APPLICANT).await;

        let doc = app
            .upload_component_file(&reception, d.id, "tp7", meta("to-khai.pdf", "digitised"), body(PDF))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(doc.source, Source::Digitised, "{name}");
        assert!(doc.flags.digitised && doc.in_warehouse, "{name}: a digitised paper enters the warehouse");
        assert_eq!(doc.media_type, "application/pdf");
        assert_eq!(doc.size_bytes, PDF.len() as i64);
        assert_eq!(read_all(&app, &reception.principal, doc.id).await, PDF, "{name}: the same bytes come back");
        // The same bytes again: a second row, one object.
        let again = app
            .upload_component_file(&reception, d.id, "tp7", meta("ban-sao.pdf", "uploaded"), body(PDF))
            .await
            .unwrap();
        assert_eq!(again.sha256, doc.sha256);
        assert_eq!(files.keys("sha256").await.unwrap().len(), 1, "{name}: deduplicated");
        let components = app.dossier_components(&reception.principal, d.id).await.unwrap();
        let tp7 = components.iter().find(|c| c.key == "tp7").unwrap();
        assert_eq!(tp7.documents.len(), 2);
        assert!(tp7.flags.digitised && tp7.received, "{name}");

        // Refusals: a renamed program, an archive, markup, an oversized file, an upload that breaks off.
        let before = rows(&app).await;
        let exe = [b"MZ\x90\x00".as_slice(), &[0u8; 2000]].concat();
        let refused = app
            .upload_component_file(&reception, d.id, "tp7", meta("giay-to.pdf", "uploaded"), body(&exe))
            .await
            .unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::FileTypeRefused, "{name}");
        assert!(refused.message_vi().contains("tệp chương trình"), "{}", refused.message_vi());
        let zip = [b"PK\x03\x04".as_slice(), &[1u8; 100]].concat();
        let refused = app
            .upload_component_file(&reception, d.id, "tp7", meta("a.pdf", "uploaded"), body(&zip))
            .await
            .unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::FileTypeRefused);
        let html = b"<!doctype html><script>alert(1)</script>";
        let refused = app
            .upload_component_file(&reception, d.id, "tp7", meta("a.png", "uploaded"), body(html))
            .await
            .unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::FileTypeRefused);
        let big = [PDF, &vec![b' '; 70 * 1024]].concat();
        let refused = app
            .upload_component_file(&reception, d.id, "tp7", meta("lon.pdf", "uploaded"), body(&big))
            .await
            .unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::FileTooLarge, "{name}");
        assert!(refused.message_vi().contains("64,0 KB"), "{}", refused.message_vi());
        let half: Vec<Result<Vec<u8>, std::io::Error>> =
            vec![Ok([PDF, &[b'x'; 3000]].concat()), Err(std::io::Error::other("connection reset"))];
        let refused = app
            .upload_component_file(&reception, d.id, "tp7", meta("dut.pdf", "uploaded"), stream::iter(half))
            .await
            .unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::UploadIncomplete, "{name}");
        assert_eq!(rows(&app).await, before, "{name}: no row for a refused upload");
        assert_eq!(files.keys("tmp").await.unwrap(), Vec::<String>::new(), "{name}: no partial object");
        assert_eq!(files.keys("sha256").await.unwrap().len(), 1, "{name}: nothing else stored");
        let report = app.check_fixity(false).await.unwrap();
        assert!(report.is_intact() && report.orphans.is_empty(), "{name}: {report:?}");

        // Access follows the dossier: the applicant reads it, another citizen and another unit's officer do not.
        let owner = Principal::Citizen { id_number: APPLICANT.into() };
        assert_eq!(read_all(&app, &owner, doc.id).await, PDF);
        let stranger = Principal::Citizen { id_number: "048203000002".into() };
        let denied = app.document_content(&stranger, doc.id).await.err().unwrap();
        assert_eq!(denied.error_code(), ErrorCode::NotFound, "{name}: another person's document");
        let other_unit = login(&app, "thuly.stp").await;
        assert_eq!(
            app.document_content(&other_unit.principal, doc.id).await.err().unwrap().error_code(),
            ErrorCode::NotFound
        );
        let citizen_digitises = app
            .upload_component_file(&Ctx::new(owner.clone(), None), d.id, "tp7", meta("a.pdf", "digitised"), body(PDF))
            .await
            .unwrap_err();
        assert_eq!(citizen_digitises.error_code(), ErrorCode::InvalidInput);
        let anonymous = app
            .upload_component_file(
                &Ctx::new(Principal::Anonymous, None),
                d.id,
                "tp7",
                meta("a.pdf", "uploaded"),
                body(PDF),
            )
            .await
            .unwrap_err();
        assert_eq!(anonymous.error_code(), ErrorCode::Unauthenticated);
    }
}

pub async fn results_are_signed_verified_shared_and_reused(db: Db) {
    for (name, config, _dir) in stores(1024 * 1024).await {
        let (app, clock) = demo_app(db.clone(), &config).await;
        let reception = login(&app, "tiepnhan.hoian").await;
        // One applicant per store: the database is shared by both rounds.
        let applicant = if name == "local" { APPLICANT } else { "048203000003" };
        let d = receive(&app, &reception, "1.001570", applicant).await;
        let owner = Ctx::new(Principal::Citizen { id_number: applicant.into() }, None);

        // Only an officer with a result role over the dossier issues it.
        let stranger = login(&app, "thuly.stp").await;
        let refused = app.issue_result(&stranger, d.id, "kq.pdf", body(PDF)).await.unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::NotFound, "{name}");
        // A withdrawn dossier gets no result.
        let withdrawn = receive(&app, &reception, "1.001570", applicant).await;
        let request = motcua_app::dossiers::ActionRequest::new("withdraw", withdrawn.version);
        app.act_on_dossier(&reception, withdrawn.id, request).await.unwrap();
        let closed = app.issue_result(&reception, withdrawn.id, "kq.pdf", body(PDF)).await.unwrap_err();
        assert_eq!(closed.error_code(), ErrorCode::InvalidInput, "{name}");
        assert!(closed.message_vi().contains("rút hồ sơ"), "{name}: {}", closed.message_vi());
        let result = app.issue_result(&reception, d.id, "trich-luc-khai-tu.pdf", body(PDF)).await.unwrap();
        let code = result.result_code.clone().unwrap();
        assert!(code.starts_with("KQ") && code.len() == 12, "{code}");
        assert_eq!(result.result_of.as_deref(), Some("1.001570"));
        assert_eq!(result.source, Source::Result);

        // Verification: by code, by copy, tampered copy, unknown code, and damage in the store.
        let ok = app.verify_result(Some(&code.to_lowercase()), None).await.unwrap();
        assert_eq!(ok.verdict, Verdict::Valid, "{name}: {ok:?}");
        assert_eq!(
            ok.issuer.as_deref(),
            Some(app.tree().get(&motcua_domain::unit::UnitId::parse("c20410").unwrap()).unwrap().name.as_str())
        );
        let copy = app.hash_copy(body(PDF)).await.unwrap();
        assert_eq!(app.verify_result(None, Some(copy.clone())).await.unwrap().verdict, Verdict::Valid);
        assert_eq!(app.verify_result(Some(&code), Some(copy)).await.unwrap().verdict, Verdict::Valid);
        let changed = [PDF, b"% one more line\n"].concat();
        let changed = app.hash_copy(body(&changed)).await.unwrap();
        assert_eq!(app.verify_result(Some(&code), Some(changed.clone())).await.unwrap().verdict, Verdict::Tampered);
        assert_eq!(app.verify_result(None, Some(changed)).await.unwrap().verdict, Verdict::Unknown);
        assert_eq!(app.verify_result(Some("KQ0000000000"), None).await.unwrap().verdict, Verdict::Unknown);

        // A paper digitised at the counter with its type enters the warehouse too.
        let paper_meta =
            UploadMeta { doc_type: Some("death_certificate".into()), ..meta("trich-luc.pdf", "digitised") };
        let paper = app.upload_component_file(&reception, d.id, "tp7", paper_meta, body(PDF)).await.unwrap();

        // The warehouse: the result and the paper are there for their owner only.
        let mut held: Vec<_> = app.warehouse(&owner.principal).await.unwrap().iter().map(|d| d.id).collect();
        held.sort();
        let mut expected = vec![result.id, paper.id];
        expected.sort();
        assert_eq!(held, expected, "{name}");
        let other = Principal::Citizen { id_number: "048203000009".into() };
        assert!(app.warehouse(&other).await.unwrap().is_empty());
        assert_eq!(app.warehouse(&reception.principal).await.unwrap_err().error_code(), ErrorCode::Forbidden);

        // A time-limited share link works, then is refused once expired.
        let share = app.share_document(&owner, result.id, 1).await.unwrap();
        let (shared, _) = app.open_share(&share.token).await.unwrap();
        assert_eq!(shared.id, result.id);
        assert_eq!(
            app.share_document(&Ctx::new(other.clone(), None), result.id, 1).await.unwrap_err().error_code(),
            ErrorCode::NotFound
        );
        clock.advance(Duration::days(1) + Duration::seconds(1));
        let expired = app.open_share(&share.token).await.err().unwrap();
        assert_eq!(expired.error_code(), ErrorCode::ShareLinkExpired, "{name}");
        assert!(expired.message_vi().contains("hết hạn"), "{}", expired.message_vi());
        assert_eq!(app.open_share("khong-co").await.err().unwrap().error_code(), ErrorCode::NotFound);

        // A second dossier: the warehouse offers the result for the component it replaces; attaching it records
        // "from the warehouse" without new bytes, and the component cannot be demanded again.
        let offers = app.warehouse_offers(&owner.principal, "2.000720", None).await.unwrap();
        assert_eq!(offers.len(), 1, "{offers:?}");
        assert_eq!((offers[0].component_key.as_str(), offers[0].documents[0].id), ("tp1", paper.id));
        let second = receive(&app, &reception, "2.000720", applicant).await;
        let attached = app.attach_from_warehouse(&owner, second.id, "tp1", paper.id).await.unwrap();
        assert_eq!(attached.source, Source::Warehouse);
        assert!(attached.flags.from_warehouse && attached.flags.reused, "{name}");
        assert_eq!(attached.origin_document_id, Some(paper.id));
        assert_eq!(attached.sha256, paper.sha256);
        let wrong = app.attach_from_warehouse(&owner, second.id, "tp2", paper.id).await.unwrap_err();
        assert_eq!(wrong.error_code(), ErrorCode::InvalidInput);
        let held = app
            .components_held_in_warehouse(&reception.principal, second.id, &["tp1".into(), "tp2".into()])
            .await
            .unwrap();
        assert_eq!(held, ["tp1"]);
        let refused = app.check_supplement_request(&reception.principal, second.id, &["tp1".into()]).await.unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::ComponentInWarehouse);
        app.check_supplement_request(&reception.principal, second.id, &["tp2".into()]).await.unwrap();

        // Damage in the store: verification by code says tampered, a tampered result is not reused, and the
        // fixity check reports it.
        let files = app.documents().unwrap().files().clone();
        files.overwrite_for_tests(&result.sha256, [PDF, b"%x"].concat()).await.unwrap();
        assert_eq!(app.verify_result(Some(&code), None).await.unwrap().verdict, Verdict::Tampered, "{name}");
        let report = app.check_fixity(false).await.unwrap();
        assert_eq!(report.altered, std::slice::from_ref(&result.sha256), "{name}");
        assert!(!report.is_intact());
        // A download of the altered bytes ends in an error rather than passing them off as the result.
        let (_, content) = app.document_content(&owner.principal, result.id).await.unwrap();
        let chunks: Vec<_> = futures::StreamExt::collect(content).await;
        assert!(chunks.last().is_some_and(Result::is_err), "{name}: the download fails");
        assert!(chunks[..chunks.len() - 1].iter().all(Result::is_ok), "{name}: the bytes themselves were read");
    }
}

pub async fn fixity_finds_missing_bytes_and_cleans_orphans(db: Db) {
    for (name, config, _dir) in stores(1024 * 1024).await {
        let (app, _) = demo_app(db.clone(), &config).await;
        let files = app.documents().unwrap().files().clone();
        let reception = login(&app, "tiepnhan.hoian").await;
        let d = receive(&app, &reception, "1.001570", APPLICANT).await;
        let kept =
            app.upload_component_file(&reception, d.id, "tp7", meta("a.pdf", "uploaded"), body(PDF)).await.unwrap();
        // Bytes written with no metadata (a crash between the two writes).
        let orphan =
            files.put_bytes([PDF, b"%orphan"].concat(), motcua_domain::document::Accept { xml: false }).await.unwrap();
        // The grace period is compared with the store's modification times, so this check runs at today's time.
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let app = App::new(db.clone(), clock.clone(), AppConfig::default())
            .await
            .unwrap()
            .with_documents(Documents::open(&config).unwrap());
        let young = app.check_fixity(true).await.unwrap();
        assert!(young.orphans.is_empty(), "{name}: within the grace period an orphan may be an upload in progress");
        clock.advance(Duration::hours(2));
        let report = app.check_fixity(true).await.unwrap();
        assert_eq!(report.orphans_removed, 1, "{name}: {report:?}");
        assert!(report.orphans[0].ends_with(&orphan.sha256));
        assert!(report.is_intact());
        let keys = files.keys("sha256").await.unwrap();
        assert_eq!(keys.len(), 1, "{name}: {keys:?}");
        assert!(keys[0].ends_with(&kept.sha256));
        // Missing bytes are reported.
        files.delete(&keys[0]).await.unwrap();
        let report = app.check_fixity(false).await.unwrap();
        assert_eq!(report.missing, std::slice::from_ref(&kept.sha256), "{name}");
    }
}

/// A tiny clamd on loopback speaking `zINSTREAM`: answers FOUND when the stream contains the EICAR marker.
async fn fake_clamd() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut command = [0u8; 10];
                socket.read_exact(&mut command).await.unwrap();
                assert_eq!(&command, b"zINSTREAM\0");
                let mut seen = Vec::new();
                loop {
                    let len = socket.read_u32().await.unwrap() as usize;
                    if len == 0 {
                        break;
                    }
                    let mut chunk = vec![0; len];
                    socket.read_exact(&mut chunk).await.unwrap();
                    seen.extend_from_slice(&chunk);
                }
                let marker = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE";
                let reply: &[u8] = if seen.windows(marker.len()).any(|w| w == marker) {
                    b"stream: Eicar-Test-Signature FOUND\0"
                } else {
                    b"stream: OK\0"
                };
                socket.write_all(reply).await.unwrap();
            });
        }
    });
    addr
}

pub async fn clamd_refuses_infected_files_and_fails_closed(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = DocumentsConfig {
        backend: Backend::Local(dir.path().join("files")),
        max_file_bytes: 1024 * 1024,
        clamd: Some(fake_clamd().await),
        keys_dir: dir.path().join("keys"),
        generate_keys: true,
    };
    let (app, _) = demo_app(db.clone(), &config).await;
    let reception = login(&app, "tiepnhan.hoian").await;
    let d = receive(&app, &reception, "1.001570", APPLICANT).await;
    app.upload_component_file(&reception, d.id, "tp7", meta("sach.pdf", "uploaded"), body(PDF)).await.unwrap();
    let infected = [PDF, b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"].concat();
    let refused = app
        .upload_component_file(&reception, d.id, "tp7", meta("nhiem.pdf", "uploaded"), body(&infected))
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::FileInfected);
    assert!(refused.message_vi().contains("Eicar-Test-Signature"), "{}", refused.message_vi());
    let files = app.documents().unwrap().files().clone();
    assert_eq!(files.keys("sha256").await.unwrap().len(), 1, "the infected file is not kept");
    assert!(files.keys("tmp").await.unwrap().is_empty());

    // A configured scanner that does not answer refuses the file (fail closed).
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().to_string();
    config.clamd = Some(closed);
    let app = app.with_documents(Documents::open(&config).unwrap());
    let refused =
        app.upload_component_file(&reception, d.id, "tp7", meta("a.pdf", "uploaded"), body(PDF)).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::Unavailable);
}

fn no_progress(_: usize, _: usize) {}

/// Gives a procedure of the demo catalogue its own file size limit (a new version, published like the demo's).
async fn limit_procedure(app: &App, code: &str, bytes: u64) {
    let mut p = app.procedure(&Principal::Anonymous, code, None).await.unwrap().procedure;
    p.reception.max_file_bytes = Some(bytes);
    app.import_catalogue(&Ctx::system(), "limit.json", vec![p], &no_progress).await.unwrap();
}

fn padded_pdf(size: usize) -> Vec<u8> {
    let mut bytes = PDF.to_vec();
    bytes.resize(size, b' ');
    bytes
}

pub async fn a_procedure_limits_the_size_of_its_files(db: Db) {
    for (name, config, _dir) in stores(64 * 1024).await {
        let (app, _) = demo_app(db.clone(), &config).await;
        let reception = login(&app, "tiepnhan.hoian").await;
        // 1.001570 takes at most 1 KiB per file, below the store's 64 KiB; 2.000720 sets 10 MiB, above it.
        limit_procedure(&app, "1.001570", 1024).await;
        limit_procedure(&app, "2.000720", 10 * 1024 * 1024).await;
        let small = receive(&app, &reception, "1.001570", APPLICANT).await;
        let large = receive(&app, &reception, "2.000720", APPLICANT).await;
        assert_eq!(app.dossier_file_limit(&reception.principal, small.id).await.unwrap(), 1024);
        assert_eq!(app.dossier_file_limit(&reception.principal, large.id).await.unwrap(), 64 * 1024);
        let before = rows(&app).await;

        // Over the procedure's limit: refused with a message naming that limit and the procedure; nothing kept.
        let refused = app
            .upload_component_file(&reception, small.id, "tp7", meta("don.pdf", "digitised"), body(&padded_pdf(1025)))
            .await
            .unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::FileTooLarge, "{name}");
        let message = refused.message_vi();
        assert!(message.contains("1,0 KB") && message.contains("thủ tục 1.001570"), "{name}: {message}");
        let result = app.issue_result(&reception, small.id, "kq.pdf", body(&padded_pdf(2000))).await.unwrap_err();
        assert_eq!(result.error_code(), ErrorCode::FileTooLarge, "{name}");
        assert_eq!(rows(&app).await, before, "{name}: no bytes kept");
        // At the limit: accepted.
        let ok = app
            .upload_component_file(&reception, small.id, "tp7", meta("don.pdf", "digitised"), body(&padded_pdf(1024)))
            .await
            .unwrap();
        assert_eq!(ok.size_bytes, 1024);

        // A procedure's limit above the store's does not raise it: the store's limit applies, named as such.
        let over = app
            .upload_component_file(
                &reception,
                large.id,
                "tp2",
                meta("don.pdf", "uploaded"),
                body(&padded_pdf(65 * 1024)),
            )
            .await
            .unwrap_err();
        assert_eq!(over.error_code(), ErrorCode::FileTooLarge, "{name}");
        assert!(
            over.message_vi().contains("64,0 KB") && !over.message_vi().contains("thủ tục"),
            "{}",
            over.message_vi()
        );
        app.upload_component_file(&reception, large.id, "tp2", meta("don.pdf", "uploaded"), body(&padded_pdf(2000)))
            .await
            .unwrap();
    }
}

pub async fn online_filing_takes_components_from_the_warehouse(db: Db) {
    use motcua_app::dossiers::online::OnlineFiling;
    use motcua_app::identity::CitizenSession;
    for (name, config, _dir) in stores(64 * 1024).await {
        let (app, _) = demo_app(db.clone(), &config).await;
        let reception = login(&app, "tiepnhan.hoian").await;
        let applicant = if name == "local" { "048203000004" } else { "048203000005" };
        // An earlier dossier's result (1.001699, disability certificate) is in the applicant's warehouse.
        let earlier = receive(&app, &reception, "1.001699", applicant).await;
        let result = app.issue_result(&reception, earlier.id, "giay-xac-nhan.pdf", body(PDF)).await.unwrap();
        let session = CitizenSession {
            id_number: applicant.into(),
            full_name: "Nguyễn Thị Dân".into(),
            birth_date: None,
            assurance: motcua_domain::catalogue::Assurance::L2,
            expires_at: app.now() + Duration::hours(1),
            organisation: None,
        };
        let ctx = Ctx::new(session.principal(), None);
        let p = app.procedure(&Principal::Anonymous, "1.001776", None).await.unwrap().procedure;
        let filing = |choice: (&str, uuid::Uuid)| OnlineFiling {
            procedure: "1.001776".into(),
            unit: Some("c20410".into()),
            form: motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), applicant, "p48", "c20410"),
            components: vec!["tp1".into()],
            phone: Some("0905123456".into()),
            from_warehouse: [(choice.0.to_owned(), choice.1)].into(),
            ..OnlineFiling::default()
        };

        // A document that does not stand in for the component is refused before anything is filed.
        let before = app.citizen_dossiers(&ctx).await.unwrap().len();
        let wrong = app.file_online(&ctx, &session, filing(("tp1", result.id)), None).await.unwrap_err();
        assert_eq!(wrong.error_code(), ErrorCode::InvalidInput, "{name}");
        let motcua_app::AppError::Invalid(fields) = &wrong else { panic!("{wrong:?}") };
        assert_eq!(fields[0].field, "warehouse.tp1");
        assert_eq!(app.citizen_dossiers(&ctx).await.unwrap().len(), before, "{name}: nothing filed");

        // The offered result: the component counts as provided and is taken from the warehouse, with its bytes.
        let key = Some(format!("kho-{name}"));
        let filed = app.file_online(&ctx, &session, filing(("tp2", result.id)), key.clone()).await.unwrap();
        assert!(filed.components.contains(&"tp2".to_owned()), "{name}: {:?}", filed.components);
        let again = app.file_online(&ctx, &session, filing(("tp2", result.id)), key).await.unwrap();
        assert_eq!(again.id, filed.id, "{name}: a replay files once");
        let components = app.dossier_components(&reception.principal, filed.id).await.unwrap();
        let tp2 = components.iter().find(|c| c.key == "tp2").unwrap();
        assert_eq!(tp2.documents.len(), 1, "{name}: attached once");
        assert_eq!(tp2.documents[0].source, Source::Warehouse);
        assert_eq!(tp2.documents[0].origin_document_id, Some(result.id));
        assert_eq!(tp2.documents[0].sha256, result.sha256);
        assert!(tp2.flags.from_warehouse && tp2.received, "{name}");
    }
}

pub async fn an_organisations_result_goes_to_its_warehouse(db: Db) {
    // One store is enough: where the result is filed does not depend on the store.
    let (_, config, _dir) = stores(1024 * 1024).await.swap_remove(0);
    let (app, _) = demo_app(db, &config).await;
    let reception = login(&app, "tiepnhan.hoian").await;
    let person = "048203000006";
    let organisation = motcua_app::identity::OrganisationAccount {
        tax_code: "0401234566".into(),
        name: "Công ty TNHH Xây dựng Hòa Xuân".into(),
    };
    // Received at the counter for the organisation (2.000815 is open to organisations), then its result issued.
    let p = app.procedure(&Principal::Anonymous, "2.000815", None).await.unwrap().procedure;
    let input = NewDossier {
        procedure: "2.000815".into(),
        case: None,
        unit: Some("c20410".into()),
        applicant: Applicant {
            id_number: person.into(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: None,
            email: None,
            organisation: Some(organisation.clone()),
        },
        form: motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), person, "p48", "c20410"),
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    };
    let d = app.receive_at_counter(&reception, input, None).await.unwrap();
    let result = app.issue_result(&reception, d.id, "ban-sao-chung-thuc.pdf", body(PDF)).await.unwrap();
    let org = Principal::Organisation { tax_code: organisation.tax_code.clone(), id_number: person.into() };
    let held: Vec<_> = app.warehouse(&org).await.unwrap().into_iter().map(|w| w.id).collect();
    assert_eq!(held, [result.id], "the organisation's warehouse holds its result");
    assert!(app.warehouse(&Principal::Citizen { id_number: person.into() }).await.unwrap().is_empty());
    assert_eq!(read_all(&app, &org, result.id).await, PDF);
}
