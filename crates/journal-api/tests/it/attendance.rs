//! «Посещаемость группы» against a real server: the curator sees a day of their group with every
//! lesson, gives a student's «н» of that day the reason from a note at once («б»), syncs, and the
//! server takes every change (it used to refuse the curator's «н» → «б» that the app allowed). A
//! wrong reason and a teacher who is not the curator change nothing.

use crate::server::{sign_in, today, TestServer};
use chrono::Duration;
use journal_core::Absence;

#[test]
fn the_curator_gives_a_days_absences_their_reason_and_the_server_takes_them() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let now = today().and_hms_opt(16, 0, 0).expect("a time");
    let mut curator = sign_in(&server, dir.path(), "curator", now);
    let groups = curator.attendance_groups().expect("groups");
    let group = groups
        .iter()
        .find(|g| g.curated)
        .expect("the curator's own group comes first");
    assert_eq!(groups[0].id, group.id, "the curated group is listed first");

    // A day of the last two weeks with an «н» in the group (the demo's history has some).
    let (date, day, student) = (1..15)
        .find_map(|back| {
            let date = today() - Duration::days(back);
            let day = curator
                .group_day(group.id, date)
                .expect("a day of the group");
            let row = day.rows.iter().find(|r| r.unexcused > 0)?;
            Some((date, day.clone(), row.clone()))
        })
        .expect("an unexcused absence in the group in the last two weeks");
    assert!(
        day.may_set_reasons,
        "the curator gives reasons in their group"
    );
    assert!(
        !day.lessons.is_empty() && day.lessons.len() == student.cells.len(),
        "a cell per lesson of the day"
    );
    let pending = curator.status().expect("status").pending_ops;

    let err = curator
        .excuse_day(group.id, date, student.student_id, Absence::Absent)
        .expect_err("«н» is no reason");
    assert_eq!(err.code, "invalid_input", "{}", err.message);
    assert_eq!(
        curator.status().expect("status").pending_ops,
        pending,
        "a refusal records nothing"
    );

    let done = curator
        .excuse_day(group.id, date, student.student_id, Absence::Ill)
        .expect("the curator gives the reason");
    assert_eq!(
        done.len() as u32,
        student.unexcused,
        "one edit per «н» of that day"
    );
    let after = curator.group_day(group.id, date).expect("the day again");
    let row = after
        .rows
        .iter()
        .find(|r| r.student_id == student.student_id)
        .expect("the student");
    assert_eq!(row.unexcused, 0, "no «н» left that day: {:?}", row.cells);
    assert!(
        row.cells.iter().flatten().any(|c| c.contains('б')),
        "the reason is in the cells: {:?}",
        row.cells
    );

    let report = curator.sync().expect("sync");
    assert_eq!(
        report.refused, 0,
        "the server takes the curator's reasons, as the app did: {report:?}"
    );
    assert!(report.applied as usize >= done.len(), "{report:?}");

    // A teacher of the group who is not its curator cannot give another teacher's «н» a reason.
    let other_dir = tempfile::tempdir().expect("temp dir");
    let mut teacher = sign_in(&server, other_dir.path(), "teacher", now);
    if let Some(g) = teacher
        .attendance_groups()
        .expect("groups")
        .into_iter()
        .find(|g| !g.curated)
    {
        for back in 1..15 {
            let date = today() - Duration::days(back);
            let day = teacher.group_day(g.id, date).expect("a day");
            assert!(!day.may_set_reasons, "not the teacher's to give reasons");
            if let Some(r) = day.rows.iter().find(|r| r.unexcused > 0) {
                let before = teacher.status().expect("status").pending_ops;
                if teacher
                    .excuse_day(g.id, date, r.student_id, Absence::Ill)
                    .is_err()
                {
                    assert_eq!(
                        teacher.status().expect("status").pending_ops,
                        before,
                        "a refusal records nothing"
                    );
                }
                break;
            }
        }
    }
}
