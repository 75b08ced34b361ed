//! «Посещаемость» — 001 п. 4.8 (the symbols н, б, п), 004 п. 4.2.4 (absences with their reasons):
//! per student and per group, by reason — «н» without a known reason, «б» ill, «п» for a good
//! reason — in lessons and in hours (a pair missed is two hours), by month of the chosen dates; and
//! per group and subject (a subject's subgroups together).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use journal_core::{Absence, CellEntry, StudentId};
use journal_protocol::Snapshot;
use serde::{Deserialize, Serialize};

use crate::data::Data;
use crate::{month_name_ru, months, Chart, Figure, Parts, Resolved, Series, Table, Value};

/// Lessons and hours missed, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthAbsences {
    pub lessons_absent: u32,
    pub lessons_ill: u32,
    pub lessons_excused: u32,
    pub hours_absent: u32,
    pub hours_ill: u32,
    pub hours_excused: u32,
}

impl MonthAbsences {
    fn add(&mut self, reason: Absence, hours: u32) {
        match reason {
            Absence::Absent => {
                self.lessons_absent += 1;
                self.hours_absent += hours;
            }
            Absence::Ill => {
                self.lessons_ill += 1;
                self.hours_ill += hours;
            }
            Absence::Excused => {
                self.lessons_excused += 1;
                self.hours_excused += hours;
            }
        }
    }
    fn plus(&mut self, o: &MonthAbsences) {
        self.lessons_absent += o.lessons_absent;
        self.lessons_ill += o.lessons_ill;
        self.lessons_excused += o.lessons_excused;
        self.hours_absent += o.hours_absent;
        self.hours_ill += o.hours_ill;
        self.hours_excused += o.hours_excused;
    }
    pub fn lessons(&self) -> u32 {
        self.lessons_absent + self.lessons_ill + self.lessons_excused
    }
    pub fn hours(&self) -> u32 {
        self.hours_absent + self.hours_ill + self.hours_excused
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendanceRow {
    pub name: String,
    pub group: String,
    pub total: MonthAbsences,
    /// By month of the dates, in order.
    pub by_month: Vec<MonthAbsences>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendanceReport {
    /// «2026-10» for each month of the dates.
    pub months: Vec<(i32, u32)>,
    pub by_student: Vec<AttendanceRow>,
    pub by_group: Vec<AttendanceRow>,
    /// Per group and subject (`name` the subject), in the loads' order.
    #[serde(default)]
    pub by_subject: Vec<AttendanceRow>,
}

/// A row of the table by subject: the group and the subject (its subgroups' loads together).
type SubjectKey = (journal_core::GroupId, journal_core::SubjectId);

pub fn attendance(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> AttendanceReport {
    let d = Data::new(snap, r, now);
    let ms = months(r.from, r.to.min(now.date()).max(r.from));
    let month_index: HashMap<(i32, u32), usize> =
        ms.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut per_student: HashMap<StudentId, Vec<MonthAbsences>> = HashMap::new();
    // (group, subject) in the loads' order, with their months.
    let mut by_subject: Vec<(SubjectKey, AttendanceRow)> = Vec::new();
    for load in &d.loads {
        let key = (load.group_id, load.subject_id);
        let si = match by_subject.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                by_subject.push((
                    key,
                    AttendanceRow {
                        name: snap
                            .subjects
                            .iter()
                            .find(|s| s.id == load.subject_id)
                            .map(|s| s.name.clone())
                            .unwrap_or_default(),
                        group: snap
                            .groups
                            .iter()
                            .find(|g| g.id == load.group_id)
                            .map(|g| g.name.clone())
                            .unwrap_or_default(),
                        total: MonthAbsences::default(),
                        by_month: vec![MonthAbsences::default(); ms.len()],
                    },
                ));
                by_subject.len() - 1
            }
        };
        for lesson in d.held(load.id) {
            let Some(&mi) = month_index.get(&(lesson.date.year(), lesson.date.month())) else {
                continue;
            };
            for c in d.cells(lesson.id) {
                for e in &c.value.entries {
                    if let CellEntry::Absence { absence } = e {
                        let v = per_student
                            .entry(c.student_id)
                            .or_insert_with(|| vec![MonthAbsences::default(); ms.len()]);
                        v[mi].add(*absence, u32::from(lesson.hours));
                        let row = &mut by_subject[si].1;
                        row.by_month[mi].add(*absence, u32::from(lesson.hours));
                        row.total.add(*absence, u32::from(lesson.hours));
                    }
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
    let mut by_student = Vec::new();
    let mut by_group = Vec::new();
    for g in groups {
        let group_name = snap
            .groups
            .iter()
            .find(|x| x.id == g)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        let mut gm = vec![MonthAbsences::default(); ms.len()];
        for s in d.group_students(g) {
            let m = per_student
                .get(&s.id)
                .cloned()
                .unwrap_or_else(|| vec![MonthAbsences::default(); ms.len()]);
            let mut total = MonthAbsences::default();
            for (i, x) in m.iter().enumerate() {
                total.plus(x);
                gm[i].plus(x);
            }
            by_student.push(AttendanceRow {
                name: s.full_name(),
                group: group_name.clone(),
                total,
                by_month: m,
            });
        }
        let mut total = MonthAbsences::default();
        gm.iter().for_each(|x| total.plus(x));
        by_group.push(AttendanceRow {
            name: group_name.clone(),
            group: group_name,
            total,
            by_month: gm,
        });
    }
    AttendanceReport {
        months: ms,
        by_student,
        by_group,
        by_subject: by_subject.into_iter().map(|(_, row)| row).collect(),
    }
}

const COLUMNS: [&str; 8] = [
    "Пропущено занятий",
    "Пропущено часов",
    "н, занятий",
    "н, часов",
    "б, занятий",
    "б, часов",
    "п, занятий",
    "п, часов",
];

fn values(first: Vec<Value>, m: &MonthAbsences) -> Vec<Value> {
    let mut v = first;
    v.extend([
        m.lessons().into(),
        m.hours().into(),
        m.lessons_absent.into(),
        m.hours_absent.into(),
        m.lessons_ill.into(),
        m.hours_ill.into(),
        m.lessons_excused.into(),
        m.hours_excused.into(),
    ]);
    v
}

impl AttendanceReport {
    pub fn into_parts(self) -> Parts {
        let mut total = MonthAbsences::default();
        self.by_group.iter().for_each(|g| total.plus(&g.total));
        let figures = vec![
            Figure {
                name: "Пропущено часов".into(),
                value: total.hours().into(),
            },
            Figure {
                name: "из них без уважительной причины (н)".into(),
                value: total.hours_absent.into(),
            },
        ];
        let names: Vec<String> = self
            .months
            .iter()
            .map(|(y, m)| month_name_ru(*y, *m))
            .collect();
        let mut groups = Table::new("По группам", &[&["Группа"][..], &COLUMNS].concat());
        let mut months = Table::new(
            "По группам и месяцам",
            &[&["Группа", "Месяц"][..], &COLUMNS].concat(),
        );
        let mut month_sum = vec![MonthAbsences::default(); self.months.len()];
        for g in &self.by_group {
            groups
                .rows
                .push(values(vec![g.name.clone().into()], &g.total));
            for (i, m) in g.by_month.iter().enumerate() {
                month_sum[i].plus(m);
                months.rows.push(values(
                    vec![g.name.clone().into(), names[i].clone().into()],
                    m,
                ));
            }
        }
        let mut subjects = Table::new(
            "По предметам",
            &[&["Группа", "Предмет"][..], &COLUMNS].concat(),
        );
        for s in &self.by_subject {
            subjects.rows.push(values(
                vec![s.group.clone().into(), s.name.clone().into()],
                &s.total,
            ));
        }
        let mut students = Table::new(
            "По обучающимся",
            &[&["Группа", "Обучающийся"][..], &COLUMNS].concat(),
        );
        // Each student's months with an absence (a whole year of every month would be mostly zeros).
        let mut student_months = Table::new(
            "По обучающимся и месяцам",
            &[&["Группа", "Обучающийся", "Месяц"][..], &COLUMNS].concat(),
        );
        for s in &self.by_student {
            students.rows.push(values(
                vec![s.group.clone().into(), s.name.clone().into()],
                &s.total,
            ));
            for (i, m) in s
                .by_month
                .iter()
                .enumerate()
                .filter(|(_, m)| m.lessons() > 0)
            {
                student_months.rows.push(values(
                    vec![
                        s.group.clone().into(),
                        s.name.clone().into(),
                        names[i].clone().into(),
                    ],
                    m,
                ));
            }
        }
        // Hours missed by reason (н, б, п) over `rows`, one bar group per label.
        let by_reason = |title: &str, labels: Vec<String>, rows: &[&MonthAbsences]| Chart {
            title: title.into(),
            unit: "ч".into(),
            labels,
            series: [
                (
                    "н",
                    (|m: &MonthAbsences| m.hours_absent) as fn(&MonthAbsences) -> u32,
                ),
                ("б", |m| m.hours_ill),
                ("п", |m| m.hours_excused),
            ]
            .into_iter()
            .map(|(name, f)| Series {
                name: name.into(),
                values: rows.iter().map(|m| f64::from(f(m))).collect(),
            })
            .collect(),
        };
        let charts = vec![
            by_reason(
                "Пропуски по месяцам, часов",
                names.clone(),
                &month_sum.iter().collect::<Vec<_>>(),
            ),
            by_reason(
                "Пропуски по группам, часов",
                self.by_group.iter().map(|g| g.name.clone()).collect(),
                &self.by_group.iter().map(|g| &g.total).collect::<Vec<_>>(),
            ),
            by_reason(
                "Пропуски по предметам, часов",
                self.by_subject
                    .iter()
                    .map(|s| format!("{} — {}", s.group, s.name))
                    .collect(),
                &self.by_subject.iter().map(|s| &s.total).collect::<Vec<_>>(),
            ),
        ];
        (
            figures,
            vec![groups, months, subjects, students, student_months],
            charts,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn absences_by_reason_in_lessons_and_hours() {
        let rep = attendance(&snapshot(), &semester(), now());
        assert_eq!(
            rep.months,
            vec![(2026, 9), (2026, 10)],
            "September to today's October"
        );
        let g = &rep.by_group[0];
        assert_eq!(
            (g.total.lessons_absent, g.total.hours_absent),
            (2, 3),
            "н: S03 at A (1 h), S01 at the pair C (2 h)"
        );
        assert_eq!(
            (g.total.lessons_ill, g.total.hours_ill),
            (1, 1),
            "б: S04 at A"
        );
        assert_eq!(
            (g.total.lessons_excused, g.total.hours_excused),
            (1, 1),
            "п: S02 at B"
        );
        assert_eq!(g.by_month[0].hours(), 0, "nothing in September");
        assert_eq!(g.by_month[1].hours(), 5, "5 hours in October");
        let s01 = rep
            .by_student
            .iter()
            .find(|s| s.name == "Студент01 Имя")
            .expect("S01");
        assert_eq!(
            (s01.total.lessons(), s01.total.hours()),
            (1, 2),
            "a missed pair is two hours"
        );
        let subjects: Vec<(&str, u32)> = rep
            .by_subject
            .iter()
            .map(|s| (s.name.as_str(), s.total.hours()))
            .collect();
        assert_eq!(
            subjects,
            vec![("История", 0), ("Математика", 5)],
            "every absence of the fixture is in Математика (A, B, C)"
        );
        let (_, tables, charts) = rep.into_parts();
        let months = tables
            .iter()
            .find(|t| t.title == "По обучающимся и месяцам")
            .expect("each student's months");
        assert_eq!(
            months.rows.len(),
            4,
            "S01, S02, S03, S04 missed lessons, each in October only"
        );
        assert_eq!(
            charts.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
            vec![
                "Пропуски по месяцам, часов",
                "Пропуски по группам, часов",
                "Пропуски по предметам, часов"
            ],
            "attendance over the year, by group and by subject"
        );
    }

    #[test]
    fn absences_by_subject_add_up_to_the_group() {
        let rep = attendance(&snapshot(), &semester(), now());
        let g = rep.by_group[0].total;
        let mut sum = MonthAbsences::default();
        rep.by_subject.iter().for_each(|s| sum.plus(&s.total));
        assert_eq!(
            sum, g,
            "every absence of the group counted under its subject"
        );
        assert!(
            rep.by_subject
                .iter()
                .all(|s| s.group == rep.by_group[0].name && !s.name.is_empty()),
            "each row names its group and subject: {:?}",
            rep.by_subject
        );
        let (_, tables, _) = rep.into_parts();
        let t = tables
            .iter()
            .find(|t| t.title == "По предметам")
            .expect("the table by subject");
        assert_eq!(t.columns[..3], ["Группа", "Предмет", "Пропущено занятий"]);
    }
}
