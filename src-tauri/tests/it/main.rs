//! The app's commands through Tauri's IPC on the mock runtime (no window, no WebKit): the UI's
//! argument names deserialize, results and refusals cross as the UI expects them.

use chrono::NaiveDate;
use journal_api::FixedClock;
use journal_app::{builder, AppState, Settings};
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

mod session;

mod print;

/// A Thursday of the demo year's first semester, at 13:00.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 8).expect("a valid date")
}

fn app(dir: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let now = today().and_hms_opt(13, 0, 0).expect("a valid time");
    let mut settings = Settings::new(dir);
    settings.clock = Arc::new(FixedClock::new(now));
    let app = builder(tauri::test::mock_builder(), AppState::open_demo(&settings))
        .build(mock_context(noop_assets()))
        .expect("the app builds on the mock runtime");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a mock window opens");
    (app, window)
}

pub(crate) fn invoke(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a valid url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("a JSON reply"))
}

#[test]
fn today_lessons_of_the_demo_teacher_reach_the_ui_and_a_lesson_opens() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, window) = app(dir.path());

    let session = invoke(&window, "session", json!({})).expect("session answers");
    assert_eq!(
        session["today"],
        json!("2026-10-08"),
        "the clock's date is the app's today"
    );

    let lessons = invoke(&window, "today_lessons", json!({"date": "2026-10-08"}))
        .expect("today_lessons answers");
    let lessons = lessons.as_array().expect("a list of lessons");
    assert!(
        !lessons.is_empty(),
        "the demo teacher teaches on a school Thursday"
    );
    for l in lessons {
        assert!(
            l["subject_name"].as_str().is_some_and(|s| !s.is_empty())
                && l["group_name"].as_str().is_some_and(|s| !s.is_empty()),
            "every lesson names its subject and group: {l}"
        );
    }

    let id = lessons[0]["id"].clone();
    let detail = invoke(&window, "lesson", json!({"lessonId": id})).expect("lesson answers");
    assert!(
        detail["students"].as_array().is_some_and(|s| !s.is_empty()),
        "the lesson carries its roster"
    );

    let status = invoke(&window, "status", json!({})).expect("status answers");
    assert_eq!(
        status["pending_ops"],
        json!(0),
        "a fresh demo copy has nothing to send"
    );
}

#[test]
fn a_refused_cell_crosses_as_code_and_message_and_a_good_one_is_recorded() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, window) = app(dir.path());
    let lessons = invoke(&window, "today_lessons", json!({"date": "2026-10-08"}))
        .expect("today_lessons answers");
    let lesson = lessons
        .as_array()
        .and_then(|ls| {
            ls.iter().find(|l| {
                l["starts_at"]
                    .as_str()
                    .is_some_and(|t| t < "2026-10-08T13:00")
            })
        })
        .cloned()
        .expect("a lesson that has already started by 13:00");
    let detail =
        invoke(&window, "lesson", json!({"lessonId": lesson["id"]})).expect("lesson answers");
    let student = detail["students"][0]["student_id"].clone();

    let refused = invoke(
        &window,
        "set_cell",
        json!({"lessonId": lesson["id"], "studentId": student, "input": "7"}),
    )
    .expect_err("7 is not a mark");
    let keys: Vec<&String> = refused.as_object().expect("an object").keys().collect();
    assert_eq!(
        keys,
        ["code", "message"],
        "a refusal is exactly {{code, message}}: {refused}"
    );
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.chars().any(|c| ('а'..='я').contains(&c))),
        "the message is Russian: {refused}"
    );

    invoke(
        &window,
        "set_cell",
        json!({"lessonId": lesson["id"], "studentId": student, "input": "5"}),
    )
    .expect("a 5 for a lesson that has started is recorded");
    let status = invoke(&window, "status", json!({})).expect("status answers");
    assert_eq!(
        status["pending_ops"],
        json!(1),
        "the edit waits in the outbox"
    );
    let detail =
        invoke(&window, "lesson", json!({"lessonId": lesson["id"]})).expect("lesson answers");
    assert_eq!(
        detail["students"][0]["cell"]["symbol"],
        json!("5"),
        "the cell shows the mark"
    );
}

#[test]
fn a_bad_argument_is_refused_without_touching_the_copy() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, window) = app(dir.path());
    let reply = invoke(&window, "today_lessons", json!({"date": "7 октября"}));
    assert!(
        reply.is_err(),
        "a date that is not ISO does not reach journal-api: {reply:?}"
    );
    let status = invoke(&window, "status", json!({})).expect("status answers");
    assert_eq!(status["pending_ops"], json!(0), "nothing was recorded");
}
