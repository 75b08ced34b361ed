//! Maps a parsed aSc timetable onto the institution's weekly pattern, by names only: classes →
//! groups, groups of a division → subgroups, teachers → users, subjects → subjects, periods → bells
//! (by time, so 45-minute aSc periods fall into 90-minute пары). What does not match is reported,
//! never guessed.

use crate::asc::{AscLesson, AscSlot, AscTeacher, AscTimetable};
use crate::directory::Directory;
use crate::pattern::WeeklyLesson;
use crate::tabular::clash;
use crate::text::normalise_name;
use chrono::Weekday;
use journal_core::{GroupId, SubgroupId, SubjectId, UserId};
use journal_protocol::snapshot::{Snapshot, User};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A load the timetable needs but the institution lacks (all its names matched).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MissingLoad {
    pub teacher_id: UserId,
    pub group_id: GroupId,
    pub subgroup_id: Option<SubgroupId>,
    pub subject_id: SubjectId,
    /// «subject — group (subgroup) — teacher», for the report.
    pub label: String,
}

/// Names in the file the institution does not have (only those used by placed lessons).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnmatchedNames {
    pub classes: Vec<String>,
    /// «class: group» of a division with no subgroup of that name.
    pub subgroups: Vec<String>,
    pub teachers: Vec<String>,
    pub subjects: Vec<String>,
    /// aSc periods whose time (or number) falls into no bell of the schedule.
    pub periods: Vec<String>,
}

impl UnmatchedNames {
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
            && self.subgroups.is_empty()
            && self.teachers.is_empty()
            && self.subjects.is_empty()
            && self.periods.is_empty()
    }
}

/// The result of mapping: the weekly lessons of existing loads, and what needs a decision.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AscMapping {
    pub lessons: Vec<WeeklyLesson>,
    pub missing_loads: Vec<MissingLoad>,
    pub unmatched: UnmatchedNames,
    /// Lessons whose teacher ↔ subgroup pairs neither the file nor the institution's loads decide.
    pub undecided: Vec<String>,
    pub warnings: Vec<String>,
}

fn weekday(index: u8) -> Option<Weekday> {
    Some(match index {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        6 => Weekday::Sun,
        _ => return None,
    })
}

/// Surname and initials: «Иванова Мария Петровна» and «Иванова М.П.» both give «иванова мп».
fn surname_initials(name: &str) -> Option<String> {
    let n = normalise_name(name).replace('.', ". ");
    let mut words = n.split_whitespace();
    let surname = words.next()?;
    let initials: String = words.filter_map(|w| w.chars().next()).collect();
    (!initials.is_empty()).then(|| format!("{surname} {initials}"))
}

fn find_teacher<'a>(dir: &Directory<'a>, t: &AscTeacher) -> Option<&'a User> {
    let candidates = [
        t.name.clone(),
        format!("{} {}", t.last_name, t.first_name),
        format!("{} {}", t.first_name, t.last_name),
    ];
    for c in candidates.iter().filter(|c| !c.trim().is_empty()) {
        if let Ok(u) = dir.user_by_name(c) {
            return Some(u);
        }
    }
    // «Иванова М.П.» in the file, the full name in the institution: only when exactly one fits.
    let key = surname_initials(&t.name)?;
    let mut fits = dir
        .snapshot
        .users
        .iter()
        .filter(|u| surname_initials(&u.full_name).as_deref() == Some(key.as_str()));
    let first = fits.next()?;
    fits.next().is_none().then_some(first)
}

/// Maps the timetable onto the institution's loads and bells.
pub fn map_to_pattern(tt: &AscTimetable, snapshot: &Snapshot) -> AscMapping {
    let dir = Directory::new(snapshot);
    let mut out = AscMapping::default();
    let mut unmatched: [BTreeSet<String>; 5] = Default::default();
    let mut missing: BTreeSet<MissingLoad> = BTreeSet::new();
    let mut warnings: BTreeSet<String> = BTreeSet::new();

    // Periods → bells: the bell whose time holds the period's start, else the same number.
    let bell_of: HashMap<u8, u8> = tt
        .periods
        .iter()
        .filter_map(|p| {
            let by_time = p.starts.and_then(|s| {
                snapshot
                    .bells
                    .iter()
                    .find(|b| b.starts <= s && s < b.ends)
                    .map(|b| b.number)
            });
            let by_number = || {
                p.name
                    .parse::<u8>()
                    .ok()
                    .filter(|n| snapshot.bells.iter().any(|b| b.number == *n))
            };
            by_time.or_else(by_number).map(|b| (p.number, b))
        })
        .collect();

    let mut by_lesson: HashMap<&str, Vec<&AscSlot>> = HashMap::new();
    for s in &tt.slots {
        by_lesson.entry(s.lesson_id.as_str()).or_default().push(s);
    }
    // Each weekly lesson with the aSc lesson it came from (one lesson for two classes is a joint
    // lesson, not a clash).
    let mut lessons: Vec<(WeeklyLesson, &str)> = Vec::new();
    for lesson in &tt.lessons {
        let Some(slots) = by_lesson.get(lesson.id.as_str()) else {
            continue;
        };
        let what = tt.describe(lesson);
        let subject = tt.subject(&lesson.subject_id);
        let subject_found =
            subject.and_then(|s| dir.subject(&s.name).or_else(|| dir.subject(&s.short)));
        if subject_found.is_none() {
            if let Some(s) = subject {
                unmatched[3].insert(s.name.clone());
            }
        }
        let mut teachers = Vec::new();
        for t in lesson.teacher_ids.iter().filter_map(|t| tt.teacher(t)) {
            match find_teacher(&dir, t) {
                Some(u) => teachers.push(u),
                None => {
                    unmatched[2].insert(t.name.clone());
                }
            }
        }
        let targets = targets(tt, &dir, lesson, &mut unmatched);
        let (Some(subject), false, false) =
            (subject_found, teachers.is_empty(), targets.is_empty())
        else {
            continue;
        };
        if teachers.len() < lesson.teacher_ids.len() {
            continue;
        }
        // Who teaches which target: one teacher teaches all; several are decided by existing loads.
        let mut assigned: Vec<(UserId, Target)> = Vec::new();
        for target in &targets {
            if teachers.len() == 1 {
                assigned.push((teachers[0].id, target.clone()));
                continue;
            }
            let with_load: Vec<UserId> = teachers
                .iter()
                .filter(|u| {
                    dir.load(u.id, target.group, target.subgroup, subject.id)
                        .is_some()
                })
                .map(|u| u.id)
                .collect();
            if with_load.is_empty() {
                let names: Vec<&str> = teachers.iter().map(|u| u.full_name.as_str()).collect();
                out.undecided.push(format!(
                    "{what}, {}: кто из преподавателей ({}) ведёт занятие — нет нагрузки ни у одного",
                    target.label,
                    names.join(", ")
                ));
            } else {
                assigned.extend(with_load.into_iter().map(|t| (t, target.clone())));
            }
        }
        for (teacher, target) in assigned {
            let Some(load) = dir.load(teacher, target.group, target.subgroup, subject.id) else {
                let teacher_name = snapshot
                    .users
                    .iter()
                    .find(|u| u.id == teacher)
                    .map_or("?", |u| u.full_name.as_str());
                missing.insert(MissingLoad {
                    teacher_id: teacher,
                    group_id: target.group,
                    subgroup_id: target.subgroup,
                    subject_id: subject.id,
                    label: format!("{} — {} — {}", subject.name, target.label, teacher_name),
                });
                continue;
            };
            for slot in slots.iter() {
                let Some(day) = weekday(slot.day) else {
                    warnings.insert(format!("{what}: день № {} вне недели", slot.day + 1));
                    continue;
                };
                let room = slot
                    .room_ids
                    .iter()
                    .filter_map(|r| tt.room(r).map(|r| r.name.clone()))
                    .collect::<Vec<_>>()
                    .join(", ");
                // Consecutive periods in one bell make one lesson of that many hours.
                let mut per_bell: Vec<(u8, u8)> = Vec::new();
                for p in (0..slot.periods).filter_map(|k| slot.first_period.checked_add(k)) {
                    let Some(&bell) = bell_of.get(&p) else {
                        let label = tt.period(p).map_or(p.to_string(), |x| match x.starts {
                            Some(s) => format!("{} ({})", x.name, s.format("%H:%M")),
                            None => x.name.clone(),
                        });
                        unmatched[4].insert(label);
                        continue;
                    };
                    match per_bell.last_mut() {
                        Some((b, n)) if *b == bell => *n += 1,
                        _ => per_bell.push((bell, 1)),
                    }
                }
                for (bell, hours) in per_bell {
                    if hours > 2 {
                        warnings.insert(format!(
                            "{what}: {hours} ч в одном звонке № {bell} — записано как 2"
                        ));
                    }
                    lessons.push((
                        WeeklyLesson {
                            weekday: day,
                            bell_number: bell,
                            hours: hours.min(2),
                            week: slot.week,
                            load_id: load.id,
                            room: Some(room.clone()).filter(|r| !r.is_empty()),
                        },
                        lesson.id.as_str(),
                    ));
                }
            }
        }
    }
    lessons.sort_by_key(|(l, _)| {
        (
            l.weekday.num_days_from_monday(),
            l.bell_number,
            l.load_id,
            l.week as u8,
        )
    });
    lessons.dedup_by(|a, b| a.0 == b.0);
    for (i, (a, source_a)) in lessons.iter().enumerate() {
        for (b, source_b) in &lessons[..i] {
            if source_a == source_b {
                continue;
            }
            if let Some(who) = clash(&dir, b, a) {
                warnings.insert(format!(
                    "Накладка: {who} занят(а) дважды — {}, звонок № {} ({})",
                    crate::pattern::weekday_ru(a.weekday),
                    a.bell_number,
                    a.week.label_ru()
                ));
            }
        }
    }
    out.lessons = lessons.into_iter().map(|(l, _)| l).collect();
    out.missing_loads = missing.into_iter().collect();
    let [classes, subgroups, teachers, subjects, periods] = unmatched;
    out.unmatched = UnmatchedNames {
        classes: classes.into_iter().collect(),
        subgroups: subgroups.into_iter().collect(),
        teachers: teachers.into_iter().collect(),
        subjects: subjects.into_iter().collect(),
        periods: periods.into_iter().collect(),
    };
    out.warnings = warnings.into_iter().collect();
    out
}

/// A group (or one of its subgroups) a lesson is for.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    group: GroupId,
    subgroup: Option<SubgroupId>,
    label: String,
}

/// The lesson's groups and subgroups: per class, its whole-class group (no subgroup), or each of its
/// division groups as the subgroup of the same name.
fn targets(
    tt: &AscTimetable,
    dir: &Directory,
    lesson: &AscLesson,
    unmatched: &mut [BTreeSet<String>; 5],
) -> Vec<Target> {
    let mut out = Vec::new();
    for class in lesson.class_ids.iter().filter_map(|c| tt.class(c)) {
        let Some(group) = dir.group(&class.name).or_else(|| dir.group(&class.short)) else {
            unmatched[0].insert(class.name.clone());
            continue;
        };
        let parts: Vec<_> = lesson
            .group_ids
            .iter()
            .filter_map(|g| tt.group(g))
            .filter(|g| g.class_id == class.id && !g.entire_class)
            .collect();
        if parts.is_empty() {
            out.push(Target {
                group: group.id,
                subgroup: None,
                label: group.name.clone(),
            });
            continue;
        }
        for part in parts {
            match dir.subgroup(group.id, &part.name) {
                Some(sg) => out.push(Target {
                    group: group.id,
                    subgroup: Some(sg.id),
                    label: format!("{} ({})", group.name, sg.name),
                }),
                None => {
                    unmatched[1].insert(format!("{}: {}", class.name, part.name));
                }
            }
        }
    }
    out
}
