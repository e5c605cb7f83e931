//! The layering of ARCHITECTURE.md, checked mechanically.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Normal (non-dev) dependencies of each workspace crate.
fn dependencies() -> Vec<(String, BTreeSet<String>)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_owned())
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

fn deps_of(name: &str) -> BTreeSet<String> {
    dependencies().into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no crate {name}")).1
}

#[test]
fn domain_depends_only_on_pure_crates() {
    let allowed: BTreeSet<String> = ["chrono", "schemars", "serde", "thiserror", "unicode-normalization", "uuid"]
        .into_iter()
        .map(String::from)
        .collect();
    let deps = deps_of("motcua_domain");
    assert!(
        deps.is_subset(&allowed),
        "domain must stay pure; extra: {:?}",
        deps.difference(&allowed).collect::<Vec<_>>()
    );
}

#[test]
fn layers_point_inwards() {
    let forbidden = [
        ("motcua_storage", &["motcua_app", "motcua_web", "axum"][..]),
        ("motcua_app", &["motcua_web", "axum", "sqlx", "sea-query"][..]),
        ("motcua_web", &["motcua_storage", "sqlx", "sea-query"][..]),
    ];
    for (krate, banned) in forbidden {
        let deps = deps_of(krate);
        for b in banned {
            assert!(!deps.contains(*b), "{krate} must not depend on {b}");
        }
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn sources_containing(dir: &str, needle: &str) -> Vec<PathBuf> {
    rust_files(&workspace_root().join(dir))
        .into_iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(needle))
        .collect()
}

#[test]
fn sql_lives_only_in_storage_and_domain_has_no_async() {
    for dir in ["crates/app/src", "crates/web/src", "crates/domain/src"] {
        assert!(sources_containing(dir, "sqlx::").is_empty(), "SQL outside storage in {dir}");
        assert!(sources_containing(dir, "sea_query").is_empty(), "SQL builder outside storage in {dir}");
    }
    assert!(sources_containing("crates/domain/src", "async fn").is_empty());
    assert!(sources_containing("crates/domain/src", "tokio").is_empty());
}

#[test]
fn only_the_clock_reads_the_wall_clock() {
    for dir in ["crates/domain/src", "crates/storage/src", "crates/app/src", "crates/web/src"] {
        let readers: Vec<PathBuf> =
            sources_containing(dir, "Utc::now()").into_iter().filter(|f| !f.ends_with("app/src/clock.rs")).collect();
        assert!(readers.is_empty(), "wall clock read outside Clock: {readers:?}");
    }
}

/// reqwest has no TLS crypto provider of its own: a client built anywhere but `motcua_app::http` would panic on
/// first use unless something else had installed one. Every crate's sources, tests and examples go through it.
#[test]
fn outgoing_http_clients_come_from_one_place() {
    let crates = workspace_root().join("crates");
    let mut offenders = Vec::new();
    for file in rust_files(&crates) {
        if file.ends_with("app/src/http.rs") || file.ends_with("motcua/tests/architecture.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        if ["Client::new()", "Client::builder()", "reqwest::get("].iter().any(|n| text.contains(n)) {
            offenders.push(file);
        }
    }
    assert!(offenders.is_empty(), "build HTTP clients with motcua_app::http: {offenders:?}");
}

/// A crate whose lib is built without its unit tests (`[lib] test = false`, to save CI build time) must have none:
/// otherwise they would silently never run.
#[test]
fn no_silent_unit_tests() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut untested = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        for target in package["targets"].as_array().unwrap() {
            let is_lib = target["kind"].as_array().unwrap().iter().any(|k| k == "lib");
            if is_lib && target["test"] == false {
                let src = Path::new(target["src_path"].as_str().unwrap()).parent().unwrap().to_owned();
                untested.push(src.clone());
                let hidden: Vec<PathBuf> = rust_files(&src)
                    .into_iter()
                    .filter(|f| std::fs::read_to_string(f).unwrap().contains("#[cfg(test)]"))
                    .collect();
                assert!(hidden.is_empty(), "unit tests that never run ([lib] test = false): {hidden:?}");
            }
        }
    }
    assert!(untested.iter().any(|p| p.ends_with("web/src")), "the web crate's lib is expected to have test = false");
}
