//! The app's side of updates against a real journal server: after an online sign-in the copy's
//! server offers a newer version published with the institution's key; the package downloads and
//! matches the signed manifest; an altered package, an unsigned or foreign-signed manifest and an
//! older version are refused (or not offered) and leave nothing to install.

use ed25519_dalek::SigningKey;
use journal_api::update::UpdateTrust;
use journal_update::{PackageKind, SignedManifest, MANIFEST_FILE};

use crate::server::{sign_in, today, TestServer};

const DEB: &str = "offline-journal_0.1.1_amd64.deb";

fn publish(server: &TestServer, key: &SigningKey, version: &str) {
    let built = tempfile::tempdir().expect("a build folder");
    let deb = built
        .path()
        .join(format!("offline-journal_{version}_amd64.deb"));
    std::fs::write(&deb, format!("!<arch>\nthe app {version}")).expect("a package");
    journal_update::publish(
        &server.updates,
        key,
        &[deb],
        version,
        "Новая печать ведомостей",
    )
    .expect("published");
}

fn now() -> chrono::NaiveDateTime {
    today().and_hms_opt(13, 0, 0).expect("a time")
}

#[test]
fn a_newer_signed_release_is_offered_and_downloads_verified() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("the PC's data dir");
    let journal = sign_in(&server, pc.path(), "teacher", now());
    let source = journal.update_source().expect("signed in online");
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let trust = UpdateTrust::new(key.verifying_key());

    assert_eq!(
        source.check(&trust, "0.1.0", PackageKind::Deb),
        Ok(None),
        "nothing published: no offer, no error"
    );
    publish(&server, &key, "0.1.1");
    let offer = source
        .check(&trust, "0.1.0", PackageKind::Deb)
        .expect("the manifest verifies")
        .expect("0.1.1 is offered to 0.1.0");
    assert_eq!(offer.version, "0.1.1");
    assert_eq!(offer.file, DEB);
    assert_eq!(offer.notes, "Новая печать ведомостей");
    assert_eq!(
        source.check(&trust, "0.1.1", PackageKind::Deb),
        Ok(None),
        "the same version is not offered"
    );
    assert_eq!(
        source.check(&trust, "0.2.0", PackageKind::Deb),
        Ok(None),
        "an older version is not offered"
    );
    assert_eq!(
        source
            .check(&trust, "0.1.0", PackageKind::Rpm)
            .map_err(|e| e.code),
        Err("update_no_package".to_string()),
        "no .rpm was published"
    );

    let downloads = tempfile::tempdir().expect("a download folder");
    let mut seen = Vec::new();
    let package = source
        .download(
            &trust,
            "0.1.0",
            PackageKind::Deb,
            downloads.path(),
            &mut |done, total| seen.push((done, total)),
        )
        .expect("the package downloads and matches the manifest");
    assert_eq!(package.version, "0.1.1");
    assert_eq!(
        std::fs::read(&package.path).expect("the package is saved"),
        b"!<arch>\nthe app 0.1.1"
    );
    assert!(
        seen.last().is_some_and(|(done, total)| done == total),
        "progress reaches the whole size: {seen:?}"
    );
    assert_eq!(
        source
            .download(
                &trust,
                "0.1.1",
                PackageKind::Deb,
                downloads.path(),
                &mut |_, _| {}
            )
            .map(|_| ())
            .map_err(|e| e.code),
        Err("update_not_newer".to_string()),
        "an installed 0.1.1 does not download 0.1.1 again"
    );
}

#[test]
fn an_altered_package_or_manifest_is_refused_and_nothing_is_left() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("the PC's data dir");
    let journal = sign_in(&server, pc.path(), "teacher", now());
    let source = journal.update_source().expect("signed in online");
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let trust = UpdateTrust::new(key.verifying_key());
    publish(&server, &key, "0.1.1");
    let downloads = tempfile::tempdir().expect("a download folder");
    let left = || {
        std::fs::read_dir(downloads.path())
            .map(|d| d.count())
            .unwrap_or(0)
    };

    // One byte of the package flipped on the server.
    let served = server.updates.join(DEB);
    let mut bytes = std::fs::read(&served).expect("the published package");
    bytes[3] ^= 0x01;
    std::fs::write(&served, &bytes).expect("altered");
    let err = source
        .download(
            &trust,
            "0.1.0",
            PackageKind::Deb,
            downloads.path(),
            &mut |_, _| {},
        )
        .expect_err("an altered package is refused");
    assert_eq!(err.code, "update_package_altered");
    assert!(err.message.contains("ничего не установлено"), "{err:?}");
    assert_eq!(left(), 0, "nothing is kept to install");

    // The manifest changed after signing (another checksum), then without a signature, then
    // signed by another key.
    let manifest_path = server.updates.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).expect("the manifest");
    let mut signed: SignedManifest = serde_json::from_str(&text).expect("parses");
    signed.manifest.packages[0].sha256 = journal_update::sha256_hex(&bytes);
    signed.manifest.packages[0].size = bytes.len() as u64;
    let write = |m: &SignedManifest| {
        std::fs::write(&manifest_path, serde_json::to_vec(m).expect("serialises")).expect("written")
    };
    write(&signed);
    assert_eq!(
        source
            .check(&trust, "0.1.0", PackageKind::Deb)
            .map_err(|e| e.code),
        Err("update_signature_invalid".to_string()),
        "a manifest changed to fit the altered package is refused"
    );
    signed.signature = None;
    write(&signed);
    assert_eq!(
        source
            .download(
                &trust,
                "0.1.0",
                PackageKind::Deb,
                downloads.path(),
                &mut |_, _| {}
            )
            .map(|_| ())
            .map_err(|e| e.code),
        Err("update_unsigned".to_string()),
        "an unsigned manifest is refused"
    );
    let stranger = SigningKey::generate(&mut rand::rngs::OsRng);
    write(&signed.manifest.clone().sign(&stranger).expect("signs"));
    assert_eq!(
        source
            .check(&trust, "0.1.0", PackageKind::Deb)
            .map_err(|e| e.code),
        Err("update_signature_invalid".to_string()),
        "another key's release is not the institution's"
    );
    assert_eq!(left(), 0, "still nothing to install");
}

#[test]
fn an_offline_sign_in_has_no_update_source() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("the PC's data dir");
    drop(sign_in(&server, pc.path(), "teacher", now()));
    let journal =
        journal_api::Journal::sign_in_offline(pc.path(), "teacher", journal_demo::DEMO_PASSWORD)
            .expect("the copy opens offline");
    assert_eq!(
        journal.update_source().map(|_| ()).map_err(|e| e.code),
        Err("not_signed_in_online".to_string())
    );
}
