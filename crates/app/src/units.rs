//! The organisation tree: imports, the demo tree, and public queries.
//!
//! The tree is small (a few thousand units) and read on every access decision, so it
//! lives in memory and is reloaded after each change.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use motcua_domain::access::Action;
use motcua_domain::text::{fold, normalize};
use motcua_domain::unit::{AgencyCode, Unit, UnitId, UnitKind, UnitTree};
use motcua_storage::units;
use serde::Deserialize;

use crate::App;
use crate::error::{AppError, ErrorCode};
use crate::record::{self, Change, Ctx};

/// The first day of the two-level local government (NQ 202/2025/QH15).
pub fn reorganisation_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date")
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Units that did not exist.
    pub created: usize,
    /// Units whose stored fields differed.
    pub updated: usize,
    /// Units already identical.
    pub unchanged: usize,
}

#[derive(Deserialize)]
struct CsvRow {
    province_code: String,
    province_name: String,
    unit_code: String,
    unit_name: String,
    unit_type: String,
}

/// Parses the reference list of provinces and communes (see `data/README.md`).
pub fn parse_reference_csv(csv_text: &str) -> Result<Vec<Unit>, AppError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut provinces: HashMap<String, Unit> = HashMap::new();
    let mut communes = Vec::new();
    for (line, row) in reader.deserialize::<CsvRow>().enumerate() {
        let bad = |msg: String| AppError::detailed(ErrorCode::InvalidInput, format!("Dòng {}: {msg}", line + 2));
        let row = row.map_err(|e| bad(format!("không đọc được ({e})")))?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(&row.province_code) || !digits(&row.unit_code) {
            return Err(bad("mã đơn vị phải là số".into()));
        }
        let kind = match row.unit_type.trim() {
            "xã" => UnitKind::Commune,
            "phường" => UnitKind::Ward,
            "đặc khu" => UnitKind::SpecialZone,
            other => return Err(bad(format!("loại đơn vị không hợp lệ: {other}"))),
        };
        let province_id = id(&format!("p{}", row.province_code))?;
        provinces.entry(row.province_code.clone()).or_insert_with(|| Unit {
            id: province_id.clone(),
            kind: UnitKind::Province,
            name: normalize(&row.province_name),
            parent: None,
            admin_code: Some(row.province_code.clone()),
            agency_code: None,
            agency_code_official: false,
            valid_from: reorganisation_day(),
            valid_to: None,
            successors: Vec::new(),
            note: None,
        });
        communes.push(Unit {
            id: id(&format!("c{}", row.unit_code))?,
            kind,
            name: normalize(&row.unit_name),
            parent: Some(province_id),
            admin_code: Some(row.unit_code),
            agency_code: None,
            agency_code_official: false,
            valid_from: reorganisation_day(),
            valid_to: None,
            successors: Vec::new(),
            note: None,
        });
    }
    let mut all: Vec<Unit> = provinces.into_values().collect();
    all.extend(communes);
    Ok(all)
}

fn id(raw: &str) -> Result<UnitId, AppError> {
    UnitId::parse(raw).map_err(|e| AppError::detailed(ErrorCode::InvalidInput, e.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlUnit {
    id: String,
    kind: String,
    name: String,
    parent: Option<String>,
    admin_code: Option<String>,
    agency_code: Option<String>,
    #[serde(default)]
    agency_code_official: bool,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    #[serde(default)]
    successors: Vec<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    unit: Vec<TomlUnit>,
}

/// Parses a unit file in the format of `data/demo/units.toml`.
pub fn parse_units_toml(text: &str) -> Result<Vec<Unit>, AppError> {
    let file: TomlFile = toml::from_str(text)
        .map_err(|e| AppError::detailed(ErrorCode::InvalidInput, format!("Tệp đơn vị không hợp lệ: {e}")))?;
    file.unit
        .into_iter()
        .map(|u| {
            let invalid =
                |e: motcua_domain::unit::UnitError| AppError::detailed(ErrorCode::InvalidInput, e.to_string());
            Ok(Unit {
                id: UnitId::parse(&u.id).map_err(invalid)?,
                kind: UnitKind::parse(&u.kind).map_err(invalid)?,
                name: normalize(&u.name),
                parent: u.parent.as_deref().map(UnitId::parse).transpose().map_err(invalid)?,
                admin_code: u.admin_code,
                agency_code: u.agency_code.as_deref().map(AgencyCode::parse).transpose().map_err(invalid)?,
                agency_code_official: u.agency_code_official,
                valid_from: u.valid_from,
                valid_to: u.valid_to,
                successors: u.successors.iter().map(|s| UnitId::parse(s)).collect::<Result<_, _>>().map_err(invalid)?,
                note: u.note,
            })
        })
        .collect()
}

/// Orders units so that each comes after its parent and its successors (foreign keys).
fn dependency_order(units: Vec<Unit>) -> Vec<Unit> {
    let index: HashMap<UnitId, usize> = units.iter().enumerate().map(|(i, u)| (u.id.clone(), i)).collect();
    let mut placed = HashSet::new();
    let mut order = Vec::with_capacity(units.len());
    fn visit(
        i: usize,
        units: &[Unit],
        index: &HashMap<UnitId, usize>,
        placed: &mut HashSet<usize>,
        order: &mut Vec<usize>,
    ) {
        if !placed.insert(i) {
            return;
        }
        for dep in units[i].parent.iter().chain(&units[i].successors) {
            if let Some(&j) = index.get(dep) {
                visit(j, units, index, placed, order);
            }
        }
        order.push(i);
    }
    for i in 0..units.len() {
        visit(i, &units, &index, &mut placed, &mut order);
    }
    let mut slots: Vec<Option<Unit>> = units.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

impl App {
    /// Reads the tree from the database into memory.
    pub async fn reload_tree(&self) -> Result<(), AppError> {
        let mut tx = self.db.read().await?;
        let all = units::all(&mut tx).await?;
        tx.commit().await?;
        let tree = UnitTree::new(all).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
        *self.tree.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(tree);
        Ok(())
    }

    /// Creates or updates `incoming` units. The merged tree is validated as a whole
    /// first; then only units that differ are written, each with its event, in one
    /// transaction. Running the same import twice changes nothing.
    pub async fn apply_units(&self, ctx: &Ctx, incoming: Vec<Unit>) -> Result<ImportReport, AppError> {
        let current = self.tree();
        for unit in &incoming {
            let scope = unit.parent.as_ref().unwrap_or(&unit.id);
            if current.get(scope).is_some() {
                self.require(&ctx.principal, Action::ManageUnits, scope)?;
            } else if ctx.principal != motcua_domain::access::Principal::System {
                // A new root or a unit under a new parent: only the system may create provinces.
                return Err(AppError::code(ErrorCode::Forbidden));
            }
        }
        let mut merged: HashMap<UnitId, Unit> = HashMap::new();
        let mut report = ImportReport::default();
        let mut changed = Vec::new();
        for mut unit in incoming {
            // Successor order carries no meaning; a canonical order keeps re-imports idempotent.
            unit.successors.sort();
            unit.successors.dedup();
            match current.get(&unit.id) {
                None => {
                    report.created += 1;
                    changed.push((unit.clone(), "unit.created"));
                }
                Some(existing) if existing == &unit => report.unchanged += 1,
                Some(_) => {
                    report.updated += 1;
                    changed.push((unit.clone(), "unit.updated"));
                }
            }
            merged.insert(unit.id.clone(), unit);
        }
        if changed.is_empty() {
            return Ok(report);
        }
        // Validate the tree as it will be: existing units overlaid with the incoming ones.
        let mut all: HashMap<UnitId, Unit> = current.units().map(|u| (u.id.clone(), u.clone())).collect();
        all.extend(merged);
        let next =
            UnitTree::new(all.into_values()).map_err(|e| AppError::detailed(ErrorCode::InvalidInput, e.to_string()))?;

        let now = self.now();
        let actions: HashMap<UnitId, &'static str> = changed.iter().map(|(u, a)| (u.id.clone(), *a)).collect();
        let ordered = dependency_order(changed.into_iter().map(|(u, _)| u).collect());
        let mut tx = self.db.begin_write().await?;
        for unit in &ordered {
            units::upsert(&mut tx, unit, now).await?;
            let payload =
                serde_json::to_value(unit).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
            record::event(
                &mut tx,
                &next,
                now,
                ctx,
                Change {
                    subject_type: "unit",
                    subject_id: unit.id.to_string(),
                    action: actions[&unit.id],
                    unit: Some(unit.id.clone()),
                    payload,
                },
            )
            .await?;
        }
        tx.commit().await?;
        *self.tree.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(next);
        Ok(report)
    }

    /// Provinces existing on `date`, by name.
    pub fn provinces_on(&self, date: NaiveDate) -> Vec<Unit> {
        let tree = self.tree();
        let mut list: Vec<Unit> =
            tree.units().filter(|u| u.kind == UnitKind::Province && u.is_active_on(date)).cloned().collect();
        sort_by_name(&mut list);
        list
    }

    /// Everything the unit page and API show about one unit.
    pub fn unit_detail(&self, id: &str, today: NaiveDate) -> Result<UnitDetail, AppError> {
        let tree = self.tree();
        let unit_id = UnitId::parse(id).map_err(|_| AppError::not_found(format!("đơn vị {id}")))?;
        let unit = tree.get(&unit_id).ok_or_else(|| AppError::not_found(format!("đơn vị {id}")))?.clone();
        let mut ancestors: Vec<Unit> = tree.ancestors(&unit_id).skip(1).cloned().collect();
        ancestors.reverse();
        let mut children: Vec<Unit> = tree.children(&unit_id).cloned().collect();
        sort_by_name(&mut children);
        let successors = unit.successors.iter().filter_map(|s| tree.get(s)).cloned().collect();
        let current_successors = if unit.is_active_on(today) {
            Vec::new()
        } else {
            tree.successors_on(&unit_id, today).into_iter().cloned().collect()
        };
        let predecessors = tree.predecessors(&unit_id).into_iter().cloned().collect();
        Ok(UnitDetail { unit, ancestors, children, successors, current_successors, predecessors })
    }

    /// Units whose name contains every word of `query`, ignoring diacritics; active
    /// ones first, then the shortest names.
    pub fn search_units(&self, query: &str, today: NaiveDate, limit: usize) -> Vec<Unit> {
        let words: Vec<String> = fold(query).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let tree = self.tree();
        let mut found: Vec<Unit> = tree
            .units()
            .filter(|u| {
                let name = fold(&u.name);
                words.iter().all(|w| name.contains(w.as_str()))
            })
            .cloned()
            .collect();
        // Active units first, then the closest match: the shortest name containing every word.
        found.sort_by_cached_key(|u| {
            let name = fold(&u.name);
            (!u.is_active_on(today), name.len(), name)
        });
        found.truncate(limit);
        found
    }
}

fn sort_by_name(units: &mut [Unit]) {
    units.sort_by_cached_key(|u| (fold(&u.name), u.name.clone()));
}

/// One unit with its surroundings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitDetail {
    /// The unit.
    pub unit: Unit,
    /// From the root down to the parent.
    pub ancestors: Vec<Unit>,
    /// Direct children, by name.
    pub children: Vec<Unit>,
    /// The successors named when it ended.
    pub successors: Vec<Unit>,
    /// The units carrying on its duties today (successors followed transitively).
    pub current_successors: Vec<Unit>,
    /// Units that ended and passed their duties to it.
    pub predecessors: Vec<Unit>,
}

/// The organisation tree on a date as the places an e-form address may name: a province existing that day, and a
/// commune, ward or special zone directly under it.
pub struct PlacesOn<'a> {
    /// The tree.
    pub tree: &'a UnitTree,
    /// The day the places must exist on.
    pub date: NaiveDate,
}

impl<'a> PlacesOn<'a> {
    fn active(&self, id: &str) -> Option<&'a Unit> {
        let id = UnitId::parse(id).ok()?;
        self.tree.get(&id).filter(|u| u.is_active_on(self.date))
    }
}

impl motcua_domain::catalogue::form::Places for PlacesOn<'_> {
    fn is_province(&self, province: &str) -> bool {
        self.active(province).is_some_and(|u| u.kind == UnitKind::Province)
    }

    fn is_commune_of(&self, commune: &str, province: &str) -> bool {
        self.active(commune)
            .is_some_and(|u| u.kind.is_commune_level() && u.parent.as_ref().is_some_and(|p| p.as_str() == province))
    }
}
