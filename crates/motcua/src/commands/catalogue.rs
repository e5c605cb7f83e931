//! `motcua import catalogue`, `motcua export catalogue`, `motcua catalogue review`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use motcua_app::catalogue::{self, Parsed, ReviewReport};
use motcua_app::error::FieldError;
use motcua_app::record::Ctx;
use motcua_domain::access::Principal;
use motcua_domain::catalogue::Procedure;

use super::{for_operator, open_app};
use crate::settings::Settings;

/// Reads procedures from a canonical .json file (other formats: see [`read_sheets`]).
fn read(file: &Path) -> anyhow::Result<Parsed> {
    let name = file.display().to_string();
    match file.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {name}"))?;
            Ok(catalogue::parse_json(&name, &text))
        }
        _ => Ok(match read_sheets(file)? {
            Ok(procedures) => Parsed { positions: (0..procedures.len()).collect(), procedures, problems: vec![] },
            Err(problems) => Parsed { problems, ..Parsed::default() },
        }),
    }
}

/// Reads procedures from an .xlsx workbook or a folder of .csv tables.
fn read_sheets(file: &Path) -> anyhow::Result<Result<Vec<Procedure>, Vec<FieldError>>> {
    let name = file.display().to_string();
    let located = |errors: Vec<catalogue::sheet::SheetError>| {
        errors.into_iter().map(|e| FieldError { field: name.clone(), message: e.to_string() }).collect()
    };
    if file.is_dir() {
        let mut tables = Vec::new();
        for entry in std::fs::read_dir(file).with_context(|| format!("cannot read {name}"))? {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) == Some("csv") {
                let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let table = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
                tables.push((table, text));
            }
        }
        tables.sort();
        return Ok(catalogue::sheet::from_csv(&tables).map_err(located));
    }
    match file.extension().and_then(|e| e.to_str()) {
        Some("xlsx") => {
            let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
            Ok(catalogue::sheet::from_xlsx(&bytes).map_err(located))
        }
        _ => bail!("{name}: expected a .json or .xlsx file, or a folder of .csv tables"),
    }
}

fn report_problems(file: &Path, problems: &[FieldError]) -> anyhow::Error {
    let mut err = std::io::stderr().lock();
    for p in problems {
        let _ = writeln!(err, "  {}: {}", p.field, p.message);
    }
    anyhow::anyhow!("{}: {} lỗi; không có dữ liệu nào được ghi (nothing was written)", file.display(), problems.len())
}

/// `motcua import catalogue FILE [--check]`
pub async fn import(settings: &Settings, file: &Path, check_only: bool) -> anyhow::Result<()> {
    let Parsed { procedures, positions, mut problems } = read(file)?;
    let app = open_app(settings, true).await?;
    let name = file.display().to_string();
    // Reading problems and rule problems of the readable procedures are reported together.
    problems.extend(app.check_procedures(&name, &procedures, &positions));
    if !problems.is_empty() {
        app.db().close().await;
        return Err(report_problems(file, &problems));
    }
    if check_only {
        app.db().close().await;
        println!("{name}: {} thủ tục hợp lệ (valid); chưa ghi gì (--check).", procedures.len());
        return Ok(());
    }
    let show_progress = procedures.len() >= 1000;
    let progress = move |done: usize, total: usize| {
        if show_progress {
            eprint!("\rĐang chuẩn bị {done}/{total} thủ tục…");
            if done == total {
                eprintln!();
            }
        }
    };
    let result = app.import_catalogue(&Ctx::system(), &name, procedures, &progress).await;
    app.db().close().await;
    let report = match result {
        Ok(report) => report,
        Err(motcua_app::AppError::Invalid(problems)) => return Err(report_problems(file, &problems)),
        Err(e) => return Err(for_operator(&name)(e)),
    };
    println!(
        "Đã nhập danh mục {name}: {} thủ tục mới, {} cập nhật (phiên bản mới), {} không đổi.",
        report.created, report.updated, report.unchanged
    );
    Ok(())
}

/// `motcua export catalogue [--format json|xlsx|csv] [--out PATH]`
pub async fn export(settings: &Settings, format: &str, out: Option<&Path>) -> anyhow::Result<()> {
    let app = open_app(settings, true).await?;
    let procedures = app.catalogue_documents(false).await.map_err(for_operator("reading the catalogue"))?;
    app.db().close().await;
    match (format, out) {
        ("json", None) => print!("{}", catalogue::to_json(procedures)),
        ("json", Some(path)) => std::fs::write(path, catalogue::to_json(procedures))
            .with_context(|| format!("cannot write {}", path.display()))?,
        ("xlsx", Some(path)) => {
            let bytes = catalogue::sheet::to_xlsx(&procedures).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        }
        ("csv", Some(dir)) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            for (name, text) in catalogue::sheet::to_csv(&procedures) {
                let path = dir.join(name);
                std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        ("xlsx" | "csv", None) => bail!("--format {format} needs --out PATH"),
        (other, _) => bail!("unknown format {other}: expected json, xlsx or csv"),
    }
    Ok(())
}

/// `motcua catalogue review [--json]`
pub async fn review(settings: &Settings, json: bool) -> anyhow::Result<()> {
    let app = open_app(settings, true).await?;
    let report = app.catalogue_review(&Principal::System).await.map_err(for_operator("reviewing the catalogue"))?;
    app.db().close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(())
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The review as plain text for the console.
fn render(report: &ReviewReport) -> String {
    let s = &report.summary;
    let mut out = format!(
        "RÀ SOÁT DANH MỤC THỦ TỤC HÀNH CHÍNH (Chỉ thị 05/CT-TTg)\n\
         {} thủ tục; {} đủ các bộ phận cấu thành; {} thành phần hồ sơ yêu cầu giấy tờ đã bãi bỏ hoặc thừa;\n\
         {} thủ tục có thời hạn chưa ghi đơn vị; {}/{} tờ khai đạt mục tiêu giảm ≥ 20% thông tin phải khai.\n",
        s.procedures, s.complete, s.paper_findings, s.time_unconfirmed, s.forms_meeting_target, s.forms_measured
    );
    for r in report.procedures.iter().filter(|r| r.needs_attention()) {
        out.push_str(&format!("\n{} — {}\n", r.code, r.name));
        for f in &r.papers {
            let key = ReviewReport::decision_key(r.code.as_str(), &f.component, &f.paper);
            let decided = report.decisions.get(&key).map_or("chờ xác nhận", |d| match d.as_str() {
                "confirmed" => "đã xác nhận",
                _ => "đã bác",
            });
            out.push_str(&format!(
                "  [giấy tờ] {}: \"{}\" — {} ({}) [{decided}]\n",
                f.component, f.component_name, f.reason, f.legal_basis
            ));
        }
        if !r.missing_parts.is_empty() {
            let parts: Vec<&str> = r.missing_parts.iter().map(|p| p.label_vi()).collect();
            out.push_str(&format!("  [thiếu bộ phận] {}\n", parts.join("; ")));
        }
        if r.time_unconfirmed {
            out.push_str("  [thời hạn] thời hạn công bố không ghi đơn vị — cần cán bộ xác nhận\n");
        }
        for f in &r.forms {
            match (f.reduction, f.baseline) {
                (Some(red), Some(base)) if f.meets_target != Some(true) => out.push_str(&format!(
                    "  [tờ khai] {} (v{}): giảm {} ({} → {} trường phải nhập) — chưa đạt 20%\n",
                    f.title,
                    f.version,
                    percent(red),
                    base,
                    f.typed_at_l2
                )),
                (None, _) => out.push_str(&format!(
                    "  [tờ khai] {} (v{}): chưa có số trường gốc để tính mức giảm\n",
                    f.title, f.version
                )),
                _ => {}
            }
        }
    }
    out
}
