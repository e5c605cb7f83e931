//! What every handler can reach.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use motcua_app::App;

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (always, behind HTTPS).
    pub cookie_secure: bool,
    /// Largest accepted request body.
    pub body_limit: usize,
    /// A request running longer is answered with 408.
    pub request_timeout: Duration,
    /// Name shown in the page header, e.g. the province.
    pub portal_name: String,
    /// The public address of the portal (no trailing slash), printed as the QR code of the PDF forms.
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (addresses or networks); from any other peer the
    /// header is ignored, since anyone can write it.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            body_limit: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            portal_name: "Thành phố Đà Nẵng".into(),
            public_url: "http://127.0.0.1:8080".into(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// Shared state of the router: one allocation behind an `Arc`, because axum clones the state for every extractor
/// and middleware of every request (a clone of [`App`] itself is some twenty reference counts and a few strings).
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

/// What [`AppState`] points to.
pub struct SharedState {
    /// The use cases.
    pub app: App,
    /// HTTP settings.
    pub config: WebConfig,
    /// The Prometheus registry rendered at `/metrics`.
    pub metrics: PrometheusHandle,
}

impl AppState {
    /// State over `app`; installs the process-wide metrics recorder on first use.
    pub fn new(app: App, config: WebConfig) -> Self {
        Self(Arc::new(SharedState { app, config, metrics: metrics_handle() }))
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (tests build many routers).
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}
