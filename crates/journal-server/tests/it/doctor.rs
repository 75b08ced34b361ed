//! `doctor` on a real deployment: a healthy one passes every check but TLS; a clock set back behind
//! the journal's last entry, an unwritable backup place and a damaged key are each named with what
//! to do. Both backends.

use journal_server::backup_seal::BackupKey;
use journal_server::doctor::{run, Check, Deployment};

use crate::support::{today, Backend, TestServer};

fn failures(checks: &[Check]) -> Vec<String> {
    checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.what.clone())
        .collect()
}

async fn doctor_names_what_to_fix(b: Backend) {
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let key_path = dir.path().join("backup.key");
    BackupKey::load_or_create(&key_path).expect("a backup key");
    let mut deployment = Deployment {
        backup_dirs: vec![dir.path().join("room-1"), dir.path().join("room-2")],
        backup_key: Some(key_path.clone()),
        ..Deployment::default()
    };
    let now = today().and_hms_opt(15, 0, 0).unwrap_or_default();
    let checks = run(Some(s.storage.as_ref()), None, &deployment, now).await;
    assert_eq!(
        failures(&checks),
        vec!["TLS не настроен: сервер будет работать по HTTP".to_string()],
        "a deployment with two backup places and a key fails only on TLS: {checks:?}"
    );

    // Something recorded now; then the clock set back a day behind it.
    s.storage
        .append_admin_action(
            journal_server::storage::AdminAction {
                institution_id: s.snapshot.institution.id,
                kind: "policy_changed".into(),
                author_id: Some(s.user("admin")),
                device_id: None,
                subject: "policy".into(),
                detail: serde_json::json!({}),
            },
            now,
        )
        .await
        .expect("an entry is recorded");
    let yesterday = now - chrono::Duration::days(1);
    let checks = run(Some(s.storage.as_ref()), None, &deployment, yesterday).await;
    assert!(
        failures(&checks).iter().any(|w| w.contains("отстают")),
        "a clock behind the journal is named: {checks:?}"
    );

    // A backup place that is a file, and a key file overwritten.
    let blocked = dir.path().join("not-a-dir");
    std::fs::write(&blocked, b"x").expect("a file");
    deployment.backup_dirs[1] = blocked;
    std::fs::write(&key_path, "damaged").expect("the key overwritten");
    let checks = run(Some(s.storage.as_ref()), None, &deployment, now).await;
    let failed = failures(&checks);
    assert!(
        failed.iter().any(|w| w.contains("недоступен для записи")),
        "an unwritable backup place is named: {failed:?}"
    );
    assert!(
        failed.iter().any(|w| w.contains("не является ключом")),
        "a damaged key is named: {failed:?}"
    );
    assert!(
        checks.iter().all(|c| c.ok || !c.fix.is_empty()),
        "every failure says what to do: {checks:?}"
    );
}

conformance!(doctor_names_what_to_fix);
