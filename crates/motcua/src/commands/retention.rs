//! `motcua retention …`: the retention purge of personal data outside dossiers (docs/identity.md, "Retention").

use motcua_app::record::Ctx;
use motcua_app::retention::Purged;
use motcua_domain::time::to_local;

use crate::commands::{for_operator, open_app};
use crate::settings::Settings;

/// `motcua retention purge [--json]`: runs the purge now with the `[retention]` settings, whatever the schedule;
/// the run is recorded as one `retention.purge` event.
pub async fn purge(settings: &Settings, json: bool) -> anyhow::Result<()> {
    let app = open_app(settings, true).await?;
    let report = app
        .purge_retention(&Ctx::system(), &settings.retention.policy())
        .await
        .map_err(for_operator("retention purge"))?;
    app.db().close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let line = |name: &str, p: Purged| {
        println!("  {name:<44} {:>8}   (trước {})", p.removed, to_local(p.cutoff).format("%d/%m/%Y %H:%M"));
    };
    println!("Đã xóa theo thời hạn lưu trữ (retention purge):");
    line("Bản nháp hồ sơ (drafts)", report.drafts);
    line("Phiên cán bộ hết hạn (officer sessions)", report.officer_sessions);
    line("Thử thách đăng nhập 2 lớp (login challenges)", report.officer_login_challenges);
    line("Phiên công dân hết hạn (citizen sessions)", report.citizen_sessions);
    line("Đăng nhập dở dang (citizen logins)", report.citizen_logins);
    line("Liên kết chia sẻ hết hạn (share links)", report.share_links);
    line("Hồ sơ công dân lâu không đăng nhập (citizen profiles)", report.citizen_profiles);
    println!("Tổng cộng (total): {}", report.total());
    Ok(())
}
