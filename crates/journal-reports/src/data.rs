//! The snapshot indexed once for a report: loads in the filter, their held lessons, each lesson's
//! cells, topics and homework, and who is on a load's list on a date.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::deadlines::{self, Obligation};
use journal_core::{DeadlineStatus, LessonId, LessonInfo, LoadId, StudentId, WorkType};
use journal_protocol::{
    Cell, Homework, Lesson, LessonStatus, LessonTopic, Load, Snapshot, Student,
};

use crate::Resolved;

pub struct Data<'a> {
    pub snap: &'a Snapshot,
    pub r: &'a Resolved,
    pub today: NaiveDate,
    /// Loads in the filter, in a stable order (group, subject, teacher names).
    pub loads: Vec<&'a Load>,
    lessons_by_load: HashMap<LoadId, Vec<&'a Lesson>>,
    cells: HashMap<LessonId, Vec<&'a Cell>>,
    topics: HashMap<LessonId, Vec<&'a LessonTopic>>,
    homework: HashMap<LessonId, &'a Homework>,
}

impl<'a> Data<'a> {
    pub fn new(snap: &'a Snapshot, r: &'a Resolved, now: NaiveDateTime) -> Data<'a> {
        let mut loads: Vec<&Load> = snap
            .loads
            .iter()
            .filter(|l| r.group_id.is_none_or(|g| l.group_id == g))
            .filter(|l| r.teacher_id.is_none_or(|t| l.teacher_id == t))
            .filter(|l| r.subject_id.is_none_or(|s| l.subject_id == s))
            .filter(|l| {
                r.department_teachers
                    .as_ref()
                    .is_none_or(|t| t.binary_search(&l.teacher_id).is_ok())
            })
            .collect();
        loads.sort_by_key(|l| {
            (
                group_name(snap, l),
                subject_name(snap, l),
                teacher_name(snap, l),
            )
        });
        let in_filter: std::collections::HashSet<LoadId> = loads.iter().map(|l| l.id).collect();
        let mut lessons_by_load: HashMap<LoadId, Vec<&Lesson>> = HashMap::new();
        for l in &snap.lessons {
            if in_filter.contains(&l.load_id) {
                lessons_by_load.entry(l.load_id).or_default().push(l);
            }
        }
        for v in lessons_by_load.values_mut() {
            v.sort_by_key(|l| (l.date, l.bell_number));
        }
        let mut cells: HashMap<LessonId, Vec<&Cell>> = HashMap::new();
        for c in &snap.cells {
            cells.entry(c.lesson_id).or_default().push(c);
        }
        let mut topics: HashMap<LessonId, Vec<&LessonTopic>> = HashMap::new();
        for t in &snap.lesson_topics {
            topics.entry(t.lesson_id).or_default().push(t);
        }
        let homework = snap.homework.iter().map(|h| (h.lesson_id, h)).collect();
        Data {
            snap,
            r,
            today: now.date(),
            loads,
            lessons_by_load,
            cells,
            topics,
            homework,
        }
    }

    /// Lessons of the load in the filter's dates that stand in the timetable (held or to be held).
    pub fn scheduled(&self, load: LoadId) -> impl Iterator<Item = &'a Lesson> + '_ {
        self.lessons_by_load
            .get(&load)
            .into_iter()
            .flatten()
            .copied()
            .filter(|l| {
                l.status == LessonStatus::Scheduled && l.date >= self.r.from && l.date <= self.r.to
            })
    }

    /// Every lesson of the load in the filter's dates, whatever its state (substituted, postponed,
    /// not held).
    pub fn in_dates(&self, load: LoadId) -> impl Iterator<Item = &'a Lesson> + '_ {
        self.lessons_by_load
            .get(&load)
            .into_iter()
            .flatten()
            .copied()
            .filter(|l| l.date >= self.r.from && l.date <= self.r.to)
    }

    /// Lessons of the load held in the filter's dates: scheduled, up to today.
    pub fn held(&self, load: LoadId) -> impl Iterator<Item = &'a Lesson> + '_ {
        let today = self.today;
        self.scheduled(load).filter(move |l| l.date <= today)
    }

    pub fn cells(&self, lesson: LessonId) -> &[&'a Cell] {
        self.cells.get(&lesson).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn topics(&self, lesson: LessonId) -> &[&'a LessonTopic] {
        self.topics.get(&lesson).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn homework(&self, lesson: LessonId) -> Option<&'a Homework> {
        self.homework.get(&lesson).copied()
    }

    /// Students of a group at any time within the filter's dates, by name: «количество обучающихся
    /// в группе», the denominator of успеваемость and качество.
    pub fn group_students(&self, group: journal_core::GroupId) -> Vec<&'a Student> {
        let mut ids: Vec<StudentId> = self
            .snap
            .memberships
            .iter()
            .filter(|m| {
                m.group_id == group
                    && m.from <= self.r.to
                    && m.to.is_none_or(|to| to >= self.r.from)
            })
            .map(|m| m.student_id)
            .collect();
        ids.sort();
        ids.dedup();
        let mut out: Vec<&Student> = self
            .snap
            .students
            .iter()
            .filter(|s| ids.binary_search(&s.id).is_ok())
            .collect();
        out.sort_by_key(|s| s.full_name());
        out
    }

    /// Students on a load's list at any time within the filter's dates.
    pub fn load_students(&self, load: &Load) -> Vec<&'a Student> {
        self.group_students(load.group_id)
            .into_iter()
            .filter(|s| {
                load.subgroup_id.is_none()
                    || self.snap.memberships.iter().any(|m| {
                        m.student_id == s.id
                            && m.group_id == load.group_id
                            && m.subgroup_id == load.subgroup_id
                    })
            })
            .collect()
    }

    /// Students on a load's list on `date` (members of its group, and subgroup, that day): the list
    /// of one lesson.
    pub fn students_on(&self, load: &Load, date: chrono::NaiveDate) -> Vec<&'a Student> {
        self.load_students(load)
            .into_iter()
            .filter(|s| {
                self.snap.memberships.iter().any(|m| {
                    m.student_id == s.id
                        && m.group_id == load.group_id
                        && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
                        && m.from <= date
                        && m.to.is_none_or(|to| date <= to)
                })
            })
            .collect()
    }

    /// The rules' view of a lesson: its bell times (first shift) on its date; without a bell line the
    /// whole day, as the server's authority does.
    pub fn lesson_info(&self, lesson: &Lesson) -> LessonInfo {
        let bell = self
            .snap
            .bells
            .iter()
            .find(|b| b.number == lesson.bell_number);
        let (starts, ends) = match bell {
            Some(b) => (b.starts, b.ends),
            None => (
                NaiveTime::MIN,
                NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
            ),
        };
        let topics = self.topics(lesson.id);
        // A lesson the schedule of control works holds a work at is a control work (as the app
        // and the server judge its entries).
        let scheduled = self
            .snap
            .control_works
            .iter()
            .any(|w| w.load_id == lesson.load_id && w.date == lesson.date);
        let work_type = if scheduled || topics.iter().any(|t| t.work_type == WorkType::Control) {
            WorkType::Control
        } else if topics.iter().any(|t| t.work_type == WorkType::Written) {
            WorkType::Written
        } else {
            topics
                .iter()
                .min_by_key(|t| t.hour)
                .map(|t| t.work_type)
                .unwrap_or(WorkType::Lesson)
        };
        LessonInfo {
            date: lesson.date,
            starts_at: lesson.date.and_time(starts),
            ends_at: lesson.date.and_time(ends),
            hours: lesson.hours,
            work_type,
        }
    }

    /// When the lesson's topic was complete (every hour has one): the last hour's entry time.
    pub fn topic_done(&self, lesson: &Lesson) -> Option<NaiveDateTime> {
        let topics = self.topics(lesson.id);
        let all = (1..=lesson.hours.max(1)).all(|h| topics.iter().any(|t| t.hour == h));
        if all {
            topics.iter().map(|t| t.entered_at).max()
        } else {
            None
        }
    }

    /// The lesson's duties with their statuses at `now`, by the app's rule (journal-api `duties`):
    /// marks are done with any filled cell — at an ordinary lesson where nobody was absent or marked,
    /// by the topic —, the topic when every hour has one, homework when recorded.
    pub fn duties(&self, lesson: &Lesson, now: NaiveDateTime) -> [(Duty, DeadlineStatus); 3] {
        let info = self.lesson_info(lesson);
        let marks_obligation = Obligation::marks_for(info.work_type, &self.snap.institution.policy);
        let topic_done = self.topic_done(lesson);
        let cells_done = self
            .cells(lesson.id)
            .iter()
            .filter(|c| !c.value.is_empty())
            .map(|c| c.entered_at)
            .max();
        let marks_done = match marks_obligation {
            Obligation::MarksSameDay => cells_done.or(topic_done),
            _ => cells_done,
        };
        let homework_done = self.homework(lesson.id).map(|h| h.entered_at);
        [
            (
                Duty::Marks,
                deadlines::status(marks_obligation, &info, marks_done, now),
            ),
            (
                Duty::Topic,
                deadlines::status(Obligation::TopicSameDay, &info, topic_done, now),
            ),
            (
                Duty::Homework,
                deadlines::status(Obligation::HomeworkAfterLesson, &info, homework_done, now),
            ),
        ]
    }

    /// Whether the load's subject is given marks: a subject «без отметок» (внеурочная деятельность,
    /// as a rule) has no finals, so it has no row of успеваемость or forecast.
    pub fn assessed(&self, load: &Load) -> bool {
        self.snap
            .subjects
            .iter()
            .find(|s| s.id == load.subject_id)
            .is_none_or(|s| s.grading != journal_core::GradingScale::Ungraded)
    }

    pub fn teacher_name(&self, load: &Load) -> String {
        teacher_name(self.snap, load)
    }
    pub fn group_name(&self, load: &Load) -> String {
        group_name(self.snap, load)
    }
    /// «Математика» or «Английский язык (1 подгруппа)».
    pub fn load_subject(&self, load: &Load) -> String {
        let sub = load
            .subgroup_id
            .and_then(|s| self.snap.subgroups.iter().find(|x| x.id == s));
        match sub {
            Some(s) => format!("{} ({})", subject_name(self.snap, load), s.name),
            None => subject_name(self.snap, load),
        }
    }
    pub fn user_name(&self, id: journal_core::UserId) -> String {
        self.snap
            .users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.full_name.clone())
            .unwrap_or_else(|| id.to_string())
    }
}

/// What a held lesson obliges the teacher to fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    Marks,
    Topic,
    Homework,
}

impl Duty {
    pub fn name_ru(self) -> &'static str {
        match self {
            Duty::Marks => "Отметки и посещаемость",
            Duty::Topic => "Тема урока",
            Duty::Homework => "Домашнее задание",
        }
    }
}

fn teacher_name(snap: &Snapshot, load: &Load) -> String {
    snap.users
        .iter()
        .find(|u| u.id == load.teacher_id)
        .map(|u| u.full_name.clone())
        .unwrap_or_default()
}
fn group_name(snap: &Snapshot, load: &Load) -> String {
    snap.groups
        .iter()
        .find(|g| g.id == load.group_id)
        .map(|g| g.name.clone())
        .unwrap_or_default()
}
fn subject_name(snap: &Snapshot, load: &Load) -> String {
    snap.subjects
        .iter()
        .find(|s| s.id == load.subject_id)
        .map(|s| s.name.clone())
        .unwrap_or_default()
}
