//! The audit chain: every applied op and admin action is in it, and tampering with the database is
//! found by `audit verify` (the library call and the binary).

use crate::support::{set_cell, today, Backend, TestServer};

async fn server_with_history(b: Backend) -> TestServer {
    let s = TestServer::start(b).await;
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
        .args(["--db", &s.db, "audit", "verify"])
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn tamper(s: &TestServer, sql: &str) {
    let changed = s.tamper(sql).await;
    assert!(changed > 0, "the tampering statement changed rows: {sql}");
}

async fn problem_codes(s: &TestServer) -> Vec<String> {
    let report = s.storage.audit_verify().await.expect("audit verify runs");
    report.problems.into_iter().map(|p| p.code).collect()
}

async fn untouched_chain_verifies_and_holds_every_op_and_login(b: Backend) {
    let s = server_with_history(b).await;
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

async fn a_changed_entry_is_found(b: Backend) {
    let s = server_with_history(b).await;
    tamper(
        &s,
        "UPDATE audit SET detail = replace(detail, '\"value\":4', '\"value\":5') WHERE seq = 4",
    )
    .await;
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

async fn a_removed_entry_is_found(b: Backend) {
    let s = server_with_history(b).await;
    tamper(&s, "DELETE FROM audit WHERE seq = 5").await;
    assert!(
        problem_codes(&s)
            .await
            .contains(&"audit_seq_gap".to_string()),
        "a removed entry in the middle is found"
    );
    let s = server_with_history(b).await;
    tamper(
        &s,
        "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)",
    )
    .await;
    // The removed entry was the last mark's op: that value now has no op in the chain either.
    assert_eq!(
        problem_codes(&s).await,
        vec![
            "audit_tail_missing".to_string(),
            "audit_value_unrecorded".to_string()
        ],
        "a removed last entry is found through the kept head, and its value as unrecorded"
    );
}

async fn reordered_entries_are_found(b: Backend) {
    let s = server_with_history(b).await;
    // Swap entries 4 and 5 by their positions.
    tamper(&s, "UPDATE audit SET seq = -1 WHERE seq = 4").await;
    tamper(&s, "UPDATE audit SET seq = 4 WHERE seq = 5").await;
    tamper(&s, "UPDATE audit SET seq = 5 WHERE seq = -1").await;
    let codes = problem_codes(&s).await;
    assert!(
        codes.contains(&"audit_chain_broken".to_string()),
        "swapped entries break the chain: {codes:?}"
    );
}

/// A mark changed in the database behind the server's back (the chain itself untouched) is found:
/// the journal's current value differs from what the chain's last applied op on it says.
async fn a_mark_changed_in_the_database_is_found(b: Backend) {
    let s = server_with_history(b).await;
    assert!(
        problem_codes(&s).await.is_empty(),
        "before: the values match the chain"
    );
    // PostgreSQL keeps the row as jsonb, whose text has a space after each colon.
    let sql = match b {
        Backend::Sqlite => "UPDATE cells SET data = replace(data, '\"value\":4', '\"value\":5') WHERE server_seq IS NOT NULL AND data LIKE '%\"value\":4%'",
        Backend::Postgres => "UPDATE cells SET data = replace(data::text, '\"value\": 4', '\"value\": 5')::jsonb WHERE server_seq IS NOT NULL AND data::text LIKE '%\"value\": 4%'",
    };
    tamper(&s, sql).await;
    let codes = problem_codes(&s).await;
    assert!(
        codes.iter().any(|c| c == "audit_value_changed"),
        "a «4» turned «5» in the database is found: {codes:?}"
    );
    let (ok, said) = verify_with_binary(&s);
    assert!(!ok, "audit verify fails: {said}");
    assert!(
        said.contains("изменено в обход сервера"),
        "and says so in Russian: {said}"
    );
}

conformance!(
    a_mark_changed_in_the_database_is_found,
    untouched_chain_verifies_and_holds_every_op_and_login,
    a_changed_entry_is_found,
    a_removed_entry_is_found,
    reordered_entries_are_found
);
