//! «Своевременность и полнота заполнения» — 001 Приложение «Заместитель директора» п. 13, with the
//! deadlines of 001 Приложение «Преподаватель» п. 2, 4, 7, 9, 10 as journal-core computes them: each
//! held lesson's duties (marks and attendance, topic, homework) are judged by the entry time of what
//! fills them against the lesson and its deadline; journal-core's `timeliness_percent` (in time ÷
//! due) and `completeness_percent` (done ÷ due) over them, not-yet-due duties left out. Besides the
//! duties, every single entry (cell, topic, homework) made after the end of its lesson's day is
//! counted as a late entry.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use journal_core::{completeness_percent, timeliness_percent, DeadlineStatus};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::data::Data;
use crate::{Chart, Figure, Parts, Resolved, Series, Table, Value};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelinessRow {
    pub teacher: String,
    pub group: String,
    pub subject: String,
    pub in_time: usize,
    pub late: usize,
    pub overdue: usize,
    pub pending: usize,
    pub timeliness_percent: Option<f64>,
    pub completeness_percent: Option<f64>,
    pub entries: usize,
    /// Entries made after the end of their lesson's day.
    pub late_entries: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelinessReport {
    pub by_load: Vec<TimelinessRow>,
    pub by_teacher: Vec<TimelinessRow>,
    pub total: TimelinessRow,
}

fn row_of(statuses: &[DeadlineStatus], entries: usize, late_entries: usize) -> TimelinessRow {
    let count = |f: &dyn Fn(&DeadlineStatus) -> bool| statuses.iter().filter(|s| f(s)).count();
    TimelinessRow {
        in_time: count(&|s| *s == DeadlineStatus::DoneInTime),
        late: count(&|s| *s == DeadlineStatus::DoneLate),
        overdue: count(&|s| matches!(s, DeadlineStatus::Overdue { .. })),
        pending: count(&|s| matches!(s, DeadlineStatus::Pending { .. })),
        timeliness_percent: timeliness_percent(statuses),
        completeness_percent: completeness_percent(statuses),
        entries,
        late_entries,
        ..Default::default()
    }
}

pub fn timeliness(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> TimelinessReport {
    let d = Data::new(snap, r, now);
    let mut by_load = Vec::new();
    let mut all = Vec::new();
    let mut per_teacher: BTreeMap<String, (Vec<DeadlineStatus>, usize, usize)> = BTreeMap::new();
    let (mut entries_all, mut late_all) = (0, 0);
    for load in &d.loads {
        let mut statuses = Vec::new();
        let (mut entries, mut late) = (0, 0);
        for lesson in d.held(load.id) {
            statuses.extend(d.duties(lesson, now).map(|(_, s)| s));
            let times = d
                .cells(lesson.id)
                .iter()
                .map(|c| c.entered_at)
                .chain(d.topics(lesson.id).iter().map(|t| t.entered_at))
                .chain(d.homework(lesson.id).map(|h| h.entered_at));
            for t in times {
                entries += 1;
                if t.date() > lesson.date {
                    late += 1;
                }
            }
        }
        let mut row = row_of(&statuses, entries, late);
        row.teacher = d.teacher_name(load);
        row.group = d.group_name(load);
        row.subject = d.load_subject(load);
        let e = per_teacher.entry(row.teacher.clone()).or_default();
        e.0.extend(statuses.iter().copied());
        e.1 += entries;
        e.2 += late;
        all.extend(statuses);
        entries_all += entries;
        late_all += late;
        by_load.push(row);
    }
    let by_teacher = per_teacher
        .into_iter()
        .map(|(teacher, (s, e, l))| TimelinessRow {
            teacher,
            ..row_of(&s, e, l)
        })
        .collect();
    TimelinessReport {
        by_load,
        by_teacher,
        total: row_of(&all, entries_all, late_all),
    }
}

const COLUMNS: [&str; 8] = [
    "В срок",
    "С опозданием",
    "Просрочено",
    "Ожидает",
    "Своевременность, %",
    "Полнота, %",
    "Записей",
    "Записей после дня урока",
];

fn values(first: Vec<Value>, r: &TimelinessRow) -> Vec<Value> {
    let mut v = first;
    v.extend([
        r.in_time.into(),
        r.late.into(),
        r.overdue.into(),
        r.pending.into(),
        r.timeliness_percent.into(),
        r.completeness_percent.into(),
        r.entries.into(),
        r.late_entries.into(),
    ]);
    v
}

impl TimelinessReport {
    pub fn into_parts(self) -> Parts {
        let figures = vec![
            Figure {
                name: "Своевременность заполнения, %".into(),
                value: self.total.timeliness_percent.into(),
            },
            Figure {
                name: "Полнота заполнения, %".into(),
                value: self.total.completeness_percent.into(),
            },
        ];
        let mut teachers = Table::new(
            "По преподавателям",
            &[&["Преподаватель"][..], &COLUMNS].concat(),
        );
        teachers.rows = self
            .by_teacher
            .iter()
            .map(|r| values(vec![r.teacher.clone().into()], r))
            .collect();
        let mut loads = Table::new(
            "По нагрузке",
            &[&["Преподаватель", "Группа", "Предмет"][..], &COLUMNS].concat(),
        );
        loads.rows = self
            .by_load
            .iter()
            .map(|r| {
                values(
                    vec![
                        r.teacher.clone().into(),
                        r.group.clone().into(),
                        r.subject.clone().into(),
                    ],
                    r,
                )
            })
            .collect();
        let chart = Chart {
            title: "Своевременность и полнота по преподавателям".into(),
            unit: "%".into(),
            labels: self.by_teacher.iter().map(|r| r.teacher.clone()).collect(),
            series: vec![
                Series {
                    name: "Своевременность".into(),
                    values: self
                        .by_teacher
                        .iter()
                        .map(|r| r.timeliness_percent.unwrap_or(0.0))
                        .collect(),
                },
                Series {
                    name: "Полнота".into(),
                    values: self
                        .by_teacher
                        .iter()
                        .map(|r| r.completeness_percent.unwrap_or(0.0))
                        .collect(),
                },
            ],
        };
        (figures, vec![teachers, loads], vec![chart])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn duties_judged_by_their_entry_times() {
        let rep = timeliness(&snapshot(), &semester(), now());
        let math = &rep.by_load[1];
        // A: 3 in time; B: marks in time, topic late, homework overdue; C: marks in time, topic
        // pending (due tonight), homework overdue.
        assert_eq!(
            (math.in_time, math.late, math.overdue, math.pending),
            (5, 1, 2, 1),
            "Математика's duties"
        );
        assert_eq!(math.timeliness_percent, Some(62.5), "5 in time of 8 due");
        assert_eq!(math.completeness_percent, Some(75.0), "6 done of 8 due");
        assert_eq!(
            (math.entries, math.late_entries),
            (10, 1),
            "7 cells, 2 topics, 1 homework; B's topic late"
        );
        let hist = &rep.by_load[0];
        assert_eq!(
            (hist.overdue, hist.timeliness_percent),
            (3, Some(0.0)),
            "E: nothing filled"
        );
        let t = rep.total.timeliness_percent.expect("duties due");
        assert!(
            (t - 500.0 / 11.0).abs() < 1e-9,
            "5 of 11 due in time, got {t}"
        );
    }
}
