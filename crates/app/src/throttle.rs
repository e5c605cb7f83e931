//! Attempt throttles for guesses (passwords, TOTP codes, status-lookup secrets).
//!
//! An attempt is counted *before* it is evaluated, in the same step as the check, so concurrent guesses cannot all
//! pass the check before any failure is recorded. A success gives its count back. Each attempt names several keys
//! (the client's address, the account from that address, the account from anywhere); what a key past its limit does
//! depends on whether a stranger could reach it:
//! - a key only the attacker's own requests touch (its address, an account *from that address*) is refused until
//!   the window ends ([`Past::Refuse`]);
//! - a key anyone can touch (an account, a dossier code) only slows the next attempts down ([`Past::Slow`]), so no
//!   stranger can lock a person out of their own account or dossier (docs/security.md).
//!
//! Memory is bounded: at most the capacity given to [`Throttle::new`] keys (each a bounded string); when full, expired keys go first,
//! then the oldest. Counts live in this process: with several instances behind a proxy each counts its own share,
//! so the effective limit is multiplied by the number of instances — put a global limit at the proxy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

/// What a key past its limit does to the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Past {
    /// Refused until the window that started with the key's first failure ends.
    Refuse,
    /// Evaluated after a delay that doubles with each attempt over the limit, up to [`MAX_DELAY`]; never refused.
    Slow,
}

/// One key an attempt counts against.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The key (bounded by the caller: an address, a normalised username of at most 64 bytes, a dossier code).
    pub key: String,
    /// Attempts allowed in the window before [`Rule::past`] applies.
    pub limit: u32,
    /// What happens past the limit.
    pub past: Past,
    /// Whether a success clears the key (an account's own count) or only gives this attempt back (a client's count,
    /// which an attacker could otherwise reset by logging into an account of their own).
    pub cleared_by_success: bool,
}

impl Rule {
    /// A rule that refuses past `limit`.
    pub fn refuse(key: String, limit: u32, cleared_by_success: bool) -> Self {
        Self { key, limit, past: Past::Refuse, cleared_by_success }
    }

    /// A rule that slows down past `limit`.
    pub fn slow(key: String, limit: u32) -> Self {
        Self { key, limit, past: Past::Slow, cleared_by_success: true }
    }
}

/// The first delay past a [`Past::Slow`] limit; it doubles with each further attempt.
pub const FIRST_DELAY: StdDuration = StdDuration::from_millis(500);
/// The longest delay.
pub const MAX_DELAY: StdDuration = StdDuration::from_secs(8);
/// Keys kept at most (about 200 bytes each).
pub const DEFAULT_CAPACITY: usize = 100_000;

/// An attempt was refused: a [`Past::Refuse`] key is at its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// When the window of the refusing key ends.
    pub until: DateTime<Utc>,
}

/// A counted attempt: settle it with [`Throttle::succeeded`]; dropped unsettled, it stays counted as a failure.
#[derive(Debug)]
#[must_use = "an attempt counts as failed unless settled"]
pub struct Attempt {
    rules: Vec<Rule>,
    /// How long to wait before evaluating it.
    pub delay: StdDuration,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    count: u32,
    since: DateTime<Utc>,
}

/// Failure counts per key within a window.
#[derive(Clone)]
pub struct Throttle {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    window: Duration,
    capacity: usize,
}

impl Throttle {
    /// A throttle whose counts last `window`, keeping at most `capacity` keys.
    pub fn new(window: Duration, capacity: usize) -> Self {
        Self { entries: Arc::default(), window, capacity: capacity.max(1) }
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks every rule and, unless one refuses, counts the attempt against all of them — one step under one lock.
    pub fn attempt(&self, rules: Vec<Rule>, now: DateTime<Utc>) -> Result<Attempt, Refused> {
        let mut entries = self.lock();
        let live = |e: &Entry| now - e.since < self.window;
        for rule in &rules {
            if let Some(e) = entries.get(&rule.key).filter(|e| live(e))
                && rule.past == Past::Refuse
                && e.count >= rule.limit
            {
                return Err(Refused { until: e.since + self.window });
            }
        }
        let mut delay = StdDuration::ZERO;
        for rule in &rules {
            if !entries.contains_key(&rule.key) && entries.len() >= self.capacity {
                self.make_room(&mut entries, now);
            }
            let entry = entries.entry(rule.key.clone()).or_insert(Entry { count: 0, since: now });
            if !live(entry) {
                *entry = Entry { count: 0, since: now };
            }
            entry.count = entry.count.saturating_add(1);
            if rule.past == Past::Slow && entry.count > rule.limit {
                delay = delay.max(slow_delay(entry.count - rule.limit));
            }
        }
        Ok(Attempt { rules, delay })
    }

    /// The attempt succeeded: accounts' keys are cleared, clients' keys get this attempt back.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut entries = self.lock();
        for rule in attempt.rules {
            if rule.cleared_by_success {
                entries.remove(&rule.key);
            } else if let Some(e) = entries.get_mut(&rule.key) {
                e.count = e.count.saturating_sub(1);
            }
        }
    }

    /// The attempt was neither a failure nor a success (a right password that still waits for its second factor):
    /// every key gets it back, none is cleared.
    pub fn gave_back(&self, attempt: Attempt) {
        let mut entries = self.lock();
        for rule in attempt.rules {
            if let Some(e) = entries.get_mut(&rule.key) {
                e.count = e.count.saturating_sub(1);
            }
        }
    }

    /// Frees one place: every expired key, or else the oldest.
    fn make_room(&self, entries: &mut HashMap<String, Entry>, now: DateTime<Utc>) {
        entries.retain(|_, e| now - e.since < self.window);
        if entries.len() >= self.capacity
            && let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.since).map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
    }
}

/// The delay of the `over`-th attempt past a limit (1-based).
fn slow_delay(over: u32) -> StdDuration {
    let doubled = FIRST_DELAY.saturating_mul(1_u32.checked_shl(over.saturating_sub(1)).unwrap_or(u32::MAX));
    doubled.min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
    }

    fn throttle() -> Throttle {
        Throttle::new(Duration::minutes(15), 100)
    }

    #[test]
    fn concurrent_attempts_are_counted_before_they_are_evaluated() {
        let t = throttle();
        // Nobody settles: five attempts in flight use up the key; the sixth is refused before any failed.
        let held: Vec<_> =
            (0..5).map(|_| t.attempt(vec![Rule::refuse("client:a".into(), 5, false)], t0()).unwrap()).collect();
        assert!(t.attempt(vec![Rule::refuse("client:a".into(), 5, false)], t0()).is_err());
        drop(held);
    }

    #[test]
    fn a_refusing_key_refuses_until_its_window_ends_and_counts_nothing_else() {
        let t = throttle();
        let rules = || vec![Rule::refuse("client:a".into(), 2, false), Rule::slow("account:x".into(), 5)];
        let _ = t.attempt(rules(), t0()).unwrap();
        let _ = t.attempt(rules(), t0()).unwrap();
        let refused = t.attempt(rules(), t0() + Duration::minutes(1)).unwrap_err();
        assert_eq!(refused.until, t0() + Duration::minutes(15));
        // The refused attempt did not count against the account.
        let other = t.attempt(vec![Rule::slow("account:x".into(), 2)], t0()).unwrap();
        assert_eq!(other.delay, FIRST_DELAY, "third attempt on the account: first past its limit of 2");
        assert!(t.attempt(rules(), t0() + Duration::minutes(15)).is_ok(), "a new window");
    }

    #[test]
    fn a_slowed_key_is_never_refused_and_its_delay_doubles_up_to_the_cap() {
        let t = throttle();
        let delays: Vec<_> =
            (0..10).map(|_| t.attempt(vec![Rule::slow("account:x".into(), 3)], t0()).unwrap().delay).collect();
        assert_eq!(&delays[..3], &[StdDuration::ZERO; 3]);
        assert_eq!(delays[3], FIRST_DELAY);
        assert_eq!(delays[4], FIRST_DELAY * 2);
        assert_eq!(delays[9], MAX_DELAY);
    }

    #[test]
    fn success_clears_accounts_and_gives_the_client_its_attempt_back() {
        let t = throttle();
        let rules = || vec![Rule::refuse("client:a".into(), 2, false), Rule::refuse("account:x|a".into(), 2, true)];
        let _failed = t.attempt(rules(), t0()).unwrap();
        let ok = t.attempt(rules(), t0()).unwrap();
        t.succeeded(ok);
        // The client still has one failure counted; the account none.
        let _ = t.attempt(rules(), t0()).unwrap();
        assert!(t.attempt(rules(), t0()).is_err(), "client:a at 2");
        assert!(t.attempt(vec![Rule::refuse("account:x|a".into(), 2, true)], t0()).is_ok());
    }

    #[test]
    fn memory_stays_bounded_and_expired_keys_go_first() {
        let t = Throttle::new(Duration::minutes(15), 10);
        for i in 0..5 {
            let _ = t.attempt(vec![Rule::refuse(format!("old:{i}"), 5, false)], t0());
        }
        let later = t0() + Duration::minutes(20);
        for i in 0..1000 {
            let _ = t.attempt(vec![Rule::refuse(format!("new:{i}"), 5, false)], later + Duration::seconds(i));
            assert!(t.len() <= 10);
        }
        // The newest keys are kept.
        let _ = t.attempt(vec![Rule::refuse("new:999".into(), 2, false)], later + Duration::seconds(999)).unwrap();
        assert!(t.attempt(vec![Rule::refuse("new:999".into(), 2, false)], later + Duration::seconds(999)).is_err());
    }
}
