//! kill -9 of the app's process at random points, in a loop (I1, I8, I3, I4).
//!
//! The test binary re-runs itself as a child (as journal-store's crash test does) that signs the
//! demo teacher in on one PC's data dir and then edits and syncs at random, printing a line after
//! every write that returned. The parent SIGKILLs it after a random delay — during sign-in, an
//! edit, a push or a pull — and checks the copy: every acknowledged edit is in the outbox and the
//! outbox chain verifies. Every few rounds, and at the end, the parent signs in itself, syncs,
//! and checks that every op of the device is on the server exactly once and that the copy equals
//! the server. The rounds follow a seed printed with every failure (`PROOF_SEED=<n>` replays).

use crate::server::{during, first_lesson, TestServer, TEST_KDF};
use crate::server_view::{audit_verifies, content, ServerView};
use journal_api::{Clock, FixedClock, Journal};
use rand::{Rng, SeedableRng};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

const CHILD_ENV: &str = "JOURNAL_PROOF_CLIENT_CHILD";
const TEST_NAME: &str =
    "kill_client::sigkill_of_the_app_at_random_points_loses_no_acknowledged_edit";
const ROUNDS: u64 = 100;

fn seed() -> u64 {
    std::env::var("PROOF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_127)
}

fn sign_in(url: &str, dir: &Path) -> Result<Journal, journal_api::ApiError> {
    let j =
        Journal::sign_in_online_with(dir, url, "teacher", journal_demo::DEMO_PASSWORD, TEST_KDF)?;
    let lesson = first_lesson(&j);
    Ok(j.with_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>))
}

/// The child: signs in, then edits and syncs at random until killed. Prints `ready`, then
/// `ack <op_id>` after each write that returned and `synced` after each sync that returned.
fn run_child(spec: &str) {
    let mut parts = spec.split('|');
    let (Some(url), Some(dir), Some(seed)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("malformed child spec {spec}");
    };
    let seed: u64 = seed.parse().expect("a numeric seed");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut j = sign_in(url, Path::new(dir)).expect("the child signs in");
    let lesson = first_lesson(&j);
    let students: Vec<_> = j
        .lesson(lesson.id)
        .expect("the lesson opens")
        .students
        .iter()
        .map(|s| s.student_id)
        .take(6)
        .collect();
    println!("ready");
    for n in 0u32.. {
        match rng.gen_range(0..10) {
            0..=5 => {
                let s = students[rng.gen_range(0..students.len())];
                let v = ["2", "3", "4", "5", "н", ""][rng.gen_range(0..6)];
                // An empty cell on an empty cell is refused locally (nothing to clear): not a write.
                if let Ok(r) = j.set_cell(lesson.id, s, v) {
                    println!("ack {}", r.op_id);
                }
            }
            6..=7 => {
                let r = j
                    .set_homework(lesson.id, &format!("задание {n}"))
                    .expect("homework is recorded");
                println!("ack {}", r.op_id);
            }
            _ => {
                let r = j.sync().expect("the child's sync completes");
                println!("synced {}", r.pending);
            }
        }
    }
}

/// Signs in as the app would after the crash, syncs, and checks the device against the server.
fn full_check(server: &TestServer, dir: &Path, ctx: &str) {
    let mut j =
        sign_in(&server.url, dir).unwrap_or_else(|e| panic!("{ctx}: sign-in after SIGKILL: {e}"));
    let r = j
        .sync()
        .unwrap_or_else(|e| panic!("{ctx}: sync after SIGKILL: {e}"));
    assert_eq!(
        (r.pending, r.refused),
        (0, 0),
        "{ctx}: everything is answered and accepted: {r:?}"
    );
    let view = ServerView::login(&server.url, "teacher");
    let changes = view.changes();
    let ops = j.store().all_ops().expect("the outbox reads");
    for op in &ops {
        let n = changes.iter().filter(|c| c.op_id == op.op_id).count();
        assert_eq!(
            n, 1,
            "{ctx}: op #{} is on the server exactly once",
            op.device_seq
        );
    }
    let seqs: Vec<u64> = changes.iter().map(|c| c.server_seq).collect();
    assert_eq!(
        seqs,
        (1..=changes.len() as u64).collect::<Vec<_>>(),
        "{ctx}: server_seq has no hole"
    );
    let lesson = first_lesson(&j);
    assert_eq!(
        content(&j.store().export_snapshot().expect("export"), &[lesson.id]),
        content(&view.snapshot(), &[lesson.id]),
        "{ctx}: the copy equals the server"
    );
}

#[test]
fn sigkill_of_the_app_at_random_points_loses_no_acknowledged_edit() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        run_child(&spec);
        return;
    }
    let seed = seed();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let exe = std::env::current_exe().expect("the test binary");
    // The copy exists before the loop: a kill during the very first sign-in is another matter
    // (see the report of this work: it can leave a copy without its key file).
    drop(sign_in(&server.url, pc.path()).expect("the first sign-in"));
    let mut acked: Vec<String> = Vec::new();
    let (mut during_start, mut syncs) = (0u32, 0u32);
    for round in 1..=ROUNDS {
        let ctx = format!("seed {seed}, round {round}");
        let mut child = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(
                CHILD_ENV,
                format!("{}|{}|{}", server.url, pc.path().display(), seed ^ round),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the child starts");
        let stdout = child.stdout.take().expect("the child's stdout");
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        if rng.gen_ratio(1, 5) {
            // Killed during sign-in (opening the copy, login, key file).
            std::thread::sleep(Duration::from_millis(rng.gen_range(0..80)));
            during_start += 1;
        } else {
            // Wait until signed in, then let it work a random while.
            loop {
                match rx.recv_timeout(Duration::from_secs(30)) {
                    // libtest prints the test's name on the same line first.
                    Ok(l) if l.ends_with("ready") => break,
                    Ok(_) => {}
                    Err(_) => panic!("{ctx}: the child never signed in (it failed or hung)"),
                }
            }
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..60_000)));
        }
        // SIGKILL: no destructor, no flush, no checkpoint.
        child.kill().expect("SIGKILL the child");
        child.wait().expect("reap the child");
        reader.join().expect("the reader ends with the child");
        lines.extend(rx.try_iter());
        syncs += lines.iter().filter(|l| l.starts_with("synced")).count() as u32;
        acked.extend(
            lines
                .iter()
                .filter_map(|l| l.strip_prefix("ack "))
                .map(str::to_string),
        );

        // The copy after the crash: opens, every acknowledged edit is there, the chain verifies.
        let j = match Journal::sign_in_offline(pc.path(), "teacher", journal_demo::DEMO_PASSWORD) {
            Ok(j) => j,
            Err(e) => panic!("{ctx}: the copy opens after SIGKILL: {e}"),
        };
        let st = j.status().expect("status");
        assert!(
            st.outbox_intact,
            "{ctx}: the outbox chain verifies after SIGKILL"
        );
        let ops: std::collections::HashSet<String> = j
            .store()
            .all_ops()
            .expect("the outbox reads")
            .iter()
            .map(|o| o.op_id.to_string())
            .collect();
        for id in &acked {
            assert!(
                ops.contains(id),
                "{ctx}: the acknowledged edit {id} survived SIGKILL"
            );
        }
        drop(j);
        if round % 20 == 0 {
            full_check(&server, pc.path(), &ctx);
        }
    }
    full_check(&server, pc.path(), &format!("seed {seed}, final"));
    audit_verifies(&server.db, &format!("seed {seed}, final"));
    assert!(
        acked.len() as u64 > ROUNDS,
        "the rounds acknowledged edits ({})",
        acked.len()
    );
    eprintln!(
        "client kill loop: {ROUNDS} SIGKILLs ({during_start} during sign-in), {} acknowledged edits, {syncs} completed syncs, seed {seed}",
        acked.len()
    );
}
