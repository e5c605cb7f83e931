//! The communes of the 2025 two-level unit tree (data/reference/don-vi-hanh-chinh-2025.csv), where people live.

use std::sync::LazyLock;

const CSV: &str = include_str!("../../../../data/reference/don-vi-hanh-chinh-2025.csv");

/// A commune-level unit of the 2025 tree.
#[derive(Debug)]
pub(crate) struct Commune {
    pub(crate) province_code: u16,
    pub(crate) province_name: &'static str,
    pub(crate) code: u32,
    pub(crate) name: &'static str,
    kind: &'static str,
}

impl Commune {
    /// Wards have streets; communes have villages.
    pub(crate) fn is_urban(&self) -> bool {
        self.kind == "phường"
    }
}

static COMMUNES: LazyLock<Vec<Commune>> = LazyLock::new(|| {
    CSV.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&'static str> = line.split(',').collect();
            let [province, province_name, _, code, name, kind] = cols[..] else { return None };
            Some(Commune { province_code: province.parse().ok()?, province_name, code: code.parse().ok()?, name, kind })
        })
        .collect()
});

static HOME: LazyLock<Vec<&'static Commune>> =
    LazyLock::new(|| COMMUNES.iter().filter(|c| c.province_code == HOME_PROVINCE).collect());

/// Đà Nẵng in the 2025 table.
const HOME_PROVINCE: u16 = 48;

/// A commune: nine people in ten live in Đà Nẵng, the rest anywhere.
pub(crate) fn pick(draw: u64, which: u64) -> &'static Commune {
    let all = &*COMMUNES;
    let home = &*HOME;
    if draw % 10 < 9 && !home.is_empty() {
        return home[(which % home.len() as u64) as usize];
    }
    &all[(which % all.len() as u64) as usize]
}
