//! «Контрольные работы и их результаты» — 001 Приложение «Заместитель директора» п. 13 (control of
//! the programme and of knowledge; ВТК, контрольные): every held lesson of the filter whose topic is
//! a control work (`WorkType::Control`, or a зачёт), with its marks: how many 5, 4, 3 and 2, how many
//! were absent, how many of the group have no mark, успеваемость (3 and above ÷ the students on the
//! lesson's list) and качество (4 and 5 ÷ the same), средний балл.

use chrono::{Days, NaiveDate, NaiveDateTime};
use journal_core::WorkType;
use journal_protocol::{ControlWork, Lesson, Load, Snapshot};

use crate::data::Data;
use crate::{Figure, Parts, Resolved, Table, Value};

/// The marks of one control work's lesson over the students on the load's list that day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkResult {
    pub students: u32,
    /// How many got 5, 4, 3, 2 (indexed by the mark).
    pub counts: [u32; 6],
    pub absent: u32,
    pub unmarked: u32,
    sum: u32,
    marked: u32,
}

impl WorkResult {
    fn of(d: &Data, load: &Load, lesson: &Lesson) -> WorkResult {
        let on_list = d.students_on(load, lesson.date);
        let mut r = WorkResult {
            students: on_list.len() as u32,
            ..WorkResult::default()
        };
        let cells = d.cells(lesson.id);
        for s in on_list {
            let cell = cells.iter().find(|c| c.student_id == s.id);
            let first = cell.and_then(|c| c.value.marks().next().map(|m| m.get()));
            match first {
                Some(m) => {
                    r.counts[usize::from(m.min(5))] += 1;
                    r.sum += u32::from(m);
                    r.marked += 1;
                }
                None if cell.is_some_and(|c| !c.value.is_empty()) => r.absent += 1,
                None => r.unmarked += 1,
            }
        }
        r
    }

    /// 3 and above.
    pub fn passed(&self) -> u32 {
        self.counts[3] + self.counts[4] + self.counts[5]
    }

    pub fn average(&self) -> Option<f64> {
        (self.marked > 0).then(|| f64::from(self.sum) / f64::from(self.marked))
    }
}

/// What became of a scheduled control work by the report's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkState {
    /// Its day has not come.
    Planned,
    /// Its day has passed and the load has no lesson held that day (001 «Заместитель директора»
    /// п. 10: «учет замененных и пропущенных уроков»).
    NotHeld,
    /// Held; some students have neither a mark nor an absence, and the marks are due by `until`.
    MarksDue { until: NaiveDate },
    /// Held; the checking window (`Policy::control_work_days`, 3 days in 001) ended on `until`
    /// with students still unmarked.
    MarksOverdue { until: NaiveDate },
    /// Held, every student on the list has a mark or an absence.
    Done,
}

impl WorkState {
    pub fn code(self) -> &'static str {
        match self {
            WorkState::Planned => "planned",
            WorkState::NotHeld => "not_held",
            WorkState::MarksDue { .. } => "marks_due",
            WorkState::MarksOverdue { .. } => "marks_overdue",
            WorkState::Done => "done",
        }
    }

    pub fn name_ru(self) -> String {
        match self {
            WorkState::Planned => "Запланирована".into(),
            WorkState::NotHeld => "Не проведена".into(),
            WorkState::MarksDue { until } => {
                format!("Проведена, отметки до {}", until.format("%d.%m.%Y"))
            }
            WorkState::MarksOverdue { until } => format!(
                "Отметки не выставлены в срок (до {})",
                until.format("%d.%m.%Y")
            ),
            WorkState::Done => "Проведена, отметки выставлены".into(),
        }
    }
}

/// The lesson a scheduled work was written at: the load's lesson held on its day.
fn lesson_of<'a>(d: &Data<'a>, work: &ControlWork) -> Option<&'a Lesson> {
    d.held(work.load_id).find(|l| l.date == work.date)
}

/// A scheduled work's state on `today` and, once held, its result.
pub fn scheduled_work(
    d: &Data,
    work: &ControlWork,
    days: u32,
    today: NaiveDate,
) -> (WorkState, Option<WorkResult>) {
    let Some(load) = d.loads.iter().find(|l| l.id == work.load_id) else {
        return (WorkState::Planned, None);
    };
    if work.date > today {
        return (WorkState::Planned, None);
    }
    let Some(lesson) = lesson_of(d, work) else {
        return (WorkState::NotHeld, None);
    };
    let result = WorkResult::of(d, load, lesson);
    let until = work
        .date
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(work.date);
    let state = if result.unmarked == 0 {
        WorkState::Done
    } else if today > until {
        WorkState::MarksOverdue { until }
    } else {
        WorkState::MarksDue { until }
    };
    (state, Some(result))
}

/// Every scheduled work of `snap` with its state on `now`'s day and, once held, its result, in
/// the schedule's order (the server's «График контрольных работ»).
pub fn schedule(
    snap: &Snapshot,
    now: NaiveDateTime,
) -> Vec<(&ControlWork, WorkState, Option<WorkResult>)> {
    let whole_year = Resolved {
        group_id: None,
        teacher_id: None,
        subject_id: None,
        department_id: None,
        department_teachers: None,
        period_id: None,
        from: snap.year.starts_on,
        to: snap.year.ends_on,
    };
    let d = Data::new(snap, &whole_year, now);
    let days = snap.institution.policy.control_work_days;
    snap.control_works
        .iter()
        .map(|w| {
            let (state, result) = scheduled_work(&d, w, days, now.date());
            (w, state, result)
        })
        .collect()
}

pub fn control_works(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> Parts {
    let d = Data::new(snap, r, now);
    let days = snap.institution.policy.control_work_days;
    let mut table = Table {
        title: "Контрольные работы".into(),
        columns: [
            "Группа",
            "Дисциплина",
            "Преподаватель",
            "Дата",
            "Вид работы",
            "Тема",
            "Обучающихся",
            "«5»",
            "«4»",
            "«3»",
            "«2»",
            "Отсутствовали",
            "Без отметки",
            "Успеваемость, %",
            "Качество, %",
            "Средний балл",
            "ВТК",
            "Критерии",
            "Состояние",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
        rows: Vec::new(),
    };
    let (mut works, mut low, mut not_held, mut overdue) = (0usize, 0usize, 0usize, 0usize);
    let today = now.date();
    for load in &d.loads {
        // The schedule's works of the load in the report's dates, and the held lessons whose topic
        // is a control work or a зачёт, each once, by date.
        let mut scheduled: Vec<&ControlWork> = snap
            .control_works
            .iter()
            .filter(|w| w.load_id == load.id && w.date >= r.from && w.date <= r.to)
            .collect();
        scheduled.sort_by_key(|w| w.date);
        let mut lines: Vec<(NaiveDate, Option<&ControlWork>, Option<&Lesson>)> = scheduled
            .iter()
            .map(|w| (w.date, Some(*w), lesson_of(&d, w)))
            .collect();
        for lesson in d.held(load.id) {
            let control = d
                .topics(lesson.id)
                .iter()
                .any(|t| matches!(t.work_type, WorkType::Control | WorkType::Test));
            if control
                && !lines
                    .iter()
                    .any(|(_, _, l)| l.is_some_and(|l| l.id == lesson.id))
            {
                lines.push((lesson.date, None, Some(lesson)));
            }
        }
        lines.sort_by_key(|(date, _, _)| *date);
        for (date, work, lesson) in lines {
            works += 1;
            let topic = lesson.and_then(|l| {
                d.topics(l.id)
                    .iter()
                    .find(|t| matches!(t.work_type, WorkType::Control | WorkType::Test))
                    .or_else(|| d.topics(l.id).first())
                    .copied()
            });
            let kind: String = match (work, topic) {
                (Some(w), _) => w.form.name_ru().into(),
                (None, Some(t)) => t.work_type.name_ru().into(),
                (None, None) => String::new(),
            };
            let title: String = match (work, topic) {
                (Some(w), Some(t)) => format!("{} — {}", w.title, t.title),
                (Some(w), None) => w.title.clone(),
                (None, Some(t)) => t.title.clone(),
                (None, None) => String::new(),
            };
            let (state, result) = match (work, lesson) {
                (Some(w), _) => scheduled_work(&d, w, days, today),
                (None, Some(l)) => (WorkState::Done, Some(WorkResult::of(&d, load, l))),
                (None, None) => (WorkState::NotHeld, None),
            };
            match state {
                WorkState::NotHeld => not_held += 1,
                WorkState::MarksOverdue { .. } => overdue += 1,
                _ => {}
            }
            let res = result.clone().unwrap_or_default();
            let held = result.is_some();
            let students = res.students;
            let pct = |x: u32| {
                if students == 0 || !held {
                    Value::Empty
                } else {
                    Value::Number(f64::from(x) * 100.0 / f64::from(students))
                }
            };
            let count = |x: u32| if held { x.into() } else { Value::Empty };
            if held && students > 0 && res.passed() * 2 < students {
                low += 1;
            }
            table.rows.push(vec![
                d.group_name(load).into(),
                d.load_subject(load).into(),
                d.teacher_name(load).into(),
                date.format("%d.%m.%Y").to_string().into(),
                kind.into(),
                title.into(),
                students.into(),
                count(res.counts[5]),
                count(res.counts[4]),
                count(res.counts[3]),
                count(res.counts[2]),
                count(res.absent),
                count(res.unmarked),
                pct(res.passed()),
                pct(res.counts[4] + res.counts[5]),
                res.average().map_or(Value::Empty, Value::Number),
                if work.is_some_and(|w| w.vtk) {
                    "ВТК"
                } else {
                    ""
                }
                .into(),
                work.and_then(|w| w.criteria)
                    .map(|c| c.describe_ru())
                    .unwrap_or_default()
                    .into(),
                if work.is_some() {
                    state.name_ru()
                } else {
                    String::new()
                }
                .into(),
            ]);
        }
    }
    let figures = vec![
        Figure {
            name: "Контрольных работ".into(),
            value: works.into(),
        },
        Figure {
            name: "С успеваемостью ниже 50 %".into(),
            value: low.into(),
        },
        Figure {
            name: "Не проведены по графику".into(),
            value: not_held.into(),
        },
        Figure {
            name: "Отметки не выставлены в срок".into(),
            value: overdue.into(),
        },
    ];
    (figures, vec![table], Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;
    use journal_core::LessonId;

    #[test]
    fn a_control_work_counts_its_marks_over_the_whole_list() {
        let mut snap = snapshot();
        let (_, tables, _) = control_works(&snap, &semester(), now());
        assert!(
            tables[0].rows.is_empty(),
            "the fixture has no control work yet"
        );
        // Lesson A (5, 2, н, б among 29 students) becomes a control work.
        for t in &mut snap.lesson_topics {
            if t.lesson_id == LessonId(id(A)) {
                t.work_type = WorkType::Control;
            }
        }
        let (figures, tables, _) = control_works(&snap, &semester(), now());
        let row = &tables[0].rows[0];
        assert_eq!(row[4], Value::from("Контрольная работа"));
        assert_eq!(row[5], Value::from("Числа"));
        assert_eq!(row[6], Value::from(29u32), "every student on the list");
        assert_eq!(
            (&row[7], &row[10], &row[11], &row[12]),
            (
                &Value::from(1u32),
                &Value::from(1u32),
                &Value::from(2u32),
                &Value::from(25u32)
            ),
            "one 5, one 2, two absent (н, б), 25 without a mark"
        );
        match (&row[13], &row[14], &row[15]) {
            (Value::Number(s), Value::Number(q), Value::Number(avg)) => {
                assert!((s - 100.0 / 29.0).abs() < 1e-9, "успеваемость 1 of 29: {s}");
                assert!((q - 100.0 / 29.0).abs() < 1e-9, "качество 1 of 29: {q}");
                assert!((avg - 3.5).abs() < 1e-9, "средний балл (5 + 2) / 2: {avg}");
            }
            other => panic!("percentages and the average are numbers: {other:?}"),
        }
        assert_eq!(figures[1].value, Value::from(1usize), "below 50 %");
    }

    fn work(n: u128, day: u32) -> ControlWork {
        ControlWork {
            id: journal_core::ControlWorkId(id(n)),
            load_id: l1(),
            date: date(10, day),
            form: journal_protocol::ControlForm::KnowledgeCut,
            title: "Входной контроль".into(),
            vtk: true,
            criteria: Some(journal_core::MarkCriteria {
                max_points: 20,
                five: 18,
                four: 14,
                three: 10,
            }),
        }
    }

    #[test]
    fn the_schedule_says_which_works_were_held_marked_or_missed() {
        let mut snap = snapshot();
        // Lesson A (5.10) held, 25 students without a mark; 4.10 has no lesson; 20.10 is ahead.
        snap.control_works = vec![work(801, 5), work(802, 4), work(803, 20)];
        let states: Vec<WorkState> = schedule(&snap, now()).iter().map(|(_, s, _)| *s).collect();
        assert_eq!(
            states,
            vec![
                WorkState::MarksDue { until: date(10, 8) },
                WorkState::NotHeld,
                WorkState::Planned
            ],
            "on 7.10 the work of 5.10 waits for its marks until 8.10 (3 days), 4.10 had no lesson"
        );
        let later = schedule(&snap, at(10, 9, 9, 0));
        assert_eq!(
            later[0].1,
            WorkState::MarksOverdue { until: date(10, 8) },
            "on 9.10 the window has ended with 25 students unmarked"
        );
        let (figures, tables, _) = control_works(&snap, &semester(), now());
        let rows = &tables[0].rows;
        let row = rows
            .iter()
            .find(|r| r[3] == Value::from("05.10.2026"))
            .expect("the held work has a row");
        assert_eq!(row[4], Value::from("Контрольный срез знаний"));
        assert_eq!(row[16], Value::from("ВТК"));
        assert!(
            matches!(&row[17], Value::Text(t) if t.contains("«5» — от 18")),
            "the criteria are printed: {:?}",
            row[17]
        );
        let missed = rows
            .iter()
            .find(|r| r[3] == Value::from("04.10.2026"))
            .expect("the missed work has a row");
        assert_eq!(missed[18], Value::from("Не проведена"));
        assert_eq!(
            missed[7],
            Value::Empty,
            "no marks counted for a work not held"
        );
        assert_eq!(figures[2].value, Value::from(1usize), "one not held");
    }
}
