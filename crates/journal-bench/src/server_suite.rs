//! The server suite: the institution server (journal-server) over its real HTTP API on 127.0.0.1,
//! with the demo institution and devices that sign their ops as the app's store does.
//!
//! Figures, as (name, value, unit):
//! - `ingest_ops_per_s_sqlite` / `ingest_ops_per_s_postgres` — signed SetCell ops pushed by
//!   [`DEVICES`] devices at once (batches of [`BATCH`]), divided by the wall time from the first
//!   push to the last answer. Ops are sealed before the clock starts (signing is the device's work).
//!   PostgreSQL runs in a throwaway cluster (journal_server::testing, `fsync=off` like the tests);
//! - `ingest_cpu_us_per_op_*` — CPU time (user + system) of the whole bench process, client and
//!   server, during the ingest, per op: steadier than the rate on a shared machine;
//! - `ingest_applied_share_*` — the share of those ops answered `applied` (the rest: merged /
//!   conflicts), so the rate is not one of refusals;
//! - `noop_sync_p95` — p95 of a push of 0 ops plus a pull with nothing new, ms;
//! - `week_offline_sync_s` — a device back after a week: pushes 5,000 ops in one push, then pulls
//!   every change from cursor 0 in pages of 5,000; before the clock starts, other devices' edits
//!   are topped up (untimed) so that the pull gets at least [`WEEK_PULL`] changes; client and server
//!   on this machine (the client only decodes the pages, it applies them to no local store);
//! - `week_offline_changes_pulled` / `week_offline_ops_applied` — how many changes that pull got,
//!   and how many of the 5,000 pushed ops were applied.
//!
//! Refusal codes met during the ingest go to stderr (they explain an applied share below 1).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{NaiveDate, NaiveDateTime};
use ed25519_dalek::SigningKey;
use journal_core::{DeviceId, LessonId, OpId, StudentId, UserId};
use journal_protocol::{Op, OpOutcome, OpPayload, Snapshot, PROTOCOL_VERSION};
use journal_server::dto::{LoginResponse, PullPage, PushResponse, PROTOCOL_HEADER};
use journal_server::{AppState, PostgresStorage, ServerConfig, SqliteStorage, Storage};
use serde_json::json;
use uuid::Uuid;

/// Devices pushing at once in the ingest figure (all of the demo login `teacher`, each on its own
/// share of the cells, so the ops are sequential edits rather than conflicts).
const DEVICES: usize = 4;
const BATCH: usize = 500;
const INGEST_OPS_SQLITE: usize = 50_000;
pub(crate) const INGEST_OPS_POSTGRES: usize = 20_000;
const OFFLINE_OPS: usize = 5_000;
/// Changes the week-offline pull must get at least.
const WEEK_PULL: usize = 50_000;
const NOOP_SAMPLES: usize = 200;
const LOGIN: &str = "teacher";

pub(crate) fn today() -> NaiveDate {
    // A Wednesday of the second semester (as in the server's tests): the first is locked.
    NaiveDate::from_ymd_opt(2027, 3, 3).unwrap_or_default()
}

pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) client: reqwest::Client,
    pub(crate) snapshot: Snapshot,
    pub(crate) _dir: tempfile::TempDir,
}

async fn start(storage: Arc<dyn Storage>, dir: tempfile::TempDir) -> anyhow::Result<Server> {
    let snapshot = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    journal_server::demo::load_institution(
        storage.as_ref(),
        snapshot.clone(),
        journal_demo::DEMO_PASSWORD,
    )
    .await?;
    // reqwest's TLS comes without a provider in this build (journal-api's choice).
    journal_server::tls::install_ring_provider();
    serve(storage, snapshot, dir).await
}

/// A server over `storage` on a free loopback port, its clock at 15:00 UTC of [`today`];
/// `snapshot` is what its clients are told the institution holds.
pub(crate) async fn serve(
    storage: Arc<dyn Storage>,
    snapshot: Snapshot,
    dir: tempfile::TempDir,
) -> anyhow::Result<Server> {
    let now = today().and_hms_opt(15, 0, 0).context("time")?;
    let config = ServerConfig {
        clock: Arc::new(move || now),
        ..ServerConfig::default()
    };
    let app = journal_server::app(AppState::new(storage, config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Server {
        base: format!("http://{addr}/api/v1"),
        client: reqwest::Client::new(),
        snapshot,
        _dir: dir,
    })
}

pub(crate) struct Device {
    id: DeviceId,
    key: SigningKey,
    user_id: UserId,
    pub(crate) token: String,
    seq: u64,
    last_hash: String,
}

impl Device {
    fn op(&mut self, at: NaiveDateTime, payload: OpPayload) -> anyhow::Result<Op> {
        self.seq += 1;
        let op = Op::seal(
            OpId(Uuid::now_v7()),
            self.id,
            self.seq,
            self.user_id,
            at,
            payload,
            self.last_hash.clone(),
            &self.key,
        )
        .map_err(|e| anyhow::anyhow!("sealing an op: {e:?}"))?;
        self.last_hash = op.hash.clone();
        Ok(op)
    }
}

impl Server {
    pub(crate) async fn device(&self, login: &str) -> anyhow::Result<Device> {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let device_id = DeviceId(Uuid::new_v4());
        let resp = self
            .client
            .post(format!("{}/auth/login", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&json!({
                "login": login,
                "password": journal_demo::DEMO_PASSWORD,
                "device_id": device_id,
                "device_key": hex::encode(key.verifying_key().to_bytes()),
            }))
            .send()
            .await?;
        if !resp.status().is_success() {
            bail!("login {login}: {}", resp.text().await.unwrap_or_default());
        }
        let body: LoginResponse = resp.json().await?;
        Ok(Device {
            id: device_id,
            key,
            user_id: body.user.id,
            token: body.token,
            seq: 0,
            last_hash: String::new(),
        })
    }

    /// Every (lesson, student, time during the lesson) the login may mark: its scheduled lessons
    /// of today, the students of the group.
    pub(crate) fn cells_of(
        &self,
        login: &str,
    ) -> anyhow::Result<Vec<(LessonId, StudentId, NaiveDateTime)>> {
        let snap = &self.snapshot;
        let uid = snap
            .users
            .iter()
            .find(|u| u.login == login)
            .map(|u| u.id)
            .context("the demo login")?;
        let period = snap
            .periods
            .iter()
            .find(|p| p.starts_on <= today() && today() <= p.ends_on)
            .context("the current period")?;
        let filled: std::collections::HashSet<(LessonId, StudentId)> = snap
            .cells
            .iter()
            .map(|c| (c.lesson_id, c.student_id))
            .collect();
        let mut out = Vec::new();
        for lesson in &snap.lessons {
            // Today's lessons only: every round re-marks them on their own day. Earlier days'
            // marks changed again today would be corrections after the day (refused to a teacher),
            // and a device's entry time is not believed below its previous op's.
            if lesson.date < period.starts_on
                || lesson.date != today()
                || lesson.status != journal_protocol::LessonStatus::Scheduled
            {
                continue;
            }
            let Some(load) = snap.loads.iter().find(|l| l.id == lesson.load_id) else {
                continue;
            };
            if load.teacher_id != uid {
                continue;
            }
            let Some(bell) = snap.bells.iter().find(|b| b.number == lesson.bell_number) else {
                continue;
            };
            let at = lesson.date.and_time(bell.starts) + chrono::Duration::minutes(10);
            let mut students: Vec<StudentId> = snap
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
            students.sort();
            students.dedup();
            // Cells the demo history already filled would be conflicts (first accepted wins), not
            // the plain edits this figure measures.
            students.retain(|s| !filled.contains(&(lesson.id, *s)));
            out.extend(students.into_iter().map(|s| (lesson.id, s, at)));
        }
        if out.is_empty() {
            bail!("the demo login {login} has no lessons to mark");
        }
        Ok(out)
    }

    pub(crate) async fn push(&self, token: &str, ops: &[Op]) -> anyhow::Result<Vec<OpOutcome>> {
        let resp = self
            .client
            .post(format!("{}/sync/push", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(token)
            .json(&json!({ "ops": ops }))
            .send()
            .await?;
        if !resp.status().is_success() {
            bail!("push: {}", resp.text().await.unwrap_or_default());
        }
        let body: PushResponse = resp.json().await?;
        Ok(body.results.into_iter().map(|r| r.outcome).collect())
    }

    pub(crate) async fn pull(
        &self,
        token: &str,
        after: u64,
        limit: u32,
    ) -> anyhow::Result<PullPage> {
        let resp = self
            .client
            .get(format!("{}/sync/pull", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(token)
            .query(&[("after", after), ("limit", u64::from(limit))])
            .send()
            .await?;
        if !resp.status().is_success() {
            bail!("pull: {}", resp.text().await.unwrap_or_default());
        }
        Ok(resp.json().await?)
    }
}

fn set_cell(lesson: LessonId, student: StudentId, input: &str) -> anyhow::Result<OpPayload> {
    let value = journal_core::parse_cell(input, false, &journal_core::Policy::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(OpPayload::SetCell {
        lesson_id: lesson,
        student_id: student,
        value,
        reason: None,
    })
}

/// `count` sealed ops of `device` on its share of the cells, each round giving every cell the other
/// of two marks (so every op is a change of the device's own earlier value).
pub(crate) fn ops_for(
    device: &mut Device,
    cells: &[(LessonId, StudentId, NaiveDateTime)],
    count: usize,
    round_offset: usize,
) -> anyhow::Result<Vec<Op>> {
    let mut ops = Vec::with_capacity(count);
    for i in 0..count {
        let (lesson, student, at) = cells[i % cells.len()];
        let round = i / cells.len() + round_offset;
        let mark = if round.is_multiple_of(2) { "3" } else { "5" };
        ops.push(device.op(at, set_cell(lesson, student, mark)?)?);
    }
    Ok(ops)
}

pub(crate) struct Ingest {
    pub(crate) ops_per_s: f64,
    /// CPU time of this whole process (client and server) per pushed op, µs; None where the
    /// process's CPU time cannot be read.
    cpu_us_per_op: Option<f64>,
    pub(crate) applied_share: f64,
    devices: Vec<Device>,
    shares: Vec<Vec<(LessonId, StudentId, NaiveDateTime)>>,
    rounds: Vec<usize>,
}

/// `total` ops pushed by [`DEVICES`] devices at once, device k through `servers[k % len]` (several
/// server processes over one database: the scale suite).
pub(crate) async fn ingest(servers: &[Arc<Server>], total: usize) -> anyhow::Result<Ingest> {
    let server = servers.first().context("a server to push to")?;
    let cells = server.cells_of(LOGIN)?;
    let mut devices = Vec::new();
    let mut shares = Vec::new();
    for k in 0..DEVICES {
        devices.push(servers[k % servers.len()].device(LOGIN).await?);
        shares.push(
            cells
                .iter()
                .skip(k)
                .step_by(DEVICES)
                .copied()
                .collect::<Vec<_>>(),
        );
    }
    let per_device = total / DEVICES;
    let mut all_ops = Vec::new();
    let mut rounds = Vec::new();
    for (d, share) in devices.iter_mut().zip(&shares) {
        all_ops.push(ops_for(d, share, per_device, 0)?);
        rounds.push(per_device.div_ceil(share.len()));
    }
    let started = Instant::now();
    let cpu_started = process_cpu_seconds();
    let mut tasks = Vec::new();
    for (k, (d, ops)) in devices.iter().zip(all_ops).enumerate() {
        let server = servers[k % servers.len()].clone();
        let token = d.token.clone();
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::with_capacity(ops.len());
            for batch in ops.chunks(BATCH) {
                outcomes.extend(server.push(&token, batch).await?);
            }
            anyhow::Ok(outcomes)
        }));
    }
    let mut applied = 0usize;
    let mut pushed = 0usize;
    let mut refusals: std::collections::BTreeMap<String, usize> = Default::default();
    for t in tasks {
        let outcomes = t.await??;
        pushed += outcomes.len();
        for o in &outcomes {
            match o {
                OpOutcome::Applied { .. } => applied += 1,
                OpOutcome::Rejected { code, .. } => *refusals.entry(code.clone()).or_default() += 1,
                OpOutcome::Conflict { .. } => *refusals.entry("conflict".into()).or_default() += 1,
                OpOutcome::Duplicate { .. } => {
                    *refusals.entry("duplicate".into()).or_default() += 1
                }
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu_us_per_op = cpu_started
        .zip(process_cpu_seconds())
        .map(|(a, b)| (b - a) * 1e6 / pushed.max(1) as f64);
    if !refusals.is_empty() {
        eprintln!("ingest: ops not applied, by code: {refusals:?}");
    }
    Ok(Ingest {
        ops_per_s: pushed as f64 / secs,
        cpu_us_per_op,
        applied_share: applied as f64 / pushed.max(1) as f64,
        devices,
        shares,
        rounds,
    })
}

/// User + system CPU time of this process so far, in seconds (Linux: /proc/self/stat). The ingest
/// rate depends on what else the machine runs; the CPU time per op much less.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): utime and
    // stime are the 12th and 13th of them, in clock ticks (100 per second on Linux).
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: f64 = fields.next()?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

pub(crate) fn p95_ms(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    let idx = ((samples.len() as f64) * 0.95).ceil() as usize;
    samples
        .get(idx.saturating_sub(1))
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

async fn pull_all(server: &Server, token: &str) -> anyhow::Result<(usize, u64)> {
    let mut after = 0;
    let mut count = 0;
    loop {
        let page = server.pull(token, after, 5_000).await?;
        count += page.changes.len();
        after = page.next_after;
        if !page.has_more {
            return Ok((count, after));
        }
    }
}

/// Which backends a run measures (`--backend`; both by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backends {
    Sqlite,
    Postgres,
    Both,
}

async fn run_async(backends: Backends) -> anyhow::Result<Vec<(String, f64, String)>> {
    let mut out = Vec::new();
    if backends != Backends::Postgres {
        out.extend(run_sqlite().await?);
    }
    if backends != Backends::Sqlite {
        out.extend(run_postgres().await?);
    }
    Ok(out)
}

async fn run_sqlite() -> anyhow::Result<Vec<(String, f64, String)>> {
    let mut out = Vec::new();

    // SQLite: ingest, then the no-op sync and the week offline on the same (now busy) database.
    let dir = tempfile::tempdir()?;
    let storage = Arc::new(SqliteStorage::open(&dir.path().join("server.db"))?);
    let server = Arc::new(start(storage, dir).await?);
    let mut ing = ingest(std::slice::from_ref(&server), INGEST_OPS_SQLITE).await?;
    out.push((
        "ingest_ops_per_s_sqlite".into(),
        ing.ops_per_s,
        "ops/s".into(),
    ));
    out.push((
        "ingest_applied_share_sqlite".into(),
        ing.applied_share,
        "share".into(),
    ));
    if let Some(us) = ing.cpu_us_per_op {
        out.push(("ingest_cpu_us_per_op_sqlite".into(), us, "us".into()));
    }

    let device = &mut ing.devices[0];
    let (_, cursor) = pull_all(&server, &device.token).await?;
    let mut samples = Vec::with_capacity(NOOP_SAMPLES);
    for _ in 0..NOOP_SAMPLES {
        let t = Instant::now();
        server.push(&device.token, &[]).await?;
        let page = server.pull(&device.token, cursor, 1_000).await?;
        samples.push(t.elapsed());
        if !page.changes.is_empty() {
            bail!("the no-op pull found changes");
        }
    }
    out.push(("noop_sync_p95".into(), p95_ms(samples), "ms".into()));

    // Top up (untimed) with edits of the other devices until the pull has WEEK_PULL changes.
    let (mut have, _) = pull_all(&server, &ing.devices[0].token).await?;
    let mut round = ing.rounds[1];
    while have < WEEK_PULL {
        let extra = ops_for(&mut ing.devices[1], &ing.shares[1], BATCH, round)?;
        round += 1;
        let outcomes = server.push(&ing.devices[1].token, &extra).await?;
        let applied = outcomes
            .iter()
            .filter(|o| matches!(o, OpOutcome::Applied { .. }))
            .count();
        if applied == 0 {
            bail!("topping up the changes: no op was applied");
        }
        have += applied;
    }
    let device = &mut ing.devices[0];
    let offline = ops_for(device, &ing.shares[0], OFFLINE_OPS, ing.rounds[0])?;
    let t = Instant::now();
    let outcomes = server.push(&device.token, &offline).await?;
    let (pulled, _) = pull_all(&server, &device.token).await?;
    out.push((
        "week_offline_sync_s".into(),
        t.elapsed().as_secs_f64(),
        "s".into(),
    ));
    out.push((
        "week_offline_changes_pulled".into(),
        pulled as f64,
        "changes".into(),
    ));
    out.push((
        "week_offline_ops_applied".into(),
        outcomes
            .iter()
            .filter(|o| matches!(o, OpOutcome::Applied { .. }))
            .count() as f64,
        "ops".into(),
    ));
    Ok(out)
}

async fn run_postgres() -> anyhow::Result<Vec<(String, f64, String)>> {
    let mut out = Vec::new();
    // PostgreSQL in a throwaway cluster.
    let url = journal_server::testing::fresh_database().await?;
    let storage = Arc::new(PostgresStorage::connect(&url).await?);
    let server = Arc::new(start(storage, tempfile::tempdir()?).await?);
    let ing = ingest(std::slice::from_ref(&server), INGEST_OPS_POSTGRES).await?;
    out.push((
        "ingest_ops_per_s_postgres".into(),
        ing.ops_per_s,
        "ops/s".into(),
    ));
    out.push((
        "ingest_applied_share_postgres".into(),
        ing.applied_share,
        "share".into(),
    ));
    if let Some(us) = ing.cpu_us_per_op {
        out.push(("ingest_cpu_us_per_op_postgres".into(), us, "us".into()));
    }
    Ok(out)
}

pub fn run(backends: Backends) -> anyhow::Result<Vec<(String, f64, String)>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run_async(backends))
}
