//! The app's updates from the institution's own server: a manifest (version, release notes, and per
//! package kind the file's name, size and SHA-256) signed with the institution's update key
//! (ed25519), made by `journal-server updates publish` ([`publish`]) and checked by the app
//! ([`SignedManifest::verify`], then [`PackageEntry::check`] on the downloaded bytes) before a
//! package is handed to the package manager.
//!
//! The signature covers [`Manifest::canonical_bytes`]: a fixed prefix and the manifest serialised
//! with its fields in declaration order. Fields a later version adds are ignored by this one, so they
//! are never trusted unsigned. No IO except key files and [`publish`].

mod publish;

use std::fmt;
use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use publish::publish;

/// The manifest's file name in the server's update directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// What the signature is over besides the manifest: a signature made for anything else (an op, a
/// backup) never passes as a manifest's.
const SIGNING_PREFIX: &[u8] = b"offline-journal update manifest v1\n";

/// The longest release notes.
pub const MAX_NOTES_CHARS: usize = 4000;

/// A refusal of an update: a stable code and a Russian message. Nothing is installed after one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    #[error("Обновление не подписано ключом обновлений учреждения: установка отклонена")]
    Unsigned,
    #[error("Подпись обновления неверна: описание обновления изменено или подписано чужим ключом; установка отклонена")]
    SignatureInvalid,
    #[error("Пакет «{0}» не совпадает с подписанным описанием обновления (размер или контрольная сумма): он изменён или повреждён; ничего не установлено")]
    PackageAltered(String),
    #[error("Описание обновления неверно: {0}")]
    ManifestInvalid(String),
    #[error("Номер версии «{0}» не в виде 1.2.3")]
    VersionInvalid(String),
    #[error("В обновлении нет пакета для этого компьютера ({0})")]
    NoPackage(PackageKind),
    #[error("Версия {offered} не новее установленной {current}")]
    NotNewer { offered: String, current: String },
    #[error("Ключ обновлений не подходит: {0}")]
    KeyInvalid(String),
    #[error("Файл ключа обновлений «{0}» уже есть: новый ключ не записан поверх")]
    KeyExists(String),
    #[error("Ошибка файла: {0}")]
    File(String),
}

impl UpdateError {
    pub fn code(&self) -> &'static str {
        match self {
            UpdateError::Unsigned => "update_unsigned",
            UpdateError::SignatureInvalid => "update_signature_invalid",
            UpdateError::PackageAltered(_) => "update_package_altered",
            UpdateError::ManifestInvalid(_) => "update_manifest_invalid",
            UpdateError::VersionInvalid(_) => "update_version_invalid",
            UpdateError::NoPackage(_) => "update_no_package",
            UpdateError::NotNewer { .. } => "update_not_newer",
            UpdateError::KeyInvalid(_) => "update_key_invalid",
            UpdateError::KeyExists(_) => "update_key_exists",
            UpdateError::File(_) => "update_file",
        }
    }
}

/// The kind of package a computer installs: Debian-like Linux (.deb), RPM-based Linux (.rpm),
/// Windows (the NSIS installer, .exe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageKind {
    Deb,
    Rpm,
    Nsis,
}

impl PackageKind {
    /// The kind of a package file by its name's ending.
    pub fn of_file(name: &str) -> Option<PackageKind> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".deb") {
            Some(PackageKind::Deb)
        } else if lower.ends_with(".rpm") {
            Some(PackageKind::Rpm)
        } else if lower.ends_with(".exe") {
            Some(PackageKind::Nsis)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PackageKind::Deb => "deb",
            PackageKind::Rpm => "rpm",
            PackageKind::Nsis => "nsis",
        }
    }
}

impl fmt::Display for PackageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One package of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageEntry {
    pub kind: PackageKind,
    /// The file's name in the update directory (see [`valid_file_name`]).
    pub file: String,
    pub size: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
}

impl PackageEntry {
    /// The downloaded bytes are the signed package: same size and SHA-256, else
    /// `update_package_altered`.
    pub fn check(&self, bytes: &[u8]) -> Result<(), UpdateError> {
        if bytes.len() as u64 != self.size || sha256_hex(bytes) != self.sha256 {
            return Err(UpdateError::PackageAltered(self.file.clone()));
        }
        Ok(())
    }
}

/// What the institution publishes: the version, its release notes (Russian) and its packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: String,
    pub notes: String,
    pub packages: Vec<PackageEntry>,
}

impl Manifest {
    /// The bytes the signature covers.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, UpdateError> {
        let json = serde_json::to_vec(self)
            .map_err(|e| UpdateError::ManifestInvalid(format!("не записывается ({e})")))?;
        Ok([SIGNING_PREFIX, json.as_slice()].concat())
    }

    /// The manifest signed with the institution's update key.
    pub fn sign(self, key: &SigningKey) -> Result<SignedManifest, UpdateError> {
        self.check_fields()?;
        let signature = key.sign(&self.canonical_bytes()?);
        Ok(SignedManifest {
            manifest: self,
            signature: Some(hex::encode(signature.to_bytes())),
        })
    }

    /// The package for `kind`.
    pub fn package(&self, kind: PackageKind) -> Result<&PackageEntry, UpdateError> {
        self.packages
            .iter()
            .find(|p| p.kind == kind)
            .ok_or(UpdateError::NoPackage(kind))
    }

    /// Whether this release is newer than the `current` version.
    pub fn is_newer_than(&self, current: &str) -> Result<bool, UpdateError> {
        Ok(Version::parse(&self.version)? > Version::parse(current)?)
    }

    /// What a signed manifest must also be: a version 1.2.3, notes of a sane length, file names
    /// without folders, one package per kind, SHA-256 in hex.
    fn check_fields(&self) -> Result<(), UpdateError> {
        Version::parse(&self.version)?;
        if self.notes.chars().count() > MAX_NOTES_CHARS {
            return Err(UpdateError::ManifestInvalid(format!(
                "описание изменений длиннее {MAX_NOTES_CHARS} знаков"
            )));
        }
        if self.packages.is_empty() {
            return Err(UpdateError::ManifestInvalid("нет ни одного пакета".into()));
        }
        for (i, p) in self.packages.iter().enumerate() {
            if !valid_file_name(&p.file) || PackageKind::of_file(&p.file) != Some(p.kind) {
                return Err(UpdateError::ManifestInvalid(format!(
                    "имя файла «{}» не годится для пакета {}",
                    p.file, p.kind
                )));
            }
            if p.sha256.len() != 64
                || !p
                    .sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(UpdateError::ManifestInvalid(format!(
                    "контрольная сумма пакета «{}» не SHA-256",
                    p.file
                )));
            }
            if self.packages[..i].iter().any(|q| q.kind == p.kind) {
                return Err(UpdateError::ManifestInvalid(format!(
                    "два пакета вида {}",
                    p.kind
                )));
            }
        }
        Ok(())
    }
}

/// The manifest as the server keeps and serves it: `{"manifest": {...}, "signature": "hex"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedManifest {
    pub manifest: Manifest,
    /// The ed25519 signature of [`Manifest::canonical_bytes`], hex; absent: unsigned.
    #[serde(default)]
    pub signature: Option<String>,
}

impl SignedManifest {
    /// The manifest, if `key` signed exactly it: `update_unsigned` without a signature,
    /// `update_signature_invalid` when it does not verify (changed after signing, or another
    /// key's), `update_manifest_invalid` when what was signed is not a usable manifest.
    pub fn verify(&self, key: &VerifyingKey) -> Result<&Manifest, UpdateError> {
        let Some(hex_sig) = self.signature.as_deref().filter(|s| !s.trim().is_empty()) else {
            return Err(UpdateError::Unsigned);
        };
        let bytes: [u8; 64] = hex::decode(hex_sig.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(UpdateError::SignatureInvalid)?;
        let signature = Signature::from_bytes(&bytes);
        let message = self
            .manifest
            .canonical_bytes()
            .map_err(|_| UpdateError::SignatureInvalid)?;
        key.verify_strict(&message, &signature)
            .map_err(|_| UpdateError::SignatureInvalid)?;
        self.manifest.check_fields()?;
        Ok(&self.manifest)
    }
}

/// A version `MAJOR.MINOR.PATCH`, compared by number (0.1.10 is newer than 0.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    pub fn parse(text: &str) -> Result<Version, UpdateError> {
        let bad = || UpdateError::VersionInvalid(text.chars().take(40).collect());
        let mut parts = text.trim().split('.').map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse::<u64>().ok()
            }
        });
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Some(a)), Some(Some(b)), Some(Some(c)), None) => Ok(Version(a, b, c)),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// A package file name the server serves and the app saves under: letters, digits, `.`, `_`, `-`,
/// `+`, `~`; no folders, not hidden, at most 200 characters.
pub fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+' | b'~'))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The public key from its hex form (64 hex digits, as `updates keygen` prints it).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, UpdateError> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| UpdateError::KeyInvalid("ожидается 64 шестнадцатеричные цифры".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| UpdateError::KeyInvalid("это не открытый ключ ed25519".into()))
}

/// A public key's hex form.
pub fn public_key_hex(key: &VerifyingKey) -> String {
    hex::encode(key.to_bytes())
}

/// Makes a new update key at `path` (the private key in hex, mode 600; an existing file is never
/// overwritten) and returns its public key.
pub fn write_new_signing_key(path: &Path) -> Result<VerifyingKey, UpdateError> {
    use std::io::Write;
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            UpdateError::KeyExists(path.display().to_string())
        } else {
            UpdateError::File(format!("«{}»: {e}", path.display()))
        }
    })?;
    writeln!(file, "{}", hex::encode(key.to_bytes()))
        .and_then(|_| file.sync_all())
        .map_err(|e| UpdateError::File(format!("«{}»: {e}", path.display())))?;
    Ok(key.verifying_key())
}

/// The update key written by [`write_new_signing_key`].
pub fn read_signing_key(path: &Path) -> Result<SigningKey, UpdateError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UpdateError::File(format!("«{}»: {e}", path.display())))?;
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            UpdateError::KeyInvalid(format!(
                "«{}» — не закрытый ключ обновлений (64 шестнадцатеричные цифры)",
                path.display()
            ))
        })?;
    Ok(SigningKey::from_bytes(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::generate(&mut rand::rngs::OsRng)
    }

    const DEB: &[u8] = b"!<arch>\ndebian-binary   the package's bytes";

    fn manifest(version: &str) -> Manifest {
        Manifest {
            version: version.into(),
            notes: "Исправлена печать сводной ведомости".into(),
            packages: vec![PackageEntry {
                kind: PackageKind::Deb,
                file: format!("offline-journal_{version}_amd64.deb"),
                size: DEB.len() as u64,
                sha256: sha256_hex(DEB),
            }],
        }
    }

    /// The manifest as the app receives it: through JSON.
    fn over_the_wire(signed: &SignedManifest) -> SignedManifest {
        let text = serde_json::to_string(signed).expect("a manifest serialises");
        serde_json::from_str(&text).expect("and parses back")
    }

    #[test]
    fn a_signed_manifest_and_its_package_pass() {
        let key = key();
        let signed = over_the_wire(&manifest("0.1.1").sign(&key).expect("signs"));
        let m = signed
            .verify(&key.verifying_key())
            .expect("the institution's key verifies its manifest");
        assert!(m.is_newer_than("0.1.0").expect("versions parse"));
        let deb = m.package(PackageKind::Deb).expect("a .deb is offered");
        deb.check(DEB).expect("the same bytes pass");
        assert_eq!(
            m.package(PackageKind::Rpm).map_err(|e| e.code()),
            Err("update_no_package"),
            "no .rpm was published"
        );
    }

    #[test]
    fn an_altered_manifest_is_refused() {
        let key = key();
        let signed = manifest("0.1.1").sign(&key).expect("signs");
        let mut changed = signed.clone();
        changed.manifest.packages[0].sha256 = sha256_hex(b"another package");
        assert_eq!(
            changed.verify(&key.verifying_key()).map_err(|e| e.code()),
            Err("update_signature_invalid"),
            "a changed checksum breaks the signature"
        );
        let mut changed = signed.clone();
        changed.manifest.version = "9.9.9".into();
        assert_eq!(
            changed.verify(&key.verifying_key()).map_err(|e| e.code()),
            Err("update_signature_invalid"),
            "a changed version breaks the signature"
        );
        let other = manifest("0.1.1").sign(&self::key()).expect("signs");
        assert_eq!(
            other.verify(&key.verifying_key()).map_err(|e| e.code()),
            Err("update_signature_invalid"),
            "another key's manifest is not the institution's"
        );
        let mut garbled = signed;
        garbled.signature = Some("zz".into());
        assert_eq!(
            garbled.verify(&key.verifying_key()).map_err(|e| e.code()),
            Err("update_signature_invalid"),
            "a signature that is not hex is invalid"
        );
    }

    #[test]
    fn an_unsigned_manifest_is_refused() {
        let key = key();
        for signature in [None, Some(String::new()), Some("  ".to_string())] {
            let unsigned = SignedManifest {
                manifest: manifest("0.1.1"),
                signature,
            };
            let err = unsigned.verify(&key.verifying_key()).err();
            assert_eq!(
                err.as_ref().map(|e| e.code()),
                Some("update_unsigned"),
                "no signature, no update"
            );
            assert!(err.is_some_and(|e| e.to_string().contains("не подписано")));
        }
        let parsed: SignedManifest =
            serde_json::from_str(r#"{"manifest":{"version":"0.1.1","notes":"","packages":[]}}"#)
                .expect("a manifest without the signature field parses");
        assert_eq!(
            parsed.verify(&key.verifying_key()).map_err(|e| e.code()),
            Err("update_unsigned")
        );
    }

    #[test]
    fn an_altered_package_is_refused() {
        let entry = manifest("0.1.1").packages.remove(0);
        let mut flipped = DEB.to_vec();
        flipped[10] ^= 1;
        let err = entry.check(&flipped).expect_err("one byte flipped");
        assert_eq!(err.code(), "update_package_altered");
        assert!(
            err.to_string().contains(&entry.file),
            "the message names the file: {err}"
        );
        assert_eq!(
            entry.check(&DEB[..DEB.len() - 1]).map_err(|e| e.code()),
            Err("update_package_altered"),
            "a shortened download"
        );
    }

    #[test]
    fn versions_compare_by_number() {
        let m = manifest("0.1.10");
        assert!(m.is_newer_than("0.1.9").expect("parses"));
        assert!(
            !m.is_newer_than("0.1.10").expect("parses"),
            "the same is not newer"
        );
        assert!(
            !m.is_newer_than("0.2.0").expect("parses"),
            "an older release"
        );
        assert!(!manifest("0.1.0").is_newer_than("0.1.1").expect("parses"));
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "1.x.3",
            "-1.0.0",
            "1.0.0-beta",
            "1..3",
        ] {
            assert_eq!(
                Version::parse(bad).map_err(|e| e.code()),
                Err("update_version_invalid"),
                "«{bad}» is not a version"
            );
        }
        assert_eq!(
            Version::parse(" 2.10.3 ").map(|v| v.to_string()),
            Ok("2.10.3".into())
        );
    }

    #[test]
    fn a_manifest_naming_a_folder_cannot_be_signed() {
        let key = key();
        for file in ["../offline-journal.deb", "a/b.deb", ".deb", "x.rpm", ""] {
            let mut m = manifest("0.1.1");
            m.packages[0].file = file.into();
            assert_eq!(
                m.sign(&key).map_err(|e| e.code()),
                Err("update_manifest_invalid"),
                "«{file}» is refused"
            );
        }
        let mut m = manifest("0.1.1");
        m.packages[0].sha256 = "ABC".into();
        assert_eq!(
            m.sign(&key).map_err(|e| e.code()),
            Err("update_manifest_invalid")
        );
    }

    #[test]
    fn file_names() {
        for good in [
            "offline-journal_0.1.1_amd64.deb",
            "offline-journal-0.1.1-1.x86_64.rpm",
            "offline-journal_0.1.1_x64-setup.exe",
        ] {
            assert!(valid_file_name(good), "{good}");
        }
        for bad in [
            "..",
            "../x.deb",
            "a/x.deb",
            "a\\x.deb",
            ".hidden.deb",
            "x y.deb",
            "x%2f.deb",
        ] {
            assert!(!valid_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn key_files() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("update.key");
        let public = write_new_signing_key(&path).expect("a key is made");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("the key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner reads the private key");
        }
        let private = read_signing_key(&path).expect("the key reads back");
        assert_eq!(private.verifying_key(), public);
        assert_eq!(
            parse_public_key(&public_key_hex(&public)).expect("the printed form parses"),
            public
        );
        assert_eq!(
            write_new_signing_key(&path).map_err(|e| e.code()),
            Err("update_key_exists"),
            "an existing key is never overwritten"
        );
        assert_eq!(
            parse_public_key("00ff").map_err(|e| e.code()),
            Err("update_key_invalid")
        );
    }
}
