//! A hand-made institution for the reports' unit tests: one group «ИС-21» of 29 students, two
//! loads, five lessons in the week of 5 October 2026, "now" on Wednesday 7 October at noon.
//!
//! * L1 Математика (Иванова, planned 4 h; КТП «Числа» 1 h, «Дроби» 1 h, «Уравнения» 2 h):
//!   A Mon 5th bell 1 — topic «Числа» and homework in time; S01 «5», S02 «2», S03 «н», S04 «б»;
//!   B Tue 6th bell 1 — topic «Дроби» entered on the 7th (late), no homework; S01 «4», S02 «п»;
//!   C Wed 7th bell 1, a pair (2 h) — no topic yet, no homework; S01 «н»;
//!   D Thu 8th — cancelled.
//! * L2 История (Петров, planned 2 h): E Mon 5th bell 2, given by Иванова as a substitute,
//!   nothing filled.
//! * Finals of the first semester in Математика: S01–S10 «5», S11–S15 «4», S16–S23 «3»; S24–S29
//!   have none (the denominator case: 23 of 29 = 79,3 %).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::*;
use journal_protocol::*;
use uuid::Uuid;

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}
pub fn date(m: u32, d: u32) -> NaiveDate {
    let y = if m >= 9 { 2026 } else { 2027 };
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}
pub fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    date(m, d).and_time(NaiveTime::from_hms_opt(h, min, 0).expect("valid time"))
}
pub fn now() -> NaiveDateTime {
    at(10, 7, 12, 0)
}

pub const T1: u128 = 1;
pub const T2: u128 = 2;
pub const DEPUTY: u128 = 3;
pub fn group() -> GroupId {
    GroupId(id(10))
}
pub fn student(n: u128) -> StudentId {
    StudentId(id(100 + n))
}
pub fn l1() -> LoadId {
    LoadId(id(21))
}
pub fn l2() -> LoadId {
    LoadId(id(22))
}
pub fn p1() -> PeriodId {
    PeriodId(id(31))
}
pub fn math() -> SubjectId {
    SubjectId(id(41))
}
pub const A: u128 = 51;
pub const B: u128 = 52;
pub const C: u128 = 53;
pub const D: u128 = 54;
pub const E: u128 = 55;

fn user(n: u128, login: &str, name: &str, role: Role) -> User {
    User {
        id: UserId(id(n)),
        login: login.into(),
        full_name: name.into(),
        grants: vec![RoleGrant {
            role,
            group_id: None,
            student_id: None,
            from: None,
            until: None,
        }],
    }
}

fn lesson(n: u128, load: LoadId, d: u32, bell: u8, hours: u8, sub: Option<u128>) -> Lesson {
    Lesson {
        id: LessonId(id(n)),
        load_id: load,
        date: date(10, d),
        bell_number: bell,
        hours,
        room: None,
        status: LessonStatus::Scheduled,
        moved_to: None,
        substitute_teacher_id: sub.map(|s| UserId(id(s))),
        change_reason: None,
    }
}

fn cell(lesson: u128, s: u128, typed: &str, when: NaiveDateTime) -> Cell {
    Cell {
        lesson_id: LessonId(id(lesson)),
        student_id: student(s),
        value: parse_cell(typed, true, &Policy::default()).expect("valid cell"),
        entered_at: when,
        author_id: UserId(id(T1)),
    }
}

fn topic(lesson: u128, plan: u128, title: &str, when: NaiveDateTime) -> LessonTopic {
    LessonTopic {
        lesson_id: LessonId(id(lesson)),
        hour: 1,
        plan_topic_id: Some(TopicId(id(plan))),
        title: title.into(),
        work_type: WorkType::Lesson,
        work_number: None,
        makeup_of: None,
        entered_at: when,
        author_id: UserId(id(T1)),
    }
}

fn plan(n: u128, ordinal: u32, title: &str, hours: u8) -> PlanTopic {
    PlanTopic {
        id: TopicId(id(n)),
        load_id: l1(),
        ordinal,
        title: title.into(),
        hours,
        work_type: WorkType::Lesson,
        work_number: None,
    }
}

pub fn snapshot() -> Snapshot {
    let bell = |n: u8, h: u32| Bell {
        number: n,
        starts: NaiveTime::from_hms_opt(h, 0, 0).expect("time"),
        ends: NaiveTime::from_hms_opt(h, 45, 0).expect("time"),
        shift: 1,
    };
    let students: Vec<Student> = (1..=29)
        .map(|n| Student {
            id: student(n),
            last_name: format!("Студент{n:02}"),
            first_name: "Имя".into(),
            patronymic: None,
            birth_date: None,
        })
        .collect();
    let memberships = (1..=29)
        .map(|n| Membership {
            student_id: student(n),
            group_id: group(),
            subgroup_id: None,
            from: date(9, 1),
            to: None,
            individual_plan: false,
        })
        .collect();
    let finals = (1..=23)
        .map(|n| Final {
            load_id: l1(),
            period_id: p1(),
            student_id: student(n),
            column: Default::default(),
            value: parse_final(match n {
                1..=10 => "5",
                11..=15 => "4",
                _ => "3",
            })
            .expect("valid final"),
            entered_at: at(12, 25, 10, 0),
            author_id: UserId(id(T1)),
        })
        .collect();
    let mut cancelled = lesson(D, l1(), 8, 1, 1, None);
    cancelled.status = LessonStatus::Cancelled;
    Snapshot {
        institution: Institution {
            id: InstitutionId(id(900)),
            name: "Колледж".into(),
            short_name: "Колледж".into(),
            timezone: "Europe/Moscow".into(),
            policy: Policy::default(),
            regime: Default::default(),
            support: Default::default(),
        },
        year: AcademicYear {
            name: "2026/2027".into(),
            starts_on: date(9, 1),
            ends_on: date(6, 30),
        },
        periods: vec![
            Period {
                id: p1(),
                name: "1 семестр".into(),
                ordinal: 1,
                starts_on: date(9, 1),
                ends_on: date(12, 31),
            },
            Period {
                id: PeriodId(id(32)),
                name: "2 семестр".into(),
                ordinal: 2,
                starts_on: date(1, 9),
                ends_on: date(6, 30),
            },
        ],
        holidays: vec![],
        bells: vec![bell(1, 9), bell(2, 10)],
        users: vec![
            user(T1, "t1", "Иванова Анна Андреевна", Role::Teacher),
            user(T2, "t2", "Петров Борис Борисович", Role::Teacher),
            user(DEPUTY, "deputy", "Завуч", Role::Deputy),
        ],
        groups: vec![Group {
            id: group(),
            name: "ИС-21".into(),
            course: 2,
            specialty: "09.02.07".into(),
            curator_id: None,
        }],
        subgroups: vec![],
        students,
        memberships,
        subjects: vec![
            Subject {
                id: math(),
                name: "Математика".into(),
                short_name: "Мат.".into(),
                kind: SubjectKind::Discipline,
                grading: Default::default(),
                module_id: None,
            },
            Subject {
                id: SubjectId(id(42)),
                name: "История".into(),
                short_name: "Ист.".into(),
                kind: SubjectKind::Discipline,
                grading: Default::default(),
                module_id: None,
            },
        ],
        loads: vec![
            Load {
                id: l1(),
                teacher_id: UserId(id(T1)),
                group_id: group(),
                subject_id: math(),
                subgroup_id: None,
                from: date(9, 1),
                to: None,
                planned_hours: 4,
            },
            Load {
                id: l2(),
                teacher_id: UserId(id(T2)),
                group_id: group(),
                subject_id: SubjectId(id(42)),
                subgroup_id: None,
                from: date(9, 1),
                to: None,
                planned_hours: 2,
            },
        ],
        plan_topics: vec![
            plan(61, 1, "Числа", 1),
            plan(62, 2, "Дроби", 1),
            plan(63, 3, "Уравнения", 2),
        ],
        lessons: vec![
            lesson(A, l1(), 5, 1, 1, None),
            lesson(B, l1(), 6, 1, 1, None),
            lesson(C, l1(), 7, 1, 2, None),
            cancelled,
            lesson(E, l2(), 5, 2, 1, Some(T1)),
        ],
        lesson_topics: vec![
            topic(A, 61, "Числа", at(10, 5, 9, 30)),
            topic(B, 62, "Дроби", at(10, 7, 8, 0)),
        ],
        homework: vec![Homework {
            lesson_id: LessonId(id(A)),
            text: "№ 1–5".into(),
            entered_at: at(10, 5, 10, 0),
            author_id: UserId(id(T1)),
        }],
        cells: vec![
            cell(A, 1, "5", at(10, 5, 9, 40)),
            cell(A, 2, "2", at(10, 5, 9, 40)),
            cell(A, 3, "н", at(10, 5, 9, 5)),
            cell(A, 4, "б", at(10, 5, 9, 5)),
            cell(B, 1, "4", at(10, 6, 9, 40)),
            cell(B, 2, "п", at(10, 6, 9, 5)),
            cell(C, 1, "н", at(10, 7, 9, 10)),
        ],
        finals,
        locks: vec![],
        remarks: vec![],
        reopenings: vec![],
        rooms: vec![],
        later_shift_bells: vec![],
        curriculum: vec![],
        individual_plans: vec![],
        departments: Vec::new(),
        control_works: Vec::new(),
        busy_slots: Vec::new(),
        sign_ins: Vec::new(),
    }
}

/// The filter over the first semester.
pub fn semester() -> crate::Resolved {
    crate::Filter {
        period_id: Some(p1()),
        ..Default::default()
    }
    .resolve(&snapshot(), now().date())
    .expect("the fixture's period")
}
