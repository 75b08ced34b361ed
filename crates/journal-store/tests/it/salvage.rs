//! Reading the outbox of a damaged copy page by page: every op that can still be read comes back
//! verified, with its state; an op whose row was lost is counted; the damaged file is not written.

use crate::fixture::*;
use journal_protocol::OpPayload;
use journal_store::{salvage, OpState, Store, StoreKey};
use std::io::{Seek, SeekFrom, Write};

const KEY: StoreKey = StoreKey([9u8; 32]);

/// A copy with `n` homework edits, the first `sent` of them answered by the server.
fn copy_with_edits(
    dir: &std::path::Path,
    n: usize,
    sent: usize,
) -> (std::path::PathBuf, Vec<journal_protocol::Op>) {
    let (mut store, fx) = store_with(dir, Some(&KEY));
    let mut ops = Vec::new();
    for i in 0..n {
        let op = store
            .record_edit(
                fx.teacher,
                at(first_day(), 9, i as u32 % 60),
                OpPayload::SetHomework {
                    lesson_id: fx.lessons[i % fx.lessons.len()],
                    text: format!("задание {i} {}", "текст ".repeat(40)),
                },
            )
            .expect("edit");
        ops.push(op);
    }
    for op in ops.iter().take(sent) {
        store
            .set_op_state(op.op_id, OpState::Applied, None)
            .expect("answered");
    }
    (dir.join("journal.db"), ops)
}

fn damage(path: &std::path::Path, at: u64, len: usize) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("opens");
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.write_all(&vec![0x5A; len]).expect("writes");
}

#[test]
fn an_intact_copy_gives_back_every_op_with_its_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, ops) = copy_with_edits(dir.path(), 30, 10);
    // Half of it still in the WAL: both are read.
    let found = salvage(&path, &KEY).expect("reads");
    assert_eq!(
        found.ops.len(),
        30,
        "every op is found: {} pages",
        found.pages
    );
    assert_eq!(found.answered_through(), 10, "the first 10 were answered");
    let unsent = found.unsent();
    assert_eq!(
        unsent.iter().map(|o| o.op_id).collect::<Vec<_>>(),
        ops[10..].iter().map(|o| o.op_id).collect::<Vec<_>>(),
        "the 20 unsent ops come back, in order, unchanged"
    );
    assert!(found.lost().is_empty(), "nothing lost");
}

#[test]
fn a_wrong_key_reads_no_op() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, _) = copy_with_edits(dir.path(), 5, 0);
    let found = salvage(&path, &StoreKey([1u8; 32])).expect("reads");
    assert!(found.ops.is_empty(), "nothing decrypts under another key");
}

#[test]
fn a_damaged_first_page_loses_no_op() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, _) = copy_with_edits(dir.path(), 12, 2);
    let store = Store::open(&path, Some(&KEY)).expect("opens");
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    drop(store);
    damage(&path, 0, 300);
    let before = std::fs::read(&path).expect("reads");
    assert!(
        Store::open(&path, Some(&KEY)).is_err(),
        "SQLite cannot open a copy without its first page"
    );
    let found = salvage(&path, &KEY).expect("reads");
    assert_eq!(
        found.unsent().len(),
        10,
        "the 10 unsent ops are read without page 1"
    );
    assert_eq!(
        std::fs::read(&path).expect("reads"),
        before,
        "the file is not written"
    );
}

#[test]
fn a_garbled_outbox_page_loses_only_its_ops() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, _) = copy_with_edits(dir.path(), 40, 0);
    let store = Store::open(&path, Some(&KEY)).expect("opens");
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    let root: i64 = store
        .connection()
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'outbox'",
            [],
            |r| r.get(0),
        )
        .expect("root page");
    drop(store);
    let intact = salvage(&path, &KEY).expect("reads");
    // The root of a 40-row outbox is an inner page; garble the leaf holding op 1 instead: find it
    // by damaging pages after the root one by one until op 1 is gone.
    let len = std::fs::metadata(&path).expect("exists").len();
    let mut lost = Vec::new();
    for page in root as u64..len / 4096 {
        let copy = dir.path().join("probe.db");
        std::fs::copy(&path, &copy).expect("copies");
        damage(&copy, page * 4096 + 200, 32);
        let found = salvage(&copy, &KEY).expect("reads");
        if found.ops.len() < intact.ops.len() {
            lost = found.lost();
            assert_eq!(
                found.ops.len() + lost.len(),
                intact.ops.len(),
                "every op is either read or listed as lost"
            );
            break;
        }
    }
    assert!(
        !lost.is_empty(),
        "some page held ops, and its damage loses them"
    );
}
