//! Outgoing HTTP: the one way to build a client (connectors, the identity provider, SMS gateways, tests).
//!
//! reqwest is built without a TLS crypto provider of its own (see the workspace manifest); this module installs
//! rustls' `ring` provider once per process before any client exists, so no caller can forget it.

use std::sync::Once;

/// A reqwest client builder with TLS ready. Every outgoing client is made here.
pub fn client_builder() -> reqwest::ClientBuilder {
    install_tls();
    reqwest::Client::builder()
}

/// A client with reqwest's defaults.
pub fn client() -> reqwest::Client {
    client_builder().build().expect("an HTTP client with default settings builds")
}

/// Installs rustls' process-wide crypto provider (ring). Idempotent; object_store's S3 client needs it too.
pub fn install_tls() {
    static TLS: Once = Once::new();
    TLS.call_once(|| {
        // Err only if another provider was installed first: then that one serves, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
