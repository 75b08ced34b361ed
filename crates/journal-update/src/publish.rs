//! Publishing a release into the server's update directory: the packages copied in, then the signed
//! manifest written over the previous one. Each file is written beside its final name and renamed,
//! so the server never serves half a file, and the manifest goes last: it names only packages that
//! are already complete.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use crate::{
    sha256_hex, valid_file_name, Manifest, PackageEntry, PackageKind, SignedManifest, UpdateError,
    Version, MANIFEST_FILE,
};

fn file_error(path: &Path, e: std::io::Error) -> UpdateError {
    UpdateError::File(format!("«{}»: {e}", path.display()))
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), UpdateError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| file_error(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| file_error(path, e))
}

/// Whether a package file name carries `version` between separators (`_0.1.1_`, `-0.1.1-`), as
/// the Tauri bundler names .deb, .rpm and .exe files.
fn names_version(name: &str, version: &str) -> bool {
    name.match_indices(version).any(|(at, _)| {
        let before = name[..at].chars().last();
        let after = name[at + version.len()..].chars().next();
        matches!(before, Some('_' | '-')) && matches!(after, Some('_' | '-'))
    })
}

/// Publishes `packages` (.deb, .rpm, .exe; at most one of each) as release `version` with `notes`
/// into `dir`, signed with `key`. Returns the manifest written. Nothing is published when a
/// package or the version is refused.
pub fn publish(
    dir: &Path,
    key: &SigningKey,
    packages: &[PathBuf],
    version: &str,
    notes: &str,
) -> Result<SignedManifest, UpdateError> {
    Version::parse(version)?;
    let mut read = Vec::new();
    for path in packages {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !valid_file_name(&name) {
            return Err(UpdateError::ManifestInvalid(format!(
                "имя файла «{}» не годится: буквы, цифры, точка, дефис, подчёркивание",
                path.display()
            )));
        }
        let Some(kind) = PackageKind::of_file(&name) else {
            return Err(UpdateError::ManifestInvalid(format!(
                "«{name}» — не пакет .deb, .rpm или установщик .exe"
            )));
        };
        // The bundler names every package by its version: another version's file published under
        // this one would be installed, then offered again after every sign-in.
        if !names_version(&name, version.trim()) {
            return Err(UpdateError::ManifestInvalid(format!(
                "«{name}» — пакет не версии {}",
                version.trim()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| file_error(path, e))?;
        read.push((
            PackageEntry {
                kind,
                file: name,
                size: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
            },
            bytes,
        ));
    }
    let manifest = Manifest {
        version: version.trim().to_string(),
        notes: notes.trim().to_string(),
        packages: read.iter().map(|(entry, _)| entry.clone()).collect(),
    };
    // Signing checks the whole manifest (one package per kind, at least one) before any file moves.
    let signed = manifest.sign(key)?;
    std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    for (entry, bytes) in &read {
        write_replacing(&dir.join(&entry.file), bytes)?;
    }
    let json = serde_json::to_vec_pretty(&signed)
        .map_err(|e| UpdateError::ManifestInvalid(format!("не записывается ({e})")))?;
    write_replacing(&dir.join(MANIFEST_FILE), &json)?;
    Ok(signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_is_published_and_verifies() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let built = dir.path().join("built");
        std::fs::create_dir(&built).expect("a build folder");
        let deb = built.join("offline-journal_0.1.1_amd64.deb");
        let rpm = built.join("offline-journal-0.1.1-1.x86_64.rpm");
        std::fs::write(&deb, b"deb bytes").expect("a .deb");
        std::fs::write(&rpm, b"rpm bytes").expect("a .rpm");
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let updates = dir.path().join("updates");
        let signed = publish(&updates, &key, &[deb.clone(), rpm], "0.1.1", "Новая печать")
            .expect("published");
        let text = std::fs::read_to_string(updates.join(MANIFEST_FILE)).expect("the manifest");
        let served: SignedManifest = serde_json::from_str(&text).expect("parses");
        assert_eq!(served, signed);
        let m = served.verify(&key.verifying_key()).expect("verifies");
        let entry = m.package(PackageKind::Deb).expect("the .deb");
        let copied = std::fs::read(updates.join(&entry.file)).expect("the .deb was copied");
        entry
            .check(&copied)
            .expect("the copy is the signed package");
        assert!(m.package(PackageKind::Rpm).is_ok(), "the .rpm is listed");
    }

    #[test]
    fn a_refused_release_publishes_nothing() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let updates = dir.path().join("updates");
        let deb = dir.path().join("a_0.1.1_amd64.deb");
        let other = dir.path().join("b_0.1.1_amd64.deb");
        let older = dir.path().join("a_0.1.0_amd64.deb");
        let text = dir.path().join("notes_0.1.1_.txt");
        for p in [&deb, &other, &older, &text] {
            std::fs::write(p, b"x").expect("a file");
        }
        for (packages, version, code) in [
            (vec![deb.clone()], "0.1", "update_version_invalid"),
            (vec![text], "0.1.1", "update_manifest_invalid"),
            (vec![deb.clone(), other], "0.1.1", "update_manifest_invalid"),
            (vec![older], "0.1.1", "update_manifest_invalid"),
            (vec![deb.clone()], "0.1.11", "update_manifest_invalid"),
            (vec![], "0.1.1", "update_manifest_invalid"),
            (
                vec![dir.path().join("x_0.1.1_amd64.deb")],
                "0.1.1",
                "update_file",
            ),
        ] {
            assert_eq!(
                publish(&updates, &key, &packages, version, "").map_err(|e| e.code()),
                Err(code),
                "{packages:?} {version}"
            );
        }
        assert!(!updates.exists(), "nothing was written");
    }

    #[test]
    fn the_version_is_read_from_the_bundler_names() {
        for name in [
            "offline-journal_0.1.1_amd64.deb",
            "offline-journal-0.1.1-1.x86_64.rpm",
            "offline-journal_0.1.1_x64-setup.exe",
        ] {
            assert!(names_version(name, "0.1.1"), "{name}");
            assert!(!names_version(name, "0.1.0"), "{name} is not 0.1.0");
            assert!(
                !names_version(name, "1.1"),
                "{name}: 1.1 is only a part of 0.1.1"
            );
        }
    }
}
