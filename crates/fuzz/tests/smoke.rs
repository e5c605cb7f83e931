//! The CI smoke: every target for a fixed number of inputs from a fixed seed, no timing bound, so the run is the
//! same on every machine. It checks that the harness builds, that every seed is still accepted (a format change
//! shows here) and that nothing found by the long runs has come back.

use motcua_fuzz::{Budget, fuzz, targets};

#[test]
fn every_target_accepts_its_seeds_and_survives_its_mutants() {
    for target in targets::all() {
        let iterations = target.smoke_iterations;
        let summary = fuzz(&target, 20, Budget { iterations: Some(iterations), time: None, slow: None }, None);
        assert_eq!(summary.iterations, iterations, "{}", target.name);
        assert_eq!(summary.seeds_rejected, 0, "{}: a seed is no longer accepted", target.name);
        let found: Vec<_> =
            summary.findings.values().map(|f| (&f.problem, String::from_utf8_lossy(&f.input))).collect();
        assert!(found.is_empty(), "{}: {found:?}", target.name);
    }
}
