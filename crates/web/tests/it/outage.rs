//! A database outage on PostgreSQL: the server reaches the database through a TCP proxy that the test cuts. While
//! it is cut, requests answer `503 unavailable` once the acquire timeout passes (not a hang), `/readyz` says 503,
//! and once the database is back everything works again without a restart.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use motcua_storage::{Db, DbOptions};
use motcua_testkit::TestDb;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::cases::{app, assert_problem, get, login, post_json, send};

/// Forwards TCP connections to `upstream` until cut; while cut, it closes every connection it has and every new one.
struct Proxy {
    addr: SocketAddr,
    cut: Arc<AtomicBool>,
    links: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
    acceptor: JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let links: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let acceptor = {
            let (cut, links) = (cut.clone(), links.clone());
            tokio::spawn(async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if cut.load(Ordering::SeqCst) {
                        continue; // dropped: the connection closes at once
                    }
                    let upstream = upstream.clone();
                    links.lock().unwrap().push(tokio::spawn(async move {
                        if let Ok(mut server) = TcpStream::connect(&upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    }));
                }
            })
        };
        Self { addr, cut, links, acceptor }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.acceptor.abort();
    }
}

/// Where `host:port` is in a database URL.
fn host_of(url: &str) -> (usize, usize) {
    let scheme_end = url.find("://").unwrap() + 3;
    let host_start = url[scheme_end..].find('@').map_or(scheme_end, |at| scheme_end + at + 1);
    (host_start, host_start + url[host_start..].find('/').unwrap())
}

#[tokio::test]
async fn a_database_outage_gives_503_within_the_acquire_timeout_then_recovers() {
    let Some(t) = TestDb::postgres().await else { return };
    let (host_start, host_end) = host_of(&t.url());
    let proxy = Proxy::start(t.url()[host_start..host_end].to_owned()).await;
    let url = format!("{}{}{}", &t.url()[..host_start], proxy.addr, &t.url()[host_end..]);
    let acquire = Duration::from_secs(2);
    let db = Db::connect(&url, &DbOptions { acquire_timeout: acquire, ..DbOptions::default() }).await.unwrap();
    let (router, _) = app(db.clone()).await;
    let token = login(&router, "admin").await;
    assert_eq!(send(&router, get("/readyz")).await.status, StatusCode::OK);

    // Cut: each request is answered 503 once the acquire timeout passes; a hang would be the test router's 408.
    proxy.cut();
    assert_problem(&send(&router, get("/readyz")).await, 503, "unavailable");
    let officer = json!({"username": "mat.ket.noi", "full_name": "Trần Văn Mất", "unit_id": "p48",
        "password": motcua_app::demo::DEMO_PASSWORD, "grants": []});
    assert_problem(&send(&router, post_json("/api/v1/officers", &officer, Some(&token))).await, 503, "unavailable");
    let officers = || {
        let mut request = get("/api/v1/units/p48/officers");
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        request
    };
    assert_problem(&send(&router, officers()).await, 503, "unavailable");

    proxy.restore();
    let reply = send(&router, post_json("/api/v1/officers", &officer, Some(&token))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(send(&router, get("/readyz")).await.status, StatusCode::OK);
    assert_eq!(send(&router, officers()).await.status, StatusCode::OK);
    assert!(!login(&router, "mat.ket.noi").await.is_empty());
    db.close().await;
    drop(proxy);
    t.finish().await;
}
