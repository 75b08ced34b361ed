//! «Активность ведения журнала по неделям» — 001 Приложение «Заместитель директора» п. 13
//! («отчетность о полноте и своевременности заполнения»): for each author and week (Monday to
//! Sunday) of the filter's dates, the entries they made in the journal — marks and absences, lesson
//! topics, homework — and how many of them were made on the lesson's day (001 Приложение
//! «Преподаватель» п. 2: «в день проведения занятия») or later. Each entry is judged by its own
//! entry time (`entered_at`, the device's time of the edit). And the families' side (001 п. 3.2.1:
//! parents look at the diary at least weekly): the sign-ins of the parents and students of the
//! filter's groups by week, from the server's audit (`Snapshot::sign_ins`; a teacher's copy has none
//! and its report leaves them out).

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
    let mut figures = vec![
        Figure {
            name: "Записей".into(),
            value: (total.on_time + total.late).into(),
        },
        Figure {
            name: "В день занятия, %".into(),
            value: pct(total),
        },
    ];
    let mut tables = vec![table];
    let mut charts = vec![chart];
    if !snap.sign_ins.is_empty() {
        let (figure, table, chart) = family_sign_ins(&d, r, now, &week_text);
        figures.push(figure);
        tables.push(table);
        charts.push(chart);
    }
    (figures, tables, charts)
}

/// Parents and students of the filter's groups who signed in, by week of the filter's dates:
/// how many of them and how many sign-ins.
fn family_sign_ins(
    d: &Data<'_>,
    r: &Resolved,
    now: NaiveDateTime,
    week_text: &dyn Fn(NaiveDate) -> String,
) -> (Figure, Table, Chart) {
    use journal_core::Role;
    let snap = d.snap;
    let mut groups: Vec<journal_core::GroupId> = d.loads.iter().map(|l| l.group_id).collect();
    groups.sort();
    groups.dedup();
    let students: std::collections::HashSet<journal_core::StudentId> = groups
        .iter()
        .flat_map(|g| d.group_students(*g))
        .map(|s| s.id)
        .collect();
    // Each family user of those students, as a parent (true) or a student (false).
    let family: HashMap<UserId, bool> = snap
        .users
        .iter()
        .filter_map(|u| {
            u.grants.iter().find_map(|g| match (g.role, g.student_id) {
                (Role::Parent, Some(s)) if students.contains(&s) => Some((u.id, true)),
                (Role::Student, Some(s)) if students.contains(&s) => Some((u.id, false)),
                _ => None,
            })
        })
        .collect();
    // week → (parents, parents' sign-ins, students, students' sign-ins)
    let mut weeks: BTreeMap<NaiveDate, (HashSetOf, u32, HashSetOf, u32)> = BTreeMap::new();
    for s in &snap.sign_ins {
        let Some(&parent) = family.get(&s.user_id) else {
            continue;
        };
        let day = s.at.date();
        // Not after the report's time: a printed report verifies against the same sign-ins.
        if day < r.from || day > r.to || s.at > now {
            continue;
        }
        let w = weeks.entry(week_of(day)).or_default();
        if parent {
            w.0.insert(s.user_id);
            w.1 += 1;
        } else {
            w.2.insert(s.user_id);
            w.3 += 1;
        }
    }
    let parents_total = family.values().filter(|p| **p).count();
    let students_total = family.len() - parents_total;
    let mut table = Table::new(
        "Входы родителей и обучающихся по неделям",
        &[
            "Неделя",
            "Родителей вошло",
            "из родителей с доступом",
            "Входов родителей",
            "Обучающихся вошло",
            "из обучающихся с доступом",
            "Входов обучающихся",
        ],
    );
    for (w, (p, pn, s, sn)) in &weeks {
        table.rows.push(vec![
            week_text(*w).into(),
            p.len().into(),
            parents_total.into(),
            (*pn).into(),
            s.len().into(),
            students_total.into(),
            (*sn).into(),
        ]);
    }
    let chart = Chart {
        title: "Родители и обучающиеся, входившие за неделю".into(),
        unit: "чел.".into(),
        labels: weeks
            .keys()
            .map(|w| w.format("%d.%m").to_string())
            .collect(),
        series: vec![
            Series {
                name: "Родители".into(),
                values: weeks.values().map(|w| w.0.len() as f64).collect(),
            },
            Series {
                name: "Обучающиеся".into(),
                values: weeks.values().map(|w| w.2.len() as f64).collect(),
            },
        ],
    };
    let signed_in: std::collections::HashSet<&UserId> = weeks
        .values()
        .flat_map(|w| w.0.iter().chain(w.2.iter()))
        .collect();
    let figure = Figure {
        name: "Родителей и обучающихся входили в дневник".into(),
        value: format!("{} из {}", signed_in.len(), family.len()).into(),
    };
    (figure, table, chart)
}

type HashSetOf = std::collections::HashSet<UserId>;

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
        assert_eq!(
            tables.len(),
            1,
            "a copy without sign-ins (a teacher's) has no families' table"
        );
    }

    #[test]
    fn families_sign_ins_by_week() {
        use journal_core::{Role, UserId};
        use journal_protocol::{RoleGrant, SignIn, User};
        let mut snap = snapshot();
        let family = |n: u128, role: Role, s: u128| User {
            id: UserId(id(n)),
            login: format!("f{n}"),
            full_name: format!("Семья {n}"),
            grants: vec![RoleGrant::new(role, None, Some(student(s)))],
        };
        // Two parents and a student of ИС-21; the second parent never signs in.
        snap.users.extend([
            family(901, Role::Parent, 1),
            family(902, Role::Parent, 2),
            family(903, Role::Student, 3),
        ]);
        let sign_in = |n: u128, m, d| SignIn {
            user_id: UserId(id(n)),
            at: at(m, d, 19, 0),
        };
        snap.sign_ins = vec![
            sign_in(901, 9, 29), // week of 28.09
            sign_in(901, 10, 5), // week of 05.10, twice
            sign_in(901, 10, 6),
            sign_in(903, 10, 6),
            sign_in(T1, 10, 6), // a teacher: not a family's sign-in
        ];
        let (figures, tables, charts) = activity(&snap, &semester(), now());
        let t = &tables[1];
        assert_eq!(t.title, "Входы родителей и обучающихся по неделям");
        assert_eq!(
            t.rows,
            vec![
                vec![
                    Value::from("28.09–04.10.2026"),
                    1usize.into(),
                    2usize.into(),
                    1u32.into(),
                    0usize.into(),
                    1usize.into(),
                    0u32.into()
                ],
                vec![
                    Value::from("05.10–11.10.2026"),
                    1usize.into(),
                    2usize.into(),
                    2u32.into(),
                    1usize.into(),
                    1usize.into(),
                    1u32.into()
                ],
            ],
            "per week: parents who signed in (of those with access), their sign-ins; students likewise"
        );
        assert_eq!(
            figures.last().map(|f| f.value.clone()),
            Some(Value::from("2 из 3")),
            "one parent and the student signed in; the other parent did not"
        );
        assert_eq!(charts[1].labels, vec!["28.09", "05.10"]);
    }
}
