//! Reopening a locked period for a correction, against a real server on 127.0.0.1: the deputy
//! reopens with a reason (where the policy lets deputies edit), the teacher's copy pulls it, shows
//! who reopened it and why, accepts the correction and the lock again.

use crate::server::{during, first_lesson, sign_in, TestServer};
use journal_api::{Clock, FixedClock, Journal, LessonSummary};
use journal_core::{LateEntry, PeriodId, Policy};
use std::sync::Arc;

fn morning() -> chrono::NaiveDateTime {
    crate::server::today()
        .and_hms_opt(7, 0, 0)
        .expect("valid time")
}

fn lenient() -> Policy {
    Policy {
        deputy_may_edit: true,
        late_entry: LateEntry::AllowedCases,
        ..Policy::default()
    }
}

/// The teacher gives every student a final for the current period — the last one locks it, as
/// the policy locks after finals — and syncs.
fn lock_with_finals(j: &mut Journal, lesson: &LessonSummary) -> PeriodId {
    let g = j.grid(lesson.load_id, None).expect("the grid opens");
    for r in &g.rows {
        j.set_final(lesson.load_id, g.period.id, r.student_id, "5")
            .expect("the final is accepted");
    }
    assert!(
        j.grid(lesson.load_id, Some(g.period.id))
            .expect("the grid opens")
            .locked,
        "the period locks once every student has a final"
    );
    let r = j.sync().expect("the teacher syncs");
    assert_eq!(r.refused, 0, "the finals and the lock are accepted: {r:?}");
    g.period.id
}

#[test]
fn a_deputy_reopens_a_locked_period_and_the_teacher_corrects_and_locks_again() {
    let server = TestServer::start_with_policy(lenient());
    let pc_t = tempfile::tempdir().expect("temp dir");
    let pc_d = tempfile::tempdir().expect("temp dir");
    let mut t = sign_in(&server, pc_t.path(), "teacher", morning());
    let lesson = first_lesson(&t);
    t.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let period = lock_with_finals(&mut t, &lesson);
    let student = t.grid(lesson.load_id, Some(period)).expect("grid").rows[0].student_id;
    let err = t
        .set_final(lesson.load_id, period, student, "4")
        .expect_err("a locked period refuses the correction");
    assert_eq!(
        err.code, "period_locked",
        "the lock holds before the reopening"
    );
    let g = t.grid(lesson.load_id, Some(period)).expect("grid");
    assert!(!g.can_reopen, "the teacher is not offered the reopening");
    let err = t
        .unlock_period(lesson.load_id, period, "хочу исправить")
        .expect_err("the teacher cannot reopen");
    assert_eq!(err.code, "forbidden", "001 «Преподаватель» п. 5: {err}");

    let mut d = sign_in(&server, pc_d.path(), "deputy", during(&lesson));
    let g = d
        .grid(lesson.load_id, Some(period))
        .expect("the deputy sees the grid");
    assert!(g.locked, "the deputy's copy has the lock");
    assert!(
        g.can_reopen,
        "the deputy is offered the reopening where the policy allows"
    );
    let err = d
        .unlock_period(lesson.load_id, period, "   ")
        .expect_err("no reason, no reopening");
    assert_eq!(
        err.code, "correction_reason_required",
        "the reason is required: {err}"
    );
    let reason = "ошибка в итоговой отметке, служебная записка №12";
    d.unlock_period(lesson.load_id, period, reason)
        .expect("the deputy reopens with a reason");
    let g = d.grid(lesson.load_id, Some(period)).expect("grid");
    assert!(!g.locked, "the deputy's copy is open at once");
    let r = d.sync().expect("the deputy syncs");
    assert_eq!(
        (r.applied, r.refused),
        (1, 0),
        "the server applies the reopening: {r:?}"
    );
    let err = d
        .unlock_period(lesson.load_id, period, reason)
        .expect_err("an open period is not reopened");
    assert_eq!(err.code, "period_not_locked", "its own code: {err}");

    // A PC the teacher first signs in on now gets the reopening with the snapshot.
    let pc_new = tempfile::tempdir().expect("temp dir");
    let fresh = sign_in(&server, pc_new.path(), "teacher", during(&lesson));
    let g = fresh.grid(lesson.load_id, Some(period)).expect("grid");
    assert!(!g.locked, "the fresh copy's period is open");
    assert_eq!(
        g.reopened.map(|r| (r.reason, r.reopened_by)),
        Some((reason.to_string(), d.user().full_name)),
        "the fresh copy shows the reopening, its reason and who reopened it"
    );
    drop(fresh);

    t.sync().expect("the teacher pulls the reopening");
    let g = t.grid(lesson.load_id, Some(period)).expect("grid");
    assert!(!g.locked, "the teacher's period is editable again");
    let shown = g.reopened.expect("the grid shows the period is reopened");
    assert_eq!(shown.reason, reason, "with the deputy's reason");
    assert_eq!(
        shown.reopened_by,
        d.user().full_name,
        "and who reopened it: {shown:?}"
    );
    let l = t.lesson(lesson.id).expect("the lesson opens");
    assert_eq!(
        l.reopened.map(|r| r.reason),
        Some(reason.to_string()),
        "the lesson of the reopened period shows the reopening"
    );
    assert_eq!(l.read_only_reason, None, "the lesson is editable again");

    t.set_final(lesson.load_id, period, student, "4")
        .expect("the teacher corrects the final");
    assert!(
        t.grid(lesson.load_id, Some(period)).expect("grid").locked,
        "with every final set, the corrected one locks the period again"
    );
    let r = t.sync().expect("the teacher syncs");
    assert_eq!(
        (r.applied, r.refused),
        (2, 0),
        "the correction and the new lock are accepted: {r:?}"
    );
    let g = t.grid(lesson.load_id, Some(period)).expect("grid");
    assert!(g.locked, "locked again");
    assert_eq!(g.reopened, None, "no longer shown as reopened");
    let row = g
        .rows
        .iter()
        .find(|r| r.student_id == student)
        .expect("the student's row");
    assert_eq!(
        row.final_value.as_deref(),
        Some("4"),
        "the corrected final stays"
    );
}

#[test]
fn under_the_strict_policy_the_deputy_cannot_reopen() {
    let server = TestServer::start();
    let pc_t = tempfile::tempdir().expect("temp dir");
    let pc_d = tempfile::tempdir().expect("temp dir");
    let mut t = sign_in(&server, pc_t.path(), "teacher", morning());
    let lesson = first_lesson(&t);
    t.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let period = lock_with_finals(&mut t, &lesson);
    let mut d = sign_in(&server, pc_d.path(), "deputy", during(&lesson));
    let g = d.grid(lesson.load_id, Some(period)).expect("grid");
    assert!(
        g.locked && !g.can_reopen,
        "000 п. 3.3: deputies «без права редактирования» are not offered the reopening"
    );
    let err = d
        .unlock_period(lesson.load_id, period, "ошибка в итоговой")
        .expect_err("the strict policy refuses");
    assert_eq!(err.code, "forbidden", "nobody reopens by default: {err}");
    assert_eq!(
        d.status().expect("status").pending_ops,
        0,
        "a refused reopening queues nothing"
    );
}

#[test]
fn finals_before_the_policys_window_are_refused_as_the_server_refuses_them() {
    // 001 «Преподаватель» п. 11 as a policy: finals «в течение последней недели» of the period.
    let server = TestServer::start_with_policy(Policy {
        finals_window_days: 7,
        ..Policy::default()
    });
    let pc = tempfile::tempdir().expect("temp dir");
    let mut t = sign_in(&server, pc.path(), "teacher", morning());
    let lesson = first_lesson(&t);
    t.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let g = t.grid(lesson.load_id, None).expect("the grid opens");
    let from = g
        .finals_open_from
        .expect("the grid says from when finals are taken");
    assert_eq!(
        from,
        g.period.ends_on - chrono::Duration::days(6),
        "the window is the period's last 7 days"
    );
    assert!(
        lesson.date < from,
        "the demo's lesson day is before the window"
    );
    let before = t.status().expect("status").pending_ops;
    let err = t
        .set_final(lesson.load_id, g.period.id, g.rows[0].student_id, "5")
        .expect_err("a final before the window is refused");
    assert_eq!(err.code, "finals_too_early", "the app's code: {err}");
    assert!(
        err.message.contains(&from.format("%d.%m.%Y").to_string()),
        "the refusal says from when: {err}"
    );
    assert_eq!(
        t.status().expect("status").pending_ops,
        before,
        "nothing is recorded"
    );
}
