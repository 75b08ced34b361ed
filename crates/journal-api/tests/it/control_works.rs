//! A scheduled control work on the lesson of its day: the lesson names it with its criteria, and
//! points typed as «=15» are recorded as the mark the criteria give — checked by journal-core's
//! `MarkCriteria`, refused with a code (and nothing recorded) when over the maximum, unreadable, or
//! when the day has no work with criteria.

use crate::fixture::{assert_refused_unchanged, at, demo_today, Fixture};
use chrono::Duration;
use journal_core::{ControlWorkId, MarkCriteria};
use journal_protocol::{ControlForm, ControlWork, Snapshot};

/// A ВТК work with criteria on every load's every day of the demo's week.
fn schedule_the_week(snap: &mut Snapshot) {
    let loads: Vec<_> = snap.loads.iter().map(|l| l.id).collect();
    for load in loads {
        for day in 0..7 {
            snap.control_works.push(ControlWork {
                id: ControlWorkId(uuid::Uuid::new_v4()),
                load_id: load,
                date: demo_today() + Duration::days(day),
                form: ControlForm::KnowledgeCut,
                title: "Входной контроль".into(),
                vtk: true,
                criteria: Some(MarkCriteria {
                    max_points: 20,
                    five: 18,
                    four: 14,
                    three: 10,
                }),
            });
        }
    }
}

#[test]
fn points_of_the_days_work_become_the_mark_its_criteria_give() {
    let mut f = Fixture::open_with(schedule_the_week);
    let l = f.lesson_of_day();
    assert_eq!(
        l.control_work.as_deref(),
        Some("ВТК: Контрольный срез знаний"),
        "the day's lesson says it holds the ВТК work"
    );
    let d = f.detail(&l);
    let work = d.control_work.clone().expect("the lesson shows its work");
    assert_eq!(work.title, "Входной контроль");
    assert_eq!(
        work.criteria.as_deref(),
        Some("«5» — от 18, «4» — от 14, «3» — от 10 баллов из 20")
    );
    let student = d.students[0].student_id;
    let before = f.pending();
    f.journal
        .set_cell(l.id, student, "=15")
        .expect("15 points are taken");
    assert_eq!(f.pending(), before + 1, "one op, as for a typed mark");
    assert_eq!(
        f.detail(&l).students[0].cell.symbol,
        "4",
        "15 of 20 is «4» (from 14)"
    );
    f.journal
        .set_cell(l.id, student, "=18")
        .expect("18 points are taken");
    assert_eq!(f.detail(&l).students[0].cell.symbol, "5", "18 is «5»");
    for (typed, code) in [
        ("=21", "points_over_maximum"),
        ("=пять", "invalid_cell_value"),
    ] {
        assert_refused_unchanged(&mut f, Some(&l), code, |j| j.set_cell(l.id, student, typed));
    }
}

#[test]
fn points_on_a_day_without_a_scheduled_work_are_refused() {
    let mut f = Fixture::open();
    let l = f.lesson_of_day();
    assert_eq!(
        l.control_work, None,
        "the demo schedules no work on this day"
    );
    assert!(f.detail(&l).control_work.is_none());
    let student = f.detail(&l).students[0].student_id;
    assert_refused_unchanged(&mut f, Some(&l), "no_criteria", |j| {
        j.set_cell(l.id, student, "=15")
    });
}

#[test]
fn a_scheduled_works_marks_are_taken_within_the_checking_days_an_ordinary_lessons_are_not() {
    // The next day at noon: the ВТК lesson's marks are still due (3 days in the default policy),
    // an ordinary lesson's are late.
    for (scheduled, taken) in [(true, true), (false, false)] {
        let mut f = if scheduled {
            Fixture::open_with(schedule_the_week)
        } else {
            Fixture::open()
        };
        let l = f.lesson_of_day();
        let student = f.detail(&l).students[0].student_id;
        f.clock.set(at(f.day + Duration::days(1), 12, 0));
        let result = f.journal.set_cell(l.id, student, "4");
        assert_eq!(
            result.is_ok(),
            taken,
            "a mark the day after {} lesson: {result:?}",
            if scheduled { "a ВТК" } else { "an ordinary" }
        );
    }
}
