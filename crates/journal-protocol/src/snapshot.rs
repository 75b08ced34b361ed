//! The institution data a device holds a copy of: the year, groups, students, loads, КТП, timetable,
//! and the journal content (cells, topics, homework, finals, locks, remarks). The demo generator
//! produces one, the server sends one (or pages of changes) to a device, the store keeps one.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub institution: Institution,
    pub year: AcademicYear,
    pub periods: Vec<Period>,
    pub holidays: Vec<Holiday>,
    pub bells: Vec<Bell>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub subgroups: Vec<Subgroup>,
    pub students: Vec<Student>,
    pub memberships: Vec<Membership>,
    pub subjects: Vec<Subject>,
    pub loads: Vec<Load>,
    pub plan_topics: Vec<PlanTopic>,
    pub lessons: Vec<Lesson>,
    pub lesson_topics: Vec<LessonTopic>,
    pub homework: Vec<Homework>,
    pub cells: Vec<Cell>,
    pub finals: Vec<Final>,
    pub locks: Vec<PeriodLock>,
    pub remarks: Vec<Remark>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Institution {
    pub id: InstitutionId,
    /// Full official name, as on the journal's title page.
    pub name: String,
    pub short_name: String,
    /// IANA zone, e.g. "Europe/Moscow".
    pub timezone: String,
    pub policy: Policy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcademicYear {
    /// e.g. "2026/2027"
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub id: PeriodId,
    /// e.g. «1 семестр»
    pub name: String,
    pub ordinal: u8,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holiday {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// One line of the bell schedule: lesson (or pair) number and its times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bell {
    pub number: u8,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub login: String,
    /// Full name, never initials: «Иванова Мария Петровна».
    pub full_name: String,
    pub grants: Vec<RoleGrant>,
}

/// A role of a user, optionally tied to a group (curator) or a student (student, parent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub group_id: Option<GroupId>,
    pub student_id: Option<StudentId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    /// e.g. «ИС-21»
    pub name: String,
    pub course: u8,
    /// Specialty / profession, e.g. «09.02.07 Информационные системы и программирование».
    pub specialty: String,
    pub curator_id: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subgroup {
    pub id: SubgroupId,
    pub group_id: GroupId,
    /// e.g. «1 подгруппа»
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Student {
    pub id: StudentId,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub birth_date: Option<NaiveDate>,
}

impl Student {
    pub fn full_name(&self) -> String {
        match &self.patronymic {
            Some(p) => format!("{} {} {}", self.last_name, self.first_name, p),
            None => format!("{} {}", self.last_name, self.first_name),
        }
    }
}

/// A student's membership of a group (and optionally a subgroup) with dates: enrolment, transfer,
/// withdrawal. The journal shows a student only for lessons inside a membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub student_id: StudentId,
    pub group_id: GroupId,
    pub subgroup_id: Option<SubgroupId>,
    pub from: NaiveDate,
    /// Last day in the group (inclusive); None while still a member.
    pub to: Option<NaiveDate>,
    /// Individual curriculum (ИУП).
    pub individual_plan: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Дисциплина / предмет.
    Discipline,
    /// Междисциплинарный курс (МДК).
    Mdk,
    /// Профессиональный модуль (ПМ).
    Module,
    /// Учебная / производственная практика.
    Practice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub id: SubjectId,
    pub name: String,
    pub short_name: String,
    pub kind: SubjectKind,
}

/// Teaching load: teacher × group × subject (× subgroup), with dates; a teacher replaced mid-year
/// keeps authorship of past entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    pub id: LoadId,
    pub teacher_id: UserId,
    pub group_id: GroupId,
    pub subject_id: SubjectId,
    pub subgroup_id: Option<SubgroupId>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Hours by the curriculum for the year.
    pub planned_hours: u32,
}

/// One topic of the КТП (календарно-тематический план) of a load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTopic {
    pub id: TopicId,
    pub load_id: LoadId,
    pub ordinal: u32,
    pub title: String,
    pub hours: u8,
    pub work_type: WorkType,
    /// Number of the control/lab/practical work, where the topic is one.
    pub work_number: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonStatus {
    Scheduled,
    /// Перенесён (postponed); `moved_to` on the lesson says where.
    Postponed,
    Cancelled,
}

/// A lesson of the timetable (one bell slot; `hours` = 2 for a paired lesson).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: LessonId,
    pub load_id: LoadId,
    pub date: NaiveDate,
    pub bell_number: u8,
    pub hours: u8,
    pub room: Option<String>,
    pub status: LessonStatus,
    pub moved_to: Option<NaiveDate>,
    /// «Замена»: who actually taught, instead of the load's teacher.
    pub substitute_teacher_id: Option<UserId>,
}

/// The topic recorded for one hour of a lesson (a paired lesson has one per hour).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonTopic {
    pub lesson_id: LessonId,
    /// 1 or 2.
    pub hour: u8,
    pub plan_topic_id: Option<TopicId>,
    pub title: String,
    pub work_type: WorkType,
    pub work_number: Option<u32>,
    /// Make-up (отработка) of a missed topic: the topic's original lesson.
    pub makeup_of: Option<LessonId>,
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Homework {
    pub lesson_id: LessonId,
    /// May be empty («не задано»), or «индивидуальные задания».
    pub text: String,
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

/// A journal cell: one student at one lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub lesson_id: LessonId,
    pub student_id: StudentId,
    pub value: CellValue,
    /// When the teacher entered it (device time), which the deadline and backdating rules use.
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Final {
    pub load_id: LoadId,
    pub period_id: PeriodId,
    pub student_id: StudentId,
    pub value: FinalValue,
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

/// A period closed for editing in one load after its finals were set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodLock {
    pub load_id: LoadId,
    pub period_id: PeriodId,
    pub locked_at: NaiveDateTime,
    pub locked_by: UserId,
}

/// «Замечания по ведению журнала» from a deputy or the control group to the teacher of a load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remark {
    pub id: uuid::Uuid,
    pub load_id: LoadId,
    pub author_id: UserId,
    pub created_at: NaiveDateTime,
    pub text: String,
    /// Set when the teacher marked it done («Устранено»).
    pub resolved_at: Option<NaiveDateTime>,
}
