//! `journal print …` and `journal verify` on the demo copy: every document lands in its file as a
//! well-formed PDF whose text is the expected Cyrillic content; the archive record states the true
//! sheet count one- and two-sided; a printed page that changed afterwards is named by verify.

use super::{demo, journal, ok_json, str_of, TODAY};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn pdf_text(file: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext reads {}", file.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn qpdf_clean(file: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(file)
        .output()
        .expect("qpdf runs");
    assert!(
        out.status.success(),
        "qpdf --check is clean for {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The demo teacher's own whole-group load: group and subject names, id.
fn own_load(dir: &Path) -> (String, String, String) {
    let loads = ok_json(dir, &["loads", "--json"]);
    let l = loads
        .as_array()
        .expect("loads is an array")
        .iter()
        .find(|l| l["own"] == true && l["subgroup_name"].is_null())
        .expect("the demo teacher has an own whole-group load")
        .clone();
    (
        str_of(&l, "group_name").to_string(),
        str_of(&l, "subject_name").to_string(),
        str_of(&l, "id").to_string(),
    )
}

/// Runs `journal print …` and returns its JSON answer, checking the file is a clean PDF.
fn print(dir: &Path, args: &[&str], out: &Path) -> Value {
    let mut all: Vec<&str> = vec!["print"];
    all.extend_from_slice(args);
    let out_s = out.to_str().expect("utf-8 temp path");
    all.extend_from_slice(&["--out", out_s, "--json"]);
    let v = ok_json(dir, &all);
    assert!(out.exists(), "journal {all:?} wrote {}", out.display());
    qpdf_clean(out);
    assert!(
        v["pages"].as_u64().unwrap_or(0) > 0,
        "the answer gives the page count: {v}"
    );
    v
}

/// The number in «Прошито, пронумеровано и скреплено печатью N листов».
fn stated_sheets(text: &str) -> usize {
    let at = text
        .find("скреплено печатью")
        .expect("the archive record is printed");
    text[at + "скреплено печатью".len()..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number follows «скреплено печатью»")
}

#[test]
fn every_document_prints_from_the_command_line() {
    let d = demo();
    let dir = d.dir.path();
    let (group, subject, _) = own_load(dir);
    let periods = ok_json(dir, &["periods", "--json"]);
    let period = str_of(&periods[0], "name").to_string();

    // Whole year, one-sided and two-sided: the sheet count is the truth for each.
    let one = dir.join("year-one-sided.pdf");
    let v = print(dir, &["year", "--group", &group], &one);
    let pages = v["pages"].as_u64().expect("pages") as usize;
    let text = pdf_text(&one);
    for want in [
        "Оглавление",
        "Список обучающихся",
        &subject,
        "Замечания по ведению журнала",
    ] {
        assert!(text.contains(want), "the year journal shows «{want}»");
    }
    assert_eq!(
        stated_sheets(&text),
        pages,
        "one-sided: a sheet per page ({pages} pages)"
    );
    let two = dir.join("year-two-sided.pdf");
    let v = print(dir, &["year", "--group", &group, "--double-sided"], &two);
    let pages2 = v["pages"].as_u64().expect("pages") as usize;
    assert_eq!(
        stated_sheets(&pdf_text(&two)),
        pages2.div_ceil(2),
        "two-sided: ⌈{pages2}/2⌉ sheets"
    );

    let file = dir.join("subject-period.pdf");
    print(
        dir,
        &[
            "subject",
            "--group",
            &group,
            "--subject",
            &subject,
            "--period",
            &period,
        ],
        &file,
    );
    assert!(
        pdf_text(&file).contains(&subject),
        "the subject's pages name the subject"
    );
    let file = dir.join("subject-month.pdf");
    print(
        dir,
        &[
            "subject",
            "--group",
            &group,
            "--subject",
            &subject,
            "--month",
            "2026-09",
        ],
        &file,
    );
    assert!(
        pdf_text(&file).contains("сентябрь"),
        "September's pages show the month over the dates"
    );

    let file = dir.join("finals.pdf");
    print(dir, &["finals", "--group", &group], &file);
    assert!(
        pdf_text(&file).contains("Сводная ведомость"),
        "the finals sheet has its title"
    );

    // The extract by «Фамилия Имя» as a parent would ask for it.
    let lesson = ok_json(dir, &["lesson", "--lesson", &d.lesson, "--json"]);
    let full_name = str_of(&lesson["students"][0], "full_name").to_string();
    let surname_name: String = full_name
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let lesson_group = str_of(&lesson["summary"], "group_name").to_string();
    let file = dir.join("extract.pdf");
    print(
        dir,
        &[
            "extract",
            "--group",
            &lesson_group,
            "--student",
            &surname_name,
            "--period",
            &period,
        ],
        &file,
    );
    let text = pdf_text(&file);
    assert!(text.contains("Выписка"), "the extract has its title");
    assert!(
        text.contains(&surname_name),
        "the extract names the student «{surname_name}»"
    );

    let file = dir.join("outage.pdf");
    print(dir, &["outage"], &file);
    assert!(
        pdf_text(&file).contains("05.10.2026"),
        "the outage pages are for the demo's today"
    );
}

#[test]
fn verify_names_the_pages_changed_since_printing() {
    let d = demo();
    let dir = d.dir.path();
    // Today's lesson of a whole-group load (group + subject name it unambiguously).
    let lessons = ok_json(dir, &["lessons", "--date", TODAY, "--json"]);
    let lesson = lessons
        .as_array()
        .expect("lessons is an array")
        .iter()
        .find(|l| {
            l["state"] == "scheduled" && l["substitution"].is_null() && l["subgroup_name"].is_null()
        })
        .expect("the demo teacher has a whole-group lesson today")
        .clone();
    let lesson_id = str_of(&lesson, "id").to_string();
    let detail = ok_json(dir, &["lesson", "--lesson", &lesson_id, "--json"]);
    let student = str_of(&detail["students"][0], "student_id").to_string();
    let file = dir.join("october.pdf");
    let group = str_of(&lesson, "group_name");
    let subject = str_of(&lesson, "subject_name");
    print(
        dir,
        &[
            "subject",
            "--group",
            group,
            "--subject",
            subject,
            "--month",
            "2026-10",
        ],
        &file,
    );
    let file_s = file.to_str().expect("utf-8 temp path");

    let out = journal(dir, &["verify", file_s, "--json"]);
    assert!(
        out.status.success(),
        "an unchanged printout verifies: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("verify prints JSON");
    assert_eq!(report["matches"], true, "nothing changed yet: {report}");

    ok_json(
        dir,
        &[
            "mark",
            "--lesson",
            &lesson_id,
            "--student",
            &student,
            "4",
            "--json",
        ],
    );
    let out = journal(dir, &["verify", file_s]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a changed printout exits with 2 (stderr: {})",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("изменились страницы"),
        "the human report names the changed pages: {text}"
    );
    let out = journal(dir, &["verify", file_s, "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("verify prints JSON");
    let changed = report["changed_pages"].as_array().expect("changed_pages");
    let printed = report["printed_pages"].as_u64().expect("printed_pages") as usize;
    assert!(
        !changed.is_empty() && changed.len() < printed,
        "the grid page with the new mark changed, not the whole document: {report}"
    );
}

#[test]
fn a_bad_request_prints_nothing() {
    let d = demo();
    let dir = d.dir.path();
    let file = dir.join("none.pdf");
    let out = journal(
        dir,
        &[
            "print",
            "finals",
            "--group",
            "нет такой группы",
            "--out",
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(!out.status.success(), "an unknown group is an error");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("group_not_found"),
        "the error carries its code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!file.exists(), "no file is written for a refused request");
    let out = journal(
        dir,
        &[
            "print",
            "subject",
            "--group",
            "x",
            "--subject",
            "y",
            "--month",
            "2026-13",
            "--out",
            "x.pdf",
        ],
    );
    assert!(!out.status.success(), "month 13 is a usage error");
    let out = journal(dir, &["verify", file.to_str().expect("utf-8")]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "verifying a missing file is an error, not «changed»"
    );
}

/// `journal print module`: the demo teacher keeps no part of ИС-21's «ПМ.01» (its МДК and practice
/// are another teacher's), so their copy does not hold the module: refused with its code, no file.
/// (journal-api's print tests print it for the teacher of its parts.)
#[test]
fn the_module_journal_is_printed_only_from_a_copy_that_holds_it() {
    let d = demo();
    let dir = d.dir.path();
    let file = dir.join("module.pdf");
    let f = file.to_str().expect("utf-8");
    let out = journal(
        dir,
        &[
            "print", "module", "--group", "ИС-21", "--module", "ПМ.01", "--out", f,
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("module_not_found"),
        "a module the copy does not hold is named as such: {stderr}"
    );
    assert!(!file.exists(), "no file is written for a refused request");
}
