//! A small client of ClamAV's daemon (`clamd`) over TCP: the `zINSTREAM` command, which takes the file as chunks
//! `<u32 big-endian length><bytes>` ended by a zero length, and answers `stream: OK` or `stream: <name> FOUND`.
//! The file is streamed to clamd while it is stored, so it is never held in memory.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::{AppError, ErrorCode};

/// How long clamd may take to answer once the file is sent.
const VERDICT_TIMEOUT: Duration = Duration::from_secs(60);

fn unavailable(e: &dyn std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "clamd");
    // Fail closed: a configured scanner that cannot scan refuses the file.
    AppError::detailed(ErrorCode::Unavailable, "Dịch vụ quét mã độc tạm thời không hoạt động; chưa thể nhận tệp.")
}

/// One scan in progress.
pub struct Scan {
    stream: TcpStream,
}

impl Scan {
    /// Connects and starts an `INSTREAM` scan.
    pub async fn start(addr: &str) -> Result<Self, AppError> {
        let mut stream = TcpStream::connect(addr).await.map_err(|e| unavailable(&e))?;
        stream.write_all(b"zINSTREAM\0").await.map_err(|e| unavailable(&e))?;
        Ok(Self { stream })
    }

    /// Sends one chunk.
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), AppError> {
        for part in bytes.chunks(u32::MAX as usize) {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX).to_be_bytes();
            self.stream.write_all(&len).await.map_err(|e| unavailable(&e))?;
            self.stream.write_all(part).await.map_err(|e| unavailable(&e))?;
        }
        Ok(())
    }

    /// Ends the stream and reads the verdict: `Ok` if clean, `file_infected` if a signature matched.
    pub async fn finish(mut self) -> Result<(), AppError> {
        self.stream.write_all(&0u32.to_be_bytes()).await.map_err(|e| unavailable(&e))?;
        let mut reply = Vec::new();
        tokio::time::timeout(VERDICT_TIMEOUT, self.stream.read_to_end(&mut reply))
            .await
            .map_err(|e| unavailable(&e))?
            .map_err(|e| unavailable(&e))?;
        let reply = String::from_utf8_lossy(&reply);
        let reply = reply.trim_end_matches(['\0', '\n']);
        match reply.strip_prefix("stream: ") {
            Some("OK") => Ok(()),
            Some(found) if found.ends_with(" FOUND") => {
                let name = found.trim_end_matches(" FOUND");
                tracing::warn!(signature = name, "clamd found malware in an upload");
                Err(AppError::detailed(ErrorCode::FileInfected, format!("Tệp chứa mã độc ({name}) và đã bị từ chối.")))
            }
            _ => Err(unavailable(&format!("unexpected clamd reply: {reply}"))),
        }
    }
}
