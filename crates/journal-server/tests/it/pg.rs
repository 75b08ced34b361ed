//! The throwaway PostgreSQL cluster of the conformance suite: journal_server::testing, with the
//! tests' failures as panics. Never skipped: without PostgreSQL binaries the tests fail.

/// A new empty database in the process's cluster; returns its URL.
pub async fn fresh_database() -> String {
    journal_server::testing::fresh_database()
        .await
        .expect("a fresh database in the throwaway PostgreSQL cluster")
}

/// Runs a statement against a test database (for tampering), returning the rows changed.
pub async fn execute(url: &str, sql: &str) -> u64 {
    journal_server::testing::execute(url, sql)
        .await
        .expect("the statement runs on the test database")
}
