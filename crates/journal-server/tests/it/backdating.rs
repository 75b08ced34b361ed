//! A device clock set back cannot enter last week's lesson «on its day»: the server does not believe
//! an entry time below what the device had already seen (the server time of the last change it was
//! sent) or done (its previous op), less a tolerance, and judges the op at that floor. Both backends.

use chrono::Duration;

use crate::support::{outcome_name, rejection_code, set_cell, today, Backend, Device, TestServer};

/// «н» in a lesson a week before the demo's today, on a device whose clock says it is that day.
async fn absence_last_week(
    s: &TestServer,
    device: &mut Device,
    seen: u64,
) -> journal_server::dto::OpResult {
    let lesson = s
        .lessons_of("teacher", today() - Duration::days(7))
        .remove(0);
    let student = s.students_of(&lesson)[0];
    let op = device.op_seen(s.during(&lesson), set_cell(lesson.id, student, "н"), seen);
    s.push(device, &[op]).await.remove(0)
}

async fn an_entry_older_than_what_the_device_had_pulled_is_judged_at_the_pull(b: Backend) {
    let s = TestServer::start(b).await;
    let mut classroom = s.device("teacher").await;
    let mut staff_room = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(
            &mut classroom,
            (s.during(&lesson), set_cell(lesson.id, student, "5")),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "today's mark is taken");
    let cursor = s.pull_all(&staff_room).await;
    assert!(cursor > 0, "the staff room was sent today's change");
    let r = absence_last_week(&s, &mut staff_room, cursor).await;
    assert_eq!(
        rejection_code(&r),
        "backdating",
        "an absence «entered» last week by a device that had already pulled today's change is a late entry: {:?}",
        r.outcome
    );
}

async fn an_entry_older_than_the_devices_previous_op_is_judged_at_that_op(b: Backend) {
    let s = TestServer::start(b).await;
    let mut pc = s.device("teacher").await;
    let lesson = s.lessons_of("teacher", today()).remove(0);
    let student = s.students_of(&lesson)[0];
    let r = s
        .push_new(
            &mut pc,
            (s.during(&lesson), set_cell(lesson.id, student, "4")),
        )
        .await;
    assert_eq!(outcome_name(&r[0]), "applied", "today's mark is taken");
    let r = absence_last_week(&s, &mut pc, 0).await;
    assert_eq!(
        rejection_code(&r),
        "backdating",
        "the device's clock went back a week after its previous op: {:?}",
        r.outcome
    );
}

async fn a_device_that_has_seen_nothing_newer_still_enters_its_own_day(b: Backend) {
    let s = TestServer::start(b).await;
    let mut pc = s.device("teacher").await;
    let r = absence_last_week(&s, &mut pc, 0).await;
    assert_eq!(
        outcome_name(&r),
        "applied",
        "an offline PC's absence typed on the lesson's day, sent a week later, is on time: {:?}",
        r.outcome
    );
}

conformance!(
    an_entry_older_than_what_the_device_had_pulled_is_judged_at_the_pull,
    an_entry_older_than_the_devices_previous_op_is_judged_at_that_op,
    a_device_that_has_seen_nothing_newer_still_enters_its_own_day
);
