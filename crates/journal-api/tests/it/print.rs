//! Printing from the demo teacher's local copy: every document comes out as a journal PDF that
//! verifies against the copy; a mark changed after printing is reported on its page; refusals.

use crate::fixture::*;
use chrono::{Datelike, Duration, Weekday};
use journal_api::{Journal, PrintDocument};

fn load_of_day(f: &Fixture) -> journal_api::LoadSummary {
    let l = f.lesson_of_day();
    f.journal
        .loads()
        .expect("loads")
        .into_iter()
        .find(|x| x.id == l.load_id)
        .expect("the lesson's load is among the teacher's loads")
}

fn print_and_verify(journal: &Journal, doc: PrintDocument) -> Vec<u8> {
    let pdf = journal
        .print(&doc)
        .unwrap_or_else(|e| panic!("{doc:?} prints from the local copy: {e}"));
    assert!(pdf.starts_with(b"%PDF"), "{doc:?} is a PDF");
    let report = journal.verify_pdf(&pdf).expect("the printed PDF verifies");
    assert!(
        report.matches,
        "{doc:?} printed just now matches the journal: {report:?}"
    );
    assert_eq!(
        report.document, doc,
        "the stamp names the printed document (month and period pages as their date range aside)"
    );
    assert_eq!(report.message, "Документ соответствует журналу");
    assert!(report.printed_pages >= 1, "{doc:?} has pages");
    pdf
}

/// Issue 14: «A teacher sees the reports of their own loads in the desktop app, offline, from the
/// local copy» — every kind prints from the copy (no server in this fixture) and verifies.
#[test]
fn every_report_of_the_teachers_own_loads_prints_offline_and_verifies() {
    let f = Fixture::open();
    let lesson = f.detail(&f.lesson_of_day());
    let period = lesson
        .period
        .clone()
        .expect("the lesson day is in a period");
    for kind in journal_reports::ReportKind::ALL {
        let pdf = print_and_verify(
            &f.journal,
            PrintDocument::Report {
                report: kind,
                period_id: Some(period.id),
            },
        );
        assert!(pdf.len() > 1_000, "{kind:?}: a real document");
    }
    let whole_year = f
        .journal
        .print(&PrintDocument::Report {
            report: journal_reports::ReportKind::Progress,
            period_id: None,
        })
        .expect("without a period: the current one");
    assert!(whole_year.starts_with(b"%PDF"));
}

/// The same reports on screen (issue 14: a teacher «sees» the reports of their own loads): every
/// kind from the copy, named for the teacher, with the figures and tables its PDF prints.
#[test]
fn every_report_of_the_teachers_own_loads_reads_on_screen() {
    let f = Fixture::open();
    let period = f
        .detail(&f.lesson_of_day())
        .period
        .clone()
        .expect("the lesson day is in a period");
    for kind in journal_reports::ReportKind::ALL {
        let view = f
            .journal
            .report(kind, Some(period.id))
            .unwrap_or_else(|e| panic!("{kind:?} from the local copy: {e}"));
        assert_eq!(view.title, kind.title_ru(), "{kind:?}: its title");
        assert!(
            view.subject_line.starts_with("Преподаватель: "),
            "{kind:?}: over the teacher's own loads: {}",
            view.subject_line
        );
        assert!(!view.tables.is_empty(), "{kind:?}: has tables");
        for t in &view.tables {
            assert!(
                t.rows.iter().all(|r| r.len() == t.columns.len()),
                "{kind:?} «{}»: a value per column",
                t.title
            );
            assert_eq!(
                t.numeric.len(),
                t.columns.len(),
                "{kind:?}: alignment per column"
            );
        }
    }
    let attendance = f
        .journal
        .report(journal_reports::ReportKind::Attendance, Some(period.id))
        .expect("attendance");
    assert!(
        attendance.tables[0].rows.iter().any(|r| r[0] != "—"),
        "the teacher's groups are in the attendance report: {:?}",
        attendance.tables[0]
    );
}

#[test]
fn every_document_prints_from_the_teacher_copy_and_verifies() {
    let f = Fixture::open();
    let load = load_of_day(&f);
    let lesson = f.detail(&f.lesson_of_day());
    let period = lesson
        .period
        .clone()
        .expect("the lesson day is in a period");

    print_and_verify(
        &f.journal,
        PrintDocument::YearJournal {
            group_id: load.group_id,
            double_sided: true,
        },
    );
    print_and_verify(
        &f.journal,
        PrintDocument::FinalsSheet {
            group_id: load.group_id,
        },
    );
    print_and_verify(
        &f.journal,
        PrintDocument::Extract {
            student_id: lesson.students[0].student_id,
            period_id: period.id,
        },
    );
    print_and_verify(&f.journal, PrintDocument::OutagePages { date: f.day });
    print_and_verify(
        &f.journal,
        PrintDocument::SubjectRange {
            load_id: load.id,
            from: period.starts_on,
            to: period.ends_on,
        },
    );
    // Period and month pages are stamped as their date range.
    for doc in [
        PrintDocument::SubjectPeriod {
            load_id: load.id,
            period_id: period.id,
        },
        PrintDocument::SubjectMonth {
            load_id: load.id,
            year: f.day.year(),
            month: f.day.month(),
        },
    ] {
        let pdf = f.journal.print(&doc).expect("pages on demand print");
        let report = f.journal.verify_pdf(&pdf).expect("verifies");
        assert!(report.matches, "{doc:?} matches the journal: {report:?}");
        match report.document {
            PrintDocument::SubjectRange { load_id, from, to } => {
                assert_eq!(load_id, load.id, "the stamp names the load");
                assert!(
                    from <= f.day && f.day <= to,
                    "the range of {doc:?} contains the lesson day"
                );
            }
            other => panic!("{doc:?} verified as {other:?}"),
        }
    }
}

#[test]
fn a_mark_changed_after_printing_is_reported_on_its_page() {
    let mut f = Fixture::open();
    let load = load_of_day(&f);
    let l = f.lesson_of_day();
    let doc = PrintDocument::YearJournal {
        group_id: load.group_id,
        double_sided: false,
    };
    let pdf = print_and_verify(&f.journal, doc);
    let student = f.detail(&l).students[0].clone();
    let new_value = if student.cell.symbol == "2" { "3" } else { "2" };
    f.journal
        .set_cell(l.id, student.student_id, new_value)
        .expect("the teacher changes a mark after printing");
    let report = f.journal.verify_pdf(&pdf).expect("verifies");
    assert!(!report.matches, "the changed mark is noticed: {report:?}");
    assert!(
        !report.changed_pages.is_empty(),
        "the changed page is named: {report:?}"
    );
    assert!(
        !report.changed_pages.contains(&1),
        "the title page does not show marks and stays valid: {:?}",
        report.changed_pages
    );
    assert!(
        report.changed_pages.len() < report.printed_pages as usize,
        "only the pages showing the mark changed, not the whole journal: {:?} of {}",
        report.changed_pages,
        report.printed_pages
    );
    assert!(
        report.message.contains("изменились страницы"),
        "the message lists the pages: {}",
        report.message
    );

    // Put the mark back: the printed pages match again (codes depend on content only).
    f.journal
        .set_cell(l.id, student.student_id, &student.cell.symbol)
        .expect("the mark is restored");
    let report = f.journal.verify_pdf(&pdf).expect("verifies");
    assert!(
        report.matches,
        "with the old mark back the document matches again: {report:?}"
    );
}

#[test]
fn the_snapshot_is_the_teachers_copy() {
    let f = Fixture::open();
    let snap = f.journal.snapshot().expect("snapshot of the local copy");
    let me = f.journal.user().id;
    assert!(
        snap.loads.iter().any(|l| l.teacher_id == me),
        "the teacher's own loads are in the copy"
    );
    let lesson = f.lesson_of_day();
    assert!(
        snap.lessons.iter().any(|x| x.id == lesson.id),
        "today's lesson is in the snapshot"
    );
}

#[test]
fn refusals_print_nothing() {
    let f = Fixture::open();
    let err = f
        .journal
        .verify_pdf(b"not a pdf")
        .expect_err("random bytes are not a journal document");
    assert_eq!(err.code, "print_not_journal_pdf", "{}", err.message);

    let err = f
        .journal
        .find_group("НЕТ-99")
        .expect_err("an unknown group name");
    assert_eq!(err.code, "group_not_found", "{}", err.message);

    let sunday = (0..7)
        .map(|i| f.day + Duration::days(i))
        .find(|d| d.weekday() == Weekday::Sun)
        .expect("a Sunday within a week");
    let err = f
        .journal
        .print(&PrintDocument::OutagePages { date: sunday })
        .expect_err("no lessons on a Sunday");
    assert_eq!(err.code, "print_no_lessons", "{}", err.message);

    let err = f
        .journal
        .print(&PrintDocument::SubjectMonth {
            load_id: load_of_day(&f).id,
            year: 2026,
            month: 13,
        })
        .expect_err("month 13");
    assert_eq!(err.code, "invalid_input", "{}", err.message);
}

#[test]
fn groups_and_students_are_found_by_name_and_number() {
    let f = Fixture::open();
    let load = load_of_day(&f);
    assert_eq!(
        f.journal
            .find_group(&load.group_name.to_lowercase())
            .expect("by name"),
        load.group_id,
        "a group is found by its name in any case"
    );
    assert_eq!(
        f.journal
            .find_group(&load.group_id.to_string())
            .expect("by id"),
        load.group_id,
        "and by id"
    );
    let period = f.detail(&f.lesson_of_day()).period.expect("period").id;
    let first = f
        .journal
        .find_group_student(load.group_id, period, "1")
        .expect("№ 1 of the group");
    assert_eq!(
        f.journal
            .find_group_student(load.group_id, period, &first.to_string())
            .expect("by id"),
        first,
        "a student is found by id too"
    );
    let err = f
        .journal
        .find_group_student(load.group_id, period, "999")
        .expect_err("no 999th student");
    assert_eq!(err.code, "student_not_found", "{}", err.message);
}

/// Issue 14: every printed time («Сформировано») in the institution's time zone, as the server
/// and the CLI print it — from the computer's clock read in the college's zone (Moscow in the
/// demo), whatever zone the computer itself is set to.
#[test]
fn a_report_printed_by_the_app_is_dated_in_the_institutions_zone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::open_demo(dir.path(), demo_today()).expect("demo copy opens");
    let before = chrono::Utc::now().naive_utc();
    let pdf = journal
        .print(&PrintDocument::Report {
            report: journal_reports::ReportKind::Attendance,
            period_id: None,
        })
        .expect("the report prints");
    let stamp = journal_print::read_stamp(&pdf).expect("our stamp");
    let moscow = before + Duration::hours(3);
    assert!(
        (stamp.generated_at - moscow).num_minutes().abs() <= 2,
        "«Сформировано» {} is Moscow time (UTC {before})",
        stamp.generated_at
    );
}

/// The demo teacher made the teacher of the МДК and the practice of «ПМ.01»: the module's journal
/// prints from the local copy, offline, and verifies; a subject that is not a module, or a group
/// without the module, is refused with its code.
#[test]
fn the_module_journal_prints_offline_for_the_teacher_of_its_parts() {
    use journal_protocol::SubjectKind;
    let mut module = None;
    let mut group = None;
    let f = Fixture::open_with(|s| {
        let teacher = s
            .users
            .iter()
            .find(|u| u.login == journal_api::DEMO_LOGIN)
            .map(|u| u.id)
            .expect("the demo teacher");
        let parts: Vec<_> = s
            .subjects
            .iter()
            .filter(|x| x.module_id.is_some())
            .map(|x| x.id)
            .collect();
        module = s
            .subjects
            .iter()
            .find(|x| x.kind == SubjectKind::Module)
            .map(|x| x.id);
        for l in s.loads.iter_mut().filter(|l| parts.contains(&l.subject_id)) {
            l.teacher_id = teacher;
            group = Some(l.group_id);
        }
    });
    let (Some(module_id), Some(group_id)) = (module, group) else {
        panic!("the demo has a module with loads of its МДК")
    };
    let pdf = print_and_verify(
        &f.journal,
        PrintDocument::ModuleJournal {
            group_id,
            module_id,
        },
    );
    assert!(pdf.len() > 10_000, "a real document: {} bytes", pdf.len());

    let groups = f.journal.groups().expect("groups");
    let other = groups
        .iter()
        .find(|g| g.id != group_id)
        .map(|g| g.id)
        .expect("another group in the copy");
    let err = f
        .journal
        .print(&PrintDocument::ModuleJournal {
            group_id: other,
            module_id,
        })
        .expect_err("no part of the module in that group");
    assert_eq!(err.code, "print_module_without_loads", "{}", err.message);
    let mdk = f
        .journal
        .snapshot()
        .expect("the copy")
        .subjects
        .into_iter()
        .find(|s| s.module_id == Some(module_id))
        .map(|s| s.id)
        .expect("an МДК of the module");
    let err = f
        .journal
        .print(&PrintDocument::ModuleJournal {
            group_id,
            module_id: mdk,
        })
        .expect_err("an МДК is not a module");
    assert_eq!(err.code, "print_module_not_found", "{}", err.message);
}
