//! import_snapshot replaces content but never a value that a pending local edit wrote.

use crate::fixture::*;
use journal_core::*;
use journal_protocol::{Cell, OpPayload};
use journal_store::OpState;

#[test]
fn pull_does_not_overwrite_pending_edits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let lesson = fx.lessons[1];
    let (mine, other) = (fx.students[0], fx.students[1]);
    let when = at(first_day() + chrono::Days::new(1), 9, 0);
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetCell {
                lesson_id: lesson,
                student_id: mine,
                value: mark(3),
                reason: None,
            },
        )
        .expect("local edit");
    store
        .record_edit(
            fx.teacher,
            when,
            OpPayload::SetHomework {
                lesson_id: lesson,
                text: "локальное задание".into(),
            },
        )
        .expect("local homework");

    // The server's snapshot has other values for the same cell and homework, and a new cell.
    let mut snap = fx.snap.clone();
    for (student, v) in [(mine, 5u8), (other, 2u8)] {
        snap.cells.push(Cell {
            lesson_id: lesson,
            student_id: student,
            value: mark(v),
            entered_at: when,
            author_id: fx.teacher,
        });
    }
    snap.homework.push(journal_protocol::Homework {
        lesson_id: lesson,
        text: "серверное задание".into(),
        entered_at: when,
        author_id: fx.teacher,
    });
    store.import_snapshot(&snap).expect("import");

    let detail = store.lesson(lesson).expect("query").expect("lesson");
    let cell_of = |s: StudentId| {
        detail
            .roster
            .iter()
            .find(|e| e.student.id == s)
            .and_then(|e| e.cell.as_ref())
            .map(|c| c.value.clone())
    };
    assert_eq!(
        cell_of(mine),
        Some(mark(3)),
        "a pending local cell is not overwritten by a pull"
    );
    assert_eq!(
        cell_of(other),
        Some(mark(2)),
        "a cell without a pending edit takes the pulled value"
    );
    assert_eq!(
        store.homework(lesson).expect("hw").map(|h| h.text),
        Some("локальное задание".into()),
        "pending homework is not overwritten"
    );
    assert_eq!(
        store.pending_ops().expect("ops").len(),
        2,
        "pending ops are kept"
    );
    assert!(
        store.verify_outbox().is_ok(),
        "the chain is untouched by the import"
    );

    // Once the server answered the op, the next pull wins.
    let first = store.pending_ops().expect("ops")[0].op_id;
    store
        .set_op_state(first, OpState::Applied, None)
        .expect("state");
    store.import_snapshot(&snap).expect("import again");
    let detail = store.lesson(lesson).expect("query").expect("lesson");
    let v = detail
        .roster
        .iter()
        .find(|e| e.student.id == mine)
        .and_then(|e| e.cell.as_ref())
        .map(|c| c.value.clone());
    assert_eq!(
        v,
        Some(mark(5)),
        "after the op is answered, the pulled value replaces the local one"
    );
}

#[test]
fn pending_clear_is_not_undone_by_a_pull() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    // The fixture has a 5 at lessons[0] × students[0]; the teacher clears it offline.
    let (lesson, student) = (fx.lessons[0], fx.snap.cells[0].student_id);
    store
        .record_edit(
            fx.teacher,
            at(first_day(), 11, 0),
            OpPayload::SetCell {
                lesson_id: lesson,
                student_id: student,
                value: CellValue::default(),
                reason: None,
            },
        )
        .expect("clear");
    store.import_snapshot(&fx.snap).expect("import");
    let detail = store.lesson(lesson).expect("query").expect("lesson");
    let cell = detail
        .roster
        .iter()
        .find(|e| e.student.id == student)
        .and_then(|e| e.cell.clone());
    assert!(
        cell.is_none(),
        "a pending clear keeps the cell empty despite the pulled 5"
    );
}

#[test]
fn import_replaces_reference_data_and_keeps_local_password_hash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    store
        .set_local_password_hash(fx.teacher, "$argon2id$v=19$test")
        .expect("hash stored");
    let mut snap = fx.snap.clone();
    snap.groups[0].name = "ИС-22".into();
    snap.users[0].full_name = "Иванова Мария Павловна".into();
    store.import_snapshot(&snap).expect("import");
    assert_eq!(
        store.groups().expect("groups")[0].name,
        "ИС-22",
        "reference data is replaced"
    );
    assert_eq!(
        store.user(fx.teacher).expect("user").map(|u| u.full_name),
        Some("Иванова Мария Павловна".into()),
        "cached users are updated"
    );
    assert_eq!(
        store.local_password_hash(fx.teacher).expect("hash"),
        Some("$argon2id$v=19$test".into()),
        "the local password hash survives a pull"
    );
    assert_eq!(
        store
            .lessons_on(first_day(), fx.teacher)
            .expect("lessons")
            .len(),
        2,
        "lessons are back"
    );
}

#[test]
fn inconsistent_snapshot_is_refused_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let mut bad = fx.snap.clone();
    bad.groups[0].name = "ИЗМЕНЕНО".into();
    bad.cells.push(Cell {
        lesson_id: fx.lessons[2],
        student_id: StudentId(uuid::Uuid::new_v4()),
        value: mark(4),
        entered_at: at(first_day(), 9, 0),
        author_id: fx.teacher,
    });
    let err = store
        .import_snapshot(&bad)
        .expect_err("a cell of an unknown student makes the snapshot invalid");
    assert_eq!(err.code(), "store_snapshot_invalid", "stable code: {err}");
    assert_eq!(
        store.groups().expect("groups")[0].name,
        "ИС-21",
        "nothing of it was applied"
    );
    assert_eq!(
        store
            .lessons_on(first_day(), fx.teacher)
            .expect("lessons")
            .len(),
        2,
        "the previous content is intact"
    );
}

#[test]
fn pending_edit_of_a_lesson_the_server_removed_keeps_its_op() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut store, fx) = store_with(dir.path(), None);
    let gone = fx.lessons[4];
    store
        .record_edit(
            fx.teacher,
            at(first_day(), 9, 0),
            OpPayload::SetCell {
                lesson_id: gone,
                student_id: fx.students[0],
                value: mark(5),
                reason: None,
            },
        )
        .expect("edit");
    let mut snap = fx.snap.clone();
    snap.lessons.retain(|l| l.id != gone);
    store
        .import_snapshot(&snap)
        .expect("a snapshot without the lesson imports");
    assert!(
        store.lesson(gone).expect("query").is_none(),
        "the lesson is gone locally"
    );
    assert_eq!(
        store.pending_ops().expect("ops").len(),
        1,
        "the op is still pending for the server"
    );
    assert!(store.verify_outbox().is_ok(), "the chain is intact");
}
