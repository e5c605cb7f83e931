//! Officers' passwords: argon2id (OWASP minimum parameters), run off the async workers.
//!
//! A hash costs tens of milliseconds of CPU. On the request runtime a flood of logins stalled every other request
//! (unrelated pages went from 1 ms to 190 ms at 70 logins a second), so hashing runs on the blocking pool, at most
//! one per core at a time, with a bounded queue: past it a login gets `503 unavailable` at once instead of piling up.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use tokio::sync::Semaphore;

use crate::error::{AppError, ErrorCode};

/// The longest password accepted, in bytes: argon2 reads all of it, and no person types more.
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Hashes waiting for a core, per core, before new ones are refused.
const QUEUED_PER_CORE: usize = 16;

/// Hashes a password with argon2id and a random salt (PHC string). Blocking: see [`Hashing`].
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::detailed(ErrorCode::Internal, format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A real argon2id hash of a throwaway password, so that an unknown username costs the same verification time as a
/// known one.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("motcua-timing-equaliser").unwrap_or_default())
}

/// The bounded pool password work runs on.
#[derive(Clone)]
pub struct Hashing {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl Default for Hashing {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, cores * QUEUED_PER_CORE)
    }
}

impl Hashing {
    /// At most `parallel` hashes at once and `queued` waiting.
    pub fn new(parallel: usize, queued: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(parallel.max(1))),
            admitted: Arc::new(Semaphore::new(parallel.max(1) + queued)),
        }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let busy = || AppError::detailed(ErrorCode::Unavailable, "password hashing queue full");
        let _admitted = self.admitted.clone().try_acquire_owned().map_err(|_| busy())?;
        let _running = self.running.clone().acquire_owned().await.map_err(|_| busy())?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::detailed(ErrorCode::Internal, format!("password hashing task: {e}")))
    }

    /// A new hash of `password`.
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || hash_password(&password)).await?
    }

    /// Whether `password` matches the stored hash; with no stored hash (an unknown user) it spends the same time and
    /// says no. Passwords longer than [`MAX_PASSWORD_BYTES`] never match.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool, AppError> {
        let long = password.len() > MAX_PASSWORD_BYTES;
        let password = if long { String::new() } else { password.to_owned() };
        let phc = phc.map(str::to_owned);
        let matched = self
            .run(move || match phc {
                Some(phc) => verify_password(&password, &phc),
                None => {
                    let _ = verify_password(&password, dummy_hash());
                    false
                }
            })
            .await?;
        Ok(matched && !long)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_overlong_passwords_never_match() {
        let hashing = Hashing::new(1, 1);
        let phc = hashing.hash("mat-khau-dai-du").await.unwrap();
        assert!(hashing.verify("mat-khau-dai-du", Some(&phc)).await.unwrap());
        assert!(!hashing.verify("sai", Some(&phc)).await.unwrap());
        assert!(!hashing.verify("mat-khau-dai-du", None).await.unwrap());
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        let phc_long = hash_password(&long).unwrap();
        assert!(!hashing.verify(&long, Some(&phc_long)).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once() {
        let hashing = Hashing::new(1, 0);
        // Hold the only place with a slow verification, then ask again: refused, not queued.
        let held = hashing.clone();
        let phc = hash_password("mot-mat-khau").unwrap();
        let first = tokio::spawn(async move { held.verify("mot-mat-khau", Some(&phc)).await });
        while hashing.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let refused = hashing.verify("khac", None).await.unwrap_err();
        assert_eq!(refused.error_code(), ErrorCode::Unavailable);
        assert!(first.await.unwrap().unwrap());
    }
}
