//! «Перенос» into a slot of the group that another teacher's lesson holds: the teacher's copy does
//! not keep that lesson, only its slot (`Snapshot::busy_slots`), and refuses the postponement as
//! the server would (`postpone_slot_taken`), recording no op. A slot nobody holds is taken.

use crate::fixture::*;
use journal_api::LessonChangeRequest;
use journal_core::LessonId;
use journal_protocol::{LessonStatus, Snapshot};

/// The demo teacher's id.
fn demo_teacher(snap: &Snapshot) -> journal_core::UserId {
    snap.users
        .iter()
        .find(|u| u.login == journal_api::DEMO_LOGIN)
        .map(|u| u.id)
        .expect("the demo teacher")
}

/// A lesson's load in the demo institution.
fn load_of(snap: &Snapshot, id: journal_core::LoadId) -> &journal_protocol::Load {
    snap.loads
        .iter()
        .find(|l| l.id == id)
        .expect("a lesson's load")
}

/// In the demo institution: a lesson of the demo teacher well after today (nothing entered yet),
/// and the date and bell of another teacher's lesson of the same group (the same subgroup or the
/// whole group on either side) where the teacher has no lesson of that group themselves, and a bell
/// of that day no lesson of the group holds.
fn lesson_and_foreign_slot(snap: &Snapshot) -> (LessonId, LessonId, chrono::NaiveDate, u8, u8) {
    let me = demo_teacher(snap);
    let load = |id| load_of(snap, id);
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

/// The copy learns a slot another teacher's postponement took: the server raises the
/// reference_version with every lesson change, so the teacher's next sync fetches the snapshot
/// again, with the new lesson's slot among `busy_slots`.
#[test]
fn a_slot_another_teachers_postponement_took_is_known_after_the_sync() {
    use crate::server::{sign_in, today, TestServer};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = TestServer::start();
    let snap = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    let load = |id| load_of(&snap, id);
    let me = demo_teacher(&snap);
    let coming = |l: &&journal_protocol::Lesson| {
        l.date > today()
            && l.date <= today() + chrono::Duration::days(14)
            && l.status == LessonStatus::Scheduled
            && l.substitute_teacher_id.is_none()
    };
    let last_bell = snap.bells.iter().map(|b| b.number).max().unwrap_or(0);
    // My lesson, another teacher's lesson of the same group (whole group on one side), and a
    // bell of the other lesson's day that no lesson of the group holds.
    let (mine, theirs, to, bell) = snap
        .lessons
        .iter()
        .filter(coming)
        .filter(|l| load(l.load_id).teacher_id == me)
        .find_map(|mine| {
            let group = load(mine.load_id).group_id;
            snap.lessons.iter().filter(coming).find_map(|other| {
                let ol = load(other.load_id);
                if ol.teacher_id == me
                    || ol.group_id != group
                    || (ol.subgroup_id.is_some() && load(mine.load_id).subgroup_id.is_some())
                {
                    return None;
                }
                let free = (1..=last_bell).find(|b| {
                    !snap.lessons.iter().any(|l| {
                        l.date == other.date
                            && l.bell_number == *b
                            && load(l.load_id).group_id == group
                    })
                })?;
                Some((mine.id, other.clone(), other.date, free))
            })
        })
        .expect("another teacher gives the demo teacher's group a lesson in the coming fortnight");
    let their_login = snap
        .users
        .iter()
        .find(|u| u.id == load(theirs.load_id).teacher_id)
        .map(|u| u.login.clone())
        .expect("the other teacher");
    let now = today().and_hms_opt(18, 0, 0).expect("a time");
    let (dir_me, dir_them) = (
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    );
    let mut my_app = sign_in(&server, dir_me.path(), journal_api::DEMO_LOGIN, now);
    let mut their_app = sign_in(&server, dir_them.path(), &their_login, now);
    their_app
        .change_lesson(
            theirs.id,
            LessonChangeRequest::Postpone {
                to,
                bell_number: bell,
            },
        )
        .expect("the other teacher postpones into a free slot of the group");
    let report = their_app.sync().expect("the other teacher syncs");
    assert_eq!(report.refused, 0, "the server takes the postponement");
    my_app.sync().expect("the teacher syncs");
    let pending = my_app.status().expect("status").pending_ops;
    let err = my_app
        .change_lesson(
            mine,
            LessonChangeRequest::Postpone {
                to,
                bell_number: bell,
            },
        )
        .expect_err("the slot is taken now");
    assert_eq!(err.code, "postpone_slot_taken", "{}", err.message);
    assert_eq!(
        my_app.status().expect("status").pending_ops,
        pending,
        "a refused postponement records no op"
    );
}
