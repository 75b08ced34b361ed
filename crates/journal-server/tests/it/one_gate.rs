//! Edits the app accepts the server accepts (issue 13 item 1): the curator's «н» → «б» in their
//! group, which the app allowed and the server refused (`forbidden`). Both now decide a cell's
//! permission with journal-core's `authorise_cell_change`. On both backends.

use journal_core::StudentId;
use journal_protocol::Lesson;

use crate::support::{outcome_name, rejection_code, set_cell, today, Backend, TestServer};

/// A lesson today of the curator's group (ИС-11) that another teacher gives, and one of its
/// students.
fn lesson_of_curated_group(s: &TestServer) -> (Lesson, StudentId) {
    let curator = s.user("curator");
    let group = s
        .snapshot
        .groups
        .iter()
        .find(|g| g.curator_id == Some(curator))
        .expect("the demo curator has a group")
        .id;
    let lesson = s
        .snapshot
        .lessons
        .iter()
        .filter(|l| l.date == today())
        .find(|l| {
            let load = s.load(l.load_id);
            load.group_id == group && load.teacher_id != curator
        })
        .cloned()
        .expect("another teacher gives the curator's group a lesson today");
    let student = s.students_of(&lesson)[0];
    (lesson, student)
}

async fn the_curator_gives_an_absence_its_reason_and_no_more(b: Backend) {
    let s = TestServer::start(b).await;
    let (lesson, student) = lesson_of_curated_group(&s);
    let teacher_login = s
        .snapshot
        .users
        .iter()
        .find(|u| u.id == s.load(lesson.load_id).teacher_id)
        .map(|u| u.login.clone())
        .expect("the lesson's teacher");
    let mut teacher = s.device(&teacher_login).await;
    let t = s.during(&lesson);
    let r = s
        .push_new(&mut teacher, (t, set_cell(lesson.id, student, "н")))
        .await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "the teacher marks the absence"
    );
    s.pull_all(&teacher).await;

    let mut curator = s.device("curator").await;
    // The curator's copy shows the «н» (pulled) when the change is made.
    let seen = s.pull_all(&curator).await;
    let op = curator.op_seen(t, set_cell(lesson.id, student, "5"), seen);
    let r = s.push(&curator, &[op]).await;
    assert_eq!(
        rejection_code(&r[0]),
        "forbidden",
        "the curator does not put marks in another teacher's lesson"
    );
    let op = curator.op_seen(t, set_cell(lesson.id, student, "б"), seen);
    let r = s.push(&curator, &[op]).await;
    assert_eq!(
        outcome_name(&r[0]),
        "applied",
        "«н» → «б» from a parent's note is the curator's (004), as the app allows: {r:?}"
    );
}

conformance!(the_curator_gives_an_absence_its_reason_and_no_more);
