//! FET files: the hand-written fixture (`tests/fixtures/college.fet`: two years, four groups, a
//! subgroup split, a split activity, a teacher written «Фамилия И.О.», a year-wide activity and a
//! placed timetable) read, mapped onto the test college and applied; and files that must be refused
//! whole, each bad line named.

use crate::fixtures::{college, date, id, SMIRNOVA};
use chrono::NaiveTime;
use journal_core::UserId;
use journal_import::fet::parse_fet;
use journal_import::fet_map::import_fet;
use journal_import::{import_file, ImportError, ImportKind, ItemAction, LessonDates, RowError};
use journal_protocol::snapshot::{Bell, Snapshot};
use uuid::Uuid;

const FIXTURE: &str = include_str!("../fixtures/college.fet");

fn ids() -> impl FnMut() -> Uuid {
    let mut n = 20_000u128;
    move || {
        n += 1;
        Uuid::from_u128(n)
    }
}

/// The test college with a fourth bell (the fixture uses four hours) and a two-week year.
fn college_for_fet() -> Snapshot {
    let mut snap = college();
    snap.bells.push(Bell {
        number: 4,
        starts: NaiveTime::from_hms_opt(14, 0, 0).unwrap_or(NaiveTime::MIN),
        ends: NaiveTime::from_hms_opt(15, 30, 0).unwrap_or(NaiveTime::MIN),
        shift: 1,
    });
    snap.year.ends_on = date(2026, 9, 14);
    snap
}

fn row_errors(result: Result<impl std::fmt::Debug, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rows(rows)) => rows,
        other => panic!("expected row errors, got {other:?}"),
    }
}

#[test]
fn the_fixture_is_read_as_written() {
    let f = match parse_fet(FIXTURE.as_bytes()) {
        Ok(f) => f,
        Err(e) => panic!("the fixture parses: {e}"),
    };
    assert_eq!(f.version, "6.9.0", "the version attribute");
    assert_eq!(f.institution, "ГБПОУ «Колледж»", "the institution's name");
    assert_eq!((f.days.len(), f.hours.len()), (5, 4), "days and hours");
    assert_eq!(f.subjects.len(), 4, "four subjects");
    assert_eq!(
        f.teachers[0].name, "Смирнова Е.А.",
        "initials are kept as written"
    );
    assert_eq!(
        f.years
            .iter()
            .map(|y| (y.name.as_str(), y.groups.len()))
            .collect::<Vec<_>>(),
        vec![("1 курс", 2), ("2 курс", 2)],
        "two years of two groups"
    );
    assert_eq!(
        f.years[0].groups[0].subgroups.len(),
        2,
        "ИС-11 is split in two"
    );
    assert_eq!(f.activities.len(), 10, "ten activities");
    let split: Vec<_> = f.activities.iter().filter(|a| a.group_id == 3).collect();
    assert_eq!(
        split
            .iter()
            .map(|a| (a.id, a.duration, a.total_duration))
            .collect::<Vec<_>>(),
        vec![(3, 1, 2), (4, 1, 2)],
        "the split activity: two parts of one hour, two hours in all"
    );
    assert_eq!(f.placements.len(), 10, "every activity is placed");
    assert!(
        f.placements.iter().all(|p| p.locked),
        "placements are locked"
    );
    let line = FIXTURE
        .lines()
        .position(|l| l.contains("<Activity_Id>3</Activity_Id>"))
        .unwrap_or(0);
    let placement = f.placements.iter().find(|p| p.activity_id == 3);
    assert_eq!(
        placement.map(|p| p.line),
        Some(line - 1),
        "an element keeps its line (the constraint opens two lines above its Activity_Id)"
    );
}

#[test]
fn the_fixture_maps_and_applies_onto_the_college() {
    let mut snap = college_for_fet();
    let imported = match import_file(ImportKind::Fet, FIXTURE.as_bytes(), &snap) {
        Ok(i) => i,
        Err(e) => panic!("the fixture imports into the test college: {e}"),
    };
    let journal_import::Imported::Fet(fet) = &imported else {
        panic!("a FET plan")
    };
    assert_eq!(
        fet.teachers
            .iter()
            .map(|t| (t.file_name.as_str(), t.existing.is_some(), t.login.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("Смирнова Е.А.", true, "smirnova"),
            ("Волков Андрей Николаевич", true, "volkov"),
            ("Орлова Наталья Сергеевна", true, "orlova"),
            ("Зайцев Виктор Михайлович", false, "zaytsev.vm"),
        ],
        "three teachers are found (Смирнова by her initials), one is new with a made login"
    );
    assert!(
        fet.warnings
            .iter()
            .any(|w| w.contains("Смирнова Е.А.") && w.contains("Смирнова Елена Александровна")),
        "the import says whom «Смирнова Е.А.» was taken for: {:?}",
        fet.warnings
    );
    assert_eq!(fet.loads.len(), 10, "ten loads: {:#?}", fet.loads);
    let russian = fet
        .loads
        .iter()
        .find(|l| l.group == "ИС-11" && l.subject == "Русский язык");
    assert_eq!(
        russian.map(|l| (l.weekly_hours, l.activities.clone())),
        Some((2, vec![3, 4])),
        "the split activity counts its total once"
    );
    let pe: Vec<_> = fet
        .loads
        .iter()
        .filter(|l| l.subject == "Физическая культура")
        .map(|l| l.group.as_str())
        .collect();
    assert_eq!(
        pe,
        vec!["ИС-11", "ИС-12"],
        "a year-wide activity: a load per group"
    );
    assert_eq!(fet.lessons.len(), 19, "19 lessons a week");

    let before_users = snap.users.len();
    let dates = Some(LessonDates {
        from: date(2026, 9, 1),
        cycle_start: date(2026, 9, 1),
    });
    let applied = imported.apply_to(&mut snap, &mut ids(), dates);
    assert_eq!(snap.users.len(), before_users + 1, "Зайцев is added");
    assert_eq!(
        snap.groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        vec!["ИС-21", "ИС-22", "ИС-11", "ИС-12"],
        "ИС-21 and ИС-22 are the college's, ИС-11 and ИС-12 are new"
    );
    let is11 = snap
        .groups
        .iter()
        .find(|g| g.name == "ИС-11")
        .map(|g| (g.id, g.course));
    assert_eq!(is11.map(|g| g.1), Some(1), "ИС-11 is of the first course");
    let subgroups: Vec<&str> = snap
        .subgroups
        .iter()
        .filter(|s| Some(s.group_id) == is11.map(|g| g.0))
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        subgroups,
        vec!["1 подгруппа", "2 подгруппа"],
        "FET's «ИС-11 1 подгруппа» is «1 подгруппа» of ИС-11"
    );
    assert_eq!(
        snap.subgroups.len(),
        4,
        "ИС-21's subgroups are the college's own"
    );
    let subjects = snap.subjects.len();
    assert_eq!(subjects, 4, "Физическая культура is the one new subject");
    assert_eq!(
        snap.loads.len(),
        4 + 8,
        "eight new loads beside the college's four (two found)"
    );
    // 1–14 September 2026: each weekday twice; 19 lessons a week.
    assert_eq!(snap.lessons.len(), 38, "38 lessons in the two weeks");
    let smirnova_math = snap
        .loads
        .iter()
        .filter(|l| l.teacher_id == UserId(id(SMIRNOVA)))
        .count();
    assert_eq!(
        smirnova_math, 4,
        "Смирнова's loads: two of the college's, two new"
    );
    let is11_russian = snap
        .loads
        .iter()
        .find(|l| {
            Some(l.group_id) == is11.map(|g| g.0)
                && snap
                    .subjects
                    .iter()
                    .any(|s| s.id == l.subject_id && s.name == "Русский язык")
        })
        .map(|l| l.planned_hours);
    assert_eq!(
        is11_russian,
        Some(6),
        "2 hours a week × 3 school weeks (the year touches three ISO weeks)"
    );
    assert_eq!(
        (applied.added, applied.updated),
        (1 + 2 + 2 + 1 + 8 + 38, 2),
        "created: a teacher, two groups, two subgroups, a subject, eight loads, 38 lessons; the two \
         loads found get the file's hours: {:#?}",
        applied.items
    );
    assert!(
        applied.items.iter().any(|i| i.action == ItemAction::Keep
            && i.entity == "Группа"
            && i.text.contains("ИС-21")),
        "ИС-21 is kept"
    );

    // The same file again changes nothing.
    let again = match import_file(ImportKind::Fet, FIXTURE.as_bytes(), &snap) {
        Ok(i) => i,
        Err(e) => panic!("the fixture imports again: {e}"),
    };
    let before = snap.clone();
    let applied = again.apply_to(&mut snap, &mut ids(), dates);
    assert_eq!(
        (applied.added, applied.updated, applied.removed),
        (0, 0, 0),
        "a second import creates, changes and removes nothing: {:#?}",
        applied.items
    );
    assert_eq!(snap, before, "the institution is as it was");
}

#[test]
fn an_empty_institution_gets_its_bells_from_the_hours() {
    let mut snap = college();
    snap.bells.clear();
    snap.groups.clear();
    snap.subgroups.clear();
    snap.loads.clear();
    snap.subjects.clear();
    // Without the full names of Смирнова nobody can be created from «Смирнова Е.А.».
    let errors = row_errors(import_fet(FIXTURE.as_bytes(), &{
        let mut s = snap.clone();
        s.users.clear();
        s
    }));
    let line = FIXTURE
        .lines()
        .position(|l| l.contains("<Name>Смирнова Е.А.</Name>"))
        .unwrap_or(0);
    assert_eq!(
        errors
            .iter()
            .map(|e| (e.row, e.column.as_deref()))
            .collect::<Vec<_>>(),
        vec![(line, Some("Teacher"))],
        "the initials-only teacher nobody matches is refused at her line: {errors:?}"
    );
    assert!(
        errors[0].reason.contains("полностью"),
        "the reason says to write the name in full: {}",
        errors[0].reason
    );
    let imported = match import_file(ImportKind::Fet, FIXTURE.as_bytes(), &snap) {
        Ok(i) => i,
        Err(e) => panic!("with the teachers known, an empty college imports: {e}"),
    };
    imported.apply_to(&mut snap, &mut ids(), None);
    assert_eq!(
        snap.bells
            .iter()
            .map(|b| (b.number, b.starts.format("%H:%M").to_string()))
            .collect::<Vec<_>>(),
        vec![
            (1, "08:30".to_string()),
            (2, "10:10".to_string()),
            (3, "12:20".to_string()),
            (4, "14:00".to_string())
        ],
        "the bells come from the hours' times"
    );
    assert_eq!(snap.groups.len(), 4, "four groups");
    assert_eq!(snap.loads.len(), 10, "ten loads");
}

#[test]
fn bad_files_are_refused_naming_lines() {
    let snap = college_for_fet();
    let line_of = |text: &str, needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i + 1)
    };
    // A group spelt like the college's «ИС-21» with an en dash.
    let look_alike = FIXTURE.replace("<Name>ИС-21</Name>", "<Name>ИС\u{2013}21</Name>");
    let errors = row_errors(import_fet(look_alike.as_bytes(), &snap));
    assert!(
        errors.iter().any(
            |e| e.row == line_of(&look_alike, "<Name>ИС\u{2013}21</Name>") - 1
                && e.reason.contains("«ИС-21»")
        ),
        "the look-alike group is refused naming ИС-21: {errors:?}"
    );
    // A namesake: two staff fit «Смирнова Е.А.».
    let mut namesakes = snap.clone();
    namesakes.users.push(crate::fixtures::teacher(
        77,
        "smirnova2",
        "Смирнова Елена Андреевна",
    ));
    let errors = row_errors(import_fet(FIXTURE.as_bytes(), &namesakes));
    assert!(
        errors
            .iter()
            .any(|e| e.reason.contains("smirnova2") && e.reason.contains("(smirnova)")),
        "both namesakes are named: {errors:?}"
    );
    // An invisible character in a subject's name.
    let hidden = FIXTURE.replace(
        "<Name>Информатика</Name>",
        "<Name>Инфор\u{E000}матика</Name>",
    );
    let errors = row_errors(import_fet(hidden.as_bytes(), &snap));
    assert!(
        errors
            .iter()
            .any(|e| e.column.as_deref() == Some("Subject") && e.reason.contains("U+E000")),
        "a private-use character is refused: {errors:?}"
    );
    // A placement of an activity the file lacks, on a day it lacks.
    let stray = FIXTURE.replace(
        "<Activity_Id>10</Activity_Id>",
        "<Activity_Id>99</Activity_Id>",
    );
    let errors = row_errors(import_fet(stray.as_bytes(), &snap));
    assert!(
        errors
            .iter()
            .any(|e| e.column.as_deref() == Some("Activity_Id") && e.reason.contains("99")),
        "an unknown activity is refused: {errors:?}"
    );
    for (text, what) in [
        (
            "<fet version=\"6\"><Activities_List>".to_string(),
            "an unclosed file",
        ),
        ("<timetable/>".to_string(), "another root"),
    ] {
        match import_fet(text.as_bytes(), &snap) {
            Err(e @ ImportError::FetXml(_)) => {
                assert_eq!(e.code(), "import_fet_invalid", "{what}: the code")
            }
            other => panic!("{what} is not a FET file: {other:?}"),
        }
    }
}
