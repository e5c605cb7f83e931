//! `motcua-fuzz [--seconds N] [--iterations N] [--seed N] [--slow-ms N] [--findings DIR] [TARGET…]`: fuzzes each
//! target (all by default), writes each finding's input to `DIR/<target>/<hash>`, prints one summary line per
//! target and exits non-zero if anything was found. `--replay FILE TARGET` runs one saved input again.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use motcua_fuzz::{Budget, Current, Problem, Summary, fuzz, input_hash, targets};

struct Args {
    seconds: Option<u64>,
    iterations: Option<u64>,
    seed: u64,
    slow: Duration,
    findings: PathBuf,
    replay: Option<PathBuf>,
    only: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seconds: None,
        iterations: None,
        seed: 20,
        slow: Duration::from_secs(2),
        findings: "fuzz/findings".into(),
        replay: None,
        only: vec![],
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|e| format!("{v}: {e}"));
        match arg.as_str() {
            "--seconds" => args.seconds = Some(number(value("--seconds")?)?),
            "--iterations" => args.iterations = Some(number(value("--iterations")?)?),
            "--seed" => args.seed = number(value("--seed")?)?,
            "--slow-ms" => args.slow = Duration::from_millis(number(value("--slow-ms")?)?),
            "--findings" => args.findings = value("--findings")?.into(),
            "--replay" => args.replay = Some(value("--replay")?.into()),
            "-h" | "--help" => return Err(
                "usage: motcua-fuzz [--seconds N] [--iterations N] [--seed N] [--slow-ms N] [--findings DIR] [TARGET…]"
                    .into(),
            ),
            name if !name.starts_with('-') => args.only.push(name.to_owned()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if args.seconds.is_none() && args.iterations.is_none() {
        args.seconds = Some(60);
    }
    Ok(args)
}

fn write_finding(dir: &std::path::Path, target: &str, input: &[u8]) -> PathBuf {
    let path = dir.join(target).join(input_hash(input));
    if let Err(e) =
        std::fs::create_dir_all(path.parent().expect("has a parent")).and_then(|()| std::fs::write(&path, input))
    {
        eprintln!("cannot write {}: {e}", path.display());
    }
    path
}

/// A reader that never returns cannot be caught by `catch_unwind`: the watchdog saves its input and stops the run.
fn watchdog(current: Arc<Current>, limit: Duration, findings: PathBuf) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let state = current.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((target, since, input)) = &*state
                && since.elapsed() > limit
            {
                let path = write_finding(&findings, target, input);
                println!("{target}: an input ran for more than {limit:?} (hang); saved to {}", path.display());
                std::process::exit(2);
            }
        }
    });
}

/// Runs one saved input through one target and exits: 0 if it passes, 1 if it still panics.
fn replay(all: &[motcua_fuzz::Target], only: &[String], file: &std::path::Path) -> ! {
    let [name] = only else {
        eprintln!("--replay needs exactly one target");
        std::process::exit(64);
    };
    let target = all.iter().find(|t| t.name == name.as_str()).expect("checked above");
    let input = std::fs::read(file).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", file.display());
        std::process::exit(64);
    });
    let started = std::time::Instant::now();
    match motcua_fuzz::run_one(target, &input) {
        Ok(accepted) => {
            println!("{name}: no panic (accepted: {accepted}) in {:?}", started.elapsed());
            std::process::exit(0)
        }
        Err(problem) => {
            println!("{name}: {problem:?}");
            std::process::exit(1)
        }
    }
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(64);
        }
    };
    let all = targets::all();
    let unknown: Vec<&String> = args.only.iter().filter(|n| !all.iter().any(|t| t.name == n.as_str())).collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = all.iter().map(|t| t.name).collect();
        eprintln!("unknown target(s) {unknown:?}; targets: {}", names.join(", "));
        std::process::exit(64);
    }
    if let Some(file) = &args.replay {
        replay(&all, &args.only, file);
    }
    let current = Arc::new(Current::new());
    watchdog(current.clone(), (args.slow * 10).max(Duration::from_secs(10)), args.findings.clone());
    let budget =
        Budget { iterations: args.iterations, time: args.seconds.map(Duration::from_secs), slow: Some(args.slow) };
    let mut summaries: Vec<Summary> = Vec::new();
    for target in all.iter().filter(|t| args.only.is_empty() || args.only.iter().any(|n| n == t.name)) {
        let summary = fuzz(target, args.seed, budget, Some(&current));
        for finding in summary.findings.values() {
            let path = write_finding(&args.findings, target.name, &finding.input);
            match &finding.problem {
                Problem::Panic { location, message } => {
                    println!("{}: panic at {location}: {message} → {}", target.name, path.display())
                }
                Problem::Slow(took) => println!("{}: slow input ({took:?}) → {}", target.name, path.display()),
            }
        }
        println!(
            "{:<15} iterations {:>10}  accepted {:>8}  seeds rejected {}  unique findings {}  elapsed {:.1} s",
            summary.target,
            summary.iterations,
            summary.accepted,
            summary.seeds_rejected,
            summary.findings.len(),
            summary.elapsed.as_secs_f64()
        );
        summaries.push(summary);
    }
    let bad = summaries.iter().any(|s| !s.findings.is_empty() || s.seeds_rejected > 0);
    std::process::exit(i32::from(bad));
}
