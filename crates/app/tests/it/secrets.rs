//! Secrets at rest: officers' TOTP seeds are sealed with the secrets key; legacy plaintext seeds still work and are
//! sealed by their next use; a seed sealed with another key is an error, never a plaintext fallback.

use std::sync::Arc;

use chrono::Duration;
use motcua_app::accounts::ClientInfo;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::secrets::{SecretBox, is_sealed};
use motcua_app::{App, AppConfig, ErrorCode};
use motcua_domain::access::Principal;
use motcua_storage::{Db, totp};
use uuid::Uuid;

use crate::totp::{challenge_of, code_now, demo_app, enrol};

async fn stored_seed(app: &App, officer: Uuid) -> String {
    let mut tx = app.db().read().await.unwrap();
    let record = totp::get(&mut tx, officer).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    record.secret
}

fn officer_id(principal: &Principal) -> Uuid {
    match principal {
        Principal::Officer { id, .. } => *id,
        _ => unreachable!(),
    }
}

pub async fn totp_seeds_are_sealed_at_rest_and_still_log_in(db: Db) {
    let (app, clock) = demo_app(db.clone()).await;
    let (ctx, secret) = enrol(&app, &clock, "thuly.stp").await;
    let id = officer_id(&ctx.principal);
    let stored = stored_seed(&app, id).await;
    let base32 = motcua_app::totp::base32_encode(&secret);
    assert!(is_sealed(&stored) && !stored.contains(&base32), "the raw column holds the seed: {stored}");

    clock.advance(Duration::seconds(30));
    let challenge = challenge_of(app.begin_login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    let outcome = app.login_with_totp(&challenge, &code_now(&secret, &clock), ClientInfo::default()).await.unwrap();
    assert_eq!(outcome.officer.username, "thuly.stp");

    // The same database under another secrets key: the seed does not open — an error, not a wrong code.
    let other = AppConfig { secrets: Arc::new(SecretBox::generate()), ..AppConfig::default() };
    let elsewhere = App::new(db, clock.clone(), other).await.unwrap();
    clock.advance(Duration::seconds(30));
    let challenge =
        challenge_of(elsewhere.begin_login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    let err =
        elsewhere.login_with_totp(&challenge, &code_now(&secret, &clock), ClientInfo::default()).await.unwrap_err();
    assert_eq!(err.error_code(), ErrorCode::Internal, "{err:?}");
}

pub async fn a_legacy_plaintext_seed_still_works_and_is_sealed_by_its_next_use(db: Db) {
    let (app, clock) = demo_app(db).await;
    let (ctx, secret) = enrol(&app, &clock, "thuly.stp").await;
    let id = officer_id(&ctx.principal);
    // A row as written before sealing existed: the base32 seed in plaintext.
    let base32 = motcua_app::totp::base32_encode(&secret);
    let plain = base32.clone();
    app.db().write(move |tx| Box::pin(async move { totp::set_secret(tx, id, &plain).await })).await.unwrap();
    assert_eq!(stored_seed(&app, id).await, base32);

    clock.advance(Duration::seconds(30));
    let challenge = challenge_of(app.begin_login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    app.login_with_totp(&challenge, &code_now(&secret, &clock), ClientInfo::default()).await.unwrap();
    let stored = stored_seed(&app, id).await;
    assert!(is_sealed(&stored) && !stored.contains(&base32), "sealed when next written: {stored}");

    // And it keeps working sealed.
    clock.advance(Duration::seconds(30));
    let challenge = challenge_of(app.begin_login("thuly.stp", DEMO_PASSWORD, ClientInfo::default()).await.unwrap());
    app.login_with_totp(&challenge, &code_now(&secret, &clock), ClientInfo::default()).await.unwrap();
}
