//! A damaged local copy is told as damaged: a damaged beginning of the file opened with the right
//! password is `store_damaged` (not «wrong password», and no throttling that would hide it); damage
//! in the middle shows in the status instead of «цел»; an emptied file is refused, never replaced by
//! a fresh copy.

use crate::server::{during, first_lesson, sign_in, today, TestServer, UNREACHABLE};
use chrono::NaiveTime;
use journal_api::{Clock, FixedClock, Journal};
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// A teacher's copy holding one unsent mark, closed; returns the server, the PC and the file.
fn closed_copy_with_an_unsent_mark() -> (TestServer, tempfile::TempDir, PathBuf) {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let morning = today().and_time(NaiveTime::from_hms_opt(7, 0, 0).expect("valid time"));
    let mut j = sign_in(&server, pc.path(), "teacher", morning);
    let lesson = first_lesson(&j);
    j.set_clock(Arc::new(FixedClock::new(during(&lesson))) as Arc<dyn Clock>);
    j.set_server_url(UNREACHABLE);
    let student = j.lesson(lesson.id).expect("the lesson opens").students[0].student_id;
    j.set_cell(lesson.id, student, "5").expect("a mark offline");
    let path = PathBuf::from(j.status().expect("status").store_path);
    drop(j);
    (server, pc, path)
}

fn overwrite(path: &PathBuf, at: u64, len: usize) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("the copy's file opens for writing");
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.write_all(&vec![0xA5; len])
        .expect("the damage is written");
}

fn offline(pc: &tempfile::TempDir, password: &str) -> Result<Journal, journal_api::ApiError> {
    Journal::sign_in_offline(pc.path(), "teacher", password)
}

#[test]
fn a_damaged_beginning_with_the_right_password_is_damage_not_a_wrong_password() {
    let (_server, pc, path) = closed_copy_with_an_unsent_mark();
    overwrite(&path, 16, 200);
    for attempt in 0..7 {
        let err =
            offline(&pc, journal_demo::DEMO_PASSWORD).expect_err("a damaged copy does not open");
        assert_eq!(
            err.code, "store_damaged",
            "attempt {attempt}: the right password is told the copy is damaged, never throttled: {err}"
        );
    }
    let err = offline(&pc, "not-the-password").expect_err("a wrong password");
    assert_eq!(
        err.code, "wrong_password",
        "a wrong password is still told as such: {err}"
    );
}

#[test]
fn damage_in_the_middle_shows_in_the_status() {
    let (_server, pc, path) = closed_copy_with_an_unsent_mark();
    let len = std::fs::metadata(&path).expect("the copy exists").len();
    assert!(len > 8 * 4096, "the copy spans many pages: {len} bytes");
    let fine = offline(&pc, journal_demo::DEMO_PASSWORD).expect("the intact copy opens");
    assert_eq!(
        fine.status_checked().expect("status").copy_intact,
        Some(true),
        "an intact copy reads back whole"
    );
    drop(fine);
    overwrite(&path, (len / 4096 / 2) * 4096 + 100, 64);
    match offline(&pc, journal_demo::DEMO_PASSWORD) {
        Ok(j) => {
            let st = j.status_checked().expect("the status still answers");
            assert_eq!(
                st.copy_intact,
                Some(false),
                "the damaged page is found: {st:?}"
            );
        }
        Err(e) => assert_eq!(
            e.code, "store_damaged",
            "or the copy is refused as damaged: {e}"
        ),
    }
}

#[test]
fn an_emptied_copy_is_refused_and_kept_not_replaced() {
    let (_server, pc, path) = closed_copy_with_an_unsent_mark();
    std::fs::File::create(&path).expect("the file is emptied");
    for suffix in ["-wal", "-shm"] {
        let mut side = path.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    let err = offline(&pc, journal_demo::DEMO_PASSWORD).expect_err("an empty file is not a copy");
    assert_eq!(err.code, "store_damaged", "said to be damaged: {err}");
    assert!(
        err.message.contains("пуст"),
        "the message says the file is empty: {err}"
    );
    assert_eq!(
        std::fs::metadata(&path)
            .expect("the file is still there")
            .len(),
        0,
        "no fresh database was made in its place"
    );
}
