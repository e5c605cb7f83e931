//! Retention (Personal Data Protection Law 2025): personal data held outside dossiers is removed once it has served
//! its purpose. The purge removes citizens' online drafts not saved for a while, sessions and logins under way some
//! days after they expired, expired document share links, and the profiles of citizens who have not logged in for
//! a long time (`citizens`: name, birth date, level of the last login). It never touches dossiers, their documents and
//! notices, events, the lookup log or the audit trail: those are archive records with their own legal periods.
//!
//! Each run — from the sweeper when due, or `motcua retention purge` — is one transaction that writes exactly one
//! `retention.purge` event (subject `retention`/`purge`) with the count removed and the cut-off instant per
//! category, also when nothing was removed: the trail then shows the purge ran. The newest such event also tells the
//! sweeper when the next run is due, so the schedule survives restarts and is shared by several instances.

use chrono::{DateTime, Duration, Utc};
use motcua_storage::{citizens, documents, drafts, events, sessions, totp};
use serde::Serialize;

use crate::App;
use crate::error::AppError;
use crate::record::{self, Change, Ctx};

/// The event's subject type and id: every run is an event about the one `retention/purge` record.
pub const SUBJECT: (&str, &str) = ("retention", "purge");

/// How long each kind of personal data is kept (the `[retention]` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Drafts not saved for this long are removed.
    pub drafts: Duration,
    /// Officer and citizen sessions, citizens' logins under way and officers' second-factor challenges are removed
    /// this long after they expired.
    pub expired_sessions: Duration,
    /// Document share links are removed this long after they expired.
    pub expired_share_links: Duration,
    /// Citizen profiles (`citizens`) whose last login is older than this, and that hold no session, are removed.
    pub citizen_profiles: Duration,
    /// How often the sweeper runs the purge; none: only by command.
    pub every: Option<Duration>,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            drafts: Duration::days(30),
            expired_sessions: Duration::days(7),
            expired_share_links: Duration::days(30),
            citizen_profiles: Duration::days(DEFAULT_CITIZEN_PROFILES_DAYS),
            every: Some(Duration::hours(24)),
        }
    }
}

/// The default of `[retention] citizen_profiles_days`: two years without a login (docs/identity.md, "Retention").
pub const DEFAULT_CITIZEN_PROFILES_DAYS: i64 = 730;

/// What one category lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Rows removed.
    pub removed: u64,
    /// Rows last saved (drafts) or expired (the others) strictly before this instant were removed.
    pub cutoff: DateTime<Utc>,
}

/// What one run removed, per category; also the payload of its `retention.purge` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// When it ran.
    pub ran_at: DateTime<Utc>,
    /// Citizens' online drafts.
    pub drafts: Purged,
    /// Officers' sessions.
    pub officer_sessions: Purged,
    /// Officers' second-factor login challenges.
    pub officer_login_challenges: Purged,
    /// Citizens' sessions.
    pub citizen_sessions: Purged,
    /// Citizens' logins under way.
    pub citizen_logins: Purged,
    /// Document share links.
    pub share_links: Purged,
    /// Profiles of citizens who last logged in before the cut-off.
    pub citizen_profiles: Purged,
}

impl PurgeReport {
    /// Rows removed in all.
    pub fn total(&self) -> u64 {
        [
            self.drafts,
            self.officer_sessions,
            self.officer_login_challenges,
            self.citizen_sessions,
            self.citizen_logins,
            self.share_links,
            self.citizen_profiles,
        ]
        .iter()
        .map(|p| p.removed)
        .sum()
    }
}

impl App {
    /// Runs the retention purge now and records it as one `retention.purge` event.
    pub async fn purge_retention(&self, ctx: &Ctx, policy: &RetentionPolicy) -> Result<PurgeReport, AppError> {
        let now = self.now();
        let (drafts_cut, sessions_cut, shares_cut) =
            (now - policy.drafts, now - policy.expired_sessions, now - policy.expired_share_links);
        let profiles_cut = now - policy.citizen_profiles;
        let tree = self.tree();
        let mut tx = self.db().begin_write().await?;
        let purged = |removed, cutoff| Purged { removed, cutoff };
        let report = PurgeReport {
            ran_at: now,
            drafts: purged(drafts::delete_updated_before(&mut tx, drafts_cut).await?, drafts_cut),
            officer_sessions: purged(sessions::delete_expired_before(&mut tx, sessions_cut).await?, sessions_cut),
            officer_login_challenges: purged(
                totp::delete_challenges_expired_before(&mut tx, sessions_cut).await?,
                sessions_cut,
            ),
            citizen_sessions: purged(
                citizens::delete_sessions_expired_before(&mut tx, sessions_cut).await?,
                sessions_cut,
            ),
            citizen_logins: purged(citizens::delete_logins_expired_before(&mut tx, sessions_cut).await?, sessions_cut),
            share_links: purged(documents::purge_shares(&mut tx, shares_cut).await?, shares_cut),
            // After the sessions: a profile that still holds a session (live, or expired within the grace) stays.
            citizen_profiles: purged(citizens::delete_inactive_before(&mut tx, profiles_cut).await?, profiles_cut),
        };
        let mut payload =
            serde_json::to_value(report).map_err(|e| AppError::detailed(crate::ErrorCode::Internal, e.to_string()))?;
        if let Some(map) = payload.as_object_mut() {
            map.remove("ran_at");
            map.insert("total".into(), report.total().into());
            map.insert(
                "policy_days".into(),
                serde_json::json!({
                    "drafts": policy.drafts.num_days(),
                    "expired_sessions": policy.expired_sessions.num_days(),
                    "expired_share_links": policy.expired_share_links.num_days(),
                    "citizen_profiles": policy.citizen_profiles.num_days(),
                }),
            );
        }
        record::event(
            &mut tx,
            &tree,
            now,
            ctx,
            Change {
                subject_type: SUBJECT.0,
                subject_id: SUBJECT.1.into(),
                action: "retention.purge",
                unit: None,
                payload,
            },
        )
        .await?;
        tx.commit().await?;
        metrics::counter!("motcua_retention_purged_total").increment(report.total());
        Ok(report)
    }

    /// Runs the purge if the policy schedules it and the newest `retention.purge` event is at least
    /// [`RetentionPolicy::every`] old (or there is none); returns the report of the run, if any.
    pub async fn purge_retention_if_due(&self, policy: &RetentionPolicy) -> Result<Option<PurgeReport>, AppError> {
        let Some(every) = policy.every else { return Ok(None) };
        let mut tx = self.db().read().await?;
        let last = events::latest_of_subject(&mut tx, SUBJECT.0, SUBJECT.1).await?;
        tx.commit().await?;
        if last.is_some_and(|at| self.now() - at < every) {
            return Ok(None);
        }
        self.purge_retention(&Ctx::system(), policy).await.map(Some)
    }
}
