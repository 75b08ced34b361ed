//! Sealing a backup with the institution's backup key: each file of the copy encrypted
//! (AES-256-GCM, ring), the manifest signed (HMAC-SHA256 over its exact bytes, in
//! `manifest.sig`), and every file of the copy readable by its owner only. A backup holds personal
//! data and password hashes: whoever finds the medium reads nothing, and a copy altered after it was
//! made (even with its checksums recomputed) fails the signature and is not restored.
//!
//! The key is 32 random bytes kept as hex in a file of its own (mode 600), made by the first backup
//! beside a SQLite database or given by `--backup-key`. It must be kept apart from the server too:
//! a copy cannot be restored without it.

use std::io::Write;
use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

/// The extension of an encrypted file in a backup directory.
pub const SEALED_SUFFIX: &str = ".enc";
/// The manifest's signature beside it.
pub const SIGNATURE_FILE: &str = "manifest.sig";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("Ключ резервных копий «{path}» не прочитан: {reason}")]
    KeyUnreadable { path: String, reason: String },
    #[error(
        "Файл «{path}» не является ключом резервных копий (ожидаются 64 шестнадцатеричные цифры)"
    )]
    KeyMalformed { path: String },
    #[error("Ключ резервных копий не записан в «{path}»: {reason}")]
    KeyNotWritten { path: String, reason: String },
    #[error("Файл «{path}»: {reason}")]
    File { path: String, reason: String },
    #[error("Файл «{0}» копии не расшифровывается этим ключом: копия изменена или сделана другим ключом")]
    Decrypt(String),
    #[error("Генератор случайных чисел недоступен")]
    Random,
}

impl SealError {
    pub fn code(&self) -> &'static str {
        match self {
            SealError::KeyUnreadable { .. } => "backup_key_unreadable",
            SealError::KeyMalformed { .. } => "backup_key_malformed",
            SealError::KeyNotWritten { .. } => "backup_key_not_written",
            SealError::File { .. } => "file_error",
            SealError::Decrypt(_) => "backup_signature_invalid",
            SealError::Random => "random_unavailable",
        }
    }
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> SealError {
    SealError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// The institution's backup key.
pub struct BackupKey {
    bytes: [u8; 32],
}

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself in a log or an error.
        write!(f, "BackupKey({})", self.id())
    }
}

impl BackupKey {
    /// Reads the key from `path`.
    pub fn load(path: &Path) -> Result<BackupKey, SealError> {
        let text = std::fs::read_to_string(path).map_err(|e| SealError::KeyUnreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let malformed = || SealError::KeyMalformed {
            path: path.display().to_string(),
        };
        let bytes: [u8; 32] = hex::decode(text.trim())
            .map_err(|_| malformed())?
            .try_into()
            .map_err(|_| malformed())?;
        Ok(BackupKey { bytes })
    }

    /// Reads the key from `path`, or makes a new one there (mode 600) if there is no file yet.
    pub fn load_or_create(path: &Path) -> Result<BackupKey, SealError> {
        if path.exists() {
            return BackupKey::load(path);
        }
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| SealError::Random)?;
        let not_written = |e: std::io::Error| SealError::KeyNotWritten {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(not_written)?;
        file.write_all(format!("{}\n", hex::encode(bytes)).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(not_written)?;
        Ok(BackupKey { bytes })
    }

    /// A short public name of the key (not the key): which key a copy was sealed with.
    pub fn id(&self) -> String {
        let digest = Sha256::digest([b"journal-backup-key-id:".as_slice(), &self.bytes].concat());
        hex::encode(&digest[..8])
    }

    fn aead(&self) -> LessSafeKey {
        // 32 bytes is exactly AES-256's key length: this cannot fail.
        LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &self.bytes).unwrap_or_else(|_| unreachable!()),
        )
    }

    /// The hex HMAC-SHA256 of `bytes` under the key.
    pub fn sign(&self, bytes: &[u8]) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.bytes);
        hex::encode(hmac::sign(&key, bytes).as_ref())
    }

    /// Whether `signature` (hex) is this key's HMAC of `bytes` (compared in constant time).
    pub fn verifies(&self, bytes: &[u8], signature: &str) -> bool {
        let Ok(tag) = hex::decode(signature.trim()) else {
            return false;
        };
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.bytes);
        hmac::verify(&key, bytes, &tag).is_ok()
    }

    /// Replaces the file `dir/name` with `dir/name.enc`: a random nonce, then the ciphertext with
    /// its tag; the file's name is bound in, so files cannot be swapped. Answers the new name.
    pub fn seal_file(&self, dir: &Path, name: &str) -> Result<String, SealError> {
        let plain_path = dir.join(name);
        let mut data = std::fs::read(&plain_path).map_err(|e| file_error(&plain_path, e))?;
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| SealError::Random)?;
        self.aead()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut data,
            )
            .map_err(|_| SealError::Random)?;
        let sealed_name = format!("{name}{SEALED_SUFFIX}");
        let sealed_path = dir.join(&sealed_name);
        let mut out = private_file(&sealed_path)?;
        out.write_all(&nonce)
            .and_then(|()| out.write_all(&data))
            .and_then(|()| out.sync_all())
            .map_err(|e| file_error(&sealed_path, e))?;
        std::fs::remove_file(&plain_path).map_err(|e| file_error(&plain_path, e))?;
        Ok(sealed_name)
    }

    /// Decrypts `from/sealed_name` into `to/` under its original name; answers that path.
    pub fn open_file(
        &self,
        from: &Path,
        sealed_name: &str,
        to: &Path,
    ) -> Result<PathBuf, SealError> {
        let name = sealed_name
            .strip_suffix(SEALED_SUFFIX)
            .ok_or_else(|| SealError::Decrypt(sealed_name.to_string()))?;
        let path = from.join(sealed_name);
        let data = std::fs::read(&path).map_err(|e| file_error(&path, e))?;
        if data.len() < NONCE_LEN {
            return Err(SealError::Decrypt(sealed_name.to_string()));
        }
        let (nonce, sealed) = data.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| SealError::Decrypt(sealed_name.to_string()))?;
        let mut buf = sealed.to_vec();
        let plain = self
            .aead()
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut buf,
            )
            .map_err(|_| SealError::Decrypt(sealed_name.to_string()))?;
        let out_path = to.join(name);
        let mut out = private_file(&out_path)?;
        out.write_all(plain)
            .and_then(|()| out.sync_all())
            .map_err(|e| file_error(&out_path, e))?;
        Ok(out_path)
    }
}

/// A new file readable and writable by its owner only.
fn private_file(path: &Path) -> Result<std::fs::File, SealError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| file_error(path, e))
}

/// Makes `path` private: a directory 700, a file 600 (nothing to do off Unix).
pub fn make_private(path: &Path) -> Result<(), SealError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| file_error(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_opens_with_its_key_only_and_under_its_own_name() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let key = BackupKey::load_or_create(&dir.path().join("k")).expect("a new key");
        std::fs::write(dir.path().join("journal.db"), b"personal data").expect("written");
        let sealed = key.seal_file(dir.path(), "journal.db").expect("sealed");
        assert!(
            !dir.path().join("journal.db").exists(),
            "no plain copy is left"
        );
        let bytes = std::fs::read(dir.path().join(&sealed)).expect("read");
        assert!(
            !bytes.windows(13).any(|w| w == b"personal data"),
            "the sealed file does not hold the text"
        );
        let out = tempfile::tempdir().expect("a temp dir");
        let opened = key
            .open_file(dir.path(), &sealed, out.path())
            .expect("opens with its key");
        assert_eq!(std::fs::read(opened).expect("read"), b"personal data");

        let other = BackupKey::load_or_create(&dir.path().join("k2")).expect("another key");
        assert_eq!(
            other
                .open_file(dir.path(), &sealed, out.path())
                .expect_err("another key fails")
                .code(),
            "backup_signature_invalid"
        );
        std::fs::rename(dir.path().join(&sealed), dir.path().join("other.db.enc"))
            .expect("renamed");
        assert!(
            key.open_file(dir.path(), "other.db.enc", out.path())
                .is_err(),
            "a file moved under another name does not open"
        );
    }

    #[test]
    fn a_signature_covers_every_byte_and_the_key_file_is_private() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("backup.key");
        let key = BackupKey::load_or_create(&path).expect("a new key");
        let again = BackupKey::load_or_create(&path).expect("the same key is read back");
        assert_eq!(
            key.id(),
            again.id(),
            "a second call reads the key, not a new one"
        );
        let sig = key.sign(b"{\"files\":[]}");
        assert!(again.verifies(b"{\"files\":[]}", &sig));
        assert!(
            !again.verifies(b"{\"files\":[ ]}", &sig),
            "one byte more fails"
        );
        assert!(
            !again.verifies(b"{\"files\":[]}", "00"),
            "a made-up signature fails"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the key file is readable by its owner only");
        }
        std::fs::write(&path, "not a key").expect("written");
        assert_eq!(
            BackupKey::load(&path).expect_err("refused").code(),
            "backup_key_malformed"
        );
    }
}
