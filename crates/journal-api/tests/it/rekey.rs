//! A copy whose password the administrator reset: before any online sign-in the new password is
//! refused offline with a message saying what to do; the online sign-in with it opens the same copy
//! (through the device secret the server hands that user on that device), re-keys it under the new
//! password and keeps its unsent edit, which then reaches the server; the old password no longer
//! opens it.

use crate::server::{during, first_lesson, sign_in, today, TestServer, TEST_KDF, UNREACHABLE};
use journal_api::{Clock, FixedClock, Journal};
use journal_protocol::PROTOCOL_VERSION;
use journal_server::dto::{LoginResponse, PROTOCOL_HEADER};
use serde_json::json;
use std::sync::Arc;

const RESET: &str = "пароль-от-администратора";
const CHOSEN: &str = "мой-новый-пароль-2027";

/// The administrator resets `user`'s password to [`RESET`] over the server's API.
fn admin_resets(server: &TestServer, user: journal_core::UserId) {
    let http = reqwest::blocking::Client::new();
    let resp = http
        .post(format!("{}/api/v1/auth/login", server.url))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .json(
            &json!({"login": "admin", "password": journal_demo::DEMO_PASSWORD,
                      "device_id": uuid::Uuid::new_v4()}),
        )
        .send()
        .expect("the administrator's login reaches the server");
    let admin: LoginResponse = resp.json().expect("a login reply");
    let resp = http
        .post(format!("{}/api/v1/admin/users/{user}/password", server.url))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .bearer_auth(&admin.token)
        .json(&json!({ "new_password": RESET }))
        .send()
        .expect("the reset reaches the server");
    assert_eq!(resp.status(), 200, "the administrator resets the password");
}

fn offline(pc: &std::path::Path, password: &str) -> Result<Journal, journal_api::ApiError> {
    Journal::sign_in_offline(pc, "teacher", password)
}

#[test]
fn a_reset_password_opens_the_same_copy_online_and_keeps_its_unsent_edit() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let morning = today().and_hms_opt(7, 0, 0).expect("valid time");
    let mut j = sign_in(&server, pc.path(), "teacher", morning);
    let lesson = first_lesson(&j);
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(during(&lesson)));
    j.set_clock(clock.clone());
    let me = j.user().id;
    let student = j.lesson(lesson.id).expect("the lesson opens").students[0].student_id;
    j.set_server_url(UNREACHABLE);
    j.set_cell(lesson.id, student, "5").expect("a mark offline");
    let store_path = j.status().expect("status").store_path;
    drop(j);

    admin_resets(&server, me);

    let err = offline(pc.path(), RESET).expect_err("offline, the new password is not the copy's");
    assert_eq!(err.code, "wrong_password", "{err}");
    assert!(
        err.message.contains("сбросил") && err.message.contains("подключении к серверу"),
        "the message says to sign in online with the new password: {err}"
    );

    let j = Journal::sign_in_online_with(pc.path(), &server.url, "teacher", RESET, TEST_KDF)
        .unwrap_or_else(|e| panic!("the reset password opens the copy online: {e}"));
    let mut j = j.with_clock(clock.clone());
    let status = j.status().expect("status");
    assert_eq!(
        status.store_path, store_path,
        "the same copy, not a new one"
    );
    assert_eq!(status.pending_ops, 1, "its unsent mark is kept");
    assert!(j.rescue_report().is_none(), "nothing was damaged");

    // The reset forces a change of the password before anything else on the server.
    j.change_password(RESET, CHOSEN)
        .expect("the teacher chooses a password");
    let report = j.sync().expect("the sync goes through");
    assert_eq!(
        report.applied, 1,
        "the kept mark reaches the server: {report:?}"
    );
    drop(j);

    for old in [journal_demo::DEMO_PASSWORD, RESET] {
        let err = offline(pc.path(), old).expect_err("an old password");
        assert_eq!(
            err.code, "wrong_password",
            "{old}: the copy no longer opens with it: {err}"
        );
    }
    let j = offline(pc.path(), CHOSEN).expect("the chosen password opens the copy offline");
    assert_eq!(
        j.status().expect("status").pending_ops,
        0,
        "the mark was sent"
    );
}

#[test]
fn a_password_the_server_refuses_too_is_a_wrong_password() {
    let server = TestServer::start();
    let pc = tempfile::tempdir().expect("temp dir");
    let morning = today().and_hms_opt(7, 0, 0).expect("valid time");
    drop(sign_in(&server, pc.path(), "teacher", morning));
    let err = Journal::sign_in_online_with(pc.path(), &server.url, "teacher", "не-тот", TEST_KDF)
        .expect_err("a wrong password");
    assert_eq!(err.code, "wrong_password", "{err}");
    let j = offline(pc.path(), journal_demo::DEMO_PASSWORD).expect("the copy still opens");
    assert_eq!(j.status().expect("status").pending_ops, 0, "unchanged");
}
