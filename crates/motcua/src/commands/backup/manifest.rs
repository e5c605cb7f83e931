//! The MANIFEST of a backup and its check, without I/O: what a backup holds, every file with its size and SHA-256,
//! and the comparison of a manifest with the files found, which names every missing, extra or altered file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The manifest's file name at the top of a backup.
pub const MANIFEST: &str = "MANIFEST";

/// The manifest format this binary writes and reads.
pub const FORMAT: u32 = 1;

/// The database engine a backup was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// A SQLite snapshot (`database/motcua.db`).
    Sqlite,
    /// A `pg_dump -Fc` archive (`database/motcua.pgdump`).
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// What a file of a backup is, told by its top directory; restore puts each kind where the settings say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `database/…`: the database snapshot or dump.
    Database,
    /// `files/sha256/ab/cd/<sha256>`: document bytes, at their key in the document store.
    Document,
    /// `keys/<unit>.ed25519`: a file of `storage.keys_dir`.
    UnitKey,
    /// `lookup-log/<name>`: the lookup log's signing key file (`lookup_log.key_file`).
    LookupLogKey,
    /// `data/<name>.key`: another key file at the top of the data directory (`secrets.key` …).
    DataKey,
}

impl Kind {
    /// Every kind, in the order a backup is written and restored.
    pub const ALL: [Kind; 5] = [Kind::Database, Kind::Document, Kind::UnitKey, Kind::LookupLogKey, Kind::DataKey];

    /// The kind's top directory in a backup.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Database => "database",
            Kind::Document => "files",
            Kind::UnitKey => "keys",
            Kind::LookupLogKey => "lookup-log",
            Kind::DataKey => "data",
        }
    }
}

/// A path inside a backup: `/`-separated, relative, of plain names only (no `.`, `..`, empty or absolute part),
/// under one of the kinds' directories. A manifest is input: restore must never write outside its targets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BackupPath {
    kind: Kind,
    path: String,
}

impl BackupPath {
    /// `rest` under the kind's directory.
    pub fn new(kind: Kind, rest: &str) -> Result<Self, String> {
        Self::parse(&format!("{}/{rest}", kind.dir()))
    }

    /// Checks a path read from a manifest or found on disk.
    pub fn parse(path: &str) -> Result<Self, String> {
        let parts: Vec<&str> = path.split('/').collect();
        let plain = |p: &&str| {
            !p.is_empty() && *p != "." && *p != ".." && !p.contains('\\') && !p.chars().any(char::is_control)
        };
        if parts.len() < 2 || !parts.iter().all(plain) {
            return Err(format!("not a plain relative path: {path}"));
        }
        let kind = Kind::ALL.into_iter().find(|k| k.dir() == parts[0]).ok_or_else(|| format!("unexpected: {path}"))?;
        Ok(Self { kind, path: path.to_owned() })
    }

    /// What the file is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The path under the kind's directory (`sha256/ab/cd/…` for a document, the file name for a key).
    pub fn rest(&self) -> &str {
        &self.path[self.kind.dir().len() + 1..]
    }

    /// The whole path inside the backup.
    pub fn as_str(&self) -> &str {
        &self.path
    }
}

impl TryFrom<String> for BackupPath {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<BackupPath> for String {
    fn from(value: BackupPath) -> String {
        value.path
    }
}

impl fmt::Display for BackupPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}

/// A file's size and SHA-256 (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Where it is inside the backup.
    pub path: BackupPath,
    /// Its size and digest.
    #[serde(flatten)]
    pub facts: Facts,
}

/// The MANIFEST: written last, so a backup without one is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The version of motcua that made it.
    pub motcua_version: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The database engine.
    pub backend: Backend,
    /// Every file but the manifest, sorted by path.
    pub files: Vec<Entry>,
}

impl Manifest {
    /// A manifest of `files`, sorted by path.
    pub fn new(backend: Backend, created_at: DateTime<Utc>, mut files: Vec<Entry>) -> Self {
        files.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
        Self { format: FORMAT, motcua_version: env!("CARGO_PKG_VERSION").to_owned(), created_at, backend, files }
    }

    /// Reads a manifest, refusing another format.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let manifest: Manifest = serde_json::from_str(text).map_err(|e| format!("{MANIFEST} is not valid: {e}"))?;
        if manifest.format != FORMAT {
            return Err(format!("{MANIFEST} has format {}; this motcua reads format {FORMAT}", manifest.format));
        }
        Ok(manifest)
    }

    /// How many files of a kind, and their total size.
    pub fn count(&self, kind: Kind) -> (usize, u64) {
        self.files.iter().filter(|e| e.path.kind() == kind).fold((0, 0), |(n, size), e| (n + 1, size + e.facts.size))
    }

    /// Compares the manifest with the files found in the backup (every file but the manifest, by path): every
    /// listed file must be there with its size and digest, and nothing else may be.
    pub fn check(&self, found: &BTreeMap<String, Facts>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut listed = BTreeSet::new();
        for entry in &self.files {
            if !listed.insert(entry.path.as_str()) {
                problems.push(Problem::Duplicate(entry.path.to_string()));
                continue;
            }
            match found.get(entry.path.as_str()) {
                None => problems.push(Problem::Missing(entry.path.to_string())),
                Some(facts) if facts.size != entry.facts.size => problems.push(Problem::Size {
                    path: entry.path.to_string(),
                    expected: entry.facts.size,
                    found: facts.size,
                }),
                Some(facts) if facts.sha256 != entry.facts.sha256 => {
                    problems.push(Problem::Altered(entry.path.to_string()))
                }
                Some(_) => {}
            }
        }
        problems.extend(found.keys().filter(|p| !listed.contains(p.as_str())).map(|p| Problem::Extra(p.clone())));
        problems
    }
}

/// Why a backup is refused: each names its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Listed, but not in the backup.
    Missing(String),
    /// In the backup, not listed.
    Extra(String),
    /// Not the listed size.
    Size {
        /// The file.
        path: String,
        /// The manifest's size.
        expected: u64,
        /// The file's size.
        found: u64,
    },
    /// The listed size, another SHA-256.
    Altered(String),
    /// Listed twice.
    Duplicate(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing(p) => write!(f, "THIẾU (missing): {p}"),
            Problem::Extra(p) => write!(f, "THỪA, không có trong MANIFEST (extra): {p}"),
            Problem::Size { path, expected, found } => {
                write!(f, "SAI KÍCH THƯỚC (size {found}, expected {expected}): {path}")
            }
            Problem::Altered(p) => write!(f, "BỊ THAY ĐỔI (SHA-256 differs): {p}"),
            Problem::Duplicate(p) => write!(f, "LẶP LẠI TRONG MANIFEST (listed twice): {p}"),
        }
    }
}

/// A PostgreSQL URL taken apart so that `pg_dump` gets the password through its environment (`PGPASSWORD`) and
/// never on a command line others can read: `(URL without password, password)`. The password may be in the
/// user part (`user:password@`) or a `password=` parameter.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let mut password = None;
    let mut base = base.to_owned();
    if let Some(scheme) = base.find("://") {
        let authority_end = base[scheme + 3..].find('/').map_or(base.len(), |i| scheme + 3 + i);
        if let Some(at) = base[..authority_end].rfind('@')
            && let Some(colon) = base[scheme + 3..at].find(':')
        {
            password = Some(percent_decode(&base[scheme + 3 + colon + 1..at]));
            base.replace_range(scheme + 3 + colon..at, "");
        }
    }
    let mut kept = Vec::new();
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        match pair.strip_prefix("password=") {
            Some(value) => password = Some(percent_decode(value)),
            None => kept.push(pair),
        }
    }
    if !kept.is_empty() {
        base = format!("{base}?{}", kept.join("&"));
    }
    (base, password)
}

/// `%XX` escapes of a URL part decoded (a password may hold reserved characters); anything else kept as is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file of a `sqlite:` URL (`sqlite://FILE`, `sqlite:FILE`, options after `?` dropped).
pub fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or(rest);
    (!file.is_empty() && file != ":memory:").then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, size: u64, sha: &str) -> Entry {
        Entry { path: BackupPath::parse(path).unwrap(), facts: Facts { size, sha256: sha.into() } }
    }

    fn facts(size: u64, sha: &str) -> Facts {
        Facts { size, sha256: sha.into() }
    }

    #[test]
    fn paths_are_plain_relative_and_of_a_known_kind() {
        let p = BackupPath::parse("files/sha256/ab/cd/abcd").unwrap();
        assert_eq!((p.kind(), p.rest()), (Kind::Document, "sha256/ab/cd/abcd"));
        assert_eq!(BackupPath::new(Kind::UnitKey, "c20410.ed25519").unwrap().as_str(), "keys/c20410.ed25519");
        for bad in [
            "",
            "database",
            "/etc/passwd",
            "keys/../../etc/passwd",
            "keys/./a",
            "keys//a",
            "data/a\\..\\b",
            "elsewhere/a",
            "keys/a\n",
        ] {
            assert!(BackupPath::parse(bad).is_err(), "{bad:?} must be refused");
        }
        // A manifest with such a path does not even parse.
        let text = r#"{"format":1,"motcua_version":"0","created_at":"2026-01-01T00:00:00Z","backend":"sqlite",
            "files":[{"path":"keys/../../x","size":1,"sha256":"00"}]}"#;
        assert!(Manifest::from_json(text).is_err());
    }

    #[test]
    fn the_manifest_round_trips_and_refuses_another_format() {
        let m = Manifest::new(
            Backend::Sqlite,
            DateTime::parse_from_rfc3339("2026-12-08T03:00:00Z").unwrap().to_utc(),
            vec![entry("keys/b.ed25519", 2, "bb"), entry("database/motcua.db", 1, "aa")],
        );
        assert_eq!(m.files[0].path.as_str(), "database/motcua.db", "sorted by path");
        let text = serde_json::to_string_pretty(&m).unwrap();
        assert!(text.contains("\"path\": \"database/motcua.db\"") && text.contains("\"backend\": \"sqlite\""));
        assert_eq!(Manifest::from_json(&text).unwrap(), m);
        assert_eq!(m.count(Kind::UnitKey), (1, 2));
        let other = text.replace("\"format\": 1", "\"format\": 2");
        assert!(Manifest::from_json(&other).unwrap_err().contains("format 2"));
        assert!(Manifest::from_json("{").is_err());
    }

    #[test]
    fn the_check_names_every_missing_extra_and_altered_file() {
        let m = Manifest::new(
            Backend::Sqlite,
            Utc::now(),
            vec![
                entry("database/motcua.db", 10, "aa"),
                entry("files/sha256/x", 3, "bb"),
                entry("keys/u.ed25519", 5, "cc"),
                entry("data/secrets.key", 7, "dd"),
            ],
        );
        let mut found = BTreeMap::from([
            ("database/motcua.db".to_owned(), facts(10, "aa")),
            ("files/sha256/x".to_owned(), facts(3, "bb")),
            ("keys/u.ed25519".to_owned(), facts(5, "cc")),
            ("data/secrets.key".to_owned(), facts(7, "dd")),
        ]);
        assert_eq!(m.check(&found), vec![]);
        found.insert("files/sha256/x".into(), facts(3, "b0"));
        found.insert("keys/u.ed25519".into(), facts(6, "cc"));
        found.remove("data/secrets.key");
        found.insert("data/other.key".into(), facts(1, "ee"));
        let problems = m.check(&found);
        assert_eq!(
            problems,
            vec![
                Problem::Missing("data/secrets.key".into()),
                Problem::Altered("files/sha256/x".into()),
                Problem::Size { path: "keys/u.ed25519".into(), expected: 5, found: 6 },
                Problem::Extra("data/other.key".into()),
            ]
        );
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(shown.iter().any(|s| s.contains("missing") && s.contains("data/secrets.key")), "{shown:?}");
        assert!(shown.iter().any(|s| s.contains("extra") && s.contains("data/other.key")));
        assert!(shown.iter().any(|s| s.contains("SHA-256") && s.contains("files/sha256/x")));
        let twice = Manifest { files: vec![entry("keys/a", 1, "a"), entry("keys/a", 1, "a")], ..m };
        let found = BTreeMap::from([("keys/a".to_owned(), facts(1, "a"))]);
        assert_eq!(twice.check(&found), vec![Problem::Duplicate("keys/a".into())]);
    }

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://motcua:b%40i%3Amat@db.local:5432/motcua?sslmode=require"),
            ("postgres://motcua@db.local:5432/motcua?sslmode=require".into(), Some("b@i:mat".into()))
        );
        assert_eq!(split_password("postgres://postgres@127.0.0.1/x"), ("postgres://postgres@127.0.0.1/x".into(), None));
        assert_eq!(split_password("postgres://db/x?user=a@b"), ("postgres://db/x?user=a@b".into(), None));
        assert_eq!(
            split_password("postgresql://u@h/d?sslmode=disable&password=p%26q"),
            ("postgresql://u@h/d?sslmode=disable".into(), Some("p&q".into()))
        );
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn the_sqlite_file_of_a_url() {
        assert_eq!(sqlite_file("sqlite:///var/lib/motcua/motcua.db"), Some("/var/lib/motcua/motcua.db"));
        assert_eq!(sqlite_file("sqlite://./d/motcua.db?mode=rwc"), Some("./d/motcua.db"));
        assert_eq!(sqlite_file("sqlite:x.db"), Some("x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x"), None);
    }
}
