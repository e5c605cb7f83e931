//! The object store of document bytes: content addressed by SHA-256 (`sha256/ab/cd/<hex>`), written by streaming
//! into a temporary multipart object while hashing, then moved to its address. Memory stays flat whatever the
//! file's size: at most one multipart chunk per upload in flight, plus one while the next is filled.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use motcua_domain::document::{
    Accept, FileRefusal, SNIFF_BYTES, Sniffed, check_size, digest_of_key, object_key, sniff,
};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};

use super::clamd;
use crate::error::{AppError, ErrorCode};

/// Where the bytes go.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A directory on the local file system (the embedded default: `<data_dir>/files`).
    Local(std::path::PathBuf),
    /// Any S3-compatible store.
    S3(S3Config),
}

/// An S3-compatible store.
#[derive(Clone)]
pub struct S3Config {
    /// `http(s)://host:port`; empty for AWS itself.
    pub endpoint: String,
    /// Bucket.
    pub bucket: String,
    /// Region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Allow plain HTTP (loopback, a private network).
    pub allow_http: bool,
    /// Path-style requests (`endpoint/bucket/key`), needed by most non-AWS stores.
    pub path_style: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &"***")
            .field("secret_access_key", &"***")
            .field("allow_http", &self.allow_http)
            .field("path_style", &self.path_style)
            .finish()
    }
}

/// The size of a multipart chunk (S3's smallest part is 5 MiB).
const CHUNK: usize = 5 * 1024 * 1024;
/// Parts uploaded at once per file.
const PARTS_IN_FLIGHT: usize = 2;

/// Bytes stored at their content address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// What the bytes are.
    pub kind: Sniffed,
}

/// The object store and the checks every file passes.
#[derive(Clone)]
pub struct ObjectFiles {
    store: Arc<dyn ObjectStore>,
    clamd: Option<String>,
    description: String,
}

impl std::fmt::Debug for ObjectFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectFiles").field("store", &self.description).finish_non_exhaustive()
    }
}

fn storage_error(e: &object_store::Error) -> AppError {
    tracing::error!(error = %e, "object store");
    AppError::detailed(ErrorCode::Unavailable, "Kho lưu trữ tệp tạm thời không truy cập được.")
}

fn refusal(e: &FileRefusal) -> AppError {
    let code = match e {
        FileRefusal::TooLarge(_) => ErrorCode::FileTooLarge,
        FileRefusal::Type(..) | FileRefusal::Empty => ErrorCode::FileTypeRefused,
    };
    AppError::detailed(code, motcua_domain::text::sentence(&e.to_string()))
}

impl ObjectFiles {
    /// Opens the store; the local directory is created if missing. `clamd` is `host:port` of a ClamAV daemon
    /// that must pass every upload, if set.
    pub fn open(backend: &Backend, clamd: Option<String>) -> Result<Self, AppError> {
        let internal = |e: &dyn std::fmt::Display| AppError::detailed(ErrorCode::Internal, e.to_string());
        let (store, description): (Arc<dyn ObjectStore>, String) = match backend {
            Backend::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| internal(&e))?;
                let local = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| internal(&e))?
                    // Bytes are durable before their metadata row is written.
                    .with_fsync(true)
                    .with_automatic_cleanup(true);
                (Arc::new(local), format!("local:{}", dir.display()))
            }
            Backend::S3(c) => {
                crate::http::install_tls();
                let mut builder = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(&c.bucket)
                    .with_region(&c.region)
                    .with_access_key_id(&c.access_key_id)
                    .with_secret_access_key(&c.secret_access_key)
                    .with_allow_http(c.allow_http)
                    .with_virtual_hosted_style_request(!c.path_style);
                if !c.endpoint.is_empty() {
                    builder = builder.with_endpoint(&c.endpoint);
                }
                (Arc::new(builder.build().map_err(|e| internal(&e))?), format!("s3:{}/{}", c.endpoint, c.bucket))
            }
        };
        Ok(Self { store, clamd, description })
    }

    /// Where the bytes are, for logs (no secrets).
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Streams `body` into the store: hashed, size-checked and sniffed as it arrives (and scanned by clamd when
    /// configured), then placed at its content address. On any refusal or a body that breaks off, the
    /// temporary object is aborted: nothing remains.
    pub async fn put_stream<S, B, E>(&self, body: S, limit: u64, accept: Accept) -> Result<Stored, AppError>
    where
        S: Stream<Item = Result<B, E>> + Send,
        B: AsRef<[u8]> + Send,
        E: std::fmt::Display + Send,
    {
        let temp = Path::from(format!("tmp/{}", uuid::Uuid::now_v7()));
        let upload = self.store.put_multipart(&temp).await.map_err(|e| storage_error(&e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, CHUNK);
        match self.fill(&mut writer, body, limit, accept).await {
            Ok((sha256, size, kind)) => {
                writer.finish().await.map_err(|e| storage_error(&e))?;
                // Moving over an existing copy keeps one object per content and renews its age, so the orphan
                // sweep never removes bytes that a row is about to point at.
                let key = Path::from(object_key(&sha256));
                if let Err(e) = self.store.rename(&temp, &key).await {
                    let _ = self.store.delete(&temp).await;
                    return Err(storage_error(&e));
                }
                Ok(Stored { sha256, size, kind })
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "aborting a refused upload");
                }
                Err(e)
            }
        }
    }

    async fn fill<S, B, E>(
        &self,
        writer: &mut WriteMultipart,
        body: S,
        limit: u64,
        accept: Accept,
    ) -> Result<(String, u64, Sniffed), AppError>
    where
        S: Stream<Item = Result<B, E>> + Send,
        B: AsRef<[u8]> + Send,
        E: std::fmt::Display + Send,
    {
        let mut body = std::pin::pin!(body);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut kind: Option<Sniffed> = None;
        let mut scan = match &self.clamd {
            Some(addr) => Some(clamd::Scan::start(addr).await?),
            None => None,
        };
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                tracing::info!(error = %e, "upload broke off");
                AppError::detailed(ErrorCode::UploadIncomplete, "Việc tải tệp lên bị gián đoạn; vui lòng gửi lại.")
            })?;
            let bytes = chunk.as_ref();
            if bytes.is_empty() {
                continue;
            }
            size += bytes.len() as u64;
            check_size(size, limit).map_err(|e| refusal(&e))?;
            if kind.is_none() {
                let take = (SNIFF_BYTES - head.len()).min(bytes.len());
                head.extend_from_slice(&bytes[..take]);
                if head.len() >= SNIFF_BYTES {
                    kind = Some(accept.check(sniff(&head)).map_err(|e| refusal(&e))?);
                }
            }
            hasher.update(bytes);
            if let Some(scan) = scan.as_mut() {
                scan.send(bytes).await?;
            }
            writer.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(|e| storage_error(&e))?;
            writer.write(bytes);
        }
        if size == 0 {
            return Err(refusal(&FileRefusal::Empty));
        }
        let kind = match kind {
            Some(k) => k,
            None => accept.check(sniff(&head)).map_err(|e| refusal(&e))?,
        };
        if let Some(scan) = scan {
            scan.finish().await?;
        }
        Ok((hex::encode(hasher.finalize()), size, kind))
    }

    /// Stores a small file already in memory (generated PDFs, receipts): checked like an upload.
    pub async fn put_bytes(&self, bytes: Vec<u8>, accept: Accept) -> Result<Stored, AppError> {
        let kind = accept.check(sniff(&bytes[..bytes.len().min(SNIFF_BYTES)])).map_err(|e| refusal(&e))?;
        if bytes.is_empty() {
            return Err(refusal(&FileRefusal::Empty));
        }
        if let Some(addr) = &self.clamd {
            let mut scan = clamd::Scan::start(addr).await?;
            scan.send(&bytes).await?;
            scan.finish().await?;
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        self.store
            .put(&Path::from(object_key(&sha256)), PutPayload::from(bytes))
            .await
            .map_err(|e| storage_error(&e))?;
        Ok(Stored { sha256, size, kind })
    }

    /// The bytes at a content address, streamed and hashed on the way: bytes that no longer match their address
    /// (altered in the store) end the stream with an error after the last chunk, so the download fails instead of
    /// delivering them as the document, and the alteration is logged.
    pub async fn open_stream(
        &self,
        sha256: &str,
    ) -> Result<BoxStream<'static, Result<bytes::Bytes, std::io::Error>>, AppError> {
        match self.store.get(&Path::from(object_key(sha256))).await {
            Ok(found) => Ok(verified(found.into_stream().map_err(std::io::Error::other).boxed(), sha256.to_owned())),
            Err(object_store::Error::NotFound { .. }) => Err(AppError::detailed(
                ErrorCode::Internal,
                "Tệp của tài liệu không còn trong kho lưu trữ; quản trị viên đã được báo.",
            )),
            Err(e) => Err(storage_error(&e)),
        }
    }

    /// Re-reads the bytes at a content address and returns their SHA-256 and size, or `None` if missing.
    pub async fn rehash(&self, sha256: &str) -> Result<Option<(String, u64)>, AppError> {
        let found = match self.store.get(&Path::from(object_key(sha256))).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(storage_error(&e)),
        };
        let mut stream = found.into_stream();
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| storage_error(&e))?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok(Some((hex::encode(hasher.finalize()), size)))
    }

    /// Hashes a stream without storing it (verification of an uploaded copy).
    pub async fn hash_stream<S, B, E>(body: S, limit: u64) -> Result<String, AppError>
    where
        S: Stream<Item = Result<B, E>> + Send,
        B: AsRef<[u8]> + Send,
        E: std::fmt::Display + Send,
    {
        let mut body = std::pin::pin!(body);
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|_| {
                AppError::detailed(ErrorCode::UploadIncomplete, "Việc tải tệp lên bị gián đoạn; vui lòng gửi lại.")
            })?;
            size += chunk.as_ref().len() as u64;
            check_size(size, limit).map_err(|e| refusal(&e))?;
            hasher.update(chunk.as_ref());
        }
        Ok(hex::encode(hasher.finalize()))
    }

    /// Content-addressed objects and temporary objects older than `before`: `(key, digest if content-addressed)`.
    pub async fn stale_objects(&self, before: DateTime<Utc>) -> Result<Vec<(String, Option<String>)>, AppError> {
        let mut found = Vec::new();
        for prefix in ["sha256", "tmp"] {
            let mut listing = self.store.list(Some(&Path::from(prefix)));
            while let Some(meta) = listing.next().await {
                let meta = meta.map_err(|e| storage_error(&e))?;
                if meta.last_modified >= before {
                    continue;
                }
                let key = meta.location.to_string();
                let digest = digest_of_key(&key).map(str::to_owned);
                found.push((key, digest));
            }
        }
        Ok(found)
    }

    /// Deletes one object.
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage_error(&e)),
        }
    }

    /// Every object under `prefix` (tests and the fixity report).
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, AppError> {
        self.store
            .list(Some(&Path::from(prefix)))
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .map_err(|e| storage_error(&e))
    }

    /// Replaces the bytes at a content address (tests of the fixity check simulate damage with it).
    #[doc(hidden)]
    pub async fn overwrite_for_tests(&self, sha256: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.store
            .put(&Path::from(object_key(sha256)), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| storage_error(&e))
    }
}

/// How long bytes without metadata are left alone before the orphan sweep removes them: longer than any upload
/// takes between its two writes.
pub const ORPHAN_GRACE: Duration = Duration::from_secs(3600);

/// `inner` passed through, checked against `expected` (hex SHA-256) once it ends.
fn verified(
    inner: BoxStream<'static, Result<bytes::Bytes, std::io::Error>>,
    expected: String,
) -> BoxStream<'static, Result<bytes::Bytes, std::io::Error>> {
    futures::stream::unfold(Some((inner, Sha256::new(), expected)), |state| async move {
        let (mut inner, mut hasher, expected) = state?;
        match inner.next().await {
            Some(Ok(chunk)) => {
                hasher.update(&chunk);
                Some((Ok(chunk), Some((inner, hasher, expected))))
            }
            Some(Err(e)) => Some((Err(e), None)),
            None => {
                let actual = hex::encode(hasher.finalize());
                if actual == expected {
                    return None;
                }
                tracing::error!(expected, actual, "stored document bytes altered; the download was stopped");
                Some((Err(std::io::Error::other("stored bytes do not match their address")), None))
            }
        }
    })
    // Bodies may be polled again after their end (a compressing layer does): a fused stream stays ended.
    .fuse()
    .boxed()
}
