//! «Успеваемость и качество знаний» — 001 Приложение «Заместитель директора» п. 13: «количество
//! итоговых оценок за отчетный период (не ниже «3») / количество обучающихся в группе × 100%».
//! journal-core's `stats::summarize` over the period's finals: the denominator is every student of
//! the group in the chosen dates, so a student without a final stays in it and is not successful.
//! Per subject (a load) and per teacher the unit is a student of the load's list with that load's
//! final. The средний балл is the average of the current marks in the dates (a 5/4 counts as two).
//! The list of students behind: every «2» in the dates with its lesson's topic, and every final
//! «2», «незачёт» or «н/а» of the period.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use journal_core::stats::{summarize, Summary};
use journal_core::{FinalValue, LoadId, StudentId};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::data::Data;
use crate::{ru_date, Chart, Figure, Parts, Resolved, Series, Table, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressRow {
    /// The group, subject, teacher or student the row is about.
    pub name: String,
    pub group: String,
    pub summary: Summary,
    pub average: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsatisfactoryItem {
    pub student: String,
    pub group: String,
    pub subject: String,
    /// «2» (a current mark) or the final («2», «незачёт», «н/а»).
    pub value: String,
    /// The lesson's date, for a current mark.
    pub date: Option<NaiveDate>,
    /// The topic of the lesson the mark was given at, or «Итоговая за период».
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub by_group: Vec<ProgressRow>,
    pub by_subject: Vec<ProgressRow>,
    pub by_teacher: Vec<ProgressRow>,
    pub by_student: Vec<ProgressRow>,
    pub unsatisfactory: Vec<UnsatisfactoryItem>,
    /// The average mark of each month of the dates (year, month, average).
    pub by_month: Vec<(i32, u32, Option<f64>)>,
}

/// A teacher's units (each a student's finals in one load) and their marks (sum, count).
type Units = (Vec<Vec<FinalValue>>, (u32, u32));

fn average(sum_count: (u32, u32)) -> Option<f64> {
    (sum_count.1 > 0).then(|| f64::from(sum_count.0) / f64::from(sum_count.1))
}

fn add(a: &mut (u32, u32), b: (u32, u32)) {
    a.0 += b.0;
    a.1 += b.1;
}

pub fn progress(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> ProgressReport {
    let d = Data::new(snap, r, now);
    let finals: HashMap<(LoadId, StudentId), &FinalValue> = snap
        .finals
        .iter()
        .filter(|f| Some(f.period_id) == r.period_id && f.column.is_period())
        .map(|f| ((f.load_id, f.student_id), &f.value))
        .collect();
    // Marks (sum, count) per load and student, and the «2»s with their topics.
    let mut marks: HashMap<(LoadId, StudentId), (u32, u32)> = HashMap::new();
    let mut monthly: HashMap<(i32, u32), (u32, u32)> = HashMap::new();
    let mut unsatisfactory = Vec::new();
    let student_name = |id: StudentId| {
        snap.students
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.full_name())
            .unwrap_or_default()
    };
    for load in &d.loads {
        for lesson in d.held(load.id) {
            for c in d.cells(lesson.id) {
                for m in c.value.marks() {
                    add(
                        marks.entry((load.id, c.student_id)).or_default(),
                        (u32::from(m.get()), 1),
                    );
                    add(
                        monthly
                            .entry((lesson.date.year(), lesson.date.month()))
                            .or_default(),
                        (u32::from(m.get()), 1),
                    );
                    if m.get() < 3 {
                        let topic: Vec<String> = d
                            .topics(lesson.id)
                            .iter()
                            .map(|t| t.title.clone())
                            .collect();
                        unsatisfactory.push(UnsatisfactoryItem {
                            student: student_name(c.student_id),
                            group: d.group_name(load),
                            subject: d.load_subject(load),
                            value: m.get().to_string(),
                            date: Some(lesson.date),
                            topic: if topic.is_empty() {
                                "тема не записана".into()
                            } else {
                                topic.join("; ")
                            },
                        });
                    }
                }
            }
        }
        for s in d.load_students(load) {
            if let Some(f) = finals.get(&(load.id, s.id)) {
                if matches!(f, FinalValue::Fail | FinalValue::NotAttested)
                    || f.mark().is_some_and(|m| m.get() < 3)
                {
                    unsatisfactory.push(UnsatisfactoryItem {
                        student: s.full_name(),
                        group: d.group_name(load),
                        subject: d.load_subject(load),
                        value: f.symbol(),
                        date: None,
                        topic: "Итоговая за период".into(),
                    });
                }
            }
        }
    }
    unsatisfactory.sort_by(|a, b| {
        (&a.group, &a.student, &a.subject, a.date).cmp(&(&b.group, &b.student, &b.subject, b.date))
    });

    let mut by_group = Vec::new();
    let mut by_student = Vec::new();
    let mut groups: Vec<journal_core::GroupId> = d.loads.iter().map(|l| l.group_id).collect();
    groups.dedup();
    groups.sort_by_key(|g| {
        snap.groups
            .iter()
            .find(|x| x.id == *g)
            .map(|x| x.name.clone())
    });
    groups.dedup();
    for g in groups {
        let group_name = snap
            .groups
            .iter()
            .find(|x| x.id == g)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        let loads: Vec<_> = d.loads.iter().filter(|l| l.group_id == g).collect();
        let mut all: Vec<Vec<FinalValue>> = Vec::new();
        let mut group_marks = (0, 0);
        for s in d.group_students(g) {
            let f: Vec<FinalValue> = loads
                .iter()
                .filter_map(|l| finals.get(&(l.id, s.id)).map(|v| **v))
                .collect();
            let mut sm = (0, 0);
            for l in &loads {
                add(
                    &mut sm,
                    marks.get(&(l.id, s.id)).copied().unwrap_or_default(),
                );
            }
            add(&mut group_marks, sm);
            by_student.push(ProgressRow {
                name: s.full_name(),
                group: group_name.clone(),
                summary: summarize(std::slice::from_ref(&f)),
                average: average(sm),
            });
            all.push(f);
        }
        by_group.push(ProgressRow {
            name: group_name.clone(),
            group: group_name,
            summary: summarize(&all),
            average: average(group_marks),
        });
    }
    let mut by_subject = Vec::new();
    let mut teacher_units: BTreeMap<String, Units> = BTreeMap::new();
    for load in d.loads.iter().filter(|l| d.assessed(l)) {
        // A load neither taught in the dates nor with finals of the period has no row (a subject
        // that begins later).
        if d.held(load.id).next().is_none() && !finals.keys().any(|(l, _)| *l == load.id) {
            continue;
        }
        let mut units = Vec::new();
        let mut lm = (0, 0);
        for s in d.load_students(load) {
            units.push(
                finals
                    .get(&(load.id, s.id))
                    .map(|v| vec![**v])
                    .unwrap_or_default(),
            );
            add(
                &mut lm,
                marks.get(&(load.id, s.id)).copied().unwrap_or_default(),
            );
        }
        by_subject.push(ProgressRow {
            name: d.load_subject(load),
            group: d.group_name(load),
            summary: summarize(&units),
            average: average(lm),
        });
        let t = teacher_units.entry(d.teacher_name(load)).or_default();
        t.0.extend(units);
        add(&mut t.1, lm);
    }
    let by_teacher = teacher_units
        .into_iter()
        .map(|(name, (units, m))| ProgressRow {
            name,
            group: String::new(),
            summary: summarize(&units),
            average: average(m),
        })
        .collect();
    let by_month = crate::months(r.from, r.to.min(now.date()).max(r.from))
        .into_iter()
        .map(|(y, m)| {
            (
                y,
                m,
                average(monthly.get(&(y, m)).copied().unwrap_or_default()),
            )
        })
        .collect();
    ProgressReport {
        by_month,
        by_group,
        by_subject,
        by_teacher,
        by_student,
        unsatisfactory,
    }
}

const COLUMNS: [&str; 9] = [
    "Обучающихся",
    "Успевают (не ниже «3»)",
    "На «4» и «5»",
    "С «2» / незачётом",
    "Н/а",
    "Отсрочка",
    "Успеваемость, %",
    "Качество, %",
    "Средний балл",
];

fn values(first: Vec<Value>, r: &ProgressRow) -> Vec<Value> {
    let s = &r.summary;
    let mut v = first;
    v.extend([
        s.students.into(),
        s.successful.into(),
        s.quality.into(),
        s.failing.into(),
        s.not_attested.into(),
        s.deferred.into(),
        s.success_percent.into(),
        s.quality_percent.into(),
        r.average
            .map(|a| (a * 100.0).round() / 100.0)
            .map_or(Value::Empty, Value::Number),
    ]);
    v
}

impl ProgressReport {
    pub fn into_parts(self) -> Parts {
        let mut figures = Vec::new();
        if let [g] = self.by_group.as_slice() {
            figures.push(Figure {
                name: "Успеваемость, %".into(),
                value: g.summary.success_percent.into(),
            });
            figures.push(Figure {
                name: "Качество, %".into(),
                value: g.summary.quality_percent.into(),
            });
            figures.push(Figure {
                name: "Средний балл".into(),
                value: g.average.into(),
            });
        }
        let t = |title: &str, first: &[&str], rows: Vec<Vec<Value>>| {
            let mut t = Table::new(title, &[first, &COLUMNS].concat());
            t.rows = rows;
            t
        };
        let mut behind = Table::new(
            "Неуспевающие и не аттестованные: отметки и темы",
            &[
                "Обучающийся",
                "Группа",
                "Предмет",
                "Отметка",
                "Дата",
                "Тема",
            ],
        );
        for u in &self.unsatisfactory {
            behind.rows.push(vec![
                u.student.clone().into(),
                u.group.clone().into(),
                u.subject.clone().into(),
                u.value.clone().into(),
                u.date.map_or(Value::Empty, |d| ru_date(d).into()),
                u.topic.clone().into(),
            ]);
        }
        // Успеваемость and качество of each row, labelled by `label`.
        let shares = |title: &str, rows: &[ProgressRow], label: &dyn Fn(&ProgressRow) -> String| {
            let of = |f: fn(&ProgressRow) -> Option<f64>| {
                rows.iter().map(|r| f(r).unwrap_or(0.0)).collect()
            };
            Chart {
                title: title.into(),
                unit: "%".into(),
                labels: rows.iter().map(label).collect(),
                series: vec![
                    Series {
                        name: "Успеваемость".into(),
                        values: of(|r| r.summary.success_percent),
                    },
                    Series {
                        name: "Качество".into(),
                        values: of(|r| r.summary.quality_percent),
                    },
                ],
            }
        };
        let by_group = shares(
            "Успеваемость и качество по группам",
            &self.by_group,
            &|r| r.name.clone(),
        );
        let chart = shares(
            "Успеваемость и качество по предметам",
            &self.by_subject,
            &|r| format!("{} {}", r.group, r.name),
        );
        let tables = vec![
            t(
                "По группам",
                &["Группа"],
                self.by_group
                    .iter()
                    .map(|r| values(vec![r.name.clone().into()], r))
                    .collect(),
            ),
            t(
                "По предметам",
                &["Группа", "Предмет"],
                self.by_subject
                    .iter()
                    .map(|r| values(vec![r.group.clone().into(), r.name.clone().into()], r))
                    .collect(),
            ),
            t(
                "По преподавателям",
                &["Преподаватель"],
                self.by_teacher
                    .iter()
                    .map(|r| values(vec![r.name.clone().into()], r))
                    .collect(),
            ),
            t(
                "По обучающимся",
                &["Группа", "Обучающийся"],
                self.by_student
                    .iter()
                    .map(|r| values(vec![r.group.clone().into(), r.name.clone().into()], r))
                    .collect(),
            ),
            behind,
        ];
        let months = Chart {
            title: "Средний балл по месяцам".into(),
            unit: "балл".into(),
            labels: self
                .by_month
                .iter()
                .map(|(y, m, _)| crate::month_name_ru(*y, *m))
                .collect(),
            series: vec![Series {
                name: "Средний балл".into(),
                values: self
                    .by_month
                    .iter()
                    .map(|(_, _, a)| a.map_or(0.0, |a| (a * 100.0).round() / 100.0))
                    .collect(),
            }],
        };
        (figures, tables, vec![months, by_group, chart])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn the_denominator_is_every_student_of_the_group() {
        let rep = progress(&snapshot(), &semester(), now());
        let g = &rep.by_group[0];
        assert_eq!(g.summary.students, 29, "29 students in ИС-21");
        assert_eq!(g.summary.successful, 23, "23 with 3 or better");
        let s = g.summary.success_percent.expect("students present");
        assert!(
            (s - 79.31).abs() < 0.01,
            "001 п. 13: 23 ÷ 29 = 79,3 %, not 23 ÷ 23; got {s}"
        );
        let q = g.summary.quality_percent.expect("students present");
        assert!(
            (q - 15.0 * 100.0 / 29.0).abs() < 1e-9,
            "15 on 4 and 5 of 29, got {q}"
        );
        let avg = g.average.expect("marks present");
        assert!(
            (avg - 11.0 / 3.0).abs() < 1e-9,
            "5, 2, 4 average 3,67; got {avg}"
        );
        let math = &rep.by_subject[1];
        assert_eq!(
            (math.summary.students, math.summary.successful),
            (29, 23),
            "per subject"
        );
        let hist = &rep.by_subject[0];
        assert_eq!(
            hist.summary.success_percent,
            Some(0.0),
            "no finals in История: nobody successful yet"
        );
        assert_eq!(rep.by_student.len(), 29, "a row per student");
        let october = rep
            .by_month
            .iter()
            .find(|(_, m, _)| *m == 10)
            .and_then(|x| x.2);
        assert!(
            october.is_some_and(|a| (a - 11.0 / 3.0).abs() < 1e-9),
            "October's average: {october:?}"
        );
    }

    /// Внеурочная деятельность «без отметок» has no finals: it is journaled (its lessons count in
    /// the curriculum report) but has no row of успеваемость at 0 %, and no forecast.
    #[test]
    fn an_ungraded_extracurricular_subject_has_no_progress_row() {
        let mut snap = snapshot();
        let before = progress(&snap, &semester(), now());
        assert!(before.by_subject.iter().any(|r| r.name.contains("История")));
        for s in snap.subjects.iter_mut().filter(|s| s.name == "История") {
            s.kind = journal_protocol::SubjectKind::Extracurricular;
            s.grading = journal_core::GradingScale::Ungraded;
        }
        let rep = progress(&snap, &semester(), now());
        assert!(
            !rep.by_subject.iter().any(|r| r.name.contains("История")),
            "no row for the ungraded subject: {:?}",
            rep.by_subject.iter().map(|r| &r.name).collect::<Vec<_>>()
        );
        assert_eq!(rep.by_subject.len(), before.by_subject.len() - 1);
        assert_eq!(
            rep.by_group, before.by_group,
            "the group's figures were made of finals, which it never had"
        );
        let forecast = crate::forecast::forecast(&snap, &semester(), now());
        assert!(
            !format!("{forecast:?}").contains("История"),
            "no forecast of a final it cannot have"
        );
    }

    #[test]
    fn students_behind_with_the_topics_of_their_marks() {
        let mut snap = snapshot();
        snap.finals.push(journal_protocol::Final {
            load_id: l2(),
            period_id: p1(),
            student_id: student(24),
            column: Default::default(),
            value: FinalValue::NotAttested,
            entered_at: at(12, 25, 10, 0),
            author_id: journal_core::UserId(id(T2)),
        });
        let rep = progress(&snap, &semester(), now());
        let list: Vec<(&str, &str, &str)> = rep
            .unsatisfactory
            .iter()
            .map(|u| (u.student.as_str(), u.value.as_str(), u.topic.as_str()))
            .collect();
        assert_eq!(
            list,
            vec![
                ("Студент02 Имя", "2", "Числа"),
                ("Студент24 Имя", "н/а", "Итоговая за период")
            ],
            "the «2» at A with its topic and the н/а final"
        );
        assert_eq!(rep.by_group[0].summary.not_attested, 1, "н/а counted apart");
    }
}
