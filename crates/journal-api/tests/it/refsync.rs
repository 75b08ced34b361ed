//! Reference changes reach a teacher's copy by sync, against a real server on 127.0.0.1: the
//! administrator enrols a student, withdraws one and gives a load to another teacher over HTTP; the
//! teacher's next sync sees another reference_version on the pull page and fetches the snapshot once
//! (a sync without a reference change fetches none); a mark still pending while the snapshot is
//! imported survives; a withdrawn student's past marks stay in the old group's journal; a load given
//! away is no longer editable on the old teacher's copy and its marks keep their author.

use crate::proxy::{Fault, Gate, Proxy};
use crate::server::{during, first_lesson, sign_in, today, TestServer, TEST_KDF};
use crate::server_view::ServerView;
use journal_api::{Clock, FixedClock, Journal};
use journal_core::StudentId;
use journal_protocol::PROTOCOL_VERSION;
use journal_server::dto::{LoginResponse, PROTOCOL_HEADER};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The administrator's HTTP session (reference changes go through the server's admin API).
struct Admin {
    url: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl Admin {
    fn login(server_url: &str) -> Admin {
        let http = reqwest::blocking::Client::new();
        let resp = http
            .post(format!("{server_url}/api/v1/auth/login"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .json(&json!({
                "login": "admin",
                "password": journal_demo::DEMO_PASSWORD,
                "device_id": uuid::Uuid::new_v4(),
            }))
            .send()
            .expect("the administrator's login reaches the server");
        assert_eq!(resp.status(), 200, "the administrator signs in");
        let body: LoginResponse = resp.json().expect("a login reply");
        Admin {
            url: server_url.to_string(),
            token: body.token,
            http,
        }
    }

    /// POSTs `body` to `/api/v1{path}`: the status and the JSON answer (Null for 204).
    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}/api/v1{path}", self.url))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .expect("the admin request reaches the server");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }
}

fn morning() -> chrono::NaiveDateTime {
    today().and_hms_opt(7, 0, 0).expect("valid time")
}

fn students_of(j: &Journal, lesson: journal_core::LessonId) -> Vec<(StudentId, String, String)> {
    j.lesson(lesson)
        .expect("the lesson opens")
        .students
        .into_iter()
        .map(|r| (r.student_id, r.full_name, r.cell.symbol))
        .collect()
}

#[test]
fn an_enrolment_reaches_the_teacher_by_one_snapshot_and_a_pending_mark_survives_it() {
    let server = TestServer::start();
    let proxy = Proxy::start(&server.url);
    let pc = tempfile::tempdir().expect("temp dir");
    let mut t = Journal::sign_in_online_with(
        pc.path(),
        &proxy.url,
        "teacher",
        journal_demo::DEMO_PASSWORD,
        TEST_KDF,
    )
    .expect("the teacher signs in through the proxy")
    .with_clock(Arc::new(FixedClock::new(morning())) as Arc<dyn Clock>);
    let lesson = first_lesson(&t);
    t.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let snapshots = || proxy.seen("/sync/snapshot").len();
    assert_eq!(snapshots(), 1, "the first sign-in loads the snapshot");

    // No reference change: a sync pulls and fetches no snapshot.
    t.sync().expect("a sync without changes");
    t.sync().expect("another one");
    assert!(
        proxy.seen("/sync/pull").len() >= 2,
        "each sync pulled through the proxy"
    );
    assert_eq!(
        snapshots(),
        1,
        "a sync with no reference change costs no snapshot request"
    );

    // The administrator enrols a student into the lesson's group from today.
    let group_id = t
        .loads()
        .expect("the teacher's loads")
        .into_iter()
        .find(|l| l.id == lesson.load_id)
        .expect("the lesson's load is the teacher's")
        .group_id;
    let admin = Admin::login(&server.url);
    let (status, body) = admin.post(
        "/admin/students",
        &json!({"last_name": "Октябрьская", "first_name": "Вера", "group_id": group_id,
            "from": today()}),
    );
    assert_eq!(status, 201, "the administrator enrols: {body}");
    let before = students_of(&t, lesson.id);
    assert!(
        !before
            .iter()
            .any(|(_, name, _)| name.contains("Октябрьская")),
        "before the sync the copy does not know her"
    );
    let marked = before[0].0;

    // The teacher syncs; the snapshot request waits at the proxy while a mark is made on this PC
    // (the copy opened a second time, as another window would): that mark is pending while the
    // snapshot is imported.
    let gate = Gate::new();
    let (arrived_tx, arrived_rx) = std::sync::mpsc::channel();
    let held = gate.clone();
    proxy.set_rule(move |head| {
        if head.is("/sync/snapshot") {
            let _ = arrived_tx.send(());
            Fault::Hold(held.clone())
        } else {
            Fault::Pass
        }
    });
    let syncing = std::thread::spawn(move || {
        let r = t.sync();
        (t, r)
    });
    arrived_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the sync asks for the snapshot after the pull named a new reference_version");
    {
        let mut window =
            Journal::sign_in_offline(pc.path(), "teacher", journal_demo::DEMO_PASSWORD)
                .expect("the copy opens a second time")
                .with_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
        window
            .set_cell(lesson.id, marked, "4")
            .expect("the mark is written while the sync waits");
    }
    gate.open();
    let (mut t, r) = syncing.join().expect("the sync thread ends");
    let r = r.expect("the sync with the refresh completes");
    proxy.heal();
    assert_eq!(
        snapshots(),
        2,
        "one snapshot request for the reference change"
    );
    assert_eq!(
        r.pending, 1,
        "the mark made during the sync is still pending after it: {r:?}"
    );
    let after = students_of(&t, lesson.id);
    assert!(
        after
            .iter()
            .any(|(_, name, _)| name.contains("Октябрьская Вера")),
        "the enrolled student is in the lesson's list after the sync: {after:?}"
    );
    assert_eq!(
        after
            .iter()
            .find(|(id, _, _)| *id == marked)
            .map(|s| s.2.as_str()),
        Some("4"),
        "the pending mark survived the snapshot import"
    );

    // The next sync pushes the mark and, with no new reference change, fetches no snapshot.
    let r = t.sync().expect("the next sync");
    assert_eq!((r.applied, r.pending), (1, 0), "the mark is taken: {r:?}");
    assert_eq!(snapshots(), 2, "no reference change, no snapshot request");
    let view = ServerView::login(&server.url, "teacher");
    let snap = view.snapshot();
    assert!(
        snap.cells
            .iter()
            .any(|c| c.lesson_id == lesson.id && c.student_id == marked && c.value.symbol() == "4"),
        "the server has the mark"
    );
}

#[test]
fn a_withdrawal_and_a_reassigned_load_reach_the_old_teachers_copy() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let mut t = sign_in(&server, pc.path(), "teacher", morning());
    let lesson = first_lesson(&t);
    t.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let first = students_of(&t, lesson.id)[0].0;
    t.set_cell(lesson.id, first, "5")
        .expect("the teacher marks");
    let r = t.sync().expect("the mark is synced");
    assert_eq!(r.applied, 1, "the mark is taken: {r:?}");
    let admin = Admin::login(&server.url);

    // A student with a past mark in this load leaves the group yesterday (the first the server
    // accepts: a student with entries after that day in any load is refused and stays).
    let grid = t.grid(lesson.load_id, None).expect("the grid");
    let yesterday = today() - chrono::Duration::days(1);
    let past: Vec<usize> = grid
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.date <= yesterday)
        .map(|(i, _)| i)
        .collect();
    let mut withdrawn = None;
    for row in grid.rows.iter().filter(|r| r.student_id != first) {
        let Some(col) = past.iter().copied().find(|&i| row.cells[i].is_some()) else {
            continue;
        };
        let (status, _) = admin.post(
            &format!("/admin/students/{}/withdraw", row.student_id),
            &json!({"last_day": yesterday}),
        );
        if status == 204 {
            withdrawn = Some((row.student_id, col, row.cells[col].clone()));
            break;
        }
    }
    let (student, col, mark) = withdrawn.expect("a student with past marks is withdrawn");
    t.sync().expect("the teacher syncs after the withdrawal");
    assert!(
        !students_of(&t, lesson.id).iter().any(|s| s.0 == student),
        "the withdrawn student is not in today's lesson"
    );
    let grid = t.grid(lesson.load_id, None).expect("the grid");
    let row =
        grid.rows.iter().find(|r| r.student_id == student).expect(
            "the old group's journal keeps the withdrawn student for the days they were in it",
        );
    assert_eq!(row.cells[col], mark, "their past mark stays where it was");

    // The load goes to teacher2.
    let teacher2 = ServerView::login(&server.url, "teacher2");
    let teacher2_id = teacher2
        .snapshot()
        .users
        .iter()
        .find(|u| u.login == "teacher2")
        .map(|u| u.id)
        .expect("teacher2 is a user");
    let (status, body) = admin.post(
        &format!("/admin/loads/{}/teacher", lesson.load_id),
        &json!({"teacher_id": teacher2_id}),
    );
    assert_eq!(status, 204, "the load is reassigned: {body}");
    let other = students_of(&t, lesson.id)
        .into_iter()
        .find(|(id, _, symbol)| *id != first && symbol.is_empty())
        .expect("another student without a mark today")
        .0;
    assert!(
        t.set_cell(lesson.id, other, "4").is_ok(),
        "before the sync the old copy still offers the load"
    );
    let r = t.sync().expect("the old teacher syncs");
    assert_eq!(
        r.refused, 1,
        "the server refused the edit made before the copy knew: {r:?}"
    );
    assert!(
        !t.loads()
            .expect("loads")
            .iter()
            .any(|l| l.id == lesson.load_id && l.own),
        "the load is no longer the old teacher's"
    );
    let err = t
        .set_cell(lesson.id, first, "3")
        .expect_err("the old teacher can no longer edit the load's lesson");
    assert!(!err.code.is_empty(), "a typed refusal: {err}");
    let teacher_id = ServerView::login(&server.url, "teacher")
        .snapshot()
        .users
        .iter()
        .find(|u| u.login == "teacher")
        .map(|u| u.id)
        .expect("the teacher is a user");
    let cell = teacher2
        .snapshot()
        .cells
        .into_iter()
        .find(|c| c.lesson_id == lesson.id && c.student_id == first)
        .expect("the new teacher's copy holds the old teacher's mark");
    assert_eq!(
        (cell.value.symbol(), cell.author_id),
        ("5".to_string(), teacher_id),
        "the past entry keeps its author"
    );
}

/// An offline PC synced only through exchange files still gets the administrator's reference
/// changes: the answer carries the snapshot when the server's reference_version differs from the
/// one the bundle says the copy holds, and its mark made offline is applied alongside.
#[test]
fn a_bundle_answer_brings_reference_changes_to_the_offline_copy() {
    let server = TestServer::start();
    let offline_pc = tempfile::tempdir().expect("temp dir");
    let online_pc = tempfile::tempdir().expect("temp dir");
    let mut a = sign_in(&server, offline_pc.path(), "teacher", morning());
    let mut b = sign_in(&server, online_pc.path(), "teacher", morning());
    a.set_server_url(crate::server::UNREACHABLE);
    let lesson = first_lesson(&a);
    a.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    b.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let group_id = a
        .loads()
        .expect("the teacher's loads")
        .into_iter()
        .find(|l| l.id == lesson.load_id)
        .expect("the lesson's load is the teacher's")
        .group_id;
    let admin = Admin::login(&server.url);
    let (status, body) = admin.post(
        "/admin/students",
        &json!({"last_name": "Ноябрьская", "first_name": "Лидия", "group_id": group_id,
            "from": today()}),
    );
    assert_eq!(status, 201, "the administrator enrols: {body}");
    let first = students_of(&a, lesson.id)[0].0;
    a.set_cell(lesson.id, first, "5").expect("a mark offline");

    let bundle = offline_pc.path().join("bundle.json");
    a.export_bundle(&bundle).expect("export");
    let answer = online_pc.path().join("answer.json");
    b.push_bundle(&bundle, &answer)
        .expect("the online PC pushes it");
    let r = a
        .import_bundle_answer(&answer)
        .expect("the offline PC imports the answer");
    assert_eq!((r.applied, r.refused), (1, 0), "the mark is applied: {r:?}");
    let after = students_of(&a, lesson.id);
    assert!(
        after
            .iter()
            .any(|(_, name, _)| name.contains("Ноябрьская Лидия")),
        "the student enrolled while the PC was offline is in its list after the answer: {after:?}"
    );
    assert!(
        after
            .iter()
            .any(|(id, _, symbol)| *id == first && symbol == "5"),
        "the offline mark stays: {after:?}"
    );
}

/// Внеурочная деятельность «без отметок» reaches the teacher's copy by sync like any subject, and
/// the teacher closes its period there without finals, which it cannot have — the app and the
/// server apply the same journal-core rule (`finals_required`), so the lock is applied.
#[test]
fn an_extracurricular_load_without_marks_locks_without_finals_on_the_copy_and_the_server() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let mut t = sign_in(&server, pc.path(), "teacher", morning());
    let lesson = first_lesson(&t);
    t.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    let group_id = t
        .loads()
        .expect("the teacher's loads")
        .into_iter()
        .find(|l| l.id == lesson.load_id)
        .expect("the lesson's load is the teacher's")
        .group_id;
    let admin = Admin::login(&server.url);
    let (status, subject) = admin.post(
        "/admin/subjects",
        &json!({"name": "Шахматный клуб", "short_name": "Шахматы", "kind": "extracurricular",
            "grading": "ungraded"}),
    );
    assert_eq!(status, 201, "the subject is created: {subject}");
    let teacher_id = t.user().id;
    let (status, load) = admin.post(
        "/admin/loads",
        &json!({"teacher_id": teacher_id, "group_id": group_id, "subject_id": subject["id"],
            "from": today(), "planned_hours": 34}),
    );
    assert_eq!(status, 201, "a load of it is created: {load}");
    let load_id: journal_core::LoadId =
        serde_json::from_value(load["id"].clone()).expect("the load's id");

    t.sync().expect("the sync brings the new load");
    let grid = t.grid(load_id, None).expect("the new load's grid opens");
    assert!(
        !grid.rows.is_empty(),
        "the group's students are on its list"
    );
    assert!(
        grid.finals_deadline.done,
        "no finals are due for it: {:?}",
        grid.finals_deadline
    );
    t.lock_period(load_id, grid.period.id)
        .expect("a period «без отметок» locks without finals");
    let report = t.sync().expect("the lock is sent");
    assert_eq!(
        (report.applied, report.refused),
        (1, 0),
        "the server applies the lock: {report:?}"
    );
}
