//! aSc → the institution's weekly pattern: a small export written here (old layout, in
//! Windows-1251 without a prolog, and in UTF-8 with a BOM and CRLF), and the real Ukrainian sample
//! mapped onto an institution built from its own names at run time.

use crate::fixtures::{college, id, IS21};
use chrono::Weekday;
use journal_core::{GroupId, LoadId, SubgroupId, SubjectId, UserId};
use journal_import::asc::{parse_asc, AscWarning};
use journal_import::asc_map::map_to_pattern;
use journal_import::WeekParity;
use journal_protocol::snapshot::*;

/// A weekly lesson as (weekday, bell, hours, week, load, room).
type Placed<'a> = (Weekday, u8, u8, WeekParity, LoadId, Option<&'a str>);

/// Old-layout export: 45-minute periods (two per bell of the college's pairs), a class name with a
/// leading space, a division into subgroups with two teachers, and lessons the institution lacks.
const SMALL_EXPORT: &str = r##"<timetable importtype="database" options="idprefix:XML,groupstype1,decimalseparatordot" defaultexport="1">
<days options="canadd,export:silent" columns="day,name,short">
<day day="0" name="Понедельник" short="Пн"/><day day="1" name="Вторник" short="Вт"/><day day="2" name="Среда" short="Ср"/><day day="3" name="Четверг" short="Чт"/><day day="4" name="Пятница" short="Пт"/>
</days>
<periods options="canadd,export:silent" columns="period,starttime,endtime">
<period period="1" starttime="8:30" endtime="9:15"/><period period="2" starttime="9:15" endtime="10:00"/>
<period period="3" starttime="10:10" endtime="10:55"/><period period="4" starttime="10:55" endtime="11:40"/>
<period period="5" starttime="12:20" endtime="13:05"/><period period="6" starttime="13:05" endtime="13:50"/>
<period period="7" starttime="16:00" endtime="16:45"/>
</periods>
<teachers options="canadd,export:silent" columns="id,name,short,gender,color">
<teacher id="*1" name="Смирнова Елена Александровна" short="СЕА" gender="F" color="#FF0000"/>
<teacher id="*2" name="Волков А.Н." short="ВАН" gender="M" color="#00FF00"/>
<teacher id="*3" name="Орлова Наталья Сергеевна" short="ОНС" gender="F" color="#0000FF"/>
<teacher id="*4" name="Незнакомов Пётр Ильич" short="НПИ" gender="M" color="#000000"/>
</teachers>
<classes options="canadd,export:silent" columns="id,name,short,classroomids,teacherid">
<class id="*1" name=" ИС-21" short="ИС21" classroomids="" teacherid=""/>
<class id="*2" name="ИС-22" short="ИС22" classroomids="" teacherid="*1"/>
</classes>
<subjects options="canadd,export:silent" columns="id,name,short">
<subject id="*1" name="Математика" short="Мат"/><subject id="*2" name="Информатика" short="Инф"/>
<subject id="*3" name="Физика" short="Физ"/><subject id="*4" name="Русский язык" short="Рус"/>
</subjects>
<classrooms options="canadd,export:silent" columns="id,name,short">
<classroom id="*1" name="Кабинет 101" short="101"/><classroom id="*2" name="Кабинет 204" short="204"/><classroom id="*3" name="Кабинет 205" short="205"/>
</classrooms>
<students options="canadd,export:silent" columns="id,classid,name"></students>
<groups options="canadd,export:silent" columns="id,classid,name,entireclass,divisiontag,studentcount">
<group id="*1" classid="*1" name="Весь класс" entireclass="1" divisiontag="0" studentcount=""/>
<group id="*2" classid="*1" name="1 группа" entireclass="0" divisiontag="1" studentcount=""/>
<group id="*3" classid="*1" name="2 группа" entireclass="0" divisiontag="1" studentcount=""/>
<group id="*4" classid="*2" name="Весь класс" entireclass="1" divisiontag="0" studentcount=""/>
</groups>
<lessons options="canadd,export:silent" columns="id,subjectid,classids,groupids,studentids,teacherids,classroomids,periodspercard,periodsperweek,weeks">
<lesson id="*1" subjectid="*1" classids="*1" groupids="*1" studentids="" teacherids="*1" classroomids="*1" periodspercard="2" periodsperweek="2.0" weeks="1"/>
<lesson id="*2" subjectid="*2" classids="*1" groupids="*2,*3" studentids="" teacherids="*2,*3" classroomids="*2,*3" periodspercard="1" periodsperweek="0.5" weeks="10"/>
<lesson id="*3" subjectid="*3" classids="*2" groupids="*4" studentids="" teacherids="*1" classroomids="" periodspercard="1" periodsperweek="1.0" weeks="1"/>
<lesson id="*4" subjectid="*1" classids="*2" groupids="*4" studentids="" teacherids="*1" classroomids="" periodspercard="1" periodsperweek="1.0" weeks="1"/>
<lesson id="*5" subjectid="*1" classids="*2" groupids="*4" studentids="" teacherids="*1" classroomids="" periodspercard="1" periodsperweek="1.0" weeks="1"/>
<lesson id="*6" subjectid="*2" classids="*2" groupids="*4" studentids="" teacherids="*4" classroomids="" periodspercard="1" periodsperweek="1.0" weeks="1"/>
<lesson id="*7" subjectid="*1" classids="*2" groupids="*4" studentids="" teacherids="*1" classroomids="*1" periodspercard="1" periodsperweek="1.0" weeks="01"/>
<lesson id="*8" subjectid="*4" classids="*1" groupids="*1" studentids="" teacherids="*3" classroomids="" periodspercard="1" periodsperweek="1.0" weeks="1"/>
</lessons>
<cards options="canadd,export:silent" columns="lessonid,day,period,classroomids">
<card lessonid="*1" day="0" period="1" classroomids="*1"/>
<card lessonid="*2" day="1" period="3" classroomids="*2,*3"/>
<card lessonid="*3" day="1" period="5" classroomids=""/>
<card lessonid="*5" day="2" period="7" classroomids=""/>
<card lessonid="*6" day="2" period="1" classroomids=""/>
<card lessonid="*7" day="3" period="1" classroomids="*1"/>
<card lessonid="*8" day="4" period="5" classroomids=""/>
</cards>
</timetable>
"##;

#[test]
fn small_export_in_windows_1251_and_utf8_with_bom_reads_the_same() {
    let cp1251 = encoding_rs::WINDOWS_1251
        .encode(SMALL_EXPORT)
        .0
        .into_owned();
    let bom_crlf = format!("\u{feff}{}", SMALL_EXPORT.replace('\n', "\r\n"));
    let a = parse_asc(&cp1251);
    let b = parse_asc(bom_crlf.as_bytes());
    let (Ok(a), Ok(b)) = (a, b) else {
        panic!("both encodings parse")
    };
    assert_eq!(
        a.encoding, "windows-1251",
        "not UTF-8, no prolog: Windows-1251"
    );
    assert_eq!(b.encoding, "UTF-8", "a UTF-8 BOM");
    assert_eq!(
        (&a.classes, &a.teachers, &a.lessons, &a.slots),
        (&b.classes, &b.teachers, &b.lessons, &b.slots),
        "the same timetable from both"
    );
    assert_eq!(a.classes[0].name, "ИС-21", "the leading space is trimmed");
    let unplaced: Vec<&str> = a
        .warnings
        .iter()
        .filter_map(|w| match w {
            AscWarning::Unplaced { lesson_id, .. } => Some(lesson_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(unplaced, vec!["*4"], "lesson *4 has no card");
    let ambiguous = a
        .warnings
        .iter()
        .filter(|w| matches!(w, AscWarning::TeacherGroupAmbiguous { .. }))
        .count();
    assert_eq!(
        ambiguous, 1,
        "two teachers for the two subgroups of ИС-21 are flagged"
    );
    let text = a
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("ИС-21: 1 группа") && text.contains("ИС-21: 2 группа"),
        "the warning names both groups: {text}"
    );
}

#[test]
fn small_export_maps_onto_the_college_by_names() {
    let Ok(tt) = parse_asc(SMALL_EXPORT.as_bytes()) else {
        panic!("parses")
    };
    let m = map_to_pattern(&tt, &college());
    let got: Vec<Placed> = m
        .lessons
        .iter()
        .map(|l| {
            (
                l.weekday,
                l.bell_number,
                l.hours,
                l.week,
                l.load_id,
                l.room.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Weekday::Mon, 1, 2, WeekParity::Every, LoadId(id(300)), Some("Кабинет 101")),
            (Weekday::Tue, 2, 1, WeekParity::A, LoadId(id(301)), Some("Кабинет 204, Кабинет 205")),
            (Weekday::Tue, 2, 1, WeekParity::A, LoadId(id(302)), Some("Кабинет 204, Кабинет 205")),
            (Weekday::Thu, 1, 1, WeekParity::B, LoadId(id(303)), Some("Кабинет 101")),
        ],
        "a double block of two 45-minute periods is one paired lesson in bell 1; aSc's «1 группа» is \
         «1 подгруппа»; the loads decide who takes which subgroup; week B from the lesson"
    );
    assert_eq!(
        m.unmatched.subjects,
        vec!["Физика"],
        "Физика is not taught in the college"
    );
    assert_eq!(m.unmatched.teachers.len(), 1, "one teacher is unknown");
    assert_eq!(
        m.unmatched.periods,
        vec!["7 (16:00)"],
        "period 7 falls into no bell"
    );
    assert!(m.unmatched.classes.is_empty(), "« ИС-21» matches «ИС-21»");
    assert_eq!(m.missing_loads.len(), 1, "Russian in ИС-21 has no load yet");
    assert_eq!(
        (
            m.missing_loads[0].group_id,
            m.missing_loads[0].subject_id,
            m.missing_loads[0].subgroup_id
        ),
        (
            GroupId(id(IS21)),
            SubjectId(id(crate::fixtures::RUSSIAN)),
            None
        ),
        "the missing load is named by its group and subject"
    );
    assert!(
        m.undecided.is_empty(),
        "the college's loads decided the subgroups"
    );
    assert!(m.warnings.is_empty(), "no clashes: {:?}", m.warnings);

    // Without the subgroup loads nothing decides who takes which subgroup.
    let mut snap = college();
    snap.loads.retain(|l| l.subgroup_id.is_none());
    let m = map_to_pattern(&tt, &snap);
    assert_eq!(
        m.undecided.len(),
        2,
        "both subgroups of ИС-21 await a decision: {:?}",
        m.undecided
    );
    assert!(
        m.undecided.iter().all(|u| u.contains("Информатика")),
        "the message names the lesson"
    );
}

/// An institution with exactly the sample's names: every class a group, every division group a
/// subgroup, every teacher a user, every period a bell — built from the parsed file, never written here.
fn institution_like(tt: &journal_import::asc::AscTimetable) -> Snapshot {
    let mut snap = college();
    let uid = |kind: u128, i: usize| uuid::Uuid::from_u128((kind << 64) + i as u128);
    snap.groups = tt
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| Group {
            id: GroupId(uid(1, i)),
            name: c.name.clone(),
            course: 1,
            specialty: String::new(),
            curator_id: None,
        })
        .collect();
    snap.subgroups = Vec::new();
    for (i, g) in tt
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.entire_class)
    {
        if let Some(ci) = tt.classes.iter().position(|c| c.id == g.class_id) {
            snap.subgroups.push(Subgroup {
                id: SubgroupId(uid(2, i)),
                group_id: GroupId(uid(1, ci)),
                name: g.name.clone(),
            });
        }
    }
    snap.users = tt
        .teachers
        .iter()
        .map(|t| crate::fixtures::teacher(0, "", &t.name))
        .enumerate()
        .map(|(i, mut u)| {
            u.id = UserId(uid(3, i));
            u.login = format!("t{i}");
            u
        })
        .collect();
    snap.subjects = tt
        .subjects
        .iter()
        .enumerate()
        .map(|(i, s)| Subject {
            id: SubjectId(uid(4, i)),
            name: s.name.clone(),
            short_name: s.short.clone(),
            kind: SubjectKind::Discipline,
            grading: Default::default(),
            module_id: None,
        })
        .collect();
    snap.bells = tt
        .periods
        .iter()
        .filter_map(|p| {
            Some(Bell {
                number: p.number,
                starts: p.starts?,
                ends: p.ends?,
                shift: 1,
            })
        })
        .collect();
    snap.loads = Vec::new();
    snap
}

#[test]
fn ukrainian_sample_maps_by_names() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/asc/asc_old_ua_school_utf8.xml"
    );
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("SKIP: {path} is absent (the shared samples folder is not here)");
        return;
    };
    let Ok(tt) = parse_asc(&bytes) else {
        panic!("the UA sample parses")
    };
    let mut snap = institution_like(&tt);
    let first = map_to_pattern(&tt, &snap);
    assert!(
        first.unmatched.is_empty(),
        "every name of the file is in the institution: {:?}",
        first.unmatched
    );
    assert!(first.lessons.is_empty(), "no loads yet, so no lessons");
    assert!(
        !first.missing_loads.is_empty(),
        "the loads the timetable needs are proposed"
    );
    let ambiguous = tt
        .warnings
        .iter()
        .filter(|w| matches!(w, AscWarning::TeacherGroupAmbiguous { .. }))
        .count();
    assert!(
        first.undecided.len() >= 2 * ambiguous,
        "each subgroup of each ambiguous division awaits a decision"
    );

    // The administrator creates the proposed loads: every decided lesson is now in the pattern.
    for (i, m) in first.missing_loads.iter().enumerate() {
        snap.loads.push(Load {
            id: LoadId(uuid::Uuid::from_u128((5 << 64) + i as u128)),
            teacher_id: m.teacher_id,
            group_id: m.group_id,
            subject_id: m.subject_id,
            subgroup_id: m.subgroup_id,
            from: snap.year.starts_on,
            to: None,
            planned_hours: 0,
        });
    }
    let second = map_to_pattern(&tt, &snap);
    assert!(
        second.missing_loads.is_empty(),
        "nothing is missing any more"
    );
    // A load proposed for a single-teacher lesson (teacher × subgroup × subject) also tells who
    // takes that subgroup in a two-teacher lesson of the same subject; the rest stays undecided.
    assert!(
        !second.undecided.is_empty() && second.undecided.len() < first.undecided.len(),
        "loads decide some divisions ({} → {} undecided)",
        first.undecided.len(),
        second.undecided.len()
    );
    // One bell per period here: every period of every single-teacher lesson lands in the pattern
    // once per target (a double block of the old export counts 2); decided two-teacher lessons add
    // at most their periods × groups.
    let hours: u32 = second.lessons.iter().map(|l| u32::from(l.hours)).sum();
    let periods_times_targets = |single: bool| -> u32 {
        tt.slots
            .iter()
            .filter_map(|s| tt.lesson(&s.lesson_id).map(|l| (s, l)))
            .filter(|(_, l)| (l.teacher_ids.len() == 1) == single)
            .map(|(s, l)| {
                let divided = l
                    .group_ids
                    .iter()
                    .filter_map(|g| tt.group(g))
                    .filter(|g| !g.entire_class)
                    .count();
                u32::from(s.periods) * l.class_ids.len().max(divided) as u32
            })
            .sum()
    };
    let single = periods_times_targets(true);
    let multi = periods_times_targets(false);
    assert!(
        single < hours && hours <= single + multi,
        "pattern hours {hours}: all {single} single-teacher hours plus some of the {multi} two-teacher ones"
    );
    assert!(
        second.warnings.is_empty(),
        "no teacher or group is booked twice (double blocks and A/B weeks fit together; a lesson for \
         two classes is one joint lesson): {:?}",
        second.warnings
    );
    let a = second
        .lessons
        .iter()
        .filter(|l| l.week == WeekParity::A)
        .count();
    let b = second
        .lessons
        .iter()
        .filter(|l| l.week == WeekParity::B)
        .count();
    assert!(
        a > 0 && b > 0,
        "alternate-week lessons keep their weeks: A {a}, B {b}"
    );
}

/// A 2012-layout export declared in Windows-1251: weeks on cards, a card for two days, a card for
/// the first term only, and a double lesson written as one card per period.
const SMALL_2012: &str = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\r\n\
<timetable ascttversion=\"2020.11.4\" importtype=\"database\" options=\"groupstype1\" defaultexport=\"1\">\r\n\
<periods columns=\"period,name,short,starttime,endtime\">\
<period name=\"1\" short=\"1\" period=\"1\" starttime=\"8:30\" endtime=\"10:00\"/>\
<period name=\"2\" short=\"2\" period=\"2\" starttime=\"10:10\" endtime=\"11:40\"/>\
<period name=\"3\" short=\"3\" period=\"3\" starttime=\"12:20\" endtime=\"13:50\"/></periods>\r\n\
<daysdefs columns=\"id,days,name,short\"><daysdef id=\"D1\" name=\"Понедельник\" short=\"Пн\" days=\"10000\"/>\
<daysdef id=\"D2\" name=\"Вторник\" short=\"Вт\" days=\"01000\"/><daysdef id=\"DX\" name=\"Любой день\" short=\"X\" days=\"10000,01000\"/></daysdefs>\r\n\
<weeksdefs columns=\"id,weeks,name,short\"><weeksdef id=\"W\" name=\"Все недели\" short=\"Все\" weeks=\"11\"/>\
<weeksdef id=\"WA\" name=\"Неделя А\" short=\"А\" weeks=\"10\"/></weeksdefs>\r\n\
<subjects columns=\"id,name,short\"><subject id=\"S1\" name=\"Математика\" short=\"Мат\"/></subjects>\r\n\
<teachers columns=\"id,name,short\"><teacher id=\"T1\" name=\"Смирнова Елена Александровна\" short=\"СЕА\" firstname=\"Елена\" lastname=\"Смирнова\"/></teachers>\r\n\
<classrooms columns=\"id,name,short\"></classrooms>\r\n\
<classes columns=\"id,name,short\"><class id=\"C1\" name=\"ИС-21\" short=\"ИС21\" teacherid=\"\"/></classes>\r\n\
<groups columns=\"id,classid,name,entireclass,divisiontag\"><group id=\"G1\" classid=\"C1\" name=\"Весь класс\" entireclass=\"1\" divisiontag=\"0\"/></groups>\r\n\
<lessons columns=\"id,subjectid,classids,groupids,teacherids\">\
<lesson id=\"L1\" subjectid=\"S1\" classids=\"C1\" groupids=\"G1\" teacherids=\"T1\" classroomids=\"\" periodspercard=\"2\" periodsperweek=\"2.0\" daysdefid=\"DX\" weeksdefid=\"W\" termsdefid=\"\"/>\
<lesson id=\"L2\" subjectid=\"S1\" classids=\"C1\" groupids=\"G1\" teacherids=\"T1\" classroomids=\"\" periodspercard=\"1\" periodsperweek=\"1.0\" daysdefid=\"DX\" weeksdefid=\"WA\" termsdefid=\"\"/></lessons>\r\n\
<cards columns=\"lessonid,period,days,weeks,terms,classroomids\">\
<card lessonid=\"L1\" period=\"1\" days=\"10000\" weeks=\"11\" terms=\"1\" classroomids=\"\"/>\
<card lessonid=\"L1\" period=\"2\" days=\"10000\" weeks=\"11\" terms=\"1\" classroomids=\"\"/>\
<card lessonid=\"L2\" period=\"3\" days=\"11000\" weeks=\"10\" terms=\"10\" classroomids=\"\"/></cards>\r\n\
</timetable>\r\n";

#[test]
fn small_2012_export_declared_in_windows_1251() {
    let bytes = encoding_rs::WINDOWS_1251.encode(SMALL_2012).0.into_owned();
    let tt = match parse_asc(&bytes) {
        Ok(t) => t,
        Err(e) => panic!("parses: {e}"),
    };
    assert_eq!(tt.encoding, "windows-1251", "the prolog's encoding");
    assert_eq!(
        tt.subjects[0].name, "Математика",
        "Cyrillic decoded from Windows-1251"
    );
    let days: Vec<&str> = tt.days.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        days,
        vec!["Понедельник", "Вторник"],
        "day names from the one-day daysdefs"
    );
    let slots: Vec<(&str, u8, u8, u8, WeekParity)> = tt
        .slots
        .iter()
        .map(|s| {
            (
                s.lesson_id.as_str(),
                s.day,
                s.first_period,
                s.periods,
                s.week,
            )
        })
        .collect();
    assert_eq!(
        slots,
        vec![
            ("L1", 0, 1, 2, WeekParity::Every),
            ("L2", 0, 3, 1, WeekParity::A),
            ("L2", 1, 3, 1, WeekParity::A),
        ],
        "two cards of a double lesson are one slot of 2 periods; a card for two days is two"
    );
    assert!(
        tt.warnings
            .iter()
            .any(|w| matches!(w, AscWarning::PartOfYear { terms, .. } if terms == "10")),
        "a first-term-only card is flagged: {:?}",
        tt.warnings
    );
    let m = map_to_pattern(&tt, &college());
    let hours: Vec<(Weekday, u8, u8)> = m
        .lessons
        .iter()
        .map(|l| (l.weekday, l.bell_number, l.hours))
        .collect();
    assert_eq!(
        hours,
        vec![
            (Weekday::Mon, 1, 1),
            (Weekday::Mon, 2, 1),
            (Weekday::Mon, 3, 1),
            (Weekday::Tue, 3, 1)
        ],
        "periods as long as the bells: a double lesson is two bells of one hour"
    );
}

#[test]
fn damaged_exports_are_refused_without_panicking() {
    let cut = &SMALL_EXPORT.as_bytes()[..SMALL_EXPORT.len() / 2];
    let r = parse_asc(cut);
    assert!(
        r.as_ref().map_or(true, |t| t.cards.is_empty()),
        "half a file gives an error or nothing placed, never a panic"
    );
    let not_asc = parse_asc(b"<?xml version=\"1.0\"?><html><body/></html>");
    assert_eq!(
        not_asc.err().map(|e| e.code()),
        Some("import_asc_invalid"),
        "another XML is refused"
    );
    let bad_label = parse_asc(b"<?xml version=\"1.0\" encoding=\"klingon\"?><timetable/>");
    let msg = bad_label.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("klingon"),
        "an unknown declared encoding is named: {msg}"
    );
    // Out-of-range numbers: a card on day 300, a 5-period block starting at period 255.
    let hostile = "<timetable><days><day day=\"0\" name=\"Пн\"/></days>\
        <periods><period period=\"255\" starttime=\"8:30\" endtime=\"9:15\"/></periods>\
        <subjects><subject id=\"1\" name=\"Математика\"/></subjects>\
        <teachers><teacher id=\"1\" name=\"Смирнова Елена Александровна\"/></teachers>\
        <classes><class id=\"1\" name=\"ИС-21\"/></classes>\
        <lessons><lesson id=\"1\" subjectid=\"1\" classids=\"1\" teacherids=\"1\" periodspercard=\"5\" periodsperweek=\"5\"/></lessons>\
        <cards><card lessonid=\"1\" day=\"300\" period=\"255\"/><card lessonid=\"1\" day=\"0\" period=\"255\"/></cards></timetable>";
    let Ok(t) = parse_asc(hostile.as_bytes()) else {
        panic!("a small odd file still parses")
    };
    assert_eq!(t.cards.len(), 1, "the card on day 300 is dropped");
    assert!(
        t.warnings
            .iter()
            .any(|w| matches!(w, AscWarning::DanglingId { id, .. } if id == "300")),
        "and reported"
    );
    let m = map_to_pattern(&t, &college());
    assert_eq!(m.missing_loads.len(), 0, "ИС-21 has a mathematics load");
    assert!(
        m.lessons.len() <= 1,
        "a block past period 255 stops at 255 instead of overflowing"
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/asc/asc2012_pl_school_cp1250.xml"
    );
    if let Ok(bytes) = std::fs::read(path) {
        for n in [10, 1000, 50_000, 120_000] {
            match parse_asc(&bytes[..n]) {
                Err(e) => assert_eq!(e.code(), "import_asc_invalid", "a cut at byte {n}: {e}"),
                Ok(t) => assert!(t.cards.len() < 414, "a cut at byte {n} never invents cards"),
            }
        }
    }
}

#[test]
fn unclear_doubles_and_longer_cycles_are_warnings() {
    let file = "<timetable><days><day day=\"0\" name=\"Пн\"/></days>\
        <periods><period period=\"1\" starttime=\"8:30\" endtime=\"9:15\"/><period period=\"2\" starttime=\"9:15\" endtime=\"10:00\"/></periods>\
        <subjects><subject id=\"1\" name=\"Математика\"/></subjects>\
        <teachers><teacher id=\"1\" name=\"Смирнова Елена Александровна\"/></teachers>\
        <classes><class id=\"1\" name=\"ИС-21\"/></classes>\
        <lessons><lesson id=\"1\" subjectid=\"1\" classids=\"1\" teacherids=\"1\" periodspercard=\"2\" periodsperweek=\"3\" weeks=\"1\"/>\
        <lesson id=\"2\" subjectid=\"1\" classids=\"1\" teacherids=\"1\" periodspercard=\"1\" periodsperweek=\"1\" weeks=\"100\"/></lessons>\
        <cards><card lessonid=\"1\" day=\"0\" period=\"1\"/><card lessonid=\"2\" day=\"0\" period=\"2\"/></cards></timetable>";
    let Ok(t) = parse_asc(file.as_bytes()) else {
        panic!("parses")
    };
    assert!(
        t.warnings.iter().any(
            |w| matches!(w, AscWarning::DoubleLessonUnclear { lesson_id, .. } if lesson_id == "1")
        ),
        "1 card × 2 periods ≠ 3 a week and 1 card ≠ 3: unclear, read card by card: {:?}",
        t.warnings
    );
    assert_eq!(
        t.slots
            .iter()
            .find(|s| s.lesson_id == "1")
            .map(|s| s.periods),
        Some(1),
        "an unclear double is read as one period per card"
    );
    assert!(
        t.warnings
            .iter()
            .any(|w| matches!(w, AscWarning::WeeksUnsupported { weeks, .. } if weeks == "100")),
        "a three-week cycle is flagged: {:?}",
        t.warnings
    );
    assert_eq!(
        t.slots.iter().find(|s| s.lesson_id == "2").map(|s| s.week),
        Some(WeekParity::Every),
        "and read as every week"
    );
}
