//! Upload and download throughput of the document store, and the process's peak memory while streaming a large
//! file through it (the same `ObjectFiles::put_stream` / `open_stream` the HTTP handlers use).
//!
//!   cargo run --release -p motcua_app --example documents_bench -- 200            # local files, 200 MB
//!   MOTCUA_TEST_S3_URL=http://127.0.0.1:23500 cargo run --release -p motcua_app --example documents_bench -- 200 s3
//!
//! Peak memory is VmHWM from /proc/self/status (Linux), read before and after.

use std::time::Instant;

use futures::{StreamExt, stream};
use motcua_app::documents::{Backend, ObjectFiles, S3Config};
use motcua_domain::document::Accept;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mib: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("motcua-bench-{}", std::process::id()));
    let backend = if args.get(2).map(String::as_str) == Some("s3") {
        let url = std::env::var("MOTCUA_TEST_S3_URL").expect("MOTCUA_TEST_S3_URL");
        let bucket = format!("bench-{}", std::process::id());
        motcua_app::http::client().put(format!("{url}/{bucket}")).send().await.expect("create bucket");
        Backend::S3(S3Config {
            endpoint: url,
            bucket,
            region: "us-east-1".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            allow_http: true,
            path_style: true,
        })
    } else {
        Backend::Local(dir.clone())
    };
    let files = ObjectFiles::open(&backend, None).expect("open store");
    let before = peak_rss_mib();
    // 64 KiB chunks, as a network body arrives; a PDF header so the sniffing accepts it. Each chunk differs so
    // that nothing is deduplicated by accident.
    let chunk = 64 * 1024;
    let chunks = mib * 1024 * 1024 / chunk;
    let body = stream::iter(0..chunks).map(move |i| {
        let mut b = vec![b' '; chunk];
        if i == 0 {
            b[..8].copy_from_slice(b"%PDF-1.7");
        }
        b[chunk - 8..].copy_from_slice(&(i as u64).to_be_bytes());
        Ok::<_, std::io::Error>(b)
    });
    let started = Instant::now();
    let stored = files.put_stream(body, u64::MAX, Accept { xml: false }).await.expect("upload");
    let up = started.elapsed();
    let started = Instant::now();
    let mut read = 0usize;
    let mut content = files.open_stream(&stored.sha256).await.expect("open");
    while let Some(b) = content.next().await {
        read += b.expect("read").len();
    }
    let down = started.elapsed();
    assert_eq!(read as u64, stored.size);
    let mb = stored.size as f64 / 1e6;
    println!("backend: {}", files.describe());
    println!(
        "size: {mb:.0} MB; upload {:.2} s = {:.0} MB/s; download {:.2} s = {:.0} MB/s",
        up.as_secs_f64(),
        mb / up.as_secs_f64(),
        down.as_secs_f64(),
        mb / down.as_secs_f64()
    );
    println!("peak RSS: {before:.1} MiB before, {:.1} MiB after streaming", peak_rss_mib());
    let _ = std::fs::remove_dir_all(dir);
}
