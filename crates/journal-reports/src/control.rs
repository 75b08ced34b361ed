//! «Контроль ведения журнала» — 001 п. 4.13 and Приложение «Заместитель директора» п. 13, 001 п. 6.7,
//! 004 п. 4.2.1: per load (teacher × group × subject), then summed per teacher and per group — held
//! lessons, lessons filled on the lesson's day (the topic of every hour entered by the end of the
//! day), lessons with a topic, with every hour's topic taken from the КТП (001 п. 4.7: «в
//! соответствии с КТП»), and with homework, marks accumulated (and per student), the programme's
//! hours (planned for the year, given so far), substitutions and how many of them were filled,
//! remarks fixed by their own deadline and remarks overdue; and the list of what is overdue today,
//! by the teacher who gave the lesson (the substitute, for a substitution).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use journal_core::DeadlineStatus;
use serde::{Deserialize, Serialize};

use crate::data::Data;
use crate::{percent, ru_date, Chart, Figure, Parts, Resolved, Series, Table, Value};
use journal_protocol::Snapshot;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ControlRow {
    pub teacher: String,
    pub group: String,
    pub subject: String,
    pub lessons_held: usize,
    /// Topic of every hour entered by the end of the lesson's day.
    pub filled_on_day: usize,
    pub with_topic: usize,
    /// Lessons whose every hour's topic is a topic of the КТП.
    pub with_plan_topic: usize,
    pub with_homework: usize,
    pub marks: usize,
    pub students: usize,
    pub planned_hours: u32,
    pub given_hours: u32,
    pub substitutions: usize,
    /// Substituted lessons whose topic is entered.
    pub substitutions_filled: usize,
    /// Remarks written in the report's dates.
    pub remarks: usize,
    /// Of those, fixed (answered «Устранено») by their own deadline.
    pub remarks_fixed_on_time: usize,
    pub remarks_overdue: usize,
    pub overdue: usize,
}

impl ControlRow {
    fn add(&mut self, o: &ControlRow) {
        self.lessons_held += o.lessons_held;
        self.filled_on_day += o.filled_on_day;
        self.with_topic += o.with_topic;
        self.with_plan_topic += o.with_plan_topic;
        self.with_homework += o.with_homework;
        self.marks += o.marks;
        self.students += o.students;
        self.planned_hours += o.planned_hours;
        self.given_hours += o.given_hours;
        self.substitutions += o.substitutions;
        self.substitutions_filled += o.substitutions_filled;
        self.remarks += o.remarks;
        self.remarks_fixed_on_time += o.remarks_fixed_on_time;
        self.remarks_overdue += o.remarks_overdue;
        self.overdue += o.overdue;
    }
}

/// One duty not done by its deadline, as of now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueItem {
    /// Who gave the lesson (the substitute, for a substitution).
    pub teacher: String,
    pub group: String,
    pub subject: String,
    pub date: NaiveDate,
    pub bell: u8,
    pub what: String,
    pub due: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlReport {
    pub by_load: Vec<ControlRow>,
    pub by_teacher: Vec<ControlRow>,
    pub by_group: Vec<ControlRow>,
    pub overdue: Vec<OverdueItem>,
}

pub fn control(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> ControlReport {
    let d = Data::new(snap, r, now);
    let mut by_load = Vec::new();
    let mut overdue = Vec::new();
    for load in &d.loads {
        let mut row = ControlRow {
            teacher: d.teacher_name(load),
            group: d.group_name(load),
            subject: d.load_subject(load),
            students: d.load_students(load).len(),
            planned_hours: load.planned_hours,
            ..Default::default()
        };
        for lesson in d.held(load.id) {
            row.lessons_held += 1;
            row.given_hours += u32::from(lesson.hours);
            let topic = d.topic_done(lesson);
            let info = d.lesson_info(lesson);
            if topic.is_some() {
                row.with_topic += 1;
            }
            let topics = d.topics(lesson.id);
            if !topics.is_empty() && topics.iter().all(|t| t.plan_topic_id.is_some()) {
                row.with_plan_topic += 1;
            }
            if topic.is_some_and(|t| t.date() <= info.date) {
                row.filled_on_day += 1;
            }
            if d.homework(lesson.id).is_some() {
                row.with_homework += 1;
            }
            row.marks += d
                .cells(lesson.id)
                .iter()
                .map(|c| c.value.marks().count())
                .sum::<usize>();
            if lesson.substitute_teacher_id.is_some() {
                row.substitutions += 1;
                if topic.is_some() {
                    row.substitutions_filled += 1;
                }
            }
            let gave = lesson.substitute_teacher_id.unwrap_or(load.teacher_id);
            for (duty, status) in d.duties(lesson, now) {
                if let DeadlineStatus::Overdue { due } = status {
                    row.overdue += 1;
                    overdue.push(OverdueItem {
                        teacher: d.user_name(gave),
                        group: row.group.clone(),
                        subject: row.subject.clone(),
                        date: lesson.date,
                        bell: lesson.bell_number,
                        what: duty.name_ru().to_string(),
                        due,
                    });
                }
            }
        }
        for remark in snap.remarks.iter().filter(|m| m.load_id == load.id) {
            // Each remark by its own deadline (the policy's, as the author set it).
            let due_day = remark.due_date();
            if (r.from..=r.to).contains(&remark.created_at.date()) {
                row.remarks += 1;
                let fixed = remark.answered_at.or(remark.resolved_at);
                if !remark.is_open() && fixed.is_some_and(|f| f.date() <= due_day) {
                    row.remarks_fixed_on_time += 1;
                }
            }
            if remark.is_overdue(now.date()) {
                let due = due_day.and_time(chrono::NaiveTime::MIN) + chrono::Duration::days(1);
                row.remarks_overdue += 1;
                row.overdue += 1;
                overdue.push(OverdueItem {
                    teacher: row.teacher.clone(),
                    group: row.group.clone(),
                    subject: row.subject.clone(),
                    date: remark.created_at.date(),
                    bell: 0,
                    what: format!("Замечание не устранено: {}", remark.text),
                    due,
                });
            }
        }
        by_load.push(row);
    }
    overdue.sort_by(|a, b| {
        (&a.teacher, a.date, a.bell, &a.group).cmp(&(&b.teacher, b.date, b.bell, &b.group))
    });
    let sum = |key: &dyn Fn(&ControlRow) -> String, fill: &dyn Fn(&mut ControlRow, &ControlRow)| {
        let mut m: BTreeMap<String, ControlRow> = BTreeMap::new();
        for row in &by_load {
            let e = m.entry(key(row)).or_default();
            fill(e, row);
            e.add(row);
        }
        m.into_values().collect::<Vec<_>>()
    };
    let by_teacher = sum(&|r| r.teacher.clone(), &|e, r| {
        e.teacher = r.teacher.clone()
    });
    let by_group = sum(&|r| r.group.clone(), &|e, r| e.group = r.group.clone());
    ControlReport {
        by_load,
        by_teacher,
        by_group,
        overdue,
    }
}

fn pct(part: usize, whole: usize) -> Value {
    percent(part, whole).into()
}

fn row_values(first: Vec<Value>, r: &ControlRow) -> Vec<Value> {
    let mut v = first;
    v.extend([
        r.lessons_held.into(),
        pct(r.filled_on_day, r.lessons_held),
        pct(r.with_topic, r.lessons_held),
        pct(r.with_plan_topic, r.lessons_held),
        pct(r.with_homework, r.lessons_held),
        r.marks.into(),
        if r.students > 0 {
            Value::from(Some(r.marks as f64 / r.students as f64))
        } else {
            Value::Empty
        },
        r.planned_hours.into(),
        r.given_hours.into(),
        format!("{} / {}", r.substitutions_filled, r.substitutions).into(),
        format!("{} / {}", r.remarks_fixed_on_time, r.remarks).into(),
        r.remarks_overdue.into(),
        r.overdue.into(),
    ]);
    v
}

const COLUMNS: [&str; 13] = [
    "Уроков проведено",
    "Заполнено в день урока, %",
    "С темой, %",
    "Тема по КТП, %",
    "С домашним заданием, %",
    "Отметок",
    "Отметок на обучающегося",
    "Часов по плану",
    "Часов фактически",
    "Замены: заполнено / всего",
    "Замечания: устранено в срок / всего",
    "Замечаний просрочено",
    "Просрочено сегодня",
];

impl ControlReport {
    pub fn into_parts(self) -> Parts {
        let total = self.by_load.iter().fold(ControlRow::default(), |mut a, r| {
            a.add(r);
            a
        });
        let figures = vec![
            Figure {
                name: "Уроков проведено".into(),
                value: total.lessons_held.into(),
            },
            Figure {
                name: "Заполнено в день урока, %".into(),
                value: pct(total.filled_on_day, total.lessons_held),
            },
            Figure {
                name: "Просрочено на сегодня".into(),
                value: self.overdue.len().into(),
            },
        ];
        let table = |title: &str, first: &[&str], rows: Vec<Vec<Value>>| {
            let mut cols: Vec<&str> = first.to_vec();
            cols.extend(COLUMNS);
            let mut t = Table::new(title, &cols);
            t.rows = rows;
            t
        };
        let mut overdue = Table::new(
            "Просрочено на сегодня",
            &[
                "Преподаватель",
                "Группа",
                "Предмет",
                "Дата урока",
                "Урок",
                "Что не заполнено",
                "Срок",
            ],
        );
        for o in &self.overdue {
            overdue.rows.push(vec![
                o.teacher.clone().into(),
                o.group.clone().into(),
                o.subject.clone().into(),
                ru_date(o.date).into(),
                if o.bell > 0 {
                    Value::Int(i64::from(o.bell))
                } else {
                    Value::Empty
                },
                o.what.clone().into(),
                o.due.format("%d.%m.%Y %H:%M").to_string().into(),
            ]);
        }
        let chart = Chart {
            title: "Просрочено по преподавателям".into(),
            unit: "шт.".into(),
            labels: self.by_teacher.iter().map(|r| r.teacher.clone()).collect(),
            series: vec![Series {
                name: "Просрочено".into(),
                values: self.by_teacher.iter().map(|r| r.overdue as f64).collect(),
            }],
        };
        let tables = vec![
            overdue,
            table(
                "По преподавателям",
                &["Преподаватель"],
                self.by_teacher
                    .iter()
                    .map(|r| row_values(vec![r.teacher.clone().into()], r))
                    .collect(),
            ),
            table(
                "По группам",
                &["Группа"],
                self.by_group
                    .iter()
                    .map(|r| row_values(vec![r.group.clone().into()], r))
                    .collect(),
            ),
            table(
                "По нагрузке",
                &["Преподаватель", "Группа", "Предмет"],
                self.by_load
                    .iter()
                    .map(|r| {
                        row_values(
                            vec![
                                r.teacher.clone().into(),
                                r.group.clone().into(),
                                r.subject.clone().into(),
                            ],
                            r,
                        )
                    })
                    .collect(),
            ),
        ];
        (figures, tables, vec![chart])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn control_counts_the_week_by_hand() {
        let snap = snapshot();
        let rep = control(&snap, &semester(), now());
        let math = &rep.by_load[1];
        assert_eq!(
            math.subject, "Математика",
            "loads by group, then subject: История first"
        );
        assert_eq!(
            math.lessons_held, 3,
            "A, B, C held by Wednesday; D cancelled"
        );
        assert_eq!(math.with_topic, 2, "A and B have topics, C not yet");
        assert_eq!(math.with_plan_topic, 2, "both topics are the КТП's");
        assert_eq!(
            math.filled_on_day, 1,
            "only A's topic on its day; B's came on the 7th"
        );
        assert_eq!(math.with_homework, 1, "homework only at A");
        assert_eq!(math.marks, 3, "5, 2, 4");
        assert_eq!(
            (math.planned_hours, math.given_hours),
            (4, 4),
            "1 + 1 + a pair"
        );
        let hist = &rep.by_load[0];
        assert_eq!(
            (hist.substitutions, hist.substitutions_filled),
            (1, 0),
            "E given by a substitute, nothing filled"
        );
        // Overdue at noon on the 7th: B homework (due 6th 11:15), C homework (due 7th 11:15),
        // E marks, topic and homework — all by Иванова, who gave E as the substitute.
        assert_eq!(
            rep.overdue.len(),
            5,
            "five duties overdue: {:?}",
            rep.overdue
        );
        assert!(
            rep.overdue.iter().all(|o| o.teacher.starts_with("Иванова")),
            "the substitute answers for the lesson she gave"
        );
        assert_eq!((math.overdue, hist.overdue), (2, 3), "counted on the loads");
        assert_eq!(rep.by_teacher.len(), 2, "two teachers");
        assert_eq!(rep.by_group.len(), 1, "one group");
        assert_eq!(rep.by_group[0].lessons_held, 4, "the group's held lessons");
    }

    #[test]
    fn a_free_text_topic_is_not_one_of_the_ktp() {
        let mut snap = snapshot();
        for t in snap
            .lesson_topics
            .iter_mut()
            .filter(|t| t.lesson_id == journal_core::LessonId(id(A)))
        {
            t.plan_topic_id = None;
        }
        let rep = control(&snap, &semester(), now());
        let math = &rep.by_load[1];
        assert_eq!(
            (math.with_topic, math.with_plan_topic),
            (2, 1),
            "A's topic is typed, not chosen from the КТП: a topic, but not by the plan"
        );
    }

    #[test]
    fn remarks_are_judged_by_their_own_deadline() {
        let mut snap = snapshot();
        let deputy = journal_core::UserId(id(DEPUTY));
        let teacher = journal_core::UserId(id(T1));
        // Written 1 October with a deadline of the 3rd: fixed on the 2nd (in time).
        let mut on_time =
            journal_protocol::Remark::new(id(801), l1(), deputy, at(10, 1, 9, 0), "Темы".into());
        on_time.deadline = Some(date(10, 3));
        on_time
            .answer(teacher, "Темы записаны", at(10, 2, 15, 0))
            .expect("an open remark takes an answer");
        // Written 1 October with a deadline of the 2nd: fixed on the 5th (late).
        let mut late =
            journal_protocol::Remark::new(id(802), l1(), deputy, at(10, 1, 9, 0), "ДЗ".into());
        late.deadline = Some(date(10, 2));
        late.answer(teacher, "Записано", at(10, 5, 15, 0))
            .expect("an open remark takes an answer");
        // Written 4 October with a deadline of the 5th, still open at noon on the 7th: overdue,
        // though the week of journal-core's default has not passed.
        let mut open =
            journal_protocol::Remark::new(id(803), l1(), deputy, at(10, 4, 9, 0), "Отметки".into());
        open.deadline = Some(date(10, 5));
        snap.remarks.extend([on_time, late, open]);
        let rep = control(&snap, &semester(), now());
        let math = &rep.by_load[1];
        assert_eq!(
            (math.remarks_fixed_on_time, math.remarks),
            (1, 3),
            "one of three fixed by its deadline"
        );
        assert_eq!(
            math.remarks_overdue, 1,
            "the open one is past its own deadline"
        );
        let item = rep
            .overdue
            .iter()
            .find(|o| o.what.contains("Отметки"))
            .expect("the open remark is on the overdue list");
        assert_eq!(
            item.due,
            at(10, 6, 0, 0),
            "due by the end of its deadline day"
        );
    }

    #[test]
    fn overdue_remarks_are_on_the_list() {
        let mut snap = snapshot();
        snap.remarks.push(journal_protocol::Remark::new(
            id(800),
            l1(),
            journal_core::UserId(id(DEPUTY)),
            at(9, 20, 10, 0),
            "Заполнить темы".into(),
        ));
        let rep = control(&snap, &semester(), now());
        assert_eq!(
            rep.by_load[1].remarks_overdue, 1,
            "7 days from 20 September have passed"
        );
        assert!(
            rep.overdue
                .iter()
                .any(|o| o.what.contains("Заполнить темы")),
            "the remark is on the overdue list"
        );
    }
}
