//! Database errors, classified once.

/// What went wrong in storage, in terms callers can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the row; `what` names the constraint or column.
    #[error("duplicate value ({what})")]
    Duplicate {
        /// Constraint name (PostgreSQL) or `table.column` (SQLite).
        what: String,
    },
    /// A foreign key points to a missing row.
    #[error("reference to a missing row")]
    MissingReference,
    /// A CHECK or NOT NULL constraint refused the row.
    #[error("value refused by a constraint")]
    Constraint,
    /// Another writer changed the row first (optimistic concurrency).
    #[error("the record was changed by someone else")]
    StaleVersion,
    /// Lock contention or a serialization failure: trying again may succeed.
    #[error("database busy, try again")]
    Busy,
    /// The disk is full.
    #[error("database storage is full")]
    Full,
    /// The database cannot be reached (pool timeout, closed pool, I/O).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Anything else; the message is for logs only.
    #[error("database error: {0}")]
    Other(String),
}

impl StorageError {
    /// Whether the same operation may succeed if simply retried.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Busy | Self::Unavailable(_))
    }
}

impl From<sqlx::Error> for StorageError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
                Self::Unavailable(err.to_string())
            }
            sqlx::Error::Io(e) => Self::Unavailable(e.to_string()),
            sqlx::Error::Database(db) => classify(db.as_ref()),
            other => Self::Other(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        match err {
            sqlx::migrate::MigrateError::Execute(e) => match Self::from(e) {
                e @ (Self::Unavailable(_) | Self::Full) => e,
                other => Self::Migration(other.to_string()),
            },
            other => Self::Migration(other.to_string()),
        }
    }
}

fn classify(db: &dyn sqlx::error::DatabaseError) -> StorageError {
    use sqlx::error::ErrorKind;
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    // SQLite extended codes: 5 BUSY, 6 LOCKED, 517 BUSY_SNAPSHOT, 13 FULL, 10 IOERR.
    // PostgreSQL SQLSTATE: 40001 serialization, 40P01 deadlock, 53100 disk full, 57P01 shutdown.
    match code.as_str() {
        "5" | "6" | "261" | "517" | "40001" | "40P01" | "55P03" => return StorageError::Busy,
        "13" | "53100" => return StorageError::Full,
        "57P01" | "57P02" | "57P03" => return StorageError::Unavailable(db.message().to_owned()),
        _ => {}
    }
    if code.len() > 1 && code.starts_with("10") && code.chars().all(|c| c.is_ascii_digit()) {
        return StorageError::Unavailable(db.message().to_owned());
    }
    match db.kind() {
        ErrorKind::UniqueViolation => StorageError::Duplicate { what: constraint_of(db) },
        ErrorKind::ForeignKeyViolation => StorageError::MissingReference,
        ErrorKind::NotNullViolation | ErrorKind::CheckViolation => StorageError::Constraint,
        _ => StorageError::Other(format!("{} (code {code})", db.message())),
    }
}

fn constraint_of(db: &dyn sqlx::error::DatabaseError) -> String {
    if let Some(name) = db.constraint() {
        return name.to_owned();
    }
    // SQLite: "UNIQUE constraint failed: officers.username"
    db.message().rsplit(": ").next().unwrap_or_default().to_owned()
}
