//! The family diary (электронный дневник) of one student, computed from a user's own part of the
//! institution (`Snapshot::for_user`), never from the whole: whatever the privacy scope cut (other
//! students, topics and homework the policy hides) is simply not there to show. Pure: "today" and
//! the acknowledgements are parameters.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use journal_core::{
    text::INDIVIDUAL_HOMEWORK, CellEntry, FinalColumn, LessonId, LoadId, PeriodId, Role, StudentId,
    UserId, WorkType,
};
use serde::{Deserialize, Serialize};

use crate::{Lesson, LessonStatus, Membership, Snapshot};

/// A student whose diary the user may open (a parent's child, a student themself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryChild {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub student_id: StudentId,
    pub full_name: String,
    /// Groups the student is (or was) in this year, the current one first.
    pub groups: Vec<String>,
}

/// One mark or absence of the student at a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryMark {
    /// «5», «5/4».
    pub symbol: String,
    pub date: NaiveDate,
    /// The lesson's kind of work, where the diary shows the lesson's topic (the policy).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub work_type: Option<WorkType>,
    /// «Контрольная работа», as the regulations name it.
    pub work_type_name: Option<String>,
}

/// One lesson of the student's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryLesson {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub lesson_id: LessonId,
    pub bell_number: u8,
    /// From the bell schedule; absent where the schedule has no such bell.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub starts: Option<NaiveTime>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ends: Option<NaiveTime>,
    /// 2 for a paired lesson.
    pub hours: u8,
    pub subject: String,
    /// Who teaches it: the substitute where a substitution is recorded.
    pub teacher: String,
    pub substitution: bool,
    pub room: Option<String>,
    /// `scheduled`, `postponed` or `cancelled`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: LessonStatus,
    /// Where a postponed lesson went.
    pub moved_to: Option<NaiveDate>,
    /// Why a lesson was not held (status `cancelled`).
    #[serde(default)]
    pub change_reason: Option<String>,
    /// The lesson's topics (one per hour), where the policy shows topics.
    pub topics: Vec<String>,
    /// Homework, where the policy shows it.
    pub homework: Option<String>,
    /// The homework is an individual task (001 п. 4.6: «индивидуальные задания»).
    pub individual_homework: bool,
    pub marks: Vec<DiaryMark>,
    /// «н», «б», «п» — empty when present.
    pub attendance: String,
    /// The work of the schedule of control works written at this lesson: «Контрольный срез знаний
    /// «Входной контроль»» (001: students and parents are informed of the schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_work: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryDay {
    pub date: NaiveDate,
    /// «Понедельник» … «Воскресенье».
    pub weekday: String,
    /// A working day by the institution's week (five or six days).
    pub working: bool,
    /// The holiday the day falls in, by name.
    pub holiday: Option<String>,
    pub lessons: Vec<DiaryLesson>,
    /// Events of the student's group and of the whole institution on that day (kept by the server
    /// beside the journal; absent from an older server: none).
    #[serde(default)]
    pub events: Vec<DiaryEvent>,
}

/// An event in the diary: a parents' meeting, an excursion, a concert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryEvent {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub id: uuid::Uuid,
    /// «ЧЧ:ММ», the institution's time; none for an all-day event.
    pub time: Option<String>,
    pub title: String,
    /// Where, e.g. «Актовый зал»; empty when not given.
    pub place: String,
    /// The group's name, or none for the whole institution.
    pub group: Option<String>,
}

/// One period final of a subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryFinal {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub period_id: PeriodId,
    /// The period's name; for the exam's mark «1 семестр, экзамен», for the year final «Год».
    pub period: String,
    /// Which column of the journal: "period", "exam" or "year".
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub column: FinalColumn,
    /// «5», «зачёт», «н/а», «отсрочка».
    pub value: String,
}

/// The student's results in one subject for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiarySubject {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub load_id: LoadId,
    pub subject: String,
    pub teacher: String,
    /// The period's marks in date order.
    pub marks: Vec<DiaryMark>,
    /// Average of the period's marks (a double mark counts twice); none without marks.
    pub average: Option<f64>,
    /// Absences in the period.
    pub absences: u32,
    /// This period's final, once set.
    pub final_value: Option<String>,
    /// The finals of every period of the year so far.
    pub finals: Vec<DiaryFinal>,
}

/// A parent's «Ознакомлен» with a period's finals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryAcknowledgement {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub period_id: PeriodId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub parent_id: UserId,
    pub parent_name: String,
    /// UTC.
    // A local date-time without an offset on the wire (local date-time).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$"))]
    pub at: NaiveDateTime,
}

/// The period's results («Успеваемость»).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryResults {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub period_id: PeriodId,
    pub period: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub subjects: Vec<DiarySubject>,
    /// Whether any final of the period is set (there is something to acknowledge).
    pub has_finals: bool,
    /// Who of the parents acknowledged the period's finals, and when.
    pub acknowledgements: Vec<DiaryAcknowledgement>,
}

/// The Monday–Sunday week of a student's diary and the current period's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiaryWeek {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub student_id: StudentId,
    pub student_name: String,
    pub group: Option<String>,
    /// Monday.
    pub week_start: NaiveDate,
    /// Sunday.
    pub week_end: NaiveDate,
    /// The institution's today, to highlight.
    pub today: NaiveDate,
    /// What the institution's policy lets the diary show besides marks, attendance, timetable.
    pub shows_topics: bool,
    pub shows_homework: bool,
    pub days: Vec<DiaryDay>,
    /// The period holding the requested date (else the last one begun); none outside the year.
    pub results: Option<DiaryResults>,
}

/// The Monday of the week holding `date`.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

fn weekday_ru(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Понедельник",
        Weekday::Tue => "Вторник",
        Weekday::Wed => "Среда",
        Weekday::Thu => "Четверг",
        Weekday::Fri => "Пятница",
        Weekday::Sat => "Суббота",
        Weekday::Sun => "Воскресенье",
    }
}

impl Snapshot {
    /// The students whose diary `user_id` opens: a student's own record, a parent's children (by
    /// their Student/Parent grants), in name order.
    pub fn diary_children(&self, user_id: UserId) -> Vec<DiaryChild> {
        let Some(user) = self.users.iter().find(|u| u.id == user_id) else {
            return Vec::new();
        };
        let mut ids: Vec<StudentId> = Vec::new();
        for g in &user.grants {
            if matches!(g.role, Role::Student | Role::Parent) {
                if let Some(s) = g.student_id {
                    if !ids.contains(&s) {
                        ids.push(s);
                    }
                }
            }
        }
        let mut out: Vec<DiaryChild> = ids
            .into_iter()
            .filter_map(|id| self.students.iter().find(|s| s.id == id))
            .map(|s| {
                let mut memberships: Vec<&Membership> = self
                    .memberships
                    .iter()
                    .filter(|m| m.student_id == s.id)
                    .collect();
                // The current (open) membership first, then the latest.
                memberships.sort_by_key(|m| (m.to.is_some(), std::cmp::Reverse(m.from)));
                let mut groups: Vec<String> = Vec::new();
                for m in memberships {
                    if let Some(g) = self.groups.iter().find(|g| g.id == m.group_id) {
                        if !groups.contains(&g.name) {
                            groups.push(g.name.clone());
                        }
                    }
                }
                DiaryChild {
                    student_id: s.id,
                    full_name: s.full_name(),
                    groups,
                }
            })
            .collect();
        out.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        out
    }

    /// The week holding `date` of `student`'s diary, with the results of the period holding
    /// `date`. `self` is the reader's own part (`for_user`): nothing outside it can appear.
    /// `None` when the student is not in it.
    pub fn diary_week(
        &self,
        student: StudentId,
        date: NaiveDate,
        today: NaiveDate,
        acknowledgements: &[DiaryAcknowledgement],
    ) -> Option<DiaryWeek> {
        let pupil = self.students.iter().find(|s| s.id == student)?;
        let memberships: Vec<&Membership> = self
            .memberships
            .iter()
            .filter(|m| m.student_id == student)
            .collect();
        let loads: HashMap<LoadId, &crate::Load> = self.loads.iter().map(|l| (l.id, l)).collect();
        // The student's lessons: their group's (own subgroup's) loads, within the membership dates.
        let is_students = |lesson: &Lesson| {
            loads.get(&lesson.load_id).is_some_and(|load| {
                memberships.iter().any(|m| {
                    m.group_id == load.group_id
                        && (load.subgroup_id.is_none() || load.subgroup_id == m.subgroup_id)
                        && m.from <= lesson.date
                        && m.to.is_none_or(|t| lesson.date <= t)
                })
            })
        };
        let user_name = |id: UserId| {
            self.users
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.full_name.clone())
                .unwrap_or_default()
        };
        let subject_name = |load: &crate::Load| {
            self.subjects
                .iter()
                .find(|s| s.id == load.subject_id)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        let mut topics: HashMap<LessonId, Vec<&crate::LessonTopic>> = HashMap::new();
        for t in &self.lesson_topics {
            topics.entry(t.lesson_id).or_default().push(t);
        }
        let work_type_of = |lesson: LessonId| {
            topics
                .get(&lesson)
                .and_then(|ts| ts.iter().min_by_key(|t| t.hour).map(|t| t.work_type))
        };
        let cells: HashMap<LessonId, &crate::Cell> = self
            .cells
            .iter()
            .filter(|c| c.student_id == student)
            .map(|c| (c.lesson_id, c))
            .collect();
        let marks_of = |lesson: &Lesson| -> (Vec<DiaryMark>, String) {
            let Some(cell) = cells.get(&lesson.id) else {
                return (Vec::new(), String::new());
            };
            let work_type = work_type_of(lesson.id);
            let mut marks = Vec::new();
            let mut absences = Vec::new();
            for e in &cell.value.entries {
                match e {
                    CellEntry::Absence { absence } => absences.push(absence.symbol()),
                    mark => marks.push(DiaryMark {
                        symbol: mark.symbol(),
                        date: lesson.date,
                        work_type,
                        work_type_name: work_type.map(|w| w.name_ru().to_string()),
                    }),
                }
            }
            (marks, absences.join(" "))
        };
        let bell = |number: u8| self.bells.iter().find(|b| b.number == number);

        let start = week_start(date);
        let end = start + Duration::days(6);
        let mut week_lessons: Vec<&Lesson> = self
            .lessons
            .iter()
            .filter(|l| l.date >= start && l.date <= end && is_students(l))
            .collect();
        week_lessons.sort_by_key(|l| (l.date, l.bell_number));
        let days_per_week = u32::from(self.institution.regime.days_per_week.clamp(5, 7));
        let days = (0..7)
            .map(|i| {
                let day = start + Duration::days(i);
                let lessons = week_lessons
                    .iter()
                    .filter(|l| l.date == day)
                    .filter_map(|l| {
                        let load = loads.get(&l.load_id)?;
                        let (marks, attendance) = marks_of(l);
                        let mut hour_topics: Vec<&&crate::LessonTopic> = topics
                            .get(&l.id)
                            .map(|t| t.iter().collect())
                            .unwrap_or_default();
                        hour_topics.sort_by_key(|t| t.hour);
                        let homework = self
                            .homework
                            .iter()
                            .find(|h| h.lesson_id == l.id)
                            .map(|h| h.text.clone())
                            .filter(|t| !t.trim().is_empty());
                        Some(DiaryLesson {
                            lesson_id: l.id,
                            bell_number: l.bell_number,
                            starts: bell(l.bell_number).map(|b| b.starts),
                            // A paired lesson is one bell slot of the schedule (a пара).
                            ends: bell(l.bell_number).map(|b| b.ends),
                            hours: l.hours,
                            subject: subject_name(load),
                            teacher: user_name(l.substitute_teacher_id.unwrap_or(load.teacher_id)),
                            substitution: l.substitute_teacher_id.is_some(),
                            room: l.room.clone(),
                            status: l.status,
                            moved_to: l.moved_to,
                            change_reason: l.change_reason.clone(),
                            topics: hour_topics.iter().map(|t| t.title.clone()).collect(),
                            individual_homework: homework
                                .as_deref()
                                .is_some_and(|t| t.trim().to_lowercase() == INDIVIDUAL_HOMEWORK),
                            homework,
                            marks,
                            attendance,
                            control_work: self
                                .control_works
                                .iter()
                                .find(|w| w.load_id == l.load_id && w.date == l.date)
                                .map(|w| format!("{} «{}»", w.form.name_ru(), w.title)),
                        })
                    })
                    .collect();
                DiaryDay {
                    date: day,
                    weekday: weekday_ru(day.weekday()).to_string(),
                    working: day.weekday().num_days_from_monday() < days_per_week,
                    holiday: self
                        .holidays
                        .iter()
                        .find(|h| h.starts_on <= day && day <= h.ends_on)
                        .map(|h| h.name.clone()),
                    lessons,
                    events: Vec::new(),
                }
            })
            .collect();

        // The period holding the date, else the last one begun before it.
        let mut periods: Vec<&crate::Period> = self.periods.iter().collect();
        periods.sort_by_key(|p| p.starts_on);
        let period = periods
            .iter()
            .find(|p| p.starts_on <= date && date <= p.ends_on)
            .or_else(|| periods.iter().rev().find(|p| p.starts_on <= date))
            .copied();
        let results = period.map(|period| {
            let mut student_loads: Vec<&crate::Load> = self
                .loads
                .iter()
                .filter(|load| {
                    memberships.iter().any(|m| {
                        m.group_id == load.group_id
                            && (load.subgroup_id.is_none() || load.subgroup_id == m.subgroup_id)
                            && m.from <= period.ends_on
                            && m.to.is_none_or(|t| period.starts_on <= t)
                    })
                })
                .collect();
            student_loads.sort_by_key(|l| subject_name(l));
            let subjects: Vec<DiarySubject> = student_loads
                .into_iter()
                .map(|load| {
                    let mut lessons: Vec<&Lesson> = self
                        .lessons
                        .iter()
                        .filter(|l| {
                            l.load_id == load.id
                                && period.starts_on <= l.date
                                && l.date <= period.ends_on
                                && is_students(l)
                        })
                        .collect();
                    lessons.sort_by_key(|l| (l.date, l.bell_number));
                    let mut marks = Vec::new();
                    let mut values = Vec::new();
                    let mut absences = 0;
                    for l in lessons {
                        if let Some(cell) = cells.get(&l.id) {
                            values.push(cell.value.clone());
                            absences += cell
                                .value
                                .entries
                                .iter()
                                .filter(|e| matches!(e, CellEntry::Absence { .. }))
                                .count() as u32;
                        }
                        marks.extend(marks_of(l).0);
                    }
                    // Each period's final and exam in the periods' order, then the year's.
                    let mut finals: Vec<DiaryFinal> = Vec::new();
                    for column in [FinalColumn::Period, FinalColumn::Exam, FinalColumn::Year] {
                        for p in periods.iter() {
                            let Some(f) = self.finals.iter().find(|f| {
                                f.load_id == load.id
                                    && f.period_id == p.id
                                    && f.student_id == student
                                    && f.column == column
                            }) else {
                                continue;
                            };
                            finals.push(DiaryFinal {
                                period_id: p.id,
                                period: match column {
                                    FinalColumn::Period => p.name.clone(),
                                    FinalColumn::Exam => format!("{}, экзамен", p.name),
                                    FinalColumn::Year => "Год".into(),
                                },
                                column,
                                value: f.value.symbol(),
                            });
                        }
                    }
                    finals.sort_by_key(|f| {
                        let ordinal = periods
                            .iter()
                            .find(|p| p.id == f.period_id)
                            .map_or(0, |p| p.ordinal);
                        (f.column == FinalColumn::Year, ordinal, f.column)
                    });
                    DiarySubject {
                        load_id: load.id,
                        subject: subject_name(load),
                        teacher: user_name(load.teacher_id),
                        marks,
                        average: journal_core::finals::average(&values)
                            .map(|a| (a * 100.0).round() / 100.0),
                        absences,
                        final_value: finals
                            .iter()
                            .find(|f| f.period_id == period.id && f.column.is_period())
                            .map(|f| f.value.clone()),
                        finals,
                    }
                })
                .collect();
            DiaryResults {
                period_id: period.id,
                period: period.name.clone(),
                starts_on: period.starts_on,
                ends_on: period.ends_on,
                has_finals: subjects.iter().any(|s| s.final_value.is_some()),
                subjects,
                acknowledgements: acknowledgements
                    .iter()
                    .filter(|a| a.period_id == period.id)
                    .cloned()
                    .collect(),
            }
        });
        let group = memberships
            .iter()
            .filter(|m| m.from <= date && m.to.is_none_or(|t| date <= t))
            .chain(memberships.iter())
            .find_map(|m| self.groups.iter().find(|g| g.id == m.group_id))
            .map(|g| g.name.clone());
        Some(DiaryWeek {
            student_id: student,
            student_name: pupil.full_name(),
            group,
            week_start: start,
            week_end: end,
            today,
            shows_topics: self.institution.policy.diary_shows_topics,
            shows_homework: self.institution.policy.diary_shows_homework,
            days,
            results,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::tests::{at, day, ld, ls, sample, st, uid, PARENT, STUDENT};
    use crate::LessonTopic;
    use journal_core::{CellValue, MarkValue};

    fn mark(v: u8) -> CellValue {
        CellValue {
            entries: vec![CellEntry::Mark {
                value: MarkValue::new(v).unwrap_or_else(|_| panic!("{v} is a mark")),
            }],
        }
    }

    /// The sample with a 5 (control work) at lesson 1 and an absence at lesson 4 for S1.
    fn marked() -> Snapshot {
        let mut full = sample();
        for c in &mut full.cells {
            if c.student_id == st(1) && c.lesson_id == ls(1) {
                c.value = mark(5);
            }
            if c.student_id == st(1) && c.lesson_id == ls(4) {
                c.value = CellValue {
                    entries: vec![CellEntry::Absence {
                        absence: journal_core::Absence::Ill,
                    }],
                };
            }
            if c.student_id == st(2) && c.lesson_id == ls(1) {
                c.value = mark(2);
            }
        }
        full.lesson_topics.push(LessonTopic {
            lesson_id: ls(1),
            hour: 1,
            plan_topic_id: None,
            title: "Производная".into(),
            work_type: WorkType::Control,
            work_number: Some(1),
            makeup_of: None,
            entered_at: at(5),
            author_id: UserId(uid(1)),
        });
        full
    }

    #[test]
    fn the_week_runs_monday_to_sunday() {
        // 2026-10-07 is a Wednesday.
        assert_eq!(
            week_start(day(7)),
            day(5),
            "Wednesday's week starts on Monday"
        );
        assert_eq!(week_start(day(5)), day(5), "a Monday starts its own week");
        assert_eq!(
            week_start(day(11)),
            day(5),
            "Sunday belongs to the week before it"
        );
    }

    #[test]
    fn a_parent_sees_their_childs_lessons_marks_and_substitutions() {
        let mut full = marked();
        let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        full.bells = vec![
            crate::Bell {
                number: 1,
                starts: hm(8, 30),
                ends: hm(10, 0),
                shift: 1,
            },
            crate::Bell {
                number: 2,
                starts: hm(10, 10),
                ends: hm(11, 40),
                shift: 1,
            },
        ];
        let view = full.for_user(UserId(uid(PARENT)));
        let week = view
            .diary_week(st(1), day(7), day(7), &[])
            .expect("the parent's child is in the parent's view");
        assert_eq!((week.week_start, week.week_end), (day(5), day(11)));
        assert_eq!(week.days.len(), 7, "Monday to Sunday");
        let monday: Vec<LessonId> = week.days[0].lessons.iter().map(|l| l.lesson_id).collect();
        assert_eq!(
            monday,
            vec![ls(1), ls(4)],
            "the group's lesson and own subgroup's, not subgroup 2's nor another group's"
        );
        let first = &week.days[0].lessons[0];
        assert_eq!(
            (first.starts, first.ends, first.hours),
            (Some(hm(8, 30)), Some(hm(10, 0)), 2),
            "a paired lesson (пара) is one bell slot: its own bell's times"
        );
        assert_eq!(first.marks.len(), 1, "the child's 5, not a classmate's 2");
        assert_eq!(first.marks[0].symbol, "5");
        assert_eq!(
            first.marks[0].work_type, None,
            "the strict default policy hides topics, and with them the kind of work"
        );
        assert!(
            first.topics.is_empty() && first.homework.is_none(),
            "hidden by default"
        );
        assert_eq!(
            week.days[0].lessons[1].attendance, "б",
            "the absence at lesson 4"
        );
        let tuesday = &week.days[1].lessons[0];
        assert!(tuesday.substitution, "lesson 2 was taught by a substitute");
        assert_eq!(
            tuesday.teacher, "Иванов Иван b",
            "the substitute's name is shown"
        );
        assert!(
            week.days[0].working && !week.days[5].working,
            "five-day week"
        );

        let results = week.results.expect("October is in the period");
        assert_eq!(
            results.subjects.len(),
            2,
            "load 1 and own subgroup's load 3"
        );
        let l1 = results
            .subjects
            .iter()
            .find(|s| s.load_id == ld(1))
            .expect("load 1 is the child's");
        assert_eq!(
            l1.average,
            Some(5.0),
            "average of the child's own marks only"
        );
        assert_eq!(
            l1.final_value.as_deref(),
            Some("зачёт"),
            "the child's final"
        );
        assert!(results.has_finals, "there is a final to acknowledge");
        let l3 = results
            .subjects
            .iter()
            .find(|s| s.load_id == ld(3))
            .expect("load 3 is the child's");
        assert_eq!(
            (l3.average, l3.absences),
            (None, 1),
            "no marks, one absence"
        );
    }

    #[test]
    fn the_policy_shows_topics_and_homework_where_it_says_so() {
        let mut full = marked();
        full.institution.policy.diary_shows_topics = true;
        full.institution.policy.diary_shows_homework = true;
        let view = full.for_user(UserId(uid(STUDENT)));
        let week = view
            .diary_week(st(1), day(5), day(5), &[])
            .expect("the student's own diary");
        assert!(week.shows_topics && week.shows_homework);
        let first = &week.days[0].lessons[0];
        assert_eq!(first.topics, vec!["Производная".to_string()]);
        assert_eq!(first.homework.as_deref(), Some("№ 2"));
        assert_eq!(first.marks[0].work_type, Some(WorkType::Control));
        assert_eq!(
            first.marks[0].work_type_name.as_deref(),
            Some("Контрольная работа")
        );
    }

    #[test]
    fn a_scheduled_control_work_is_named_on_its_lesson_in_the_diary() {
        let mut full = marked();
        let first = full
            .diary_week(st(1), day(5), day(5), &[])
            .expect("the student's week")
            .days[0]
            .lessons[0]
            .lesson_id;
        let lesson = full
            .lessons
            .iter()
            .find(|l| l.id == first)
            .cloned()
            .expect("the lesson");
        full.control_works.push(crate::ControlWork {
            id: journal_core::ControlWorkId(uid(990)),
            load_id: lesson.load_id,
            date: lesson.date,
            form: crate::ControlForm::KnowledgeCut,
            title: "Входной контроль".into(),
            vtk: true,
            criteria: None,
        });
        let week = full
            .for_user(UserId(uid(PARENT)))
            .diary_week(st(1), day(5), day(5), &[])
            .expect("the parent's view of the child");
        let shown = &week.days[0].lessons[0];
        assert_eq!(
            shown.control_work.as_deref(),
            Some("Контрольный срез знаний «Входной контроль»"),
            "the family sees the work on its lesson"
        );
        assert!(
            week.days[0].lessons[1..]
                .iter()
                .all(|l| l.control_work.is_none()),
            "only on that lesson"
        );
    }

    #[test]
    fn another_student_is_not_in_the_view() {
        let view = marked().for_user(UserId(uid(PARENT)));
        assert!(
            view.diary_week(st(2), day(5), day(5), &[]).is_none(),
            "a classmate's diary cannot be computed from the parent's part"
        );
        let children = view.diary_children(UserId(uid(PARENT)));
        assert_eq!(children.len(), 1, "one child");
        assert_eq!(children[0].student_id, st(1));
        assert_eq!(children[0].groups, vec!["ИС-11".to_string()]);
    }

    #[test]
    fn acknowledgements_of_the_period_are_reported() {
        let view = marked().for_user(UserId(uid(PARENT)));
        let period = view.periods[0].id;
        let acks = [
            DiaryAcknowledgement {
                period_id: period,
                parent_id: UserId(uid(PARENT)),
                parent_name: "Родитель".into(),
                at: at(31),
            },
            DiaryAcknowledgement {
                period_id: PeriodId(uid(999)),
                parent_id: UserId(uid(PARENT)),
                parent_name: "Родитель".into(),
                at: at(31),
            },
        ];
        let week = view
            .diary_week(st(1), day(5), day(5), &acks)
            .expect("the child's diary");
        let results = week.results.expect("a period");
        assert_eq!(
            results.acknowledgements,
            vec![acks[0].clone()],
            "only this period's acknowledgement"
        );
    }
}
