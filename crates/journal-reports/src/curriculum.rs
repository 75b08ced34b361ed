//! «Выполнение программы» — 001 п. 6.10: per load the hours by the plan for the year and the hours
//! given (held lessons, as the printed journal's «Количество часов: по плану — …, фактически — …»
//! counts them), the share given, and the КТП topics behind plan: a topic is due once the hours
//! given reach the КТП's hours up to and including it, and behind when no held lesson has taken it.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::data::Data;
use crate::{percent, Chart, Figure, Parts, Resolved, Series, Table, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurriculumRow {
    pub teacher: String,
    pub group: String,
    pub subject: String,
    pub planned_hours: u32,
    /// Hours of the КТП topics.
    pub plan_topic_hours: u32,
    pub given_hours: u32,
    /// Hours of the scheduled lessons still ahead in the dates.
    pub scheduled_ahead_hours: u32,
    pub topics_behind: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurriculumReport {
    pub rows: Vec<CurriculumRow>,
}

pub fn curriculum(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> CurriculumReport {
    let d = Data::new(snap, r, now);
    let mut rows = Vec::new();
    for load in &d.loads {
        let held: Vec<_> = d.held(load.id).collect();
        let given: u32 = held.iter().map(|l| u32::from(l.hours)).sum();
        let ahead: u32 = d
            .scheduled(load.id)
            .filter(|l| l.date > d.today)
            .map(|l| u32::from(l.hours))
            .sum();
        let covered: HashSet<_> = held
            .iter()
            .flat_map(|l| d.topics(l.id))
            .filter_map(|t| t.plan_topic_id)
            .collect();
        let mut plan: Vec<_> = snap
            .plan_topics
            .iter()
            .filter(|t| t.load_id == load.id)
            .collect();
        plan.sort_by_key(|t| t.ordinal);
        let mut cumulative = 0u32;
        let mut behind = Vec::new();
        for t in &plan {
            cumulative += u32::from(t.hours);
            if cumulative <= given && !covered.contains(&t.id) {
                behind.push(t.title.clone());
            }
        }
        rows.push(CurriculumRow {
            teacher: d.teacher_name(load),
            group: d.group_name(load),
            subject: d.load_subject(load),
            planned_hours: load.planned_hours,
            plan_topic_hours: plan.iter().map(|t| u32::from(t.hours)).sum(),
            given_hours: given,
            scheduled_ahead_hours: ahead,
            topics_behind: behind,
        });
    }
    CurriculumReport { rows }
}

impl CurriculumReport {
    pub fn into_parts(self) -> Parts {
        let planned: u32 = self.rows.iter().map(|r| r.planned_hours).sum();
        let given: u32 = self.rows.iter().map(|r| r.given_hours).sum();
        let figures = vec![
            Figure {
                name: "Часов по плану".into(),
                value: planned.into(),
            },
            Figure {
                name: "Часов фактически".into(),
                value: given.into(),
            },
            Figure {
                name: "Тем с отставанием".into(),
                value: self
                    .rows
                    .iter()
                    .map(|r| r.topics_behind.len())
                    .sum::<usize>()
                    .into(),
            },
        ];
        let mut t = Table::new(
            "Выполнение программы по нагрузке",
            &[
                "Преподаватель",
                "Группа",
                "Предмет",
                "Часов по плану",
                "Часов в КТП",
                "Часов фактически",
                "Выполнено, %",
                "Запланировано впереди, ч",
                "Не пройдены темы",
            ],
        );
        for r in &self.rows {
            t.rows.push(vec![
                r.teacher.clone().into(),
                r.group.clone().into(),
                r.subject.clone().into(),
                r.planned_hours.into(),
                r.plan_topic_hours.into(),
                r.given_hours.into(),
                percent(r.given_hours as usize, r.planned_hours as usize).into(),
                r.scheduled_ahead_hours.into(),
                if r.topics_behind.is_empty() {
                    Value::Empty
                } else {
                    r.topics_behind.join("; ").into()
                },
            ]);
        }
        let chart = Chart {
            title: "Часы по плану и фактически".into(),
            unit: "ч".into(),
            labels: self
                .rows
                .iter()
                .map(|r| format!("{} {}", r.group, r.subject))
                .collect(),
            series: vec![
                Series {
                    name: "По плану".into(),
                    values: self
                        .rows
                        .iter()
                        .map(|r| f64::from(r.planned_hours))
                        .collect(),
                },
                Series {
                    name: "Фактически".into(),
                    values: self.rows.iter().map(|r| f64::from(r.given_hours)).collect(),
                },
            ],
        };
        (figures, vec![t], vec![chart])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn hours_and_topics_behind_plan() {
        let rep = curriculum(&snapshot(), &semester(), now());
        let math = &rep.rows[1];
        assert_eq!(
            (math.planned_hours, math.plan_topic_hours, math.given_hours),
            (4, 4, 4),
            "A 1 h, B 1 h, pair C 2 h"
        );
        assert_eq!(
            math.topics_behind,
            vec!["Уравнения".to_string()],
            "4 hours given reach «Уравнения», which no lesson took"
        );
        let hist = &rep.rows[0];
        assert_eq!((hist.planned_hours, hist.given_hours), (2, 1), "E only");
        assert!(hist.topics_behind.is_empty(), "История has no КТП");
    }
}
