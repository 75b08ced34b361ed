//! Test and benchmark support: a throwaway PostgreSQL cluster (initdb + postgres on a free port
//! in a temp dir, started once per process, stopped by a watchdog shell when the process ends) and
//! one fresh database per caller. Used by the conformance tests and by journal-bench; never by
//! `serve`. Without PostgreSQL server binaries it gives an error naming what to install.

use anyhow::{anyhow, bail, Context};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

pub struct Cluster {
    pub port: u16,
    /// The watchdog shell that runs the server; it ends the server itself when this process ends.
    _server: std::process::Child,
    _dir: tempfile::TempDir,
}

fn pg_bin_dir() -> anyhow::Result<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    found.retain(|p| p.join("initdb").exists());
    found.sort();
    found.pop().ok_or_else(|| {
        anyhow!("PostgreSQL server binaries (initdb, postgres) are needed: apt-get install postgresql, or set PG_BIN")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs `program args` as the `postgres` user when we are root (initdb refuses root).
fn as_pg_user(program: &std::path::Path, args: &[&str]) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program).args(args);
        c
    } else {
        let mut c = Command::new(program);
        c.args(args);
        c
    }
}

fn free_port() -> anyhow::Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .context("a free port on 127.0.0.1")
}

fn start() -> anyhow::Result<Cluster> {
    let bin = pg_bin_dir()?;
    let dir = tempfile::Builder::new()
        .prefix("journal-pg-")
        .tempdir()
        .context("a temp dir for the cluster")?;
    let data = dir.path().join("data");
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .context("chown runs")?;
        if !status.success() {
            bail!("the cluster dir could not be given to the postgres user");
        }
    }
    let data_s = data.to_str().context("utf-8 temp path")?.to_string();
    let out = as_pg_user(
        &bin.join("initdb"),
        &[
            "-D",
            &data_s,
            "-A",
            "trust",
            "-U",
            "journal",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ],
    )
    .output()
    .context("initdb runs")?;
    if !out.status.success() {
        bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let port = free_port()?;
    let sock = dir.path().to_str().context("utf-8 temp path")?.to_string();
    let postgres = bin.join("postgres");
    // The watchdog stops the server once this test process is gone (normal end or killed).
    let script = format!(
        "'{}' -D '{}' -p {} -k '{}' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 & PG=$!; \
         while [ -d /proc/{} ]; do sleep 1; done; kill -INT $PG; wait $PG; rm -rf '{}'",
        postgres.display(),
        data_s,
        port,
        sock,
        std::process::id(),
        sock
    );
    let mut server = as_pg_user(std::path::Path::new("/bin/sh"), &["-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("the PostgreSQL server starts")?;
    let ready = bin.join("pg_isready");
    for _ in 0..100 {
        let ok = Command::new(&ready)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            return Ok(Cluster {
                port,
                _server: server,
                _dir: dir,
            });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = server.kill();
    let _ = server.wait();
    bail!("the throwaway PostgreSQL cluster did not become ready on port {port}")
}

/// The process's cluster, started on first use.
pub fn cluster() -> anyhow::Result<&'static Cluster> {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| start().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

/// A new empty database in the cluster; returns its URL.
pub async fn fresh_database() -> anyhow::Result<String> {
    let c = cluster()?;
    let admin = format!("postgres://journal@127.0.0.1:{}/postgres", c.port);
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .context("connect to the throwaway cluster")?;
    tokio::spawn(conn);
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .context("create a test database")?;
    Ok(format!("postgres://journal@127.0.0.1:{}/{name}", c.port))
}

/// Runs a statement against a test database (for tampering), returning the rows changed.
pub async fn execute(url: &str, sql: &str) -> anyhow::Result<u64> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .context("connect to the test database")?;
    tokio::spawn(conn);
    client.execute(sql, &[]).await.context("the statement runs")
}
