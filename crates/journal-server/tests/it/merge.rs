//! Identical values merged on both backends: the change recorded for the merged op restates the
//! value kept with its first author and entry time, which is what every device applies when it
//! pulls — so no device ends with the merged op's own entry time.

use journal_protocol::OpPayload;
use journal_server::dto::SnapshotResponse;

use crate::support::{outcome_name, set_cell, today, Backend, TestServer};

async fn an_identical_mark_from_a_second_device_is_pulled_with_the_first_entry_time(b: Backend) {
    let s = TestServer::start(b).await;
    let mut first = s.device("teacher").await;
    let mut second = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    // The second device's clock is earlier, but the first device's op reaches the server first.
    let t_first = s.during(&lesson) + chrono::Duration::minutes(3);
    let t_second = s.during(&lesson);
    let a = first.op(t_first, set_cell(lesson.id, student, "5"));
    let b_op = second.op(t_second, set_cell(lesson.id, student, "5"));
    assert_eq!(
        outcome_name(&s.push(&first, std::slice::from_ref(&a)).await[0]),
        "applied",
        "the first mark is applied"
    );
    assert_eq!(
        outcome_name(&s.push(&second, std::slice::from_ref(&b_op)).await[0]),
        "applied",
        "the identical mark merges (accepted, no conflict)"
    );
    let page = s.pull(&second.token, 0, 100).await;
    assert_eq!(page.changes.len(), 2, "each accepted op has its change");
    let merged = &page.changes[1];
    assert_eq!(
        merged.op_id, b_op.op_id,
        "the second change is the merged op's"
    );
    assert_eq!(
        (merged.author_id, merged.device_time),
        (a.user_id, t_first),
        "the merged op's change carries the kept value's author and entry time, not its own"
    );
    assert_eq!(merged.payload, a.payload, "and the kept value");

    let snap: SnapshotResponse = s
        .get("/sync/snapshot")
        .bearer_auth(&first.token)
        .send()
        .await
        .expect("the snapshot request reaches the server")
        .json()
        .await
        .expect("a snapshot reply");
    let cell = snap
        .snapshot
        .cells
        .iter()
        .find(|c| c.lesson_id == lesson.id && c.student_id == student)
        .expect("the cell is on the server");
    assert_eq!(
        cell.entered_at, t_first,
        "the server keeps the first writer's entry time"
    );
    let OpPayload::SetCell { value, .. } = &merged.payload else {
        panic!("a cell's change restates a cell: {:?}", merged.payload);
    };
    assert_eq!(value, &cell.value, "the change and the server's cell agree");
}

async fn clearing_a_value_another_device_entered_is_a_visible_conflict(b: Backend) {
    let s = TestServer::start(b).await;
    let mut first = s.device("teacher").await;
    let mut second = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let t = s.during(&lesson);
    let a = first.op(t, set_cell(lesson.id, student, "4"));
    // The second device never pulled the «4»: it clears the cell it saw empty-or-own.
    let clear = second.op(
        t + chrono::Duration::minutes(1),
        OpPayload::SetCell {
            lesson_id: lesson.id,
            student_id: student,
            value: journal_core::CellValue::default(),
            reason: None,
        },
    );
    assert_eq!(
        outcome_name(&s.push(&first, std::slice::from_ref(&a)).await[0]),
        "applied",
        "the mark is applied"
    );
    assert_eq!(
        outcome_name(&s.push(&second, std::slice::from_ref(&clear)).await[0]),
        "conflict",
        "clearing another device's value is shown to its author as a conflict, not dropped silently"
    );
    let snap: SnapshotResponse = s
        .get("/sync/snapshot")
        .bearer_auth(&first.token)
        .send()
        .await
        .expect("the snapshot request reaches the server")
        .json()
        .await
        .expect("a snapshot reply");
    let cell = snap
        .snapshot
        .cells
        .iter()
        .find(|c| c.lesson_id == lesson.id && c.student_id == student)
        .expect("the first accepted mark stays on the server");
    assert_eq!(cell.value.symbol(), "4", "the first accepted value wins");
}

conformance!(
    an_identical_mark_from_a_second_device_is_pulled_with_the_first_entry_time,
    clearing_a_value_another_device_entered_is_a_visible_conflict
);
