//! The demo procedure catalogue (`data/demo/catalogue.json`, built by `scripts/catalogue/build_demo.py`) is a valid
//! catalogue of the Đà Nẵng demo organisation: it passes every check of the catalogue, every procedure is usable in
//! the demo, and every value says where it came from.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use motcua_domain::catalogue::check::{self, INTERLINKED_GROUPS};
use motcua_domain::catalogue::{CatalogueFile, FORMAT, Origin};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn raw() -> serde_json::Value {
    serde_json::from_str(&read("data/demo/catalogue.json")).expect("catalogue.json is JSON")
}

fn catalogue() -> CatalogueFile {
    serde_json::from_value(raw()).unwrap_or_else(|e| panic!("catalogue.json is not a catalogue file: {e}"))
}

/// The unit ids of the demo: those of `units.toml` plus the provinces and communes of the reference list, which the
/// demo imports as `p<province_code>` and `c<unit_code>`.
fn known_units() -> HashSet<String> {
    let units: toml::Table = toml::from_str(&read("data/demo/units.toml")).expect("units.toml is TOML");
    let mut known: HashSet<String> = units["unit"]
        .as_array()
        .expect("units.toml has [[unit]] tables")
        .iter()
        .map(|u| u["id"].as_str().expect("every unit has an id").to_owned())
        .collect();
    for line in read("data/reference/don-vi-hanh-chinh-2025.csv").lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        known.insert(format!("p{}", cols[0]));
        known.insert(format!("c{}", cols[3]));
    }
    assert!(known.contains("p48") && known.contains("p48.stp"), "the reference list and units.toml were read");
    known
}

#[test]
fn the_demo_catalogue_passes_every_check() {
    let file = catalogue();
    assert_eq!(file.format, FORMAT);
    let known = known_units();
    let problems = check::catalogue(&file.procedures, &|u| known.contains(u.as_str()));
    let report: Vec<String> =
        problems.iter().map(|(i, p)| format!("{} {}: {}", file.procedures[*i].code, p.path, p.message)).collect();
    assert!(report.is_empty(), "{} problems:\n{}", report.len(), report.join("\n"));
}

#[test]
fn the_demo_has_enough_procedures_essential_services_and_both_interlinked_groups() {
    let file = catalogue();
    assert!(file.procedures.len() >= 40, "only {} procedures", file.procedures.len());
    let essential = file.procedures.iter().filter(|p| p.essential).count();
    assert!(essential >= 8, "only {essential} essential services");
    let groups: BTreeSet<&str> = file.procedures.iter().filter_map(|p| p.interlinked_group.as_deref()).collect();
    for (group, _) in INTERLINKED_GROUPS {
        assert!(groups.contains(group), "no procedure in the interlinked group {group}");
    }
}

#[test]
fn every_procedure_is_usable_in_the_demo() {
    for p in catalogue().procedures {
        assert!(!p.forms.is_empty(), "{}: no form", p.code);
        assert!(!p.workflow.is_empty(), "{}: no workflow", p.code);
        assert!(!p.components.is_empty(), "{}: no component", p.code);
        assert!(p.time.is_some(), "{}: no statutory time", p.code);
        assert!(!p.units.is_empty(), "{}: no implementing unit", p.code);
    }
}

#[test]
fn every_present_field_says_where_it_came_from() {
    let file = catalogue();
    for (p, value) in file.procedures.iter().zip(raw()["procedures"].as_array().expect("procedures")) {
        let present: BTreeSet<&str> = value
            .as_object()
            .expect("a procedure is an object")
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "provenance" | "sources" | "note"))
            .collect();
        let recorded: BTreeSet<&str> = p.provenance.keys().map(String::as_str).collect();
        let missing: Vec<&&str> = present.difference(&recorded).collect();
        let stray: Vec<&&str> = recorded.difference(&present).collect();
        assert!(missing.is_empty(), "{}: no provenance for {missing:?}", p.code);
        assert!(stray.is_empty(), "{}: provenance for absent fields {stray:?}", p.code);
        // What the demo invented is flagged, so that the product shows the "minh họa" badge.
        for field in ["forms", "workflow"] {
            assert_eq!(p.origin_of(field), Origin::Illustrative, "{}: {field} is not marked illustrative", p.code);
        }
    }
}

#[test]
fn the_file_round_trips() {
    let value = raw();
    let file: CatalogueFile = serde_json::from_value(value.clone()).expect("a catalogue file");
    let again = serde_json::to_value(&file).expect("serialises");
    if again != value {
        let procedures = value["procedures"].as_array().expect("procedures");
        let first =
            procedures.iter().zip(again["procedures"].as_array().expect("procedures")).position(|(a, b)| a != b);
        panic!("re-serialising changes the file (first differing procedure: {first:?})");
    }
}
