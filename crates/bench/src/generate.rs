//! The synthetic data generator: dossiers of a province's communes over the past days, with their events,
//! deterministic from a seed.
//!
//! - Units come from the loaded tree: the communes (wards, special zones) under the chosen units. A commune whose
//!   codes would fall back to an ancestor's agency code gets an illustrative one of its own, so that codes are
//!   sequenced per receiving unit and day as in a province (an audited unit change).
//! - Procedures are the published commune-level ones of the loaded catalogue with a confirmed time, with a
//!   long-tail popularity: the procedure of rank r is drawn with weight 1/(r+1)^1.1, so a few get most dossiers.
//! - Applicants are citizens of the reference population registry (valid ID numbers, Vietnamese names).
//! - Each dossier follows a timeline: submitted online (and accepted within hours) or received at the counter or
//!   by post, then returned on time, returned late (sometimes with an apology), supplemented on request,
//!   withdrawn, refused at reception or stopped — or still open if its story reaches past now. Due dates are
//!   computed on the working calendar at the unit's office hours, exactly as a live reception does.
//! - Codes continue each agency's daily sequence (the stored `dossier_sequences` rows are read first and raised in
//!   the same transaction as the dossiers), so later live receptions never collide.
//!
//! Streaming: dossiers are generated and written in batches of `--batch` (one transaction each: multi-row
//! `INSERT`s on SQLite, `COPY` on PostgreSQL, `motcua_storage::bulk`), on a task of their own so that generation
//! and writing overlap on two cores; at most two batches wait for the writer. Only what later batches need is kept
//! between them: each agency's daily sequence (units × days) and the counts by status, so memory does not grow
//! with the number of dossiers. JSON that many rows share (a procedure's form, an applicant) is serialised once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use motcua_app::App;
use motcua_app::accounts::{GrantInput, NewOfficer};
use motcua_app::calendar::DueRequest;
use motcua_app::catalogue::CatalogueQuery;
use motcua_app::error::ErrorCode;
use motcua_app::record::Ctx;
use motcua_domain::access::Principal;
use motcua_domain::calendar::working_time::{ReceptionChannel, instant, local};
use motcua_domain::catalogue::Level;
use motcua_domain::deadline::{Deadline, Duration as Statutory, Mode};
use motcua_domain::dossier::{Action, DossierCode, SequenceWidth, Status};
use motcua_domain::unit::{AgencyCode, UnitId, UnitKind};
use motcua_reference::registry::Population;
use motcua_storage::bulk::{self, DossierRow, EventRow, IndexDefinition, SequenceRow, Shared};
use motcua_storage::citizens::{self, CitizenRecord, CitizenSessionRecord};
use motcua_storage::events::{self, EventRecord};
use motcua_storage::{Backend, Db, Json};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// The password of the officers the generator creates (`bench.<unit id>`, reception and handling at one commune).
pub const BENCH_PASSWORD: &str = "MatKhau@Bench1";

/// The username of the generated officer of a commune.
pub fn officer_username(unit: &str) -> String {
    format!("bench.{unit}")
}

/// How many synthetic citizens the bench's applicants are drawn from (the registry's person `i` does not depend on
/// the size, only on the seed).
const BENCH_POPULATION: u64 = 10_000;

/// The citizen behind the `i`-th generated citizen session (and the `i`-th officer's counter applicant).
pub fn bench_citizen(seed: u64, i: usize) -> motcua_reference::registry::Citizen {
    let population = Population::new(seed, BENCH_POPULATION);
    population.person(i as u64 % population.len().max(1)).expect("the bench population is not empty")
}

/// The session token of the `i`-th generated citizen session, derived from the seed: the load harness presents it
/// as a bearer token instead of logging in through the identity provider (the login is not what is measured).
pub fn citizen_token(seed: u64, i: usize) -> String {
    motcua_app::accounts::token_hash(&format!("motcua-bench-citizen:{seed}:{i}"))
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// How many dossiers.
    pub dossiers: u64,
    /// The seed: the same seed on the same starting database gives the same rows.
    pub seed: u64,
    /// Dossiers are received by the communes under these units (e.g. `p48`).
    pub units: Vec<String>,
    /// Receptions are spread over this many days before today.
    pub days: u32,
    /// Dossiers per transaction.
    pub batch: usize,
    /// How many communes (the first by id) get a `bench.<unit>` officer for the load harness.
    pub officers: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Self { dossiers: 10_000, seed: 1, units: vec!["p48".into()], days: 365, batch: 20_000, officers: 32 }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Dossiers written.
    pub dossiers: u64,
    /// Events written.
    pub events: u64,
    /// Receiving communes.
    pub communes: usize,
    /// Procedures drawn from.
    pub procedures: usize,
    /// Officers created (existing ones are kept).
    pub officers_created: usize,
    /// Dossiers by status.
    pub by_status: BTreeMap<&'static str, u64>,
    /// Wall time of the dossier loading, indexes included.
    pub elapsed: Duration,
    /// Wall time until every row was committed (the rest of `elapsed` built the deferred indexes).
    pub loaded: Duration,
}

/// A procedure as the generator uses it.
struct Drawable {
    code: Shared,
    version: i64,
    /// The sample form values, serialised.
    form: Shared,
    /// The mandatory components' keys, serialised.
    components: Shared,
    duration: Statutory,
    mode: Option<Mode>,
}

/// A receiving commune.
struct Commune {
    id: String,
    unit: Shared,
    province: Shared,
    agency: AgencyCode,
}

/// An applicant: the citizen's JSON as a dossier stores it, and the ID number (the actor of their own steps).
struct Applicant {
    json: Shared,
    id_number: String,
}

/// Fills the database behind `app` (units and catalogue loaded, e.g. by `motcua demo --no-serve`); `progress` is
/// called after each committed batch with the dossiers written so far.
pub async fn generate(app: &App, spec: &Spec, mut progress: impl FnMut(Progress)) -> anyhow::Result<Report> {
    let communes = prepare_communes(app, spec).await?;
    let officers_created = create_officers(app, &communes, spec.officers).await?;
    create_citizen_sessions(app, spec).await?;
    let procedures = drawable_procedures(app, &communes[0]).await?;
    let popularity = cumulative(procedures.len(), 1.1);
    let commune_weights = cumulative(communes.len(), 0.5);

    let db = app.db().clone();
    // A fresh load interrupted before its indexes were rebuilt: rebuild them first.
    restore_indexes(app, None).await?;
    let (existing, stored) = {
        let mut tx = db.read().await?;
        let existing = bulk::count_dossiers(&mut tx).await?;
        let stored = bulk::sequences(&mut tx).await?;
        tx.commit().await?;
        (existing, stored)
    };
    let mut sequences: HashMap<(String, NaiveDate), i64> =
        stored.into_iter().map(|r| ((r.agency_code, r.day), r.last_value)).collect();
    // A second run on the same database draws other ids and applicants.
    let mut rng = StdRng::seed_from_u64(spec.seed ^ (existing as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let population = Population::new(spec.seed, spec.dossiers.clamp(1, 200_000));
    let applicants: Vec<Applicant> = (0..population.len())
        .filter_map(|i| population.person(i))
        .map(|c| {
            let phone = c.phone.clone().unwrap_or_else(|| format!("09{:08}", c.index % 100_000_000));
            let value =
                json!({ "id_number": c.id_number.as_str(), "full_name": c.full_name(), "phone": phone, "email": null });
            Applicant { json: value.to_string().into(), id_number: c.id_number.as_str().to_owned() }
        })
        .collect();
    if applicants.is_empty() {
        bail!("the reference population is empty");
    }

    let now = app.now();
    let today = local(now).date();
    let days: Vec<NaiveDate> = (1..=i64::from(spec.days.max(1)))
        .rev()
        .map(|back| today - TimeDelta::days(back))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    if days.is_empty() {
        bail!("no working days to spread the dossiers over: raise --days");
    }

    let started = Instant::now();
    // Into empty tables, the rows first and the secondary indexes after them (one sorted pass each).
    let deferred = if existing == 0 { defer_indexes(app).await? } else { Vec::new() };
    // SQLite has one writer. PostgreSQL parses a COPY in its own server process per connection: two batches
    // loading at once keep both of this machine's cores busy (each batch is still one transaction, and
    // concurrent batches raise the shared sequence rows in one order, so they cannot deadlock).
    let writers = match db.backend() {
        Backend::Sqlite => 1,
        Backend::Postgres => 2,
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<Batch>(writers + 1);
    let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
    let written = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let writer_tasks: Vec<_> = (0..writers)
        .map(|_| {
            let (db, receiver, written) = (db.clone(), receiver.clone(), written.clone());
            tokio::spawn(async move {
                loop {
                    let next = receiver.lock().await.recv().await;
                    let Some(mut batch) = next else { return Ok(()) };
                    let (dossiers, events) = (batch.dossiers.len() as u64, batch.events.len() as u64);
                    let done = batch.done.take();
                    if let Err(e) = write_batch(&db, batch).await {
                        // The generator's next send fails and it stops; the reason is here.
                        tracing::error!(error = %format!("{e:#}"), "a batch could not be written");
                        receiver.lock().await.close();
                        return Err(e);
                    }
                    let totals = (
                        written.0.fetch_add(dossiers, Ordering::Relaxed) + dossiers,
                        written.1.fetch_add(events, Ordering::Relaxed) + events,
                    );
                    if let Some(done) = done {
                        let _ = done.send(totals);
                    }
                }
            })
        })
        .collect();

    let mut report =
        Report { communes: communes.len(), procedures: procedures.len(), officers_created, ..Report::default() };
    let mut batch = Batch::default();
    let mut acks = Vec::new();
    let total = spec.dossiers;
    for (d, day) in days.iter().enumerate() {
        // Spread evenly: day d gets its share of the total, the remainder to the first days.
        let share = total / days.len() as u64 + u64::from((d as u64) < total % days.len() as u64);
        let mut times: Vec<u32> = (0..share).map(|_| rng.random_range(0..(9 * 3600 + 30 * 60))).collect();
        times.sort_unstable();
        for seconds in times {
            let at_local = day.and_time(NaiveTime::from_hms_opt(7, 30, 0).expect("07:30"))
                + TimeDelta::seconds(i64::from(seconds));
            let commune = &communes[draw(&mut rng, &commune_weights)];
            let procedure = &procedures[draw(&mut rng, &popularity)];
            let applicant = &applicants[rng.random_range(0..applicants.len())];
            let story =
                Story::new(app, &mut rng, commune, procedure, motcua_domain::time::storable(instant(at_local)), now)?;
            let key = (commune.agency.as_str().to_owned(), *day);
            let sequence = sequences.entry(key.clone()).or_insert(0);
            *sequence += 1;
            let code = DossierCode::issue(
                &commune.agency,
                *day,
                u32::try_from(*sequence).unwrap_or(u32::MAX),
                SequenceWidth::PROVINCIAL,
            )
            .with_context(|| format!("too many dossiers for {} on {day}: raise --days", commune.agency.as_str()))?;
            batch.sequences.insert(key, *sequence);
            *report.by_status.entry(story.status.as_str()).or_default() += 1;
            story.push(&mut rng, &mut batch, commune, procedure, applicant, code.to_string());
            if batch.dossiers.len() >= spec.batch.max(1) {
                acks.push(send(&sender, &mut batch).await?);
                report_progress(&mut acks, total, &mut progress);
            }
        }
    }
    if !batch.dossiers.is_empty() {
        acks.push(send(&sender, &mut batch).await?);
    }
    drop(sender);
    for task in writer_tasks {
        task.await.context("writer task")??;
    }
    let (dossiers, events) = (written.0.load(Ordering::Relaxed), written.1.load(Ordering::Relaxed));
    progress(Progress { dossiers, events, total, indexing: !deferred.is_empty() });
    report.loaded = started.elapsed();
    if !deferred.is_empty() {
        restore_indexes(app, Some(deferred)).await?;
    }
    report.dossiers = dossiers;
    report.events = events;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The subject of the events that record a deferred index build (`database` / `bulk-load`).
const BULK_SUBJECT: (&str, &str) = ("database", "bulk-load");

/// Drops the secondary indexes of `dossiers` and `events` but the partial ones, and records their definitions in an
/// event of the same transaction (`bulk.indexes_deferred`): whatever interrupts the load, the next run of the
/// generator finds them there and builds them ([`restore_indexes`]).
async fn defer_indexes(app: &App) -> anyhow::Result<Vec<IndexDefinition>> {
    let mut tx = app.db().begin_write().await?;
    // Partial indexes stay: they hold only open dossiers (a few percent of a load), so keeping them up to date row
    // by row costs less than one more pass over the whole table to build each.
    let indexes: Vec<IndexDefinition> =
        bulk::secondary_indexes(&mut tx).await?.into_iter().filter(|i| !i.is_partial()).collect();
    if indexes.is_empty() {
        tx.rollback().await?;
        return Ok(indexes);
    }
    let listed: Vec<serde_json::Value> = indexes.iter().map(|i| json!({ "name": i.name, "sql": i.sql })).collect();
    events::append(&mut tx, &bulk_event(app, "bulk.indexes_deferred", json!({ "indexes": listed }))).await?;
    bulk::drop_indexes(&mut tx, &indexes).await?;
    tx.commit().await?;
    Ok(indexes)
}

/// Builds the indexes a load deferred — `deferred`, or those of the last `bulk-load` event if it is a
/// `bulk.indexes_deferred` (an interrupted load) — and records `bulk.indexes_restored` in the same transaction.
/// After a load the definitions are known: looking the event up without `events_subject` would read every event.
async fn restore_indexes(app: &App, deferred: Option<Vec<IndexDefinition>>) -> anyhow::Result<()> {
    let mut tx = app.db().begin_write().await?;
    let indexes = match deferred {
        Some(indexes) => indexes,
        None => match recorded_deferral(&mut tx).await? {
            Some(indexes) => indexes,
            None => {
                tx.rollback().await?;
                return Ok(());
            }
        },
    };
    tx.rollback().await?;
    // One transaction per index: the write-ahead log holds one index at a time (all of them at 10M dossiers made a
    // 9 GB SQLite WAL), and an interruption keeps those already built.
    for index in &indexes {
        let started = Instant::now();
        let mut tx = app.db().begin_write().await?;
        bulk::create_indexes(&mut tx, std::slice::from_ref(index)).await?;
        tx.commit().await?;
        tracing::info!(index = %index.name, seconds = started.elapsed().as_secs_f64(), "index built");
    }
    let mut tx = app.db().begin_write().await?;
    let names: Vec<&str> = indexes.iter().map(|i| i.name.as_str()).collect();
    events::append(&mut tx, &bulk_event(app, "bulk.indexes_restored", json!({ "indexes": names }))).await?;
    tx.commit().await?;
    Ok(())
}

/// The indexes of the last `bulk-load` event if it is a `bulk.indexes_deferred`.
async fn recorded_deferral(tx: &mut motcua_storage::Tx) -> anyhow::Result<Option<Vec<IndexDefinition>>> {
    let recorded = events::of_subject(tx, BULK_SUBJECT.0, BULK_SUBJECT.1).await?;
    let Some(last) = recorded.last().filter(|e| e.action == "bulk.indexes_deferred") else {
        return Ok(None);
    };
    let indexes: Vec<IndexDefinition> = last.payload.0["indexes"]
        .as_array()
        .context("bulk.indexes_deferred without its indexes")?
        .iter()
        .map(|i| {
            Ok(IndexDefinition {
                name: i["name"].as_str().context("an index without a name")?.to_owned(),
                sql: i["sql"].as_str().context("an index without its definition")?.to_owned(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Some(indexes))
}

fn bulk_event(app: &App, action: &str, payload: serde_json::Value) -> EventRecord {
    EventRecord {
        province_id: "vn".into(),
        id: Uuid::now_v7(),
        occurred_at: motcua_domain::time::storable(app.now()),
        subject_type: BULK_SUBJECT.0.into(),
        subject_id: BULK_SUBJECT.1.into(),
        action: action.into(),
        unit_id: None,
        actor_kind: "system".into(),
        actor_id: Some("motcua generate".into()),
        actor_unit_id: None,
        request_id: None,
        payload: Json(payload),
    }
}

/// How far the load is: committed dossiers and events, and the dossiers asked for.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Dossiers committed.
    pub dossiers: u64,
    /// Events committed.
    pub events: u64,
    /// Dossiers asked for.
    pub total: u64,
    /// Every row is in; the secondary indexes are being built.
    pub indexing: bool,
}

/// Reports the batches committed so far without waiting for the others.
fn report_progress(acks: &mut Vec<Ack>, total: u64, progress: &mut impl FnMut(Progress)) {
    let mut latest: Option<(u64, u64)> = None;
    acks.retain_mut(|ack| match ack.try_recv() {
        Ok(done) => {
            latest = Some(latest.map_or(done, |l| l.max(done)));
            false
        }
        Err(tokio::sync::oneshot::error::TryRecvError::Empty) => true,
        Err(tokio::sync::oneshot::error::TryRecvError::Closed) => false,
    });
    if let Some((dossiers, events)) = latest {
        progress(Progress { dossiers, events, total, indexing: false });
    }
}

/// Dossiers and events committed once a batch is.
type Ack = tokio::sync::oneshot::Receiver<(u64, u64)>;

#[derive(Default)]
struct Batch {
    dossiers: Vec<DossierRow>,
    events: Vec<EventRow>,
    sequences: HashMap<(String, NaiveDate), i64>,
    done: Option<tokio::sync::oneshot::Sender<(u64, u64)>>,
}

async fn send(sender: &tokio::sync::mpsc::Sender<Batch>, batch: &mut Batch) -> anyhow::Result<Ack> {
    let (done, ack) = tokio::sync::oneshot::channel();
    let mut full = std::mem::take(batch);
    full.done = Some(done);
    sender.send(full).await.map_err(|_| anyhow::anyhow!("the writer stopped (see its error)"))?;
    Ok(ack)
}

/// The SQLite page cache of the writing connection (MiB): the indexes' insertion points of a large load stay in
/// memory. Bounded, whatever the number of dossiers.
const SQLITE_CACHE_MIB: u32 = 256;

/// One transaction: the dossiers, their events, and the daily sequences raised past their codes.
async fn write_batch(db: &Db, batch: Batch) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    bulk::tune_for_load(&mut tx, SQLITE_CACHE_MIB).await?;
    bulk::insert_dossiers(&mut tx, batch.dossiers).await?;
    bulk::insert_events(&mut tx, batch.events).await?;
    let mut rows: Vec<SequenceRow> = batch
        .sequences
        .into_iter()
        .map(|((agency_code, day), last_value)| SequenceRow { agency_code, day, last_value })
        .collect();
    // A fixed order: concurrent writers of the same rows lock them in the same order.
    rows.sort_by(|a, b| (&a.agency_code, a.day).cmp(&(&b.agency_code, b.day)));
    bulk::raise_sequences(&mut tx, &rows).await?;
    tx.commit().await?;
    Ok(())
}

/// The cumulative weights of ranks 0..n with weight 1/(r+1)^s.
fn cumulative(n: usize, s: f64) -> Vec<f64> {
    let mut sum = 0.0;
    (0..n)
        .map(|r| {
            sum += 1.0 / ((r + 1) as f64).powf(s);
            sum
        })
        .collect()
}

fn draw(rng: &mut StdRng, cumulative: &[f64]) -> usize {
    let x = rng.random::<f64>() * cumulative.last().copied().unwrap_or(0.0);
    cumulative.partition_point(|c| *c < x).min(cumulative.len().saturating_sub(1))
}

/// The communes under the chosen units, each with an agency code of its own.
async fn prepare_communes(app: &App, spec: &Spec) -> anyhow::Result<Vec<Commune>> {
    let tree = app.tree();
    let today = motcua_domain::time::local_date(app.now());
    let roots: Vec<UnitId> = spec
        .units
        .iter()
        .map(|u| UnitId::parse(u).ok().filter(|id| tree.get(id).is_some()).with_context(|| format!("unknown unit {u}")))
        .collect::<anyhow::Result<_>>()?;
    let mut chosen: Vec<_> = tree
        .units()
        .filter(|u| u.kind.is_commune_level() && u.is_active_on(today))
        .filter(|u| roots.iter().any(|r| &u.id == r || tree.is_within(&u.id, r)))
        .cloned()
        .collect();
    chosen.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    if chosen.is_empty() {
        bail!("no commune under {:?}", spec.units);
    }
    // Communes that would borrow an ancestor's agency code get their own (illustrative, like the demo's).
    let borrowing: Vec<_> = chosen
        .iter()
        .enumerate()
        .filter(|(_, u)| {
            u.agency_code.is_none()
                && !tree.children(&u.id).any(|c| c.kind == UnitKind::ServiceCentre && c.agency_code.is_some())
        })
        .map(|(i, u)| {
            let province_letters = tree
                .ancestors(&u.id)
                .find_map(|a| a.agency_code.as_ref().map(|c| c.as_str().rsplit('.').next().unwrap_or("").to_owned()))
                .filter(|l| l.len() == 3)
                .unwrap_or_else(|| "H17".into());
            let mut unit = u.clone();
            unit.agency_code =
                AgencyCode::parse(&format!("000.{:02}.{:02}.{province_letters}", 50 + i / 100, i % 100)).ok();
            unit
        })
        .collect();
    if !borrowing.is_empty() {
        app.apply_units(&Ctx::system(), borrowing).await?;
    }
    let tree = app.tree();
    chosen
        .iter()
        .map(|u| {
            Ok(Commune {
                id: u.id.to_string(),
                unit: u.id.as_str().into(),
                province: tree.province_of(&u.id).map_or_else(|| "vn".to_owned(), |p| p.id.to_string()).into(),
                agency: motcua_app::dossiers::agency_code_of(&tree, &u.id)?,
            })
        })
        .collect()
}

/// `bench.<unit>` officers (reception and handling at their commune) for the first `count` communes.
async fn create_officers(app: &App, communes: &[Commune], count: usize) -> anyhow::Result<usize> {
    let mut created = 0;
    for c in communes.iter().take(count) {
        let input = NewOfficer {
            username: officer_username(&c.id),
            full_name: "Cán bộ đo tải".into(),
            unit_id: c.id.clone(),
            password: BENCH_PASSWORD.into(),
            grants: vec![
                GrantInput { role: "reception".into(), unit_id: c.id.clone() },
                GrantInput { role: "handler".into(), unit_id: c.id.clone() },
            ],
        };
        match app.create_officer(&Ctx::system(), input).await {
            Ok(_) => created += 1,
            Err(e) if e.error_code() == ErrorCode::UsernameTaken => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(created)
}

/// One citizen session (VNeID level 2, valid 30 days) per officer, with the tokens of [`citizen_token`]; a second
/// run replaces them.
async fn create_citizen_sessions(app: &App, spec: &Spec) -> anyhow::Result<()> {
    let now = app.now();
    let mut tx = app.db().begin_write().await?;
    for i in 0..spec.officers {
        let person = bench_citizen(spec.seed, i);
        let id_number = person.id_number.as_str().to_owned();
        citizens::upsert(
            &mut tx,
            &CitizenRecord {
                id_number: id_number.clone(),
                full_name: person.full_name(),
                birth_date: Some(person.birth_date),
                assurance: "L2".into(),
                subject: format!("bench-{id_number}"),
                first_seen_at: now,
                last_login_at: now,
            },
        )
        .await?;
        let token_hash = motcua_app::accounts::token_hash(&citizen_token(spec.seed, i));
        citizens::delete_session(&mut tx, &token_hash).await?;
        citizens::insert_session(
            &mut tx,
            &CitizenSessionRecord {
                token_hash,
                id_number,
                full_name: person.full_name(),
                birth_date: Some(person.birth_date),
                assurance: "L2".into(),
                created_at: now,
                expires_at: now + TimeDelta::days(30),
                client_ip: None,
                user_agent: Some("motcua bench".into()),
                org_tax_code: None,
                org_name: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The published commune-level procedures with a confirmed time, in a seed-independent order (by code).
async fn drawable_procedures(app: &App, sample_commune: &Commune) -> anyhow::Result<Vec<Drawable>> {
    let mut codes = Vec::new();
    for page in 1.. {
        let results =
            app.search_catalogue(&CatalogueQuery { page: Some(page), ..CatalogueQuery::default() }, false).await?;
        codes.extend(results.items.iter().map(|s| s.code.clone()));
        if results.items.is_empty() || i64::from(page) * i64::from(results.per_page) >= results.total {
            break;
        }
    }
    codes.sort();
    let mut out = Vec::new();
    for code in codes {
        let stored = app.procedure(&Principal::Anonymous, &code, None).await?;
        let p = &stored.procedure;
        let Some(duration) = p.time.as_ref().and_then(|t| t.confirmed()) else { continue };
        if !p.levels.contains(&Level::Commune) {
            continue;
        }
        let form = p.form_for(None).map_or_else(BTreeMap::new, |f| {
            motcua_app::demo::sample_form_values(f, "048203000001", &sample_commune.province, &sample_commune.id)
        });
        out.push(Drawable {
            code: code.as_str().into(),
            version: stored.version,
            form: json!(form).to_string().into(),
            components: json!(
                p.components_for(None).filter(|c| c.mandatory).map(|c| c.key.clone()).collect::<Vec<_>>()
            )
            .to_string()
            .into(),
            duration,
            mode: p.time.as_ref().and_then(|t| t.mode),
        });
    }
    if out.is_empty() {
        bail!(
            "no published commune-level procedure with a confirmed time: load the catalogue first (motcua demo --no-serve)"
        );
    }
    Ok(out)
}

/// One dossier's timeline.
struct Story {
    channel: ReceptionChannel,
    submitted: DateTime<Utc>,
    deemed: DateTime<Utc>,
    due: DateTime<Utc>,
    /// `(at, from, action, to)`, in order.
    steps: Vec<(DateTime<Utc>, Status, Action, Status)>,
    status: Status,
    supplements: i64,
    apologised: bool,
}

impl Story {
    fn new(
        app: &App,
        rng: &mut StdRng,
        commune: &Commune,
        p: &Drawable,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Self> {
        let channel = match rng.random_range(0..100) {
            0..45 => ReceptionChannel::Online,
            45..95 => ReceptionChannel::Counter,
            _ => ReceptionChannel::Postal,
        };
        let due = app.compute_due(DueRequest {
            received_at: at,
            channel,
            duration: p.duration,
            mode: p.mode,
            unit: UnitId::parse(&commune.id).ok(),
        })?;
        let hours = |h: f64| TimeDelta::milliseconds((h * 3_600_000.0) as i64);
        let between = |rng: &mut StdRng, a: DateTime<Utc>, b: DateTime<Utc>| {
            let span = (b - a).num_milliseconds().max(60_000);
            a + TimeDelta::milliseconds(rng.random_range(span / 10..=span))
        };
        let mut steps = Vec::new();
        let mut status = match channel {
            ReceptionChannel::Online => {
                steps.push((at, Status::Draft, Action::Submit, Status::Submitted));
                if rng.random_range(0..100) < 4 {
                    steps.push((
                        at + hours(rng.random_range(1.0..20.0)),
                        Status::Submitted,
                        Action::RefuseReception,
                        Status::NotAccepted,
                    ));
                    return Ok(Self::finish(channel, at, due.deemed_reception, due.due_at, steps, now, 0, false));
                }
                steps.push((
                    at + hours(rng.random_range(0.2..20.0)),
                    Status::Submitted,
                    Action::Accept,
                    Status::Accepted,
                ));
                Status::Accepted
            }
            _ => {
                steps.push((at, Status::Draft, Action::ReceiveAtCounter, Status::Accepted));
                Status::Accepted
            }
        };
        let start = steps.last().map_or(at, |s| s.0) + hours(rng.random_range(0.1..4.0));
        steps.push((start, status, Action::StartProcessing, Status::Processing));
        status = Status::Processing;
        let roll = rng.random_range(0..100);
        let mut supplements = 0;
        let mut apologised = false;
        let mut due_at = due.due_at;
        if (80..88).contains(&roll) {
            // A supplement during processing pauses the clock: the due date moves by the pause.
            let asked = between(rng, start, due_at);
            let pause = hours(rng.random_range(4.0..120.0));
            steps.push((asked, status, Action::RequestSupplement, Status::SupplementRequested));
            steps.push((asked + pause, Status::SupplementRequested, Action::Supplement, Status::Processing));
            due_at += pause;
            supplements = 1;
        }
        let last = steps.last().map_or(start, |s| s.0);
        match roll {
            88..91 => steps.push((between(rng, last, due_at), status, Action::Withdraw, Status::Withdrawn)),
            91..92 => steps.push((between(rng, last, due_at), status, Action::StopAfterReview, Status::Stopped)),
            92..100 => {
                // Late: half apologise before the due date.
                if rng.random_bool(0.5) {
                    steps.push((due_at - hours(rng.random_range(1.0..8.0)), status, Action::Apologise, status));
                    apologised = true;
                }
                let issued = due_at + hours(rng.random_range(2.0..240.0));
                steps.push((issued, status, Action::IssueResult, Status::Processed));
                steps.push((
                    issued + hours(rng.random_range(0.5..48.0)),
                    Status::Processed,
                    Action::ReturnResult,
                    Status::Returned,
                ));
            }
            _ => {
                let issued = between(rng, last, due_at);
                steps.push((issued, status, Action::IssueResult, Status::Processed));
                let returned = (issued + hours(rng.random_range(0.5..24.0))).max(issued);
                steps.push((returned, Status::Processed, Action::ReturnResult, Status::Returned));
            }
        }
        Ok(Self::finish(channel, at, due.deemed_reception, due_at, steps, now, supplements, apologised))
    }

    /// Cuts the timeline at `now`: what has not happened yet is left out, and the status is the last one reached.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        channel: ReceptionChannel,
        submitted: DateTime<Utc>,
        deemed: DateTime<Utc>,
        due: DateTime<Utc>,
        mut steps: Vec<(DateTime<Utc>, Status, Action, Status)>,
        now: DateTime<Utc>,
        supplements: i64,
        apologised: bool,
    ) -> Self {
        for s in &mut steps {
            s.0 = motcua_domain::time::storable(s.0);
        }
        steps.retain(|s| s.0 <= now);
        let status = steps.last().map_or(Status::Submitted, |s| s.3);
        let supplements = if steps.iter().any(|s| s.2 == Action::RequestSupplement) { supplements } else { 0 };
        let apologised = apologised && steps.iter().any(|s| s.2 == Action::Apologise);
        Self { channel, submitted, deemed, due, steps, status, supplements, apologised }
    }

    fn push(
        &self,
        rng: &mut StdRng,
        batch: &mut Batch,
        commune: &Commune,
        p: &Drawable,
        applicant: &Applicant,
        code: String,
    ) {
        let id = uuid_at(rng, self.submitted);
        let accepted = self.steps.iter().any(|s| s.3 == Status::Accepted);
        let closed =
            matches!(self.status, Status::NotAccepted | Status::Withdrawn | Status::Stopped | Status::Returned);
        let updated = self.steps.last().map_or(self.submitted, |s| s.0);
        let deadline = accepted.then(|| Deadline::new(local(self.deemed), local(self.due)));
        let due_at = if accepted || self.status == Status::Submitted {
            Some(motcua_domain::time::storable(self.due))
        } else {
            None
        };
        let subject = id.to_string();
        for (version, (at, from, action, to)) in self.steps.iter().enumerate() {
            let by_applicant = matches!(action, Action::Submit | Action::Supplement | Action::Withdraw);
            let reasons = match action {
                Action::RefuseReception => Some("Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị."),
                Action::RequestSupplement => Some("Bổ sung bản sao giấy tờ chứng minh nơi cư trú."),
                Action::StopAfterReview => Some("Không đủ điều kiện theo quy định."),
                Action::Withdraw => Some("Người nộp xin rút hồ sơ."),
                Action::Apologise => Some("Xin lỗi vì giải quyết quá hạn; hẹn lại ngày trả kết quả."),
                _ => None,
            };
            let payload = Payload {
                action: action.as_str(),
                code: &code,
                due_at,
                from: from.as_str(),
                generated: true,
                owner_unit: &commune.id,
                reasons,
                to: to.as_str(),
                version: version + 1,
            };
            batch.events.push(EventRow {
                province_id: commune.province.clone(),
                id: uuid_at(rng, *at),
                occurred_at: *at,
                subject_type: "dossier".into(),
                subject_id: subject.clone(),
                action: "dossier.changed".into(),
                unit_id: Some(commune.unit.clone()),
                actor_kind: if by_applicant { "citizen" } else { "officer" }.into(),
                actor_id: by_applicant.then(|| applicant.id_number.clone()),
                actor_unit_id: (!by_applicant).then(|| commune.unit.clone()),
                request_id: None,
                payload: serde_json::to_string(&payload).expect("the payload serialises"),
            });
        }
        batch.dossiers.push(DossierRow {
            id,
            province_id: commune.province.clone(),
            code: Some(code),
            procedure_code: p.code.clone(),
            procedure_version: p.version,
            case_key: None,
            channel: self.channel.as_str().into(),
            receiving_unit_id: commune.unit.clone(),
            competent_unit_id: commune.unit.clone(),
            owner_unit_id: commune.unit.clone(),
            status: self.status.as_str().into(),
            applicant: applicant.json.clone(),
            lookup_pin: format!("{:06}", rng.random_range(0..1_000_000u32)),
            form: p.form.clone(),
            components: p.components.clone(),
            // Through a JSON value, like the use cases: the same text (keys in order) as a live reception's.
            deadline: deadline.map(|d| serde_json::to_value(d).expect("deadline serialises").to_string()),
            due_at,
            supplement_requests: self.supplements,
            apologised: self.apologised,
            version: self.steps.len() as i64,
            submitted_at: Some(self.submitted),
            created_at: self.submitted,
            updated_at: updated,
            assignee_id: None,
            step_index: None,
            step_due_at: None,
            closed_at: closed.then_some(updated),
        });
    }
}

/// An event's payload as the use cases write it (`dossier.changed`), plus `"generated": true`. The fields are in
/// alphabetical order: the same text as the `serde_json::Value` the use cases build, without building one.
#[derive(Serialize)]
struct Payload<'a> {
    action: &'a str,
    code: &'a str,
    due_at: Option<DateTime<Utc>>,
    from: &'a str,
    generated: bool,
    owner_unit: &'a str,
    reasons: Option<&'a str>,
    to: &'a str,
    version: usize,
}

/// A UUIDv7 of the instant `at` with random bits from the seeded generator (ordered by time, reproducible).
fn uuid_at(rng: &mut StdRng, at: DateTime<Utc>) -> Uuid {
    let bytes: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(at.timestamp_millis()).unwrap_or(0), &bytes).into_uuid()
}
