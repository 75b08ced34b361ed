//! The copy's key kept wrapped under the server's device secret (`POST /auth/device-secret`), so
//! that a copy whose password the administrator reset opens at the next online sign-in with the new
//! password and is re-keyed under it, its unsent edits kept.
//!
//! Why it is safe: the key file holds the key only XOR-ed with SHA-256 of the secret and a random
//! nonce; the secret never leaves the server except to a session of this very user on this very
//! device, which needs the user's valid server password. Someone with the PC's files alone gets
//! nothing; the server alone holds no copy's key (it never sees the wrapped value). Whoever can sign
//! in as the user can open the copy — as the user's own password could.

use super::{key_check, KeyFile};
use crate::ApiError;
use journal_core::DeviceId;
use journal_store::StoreKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the key file keeps of the wrapping (nothing of it is secret without the server's part).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Escrow {
    /// The copy's device, to sign in as it when the copy cannot be opened.
    pub(super) device_id: DeviceId,
    /// Hex of the device's public key (the login registers it).
    pub(super) device_key: String,
    /// Hex of 16 random bytes, new at every wrapping.
    nonce: String,
    /// Hex of the key XOR SHA-256("journal-escrow\0" ‖ secret ‖ nonce).
    wrapped: String,
}

/// What the server answers.
#[derive(Debug, Deserialize)]
pub(super) struct DeviceSecret {
    pub(super) secret: String,
}

fn pad(secret_hex: &str, nonce: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"journal-escrow\0");
    h.update(secret_hex.as_bytes());
    h.update(nonce);
    h.finalize().into()
}

fn xor(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for i in 0..32 {
        out[i] = a[i] ^ b[i];
    }
    out
}

impl Escrow {
    pub(super) fn wrap(
        key: &StoreKey,
        secret_hex: &str,
        device_id: DeviceId,
        device_key: String,
    ) -> Escrow {
        let nonce: [u8; 16] = rand::random();
        Escrow {
            device_id,
            device_key,
            nonce: hex::encode(nonce),
            wrapped: hex::encode(xor(&key.0, &pad(secret_hex, &nonce))),
        }
    }

    /// The key, when `secret_hex` is the one it was wrapped under (checked against the key file's
    /// check value, so a wrong secret never reaches the copy as a key).
    pub(super) fn unwrap(
        &self,
        secret_hex: &str,
        key_file: &KeyFile,
    ) -> Result<StoreKey, ApiError> {
        let bad = || {
            ApiError::new(
                "key_escrow_invalid",
                "Ключ локальной копии не удалось восстановить по данным сервера: войдите прежним паролем или обратитесь к администратору журнала",
            )
        };
        let nonce = hex::decode(&self.nonce).map_err(|_| bad())?;
        let wrapped: [u8; 32] = hex::decode(&self.wrapped)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        let key = StoreKey(xor(&wrapped, &pad(secret_hex, &nonce)));
        match &key_file.key_check {
            Some(check) if *check == key_check(&key) => Ok(key),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_secret_unwraps_the_key() {
        let key = StoreKey([42u8; 32]);
        let mut kf = KeyFile::new("teacher", super::super::KdfParams::default());
        kf.key_check = Some(key_check(&key));
        let device = DeviceId(uuid::Uuid::new_v4());
        let e = Escrow::wrap(&key, "ab".repeat(32).as_str(), device, "00".into());
        assert!(
            !e.wrapped.contains(&hex::encode(key.0)),
            "the key file never holds the key itself"
        );
        assert_eq!(
            e.unwrap(&"ab".repeat(32), &kf).expect("unwraps"),
            key,
            "the secret it was wrapped under gives the key back"
        );
        let err = e.unwrap(&"cd".repeat(32), &kf).expect_err("another secret");
        assert_eq!(
            err.code, "key_escrow_invalid",
            "another secret gives no key: {err}"
        );
        let again = Escrow::wrap(&key, "ab".repeat(32).as_str(), device, "00".into());
        assert_ne!(again.wrapped, e.wrapped, "each wrapping has its own nonce");
    }
}
