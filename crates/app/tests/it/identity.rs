//! Citizen login against the reference identity provider over real HTTP (a loopback listener per test), the
//! citizen sessions it opens, the assurance levels, and "my dossiers".

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::dossiers::online::OnlineFiling;
use motcua_app::identity::{CitizenLogin, IdentityConfig};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, AppError, Clock, ErrorCode, ManualClock};
use motcua_domain::catalogue::Assurance;
use motcua_reference::idp::{self, Fault, IdpClient, IdpConfig, IdpUser};
use motcua_storage::Db;
use openidconnect::url::Url;

const REDIRECT: &str = "http://127.0.0.1:9/dang-nhap/vneid/callback";
const L2_CITIZEN: &str = "048203000001";
const L1_CITIZEN: &str = "049195123456";
/// The organisation account of the L2 citizen (valid tax code), and one whose provider sends a bad tax code.
const ORG_TAX_CODE: &str = "0401234566";
const ORG_ACCOUNT: &str = "0401234566/048203000001";
const OTHER_ORG_ACCOUNT: &str = "0400789124/048203000001";
const BAD_ORG_ACCOUNT: &str = "0401234567/048203000001";

fn users() -> Vec<IdpUser> {
    let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let faulty =
        |id: &str, fault| IdpUser { fault: Some(fault), ..IdpUser::new(id, "Giả Mạo", born(1990, 1, 1), true) };
    vec![
        IdpUser::new(L2_CITIZEN, "Nguyễn Thị Dân", born(2003, 5, 17), true),
        IdpUser::new(L1_CITIZEN, "Trần Văn Định", born(1995, 2, 3), false),
        faulty("048190000011", Fault::ForgedSignature),
        faulty("048190000012", Fault::Expired),
        faulty("048190000013", Fault::WrongNonce),
        faulty("048190000014", Fault::WrongAudience),
        IdpUser::new(L2_CITIZEN, "Nguyễn Thị Dân", born(2003, 5, 17), true)
            .for_organisation(ORG_TAX_CODE, "Công ty TNHH Xây dựng Hòa Xuân"),
        IdpUser::new(L2_CITIZEN, "Nguyễn Thị Dân", born(2003, 5, 17), true)
            .for_organisation("0400789124", "Hợp tác xã Nông nghiệp Hòa Tiến"),
        // The check digit is wrong: the relying party must not open a session for it.
        IdpUser::new(L2_CITIZEN, "Nguyễn Thị Dân", born(2003, 5, 17), true)
            .for_organisation("0401234567", "Công ty Sai Mã"),
    ]
}

/// The app (demo data, clock on Monday 1/12/2025 09:00 in Vietnam) logging in against a reference provider on
/// an ephemeral loopback port that shares the app's clock.
async fn setup(db: Db) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let client = IdpClient {
        client_id: "motcua-test".into(),
        client_secret: "bí-mật thử".into(),
        redirect_uris: vec![REDIRECT.into()],
    };
    let idp_clock = clock.clone();
    let config = IdpConfig { clock: Arc::new(move || idp_clock.now()), ..IdpConfig::new(&issuer, client, users()) };
    tokio::spawn(idp::serve(listener, config));
    let identity = IdentityConfig {
        issuer_url: issuer,
        client_id: "motcua-test".into(),
        client_secret: "bí-mật thử".into(),
        redirect_url: REDIRECT.into(),
        session_ttl: Duration::hours(2),
    };
    let app =
        App::new(db, clock.clone(), AppConfig { identity: Some(identity), ..AppConfig::default() }).await.unwrap();
    app.load_demo().await.unwrap();
    (app, clock)
}

/// What the browser does: follow the authorize URL, pick `user` on the provider's page, come back with the code.
/// Returns (state, code) from the callback URL.
async fn authorize(authorize_url: &str, user: &str) -> (String, String) {
    let url = Url::parse(authorize_url).unwrap();
    let params: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    let http = motcua_app::http::client_builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Đăng nhập bằng tài khoản định danh điện tử"));
    let mut form = params.clone();
    form.insert("user".into(), user.into());
    let endpoint = format!("{}://{}{}", url.scheme(), url.authority(), url.path());
    let body = openidconnect::url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
    let answer = http
        .post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let back = Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    assert!(back.as_str().starts_with(REDIRECT), "{back}");
    let get = |k: &str| back.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned()).unwrap();
    (get("state"), get("code"))
}

async fn log_in(app: &App, user: &str) -> Result<CitizenLogin, AppError> {
    let start = app.begin_citizen_login("/thu-tuc/1.001570/nop").await?;
    let (state, code) = authorize(&start.authorize_url, user).await;
    assert_eq!(state, start.state);
    app.finish_citizen_login(&state, Some(&start.state), &code, ClientInfo::default()).await
}

fn refusal(result: Result<CitizenLogin, AppError>) -> String {
    let e = result.expect_err("the login must be refused");
    assert_eq!(e.error_code(), ErrorCode::IdentityLoginFailed, "{}", e.message_vi());
    e.message_vi()
}

pub async fn citizen_login_over_http_opens_a_session_that_expires(db: Db) {
    let (app, clock) = setup(db).await;
    let login = log_in(&app, L2_CITIZEN).await.unwrap();
    assert_eq!(login.return_to, "/thu-tuc/1.001570/nop");
    assert_eq!(login.token.len(), 64);
    let session = app.authenticate_citizen(&login.token).await.unwrap().expect("a valid session");
    assert_eq!(session.id_number, L2_CITIZEN);
    assert_eq!(session.full_name, "Nguyễn Thị Dân");
    assert_eq!(session.birth_date, NaiveDate::from_ymd_opt(2003, 5, 17));
    assert_eq!(session.assurance, Assurance::L2);
    // A token that differs in one character is no session.
    let mut tampered = login.token.clone().into_bytes();
    tampered[0] = if tampered[0] == b'a' { b'b' } else { b'a' };
    assert_eq!(app.authenticate_citizen(&String::from_utf8(tampered).unwrap()).await.unwrap(), None);
    // The session lives two hours.
    clock.advance(Duration::minutes(119));
    assert!(app.authenticate_citizen(&login.token).await.unwrap().is_some());
    clock.advance(Duration::minutes(2));
    assert_eq!(app.authenticate_citizen(&login.token).await.unwrap(), None, "expired");
    // A new login, then logout ends it.
    let again = log_in(&app, L1_CITIZEN).await.unwrap();
    assert_eq!(again.session.assurance, Assurance::L1);
    assert!(app.authenticate_citizen(&again.token).await.unwrap().is_some(), "remembered for a few seconds");
    app.logout_citizen(&Ctx::new(again.session.principal(), None), &again.token).await.unwrap();
    assert_eq!(app.authenticate_citizen(&again.token).await.unwrap(), None);
}

pub async fn forged_expired_and_misbound_tokens_are_refused(db: Db) {
    let (app, _) = setup(db).await;
    assert!(refusal(log_in(&app, "048190000011").await).contains("Chữ ký của thẻ định danh không hợp lệ"));
    assert!(refusal(log_in(&app, "048190000012").await).contains("Thẻ định danh đã hết hạn"));
    assert!(refusal(log_in(&app, "048190000013").await).contains("nonce không khớp"));
    assert!(refusal(log_in(&app, "048190000014").await).contains("ứng dụng khác"));
    // Nobody was logged in by any of them.
    for id in ["048190000011", "048190000012", "048190000013", "048190000014"] {
        let ctx = Ctx::new(motcua_domain::access::Principal::Citizen { id_number: id.into() }, None);
        assert!(app.citizen_dossiers(&ctx).await.unwrap().is_empty());
    }
}

pub async fn wrong_state_and_replayed_callbacks_are_refused(db: Db) {
    let (app, clock) = setup(db).await;
    // The callback's state must be the one of this browser's login cookie.
    let start = app.begin_citizen_login("/").await.unwrap();
    let (state, code) = authorize(&start.authorize_url, L2_CITIZEN).await;
    let other = app.begin_citizen_login("/").await.unwrap();
    let wrong = app.finish_citizen_login(&state, Some(&other.state), &code, ClientInfo::default()).await;
    assert!(refusal(wrong).contains("state không hợp lệ"));
    assert!(refusal(app.finish_citizen_login(&state, None, &code, ClientInfo::default()).await).contains("state"));
    // A state nobody issued, even when cookie and query agree.
    let forged = app.finish_citizen_login("khong-co", Some("khong-co"), &code, ClientInfo::default()).await;
    assert!(refusal(forged).contains("state"));
    // The right pair works once; replaying the callback is refused.
    app.finish_citizen_login(&state, Some(&state), &code, ClientInfo::default()).await.unwrap();
    let replay = app.finish_citizen_login(&state, Some(&state), &code, ClientInfo::default()).await;
    assert!(refusal(replay).contains("state"));
    // A login left for more than ten minutes cannot be finished.
    let (state, code) = authorize(&other.authorize_url, L2_CITIZEN).await;
    clock.advance(Duration::minutes(11));
    assert!(
        refusal(app.finish_citizen_login(&state, Some(&state), &code, ClientInfo::default()).await).contains("hết hạn")
    );
}

fn filing(app_form: BTreeMap<String, String>, procedure: &str, components: Vec<String>) -> OnlineFiling {
    OnlineFiling {
        procedure: procedure.into(),
        unit: Some("c20410".into()),
        form: app_form,
        components,
        phone: Some("0905123456".into()),
        ..OnlineFiling::default()
    }
}

async fn complete(app: &App, procedure: &str, id_number: &str) -> OnlineFiling {
    let p = app.procedure(&motcua_domain::access::Principal::Anonymous, procedure, None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), id_number, "p48", "c20410");
    filing(form, procedure, p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect())
}

pub async fn assurance_levels_and_my_dossiers(db: Db) {
    let (app, _) = setup(db).await;
    let l1 = log_in(&app, L1_CITIZEN).await.unwrap().session;
    let l2 = log_in(&app, L2_CITIZEN).await.unwrap().session;
    let (l1_ctx, l2_ctx) = (Ctx::new(l1.principal(), None), Ctx::new(l2.principal(), None));

    // 1.004873 (marital status certificate) needs level 2: an L1 session is refused with the reason.
    let needs_l2 = complete(&app, "1.004873", L1_CITIZEN).await;
    let refused = app.file_online(&l1_ctx, &l1, needs_l2, None).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::AssuranceTooLow);
    assert!(refused.message_vi().contains("mức độ 2") && refused.message_vi().contains("mức độ 1"));

    // 1.001570 needs level 1: filed, the applicant is the session's citizen; a double submission files once.
    let mine = app.file_online(&l1_ctx, &l1, complete(&app, "1.001570", L1_CITIZEN).await, Some("k1".into())).await;
    let mine = mine.unwrap();
    assert_eq!((mine.applicant.id_number.as_str(), mine.applicant.full_name.as_str()), (L1_CITIZEN, "Trần Văn Định"));
    let twice = app.file_online(&l1_ctx, &l1, complete(&app, "1.001570", L1_CITIZEN).await, Some("k1".into())).await;
    assert_eq!(twice.unwrap().id, mine.id);
    // Acting for someone else's session is refused.
    assert_eq!(
        app.file_online(&l2_ctx, &l1, complete(&app, "1.001570", L1_CITIZEN).await, None)
            .await
            .unwrap_err()
            .error_code(),
        ErrorCode::Forbidden
    );
    let theirs = app.file_online(&l2_ctx, &l2, complete(&app, "1.001570", L2_CITIZEN).await, None).await.unwrap();

    // Each sees only their own, newest first, with the timeline.
    let listed: Vec<_> = app.citizen_dossiers(&l1_ctx).await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(listed, [mine.id]);
    let listed: Vec<_> = app.citizen_dossiers(&l2_ctx).await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(listed, [theirs.id]);
    let timeline = app.dossier_timeline(&l1_ctx.principal, mine.id).await.unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].actor_kind, "citizen");
    // Reading another citizen's dossier or its timeline is refused as if it did not exist.
    assert_eq!(app.dossier(&l1_ctx.principal, theirs.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    assert_eq!(app.dossier_timeline(&l1_ctx.principal, theirs.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    // Nobody logged in has no "my dossiers".
    let anonymous = Ctx::new(motcua_domain::access::Principal::Anonymous, None);
    assert_eq!(app.citizen_dossiers(&anonymous).await.unwrap_err().error_code(), ErrorCode::Unauthenticated);
}

pub async fn organisation_accounts_file_and_list_the_organisations_dossiers(db: Db) {
    use motcua_domain::access::Principal;
    let (app, _) = setup(db).await;
    // The same person, logged in with the organisation's account and with their own.
    let org = log_in(&app, ORG_ACCOUNT).await.unwrap().session;
    let org_account = org.organisation.clone().expect("an organisation session");
    assert_eq!(
        (org_account.tax_code.as_str(), org_account.name.as_str()),
        (ORG_TAX_CODE, "Công ty TNHH Xây dựng Hòa Xuân")
    );
    assert_eq!(org.id_number, L2_CITIZEN, "the person acting is kept");
    assert_eq!(
        org.principal(),
        Principal::Organisation { tax_code: ORG_TAX_CODE.into(), id_number: L2_CITIZEN.into() }
    );
    let token = log_in(&app, ORG_ACCOUNT).await.unwrap().token;
    assert_eq!(app.authenticate_citizen(&token).await.unwrap().unwrap().organisation, Some(org_account.clone()));
    let person = log_in(&app, L2_CITIZEN).await.unwrap().session;
    assert_eq!(person.organisation, None);
    let other = log_in(&app, OTHER_ORG_ACCOUNT).await.unwrap().session;
    let (org_ctx, person_ctx, other_ctx) =
        (Ctx::new(org.principal(), None), Ctx::new(person.principal(), None), Ctx::new(other.principal(), None));

    // A procedure open to organisations (2.000815, chứng thực): filed as the organisation's dossier.
    let filed = app.file_online(&org_ctx, &org, complete(&app, "2.000815", L2_CITIZEN).await, Some("org-1".into()));
    let filed = filed.await.unwrap();
    assert_eq!(filed.applicant.organisation, Some(org_account.clone()));
    assert_eq!(filed.applicant.id_number, L2_CITIZEN, "the person who filed for it");
    let timeline = app.dossier_timeline(&org_ctx.principal, filed.id).await.unwrap();
    assert_eq!(timeline[0].actor_kind, "organisation");
    assert_eq!(timeline[0].actor_id.as_deref(), Some(format!("{ORG_TAX_CODE}:{L2_CITIZEN}").as_str()));
    // The person's own dossier is not the organisation's, and the other way round.
    let own = app.file_online(&person_ctx, &person, complete(&app, "2.000815", L2_CITIZEN).await, None).await.unwrap();
    assert_eq!(own.applicant.organisation, None);
    let ids = |list: Vec<motcua_app::dossiers::DossierView>| list.into_iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(ids(app.citizen_dossiers(&org_ctx).await.unwrap()), [filed.id]);
    assert_eq!(ids(app.citizen_dossiers(&person_ctx).await.unwrap()), [own.id]);
    assert!(app.citizen_dossiers(&other_ctx).await.unwrap().is_empty());
    // Only the organisation opens its dossier: not the person on their own account, not another organisation.
    assert_eq!(app.dossier(&org_ctx.principal, filed.id).await.unwrap().id, filed.id);
    for stranger in [&person_ctx, &other_ctx] {
        assert_eq!(app.dossier(&stranger.principal, filed.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    }
    assert_eq!(app.dossier(&org_ctx.principal, own.id).await.unwrap_err().error_code(), ErrorCode::NotFound);
    // The warehouse of an organisation session is the organisation's (empty), not the person's.
    assert!(app.warehouse(&org_ctx.principal).await.unwrap().is_empty());

    // A procedure for citizens only (1.001570): an organisation's account is refused with the reason.
    let refused = app.file_online(&org_ctx, &org, complete(&app, "1.001570", L2_CITIZEN).await, None).await;
    let refused = refused.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::Forbidden);
    assert!(refused.message_vi().contains("không dành cho tổ chức"), "{}", refused.message_vi());
    // An organisation does not file "for another person".
    let mut behalf = complete(&app, "2.000815", L2_CITIZEN).await;
    behalf.on_behalf_of = Some(motcua_app::dossiers::representation::OnBehalfOf {
        kind: "authorised".into(),
        subject_id_number: L1_CITIZEN.into(),
        subject_name: Some("Trần Văn Định".into()),
        paper_component: None,
    });
    let refused = app.file_online(&org_ctx, &org, behalf, None).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::InvalidInput);
    assert_eq!(ids(app.citizen_dossiers(&org_ctx).await.unwrap()), [filed.id], "nothing else was filed");
}

pub async fn organisation_accounts_with_a_bad_tax_code_are_refused(db: Db) {
    let (app, _) = setup(db).await;
    let message = refusal(log_in(&app, BAD_ORG_ACCOUNT).await);
    assert!(message.contains("Mã số thuế"), "{message}");
}
