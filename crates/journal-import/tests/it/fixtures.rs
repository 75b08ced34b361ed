//! A small college to import into: two groups (one with subgroups), three teachers, three subjects,
//! a load per teacher, and a bell schedule of pairs.

use chrono::{NaiveDate, NaiveTime};
use journal_core::{GroupId, InstitutionId, LoadId, Policy, Role, SubgroupId, SubjectId, UserId};
use journal_protocol::snapshot::*;
use uuid::Uuid;

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

pub const IS21: u128 = 100;
pub const IS22: u128 = 101;
pub const SUB1: u128 = 110;
pub const SUB2: u128 = 111;
pub const SMIRNOVA: u128 = 1;
pub const VOLKOV: u128 = 2;
pub const ORLOVA: u128 = 3;
pub const MATH: u128 = 50;
pub const INFORMATICS: u128 = 51;
pub const RUSSIAN: u128 = 52;

pub fn teacher(n: u128, login: &str, full_name: &str) -> User {
    User {
        id: UserId(id(n)),
        login: login.into(),
        full_name: full_name.into(),
        grants: vec![RoleGrant {
            role: Role::Teacher,
            group_id: None,
            student_id: None,
            from: None,
            until: None,
        }],
    }
}

pub fn load(n: u128, teacher: u128, group: u128, subject: u128, subgroup: Option<u128>) -> Load {
    Load {
        id: LoadId(id(n)),
        teacher_id: UserId(id(teacher)),
        group_id: GroupId(id(group)),
        subject_id: SubjectId(id(subject)),
        subgroup_id: subgroup.map(|s| SubgroupId(id(s))),
        from: date(2026, 9, 1),
        to: None,
        planned_hours: 4,
    }
}

pub fn college() -> Snapshot {
    let subject = |n: u128, name: &str| Subject {
        id: SubjectId(id(n)),
        name: name.into(),
        short_name: name.chars().take(4).collect(),
        kind: SubjectKind::Discipline,
        grading: Default::default(),
        module_id: None,
    };
    let group = |n: u128, name: &str| Group {
        id: GroupId(id(n)),
        name: name.into(),
        course: 2,
        specialty: "09.02.07 Информационные системы и программирование".into(),
        curator_id: None,
    };
    let bell = |number: u8, s: NaiveTime, e: NaiveTime| Bell {
        number,
        starts: s,
        ends: e,
        shift: 1,
    };
    Snapshot {
        institution: Institution {
            id: InstitutionId(id(9)),
            name: "ГБПОУ «Колледж»".into(),
            short_name: "Колледж".into(),
            timezone: "Europe/Moscow".into(),
            policy: Policy::default(),
            regime: Default::default(),
            support: Default::default(),
        },
        year: AcademicYear {
            name: "2026/2027".into(),
            starts_on: date(2026, 9, 1),
            ends_on: date(2027, 6, 30),
        },
        periods: Vec::new(),
        holidays: Vec::new(),
        bells: vec![
            bell(1, hm(8, 30), hm(10, 0)),
            bell(2, hm(10, 10), hm(11, 40)),
            bell(3, hm(12, 20), hm(13, 50)),
        ],
        users: vec![
            teacher(SMIRNOVA, "smirnova", "Смирнова Елена Александровна"),
            teacher(VOLKOV, "volkov", "Волков Андрей Николаевич"),
            teacher(ORLOVA, "orlova", "Орлова Наталья Сергеевна"),
        ],
        groups: vec![group(IS21, "ИС-21"), group(IS22, "ИС-22")],
        subgroups: vec![
            Subgroup {
                id: SubgroupId(id(SUB1)),
                group_id: GroupId(id(IS21)),
                name: "1 подгруппа".into(),
            },
            Subgroup {
                id: SubgroupId(id(SUB2)),
                group_id: GroupId(id(IS21)),
                name: "2 подгруппа".into(),
            },
        ],
        students: vec![Student {
            id: journal_core::StudentId(id(200)),
            last_name: "Петров".into(),
            first_name: "Пётр".into(),
            patronymic: Some("Ильич".into()),
            birth_date: Some(date(2009, 3, 4)),
        }],
        memberships: Vec::new(),
        subjects: vec![
            subject(MATH, "Математика"),
            subject(INFORMATICS, "Информатика"),
            subject(RUSSIAN, "Русский язык"),
        ],
        loads: vec![
            load(300, SMIRNOVA, IS21, MATH, None),
            load(301, VOLKOV, IS21, INFORMATICS, Some(SUB1)),
            load(302, ORLOVA, IS21, INFORMATICS, Some(SUB2)),
            load(303, SMIRNOVA, IS22, MATH, None),
        ],
        plan_topics: Vec::new(),
        lessons: Vec::new(),
        lesson_topics: Vec::new(),
        homework: Vec::new(),
        cells: Vec::new(),
        finals: Vec::new(),
        locks: Vec::new(),
        remarks: Vec::new(),
        reopenings: Vec::new(),
        rooms: Vec::new(),
        later_shift_bells: Vec::new(),
        curriculum: Vec::new(),
        individual_plans: Vec::new(),
        departments: Vec::new(),
        control_works: Vec::new(),
        busy_slots: Vec::new(),
        sign_ins: Vec::new(),
    }
}
