//! Each kind of edit: one transaction writes the journal row and the signed outbox op.

use crate::fixture::*;
use journal_core::*;
use journal_protocol::OpPayload;
use journal_store::Store;

#[test]
fn set_cell_round_trips_and_clears() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let (lesson, student) = (fx.lessons[1], fx.students[0]);
    let when = at(first_day() + chrono::Days::new(1), 9, 30);
    let op = store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetCell {
                lesson_id: lesson,
                student_id: student,
                value: absent(),
                reason: None,
            },
        )
        .expect("setting a cell succeeds");
    assert_eq!(
        op.device_seq, 1,
        "the first op of a device has device_seq 1"
    );
    assert_eq!(op.prev_hash, "", "the first op has no previous hash");
    assert_eq!(
        op.device_id,
        store.device_id(),
        "the op carries this device's id"
    );
    assert_eq!(op.op_id.0.get_version_num(), 7, "op ids are UUIDv7");
    let detail = store.lesson(lesson).expect("query").expect("lesson exists");
    let entry = detail
        .roster
        .iter()
        .find(|e| e.student.id == student)
        .expect("student is on the roster");
    let cell = entry.cell.as_ref().expect("the cell was written");
    assert_eq!(cell.value, absent(), "the stored value is the edited one");
    assert_eq!(
        cell.entered_at, when,
        "entry time is the device time of the edit"
    );
    assert_eq!(cell.author_id, fx.teacher, "the author is the editing user");

    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetCell {
                lesson_id: lesson,
                student_id: student,
                value: CellValue::default(),
                reason: None,
            },
        )
        .expect("clearing a cell succeeds");
    let detail = store.lesson(lesson).expect("query").expect("lesson exists");
    let entry = detail
        .roster
        .iter()
        .find(|e| e.student.id == student)
        .expect("on roster");
    assert!(entry.cell.is_none(), "an empty value clears the cell");
    assert_eq!(
        store.pending_ops().expect("ops").len(),
        2,
        "both edits are pending ops"
    );
}

#[test]
fn topic_homework_final_lock_and_remark_round_trip() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let lesson = fx.lessons[0];
    let when = at(first_day(), 10, 5);
    for hour in [1u8, 2] {
        store
            .record_edit(
                fx.teacher,
                when,
                OpPayload::SetTopic {
                    lesson_id: lesson,
                    hour,
                    plan_topic_id: None,
                    title: format!("Орфоэпия, час {hour}"),
                    work_type: WorkType::Practical,
                    work_number: Some(u32::from(hour)),
                    makeup_of: None,
                },
            )
            .expect("setting a topic succeeds");
    }
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetHomework {
                lesson_id: lesson,
                text: "индивидуальные задания".into(),
            },
        )
        .expect("setting homework succeeds");
    let student = fx.students[1];
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetFinal {
                load_id: fx.load,
                period_id: fx.period,
                student_id: student,
                column: Default::default(),
                value: Some(FinalValue::Deferred),
            },
        )
        .expect("setting a final succeeds");
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::LockPeriod {
                load_id: fx.load,
                period_id: fx.period,
            },
        )
        .expect("locking succeeds");
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::ResolveRemark {
                remark_id: fx.remark,
            },
        )
        .expect("resolving a remark succeeds");

    let topics = store.lesson_topics(lesson).expect("topics");
    assert_eq!(topics.len(), 2, "a paired lesson keeps a topic per hour");
    assert_eq!(
        topics[1].title, "Орфоэпия, час 2",
        "the second hour's topic is stored"
    );
    assert_eq!(topics[1].work_number, Some(2), "work number is stored");
    assert_eq!(
        topics[1].work_type,
        WorkType::Practical,
        "work type is stored"
    );
    let hw = store
        .homework(lesson)
        .expect("homework")
        .expect("homework exists");
    assert_eq!(
        hw.text, "индивидуальные задания",
        "homework text is replaced by the edit"
    );
    let finals = store.finals(fx.load, fx.period).expect("finals");
    assert_eq!(finals.len(), 1, "one final was set");
    assert_eq!(
        finals[0].value,
        FinalValue::Deferred,
        "the final's value is stored"
    );
    assert!(
        store.is_locked(fx.load, fx.period).expect("lock"),
        "the period is locked"
    );
    assert!(
        store.lesson_locked(lesson).expect("lock"),
        "a lesson in a locked period is locked"
    );
    assert!(
        !store.lesson_locked(fx.sub_lessons[0]).expect("lock"),
        "a lock of one load does not lock another load"
    );
    let remarks = store.remarks(Some(fx.load)).expect("remarks");
    assert_eq!(
        remarks[0].resolved_at,
        Some(when),
        "the remark is marked resolved at edit time"
    );

    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetFinal {
                load_id: fx.load,
                period_id: fx.period,
                student_id: student,
                column: Default::default(),
                value: None,
            },
        )
        .expect("clearing a final succeeds");
    assert!(
        store.finals(fx.load, fx.period).expect("finals").is_empty(),
        "None clears the final"
    );
    let check = store.verify_outbox().expect("the chain verifies");
    assert_eq!(check.ops, 7, "seven edits made seven ops");
    assert_eq!(
        store.counts().expect("counts").pending_ops,
        7,
        "all seven are pending"
    );
}

#[test]
fn edit_of_unknown_lesson_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let err = store
        .record_edit(
            fx.teacher,
            at(first_day(), 9, 0),
            OpPayload::SetCell {
                lesson_id: LessonId(uuid::Uuid::new_v4()),
                student_id: fx.students[0],
                value: fx_mark(),
                reason: None,
            },
        )
        .expect_err("an unknown lesson is refused");
    assert_eq!(
        err.code(),
        "store_not_found",
        "the refusal has a stable code"
    );
    assert_eq!(
        store.counts().expect("counts").total_ops,
        0,
        "no op was appended"
    );
    let err = store
        .record_edit(
            fx.teacher,
            at(first_day(), 9, 0),
            OpPayload::ResolveRemark {
                remark_id: uuid::Uuid::new_v4(),
            },
        )
        .expect_err("an unknown remark is refused");
    assert_eq!(err.code(), "store_not_found", "unknown remark is not found");
    assert_eq!(store.counts().expect("counts").total_ops, 0, "still no op");
}

fn fx_mark() -> CellValue {
    mark(4)
}

fn many_edits(store: &mut Store, fx: &Fixture, n: usize) {
    for i in 0..n {
        store
            .record_edit(
                fx.teacher,
                at(first_day(), 9, (i % 60) as u32),
                OpPayload::SetCell {
                    lesson_id: fx.lessons[i % fx.lessons.len()],
                    student_id: fx.students[i % 4],
                    value: mark(2 + (i % 4) as u8),
                    reason: None,
                },
            )
            .expect("edit succeeds");
    }
}

#[test]
fn chain_is_gap_free_linked_and_signed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    many_edits(&mut store, &fx, 12);
    let ops = store.all_ops().expect("ops");
    for (i, op) in ops.iter().enumerate() {
        assert_eq!(
            op.device_seq,
            i as u64 + 1,
            "device_seq runs 1, 2, 3… without gaps"
        );
        if i > 0 {
            assert_eq!(
                op.prev_hash,
                ops[i - 1].hash,
                "each op links to the previous op's hash"
            );
        }
        assert_eq!(
            op.verify(&store.device_public_key()),
            Ok(()),
            "each op verifies with the device's public key (as the server will check)"
        );
    }
    assert_eq!(
        store.verify_outbox().expect("verifies").ops,
        12,
        "all 12 ops verified"
    );
}

#[test]
fn tampering_with_a_payload_byte_is_detected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    many_edits(&mut store, &fx, 5);
    // Change one byte of the 3rd op's payload (its mark digit) behind the store's back.
    let conn = store.connection();
    let payload: String = conn
        .query_row("SELECT payload FROM outbox WHERE device_seq = 3", [], |r| {
            r.get(0)
        })
        .expect("payload");
    let at = payload
        .rfind("\"value\":")
        .expect("the payload holds a mark value")
        + 8;
    let digit = payload.as_bytes()[at];
    let swapped = if digit == b'5' { '4' } else { '5' };
    let tampered = format!("{}{}{}", &payload[..at], swapped, &payload[at + 1..]);
    assert_ne!(
        tampered, payload,
        "the tampered payload differs by one byte"
    );
    conn.execute(
        "UPDATE outbox SET payload = ?1 WHERE device_seq = 3",
        [&tampered],
    )
    .expect("raw update runs");
    let err = store
        .verify_outbox()
        .expect_err("a changed payload must fail verification");
    assert_eq!(
        err.code(),
        "store_op_invalid",
        "the hash no longer matches: {err}"
    );
}

#[test]
fn removed_or_reordered_ops_are_detected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    many_edits(&mut store, &fx, 5);
    store
        .connection()
        .execute("DELETE FROM outbox WHERE device_seq = 2", [])
        .expect("raw delete runs");
    let err = store
        .verify_outbox()
        .expect_err("a gap must fail verification");
    assert_eq!(
        err.code(),
        "store_chain_broken",
        "a missing op breaks the chain: {err}"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    many_edits(&mut store, &fx, 3);
    // Swap the hashes' order by renumbering: seq 2 and 3 exchange places.
    store
        .connection()
        .execute_batch(
            "UPDATE outbox SET device_seq = 100 WHERE device_seq = 2;
             UPDATE outbox SET device_seq = 2 WHERE device_seq = 3;
             UPDATE outbox SET device_seq = 3 WHERE device_seq = 100;",
        )
        .expect("raw renumbering runs");
    let err = store
        .verify_outbox()
        .expect_err("reordered ops must fail verification");
    assert!(
        matches!(err.code(), "store_chain_broken" | "store_op_invalid"),
        "reordering is detected: {err}"
    );
}

#[test]
fn device_identity_is_stable_across_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("journal.db");
    let (id, key) = {
        let store = Store::open(&path, None).expect("open");
        (store.device_id(), store.device_public_key())
    };
    let store = Store::open(&path, None).expect("reopen");
    assert_eq!(store.device_id(), id, "the device id is kept in the store");
    assert_eq!(
        store.device_public_key(),
        key,
        "the device key is kept in the store"
    );
    assert_eq!(id.0.get_version_num(), 4, "device ids are UUIDv4");
    let other = tempfile::tempdir().expect("temp dir");
    let store2 = Store::open(&other.path().join("journal.db"), None).expect("open");
    assert_ne!(store2.device_id(), id, "another store is another device");
}

#[test]
fn durability_pragmas_are_in_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("journal.db"), None).expect("open");
    let conn = store.connection();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal", "the store runs in WAL mode");
    let sync: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .expect("sync");
    assert_eq!(
        sync, 2,
        "synchronous=FULL (2): a returned commit is on disk"
    );
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("fk");
    assert_eq!(fk, 1, "foreign keys are enforced");
    let busy: i64 = conn
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .expect("busy");
    assert!(
        busy >= 1000,
        "a busy timeout lets a second writer wait instead of failing"
    );
}

#[test]
fn two_handles_writing_at_once_keep_one_gap_free_chain() {
    // The app and the CLI may have the same copy open; BEGIN IMMEDIATE serialises their edits.
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, fx) = store_with(dir.path(), None);
    drop(store);
    let path = dir.path().join("journal.db");
    let handles: Vec<_> = (0..2)
        .map(|t| {
            let path = path.clone();
            let (teacher, lessons, students) =
                (fx.teacher, fx.lessons.clone(), fx.students.clone());
            std::thread::spawn(move || {
                let mut store = Store::open(&path, None).expect("second handle opens");
                for i in 0..15 {
                    store
                        .record_edit(
                            teacher,
                            at(first_day(), 9, i),
                            OpPayload::SetCell {
                                lesson_id: lessons[i as usize % lessons.len()],
                                student_id: students[t],
                                value: mark(2 + (i % 4) as u8),
                                reason: None,
                            },
                        )
                        .expect("concurrent edit succeeds (waits for the lock)");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("writer thread");
    }
    let store = Store::open(&path, None).expect("reopen");
    let check = store.verify_outbox().expect("one intact chain");
    assert_eq!(
        check.ops, 30,
        "all 30 edits from both handles are in one gap-free chain"
    );
}

#[test]
fn an_edit_records_what_the_device_had_seen_of_its_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let (lesson, student) = (fx.lessons[1], fx.students[0]);
    let when = at(first_day() + chrono::Days::new(1), 9, 30);
    let cell = |v: u8| OpPayload::SetCell {
        lesson_id: lesson,
        student_id: student,
        value: mark(v),
        reason: None,
    };
    let first = store.record_edit(fx.teacher, when, cell(4)).expect("edit");
    assert_eq!(first.seen_seq, 0, "before any pull the device saw nothing");
    store.set_sync_cursor(10, when).expect("cursor");
    let second = store.record_edit(fx.teacher, when, cell(5)).expect("edit");
    assert_eq!(
        second.seen_seq, 0,
        "a pending op on the target saw nothing: a value pulled since was hidden behind it"
    );
    let other = store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetCell {
                lesson_id: lesson,
                student_id: fx.students[1],
                value: mark(3),
                reason: None,
            },
        )
        .expect("edit");
    assert_eq!(
        other.seen_seq, 10,
        "on a target without pending ops the device saw up to its sync cursor"
    );
    for op in [&first, &second] {
        store
            .set_op_state(op.op_id, journal_store::OpState::Applied, None)
            .expect("answered");
    }
    let third = store.record_edit(fx.teacher, when, cell(3)).expect("edit");
    assert_eq!(
        third.seen_seq, 10,
        "once the pending ops are answered the target shows the pulled values"
    );
    assert_eq!(
        store
            .pending_ops()
            .expect("pending")
            .last()
            .map(|o| o.seen_seq),
        Some(10),
        "the outbox keeps seen_seq, so the op pushed is the op signed"
    );
    store
        .verify_outbox()
        .expect("the chain with seen_seq verifies");
}
