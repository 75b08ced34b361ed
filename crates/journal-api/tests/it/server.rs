//! A real journal server on 127.0.0.1:0 over a fresh SQLite file (or PostgreSQL database) with the demo institution, run on
//! its own thread and runtime so the blocking sync client can call it from the test thread.

use chrono::{NaiveDate, NaiveDateTime};
use journal_api::{Clock, FixedClock, Journal, KdfParams, LessonSummary};
use journal_server::{AppState, PostgresStorage, ServerConfig, SqliteStorage, Storage};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Light Argon2id for tests (the default stays the real cost; a unit test pins it).
pub const TEST_KDF: KdfParams = KdfParams {
    m_kib: 256,
    t: 1,
    p: 1,
};

/// An address nothing listens on: the "network is down" of these tests.
pub const UNREACHABLE: &str = "http://127.0.0.1:1";

/// "Today" of the demo on the server (a Wednesday of the second semester, as in the server's tests).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 3).expect("valid date")
}

pub struct TestServer {
    pub url: String,
    /// Days added to the server's clock (to let tokens expire).
    pub shift_days: Arc<AtomicI64>,
    pub db: PathBuf,
    /// The server's update directory (`serve --updates-dir`), empty until a test publishes.
    pub updates: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(journal_core::Policy::default(), None)
    }

    /// A server whose demo institution has `policy` instead of the strict default.
    pub fn start_with_policy(policy: journal_core::Policy) -> TestServer {
        TestServer::start_with(policy, None)
    }

    /// The same server over PostgreSQL (a fresh database in journal-server's throwaway cluster;
    /// `db` then names nothing: the SQLite helpers below are not for it).
    pub fn start_on_postgres(policy: journal_core::Policy) -> TestServer {
        TestServer::start_on(policy, None, true)
    }

    /// The same server over HTTPS with `tls` (its URL is https://127.0.0.1:port).
    pub fn start_tls(tls: Arc<rustls::ServerConfig>) -> TestServer {
        TestServer::start_with(journal_core::Policy::default(), Some(tls))
    }

    fn start_with(
        policy: journal_core::Policy,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> TestServer {
        TestServer::start_on(policy, tls, false)
    }

    fn start_on(
        policy: journal_core::Policy,
        tls: Option<Arc<rustls::ServerConfig>>,
        postgres: bool,
    ) -> TestServer {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let dir = tempfile::tempdir().expect("a temp dir for the server database");
        let db = dir.path().join("server.db");
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let path = db.clone();
        let updates = dir.path().join("updates");
        let updates_dir = updates.clone();
        let shift_days = Arc::new(AtomicI64::new(0));
        let shift = shift_days.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime for the server");
            rt.block_on(async move {
                let storage: Arc<dyn Storage> = if postgres {
                    let url = journal_server::testing::fresh_database()
                        .await
                        .expect("a fresh database in the throwaway PostgreSQL cluster");
                    Arc::new(
                        PostgresStorage::connect(&url)
                            .await
                            .expect("the PostgreSQL storage connects and migrates"),
                    )
                } else {
                    Arc::new(SqliteStorage::open(&path).expect("the SQLite storage opens"))
                };
                let mut snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
                snapshot.institution.policy = policy;
                journal_server::demo::load_institution(
                    storage.as_ref(),
                    snapshot,
                    journal_demo::DEMO_PASSWORD,
                )
                .await
                .expect("the demo institution loads");
                let config = ServerConfig {
                    // The server's "now": the demo's today, 15:00 UTC (after the day's lessons).
                    clock: Arc::new(move || {
                        today().and_hms_opt(15, 0, 0).unwrap_or_default()
                            + chrono::Duration::days(shift.load(Ordering::SeqCst))
                    }),
                    failure_delay: std::time::Duration::from_millis(1),
                    updates_dir: Some(updates_dir),
                    ..ServerConfig::default()
                };
                let app = journal_server::app(AppState::new(storage, config));
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a free port on 127.0.0.1");
                let addr = listener.local_addr().expect("the listener has an address");
                addr_tx.send(addr).expect("the test waits for the address");
                let stop = async {
                    let _ = stop_rx.await;
                };
                let _ = match tls {
                    Some(config) => {
                        let listener = journal_server::tls::TlsListener::new(listener, config)
                            .expect("the TLS listener starts");
                        axum::serve(listener, app)
                            .with_graceful_shutdown(stop)
                            .await
                    }
                    None => {
                        axum::serve(listener, app)
                            .with_graceful_shutdown(stop)
                            .await
                    }
                };
            });
        });
        let addr = addr_rx
            .recv()
            .expect("the server thread reports its address");
        TestServer {
            url: format!("{scheme}://{addr}"),
            shift_days,
            db,
            updates,
            stop: Some(stop_tx),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// Locks a period of a load behind the device's back (as a deputy would on another PC).
    pub fn lock_on_server(&self, load_id: &str, period_id: &str, by: &str) {
        let conn = rusqlite::Connection::open(&self.db).expect("the server database opens");
        let inst: String = conn
            .query_row("SELECT id FROM institutions", [], |r| r.get(0))
            .expect("one institution");
        let data = serde_json::json!({
            "load_id": load_id, "period_id": period_id,
            "locked_at": "2027-03-03T08:00:00", "locked_by": by,
        });
        conn.execute(
            "INSERT INTO locks (institution_id, load_id, period_id, data) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![inst, load_id, period_id, data.to_string()],
        )
        .expect("the lock row is written");
        // As every write of the server does, the change raises the institution's version (its
        // snapshot cache keys on it): here the reference_version, as a lock is not an op here.
        conn.execute(
            "UPDATE institutions SET reference_version = reference_version + 1 WHERE id = ?1",
            rusqlite::params![inst],
        )
        .expect("the version is raised");
    }

    /// Changes recorded on the server for a lesson's cells (server-side truth).
    pub fn changes_count(&self) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("the server database opens");
        conn.query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
            .expect("changes count")
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

/// A time during `lesson` (ten minutes after its start).
pub fn during(lesson: &LessonSummary) -> NaiveDateTime {
    lesson.starts_at + chrono::Duration::minutes(10)
}

/// Signs `login` in online on a PC whose data dir is `dir`, the clock at `now`.
pub fn sign_in(server: &TestServer, dir: &Path, login: &str, now: NaiveDateTime) -> Journal {
    Journal::sign_in_online_with(
        dir,
        &server.url,
        login,
        journal_demo::DEMO_PASSWORD,
        TEST_KDF,
    )
    .unwrap_or_else(|e| panic!("online sign-in of {login} must succeed: {e}"))
    .with_clock(Arc::new(FixedClock::new(now)) as Arc<dyn Clock>)
}

/// The first held lesson of the teacher today, from the copy.
pub fn first_lesson(j: &Journal) -> LessonSummary {
    j.today_lessons(today())
        .expect("today's lessons")
        .into_iter()
        .find(|l| l.state == journal_api::LessonState::Scheduled)
        .expect("the demo teacher has a lesson today")
}
