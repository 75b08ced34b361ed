//! Passwords and tokens: Argon2id password hashes (hashed and checked on the blocking pool — they
//! are slow on purpose), random bearer tokens stored only as their SHA-256.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Shortest password accepted at a password change.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Argon2id PHC string of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "password_hash_failed",
                format!("Не удалось вычислить хеш пароля: {e}"),
            )
        })
}

/// Whether `password` matches the stored PHC string (false for an empty or broken hash).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

pub async fn hash_password_blocking(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "password_hash_failed",
                "Не удалось вычислить хеш пароля",
            )
        })?
}

pub async fn verify_password_blocking(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

/// A new bearer token: 32 random bytes, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Letters and digits that cannot be mistaken for one another on a printed slip or read aloud
/// (no 0/O/o, 1/l/I).
const FIRST_PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Length of a generated first password.
pub const FIRST_PASSWORD_CHARS: usize = 10;

/// A first password for the administrator to hand over: random, readable, to be changed at the
/// first sign-in.
pub fn generate_password() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..FIRST_PASSWORD_CHARS)
        .map(|_| {
            let i = rng.gen_range(0..FIRST_PASSWORD_ALPHABET.len());
            char::from(FIRST_PASSWORD_ALPHABET[i])
        })
        .collect()
}

/// What the server stores of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_password() {
        let h = hash_password("секрет-123").expect("hashing a password works");
        assert!(
            h.starts_with("$argon2id$"),
            "the hash must be Argon2id: {h}"
        );
        assert!(
            verify_password("секрет-123", &h),
            "the right password verifies"
        );
        assert!(
            !verify_password("секрет-124", &h),
            "a wrong password does not verify"
        );
        assert!(
            !verify_password("секрет-123", ""),
            "an account without a hash never verifies"
        );
    }

    #[test]
    fn generated_passwords_are_readable_long_enough_and_random() {
        let (a, b) = (generate_password(), generate_password());
        assert_ne!(a, b, "two generated passwords must differ");
        for p in [&a, &b] {
            assert_eq!(p.chars().count(), FIRST_PASSWORD_CHARS, "length of {p}");
            assert!(
                p.chars().count() >= MIN_PASSWORD_CHARS,
                "a generated password must pass the length rule: {p}"
            );
            assert!(
                !p.contains(['0', 'O', 'o', '1', 'l', 'I']),
                "no ambiguous characters in {p}"
            );
        }
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b, "two tokens must differ");
        assert_eq!(a.len(), 64, "a token is 32 bytes in hex");
        assert_ne!(token_hash(&a), a, "the stored form is not the token");
        assert_eq!(token_hash(&a), token_hash(&a), "the stored form is stable");
    }
}
