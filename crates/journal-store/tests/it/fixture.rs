//! A small institution built by hand: one period, one group of 6 students (one withdrawn
//! mid-period, one joining late, two subgroups), two subjects, a whole-group load and a subgroup
//! load, a few lessons on consecutive days, and some journal content.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::*;
use journal_protocol::*;
use journal_store::{Store, StoreKey};
use std::path::Path;
use uuid::Uuid;

pub struct Fixture {
    pub snap: Snapshot,
    pub teacher: UserId,
    pub period: PeriodId,
    pub load: LoadId,
    pub sub_load: LoadId,
    /// Lessons of `load`, one per day from `first_day`.
    pub lessons: Vec<LessonId>,
    pub sub_lessons: Vec<LessonId>,
    /// Students sorted by full name.
    pub students: Vec<StudentId>,
    pub withdrawn: StudentId,
    pub late: StudentId,
    pub remark: Uuid,
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid fixture date")
}

pub fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("valid fixture time"))
}

pub fn first_day() -> NaiveDate {
    date(2026, 9, 1)
}

fn id() -> Uuid {
    Uuid::new_v4()
}

pub fn fixture() -> Fixture {
    let teacher = UserId(id());
    let deputy = UserId(id());
    let group = GroupId(id());
    let sg1 = SubgroupId(id());
    let sg2 = SubgroupId(id());
    let period = PeriodId(id());
    let rus = SubjectId(id());
    let inf = SubjectId(id());
    let load = LoadId(id());
    let sub_load = LoadId(id());
    let names = [
        ("Яковлева", "Анна", Some("Сергеевна")),
        ("Алексеев", "Борис", Some("Олегович")),
        ("Ёлкин", "Пётр", None),
        ("Егорова", "Мария", Some("Ивановна")),
        ("Борисов", "Иван", Some("Петрович")),
        ("Власова", "Ольга", Some("Андреевна")),
    ];
    let students: Vec<Student> = names
        .iter()
        .map(|(l, f, p)| Student {
            id: StudentId(id()),
            last_name: l.to_string(),
            first_name: f.to_string(),
            patronymic: p.map(str::to_string),
            birth_date: Some(date(2010, 3, 14)),
        })
        .collect();
    let day = first_day();
    // Borisov leaves after the 3rd day; Vlasova joins on the 3rd day.
    let withdrawn = students[4].id;
    let late = students[5].id;
    let memberships = students
        .iter()
        .enumerate()
        .map(|(i, s)| Membership {
            student_id: s.id,
            group_id: group,
            subgroup_id: Some(if i % 2 == 0 { sg1 } else { sg2 }),
            from: if s.id == late {
                day + chrono::Days::new(2)
            } else {
                date(2026, 9, 1)
            },
            to: if s.id == withdrawn {
                Some(day + chrono::Days::new(2))
            } else {
                None
            },
            individual_plan: i == 3,
        })
        .collect();
    let lessons: Vec<Lesson> = (0..5)
        .map(|i| Lesson {
            id: LessonId(id()),
            load_id: load,
            date: day + chrono::Days::new(i),
            bell_number: 1,
            hours: if i == 0 { 2 } else { 1 },
            room: Some("204".into()),
            status: LessonStatus::Scheduled,
            moved_to: None,
            substitute_teacher_id: None,
            change_reason: None,
        })
        .collect();
    let sub_lessons: Vec<Lesson> = (0..3)
        .map(|i| Lesson {
            id: LessonId(id()),
            load_id: sub_load,
            date: day + chrono::Days::new(i),
            bell_number: 2,
            hours: 1,
            room: None,
            status: LessonStatus::Scheduled,
            moved_to: None,
            substitute_teacher_id: None,
            change_reason: None,
        })
        .collect();
    let topic = PlanTopic {
        id: TopicId(id()),
        load_id: load,
        ordinal: 1,
        title: "Фонетика. Звуки и буквы".into(),
        hours: 2,
        work_type: WorkType::Lesson,
        work_number: None,
    };
    let remark = id();
    let mut sorted: Vec<&Student> = students.iter().collect();
    sorted.sort_by_key(|s| s.full_name().to_lowercase().replace('ё', "е"));
    let sorted_ids = sorted.iter().map(|s| s.id).collect();
    let snap = Snapshot {
        institution: Institution {
            id: InstitutionId(id()),
            name: "ГБПОУ «Колледж связи №1»".into(),
            short_name: "КС-1".into(),
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
        periods: vec![
            Period {
                id: period,
                name: "1 семестр".into(),
                ordinal: 1,
                starts_on: date(2026, 9, 1),
                ends_on: date(2026, 12, 31),
            },
            Period {
                id: PeriodId(id()),
                name: "2 семестр".into(),
                ordinal: 2,
                starts_on: date(2027, 1, 12),
                ends_on: date(2027, 6, 30),
            },
        ],
        holidays: vec![Holiday {
            name: "Зимние каникулы".into(),
            starts_on: date(2026, 12, 31),
            ends_on: date(2027, 1, 11),
        }],
        bells: vec![
            Bell {
                number: 1,
                starts: NaiveTime::from_hms_opt(8, 30, 0).expect("time"),
                ends: NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
                shift: 1,
            },
            Bell {
                number: 2,
                starts: NaiveTime::from_hms_opt(10, 10, 0).expect("time"),
                ends: NaiveTime::from_hms_opt(11, 40, 0).expect("time"),
                shift: 1,
            },
        ],
        users: vec![
            User {
                id: teacher,
                login: "teacher".into(),
                full_name: "Иванова Мария Петровна".into(),
                grants: vec![RoleGrant {
                    role: Role::Teacher,
                    group_id: None,
                    student_id: None,
                    from: None,
                    until: None,
                }],
            },
            User {
                id: deputy,
                login: "deputy".into(),
                full_name: "Сидоров Павел Андреевич".into(),
                grants: vec![RoleGrant {
                    role: Role::Deputy,
                    group_id: None,
                    student_id: None,
                    from: None,
                    until: None,
                }],
            },
        ],
        groups: vec![Group {
            id: group,
            name: "ИС-21".into(),
            course: 2,
            specialty: "09.02.07 Информационные системы и программирование".into(),
            curator_id: None,
        }],
        subgroups: vec![
            Subgroup {
                id: sg1,
                group_id: group,
                name: "1 подгруппа".into(),
            },
            Subgroup {
                id: sg2,
                group_id: group,
                name: "2 подгруппа".into(),
            },
        ],
        students: students.clone(),
        memberships,
        subjects: vec![
            Subject {
                id: rus,
                name: "Русский язык и литература".into(),
                short_name: "Рус. яз.".into(),
                kind: SubjectKind::Discipline,
                grading: Default::default(),
                module_id: None,
            },
            Subject {
                id: inf,
                name: "Информатика".into(),
                short_name: "Инф.".into(),
                kind: SubjectKind::Discipline,
                grading: Default::default(),
                module_id: None,
            },
        ],
        loads: vec![
            Load {
                id: load,
                teacher_id: teacher,
                group_id: group,
                subject_id: rus,
                subgroup_id: None,
                from: date(2026, 9, 1),
                to: None,
                planned_hours: 72,
            },
            Load {
                id: sub_load,
                teacher_id: teacher,
                group_id: group,
                subject_id: inf,
                subgroup_id: Some(sg1),
                from: date(2026, 9, 1),
                to: None,
                planned_hours: 36,
            },
        ],
        plan_topics: vec![topic.clone()],
        lesson_topics: vec![LessonTopic {
            lesson_id: lessons[0].id,
            hour: 1,
            plan_topic_id: Some(topic.id),
            title: topic.title.clone(),
            work_type: WorkType::Lesson,
            work_number: None,
            makeup_of: None,
            entered_at: at(day, 9, 0),
            author_id: teacher,
        }],
        homework: vec![Homework {
            lesson_id: lessons[0].id,
            text: "§1, упр. 5".into(),
            entered_at: at(day, 9, 5),
            author_id: teacher,
        }],
        cells: vec![Cell {
            lesson_id: lessons[0].id,
            student_id: students[0].id,
            value: mark(5),
            entered_at: at(day, 9, 10),
            author_id: teacher,
        }],
        finals: vec![],
        locks: vec![],
        remarks: vec![Remark::new(
            remark,
            load,
            deputy,
            at(day, 15, 0),
            "Не заполнено домашнее задание за 02.09".into(),
        )],
        lessons: lessons.iter().chain(sub_lessons.iter()).cloned().collect(),
        reopenings: vec![],
        rooms: Vec::new(),
        later_shift_bells: Vec::new(),
        curriculum: Vec::new(),
        individual_plans: Vec::new(),
        departments: Vec::new(),
        control_works: Vec::new(),
        busy_slots: Vec::new(),
        sign_ins: Vec::new(),
    };
    Fixture {
        teacher,
        period,
        load,
        sub_load,
        lessons: lessons.iter().map(|l| l.id).collect(),
        sub_lessons: sub_lessons.iter().map(|l| l.id).collect(),
        students: sorted_ids,
        withdrawn,
        late,
        remark,
        snap,
    }
}

pub fn mark(v: u8) -> CellValue {
    CellValue {
        entries: vec![CellEntry::Mark {
            value: MarkValue::new(v).expect("fixture mark in 2..=5"),
        }],
    }
}

pub fn absent() -> CellValue {
    CellValue {
        entries: vec![CellEntry::Absence {
            absence: Absence::Absent,
        }],
    }
}

/// A fresh store at `dir/journal.db` with the fixture imported.
pub fn store_with(dir: &Path, key: Option<&StoreKey>) -> (Store, Fixture) {
    let fx = fixture();
    let mut store = Store::open(&dir.join("journal.db"), key).expect("a new store opens");
    store
        .import_snapshot(&fx.snap)
        .expect("the fixture snapshot imports");
    (store, fx)
}
