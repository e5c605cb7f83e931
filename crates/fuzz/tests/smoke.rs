//! The CI smoke: each target for a fixed number of inputs (`smoke_iterations`) from a fixed seed and with no time
//! bound, so the run is the same on every machine. It checks that the harness builds, that every seed is still
//! accepted (a format change shows here) and that nothing found by the long runs has come back. One test per
//! target so that nextest runs them side by side.

use motcua_fuzz::{Budget, fuzz, targets};

fn smoke(name: &str) {
    let target = targets::all().into_iter().find(|t| t.name == name).expect("a target of that name");
    let iterations = target.smoke_iterations;
    let summary = fuzz(&target, 20, Budget { iterations: Some(iterations), time: None, slow: None }, None);
    assert_eq!(summary.iterations, iterations);
    assert_eq!(summary.seeds_rejected, 0, "a seed is no longer accepted");
    let found: Vec<_> = summary.findings.values().map(|f| (&f.problem, String::from_utf8_lossy(&f.input))).collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn catalogue_json() {
    smoke("catalogue_json");
}

#[test]
fn catalogue_xlsx() {
    smoke("catalogue_xlsx");
}

#[test]
fn catalogue_csv() {
    smoke("catalogue_csv");
}

#[test]
fn calendar_toml() {
    smoke("calendar_toml");
}

#[test]
fn eform() {
    smoke("eform");
}

#[test]
fn dossier_code() {
    smoke("dossier_code");
}

#[test]
fn personal_id() {
    smoke("personal_id");
}

#[test]
fn id_token() {
    smoke("id_token");
}

#[test]
fn every_target_has_a_smoke_test() {
    let names: Vec<&str> = targets::all().iter().map(|t| t.name).collect();
    let this = include_str!("smoke.rs");
    for name in names {
        assert!(this.contains(&format!("fn {name}()")), "no smoke test for {name}");
    }
}
