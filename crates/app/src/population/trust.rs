//! The public keys `verify` trusts, pinned outside the database.
//!
//! The `lookup_log_keys` table only says which keys the servers registered; anyone who can write to the database can
//! add a key of their own there, re-chain and re-sign. So verification trusts only keys given from outside: pinned
//! by the operator (`lookup_log.trusted_keys`, `lookup_log.trusted_keys_file`), retired ones included, and the
//! running server's current key (derived from its signing key). Pure: parsing and lookups, no I/O.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;

use super::chain::SigningIdentity;

/// Why a key is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Pinned by the operator in the configuration or the trusted keys file.
    Pinned,
    /// The server's current signing key (and not pinned besides).
    Current,
}

/// The keys verification trusts, by key id.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: BTreeMap<String, (VerifyingKey, Trust)>,
    current: Option<String>,
}

fn public_key(hex_text: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the public key must be 64 hexadecimal digits (32-byte Ed25519)")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "not an Ed25519 public key".to_owned())
}

impl TrustedKeys {
    /// No key trusted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Pins `key_id:<hex public key>`. The same id pinned twice with different keys is refused.
    pub fn pin(&mut self, entry: &str) -> Result<(), String> {
        let (id, hex_text) = entry
            .trim()
            .split_once(':')
            .ok_or_else(|| format!("`{}`: expected `key_id:<hex public key>`", entry.trim()))?;
        let id = id.trim();
        if id.is_empty() {
            return Err(format!("`{}`: the key id is empty", entry.trim()));
        }
        let key = public_key(hex_text).map_err(|e| format!("key {id}: {e}"))?;
        match self.keys.get(id) {
            Some((other, _)) if *other != key => Err(format!("key {id} is pinned twice with different public keys")),
            _ => {
                self.keys.insert(id.to_owned(), (key, Trust::Pinned));
                Ok(())
            }
        }
    }

    /// Pins every line of a trusted keys file (`key_id:<hex public key>`; blank lines and `#` comments skipped).
    pub fn pin_file(&mut self, text: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if !line.is_empty() {
                self.pin(line).map_err(|e| format!("line {}: {e}", n + 1))?;
            }
        }
        Ok(())
    }

    /// Trusts the server's current key. A pinned key of the same id must be the same key: otherwise the
    /// configuration contradicts itself, and nothing is trusted until it is fixed.
    pub fn trust_current(&mut self, current: &SigningIdentity) -> Result<(), String> {
        let key = public_key(&current.public_hex())?;
        match self.keys.get(&current.key_id) {
            Some((pinned, _)) if *pinned != key => {
                return Err(format!(
                    "the pinned key {} is not the current signing key of that id: pin the current public key {}",
                    current.key_id,
                    current.public_hex()
                ));
            }
            Some(_) => {}
            None => {
                self.keys.insert(current.key_id.clone(), (key, Trust::Current));
            }
        }
        self.current = Some(current.key_id.clone());
        Ok(())
    }

    /// The trusted key of `key_id`.
    pub fn get(&self, key_id: &str) -> Option<&VerifyingKey> {
        self.keys.get(key_id).map(|(k, _)| k)
    }

    /// Why `key_id` is trusted, if it is.
    pub fn trust_of(&self, key_id: &str) -> Option<Trust> {
        self.keys.get(key_id).map(|(_, t)| *t)
    }

    /// The trusted public key of `key_id` in hex.
    pub fn public_hex(&self, key_id: &str) -> Option<String> {
        self.get(key_id).map(|k| hex::encode(k.to_bytes()))
    }

    /// The trusted key ids with why.
    pub fn ids(&self) -> Vec<(String, Trust)> {
        self.keys.iter().map(|(id, (_, t))| (id.clone(), *t)).collect()
    }

    /// Whether nothing is pinned but (at most) the current key: signatures by retired keys cannot be trusted.
    pub fn only_current(&self) -> bool {
        self.keys.keys().all(|id| Some(id) == self.current.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_and_contradictions_are_refused() {
        let a = SigningIdentity::from_hex("k1", &"11".repeat(32)).unwrap();
        let b = SigningIdentity::from_hex("k2", &"22".repeat(32)).unwrap();
        let mut keys = TrustedKeys::new();
        assert!(keys.only_current());
        keys.pin_file(&format!("# retired 2025\n\n{}:{}  # old\n", a.key_id, a.public_hex())).unwrap();
        assert_eq!(keys.trust_of("k1"), Some(Trust::Pinned));
        assert!(!keys.only_current());
        keys.trust_current(&b).unwrap();
        assert_eq!(keys.ids(), vec![("k1".into(), Trust::Pinned), ("k2".into(), Trust::Current)]);
        assert_eq!(keys.public_hex("k2"), Some(b.public_hex()));
        // The same id with another key, in the pins or against the current key, is refused.
        assert!(keys.pin(&format!("k1:{}", b.public_hex())).unwrap_err().contains("pinned twice"));
        let forged = SigningIdentity::from_hex("k1", &"33".repeat(32)).unwrap();
        assert!(keys.trust_current(&forged).is_err());
        assert!(keys.pin("k3").is_err() && keys.pin("k3:abcd").is_err() && keys.pin(":aa").is_err());
        assert!(keys.pin_file("k3:zz\n").unwrap_err().starts_with("line 1"));

        let mut only = TrustedKeys::new();
        only.trust_current(&a).unwrap();
        assert!(only.only_current());
        only.pin(&format!("k1:{}", a.public_hex())).unwrap();
        assert!(only.only_current(), "pinning the current key itself adds no other key");
    }
}
