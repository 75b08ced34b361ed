//! A damaged copy rescued at the next online sign-in, on real copies and a real server: the copy's
//! header, a page in the middle, its outbox's pages, or its end is damaged after unsent edits were
//! made offline. Offline the copy is said to be damaged (not a wrong password) and left as it is;
//! online it is set aside byte for byte, a fresh copy comes from the server, every unsent edit that
//! can still be read reaches the server with the next sync, and the others are listed.

use crate::server::{during, first_lesson, today, TestServer, TEST_KDF, UNREACHABLE};
use chrono::NaiveTime;
use journal_api::{Clock, FixedClock, Journal};
use journal_protocol::Op;
use journal_store::StoreKey;
use std::collections::BTreeSet;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const PAGE: u64 = 4096;

struct Copy {
    server: TestServer,
    pc: tempfile::TempDir,
    path: PathBuf,
    key: StoreKey,
    /// The unsent ops as the intact copy held them.
    unsent: Vec<Op>,
    clock: Arc<dyn Clock>,
}

/// The store key of the teacher's copy, from its key file (salt and cost, never the key).
fn key_of(pc: &Path) -> StoreKey {
    let text = std::fs::read_to_string(pc.join("users/teacher/key.json")).expect("key file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("key file is JSON");
    let kdf = serde_json::from_value(v["kdf"].clone()).expect("kdf");
    journal_api::sync::derive_key(
        journal_demo::DEMO_PASSWORD,
        v["salt"].as_str().expect("salt"),
        kdf,
    )
    .expect("derives")
}

/// A teacher's copy: two marks sent, then, offline, marks for every student of the first lesson
/// and twenty long homework versions (enough unsent ops for several outbox pages). Closed.
fn copy_with_unsent_edits() -> Copy {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let morning = today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"));
    let mut j = crate::server::sign_in(&server, pc.path(), "teacher", morning);
    let lesson = first_lesson(&j);
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(during(&lesson)));
    j.set_clock(clock.clone());
    let students: Vec<_> = j
        .lesson(lesson.id)
        .expect("the lesson opens")
        .students
        .iter()
        .map(|s| s.student_id)
        .collect();
    j.set_cell(lesson.id, students[0], "5").expect("a mark");
    j.set_cell(lesson.id, students[1], "4").expect("a mark");
    j.sync().expect("the first two marks are sent");
    j.set_server_url(UNREACHABLE);
    for (i, s) in students.iter().enumerate() {
        j.set_cell(lesson.id, *s, ["5", "4", "3"][i % 3])
            .expect("a mark offline");
    }
    for v in 0..20 {
        j.set_homework(
            lesson.id,
            &format!("Вариант {v}: {}", "упражнения ".repeat(60)),
        )
        .expect("homework offline");
    }
    let path = PathBuf::from(j.status().expect("status").store_path);
    drop(j);
    let key = key_of(pc.path());
    let unsent = journal_store::salvage(&path, &key)
        .expect("the intact copy reads")
        .unsent();
    assert_eq!(
        unsent.len(),
        students.len() + 20,
        "every offline edit is unsent in the intact copy"
    );
    Copy {
        server,
        pc,
        path,
        key,
        unsent,
        clock,
    }
}

fn overwrite(path: &Path, at: u64, len: usize) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("the copy's file opens for writing");
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.write_all(&vec![0xA5; len])
        .expect("the damage is written");
}

/// The pages whose damage alone loses some unsent op (the outbox's leaves), found by damaging a
/// scratch copy of the file page by page.
fn outbox_leaves(c: &Copy) -> Vec<u64> {
    let len = std::fs::metadata(&c.path).expect("exists").len();
    let scratch = c.pc.path().join("scratch.db");
    let mut pages = Vec::new();
    for page in 1..len / PAGE {
        std::fs::copy(&c.path, &scratch).expect("copies");
        overwrite(&scratch, page * PAGE + 100, 32);
        let found = journal_store::salvage(&scratch, &c.key).expect("reads");
        if found.unsent().len() < c.unsent.len() {
            pages.push(page);
        }
    }
    std::fs::remove_file(&scratch).expect("removes the scratch copy");
    pages
}

/// The op ids the server holds as applied.
fn applied_on_server(server: &TestServer) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(&server.db).expect("the server database opens");
    let mut st = conn
        .prepare("SELECT op_id FROM ops WHERE outcome LIKE '%applied%'")
        .expect("query");
    st.query_map([], |r| r.get::<_, String>(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("op ids")
}

/// The damaged copy is refused offline, rescued online, and its readable unsent edits reach the
/// server. Returns the rescue report.
fn rescue_and_check(c: &Copy, case: &str) -> journal_api::RescueReport {
    let damaged = std::fs::read(&c.path).expect("the damaged file reads");
    let err = Journal::sign_in_offline(c.pc.path(), "teacher", journal_demo::DEMO_PASSWORD)
        .expect_err("a damaged copy does not open");
    assert_eq!(
        err.code, "store_damaged",
        "{case}: offline, the copy is said to be damaged, not a wrong password: {err}"
    );
    assert!(
        err.message.contains("с подключением к серверу"),
        "{case}: the message says what to do: {err}"
    );
    assert_eq!(
        std::fs::read(&c.path).expect("still there"),
        damaged,
        "{case}: offline, the damaged file is left as it is"
    );
    let j = Journal::sign_in_online_with(
        c.pc.path(),
        &c.server.url,
        "teacher",
        journal_demo::DEMO_PASSWORD,
        TEST_KDF,
    )
    .unwrap_or_else(|e| panic!("{case}: the online sign-in rescues the copy: {e}"));
    let mut j = j.with_clock(c.clock.clone());
    let report = j
        .rescue_report()
        .cloned()
        .unwrap_or_else(|| panic!("{case}: the sign-in says what it did"));
    let kept = c.path.with_file_name(&report.kept_as);
    assert_eq!(
        std::fs::read(&kept).expect("the damaged copy is kept aside"),
        damaged,
        "{case}: the damaged file is kept byte for byte as {}",
        report.kept_as
    );
    assert!(
        j.status_checked().expect("status").copy_intact == Some(true),
        "{case}: the new copy is whole"
    );
    assert_eq!(
        j.status().expect("status").pending_ops,
        report.queued,
        "{case}: the rescued edits the old chain could not carry wait in the new copy's outbox"
    );
    assert!(
        report.refused.is_empty(),
        "{case}: none refused: {report:?}"
    );
    let sync = j.sync().expect("the rescued edits are sent");
    assert_eq!(
        sync.refused, 0,
        "{case}: no rescued edit is refused: {sync:?}"
    );
    assert_eq!(sync.pending, 0, "{case}: nothing stays unsent: {sync:?}");
    let on_server = applied_on_server(&c.server);
    let lost: BTreeSet<u64> = report.lost.iter().map(|l| l.device_seq).collect();
    let mut reached = 0;
    for op in &c.unsent {
        let there = on_server.contains(&op.op_id.to_string());
        if there {
            reached += 1;
        }
        assert!(
            !(there && lost.contains(&op.device_seq)),
            "{case}: op №{} is on the server, yet listed as lost",
            op.device_seq
        );
    }
    assert_eq!(
        reached, report.rescued,
        "{case}: every rescued edit reached the server under its own op id"
    );
    report
}

#[test]
fn a_damaged_header_loses_no_unsent_edit() {
    let c = copy_with_unsent_edits();
    overwrite(&c.path, 16, 200);
    let r = rescue_and_check(&c, "header");
    let (rescued, lost) = (r.rescued, r.lost.len());
    assert_eq!(
        rescued as usize,
        c.unsent.len(),
        "the header holds no op: all are rescued"
    );
    assert_eq!(lost, 0, "nothing lost");
}

#[test]
fn a_damaged_page_in_the_middle_loses_at_most_its_own_edits() {
    let c = copy_with_unsent_edits();
    let len = std::fs::metadata(&c.path).expect("exists").len();
    overwrite(&c.path, (len / PAGE / 2) * PAGE + 100, 64);
    let r = rescue_and_check(&c, "middle");
    let (rescued, lost) = (r.rescued, r.lost.len());
    assert_eq!(
        rescued as usize + lost,
        c.unsent.len(),
        "each unsent edit is either rescued or listed"
    );
}

#[test]
fn damaged_outbox_pages_lose_only_their_edits_and_list_them() {
    let c = copy_with_unsent_edits();
    let leaves = outbox_leaves(&c);
    // A leaf whose rows also stand in a page SQLite freed when the tree split is no loss: only
    // the pages holding an op's last copy are found here.
    assert!(
        !leaves.is_empty(),
        "some page holds the only copy of unsent edits"
    );
    // The outbox's root too: SQLite then reads no row of it; the leaves are read one by one.
    let root = {
        let conn = rusqlite::Connection::open(c.pc.path().join("users/teacher/journal.db"))
            .expect("opens");
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(c.key.0)))
            .expect("keyed");
        let root: i64 = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'outbox'",
                [],
                |r| r.get(0),
            )
            .expect("the outbox's root page");
        root as u64 - 1
    };
    overwrite(&c.path, root * PAGE + 100, 64);
    for leaf in &leaves {
        overwrite(&c.path, leaf * PAGE + 100, 64);
    }
    let r = rescue_and_check(&c, "outbox");
    let (rescued, lost) = (r.rescued, r.lost.len());
    let last_lost = r.lost.iter().map(|l| l.device_seq).max().unwrap_or(0);
    let last = c.unsent.iter().map(|o| o.device_seq).max().unwrap_or(0);
    if last_lost < last {
        assert!(
            r.queued > 0,
            "the edits after a lost one go through the new copy's outbox: {r:?}"
        );
    }
    assert!(lost > 0, "the edits of the damaged leaf are listed as lost");
    assert!(
        c.pc.path()
            .join("users/teacher")
            .read_dir()
            .expect("the folder")
            .count()
            >= 3,
        "the damaged copy and its key file are kept beside the new one"
    );
    assert!(rescued > 0, "the edits of the other leaves are rescued");
    assert_eq!(
        rescued as usize + lost,
        c.unsent.len(),
        "each unsent edit is either rescued or listed"
    );
}

#[test]
fn a_truncated_copy_gives_what_it_still_holds() {
    let c = copy_with_unsent_edits();
    let len = std::fs::metadata(&c.path).expect("exists").len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&c.path)
        .expect("opens");
    f.set_len(len - 3 * PAGE - 1000).expect("truncated");
    drop(f);
    let r = rescue_and_check(&c, "truncated");
    let (rescued, lost) = (r.rescued, r.lost.len());
    assert!(
        rescued as usize + lost <= c.unsent.len(),
        "no edit is counted twice"
    );
}

#[test]
fn a_failed_rescue_puts_the_damaged_copy_back() {
    let c = copy_with_unsent_edits();
    overwrite(&c.path, 16, 200);
    let damaged = std::fs::read(&c.path).expect("reads");
    let err = Journal::sign_in_online_with(
        c.pc.path(),
        UNREACHABLE,
        "teacher",
        journal_demo::DEMO_PASSWORD,
        TEST_KDF,
    )
    .expect_err("no server: no fresh copy");
    assert_eq!(err.code, "server_unreachable", "{err}");
    assert_eq!(
        std::fs::read(&c.path).expect("the copy is back in its place"),
        damaged,
        "the damaged copy is where it was, unchanged"
    );
    let users = c.pc.path().join("users/teacher");
    let names: Vec<String> = std::fs::read_dir(&users)
        .expect("the user folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("damaged")),
        "nothing is left aside: {names:?}"
    );
    assert!(
        names.iter().any(|n| n == "key.json"),
        "its key file is back: {names:?}"
    );
}

#[test]
fn an_older_key_file_without_a_check_value_still_tells_damage_from_a_wrong_password() {
    let c = copy_with_unsent_edits();
    let key_path = c.pc.path().join("users/teacher/key.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key_path).expect("key file")).expect("JSON");
    v.as_object_mut().expect("an object").remove("key_check");
    std::fs::write(&key_path, v.to_string()).expect("an older key file");
    overwrite(&c.path, 16, 200);
    let err = Journal::sign_in_offline(c.pc.path(), "teacher", "не-тот-пароль")
        .expect_err("a wrong password");
    assert_eq!(err.code, "wrong_password", "still a wrong password: {err}");
    let r = rescue_and_check(&c, "older key file");
    let (rescued, lost) = (r.rescued, r.lost.len());
    assert_eq!(rescued as usize, c.unsent.len(), "all rescued");
    assert_eq!(lost, 0, "nothing lost");
}

#[test]
fn an_unsent_edit_the_server_already_has_is_not_applied_twice() {
    let c = copy_with_unsent_edits();
    // The first unsent op reached the server, but its answer never reached the copy (the link
    // broke): the damaged copy still holds it as unsent.
    let http = reqwest::blocking::Client::new();
    let login: journal_server::dto::LoginResponse = http
        .post(format!("{}/api/v1/auth/login", c.server.url))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .json(
            &serde_json::json!({"login": "teacher", "password": journal_demo::DEMO_PASSWORD,
                                  "device_id": uuid::Uuid::new_v4()}),
        )
        .send()
        .expect("the login reaches the server")
        .json()
        .expect("a login reply");
    let resp = http
        .post(format!("{}/api/v1/sync/push", c.server.url))
        .header(
            journal_server::dto::PROTOCOL_HEADER,
            journal_protocol::PROTOCOL_VERSION.to_string(),
        )
        .bearer_auth(&login.token)
        .json(&journal_protocol::PushRequest {
            ops: vec![c.unsent[0].clone()],
        })
        .send()
        .expect("the push reaches the server");
    assert_eq!(resp.status(), 200, "the op is pushed");
    assert!(
        applied_on_server(&c.server).contains(&c.unsent[0].op_id.to_string()),
        "the server applied it"
    );
    let changes_before = c.server.changes_count();
    overwrite(&c.path, 16, 200);
    let mut j = Journal::sign_in_online_with(
        c.pc.path(),
        &c.server.url,
        "teacher",
        journal_demo::DEMO_PASSWORD,
        TEST_KDF,
    )
    .expect("the copy is rescued")
    .with_clock(c.clock.clone());
    let report = j.rescue_report().cloned().expect("a rescue");
    assert_eq!(
        report.rescued as usize,
        c.unsent.len(),
        "the copy did not know it was sent: all its unsent ops are rescued"
    );
    assert_eq!(
        report.queued, 0,
        "the old chain carried them all: {report:?}"
    );
    let sync = j.sync().expect("the sync goes through");
    assert_eq!(sync.refused, 0, "nothing refused: {sync:?}");
    assert_eq!(sync.pending, 0, "nothing left: {sync:?}");
    assert_eq!(
        c.server.changes_count() - changes_before,
        c.unsent.len() as i64 - 1,
        "every other edit is applied once, that one not again"
    );
}
