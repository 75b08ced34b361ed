//! «Активность ведения журнала по неделям» — 001 Приложение «Заместитель директора» п. 13
//! («отчетность о полноте и своевременности заполнения»): for each author and week (Monday to
//! Sunday) of the filter's dates, the entries they made in the journal — marks and absences, lesson
//! topics, homework — and how many of them were made on the lesson's day (001 Приложение
//! «Преподаватель» п. 2: «в день проведения занятия») or later. Each entry is judged by its own
//! entry time (`entered_at`, the device's time of the edit).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use journal_core::{LessonId, UserId};
use journal_protocol::Snapshot;

use crate::data::Data;
use crate::{Chart, Figure, Parts, Resolved, Series, Table, Value};

fn week_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

#[derive(Default, Clone, Copy)]
struct Count {
    on_time: u32,
    late: u32,
}

pub fn activity(snap: &Snapshot, r: &Resolved, now: NaiveDateTime) -> Parts {
    let d = Data::new(snap, r, now);
    let mut lesson_date: HashMap<LessonId, NaiveDate> = HashMap::new();
    for load in &d.loads {
        for l in d.held(load.id) {
            lesson_date.insert(l.id, l.date);
        }
    }
    // (author, week) → counts; entries of the filter's lessons, made within the filter's dates.
    let mut by: BTreeMap<(UserId, NaiveDate), Count> = BTreeMap::new();
    let mut note = |lesson: LessonId, author: UserId, at: NaiveDateTime| {
        let Some(&day) = lesson_date.get(&lesson) else {
            return;
        };
        if at.date() < r.from || at.date() > r.to {
            return;
        }
        let c = by.entry((author, week_of(at.date()))).or_default();
        if at.date() <= day {
            c.on_time += 1;
        } else {
            c.late += 1;
        }
    };
    for c in &snap.cells {
        note(c.lesson_id, c.author_id, c.entered_at);
    }
    for t in &snap.lesson_topics {
        note(t.lesson_id, t.author_id, t.entered_at);
    }
    for h in &snap.homework {
        note(h.lesson_id, h.author_id, h.entered_at);
    }
    let mut weeks: Vec<NaiveDate> = by.keys().map(|(_, w)| *w).collect();
    weeks.sort();
    weeks.dedup();
    let mut rows: Vec<(String, NaiveDate, Count)> = by
        .iter()
        .map(|((author, week), c)| (d.user_name(*author), *week, *c))
        .collect();
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let pct = |c: Count| {
        let all = c.on_time + c.late;
        if all == 0 {
            Value::Empty
        } else {
            Value::Number(f64::from(c.on_time) * 100.0 / f64::from(all))
        }
    };
    let week_text = |w: NaiveDate| {
        format!(
            "{}–{}",
            w.format("%d.%m"),
            (w + Duration::days(6)).format("%d.%m.%Y")
        )
    };
    let table = Table {
        title: "Записи в журнале по неделям".into(),
        columns: [
            "Кто вносил",
            "Неделя",
            "Записей",
            "В день занятия",
            "Позже",
            "В день занятия, %",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|(who, week, c)| {
                vec![
                    who.clone().into(),
                    week_text(*week).into(),
                    (c.on_time + c.late).into(),
                    c.on_time.into(),
                    c.late.into(),
                    pct(*c),
                ]
            })
            .collect(),
    };
    let total = by.values().fold(Count::default(), |a, c| Count {
        on_time: a.on_time + c.on_time,
        late: a.late + c.late,
    });
    let per_week: Vec<Count> = weeks
        .iter()
        .map(|w| {
            by.iter()
                .filter(|((_, x), _)| x == w)
                .fold(Count::default(), |a, (_, c)| Count {
                    on_time: a.on_time + c.on_time,
                    late: a.late + c.late,
                })
        })
        .collect();
    let chart = Chart {
        title: "Записей за неделю: в день занятия и позже".into(),
        unit: "шт.".into(),
        labels: weeks
            .iter()
            .map(|w| w.format("%d.%m").to_string())
            .collect(),
        series: vec![
            Series {
                name: "В день занятия".into(),
                values: per_week.iter().map(|c| f64::from(c.on_time)).collect(),
            },
            Series {
                name: "Позже".into(),
                values: per_week.iter().map(|c| f64::from(c.late)).collect(),
            },
        ],
    };
    let figures = vec![
        Figure {
            name: "Записей".into(),
            value: (total.on_time + total.late).into(),
        },
        Figure {
            name: "В день занятия, %".into(),
            value: pct(total),
        },
    ];
    (figures, vec![table], vec![chart])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::*;

    #[test]
    fn entries_by_author_and_week_on_the_day_or_later() {
        let (figures, tables, charts) = activity(&snapshot(), &semester(), now());
        // Cells: A (05.10) ×4 on the day, B (06.10) ×2 on the day, C (07.10) ×1 on the day;
        // topics: A on 05.10 (on the day), B entered 07.10 for a lesson of 06.10 (late).
        let rows = &tables[0].rows;
        let total: u32 = rows
            .iter()
            .map(|r| match r[2] {
                Value::Int(n) => n as u32,
                _ => 0,
            })
            .sum();
        let late: u32 = rows
            .iter()
            .map(|r| match r[4] {
                Value::Int(n) => n as u32,
                _ => 0,
            })
            .sum();
        assert_eq!(
            figures[0].value,
            Value::from(total),
            "the figure is the table's sum"
        );
        assert!(
            late >= 1,
            "the topic of B written a day later is late: {rows:?}"
        );
        assert!(
            rows.iter().all(|r| r[1] == Value::from("05.10–11.10.2026")),
            "every entry of the fixture falls in the week of 5 October: {rows:?}"
        );
        assert_eq!(charts[0].labels, vec!["05.10".to_string()]);
    }
}
