//! The app's updates: `journal-server updates keygen|publish` (the real binary) write the key and a
//! signed release into an update directory; `serve --updates-dir` answers its manifest and packages
//! at `/api/v1/app/…` without a sign-in or protocol header; the manifest verifies with the printed
//! public key and the package with the manifest.

use std::path::Path;

use journal_update::{PackageKind, SignedManifest};
use serde_json::Value;

use crate::support::{Backend, TestServer};

fn server_cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_journal-server"))
        .args(args)
        .env_remove("JOURNAL_DB")
        .env_remove("JOURNAL_UPDATES_DIR")
        .env_remove("JOURNAL_UPDATE_KEY")
        .output()
        .expect("journal-server runs")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a temp path is UTF-8")
}

async fn code_of(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or_default();
    (
        status,
        body["code"].as_str().unwrap_or_default().to_string(),
    )
}

async fn a_published_release_is_served_and_verifies(b: Backend) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let updates = dir.path().join("updates");
    let key = dir.path().join("update.key");
    let deb = dir.path().join("offline-journal_0.1.1_amd64.deb");
    std::fs::write(&deb, b"!<arch>\nthe new app").expect("a package file");

    let out = server_cli(&["updates", "keygen", "--out", path(&key)]);
    assert!(
        out.status.success(),
        "keygen works without a database: {out:?}"
    );
    let public = journal_update::parse_public_key(&String::from_utf8_lossy(&out.stdout))
        .expect("keygen prints the public key");
    let again = server_cli(&["updates", "keygen", "--out", path(&key)]);
    assert!(
        !again.status.success(),
        "a second keygen does not overwrite the key"
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("update_key_exists"),
        "{again:?}"
    );

    let config = journal_server::ServerConfig {
        updates_dir: Some(updates.clone()),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    // Nothing published yet: the app is told so, by code.
    let resp = s
        .client
        .get(s.url("/app/update"))
        .send()
        .await
        .expect("reaches the server");
    assert_eq!(code_of(resp).await, (404, "no_updates".into()));

    let out = server_cli(&[
        "updates",
        "publish",
        "--dir",
        path(&updates),
        "--key",
        path(&key),
        "--version",
        "0.1.1",
        "--notes",
        "Печать сводной ведомости по группе",
        path(&deb),
    ]);
    assert!(out.status.success(), "publish: {out:?}");

    // No token and no protocol header: an outdated app still gets its update.
    let resp = s
        .client
        .get(s.url("/app/update"))
        .send()
        .await
        .expect("reaches the server");
    assert_eq!(resp.status(), 200, "the manifest is served");
    let signed: SignedManifest = resp.json().await.expect("a signed manifest");
    let manifest = signed
        .verify(&public)
        .expect("the manifest verifies with the printed public key");
    assert_eq!(manifest.version, "0.1.1");
    assert_eq!(manifest.notes, "Печать сводной ведомости по группе");
    let entry = manifest
        .package(PackageKind::Deb)
        .expect("the .deb is listed");
    let resp = s
        .client
        .get(s.url(&format!("/app/packages/{}", entry.file)))
        .header("x-journal-protocol", "1")
        .send()
        .await
        .expect("reaches the server");
    assert_eq!(
        resp.status(),
        200,
        "the package is served, even to protocol 1"
    );
    let bytes = resp.bytes().await.expect("the package's bytes");
    entry
        .check(&bytes)
        .expect("the served package is the signed one");

    for (file, expected) in [
        (
            "offline-journal_9.9.9_amd64.deb",
            (404, "package_not_found"),
        ),
        ("manifest.json", (400, "invalid_package_name")),
        ("..%2Fupdate.key", (400, "invalid_package_name")),
        (".hidden.deb", (400, "invalid_package_name")),
    ] {
        let resp = s
            .client
            .get(s.url(&format!("/app/packages/{file}")))
            .send()
            .await
            .expect("reaches the server");
        let got = code_of(resp).await;
        assert_eq!(
            (got.0, got.1.as_str()),
            expected,
            "{file}: only published packages are served"
        );
    }
}

async fn a_damaged_manifest_or_no_directory_is_told_by_code(b: Backend) {
    let s = TestServer::start(b).await;
    for url in [
        "/app/update",
        "/app/packages/offline-journal_0.1.1_amd64.deb",
    ] {
        let resp = s.client.get(s.url(url)).send().await.expect("reaches");
        assert_eq!(
            code_of(resp).await,
            (404, "no_updates".into()),
            "{url}: a server without --updates-dir offers none"
        );
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join(journal_update::MANIFEST_FILE), b"{not json")
        .expect("a damaged manifest");
    let config = journal_server::ServerConfig {
        updates_dir: Some(dir.path().to_path_buf()),
        ..crate::support::test_config()
    };
    let s = TestServer::start_with(b, config).await;
    let resp = s
        .client
        .get(s.url("/app/update"))
        .send()
        .await
        .expect("reaches");
    assert_eq!(code_of(resp).await, (500, "update_manifest_corrupt".into()));
}

#[test]
fn other_commands_still_need_a_database() {
    let out = server_cli(&["users"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("JOURNAL_DB"),
        "the refusal says how to name the database: {out:?}"
    );
}

conformance!(
    a_published_release_is_served_and_verifies,
    a_damaged_manifest_or_no_directory_is_told_by_code
);
