//! A real server on 127.0.0.1:0 over a fresh SQLite file with the demo institution, and devices that
//! seal ops the way the app's store does.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use ed25519_dalek::SigningKey;
use journal_core::{DeviceId, LessonId, OpId, StudentId, UserId};
use journal_protocol::{Lesson, Load, Op, OpPayload, Snapshot, PROTOCOL_VERSION};
use journal_server::dto::{LoginResponse, OpResult, PullPage, PushResponse, PROTOCOL_HEADER};
use journal_server::{AppState, PostgresStorage, ServerConfig, SqliteStorage, Storage};
use serde_json::{json, Value};
use uuid::Uuid;

/// "Today" of the demo data in these tests: a Wednesday of the second semester, so the first
/// semester is finished and locked in the demo history.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 3).unwrap_or_default()
}

/// Which storage backend a test runs on: the conformance suite runs every test on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub storage: Arc<dyn Storage>,
    /// What `--db` takes: the SQLite file path or the PostgreSQL URL.
    pub db: String,
    pub backend: Backend,
    pub snapshot: Snapshot,
    /// The serving task and the digest sender, ended by [`TestServer::stop`].
    tasks: Vec<tokio::task::AbortHandle>,
    _dir: tempfile::TempDir,
}

/// Serves `storage` on a free port of 127.0.0.1 with the digest sender, as `serve` does: the
/// API's base URL and the tasks to abort to stop it.
async fn serve(
    storage: Arc<dyn Storage>,
    config: ServerConfig,
) -> (String, Vec<tokio::task::AbortHandle>) {
    let state = AppState::new(storage, config);
    let sender = journal_server::mark_notices::spawn_sender(state.clone());
    let app = journal_server::app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on 127.0.0.1");
    let addr: SocketAddr = listener.local_addr().expect("the listener has an address");
    let serving = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (
        format!("http://{addr}/api/v1"),
        vec![sender.abort_handle(), serving.abort_handle()],
    )
}

pub fn test_config() -> ServerConfig {
    ServerConfig {
        // The server's "now": the demo's today, 15:00 UTC (after the day's lessons in Moscow).
        clock: Arc::new(|| today().and_hms_opt(15, 0, 0).unwrap_or_default()),
        max_failures: 3,
        failure_delay: std::time::Duration::from_millis(1),
        max_body_bytes: 256 * 1024,
        ..ServerConfig::default()
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, test_config()).await
    }

    pub async fn start_with(backend: Backend, config: ServerConfig) -> TestServer {
        Self::start_with_policy(backend, config, journal_core::Policy::default()).await
    }

    /// A server whose demo institution has `policy` (where the regulations differ) instead of the
    /// strict default.
    pub async fn start_with_policy(
        backend: Backend,
        config: ServerConfig,
        policy: journal_core::Policy,
    ) -> TestServer {
        Self::start_edited(backend, config, |s| s.institution.policy = policy).await
    }

    /// A server whose demo institution is changed by `edit` before it loads (a plan, a policy).
    pub async fn start_edited(
        backend: Backend,
        config: ServerConfig,
        edit: impl FnOnce(&mut journal_protocol::Snapshot),
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("a temp dir for the database");
        let (storage, db): (Arc<dyn Storage>, String) = match backend {
            Backend::Sqlite => {
                let path = dir.path().join("server.db");
                let storage = SqliteStorage::open(&path).expect("the SQLite storage opens");
                (Arc::new(storage), path.to_string_lossy().into_owned())
            }
            Backend::Postgres => {
                let url = crate::pg::fresh_database().await;
                let storage = PostgresStorage::connect(&url)
                    .await
                    .expect("the PostgreSQL storage connects and migrates");
                (Arc::new(storage), url)
            }
        };
        Self::start_on(backend, storage, db, dir, config, edit).await
    }

    /// A server with the demo institution over `storage`, an empty database (`db`: its file or
    /// URL) whose schema the caller chose; `dir` lives as long as the server.
    pub async fn start_on(
        backend: Backend,
        storage: Arc<dyn Storage>,
        db: String,
        dir: tempfile::TempDir,
        config: ServerConfig,
        edit: impl FnOnce(&mut journal_protocol::Snapshot),
    ) -> TestServer {
        let mut snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
        edit(&mut snapshot);
        journal_server::demo::load_institution(
            storage.as_ref(),
            snapshot.clone(),
            journal_demo::DEMO_PASSWORD,
        )
        .await
        .expect("the demo institution loads into an empty database");
        let (base, tasks) = serve(storage.clone(), config).await;
        journal_server::tls::install_ring_provider();
        TestServer {
            base,
            client: reqwest::Client::new(),
            storage,
            db,
            backend,
            snapshot,
            tasks,
            _dir: dir,
        }
    }

    /// Stops serving, as a stopped process would: the port closes and the digest sender ends.
    pub fn stop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }

    /// Serves the same database again after [`TestServer::stop`], as a new process: the storage
    /// opened afresh from `db`, nothing kept in memory from before.
    pub async fn restart(&mut self, config: ServerConfig) {
        self.stop();
        let storage: Arc<dyn Storage> = match self.backend {
            Backend::Sqlite => Arc::new(
                SqliteStorage::open(std::path::Path::new(&self.db))
                    .expect("the database opens again"),
            ),
            Backend::Postgres => Arc::new(
                PostgresStorage::connect(&self.db)
                    .await
                    .expect("the database connects again"),
            ),
        };
        let (base, tasks) = serve(storage.clone(), config).await;
        (self.base, self.tasks, self.storage) = (base, tasks, storage);
    }

    /// Runs a statement directly on the database, behind the server's back (to tamper with it);
    /// returns the rows changed.
    pub async fn tamper(&self, sql: &str) -> u64 {
        match self.backend {
            Backend::Sqlite => {
                let conn =
                    rusqlite::Connection::open(&self.db).expect("the database opens for tampering");
                conn.execute(sql, []).expect("the tampering statement runs") as u64
            }
            Backend::Postgres => crate::pg::execute(&self.db, sql).await,
        }
    }

    /// The same database and demo served at `base` (another server process over it).
    pub fn at(&self, base: String) -> TestServer {
        TestServer {
            base,
            client: reqwest::Client::new(),
            storage: self.storage.clone(),
            db: self.db.clone(),
            backend: self.backend,
            snapshot: self.snapshot.clone(),
            tasks: Vec::new(),
            _dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A POST with the protocol header.
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(path))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(self.url(path))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
    }

    /// A GET (no body) or a POST of `body` as `token`: the status and the JSON answer (Null when
    /// there is none).
    pub async fn call(&self, token: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let req = match body {
            Some(b) => self.post(path).json(&b),
            None => self.get(path),
        };
        let resp = req
            .bearer_auth(token)
            .send()
            .await
            .expect("the request reaches the server");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// A request of any method with a JSON body (`Null`: none) as `token`: the status and the JSON
    /// answer (Null when there is none).
    pub async fn send(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(token);
        if !body.is_null() {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("the request reaches the server");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub fn user(&self, login: &str) -> UserId {
        self.snapshot
            .users
            .iter()
            .find(|u| u.login == login)
            .map(|u| u.id)
            .unwrap_or_else(|| panic!("the demo has the login {login}"))
    }

    pub fn load(&self, id: journal_core::LoadId) -> &Load {
        self.snapshot
            .loads
            .iter()
            .find(|l| l.id == id)
            .expect("every lesson's load is in the snapshot")
    }

    /// Scheduled lessons of `login`'s loads on `date`.
    pub fn lessons_of(&self, login: &str, date: NaiveDate) -> Vec<Lesson> {
        let uid = self.user(login);
        self.snapshot
            .lessons
            .iter()
            .filter(|l| l.date == date && l.status == journal_protocol::LessonStatus::Scheduled)
            .filter(|l| self.load(l.load_id).teacher_id == uid)
            .cloned()
            .collect()
    }

    /// Students of the lesson's group (and subgroup) on its date.
    pub fn students_of(&self, lesson: &Lesson) -> Vec<StudentId> {
        let load = self.load(lesson.load_id);
        let mut out: Vec<StudentId> = self
            .snapshot
            .memberships
            .iter()
            .filter(|m| {
                m.group_id == load.group_id
                    && m.from <= lesson.date
                    && m.to.is_none_or(|to| lesson.date <= to)
                    && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
            })
            .map(|m| m.student_id)
            .collect();
        out.dedup();
        out
    }

    /// A time during the lesson (ten minutes after its start).
    pub fn during(&self, lesson: &Lesson) -> NaiveDateTime {
        let bell = self
            .snapshot
            .bells
            .iter()
            .find(|b| b.number == lesson.bell_number)
            .expect("the lesson's bell is in the schedule");
        lesson.date.and_time(bell.starts) + chrono::Duration::minutes(10)
    }

    /// Logs `login` in on a new device with a fresh key.
    pub async fn device(&self, login: &str) -> Device {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let device_id = DeviceId(Uuid::new_v4());
        let resp = self
            .post("/auth/login")
            .json(&json!({
                "login": login,
                "password": journal_demo::DEMO_PASSWORD,
                "device_id": device_id,
                "device_key": hex::encode(key.verifying_key().to_bytes()),
            }))
            .send()
            .await
            .expect("the login request reaches the server");
        assert_eq!(resp.status(), 200, "demo login {login} must succeed");
        let body: LoginResponse = resp.json().await.expect("a login reply");
        Device {
            id: device_id,
            key,
            user_id: body.user.id,
            token: body.token,
            seq: 0,
            last_hash: String::new(),
        }
    }

    pub async fn push(&self, device: &Device, ops: &[Op]) -> Vec<OpResult> {
        let resp = self
            .post("/sync/push")
            .bearer_auth(&device.token)
            .json(&json!({ "ops": ops }))
            .send()
            .await
            .expect("the push reaches the server");
        assert_eq!(
            resp.status(),
            200,
            "a push is answered 200 with per-op outcomes"
        );
        let body: PushResponse = resp.json().await.expect("a push reply");
        assert_eq!(body.results.len(), ops.len(), "one outcome per pushed op");
        body.results
    }

    /// Seals the device's next op (`at`, `payload`) and pushes it alone.
    pub async fn push_new(
        &self,
        device: &mut Device,
        (at, payload): (NaiveDateTime, OpPayload),
    ) -> Vec<OpResult> {
        let op = device.op(at, payload);
        self.push(device, &[op]).await
    }

    /// Sets a «5» final of `period` for every student who needs one (journal-protocol's list over
    /// the demo snapshot), as the teacher does before locking; asserts each is taken.
    pub async fn finals_for_everyone(
        &self,
        device: &mut Device,
        load_id: journal_core::LoadId,
        period_id: journal_core::PeriodId,
        at: NaiveDateTime,
    ) {
        let period = self
            .snapshot
            .periods
            .iter()
            .find(|p| p.id == period_id)
            .expect("the period is in the snapshot")
            .clone();
        let students = journal_protocol::students_needing_final(
            self.load(load_id),
            &period,
            &self.snapshot.memberships,
            &self.snapshot.individual_plans,
            &self.snapshot.lessons,
        );
        let five = journal_core::parse_final("5").expect("a valid final");
        let ops: Vec<Op> = students
            .iter()
            .map(|&student_id| {
                device.op(
                    at,
                    OpPayload::SetFinal {
                        load_id,
                        period_id,
                        student_id,
                        column: Default::default(),
                        value: Some(five),
                    },
                )
            })
            .collect();
        for r in self.push(device, &ops).await {
            let name = outcome_name(&r);
            assert!(
                name == "applied" || name == "conflict",
                "a final before the lock is taken (or another device's stands): {r:?}"
            );
        }
    }

    /// Pulls everything the device may read; returns its cursor.
    pub async fn pull_all(&self, device: &Device) -> u64 {
        let mut after = 0;
        loop {
            let page = self.pull(&device.token, after, 500).await;
            after = page.next_after;
            if !page.has_more {
                return after;
            }
        }
    }

    pub async fn pull(&self, token: &str, after: u64, limit: u32) -> PullPage {
        let resp = self
            .get("/sync/pull")
            .bearer_auth(token)
            .query(&[("after", after), ("limit", u64::from(limit))])
            .send()
            .await
            .expect("the pull reaches the server");
        assert_eq!(resp.status(), 200, "a pull is answered 200");
        resp.json().await.expect("a pull page")
    }
}

/// A device: its id, key, and the head of its op chain.
pub struct Device {
    pub id: DeviceId,
    pub key: SigningKey,
    pub user_id: UserId,
    pub token: String,
    pub seq: u64,
    pub last_hash: String,
}

impl Device {
    /// The next op of this device's chain, sealed as the app's store seals it.
    pub fn op(&mut self, at: NaiveDateTime, payload: OpPayload) -> Op {
        self.op_seen(at, payload, 0)
    }

    /// [`Device::op`] made after the device had pulled up to `seen_seq`.
    pub fn op_seen(&mut self, at: NaiveDateTime, payload: OpPayload, seen_seq: u64) -> Op {
        self.seq += 1;
        let op = Op::seal_seen(
            OpId(Uuid::now_v7()),
            self.id,
            self.seq,
            self.user_id,
            at,
            payload,
            self.last_hash.clone(),
            seen_seq,
            &self.key,
        )
        .expect("sealing an op works");
        self.last_hash = op.hash.clone();
        op
    }
}

pub fn set_cell(lesson: LessonId, student: StudentId, input: &str) -> OpPayload {
    let value = journal_core::parse_cell(input, false, &journal_core::Policy::default())
        .expect("a valid cell input");
    OpPayload::SetCell {
        lesson_id: lesson,
        student_id: student,
        value,
        reason: None,
    }
}

pub fn outcome_name(r: &OpResult) -> String {
    let v = serde_json::to_value(&r.outcome).expect("outcomes serialise");
    v.get("outcome")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

pub fn rejection_code(r: &OpResult) -> String {
    match &r.outcome {
        journal_protocol::OpOutcome::Rejected { code, .. } => code.clone(),
        other => format!("not rejected: {other:?}"),
    }
}
