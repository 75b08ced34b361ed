//! The server's side of the truth, read through its public HTTP API only (login, pull, snapshot,
//! push): what the proofs compare the devices with.

use journal_core::{LessonId, OpId};
use journal_protocol::{Op, Snapshot, PROTOCOL_VERSION};
use journal_server::dto::{Change, LoginResponse, OpResult, PullPage, PushResponse};
use journal_server::dto::{SnapshotResponse, PROTOCOL_HEADER};
use std::collections::BTreeMap;

/// A read-only session of `login` on a device of its own (no device key: it never pushes its own
/// ops), used to observe the server.
pub struct ServerView {
    url: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl ServerView {
    pub fn login(server_url: &str, login: &str) -> ServerView {
        journal_server::tls::install_ring_provider();
        let http = reqwest::blocking::Client::new();
        let resp = http
            .post(format!("{server_url}/api/v1/auth/login"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&serde_json::json!({
                "login": login,
                "password": journal_demo::DEMO_PASSWORD,
                "device_id": uuid::Uuid::new_v4(),
            }))
            .send()
            .expect("the observer's login reaches the server");
        assert_eq!(resp.status(), 200, "the observer {login} signs in");
        let body: LoginResponse = resp.json().expect("a login reply");
        ServerView {
            url: server_url.to_string(),
            token: body.token,
            http,
        }
    }

    /// Every change the server has applied, in server order (all pages).
    pub fn changes(&self) -> Vec<Change> {
        let mut out = Vec::new();
        let mut after = 0u64;
        loop {
            let page: PullPage = self
                .http
                .get(format!("{}/api/v1/sync/pull", self.url))
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .bearer_auth(&self.token)
                .query(&[("after", after), ("limit", 1000)])
                .send()
                .expect("the pull reaches the server")
                .json()
                .expect("a pull page");
            out.extend(page.changes);
            after = page.next_after;
            if !page.has_more {
                return out;
            }
        }
    }

    /// The user's part of the institution as the server has it now.
    pub fn snapshot(&self) -> Snapshot {
        let r: SnapshotResponse = self
            .http
            .get(format!("{}/api/v1/sync/snapshot", self.url))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&self.token)
            .send()
            .expect("the snapshot request reaches the server")
            .json()
            .expect("a snapshot reply");
        r.snapshot
    }

    /// Pushes `ops` (of any device of this user) and returns the per-op answers.
    pub fn push(&self, ops: &[Op]) -> Vec<OpResult> {
        let resp = self
            .http
            .post(format!("{}/api/v1/sync/push", self.url))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&self.token)
            .json(&serde_json::json!({ "ops": ops }))
            .send()
            .expect("the push reaches the server");
        assert_eq!(resp.status(), 200, "a push is answered 200");
        let body: PushResponse = resp.json().expect("a push reply");
        body.results
    }
}

/// The journal content of `lessons` that sync must make equal everywhere: cell values, homework
/// text, topic titles — each with who entered it and when (the entry time is the deadline and
/// backdating evidence, and is printed) — keyed by what they belong to.
pub fn content(snap: &Snapshot, lessons: &[LessonId]) -> BTreeMap<String, String> {
    let entered = |what: &str, at: &chrono::NaiveDateTime, by: &journal_core::UserId| {
        format!("{what} @ {at} by {by}")
    };
    let mut out = BTreeMap::new();
    for c in snap.cells.iter().filter(|c| lessons.contains(&c.lesson_id)) {
        let v = c.value.symbol();
        if !v.is_empty() {
            out.insert(
                format!("cell:{}:{}", c.lesson_id, c.student_id),
                entered(&v, &c.entered_at, &c.author_id),
            );
        }
    }
    for h in snap
        .homework
        .iter()
        .filter(|h| lessons.contains(&h.lesson_id))
    {
        out.insert(
            format!("homework:{}", h.lesson_id),
            entered(&h.text, &h.entered_at, &h.author_id),
        );
    }
    for t in snap
        .lesson_topics
        .iter()
        .filter(|t| lessons.contains(&t.lesson_id))
    {
        out.insert(
            format!("topic:{}:{}", t.lesson_id, t.hour),
            entered(&t.title, &t.entered_at, &t.author_id),
        );
    }
    out
}

/// The server's change for each applied op id.
pub fn by_op(changes: &[Change]) -> BTreeMap<OpId, &Change> {
    changes.iter().map(|c| (c.op_id, c)).collect()
}

/// Runs the server's audit check on its database file (I6) and returns how many entries it checked;
/// panics with the problems if the chain is broken.
pub fn audit_verifies(db: &std::path::Path, ctx: &str) -> u64 {
    use journal_server::Storage;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime for the audit check");
    let report = rt.block_on(async {
        let storage = journal_server::SqliteStorage::open(db).expect("the server database opens");
        storage.audit_verify().await.expect("the audit check runs")
    });
    assert!(
        report.is_intact(),
        "{ctx}: the audit chain verifies: {:?}",
        report.problems
    );
    report.entries_checked
}
