//! Identical values from two devices (issue 4, bug 3 of session 2): the server merges the second
//! one and keeps the first writer's author and entry time; every device must end with that same
//! author and entry time for the cell, not its own — the entry time is the deadline and
//! backdating evidence and is printed.

use crate::server::{during, first_lesson, sign_in, today, TestServer};
use crate::server_view::ServerView;
use chrono::{Duration, NaiveDateTime, NaiveTime};
use journal_api::{Clock, FixedClock, Journal};
use journal_core::{LessonId, StudentId, UserId};
use journal_protocol::Snapshot;
use std::sync::Arc;

fn morning() -> NaiveDateTime {
    today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"))
}

/// (symbol, author, entry time) of one cell in a snapshot.
fn entry(
    snap: &Snapshot,
    lesson: LessonId,
    student: StudentId,
) -> Option<(String, UserId, NaiveDateTime)> {
    snap.cells
        .iter()
        .find(|c| c.lesson_id == lesson && c.student_id == student)
        .map(|c| (c.value.symbol(), c.author_id, c.entered_at))
}

fn local(
    j: &Journal,
    lesson: LessonId,
    student: StudentId,
) -> Option<(String, UserId, NaiveDateTime)> {
    entry(
        &j.store().export_snapshot().expect("the copy exports"),
        lesson,
        student,
    )
}

#[test]
fn the_same_mark_from_two_devices_keeps_the_first_entry_time_everywhere() {
    let server = TestServer::start();
    let pc_a = tempfile::tempdir().expect("temp dir");
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc_a.path(), "teacher", morning());
    let mut b = sign_in(&server, pc_b.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    let students: Vec<StudentId> = a
        .lesson(lesson.id)
        .expect("the lesson opens")
        .students
        .iter()
        .map(|s| s.student_id)
        .take(2)
        .collect();
    // B's clock is five minutes behind A's: B's entry is the earlier one by the clock, but A
    // reaches the server first, so A's is the one the server keeps.
    let t_a = during(&lesson) + Duration::minutes(5);
    let t_b = during(&lesson);
    a.set_clock(Arc::new(FixedClock::new(t_a)) as Arc<dyn Clock>);
    b.set_clock(Arc::new(FixedClock::new(t_b)) as Arc<dyn Clock>);
    // Both offline: the same mark on one cell, the same absence on another.
    for (s, symbol) in students.iter().zip(["5", "н"]) {
        a.set_cell(lesson.id, *s, symbol)
            .expect("A enters the value");
        b.set_cell(lesson.id, *s, symbol)
            .expect("B enters the same value");
    }
    let ra = a.sync().expect("A syncs first");
    assert_eq!(ra.applied, 2, "A's two values are applied: {ra:?}");
    let rb = b.sync().expect("B syncs second");
    assert_eq!(
        (rb.refused, rb.pending),
        (0, 0),
        "identical values merge: no conflict, nothing pending: {rb:?}"
    );
    a.sync()
        .expect("A syncs again (pulls what B's push recorded)");

    let server_snap = ServerView::login(&server.url, "teacher").snapshot();
    for (s, symbol) in students.iter().zip(["5", "н"]) {
        let on_server = entry(&server_snap, lesson.id, *s).expect("the cell is on the server");
        assert_eq!(
            (on_server.0.as_str(), on_server.2),
            (symbol, t_a),
            "the server keeps the first accepted writer's entry time for «{symbol}»"
        );
        assert_eq!(
            local(&a, lesson.id, *s).as_ref(),
            Some(&on_server),
            "device A shows the server's value, author and entry time for «{symbol}»"
        );
        assert_eq!(
            local(&b, lesson.id, *s).as_ref(),
            Some(&on_server),
            "device B, whose identical value was merged, shows the server's author and entry time for «{symbol}», not its own"
        );
    }
    // A further sync changes nothing anywhere.
    for (name, j) in [("A", &mut a), ("B", &mut b)] {
        let r = j.sync().expect("a further sync");
        assert_eq!(
            (r.pushed, r.written),
            (0, 0),
            "a further sync on {name} has nothing to do: {r:?}"
        );
    }
}
