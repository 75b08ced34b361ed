//! «Перенос» into a slot of the group that another teacher's lesson holds: the teacher's copy does
//! not keep that lesson, only its slot (`Snapshot::busy_slots`), and refuses the postponement as
//! the server would (`postpone_slot_taken`), recording no op. A slot nobody holds is taken.

use crate::fixture::*;
use journal_api::LessonChangeRequest;
use journal_core::LessonId;
use journal_protocol::{LessonStatus, Snapshot};

/// In the demo institution: a lesson of the demo teacher well after today (nothing entered yet),
/// and the date and bell of another teacher's lesson of the same group (the same subgroup or the
/// whole group on either side) where the teacher has no lesson of that group themselves, and a bell
/// of that day no lesson of the group holds.
fn lesson_and_foreign_slot(snap: &Snapshot) -> (LessonId, LessonId, chrono::NaiveDate, u8, u8) {
    let me = snap
        .users
        .iter()
        .find(|u| u.login == journal_api::DEMO_LOGIN)
        .map(|u| u.id)
        .expect("the demo teacher");
    let load = |id| {
        snap.loads
            .iter()
            .find(|l| l.id == id)
            .expect("a lesson's load")
    };
    let later = demo_today() + chrono::Duration::days(14);
    let scheduled = |d: chrono::NaiveDate| {
        snap.lessons
            .iter()
            .filter(move |l| l.date >= d && l.status == LessonStatus::Scheduled)
    };
    for mine in scheduled(later).filter(|l| load(l.load_id).teacher_id == me) {
        let my_load = load(mine.load_id);
        let foreign = scheduled(later).find(|other| {
            let other_load = load(other.load_id);
            other_load.teacher_id != me
                && other.substitute_teacher_id.is_none()
                && other_load.group_id == my_load.group_id
                && (other_load.subgroup_id.is_none()
                    || my_load.subgroup_id.is_none()
                    || other_load.subgroup_id == my_load.subgroup_id)
                && !snap.lessons.iter().any(|l| {
                    l.date == other.date
                        && l.bell_number == other.bell_number
                        && load(l.load_id).teacher_id == me
                })
        });
        let Some(other) = foreign else { continue };
        let last = snap.bells.iter().map(|b| b.number).max().unwrap_or(0);
        let free = (1..=last).find(|b| {
            !snap.lessons.iter().any(|l| {
                let ld = load(l.load_id);
                l.date == other.date
                    && l.bell_number == *b
                    && l.status == LessonStatus::Scheduled
                    && ld.group_id == my_load.group_id
            })
        });
        if let Some(free) = free {
            return (mine.id, other.id, other.date, other.bell_number, free);
        }
    }
    panic!("the demo teacher's group has another teacher's lesson after today")
}

#[test]
fn a_postponement_into_another_teachers_lesson_of_the_group_is_refused_on_the_device() {
    let mut found = None;
    let mut f = Fixture::open_with(|snap| found = Some(lesson_and_foreign_slot(snap)));
    let (lesson, theirs, to, bell, free) = found.expect("the fixture's institution was searched");
    assert!(
        f.journal.lesson(lesson).is_ok(),
        "the teacher's own lesson is in the copy"
    );
    assert!(
        f.journal.lesson(theirs).is_err(),
        "the other teacher's lesson is not in the copy, only its slot"
    );
    let err = assert_refused_unchanged(&mut f, None, "postpone_slot_taken", |j| {
        j.change_lesson(
            lesson,
            LessonChangeRequest::Postpone {
                to,
                bell_number: bell,
            },
        )
    });
    assert!(
        err.message.contains("уже есть урок"),
        "the message says the group has a lesson then: {}",
        err.message
    );
    // Not a blanket refusal: a bell of that day the group has free is taken.
    let pending = f.pending();
    f.journal
        .change_lesson(
            lesson,
            LessonChangeRequest::Postpone {
                to,
                bell_number: free,
            },
        )
        .expect("a free slot of the group is taken");
    assert_eq!(f.pending(), pending + 1, "the postponement is one op");
}
