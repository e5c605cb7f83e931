//! The HTTP load harness: one scenario at a time against a running `motcua serve`, a fixed number of requests in
//! flight, for a duration or a number of requests. Latencies are kept whole and sorted for the percentiles (a
//! million `Duration`s are 16 MB: no histogram crate needed).
//!
//! Officers are the generator's `bench.<commune>` accounts (reception and handling at one commune: restricted, not
//! superusers), found under `--root` and logged in through `POST /api/v1/session`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use motcua_domain::catalogue::Procedure;
use motcua_reference::registry::Population;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::generate::{BENCH_PASSWORD, bench_citizen, citizen_token, officer_username};

/// What the load does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Counter reception, `POST /api/v1/dossiers` with an `Idempotency-Key`, spread over the officers' communes.
    Submit,
    /// Online submission by a logged-in citizen, `POST /api/v1/citizen/dossiers` with an `Idempotency-Key`, to the
    /// officers' communes (the generator's citizen sessions).
    Online,
    /// `GET /api/v1/dossiers/{id}` as the dossier's officer.
    Read,
    /// A restricted officer's inbox page, `GET /api/v1/dossier-inbox?filter=unit&limit=50`.
    Inbox,
    /// The public status lookup by code and the phone's last four digits, `POST /api/v1/dossier-status`.
    Status,
    /// The public catalogue search, `GET /api/v1/procedures?q=…`.
    Catalogue,
    /// An officer's population-database lookup, `POST /api/v1/population/lookups`: the server asks the registry
    /// and appends to the lookup log durably before answering (needs `[population]` configured).
    Lookup,
}

impl Scenario {
    /// Every scenario, in the order of the report.
    pub const ALL: [Scenario; 7] =
        [Self::Submit, Self::Online, Self::Read, Self::Inbox, Self::Status, Self::Catalogue, Self::Lookup];

    /// The scenario's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Online => "online",
            Self::Read => "read",
            Self::Inbox => "inbox",
            Self::Status => "status",
            Self::Catalogue => "catalogue",
            Self::Lookup => "lookup",
        }
    }

    /// Parses a name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The server, e.g. `http://127.0.0.1:26080`.
    pub base: String,
    /// Requests in flight.
    pub concurrency: usize,
    /// How long to run.
    pub duration: Duration,
    /// Stop after this many requests, if sooner.
    pub max_requests: Option<u64>,
    /// The unit whose communes' `bench.*` officers are used.
    pub root: String,
    /// How many officers to log in.
    pub officers: usize,
    /// The procedure of the submissions.
    pub procedure: String,
    /// Seeds the applicants and the idempotency keys' prefix.
    pub seed: u64,
    /// The server's process, for its peak resident memory.
    pub server_pid: Option<u32>,
    /// Size of the population registry the server asks (seed `DEMO_SEED`), for the lookup subjects.
    pub registry_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            base: "http://127.0.0.1:26080".into(),
            concurrency: 64,
            duration: Duration::from_secs(10),
            max_requests: None,
            root: "p48".into(),
            officers: 32,
            procedure: "1.001570".into(),
            seed: 1,
            server_pid: None,
            registry_size: motcua_reference::registry::DEMO_SIZE,
        }
    }
}

/// A submission the server acknowledged (2xx with the dossier's id and code).
#[derive(Debug, Clone)]
pub struct Ack {
    /// Who sent it: the index into [`Session::officers`] (counter) or [`Session::citizens`] (online); both index the
    /// same commune.
    pub officer: usize,
    /// Its idempotency key.
    pub key: String,
    /// The body sent.
    pub body: Value,
    /// The dossier's id.
    pub id: Uuid,
    /// The dossier's code.
    pub code: String,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// Scenario.
    pub scenario: Scenario,
    /// Requests completed (successes and errors).
    pub requests: u64,
    /// Failed requests (transport errors and non-2xx answers).
    pub errors: u64,
    /// The first failure, for the operator.
    pub first_error: Option<String>,
    /// Wall time.
    pub elapsed: Duration,
    /// Latency percentiles of all requests.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// The server's peak resident set (VmHWM), in KiB.
    pub peak_rss_kib: Option<u64>,
    /// Acknowledged submissions.
    pub acks: Vec<Ack>,
}

impl Report {
    /// Completed requests per second.
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// One Markdown table row: scenario, requests/s, p50, p95, p99, errors, peak RSS.
    pub fn markdown_row(&self, backend: &str) -> String {
        let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1e3);
        format!(
            "| {backend} | {} | {:.0} | {} | {} | {} | {} / {} | {} |",
            self.scenario.as_str(),
            self.throughput(),
            ms(self.p50),
            ms(self.p95),
            ms(self.p99),
            self.errors,
            self.requests,
            self.peak_rss_kib.map_or("—".into(), |k| format!("{:.1} MB", k as f64 / 1024.0)),
        )
    }
}

/// The header of [`Report::markdown_row`].
pub const MARKDOWN_HEADER: &str = "| Backend | Scenario | Requests/s | p50 ms | p95 ms | p99 ms | Errors / requests | Server peak RSS |\n|---|---|---|---|---|---|---|---|";

/// Logged-in officers and an HTTP client.
#[derive(Debug, Clone)]
pub struct Session {
    client: reqwest::Client,
    base: String,
    /// `(commune id, bearer token)`.
    pub officers: Vec<(String, String)>,
    /// The generator's citizen sessions, one per officer (bearer tokens).
    pub citizens: Vec<String>,
}

impl Session {
    /// Logs in up to `options.officers` of the `bench.<commune>` officers under `options.root`.
    pub async fn open(options: &Options) -> anyhow::Result<Self> {
        let client = motcua_app::http::client_builder()
            .pool_max_idle_per_host(options.concurrency.max(1))
            .timeout(Duration::from_secs(30))
            .build()?;
        let base = options.base.trim_end_matches('/').to_owned();
        let detail: Value = client
            .get(format!("{base}/api/v1/units/{}", options.root))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let mut communes: Vec<String> = detail["children"]
            .as_array()
            .context("unit detail without children")?
            .iter()
            .filter(|c| matches!(c["kind"].as_str(), Some("commune" | "ward" | "special_zone")))
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect();
        communes.sort();
        let mut officers = Vec::new();
        for unit in communes.into_iter().take(options.officers) {
            let answer = client
                .post(format!("{base}/api/v1/session"))
                .json(&json!({ "username": officer_username(&unit), "password": BENCH_PASSWORD }))
                .send()
                .await?;
            if answer.status().is_success() {
                let session: Value = answer.json().await?;
                let token = session["token"].as_str().context("session without token")?.to_owned();
                officers.push((unit, token));
            }
        }
        if officers.is_empty() {
            bail!("no bench.<commune> officer could log in under {}: run `motcua generate` first", options.root);
        }
        let citizens = (0..officers.len()).map(|i| citizen_token(options.seed, i)).collect();
        Ok(Self { client, base, officers, citizens })
    }

    /// The same officers against a server restarted at another address.
    pub fn rebase(mut self, base: &str) -> Self {
        self.base = base.trim_end_matches('/').to_owned();
        self
    }

    /// Submission bodies, one per officer (the e-form filled for the officer's commune): counter receptions with the
    /// applicant, or the online filings of the officer's citizen to that commune.
    async fn submission_bodies(&self, options: &Options, online: bool) -> anyhow::Result<Vec<Value>> {
        let stored: Value = self
            .client
            .get(format!("{}/api/v1/procedures/{}", self.base, options.procedure))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let p: Procedure = serde_json::from_value(stored["procedure"].clone()).context("procedure JSON")?;
        let province = options.root.split('.').next().unwrap_or(&options.root).to_owned();
        Ok(self
            .officers
            .iter()
            .enumerate()
            .map(|(i, (unit, _))| {
                let citizen = bench_citizen(options.seed, i);
                let id = citizen.id_number.as_str().to_owned();
                let form = p
                    .form_for(None)
                    .map(|f| motcua_app::demo::sample_form_values(f, &id, &province, unit))
                    .unwrap_or_default();
                let components: Vec<String> =
                    p.components_for(None).filter(|c| c.mandatory).map(|c| c.key.clone()).collect();
                if online {
                    return json!({
                        "procedure": options.procedure,
                        "unit": unit,
                        "form": form,
                        "components": components,
                        "phone": "0905123456",
                    });
                }
                json!({
                    "procedure": options.procedure,
                    "applicant": { "id_number": id, "full_name": citizen.full_name(), "phone": "0905123456" },
                    "form": form,
                    "components": components,
                })
            })
            .collect())
    }

    /// Up to 50 open dossiers of each officer's inbox: `(officer, id, code, phone)`.
    async fn sample_dossiers(&self) -> anyhow::Result<Vec<(usize, Uuid, String, String)>> {
        let mut out = Vec::new();
        for (i, (_, token)) in self.officers.iter().enumerate() {
            let page: Value = self
                .client
                .get(format!("{}/api/v1/dossier-inbox?filter=unit&limit=50", self.base))
                .bearer_auth(token)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            for row in page["rows"].as_array().into_iter().flatten() {
                let (Some(id), Some(code)) =
                    (row["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()), row["code"].as_str())
                else {
                    continue;
                };
                let phone = row["applicant"]["phone"].as_str().unwrap_or("").to_owned();
                out.push((i, id, code.to_owned(), phone));
            }
        }
        if out.is_empty() {
            bail!("the officers' inboxes are empty: generate dossiers first");
        }
        Ok(out)
    }

    /// Sends one counter reception; `Ok(ack)` when acknowledged.
    pub async fn submit(&self, officer: usize, key: &str, body: &Value) -> anyhow::Result<Ack> {
        self.acknowledged(officer, key, body, "/api/v1/dossiers", &self.officers[officer].1).await
    }

    /// Sends one online filing as the `citizen`-th citizen session; `Ok(ack)` when acknowledged.
    pub async fn file_online(&self, citizen: usize, key: &str, body: &Value) -> anyhow::Result<Ack> {
        self.acknowledged(citizen, key, body, "/api/v1/citizen/dossiers", &self.citizens[citizen]).await
    }

    async fn acknowledged(
        &self,
        officer: usize,
        key: &str,
        body: &Value,
        path: &str,
        token: &str,
    ) -> anyhow::Result<Ack> {
        let answer = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await?;
        let status = answer.status();
        let text = answer.text().await?;
        if !status.is_success() {
            bail!("{status}: {}", text.chars().take(300).collect::<String>());
        }
        let dossier: Value = serde_json::from_str(&text)?;
        Ok(Ack {
            officer,
            key: key.to_owned(),
            body: body.clone(),
            id: dossier["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()).context("answer without id")?,
            code: dossier["code"].as_str().context("answer without code")?.to_owned(),
        })
    }

    /// One dossier as `officer` sees it (`None` if it does not exist).
    pub async fn dossier(&self, officer: usize, id: Uuid) -> anyhow::Result<Option<Value>> {
        let answer = self
            .client
            .get(format!("{}/api/v1/dossiers/{id}", self.base))
            .bearer_auth(&self.officers[officer].1)
            .send()
            .await?;
        if answer.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Ok(Some(answer.error_for_status()?.json().await?))
    }

    async fn ok(&self, request: reqwest::RequestBuilder) -> anyhow::Result<()> {
        let answer = request.send().await?;
        let status = answer.status();
        let body = answer.bytes().await?;
        if !status.is_success() {
            bail!("{status}: {}", String::from_utf8_lossy(&body).chars().take(300).collect::<String>());
        }
        Ok(())
    }
}

/// Catalogue searches, URL-encoded (no diacritics: the search folds them).
const CATALOGUE_QUERIES: [&str; 6] =
    ["dang+ky+khai+sinh", "thuong+tru", "chung+thuc", "ket+hon", "xac+nhan", "cap+doi"];

/// Runs `scenario` with `session`'s officers.
pub async fn run(session: &Session, scenario: Scenario, options: &Options) -> anyhow::Result<Report> {
    let bodies = match scenario {
        Scenario::Submit => session.submission_bodies(options, false).await?,
        Scenario::Online => session.submission_bodies(options, true).await?,
        _ => Vec::new(),
    };
    let registry = Population::new(motcua_reference::registry::DEMO_SEED, options.registry_size.max(1));
    let samples = if matches!(scenario, Scenario::Read | Scenario::Status) {
        session.sample_dossiers().await?
    } else {
        Vec::new()
    };
    let (bodies, samples) = (Arc::new(bodies), Arc::new(samples));
    let next = Arc::new(AtomicU64::new(0));
    let first_error = Arc::new(Mutex::new(None::<String>));
    let key_prefix = format!("bench-{}-{}", options.seed, Uuid::now_v7().simple());
    let started = Instant::now();
    let deadline = started + options.duration;
    let limit = options.max_requests.unwrap_or(u64::MAX);
    let mut workers = Vec::new();
    for _ in 0..options.concurrency.max(1) {
        let (session, bodies, samples, next, first_error, key_prefix, registry, procedure) = (
            session.clone(),
            bodies.clone(),
            samples.clone(),
            next.clone(),
            first_error.clone(),
            key_prefix.clone(),
            registry,
            options.procedure.clone(),
        );
        workers.push(tokio::spawn(async move {
            let (mut latencies, mut errors, mut acks) = (Vec::new(), 0u64, Vec::new());
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= limit || Instant::now() >= deadline {
                    break;
                }
                let s = &session;
                let t = Instant::now();
                let outcome = match scenario {
                    Scenario::Submit => {
                        let officer = i as usize % s.officers.len();
                        s.submit(officer, &format!("{key_prefix}-{i}"), &bodies[officer])
                            .await
                            .map(|ack| acks.push(ack))
                    }
                    Scenario::Online => {
                        let citizen = i as usize % s.citizens.len();
                        s.file_online(citizen, &format!("{key_prefix}-{i}"), &bodies[citizen]).await.map(|_| ())
                    }
                    Scenario::Read => {
                        let (officer, id, _, _) = &samples[i as usize % samples.len()];
                        s.ok(s
                            .client
                            .get(format!("{}/api/v1/dossiers/{id}", s.base))
                            .bearer_auth(&s.officers[*officer].1))
                            .await
                    }
                    Scenario::Inbox => {
                        let token = &s.officers[i as usize % s.officers.len()].1;
                        s.ok(s
                            .client
                            .get(format!("{}/api/v1/dossier-inbox?filter=unit&limit=50", s.base))
                            .bearer_auth(token))
                            .await
                    }
                    Scenario::Status => {
                        let (_, _, code, phone) = &samples[i as usize % samples.len()];
                        let secret: String =
                            phone.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
                        s.ok(s
                            .client
                            .post(format!("{}/api/v1/dossier-status", s.base))
                            .json(&json!({ "code": code, "secret": secret })))
                            .await
                    }
                    Scenario::Catalogue => {
                        let q = CATALOGUE_QUERIES[i as usize % CATALOGUE_QUERIES.len()];
                        s.ok(s.client.get(format!("{}/api/v1/procedures?q={q}", s.base))).await
                    }
                    Scenario::Lookup => {
                        let subject = registry.person(i % registry.len().max(1)).expect("registry citizen");
                        s.ok(s
                            .client
                            .post(format!("{}/api/v1/population/lookups", s.base))
                            .bearer_auth(&s.officers[i as usize % s.officers.len()].1)
                            .json(&json!({
                                "subject": subject.id_number.as_str(),
                                "purpose": "Kiểm tra thông tin người nộp hồ sơ tại quầy",
                                "procedure_code": procedure,
                                "fields": ["full_name", "birth_date", "permanent_address"],
                            })))
                        .await
                    }
                };
                latencies.push(t.elapsed());
                if let Err(e) = outcome {
                    errors += 1;
                    let mut first = first_error.lock().await;
                    if first.is_none() {
                        *first = Some(format!("{e:#}"));
                    }
                }
            }
            (latencies, errors, acks)
        }));
    }
    let (mut latencies, mut errors, mut acks) = (Vec::new(), 0, Vec::new());
    for w in workers {
        let (l, e, a) = w.await?;
        latencies.extend(l);
        errors += e;
        acks.extend(a);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| {
        if latencies.is_empty() {
            Duration::ZERO
        } else {
            latencies[((latencies.len() - 1) as f64 * p).round() as usize]
        }
    };
    Ok(Report {
        scenario,
        requests: latencies.len() as u64,
        errors,
        first_error: first_error.lock().await.clone(),
        elapsed,
        p50: pct(0.50),
        p95: pct(0.95),
        p99: pct(0.99),
        peak_rss_kib: options.server_pid.and_then(peak_rss_kib),
        acks,
    })
}

/// The peak resident set of a process (`VmHWM` in `/proc/<pid>/status`), in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// What the crash check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Acknowledged submissions checked.
    pub checked: usize,
    /// Acknowledged dossiers not found after the restart.
    pub missing: Vec<String>,
    /// Retries (same key, same body) that answered with another dossier, or failed.
    pub retry_mismatches: Vec<String>,
}

/// After a crash and restart: every acknowledged dossier is there with its code, and a retry with the same
/// idempotency key answers with the same dossier (so it exists exactly once).
pub async fn verify(session: &Session, acks: &[Ack]) -> anyhow::Result<Verification> {
    let mut v = Verification { checked: acks.len(), ..Verification::default() };
    for ack in acks {
        match session.dossier(ack.officer, ack.id).await? {
            Some(d) if d["code"].as_str() == Some(ack.code.as_str()) => {}
            _ => v.missing.push(format!("{} ({})", ack.code, ack.id)),
        }
        match session.submit(ack.officer, &ack.key, &ack.body).await {
            Ok(again) if again.id == ack.id && again.code == ack.code => {}
            Ok(again) => v.retry_mismatches.push(format!("{}: retry gave {} ({})", ack.code, again.code, again.id)),
            Err(e) => v.retry_mismatches.push(format!("{}: retry failed: {e:#}", ack.code)),
        }
    }
    Ok(v)
}
