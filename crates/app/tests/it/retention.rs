//! The retention purge: what is old goes, what is recent stays, dossiers and events are untouched, and every run —
//! also one that removes nothing — is one `retention.purge` event with the counts and cut-offs. Citizen profiles go
//! after two years without a login unless they still hold a session; expired share links go after the grace.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::audit::AuditQuery;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::dossiers::online::OnlineFiling;
use motcua_app::identity::CitizenSession;
use motcua_app::record::Ctx;
use motcua_app::retention::RetentionPolicy;
use motcua_app::{App, AppConfig, ManualClock};
use motcua_domain::access::Principal;
use motcua_storage::citizens::{self, CitizenRecord, CitizenSessionRecord, LoginRecord};
use motcua_storage::documents::{self, DocumentRecord, ShareRecord};
use motcua_storage::drafts::{self, DraftRecord};
use motcua_storage::totp::{self, ChallengeRecord};
use motcua_storage::{Db, Json, events};
use serde_json::json;

const CITIZEN: &str = "048090000123";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()
}

async fn unit_events(app: &App) -> usize {
    let units: Vec<String> = app.tree().units().map(|u| u.id.to_string()).collect();
    let mut tx = app.db().read().await.unwrap();
    let n = events::of_units(&mut tx, &units, 1_000_000).await.unwrap().len();
    tx.commit().await.unwrap();
    n
}

async fn seed_citizen(app: &App) {
    let mut tx = app.db().begin_write().await.unwrap();
    citizens::upsert(
        &mut tx,
        &CitizenRecord {
            id_number: CITIZEN.into(),
            full_name: "Nguyễn Văn An".into(),
            birth_date: None,
            assurance: "L2".into(),
            subject: "sub-1".into(),
            first_seen_at: t0(),
            last_login_at: t0(),
        },
    )
    .await
    .unwrap();
    for (hash, expires) in [("old-session", t0() + Duration::hours(2)), ("recent-session", t0() + Duration::days(35))] {
        citizens::insert_session(
            &mut tx,
            &CitizenSessionRecord {
                token_hash: hash.into(),
                id_number: CITIZEN.into(),
                full_name: "Nguyễn Văn An".into(),
                birth_date: None,
                assurance: "L2".into(),
                created_at: t0(),
                expires_at: expires,
                client_ip: Some("10.0.0.1".into()),
                user_agent: None,
                org_tax_code: None,
                org_name: None,
            },
        )
        .await
        .unwrap();
    }
    citizens::insert_login(
        &mut tx,
        &LoginRecord {
            state_hash: "old-login".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            return_to: "/".into(),
            created_at: t0(),
            expires_at: t0() + Duration::minutes(10),
        },
    )
    .await
    .unwrap();
    for (procedure, saved) in [("P-OLD", t0()), ("P-NEW", t0() + Duration::days(35))] {
        drafts::upsert(
            &mut tx,
            &DraftRecord {
                id_number: CITIZEN.into(),
                procedure_code: procedure.into(),
                form_values: Json(json!({ "ho_ten": "Nguyễn Văn An" })),
                created_at: saved,
                updated_at: saved,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

pub async fn purge_removes_old_keeps_recent_and_is_audited(db: Db) {
    let clock = Arc::new(ManualClock::new(t0()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let policy = RetentionPolicy::default();

    // An officer session opened now (void after 10 hours) and a second-factor challenge that expired long ago.
    let old_officer = app.login("lanhdao", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    let mut tx = app.db().begin_write().await.unwrap();
    totp::insert_challenge(
        &mut tx,
        &ChallengeRecord {
            token_hash: "old-challenge".into(),
            officer_id: old_officer.officer.id,
            created_at: t0(),
            expires_at: t0() + Duration::minutes(5),
            client_ip: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    seed_citizen(&app).await;

    // Forty days later: the old draft (saved 40 days ago), the sessions that expired 40 days ago go; the draft saved
    // 5 days ago, the citizen session that expired 5 days ago (within the 7-day grace) and a live session stay.
    clock.advance(Duration::days(40));
    let now = t0() + Duration::days(40);
    let live = app.login("lanhdao", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    let events_before = unit_events(&app).await;

    let report = app.purge_retention(&Ctx::system(), &policy).await.unwrap();
    assert_eq!(report.ran_at, now);
    assert_eq!((report.drafts.removed, report.drafts.cutoff), (1, now - Duration::days(30)));
    assert_eq!((report.officer_sessions.removed, report.officer_sessions.cutoff), (1, now - Duration::days(7)));
    assert_eq!(report.officer_login_challenges.removed, 1);
    assert_eq!((report.citizen_sessions.removed, report.citizen_sessions.cutoff), (1, now - Duration::days(7)));
    assert_eq!(report.citizen_logins.removed, 1);
    assert_eq!((report.share_links.removed, report.share_links.cutoff), (0, now - Duration::days(30)));
    assert_eq!(report.total(), 5);

    // What is recent is still there.
    let mut tx = app.db().read().await.unwrap();
    assert!(drafts::get(&mut tx, CITIZEN, "P-NEW").await.unwrap().is_some());
    assert!(drafts::get(&mut tx, CITIZEN, "P-OLD").await.unwrap().is_none());
    tx.commit().await.unwrap();
    assert!(app.authenticate(&live.token).await.unwrap().is_some(), "a live officer session is kept");
    // The citizen session that expired 5 days ago is kept (void, but within the grace): the next purge, once it
    // is older than the grace, removes it.
    clock.advance(Duration::days(3));
    let later = app.purge_retention(&Ctx::system(), &policy).await.unwrap();
    assert_eq!(later.citizen_sessions.removed, 1, "the recent citizen session, now 8 days past expiry");
    assert_eq!(later.drafts.removed, 0);

    // Each run is one event about retention/purge, by the system, with the counts and the cut-offs.
    let mut tx = app.db().read().await.unwrap();
    let runs = events::of_subject(&mut tx, "retention", "purge").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(runs.len(), 2);
    let first = &runs[0];
    assert_eq!(first.action, "retention.purge");
    assert_eq!(first.actor_kind, "system");
    assert_eq!(first.occurred_at, now);
    let p = &first.payload.0;
    assert_eq!(p["drafts"]["removed"], 1);
    assert_eq!(p["officer_sessions"]["removed"], 1);
    assert_eq!(p["citizen_sessions"]["removed"], 1);
    assert_eq!(p["citizen_logins"]["removed"], 1);
    assert_eq!(p["officer_login_challenges"]["removed"], 1);
    assert_eq!(p["share_links"]["removed"], 0);
    assert_eq!(p["total"], 5);
    assert_eq!(p["policy_days"]["drafts"], 30);
    let cutoff: DateTime<Utc> = serde_json::from_value(p["drafts"]["cutoff"].clone()).unwrap();
    assert_eq!(cutoff, now - Duration::days(30));
    // The purge deletes no event (the trail is kept); its own events belong to no unit.
    assert_eq!(unit_events(&app).await, events_before);

    // The province's auditor finds the runs in the audit trail (events tied to no unit belong to the province).
    let auditor = app.login("kiemtra", DEMO_PASSWORD, ClientInfo::default()).await.unwrap().officer.principal();
    let query = AuditQuery { action: Some("retention.".into()), ..AuditQuery::default() };
    let trail = app.audit_trail(&auditor, &query, None, 50).await.unwrap();
    assert_eq!(trail.entries.len(), 2);
    assert_eq!(trail.entries[1].payload["drafts"]["removed"], 1, "newest first: the first run is last");

    // A run that removes nothing is still recorded: the trail shows the purge ran.
    let empty = app.purge_retention(&Ctx::system(), &policy).await.unwrap();
    assert_eq!(empty.total(), 0);
    let mut tx = app.db().read().await.unwrap();
    let runs = events::of_subject(&mut tx, "retention", "purge").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[2].payload.0["total"], 0);
}

pub async fn scheduled_purge_runs_when_due(db: Db) {
    let clock = Arc::new(ManualClock::new(t0()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    let policy = RetentionPolicy::default();
    // Never ran: due at once.
    assert!(app.purge_retention_if_due(&policy).await.unwrap().is_some());
    // Ran just now: not due for a day, whatever the instance (the schedule is the newest event).
    clock.advance(Duration::hours(23));
    assert!(app.purge_retention_if_due(&policy).await.unwrap().is_none());
    clock.advance(Duration::hours(1));
    assert!(app.purge_retention_if_due(&policy).await.unwrap().is_some());
    // Not scheduled: only the command runs it.
    clock.advance(Duration::days(3));
    let manual_only = RetentionPolicy { every: None, ..policy };
    assert!(app.purge_retention_if_due(&manual_only).await.unwrap().is_none());
    let mut tx = app.db().read().await.unwrap();
    assert_eq!(events::of_subject(&mut tx, "retention", "purge").await.unwrap().len(), 2);
    tx.commit().await.unwrap();
}

/// A citizen profile as a login leaves it.
fn profile(id_number: &str, last_login_at: DateTime<Utc>) -> CitizenRecord {
    CitizenRecord {
        id_number: id_number.into(),
        full_name: "Trần Thị Bình".into(),
        birth_date: None,
        assurance: "L2".into(),
        subject: format!("sub-{id_number}"),
        first_seen_at: last_login_at,
        last_login_at,
    }
}

async fn profile_exists(app: &App, id_number: &str) -> bool {
    let mut tx = app.db().read().await.unwrap();
    let found = citizens::get(&mut tx, id_number).await.unwrap().is_some();
    tx.commit().await.unwrap();
    found
}

async fn share_exists(app: &App, token_hash: &str) -> bool {
    let mut tx = app.db().read().await.unwrap();
    let found = documents::share(&mut tx, token_hash).await.unwrap().is_some();
    tx.commit().await.unwrap();
    found
}

pub async fn purge_removes_long_inactive_citizen_profiles_and_expired_share_links(db: Db) {
    const INACTIVE: &str = "048090000201";
    const WITH_SESSION: &str = "048090000202";
    const ACTIVE: &str = "048090000203";
    let clock = Arc::new(ManualClock::new(t0()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    let policy = RetentionPolicy::default();
    assert_eq!(policy.citizen_profiles, Duration::days(730));

    // The inactive citizen filed a dossier before going quiet: the dossier keeps its own copy of the applicant.
    let session = CitizenSession {
        id_number: INACTIVE.into(),
        full_name: "Trần Thị Bình".into(),
        birth_date: None,
        assurance: motcua_domain::catalogue::Assurance::L2,
        expires_at: t0() + Duration::hours(2),
        organisation: None,
    };
    let ctx = Ctx::new(session.principal(), None);
    let p = app.procedure(&Principal::Anonymous, "1.001570", None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), INACTIVE, "p48", "c20410");
    let filing = OnlineFiling {
        procedure: "1.001570".into(),
        unit: Some("c20410".into()),
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
        ..OnlineFiling::default()
    };
    let filed = app.file_online(&ctx, &session, filing, None).await.unwrap();

    // Three profiles: one last seen now, one last seen now but still holding a (long) session, one seen later.
    // A warehouse document with two share links: one that expired the next day, one still valid much later.
    let mut tx = app.db().begin_write().await.unwrap();
    citizens::upsert(&mut tx, &profile(INACTIVE, t0())).await.unwrap();
    citizens::upsert(&mut tx, &profile(WITH_SESSION, t0())).await.unwrap();
    citizens::upsert(&mut tx, &profile(ACTIVE, t0() + Duration::days(700))).await.unwrap();
    citizens::insert_session(
        &mut tx,
        &CitizenSessionRecord {
            token_hash: "held-session".into(),
            id_number: WITH_SESSION.into(),
            full_name: "Trần Thị Bình".into(),
            birth_date: None,
            assurance: "L2".into(),
            created_at: t0(),
            expires_at: t0() + Duration::days(800),
            client_ip: None,
            user_agent: None,
            org_tax_code: None,
            org_name: None,
        },
    )
    .await
    .unwrap();
    let document = uuid::Uuid::now_v7();
    documents::insert(
        &mut tx,
        &DocumentRecord {
            id: document,
            province_id: "p48".into(),
            owner_kind: Some("person".into()),
            owner_id: Some(ACTIVE.into()),
            dossier_id: None,
            component_key: None,
            doc_type: Some("birth_certificate".into()),
            title: "Giấy khai sinh".into(),
            file_name: "giay-khai-sinh.pdf".into(),
            media_type: "application/pdf".into(),
            size_bytes: 3,
            sha256: "0".repeat(64),
            source: "digitised".into(),
            issuer: None,
            issuer_unit_id: None,
            issued_on: None,
            valid_to: None,
            digitised_by: None,
            origin_document_id: None,
            in_warehouse: true,
            result_code: None,
            result_of: None,
            signature_key_id: None,
            signature: None,
            signed_at: None,
            created_by: Some(format!("citizen:{ACTIVE}")),
            created_at: t0(),
        },
    )
    .await
    .unwrap();
    for (hash, expires) in [("expired-share", t0() + Duration::days(1)), ("valid-share", t0() + Duration::days(800))] {
        let share = ShareRecord {
            token_hash: hash.into(),
            document_id: document,
            created_by: format!("citizen:{ACTIVE}"),
            expires_at: expires,
            created_at: t0(),
        };
        documents::insert_share(&mut tx, &share).await.unwrap();
    }
    tx.commit().await.unwrap();

    // Two years and a day later: the profile without a login for two years goes; the one that still holds a session
    // and the one seen 31 days ago stay. The share link that expired two years ago goes, the valid one stays.
    clock.advance(Duration::days(731));
    let now = t0() + Duration::days(731);
    let report = app.purge_retention(&Ctx::system(), &policy).await.unwrap();
    assert_eq!((report.citizen_profiles.removed, report.citizen_profiles.cutoff), (1, now - Duration::days(730)));
    assert_eq!((report.share_links.removed, report.share_links.cutoff), (1, now - Duration::days(30)));
    assert!(!profile_exists(&app, INACTIVE).await);
    assert!(profile_exists(&app, WITH_SESSION).await, "a profile holding a session stays");
    assert!(profile_exists(&app, ACTIVE).await, "an active profile stays");
    assert!(!share_exists(&app, "expired-share").await);
    assert!(share_exists(&app, "valid-share").await);
    // The dossier is untouched and still the citizen's.
    let theirs: Vec<_> = app.citizen_dossiers(&ctx).await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(theirs, [filed.id]);
    assert_eq!(app.dossier(&ctx.principal, filed.id).await.unwrap().applicant.full_name, "Trần Thị Bình");

    // Counted in the run's audited event, with the policy.
    let mut tx = app.db().read().await.unwrap();
    let runs = events::of_subject(&mut tx, "retention", "purge").await.unwrap();
    tx.commit().await.unwrap();
    let p = &runs.last().unwrap().payload.0;
    assert_eq!(p["citizen_profiles"]["removed"], 1);
    assert_eq!(p["share_links"]["removed"], 1);
    assert_eq!(p["policy_days"]["citizen_profiles"], 730);
    assert_eq!(p["total"], report.total());

    // Once the session is gone and the active citizen has not come back for two years either, both go.
    clock.advance(Duration::days(700));
    let later = app.purge_retention(&Ctx::system(), &policy).await.unwrap();
    assert_eq!(later.citizen_sessions.removed, 1);
    assert_eq!(later.citizen_profiles.removed, 2);
    assert!(!profile_exists(&app, WITH_SESSION).await && !profile_exists(&app, ACTIVE).await);
    assert_eq!(later.share_links.removed, 1, "the other link, expired 631 days ago");
}
