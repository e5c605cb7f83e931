//! The production client of the population registry (docs/population-registry-protocol.md) over HTTP: a timeout per
//! attempt, bounded retries with exponential backoff on transport failures and 5xx answers (a lookup is a read, so
//! repeating it is safe), and a circuit breaker so a registry that is down costs callers nothing but a quick
//! "unavailable".

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::breaker::Breaker;
use super::{Answer, CitizenRecord, PopulationRegistry, RegistryError, RegistryQuery, wire};

/// How to reach the registry.
#[derive(Clone)]
pub struct HttpRegistryConfig {
    /// Base URL, e.g. `https://csdldc.example/api` (the lookup is `POST {base}/v1/citizens/lookup`).
    pub base_url: String,
    /// Bearer API key (a secret: never in `Debug`).
    pub api_key: String,
    /// Timeout of one attempt.
    pub timeout: Duration,
    /// Timeout of establishing a connection.
    pub connect_timeout: Duration,
    /// Attempts after the first.
    pub retries: u32,
    /// Wait before the first retry; doubled each time.
    pub backoff: Duration,
    /// Consecutive failed lookups that open the circuit.
    pub breaker_threshold: u32,
    /// How long the circuit stays open before one probe.
    pub breaker_cooldown: Duration,
}

impl fmt::Debug for HttpRegistryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRegistryConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"[redacted]")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("breaker_threshold", &self.breaker_threshold)
            .field("breaker_cooldown", &self.breaker_cooldown)
            .finish()
    }
}

impl HttpRegistryConfig {
    /// Defaults for `base_url` and `api_key`: 3 s per attempt, 2 retries from 200 ms, circuit open after 5 failures
    /// for 30 s.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: api_key.into(),
            timeout: Duration::from_secs(3),
            connect_timeout: Duration::from_secs(1),
            retries: 2,
            backoff: Duration::from_millis(200),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(30),
        }
    }
}

/// The HTTP client.
pub struct HttpRegistry {
    config: HttpRegistryConfig,
    client: reqwest::Client,
    breaker: Mutex<Breaker>,
}

impl fmt::Debug for HttpRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRegistry").field("config", &self.config).finish_non_exhaustive()
    }
}

/// What one attempt came to.
enum Attempt {
    Done(Result<Answer, RegistryError>),
    /// Worth another try (transport failure, timeout, 5xx).
    Retry(String),
}

impl HttpRegistry {
    /// A client for `config`.
    pub fn new(config: HttpRegistryConfig) -> Result<Self, String> {
        let client = crate::http::client_builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| format!("cannot build the population-registry client: {e}"))?;
        let breaker = Mutex::new(Breaker::new(config.breaker_threshold, config.breaker_cooldown));
        Ok(Self { config, client, breaker })
    }

    /// Whether the circuit is open (calls refused without trying).
    pub fn circuit_open(&self) -> bool {
        self.breaker.lock().unwrap_or_else(|p| p.into_inner()).is_open()
    }

    async fn attempt(&self, body: &Value, request_id: Option<&str>) -> Attempt {
        let url = format!("{}/v1/citizens/lookup", self.config.base_url.trim_end_matches('/'));
        let mut request = self.client.post(url).bearer_auth(&self.config.api_key).json(body);
        if let Some(id) = request_id {
            request = request.header("x-request-id", id);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Attempt::Retry("timed out".into()),
            Err(e) => return Attempt::Retry(format!("unreachable: {}", e.without_url())),
        };
        let status = response.status();
        let payload: Value = match response.json().await {
            Ok(v) => v,
            Err(e) if e.is_timeout() => return Attempt::Retry("timed out reading the answer".into()),
            Err(_) if status.is_server_error() => return Attempt::Retry(format!("HTTP {status}")),
            Err(_) => return Attempt::Done(Err(RegistryError::Refused(format!("HTTP {status} without JSON")))),
        };
        let code = payload.get("error").and_then(Value::as_str).unwrap_or("").to_owned();
        match status.as_u16() {
            200 => Attempt::Done(
                payload
                    .get("cong_dan")
                    .and_then(Value::as_object)
                    .map(|o| Answer::Found(CitizenRecord::from_wire(o)))
                    .ok_or_else(|| RegistryError::Refused("an answer without cong_dan".into())),
            ),
            404 if code == "not_found" => Attempt::Done(Ok(Answer::NotFound)),
            500..=599 => Attempt::Retry(format!("HTTP {status} {code}")),
            _ => Attempt::Done(Err(RegistryError::Refused(format!("HTTP {status} {code}")))),
        }
    }
}

impl PopulationRegistry for HttpRegistry {
    fn lookup<'a>(&'a self, query: &'a RegistryQuery) -> BoxFuture<'a, Result<Answer, RegistryError>> {
        Box::pin(async move {
            if !self.breaker.lock().unwrap_or_else(|p| p.into_inner()).allow(Instant::now()) {
                return Err(RegistryError::Unavailable("circuit open after repeated failures".into()));
            }
            let body = json!({
                "so_dinh_danh": query.subject.as_str(),
                "purpose": query.purpose,
                "dossier_code": query.dossier_code,
                "procedure_code": query.procedure_code,
                "actor": { "kind": query.actor_kind, "id": query.actor_id, "unit": query.actor_unit },
                "fields": wire::top_level(&query.fields),
            });
            let mut wait = self.config.backoff;
            let mut last = String::new();
            for attempt in 0..=self.config.retries {
                if attempt > 0 {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                match self.attempt(&body, query.request_id.as_deref()).await {
                    Attempt::Done(outcome) => {
                        let mut breaker = self.breaker.lock().unwrap_or_else(|p| p.into_inner());
                        // A refusal (bad key, bad request) is our fault, not the registry's health.
                        breaker.success();
                        return outcome;
                    }
                    Attempt::Retry(why) => last = why,
                }
            }
            self.breaker.lock().unwrap_or_else(|p| p.into_inner()).failure(Instant::now());
            tracing::warn!(reason = %last, "population registry unavailable");
            Err(RegistryError::Unavailable(last))
        })
    }
}
