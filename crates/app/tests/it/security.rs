//! Issue 20's attacks on accounts, each reproduced first: concurrent and distributed password guessing, strangers
//! locking an officer out, oversized usernames kept in memory and the audit trail, roles given by those who do not
//! hold them, an administrator disabling their own account.

use motcua_app::accounts::{ClientInfo, GrantInput, NewOfficer};
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::{App, ErrorCode};
use motcua_storage::{Db, events, officers};

use crate::cases::{demo_app, login};

fn from(ip: &str) -> ClientInfo {
    ClientInfo { ip: Some(ip.into()), user_agent: None }
}

async fn guesses(app: &App, username: &str, ip: &str, n: usize) -> Vec<ErrorCode> {
    let tries = (0..n).map(|_| {
        let app = app.clone();
        let (username, ip) = (username.to_owned(), ip.to_owned());
        tokio::spawn(async move { app.login(&username, "sai-mat-khau", from(&ip)).await.unwrap_err().error_code() })
    });
    let mut codes = Vec::new();
    for t in tries.collect::<Vec<_>>() {
        codes.push(t.await.unwrap());
    }
    codes
}

pub async fn parallel_guesses_are_counted_before_they_are_checked(db: Db) {
    let (app, _) = demo_app(db).await;
    // Thirty guesses at once from one address: only the five the limit allows reach the password check.
    let codes = guesses(&app, "thuly.stp", "203.0.113.7", 30).await;
    let checked = codes.iter().filter(|c| **c == ErrorCode::BadCredentials).count();
    assert_eq!(checked, 5, "{codes:?}");
    assert!(codes.iter().all(|c| matches!(c, ErrorCode::BadCredentials | ErrorCode::TooManyAttempts)), "{codes:?}");
    let mut tx = app.db().read().await.unwrap();
    let failed = events::of_subject(&mut tx, "session", "thuly.stp").await.unwrap();
    assert_eq!(failed.len(), 5, "only the checked guesses are failures");
}

pub async fn strangers_cannot_lock_an_officer_out(db: Db) {
    let (app, _) = demo_app(db).await;
    // Five wrong passwords from elsewhere pause that address for the account, even with the right password…
    let _ = guesses(&app, "admin", "198.51.100.9", 5).await;
    let stranger = app.login("admin", DEMO_PASSWORD, from("198.51.100.9")).await.unwrap_err();
    assert_eq!(stranger.error_code(), ErrorCode::TooManyAttempts);
    // …but the administrator at their own desk still logs in (slowed down, not refused).
    let started = std::time::Instant::now();
    let own = app.login("admin", DEMO_PASSWORD, from("10.48.0.5")).await.unwrap();
    assert_eq!(own.officer.username, "admin");
    assert!(started.elapsed() >= motcua_app::throttle::FIRST_DELAY, "the account's logins are slowed down");

    // One address guessing across many accounts is paused as a whole once past its own limit.
    for name in ["thuly.stp", "vanthu.stp", "tiepnhan.hoian", "lanhdao.stp"] {
        let _ = guesses(&app, name, "192.0.2.44", 5).await;
    }
    let paused = app.login("tiepnhan.ttpvhcc", DEMO_PASSWORD, from("192.0.2.44")).await.unwrap_err();
    assert_eq!(paused.error_code(), ErrorCode::TooManyAttempts, "the address used up its 20 failures");
    assert!(app.login("tiepnhan.ttpvhcc", DEMO_PASSWORD, from("192.0.2.45")).await.is_ok());
}

pub async fn an_oversized_username_is_neither_stored_nor_kept(db: Db) {
    let (app, _) = demo_app(db).await;
    let huge = format!("{}X", "a".repeat(1_900_000));
    let err = app.login(&huge, "sai", from("203.0.113.8")).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::BadCredentials);
    let key = "a".repeat(64);
    let mut tx = app.db().read().await.unwrap();
    let failed = events::of_subject(&mut tx, "session", &key).await.unwrap();
    assert_eq!(failed.len(), 1, "recorded under the first 64 characters");
    assert!(failed[0].payload.0.to_string().len() < 200, "{}", failed[0].payload.0);
    // An over-long password is never hashed whole and never matches.
    let err = app.login("admin", &"p".repeat(100_000), from("203.0.113.8")).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::BadCredentials);
}

pub async fn a_unit_administrator_gives_only_roles_it_holds(db: Db) {
    let (app, _) = demo_app(db).await;
    // lanhdao.stp administers the department and heads it: it holds unit_admin and agency_head there.
    let director = login(&app, "lanhdao.stp").await;
    let officer = |username: &str, role: &str| NewOfficer {
        username: username.into(),
        full_name: "Cán Bộ Mới".into(),
        unit_id: "p48.stp".into(),
        password: "mat-khau-dai-du".into(),
        grants: vec![GrantInput { role: role.into(), unit_id: "p48.stp".into() }],
    };
    for (n, role) in ["province_admin", "auditor", "handler", "reception", "leader"].into_iter().enumerate() {
        let err = app.create_officer(&director, officer(&format!("vuot.quyen.{n}"), role)).await.unwrap_err();
        assert_eq!(err.error_code(), ErrorCode::Forbidden, "{role}");
    }
    app.create_officer(&director, officer("pho.giam.doc", "agency_head")).await.unwrap();
    // The province administrator staffs any unit of the province with any role.
    let admin = login(&app, "admin").await;
    app.create_officer(&admin, officer("thu.ly.moi", "handler")).await.unwrap();
    let mut tx = app.db().read().await.unwrap();
    for n in 0..5 {
        assert!(officers::by_username(&mut tx, &format!("vuot.quyen.{n}")).await.unwrap().is_none());
    }
}

pub async fn an_administrator_cannot_disable_their_own_account(db: Db) {
    let (app, _) = demo_app(db).await;
    let admin = login(&app, "admin").await;
    let me = app.login("admin", DEMO_PASSWORD, ClientInfo::default()).await.unwrap().officer;
    let err = app.set_officer_disabled(&admin, me.id, true, me.version).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::InvalidInput);
    assert!(app.login("admin", DEMO_PASSWORD, ClientInfo::default()).await.is_ok(), "still enabled");
}
