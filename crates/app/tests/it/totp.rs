//! Officers' optional TOTP: enrolment confirmed by a first code, the two-step login, wrong and replayed codes,
//! the throttle, the administrator's reset.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use motcua_app::accounts::{ClientInfo, LoginStep};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::record::Ctx;
use motcua_app::totp::{base32_decode, code_at, step_of};
use motcua_app::{App, AppConfig, AppError, ErrorCode, ManualClock};
use motcua_storage::{Db, events};

pub(crate) async fn demo_app(db: Db) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()));
    let app = App::new(db, clock.clone(), AppConfig::default()).await.unwrap();
    app.load_demo().await.unwrap();
    (app, clock)
}

pub(crate) fn code_now(secret: &[u8], clock: &ManualClock) -> String {
    use motcua_app::Clock;
    code_at(secret, step_of(clock.now().timestamp()))
}

pub(crate) async fn enrol(app: &App, clock: &ManualClock, username: &str) -> (Ctx, Vec<u8>) {
    let outcome = app.login(username, DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    let ctx = Ctx::new(outcome.officer.principal(), None);
    assert!(!app.totp_enabled(&ctx).await.unwrap());
    let enrolment = app.begin_totp_enrolment(&ctx).await.unwrap();
    assert!(enrolment.uri.starts_with("otpauth://totp/"), "{}", enrolment.uri);
    assert!(enrolment.uri.contains(&format!("secret={}", enrolment.secret)));
    assert!(!format!("{enrolment:?}").contains(&enrolment.secret), "Debug never shows the secret");
    let secret = base32_decode(&enrolment.secret).unwrap();
    assert_eq!(secret.len(), 20);
    // Not yet confirmed: the password alone still logs in.
    assert!(app.login(username, DEMO_PASSWORD, ClientInfo::default()).await.is_ok());
    let wrong = app.confirm_totp(&ctx, "000000").await.unwrap_err();
    assert_eq!(wrong.error_code(), ErrorCode::InvalidInput);
    app.confirm_totp(&ctx, &code_now(&secret, clock)).await.unwrap();
    assert!(app.totp_enabled(&ctx).await.unwrap());
    // A second enrolment is refused while one is active (the secret is never shown again).
    assert_eq!(app.begin_totp_enrolment(&ctx).await.unwrap_err().error_code(), ErrorCode::InvalidInput);
    (ctx, secret)
}

pub(crate) fn challenge_of(step: LoginStep) -> String {
    match step {
        LoginStep::TotpRequired { challenge, .. } => challenge,
        LoginStep::Session(_) => panic!("the password alone must not open a session"),
    }
}

async fn actions(app: &App, subject_type: &str, subject_id: &str) -> Vec<String> {
    let mut tx = app.db().read().await.unwrap();
    events::of_subject(&mut tx, subject_type, subject_id).await.unwrap().into_iter().map(|e| e.action).collect()
}

pub async fn enrolment_and_two_step_login(db: Db) {
    let (app, clock) = demo_app(db).await;
    let (ctx, secret) = enrol(&app, &clock, "thuly.stp").await;

    // The password alone: no session, a challenge.
    let err = app.login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::TotpRequired);
    clock.advance(Duration::seconds(30));
    let challenge = challenge_of(app.begin_login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    assert!(app.authenticate(&challenge).await.unwrap().is_none(), "a challenge is not a session");

    // A wrong code is refused and audited; the right one opens the session.
    let err = app.login_with_totp(&challenge, "123456", ClientInfo::default()).await.unwrap_err();
    assert!(matches!(err, AppError::Coded { code: ErrorCode::TotpCodeInvalid, .. }), "{err:?}");
    assert!(actions(&app, "session", "thuly.stp").await.contains(&"session.totp_failed".to_owned()));
    let code = code_now(&secret, &clock);
    let outcome = app.login_with_totp(&challenge, &code, ClientInfo::default()).await.unwrap();
    assert_eq!(outcome.officer.username, "thuly.stp");
    assert!(app.authenticate(&outcome.token).await.unwrap().is_some());

    // The challenge is used up, and the same code cannot open a second session (replay).
    let err = app.login_with_totp(&challenge, &code, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::LoginChallengeExpired);
    let again = challenge_of(app.begin_login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    let err = app.login_with_totp(&again, &code, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::TotpCodeInvalid, "a code is accepted once");
    // Nor a code of an earlier step still within the drift window.
    let previous = code_at(&secret, step_of(Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap().timestamp()));
    let err = app.login_with_totp(&again, &previous, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::TotpCodeInvalid);
    // The next step's code works.
    clock.advance(Duration::seconds(30));
    app.login_with_totp(&again, &code_now(&secret, &clock), ClientInfo::default()).await.unwrap();

    // A challenge expires after five minutes.
    let late = challenge_of(app.begin_login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    clock.advance(Duration::minutes(6));
    let err = app.login_with_totp(&late, &code_now(&secret, &clock), ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::LoginChallengeExpired);

    let id = match &ctx.principal {
        motcua_domain::access::Principal::Officer { id, .. } => *id,
        _ => unreachable!(),
    };
    assert!(actions(&app, "officer", &id.to_string()).await.contains(&"officer.totp_enabled".to_owned()));
}

pub async fn wrong_codes_count_toward_the_throttle(db: Db) {
    let (app, clock) = demo_app(db).await;
    let (_, secret) = enrol(&app, &clock, "vanthu.stp").await;
    clock.advance(Duration::seconds(30));
    let challenge = challenge_of(app.begin_login("vanthu.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    for _ in 0..5 {
        let err = app.login_with_totp(&challenge, "999999", ClientInfo::default()).await.unwrap_err();
        assert_ne!(err.error_code(), ErrorCode::TooManyAttempts);
    }
    let err = app.login_with_totp(&challenge, &code_now(&secret, &clock), ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::TooManyAttempts, "even the right code waits");
    let err = app.begin_login("vanthu.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::TooManyAttempts, "and the password step too");
}

pub async fn an_administrator_resets_totp(db: Db) {
    let (app, clock) = demo_app(db).await;
    let (officer, _) = enrol(&app, &clock, "thuly.stp").await;
    let id = match &officer.principal {
        motcua_domain::access::Principal::Officer { id, .. } => *id,
        _ => unreachable!(),
    };
    // Not an administrator: refused.
    assert_eq!(app.reset_officer_totp(&officer, id).await.unwrap_err().error_code(), ErrorCode::Forbidden);
    let admin = app.login("admin", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    let admin = Ctx::new(admin.officer.principal(), None);
    app.reset_officer_totp(&admin, id).await.unwrap();
    assert!(app.login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.is_ok(), "password alone again");
    assert!(!app.totp_enabled(&officer).await.unwrap());
    assert!(actions(&app, "officer", &id.to_string()).await.contains(&"officer.totp_reset".to_owned()));
    // The officer may enrol again, with a new secret.
    let (_, second) = enrol(&app, &clock, "thuly.stp").await;
    assert_eq!(second.len(), 20);
}
