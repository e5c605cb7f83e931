//! A circuit breaker: after `threshold` consecutive failures the registry is not called for `cooldown`; then one
//! probe is let through (half-open) and its outcome closes or reopens the circuit. Time is passed in.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

/// The breaker's state machine.
#[derive(Debug, Clone)]
pub struct Breaker {
    threshold: u32,
    cooldown: Duration,
    state: State,
}

impl Breaker {
    /// Opens after `threshold` consecutive failures, for `cooldown`.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self { threshold: threshold.max(1), cooldown, state: State::Closed { failures: 0 } }
    }

    /// Whether a call may go out now; in the open state after the cooldown, this lets exactly one probe through.
    pub fn allow(&mut self, now: Instant) -> bool {
        match self.state {
            State::Closed { .. } => true,
            State::Open { until } if now >= until => {
                self.state = State::HalfOpen;
                true
            }
            State::Open { .. } | State::HalfOpen => false,
        }
    }

    /// A call succeeded (an answer, found or not).
    pub fn success(&mut self) {
        self.state = State::Closed { failures: 0 };
    }

    /// A call failed (unreachable, timed out, 5xx).
    pub fn failure(&mut self, now: Instant) {
        self.state = match self.state {
            State::Closed { failures } if failures + 1 < self.threshold => State::Closed { failures: failures + 1 },
            _ => State::Open { until: now + self.cooldown },
        };
    }

    /// Whether calls are being refused.
    pub fn is_open(&self) -> bool {
        !matches!(self.state, State::Closed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_and_probes_once_after_the_cooldown() {
        let t0 = Instant::now();
        let mut b = Breaker::new(3, Duration::from_secs(10));
        for _ in 0..2 {
            assert!(b.allow(t0));
            b.failure(t0);
        }
        assert!(!b.is_open());
        b.failure(t0);
        assert!(b.is_open());
        assert!(!b.allow(t0 + Duration::from_secs(9)));
        // Half-open: one probe, not two.
        assert!(b.allow(t0 + Duration::from_secs(10)));
        assert!(!b.allow(t0 + Duration::from_secs(10)));
        b.failure(t0 + Duration::from_secs(10));
        assert!(!b.allow(t0 + Duration::from_secs(19)));
        assert!(b.allow(t0 + Duration::from_secs(20)));
        b.success();
        assert!(!b.is_open());
        assert!(b.allow(t0 + Duration::from_secs(20)));
    }

    #[test]
    fn a_success_resets_the_count() {
        let t0 = Instant::now();
        let mut b = Breaker::new(2, Duration::from_secs(1));
        b.failure(t0);
        b.success();
        b.failure(t0);
        assert!(!b.is_open());
    }
}
