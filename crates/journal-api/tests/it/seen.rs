//! A mark corrected on another PC after that PC synced is a correction, not a conflict (the op
//! carries what its device had seen); a conflict resolved with «Отправить повторно» goes through.

use crate::server::{during, first_lesson, sign_in, today, TestServer};
use chrono::NaiveTime;
use journal_api::{Clock, ConflictAction, FixedClock, Journal, LessonSummary};
use std::sync::Arc;

fn morning() -> chrono::NaiveDateTime {
    today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"))
}

fn at_lesson(j: &mut Journal, lesson: &LessonSummary) {
    j.set_clock(Arc::new(FixedClock::new(during(lesson))) as Arc<dyn Clock>);
}

fn cell(j: &Journal, lesson: &LessonSummary, row: usize) -> String {
    j.lesson(lesson.id).expect("the lesson opens").students[row]
        .cell
        .symbol
        .clone()
}

#[test]
fn a_mark_corrected_on_another_pc_after_syncing_is_applied_and_reaches_the_first() {
    let server = TestServer::start();
    let classroom_dir = tempfile::tempdir().expect("temp dir");
    let staff_dir = tempfile::tempdir().expect("temp dir");
    let mut classroom = sign_in(&server, classroom_dir.path(), "teacher", morning());
    let mut staff = sign_in(&server, staff_dir.path(), "teacher", morning());
    let lesson = first_lesson(&classroom);
    at_lesson(&mut classroom, &lesson);
    at_lesson(&mut staff, &lesson);
    let s0 = classroom
        .lesson(lesson.id)
        .expect("the lesson opens")
        .students[0]
        .student_id;

    classroom
        .set_cell(lesson.id, s0, "4")
        .expect("the classroom PC enters «4»");
    let r = classroom.sync().expect("the classroom PC syncs");
    assert_eq!((r.applied, r.refused), (1, 0), "the «4» is applied: {r:?}");

    staff.sync().expect("the staff-room PC syncs");
    assert_eq!(
        cell(&staff, &lesson, 0),
        "4",
        "the staff-room PC shows the «4»"
    );
    staff
        .set_cell(lesson.id, s0, "5")
        .expect("the staff-room PC corrects it to «5»");
    let r = staff
        .sync()
        .expect("the staff-room PC syncs the correction");
    assert_eq!(
        (r.applied, r.refused),
        (1, 0),
        "a correction of a value the PC had shown is applied, not a conflict: {r:?} {:?}",
        staff.conflicts()
    );

    classroom.sync().expect("the classroom PC syncs again");
    assert_eq!(
        cell(&classroom, &lesson, 0),
        "5",
        "the classroom PC gets the correction"
    );
    assert_eq!(
        staff.status().expect("status").conflicts,
        0,
        "the correction is no conflict on the PC that made it"
    );
    let notices = replaced_notices(&classroom);
    assert_eq!(
        notices.len(),
        1,
        "the classroom PC is told that its «4» was replaced, not left to find it: {notices:?}"
    );
    assert!(
        notices[0].message.contains("на другом устройстве"),
        "the notice says where the value came from: {}",
        notices[0].message
    );
}

fn replaced_notices(j: &Journal) -> Vec<journal_api::ConflictView> {
    j.conflicts()
        .expect("conflicts")
        .into_iter()
        .filter(|c| c.open && c.code == journal_store::REPLACED_ELSEWHERE)
        .collect()
}

#[test]
fn a_conflict_resolved_by_submitting_again_is_applied() {
    let server = TestServer::start();
    let a_dir = tempfile::tempdir().expect("temp dir");
    let b_dir = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, a_dir.path(), "teacher", morning());
    let mut b = sign_in(&server, b_dir.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    at_lesson(&mut a, &lesson);
    at_lesson(&mut b, &lesson);
    let s0 = a.lesson(lesson.id).expect("the lesson opens").students[0].student_id;

    // Both PCs mark the same cell before either syncs: a real concurrent edit.
    a.set_cell(lesson.id, s0, "3").expect("A marks");
    b.set_cell(lesson.id, s0, "2").expect("B marks otherwise");
    assert_eq!(
        a.sync().expect("A syncs first").applied,
        1,
        "first accepted"
    );
    let r = b.sync().expect("B syncs second");
    assert_eq!(r.refused, 1, "B's concurrent mark is a conflict: {r:?}");
    assert_eq!(cell(&b, &lesson, 0), "3", "B shows the server's value");

    let open: Vec<_> = b
        .conflicts()
        .expect("conflicts")
        .into_iter()
        .filter(|c| c.open)
        .collect();
    assert_eq!(open.len(), 1, "one open conflict");
    b.resolve_conflict(open[0].id, ConflictAction::SubmitAgain)
        .expect("«Отправить повторно»");
    let r = b.sync().expect("B syncs the resubmitted mark");
    assert_eq!(
        (r.applied, r.refused),
        (1, 0),
        "the value submitted again after seeing the server's is applied, not a conflict forever: {r:?} {:?}",
        b.conflicts()
    );
    a.sync().expect("A syncs");
    assert_eq!(cell(&a, &lesson, 0), "2", "A gets the resubmitted value");
    assert_eq!(cell(&b, &lesson, 0), "2", "B keeps it");

    // A had entered the «3» the server took first: it learns that its value was replaced, by whom
    // and when, instead of seeing it change silently.
    let notices = replaced_notices(&a);
    assert_eq!(
        notices.len(),
        1,
        "A is told of the replacement: {notices:?}"
    );
    let name = a.user().full_name;
    let when = during(&lesson).format("%d.%m.%Y в %H:%M").to_string();
    assert!(
        notices[0].message.contains(&name) && notices[0].message.contains(&when),
        "the notice names who entered the kept value and when ({name}, {when}): {}",
        notices[0].message
    );
    let open = a
        .conflicts()
        .expect("conflicts")
        .into_iter()
        .find(|c| c.open)
        .expect("the notice is open");
    a.resolve_conflict(open.id, ConflictAction::TakeServer)
        .expect("«Понятно»: the teacher takes the new value");
    assert_eq!(
        a.status().expect("status").conflicts,
        0,
        "nothing is left open on A"
    );
    assert_eq!(
        a.sync().expect("A syncs again").pushed,
        0,
        "taking the new value sends nothing"
    );
}
