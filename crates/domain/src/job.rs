//! Retry policy of background jobs.
//!
//! A job that fails is retried with exponential backoff so that an external system
//! that is down is not hammered, and gives up after a bounded number of attempts so
//! that an administrator sees it instead of it retrying forever.

use chrono::Duration;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Run again after this delay.
    RetryIn(Duration),
    /// Stop: the job is marked failed for an administrator to look at.
    GiveUp,
}

/// Decides the fate of a job whose attempt number `attempt` (1-based) just failed.
///
/// Delays double from 10 s and are capped at one hour: 10 s, 20 s, 40 s, … 3 600 s.
pub fn after_failure(attempt: i64, max_attempts: i64) -> AfterFailure {
    if attempt >= max_attempts {
        return AfterFailure::GiveUp;
    }
    let exponent = attempt.clamp(1, 20) - 1;
    let seconds = (10_i64 << exponent).min(3_600);
    AfterFailure::RetryIn(Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_doubles_then_caps() {
        assert_eq!(after_failure(1, 10), AfterFailure::RetryIn(Duration::seconds(10)));
        assert_eq!(after_failure(2, 10), AfterFailure::RetryIn(Duration::seconds(20)));
        assert_eq!(after_failure(3, 10), AfterFailure::RetryIn(Duration::seconds(40)));
        assert_eq!(after_failure(9, 50), AfterFailure::RetryIn(Duration::seconds(2_560)));
        assert_eq!(after_failure(10, 50), AfterFailure::RetryIn(Duration::seconds(3_600)));
        assert_eq!(after_failure(10, 10), AfterFailure::GiveUp);
    }

    proptest! {
        #[test]
        fn delays_never_shrink_and_stay_bounded(attempt in 1_i64..200, max in 1_i64..300) {
            match (after_failure(attempt, max), after_failure(attempt + 1, max)) {
                (AfterFailure::RetryIn(a), AfterFailure::RetryIn(b)) => {
                    prop_assert!(a <= b);
                    prop_assert!(b <= Duration::hours(1));
                }
                (AfterFailure::GiveUp, next) => prop_assert_eq!(next, AfterFailure::GiveUp),
                _ => {}
            }
        }
    }
}
