//! Sign-in and sync against a real server: offline edits reaching another device, conflicts and
//! their resolution, refusals for a period locked meanwhile, a lost push reply, wrong offline
//! passwords, and the file bundle giving the same outcomes as the network.

use crate::server::{during, first_lesson, sign_in, today, TestServer, UNREACHABLE};
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

fn student(j: &Journal, lesson: &LessonSummary, row: usize) -> journal_core::StudentId {
    j.lesson(lesson.id).expect("the lesson opens").students[row].student_id
}

#[test]
fn offline_edits_sync_later_and_reach_another_device() {
    let server = TestServer::start();
    let pc_a = tempfile::tempdir().expect("temp dir");
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc_a.path(), "teacher", morning());
    let mut b = sign_in(&server, pc_b.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    at_lesson(&mut a, &lesson);
    assert!(
        Journal::local_users(pc_a.path())
            .expect("lists")
            .contains(&"teacher".to_string()),
        "the signed-in teacher has a local copy on the PC"
    );

    // The network goes down; the teacher keeps working.
    a.set_server_url(UNREACHABLE);
    let s0 = student(&a, &lesson, 0);
    let s1 = student(&a, &lesson, 1);
    a.set_cell(lesson.id, s0, "5").expect("a mark offline");
    a.set_cell(lesson.id, s1, "н").expect("an absence offline");
    let err = a.sync().expect_err("no server, no sync");
    assert_eq!(
        err.code, "server_unreachable",
        "an unreachable server is said so: {err}"
    );
    let st = a.status().expect("status");
    assert_eq!(
        st.online,
        Some(false),
        "status shows offline after a failed contact"
    );
    assert_eq!(st.pending_ops, 2, "both edits wait for the server");

    a.set_server_url(&server.url);
    let r = a.sync().expect("sync when the server is back");
    assert_eq!(
        (r.applied, r.refused, r.pending),
        (2, 0, 0),
        "both edits applied: {r:?} {:?}",
        a.conflicts()
    );
    let st = a.status().expect("status");
    assert_eq!(st.online, Some(true), "status shows online after a sync");
    let moscow = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .naive_local();
    let last = st.last_sync.expect("the last successful sync is known");
    assert!(
        (moscow - last).num_minutes().abs() <= 5,
        "the last sync is shown on the institution's clock (Moscow {moscow}), not in UTC: {last}"
    );

    let r = b.sync().expect("the second device syncs");
    assert!(
        r.pulled >= 2,
        "the second device pulls the two changes: {r:?}"
    );
    assert_eq!(
        cell(&b, &lesson, 0),
        "5",
        "the mark made offline on A is on B"
    );
    assert_eq!(
        cell(&b, &lesson, 1),
        "н",
        "the absence made offline on A is on B"
    );
}

#[test]
fn conflicting_marks_from_two_devices_show_the_server_value_and_are_resolved() {
    let server = TestServer::start();
    let pc_a = tempfile::tempdir().expect("temp dir");
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc_a.path(), "teacher", morning());
    let mut b = sign_in(&server, pc_b.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    at_lesson(&mut a, &lesson);
    at_lesson(&mut b, &lesson);
    let s0 = student(&a, &lesson, 0);
    let s1 = student(&a, &lesson, 1);
    a.set_cell(lesson.id, s0, "5").expect("A marks");
    a.set_cell(lesson.id, s1, "4").expect("A marks");
    b.set_cell(lesson.id, s0, "3")
        .expect("B marks the same cell otherwise");
    b.set_cell(lesson.id, s1, "2")
        .expect("B marks the other cell otherwise");
    assert_eq!(
        a.sync().expect("A syncs first").applied,
        2,
        "the first accepted wins"
    );
    let r = b.sync().expect("B syncs second");
    assert_eq!(r.refused, 2, "B's two marks are conflicts: {r:?}");
    let open: Vec<_> = b
        .conflicts()
        .expect("conflicts")
        .into_iter()
        .filter(|c| c.open)
        .collect();
    assert_eq!(open.len(), 2, "each conflict is listed");
    assert!(
        open.iter()
            .all(|c| c.code == "conflict" && c.server_value.is_some() && !c.message.is_empty()),
        "a conflict carries the server value and a message: {open:?}"
    );
    assert_eq!(cell(&b, &lesson, 0), "5", "B now shows the server's value");
    assert_eq!(
        b.status().expect("status").conflicts,
        2,
        "status counts the open conflicts"
    );

    let withdraw_empty =
        b.resolve_conflict(open[0].id, ConflictAction::Withdraw { reason: " ".into() });
    assert_eq!(
        withdraw_empty
            .expect_err("a withdrawal needs a reason")
            .code,
        "invalid_input",
        "no reason, no withdrawal"
    );
    b.resolve_conflict(open[0].id, ConflictAction::TakeServer)
        .expect("take the server's value");
    b.resolve_conflict(
        open[1].id,
        ConflictAction::Withdraw {
            reason: "ошибся клеткой".into(),
        },
    )
    .expect("withdraw with a reason");
    let all = b.conflicts().expect("conflicts");
    assert!(all.iter().all(|c| !c.open), "both conflicts are closed");
    assert!(
        all.iter()
            .any(|c| c.code == "resolved_withdrawn" && c.message.contains("ошибся клеткой")),
        "the withdrawal and its reason are recorded: {all:?}"
    );
    assert!(
        all.iter().any(|c| c.code == "resolved_take_server"),
        "taking the server's value is recorded"
    );
    assert_eq!(
        all.len(),
        4,
        "nothing disappeared: two conflicts and two decisions"
    );
    assert_eq!(
        b.status().expect("status").conflicts,
        0,
        "no open conflicts left"
    );
}

#[test]
fn a_period_locked_on_the_server_meanwhile_is_a_refusal_in_conflicts() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    at_lesson(&mut a, &lesson);
    let detail = a.lesson(lesson.id).expect("lesson");
    let period = detail.period.expect("the lesson is in a period");
    let me = a.user().id;
    server.lock_on_server(
        &lesson.load_id.to_string(),
        &period.id.to_string(),
        &me.to_string(),
    );
    let s0 = student(&a, &lesson, 0);
    a.set_cell(lesson.id, s0, "5")
        .expect("the copy does not know of the lock yet");
    let r = a.sync().expect("sync");
    assert_eq!(
        (r.refused, r.pending),
        (1, 0),
        "the mark is refused, nothing left pending: {r:?}"
    );
    let c = a.conflicts().expect("conflicts");
    assert_eq!(c.len(), 1, "the refusal is listed");
    assert_eq!(c[0].code, "period_locked", "with the server's code");
    assert!(
        c[0].message.contains("закрыт"),
        "and its Russian message: {}",
        c[0].message
    );
    assert_eq!(
        cell(&a, &lesson, 0),
        "",
        "the copy shows the server's (empty) cell again"
    );
}

#[test]
fn a_lost_push_reply_is_pushed_again_without_loss_or_duplicates() {
    let server = TestServer::start();
    let pc_a = tempfile::tempdir().expect("temp dir");
    let pc_b = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc_a.path(), "teacher", morning());
    let mut b = sign_in(&server, pc_b.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    at_lesson(&mut a, &lesson);
    for row in 0..3 {
        let s = student(&a, &lesson, row);
        a.set_cell(lesson.id, s, "4").expect("a mark");
    }
    // The push reaches the server and commits, but A never hears back: the same ops go through
    // another route (B pushes A's bundle), A's outbox still says pending.
    let bundle = pc_a.path().join("lost.json");
    a.export_bundle(&bundle).expect("export");
    let answer = pc_b.path().join("lost-answer.json");
    let r = b
        .push_bundle(&bundle, &answer)
        .expect("the ops reach the server");
    assert_eq!(r.applied, 3, "the server applied them: {r:?}");
    assert_eq!(
        a.status().expect("status").pending_ops,
        3,
        "A does not know yet"
    );
    let before = server.changes_count();

    let r = a.sync().expect("A syncs again");
    assert_eq!(
        (r.duplicates, r.applied, r.pending),
        (3, 0, 0),
        "resent ops are duplicates: {r:?}"
    );
    assert_eq!(server.changes_count(), before, "no op was applied twice");
    for row in 0..3 {
        assert_eq!(cell(&a, &lesson, row), "4", "no edit was lost (row {row})");
    }
}

#[test]
fn offline_sign_in_opens_only_with_the_right_password() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    drop(sign_in(&server, pc.path(), "teacher", morning()));
    let err = Journal::sign_in_offline(pc.path(), "teacher", "не тот").expect_err("refused");
    assert_eq!(
        err.code, "wrong_password",
        "a wrong password is refused: {err}"
    );
    assert!(
        err.message.contains("Неверный пароль"),
        "in Russian: {}",
        err.message
    );
    let key = std::fs::read_to_string(pc.path().join("users/teacher/key.json")).expect("key file");
    assert!(
        key.contains("\"failed_attempts\": 1"),
        "the failure is counted: {key}"
    );
    let j = Journal::sign_in_offline(pc.path(), "teacher", journal_demo::DEMO_PASSWORD)
        .expect("the right password opens the copy offline");
    assert_eq!(j.user().login, "teacher", "the teacher's own copy");
    assert!(!j.is_online_session(), "offline: no server session");
    let db = std::fs::read(pc.path().join("users/teacher/journal.db")).expect("store file");
    assert!(
        !db.starts_with(b"SQLite format 3"),
        "the local copy is encrypted at rest"
    );
    let err = Journal::sign_in_offline(pc.path(), "teacher2", "demo").expect_err("no copy");
    assert_eq!(
        err.code, "no_local_copy",
        "another teacher has no copy here"
    );
}

#[test]
fn a_wrong_password_online_leaves_no_copy_behind() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let err = Journal::sign_in_online_with(
        pc.path(),
        &server.url,
        "teacher",
        "не тот",
        crate::server::TEST_KDF,
    )
    .expect_err("refused by the server");
    assert_eq!(
        err.code, "bad_credentials",
        "the server's refusal crosses: {err}"
    );
    assert!(
        Journal::local_users(pc.path()).expect("lists").is_empty(),
        "no local copy is made with a refused password"
    );
}

#[test]
fn a_bundle_round_trip_gives_the_same_outcomes_as_network_sync() {
    let server = TestServer::start();
    let offline_pc = tempfile::tempdir().expect("temp dir");
    let online_pc = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, offline_pc.path(), "teacher", morning());
    let mut b = sign_in(&server, online_pc.path(), "teacher", morning());
    a.set_server_url(UNREACHABLE);
    let lesson = first_lesson(&a);
    at_lesson(&mut a, &lesson);
    at_lesson(&mut b, &lesson);
    let s0 = student(&a, &lesson, 0);
    let s1 = student(&a, &lesson, 1);
    // The online PC marks first; the offline PC marks the same cell otherwise, and another one.
    b.set_cell(lesson.id, s0, "3")
        .expect("mark on the online PC");
    assert_eq!(
        b.sync().expect("sync").applied,
        1,
        "the online PC's mark is applied"
    );
    a.set_cell(lesson.id, s0, "4")
        .expect("conflicting mark offline");
    a.set_cell(lesson.id, s1, "5").expect("mark offline");

    let bundle = offline_pc.path().join("bundle.json");
    assert_eq!(
        a.export_bundle(&bundle).expect("export"),
        2,
        "two ops in the bundle"
    );
    let answer = online_pc.path().join("answer.json");
    b.push_bundle(&bundle, &answer)
        .expect("the online PC pushes it");
    let r = a
        .import_bundle_answer(&answer)
        .expect("the offline PC imports the answer");
    assert_eq!(
        (r.applied, r.refused, r.pending),
        (1, 1, 0),
        "one applied, one conflict: {r:?}"
    );
    let c = a.conflicts().expect("conflicts");
    assert_eq!(c.len(), 1, "the conflict is listed as by network sync");
    assert_eq!(c[0].code, "conflict", "with the same code as network sync");
    assert!(c[0].server_value.is_some(), "and the server's value");
    assert_eq!(cell(&a, &lesson, 1), "5", "the applied mark stays");
    assert_eq!(
        cell(&a, &lesson, 0),
        "3",
        "the conflicting mark gives way to the server's value"
    );
    assert_eq!(
        a.status().expect("status").pending_ops,
        0,
        "nothing left pending"
    );

    let again = a
        .import_bundle_answer(&answer)
        .expect("importing twice is harmless");
    assert_eq!(
        (again.applied, again.refused),
        (0, 0),
        "nothing applied twice: {again:?}"
    );
    assert_eq!(
        a.conflicts().expect("conflicts").len(),
        1,
        "no duplicate conflict"
    );

    let r = b.sync().expect("the online PC syncs");
    assert!(r.pulled >= 1, "it pulls the offline PC's mark");
    assert_eq!(
        cell(&b, &lesson, 1),
        "5",
        "the offline PC's mark is on the server"
    );
}

#[test]
fn an_expired_session_mid_sync_keeps_the_edits_pending_until_the_next_sign_in() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc.path(), "teacher", morning());
    let lesson = first_lesson(&a);
    at_lesson(&mut a, &lesson);
    let s0 = student(&a, &lesson, 0);
    a.set_cell(lesson.id, s0, "5").expect("a mark");
    // The token lives a week; the server's clock moves past it.
    server
        .shift_days
        .store(8, std::sync::atomic::Ordering::SeqCst);
    let err = a.sync().expect_err("an expired token cannot sync");
    assert_eq!(
        err.code, "session_expired",
        "the caller is told to sign in again: {err}"
    );
    assert!(
        err.message.contains("войдите снова"),
        "in Russian: {}",
        err.message
    );
    assert_eq!(
        a.status().expect("status").pending_ops,
        1,
        "the edit stays pending"
    );
    drop(a);
    let mut a = sign_in(&server, pc.path(), "teacher", morning());
    let r = a.sync().expect("sync after signing in again");
    assert_eq!(
        (r.applied, r.pending),
        (1, 0),
        "the kept edit is sent: {r:?}"
    );
}

#[test]
fn offline_sign_in_slows_down_after_five_failures() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    drop(sign_in(&server, pc.path(), "teacher", morning()));
    for i in 0..5 {
        let e = Journal::sign_in_offline(pc.path(), "teacher", "не тот").expect_err("wrong");
        assert_eq!(e.code, "wrong_password", "attempt {i} is a plain refusal");
    }
    let e = Journal::sign_in_offline(pc.path(), "teacher", journal_demo::DEMO_PASSWORD)
        .expect_err("even the right password must wait after five failures");
    assert_eq!(
        e.code, "sign_in_throttled",
        "the sixth attempt is slowed down: {e}"
    );
    assert!(
        e.message.contains("повторите через"),
        "and says when: {}",
        e.message
    );
}

#[test]
fn a_password_change_online_re_encrypts_the_local_copy() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, pc.path(), "teacher", morning());
    let short = a.change_password(journal_demo::DEMO_PASSWORD, "корот");
    assert_eq!(
        short.expect_err("the server refuses a short password").code,
        "password_too_short",
        "the server's refusal crosses and nothing changes locally"
    );
    a.change_password(journal_demo::DEMO_PASSWORD, "новый-пароль-2027")
        .expect("the password changes");
    drop(a);
    let old = Journal::sign_in_offline(pc.path(), "teacher", journal_demo::DEMO_PASSWORD);
    assert_eq!(
        old.expect_err("the old password no longer opens the copy")
            .code,
        "wrong_password",
        "the copy was re-encrypted"
    );
    Journal::sign_in_offline(pc.path(), "teacher", "новый-пароль-2027")
        .expect("the new password opens the copy offline");
}

/// A server of a newer protocol: it answers every request as the journal server answers an older
/// client.
fn newer_server() -> (String, tokio::sync::oneshot::Sender<()>) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let app = axum::Router::new().fallback(|| async {
                (
                    axum::http::StatusCode::UPGRADE_REQUIRED,
                    axum::Json(serde_json::json!({
                        "code": "protocol_outdated",
                        "message": "Обновите приложение: его версия протокола 1 устарела, сервер работает с версией 2",
                    })),
                )
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a free port");
            addr_tx
                .send(listener.local_addr().expect("an address"))
                .expect("the test waits");
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await;
        });
    });
    let addr = addr_rx.recv().expect("the fake server reports its address");
    (format!("http://{addr}"), stop_tx)
}

#[test]
fn an_older_protocol_is_told_to_update_and_leaves_nothing_behind() {
    let (url, stop) = newer_server();
    let pc = tempfile::tempdir().expect("temp dir");
    let err = Journal::sign_in_online_with(
        pc.path(),
        &url,
        "teacher",
        journal_demo::DEMO_PASSWORD,
        crate::server::TEST_KDF,
    )
    .expect_err("a newer server refuses this app");
    assert_eq!(err.code, "protocol_outdated", "the refusal is named: {err}");
    assert!(
        err.message.starts_with("Обновите приложение"),
        "and tells the user what to do: {}",
        err.message
    );
    assert!(
        Journal::local_users(pc.path()).expect("lists").is_empty(),
        "a refused first sign-in leaves no local copy"
    );
    let _ = stop.send(());
}

#[test]
fn two_teachers_on_one_pc_keep_separate_encrypted_copies() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    drop(sign_in(&server, pc.path(), "teacher", morning()));
    drop(sign_in(&server, pc.path(), "teacher2", morning()));
    assert_eq!(
        Journal::local_users(pc.path()).expect("lists"),
        vec!["teacher".to_string(), "teacher2".to_string()],
        "the sign-in screen lists both teachers"
    );
    let t2 = Journal::sign_in_offline(pc.path(), "teacher2", journal_demo::DEMO_PASSWORD)
        .expect("teacher2 opens their own copy");
    assert_eq!(t2.user().login, "teacher2", "their own user");
    let k1 = std::fs::read_to_string(pc.path().join("users/teacher/key.json")).expect("key file");
    let k2 = std::fs::read_to_string(pc.path().join("users/teacher2/key.json")).expect("key file");
    let salt = |k: &str| -> String {
        serde_json::from_str::<serde_json::Value>(k).expect("json")["salt"]
            .as_str()
            .expect("salt")
            .to_string()
    };
    assert_ne!(
        salt(&k1),
        salt(&k2),
        "each copy has its own salt, so the same password gives different keys"
    );
    assert!(
        !k1.contains("token") && !k1.contains("\"key\""),
        "the key file holds no key and no token: {k1}"
    );
}

#[test]
fn a_first_sign_in_killed_before_its_key_file_does_not_lock_the_teacher_out() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    // What a kill between creating the encrypted copy and writing key.json leaves behind: a copy
    // keyed with a salt nobody kept.
    let store_path = journal_api::DataDir::new(pc.path())
        .store_path("teacher")
        .expect("a valid login");
    std::fs::create_dir_all(store_path.parent().expect("the user's folder")).expect("user dir");
    drop(
        journal_store::Store::open(&store_path, Some(&journal_store::StoreKey([7; 32])))
            .expect("an encrypted copy is created"),
    );
    let mut j = sign_in(&server, pc.path(), "teacher", morning());
    assert!(
        !j.today_lessons(today())
            .expect("lessons of the day")
            .is_empty(),
        "the next sign-in starts a fresh copy instead of refusing the right password"
    );
    j.sync().expect("the fresh copy syncs");
    drop(j);
    Journal::sign_in_offline(pc.path(), "teacher", journal_demo::DEMO_PASSWORD)
        .expect("and later opens offline with the same password");
}
