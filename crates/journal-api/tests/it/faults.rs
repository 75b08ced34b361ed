//! The sync client through a fault-injecting proxy (I1, I2, I3, I7): a dropped request, a
//! duplicated request, a held (reordered) delivery, a reply lost after the server committed, a
//! truncated reply, and a token that expires between push and pull. After each fault the next
//! sync completes; nothing acknowledged is lost and nothing is applied twice.

use crate::proxy::{Fault, Gate, Proxy};
use crate::server::{during, first_lesson, sign_in, today, TestServer};
use crate::server_view::{audit_verifies, by_op, content, ServerView};
use chrono::NaiveTime;
use journal_api::{Clock, FixedClock, Journal, LessonSummary};
use journal_core::StudentId;
use std::sync::Arc;

fn morning() -> chrono::NaiveDateTime {
    today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"))
}

struct Setup {
    server: TestServer,
    proxy: Proxy,
    view: ServerView,
    a: Journal,
    lesson: LessonSummary,
    students: Vec<StudentId>,
    _pc: tempfile::TempDir,
}

/// A teacher's PC signed in, then syncing through the proxy; three cells marked offline.
fn setup() -> Setup {
    let server = TestServer::start();
    let proxy = Proxy::start(&server.url);
    let pc = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    a.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    a.set_server_url(&proxy.url);
    let students: Vec<StudentId> = a
        .lesson(lesson.id)
        .expect("the lesson opens")
        .students
        .iter()
        .map(|s| s.student_id)
        .collect();
    for (s, v) in students.iter().zip(["5", "4", "н"]) {
        a.set_cell(lesson.id, *s, v).expect("a mark");
    }
    let view = ServerView::login(&server.url, "teacher");
    Setup {
        server,
        proxy,
        view,
        a,
        lesson,
        students,
        _pc: pc,
    }
}

/// Every op of the device is on the server exactly once and answered locally; the device shows
/// what the server has.
fn assert_settled(s: &Setup, j: &Journal) {
    let changes = s.view.changes();
    let ops = j.store().all_ops().expect("the outbox reads");
    let applied = by_op(&changes);
    for op in &ops {
        let n = changes.iter().filter(|c| c.op_id == op.op_id).count();
        assert_eq!(
            n, 1,
            "op #{} is on the server exactly once (found {n})",
            op.device_seq
        );
        assert!(
            applied.contains_key(&op.op_id),
            "op #{} applied",
            op.device_seq
        );
    }
    let seqs: Vec<u64> = changes.iter().map(|c| c.server_seq).collect();
    let gap_free: Vec<u64> = (1..=changes.len() as u64).collect();
    assert_eq!(seqs, gap_free, "server_seq has no holes");
    assert_eq!(
        j.status().expect("status").pending_ops,
        0,
        "nothing is left pending"
    );
    assert!(
        j.status().expect("status").outbox_intact,
        "the device's outbox chain verifies"
    );
    let mine = j.store().export_snapshot().expect("the copy exports");
    assert_eq!(
        content(&mine, &[s.lesson.id]),
        content(&s.view.snapshot(), &[s.lesson.id]),
        "the device shows what the server has"
    );
    audit_verifies(&s.server.db, "after the faults");
}

#[test]
fn a_dropped_push_never_reaches_the_server_and_the_next_sync_applies_it_once() {
    let mut s = setup();
    s.proxy.script("/sync/push", vec![Fault::DropRequest]);
    let err = s.a.sync().expect_err("the connection was dropped");
    assert_eq!(
        err.code, "server_unreachable",
        "a dropped connection: {err}"
    );
    assert!(
        !err.message.to_lowercase().contains("error")
            && err.message.contains("Изменения сохранены"),
        "the teacher reads why in Russian, without the HTTP library's English: {}",
        err.message
    );
    assert!(
        s.view.changes().is_empty(),
        "the server never saw the dropped push"
    );
    assert_eq!(
        s.a.status().expect("status").pending_ops,
        3,
        "the edits stay pending on the device"
    );
    let r = s.a.sync().expect("the next sync goes through");
    assert_eq!((r.applied, r.duplicates, r.pending), (3, 0, 0), "{r:?}");
    assert_settled(&s, &s.a);
}

#[test]
fn a_reply_lost_after_the_commit_gives_duplicates_on_retry_never_a_second_apply() {
    let mut s = setup();
    s.proxy.script("/sync/push", vec![Fault::LoseReply]);
    let err = s.a.sync().expect_err("the reply was lost");
    assert_eq!(err.code, "server_unreachable", "a lost reply: {err}");
    let seen = s.proxy.seen("/sync/push");
    assert_eq!(
        seen.first().and_then(|x| x.upstream_status),
        Some(200),
        "the server answered (committed) the push whose reply was lost: {seen:?}"
    );
    assert_eq!(
        s.view.changes().len(),
        3,
        "the server applied the three ops"
    );
    assert_eq!(
        s.a.status().expect("status").pending_ops,
        3,
        "the device did not hear back, so its ops are still pending"
    );
    let r = s.a.sync().expect("the retry goes through");
    assert_eq!(
        (r.applied, r.duplicates, r.pending),
        (0, 3, 0),
        "the retried ops are answered as duplicates: {r:?}"
    );
    assert_settled(&s, &s.a);
}

#[test]
fn a_push_delivered_twice_at_once_is_applied_once() {
    let mut s = setup();
    s.proxy.script("/sync/push", vec![Fault::Duplicate]);
    let r =
        s.a.sync()
            .expect("one of the two replies reaches the device");
    assert_eq!(
        r.applied + r.duplicates,
        3,
        "each op is applied or a duplicate, in whichever reply the device got: {r:?}"
    );
    assert_eq!(
        r.refused, 0,
        "a duplicate delivery is never a refusal: {r:?}"
    );
    assert_eq!(
        s.proxy.seen("/sync/push")[0].fault,
        "duplicate",
        "the push was sent twice"
    );
    assert_settled(&s, &s.a);
    let again = s.a.sync().expect("a no-op sync");
    assert_eq!(
        (again.pushed, again.applied),
        (0, 0),
        "nothing is left to send"
    );
    assert_settled(&s, &s.a);
}

#[test]
fn a_truncated_reply_is_an_error_and_the_retry_completes_push_and_pull() {
    let mut s = setup();
    // B signs in before A's marks reach the server, so B must pull them.
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut b = sign_in(&s.server, pc_b.path(), "teacher", morning());
    b.set_server_url(&s.proxy.url);
    s.proxy
        .script("/sync/push", vec![Fault::Truncate, Fault::Truncate]);
    let err = s.a.sync().expect_err("half a reply is no reply");
    assert!(
        ["server_reply_invalid", "server_unreachable"].contains(&err.code.as_str()),
        "a cut reply is reported as such: {err}"
    );
    assert_eq!(
        s.a.status().expect("status").pending_ops,
        3,
        "without a whole reply the ops stay pending"
    );
    let err = s.a.sync().expect_err("cut again");
    assert!(
        ["server_reply_invalid", "server_unreachable"].contains(&err.code.as_str()),
        "{err}"
    );
    let r = s.a.sync().expect("the push retry goes through");
    assert_eq!((r.duplicates, r.pending), (3, 0), "{r:?}");
    // Now B's pull page is cut: its cursor must not move past changes it never got.
    s.proxy.script("/sync/pull", vec![Fault::Truncate]);
    let err = b.sync().expect_err("B's pull page is cut");
    assert!(
        ["server_reply_invalid", "server_unreachable"].contains(&err.code.as_str()),
        "{err}"
    );
    let r = b.sync().expect("B pulls again from its stored cursor");
    assert!(r.pulled >= 3, "no hole: B gets every change: {r:?}");
    assert_settled(&s, &s.a);
    assert_settled(&s, &b);
}

#[test]
fn a_lost_pull_reply_is_pulled_again_from_the_stored_cursor() {
    let mut s = setup();
    s.a.sync().expect("A's marks reach the server");
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut b = sign_in(&s.server, pc_b.path(), "teacher", morning());
    b.set_server_url(&s.proxy.url);
    s.a.set_cell(s.lesson.id, s.students[3], "3")
        .expect("one more mark");
    s.a.set_homework(s.lesson.id, "§ 12, задачи 1–5")
        .expect("homework");
    s.a.sync().expect("A syncs");
    s.proxy
        .script("/sync/pull", vec![Fault::LoseReply, Fault::DropRequest]);
    assert!(b.sync().is_err(), "the pull reply is lost");
    assert!(b.sync().is_err(), "the pull request is dropped");
    let r = b.sync().expect("the third pull goes through");
    assert!(r.pulled >= 2, "the lost changes come again: {r:?}");
    assert_settled(&s, &b);
    assert_settled(&s, &s.a);
}

#[test]
fn a_delayed_delivery_arriving_second_loses_the_cell_and_sees_the_conflict() {
    let mut s = setup();
    // B marks the first student otherwise *after* A did, but B's push arrives first: A's push is
    // held at the proxy. First accepted wins, so A gets a visible conflict.
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut b = sign_in(&s.server, pc_b.path(), "teacher", morning());
    b.set_clock(Arc::new(FixedClock::new(during(&s.lesson))) as Arc<dyn Clock>);
    b.set_cell(s.lesson.id, s.students[0], "2")
        .expect("B marks the same cell otherwise");
    let gate = Gate::new();
    s.proxy
        .script("/sync/push", vec![Fault::Hold(gate.clone())]);
    let mut a = s.a;
    let held = std::thread::spawn(move || {
        let r = a.sync();
        (a, r)
    });
    // Whenever A's push reaches the proxy, it waits there until B's sync (straight to the server)
    // is done.
    let rb = b.sync().expect("B syncs directly");
    assert_eq!(rb.applied, 1, "B's mark is first on the server");
    gate.open();
    let (a, ra) = held.join().expect("A's sync thread ends");
    let ra = ra.expect("A's held sync completes");
    s.a = a;
    assert_eq!(
        (ra.applied, ra.refused, ra.pending),
        (2, 1, 0),
        "A's mark on the same cell is a conflict, the others are applied: {ra:?}"
    );
    let conflicts = s.a.conflicts().expect("conflicts");
    assert!(
        conflicts
            .iter()
            .any(|c| c.open && c.code == "conflict" && c.server_value.is_some()),
        "the conflict is kept and shown on A with the server's value: {conflicts:?}"
    );
    assert_eq!(
        s.a.lesson(s.lesson.id).expect("lesson").students[0]
            .cell
            .symbol,
        "2",
        "A shows the value the server kept"
    );
    b.sync().expect("B pulls A's other marks");
    let changes = s.view.changes();
    let mine = s.a.store().export_snapshot().expect("export");
    let theirs = b.store().export_snapshot().expect("export");
    assert_eq!(
        content(&mine, &[s.lesson.id]),
        content(&theirs, &[s.lesson.id]),
        "A and B converge"
    );
    assert_eq!(
        content(&theirs, &[s.lesson.id]),
        content(&s.view.snapshot(), &[s.lesson.id]),
        "and equal the server"
    );
    assert_eq!(
        changes.len(),
        3,
        "one change per applied op: B's one and A's two"
    );
}

#[test]
fn a_token_expiring_between_push_and_pull_keeps_the_answers_and_completes_after_sign_in() {
    let s = setup();
    let mut a = s.a;
    // The server's clock jumps past the token's life the moment the pull arrives: the push was
    // answered, the pull is refused.
    let shift = s.server.shift_days.clone();
    s.proxy.set_rule(move |head| {
        if head.is("/sync/pull") {
            shift.store(8, std::sync::atomic::Ordering::SeqCst);
        }
        Fault::Pass
    });
    let err = a
        .sync()
        .expect_err("the pull is refused with an expired token");
    assert_eq!(
        err.code, "session_expired",
        "the user is told to sign in: {err}"
    );
    assert_eq!(
        a.status().expect("status").pending_ops,
        0,
        "the push's answers were stored before the pull failed"
    );
    assert_eq!(
        s.proxy
            .seen("/sync/pull")
            .first()
            .and_then(|x| x.upstream_status),
        Some(401),
        "the server refused the pull as unauthorised"
    );
    // The copy is still there, with the edits answered; sign in again and sync.
    let dir = a.store().export_snapshot().expect("export");
    drop(a);
    let pc = s._pc;
    let mut again = sign_in(&s.server, pc.path(), "teacher", morning());
    let r = again.sync().expect("sync after signing in again");
    assert_eq!((r.pending, r.refused), (0, 0), "{r:?}");
    let view = ServerView::login(&s.server.url, "teacher");
    assert_eq!(
        content(
            &again.store().export_snapshot().expect("export"),
            &[s.lesson.id]
        ),
        content(&view.snapshot(), &[s.lesson.id]),
        "after signing in again the device equals the server"
    );
    assert_eq!(
        content(&dir, &[s.lesson.id]),
        content(&view.snapshot(), &[s.lesson.id]),
        "nothing the device had was lost by the expiry"
    );
    assert_eq!(view.changes().len(), 3, "each op applied once");
}

#[test]
fn a_conflict_answered_before_the_link_broke_still_shows_the_server_value_after_the_next_sync() {
    let mut s = setup();
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut b = sign_in(&s.server, pc_b.path(), "teacher", morning());
    b.set_clock(Arc::new(FixedClock::new(during(&s.lesson))) as Arc<dyn Clock>);
    b.set_cell(s.lesson.id, s.students[3], "2")
        .expect("B marks a cell");
    b.sync().expect("B's mark is on the server");
    // A has not pulled B's mark: its own is a concurrent edit (one made after pulling would be a
    // correction, applied).
    s.a.set_cell(s.lesson.id, s.students[3], "5")
        .expect("A marks the same cell otherwise");
    // A's push is answered (a conflict), then the pull request is dropped: the sync stops after
    // the answer was stored.
    s.proxy.script("/sync/pull", vec![Fault::DropRequest]);
    assert!(s.a.sync().is_err(), "the pull was dropped");
    s.a.sync().expect("the next sync completes");
    assert_eq!(
        s.a.conflicts().expect("conflicts").len(),
        1,
        "the conflict is kept and shown"
    );
    assert_eq!(
        s.a.lesson(s.lesson.id).expect("lesson").students[3]
            .cell
            .symbol,
        "2",
        "A shows the value the server kept, as after an uninterrupted sync"
    );
    assert_eq!(
        content(
            &s.a.store().export_snapshot().expect("export"),
            &[s.lesson.id]
        ),
        content(&s.view.snapshot(), &[s.lesson.id]),
        "A equals the server"
    );
}
