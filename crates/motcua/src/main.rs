//! `motcua`: one binary for the whole system.

mod commands;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::{Overrides, Settings};

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
    /// Print the effective settings (passwords redacted).
    Config,
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
            Command::Config => {
                print!("{}", settings.to_redacted_toml()?);
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
