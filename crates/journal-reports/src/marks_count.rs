//! «Накопляемость отметок» — 001 Приложение «Заместитель директора» п. 13 (control of the marks
//! accumulated): the number of marks each student got in each month of the dates, over the loads of
//! the filter; a 5/4 is two marks, as in the average.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use journal_core::StudentId;
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::data::Data;
use crate::{month_name_ru, months, Chart, Figure, Parts, Resolved, Series, Table, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarksCountRow {
    pub student: String,
    pub group: String,
    pub by_month: Vec<u32>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarksCountReport {
    pub months: Vec<(i32, u32)>,
    pub rows: Vec<MarksCountRow>,
}

pub fn marks_count(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> MarksCountReport {
    let d = Data::new(snap, r, now);
    let ms = months(r.from, r.to.min(now.date()).max(r.from));
    let index: HashMap<(i32, u32), usize> = ms.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut counts: HashMap<StudentId, Vec<u32>> = HashMap::new();
    for load in &d.loads {
        for lesson in d.held(load.id) {
            let Some(&mi) = index.get(&(lesson.date.year(), lesson.date.month())) else {
                continue;
            };
            for c in d.cells(lesson.id) {
                let n = c.value.marks().count() as u32;
                if n > 0 {
                    counts
                        .entry(c.student_id)
                        .or_insert_with(|| vec![0; ms.len()])[mi] += n;
                }
            }
        }
    }
    let mut groups: Vec<journal_core::GroupId> = d.loads.iter().map(|l| l.group_id).collect();
    groups.sort_by_key(|g| {
        snap.groups
            .iter()
            .find(|x| x.id == *g)
            .map(|x| x.name.clone())
    });
    groups.dedup();
    let mut rows = Vec::new();
    for g in groups {
        let group = snap
            .groups
            .iter()
            .find(|x| x.id == g)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        for s in d.group_students(g) {
            let by_month = counts
                .get(&s.id)
                .cloned()
                .unwrap_or_else(|| vec![0; ms.len()]);
            rows.push(MarksCountRow {
                student: s.full_name(),
                group: group.clone(),
                total: by_month.iter().sum(),
                by_month,
            });
        }
    }
    MarksCountReport { months: ms, rows }
}

impl MarksCountReport {
    pub fn into_parts(self) -> Parts {
        let names: Vec<String> = self
            .months
            .iter()
            .map(|(y, m)| month_name_ru(*y, *m))
            .collect();
        let mut cols = vec!["Группа".to_string(), "Обучающийся".to_string()];
        cols.extend(names.iter().cloned());
        cols.push("Всего".into());
        let table = Table {
            title: "Количество отметок по месяцам".into(),
            columns: cols,
            rows: self
                .rows
                .iter()
                .map(|r| {
                    let mut v: Vec<Value> = vec![r.group.clone().into(), r.student.clone().into()];
                    v.extend(r.by_month.iter().map(|n| Value::from(*n)));
                    v.push(r.total.into());
                    v
                })
                .collect(),
        };
        let without = self.rows.iter().filter(|r| r.total == 0).count();
        let figures = vec![
            Figure {
                name: "Отметок всего".into(),
                value: self.rows.iter().map(|r| r.total).sum::<u32>().into(),
            },
            Figure {
                name: "Обучающихся без отметок".into(),
                value: without.into(),
            },
        ];
        let n = self.rows.len().max(1) as f64;
        let chart = Chart {
            title: "Отметок на обучающегося по месяцам".into(),
            unit: "шт.".into(),
            labels: names,
            series: vec![Series {
                name: "Отметок на обучающегося".into(),
                values: (0..self.months.len())
                    .map(|i| f64::from(self.rows.iter().map(|r| r.by_month[i]).sum::<u32>()) / n)
                    .collect(),
            }],
        };
        (figures, vec![table], vec![chart])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn marks_per_student_per_month() {
        let rep = marks_count(&snapshot(), &semester(), now());
        let row = |name: &str| {
            rep.rows
                .iter()
                .find(|r| r.student == name)
                .expect("student row")
        };
        assert_eq!(
            row("Студент01 Имя").by_month,
            vec![0, 2],
            "S01: 5 and 4 in October"
        );
        assert_eq!(
            row("Студент02 Имя").total,
            1,
            "S02: the 2 (п is not a mark)"
        );
        assert_eq!(row("Студент03 Имя").total, 0, "S03: only an absence");
        assert_eq!(
            rep.rows.len(),
            29,
            "every student of the group, marks or not"
        );
    }
}
