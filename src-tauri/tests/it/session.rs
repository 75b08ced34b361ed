//! Sign-in, lock and sync commands through the mock IPC, against a real journal server on
//! 127.0.0.1:0 (its own thread and runtime): refusals, the lock hiding the journal, offline
//! sign-in when the server is down, and the sync state after an offline edit reaches the server.

use crate::invoke;
use chrono::NaiveDate;
use journal_api::{FixedClock, KdfParams};
use journal_app::{builder, AppState, Settings};
use journal_server::{ServerConfig, SqliteStorage, Storage};
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::test::{mock_context, noop_assets, MockRuntime};
use tauri::WebviewWindow;

/// The demo's "today" on the server and in the app.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 8).expect("a valid date")
}

/// An address nothing listens on: the network is down.
const UNREACHABLE: &str = "http://127.0.0.1:1";

struct TestServer {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("a temp dir for the server database");
        let path = dir.path().join("server.db");
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime for the server");
            rt.block_on(async move {
                let storage: Arc<dyn Storage> =
                    Arc::new(SqliteStorage::open(&path).expect("the SQLite storage opens"));
                let snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
                journal_server::demo::load_institution(
                    storage.as_ref(),
                    snapshot,
                    journal_demo::DEMO_PASSWORD,
                )
                .await
                .expect("the demo institution loads");
                let config = ServerConfig {
                    clock: Arc::new(|| today().and_hms_opt(15, 0, 0).unwrap_or_default()),
                    failure_delay: std::time::Duration::from_millis(1),
                    ..ServerConfig::default()
                };
                let app = journal_server::app(journal_server::AppState::new(storage, config));
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a free port on 127.0.0.1");
                addr_tx
                    .send(listener.local_addr().expect("an address"))
                    .expect("the test waits for the address");
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        });
        let addr = addr_rx.recv().expect("the server reports its address");
        TestServer {
            url: format!("http://{addr}"),
            stop: Some(stop_tx),
            thread: Some(thread),
            _dir: dir,
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn signed_out_app(
    dir: &std::path::Path,
    server_url: Option<&str>,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let mut settings = Settings::new(dir);
    settings.clock = Arc::new(FixedClock::new(
        today().and_hms_opt(13, 0, 0).expect("a valid time"),
    ));
    settings.server_url = server_url.map(str::to_string);
    // Light Argon2id: the real cost is journal-api's default and pinned there.
    settings.kdf = KdfParams {
        m_kib: 256,
        t: 1,
        p: 1,
    };
    let app = builder(tauri::test::mock_builder(), AppState::new(settings))
        .build(mock_context(noop_assets()))
        .expect("the app builds on the mock runtime");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a mock window opens");
    (app, window)
}

fn sign_in(w: &WebviewWindow<MockRuntime>, login: &str, password: &str) -> Result<Value, Value> {
    invoke(
        w,
        "sign_in",
        json!({"login": login, "password": password, "serverUrl": null}),
    )
}

#[test]
fn no_journal_before_sign_in_and_refusals_are_russian() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, w) = signed_out_app(dir.path(), Some(UNREACHABLE));
    let refused = invoke(&w, "status", json!({})).expect_err("no journal before sign-in");
    assert_eq!(refused["code"], json!("not_signed_in"), "{refused}");

    let state = invoke(&w, "sign_in_state", json!({})).expect("sign_in_state answers");
    assert_eq!(state["signed_in"], json!(false), "signed out at start");
    assert_eq!(
        state["server_url"],
        json!(UNREACHABLE),
        "the environment's server is offered"
    );

    let e = sign_in(&w, "teacher", "demo").expect_err("no network and no local copy");
    assert_eq!(e["code"], json!("no_local_copy_offline"), "{e}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("Нет связи")),
        "the teacher is told why: {e}"
    );
    let e = sign_in(&w, "../x", "demo").expect_err("a login that is no folder name");
    assert_eq!(e["code"], json!("invalid_login"), "{e}");
    let e = sign_in(&w, "teacher", "").expect_err("an empty password");
    assert_eq!(e["code"], json!("invalid_input"), "{e}");
}

#[test]
fn online_sign_in_lock_unlock_offline_sign_in_and_sync() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, w) = signed_out_app(dir.path(), Some(&server.url));

    let e = sign_in(&w, "teacher", "неверный").expect_err("a wrong password");
    assert_eq!(
        e["code"],
        json!("bad_credentials"),
        "the server refuses: {e}"
    );
    assert!(
        !dir.path().join("users/teacher/journal.db").exists(),
        "a refused first sign-in leaves no copy"
    );

    let ok = sign_in(&w, "teacher", "demo").expect("online sign-in");
    assert_eq!(ok["online"], json!(true), "signed in through the server");
    let lessons =
        invoke(&w, "today_lessons", json!({"date": "2026-10-08"})).expect("the journal is open");
    assert!(
        lessons.as_array().is_some_and(|l| !l.is_empty()),
        "the teacher's lessons are in the copy"
    );

    // Lock: the journal is closed, only who locked it is kept.
    invoke(&w, "lock", json!({})).expect("lock");
    let e = invoke(&w, "today_lessons", json!({"date": "2026-10-08"}))
        .expect_err("a locked app shows no journal data");
    assert_eq!(e["code"], json!("app_locked"), "{e}");
    let state = invoke(&w, "sign_in_state", json!({})).expect("answers");
    assert_eq!(
        state["locked_login"],
        json!("teacher"),
        "the lock screen names the login"
    );
    let e = invoke(&w, "unlock", json!({"password": "demo2"})).expect_err("wrong password");
    assert_eq!(e["code"], json!("wrong_password"), "{e}");
    let e = invoke(&w, "status", json!({})).expect_err("still locked");
    assert_eq!(e["code"], json!("app_locked"), "{e}");
    invoke(&w, "unlock", json!({"password": "demo"})).expect("the same password unlocks");

    // An edit, then «Сменить пользователя» and an offline sign-in (the server address is wrong).
    let lesson = lessons
        .as_array()
        .and_then(|ls| {
            ls.iter().find(|l| {
                l["starts_at"]
                    .as_str()
                    .is_some_and(|t| t < "2026-10-08T13:00")
            })
        })
        .cloned()
        .expect("a lesson already given by 13:00");
    let detail = invoke(&w, "lesson", json!({"lessonId": lesson["id"]})).expect("lesson");
    let student = detail["students"][0]["student_id"].clone();
    invoke(
        &w,
        "set_cell",
        json!({"lessonId": lesson["id"], "studentId": student, "input": "4"}),
    )
    .expect("a mark");
    invoke(&w, "sign_out", json!({})).expect("sign out");
    let e = invoke(&w, "status", json!({})).expect_err("signed out");
    assert_eq!(e["code"], json!("not_signed_in"), "{e}");

    let off = invoke(
        &w,
        "sign_in",
        json!({"login": "teacher", "password": "demo", "serverUrl": UNREACHABLE}),
    )
    .expect("offline sign-in with the local copy");
    assert_eq!(off["online"], json!(false), "opened without the server");
    assert!(off["notice"].is_string(), "the teacher is told why");
    let st = invoke(&w, "sync_now", json!({})).expect("sync answers");
    assert_eq!(st["online"], json!(false), "the header shows offline: {st}");
    assert_eq!(st["pending"], json!(1), "the mark waits: {st}");
    assert_eq!(
        st["last_error"]["code"],
        json!("server_unreachable"),
        "why the sync did not happen: {st}"
    );

    // The server is at its real address again: sync signs in with the session's password.
    invoke(&w, "sign_out", json!({})).expect("sign out");
    let _ = invoke(
        &w,
        "sign_in",
        json!({"login": "teacher", "password": "demo", "serverUrl": server.url}),
    )
    .expect("online again");
    let st = invoke(&w, "sync_now", json!({})).expect("sync");
    assert_eq!(st["online"], json!(true), "{st}");
    assert_eq!(
        st["pending"],
        json!(0),
        "the offline mark reached the server: {st}"
    );
    assert!(st["last_sync"].is_string(), "the last sync is shown: {st}");
    let conflicts = invoke(&w, "conflicts", json!({})).expect("conflicts");
    assert_eq!(conflicts, json!([]), "nothing was refused");
}
