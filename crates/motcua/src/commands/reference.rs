//! `motcua reference …`: the reference servers of external parties, run standalone (tests of other systems, a
//! second terminal during development). `motcua demo` mounts them on its own listener instead.

use anyhow::Context;
use motcua_reference::registry::{Population, Registry};

/// `motcua reference registry --bind ADDR --size N --seed S`: the population registry of docs/population-registry-protocol.md.
pub async fn registry(bind: &str, size: u64, seed: u64, api_key: &str) -> anyhow::Result<()> {
    let population = Population::new(seed, size);
    let registry = Registry::new(population, api_key);
    let listener =
        tokio::net::TcpListener::bind(bind).await.with_context(|| format!("--bind: cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    println!(
        "Cơ sở dữ liệu dân cư mẫu: {} công dân (seed {seed}) tại http://{addr}/v1/citizens/lookup (dừng: Ctrl+C)",
        population.len()
    );
    if let Some(c) = population.person(0) {
        println!("  ví dụ: {} {} sinh {}", c.id_number, c.full_name(), c.birth_date.format("%d/%m/%Y"));
    }
    tokio::select! {
        served = registry.serve(listener) => served.context("the reference registry failed"),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
