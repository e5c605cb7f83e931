//! Signing electronic results by the issuing unit, behind [`ResultSigner`] so that a CA-based or remote-signing
//! service can replace the embedded keys later.
//!
//! The embedded [`UnitKeys`] hold one Ed25519 key per unit, read from `<keys_dir>/<unit>.ed25519` (the 32-byte
//! seed as 64 hex digits, sealed with the secrets key — `enc:v1:…`, see [`crate::secrets`] — or, as written before
//! sealing existed or provisioned from the operator's secret store, in plaintext) or generated there, sealed, on
//! first use when generation is allowed (the embedded default). These signatures prove integrity and origin inside motcua; they
//! are NOT a legal digital signature, which in Vietnam needs a certificate from a licensed CA.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use futures::future::BoxFuture;
use motcua_domain::unit::UnitId;
use sha2::{Digest, Sha256};

use crate::error::{AppError, ErrorCode};
use crate::secrets::SecretBox;

/// A detached signature with what is needed to verify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetachedSignature {
    /// The key's id (registered with its public key).
    pub key_id: String,
    /// `ed25519`.
    pub algorithm: String,
    /// The public key, hex.
    pub public_key: String,
    /// The signature, hex.
    pub signature: String,
}

/// Signs a result statement for a unit.
pub trait ResultSigner: Send + Sync {
    /// Signs `statement` on behalf of `unit`.
    fn sign<'a>(&'a self, unit: &'a UnitId, statement: &'a [u8]) -> BoxFuture<'a, Result<DetachedSignature, AppError>>;
}

/// Verifies a detached signature with a registered public key; `false` for any mismatch or unknown algorithm.
pub fn verify(algorithm: &str, public_key_hex: &str, statement: &[u8], signature_hex: &str) -> bool {
    if algorithm != "ed25519" {
        return false;
    }
    let key = hex::decode(public_key_hex).ok().and_then(|b| <[u8; 32]>::try_from(b).ok());
    let sig = hex::decode(signature_hex).ok().and_then(|b| <[u8; 64]>::try_from(b).ok());
    let (Some(key), Some(sig)) = (key, sig) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
    key.verify(statement, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok()
}

/// The key id of a public key: the first 16 hex digits of its SHA-256.
pub fn key_id(public_key: &[u8]) -> String {
    hex::encode(Sha256::digest(public_key))[..16].to_owned()
}

/// Ed25519 keys per unit in a directory.
pub struct UnitKeys {
    dir: PathBuf,
    generate: bool,
    secrets: Arc<SecretBox>,
    loaded: Mutex<HashMap<String, Arc<SigningKey>>>,
}

/// What a unit's key file is sealed for (a sealed key copied to another unit's file does not open).
fn purpose(unit: &UnitId) -> String {
    format!("unit-key:{unit}")
}

impl UnitKeys {
    /// Keys in `dir`, sealed with `secrets`; missing ones are generated there only if `generate`.
    pub fn new(dir: PathBuf, generate: bool, secrets: Arc<SecretBox>) -> Self {
        Self { dir, generate, secrets, loaded: Mutex::new(HashMap::new()) }
    }

    fn key_for(&self, unit: &UnitId) -> Result<Arc<SigningKey>, AppError> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(key) = loaded.get(unit.as_str()) {
            return Ok(key.clone());
        }
        let internal = |what: String| {
            tracing::error!(unit = %unit, "{what}");
            AppError::detailed(ErrorCode::Internal, format!("Chưa có khóa ký kết quả cho đơn vị {unit}."))
        };
        let path = self.dir.join(format!("{unit}.ed25519"));
        let seed = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let (hex_text, _) = self
                    .secrets
                    .open_text(&purpose(unit), &text)
                    .map_err(|e| internal(format!("{}: {e}", path.display())))?;
                hex::decode(hex_text.trim())
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| internal(format!("{} is not 64 hex digits", path.display())))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && self.generate => {
                let seed: [u8; 32] = rand::random();
                write_secret(&path, &self.secrets.seal(&purpose(unit), hex::encode(seed).as_bytes()))
                    .map_err(|e| internal(format!("writing {}: {e}", path.display())))?;
                tracing::info!(unit = %unit, path = %path.display(), "generated a result-signing key (sealed)");
                seed
            }
            Err(e) => return Err(internal(format!("reading {}: {e}", path.display()))),
        };
        let key = Arc::new(SigningKey::from_bytes(&seed));
        loaded.insert(unit.to_string(), key.clone());
        Ok(key)
    }
}

fn write_secret(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, text.as_bytes())
}

impl ResultSigner for UnitKeys {
    fn sign<'a>(&'a self, unit: &'a UnitId, statement: &'a [u8]) -> BoxFuture<'a, Result<DetachedSignature, AppError>> {
        Box::pin(async move {
            let key = self.key_for(unit)?;
            let public = key.verifying_key().to_bytes();
            Ok(DetachedSignature {
                key_id: key_id(&public),
                algorithm: "ed25519".into(),
                public_key: hex::encode(public),
                signature: hex::encode(key.sign(statement).to_bytes()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_signature_verifies_only_for_its_statement_and_key() {
        let dir = std::env::temp_dir().join(format!("motcua-keys-{}", uuid::Uuid::now_v7()));
        let secrets = Arc::new(SecretBox::generate());
        let keys = UnitKeys::new(dir.clone(), true, secrets.clone());
        let unit = UnitId::parse("c20410").unwrap();
        let sig = keys.sign(&unit, b"statement").await.unwrap();
        // The key file is sealed: the seed is not in it.
        let stored = std::fs::read_to_string(dir.join("c20410.ed25519")).unwrap();
        assert!(crate::secrets::is_sealed(&stored), "{stored}");
        assert!(verify(&sig.algorithm, &sig.public_key, b"statement", &sig.signature));
        assert!(!verify(&sig.algorithm, &sig.public_key, b"statemenT", &sig.signature));
        let other = keys.sign(&UnitId::parse("p48").unwrap(), b"statement").await.unwrap();
        assert!(!verify("ed25519", &other.public_key, b"statement", &sig.signature));
        assert!(!verify("rsa", &sig.public_key, b"statement", &sig.signature));
        // The same key is read back from the directory by a new key ring.
        let again = UnitKeys::new(dir.clone(), false, secrets.clone()).sign(&unit, b"statement").await.unwrap();
        assert_eq!(again.key_id, sig.key_id);
        // Without generation, a unit with no key file cannot sign.
        let unknown = UnitId::parse("c99999").unwrap();
        assert!(UnitKeys::new(dir.clone(), false, secrets.clone()).sign(&unknown, b"x").await.is_err());
        // With another secrets key the sealed file does not open: an error, not another key.
        let other = Arc::new(SecretBox::generate());
        assert!(UnitKeys::new(dir.clone(), false, other.clone()).sign(&unit, b"statement").await.is_err());
        // A legacy plaintext key file (written before sealing) is still read.
        let legacy = SigningKey::from_bytes(&[7; 32]);
        std::fs::write(dir.join("c99999.ed25519"), hex::encode([7; 32])).unwrap();
        let old = UnitKeys::new(dir.clone(), false, other).sign(&unknown, b"x").await.unwrap();
        assert_eq!(old.public_key, hex::encode(legacy.verifying_key().to_bytes()));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
