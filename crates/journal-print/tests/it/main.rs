//! journal-print integration tests: render the documents for the demo institution and look at the
//! output with the tools a person would use — pdftotext (content), qpdf --check (structure),
//! pdfinfo (page count, metadata), pdftoppm (rendering). The tools must be installed
//! (poppler-utils, qpdf); a missing tool fails the test.

use chrono::{NaiveDate, NaiveDateTime};
use journal_core::{CellEntry, CellValue, MarkValue};
use journal_print::{PrintContext, PrintRequest};
use journal_protocol::Snapshot;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 6, 25).expect("date")
}

fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| journal_demo::generate(journal_demo::DEFAULT_SEED, today()))
}

fn ctx() -> PrintContext {
    PrintContext {
        generated_at: NaiveDateTime::new(
            today(),
            chrono::NaiveTime::from_hms_opt(15, 30, 0).expect("time"),
        ),
        document_id: uuid::Uuid::from_u128(0x1234_5678),
    }
}

/// Runs a tool and returns its stdout; fails the test if the tool is missing or fails.
fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} must be installed (poppler-utils / qpdf): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Printed {
    _dir: tempfile::TempDir,
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Printed {
    fn new(name: &str, bytes: Vec<u8>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, &bytes).expect("write pdf");
        // To look at the documents: JOURNAL_PRINT_KEEP_DIR=/some/dir cargo test -p journal-print
        if let Some(keep) = std::env::var_os("JOURNAL_PRINT_KEEP_DIR") {
            let _ = std::fs::create_dir_all(&keep);
            let _ = std::fs::write(Path::new(&keep).join(format!("{name}.pdf")), &bytes);
        }
        Printed {
            _dir: dir,
            path,
            bytes,
        }
    }
    fn p(&self) -> &str {
        self.path.to_str().expect("utf-8 path")
    }
    fn pages(&self) -> usize {
        let info = tool("pdfinfo", &[self.p()]);
        info.lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("pdfinfo prints Pages")
    }
    fn text(&self) -> String {
        tool("pdftotext", &["-layout", self.p(), "-"])
    }
    fn page_text(&self, n: usize) -> String {
        let n = n.to_string();
        tool("pdftotext", &["-layout", "-f", &n, "-l", &n, self.p(), "-"])
    }
    fn check_structure(&self) {
        let out = tool("qpdf", &["--check", self.p()]);
        assert!(
            out.contains("No syntax or stream encoding errors"),
            "qpdf --check is clean: {out}"
        );
    }
    /// Renders pages at 50 dpi and returns, per page, the share of non-white pixels.
    fn ink(&self, first: usize, last: usize) -> Vec<f64> {
        let dir = self.path.parent().expect("dir");
        let prefix = dir.join("r");
        tool(
            "pdftoppm",
            &[
                "-r",
                "50",
                "-png",
                "-f",
                &first.to_string(),
                "-l",
                &last.to_string(),
                self.p(),
                prefix.to_str().expect("utf-8"),
            ],
        );
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "png"))
            .collect();
        files.sort();
        assert_eq!(
            files.len(),
            last - first + 1,
            "pdftoppm rendered every requested page"
        );
        let ink = files.iter().map(|f| ink_share(f)).collect();
        for f in files {
            let _ = std::fs::remove_file(f);
        }
        ink
    }
}

fn ink_share(path: &Path) -> f64 {
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("png"));
    let mut reader = png::Decoder::new(file).read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    let px = &buf[..info.buffer_size()];
    let total = px.len() / channels;
    let dark = px
        .chunks(channels)
        .filter(|c| c.iter().take(3).any(|v| *v < 200))
        .count();
    dark as f64 / total as f64
}

fn first_group() -> &'static journal_protocol::Group {
    &snapshot().groups[0]
}

fn year_journal() -> &'static Printed {
    static PDF: OnceLock<Printed> = OnceLock::new();
    PDF.get_or_init(|| {
        let pdf = journal_print::year_journal(snapshot(), first_group().id, &ctx())
            .expect("year journal renders");
        Printed::new("year", pdf)
    })
}

fn plural(n: usize) -> &'static str {
    // Russian: 1 лист, 2–4 листа, 5–20 листов, 21 лист…
    match (n % 100, n % 10) {
        (11..=14, _) => "листов",
        (_, 1) => "лист",
        (_, 2..=4) => "листа",
        _ => "листов",
    }
}

#[test]
fn year_journal_is_a_valid_pdf_with_the_regulation_sections() {
    let pdf = year_journal();
    pdf.check_structure();
    let pages = pdf.pages();
    assert!(
        pages > 20,
        "a year of a group's subjects takes many pages, got {pages}"
    );
    let text = pdf.text();
    let g = first_group();
    for needle in [
        "ЖУРНАЛ",
        "Оглавление",
        "Список обучающихся",
        "Сводная ведомость итоговых оценок",
        "Замечания по ведению журнала",
        "Журнал проверен и принят для сдачи в архив",
        "Что пройдено на занятии",
        "Домашнее задание",
        "Подпись преподавателя",
        "Количество часов: по плану",
    ] {
        assert!(
            text.contains(needle),
            "the year journal contains «{needle}»"
        );
    }
    assert!(
        text.contains(&format!("Группа {}", g.name)),
        "title page names the group"
    );
    assert!(
        text.contains("устранения"),
        "the remarks page has the «Срок устранения» column"
    );
    assert!(
        text.contains(&snapshot().institution.name[..20]),
        "title page names the institution"
    );
    let sheets = pages.div_ceil(2);
    let record = format!(
        "Прошито, пронумеровано и скреплено печатью {sheets} {}",
        plural(sheets)
    );
    assert!(
        text.contains(&record),
        "the last page states the true sheet count: «{record}» for {pages} pages"
    );
    assert!(
        text.contains(&format!("стр. 1 из {pages}")),
        "footers number pages out of the total"
    );
    assert!(
        text.contains(&format!("стр. {pages} из {pages}")),
        "the last page is numbered too"
    );
    assert!(
        text.contains("Программа выполнена") || text.contains("Не пройдены следующие темы"),
        "every subject ends with the program record"
    );
}

#[test]
fn year_journal_lists_students_and_subjects_in_cyrillic() {
    let snap = snapshot();
    let g = first_group();
    let text = year_journal().text();
    let members: Vec<_> = snap
        .memberships
        .iter()
        .filter(|m| m.group_id == g.id)
        .collect();
    assert!(!members.is_empty(), "the demo group has students");
    for m in members {
        let s = snap
            .students
            .iter()
            .find(|s| s.id == m.student_id)
            .expect("student");
        assert!(
            text.contains(&s.last_name),
            "student {} is printed",
            s.full_name()
        );
    }
    for l in snap.loads.iter().filter(|l| l.group_id == g.id) {
        let subj = snap
            .subjects
            .iter()
            .find(|s| s.id == l.subject_id)
            .expect("subject");
        // pdftotext may break a long name across lines: look for its first word.
        let first_word = subj.name.split_whitespace().next().expect("name");
        assert!(
            text.contains(first_word),
            "subject {} is printed",
            subj.name
        );
        let teacher = snap
            .users
            .iter()
            .find(|u| u.id == l.teacher_id)
            .expect("teacher");
        assert!(
            text.contains(&teacher.full_name),
            "teacher's full name {} is printed",
            teacher.full_name
        );
    }
}

#[test]
fn contents_page_numbers_point_at_the_sections() {
    let pdf = year_journal();
    let toc = pdf.page_text(2);
    assert!(
        toc.contains("Оглавление"),
        "the contents follow the title page"
    );
    // Each line of the contents ends with its page range; that page starts the section.
    let mut checked = 0;
    for (title, page) in [
        ("Список обучающихся", "Список обучающихся"),
        (
            "Замечания по ведению журнала",
            "Замечания по ведению журнала",
        ),
    ] {
        let line = toc
            .lines()
            .find(|l| l.contains(title))
            .expect("contents line");
        let range = line.split_whitespace().last().expect("page range");
        let first: usize = range
            .split('–')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("page number");
        assert!(
            pdf.page_text(first).contains(page),
            "contents say «{title}» is on page {first}, and it is"
        );
        checked += 1;
    }
    // And the first subject's grid.
    let snap = snapshot();
    let first_load_line = toc
        .lines()
        .find(|l| l.trim_start().starts_with("2."))
        .expect("second contents entry is the first subject");
    let first: usize = first_load_line
        .split_whitespace()
        .last()
        .and_then(|r| r.split('–').next())
        .and_then(|p| p.parse().ok())
        .expect("page number");
    let grid = pdf.page_text(first);
    assert!(
        grid.contains("Фамилия, имя обучающегося"),
        "the subject starts with its grid page"
    );
    assert_eq!(
        first % 2,
        0,
        "a grid is on a left-hand (even) page, facing its right page"
    );
    let any_student = &snap.students[0];
    let _ = any_student;
    checked += 1;
    assert_eq!(checked, 3);
}

#[test]
fn rendered_pages_are_not_blank() {
    let pdf = year_journal();
    let ink = pdf.ink(1, 6);
    for (i, share) in ink.iter().enumerate() {
        assert!(
            *share > 0.002,
            "page {} has visible content (ink share {share})",
            i + 1
        );
        assert!(
            *share < 0.5,
            "page {} is not a black blot (ink share {share})",
            i + 1
        );
    }
}

#[test]
fn metadata_carries_document_id_and_page_codes_that_verify() {
    let pdf = year_journal();
    let info = tool("pdfinfo", &[pdf.p()]);
    assert!(
        info.contains("Title:") && info.contains("Журнал учебных занятий"),
        "title set: {info}"
    );
    assert!(info.contains("CreationDate:"), "creation date set");
    let stamp = journal_print::read_stamp(&pdf.bytes).expect("stamp reads back");
    assert_eq!(
        stamp.document_id,
        ctx().document_id,
        "the document id is in the metadata"
    );
    assert_eq!(stamp.codes.len(), pdf.pages(), "one code per page");
    let text = pdf.text();
    assert!(
        text.contains(&format!("Код проверки {}", stamp.codes[0])),
        "page 1's footer shows its code"
    );
    let report = journal_print::verify(&pdf.bytes, snapshot()).expect("verify");
    assert!(report.matches(), "unchanged data verifies: {report:?}");
    let outline = tool("qpdf", &["--json", "--json-key=outlines", pdf.p()]);
    assert!(
        outline.contains("Оглавление") && outline.contains("Список обучающихся"),
        "the PDF outline lists the sections: {outline}"
    );
}

#[test]
fn verify_points_at_the_page_whose_data_changed() {
    let mut snap = snapshot().clone();
    let g = first_group();
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == g.id)
        .expect("load")
        .clone();
    let lesson_ids: Vec<_> = snap
        .lessons
        .iter()
        .filter(|l| l.load_id == load.id)
        .map(|l| l.id)
        .collect();
    let cell = snap
        .cells
        .iter_mut()
        .find(|c| lesson_ids.contains(&c.lesson_id))
        .expect("a cell of the first subject");
    let other = if cell.value.symbol() == "3" { 4 } else { 3 };
    cell.value = CellValue {
        entries: vec![CellEntry::Mark {
            value: MarkValue::new(other).expect("mark"),
        }],
    };
    let report = journal_print::verify(&year_journal().bytes, &snap).expect("verify");
    assert!(!report.matches(), "a changed mark is detected");
    assert_eq!(
        report.changed_pages.len(),
        1,
        "exactly the page holding that cell differs: {report:?}"
    );
}

#[test]
fn subject_month_pages_show_the_month_only() {
    let snap = snapshot();
    let g = first_group();
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == g.id)
        .expect("load");
    let y = snap
        .year
        .starts_on
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .expect("year");
    let pdf = Printed::new(
        "month",
        journal_print::subject_month_pages(snap, load.id, y, 10, &ctx())
            .expect("month pages render"),
    );
    pdf.check_structure();
    let text = pdf.text();
    assert!(
        text.contains("октябрь"),
        "the grid's month row says October"
    );
    assert!(
        !text.contains("сентябрь") && !text.contains("ноябрь"),
        "no other month is printed"
    );
    assert!(
        !text.contains("Итог:"),
        "the period does not end in October, so no final column"
    );
    let subj = snap
        .subjects
        .iter()
        .find(|s| s.id == load.subject_id)
        .expect("subject");
    assert!(
        text.contains(subj.name.split_whitespace().next().expect("w")),
        "the subject is named"
    );
    assert!(pdf.ink(1, 1)[0] > 0.002, "the grid page renders");
}

#[test]
fn a_scheduled_control_work_is_named_on_its_lesson_page() {
    let snap = snapshot();
    let work = snap
        .control_works
        .iter()
        .find(|w| w.title == "Входной контроль")
        .expect("the demo schedules an entrance control");
    let month = work
        .date
        .format("%m")
        .to_string()
        .parse::<u32>()
        .expect("month");
    let year = work
        .date
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .expect("year");
    let pdf = Printed::new(
        "month-vtk",
        journal_print::subject_month_pages(snap, work.load_id, year, month, &ctx())
            .expect("month pages render"),
    );
    let text = pdf.text();
    assert!(
        text.contains("ВТК: Контрольный срез знаний") && text.contains("Входной контроль"),
        "the lesson's line names the ВТК work: {text}"
    );
}

#[test]
fn finals_sheet_has_every_student_and_period() {
    let snap = snapshot();
    let g = first_group();
    let pdf = Printed::new(
        "finals",
        journal_print::finals_sheet(snap, g.id, &ctx()).expect("finals sheet renders"),
    );
    pdf.check_structure();
    let text = pdf.text();
    assert!(
        text.contains("Сводная ведомость итоговых оценок"),
        "the title"
    );
    for p in &snap.periods {
        assert!(text.contains(&p.name), "period {} has a table", p.name);
    }
    let finals_of_group = snap
        .finals
        .iter()
        .filter(|f| {
            snap.loads
                .iter()
                .any(|l| l.id == f.load_id && l.group_id == g.id)
        })
        .count();
    assert!(finals_of_group > 0, "the demo year has finals");
    assert!(
        text.contains("Успеваемость:") && text.contains("качество:"),
        "each period's table ends with успеваемость and качество"
    );
    assert!(pdf.ink(1, 1)[0] > 0.002, "the sheet renders");
}

#[test]
fn success_counts_every_student_of_the_group_not_only_those_with_finals() {
    // 001 заместитель п. 13: «… / количество обучающихся в группе X 100%». A student without a
    // final is in the denominator and not in the numerator.
    let mut snap = snapshot().clone();
    let g = first_group().clone();
    let p0 = snap.periods[0].clone();
    let until = p0.ends_on.min(today()).max(p0.starts_on);
    let mut members: Vec<_> = snap
        .memberships
        .iter()
        .filter(|m| m.group_id == g.id && m.from <= until && m.to.is_none_or(|t| t >= p0.starts_on))
        .map(|m| m.student_id)
        .collect();
    members.sort();
    members.dedup();
    assert!(members.len() > 2, "the demo group has students");
    let loads: Vec<_> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == g.id)
        .map(|l| l.id)
        .collect();
    let five = journal_core::parse_final("5").expect("5 is a final");
    let without = members[0];
    snap.finals.retain(|f| {
        !(f.period_id == p0.id && f.student_id == without && loads.contains(&f.load_id))
    });
    for f in snap
        .finals
        .iter_mut()
        .filter(|f| f.period_id == p0.id && loads.contains(&f.load_id))
    {
        f.value = five;
    }
    let pdf = Printed::new(
        "finals-denominator",
        journal_print::finals_sheet(&snap, g.id, &ctx()).expect("finals sheet renders"),
    );
    let text = pdf.text();
    let n = members.len() as f64;
    let want = format!("Успеваемость: {:.1} %", (n - 1.0) * 100.0 / n);
    let first = text
        .split("Успеваемость:")
        .nth(1)
        .map(|rest| {
            format!(
                "Успеваемость:{}",
                rest.split(';').next().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    assert_eq!(
        first,
        want,
        "{} of {} students have all finals ≥ 3; the one without finals counts in the denominator",
        members.len() - 1,
        members.len()
    );
}

#[test]
fn extract_for_a_parent_names_the_student_and_counts_absences() {
    let snap = snapshot();
    let g = first_group();
    let m = snap
        .memberships
        .iter()
        .find(|m| m.group_id == g.id)
        .expect("member");
    let s = snap
        .students
        .iter()
        .find(|s| s.id == m.student_id)
        .expect("student");
    let period = &snap.periods[0];
    let pdf = Printed::new(
        "extract",
        journal_print::extract(snap, s.id, period.id, &ctx()).expect("extract renders"),
    );
    pdf.check_structure();
    let text = pdf.text();
    assert!(
        text.contains("Выписка из электронного журнала успеваемости"),
        "the title"
    );
    assert!(text.contains(&s.last_name), "the student is named");
    assert!(text.contains(&period.name), "the period is named");
    // The total printed equals the absences in the data.
    let lessons: std::collections::HashSet<_> = snap
        .lessons
        .iter()
        .filter(|l| {
            l.date >= period.starts_on
                && l.date <= period.ends_on
                && l.status == journal_protocol::LessonStatus::Scheduled
                && snap
                    .loads
                    .iter()
                    .any(|ld| ld.id == l.load_id && ld.group_id == g.id)
        })
        .map(|l| l.id)
        .collect();
    let absences: usize = snap
        .cells
        .iter()
        .filter(|c| c.student_id == s.id && lessons.contains(&c.lesson_id))
        .map(|c| {
            c.value
                .entries
                .iter()
                .filter(|e| matches!(e, CellEntry::Absence { .. }))
                .count()
        })
        .sum();
    assert!(
        text.contains(&format!("Всего пропущено занятий: {absences},")),
        "the extract's total of missed lessons is {absences}"
    );
}

#[test]
fn outage_pages_list_the_class_with_empty_cells() {
    let snap = snapshot();
    let g = first_group();
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == g.id && l.subgroup_id.is_none())
        .expect("load");
    let lesson = snap
        .lessons
        .iter()
        .find(|l| {
            l.load_id == load.id
                && l.substitute_teacher_id.is_none()
                && l.status == journal_protocol::LessonStatus::Scheduled
        })
        .expect("lesson");
    let pdf = Printed::new(
        "outage",
        journal_print::outage_pages(snap, load.teacher_id, lesson.date, &ctx())
            .expect("outage pages render"),
    );
    pdf.check_structure();
    let text = pdf.text();
    assert!(
        text.contains("Лист учёта занятия на время сбоя электронного журнала"),
        "the title"
    );
    assert!(
        text.contains("Тема занятия") && text.contains("Домашнее задание"),
        "blanks for topic and homework"
    );
    for m in snap.memberships.iter().filter(|m| {
        m.group_id == g.id && m.from <= lesson.date && m.to.is_none_or(|t| t >= lesson.date)
    }) {
        let s = snap
            .students
            .iter()
            .find(|s| s.id == m.student_id)
            .expect("student");
        assert!(
            text.contains(&s.last_name),
            "class list includes {}",
            s.full_name()
        );
    }
    let date = lesson.date.format("%d.%m.%Y").to_string();
    assert!(text.contains(&date), "the date is printed");
}

#[test]
fn bad_requests_get_typed_errors() {
    let snap = snapshot();
    let err = journal_print::render(
        snap,
        &PrintRequest::YearJournal {
            group_id: journal_core::GroupId(uuid::Uuid::nil()),
            double_sided: true,
        },
        &ctx(),
    )
    .expect_err("unknown group");
    assert_eq!(err.code(), "print_group_not_found", "unknown group: {err}");
    let teacher = snap.loads[0].teacher_id;
    let sunday_far_away = NaiveDate::from_ymd_opt(2030, 1, 6).expect("date");
    let err = journal_print::outage_pages(snap, teacher, sunday_far_away, &ctx())
        .expect_err("no lessons");
    assert_eq!(
        err.code(),
        "print_no_lessons",
        "a day without lessons: {err}"
    );
    assert!(
        journal_print::read_stamp(b"%PDF-1.4 not really").is_err(),
        "a foreign file has no stamp"
    );
}

#[test]
fn same_data_and_id_give_identical_codes() {
    let a = journal_print::read_stamp(&year_journal().bytes).expect("stamp");
    let again =
        journal_print::year_journal(snapshot(), first_group().id, &ctx()).expect("renders again");
    let b = journal_print::read_stamp(&again).expect("stamp");
    assert_eq!(
        a.codes, b.codes,
        "printing twice gives the same verification codes"
    );
}

#[test]
fn long_names_and_topics_stay_inside_their_cells() {
    let mut snap = snapshot().clone();
    let g = first_group();
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == g.id && l.subgroup_id.is_none())
        .expect("load")
        .clone();
    let member = snap
        .memberships
        .iter()
        .find(|m| m.group_id == g.id)
        .expect("member")
        .student_id;
    let s = snap
        .students
        .iter_mut()
        .find(|s| s.id == member)
        .expect("student");
    s.last_name = "Константинопольская-Преображенская".into();
    s.first_name = "Александра-Евгения".into();
    s.patronymic = Some("Владиславовна".into());
    let lesson = snap
        .lessons
        .iter()
        .find(|l| l.load_id == load.id)
        .expect("lesson")
        .id;
    let long_topic = "Очень длинная тема занятия ".repeat(300);
    for t in snap
        .lesson_topics
        .iter_mut()
        .filter(|t| t.lesson_id == lesson)
    {
        t.title = long_topic.clone();
    }
    let from = snap
        .lessons
        .iter()
        .find(|l| l.id == lesson)
        .expect("lesson")
        .date;
    let pdf = Printed::new(
        "long",
        journal_print::subject_pages(&snap, load.id, from, from, &ctx()).expect("renders"),
    );
    pdf.check_structure();
    // pdftotext -bbox gives every word's box: none may cross the page's right margin.
    let bbox = tool("pdftotext", &["-bbox", pdf.p(), "-"]);
    let mut words = 0;
    for line in bbox.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let x_max: f64 = line
            .split("xMax=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("xMax");
        assert!(
            x_max <= 595.0 - 12.0 / 25.4 * 72.0 + 1.0,
            "a word crosses the page margin: {line}"
        );
        words += 1;
    }
    assert!(words > 50, "the pages have text");
    let text = pdf.text();
    assert!(
        text.contains("Константинопольская"),
        "the long name is printed (shrunk or wrapped), not dropped"
    );
    assert!(
        text.contains("Очень длинная тема"),
        "the long topic is printed"
    );
}

#[test]
fn school_wording_says_class_instead_of_group() {
    let mut snap = snapshot().clone();
    snap.institution.policy.school_wording = true;
    let g = first_group();
    let pdf = Printed::new(
        "school",
        journal_print::year_journal(&snap, g.id, &ctx()).expect("renders"),
    );
    let title = pdf.page_text(1);
    assert!(
        title.contains("КЛАССНЫЙ ЖУРНАЛ"),
        "a school's journal is «Классный журнал»: {title}"
    );
    assert!(
        title.contains(&format!("Класс {}", g.name)),
        "and its group is a «класс»"
    );
}

#[test]
fn a_group_too_big_for_one_page_gets_a_spread_per_block_of_students() {
    let mut snap = snapshot().clone();
    let g = first_group();
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == g.id && l.subgroup_id.is_none())
        .expect("load")
        .clone();
    for i in 0..60 {
        let id = journal_core::StudentId(uuid::Uuid::from_u128(0xb16_0000 + i));
        snap.students.push(journal_protocol::Student {
            id,
            last_name: format!("Добавленный{i:02}"),
            first_name: "Пётр".into(),
            patronymic: None,
            birth_date: None,
        });
        snap.memberships.push(journal_protocol::Membership {
            student_id: id,
            group_id: g.id,
            subgroup_id: None,
            from: snap.year.starts_on,
            to: None,
            individual_plan: false,
        });
    }
    let from = snap.year.starts_on;
    let to = from + chrono::Duration::days(20);
    let pdf = Printed::new(
        "big",
        journal_print::subject_pages(&snap, load.id, from, to, &ctx()).expect("renders"),
    );
    pdf.check_structure();
    let text = pdf.text();
    for i in 0..60 {
        assert!(
            text.contains(&format!("Добавленный{i:02}")),
            "student {i} of a big group is printed"
        );
    }
    assert!(pdf.pages() >= 4, "two blocks of students need two spreads");
    let bbox = tool("pdftotext", &["-bbox", pdf.p(), "-"]);
    for line in bbox.lines().filter(|l| l.contains("Добавленный")) {
        let y_max: f64 = line
            .split("yMax=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("yMax");
        assert!(
            y_max < 283.0 / 25.4 * 72.0,
            "no grid row runs into the footer: {line}"
        );
    }
}

#[test]
fn login_slips_four_to_a_page_with_login_password_address_and_the_change_rule() {
    let slips: Vec<_> = (1..=5)
        .map(|n| journal_print::LoginSlip {
            full_name: format!("Иванов Иван {n}"),
            who: "Студент".into(),
            group: "ИС-21".into(),
            login: format!("ivanov.ivan{n}"),
            password: format!("kx7mor{n}ta"),
        })
        .collect();
    let pdf = Printed::new(
        "slips",
        journal_print::login_slips("ГБПОУ «Колледж»", "https://journal.example", &slips, &ctx())
            .expect("the slips render"),
    );
    pdf.check_structure();
    assert_eq!(pdf.pages(), 2, "five slips take two pages of four");
    let first = pdf.page_text(1);
    for want in [
        "Иванов Иван 1",
        "ivanov.ivan1",
        "kx7mor1ta",
        "ivanov.ivan4",
        "https://journal.example",
        "сменить",
        "ИС-21",
    ] {
        assert!(
            first.contains(want),
            "the first page shows «{want}»: {first}"
        );
    }
    assert!(
        pdf.page_text(2).contains("kx7mor5ta"),
        "the fifth slip is on page two"
    );
    let info = tool("pdfinfo", &[pdf.p()]);
    assert!(
        !info.contains("kx7mor"),
        "no password in the metadata: {info}"
    );
}

/// A student transferred into a group from a date after the printing (a future transfer already
/// entered) is in the year journal's «Список обучающихся» exactly when the finals sheet has them:
/// the two lists come from the same dates.
#[test]
fn a_future_transfer_is_in_the_students_list_as_in_the_finals_sheet() {
    let mut snap = snapshot().clone();
    let group = snap.groups[0].clone();
    let mut periods = snap.periods.clone();
    periods.sort_by_key(|p| p.starts_on);
    let (first, second) = (periods[0].clone(), periods[1].clone());
    let student = journal_protocol::Student {
        id: journal_core::StudentId(uuid::Uuid::from_u128(0xfeed)),
        last_name: "Переведенцев".into(),
        first_name: "Тимофей".into(),
        patronymic: None,
        birth_date: None,
    };
    snap.students.push(student.clone());
    snap.memberships.push(journal_protocol::Membership {
        student_id: student.id,
        group_id: group.id,
        subgroup_id: None,
        from: second.starts_on,
        to: None,
        individual_plan: false,
    });
    // Printed during the first period: the transfer is still ahead.
    let ctx = PrintContext {
        generated_at: NaiveDateTime::new(
            first.starts_on + chrono::Duration::days(30),
            chrono::NaiveTime::from_hms_opt(12, 0, 0).expect("time"),
        ),
        document_id: uuid::Uuid::from_u128(0xabc),
    };
    let finals = Printed::new(
        "finals-future-transfer",
        journal_print::finals_sheet(&snap, group.id, &ctx).expect("the finals sheet renders"),
    );
    let year = Printed::new(
        "year-future-transfer",
        journal_print::render(
            &snap,
            &PrintRequest::YearJournal {
                group_id: group.id,
                double_sided: false,
            },
            &ctx,
        )
        .expect("the year journal renders"),
    );
    let in_finals = finals.text().contains("Переведенцев");
    let text = year.text();
    let list_pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| p.contains("Зачислен(а)"))
        .collect();
    assert!(
        !list_pages.is_empty(),
        "the year journal has its students list"
    );
    let in_list = list_pages.iter().any(|p| p.contains("Переведенцев"));
    assert_eq!(
        in_list, in_finals,
        "the students list and the finals sheet agree on the transferred student (finals: {in_finals})"
    );
    assert!(
        in_list,
        "the transfer ahead is listed, as the finals sheet lists it"
    );
    let row = list_pages
        .iter()
        .flat_map(|p| p.lines())
        .find(|l| l.contains("Переведенцев"))
        .unwrap_or_default();
    assert!(
        row.contains(&second.starts_on.format("%d.%m.%Y").to_string()),
        "the list shows the date the student joins: {row}"
    );
}

/// An ИУП student is on exactly the pages of their plan's loads; a student on an ИУП with no plan
/// kept yet stays on every page of the group.
#[test]
fn an_individual_plan_student_is_on_the_pages_of_their_plan_only() {
    let mut snap = snapshot().clone();
    let m = snap
        .memberships
        .iter()
        .find(|m| m.individual_plan)
        .cloned()
        .expect("the demo has a student on an individual plan");
    let student = snap
        .students
        .iter()
        .find(|s| s.id == m.student_id)
        .cloned()
        .expect("the ИУП student");
    let loads: Vec<journal_protocol::Load> = snap
        .loads
        .iter()
        .filter(|l| l.group_id == m.group_id && l.subgroup_id.is_none())
        .cloned()
        .collect();
    assert!(loads.len() >= 2, "the group has two whole-group loads");
    let (kept, left_out) = (&loads[0], &loads[1]);
    let (from, to) = (snap.year.starts_on, snap.year.ends_on);
    let pages = |snap: &Snapshot, load: &journal_protocol::Load, name: &str| {
        let pdf = journal_print::subject_pages(snap, load.id, from, to, &ctx())
            .expect("subject pages render");
        Printed::new(name, pdf).text()
    };
    assert!(
        pages(&snap, left_out, "iup-none").contains(&student.last_name),
        "with no plan kept, the ИУП student is on every page of the group"
    );
    snap.individual_plans
        .push(journal_protocol::IndividualPlan {
            student_id: student.id,
            loads: vec![journal_protocol::IndividualPlanLoad {
                load_id: kept.id,
                hours: 10,
            }],
        });
    assert!(
        pages(&snap, kept, "iup-kept").contains(&student.last_name),
        "the plan's load has the student"
    );
    assert!(
        !pages(&snap, left_out, "iup-left-out").contains(&student.last_name),
        "a load outside the plan does not list the student"
    );
}

#[test]
fn an_exam_in_the_plan_prints_its_column_before_the_period_final() {
    let mut snap = snapshot().clone();
    let g = first_group();
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == g.id)
        .expect("load")
        .clone();
    let mut periods = snap.periods.clone();
    periods.sort_by_key(|p| p.starts_on);
    let first = periods[0].clone();
    snap.curriculum.push(journal_protocol::CurriculumLine {
        group_id: load.group_id,
        subject_id: load.subject_id,
        period_id: first.id,
        hours: 36,
        attestation: Some(journal_protocol::AttestationForm::Exam),
    });
    let student = snap
        .finals
        .iter()
        .find(|f| f.load_id == load.id && f.period_id == first.id)
        .expect("the demo has the first period's finals")
        .clone();
    snap.finals.push(journal_protocol::Final {
        column: journal_core::FinalColumn::Exam,
        value: journal_core::FinalValue::Mark {
            value: journal_core::MarkValue::new(3).expect("mark"),
        },
        ..student
    });
    let month: u32 = first
        .ends_on
        .format("%m")
        .to_string()
        .parse()
        .expect("month");
    let year: i32 = first
        .ends_on
        .format("%Y")
        .to_string()
        .parse()
        .expect("year");
    let pdf = Printed::new(
        "exam-column",
        journal_print::subject_month_pages(&snap, load.id, year, month, &ctx())
            .expect("month pages render"),
    );
    pdf.check_structure();
    let text = pdf.text();
    assert!(
        text.contains("Экз.:"),
        "the plan's exam has its own column: {text}"
    );
    assert!(text.contains("Итог:"), "beside the period final's column");
}

/// Внеурочная деятельность (003 п. 3.1) is journaled like a subject: its pages print under
/// «Журнал внеурочной деятельности», after the curriculum's subjects; «без отметок», it has no
/// column in the finals tables.
#[test]
fn extracurricular_pages_have_their_own_title_and_no_finals_column() {
    let mut snap = snapshot().clone();
    let g = first_group();
    let load = snap
        .loads
        .iter()
        .find(|l| l.group_id == g.id)
        .cloned()
        .expect("the group has a load");
    let subject = snap
        .subjects
        .iter_mut()
        .find(|s| s.id == load.subject_id)
        .expect("the load's subject");
    subject.kind = journal_protocol::SubjectKind::Extracurricular;
    subject.grading = journal_core::GradingScale::Ungraded;
    let name = subject.name.clone();
    snap.finals.retain(|f| f.load_id != load.id);
    let before = Printed::new(
        "finals-before",
        journal_print::finals_sheet(snapshot(), g.id, &ctx()).expect("renders"),
    )
    .text();
    let first_word = name.split_whitespace().next().unwrap_or_default();
    assert!(
        before.contains(first_word),
        "as a subject it has its column: {first_word}"
    );

    let year = Printed::new(
        "extracurricular",
        journal_print::year_journal(&snap, g.id, &ctx()).expect("renders"),
    );
    let text = year.text();
    assert!(
        text.contains(&format!("Журнал внеурочной деятельности: {name}")),
        "its pages and the contents name it as внеурочная деятельность"
    );
    let finals = Printed::new(
        "finals-extracurricular",
        journal_print::finals_sheet(&snap, g.id, &ctx()).expect("renders"),
    )
    .text();
    assert!(
        !finals.contains(first_word),
        "no column of blanks for a subject without marks: {finals}"
    );
}

/// The demo's «ПМ.01» (its МДК and учебная практика belong to it) with a load of its own and its
/// квалификационный экзамен given to two students (5 and 2); answers the snapshot, the module and
/// the group.
fn with_module() -> (Snapshot, journal_core::SubjectId, journal_core::GroupId) {
    use journal_protocol::SubjectKind;
    let mut snap = snapshot().clone();
    let module = snap
        .subjects
        .iter()
        .find(|s| s.kind == SubjectKind::Module)
        .map(|s| s.id)
        .expect("the demo has a профессиональный модуль");
    let mdk_load = snap
        .loads
        .iter()
        .find(|l| {
            snap.subjects
                .iter()
                .any(|s| s.id == l.subject_id && s.kind == SubjectKind::Mdk)
        })
        .cloned()
        .expect("the demo has a load of an МДК");
    let module_load = journal_protocol::Load {
        id: journal_core::LoadId(uuid::Uuid::from_u128(0xB0D_0002)),
        subject_id: module,
        subgroup_id: None,
        ..mdk_load.clone()
    };
    let mut periods = snap.periods.clone();
    periods.sort_by_key(|p| p.starts_on);
    let last = periods.last().expect("periods").id;
    snap.curriculum.push(journal_protocol::CurriculumLine {
        group_id: module_load.group_id,
        subject_id: module,
        period_id: last,
        hours: 6,
        attestation: Some(journal_protocol::AttestationForm::QualifyingExam),
    });
    let mut students: Vec<_> = snap
        .memberships
        .iter()
        .filter(|m| m.group_id == module_load.group_id)
        .map(|m| m.student_id)
        .collect();
    students.sort();
    for (student, mark) in students.iter().zip([5, 2]) {
        snap.finals.push(journal_protocol::Final {
            load_id: module_load.id,
            period_id: last,
            student_id: *student,
            column: journal_core::FinalColumn::Exam,
            value: journal_core::FinalValue::Mark {
                value: MarkValue::new(mark).expect("mark"),
            },
            entered_at: NaiveDateTime::new(today(), chrono::NaiveTime::MIN),
            author_id: module_load.teacher_id,
        });
    }
    let group = module_load.group_id;
    snap.loads.push(module_load);
    (snap, module, group)
}

/// «Журнал учета обучения по профессиональному модулю» (000 пп. 1.5–1.7): the title page, each МДК
/// and practice of the module with its pages (a practice's name the master and the work done), and
/// the module's «Сводная ведомость» with the квалификационный экзамен and «ВПД освоен/не освоен».
#[test]
fn module_journal_has_its_parts_pages_and_the_summary_sheet() {
    let (snap, module, group) = with_module();
    let pdf = Printed::new(
        "module-journal",
        journal_print::module_journal(&snap, group, module, &ctx()).expect("renders"),
    );
    pdf.check_structure();
    let first = pdf.page_text(1);
    assert!(
        first.contains("ЖУРНАЛ")
            && first.contains("учета обучения по профессиональному модулю")
            && first.contains("ПМ.01 Разработка модулей программного обеспечения"),
        "the title page names the journal and the module: {first}"
    );
    let text = pdf.text();
    for part in [
        "МДК.01.01 Разработка программных модулей",
        "Учебная практика УП.01",
    ] {
        assert!(text.contains(part), "{part} has its pages");
    }
    assert!(
        text.contains("Руководитель практики (мастер п/о):")
            && text.contains("Содержание выполненной работы"),
        "a practice's pages name the master and the work done"
    );
    let last = pdf.page_text(pdf.pages());
    let summary_text = if last.contains("Сводная ведомость") {
        last
    } else {
        pdf.page_text(pdf.pages() - 1) + &last
    };
    assert!(
        summary_text.contains("Сводная ведомость") && summary_text.contains("Квалификационный"),
        "the summary sheet ends the journal: {summary_text}"
    );
    assert!(
        text.contains("ВПД освоен") && text.contains("ВПД не освоен"),
        "5 masters the вид профессиональной деятельности, 2 does not"
    );
    assert_eq!(
        text.matches("ВПД не освоен").count(),
        1,
        "only the student with 2; those without the exam have the cell empty"
    );
    let pages = pdf.pages();
    let ink = pdf.ink(1, pages);
    assert!(
        ink.iter().all(|share| *share > 0.0),
        "no blank page among {pages}: {ink:?}"
    );
}

#[test]
fn a_module_journal_of_a_non_module_or_a_group_without_it_is_refused() {
    let (snap, module, group) = with_module();
    let mdk = snap
        .subjects
        .iter()
        .find(|s| s.module_id == Some(module))
        .map(|s| s.id)
        .expect("an МДК of the module");
    let err = journal_print::module_journal(&snap, group, mdk, &ctx()).expect_err("an МДК");
    assert_eq!(
        err.code(),
        "print_module_not_found",
        "an МДК is not a module: {err}"
    );
    let other = snap
        .groups
        .iter()
        .find(|g| {
            !snap
                .loads
                .iter()
                .any(|l| l.group_id == g.id && l.subject_id == module)
                && !snap.loads.iter().any(|l| {
                    l.group_id == g.id
                        && snap
                            .subjects
                            .iter()
                            .any(|s| s.id == l.subject_id && s.module_id == Some(module))
                })
        })
        .map(|g| g.id)
        .expect("a demo group without the module");
    let err = journal_print::module_journal(&snap, other, module, &ctx()).expect_err("no loads");
    assert_eq!(
        err.code(),
        "print_module_without_loads",
        "a group without the module's loads: {err}"
    );
    let err = journal_print::module_journal(
        &snap,
        journal_core::GroupId(uuid::Uuid::nil()),
        module,
        &ctx(),
    )
    .expect_err("unknown group");
    assert_eq!(err.code(), "print_group_not_found", "{err}");
}
