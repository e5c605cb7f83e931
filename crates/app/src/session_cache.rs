//! Sessions authenticated a moment ago, so that a request does not read the session, the account and its grants
//! again before its own work (on SQLite, five statement hand-offs to the driver's thread of every request;
//! BENCHMARKS.md, issue 8).
//!
//! An entry lives [`SESSION_CACHE_TTL`] at most, and never past its session's end. Every change this process makes
//! to sessions or accounts (logout, disabling an account) clears the whole cache *after* its commit, and an answer
//! read from the database before that change is not kept (the generation it was read under is over). A change made
//! by another process (a second server, the command line) is seen within the TTL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// How long an authenticated session is trusted without reading it again.
pub const SESSION_CACHE_TTL: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

/// Entries kept at most; past that the cache starts again empty (a flood of distinct tokens cannot grow it).
const CAPACITY: usize = 10_000;

/// Authenticated sessions by token hash.
#[derive(Clone)]
pub(crate) struct SessionCache<V>(Arc<Mutex<Inner<V>>>);

struct Inner<V> {
    generation: u64,
    entries: HashMap<String, (V, DateTime<Utc>)>,
}

impl<V> Default for SessionCache<V> {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Inner { generation: 0, entries: HashMap::new() })))
    }
}

impl<V: Clone> SessionCache<V> {
    /// The session of `token_hash`: remembered, else `read` from the database (the session and when it ends) and
    /// remembered from now on — unless sessions or accounts changed while it was read.
    pub(crate) async fn get_or_read<E>(
        &self,
        token_hash: String,
        now: DateTime<Utc>,
        read: impl Future<Output = Result<Option<(V, DateTime<Utc>)>, E>>,
    ) -> Result<Option<V>, E> {
        if let Some(value) = self.get(&token_hash, now) {
            return Ok(Some(value));
        }
        // Taken before the read starts (a future does nothing until awaited).
        let generation = self.generation();
        let Some((value, session_ends)) = read.await? else { return Ok(None) };
        self.put(generation, token_hash, value.clone(), now, session_ends);
        Ok(Some(value))
    }

    /// The session of `token_hash`, if authenticated less than the TTL ago and not ended since.
    fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Option<V> {
        let inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        inner.entries.get(token_hash).filter(|(_, until)| now < *until).map(|(value, _)| value.clone())
    }

    /// Call before reading a session from the database; pass the answer to [`SessionCache::put`].
    fn generation(&self) -> u64 {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).generation
    }

    /// Keeps a session read under `generation` until `session_ends` or the TTL, whichever comes first — unless
    /// sessions or accounts changed since that read began.
    fn put(&self, generation: u64, token_hash: String, value: V, now: DateTime<Utc>, session_ends: DateTime<Utc>) {
        let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if inner.generation != generation {
            return;
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.clear();
        }
        inner.entries.insert(token_hash, (value, session_ends.min(now + SESSION_CACHE_TTL)));
    }

    /// Forgets every session; call after the commit of a change to sessions or accounts.
    pub(crate) fn clear(&self) {
        let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        inner.generation += 1;
        inner.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("instant")
    }

    #[test]
    fn an_entry_lives_the_ttl_and_never_past_its_session() {
        let cache = SessionCache::default();
        let g = cache.generation();
        cache.put(g, "long".into(), 1, at(0), at(3_600));
        cache.put(g, "ending".into(), 2, at(0), at(2));
        assert_eq!(cache.get("long", at(4)), Some(1));
        assert_eq!(cache.get("long", at(5)), None, "the TTL is over");
        assert_eq!(cache.get("ending", at(1)), Some(2));
        assert_eq!(cache.get("ending", at(2)), None, "the session itself ended");
        assert_eq!(cache.get("unknown", at(0)), None);
    }

    #[test]
    fn a_change_forgets_every_session_and_refuses_answers_read_before_it() {
        let cache = SessionCache::default();
        let before = cache.generation();
        cache.put(before, "a".into(), 1, at(0), at(3_600));
        cache.clear();
        assert_eq!(cache.get("a", at(1)), None);
        // Read from the database before the change, stored after it: not kept.
        cache.put(before, "b".into(), 2, at(1), at(3_600));
        assert_eq!(cache.get("b", at(1)), None);
        let after = cache.generation();
        cache.put(after, "b".into(), 2, at(1), at(3_600));
        assert_eq!(cache.get("b", at(1)), Some(2));
    }

    #[test]
    fn a_flood_of_tokens_cannot_grow_it_past_its_capacity() {
        let cache = SessionCache::default();
        let g = cache.generation();
        for i in 0..CAPACITY + 5 {
            cache.put(g, format!("t{i}"), i, at(0), at(3_600));
        }
        assert!(cache.0.lock().expect("lock").entries.len() <= CAPACITY);
        assert_eq!(cache.get(&format!("t{}", CAPACITY + 4), at(0)), Some(CAPACITY + 4));
    }
}
