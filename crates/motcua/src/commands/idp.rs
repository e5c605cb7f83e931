//! The reference identity provider (VNeID-compatible OpenID Connect): mounted by `motcua demo` on its own
//! listener, or run standalone by `motcua reference idp`.

use std::net::SocketAddr;

use anyhow::Context;
use motcua_app::App;
use motcua_reference::idp::{self, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, IdpClient, IdpConfig};

use crate::settings::Settings;

/// The path the demo mounts the provider under.
pub const DEMO_PATH: &str = "/reference/idp";

/// The demo's public base address: `server.public_url`, else the bound address (loopback for 0.0.0.0).
fn base_url(settings: &Settings, addr: SocketAddr) -> String {
    match settings.server.public_url.trim().trim_end_matches('/') {
        "" => {
            let host = if addr.ip().is_unspecified() { "127.0.0.1".to_owned() } else { addr.ip().to_string() };
            format!("http://{host}:{}", addr.port())
        }
        url => url.to_owned(),
    }
}

/// Citizen login for the demo: unless `[identity]` names a provider, the reference provider is mounted at
/// [`DEMO_PATH`] with the demo citizens and the application logs in against it over HTTP.
pub fn attach_demo(
    settings: &Settings,
    addr: SocketAddr,
    app: App,
    mounted: axum::Router,
) -> anyhow::Result<(App, axum::Router)> {
    if settings.identity.config().is_some() {
        return Ok((app, mounted));
    }
    let base = base_url(settings, addr);
    let issuer = format!("{base}{DEMO_PATH}");
    let redirect = format!("{base}/dang-nhap/vneid/callback");
    let client = IdpClient {
        client_id: DEMO_CLIENT_ID.into(),
        client_secret: DEMO_CLIENT_SECRET.into(),
        redirect_uris: vec![redirect.clone()],
    };
    let users = idp::demo_users();
    println!("\nĐăng nhập bằng VNeID (máy chủ định danh tham chiếu tại {issuer}), tài khoản mẫu:");
    for u in &users {
        println!("  {}", u.describe());
    }
    let config = motcua_app::identity::IdentityConfig {
        issuer_url: issuer.clone(),
        client_id: DEMO_CLIENT_ID.into(),
        client_secret: DEMO_CLIENT_SECRET.into(),
        redirect_url: redirect,
        session_ttl: chrono::Duration::minutes(settings.identity.session_ttl_minutes),
    };
    let app = app.with_identity(config).map_err(|e| anyhow::anyhow!("identity: {}", e.message_vi()))?;
    let mounted = mounted.nest(DEMO_PATH, idp::router(IdpConfig::new(&issuer, client, users)));
    Ok((app, mounted))
}

/// `motcua reference idp --bind ADDR`: the provider standalone, with the demo citizens and one client.
pub async fn serve(
    bind: &str,
    issuer: Option<&str>,
    client_id: &str,
    client_secret: &str,
    redirect_uris: Vec<String>,
) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(bind).await.with_context(|| format!("--bind: cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    let issuer = issuer.map_or_else(|| format!("http://{addr}"), |i| i.trim_end_matches('/').to_owned());
    let client = IdpClient { client_id: client_id.into(), client_secret: client_secret.into(), redirect_uris };
    let users = idp::demo_users();
    println!(
        "Máy chủ định danh tham chiếu (OpenID Connect) tại {issuer}/.well-known/openid-configuration (dừng: Ctrl+C)"
    );
    println!("  client_id {}, redirect_uri {}", client.client_id, client.redirect_uris.join(", "));
    for u in &users {
        println!("  {}", u.describe());
    }
    let router = idp::router(IdpConfig::new(&issuer, client, users));
    tokio::select! {
        served = axum::serve(listener, router) => served.context("the reference identity provider failed"),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
