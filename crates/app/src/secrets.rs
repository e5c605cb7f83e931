//! Secrets at rest (officers' TOTP seeds, the lookup log's signing key file, the units' result-signing key files),
//! sealed with a key from the configuration (`secrets.key` or `secrets.key_file`).
//!
//! A sealed value is `enc:v1:<base64 of nonce ‖ ciphertext>`: XChaCha20-Poly1305 with a random 192-bit nonce per
//! value (random nonces of that size never collide in practice), and the value's purpose (`totp:<officer id>`,
//! `unit-key:<unit>` …) as associated data, so a sealed value copied into another row or file does not open there.
//! A value without the prefix is a legacy plaintext value (written before sealing existed): it is read as is and
//! sealed the next time it is written. A sealed value that does not open — wrong key, altered bytes, another
//! purpose — is an error, never read as plaintext.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The prefix of a sealed value of format version 1.
pub const PREFIX_V1: &str = "enc:v1:";
/// What every sealed value starts with, whatever its version.
const PREFIX: &str = "enc:";
const NONCE_LEN: usize = 24;

/// Why a secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The configured key is not 64 hexadecimal digits.
    #[error("the secrets key must be 64 hexadecimal digits (32 bytes)")]
    BadKey,
    /// The value is sealed in a format this version does not know.
    #[error("sealed with an unknown format `{0}` (a newer motcua?)")]
    UnknownVersion(String),
    /// The sealed value does not open: another key, altered bytes, or a value moved from elsewhere.
    #[error("the sealed value does not open with the configured secrets key (wrong key, or the value was altered)")]
    DoesNotOpen,
}

/// The key that seals secrets at rest. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretBox {
    key: [u8; 32],
}

impl fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBox(<redacted>)")
    }
}

/// A secret read back, and whether it was stored sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct Opened {
    /// The plaintext.
    pub value: Vec<u8>,
    /// False for a legacy plaintext value, to be sealed when next written.
    pub was_sealed: bool,
}

impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opened").field("value", &"<redacted>").field("was_sealed", &self.was_sealed).finish()
    }
}

impl SecretBox {
    /// From 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<Self, SecretError> {
        let key: [u8; 32] = hex::decode(text.trim()).ok().and_then(|b| b.try_into().ok()).ok_or(SecretError::BadKey)?;
        Ok(Self { key })
    }

    /// A new random key.
    pub fn generate() -> Self {
        Self { key: rand::random() }
    }

    /// The key in hex, to store in a key file.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.key.into())
    }

    /// Seals `plaintext` for `purpose` (bound as associated data) with a fresh random nonce.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> String {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: purpose.as_bytes() })
            .expect("XChaCha20-Poly1305 seals any length a secret has");
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX_V1}{}", STANDARD_NO_PAD.encode(bytes))
    }

    /// Opens a stored value: a sealed one with this key and `purpose`, a legacy plaintext one as is.
    pub fn open(&self, purpose: &str, stored: &str) -> Result<Opened, SecretError> {
        let stored = stored.trim();
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(Opened { value: stored.as_bytes().to_vec(), was_sealed: false });
        };
        let Some(body) = stored.strip_prefix(PREFIX_V1) else {
            let version = rest.split(':').next().unwrap_or_default();
            return Err(SecretError::UnknownVersion(version.to_owned()));
        };
        let bytes = STANDARD_NO_PAD.decode(body).map_err(|_| SecretError::DoesNotOpen)?;
        if bytes.len() < NONCE_LEN {
            return Err(SecretError::DoesNotOpen);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SecretError::DoesNotOpen)?;
        let value = self
            .cipher()
            .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: purpose.as_bytes() })
            .map_err(|_| SecretError::DoesNotOpen)?;
        Ok(Opened { value, was_sealed: true })
    }

    /// Opens a stored text value (see [`SecretBox::open`]); a value that is not UTF-8 does not open.
    pub fn open_text(&self, purpose: &str, stored: &str) -> Result<(String, bool), SecretError> {
        let opened = self.open(purpose, stored)?;
        let was_sealed = opened.was_sealed;
        String::from_utf8(opened.value).map(|v| (v, was_sealed)).map_err(|_| SecretError::DoesNotOpen)
    }
}

/// Whether a stored value is sealed (of any version).
pub fn is_sealed(stored: &str) -> bool {
    stored.trim().starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_round_trips_and_hides_the_plaintext() {
        let key = SecretBox::generate();
        let sealed = key.seal("totp:1", b"JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with(PREFIX_V1) && is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        let opened = key.open("totp:1", &sealed).unwrap();
        assert_eq!((opened.value.as_slice(), opened.was_sealed), (&b"JBSWY3DPEHPK3PXP"[..], true));
        // A fresh nonce each time: the same secret never seals alike.
        assert_ne!(key.seal("totp:1", b"JBSWY3DPEHPK3PXP"), sealed);
        assert_eq!(
            SecretBox::from_hex(&key.to_hex()).unwrap().open_text("totp:1", &sealed).unwrap().0,
            "JBSWY3DPEHPK3PXP"
        );
    }

    #[test]
    fn tampering_another_purpose_or_another_key_is_refused() {
        let key = SecretBox::generate();
        let sealed = key.seal("totp:1", b"secret");
        let mut bytes = STANDARD_NO_PAD.decode(&sealed[PREFIX_V1.len()..]).unwrap();
        for i in [0, NONCE_LEN, bytes.len() - 1] {
            bytes[i] ^= 1;
            let altered = format!("{PREFIX_V1}{}", STANDARD_NO_PAD.encode(&bytes));
            assert_eq!(key.open("totp:1", &altered), Err(SecretError::DoesNotOpen));
            bytes[i] ^= 1;
        }
        assert_eq!(key.open("totp:1", &format!("{PREFIX_V1}AAAA")), Err(SecretError::DoesNotOpen));
        assert_eq!(key.open("totp:1", &format!("{PREFIX_V1}***")), Err(SecretError::DoesNotOpen));
        assert_eq!(key.open("totp:2", &sealed), Err(SecretError::DoesNotOpen));
        assert_eq!(SecretBox::generate().open("totp:1", &sealed), Err(SecretError::DoesNotOpen));
        assert_eq!(key.open("totp:1", "enc:v9:abc"), Err(SecretError::UnknownVersion("v9".into())));
    }

    #[test]
    fn legacy_plaintext_is_read_as_is() {
        let key = SecretBox::generate();
        let opened = key.open("totp:1", " JBSWY3DPEHPK3PXP\n").unwrap();
        assert_eq!((opened.value.as_slice(), opened.was_sealed), (&b"JBSWY3DPEHPK3PXP"[..], false));
        assert!(!is_sealed("JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn the_key_is_64_hex_digits_and_never_shown() {
        assert_eq!(SecretBox::from_hex("abc").unwrap_err(), SecretError::BadKey);
        let key = SecretBox::from_hex(&"ab".repeat(32)).unwrap();
        assert!(!format!("{key:?}").contains("abab"));
        assert!(!format!("{:?}", key.open("x", "plain").unwrap()).contains("plain"));
    }
}
