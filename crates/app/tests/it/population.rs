//! The population-database connector over real HTTP against the reference registry on a loopback port, and the
//! lookup log over real storage: fail closed, tamper detection, restarts, key rotation, parallel appends.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::dossiers::{Applicant, NewDossier};
use motcua_app::population::chain::{self, Problem, Trust, TrustedKeys};
use motcua_app::population::http::{HttpRegistry, HttpRegistryConfig};
use motcua_app::population::report::ReportQuery;
use motcua_app::population::{LookupRequest, SigningIdentity, log};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, AppError, ErrorCode, ManualClock};
use motcua_domain::access::Principal;
use motcua_reference::registry::{Fault, Population, Registry};
use motcua_storage::Db;
use motcua_storage::lookup_log;

const KEY: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const API_KEY: &str = "test-key";

/// A reference registry of 2 000 people on an ephemeral loopback port.
async fn registry() -> (Registry, String) {
    let registry = Registry::new(Population::new(42, 2000), API_KEY);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(registry.clone().serve(listener));
    (registry, base)
}

fn connector(base: &str, tune: impl FnOnce(&mut HttpRegistryConfig)) -> Arc<HttpRegistry> {
    let mut config = HttpRegistryConfig::new(base, API_KEY);
    config.timeout = Duration::from_millis(500);
    config.retries = 1;
    config.backoff = Duration::from_millis(10);
    config.breaker_threshold = 3;
    config.breaker_cooldown = Duration::from_millis(300);
    tune(&mut config);
    Arc::new(HttpRegistry::new(config).unwrap())
}

async fn bare_app(db: Db) -> App {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    App::new(db, clock, AppConfig::default()).await.unwrap()
}

async fn with_log(app: App, key_id: &str, secret: &str) -> App {
    app.with_lookup_log_key(SigningIdentity::from_hex(key_id, secret).unwrap(), chrono::Duration::minutes(1))
        .await
        .unwrap()
}

/// The demo app (units, officers, catalogue) connected to a fresh registry.
pub(crate) async fn demo(db: Db) -> (App, Registry) {
    let app = bare_app(db).await;
    app.load_demo().await.unwrap();
    let (registry, base) = registry().await;
    let app = with_log(app, "k1", KEY).await.with_population_registry(connector(&base, |_| {}));
    (app, registry)
}

async fn login(app: &App, username: &str) -> Ctx {
    let outcome = app.login(username, DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    Ctx::new(outcome.officer.principal(), Some("req-1".into()))
}

fn citizen(id: &str) -> Ctx {
    Ctx::new(Principal::Citizen { id_number: id.into() }, None)
}

fn request(subject: &str) -> LookupRequest {
    LookupRequest {
        subject: subject.into(),
        purpose: "Kiểm tra thông tin người yêu cầu".into(),
        dossier_code: None,
        procedure_code: Some("1.001193".into()),
        fields: vec!["full_name".into(), "birth_date".into(), "permanent_address".into(), "father.full_name".into()],
        client_addr: Some("10.1.2.3".into()),
    }
}

pub(crate) async fn rows(app: &App) -> Vec<lookup_log::LookupRow> {
    let mut tx = app.db().read().await.unwrap();
    let rows = lookup_log::page(&mut tx, 0, 10_000).await.unwrap();
    tx.commit().await.unwrap();
    rows
}

/// Verified trusting only the app's current key (nothing pinned).
pub(crate) async fn intact(app: &App) -> chain::Report {
    let report = app.verify_lookup_log(&TrustedKeys::new()).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    report
}

pub async fn officer_lookup_returns_the_asked_fields_and_is_logged(db: Db) {
    let (app, registry) = demo(db).await;
    let person = registry.population().person(7).unwrap();
    let officer = login(&app, "tiepnhan.hoian").await;
    let out = app.lookup_citizen(&officer, request(person.id_number.as_str())).await.unwrap();
    assert_eq!(out.record.values["full_name"], person.full_name());
    assert_eq!(out.record.values["birth_date"], person.birth_date.format("%Y-%m-%d").to_string());
    // Minimisation: nothing beyond what was asked.
    assert!(!out.record.values.contains_key("phone") && !out.record.values.contains_key("ethnicity"));

    let logged = rows(&app).await;
    assert_eq!(logged.len(), 1);
    let r = &logged[0];
    assert_eq!((r.seq, r.result.as_str(), r.actor_kind.as_str()), (1, "found", "officer"));
    assert_eq!(r.actor_unit_id.as_deref(), Some("c20410"));
    assert_eq!(r.subject_id_number, person.id_number.as_str());
    assert_eq!(r.request_id.as_deref(), Some("req-1"));
    assert_eq!(r.client_addr.as_deref(), Some("10.1.2.3"));
    assert_eq!(r.fields_requested.0.len(), 4);
    assert!(r.fields_returned.0.contains(&"father.full_name".to_owned()));

    // Not found is answered and logged too.
    let unknown = {
        let mut s = person.id_number.as_str().to_owned();
        s.replace_range(6..12, "999999");
        s
    };
    let err = app.lookup_citizen(&officer, request(&unknown)).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::NotFound);
    assert_eq!(rows(&app).await[1].result, "not_found");

    // The citizen sees who looked, newest first.
    let mine = app.my_lookups(&citizen(person.id_number.as_str())).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].unit_name, "Phường Hội An");
    assert!(mine[0].fields_returned.contains(&"Họ tên cha".to_owned()));
    assert_eq!(intact(&app).await.records, 2);
}

pub async fn lookups_without_purpose_basis_or_scope_are_refused_and_recorded(db: Db) {
    let (app, registry) = demo(db).await;
    let id = registry.population().person(3).unwrap().id_number.to_string();
    let officer = login(&app, "tiepnhan.hoian").await;

    let mut no_purpose = request(&id);
    no_purpose.purpose = "  ".into();
    let err = app.lookup_citizen(&officer, no_purpose).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f.iter().any(|f| f.field == "purpose")), "{err:?}");

    let mut no_basis = request(&id);
    no_basis.procedure_code = None;
    let err = app.lookup_citizen(&officer, no_basis).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f.iter().any(|f| f.field == "dossier_code")), "{err:?}");

    let err = app.lookup_citizen(&officer, request("003195123456")).await.unwrap_err();
    assert!(matches!(&err, AppError::Invalid(f) if f.iter().any(|f| f.field == "subject")), "{err:?}");

    // An auditor holds no lookup role; a citizen is no officer.
    let auditor = login(&app, "kiemtra").await;
    assert_eq!(app.lookup_citizen(&auditor, request(&id)).await.unwrap_err().error_code(), ErrorCode::Forbidden);
    assert_eq!(app.lookup_citizen(&citizen(&id), request(&id)).await.unwrap_err().error_code(), ErrorCode::Forbidden);

    // A dossier of Hội An is out of scope for the justice department's handler.
    let reception = login(&app, "tiepnhan.hoian").await;
    let p = app.procedure(&Principal::Anonymous, "1.001570", None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), &id, "p48", "c20410");
    let input = NewDossier {
        procedure: "1.001570".into(),
        case: None,
        unit: None,
        applicant: Applicant {
            id_number: id.clone(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: None,
            email: None,
            organisation: None,
        },
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    };
    let dossier = app.receive_at_counter(&reception, input, None).await.unwrap();
    let code = dossier.code.clone().unwrap();
    let stranger = login(&app, "thuly.stp").await;
    let mut for_dossier = request(&id);
    for_dossier.dossier_code = Some(code.clone());
    let err = app.lookup_citizen(&stranger, for_dossier.clone()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::Forbidden);
    // In scope, the same request is answered and carries the dossier's procedure.
    app.lookup_citizen(&reception, for_dossier).await.unwrap();

    let logged = rows(&app).await;
    let results: Vec<&str> = logged.iter().map(|r| r.result.as_str()).collect();
    // Refused attempts on a valid number are recorded (not the malformed number); the registry saw one lookup.
    assert_eq!(results, ["refused", "refused", "refused", "refused", "found"]);
    assert_eq!(logged[4].dossier_code.as_deref(), Some(code.as_str()));
    assert_eq!(logged[4].procedure_code.as_deref(), Some("1.001570"));
    assert_eq!(registry.requests(), 1);
    intact(&app).await;
}

pub async fn registry_down_slow_and_the_circuit_breaker(db: Db) {
    let (app, registry) = demo(db).await;
    let id = registry.population().person(1).unwrap().id_number.to_string();
    let officer = login(&app, "tiepnhan.hoian").await;

    // Down: each lookup tries twice (one retry), then the circuit opens after three failed lookups.
    registry.set_fault(Fault { down: true, ..Fault::default() });
    for _ in 0..3 {
        let err = app.lookup_citizen(&officer, request(&id)).await.unwrap_err();
        assert_eq!(err.error_code(), ErrorCode::PopulationUnavailable);
        assert!(err.message_vi().contains("tự kê khai"), "{}", err.message_vi());
    }
    assert_eq!(registry.requests(), 6);
    let started = Instant::now();
    let err = app.lookup_citizen(&officer, request(&id)).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::PopulationUnavailable);
    assert_eq!(registry.requests(), 6, "an open circuit does not call the registry");
    assert!(started.elapsed() < Duration::from_millis(200));

    // Back up: after the cool-down one probe goes through and closes the circuit.
    registry.set_fault(Fault::default());
    tokio::time::sleep(Duration::from_millis(350)).await;
    app.lookup_citizen(&officer, request(&id)).await.unwrap();
    app.lookup_citizen(&officer, request(&id)).await.unwrap();
    assert_eq!(registry.requests(), 8);

    // Slow: the per-attempt timeout (500 ms) cuts a 2 s answer; one retry, then unavailable.
    registry.set_fault(Fault { latency_ms: 2000, ..Fault::default() });
    let started = Instant::now();
    let err = app.lookup_citizen(&officer, request(&id)).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::PopulationUnavailable);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1000) && took < Duration::from_millis(1900), "{took:?}");

    let results: Vec<String> = rows(&app).await.into_iter().map(|r| r.result).collect();
    assert_eq!(results, ["unavailable", "unavailable", "unavailable", "unavailable", "found", "found", "unavailable"]);
    intact(&app).await;
}

pub async fn prefill_fills_and_locks_or_falls_back_to_declaring(db: Db) {
    let (app, registry) = demo(db).await;
    // A married person, so the spouse fields have values.
    let person = (0..100)
        .filter_map(|i| registry.population().person(i))
        .find(|c| c.spouse.is_some() && c.phone.is_some())
        .unwrap();
    let me = citizen(person.id_number.as_str());
    let prefill = app.prefill(&me, "1.001193").await.unwrap();
    assert!(!prefill.declared, "{prefill:?}");
    assert_eq!(prefill.value("ho_ten_nguoi_yeu_cau"), Some(person.full_name().as_str()));
    assert_eq!(prefill.value("so_dinh_danh_nguoi_yeu_cau"), Some(person.id_number.as_str()));
    assert_eq!(prefill.value("ho_ten_cha_me_con_lai"), Some(person.spouse.as_ref().unwrap().full_name.as_str()));
    assert!(prefill.is_locked("noi_cu_tru_nguoi_yeu_cau"));
    let source = prefill.fields.iter().find(|f| f.key == "so_dien_thoai").unwrap();
    assert_eq!(source.source, "population.phone");
    let logged = rows(&app).await;
    assert_eq!(logged.len(), 1);
    assert_eq!((logged[0].purpose.as_str(), logged[0].actor_kind.as_str()), ("prefill", "system"));
    // Only the fields the form needs were asked for.
    let mut asked = logged[0].fields_requested.0.clone();
    asked.sort();
    assert_eq!(asked, ["full_name", "permanent_address", "phone", "spouse.full_name", "spouse.id_number"]);

    registry.set_fault(Fault { down: true, ..Fault::default() });
    let declared = app.prefill(&me, "1.001193").await.unwrap();
    assert!(declared.declared);
    assert!(declared.message.as_deref().unwrap().contains("chưa được xác thực"));
    // The login's own number is still there; nothing from the registry.
    assert_eq!(declared.fields.len(), 1);
    assert_eq!(declared.fields[0].source, "identity.id_number");

    let mine = app.my_lookups(&me).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine[0].seq > mine[1].seq, "newest first");
    assert!(mine[1].purpose.contains("Điền sẵn"));
    assert!(app.my_lookups(&Ctx::new(Principal::Anonymous, None)).await.is_err());
}

pub async fn auditor_report_counts_and_exports_within_scope(db: Db) {
    let (app, registry) = demo(db).await;
    let officer = login(&app, "tiepnhan.hoian").await;
    for i in 0..3 {
        let id = registry.population().person(i).unwrap().id_number.to_string();
        app.lookup_citizen(&officer, request(&id)).await.unwrap();
    }
    let id = registry.population().person(9).unwrap().id_number.to_string();
    app.prefill(&citizen(&id), "1.001193").await.unwrap();

    let auditor = login(&app, "kiemtra").await;
    let report = app.lookup_report(&auditor.principal, &ReportQuery::default()).await.unwrap();
    assert_eq!(report.total, 4);
    assert_eq!(report.records.len(), 4);
    assert_eq!(report.counts[0].lookups, 3);
    assert_eq!(report.counts[0].unit_name, "Phường Hội An");
    let hoian = ReportQuery { unit: Some("c20410".into()), ..ReportQuery::default() };
    assert_eq!(app.lookup_report(&auditor.principal, &hoian).await.unwrap().total, 3);
    let csv = app.lookup_report_csv(&auditor.principal, &ReportQuery::default()).await.unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("Phường Hội An") && csv.lines().count() == 5, "{csv}");
    let xlsx = app.lookup_report_xlsx(&auditor.principal, &ReportQuery::default()).await.unwrap();
    assert!(xlsx.starts_with(b"PK"));

    // Outside the auditor's reach, and roles without the right, are refused.
    assert_eq!(
        app.lookup_report(&officer.principal, &ReportQuery::default()).await.unwrap_err().error_code(),
        ErrorCode::Forbidden
    );
    let elsewhere = ReportQuery { unit: Some("p51".into()), ..ReportQuery::default() };
    assert_eq!(app.lookup_report(&auditor.principal, &elsewhere).await.unwrap_err().error_code(), ErrorCode::Forbidden);
}

pub async fn restarts_rotation_and_key_reuse(db: Db) {
    let (registry, base) = registry().await;
    let id = registry.population().person(5).unwrap().id_number.to_string();
    let me = citizen(&id);
    let first =
        with_log(bare_app(db.clone()).await, "k1", KEY).await.with_population_registry(connector(&base, |_| {}));
    first.lookup_own_record(&me, vec!["full_name".into()]).await.unwrap();
    first.lookup_own_record(&me, vec![]).await.unwrap();
    drop(first);

    // A restart with the same key keeps one verifiable chain.
    let again =
        with_log(bare_app(db.clone()).await, "k1", KEY).await.with_population_registry(connector(&base, |_| {}));
    again.lookup_own_record(&me, vec!["sex".into()]).await.unwrap();
    assert_eq!(intact(&again).await.records, 3);

    // The same key id with another key is refused; rotation takes a new id and old signatures still verify.
    let other = "2222222222222222222222222222222222222222222222222222222222222222";
    assert!(
        bare_app(db.clone())
            .await
            .with_lookup_log_key(SigningIdentity::from_hex("k1", other).unwrap(), chrono::Duration::minutes(1))
            .await
            .is_err()
    );
    let rotated =
        with_log(bare_app(db.clone()).await, "k2", other).await.with_population_registry(connector(&base, |_| {}));
    rotated.lookup_own_record(&me, vec!["full_name".into()]).await.unwrap();
    // Without k1 pinned, its old signatures are not trusted, although the database still lists it.
    let unpinned = rotated.verify_lookup_log(&TrustedKeys::new()).await.unwrap();
    assert!(unpinned.only_current_key);
    assert!(
        matches!(&unpinned.problems[..], [Problem::UnknownKey { key_id, registered: true, .. }] if key_id == "k1"),
        "{:?}",
        unpinned.problems
    );
    // The retired key pinned outside the database: the old records verify, and the report says who signed what.
    let mut pinned = TrustedKeys::new();
    pinned.pin(&format!("k1:{}", SigningIdentity::from_hex("k1", KEY).unwrap().public_hex())).unwrap();
    let report = rotated.verify_lookup_log(&pinned).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!((report.records, report.signed_seq), (4, 4));
    assert!(!report.only_current_key);
    let signers: Vec<_> = report.signers.iter().map(|u| (u.key_id.as_str(), u.trust, u.seqs.1, u.head)).collect();
    assert_eq!(signers, [("k1", Some(Trust::Pinned), 1, false), ("k2", Some(Trust::Current), 4, true)]);
    let head = log::signed_head(rotated.db()).await.unwrap();
    assert_eq!(head.key_id.as_deref(), Some("k2"));
    let mut tx = db.read().await.unwrap();
    let checkpoints = lookup_log::checkpoints(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert!(checkpoints.iter().any(|c| c.key_id == "k1"), "{checkpoints:?}");
}

pub async fn parallel_lookups_keep_one_chain(db: Db) {
    let (registry, base) = registry().await;
    let app = with_log(bare_app(db).await, "k1", KEY).await.with_population_registry(connector(&base, |_| {}));
    let mut tasks = Vec::new();
    for i in 0..60u64 {
        let app = app.clone();
        let id = registry.population().person(i).unwrap().id_number.to_string();
        tasks.push(tokio::spawn(async move { app.lookup_own_record(&citizen(&id), vec!["full_name".into()]).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let logged = rows(&app).await;
    assert_eq!(logged.iter().map(|r| r.seq).collect::<Vec<_>>(), (1..=60).collect::<Vec<_>>());
    assert_eq!(intact(&app).await.records, 60);
}

/// A raw connection behind the application's back, as an intruder with database access would have.
struct Raw(String);

impl Raw {
    async fn try_run(&self, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Connection as _;
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        if self.0.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.0).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
            c.close().await
        } else {
            let mut c = sqlx::PgConnection::connect(&self.0).await?;
            sqlx::raw_sql(sql).execute(&mut c).await?;
            c.close().await
        }
    }

    async fn run(&self, sql: &str) {
        self.try_run(sql).await.unwrap();
    }

    /// Lifts the append-only triggers.
    async fn disarm(&self) {
        if self.0.starts_with("sqlite:") {
            self.run("drop trigger lookup_log_no_update; drop trigger lookup_log_no_delete;").await;
        } else {
            self.run("alter table lookup_log disable trigger lookup_log_no_update_delete").await;
        }
    }
}

/// Five lookups on a fresh log; returns the app and the intruder's connection.
async fn five(db: Db, url: String) -> (App, Raw) {
    let (registry, base) = registry().await;
    let app = with_log(bare_app(db).await, "k1", KEY).await.with_population_registry(connector(&base, |_| {}));
    for i in 0..5 {
        let id = registry.population().person(i).unwrap().id_number.to_string();
        app.lookup_own_record(&citizen(&id), vec!["full_name".into()]).await.unwrap();
    }
    intact(&app).await;
    (app, Raw(url))
}

async fn problems(app: &App) -> Vec<Problem> {
    app.verify_lookup_log(&TrustedKeys::new()).await.unwrap().problems
}

pub async fn the_database_refuses_rewrites(db: Db, url: String) {
    let (app, raw) = five(db, url).await;
    assert!(raw.try_run("update lookup_log set purpose = 'x' where seq = 1").await.is_err());
    assert!(raw.try_run("delete from lookup_log where seq = 5").await.is_err());
    assert!(raw.try_run("delete from lookup_log_checkpoints").await.is_err());
    assert!(raw.try_run("update lookup_log_keys set public_key = 'x'").await.is_err());
    intact(&app).await;
}

pub async fn tamper_change_a_byte(db: Db, url: String) {
    let (app, raw) = five(db, url).await;
    raw.disarm().await;
    raw.run("update lookup_log set subject_id_number = '048195000001' where seq = 3").await;
    assert_eq!(problems(&app).await, vec![Problem::Altered { seq: 3 }]);
}

pub async fn tamper_delete_a_record(db: Db, url: String) {
    let (app, raw) = five(db, url).await;
    raw.disarm().await;
    raw.run("delete from lookup_log where seq = 2").await;
    let found = problems(&app).await;
    assert_eq!(found[0], Problem::Missing { from: 2, to: 2 });
}

pub async fn tamper_swap_two(db: Db, url: String) {
    let (app, raw) = five(db, url).await;
    raw.disarm().await;
    raw.run("update lookup_log set seq = -3 where seq = 3").await;
    raw.run("update lookup_log set seq = 3 where seq = 4").await;
    raw.run("update lookup_log set seq = 4 where seq = -3").await;
    let found = problems(&app).await;
    assert!(found.contains(&Problem::Unlinked { seq: 3, written_after: None }), "{found:?}");
    assert!(found.contains(&Problem::Unlinked { seq: 4, written_after: Some(2) }), "{found:?}");
}

pub async fn tamper_insert_one(db: Db, url: String) {
    let (app, raw) = five(db, url).await;
    raw.disarm().await;
    // The intruder knows the algorithm: a self-consistent forged record linked after record 2, the rest shifted.
    let existing = rows(&app).await;
    let mut forged = existing[2].clone();
    forged.id = uuid::Uuid::now_v7();
    forged.purpose = "Tra cứu không có hồ sơ".into();
    forged.prev_hash = existing[1].hash.clone();
    forged.hash = chain::link(&forged.prev_hash, &forged);
    forged.seq = 3;
    raw.run("update lookup_log set seq = seq + 1000 where seq >= 3").await;
    raw.run("update lookup_log set seq = seq - 999 where seq >= 1003").await;
    let mut tx = app.db().begin_write().await.unwrap();
    lookup_log::append(&mut tx, &forged).await.unwrap();
    tx.commit().await.unwrap();
    let found = problems(&app).await;
    assert!(found.contains(&Problem::Unlinked { seq: 4, written_after: Some(2) }), "{found:?}");
    assert!(found.contains(&Problem::Unsigned { from: 6, to: 6 }), "{found:?}");
}

/// The outside reviewer's attack: the intruder registers a key of their own, rewrites a record, re-chains the rest,
/// signs a new head and checkpoint with their key. Trusting the database's keys, that verified as intact.
pub async fn tamper_resign_with_a_key_of_the_intruder(db: Db, url: String) {
    let (app, raw) = five(db, url).await;
    raw.disarm().await;
    if raw.0.starts_with("sqlite:") {
        raw.run("drop trigger lookup_log_checkpoints_no_delete").await;
    } else {
        raw.run("alter table lookup_log_checkpoints disable trigger lookup_log_checkpoints_no_update_delete").await;
    }
    let mut forged = rows(&app).await;
    forged[2].purpose = "Tra cứu không có hồ sơ".into();
    for i in 2..forged.len() {
        forged[i].prev_hash = forged[i - 1].hash.clone();
        forged[i].hash = chain::link(&forged[i].prev_hash, &forged[i]);
    }
    raw.run("delete from lookup_log where seq >= 3; delete from lookup_log_checkpoints;").await;
    let theirs = SigningIdentity::generate("k9");
    let at = app.now();
    let head = theirs.sign_head(5, &forged[4].hash, at);
    let mut tx = app.db().begin_write().await.unwrap();
    for r in &forged[2..] {
        lookup_log::append(&mut tx, r).await.unwrap();
    }
    let key = lookup_log::KeyRow { key_id: "k9".into(), public_key: theirs.public_hex(), created_at: at };
    lookup_log::add_key(&mut tx, &key).await.unwrap();
    lookup_log::set_head(&mut tx, &head).await.unwrap();
    let checkpoint = lookup_log::CheckpointRow {
        seq: 5,
        hash: head.hash.clone(),
        key_id: "k9".into(),
        signature: head.signature.clone().unwrap(),
        signed_at: at,
    };
    lookup_log::add_checkpoint(&mut tx, &checkpoint).await.unwrap();
    tx.commit().await.unwrap();

    // Trusting every key the database lists (the old behaviour), the forgery passes: the hole, reproduced.
    let mut tx = app.db().read().await.unwrap();
    let mut everything = TrustedKeys::new();
    for k in lookup_log::keys(&mut tx).await.unwrap() {
        everything.pin(&format!("{}:{}", k.key_id, k.public_key)).unwrap();
    }
    tx.commit().await.unwrap();
    assert!(log::verify(app.db(), &everything).await.unwrap().is_intact());

    // Trusting only keys given from outside the database, it is refused and the intruder's key named.
    let report = app.verify_lookup_log(&TrustedKeys::new()).await.unwrap();
    assert!(!report.is_intact());
    assert!(
        report.problems.contains(&Problem::UnknownKey {
            key_id: "k9".into(),
            signatures: 2,
            seqs: (5, 5),
            registered: true
        }),
        "{:?}",
        report.problems
    );
    assert!(report.problems.contains(&Problem::Unsigned { from: 1, to: 5 }), "{:?}", report.problems);
    assert_eq!(report.signers.iter().map(|u| (u.key_id.as_str(), u.trust)).collect::<Vec<_>>(), [("k9", None)]);
}

pub async fn tamper_drop_the_tail(db: Db, url: String) {
    let (app, raw) = five(db, url).await;
    raw.disarm().await;
    raw.run("delete from lookup_log where seq > 3").await;
    assert_eq!(problems(&app).await, vec![Problem::TailDropped { from: 4, to: 5 }]);
}

pub async fn fail_closed_when_the_log_cannot_be_written(db: Db, url: String) {
    let (registry, base) = registry().await;
    let app = with_log(bare_app(db).await, "k1", KEY).await.with_population_registry(connector(&base, |_| {}));
    let id = registry.population().person(0).unwrap().id_number.to_string();
    let raw = Raw(url);
    if raw.0.starts_with("sqlite:") {
        raw.run(
            "create trigger lookup_log_full before insert on lookup_log begin select raise(abort, 'disk full'); end;",
        )
        .await;
    } else {
        raw.run("create function refuse() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end; $$; create trigger lookup_log_full before insert on lookup_log for each row execute function refuse();").await;
    }
    let err = app.lookup_own_record(&citizen(&id), vec!["full_name".into()]).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::LookupLogUnavailable);
    assert_eq!(registry.requests(), 1, "the registry answered, but the answer was withheld");
    assert!(rows(&app).await.is_empty());
}
