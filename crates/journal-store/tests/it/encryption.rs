//! SQLCipher: with a key, nothing readable is on disk, and a wrong key is refused clearly.

use crate::fixture::*;
use journal_protocol::OpPayload;
use journal_store::{Store, StoreKey};

const SECRET: &str = "ПРОВЕРОЧНАЯ-СТРОКА-ДОМАШНЕГО-ЗАДАНИЯ";

fn write_secret(dir: &std::path::Path, key: Option<&StoreKey>) -> std::path::PathBuf {
    let (mut store, fx) = store_with(dir, key);
    store
        .record_edit(
            fx.teacher,
            at(first_day(), 9, 0),
            OpPayload::SetHomework {
                lesson_id: fx.lessons[0],
                text: SECRET.into(),
            },
        )
        .expect("edit");
    // Move everything from the WAL into the main file so both are checked as they rest.
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    dir.join("journal.db")
}

fn file_contains(path: &std::path::Path, needle: &[u8]) -> bool {
    let mut bytes = std::fs::read(path).expect("read db file");
    let wal = path.with_extension("db-wal");
    if let Ok(w) = std::fs::read(wal) {
        bytes.extend(w);
    }
    bytes.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn encrypted_file_holds_no_plaintext() {
    let plain_dir = tempfile::tempdir().expect("temp dir");
    let plain = write_secret(plain_dir.path(), None);
    assert!(
        file_contains(&plain, SECRET.as_bytes()),
        "control: an unencrypted store does contain the text, so the search works"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let key = StoreKey([7u8; 32]);
    let path = write_secret(dir.path(), Some(&key));
    assert!(
        !file_contains(&path, SECRET.as_bytes()),
        "an encrypted store must not contain the homework text in plain"
    );
    assert!(
        !file_contains(&path, b"SQLite format 3"),
        "an encrypted store must not even have the SQLite header"
    );
    let store = Store::open(&path, Some(&key)).expect("the right key opens the store");
    let lesson = store.all_ops().expect("ops")[0].payload.clone();
    assert!(
        matches!(lesson, OpPayload::SetHomework { ref text, .. } if text == SECRET),
        "with the right key the data reads back"
    );
    assert!(
        store.verify_outbox().is_ok(),
        "the chain verifies in an encrypted store"
    );
}

#[test]
fn wrong_or_missing_key_is_store_key_invalid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = StoreKey([1u8; 32]);
    let path = write_secret(dir.path(), Some(&key));
    let wrong = StoreKey([2u8; 32]);
    let err = Store::open(&path, Some(&wrong)).expect_err("a wrong key must not open the store");
    assert_eq!(
        err.code(),
        "store_key_invalid",
        "wrong key has a stable code: {err}"
    );
    let err = Store::open(&path, None).expect_err("no key must not open an encrypted store");
    assert_eq!(
        err.code(),
        "store_key_invalid",
        "missing key has the same code: {err}"
    );
    assert!(
        Store::open(&path, Some(&key)).is_ok(),
        "the failed attempts did not damage the store"
    );
}
