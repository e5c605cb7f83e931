//! `motcua`: one binary for the whole system.

mod commands;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::{Overrides, Settings};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, the same in its v2 and v3 headers).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Gives memory that threads freed back to the system at once. mimalloc's default waits 10 ms per page, and with a
/// pool's worth of threads freeing in turn the server's resident size peaked 30–60 MB above where it settled
/// (BENCHMARKS.md, issue 8). `MIMALLOC_PURGE_DELAY` in the environment still decides when set.
fn purge_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one integer option of the allocator; any value is valid for this option.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    }
}

/// Hệ thống thông tin giải quyết thủ tục hành chính — the public-service portal and
/// electronic one-stop shop of a Vietnamese province, in one binary.
///
/// Settings come from built-in defaults, then a TOML file (--config, or ./motcua.toml),
/// then MOTCUA_SECTION__KEY environment variables (e.g. MOTCUA_DATABASE__URL), then
/// flags. `motcua config` prints the effective settings.
#[derive(Parser, Debug)]
#[command(name = "motcua", version, propagate_version = true)]
struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory for the embedded database and local files (data_dir).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB (database.url).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web server (API and pages) with the job worker and the sweeper.
    Serve {
        /// Address to listen on (server.bind), e.g. 0.0.0.0:8080.
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Apply pending database migrations and show their status.
    Migrate,
    /// Create or open the data directory, load the demo data (idempotent) and serve.
    Demo {
        /// Address to listen on (server.bind).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Load the demo data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Import reference data.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data.
    #[command(subcommand)]
    Export(ExportCommand),
    /// The procedure catalogue: review report and file format.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// The document store: fixity check and orphan cleaning.
    #[command(subcommand)]
    Documents(DocumentsCommand),
    /// The population-database lookup log: verify the chain and signatures, print the signed head.
    #[command(subcommand, name = "lookup-log")]
    LookupLog(LookupLogCommand),
    /// Retention of personal data outside dossiers (the `[retention]` settings).
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Run a reference server of an external party standalone.
    #[command(subcommand)]
    Reference(ReferenceCommand),
    /// Fill the database with synthetic dossiers and their events (benchmarks; loads the demo units and catalogue).
    Generate {
        /// How many dossiers.
        #[arg(long, default_value_t = 10_000)]
        dossiers: u64,
        /// Seed: the same seed on the same database gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Receiving communes are those under these units (comma-separated ids).
        #[arg(long, value_delimiter = ',', default_value = "p48")]
        units: Vec<String>,
        /// Days before today the receptions are spread over.
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Dossiers per transaction.
        #[arg(long, default_value_t = 20_000)]
        batch: usize,
        /// How many communes get a `bench.<commune>` officer for `motcua bench load`.
        #[arg(long, default_value_t = 32)]
        officers: usize,
    },
    /// Load benchmarks over HTTP.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Print the effective settings (passwords redacted).
    Config,
    /// Back up the database (a consistent SQLite snapshot, or pg_dump on PostgreSQL), the document store and the
    /// key files into a new directory, with a MANIFEST of every file's size and SHA-256 (docs/backup.md).
    Backup {
        /// The new (or empty) directory to write.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into the data directory (--data-dir): every file is checked against the MANIFEST first and
    /// a backup that fails its checksums is refused; a non-empty target is refused without --force.
    Restore {
        /// The backup directory.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Only check the backup against its MANIFEST; write nothing.
        #[arg(long)]
        check: bool,
        /// Overwrite an existing database, documents and keys.
        #[arg(long)]
        force: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum LookupLogCommand {
    /// Check every record's hash and link, the signed head and checkpoints; names each altered, removed, inserted
    /// or reordered record and exits non-zero if any.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the signed head as JSON (to publish outside the database).
    Head,
}

#[derive(Subcommand, Debug)]
enum RetentionCommand {
    /// Remove now what the retention settings no longer keep (drafts, expired sessions and logins, expired share
    /// links); dossiers, events, the lookup log and the audit trail are never removed. Recorded as one
    /// `retention.purge` event with the counts and cut-offs.
    Purge {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ReferenceCommand {
    /// The population registry with deterministic synthetic citizens (docs/population-registry-protocol.md).
    Registry {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:22080")]
        bind: String,
        /// Number of citizens (at most 1 000 000).
        #[arg(long, default_value_t = 100_000)]
        size: u64,
        /// Seed: the same seed gives the same people.
        #[arg(long, default_value_t = motcua_reference::registry::DEMO_SEED)]
        seed: u64,
        /// The bearer API key callers must present.
        #[arg(long, env = "MOTCUA_REFERENCE_REGISTRY_API_KEY", default_value = motcua_reference::registry::DEMO_API_KEY)]
        api_key: String,
    },
    /// The VNeID-compatible OpenID Connect provider with the demo citizens (docs/identity.md).
    Idp {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:22081")]
        bind: String,
        /// The issuer (public base URL); default `http://<bound address>`.
        #[arg(long)]
        issuer: Option<String>,
        /// The one registered client's id.
        #[arg(long, default_value = motcua_reference::idp::DEMO_CLIENT_ID)]
        client_id: String,
        /// Its secret.
        #[arg(long, env = "MOTCUA_REFERENCE_IDP_CLIENT_SECRET", default_value = motcua_reference::idp::DEMO_CLIENT_SECRET)]
        client_secret: String,
        /// Its allowed redirect URIs (repeat the flag for several).
        #[arg(long = "redirect-uri", default_value = "http://127.0.0.1:8080/dang-nhap/vneid/callback")]
        redirect_uris: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Run scenarios (submit, online, read, inbox, status, catalogue, lookup, or all) against a running server; prints a Markdown
    /// table of throughput, latency percentiles, errors and the server's peak memory.
    Load {
        /// The server.
        #[arg(long, default_value = "http://127.0.0.1:26080")]
        url: String,
        /// Scenarios (comma-separated).
        #[arg(long, value_delimiter = ',', default_value = "all")]
        scenario: Vec<String>,
        /// Requests in flight.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Seconds per scenario.
        #[arg(long, default_value_t = 10.0)]
        seconds: f64,
        /// Stop a scenario after this many requests.
        #[arg(long)]
        requests: Option<u64>,
        /// The unit whose communes' `bench.*` officers are used.
        #[arg(long, default_value = "p48")]
        root: String,
        /// How many officers to log in.
        #[arg(long, default_value_t = 32)]
        officers: usize,
        /// The server's process id, for its peak resident memory.
        #[arg(long)]
        server_pid: Option<u32>,
        /// The backend's name in the table.
        #[arg(long, default_value = "")]
        backend: String,
        /// Size of the population registry the server asks (`motcua reference registry --size`), for the lookup
        /// scenario's subjects.
        #[arg(long, default_value_t = motcua_reference::registry::DEMO_SIZE)]
        registry_size: u64,
    },
}

#[derive(Subcommand, Debug)]
enum DocumentsCommand {
    /// Re-hash every stored file and report missing or altered ones (non-zero exit if any).
    Fixity {
        /// Also remove stored bytes that no document points at (older than one hour).
        #[arg(long)]
        clean_orphans: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// Import units: a .csv in the format of data/reference/don-vi-hanh-chinh-2025.csv,
    /// or a .toml in the format of data/demo/units.toml. Idempotent.
    Units {
        /// The file to import.
        file: PathBuf,
    },
    /// Import yearly civil-service schedules from a .toml in the format of
    /// data/calendar/schedules.toml (see data/calendar/README.md). Idempotent; each change audited.
    Calendar {
        /// The file to import.
        file: PathBuf,
    },
    /// Import procedures: a .json in the canonical format (docs/catalogue-format.md), an .xlsx workbook, or a
    /// folder of .csv tables. Everything is checked first and nothing is written if anything is wrong;
    /// unchanged procedures are left alone.
    Catalogue {
        /// The file or folder to import.
        file: PathBuf,
        /// Only check the file; write nothing.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// Export the newest version of every procedure.
    Catalogue {
        /// json (canonical), xlsx (one workbook) or csv (a folder of tables).
        #[arg(long, default_value = "json")]
        format: String,
        /// Where to write; standard output for json when omitted.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum CatalogueCommand {
    /// The catalogue review (Directive 05/CT-TTg): abolished papers, declaration reduction, incomplete parts.
    Review {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of the canonical catalogue format.
    Schema,
}

fn main() -> ExitCode {
    purge_freed_memory_at_once();
    let cli = Cli::parse();
    let bind = match &cli.command {
        Command::Serve { bind } | Command::Demo { bind, .. } => bind.clone(),
        _ => None,
    };
    let overrides = Overrides { data_dir: cli.data_dir.clone(), database_url: cli.database_url.clone(), bind };
    let settings = match Settings::load(cli.config.as_deref(), &overrides) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            return ExitCode::from(2);
        }
    };
    commands::init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("motcua: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve { .. } => commands::serve(&settings).await,
            Command::Migrate => commands::migrate(&settings).await,
            Command::Demo { no_serve, .. } => commands::demo(&settings, !no_serve).await,
            Command::Import(ImportCommand::Units { file }) => commands::import_units(&settings, &file).await,
            Command::Import(ImportCommand::Calendar { file }) => commands::import_calendar(&settings, &file).await,
            Command::Import(ImportCommand::Catalogue { file, check }) => {
                commands::catalogue::import(&settings, &file, check).await
            }
            Command::Export(ExportCommand::Catalogue { format, out }) => {
                commands::catalogue::export(&settings, &format, out.as_deref()).await
            }
            Command::Catalogue(CatalogueCommand::Review { json }) => commands::catalogue::review(&settings, json).await,
            Command::Catalogue(CatalogueCommand::Schema) => {
                print!("{}", motcua_app::catalogue::json_schema());
                Ok(())
            }
            Command::Documents(DocumentsCommand::Fixity { clean_orphans, json }) => {
                commands::documents::fixity(&settings, clean_orphans, json).await
            }
            Command::LookupLog(LookupLogCommand::Verify { json }) => {
                commands::lookup_log::verify(&settings, json).await
            }
            Command::LookupLog(LookupLogCommand::Head) => commands::lookup_log::head(&settings).await,
            Command::Retention(RetentionCommand::Purge { json }) => commands::retention::purge(&settings, json).await,
            Command::Reference(ReferenceCommand::Registry { bind, size, seed, api_key }) => {
                commands::reference::registry(&bind, size, seed, &api_key).await
            }
            Command::Reference(ReferenceCommand::Idp { bind, issuer, client_id, client_secret, redirect_uris }) => {
                commands::idp::serve(&bind, issuer.as_deref(), &client_id, &client_secret, redirect_uris).await
            }
            Command::Generate { dossiers, seed, units, days, batch, officers } => {
                let spec = motcua_bench::generate::Spec { dossiers, seed, units, days, batch, officers };
                commands::generate::generate(&settings, spec).await
            }
            Command::Bench(BenchCommand::Load {
                url,
                scenario,
                concurrency,
                seconds,
                requests,
                root,
                officers,
                server_pid,
                backend,
                registry_size,
            }) => {
                let options = motcua_bench::load::Options {
                    base: url,
                    concurrency,
                    duration: std::time::Duration::from_secs_f64(seconds),
                    max_requests: requests,
                    root,
                    officers,
                    server_pid,
                    registry_size,
                    ..motcua_bench::load::Options::default()
                };
                commands::generate::load(options, &scenario, &backend).await
            }
            Command::Backup { out, json } => commands::backup::backup(&settings, &out, json).await,
            Command::Restore { from, check, force, json } => {
                commands::backup::restore(&settings, &from, check, force, json).await
            }
            Command::Config => {
                print!("{}", settings.to_redacted_toml()?);
                for note in commands::secrets::config_notes(&settings) {
                    println!("# {note}");
                }
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            ExitCode::FAILURE
        }
    }
}
