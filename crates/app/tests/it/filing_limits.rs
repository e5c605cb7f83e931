//! Limits on online intake (issue 20): one person files at most their daily number of dossiers online, and a flood
//! of online filings at a unit stops at the online share of the day's codes, so counter reception still gets codes.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use motcua_app::accounts::ClientInfo;
use motcua_app::demo::DEMO_PASSWORD;
use motcua_app::dossiers::{Applicant, DossierView, NewDossier};
use motcua_app::record::Ctx;
use motcua_app::{App, AppConfig, AppError, ErrorCode, ManualClock};
use motcua_domain::access::Principal;
use motcua_domain::dossier::DailyFilingLimit;
use motcua_storage::Db;

const PROCEDURE: &str = "1.001570"; // commune level: filed online at c20410, agency 000.66.60.H17
const AGENCY: &str = "000.66.60.H17";

/// The demo on Monday 1/12/2025, 09:00 in Vietnam, with `per_day` online filings a person.
async fn demo_app(db: Db, per_day: u32) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    let config =
        AppConfig { online_filings_per_citizen_day: DailyFilingLimit::new(per_day).unwrap(), ..AppConfig::default() };
    let app = App::new(db, clock.clone(), config).await.unwrap();
    app.load_demo().await.unwrap();
    (app, clock)
}

async fn input(app: &App, applicant_id: &str) -> NewDossier {
    let p = app.procedure(&Principal::Anonymous, PROCEDURE, None).await.unwrap().procedure;
    let form = motcua_app::demo::sample_form_values(p.form_for(None).unwrap(), applicant_id, "p48", "c20410");
    NewDossier {
        procedure: PROCEDURE.into(),
        case: None,
        unit: Some("c20410".into()),
        applicant: Applicant {
            id_number: applicant_id.into(),
            full_name: "Nguyễn Thị Dân".into(),
            phone: Some("0905123456".into()),
            email: None,
            organisation: None,
        },
        form,
        components: p.components.iter().filter(|c| c.mandatory).map(|c| c.key.clone()).collect(),
    }
}

async fn file(app: &App, id_number: &str, key: Option<&str>) -> Result<DossierView, AppError> {
    let citizen = Ctx::new(Principal::Citizen { id_number: id_number.into() }, None);
    app.submit_online(&citizen, input(app, id_number).await, key.map(str::to_owned)).await
}

async fn reception(app: &App) -> Ctx {
    let outcome = app.login("tiepnhan.hoian", DEMO_PASSWORD, ClientInfo::default()).await.unwrap();
    Ctx::new(outcome.officer.principal(), None)
}

fn sequence(d: &DossierView) -> u32 {
    d.code.as_deref().unwrap().rsplit('-').next().unwrap().parse().unwrap()
}

pub async fn a_person_files_online_up_to_the_daily_limit(db: Db) {
    let (app, clock) = demo_app(db, 3).await;
    let (dan, other) = ("048203000001", "048203000002");
    let first = file(&app, dan, Some("k-1")).await.unwrap();
    file(&app, dan, None).await.unwrap();
    file(&app, dan, None).await.unwrap();
    let refused = file(&app, dan, None).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::FilerDailyLimitReached);
    assert_eq!(ErrorCode::FilerDailyLimitReached.status(), 429);
    assert!(refused.message_vi().contains("tối đa 3 hồ sơ trực tuyến"), "{}", refused.message_vi());
    // A retried submission is the same dossier, not one more; the refusal gave its number back.
    assert_eq!(file(&app, dan, Some("k-1")).await.unwrap().id, first.id);
    let others = file(&app, other, None).await.unwrap();
    assert_eq!(sequence(&others), 4, "no gap where the refused filing was");
    // The counter is not limited: the officer receives for the same person.
    let counter = app.receive_at_counter(&reception(&app).await, input(&app, dan).await, None).await.unwrap();
    assert_eq!(sequence(&counter), 5);
    assert_eq!(file(&app, dan, None).await.unwrap_err().error_code(), ErrorCode::FilerDailyLimitReached);
    // A new day (UTC+7) counts afresh: 17:00 UTC is midnight in Vietnam.
    clock.advance(Duration::hours(15));
    let tomorrow = file(&app, dan, None).await.unwrap();
    assert!(tomorrow.code.as_deref().unwrap().starts_with(&format!("{AGENCY}-251202-")));
}

pub async fn one_address_files_at_most_its_hourly_number_for_everyone_behind_it(db: Db) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 12, 1, 2, 0, 0).unwrap()));
    let app = App::new(db, clock.clone(), AppConfig { online_filings_per_client_hour: 3, ..AppConfig::default() })
        .await
        .unwrap();
    app.load_demo().await.unwrap();
    let from = |id: &str, address: &str| {
        Ctx::new(Principal::Citizen { id_number: id.into() }, None).from_client(Some(address.into()))
    };
    // Three people behind one address (one script with three accounts): the fourth filing from there is refused.
    for (i, id) in ["048203000021", "048203000022", "048203000023"].into_iter().enumerate() {
        let d = app.submit_online(&from(id, "203.0.113.50"), input(&app, id).await, None).await;
        assert!(d.is_ok(), "filing {i}: {:?}", d.err());
    }
    let id = "048203000024";
    let refused = app.submit_online(&from(id, "203.0.113.50"), input(&app, id).await, None).await.unwrap_err();
    assert_eq!(refused.error_code(), ErrorCode::TooManyAttempts);
    assert!(refused.message_vi().contains("cùng một địa chỉ mạng"), "{}", refused.message_vi());
    // Another address is not affected, and the hour passes.
    assert!(app.submit_online(&from(id, "198.51.100.7"), input(&app, id).await, None).await.is_ok());
    clock.advance(Duration::minutes(61));
    let id = "048203000025";
    assert!(app.submit_online(&from(id, "203.0.113.50"), input(&app, id).await, None).await.is_ok());
}

pub async fn an_online_flood_stops_at_its_share_and_the_counter_still_receives(db: Db) {
    let (app, clock) = demo_app(db, 10_000).await;
    let first = file(&app, "048203000001", None).await.unwrap();
    assert_eq!(first.code.as_deref(), Some(&*format!("{AGENCY}-251201-0001")));
    // The flood so far: the day's numbers taken up to 8,996 (as the filings would have, without filing 8,995 more).
    let day = chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    app.db()
        .write(move |tx| {
            Box::pin(async move {
                for _ in 2..=8_996 {
                    motcua_storage::dossiers::next_sequence(tx, AGENCY, day).await?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await
        .unwrap();
    // Six more at once from six people: three numbers remain online (8,997–8,999).
    let mut tasks = Vec::new();
    for i in 0..6 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move { file(&app, &format!("04820300001{i}"), None).await }));
    }
    let (mut taken, mut refused) = (Vec::new(), Vec::new());
    for task in tasks {
        match task.await.unwrap() {
            Ok(d) => taken.push(sequence(&d)),
            Err(e) => refused.push(e),
        }
    }
    taken.sort_unstable();
    assert_eq!(taken, [8_997, 8_998, 8_999]);
    assert_eq!(refused.len(), 3);
    for e in &refused {
        assert_eq!(e.error_code(), ErrorCode::UnitOnlineShareUsed, "{e:?}");
        assert!(e.message_vi().contains("nộp trực tiếp tại Bộ phận Một cửa"), "{}", e.message_vi());
    }
    assert_eq!(ErrorCode::UnitOnlineShareUsed.status(), 503);
    // The counter still receives, in the reserved numbers; online stays closed at this unit for the day.
    let officer = reception(&app).await;
    let counter = app.receive_at_counter(&officer, input(&app, "048203000020").await, None).await.unwrap();
    assert_eq!(counter.code.as_deref(), Some(&*format!("{AGENCY}-251201-9000")));
    let postal = app.receive_by_post(&officer, input(&app, "048203000021").await, "RR123456789VN", None).await;
    assert_eq!(sequence(&postal.unwrap()), 9_001);
    let late = file(&app, "048203000022", None).await.unwrap_err();
    assert_eq!(late.error_code(), ErrorCode::UnitOnlineShareUsed);
    // The next day online filing opens again from 0001.
    clock.advance(Duration::hours(15));
    let tomorrow = file(&app, "048203000022", None).await.unwrap();
    assert_eq!(tomorrow.code.as_deref(), Some(&*format!("{AGENCY}-251202-0001")));
}
