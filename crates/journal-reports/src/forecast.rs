//! «Прогноз итоговых отметок» — toward 001 Приложение «Преподаватель» п. 11 (finals in the period's
//! last week). The rule: a final already given stands; otherwise the forecast is journal-core's
//! suggested final (`suggest_final_with`: the average of the current marks in the dates, a 5/4 as
//! two marks, rounded by the institution's `final_rounding`) over the marks of the period in the
//! dates; with no mark at all there is no forecast and the student is at risk of «н/а», and counts
//! so in the group's forecast успеваемость and качество — journal-core's formulas over these values,
//! every student of the group in the denominator.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use journal_core::stats::{summarize, Summary};
use journal_core::{suggest_final_with, CellValue, FinalValue, LoadId, StudentId};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::data::Data;
use crate::{Chart, Figure, Parts, Resolved, Series, Table, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    pub student: String,
    pub group: String,
    pub subject: String,
    pub marks: usize,
    pub average: Option<f64>,
    /// The final given, if any.
    pub given: Option<FinalValue>,
    /// The forecast (the given final where there is one).
    pub forecast: Option<FinalValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastReport {
    pub rows: Vec<ForecastRow>,
    /// Per group: (name, summary over the forecasts).
    pub groups: Vec<(String, Summary)>,
}

pub fn forecast(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> ForecastReport {
    let d = Data::new(snap, r, now);
    let rounding = snap.institution.policy.final_rounding;
    let period = r
        .period_id
        .and_then(|p| snap.periods.iter().find(|x| x.id == p));
    let given: HashMap<(LoadId, StudentId), FinalValue> = snap
        .finals
        .iter()
        .filter(|f| Some(f.period_id) == r.period_id && f.column.is_period())
        .map(|f| ((f.load_id, f.student_id), f.value))
        .collect();
    let mut rows = Vec::new();
    let mut per_group: Vec<(
        journal_core::GroupId,
        String,
        HashMap<StudentId, Vec<FinalValue>>,
    )> = Vec::new();
    // A subject «без отметок» has no final to forecast.
    for load in d.loads.iter().filter(|l| d.assessed(l)) {
        let mut cells: HashMap<StudentId, Vec<CellValue>> = HashMap::new();
        // The marks of the period whose finals are forecast, within the dates.
        let in_period = |date: chrono::NaiveDate| {
            period
                .is_none_or(|p: &journal_protocol::Period| p.starts_on <= date && date <= p.ends_on)
        };
        let mut lessons = 0;
        for lesson in d.held(load.id).filter(|l| in_period(l.date)) {
            lessons += 1;
            for c in d.cells(lesson.id) {
                cells.entry(c.student_id).or_default().push(c.value.clone());
            }
        }
        // A load not taught in the period (begun later, a second-semester subject) has no final
        // to forecast there.
        if lessons == 0 && !given.keys().any(|(l, _)| *l == load.id) {
            continue;
        }
        let group = d.group_name(load);
        let gi = match per_group.iter().position(|g| g.0 == load.group_id) {
            Some(i) => i,
            None => {
                let mut all = HashMap::new();
                for s in d.group_students(load.group_id) {
                    all.insert(s.id, Vec::new());
                }
                per_group.push((load.group_id, group.clone(), all));
                per_group.len() - 1
            }
        };
        for s in d.load_students(load) {
            let own = cells.get(&s.id).map(Vec::as_slice).unwrap_or(&[]);
            let marks: Vec<u8> = own
                .iter()
                .flat_map(|c| c.marks().map(|m| m.get()))
                .collect();
            let g = given.get(&(load.id, s.id)).copied();
            let f = g.or_else(|| suggest_final_with(own, rounding));
            // No mark at all: counted as «н/а» in the group's forecast (the risk the row names).
            per_group[gi]
                .2
                .entry(s.id)
                .or_default()
                .push(f.unwrap_or(FinalValue::NotAttested));
            rows.push(ForecastRow {
                student: s.full_name(),
                group: group.clone(),
                subject: d.load_subject(load),
                marks: marks.len(),
                average: (!marks.is_empty())
                    .then(|| marks.iter().map(|m| f64::from(*m)).sum::<f64>() / marks.len() as f64),
                given: g,
                forecast: f,
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.group, &a.student, &a.subject).cmp(&(&b.group, &b.student, &b.subject))
    });
    let mut groups: Vec<(String, Summary)> = per_group
        .into_iter()
        .map(|(_, name, m)| {
            let v: Vec<Vec<FinalValue>> = m.into_values().collect();
            (name, summarize(&v))
        })
        .collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    ForecastReport { rows, groups }
}

impl ForecastReport {
    pub fn into_parts(self) -> Parts {
        let mut figures = Vec::new();
        if let [(_, s)] = self.groups.as_slice() {
            figures.push(Figure {
                name: "Прогноз успеваемости, %".into(),
                value: s.success_percent.into(),
            });
            figures.push(Figure {
                name: "Прогноз качества, %".into(),
                value: s.quality_percent.into(),
            });
        }
        figures.push(Figure {
            name: "Без отметок (риск н/а)".into(),
            value: self
                .rows
                .iter()
                .filter(|r| r.forecast.is_none())
                .count()
                .into(),
        });
        let mut groups = Table::new(
            "Прогноз по группам",
            &[
                "Группа",
                "Обучающихся",
                "Успевают",
                "На «4» и «5»",
                "Успеваемость, %",
                "Качество, %",
            ],
        );
        for (name, s) in &self.groups {
            groups.rows.push(vec![
                name.clone().into(),
                s.students.into(),
                s.successful.into(),
                s.quality.into(),
                s.success_percent.into(),
                s.quality_percent.into(),
            ]);
        }
        let mut t = Table::new(
            "Прогноз по обучающимся",
            &[
                "Группа",
                "Обучающийся",
                "Предмет",
                "Отметок",
                "Средний балл",
                "Выставлено",
                "Прогноз",
            ],
        );
        for r in &self.rows {
            t.rows.push(vec![
                r.group.clone().into(),
                r.student.clone().into(),
                r.subject.clone().into(),
                r.marks.into(),
                r.average
                    .map(|a| (a * 100.0).round() / 100.0)
                    .map_or(Value::Empty, Value::Number),
                r.given.map_or(Value::Empty, |f| f.symbol().into()),
                r.forecast
                    .map_or_else(|| "нет отметок (риск н/а)".into(), |f| f.symbol().into()),
            ]);
        }
        let mut dist = [0f64; 5];
        for r in &self.rows {
            let i = match r.forecast.and_then(|f| f.mark()).map(|m| m.get()) {
                Some(5) => 0,
                Some(4) => 1,
                Some(3) => 2,
                Some(_) => 3,
                None => 4,
            };
            dist[i] += 1.0;
        }
        let chart = Chart {
            title: "Распределение прогноза".into(),
            unit: "шт.".into(),
            labels: ["«5»", "«4»", "«3»", "«2»", "нет отметок"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            series: vec![Series {
                name: "Прогноз".into(),
                values: dist.to_vec(),
            }],
        };
        (figures, vec![groups, t], vec![chart])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn forecast_from_the_marks_so_far() {
        // A mid-semester look: the finals are not given yet.
        let mut snap = snapshot();
        snap.finals.clear();
        let rep = forecast(&snap, &semester(), now());
        let row = |name: &str, subject: &str| {
            rep.rows
                .iter()
                .find(|r| r.student == name && r.subject == subject)
                .expect("a row")
        };
        let s01 = row("Студент01 Имя", "Математика");
        assert_eq!(s01.average, Some(4.5), "5 and 4");
        assert_eq!(
            s01.forecast.map(|f| f.symbol()),
            Some("5".into()),
            "4,5 rounds half up to 5"
        );
        assert_eq!(
            row("Студент02 Имя", "Математика")
                .forecast
                .map(|f| f.symbol()),
            Some("2".into()),
            "one 2"
        );
        assert_eq!(
            row("Студент03 Имя", "Математика").forecast,
            None,
            "no marks: no forecast"
        );
        let (_, s) = &rep.groups[0];
        assert_eq!(
            (s.students, s.successful, s.not_attested),
            (29, 0, 29),
            "nobody has a mark in История: every student is at risk of н/а there, so none forecast to pass"
        );
    }

    #[test]
    fn a_load_not_taught_in_the_period_is_left_out() {
        let mut snap = snapshot();
        snap.finals.clear();
        snap.lessons.retain(|l| l.load_id != l2());
        let rep = forecast(&snap, &semester(), now());
        assert!(
            rep.rows.iter().all(|r| r.subject == "Математика"),
            "no История rows without its lessons"
        );
        let (_, s) = &rep.groups[0];
        assert_eq!(
            s.successful, 1,
            "S01 alone forecast to pass once История is out"
        );
    }

    #[test]
    fn a_given_final_stands() {
        let rep = forecast(&snapshot(), &semester(), now());
        let s16 = rep
            .rows
            .iter()
            .find(|r| r.student == "Студент16 Имя" && r.subject == "Математика")
            .expect("a row");
        assert_eq!(
            s16.forecast.map(|f| f.symbol()),
            Some("3".into()),
            "the final 3 given"
        );
    }
}
