//! Backups over `/api/v1/admin/backups`: the administrator makes one, sees it listed, verifies it,
//! downloads it and restores it with `journal-server restore --from FILE`; a damaged copy verifies
//! false; names that are not a backup's (paths) are refused; only the administrator; a server
//! without a backup directory, or a database shared by two institutions, answers a Russian error
//! with its code.

use serde_json::{json, Value};

use crate::admin_audit::other_institution;
use crate::support::{test_config, Backend, TestServer};

async fn with_backup_dir(b: Backend) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temp dir for the backups");
    let config = journal_server::ServerConfig {
        backup_dir: Some(dir.path().join("backups")),
        backup_key: Some(dir.path().join("backup.key")),
        ..test_config()
    };
    (TestServer::start_with(b, config).await, dir)
}

async fn json_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn backups_are_made_listed_verified_downloaded_and_restored(b: Backend) {
    let (s, dir) = with_backup_dir(b).await;
    let admin = s.device("admin").await;
    let teacher = s.device("teacher").await;

    let (status, _) = json_of(
        s.post("/admin/backups")
            .bearer_auth(&teacher.token)
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(status, 403, "a teacher makes no backups");

    let (status, made) = json_of(
        s.post("/admin/backups")
            .bearer_auth(&admin.token)
            .json(&json!({}))
            .send()
            .await
            .expect("the backup request reaches the server"),
    )
    .await;
    assert_eq!(status, 201, "the administrator makes a backup: {made}");
    let name = made["name"].as_str().unwrap_or_default().to_string();
    assert!(
        name.starts_with("journal-") && name.ends_with(".zip"),
        "a backup's name: {made}"
    );
    assert!(
        made["size_bytes"].as_u64().unwrap_or(0) > 0,
        "the copy is not empty"
    );
    assert!(
        made["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with("T18:00:00+03:00")),
        "the time is the institution's (the server's 15:00 UTC is 18:00 in Moscow), with its offset: {made}"
    );

    let (status, list) = json_of(
        s.get("/admin/backups")
            .bearer_auth(&admin.token)
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(status, 200, "the list answers");
    assert_eq!(
        list,
        json!([made]),
        "the list holds the new backup as it was answered"
    );

    let (status, check) = json_of(
        s.post(&format!("/admin/backups/{name}/verify"))
            .bearer_auth(&admin.token)
            .json(&json!({}))
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(status, 200, "verify answers");
    assert_eq!(check["ok"], json!(true), "a fresh copy verifies: {check}");

    let resp = s
        .get(&format!("/admin/backups/{name}"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("the download reaches the server");
    assert_eq!(resp.status(), 200, "the file downloads");
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/octet-stream"),
        "a file, not JSON"
    );
    let bytes = resp.bytes().await.expect("the body");
    assert!(bytes.starts_with(b"PK"), "a zip archive");
    assert_eq!(
        Some(bytes.len() as u64),
        made["size_bytes"].as_u64(),
        "the whole file"
    );

    let (_, audit) = json_of(
        s.get("/admin/audit")
            .bearer_auth(&admin.token)
            .query(&[("kind", "backup_created")])
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(
        audit["total"],
        json!(1),
        "the backup is in the audit: {audit}"
    );

    // The downloaded file restores into an empty database through the command line.
    let file = dir.path().join("downloaded.zip");
    std::fs::write(&file, &bytes).expect("the download is saved");
    let target = match b {
        Backend::Sqlite => dir
            .path()
            .join("restored.db")
            .to_string_lossy()
            .into_owned(),
        Backend::Postgres => crate::pg::fresh_database().await,
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_journal-server"))
        .args(["--db", target.as_str(), "restore", "--from"])
        .arg(&file)
        .arg("--backup-key")
        .arg(dir.path().join("backup.key"))
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "the downloaded backup restores: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = journal_server::open_storage(&target)
        .await
        .expect("the restored database opens");
    let insts = restored.institutions().await.expect("its institutions");
    assert_eq!(insts.len(), 1, "the demo institution is back");

    // A damaged copy does not verify, and says why.
    let path = dir.path().join("backups").join(&name);
    let mut damaged = std::fs::read(&path).expect("the backup file");
    let middle = damaged.len() / 2;
    damaged.truncate(middle);
    std::fs::write(&path, &damaged).expect("the backup is damaged");
    let (status, check) = json_of(
        s.post(&format!("/admin/backups/{name}/verify"))
            .bearer_auth(&admin.token)
            .json(&json!({}))
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(status, 200, "verify answers for a damaged copy too");
    assert_eq!(
        check["ok"],
        json!(false),
        "a damaged copy does not verify: {check}"
    );
    assert!(
        check["message"]
            .as_str()
            .is_some_and(|m| m.contains("повреждена") || m.contains("не читается")),
        "the message says what is wrong: {check}"
    );

    // Only backups' names are opened: no path leaves the backup directory.
    std::fs::write(dir.path().join("secret.txt"), "не для скачивания").expect("a file beside");
    for (bad, expected) in [
        ("..%2Fsecret.txt", 400),
        ("..%2F..%2Fetc%2Fpasswd", 400),
        ("manifest.json", 400),
        ("journal-20000101-000000.zip", 404),
    ] {
        let resp = s
            .get(&format!("/admin/backups/{bad}"))
            .bearer_auth(&admin.token)
            .send()
            .await
            .expect("reaches");
        assert_eq!(resp.status().as_u16(), expected, "GET {bad}");
        let body: Value = resp.json().await.expect("a JSON error, not a file");
        let code = if expected == 400 {
            "invalid_backup_name"
        } else {
            "unknown_backup"
        };
        assert_eq!(body["code"], json!(code), "GET {bad}: {body}");
        let resp = s
            .post(&format!("/admin/backups/{bad}/verify"))
            .bearer_auth(&admin.token)
            .json(&json!({}))
            .send()
            .await
            .expect("reaches");
        assert_eq!(resp.status().as_u16(), expected, "verify {bad}");
    }
    let resp = s
        .get(&format!("/admin/backups/{name}"))
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("reaches");
    assert_eq!(resp.status(), 403, "a teacher downloads no backup");
}

async fn backups_not_possible_answer_a_code(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.device("admin").await;
    let (status, body) = json_of(
        s.post("/admin/backups")
            .bearer_auth(&admin.token)
            .json(&json!({}))
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(status, 503, "no backup directory configured: {body}");
    assert_eq!(body["code"], json!("backup_dir_not_configured"), "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("--backup-dir")),
        "the message says how to configure it: {body}"
    );

    let (s, _dir) = with_backup_dir(b).await;
    let admin = s.device("admin").await;
    other_institution(&s, "ГБПОУ «Соседний колледж»", "admin-other").await;
    let (status, body) = json_of(
        s.post("/admin/backups")
            .bearer_auth(&admin.token)
            .json(&json!({}))
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(
        status, 409,
        "a shared database is not copied by one institution: {body}"
    );
    assert_eq!(body["code"], json!("backup_shared_database"), "{body}");
    let (_, list) = json_of(
        s.get("/admin/backups")
            .bearer_auth(&admin.token)
            .send()
            .await
            .expect("reaches"),
    )
    .await;
    assert_eq!(list, json!([]), "nothing was written");
}

conformance!(
    backups_are_made_listed_verified_downloaded_and_restored,
    backups_not_possible_answer_a_code
);
