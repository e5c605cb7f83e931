//! `motcua documents …`: the fixity check of the document store.

use crate::commands::{for_operator, open_app};
use crate::settings::Settings;

/// `motcua documents fixity [--clean-orphans]`: re-hashes every stored content; fails (non-zero exit) when any is
/// missing or altered. With `--clean-orphans`, removes bytes that no metadata points at (older than the grace
/// period, so uploads in progress are left alone).
pub async fn fixity(settings: &Settings, clean_orphans: bool, json: bool) -> anyhow::Result<()> {
    let app = open_app(settings, true).await?;
    let report = app.check_fixity(clean_orphans).await.map_err(for_operator("checking the document store"))?;
    app.db().close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("Đã kiểm tra {} nội dung lưu trữ.", report.checked);
        for sha in &report.missing {
            println!("  MẤT (missing):        {sha}");
        }
        for sha in &report.altered {
            println!("  BỊ THAY ĐỔI (altered): {sha}");
        }
        let verb = if clean_orphans { "đã xóa (removed)" } else { "chưa xóa, dùng --clean-orphans (kept)" };
        for key in &report.orphans {
            println!("  Mồ côi (orphan), {verb}: {key}");
        }
    }
    if report.is_intact() {
        Ok(())
    } else {
        anyhow::bail!(
            "{} missing and {} altered object(s) in the document store",
            report.missing.len(),
            report.altered.len()
        )
    }
}
