//! The auditor's view of the lookup log: counts per account and unit over a period, the records behind them, and
//! their export as CSV or XLSX.

use chrono::NaiveDate;
use motcua_domain::access::{Action, Principal};
use motcua_domain::calendar::working_time::day_start;
use motcua_domain::time::to_local;
use motcua_domain::unit::UnitId;
use motcua_storage::lookup_log::{self, Filter};
use serde::Serialize;

use super::LookupView;
use crate::{App, AppError, ErrorCode};

/// What an auditor asks for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReportQuery {
    /// A unit and its subtree (default: the auditor's province, including lookups for citizens).
    #[serde(default)]
    pub unit: Option<String>,
    /// One account (officer id or ID number).
    #[serde(default)]
    pub actor: Option<String>,
    /// First day (local, inclusive).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day (local, inclusive).
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// Lookups of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountView {
    /// `officer`, `citizen` or `system`.
    pub actor_kind: String,
    /// The account.
    pub actor_id: Option<String>,
    /// Its unit.
    pub unit_id: Option<String>,
    /// The unit's name.
    pub unit_name: String,
    /// How many.
    pub lookups: i64,
}

/// Counts and records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupReport {
    /// Per account and unit, largest first.
    pub counts: Vec<CountView>,
    /// Per unit.
    pub per_unit: Vec<(String, i64)>,
    /// Total lookups.
    pub total: i64,
    /// The records (newest first, at most [`RECORD_LIMIT`]).
    pub records: Vec<LookupView>,
}

/// Records shown or exported at once.
pub const RECORD_LIMIT: u64 = 10_000;

impl App {
    fn report_filter(&self, principal: &Principal, query: &ReportQuery) -> Result<Filter, AppError> {
        let tree = self.tree();
        let mut filter = Filter {
            actor_id: query.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
            from: query.from.map(day_start),
            until: query.to.and_then(|d| d.succ_opt()).map(day_start),
            ..Filter::default()
        };
        match query.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => {
                let unit = UnitId::parse(raw).map_err(|_| AppError::not_found(format!("đơn vị {raw}")))?;
                self.require(principal, Action::ViewLookupLog, &unit)?;
                let units = tree.units().filter(|u| tree.is_within(&u.id, &unit)).map(|u| u.id.to_string()).collect();
                filter.units = Some(units);
            }
            None => {
                // The whole province: its units, and the lookups made for citizens (they have no unit).
                self.require_in_home_province(principal, Action::ViewLookupLog)?;
                let Principal::Officer { unit, .. } = principal else { return Ok(filter) };
                let province = tree
                    .province_of(unit)
                    .map(|p| p.id.clone())
                    .ok_or_else(|| AppError::detailed(ErrorCode::Forbidden, "Tài khoản không thuộc tỉnh nào."))?;
                filter.units =
                    Some(tree.units().filter(|u| tree.is_within(&u.id, &province)).map(|u| u.id.to_string()).collect());
                filter.include_citizens = true;
            }
        }
        Ok(filter)
    }

    /// Counts of lookups per account and unit in a period, with the records behind them (auditors, province
    /// administrators, within their reach).
    pub async fn lookup_report(&self, principal: &Principal, query: &ReportQuery) -> Result<LookupReport, AppError> {
        let filter = self.report_filter(principal, query)?;
        let mut tx = self.db().read().await?;
        let counts = lookup_log::counts(&mut tx, &filter).await?;
        let rows = lookup_log::search(&mut tx, &filter, RECORD_LIMIT).await?;
        tx.commit().await?;
        let tree = self.tree();
        let unit_name = |u: &Option<String>| match u {
            Some(id) => {
                UnitId::parse(id).ok().and_then(|i| tree.get(&i).map(|u| u.name.clone())).unwrap_or_else(|| id.clone())
            }
            None => "Cổng dịch vụ công (cho chính công dân)".into(),
        };
        let mut per_unit: Vec<(String, i64)> = Vec::new();
        for c in &counts {
            let name = unit_name(&c.actor_unit_id);
            match per_unit.iter_mut().find(|(n, _)| *n == name) {
                Some((_, n)) => *n += c.lookups,
                None => per_unit.push((name, c.lookups)),
            }
        }
        per_unit.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(LookupReport {
            total: counts.iter().map(|c| c.lookups).sum(),
            counts: counts
                .into_iter()
                .map(|c| CountView {
                    unit_name: unit_name(&c.actor_unit_id),
                    actor_kind: c.actor_kind,
                    actor_id: c.actor_id,
                    unit_id: c.actor_unit_id,
                    lookups: c.lookups,
                })
                .collect(),
            per_unit,
            records: rows.into_iter().map(|r| self.lookup_view(r)).collect(),
        })
    }

    /// The records of [`App::lookup_report`] as CSV (UTF-8 with BOM, for spreadsheet programs).
    pub async fn lookup_report_csv(&self, principal: &Principal, query: &ReportQuery) -> Result<String, AppError> {
        let report = self.lookup_report(principal, query).await?;
        let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        let internal = |e: csv::Error| AppError::detailed(ErrorCode::Internal, e.to_string());
        out.write_record(HEADERS).map_err(internal)?;
        for r in &report.records {
            out.write_record(row(r)).map_err(internal)?;
        }
        let bytes = out.into_inner().map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))
    }

    /// The counts and records of [`App::lookup_report`] as an XLSX workbook (two sheets).
    pub async fn lookup_report_xlsx(&self, principal: &Principal, query: &ReportQuery) -> Result<Vec<u8>, AppError> {
        let report = self.lookup_report(principal, query).await?;
        xlsx(&report).map_err(|e| AppError::detailed(ErrorCode::Internal, e.to_string()))
    }
}

const HEADERS: [&str; 13] = [
    "STT trong chuỗi",
    "Thời điểm (UTC+7)",
    "Người tra cứu",
    "Tài khoản",
    "Đơn vị",
    "Mục đích",
    "Mã hồ sơ",
    "Mã thủ tục",
    "Số định danh được tra cứu",
    "Trường yêu cầu",
    "Trường trả về",
    "Kết quả",
    "Mã yêu cầu",
];

fn row(r: &LookupView) -> [String; 13] {
    [
        r.seq.to_string(),
        to_local(r.occurred_at).format("%d/%m/%Y %H:%M:%S").to_string(),
        match r.actor_kind.as_str() {
            "officer" => "Cán bộ".into(),
            "citizen" => "Chính công dân".into(),
            _ => "Hệ thống (cho công dân)".into(),
        },
        r.actor_id.clone().unwrap_or_default(),
        r.unit_name.clone(),
        r.purpose.clone(),
        r.dossier_code.clone().unwrap_or_default(),
        r.procedure_code.clone().unwrap_or_default(),
        r.subject_id_number.clone(),
        r.fields_requested.join("; "),
        r.fields_returned.join("; "),
        r.result.clone(),
        r.request_id.clone().unwrap_or_default(),
    ]
}

fn xlsx(report: &LookupReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Thống kê")?;
    for (c, h) in ["Tài khoản", "Người tra cứu", "Đơn vị", "Số lượt tra cứu"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, c) in report.counts.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, c.actor_id.clone().unwrap_or_default())?;
        sheet.write_string(r, 1, &c.actor_kind)?;
        sheet.write_string(r, 2, &c.unit_name)?;
        sheet.write_number(r, 3, c.lookups as f64)?;
    }
    let total_row = report.counts.len() as u32 + 1;
    sheet.write_string_with_format(total_row, 2, "Tổng cộng", &bold)?;
    sheet.write_number_with_format(total_row, 3, report.total as f64, &bold)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name("Chi tiết")?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, r) in report.records.iter().enumerate() {
        for (c, value) in row(r).iter().enumerate() {
            sheet.write_string(i as u32 + 1, c as u16, value)?;
        }
    }
    workbook.save_to_buffer()
}
