//! kill -9 of the real `journal-server` binary at random points, in a loop (I1, I2, I3, I6).
//!
//! One SQLite file, one device of the demo teacher. Each round starts `journal-server serve`,
//! lets a client push signed ops in small batches, SIGKILLs the server after a random delay
//! (sometimes before it even listens), and starts the next round on the same file. The client
//! resends everything it has no answer for, as the app does. At the end: every op the server
//! acknowledged is present exactly once, every op of the device is applied, server_seq has no
//! hole, and `audit verify` passes. The rounds are driven by a seed printed with every failure
//! (`PROOF_SEED=<n>` replays one).

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use journal_core::{DeviceId, OpId};
use journal_protocol::{Op, OpOutcome, OpPayload, PROTOCOL_VERSION};
use journal_server::dto::{
    LoginResponse, PullPage, PushResponse, SnapshotResponse, PROTOCOL_HEADER,
};
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::support::{set_cell, Device};

/// Rounds with a SIGKILL (the client kill loop in journal-api adds its own).
const ROUNDS: u32 = 100;
/// A past school day of the demo, so that the real clock of the binary is after the lesson.
const DEMO_TODAY: &str = "2026-03-04";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_journal-server")
}

fn seed() -> u64 {
    std::env::var("PROOF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_127)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn serve(db: &str, port: u16) -> Child {
    Command::new(bin())
        .args(["--db", db, "serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("journal-server serve starts")
}

async fn wait_ready(http: &reqwest::Client, base: &str, ctx: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = http.get(format!("{base}/health")).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{ctx}: the server never became ready"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn audit_verify(db: &str, ctx: &str) {
    let out = Command::new(bin())
        .args(["--db", db, "audit", "verify"])
        .env("RUST_LOG", "warn")
        .output()
        .expect("audit verify runs");
    assert!(
        out.status.success(),
        "{ctx}: the audit chain verifies after SIGKILLs: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The client's side: every op it made, and the answers it got.
struct Client {
    device: Device,
    outbox: Vec<Op>,
    /// First op without an answer (the outbox is answered in order).
    answered: usize,
    /// Ops the server acknowledged (applied or duplicate), with the server_seq it gave.
    acked: HashMap<OpId, u64>,
    payloads: Vec<(chrono::NaiveDateTime, OpPayload)>,
    /// Answers `duplicate`: the server had committed a push whose reply the client never got.
    duplicates: usize,
}

impl Client {
    /// Makes `n` new ops and pushes everything unanswered, once. Returns Err when the server
    /// is gone (connection refused or reset, half a reply).
    async fn push_round(
        &mut self,
        http: &reqwest::Client,
        base: &str,
        n: usize,
        ctx: &str,
    ) -> Result<(), reqwest::Error> {
        for _ in 0..n {
            let i = self.outbox.len() % self.payloads.len();
            let (at, payload) = self.payloads[i].clone();
            let op = self.device.op(at, payload);
            self.outbox.push(op);
        }
        let batch: Vec<Op> = self.outbox[self.answered..].to_vec();
        if batch.is_empty() {
            return Ok(());
        }
        let resp = http
            .post(format!("{base}/sync/push"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&self.device.token)
            .json(&serde_json::json!({ "ops": batch }))
            .send()
            .await?;
        let status = resp.status();
        let body: PushResponse = resp.json().await?;
        assert_eq!(status, 200, "{ctx}: a push is answered 200");
        assert_eq!(body.results.len(), batch.len(), "{ctx}: one answer per op");
        for (op, r) in batch.iter().zip(&body.results) {
            assert_eq!(r.op_id, op.op_id, "{ctx}: answers come in the ops' order");
            let seq = match &r.outcome {
                OpOutcome::Applied { server_seq } => *server_seq,
                OpOutcome::Duplicate {
                    server_seq: Some(server_seq),
                } => {
                    self.duplicates += 1;
                    *server_seq
                }
                other => panic!(
                    "{ctx}: op #{} of an in-order outbox must be applied or a duplicate, got {other:?}",
                    op.device_seq
                ),
            };
            if let Some(prev) = self.acked.insert(op.op_id, seq) {
                assert_eq!(
                    prev, seq,
                    "{ctx}: op #{} keeps its server_seq when answered again",
                    op.device_seq
                );
            }
            self.answered += 1;
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_of_the_server_at_random_points_loses_and_doubles_nothing() {
    let seed = seed();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let db_path = dir.path().join("server.db");
    let db = db_path.to_string_lossy().into_owned();
    let init = Command::new(bin())
        .args(["--db", &db, "init", "--demo", "--today", DEMO_TODAY])
        .env("RUST_LOG", "warn")
        .output()
        .expect("init runs");
    assert!(
        init.status.success(),
        "init --demo: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    journal_server::tls::install_ring_provider();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client");

    // Round 0, not killed: the device signs in and learns its lesson.
    let mut server = serve(&db, port);
    wait_ready(&http, &base, "start").await;
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let device_id = DeviceId(Uuid::new_v4());
    let login: LoginResponse = http
        .post(format!("{base}/auth/login"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .json(&serde_json::json!({
            "login": "teacher", "password": journal_demo::DEMO_PASSWORD,
            "device_id": device_id, "device_key": hex::encode(key.verifying_key().to_bytes()),
        }))
        .send()
        .await
        .expect("login reaches the server")
        .json()
        .await
        .expect("a login reply");
    let snap: SnapshotResponse = http
        .get(format!("{base}/sync/snapshot"))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(&login.token)
        .send()
        .await
        .expect("snapshot reaches the server")
        .json()
        .await
        .expect("a snapshot");
    let snap = snap.snapshot;
    let day = chrono::NaiveDate::parse_from_str(DEMO_TODAY, "%Y-%m-%d").expect("a date");
    let my_loads: Vec<_> = snap
        .loads
        .iter()
        .filter(|l| l.teacher_id == login.user.id && l.subgroup_id.is_none())
        .map(|l| (l.id, l.group_id))
        .collect();
    let lesson = snap
        .lessons
        .iter()
        .find(|l| {
            l.date == day
                && l.status == journal_protocol::LessonStatus::Scheduled
                && my_loads.iter().any(|(id, _)| *id == l.load_id)
        })
        .expect("the demo teacher has a lesson on the demo's today")
        .clone();
    let group = my_loads
        .iter()
        .find(|(id, _)| *id == lesson.load_id)
        .map(|(_, g)| *g)
        .expect("the lesson's group");
    let students: Vec<_> = snap
        .memberships
        .iter()
        .filter(|m| m.group_id == group && m.from <= day && m.to.is_none_or(|t| day <= t))
        .map(|m| m.student_id)
        .collect();
    let bell = snap
        .bells
        .iter()
        .find(|b| b.number == lesson.bell_number)
        .expect("the lesson's bell");
    let at = day.and_time(bell.starts) + chrono::Duration::minutes(10);
    // A cycle of edits the server always applies: the device's own successive values of a few
    // cells (its own history, never a conflict) and homework (last writer).
    let mut payloads = Vec::new();
    for round in 0..5usize {
        for (k, s) in students.iter().take(4).enumerate() {
            let v = ["2", "3", "4", "5", "н"][(round + k) % 5];
            payloads.push((at, set_cell(lesson.id, *s, v)));
        }
        payloads.push((
            at,
            OpPayload::SetHomework {
                lesson_id: lesson.id,
                text: format!("§ {round}"),
            },
        ));
    }
    let mut client = Client {
        device: Device {
            id: device_id,
            key,
            user_id: login.user.id,
            token: login.token,
            seq: 0,
            last_hash: String::new(),
        },
        outbox: Vec::new(),
        answered: 0,
        acked: HashMap::new(),
        payloads,
        duplicates: 0,
    };
    client
        .push_round(&http, &base, 3, "round 0")
        .await
        .expect("an unkilled push goes through");
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");

    let mut killed_before_ready = 0;
    for round in 1..=ROUNDS {
        let ctx = format!("seed {seed}, round {round}");
        let mut server = serve(&db, port);
        if rng.gen_ratio(1, 5) {
            // Killed while starting (opening the database, migrating, binding).
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..15))).await;
            killed_before_ready += 1;
        } else {
            wait_ready(&http, &base, &ctx).await;
            let delay = Duration::from_micros(rng.gen_range(0..25_000));
            let batch = rng.gen_range(1..6);
            let pushing = async {
                loop {
                    if client.push_round(&http, &base, batch, &ctx).await.is_err() {
                        return;
                    }
                }
            };
            // The pushes run until the kill lands and the next one fails.
            let _ = tokio::time::timeout(delay, pushing).await;
        }
        server.kill().expect("SIGKILL");
        server.wait().expect("reaped");
        if round % 25 == 0 {
            audit_verify(&db, &ctx);
        }
    }

    // Last start, not killed: the client sends what is still unanswered, then everything is checked.
    let ctx = format!("seed {seed}, final");
    let mut server = serve(&db, port);
    wait_ready(&http, &base, &ctx).await;
    client
        .push_round(&http, &base, 0, &ctx)
        .await
        .expect("the last push goes through");
    let mut changes = Vec::new();
    let mut after = 0u64;
    loop {
        let page: PullPage = http
            .get(format!("{base}/sync/pull"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&client.device.token)
            .query(&[("after", after), ("limit", 1000)])
            .send()
            .await
            .expect("pull reaches the server")
            .json()
            .await
            .expect("a pull page");
        changes.extend(page.changes);
        after = page.next_after;
        if !page.has_more {
            break;
        }
    }
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");

    assert!(
        client.outbox.len() > ROUNDS as usize,
        "{ctx}: the rounds made ops ({})",
        client.outbox.len()
    );
    assert_eq!(
        client.answered,
        client.outbox.len(),
        "{ctx}: every op got an answer"
    );
    let mut count: HashMap<OpId, usize> = HashMap::new();
    for c in &changes {
        *count.entry(c.op_id).or_default() += 1;
    }
    for op in &client.outbox {
        assert_eq!(
            count.get(&op.op_id).copied().unwrap_or(0),
            1,
            "{ctx}: op #{} is on the server exactly once",
            op.device_seq
        );
        let seq = client.acked.get(&op.op_id).copied();
        let change = changes.iter().find(|c| c.op_id == op.op_id);
        assert_eq!(
            change.map(|c| c.server_seq),
            seq,
            "{ctx}: op #{} is where its acknowledgement said",
            op.device_seq
        );
    }
    assert_eq!(
        changes.len(),
        client.outbox.len(),
        "{ctx}: nothing but the device's ops was applied"
    );
    let first = changes.first().map(|c| c.server_seq).unwrap_or(1);
    let seqs: Vec<u64> = changes.iter().map(|c| c.server_seq).collect();
    let expected: Vec<u64> = (first..first + changes.len() as u64).collect();
    assert_eq!(seqs, expected, "{ctx}: server_seq has no hole");
    audit_verify(&db, &ctx);
    eprintln!(
        "server kill loop: {ROUNDS} SIGKILLs ({killed_before_ready} while starting), {} ops, {} answered as duplicates after a lost reply, seed {seed}",
        client.outbox.len(),
        client.duplicates
    );
}
