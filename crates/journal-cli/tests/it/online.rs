//! `journal login`, `sync`, `status`, `conflicts` and the bundle commands against a real server on
//! 127.0.0.1, with the copy encrypted by the user's password.

use chrono::NaiveDate;
use journal_server::{AppState, ServerConfig, SqliteStorage, Storage};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 3).expect("valid date")
}

struct Server {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start_server() -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("server.db");
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        rt.block_on(async move {
            let storage: Arc<dyn Storage> =
                Arc::new(SqliteStorage::open(&path).expect("the SQLite storage opens"));
            journal_server::demo::load_institution(
                storage.as_ref(),
                journal_demo::generate(journal_demo::DEFAULT_SEED, today()),
                journal_demo::DEMO_PASSWORD,
            )
            .await
            .expect("the demo institution loads");
            let config = ServerConfig {
                // The server's "now": the demo's today, 15:00 UTC (after the day's lessons).
                clock: Arc::new(|| today().and_hms_opt(15, 0, 0).unwrap_or_default()),
                failure_delay: std::time::Duration::from_millis(1),
                ..ServerConfig::default()
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a free port");
            addr_tx
                .send(listener.local_addr().expect("an address"))
                .expect("the test waits");
            let _ = axum::serve(
                listener,
                journal_server::app(AppState::new(storage, config)),
            )
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await;
        });
    });
    let addr = addr_rx.recv().expect("the server reports its address");
    Server {
        url: format!("http://{addr}"),
        stop: Some(stop_tx),
        thread: Some(thread),
        _dir: dir,
    }
}

fn run(dir: &Path, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_journal"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("JOURNAL_PASSWORD", password)
        .env_remove("JOURNAL_USER")
        .env_remove("JOURNAL_DATA_DIR")
        .env_remove("JOURNAL_SERVER")
        .output()
        .expect("the journal binary runs")
}

fn ok(dir: &Path, args: &[&str]) -> Value {
    let out = run(dir, journal_demo::DEMO_PASSWORD, args);
    assert!(
        out.status.success(),
        "journal {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "journal {args:?} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn login_mark_offline_sync_and_bundle_from_the_command_line() {
    let server = start_server();
    let pc = tempfile::tempdir().expect("temp dir");
    let d = pc.path();
    let st = ok(
        d,
        &[
            "--json",
            "login",
            "--server",
            &server.url,
            "--user",
            "teacher",
        ],
    );
    assert_eq!(
        st["user"]["login"], "teacher",
        "signed in as the teacher: {st}"
    );
    assert_eq!(st["online"], true, "the login reached the server");

    let lessons = ok(d, &["--json", "lessons", "--date", "2027-03-03"]);
    let lesson = lessons
        .as_array()
        .and_then(|a| a.iter().find(|l| l["state"] == "scheduled"))
        .expect("a lesson today")
        .clone();
    let id = lesson["id"].as_str().expect("lesson id");
    let starts = lesson["starts_at"].as_str().expect("starts_at");
    let during = (chrono::NaiveDateTime::parse_from_str(starts, "%Y-%m-%dT%H:%M:%S")
        .expect("starts_at is a date-time")
        + chrono::Duration::minutes(10))
    .format("%Y-%m-%dT%H:%M")
    .to_string();
    ok(
        d,
        &[
            "--json",
            "--now",
            &during,
            "mark",
            "--lesson",
            id,
            "--student",
            "1",
            "5",
        ],
    );
    let st = ok(d, &["--json", "status"]);
    assert_eq!(st["pending_ops"], 1, "the mark waits for the server: {st}");

    let bad = run(d, "не тот", &["--json", "status"]);
    assert!(!bad.status.success(), "a wrong password opens nothing");
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("wrong_password"),
        "and says why: {}",
        String::from_utf8_lossy(&bad.stderr)
    );

    let unreachable = run(
        d,
        journal_demo::DEMO_PASSWORD,
        &["--json", "--server", "http://127.0.0.1:1", "sync"],
    );
    assert!(!unreachable.status.success(), "no server, no sync");
    assert!(
        String::from_utf8_lossy(&unreachable.stderr).contains("server_unreachable"),
        "the failure is named: {}",
        String::from_utf8_lossy(&unreachable.stderr)
    );

    let r = ok(d, &["--json", "sync"]);
    assert_eq!(
        r["applied"], 1,
        "the stored server address is used and the mark applied: {r}"
    );
    assert_eq!(r["pending"], 0, "nothing left to send");

    ok(
        d,
        &[
            "--json",
            "--now",
            &during,
            "mark",
            "--lesson",
            id,
            "--student",
            "2",
            "4",
        ],
    );
    let bundle = d.join("bundle.json");
    let e = ok(
        d,
        &[
            "--json",
            "bundle",
            "export",
            bundle.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(e["ops"], 1, "one op in the bundle: {e}");
    let other = tempfile::tempdir().expect("temp dir");
    ok(
        other.path(),
        &[
            "--json",
            "login",
            "--server",
            &server.url,
            "--user",
            "teacher",
        ],
    );
    let answer = d.join("answer.json");
    let p = ok(
        other.path(),
        &[
            "--json",
            "bundle",
            "push",
            bundle.to_str().expect("utf-8 path"),
            "--out",
            answer.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(p["applied"], 1, "the online PC pushed the bundle: {p}");
    let i = ok(
        d,
        &[
            "--json",
            "bundle",
            "import",
            answer.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(
        (i["applied"].as_u64(), i["pending"].as_u64()),
        (Some(1), Some(0)),
        "the answer applies: {i}"
    );
    let c = ok(d, &["--json", "conflicts"]);
    assert_eq!(c.as_array().map(Vec::len), Some(0), "no conflicts: {c}");

    let users = ok(d, &["--json", "users"]);
    assert_eq!(
        users,
        serde_json::json!(["teacher"]),
        "the local copies of this PC"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_journal"))
        .arg("--data-dir")
        .arg(d)
        .args(["--json", "password"])
        .env("JOURNAL_PASSWORD", journal_demo::DEMO_PASSWORD)
        .env("JOURNAL_NEW_PASSWORD", "новый-пароль-2027")
        .env_remove("JOURNAL_USER")
        .env_remove("JOURNAL_SERVER")
        .output()
        .expect("the journal binary runs");
    assert!(
        out.status.success(),
        "the password changes: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old = run(d, journal_demo::DEMO_PASSWORD, &["--json", "status"]);
    assert!(
        !old.status.success(),
        "the old password no longer opens the copy"
    );
    let new = run(d, "новый-пароль-2027", &["--json", "status"]);
    assert!(
        new.status.success(),
        "the new one does: {}",
        String::from_utf8_lossy(&new.stderr)
    );
}

#[test]
fn login_with_a_ca_file_that_is_no_certificate_is_refused_and_leaves_no_copy() {
    let server = start_server();
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("ca.pem");
    std::fs::write(&bad, "не сертификат").expect("writes");
    let out = run(
        dir.path(),
        journal_demo::DEMO_PASSWORD,
        &[
            "--server",
            &server.url,
            "--user",
            "teacher",
            "login",
            "--ca",
            bad.to_str().expect("a UTF-8 temp path"),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a bad --ca file fails the login");
    assert!(
        stderr.contains("ca_file_invalid") && stderr.contains("сертификат"),
        "the error names the CA file problem in Russian: {stderr}"
    );
    assert!(
        !dir.path().join("users").join("teacher").exists(),
        "nothing was created for the user"
    );
}

#[test]
fn a_damaged_copy_is_said_to_be_damaged_and_login_rescues_its_unsent_mark() {
    let server = start_server();
    let pc = tempfile::tempdir().expect("temp dir");
    let d = pc.path();
    ok(
        d,
        &[
            "--json",
            "login",
            "--server",
            &server.url,
            "--user",
            "teacher",
        ],
    );
    let lessons = ok(d, &["--json", "lessons", "--date", "2027-03-03"]);
    let lesson = lessons
        .as_array()
        .and_then(|a| a.iter().find(|l| l["state"] == "scheduled"))
        .expect("a lesson today")
        .clone();
    let id = lesson["id"].as_str().expect("lesson id");
    let starts = lesson["starts_at"].as_str().expect("starts_at");
    let during = (chrono::NaiveDateTime::parse_from_str(starts, "%Y-%m-%dT%H:%M:%S")
        .expect("starts_at is a date-time")
        + chrono::Duration::minutes(10))
    .format("%Y-%m-%dT%H:%M")
    .to_string();
    ok(
        d,
        &[
            "--json",
            "--now",
            &during,
            "mark",
            "--lesson",
            id,
            "--student",
            "1",
            "5",
        ],
    );
    // The beginning of the file is overwritten (the copy is closed).
    let path = d.join("users/teacher/journal.db");
    let mut bytes = std::fs::read(&path).expect("the copy reads");
    bytes[16..216].fill(0xA5);
    std::fs::write(&path, &bytes).expect("the damage is written");

    let st = run(d, journal_demo::DEMO_PASSWORD, &["--json", "status"]);
    assert!(!st.status.success(), "a damaged copy does not open");
    assert!(
        String::from_utf8_lossy(&st.stderr).contains("store_damaged"),
        "it is said to be damaged, not a wrong password: {}",
        String::from_utf8_lossy(&st.stderr)
    );

    let out = run(
        d,
        journal_demo::DEMO_PASSWORD,
        &["login", "--server", &server.url, "--user", "teacher"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the online login rescues the copy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Локальная копия была повреждена")
            && text.contains("восстановлено неотправленных изменений: 1"),
        "the login says what happened: {text}"
    );
    let kept: Vec<String> = std::fs::read_dir(d.join("users/teacher"))
        .expect("the user folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("journal-damaged-") && n.ends_with(".db"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept aside: {kept:?}");
    // The rescued mark went to the server at the login itself (in the old copy's chain).
    let st = ok(d, &["--json", "status"]);
    assert_eq!(st["pending_ops"], 0, "nothing waits: {st}");
    let r = ok(d, &["--json", "sync"]);
    assert_eq!(r["refused"], 0, "nothing refused: {r}");
    let other = tempfile::tempdir().expect("temp dir");
    ok(
        other.path(),
        &[
            "--json",
            "login",
            "--server",
            &server.url,
            "--user",
            "teacher",
        ],
    );
    let seen = ok(other.path(), &["--json", "lesson", "--lesson", id]);
    assert_eq!(
        seen["students"][0]["cell"]["symbol"], "5",
        "another PC's fresh copy shows the rescued mark: {seen}"
    );
}
