//! I8: a local write survives a crash right after it returned. The test binary re-runs itself as
//! a child that records edits and prints a line after each one returned; the parent SIGKILLs it
//! right after reading a line, reopens the store and checks the edit and the chain.

use crate::fixture::*;
use journal_protocol::OpPayload;
use journal_store::{Store, StoreKey};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "JOURNAL_STORE_CRASH_CHILD";

/// Child side: args come through the environment; each acknowledged edit prints `edit <seq> <n>`.
fn run_child(spec: &str) {
    let mut parts = spec.split('|');
    let (Some(path), Some(key), Some(lesson), Some(user)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("malformed child spec {spec}");
    };
    let key = (!key.is_empty()).then(|| {
        let b: [u8; 32] = hex::decode(key)
            .expect("hex key")
            .try_into()
            .expect("32 bytes");
        StoreKey(b)
    });
    let mut store = Store::open(path.as_ref(), key.as_ref()).expect("child opens the store");
    let lesson = lesson.parse().expect("lesson id");
    let user = user.parse().expect("user id");
    for n in 0..10_000u32 {
        let op = store
            .record_edit(
                user,
                at(first_day(), 9, 0),
                OpPayload::SetHomework {
                    lesson_id: lesson,
                    text: format!("edit {n}"),
                },
            )
            .expect("child edit");
        println!("edit {} {n}", op.device_seq);
    }
    std::thread::sleep(std::time::Duration::from_secs(120));
}

#[test]
fn sigkill_right_after_an_edit_keeps_the_edit_and_the_chain() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        run_child(&spec);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = std::env::current_exe().expect("test binary path");
    let mut total_acked = 0u64;
    for round in 0..6u32 {
        // Alternate plain and encrypted stores; kill after a varying number of edits.
        let key = (round % 2 == 1).then_some(StoreKey([round as u8; 32]));
        let key_hex = key.as_ref().map(|k| hex::encode(k.0)).unwrap_or_default();
        let round_dir = dir.path().join(format!("r{round}"));
        std::fs::create_dir_all(&round_dir).expect("round dir");
        let (store, fx) = store_with(&round_dir, key.as_ref());
        let round_path = round_dir.join("journal.db");
        drop(store);
        let spec = format!(
            "{}|{}|{}|{}",
            round_path.display(),
            key_hex,
            fx.lessons[1],
            fx.teacher
        );
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash::sigkill_right_after_an_edit_keeps_the_edit_and_the_chain",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, spec)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("child starts");
        let stdout = child.stdout.take().expect("child stdout");
        let kill_after = 1 + (round * 7) % 20;
        let mut last: Option<(u64, String)> = None;
        let mut acked = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("child line");
            let mut w = line.split_whitespace();
            if w.next() != Some("edit") {
                continue;
            }
            let seq: u64 = w.next().and_then(|s| s.parse().ok()).expect("seq");
            let n = w.next().expect("n").to_string();
            last = Some((seq, format!("edit {n}")));
            acked += 1;
            if acked == kill_after {
                // Child::kill is SIGKILL on Unix: no destructors, no flush, no checkpoint.
                child.kill().expect("SIGKILL the child");
                break;
            }
        }
        child.wait().expect("reap child");
        let (seq, text) = last.expect("the child acknowledged at least one edit");
        total_acked += seq;

        let store = Store::open(&round_path, key.as_ref()).expect("reopen after SIGKILL");
        let check = store
            .verify_outbox()
            .expect("the outbox chain is intact after SIGKILL");
        assert!(
            check.ops >= seq,
            "round {round}: every acknowledged op is there ({} ≥ {seq})",
            check.ops
        );
        let ops = store.all_ops().expect("ops");
        let acked_op = &ops[(seq - 1) as usize];
        assert!(
            matches!(&acked_op.payload, OpPayload::SetHomework { text: t, .. } if *t == text),
            "round {round}: the acknowledged op #{seq} holds «{text}»"
        );
        // The domain row matches the last op that made it to disk (the child may have committed
        // one more edit after the acknowledged one before the kill landed).
        let hw = store
            .homework(fx.lessons[1])
            .expect("hw")
            .expect("homework row exists");
        let last_op_text = match &ops.last().expect("ops").payload {
            OpPayload::SetHomework { text, .. } => text.clone(),
            other => panic!("unexpected op {other:?}"),
        };
        assert_eq!(
            hw.text, last_op_text,
            "round {round}: domain row and outbox agree"
        );
    }
    assert!(total_acked >= 6, "every round acknowledged edits");
}
