//! The app's updates from the institution's server (issue 15 item 3): after an online sign-in the
//! app reads the server's signed manifest, and offers a newer version; «Установить» downloads the
//! package for this computer, checks it against the manifest (signature first, then size and
//! SHA-256 — journal-update) and only then hands it to the package manager. A refusal installs
//! nothing.
//!
//! Trust: the app believes one public key, the institution's update key ([`UpdateTrust::load`]):
//! the file [`SYSTEM_KEY_FILE`] the administrator puts on the PC (root's, so a teacher's account
//! cannot swap it), else a key baked in at build time (`JOURNAL_UPDATE_PUBLIC_KEY`, for an
//! institution building its own packages). Neither: no update is checked. The key never comes
//! from the server whose packages it judges.
//!
//! Why not tauri-plugin-updater: on Linux it installs only AppImages (it overwrites the file named
//! by `$APPIMAGE`); our .deb and .rpm belong to the package manager, which must install them.

use std::io::Read;
use std::path::{Path, PathBuf};

use journal_update::{PackageKind, SignedManifest, UpdateError};
use serde::{Deserialize, Serialize};

use crate::{ApiError, Journal};

/// Where the administrator puts the institution's public update key (64 hex digits, as
/// `journal-server updates keygen` prints it).
pub const SYSTEM_KEY_FILE: &str = "/etc/offline-journal/update-key";

/// The key baked in at build time, if the packages were built with one.
const BUILT_IN_KEY: Option<&str> = option_env!("JOURNAL_UPDATE_PUBLIC_KEY");

impl From<UpdateError> for ApiError {
    fn from(e: UpdateError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

/// The update key the app trusts.
#[derive(Debug, Clone)]
pub struct UpdateTrust {
    key: ed25519_dalek::VerifyingKey,
}

impl UpdateTrust {
    pub fn new(key: ed25519_dalek::VerifyingKey) -> UpdateTrust {
        UpdateTrust { key }
    }

    /// The key of this PC: [`SYSTEM_KEY_FILE`], else the built-in one; `None` when neither is
    /// there (updates are off). A file that is there but not a key is an error, not "off".
    pub fn load() -> Result<Option<UpdateTrust>, ApiError> {
        Self::load_from(Path::new(SYSTEM_KEY_FILE), BUILT_IN_KEY)
    }

    fn load_from(file: &Path, built_in: Option<&str>) -> Result<Option<UpdateTrust>, ApiError> {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ApiError::new(
                    "update_key_invalid",
                    format!("Ключ обновлений «{}» не читается: {e}", file.display()),
                ))
            }
        };
        let Some(text) = text.or_else(|| built_in.map(str::to_string)) else {
            return Ok(None);
        };
        let key = journal_update::parse_public_key(&text)
            .map_err(|e| ApiError::new(e.code(), format!("{e} (файл «{}»)", file.display())))?;
        Ok(Some(UpdateTrust { key }))
    }
}

/// A newer version the server offers, as the bar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UpdateOffer {
    pub version: String,
    pub current_version: String,
    /// What changed (Russian).
    pub notes: String,
    /// The package for this computer.
    pub file: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// A downloaded package that matched the signed manifest.
#[derive(Debug, Clone)]
pub struct VerifiedPackage {
    pub path: PathBuf,
    pub kind: PackageKind,
    pub version: String,
}

/// Where updates come from: the server the copy signed in to (and its CA file).
#[derive(Debug, Clone)]
pub struct UpdateSource {
    server_url: String,
    ca_file: Option<PathBuf>,
}

impl Journal {
    /// The server this copy signed in to online; `not_signed_in_online` after an offline sign-in.
    pub fn update_source(&self) -> Result<UpdateSource, ApiError> {
        match (&self.link.server_url, self.is_online_session()) {
            (Some(url), true) => Ok(UpdateSource {
                server_url: url.clone(),
                ca_file: self.link.ca_file.clone(),
            }),
            _ => Err(ApiError::new(
                "not_signed_in_online",
                "Обновления проверяются после входа с подключением к серверу",
            )),
        }
    }
}

/// The package kind this computer installs: .deb where dpkg is, else .rpm where rpm is (Linux),
/// the NSIS installer on Windows; `None` elsewhere.
pub fn package_kind_here() -> Option<PackageKind> {
    match std::env::consts::OS {
        "linux" if Path::new("/usr/bin/dpkg").exists() => Some(PackageKind::Deb),
        "linux" if Path::new("/usr/bin/rpm").exists() => Some(PackageKind::Rpm),
        "windows" => Some(PackageKind::Nsis),
        _ => None,
    }
}

impl UpdateSource {
    /// A source at `server_url` (tests; the app takes it from [`Journal::update_source`]).
    pub fn new(server_url: &str, ca_file: Option<PathBuf>) -> UpdateSource {
        UpdateSource {
            server_url: server_url.to_string(),
            ca_file,
        }
    }

    /// The server's manifest, verified with `trust`; `None` when nothing is published.
    fn manifest(&self, trust: &UpdateTrust) -> Result<Option<journal_update::Manifest>, ApiError> {
        let http = crate::tls::client(self.ca_file.as_deref())?;
        let resp = http
            .get(crate::sync::api_url(&self.server_url, "/app/update"))
            .send()
            .map_err(crate::tls::request_failed)?;
        if resp.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let signed: SignedManifest = crate::sync::read_json(resp)?;
        Ok(Some(signed.verify(&trust.key)?.clone()))
    }

    /// The offer for `kind` when the server publishes a version newer than `current`, signed with
    /// the trusted key (`update_unsigned`, `update_signature_invalid` otherwise).
    pub fn check(
        &self,
        trust: &UpdateTrust,
        current: &str,
        kind: PackageKind,
    ) -> Result<Option<UpdateOffer>, ApiError> {
        let Some(manifest) = self.manifest(trust)? else {
            return Ok(None);
        };
        if !manifest.is_newer_than(current)? {
            return Ok(None);
        }
        let entry = manifest.package(kind)?;
        Ok(Some(UpdateOffer {
            version: manifest.version.clone(),
            current_version: current.to_string(),
            notes: manifest.notes.clone(),
            file: entry.file.clone(),
            size: entry.size,
        }))
    }

    /// Downloads the package for `kind` into `dir` and checks it: the manifest is read and
    /// verified again (nothing the UI holds is trusted), the version must be newer than `current`,
    /// the bytes must have the signed size and SHA-256. `progress(done, total)` is called as bytes
    /// arrive. On any refusal nothing is left in `dir` to install.
    pub fn download(
        &self,
        trust: &UpdateTrust,
        current: &str,
        kind: PackageKind,
        dir: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VerifiedPackage, ApiError> {
        let Some(manifest) = self.manifest(trust)? else {
            return Err(ApiError::new(
                "no_updates",
                "На сервере учреждения больше нет обновления",
            ));
        };
        if !manifest.is_newer_than(current)? {
            return Err(UpdateError::NotNewer {
                offered: manifest.version.clone(),
                current: current.to_string(),
            }
            .into());
        }
        let entry = manifest.package(kind)?;
        let http = crate::tls::client(self.ca_file.as_deref())?;
        let resp = http
            .get(crate::sync::api_url(
                &self.server_url,
                &format!("/app/packages/{}", entry.file),
            ))
            .send()
            .map_err(crate::tls::request_failed)?;
        if !resp.status().is_success() {
            return Err(crate::sync::read_json::<serde_json::Value>(resp)
                .err()
                .unwrap_or_else(|| ApiError::new("server_error", "Сервер не отдал пакет")));
        }
        // Never more than the signed size plus one byte: a longer answer is altered anyway.
        let mut reader = resp.take(entry.size.saturating_add(1));
        let mut bytes = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0).min(1 << 28));
        let mut chunk = vec![0u8; 256 * 1024];
        loop {
            let n = reader.read(&mut chunk).map_err(|e| {
                ApiError::new(
                    "server_unreachable",
                    format!("Загрузка пакета прервалась: {e}"),
                )
            })?;
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            progress(bytes.len() as u64, entry.size);
        }
        entry.check(&bytes)?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(&entry.file);
        let part = dir.join(format!("{}.part", entry.file));
        std::fs::write(&part, &bytes)?;
        std::fs::rename(&part, &path)?;
        Ok(VerifiedPackage {
            path,
            kind,
            version: manifest.version.clone(),
        })
    }
}

/// This process runs as root (Linux): then the package manager is called directly, else through
/// pkexec, which asks for an administrator's password.
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// The command that installs `package`: apt-get for a .deb (it also brings missing dependencies),
/// dnf (else rpm) for an .rpm, the installer itself on Windows (through `start`, which asks for
/// elevation; not tested here).
pub fn install_command(package: &VerifiedPackage, as_root: bool) -> Vec<String> {
    let path = package.path.display().to_string();
    let mut command: Vec<String> = match package.kind {
        // Waits for another apt (unattended upgrades) instead of failing on its lock.
        PackageKind::Deb => vec![
            "apt-get".into(),
            "-o".into(),
            "DPkg::Lock::Timeout=120".into(),
            "install".into(),
            "-y".into(),
            path,
        ],
        PackageKind::Rpm if Path::new("/usr/bin/dnf").exists() => {
            vec!["dnf".into(), "install".into(), "-y".into(), path]
        }
        PackageKind::Rpm => vec!["rpm".into(), "-U".into(), path],
        // A per-machine installer needs elevation, which only ShellExecute (`start`) asks for.
        PackageKind::Nsis => {
            return vec![
                "cmd".into(),
                "/C".into(),
                "start".into(),
                String::new(),
                "/wait".into(),
                path,
            ]
        }
    };
    if !as_root {
        command.insert(0, "pkexec".into());
    }
    command
}

/// Hands the verified package to the package manager and waits for it. `update_install_failed`
/// with the manager's last words when it refuses.
pub fn install(package: &VerifiedPackage) -> Result<(), ApiError> {
    let command = install_command(package, running_as_root());
    let failed = |why: String| {
        ApiError::new(
            "update_install_failed",
            format!("Установка версии {} не удалась: {why}", package.version),
        )
    };
    let output = std::process::Command::new(&command[0])
        .args(&command[1..])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .map_err(|e| failed(format!("не запускается {} ({e})", command[0])))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(failed(if tail.is_empty() {
            format!("{} завершилась с кодом {}", command[0], output.status)
        } else {
            tail.join(" ")
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trusted_key_comes_from_the_file_else_the_build() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("update-key");
        let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        let other = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        assert!(
            UpdateTrust::load_from(&file, None)
                .expect("no file, no key")
                .is_none(),
            "neither: updates are off"
        );
        let built = UpdateTrust::load_from(&file, Some(&journal_update::public_key_hex(&other)))
            .expect("the built-in key")
            .expect("is used without a file");
        assert_eq!(built.key, other);
        std::fs::write(&file, format!("{}\n", journal_update::public_key_hex(&key)))
            .expect("the administrator's key file");
        let trusted = UpdateTrust::load_from(&file, Some(&journal_update::public_key_hex(&other)))
            .expect("reads")
            .expect("a key");
        assert_eq!(
            trusted.key, key,
            "the PC's own file wins over the built-in key"
        );
        std::fs::write(&file, "not a key").expect("a damaged file");
        assert_eq!(
            UpdateTrust::load_from(&file, None)
                .map(|_| ())
                .map_err(|e| e.code),
            Err("update_key_invalid".to_string()),
            "a damaged key file is an error, not «no updates»"
        );
    }

    #[test]
    fn the_package_manager_is_asked_through_pkexec_unless_root() {
        let deb = VerifiedPackage {
            path: PathBuf::from("/tmp/u/offline-journal_0.1.1_amd64.deb"),
            kind: PackageKind::Deb,
            version: "0.1.1".into(),
        };
        assert_eq!(
            install_command(&deb, false),
            [
                "pkexec",
                "apt-get",
                "-o",
                "DPkg::Lock::Timeout=120",
                "install",
                "-y",
                "/tmp/u/offline-journal_0.1.1_amd64.deb"
            ]
        );
        assert_eq!(install_command(&deb, true)[0], "apt-get");
    }
}
