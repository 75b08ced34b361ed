//! Changes of one timetable lesson recorded in the journal: «Замена» (who taught instead of the
//! load's teacher), «Перенос» (to another date and bell), «Урок не проведён» (with its reason),
//! and back to the timetable. One op kind, `OpPayload::ChangeLesson`; the device checks and
//! applies it with [`check`] and [`apply`] before recording, the server with the same two before
//! it applies, so the two cannot judge a change differently.

use crate::snapshot::{Bell, BusySlot, Lesson, LessonStatus, Load, Period, User};
use chrono::NaiveDate;
use journal_core::{LessonId, UserId};
use journal_core::{LoadId, Role};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The longest reason of a lesson not held, in characters.
pub const REASON_MAX_CHARS: usize = 200;

/// What happened to the lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum LessonChange {
    /// «Замена»: `teacher_id` teaches the lesson instead of the load's teacher.
    Substitute { teacher_id: UserId },
    /// The substitution is withdrawn: the load's teacher teaches it.
    NoSubstitute,
    /// «Перенос»: the lesson is held on `to` at bell `bell_number`, as the new lesson
    /// `new_lesson_id` (made by the device, so the op names it); this one stays as «перенесён».
    Postpone {
        to: NaiveDate,
        bell_number: u8,
        new_lesson_id: LessonId,
    },
    /// «Урок не проведён» with its reason (болезнь преподавателя, карантин, …).
    NotHeld { reason: String },
    /// A lesson marked not held is in the timetable again.
    Restore,
}

/// What [`check`] needs besides the lesson: facts the device and the server each read from their
/// own copy.
#[derive(Debug, Clone, Default)]
pub struct LessonFacts {
    /// The lesson has marks, attendance, a topic or homework: it was held.
    pub has_entries: bool,
    /// The teacher named by a substitution is a teacher of the institution (in force today).
    pub substitute_teaches: bool,
    /// The load's teacher (a substitution names someone else).
    pub load_teacher: Option<UserId>,
    /// The academic year's first and last day (a postponement stays inside it).
    pub year: Option<(NaiveDate, NaiveDate)>,
    /// Another lesson of the same group already stands at the postponement's date and bell.
    pub slot_taken: bool,
    /// The bells of the day exist up to this number.
    pub last_bell: u8,
}

/// The facts to judge `change` of `lesson` by, from what the caller read of its copy: whether the
/// lesson has entries, the user a substitution names (`None`: not known), the lessons of the
/// postponement's day with their loads in `loads`, and `busy`: the slots of the group's lessons the
/// copy does not keep (a teacher's device: `Snapshot::busy_slots`; the server keeps every lesson
/// and passes none). The device and the server build them with this same function, each from its
/// own copy.
#[allow(clippy::too_many_arguments)]
pub fn facts(
    lesson: &Lesson,
    load: &Load,
    change: &LessonChange,
    loads: &HashMap<LoadId, Load>,
    periods: &[Period],
    bells: &[Bell],
    same_day: &[Lesson],
    busy: &[BusySlot],
    has_entries: bool,
    substitute: Option<&User>,
    today: NaiveDate,
) -> LessonFacts {
    let year = periods
        .iter()
        .map(|p| p.starts_on)
        .min()
        .zip(periods.iter().map(|p| p.ends_on).max());
    let slot_taken = match change {
        LessonChange::Postpone {
            to, bell_number, ..
        } => slot_taken(load, lesson.id, *to, *bell_number, same_day, loads, busy),
        _ => false,
    };
    LessonFacts {
        has_entries,
        substitute_teaches: substitute.is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role == Role::Teacher && g.in_force_on(today))
        }),
        load_teacher: Some(load.teacher_id),
        year,
        slot_taken,
        last_bell: bells.iter().map(|b| b.number).max().unwrap_or(0),
    }
}

/// Why a lesson change was refused. Codes are stable; messages are Russian.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LessonChangeError {
    #[error("Урок уже перенесён; изменить можно урок, на который он перенесён")]
    AlreadyPostponed,
    #[error("Урок отмечен как непроведённый; сначала верните его в расписание")]
    NotScheduled,
    #[error("Урок не отмечен как непроведённый: возвращать в расписание нечего")]
    NotCancelled,
    #[error("На уроке уже есть отметки, посещаемость, тема или задание: он проведён")]
    HasEntries,
    #[error("Укажите причину, по которой урок не проведён (не длиннее {REASON_MAX_CHARS} знаков)")]
    ReasonInvalid,
    #[error("Заменять может только преподаватель учреждения")]
    NotATeacher,
    #[error("Урок ведёт этот преподаватель по нагрузке: это не замена")]
    SameTeacher,
    #[error("Замены на этом уроке нет")]
    NoSubstitution,
    #[error("Перенос должен быть на другой день или другой урок в пределах учебного года")]
    PostponeDateInvalid,
    #[error("Урока с таким номером нет в расписании звонков")]
    BellInvalid,
    #[error("У группы уже есть урок в это время")]
    SlotTaken,
}

impl LessonChangeError {
    pub fn code(&self) -> &'static str {
        match self {
            LessonChangeError::AlreadyPostponed => "lesson_postponed",
            LessonChangeError::NotScheduled => "lesson_not_scheduled",
            LessonChangeError::NotCancelled => "lesson_not_cancelled",
            LessonChangeError::HasEntries => "lesson_has_entries",
            LessonChangeError::ReasonInvalid => "lesson_reason_invalid",
            LessonChangeError::NotATeacher => "substitute_not_teacher",
            LessonChangeError::SameTeacher => "substitute_same_teacher",
            LessonChangeError::NoSubstitution => "no_substitution",
            LessonChangeError::PostponeDateInvalid => "postpone_date_invalid",
            LessonChangeError::BellInvalid => "postpone_bell_invalid",
            LessonChangeError::SlotTaken => "postpone_slot_taken",
        }
    }
}

/// Why an entry (mark, attendance, topic, homework) is refused in a lesson that did not take place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotHeldError {
    #[error("Урок перенесён: записи делаются на уроке, на который он перенесён")]
    Postponed,
    #[error("Урок не проведён: записи в журнал по нему не делаются")]
    Cancelled,
}

impl NotHeldError {
    pub fn code(&self) -> &'static str {
        match self {
            NotHeldError::Postponed => "lesson_postponed",
            NotHeldError::Cancelled => "lesson_cancelled",
        }
    }
}

/// Entries are made only in a lesson that takes place: the app checks it before recording, the
/// server before applying.
pub fn check_held(lesson: &Lesson) -> Result<(), NotHeldError> {
    match lesson.status {
        LessonStatus::Scheduled => Ok(()),
        LessonStatus::Postponed => Err(NotHeldError::Postponed),
        LessonStatus::Cancelled => Err(NotHeldError::Cancelled),
    }
}

/// Whether `change` may be made to `lesson` as it stands (permissions are the caller's: journal-core's
/// `RecordSubstitution`).
pub fn check(
    lesson: &Lesson,
    change: &LessonChange,
    facts: &LessonFacts,
) -> Result<(), LessonChangeError> {
    if lesson.status == LessonStatus::Postponed {
        return Err(LessonChangeError::AlreadyPostponed);
    }
    match change {
        LessonChange::Restore => {
            if lesson.status != LessonStatus::Cancelled {
                return Err(LessonChangeError::NotCancelled);
            }
            return Ok(());
        }
        _ if lesson.status == LessonStatus::Cancelled => {
            return Err(LessonChangeError::NotScheduled)
        }
        _ => {}
    }
    match change {
        LessonChange::Substitute { teacher_id } => {
            if facts.load_teacher == Some(*teacher_id) {
                return Err(LessonChangeError::SameTeacher);
            }
            if !facts.substitute_teaches {
                return Err(LessonChangeError::NotATeacher);
            }
        }
        LessonChange::NoSubstitute => {
            if lesson.substitute_teacher_id.is_none() {
                return Err(LessonChangeError::NoSubstitution);
            }
        }
        LessonChange::Postpone {
            to, bell_number, ..
        } => {
            if facts.has_entries {
                return Err(LessonChangeError::HasEntries);
            }
            let inside = facts
                .year
                .is_some_and(|(from, until)| from <= *to && *to <= until);
            if !inside || (*to == lesson.date && *bell_number == lesson.bell_number) {
                return Err(LessonChangeError::PostponeDateInvalid);
            }
            if *bell_number == 0 || *bell_number > facts.last_bell {
                return Err(LessonChangeError::BellInvalid);
            }
            if facts.slot_taken {
                return Err(LessonChangeError::SlotTaken);
            }
        }
        LessonChange::NotHeld { reason } => {
            let n = reason.trim().chars().count();
            // A control character cannot be seen, nor kept by PostgreSQL's jsonb (U+0000).
            if n == 0 || n > REASON_MAX_CHARS || journal_core::forbidden_char(reason).is_some() {
                return Err(LessonChangeError::ReasonInvalid);
            }
            if facts.has_entries {
                return Err(LessonChangeError::HasEntries);
            }
        }
        LessonChange::Restore => {}
    }
    Ok(())
}

impl LessonChange {
    /// The change in words for the audit and the teacher's list («замена: Петрова М. И.»,
    /// «перенесён на 09.12.2026, 3-й урок», …); `name` names a user.
    pub fn describe(&self, name: impl Fn(UserId) -> String) -> String {
        match self {
            LessonChange::Substitute { teacher_id } => format!("замена: {}", name(*teacher_id)),
            LessonChange::NoSubstitute => "замена снята".to_string(),
            LessonChange::Postpone {
                to, bell_number, ..
            } => format!(
                "перенесён на {}, {bell_number}-й урок",
                to.format("%d.%m.%Y")
            ),
            LessonChange::NotHeld { reason } => format!("не проведён: {}", reason.trim()),
            LessonChange::Restore => "возвращён в расписание".to_string(),
        }
    }
}

/// Whether a lesson of the same group stands at `date` and bell `bell`: one of `lessons` (with
/// their loads in `loads`; the moving lesson itself aside) or a slot of `busy` (lessons the
/// caller's copy does not keep). The same subgroup, or the whole group on either side
/// ([`BusySlot::clashes`]).
pub fn slot_taken(
    moving: &Load,
    moving_id: LessonId,
    date: NaiveDate,
    bell: u8,
    lessons: &[Lesson],
    loads: &HashMap<LoadId, Load>,
    busy: &[BusySlot],
) -> bool {
    lessons
        .iter()
        .filter(|l| l.id != moving_id)
        .filter_map(|l| BusySlot::of(l, loads.get(&l.load_id)?))
        .chain(busy.iter().copied())
        .any(|slot| slot.clashes(moving, date, bell))
}

/// The lesson after `change`, and the new lesson a postponement makes.
pub fn apply(lesson: &Lesson, change: &LessonChange) -> (Lesson, Option<Lesson>) {
    let mut l = lesson.clone();
    let mut made = None;
    match change {
        LessonChange::Substitute { teacher_id } => l.substitute_teacher_id = Some(*teacher_id),
        LessonChange::NoSubstitute => l.substitute_teacher_id = None,
        LessonChange::Postpone {
            to,
            bell_number,
            new_lesson_id,
        } => {
            l.status = LessonStatus::Postponed;
            l.moved_to = Some(*to);
            made = Some(Lesson {
                id: *new_lesson_id,
                date: *to,
                bell_number: *bell_number,
                status: LessonStatus::Scheduled,
                moved_to: None,
                change_reason: None,
                ..lesson.clone()
            });
        }
        LessonChange::NotHeld { reason } => {
            l.status = LessonStatus::Cancelled;
            l.change_reason = Some(reason.trim().to_string());
        }
        LessonChange::Restore => {
            l.status = LessonStatus::Scheduled;
            l.change_reason = None;
        }
    }
    (l, made)
}

/// The lesson's change in words for the journal, the print and the diary («Замена», «Перенесён на
/// 12.12.2026», «Не проведён: карантин»); None for a lesson as timetabled.
pub fn describe(lesson: &Lesson) -> Option<String> {
    match lesson.status {
        LessonStatus::Postponed => Some(match lesson.moved_to {
            Some(d) => format!("Перенесён на {}", d.format("%d.%m.%Y")),
            None => "Перенесён".to_string(),
        }),
        LessonStatus::Cancelled => Some(match &lesson.change_reason {
            Some(r) if !r.is_empty() => format!("Не проведён: {r}"),
            _ => "Не проведён".to_string(),
        }),
        LessonStatus::Scheduled => lesson.substitute_teacher_id.map(|_| "Замена".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use journal_core::LoadId;
    use uuid::Uuid;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("a date")
    }

    fn lesson() -> Lesson {
        Lesson {
            id: LessonId(Uuid::from_u128(1)),
            load_id: LoadId(Uuid::from_u128(2)),
            date: d(12, 7),
            bell_number: 2,
            hours: 2,
            room: Some("210".into()),
            status: LessonStatus::Scheduled,
            moved_to: None,
            substitute_teacher_id: None,
            change_reason: None,
        }
    }

    fn facts() -> LessonFacts {
        LessonFacts {
            has_entries: false,
            substitute_teaches: true,
            load_teacher: Some(UserId(Uuid::from_u128(10))),
            year: Some((d(9, 1), d(12, 31))),
            slot_taken: false,
            last_bell: 6,
        }
    }

    #[test]
    fn a_postponement_keeps_the_old_lesson_and_makes_the_new_one() {
        let change = LessonChange::Postpone {
            to: d(12, 9),
            bell_number: 3,
            new_lesson_id: LessonId(Uuid::from_u128(3)),
        };
        assert_eq!(check(&lesson(), &change, &facts()), Ok(()));
        let (old, new) = apply(&lesson(), &change);
        assert_eq!(
            old.status,
            LessonStatus::Postponed,
            "the old one says «перенесён»"
        );
        assert_eq!(old.moved_to, Some(d(12, 9)));
        let new = new.expect("a new lesson");
        assert_eq!((new.date, new.bell_number, new.hours), (d(12, 9), 3, 2));
        assert_eq!(new.load_id, old.load_id, "same load");
        assert_eq!(describe(&old).as_deref(), Some("Перенесён на 09.12.2026"));
        assert_eq!(
            check(
                &old,
                &LessonChange::NotHeld { reason: "x".into() },
                &facts()
            ),
            Err(LessonChangeError::AlreadyPostponed),
            "a postponed lesson is changed through its new lesson"
        );
    }

    #[test]
    fn a_postponement_outside_the_year_or_onto_a_taken_slot_is_refused() {
        let to = |to, bell| LessonChange::Postpone {
            to,
            bell_number: bell,
            new_lesson_id: LessonId(Uuid::from_u128(3)),
        };
        let e = |c: &LessonChange, f: &LessonFacts| check(&lesson(), c, f).err();
        assert_eq!(
            e(&to(d(8, 30), 1), &facts()),
            Some(LessonChangeError::PostponeDateInvalid)
        );
        assert_eq!(
            e(&to(d(12, 7), 2), &facts()),
            Some(LessonChangeError::PostponeDateInvalid)
        );
        assert_eq!(
            e(&to(d(12, 8), 7), &facts()),
            Some(LessonChangeError::BellInvalid)
        );
        let taken = LessonFacts {
            slot_taken: true,
            ..facts()
        };
        assert_eq!(
            e(&to(d(12, 8), 1), &taken),
            Some(LessonChangeError::SlotTaken)
        );
        let held = LessonFacts {
            has_entries: true,
            ..facts()
        };
        assert_eq!(
            e(&to(d(12, 8), 1), &held),
            Some(LessonChangeError::HasEntries)
        );
    }

    #[test]
    fn not_held_needs_a_reason_and_no_entries_and_comes_back() {
        let blank = LessonChange::NotHeld {
            reason: "  ".into(),
        };
        assert_eq!(
            check(&lesson(), &blank, &facts()),
            Err(LessonChangeError::ReasonInvalid)
        );
        let quarantine = LessonChange::NotHeld {
            reason: " карантин ".into(),
        };
        let held = LessonFacts {
            has_entries: true,
            ..facts()
        };
        assert_eq!(
            check(&lesson(), &quarantine, &held),
            Err(LessonChangeError::HasEntries)
        );
        let (cancelled, none) = apply(&lesson(), &quarantine);
        assert!(none.is_none());
        assert_eq!(
            describe(&cancelled).as_deref(),
            Some("Не проведён: карантин")
        );
        assert_eq!(
            check(&cancelled, &LessonChange::NoSubstitute, &facts()),
            Err(LessonChangeError::NotScheduled)
        );
        assert_eq!(
            check(&lesson(), &LessonChange::Restore, &facts()),
            Err(LessonChangeError::NotCancelled)
        );
        let (back, _) = apply(&cancelled, &LessonChange::Restore);
        assert_eq!(back, lesson(), "restored as it was timetabled");
    }

    #[test]
    fn a_substitute_is_another_teacher() {
        let load_teacher = LessonChange::Substitute {
            teacher_id: UserId(Uuid::from_u128(10)),
        };
        assert_eq!(
            check(&lesson(), &load_teacher, &facts()),
            Err(LessonChangeError::SameTeacher)
        );
        let other = LessonChange::Substitute {
            teacher_id: UserId(Uuid::from_u128(11)),
        };
        let not_teacher = LessonFacts {
            substitute_teaches: false,
            ..facts()
        };
        assert_eq!(
            check(&lesson(), &other, &not_teacher),
            Err(LessonChangeError::NotATeacher)
        );
        let (sub, _) = apply(&lesson(), &other);
        assert_eq!(sub.substitute_teacher_id, Some(UserId(Uuid::from_u128(11))));
        assert_eq!(describe(&sub).as_deref(), Some("Замена"));
        assert_eq!(
            check(&lesson(), &LessonChange::NoSubstitute, &facts()),
            Err(LessonChangeError::NoSubstitution)
        );
        let held = LessonFacts {
            has_entries: true,
            ..facts()
        };
        assert_eq!(
            check(&lesson(), &other, &held),
            Ok(()),
            "a substitution may be recorded after the lesson"
        );
    }

    #[test]
    fn a_slot_the_copy_knows_only_as_busy_is_taken_as_a_lesson_there_is() {
        let load = |n: u128, subgroup: Option<u128>| Load {
            id: LoadId(Uuid::from_u128(n)),
            teacher_id: UserId(Uuid::from_u128(10 + n)),
            group_id: journal_core::GroupId(Uuid::from_u128(100)),
            subject_id: journal_core::SubjectId(Uuid::from_u128(50)),
            subgroup_id: subgroup.map(|s| journal_core::SubgroupId(Uuid::from_u128(s))),
            from: d(9, 1),
            to: None,
            planned_hours: 72,
        };
        let mine = load(2, Some(111));
        let theirs = load(3, None);
        let other_subgroup = load(4, Some(112));
        let at = |load: &Load, bell: u8| Lesson {
            id: LessonId(Uuid::new_v4()),
            load_id: load.id,
            date: d(12, 9),
            bell_number: bell,
            ..lesson()
        };
        let lessons = [at(&theirs, 3), at(&other_subgroup, 4)];
        let loads: HashMap<LoadId, Load> = [&mine, &theirs, &other_subgroup]
            .into_iter()
            .map(|l| (l.id, l.clone()))
            .collect();
        let busy: Vec<BusySlot> = lessons
            .iter()
            .zip([&theirs, &other_subgroup])
            .filter_map(|(l, ld)| BusySlot::of(l, ld))
            .collect();
        for bell in 1..=5 {
            let to = LessonChange::Postpone {
                to: d(12, 9),
                bell_number: bell,
                new_lesson_id: LessonId(Uuid::from_u128(3)),
            };
            let bells: Vec<Bell> = Vec::new();
            let periods = [Period {
                id: journal_core::PeriodId(Uuid::from_u128(500)),
                name: "1 семестр".into(),
                ordinal: 1,
                starts_on: d(9, 1),
                ends_on: d(12, 31),
            }];
            // The server keeps the lessons; the teacher's device only their slots.
            let slot_taken = |lessons: &[Lesson], busy: &[BusySlot]| {
                super::facts(
                    &lesson(),
                    &mine,
                    &to,
                    &loads,
                    &periods,
                    &bells,
                    lessons,
                    busy,
                    false,
                    None,
                    d(12, 1),
                )
                .slot_taken
            };
            let (server, device) = (slot_taken(&lessons, &[]), slot_taken(&[], &busy));
            assert_eq!(
                server, device,
                "bell {bell}: the slots judge as the lessons do"
            );
            assert_eq!(
                server,
                bell == 3,
                "the whole group's lesson takes bell 3; the other subgroup's bell 4 is free"
            );
        }
    }
}
