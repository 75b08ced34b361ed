//! The administrator's commands through the binary: import (all or nothing), export, backup while
//! pushes go on, restore (checked against the manifest, never over a non-empty database).

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use journal_server::admin::{self, Export};
use journal_server::backup_seal::BackupKey;
use journal_server::storage::events::Event;
use journal_server::{PostgresStorage, SqliteStorage, Storage};

use crate::support::{set_cell, today, Backend, TestServer};

fn run(db: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_journal-server"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// An empty database of the backend (schema only) and what `--db` takes for it.
async fn empty_storage(b: Backend, dir: &Path) -> (Arc<dyn Storage>, String) {
    match b {
        Backend::Sqlite => {
            let path = dir.join("restored.db");
            let storage = SqliteStorage::open(&path).expect("the SQLite storage opens");
            (Arc::new(storage), path.to_string_lossy().into_owned())
        }
        Backend::Postgres => {
            let url = crate::pg::fresh_database().await;
            let storage = PostgresStorage::connect(&url)
                .await
                .expect("the PostgreSQL storage connects");
            (Arc::new(storage), url)
        }
    }
}

async fn audit_len(s: &dyn Storage) -> u64 {
    s.audit_verify()
        .await
        .expect("audit verify runs")
        .entries_checked
}

async fn import_is_all_or_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let group = &s.snapshot.groups[0].name;
    let inst = s.snapshot.institution.id;
    let students_before = s.snapshot.students.len();
    let audit_before = audit_len(s.storage.as_ref()).await;

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "Фамилия;Имя;Группа\nНовикова;Дарья;{group}\nСоколов;Пётр;НЕТ-ТАКОЙ-ГРУППЫ\n;Иван;{group}\n"
        ),
    )
    .expect("write the bad file");
    let out = run(
        &s.db,
        &["import", "students", bad.to_str().unwrap_or_default()],
    );
    let said = text(&out);
    assert!(
        !out.status.success(),
        "a file with bad rows is refused: {said}"
    );
    assert!(
        said.contains("Строка 3") && said.contains("Строка 4"),
        "every bad row is reported with its number: {said}"
    );
    let (snap, _) = s.storage.snapshot(inst).await.expect("snapshot");
    assert_eq!(
        snap.students.len(),
        students_before,
        "the good row of a refused file is not imported either"
    );
    assert_eq!(
        audit_len(s.storage.as_ref()).await,
        audit_before,
        "a refused import leaves the audit chain as it was"
    );

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!("Фамилия;Имя;Группа\nНовикова;Дарья;{group}\nСоколов;Пётр;{group}\n"),
    )
    .expect("write the good file");
    let out = run(
        &s.db,
        &[
            "import",
            "students",
            good.to_str().unwrap_or_default(),
            "--json",
        ],
    );
    assert!(out.status.success(), "a good file imports: {}", text(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("--json prints the report as JSON");
    assert_eq!(report["created"], 2, "two students are added: {report}");
    let (snap, _) = s.storage.snapshot(inst).await.expect("snapshot");
    assert_eq!(
        snap.students.len(),
        students_before + 2,
        "the imported students are in the institution"
    );
    assert!(
        snap.students.iter().any(|st| st.last_name == "Новикова"),
        "the imported student is there by name"
    );
    let report = s.storage.audit_verify().await.expect("audit verify runs");
    assert!(report.is_intact(), "the chain stays whole: {report:?}");
    assert_eq!(
        report.entries_checked,
        audit_before + 1,
        "the import is one audit entry"
    );
}

async fn asc_sample_reports_unmatched_names_and_changes_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/asc_unknown_teachers.xml");
    let (before, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    let out = run(
        &s.db,
        &["import", "asc", sample.to_str().unwrap_or_default()],
    );
    let said = text(&out);
    assert!(
        !out.status.success(),
        "an aSc file whose names the demo institution does not have is refused: {said}"
    );
    assert!(
        said.contains("не найдены преподаватели"),
        "the unmatched teachers are listed: {said}"
    );
    let (after, _) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    assert_eq!(after, before, "a refused aSc import changes nothing");
}

async fn export_writes_the_institution_as_json(b: Backend) {
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("export.json");
    let out = run(
        &s.db,
        &["export", "--to", file.to_str().unwrap_or_default()],
    );
    assert!(out.status.success(), "export succeeds: {}", text(&out));
    let export: Export =
        serde_json::from_slice(&std::fs::read(&file).expect("the export file exists"))
            .expect("the export is the snapshot as JSON");
    let (snap, seq) = s
        .storage
        .snapshot(s.snapshot.institution.id)
        .await
        .expect("snapshot");
    assert_eq!(
        export.snapshot, snap,
        "the export is the institution as it is"
    );
    assert_eq!(export.server_seq, seq, "with its server_seq");
}

async fn backup_while_pushing_restores_to_a_whole_database(b: Backend) {
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let backup_dir = dir.path().join("backup");
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let batches: Vec<Vec<_>> = (0..6)
        .map(|i| {
            students
                .iter()
                .map(|st| {
                    let v = ["3", "4", "5"][i % 3];
                    dev.op(s.during(&lesson), set_cell(lesson.id, *st, v))
                })
                .collect()
        })
        .collect();
    let base = s.base.clone();
    let token = dev.token.clone();
    let client = s.client.clone();
    // Pushes keep coming while the backup is taken.
    let pushing = tokio::spawn(async move {
        for ops in batches {
            let resp = client
                .post(format!("{base}/sync/push"))
                .header(
                    journal_server::dto::PROTOCOL_HEADER,
                    journal_protocol::PROTOCOL_VERSION.to_string(),
                )
                .bearer_auth(&token)
                .json(&serde_json::json!({ "ops": ops }))
                .send()
                .await
                .expect("the push reaches the server");
            assert_eq!(resp.status(), 200, "each push is answered");
        }
    });
    let key_path = dir.path().join("backup.key");
    let key = BackupKey::load_or_create(&key_path).expect("a backup key");
    let key_arg = key_path.to_str().unwrap_or_default();
    let manifest = admin::backup(
        s.storage.as_ref(),
        backend_name(b),
        &backup_dir,
        today().and_hms_opt(16, 0, 0).unwrap_or_default(),
        &key,
    )
    .await
    .expect("the backup is taken while pushes go on");
    pushing.await.expect("the pushes finish");

    let (restored, restored_db) = empty_storage(b, dir.path()).await;
    let out = run(
        &restored_db,
        &[
            "restore",
            "--from",
            backup_dir.to_str().unwrap_or_default(),
            "--backup-key",
            key_arg,
        ],
    );
    assert!(
        out.status.success(),
        "restore into an empty database: {}",
        text(&out)
    );
    let report = restored.audit_verify().await.expect("audit verify runs");
    assert!(
        report.is_intact(),
        "the backup taken during pushes is consistent: its audit chain verifies: {report:?}"
    );
    let inst = s.snapshot.institution.id;
    let (_, restored_seq) = restored.snapshot(inst).await.expect("restored snapshot");
    let at_start = manifest
        .server_seq
        .iter()
        .find(|(i, _)| *i == inst)
        .map(|(_, seq)| *seq)
        .expect("the manifest names the institution");
    assert!(
        restored_seq >= at_start,
        "the copy holds at least what was committed when the backup started"
    );

    // Round trip once everything is committed: the restored institution is the original, with
    // what lives beside the snapshot (events here) too.
    let event = Event {
        id: uuid::Uuid::new_v4(),
        group_id: None,
        on_date: today(),
        at_time: None,
        title: "Родительское собрание".into(),
        place: "Актовый зал".into(),
        author_id: s.snapshot.users[0].id,
        created_at: today().and_hms_opt(9, 0, 0).unwrap_or_default(),
    };
    s.storage
        .add_event(inst, event.clone())
        .await
        .expect("an event is stored");
    let full_dir = dir.path().join("full");
    let out = run(
        &s.db,
        &[
            "backup",
            "--to",
            full_dir.to_str().unwrap_or_default(),
            "--backup-key",
            key_arg,
        ],
    );
    assert!(
        out.status.success(),
        "backup through the binary: {}",
        text(&out)
    );
    let out = run(
        &restored_db,
        &[
            "restore",
            "--from",
            full_dir.to_str().unwrap_or_default(),
            "--backup-key",
            key_arg,
        ],
    );
    assert!(
        !out.status.success(),
        "a non-empty database is not replaced without --force: {}",
        text(&out)
    );
    assert!(
        text(&out).contains("--force"),
        "the refusal says how: {}",
        text(&out)
    );
    let out = run(
        &restored_db,
        &[
            "restore",
            "--from",
            full_dir.to_str().unwrap_or_default(),
            "--force",
            "--backup-key",
            key_arg,
        ],
    );
    assert!(out.status.success(), "restore --force: {}", text(&out));
    let original = s.storage.snapshot(inst).await.expect("original snapshot");
    let copy = restored.snapshot(inst).await.expect("restored snapshot");
    assert_eq!(
        copy, original,
        "restore gives back the same institution and cursor"
    );
    let events = restored
        .events_between(inst, today(), today())
        .await
        .expect("the restored events read");
    assert_eq!(
        events,
        vec![event],
        "restore gives back the events (every table of the schema is in the backup)"
    );
}

async fn damaged_backup_is_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let backup_dir = dir.path().join("backup");
    let key_path = dir.path().join("backup.key");
    let key = BackupKey::load_or_create(&key_path).expect("a backup key");
    let key_arg = key_path.to_str().unwrap_or_default();
    let manifest = admin::backup(
        s.storage.as_ref(),
        backend_name(b),
        &backup_dir,
        today().and_hms_opt(16, 0, 0).unwrap_or_default(),
        &key,
    )
    .await
    .expect("backup");
    let restore = |db: &str, extra: &[&str]| {
        let mut args = vec!["restore", "--from", backup_dir.to_str().unwrap_or_default()];
        args.extend_from_slice(extra);
        run(db, &args)
    };
    let (restored, restored_db) = empty_storage(b, dir.path()).await;
    let nothing_restored = || async {
        restored
            .institutions()
            .await
            .expect("institutions")
            .is_empty()
    };

    // Without its key, or with another, the copy is not restored.
    let other = dir.path().join("other.key");
    BackupKey::load_or_create(&other).expect("another key");
    let out = restore(
        &restored_db,
        &["--backup-key", other.to_str().unwrap_or_default()],
    );
    let said = text(&out);
    assert!(
        !out.status.success() && said.contains("Подпись резервной копии не сходится"),
        "another key's copy is refused by its signature: {said}"
    );
    assert!(
        nothing_restored().await,
        "nothing restored with another key"
    );

    // One changed byte with the checksum in the manifest recomputed: the signature catches it.
    let victim = backup_dir.join(&manifest.files[0].name);
    let mut bytes = std::fs::read(&victim).expect("the backup file exists");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&victim, &bytes).expect("change one byte");
    let manifest_path = backup_dir.join(admin::MANIFEST_FILE);
    let mut forged: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).expect("manifest")).expect("json");
    forged["files"][0]["sha256"] =
        serde_json::json!(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)));
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&forged).expect("json"),
    )
    .expect("manifest rewritten");
    let out = restore(&restored_db, &["--backup-key", key_arg]);
    let said = text(&out);
    assert!(!out.status.success(), "a changed byte is found: {said}");
    assert!(
        said.contains("Подпись резервной копии не сходится"),
        "the refusal is a clear Russian message: {said}"
    );
    assert!(
        nothing_restored().await,
        "nothing is restored from a tampered backup"
    );
}

/// A backup holds personal data and password hashes: its files are readable by their owner only
/// and hold no plain text of the database.
async fn a_backup_is_private_and_encrypted(b: Backend) {
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let backup_dir = dir.path().join("backup");
    let key = BackupKey::load_or_create(&dir.path().join("backup.key")).expect("a backup key");
    let manifest = admin::backup(
        s.storage.as_ref(),
        backend_name(b),
        &backup_dir,
        today().and_hms_opt(16, 0, 0).unwrap_or_default(),
        &key,
    )
    .await
    .expect("backup");
    assert_eq!(
        manifest.key_id,
        Some(key.id()),
        "the manifest names the key"
    );
    let login = "teacher".as_bytes();
    for f in &manifest.files {
        let path = backup_dir.join(&f.name);
        let bytes = std::fs::read(&path).expect("a backup file");
        assert!(
            !bytes.windows(login.len()).any(|w| w == login)
                && !bytes.windows(6).any(|w| w == b"argon2"),
            "«{}» holds no logins or password hashes in the clear",
            f.name
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "«{}» is readable by its owner only", f.name);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup_dir)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700, "the backup folder is its owner's only");
    }
}

/// Scheduled copies go to both places (001: two media), each keeps its newest `keep`, the audit
/// records them, a place that cannot be written does not stop the other, and the restore drill
/// proves a copy restores — and refuses a tampered one — without touching the live database.
async fn scheduled_copies_reach_both_places_and_the_drill_restores_them(b: Backend) {
    use journal_server::backup_schedule::{run_once, Schedule};
    let s = TestServer::start(b).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let key_path = dir.path().join("backup.key");
    let (room1, room2) = (dir.path().join("room-1"), dir.path().join("room-2"));
    let mut schedule = Schedule {
        dirs: vec![room1.clone(), room2.clone()],
        key: key_path.clone(),
        at: chrono::NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default(),
        keep: 2,
    };
    let night = |d: i64| {
        (today() + chrono::Duration::days(d))
            .and_hms_opt(2, 0, 0)
            .unwrap_or_default()
    };
    for d in 0..3 {
        let outcomes = run_once(s.storage.as_ref(), &schedule, night(d)).await;
        assert!(
            outcomes.iter().all(|o| o.result.is_ok()),
            "night {d}: both places get the copy: {outcomes:?}"
        );
    }
    let names = |p: &Path| {
        let mut n: Vec<String> = std::fs::read_dir(p)
            .expect("the place is there")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".zip"))
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&room1).len(), 2, "each place keeps the newest two");
    assert_eq!(
        names(&room1),
        names(&room2),
        "both places hold the same copies"
    );
    let newest = room2.join(names(&room2).last().cloned().unwrap_or_default());
    assert_eq!(
        std::fs::read(room1.join(names(&room1).last().cloned().unwrap_or_default())).expect("read"),
        std::fs::read(&newest).expect("read"),
        "the second place holds the very same file"
    );
    let inst = s.snapshot.institution.id;
    let entries = s
        .storage
        .audit_entries(inst, "backup_scheduled", 10)
        .await
        .expect("audit");
    assert_eq!(
        entries.len(),
        3,
        "every scheduled copy is in the audit chain"
    );

    // The second room's medium is gone (a file where the folder was): the first still gets it.
    let gone = dir.path().join("room-3");
    std::fs::write(&gone, b"not a folder").expect("written");
    schedule.dirs = vec![gone.clone(), room1.clone()];
    let outcomes = run_once(s.storage.as_ref(), &schedule, night(3)).await;
    assert!(
        outcomes.iter().any(|o| o.dir == gone && o.result.is_err())
            && outcomes.iter().any(|o| o.dir == room1 && o.result.is_ok()),
        "an unavailable place fails alone: {outcomes:?}"
    );

    // The drill restores the copy into a throwaway database.
    let key_arg = key_path.to_str().unwrap_or_default().to_string();
    let into = match b {
        Backend::Sqlite => None,
        Backend::Postgres => Some(crate::pg::fresh_database().await),
    };
    let drill = |file: &Path, into: Option<String>| {
        let mut args = vec![
            "restore-drill".to_string(),
            "--from".to_string(),
            file.to_string_lossy().into_owned(),
            "--backup-key".to_string(),
            key_arg.clone(),
        ];
        if let Some(url) = into {
            args.extend(["--into".to_string(), url]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&s.db, &args)
    };
    let out = drill(&newest, into);
    assert!(out.status.success(), "the drill passes: {}", text(&out));
    assert!(
        text(&out).contains("Проверка восстановления пройдена"),
        "it says so in Russian: {}",
        text(&out)
    );

    // A copy changed after it was made fails the drill.
    let mut bytes = std::fs::read(&newest).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let tampered = dir.path().join("tampered.zip");
    std::fs::write(&tampered, bytes).expect("written");
    let into = match b {
        Backend::Sqlite => None,
        Backend::Postgres => Some(crate::pg::fresh_database().await),
    };
    let out = drill(&tampered, into);
    assert!(
        !out.status.success(),
        "a tampered copy fails the drill: {}",
        text(&out)
    );
}

conformance!(
    scheduled_copies_reach_both_places_and_the_drill_restores_them,
    import_is_all_or_nothing,
    asc_sample_reports_unmatched_names_and_changes_nothing,
    export_writes_the_institution_as_json,
    backup_while_pushing_restores_to_a_whole_database,
    damaged_backup_is_refused,
    a_backup_is_private_and_encrypted,
);
