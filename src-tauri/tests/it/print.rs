//! The «Печать» screen's commands through IPC: a document printed from the local copy lands in the
//! given file, verifies against the copy, a refused one writes nothing, and the extract's student
//! is found by name.

use super::{app, invoke};
use serde_json::json;

#[test]
fn documents_print_into_files_and_verify() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (_app, window) = app(dir.path());

    let default = invoke(
        &window,
        "print_default_path",
        json!({"fileName": "Журнал ИС/21"}),
    )
    .expect("print_default_path answers");
    let default = default.as_str().expect("a path");
    assert!(
        default.ends_with("Журнал ИС_21.pdf") && std::path::Path::new(default).is_absolute(),
        "the default is an absolute .pdf path with a safe name: {default}"
    );

    let groups = invoke(&window, "groups", json!({})).expect("groups answers");
    let group = groups[0]["id"].clone();
    let out = dir.path().join("печать").join("ведомость.pdf");
    let saved = invoke(
        &window,
        "print_document",
        json!({"document": {"kind": "finals_sheet", "group_id": group}, "path": out}),
    )
    .expect("the finals sheet prints");
    assert!(
        saved["pages"].as_u64().is_some_and(|p| p > 0),
        "the answer counts the pages: {saved}"
    );
    assert_eq!(
        saved["title"],
        json!("Сводная ведомость итоговых оценок"),
        "and names the document"
    );
    let bytes = std::fs::read(&out).expect("the file is written (its folder created)");
    assert!(bytes.starts_with(b"%PDF"), "the file is a PDF");

    let report =
        invoke(&window, "verify_printout", json!({"path": out})).expect("verify_printout answers");
    assert_eq!(
        report["matches"],
        json!(true),
        "a fresh printout matches: {report}"
    );

    let periods = invoke(&window, "periods", json!({})).expect("periods answers");
    let period = periods[0]["id"].clone();
    let loads = invoke(&window, "loads", json!({})).expect("loads answers");
    let load = loads
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["own"] == json!(true)))
        .cloned()
        .expect("the demo teacher has an own load");
    let grid = invoke(
        &window,
        "grid",
        json!({"loadId": load["id"], "periodId": period}),
    )
    .expect("grid answers");
    let name: String = grid["rows"][0]["full_name"]
        .as_str()
        .expect("a student's name")
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let student = invoke(
        &window,
        "print_find_student",
        json!({"groupId": load["group_id"], "periodId": period, "student": name}),
    )
    .expect("the student is found by «Фамилия Имя»");
    assert_eq!(
        student, grid["rows"][0]["student_id"],
        "the name names that student"
    );

    let nowhere = dir.path().join("нет.pdf");
    let refused = invoke(
        &window,
        "print_document",
        json!({
            "document": {"kind": "year_journal", "group_id": "00000000-0000-7000-8000-000000000000"},
            "path": nowhere
        }),
    )
    .expect_err("an unknown group is refused");
    assert_eq!(
        refused["code"],
        json!("group_not_found"),
        "with its code: {refused}"
    );
    assert!(!nowhere.exists(), "and no file is written");
}
