//! aSc Timetables (aSc Расписания) XML export: the 2012 layout (`<daysdefs>`, `<weeksdefs>`, cards
//! with `days="00100"` and `weeks="10"`) and the older one (`<days><day>`, cards with `day="2"`, the
//! week pattern on the lesson). The file's ids are temporary: only names reach the institution.
//!
//! Traps of real exports handled here (see the samples' README in the shared folder):
//! * encoding declared in the prolog (windows-1250…), or no prolog at all (UTF-8; Windows-1251 when
//!   the bytes are not UTF-8), a BOM, CRLF;
//! * two-week cycles: `weeks="10"` / `"01"` on cards (2012) or on lessons (old);
//! * divisions into subgroups: groups with `divisiontag`, `entireclass="1"` for the whole class;
//! * double lessons: the 2012 export writes one card per occupied period (never expanded again);
//!   the old export may write one card per block, told apart by `periodsperweek`;
//! * unplaced lessons (no card), lessons without a teacher, lessons with several teachers for the
//!   groups of one division (who takes which group is not in the file) — all warnings, not errors;
//! * class names with leading spaces.

use crate::error::ImportError;
use crate::pattern::WeekParity;
use chrono::NaiveTime;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1251};
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// Which export layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AscLayout {
    /// "aSc Timetables 2012 XML": daysdefs / weeksdefs, cards with `days` and `weeks`.
    Asc2012,
    /// Older export: `<days><day>`, cards `lessonid,day,period,classroomids`, weeks on lessons.
    Old,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscDay {
    /// 0 = the first day of the week (Monday).
    pub index: u8,
    pub name: String,
    pub short: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscPeriod {
    /// aSc's period number (`period="1"`), the one cards refer to.
    pub number: u8,
    /// The label shown in the timetable (`name="0"` for a «lesson 0» stored as period 1).
    pub name: String,
    pub starts: Option<NaiveTime>,
    pub ends: Option<NaiveTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscNamed {
    pub id: String,
    pub name: String,
    pub short: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscTeacher {
    pub id: String,
    pub name: String,
    pub short: String,
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscClass {
    pub id: String,
    /// Trimmed: exports have « 1-А» with a leading space.
    pub name: String,
    pub short: String,
    /// The class teacher (классный руководитель), a teacher id.
    pub teacher_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscGroup {
    pub id: String,
    pub class_id: String,
    pub name: String,
    /// The whole class («Cała klasa», «Весь клас»).
    pub entire_class: bool,
    /// Groups with the same tag in a class are one division (1./2. group; boys/girls…).
    pub division_tag: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscLesson {
    pub id: String,
    pub subject_id: String,
    pub class_ids: Vec<String>,
    pub group_ids: Vec<String>,
    pub teacher_ids: Vec<String>,
    pub room_ids: Vec<String>,
    pub periods_per_card: u8,
    pub periods_per_week: f64,
    /// Week pattern of the lesson (old layout, or the 2012 weeksdef): "1", "11", "10", "01".
    pub weeks: Option<String>,
}

/// A card as the file has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscCard {
    pub lesson_id: String,
    /// 0 = Monday.
    pub day: u8,
    pub period: u8,
    /// The card's weeks (2012) or its lesson's (old); None = every week.
    pub weeks: Option<String>,
    /// The card's terms (2012, e.g. "10" = first term only); None = the whole year.
    pub terms: Option<String>,
    pub room_ids: Vec<String>,
}

/// A lesson's placement in the week: consecutive periods of one lesson on one day (a double lesson
/// is one slot of 2 periods), after the layout's double-lesson rule is applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscSlot {
    pub lesson_id: String,
    pub day: u8,
    pub first_period: u8,
    pub periods: u8,
    pub week: WeekParity,
    pub room_ids: Vec<String>,
}

/// Things an administrator should look at; the import goes on without them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AscWarning {
    /// A lesson with no card: aSc could not (or was not asked to) place it.
    Unplaced { lesson_id: String, what: String },
    /// A lesson without a teacher.
    NoTeacher { lesson_id: String, what: String },
    /// Several teachers and several groups of one division in one lesson: the file does not say
    /// which teacher takes which group.
    TeacherGroupAmbiguous {
        lesson_id: String,
        what: String,
        teachers: Vec<String>,
        groups: Vec<String>,
    },
    /// Old layout: a double lesson whose card count fits neither one card per period nor one card
    /// per block; read as one card per period.
    DoubleLessonUnclear { lesson_id: String, what: String },
    /// A week pattern this importer does not map onto a two-week cycle; read as every week.
    WeeksUnsupported { lesson_id: String, weeks: String },
    /// A card for some terms only («10» = the first term): the weekly pattern has it all year.
    PartOfYear { lesson_id: String, terms: String },
    /// A reference to an id the file does not define.
    DanglingId { what: String, id: String },
}

impl fmt::Display for AscWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AscWarning::Unplaced { what, .. } => {
                write!(f, "Урок не размещён в расписании (нет карточек): {what}")
            }
            AscWarning::NoTeacher { what, .. } => write!(f, "У урока нет преподавателя: {what}"),
            AscWarning::TeacherGroupAmbiguous { what, teachers, groups, .. } => write!(
                f,
                "Неясно, кто из преподавателей ({}) ведёт какую подгруппу ({}): {what} — укажите пары «преподаватель — подгруппа» в нагрузке",
                teachers.join(", "),
                groups.join(", ")
            ),
            AscWarning::DoubleLessonUnclear { what, .. } => write!(
                f,
                "Сдвоенный урок: число карточек не согласуется с часами в неделю, каждая карточка прочитана как один урок: {what}"
            ),
            AscWarning::WeeksUnsupported { weeks, lesson_id } => write!(
                f,
                "Недельный цикл «{weeks}» (урок {lesson_id}) не двухнедельный: урок считается еженедельным"
            ),
            AscWarning::PartOfYear { lesson_id, terms } => write!(
                f,
                "Карточка урока {lesson_id} только для части учебного года (термы «{terms}»): в недельном расписании она стоит весь год — поправьте даты нагрузки"
            ),
            AscWarning::DanglingId { what, id } => {
                write!(f, "Ссылка на несуществующий объект: {what} «{id}»")
            }
        }
    }
}

/// A whole aSc export, names resolved, ids kept only to link its parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AscTimetable {
    pub layout: AscLayout,
    /// The encoding the file was read in.
    pub encoding: String,
    pub days: Vec<AscDay>,
    pub periods: Vec<AscPeriod>,
    pub classes: Vec<AscClass>,
    pub teachers: Vec<AscTeacher>,
    pub subjects: Vec<AscNamed>,
    pub rooms: Vec<AscNamed>,
    pub groups: Vec<AscGroup>,
    pub lessons: Vec<AscLesson>,
    pub cards: Vec<AscCard>,
    pub slots: Vec<AscSlot>,
    pub warnings: Vec<AscWarning>,
}

// ------------------------------------------------------------------ decoding

/// Decodes an aSc file: BOM, else the prolog's `encoding=`, else UTF-8, else Windows-1251 (old
/// Ukrainian and Russian exports have no prolog and are not UTF-8).
pub fn decode_xml(bytes: &[u8]) -> Result<(String, &'static str), ImportError> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (t, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Ok((t.into_owned(), enc.name()));
    }
    if let Some(label) = declared_encoding(bytes) {
        let enc = Encoding::for_label(label.as_bytes()).ok_or_else(|| {
            ImportError::AscXml(format!("неизвестная кодировка «{label}» в заголовке файла"))
        })?;
        let (t, _, had_errors) = enc.decode(bytes);
        if had_errors && enc == UTF_8 {
            return Err(ImportError::AscXml(
                "файл объявлен в UTF-8, но содержит байты не UTF-8".into(),
            ));
        }
        return Ok((t.into_owned(), enc.name()));
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok((t.to_string(), UTF_8.name())),
        Err(_) => {
            let (t, _) = WINDOWS_1251.decode_without_bom_handling(bytes);
            Ok((t.into_owned(), WINDOWS_1251.name()))
        }
    }
}

fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let prolog = std::str::from_utf8(&head[..end]).ok()?;
    let at = prolog.find("encoding")?;
    let rest = prolog[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

// ------------------------------------------------------------------ parsing

type Attrs = HashMap<String, String>;

fn attrs(e: &BytesStart) -> Result<Attrs, ImportError> {
    let mut out = HashMap::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| ImportError::AscXml(format!("атрибут не прочитан ({err})")))?;
        let key = a.key.as_ref().to_string();
        let raw = a.value.to_string();
        let value = quick_xml::escape::unescape(&raw)
            .map(|v| v.into_owned())
            .unwrap_or(raw);
        out.insert(key, value);
    }
    Ok(out)
}

fn get(a: &Attrs, key: &str) -> String {
    a.get(key).cloned().unwrap_or_default()
}

fn ids(a: &Attrs, key: &str) -> Vec<String> {
    get(a, key)
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

/// The week parity a weeks string means in a cycle of one or two weeks.
fn parity(weeks: &str) -> Option<WeekParity> {
    let w = weeks.trim();
    if w.is_empty() || w.chars().all(|c| c == '1') {
        return Some(WeekParity::Every);
    }
    match w {
        "10" => Some(WeekParity::A),
        "01" => Some(WeekParity::B),
        _ => None,
    }
}

/// Share of weeks a weeks string occupies ("10" → 0.5).
fn week_share(weeks: Option<&str>) -> f64 {
    match weeks.map(str::trim).filter(|w| !w.is_empty()) {
        None => 1.0,
        Some(w) => w.chars().filter(|c| *c == '1').count() as f64 / w.chars().count() as f64,
    }
}

/// Reads an aSc Timetables XML export.
pub fn parse_asc(bytes: &[u8]) -> Result<AscTimetable, ImportError> {
    let (text, encoding) = decode_xml(bytes)?;
    let mut reader = quick_xml::Reader::from_str(&text);
    reader.config_mut().trim_text(true);
    let mut root_seen = false;
    let mut section = String::new();
    let mut tt = AscTimetable {
        layout: AscLayout::Asc2012,
        encoding: encoding.to_string(),
        days: Vec::new(),
        periods: Vec::new(),
        classes: Vec::new(),
        teachers: Vec::new(),
        subjects: Vec::new(),
        rooms: Vec::new(),
        groups: Vec::new(),
        lessons: Vec::new(),
        cards: Vec::new(),
        slots: Vec::new(),
        warnings: Vec::new(),
    };
    let mut daysdefs: HashMap<String, String> = HashMap::new();
    let mut weeksdefs: HashMap<String, String> = HashMap::new();
    let mut lesson_weeksdef: Vec<Option<String>> = Vec::new();
    // Raw cards: (attributes) until lessons are known.
    let mut raw_cards: Vec<Attrs> = Vec::new();
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            ImportError::AscXml(format!(
                "ошибка XML около байта {} ({e})",
                reader.buffer_position()
            ))
        })?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth <= 1 {
                    section.clear();
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = e.name().as_ref().to_string();
        if !empty {
            depth += 1;
        }
        if !root_seen {
            if name != "timetable" {
                return Err(ImportError::AscXml(format!(
                    "это не экспорт aSc: корневой элемент <{name}>, ожидается <timetable>"
                )));
            }
            root_seen = true;
            continue;
        }
        if depth == 2 && !empty {
            section = name.clone();
            continue;
        }
        let a = attrs(e)?;
        match (section.as_str(), name.as_str()) {
            ("days", "day") => {
                tt.layout = AscLayout::Old;
                tt.days.push(AscDay {
                    index: get(&a, "day").trim().parse().unwrap_or(tt.days.len() as u8),
                    name: get(&a, "name").trim().to_string(),
                    short: get(&a, "short").trim().to_string(),
                });
            }
            ("daysdefs", "daysdef") => {
                daysdefs.insert(get(&a, "days"), get(&a, "name"));
            }
            ("weeksdefs", "weeksdef") => {
                weeksdefs.insert(get(&a, "id"), get(&a, "weeks"));
            }
            ("periods", "period") => {
                let number: u8 = get(&a, "period").trim().parse().map_err(|_| {
                    ImportError::AscXml(format!("номер урока «{}» не число", get(&a, "period")))
                })?;
                let label = get(&a, "name");
                tt.periods.push(AscPeriod {
                    number,
                    name: if label.trim().is_empty() {
                        number.to_string()
                    } else {
                        label.trim().to_string()
                    },
                    starts: time(&get(&a, "starttime")),
                    ends: time(&get(&a, "endtime")),
                });
            }
            ("subjects", "subject") => tt.subjects.push(named(&a)),
            ("classrooms", "classroom") => tt.rooms.push(named(&a)),
            ("teachers", "teacher") => tt.teachers.push(AscTeacher {
                id: get(&a, "id"),
                name: crate::text::tidy(&get(&a, "name")),
                short: crate::text::tidy(&get(&a, "short")),
                first_name: crate::text::tidy(&get(&a, "firstname")),
                last_name: crate::text::tidy(&get(&a, "lastname")),
            }),
            ("classes", "class") => tt.classes.push(AscClass {
                id: get(&a, "id"),
                name: crate::text::tidy(&get(&a, "name")),
                short: crate::text::tidy(&get(&a, "short")),
                teacher_id: Some(get(&a, "teacherid")).filter(|t| !t.is_empty()),
            }),
            ("groups", "group") => tt.groups.push(AscGroup {
                id: get(&a, "id"),
                class_id: get(&a, "classid"),
                name: crate::text::tidy(&get(&a, "name")),
                entire_class: get(&a, "entireclass").trim() == "1",
                division_tag: get(&a, "divisiontag").trim().parse().unwrap_or(0),
            }),
            ("lessons", "lesson") => {
                lesson_weeksdef.push(Some(get(&a, "weeksdefid")).filter(|w| !w.is_empty()));
                tt.lessons.push(AscLesson {
                    id: get(&a, "id"),
                    subject_id: get(&a, "subjectid"),
                    class_ids: ids(&a, "classids"),
                    group_ids: ids(&a, "groupids"),
                    teacher_ids: ids(&a, "teacherids"),
                    room_ids: ids(&a, "classroomids"),
                    periods_per_card: get(&a, "periodspercard").trim().parse().unwrap_or(1).max(1),
                    periods_per_week: get(&a, "periodsperweek").trim().parse().unwrap_or(0.0),
                    weeks: Some(get(&a, "weeks")).filter(|w| !w.trim().is_empty()),
                })
            }
            ("cards", "card") => raw_cards.push(a),
            _ => {}
        }
    }
    if !root_seen {
        return Err(ImportError::AscXml("файл пуст или не XML".into()));
    }
    // 2012: the lesson's week pattern comes from its weeksdef.
    for (lesson, def) in tt.lessons.iter_mut().zip(lesson_weeksdef) {
        if lesson.weeks.is_none() {
            lesson.weeks = def.and_then(|d| weeksdefs.get(&d).cloned());
        }
    }
    if tt.days.is_empty() {
        tt.days = days_from_defs(&daysdefs);
    }
    let lesson_index: HashMap<&str, usize> = tt
        .lessons
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    for a in &raw_cards {
        let lesson_id = get(a, "lessonid");
        let Some(&li) = lesson_index.get(lesson_id.as_str()) else {
            tt.warnings.push(AscWarning::DanglingId {
                what: "урок карточки".into(),
                id: lesson_id,
            });
            continue;
        };
        let days: Vec<usize> = match a.get("days") {
            // 2012: a bit string with a 1 for each day of the card (one in real exports; a card
            // for several days becomes one card per day).
            Some(bits) => bits
                .chars()
                .enumerate()
                .filter(|(_, c)| *c == '1')
                .map(|(i, _)| i)
                .collect(),
            None => get(a, "day")
                .trim()
                .parse::<usize>()
                .ok()
                .into_iter()
                .collect(),
        };
        let period = get(a, "period").trim().parse::<u8>().ok();
        let (false, Some(period)) = (days.is_empty(), period) else {
            tt.warnings.push(AscWarning::DanglingId {
                what: "день или урок карточки".into(),
                id: lesson_id,
            });
            continue;
        };
        let weeks = a
            .get("weeks")
            .cloned()
            .filter(|w| !w.trim().is_empty())
            .or_else(|| tt.lessons[li].weeks.clone());
        let terms = a.get("terms").cloned().filter(|t| !t.trim().is_empty());
        if terms.as_deref().is_some_and(|t| t.contains('0')) {
            tt.warnings.push(AscWarning::PartOfYear {
                lesson_id: lesson_id.clone(),
                terms: terms.clone().unwrap_or_default(),
            });
        }
        for day in days {
            let Some(day) = u8::try_from(day).ok().filter(|d| *d < 7) else {
                tt.warnings.push(AscWarning::DanglingId {
                    what: "день недели карточки".into(),
                    id: day.to_string(),
                });
                continue;
            };
            tt.cards.push(AscCard {
                lesson_id: lesson_id.clone(),
                day,
                period,
                weeks: weeks.clone(),
                terms: terms.clone(),
                room_ids: ids(a, "classroomids"),
            });
        }
    }
    tt.check_references();
    tt.build_slots();
    tt.lesson_warnings();
    Ok(tt)
}

fn named(a: &Attrs) -> AscNamed {
    AscNamed {
        id: get(a, "id"),
        name: crate::text::tidy(&get(a, "name")),
        short: crate::text::tidy(&get(a, "short")),
    }
}

/// Day names of a 2012 export: the daysdefs that name one day («10000» → Monday's name).
fn days_from_defs(defs: &HashMap<String, String>) -> Vec<AscDay> {
    let mut days: Vec<AscDay> = defs
        .iter()
        .filter(|(bits, _)| !bits.contains(',') && bits.chars().filter(|c| *c == '1').count() == 1)
        .filter_map(|(bits, name)| {
            Some(AscDay {
                index: u8::try_from(bits.chars().position(|c| c == '1')?).ok()?,
                name: name.trim().to_string(),
                short: String::new(),
            })
        })
        .collect();
    days.sort_by_key(|d| d.index);
    days
}

impl AscTimetable {
    pub fn subject(&self, id: &str) -> Option<&AscNamed> {
        self.subjects.iter().find(|s| s.id == id)
    }
    pub fn class(&self, id: &str) -> Option<&AscClass> {
        self.classes.iter().find(|c| c.id == id)
    }
    pub fn teacher(&self, id: &str) -> Option<&AscTeacher> {
        self.teachers.iter().find(|t| t.id == id)
    }
    pub fn group(&self, id: &str) -> Option<&AscGroup> {
        self.groups.iter().find(|g| g.id == id)
    }
    pub fn room(&self, id: &str) -> Option<&AscNamed> {
        self.rooms.iter().find(|r| r.id == id)
    }
    pub fn lesson(&self, id: &str) -> Option<&AscLesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
    pub fn period(&self, number: u8) -> Option<&AscPeriod> {
        self.periods.iter().find(|p| p.number == number)
    }

    /// Lessons that have no card.
    pub fn unplaced_lessons(&self) -> Vec<&AscLesson> {
        let placed: std::collections::HashSet<&str> =
            self.cards.iter().map(|c| c.lesson_id.as_str()).collect();
        self.lessons
            .iter()
            .filter(|l| !placed.contains(l.id.as_str()))
            .collect()
    }

    /// «Subject, classes (groups)» of a lesson, for messages.
    pub fn describe(&self, lesson: &AscLesson) -> String {
        let subject = self
            .subject(&lesson.subject_id)
            .map_or("?", |s| s.name.as_str());
        let classes: Vec<&str> = lesson
            .class_ids
            .iter()
            .filter_map(|c| self.class(c).map(|c| c.name.as_str()))
            .collect();
        if classes.is_empty() {
            format!("«{subject}» (без класса)")
        } else {
            format!("«{subject}», {}", classes.join(", "))
        }
    }

    fn check_references(&mut self) {
        let mut dangling = Vec::new();
        for l in &self.lessons {
            if self.subject(&l.subject_id).is_none() {
                dangling.push(("предмет", l.subject_id.clone()));
            }
            for c in &l.class_ids {
                if self.class(c).is_none() {
                    dangling.push(("класс", c.clone()));
                }
            }
            for g in &l.group_ids {
                if self.group(g).is_none() {
                    dangling.push(("группа", g.clone()));
                }
            }
            for t in &l.teacher_ids {
                if self.teacher(t).is_none() {
                    dangling.push(("преподаватель", t.clone()));
                }
            }
        }
        self.warnings.extend(
            dangling
                .into_iter()
                .map(|(what, id)| AscWarning::DanglingId {
                    what: what.into(),
                    id,
                }),
        );
    }

    /// Turns cards into slots. The 2012 export has one card per occupied period: consecutive cards
    /// of a lesson on a day are joined into blocks of at most `periodspercard`. The old export may
    /// have one card per block instead: when the cards × periodspercard × share of weeks equals
    /// periodsperweek (and one card per period would not), each card is the first period of a block.
    fn build_slots(&mut self) {
        let mut by_lesson: HashMap<&str, Vec<&AscCard>> = HashMap::new();
        for c in &self.cards {
            by_lesson.entry(c.lesson_id.as_str()).or_default().push(c);
        }
        let mut slots = Vec::new();
        let mut warnings = Vec::new();
        for lesson in &self.lessons {
            let Some(cards) = by_lesson.get(lesson.id.as_str()) else {
                continue;
            };
            let ppc = lesson.periods_per_card;
            let mut block_cards = false;
            if self.layout == AscLayout::Old && ppc > 1 {
                let share = week_share(cards[0].weeks.as_deref());
                let n = cards.len() as f64;
                let as_blocks = (n * f64::from(ppc) * share - lesson.periods_per_week).abs() < 1e-6;
                let as_periods = (n * share - lesson.periods_per_week).abs() < 1e-6;
                block_cards = as_blocks;
                if !as_blocks && !as_periods {
                    warnings.push(AscWarning::DoubleLessonUnclear {
                        lesson_id: lesson.id.clone(),
                        what: self.describe(lesson),
                    });
                }
            }
            let mut cards: Vec<&&AscCard> = cards.iter().collect();
            cards.sort_by_key(|c| (c.weeks.clone(), c.day, c.period));
            for c in cards {
                let week = match c.weeks.as_deref().map_or(Some(WeekParity::Every), parity) {
                    Some(w) => w,
                    None => {
                        warnings.push(AscWarning::WeeksUnsupported {
                            lesson_id: lesson.id.clone(),
                            weeks: c.weeks.clone().unwrap_or_default(),
                        });
                        WeekParity::Every
                    }
                };
                if block_cards {
                    slots.push(AscSlot {
                        lesson_id: lesson.id.clone(),
                        day: c.day,
                        first_period: c.period,
                        periods: ppc,
                        week,
                        room_ids: c.room_ids.clone(),
                    });
                    continue;
                }
                match slots.last_mut() {
                    Some(s)
                        if s.lesson_id == lesson.id
                            && s.day == c.day
                            && s.week == week
                            && u16::from(s.first_period) + u16::from(s.periods)
                                == u16::from(c.period)
                            && s.periods < ppc =>
                    {
                        s.periods += 1;
                    }
                    _ => slots.push(AscSlot {
                        lesson_id: lesson.id.clone(),
                        day: c.day,
                        first_period: c.period,
                        periods: 1,
                        week,
                        room_ids: c.room_ids.clone(),
                    }),
                }
            }
        }
        self.slots = slots;
        self.warnings.extend(warnings);
    }

    fn lesson_warnings(&mut self) {
        let mut warnings: Vec<AscWarning> = self
            .unplaced_lessons()
            .into_iter()
            .map(|l| AscWarning::Unplaced {
                lesson_id: l.id.clone(),
                what: self.describe(l),
            })
            .collect();
        for l in &self.lessons {
            if l.teacher_ids.is_empty() {
                warnings.push(AscWarning::NoTeacher {
                    lesson_id: l.id.clone(),
                    what: self.describe(l),
                });
            }
            if let Some(groups) = self.ambiguous_division(l) {
                warnings.push(AscWarning::TeacherGroupAmbiguous {
                    lesson_id: l.id.clone(),
                    what: self.describe(l),
                    teachers: l
                        .teacher_ids
                        .iter()
                        .filter_map(|t| self.teacher(t).map(|t| t.name.clone()))
                        .collect(),
                    groups,
                });
            }
        }
        self.warnings.extend(warnings);
    }

    /// Names («class: group») of the groups of one division a multi-teacher lesson puts together,
    /// when there are at least two such groups and two teachers.
    pub fn ambiguous_division(&self, lesson: &AscLesson) -> Option<Vec<String>> {
        if lesson.teacher_ids.len() < 2 {
            return None;
        }
        let mut divisions: HashMap<(&str, u32), Vec<&AscGroup>> = HashMap::new();
        for g in lesson.group_ids.iter().filter_map(|g| self.group(g)) {
            if !g.entire_class {
                divisions
                    .entry((g.class_id.as_str(), g.division_tag))
                    .or_default()
                    .push(g);
            }
        }
        let mut names: Vec<String> = divisions
            .values()
            .filter(|gs| gs.len() >= 2)
            .flatten()
            .map(|g| {
                let class = self.class(&g.class_id).map_or("?", |c| c.name.as_str());
                format!("{class}: {}", g.name)
            })
            .collect();
        if names.is_empty() {
            return None;
        }
        names.sort();
        Some(names)
    }
}
