//! A mutation fuzzer that builds on the stable toolchain (issue 20): every target reads real, valid seed inputs
//! (the demo catalogue and its XLSX/CSV exports, the shipped calendar, e-forms with valid values, dossier codes,
//! signed ID tokens), mutated at random from a fixed seed. A panic, or an input slower than a bound, is a finding.
//! Not coverage-guided: cargo-fuzz's sanitizer coverage needs nightly, which cannot be installed here.
//! See docs/fuzzing.md.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

pub mod mutate;
pub mod targets;

use mutate::Rng;

/// A reader of one input: whether it accepted it.
pub type Reader = Box<dyn Fn(&[u8]) -> bool + Send + Sync>;

/// One fuzz target: a reader of untrusted input and the valid inputs it starts from.
pub struct Target {
    /// Short name, used on the command line and as the findings folder.
    pub name: &'static str,
    /// Valid inputs; each must be accepted (`run` returns true), so a format drift shows in the smoke test.
    pub seeds: Vec<Vec<u8>>,
    /// Inputs of the CI smoke test: fewer for the readers that are slow in a debug build, so the test stays short.
    pub smoke_iterations: u64,
    /// Reads one input; returns whether it was accepted. It must never panic, whatever the input.
    pub run: Reader,
}

/// How long to fuzz one target.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Stop after this many inputs.
    pub iterations: Option<u64>,
    /// Stop after this much time.
    pub time: Option<Duration>,
    /// An input slower than this is a finding; `None` in the smoke test, which must not depend on timing.
    pub slow: Option<Duration>,
}

/// Why an input is a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The reader panicked here with this message.
    Panic { location: String, message: String },
    /// The reader took this long.
    Slow(Duration),
}

/// A finding: the first input of each unique problem site.
#[derive(Debug, Clone)]
pub struct Finding {
    pub problem: Problem,
    pub input: Vec<u8>,
}

/// The outcome of fuzzing one target.
#[derive(Debug)]
pub struct Summary {
    pub target: &'static str,
    pub iterations: u64,
    /// Inputs the reader accepted (the seeds and mutants that stayed valid).
    pub accepted: u64,
    /// Seeds the reader refused: always a bug in the harness or a format change.
    pub seeds_rejected: usize,
    /// Unique findings, keyed by panic location (or "slow").
    pub findings: BTreeMap<String, Finding>,
    pub elapsed: Duration,
}

/// What the watchdog sees: the target and input running now and since when.
pub struct Current {
    pub state: Mutex<Option<(&'static str, Instant, Vec<u8>)>>,
}

impl Current {
    /// Nothing running yet.
    pub const fn new() -> Self {
        Self { state: Mutex::new(None) }
    }
}

impl Default for Current {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

/// Replaces the panic hook once: panics are expected findings, recorded rather than printed.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let location =
                info.location().map_or_else(|| "unknown".to_owned(), |l| format!("{}:{}", l.file(), l.line()));
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some((location, message)));
        }));
    });
}

/// Runs one input under `catch_unwind`; the panic, if any.
pub fn run_one(target: &Target, input: &[u8]) -> Result<bool, Problem> {
    quiet_panics();
    match panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input))) {
        Ok(accepted) => Ok(accepted),
        Err(_) => {
            let (location, message) = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
            Err(Problem::Panic { location, message })
        }
    }
}

/// Fuzzes `target`: the seeds first, as they are, then mutants of them, until the budget is spent.
pub fn fuzz(target: &Target, seed: u64, budget: Budget, current: Option<&Current>) -> Summary {
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut summary = Summary {
        target: target.name,
        iterations: 0,
        accepted: 0,
        seeds_rejected: 0,
        findings: BTreeMap::new(),
        elapsed: Duration::ZERO,
    };
    let mut input = Vec::new();
    loop {
        if budget.iterations.is_some_and(|n| summary.iterations >= n)
            || budget.time.is_some_and(|t| started.elapsed() >= t)
        {
            break;
        }
        let i = summary.iterations as usize;
        let is_seed = i < target.seeds.len();
        if is_seed {
            input.clone_from(&target.seeds[i]);
        } else {
            input.clone_from(rng.pick(&target.seeds));
            mutate::mutate(&mut rng, &mut input, &target.seeds);
        }
        if let Some(current) = current {
            *current.state.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((target.name, Instant::now(), input.clone()));
        }
        let one = Instant::now();
        let outcome = run_one(target, &input);
        let took = one.elapsed();
        summary.iterations += 1;
        match outcome {
            Ok(true) => summary.accepted += 1,
            Ok(false) if is_seed => summary.seeds_rejected += 1,
            Ok(false) => {}
            Err(problem) => {
                let key = match &problem {
                    Problem::Panic { location, .. } => location.clone(),
                    Problem::Slow(_) => "slow".to_owned(),
                };
                summary.findings.entry(key).or_insert_with(|| Finding { problem, input: input.clone() });
            }
        }
        if budget.slow.is_some_and(|bound| took > bound) {
            summary
                .findings
                .entry("slow".to_owned())
                .or_insert_with(|| Finding { problem: Problem::Slow(took), input: input.clone() });
        }
    }
    if let Some(current) = current {
        *current.state.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
    summary.elapsed = started.elapsed();
    summary
}

/// A stable name for an input (FNV-1a, 64 bits): the file name of a finding.
pub fn input_hash(input: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in input {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_a_finding_with_its_input_and_a_rejected_seed_is_counted() {
        let target = Target {
            name: "test",
            seeds: vec![b"ab".to_vec(), b"no".to_vec()],
            smoke_iterations: 0,
            run: Box::new(|input| {
                assert!(input.len() <= 4, "too long");
                input != b"no"
            }),
        };
        let summary = fuzz(&target, 1, Budget { iterations: Some(500), time: None, slow: None }, None);
        assert_eq!(summary.iterations, 500);
        assert_eq!(summary.seeds_rejected, 1);
        assert_eq!(summary.findings.len(), 1, "one panic site");
        let finding = summary.findings.values().next().unwrap();
        assert!(finding.input.len() > 4);
        assert!(matches!(&finding.problem, Problem::Panic { message, .. } if message == "too long"));
    }
}
