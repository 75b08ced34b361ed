//! A throwaway PostgreSQL cluster for the conformance suite: initdb + postgres on a free port in a
//! temp dir, started once per test process, stopped when the process ends (a watchdog shell stops
//! it), one fresh database per test. Never skipped: without PostgreSQL binaries the tests fail.

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

fn pg_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return PathBuf::from(dir);
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
    found
        .pop()
        .expect("PostgreSQL server binaries (initdb, postgres) are needed: apt-get install postgresql, or set PG_BIN")
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn start() -> Cluster {
    let bin = pg_bin_dir();
    let dir = tempfile::Builder::new()
        .prefix("journal-pg-")
        .tempdir()
        .expect("a temp dir for the cluster");
    let data = dir.path().join("data");
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown runs");
        assert!(
            status.success(),
            "the cluster dir is given to the postgres user"
        );
    }
    let data_s = data.to_str().expect("utf-8 temp path").to_string();
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
    .expect("initdb runs");
    assert!(
        out.status.success(),
        "initdb succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = free_port();
    let sock = dir.path().to_str().expect("utf-8 temp path").to_string();
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
        .expect("the PostgreSQL server starts");
    let ready = bin.join("pg_isready");
    for _ in 0..100 {
        let ok = Command::new(&ready)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            return Cluster {
                port,
                _server: server,
                _dir: dir,
            };
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = server.kill();
    let _ = server.wait();
    panic!("the throwaway PostgreSQL cluster did not become ready on port {port}");
}

pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(start)
}

/// A new empty database in the cluster; returns its URL.
pub async fn fresh_database() -> String {
    let c = cluster();
    let admin = format!("postgres://journal@127.0.0.1:{}/postgres", c.port);
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .expect("connect to the throwaway cluster");
    tokio::spawn(conn);
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a test database");
    format!("postgres://journal@127.0.0.1:{}/{name}", c.port)
}

/// Runs a statement against a test database (for tampering), returning the rows changed.
pub async fn execute(url: &str, sql: &str) -> u64 {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect to the test database");
    tokio::spawn(conn);
    client.execute(sql, &[]).await.expect("the statement runs")
}
