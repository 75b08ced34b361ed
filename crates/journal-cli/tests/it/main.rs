//! Runs the real `journal` binary on a temp data dir with a fixed `--now`: the demo copy, today's
//! lessons, a mark that shows up in the grid, and a bad value that exits non-zero, prints its code
//! and changes nothing.

mod online;
mod print;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const TODAY: &str = "2026-10-05";
/// Late on the demo's today: every lesson of the day has started, the day is not over.
const NOW: &str = "2026-10-05T20:00";

fn journal(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_journal"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--now", NOW])
        .args(args)
        .env_remove("JOURNAL_USER")
        .env_remove("JOURNAL_DATA_DIR")
        .output()
        .expect("the journal binary runs")
}

fn ok_json(data_dir: &Path, args: &[&str]) -> Value {
    let out = journal(data_dir, args);
    assert!(
        out.status.success(),
        "journal {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "journal {args:?} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string in {v}"))
}

/// The cell of `student` at `lesson` in the JSON grid.
fn grid_cell(grid: &Value, lesson: &str, student: &str) -> Option<String> {
    let col = grid["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .position(|c| c["lesson_id"] == lesson)
        .expect("the lesson is a column of the grid");
    let row = grid["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["student_id"] == student)
        .expect("the student is a row of the grid");
    row["cells"][col].as_str().map(str::to_string)
}

struct Demo {
    dir: tempfile::TempDir,
    lesson: String,
    load: String,
    student: String,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = journal(dir.path(), &["demo", "--today", TODAY]);
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Создана демо-копия"),
        "human output is Russian: {stdout}"
    );
    let lessons = ok_json(dir.path(), &["lessons", "--date", TODAY, "--json"]);
    let lesson = lessons
        .as_array()
        .expect("lessons is an array")
        .iter()
        .find(|l| l["state"] == "scheduled" && l["substitution"].is_null())
        .expect("the demo teacher has a lesson on the demo's today")
        .clone();
    let id = str_of(&lesson, "id").to_string();
    let detail = ok_json(dir.path(), &["lesson", "--lesson", &id, "--json"]);
    let student = str_of(&detail["students"][0], "student_id").to_string();
    Demo {
        lesson: id,
        load: str_of(&lesson, "load_id").to_string(),
        student,
        dir,
    }
}

#[test]
fn a_mark_set_from_the_command_line_shows_in_the_grid() {
    let d = demo();
    let grid = ok_json(d.dir.path(), &["grid", "--load", &d.load, "--json"]);
    assert_eq!(
        grid_cell(&grid, &d.lesson, &d.student).as_deref(),
        Some(""),
        "the demo leaves today's lesson empty"
    );
    let receipt = ok_json(
        d.dir.path(),
        &[
            "mark",
            "--lesson",
            &d.lesson,
            "--student",
            &d.student,
            "5",
            "--json",
        ],
    );
    assert_eq!(receipt["device_seq"], 1, "the first edit is outbox op 1");
    let grid = ok_json(d.dir.path(), &["grid", "--load", &d.load, "--json"]);
    assert_eq!(
        grid_cell(&grid, &d.lesson, &d.student).as_deref(),
        Some("5"),
        "the grid shows the mark"
    );
    let status = ok_json(d.dir.path(), &["status", "--json"]);
    assert_eq!(status["pending_ops"], 1, "one edit waits for the server");
    assert_eq!(status["outbox_intact"], true, "the outbox chain verifies");
}

#[test]
fn a_bad_value_exits_non_zero_with_its_code_and_changes_nothing() {
    let d = demo();
    ok_json(
        d.dir.path(),
        &[
            "mark",
            "--lesson",
            &d.lesson,
            "--student",
            "1",
            "4",
            "--json",
        ],
    );
    let out = journal(
        d.dir.path(),
        &["mark", "--lesson", &d.lesson, "--student", &d.student, "7"],
    );
    assert!(!out.status.success(), "a bad value is a failure exit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid_cell_value"),
        "stderr names the code: {stderr}"
    );
    assert!(
        stderr.contains("Недопустимое значение"),
        "stderr carries the Russian message: {stderr}"
    );
    // With --json the error is {code, message} on stderr.
    let out = journal(
        d.dir.path(),
        &[
            "mark",
            "--lesson",
            &d.lesson,
            "--student",
            &d.student,
            "отл",
            "--json",
        ],
    );
    assert!(
        !out.status.success(),
        "a bad value is a failure exit with --json too"
    );
    let err: Value = serde_json::from_slice(&out.stderr).expect("stderr is JSON with --json");
    assert_eq!(err["code"], "invalid_cell_value", "machine-readable code");
    assert!(err["message"].is_string(), "and a message");
    let status = ok_json(d.dir.path(), &["status", "--json"]);
    assert_eq!(status["pending_ops"], 1, "refused edits added no outbox op");
    let grid = ok_json(d.dir.path(), &["grid", "--load", &d.load, "--json"]);
    assert_eq!(
        grid_cell(&grid, &d.lesson, &d.student).as_deref(),
        Some("4"),
        "the cell keeps the value entered before the refusals"
    );
}

#[test]
fn without_a_local_copy_the_cli_says_how_to_make_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = journal(dir.path(), &["lessons"]);
    assert!(!out.status.success(), "no copy is an error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no_local_copy") && stderr.contains("journal demo"),
        "the error names the code and the fix: {stderr}"
    );
}

#[test]
fn topic_homework_finals_and_lock_from_the_command_line() {
    let d = demo();
    let detail = ok_json(d.dir.path(), &["lesson", "--lesson", &d.lesson, "--json"]);
    let plan_topic = str_of(&detail["suggested_topic"], "id").to_string();
    ok_json(
        d.dir.path(),
        &[
            "topic",
            "--lesson",
            &d.lesson,
            "--plan-topic",
            &plan_topic,
            "--json",
        ],
    );
    let out = journal(
        d.dir.path(),
        &["topic", "--lesson", &d.lesson, "--hour", "2", "Повторение"],
    );
    assert!(!out.status.success(), "a bare «Повторение» is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("topic_too_generic"),
        "with the rule's code"
    );
    ok_json(
        d.dir.path(),
        &[
            "homework",
            "--lesson",
            &d.lesson,
            "Упражнение 12, с. 30",
            "--json",
        ],
    );
    let detail = ok_json(d.dir.path(), &["lesson", "--lesson", &d.lesson, "--json"]);
    assert_eq!(
        detail["topics"][0]["plan_topic_id"],
        plan_topic.as_str(),
        "the КТП topic was recorded for hour 1: {}",
        detail["topics"]
    );
    assert_eq!(
        detail["homework"]["text"], "Упражнение 12, с. 30",
        "homework recorded"
    );

    let grid = ok_json(d.dir.path(), &["grid", "--load", &d.load, "--json"]);
    let period = str_of(&grid["period"], "id").to_string();
    let rows = grid["rows"].as_array().expect("rows").len();
    for n in 1..rows {
        let n = n.to_string();
        ok_json(
            d.dir.path(),
            &[
                "final",
                "--load",
                &d.load,
                "--period",
                &period,
                "--student",
                &n,
                "4",
                "--json",
            ],
        );
    }
    // The last final closes the period (the default policy locks after finals, 001 п. 5), and says so.
    let last = rows.to_string();
    let out = journal(
        d.dir.path(),
        &[
            "final",
            "--load",
            &d.load,
            "--period",
            &period,
            "--student",
            &last,
            "4",
        ],
    );
    assert!(out.status.success(), "the last final is recorded");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("период закрыт"),
        "the CLI says the period closed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = journal(
        d.dir.path(),
        &["lock", "--load", &d.load, "--period", &period],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("period_locked"),
        "an explicit lock finds it closed already: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = journal(
        d.dir.path(),
        &["mark", "--lesson", &d.lesson, "--student", &d.student, "5"],
    );
    assert!(!out.status.success(), "a locked period refuses marks");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("period_locked"),
        "with the lock's code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = ok_json(d.dir.path(), &["status", "--json"]);
    assert_eq!(
        status["pending_ops"],
        (3 + rows) as u64,
        "topic, homework, one final per student and the lock are the only ops"
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // `journal grid … | head -1`: the reader goes away before the output is written.
    let d = demo();
    let mut child = Command::new(env!("CARGO_BIN_EXE_journal"))
        .arg("--data-dir")
        .arg(d.dir.path())
        .args(["--now", NOW, "grid", "--load", &d.load])
        .env_remove("JOURNAL_USER")
        .env_remove("JOURNAL_DATA_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the journal binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the journal binary ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "a closed pipe is not a crash: {stderr}"
    );
    assert!(
        out.status.success(),
        "the reader took what it wanted: {:?} {stderr}",
        out.status
    );
}
