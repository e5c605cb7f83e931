//! Persistence: one API over SQLite (the embedded default) and PostgreSQL.
//!
//! Every statement is written once with sea-query and rendered for the backend in use
//! (see [`db`]). All writes of the request path go through the group-commit writer
//! ([`write`]), so concurrent requests share one durable commit while each stays
//! isolated in its own savepoint. Only this crate contains SQL.

pub mod backup;
pub mod bulk;
pub mod calendar;
pub mod catalogue;
pub mod citizens;
pub mod db;
pub mod documents;
pub mod dossier_work;
pub mod dossiers;
pub mod drafts;
pub mod error;
pub mod events;
pub mod jobs;
pub mod lookup_log;
pub mod office_hours;
pub mod officers;
pub mod representations;
pub mod sessions;
pub mod settings;
pub mod totp;
pub mod units;
pub mod write;

pub use db::{Backend, Db, DbOptions, Tx};
pub use error::StorageError;
/// JSON column wrapper used by row types.
pub use sqlx::types::Json;
pub use write::WriteStats;
