//! The audit chain: every applied op and admin action is in it, and tampering with the database is
//! found by `audit verify` (the library call and the binary).

use journal_server::Storage;
use rusqlite::params;

use crate::support::{set_cell, today, TestServer};

async fn server_with_history() -> TestServer {
    let s = TestServer::start().await;
    let mut dev = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let students = s.students_of(&lesson);
    let ops: Vec<_> = students
        .iter()
        .take(6)
        .map(|st| dev.op(s.during(&lesson), set_cell(lesson.id, *st, "4")))
        .collect();
    s.push(&dev, &ops).await;
    s
}

fn verify_with_binary(s: &TestServer) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_journal-server"))
        .args([
            "--db",
            s.db_path.to_str().unwrap_or_default(),
            "audit",
            "verify",
        ])
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn tamper(s: &TestServer, sql: &str) {
    let conn = rusqlite::Connection::open(&s.db_path).expect("the database opens for tampering");
    let changed = conn
        .execute(sql, params![])
        .expect("the tampering statement runs");
    assert!(changed > 0, "the tampering statement changed rows: {sql}");
}

async fn problem_codes(s: &TestServer) -> Vec<String> {
    let report = s.storage.audit_verify().await.expect("audit verify runs");
    report.problems.into_iter().map(|p| p.code).collect()
}

#[tokio::test]
async fn untouched_chain_verifies_and_holds_every_op_and_login() {
    let s = server_with_history().await;
    let report = s.storage.audit_verify().await.expect("audit verify runs");
    assert!(
        report.is_intact(),
        "an untouched chain verifies: {:?}",
        report.problems
    );
    // init + login + 6 ops
    assert_eq!(
        report.entries_checked, 8,
        "init, the login and the six ops are audited"
    );
    let (ok, out) = verify_with_binary(&s);
    assert!(ok, "the binary agrees: {out}");
}

#[tokio::test]
async fn a_changed_entry_is_found() {
    let s = server_with_history().await;
    tamper(
        &s,
        "UPDATE audit SET detail = replace(detail, '\"value\":4', '\"value\":5') WHERE seq = 4",
    );
    assert!(
        problem_codes(&s)
            .await
            .contains(&"audit_entry_changed".to_string()),
        "a changed mark in the audit entry is found"
    );
    let (ok, out) = verify_with_binary(&s);
    assert!(!ok, "the binary exits non-zero on a changed entry: {out}");
    assert!(
        out.contains("audit_entry_changed"),
        "and names the problem: {out}"
    );
}

#[tokio::test]
async fn a_removed_entry_is_found() {
    let s = server_with_history().await;
    tamper(&s, "DELETE FROM audit WHERE seq = 5");
    assert!(
        problem_codes(&s)
            .await
            .contains(&"audit_seq_gap".to_string()),
        "a removed entry in the middle is found"
    );
    let s = server_with_history().await;
    tamper(
        &s,
        "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)",
    );
    assert_eq!(
        problem_codes(&s).await,
        vec!["audit_tail_missing".to_string()],
        "a removed last entry is found through the kept head"
    );
}

#[tokio::test]
async fn reordered_entries_are_found() {
    let s = server_with_history().await;
    // Swap entries 4 and 5 by their positions.
    tamper(&s, "UPDATE audit SET seq = -1 WHERE seq = 4");
    tamper(&s, "UPDATE audit SET seq = 4 WHERE seq = 5");
    tamper(&s, "UPDATE audit SET seq = 5 WHERE seq = -1");
    let codes = problem_codes(&s).await;
    assert!(
        codes.contains(&"audit_chain_broken".to_string()),
        "swapped entries break the chain: {codes:?}"
    );
}
