//! The store on the demo institution: a whole year imported, and every query agrees with the
//! snapshot it came from (counted independently here).

use crate::fixture::date;
use chrono::NaiveDate;
use journal_core::*;
use journal_protocol::{OpPayload, Snapshot};
use journal_store::Store;
use std::collections::{HashMap, HashSet};

fn today() -> NaiveDate {
    date(2026, 11, 17)
}

fn teacher_of(snap: &Snapshot) -> UserId {
    snap.users
        .iter()
        .find(|u| u.login == "teacher")
        .map(|u| u.id)
        .expect("the demo has a teacher login")
}

fn members_on(snap: &Snapshot, lesson: &journal_protocol::Lesson) -> HashSet<StudentId> {
    let load = snap
        .loads
        .iter()
        .find(|l| l.id == lesson.load_id)
        .expect("load");
    snap.memberships
        .iter()
        .filter(|m| {
            m.group_id == load.group_id
                && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
                && m.from <= lesson.date
                && m.to.is_none_or(|t| lesson.date <= t)
        })
        .map(|m| m.student_id)
        .collect()
}

#[test]
fn demo_teacher_copy_imports_and_queries_agree_with_the_snapshot() {
    let full = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    let teacher = teacher_of(&full);
    let snap = full.for_user(teacher);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("journal.db"), None).expect("open");
    store
        .import_snapshot(&snap)
        .expect("the demo teacher's copy imports");

    let loads = store.loads_of(teacher).expect("loads");
    let expected_loads = snap
        .loads
        .iter()
        .filter(|l| l.teacher_id == teacher)
        .count();
    assert_eq!(
        loads.len(),
        expected_loads,
        "loads_of lists every load of the teacher"
    );
    assert!(!loads.is_empty(), "the demo teacher teaches");

    // Today's lessons: own loads plus substitutions.
    let own: HashSet<LoadId> = loads.iter().map(|l| l.load.id).collect();
    let expected_today = snap
        .lessons
        .iter()
        .filter(|l| {
            l.date == today()
                && (own.contains(&l.load_id) || l.substitute_teacher_id == Some(teacher))
        })
        .count();
    let day = store.lessons_on(today(), teacher).expect("lessons");
    assert_eq!(
        day.len(),
        expected_today,
        "lessons_on lists the teacher's lessons of the day"
    );
    for pair in day.windows(2) {
        assert!(
            pair[0].lesson.bell_number <= pair[1].lesson.bell_number,
            "lessons come in bell order"
        );
    }

    // Every grid of every load and period matches the snapshot's cells.
    let cells: HashMap<(LessonId, StudentId), &CellValue> = snap
        .cells
        .iter()
        .map(|c| ((c.lesson_id, c.student_id), &c.value))
        .collect();
    let periods = store.periods().expect("periods");
    let mut grids = 0;
    for load in &loads {
        for period in &periods {
            let grid = store.grid(load.load.id, period.id).expect("grid");
            let expected_lessons = snap
                .lessons
                .iter()
                .filter(|l| {
                    l.load_id == load.load.id
                        && l.date >= period.starts_on
                        && l.date <= period.ends_on
                })
                .count();
            assert_eq!(
                grid.lessons.len(),
                expected_lessons,
                "grid has the period's lessons"
            );
            for row in &grid.rows {
                for (j, gl) in grid.lessons.iter().enumerate() {
                    assert_eq!(
                        row.cells[j].as_ref(),
                        cells.get(&(gl.lesson.id, row.student_id)).copied(),
                        "grid cell equals the snapshot's cell"
                    );
                }
            }
            grids += 1;
        }
    }
    assert!(grids > 0, "grids were checked");

    // Rosters follow memberships for a sample of lessons up to today.
    let past: Vec<&journal_protocol::Lesson> = snap
        .lessons
        .iter()
        .filter(|l| own.contains(&l.load_id) && l.date <= today())
        .collect();
    let mut checked = 0;
    for lesson in past.iter().step_by((past.len() / 25).max(1)) {
        let detail = store.lesson(lesson.id).expect("query").expect("lesson");
        let got: HashSet<StudentId> = detail.roster.iter().map(|e| e.student.id).collect();
        assert_eq!(
            got,
            members_on(&snap, lesson),
            "roster = members on the lesson's date"
        );
        checked += 1;
    }
    assert!(checked > 3, "several rosters were checked");

    // An edit on demo data, then the same snapshot again: the edit stays (pending), rest as before.
    let lesson = day.first().map(|l| l.lesson.id).expect("a lesson today");
    let detail = store.lesson(lesson).expect("query").expect("lesson");
    let student = detail.roster[0].student.id;
    let value = CellValue {
        entries: vec![CellEntry::Absence {
            absence: Absence::Ill,
        }],
    };
    store
        .record_edit(
            teacher,
            today().and_hms_opt(12, 0, 0).expect("time"),
            OpPayload::SetCell {
                lesson_id: lesson,
                student_id: student,
                value: value.clone(),
                reason: None,
            },
        )
        .expect("edit on demo data");
    store.import_snapshot(&snap).expect("re-import");
    let detail = store.lesson(lesson).expect("query").expect("lesson");
    let cell = detail
        .roster
        .iter()
        .find(|e| e.student.id == student)
        .and_then(|e| e.cell.clone());
    assert_eq!(
        cell.map(|c| c.value),
        Some(value),
        "the pending edit survives a re-import"
    );
    assert!(store.verify_outbox().is_ok(), "chain verifies");
}

#[test]
fn whole_institution_imports() {
    // The deputy's/admin's copy is the whole institution: every table filled at once.
    let full = journal_demo::generate(journal_demo::DEFAULT_SEED, today());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("journal.db"), None).expect("open");
    store
        .import_snapshot(&full)
        .expect("the whole demo institution imports");
    assert_eq!(
        store.groups().expect("groups").len(),
        full.groups.len(),
        "all groups"
    );
    assert_eq!(
        store.users().expect("users").len(),
        full.users.len(),
        "all users"
    );
    let n: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM cells", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n as usize, full.cells.len(), "all cells");
}
