//! The retention purge: what is old goes, what is recent stays, dossiers and events are untouched, and every run —
//! also one that removes nothing — is one `retention.purge` event with the counts and cut-offs.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::audit::AuditQuery;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::record::Ctx;
use motcua_app::retention::RetentionPolicy;
use motcua_app::{App, AppConfig, ManualClock};
use motcua_storage::citizens::{self, CitizenRecord, CitizenSessionRecord, LoginRecord};
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
