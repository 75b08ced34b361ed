//! The three real aSc exports described in `<repo>/../shared/samples/asc/README.md`. The files are
//! read where they lie; no name from them is written here (assertions use counts, characters,
//! subject and class names).

use journal_import::asc::{parse_asc, AscLayout, AscTimetable, AscWarning};
use journal_import::WeekParity;
use std::path::PathBuf;

fn samples_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/asc"
    ))
}

/// The sample's bytes, or None (with a message) where the shared folder is absent.
fn sample(name: &str) -> Option<Vec<u8>> {
    let path = samples_dir().join(name);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!(
                "SKIP: aSc sample {} not readable ({e}); the shared samples folder is absent here",
                path.display()
            );
            None
        }
    }
}

fn parsed(name: &str) -> Option<AscTimetable> {
    let bytes = sample(name)?;
    match parse_asc(&bytes) {
        Ok(t) => Some(t),
        Err(e) => panic!("{name} must parse: {e}"),
    }
}

struct Counts {
    classes: usize,
    teachers: usize,
    subjects: usize,
    rooms: usize,
    groups: usize,
    lessons: usize,
    cards: usize,
    unplaced: usize,
}

fn assert_counts(name: &str, t: &AscTimetable, c: Counts) {
    let got = [
        t.classes.len(),
        t.teachers.len(),
        t.subjects.len(),
        t.rooms.len(),
        t.groups.len(),
        t.lessons.len(),
        t.cards.len(),
        t.unplaced_lessons().len(),
    ];
    let want = [
        c.classes, c.teachers, c.subjects, c.rooms, c.groups, c.lessons, c.cards, c.unplaced,
    ];
    assert_eq!(
        got, want,
        "{name}: classes, teachers, subjects, rooms, groups, lessons, cards, lessons with no card as the README counts them"
    );
    let unplaced_warnings = t
        .warnings
        .iter()
        .filter(|w| matches!(w, AscWarning::Unplaced { .. }))
        .count();
    assert_eq!(
        unplaced_warnings, c.unplaced,
        "{name}: each unplaced lesson is a warning, not an error"
    );
}

fn slots_of(t: &AscTimetable, lesson_id: &str) -> Vec<(u8, u8, u8)> {
    let mut v: Vec<(u8, u8, u8)> = t
        .slots
        .iter()
        .filter(|s| s.lesson_id == lesson_id)
        .map(|s| (s.day, s.first_period, s.periods))
        .collect();
    v.sort();
    v
}

#[test]
fn polish_2012_export_in_windows_1250_with_crlf() {
    let Some(t) = parsed("asc2012_pl_school_cp1250.xml") else {
        return;
    };
    assert_eq!(t.layout, AscLayout::Asc2012, "aSc 2012 layout");
    assert_eq!(
        t.encoding, "windows-1250",
        "the prolog's encoding is honoured"
    );
    assert_counts(
        "PL",
        &t,
        Counts {
            classes: 29,
            teachers: 24,
            subjects: 54,
            rooms: 20,
            groups: 145,
            lessons: 176,
            cards: 414,
            unplaced: 9,
        },
    );
    // Polish letters decode (ł, ś, ę …) and no replacement character appears anywhere.
    let all_text: String = t
        .teachers
        .iter()
        .map(|x| format!("{} {} {}", x.name, x.first_name, x.last_name))
        .chain(t.subjects.iter().map(|s| s.name.clone()))
        .chain(t.groups.iter().map(|g| g.name.clone()))
        .collect();
    assert!(
        !all_text.contains('\u{fffd}'),
        "no undecodable byte in names"
    );
    assert!(
        t.teachers.iter().any(|x| x.name.contains('ł'))
            && t.teachers
                .iter()
                .any(|x| x.name.contains('ś') || x.name.contains('Ś')),
        "teachers' Polish names keep ł and ś (windows-1250 read as such)"
    );
    assert!(
        t.groups
            .iter()
            .any(|g| g.entire_class && g.name == "Cała klasa"),
        "the whole-class group «Cała klasa» decodes with its ł"
    );
    // Periods: «lesson 0» is stored as period 1, with times.
    let p1 = t
        .period(1)
        .map(|p| (p.name.clone(), p.starts.map(|s| s.to_string())));
    assert_eq!(
        p1,
        Some(("0".to_string(), Some("07:10:00".to_string()))),
        "period 1 is lesson «0» at 7:10"
    );
    assert_eq!(t.days.len(), 5, "five day names from the daysdefs");
    // Two-week cycle on cards: 2 cards in week A, 2 in week B.
    let a = t.slots.iter().filter(|s| s.week == WeekParity::A).count();
    let b = t.slots.iter().filter(|s| s.week == WeekParity::B).count();
    assert_eq!(
        (a, b),
        (2, 2),
        "cards with weeks=10 are week A, weeks=01 week B"
    );
    // Divisions: every class has a whole-class group and divisions tagged 1 and 2.
    for class in &t.classes {
        let tags: std::collections::BTreeSet<(bool, u32)> = t
            .groups
            .iter()
            .filter(|g| g.class_id == class.id)
            .map(|g| (g.entire_class, g.division_tag))
            .collect();
        assert!(
            tags.contains(&(true, 0)) && tags.contains(&(false, 1)) && tags.contains(&(false, 2)),
            "class «{}» has the whole class and divisions 1 and 2",
            class.name
        );
    }
    // Cross-class lessons: two lessons span two classes with one group from each.
    let cross = t
        .lessons
        .iter()
        .filter(|l| l.class_ids.len() == 2 && l.group_ids.len() == 2)
        .count();
    assert_eq!(cross, 2, "two lessons span two classes");
    assert_eq!(
        t.classes.iter().filter(|c| c.teacher_id.is_some()).count(),
        13,
        "class@teacherid read as the class teacher where the file gives one"
    );
    // 2012 cards are one per period: a single-period lesson's slots are one period each.
    assert_eq!(
        t.slots
            .iter()
            .map(|s| usize::from(s.periods))
            .sum::<usize>(),
        t.cards.len(),
        "every card is one occupied period"
    );
}

#[test]
fn old_ukrainian_export_without_prolog() {
    let Some(t) = parsed("asc_old_ua_school_utf8.xml") else {
        return;
    };
    assert_eq!(t.layout, AscLayout::Old, "the pre-2012 layout with <days>");
    assert_eq!(t.encoding, "UTF-8", "no prolog: UTF-8");
    assert_counts(
        "UA",
        &t,
        Counts {
            classes: 29,
            teachers: 41,
            subjects: 42,
            rooms: 28,
            groups: 145,
            lessons: 407,
            cards: 748,
            unplaced: 0,
        },
    );
    assert_eq!(t.days.len(), 5, "days come from <days><day>");
    assert!(
        t.days
            .iter()
            .all(|d| d.name.chars().any(|c| ('А'..='я').contains(&c) || c == 'і')),
        "Cyrillic day names"
    );
    // Class names lose their leading spaces.
    assert!(
        t.classes.iter().any(|c| c.name == "1-А"),
        "« 1-А» is read as «1-А»"
    );
    assert!(
        t.classes.iter().all(|c| c.name == c.name.trim()),
        "no class name keeps a leading space"
    );
    // Weeks on lessons: 21 lessons in week A, 21 in week B (each placed once).
    let weeks = |w: WeekParity| {
        t.lessons
            .iter()
            .filter(|l| t.slots.iter().any(|s| s.lesson_id == l.id && s.week == w))
            .count()
    };
    assert_eq!(
        (weeks(WeekParity::A), weeks(WeekParity::B)),
        (21, 21),
        "lesson weeks=10/01 give week A/B slots"
    );
    // Double lessons: one card per block is expanded to 2 periods; nothing is left unclear.
    let doubles: Vec<_> = t
        .lessons
        .iter()
        .filter(|l| l.periods_per_card == 2)
        .collect();
    assert_eq!(doubles.len(), 6, "six double lessons");
    for l in &doubles {
        let s = slots_of(&t, &l.id);
        assert_eq!(s.len(), 1, "double lesson {} is one slot", l.id);
        assert_eq!(s[0].2, 2, "double lesson {} occupies 2 periods", l.id);
    }
    assert!(
        !t.warnings
            .iter()
            .any(|w| matches!(w, AscWarning::DoubleLessonUnclear { .. })),
        "alternate-week doubles (1 card, 1 period a week on average) are read as blocks too"
    );
    // Both groups of one division with several teachers: a warning naming them.
    let ambiguous: Vec<_> = t
        .warnings
        .iter()
        .filter_map(|w| match w {
            AscWarning::TeacherGroupAmbiguous {
                teachers, groups, ..
            } => Some((teachers.len(), groups.len())),
            _ => None,
        })
        .collect();
    assert_eq!(
        ambiguous.len(),
        39,
        "39 lessons put both groups of one division with 2–3 teachers"
    );
    assert!(
        ambiguous.iter().all(|(t, g)| *t >= 2 && *g == 2),
        "each names its teachers and the 2 groups"
    );
    assert!(t.cards.iter().all(|c| c.day < 5), "days 0..4");
}

#[test]
fn brazilian_2012_college_one_card_per_period() {
    let Some(t) = parsed("asc2012_br_college_utf8.xml") else {
        return;
    };
    assert_eq!(t.layout, AscLayout::Asc2012, "aSc 2012 layout");
    assert_counts(
        "BR",
        &t,
        Counts {
            classes: 47,
            teachers: 103,
            subjects: 403,
            rooms: 67,
            groups: 235,
            lessons: 515,
            cards: 1187,
            unplaced: 17,
        },
    );
    assert_eq!(t.periods.len(), 15, "morning, afternoon and night periods");
    assert!(
        t.periods
            .iter()
            .all(|p| p.starts.is_some() && p.ends.is_some()),
        "every period has times"
    );
    // Cards are never expanded by periodspercard: periods occupied = cards.
    let occupied: usize = t.slots.iter().map(|s| usize::from(s.periods)).sum();
    assert_eq!(
        occupied, 1187,
        "one card per occupied period, not expanded again"
    );
    // Placed periods per lesson equal periodsperweek.
    for l in &t.lessons {
        let placed: u32 = t
            .slots
            .iter()
            .filter(|s| s.lesson_id == l.id)
            .map(|s| u32::from(s.periods))
            .sum();
        if placed > 0 {
            assert_eq!(
                f64::from(placed),
                l.periods_per_week,
                "lesson {} placed as often as planned",
                l.id
            );
        }
    }
    // A 4-hour, 2-period lesson at periods 1,2 and 7,8 is two double slots.
    let four_two = t.lessons.iter().find(|l| {
        l.periods_per_card == 2 && l.periods_per_week == 4.0 && !slots_of(&t, &l.id).is_empty()
    });
    let Some(l) = four_two else {
        panic!("BR has a 4-hour lesson in double periods")
    };
    let s = slots_of(&t, &l.id);
    assert!(
        s.len() == 2 && s.iter().all(|x| x.2 == 2),
        "4 hours in blocks of 2 are two double slots: {s:?}"
    );
    let max_block = t.slots.iter().map(|s| s.periods).max();
    assert_eq!(max_block, Some(7), "the 7-period lesson is one block of 7");
    let no_teacher = t
        .warnings
        .iter()
        .filter(|w| matches!(w, AscWarning::NoTeacher { .. }))
        .count();
    assert_eq!(no_teacher, 9, "9 lessons have no teacher");
    assert_eq!(
        t.cards.iter().filter(|c| c.room_ids.is_empty()).count(),
        268,
        "268 cards have no room"
    );
}
