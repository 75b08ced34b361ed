//! The scale suite: the server at a region's size.
//!
//! - One SQLite database holding three institutions: the demo once, five and ten times over (each
//!   with ids of its own). For each: `snapshot_s_<n>x` — a teacher's first sign-in, the
//!   `GET /api/v1/sync/snapshot` a new device makes, median of [`SNAPSHOT_RUNS`], each on a server
//!   with an empty snapshot cache (so the whole institution is read, as after a change); and
//!   `pull_p95_ms_<n>x` — p95 of the teacher's `GET /api/v1/sync/pull` over the changes of
//!   [`PUSHED`] pushed marks.
//! - PostgreSQL (a throwaway cluster): `ingest_ops_per_s_postgres_1proc` and `…_3proc` — the server
//!   suite's ingest (signed marks from several devices at once) through one and through three
//!   `journal-server serve` processes over one database (the release binary beside this one, or
//!   `JOURNAL_SERVER_BIN`), the devices spread over the processes.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use journal_protocol::{OpOutcome, Snapshot, PROTOCOL_VERSION};
use journal_server::dto::PROTOCOL_HEADER;
use journal_server::{PostgresStorage, SqliteStorage, Storage};

use crate::reports_suite::{remap, scaled};
use crate::server_suite::{ingest, ops_for, p95_ms, serve, today, Server, INGEST_OPS_POSTGRES};

const SCALES: [u32; 3] = [1, 5, 10];
const SNAPSHOT_RUNS: usize = 3;
const PUSHED: usize = 200;
const PULLS: usize = 200;
const PROCESSES: usize = 3;

/// Institution `j`: the demo `times` times over, every id its own, logins «…-x<j>».
fn institution(demo: &Snapshot, times: u32, j: u32) -> anyhow::Result<Snapshot> {
    let big = scaled(demo, times)?;
    let mut v = serde_json::to_value(&big)?;
    remap(&mut v, 1000 + j, &HashSet::new());
    let mut s: Snapshot = serde_json::from_value(v).context("an institution reads back")?;
    for u in &mut s.users {
        u.login = format!("{}-x{j}", u.login);
    }
    s.institution.name = format!("{} ({times}×)", s.institution.name);
    s.institution.short_name = format!("{} ({times}×)", s.institution.short_name);
    Ok(s)
}

async fn sqlite_figures() -> anyhow::Result<Vec<(String, f64, String)>> {
    let demo = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    let dir = tempfile::tempdir()?;
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&dir.path().join("region.db"))?);
    let mut institutions = Vec::new();
    for (j, times) in SCALES.iter().enumerate() {
        let s = institution(&demo, *times, j as u32)?;
        journal_server::demo::load_institution(
            storage.as_ref(),
            s.clone(),
            journal_demo::DEMO_PASSWORD,
        )
        .await?;
        institutions.push((*times, s));
    }
    let mut out = Vec::new();
    for (j, (times, snap)) in institutions.into_iter().enumerate() {
        let teacher = format!("teacher-x{j}");
        out.push((
            format!("scale_lessons_{times}x"),
            snap.lessons.len() as f64,
            "lessons".into(),
        ));
        // The first sign-in, each time on a server that has read nothing yet.
        let mut runs = Vec::new();
        for _ in 0..SNAPSHOT_RUNS {
            let server = serve(storage.clone(), snap.clone(), tempfile::tempdir()?).await?;
            let device = server.device(&teacher).await?;
            let t = Instant::now();
            let resp = server
                .client
                .get(format!("{}/sync/snapshot", server.base))
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .bearer_auth(&device.token)
                .send()
                .await?;
            if !resp.status().is_success() {
                bail!("{teacher}'s snapshot: {}", resp.text().await?);
            }
            let _ = resp.bytes().await?;
            runs.push(t.elapsed().as_secs_f64());
        }
        runs.sort_by(|a, b| a.total_cmp(b));
        out.push((
            format!("snapshot_s_{times}x"),
            runs[runs.len() / 2],
            "s".into(),
        ));
        // Marks pushed by the teacher, then pulled again and again.
        let server = serve(storage.clone(), snap.clone(), tempfile::tempdir()?).await?;
        let mut device = server.device(&teacher).await?;
        let cells = server.cells_of(&teacher)?;
        let ops = ops_for(&mut device, &cells, PUSHED, 0)?;
        let applied = server
            .push(&device.token, &ops)
            .await?
            .iter()
            .filter(|o| matches!(o, OpOutcome::Applied { .. }))
            .count();
        if applied == 0 {
            bail!("{teacher}'s marks were not applied");
        }
        let mut samples: Vec<Duration> = Vec::with_capacity(PULLS);
        for _ in 0..PULLS {
            let t = Instant::now();
            let page = server.pull(&device.token, 0, 1_000).await?;
            samples.push(t.elapsed());
            if page.changes.len() < applied {
                bail!("the pull misses the pushed marks");
            }
        }
        out.push((
            format!("pull_p95_ms_{times}x"),
            p95_ms(samples),
            "ms".into(),
        ));
    }
    Ok(out)
}

/// A `journal-server serve` process; killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn server_binary() -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os("JOURNAL_SERVER_BIN") {
        Some(p) => PathBuf::from(p),
        None => std::env::current_exe()?.with_file_name("journal-server"),
    };
    if !path.exists() {
        bail!(
            "{} is missing: build it with `cargo build --release -p journal-server` (or set JOURNAL_SERVER_BIN)",
            path.display()
        );
    }
    Ok(path)
}

async fn processes_ingest(bin: &PathBuf, processes: usize) -> anyhow::Result<f64> {
    let url = journal_server::testing::fresh_database().await?;
    let demo = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    {
        let storage = PostgresStorage::connect(&url).await?;
        journal_server::demo::load_institution(&storage, demo.clone(), journal_demo::DEMO_PASSWORD)
            .await?;
    }
    let mut running = Vec::new();
    let mut servers = Vec::new();
    let http = reqwest::Client::new();
    for _ in 0..processes {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(bin)
            .args([
                "--db",
                &url,
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .args(["--today", &today().to_string()])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        running.push(Process(child));
        let base = format!("http://127.0.0.1:{port}/api/v1");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            if Instant::now() > deadline {
                bail!("journal-server on {port} did not start");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        servers.push(Arc::new(Server {
            base,
            client: reqwest::Client::new(),
            snapshot: demo.clone(),
            _dir: tempfile::tempdir()?,
        }));
    }
    let ing = ingest(&servers, INGEST_OPS_POSTGRES).await?;
    if ing.applied_share < 0.99 {
        bail!(
            "only {:.1} % of the ops were applied through {processes} processes",
            ing.applied_share * 100.0
        );
    }
    drop(running);
    Ok(ing.ops_per_s)
}

async fn run_async() -> anyhow::Result<Vec<(String, f64, String)>> {
    journal_server::tls::install_ring_provider();
    let mut out = sqlite_figures().await?;
    let bin = server_binary()?;
    for processes in [1, PROCESSES] {
        out.push((
            format!("ingest_ops_per_s_postgres_{processes}proc"),
            processes_ingest(&bin, processes).await?,
            "ops/s".into(),
        ));
    }
    Ok(out)
}

pub fn run() -> anyhow::Result<Vec<(String, f64, String)>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run_async())
}
