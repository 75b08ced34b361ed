//! What the use cases return to the UI and the CLI: plain, serialisable views with display-ready
//! Russian labels. Every type here derives `ts_rs::TS`; the TypeScript twins are generated into
//! `ui/src/bindings/` by this crate's tests (never written by hand).
//!
//! Ids are typed in Rust and plain strings (UUIDs) in TypeScript.

use chrono::{NaiveDate, NaiveDateTime};
use journal_core::{LessonId, LoadId, PeriodId, StudentId, TopicId, UserId};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Kind of work done at a lesson (вид занятия) — the UI's twin of `journal_core::WorkType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WorkType {
    Lesson,
    Lecture,
    Practical,
    Laboratory,
    Control,
    Written,
    Seminar,
    Test,
    Independent,
}

impl From<journal_core::WorkType> for WorkType {
    fn from(w: journal_core::WorkType) -> Self {
        use journal_core::WorkType as C;
        match w {
            C::Lesson => WorkType::Lesson,
            C::Lecture => WorkType::Lecture,
            C::Practical => WorkType::Practical,
            C::Laboratory => WorkType::Laboratory,
            C::Control => WorkType::Control,
            C::Written => WorkType::Written,
            C::Seminar => WorkType::Seminar,
            C::Test => WorkType::Test,
            C::Independent => WorkType::Independent,
        }
    }
}

impl From<WorkType> for journal_core::WorkType {
    fn from(w: WorkType) -> Self {
        use journal_core::WorkType as C;
        match w {
            WorkType::Lesson => C::Lesson,
            WorkType::Lecture => C::Lecture,
            WorkType::Practical => C::Practical,
            WorkType::Laboratory => C::Laboratory,
            WorkType::Control => C::Control,
            WorkType::Written => C::Written,
            WorkType::Seminar => C::Seminar,
            WorkType::Test => C::Test,
            WorkType::Independent => C::Independent,
        }
    }
}

impl WorkType {
    pub const ALL: [WorkType; 9] = [
        WorkType::Lesson,
        WorkType::Lecture,
        WorkType::Practical,
        WorkType::Laboratory,
        WorkType::Control,
        WorkType::Written,
        WorkType::Seminar,
        WorkType::Test,
        WorkType::Independent,
    ];

    pub fn name_ru(self) -> &'static str {
        journal_core::WorkType::from(self).name_ru()
    }

    /// The snake_case code, as on the wire and in the CLI (`--work-type control`).
    pub fn code(self) -> &'static str {
        match self {
            WorkType::Lesson => "lesson",
            WorkType::Lecture => "lecture",
            WorkType::Practical => "practical",
            WorkType::Laboratory => "laboratory",
            WorkType::Control => "control",
            WorkType::Written => "written",
            WorkType::Seminar => "seminar",
            WorkType::Test => "test",
            WorkType::Independent => "independent",
        }
    }

    /// Accepts the code or the Russian name (any case): "control", "Контрольная работа".
    pub fn parse(s: &str) -> Option<WorkType> {
        let s = s.trim().to_lowercase();
        WorkType::ALL
            .into_iter()
            .find(|w| w.code() == s || w.name_ru().to_lowercase() == s)
    }
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UserInfo {
    #[ts(type = "string")]
    pub id: UserId,
    pub login: String,
    pub full_name: String,
    /// Role codes (snake_case, as journal_core::Role serialises).
    pub roles: Vec<String>,
}

/// A lesson's state in the timetable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LessonState {
    Scheduled,
    /// Перенесён.
    Postponed,
    Cancelled,
}

/// «Замена»: who teaches this lesson instead of the load's teacher.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Substitution {
    /// Full name of the teacher who actually teaches.
    pub substitute_name: String,
    /// Full name of the load's teacher who is replaced.
    pub replaced_name: String,
    /// True when the signed-in user is the substitute.
    pub by_me: bool,
}

/// What a teacher still has to fill in for a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DutyKind {
    /// Attendance and marks of the lesson (same day; control work 3 days; written work 7 days).
    Marks,
    /// The lesson's topic (each hour of a paired lesson).
    Topic,
    /// Homework, within 1.5 h after the lesson.
    Homework,
    /// Period finals, in the period's last week.
    Finals,
}

/// A deadline status as journal_core::deadlines computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    NotDue,
    Pending,
    DoneInTime,
    DoneLate,
    Overdue,
}

/// One duty of a lesson with its deadline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Duty {
    pub kind: DutyKind,
    /// «Отметки и посещаемость», «Тема урока», «Домашнее задание».
    pub label_ru: String,
    pub done: bool,
    pub state: DeadlineState,
    /// «Ожидает заполнения», «Просрочено», … (journal_core's label).
    pub state_ru: String,
    /// Last moment to fill it in time, when it is still open.
    pub due: Option<NaiveDateTime>,
}

/// A lesson in a list (today's lessons).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LessonSummary {
    #[ts(type = "string")]
    pub id: LessonId,
    #[ts(type = "string")]
    pub load_id: LoadId,
    pub date: NaiveDate,
    /// Lesson (or pair) number in the bell schedule.
    pub bell_number: u8,
    /// Start and end from the bell schedule.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// 2 for a paired lesson.
    pub hours: u8,
    pub group_name: String,
    pub subgroup_name: Option<String>,
    pub subject_name: String,
    pub room: Option<String>,
    pub state: LessonState,
    pub moved_to: Option<NaiveDate>,
    pub substitution: Option<Substitution>,
    /// Why the lesson was not held (state `cancelled`).
    pub change_reason: Option<String>,
    /// The signed-in user may record a change of this lesson (the «Изменение урока» dialog).
    pub may_change: bool,
    /// Topic titles recorded so far (one per hour).
    pub topics: Vec<String>,
    pub homework: Option<String>,
    /// Students on the list for this lesson and how many cells are filled.
    pub student_count: u32,
    pub filled_cells: u32,
    pub duties: Vec<Duty>,
    /// Number of duties not done yet.
    pub missing: u32,
    /// The lesson's period is closed for editing in this load.
    pub locked: bool,
    /// The scheduled control work of the lesson's day: «ВТК: Контрольный срез знаний».
    pub control_work: Option<String>,
}

/// A journal cell as shown and edited.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CellView {
    /// As printed in the journal: «5», «н», «н 4», «5/4»; "" when empty.
    pub symbol: String,
    /// The marks in the cell (a double mark gives two).
    pub marks: Vec<u8>,
    /// «н», «б» or «п» when the student was absent.
    pub absence: Option<String>,
    pub entered_at: Option<NaiveDateTime>,
}

/// One student's line in a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RosterRow {
    /// Number in the list (1-based, alphabetical as in the paper journal).
    pub number: u32,
    #[ts(type = "string")]
    pub student_id: StudentId,
    pub full_name: String,
    /// Individual curriculum (ИУП).
    pub individual_plan: bool,
    pub cell: CellView,
}

/// A topic recorded for one hour of a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TopicView {
    pub hour: u8,
    #[ts(type = "string | null")]
    pub plan_topic_id: Option<TopicId>,
    pub title: String,
    pub work_type: WorkType,
    pub work_type_ru: String,
    pub work_number: Option<u32>,
    /// Make-up (отработка) of the topic of this earlier lesson.
    #[ts(type = "string | null")]
    pub makeup_of: Option<LessonId>,
    pub entered_at: NaiveDateTime,
}

/// A topic of the КТП.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PlanTopicView {
    #[ts(type = "string")]
    pub id: TopicId,
    pub ordinal: u32,
    pub title: String,
    pub hours: u8,
    pub work_type: WorkType,
    pub work_type_ru: String,
    pub work_number: Option<u32>,
    /// Already recorded at some lesson of the load.
    pub given: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HomeworkView {
    pub text: String,
    pub entered_at: NaiveDateTime,
}

/// A period of the academic year.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PeriodView {
    #[ts(type = "string")]
    pub id: PeriodId,
    pub name: String,
    pub ordinal: u8,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Everything the lesson screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LessonDetail {
    pub summary: LessonSummary,
    pub period: Option<PeriodView>,
    pub students: Vec<RosterRow>,
    pub topics: Vec<TopicView>,
    pub homework: Option<HomeworkView>,
    /// The next КТП topic of the load not given yet — pre-suggested as this lesson's topic.
    pub suggested_topic: Option<PlanTopicView>,
    /// The whole КТП of the load (for the searchable list).
    pub plan: Vec<PlanTopicView>,
    /// A double mark like 5/4 is allowed in this subject.
    pub double_mark_allowed: bool,
    /// Why the signed-in user cannot edit this lesson now (None = editable).
    pub read_only_reason: Option<crate::ApiError>,
    /// The lesson's period was locked and is open again for a correction.
    pub reopened: Option<ReopeningView>,
    /// The work of the schedule of control works written at this lesson, with its criteria.
    pub control_work: Option<ControlWorkLine>,
}

/// A scheduled control work (ВТК or the administration's) as the lesson shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ControlWorkLine {
    /// «Контрольный срез знаний».
    pub form_name: String,
    /// «Входной контроль».
    pub title: String,
    /// Part of the ВТК.
    pub vtk: bool,
    /// «„5“ — от 18, „4“ — от 14, „3“ — от 10 баллов из 20»; None: no criteria, points are not
    /// taken.
    pub criteria: Option<String>,
}

/// A teaching load: a subject of a group (or subgroup) taught by a teacher.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LoadSummary {
    #[ts(type = "string")]
    pub id: LoadId,
    #[ts(type = "string")]
    pub group_id: journal_core::GroupId,
    pub group_name: String,
    pub subgroup_name: Option<String>,
    pub subject_name: String,
    #[ts(type = "string")]
    pub teacher_id: UserId,
    pub teacher_name: String,
    /// Hours by the curriculum for the year, and hours given so far (lessons with a topic).
    pub planned_hours: u32,
    pub given_hours: u32,
    /// The signed-in user teaches it (and may edit it).
    pub own: bool,
    /// The профессиональный модуль of an МДК or a practice: its pages are in the module's journal.
    #[ts(type = "string | null")]
    pub module_id: Option<journal_core::SubjectId>,
    pub module_name: Option<String>,
}

/// A group's «Сводная ведомость» of a профессиональный модуль (journal-protocol's
/// `module_summary`, each value as printed): the МДК and practices' finals, the квалификационный
/// экзамен and «ВПД освоен/не освоен».
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModuleSummaryView {
    #[ts(type = "string")]
    pub group_id: journal_core::GroupId,
    pub group_name: String,
    #[ts(type = "string")]
    pub module_id: journal_core::SubjectId,
    pub module_name: String,
    /// «МДК.01.01, 1 семестр», «МДК.01.01, 1 семестр, экзамен», …
    pub columns: Vec<String>,
    pub rows: Vec<ModuleSummaryRowView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModuleSummaryRowView {
    pub number: u32,
    pub full_name: String,
    /// One per column; empty where none is given.
    pub finals: Vec<String>,
    pub qualifying_exam: String,
    /// «ВПД освоен», «ВПД не освоен» or empty.
    pub mastered: String,
}

/// A group the user sees.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GroupSummary {
    #[ts(type = "string")]
    pub id: journal_core::GroupId,
    pub name: String,
    pub course: u8,
    pub specialty: String,
    pub curator_name: Option<String>,
    /// Students on the lists of the user's loads in this group in the current period.
    pub student_count: u32,
    /// The user's loads in this group.
    pub loads: Vec<LoadSummary>,
}

/// A column of the grid: one lesson.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GridColumn {
    #[ts(type = "string")]
    pub lesson_id: LessonId,
    pub date: NaiveDate,
    pub hours: u8,
    pub topic: Option<String>,
    pub work_type: Option<WorkType>,
    pub homework: Option<String>,
    /// The work of the schedule of control works written at this lesson.
    pub control_work: Option<ControlWorkLine>,
}

/// One student's line of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GridRow {
    pub number: u32,
    #[ts(type = "string")]
    pub student_id: StudentId,
    pub full_name: String,
    /// Individual curriculum (ИУП).
    pub individual_plan: bool,
    /// One per column: the cell's symbol ("" when empty), or null where the student was not in the
    /// group (subgroup) on that date.
    pub cells: Vec<Option<String>>,
    /// Average of the marks in the period, when there are any.
    pub average: Option<f64>,
    /// The period final as shown: «5», «зачёт», «незачёт», «н/а», «отсрочка».
    pub final_value: Option<String>,
    /// The final journal_core suggests from the period's marks.
    pub suggested_final: Option<String>,
    /// The exam's mark, where the page has the exam's column.
    pub exam_value: Option<String>,
    /// The year final, where the page has the year's column.
    pub year_value: Option<String>,
    /// The year final journal_core suggests from the period finals.
    pub suggested_year: Option<String>,
}

/// The journal page of a load for a period: students × dates, finals, lock state.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Grid {
    pub load: LoadSummary,
    pub period: PeriodView,
    pub periods: Vec<PeriodView>,
    pub columns: Vec<GridColumn>,
    pub rows: Vec<GridRow>,
    pub locked: bool,
    pub locked_at: Option<NaiveDateTime>,
    pub double_mark_allowed: bool,
    /// The finals of the period and their deadline (the period's last week).
    pub finals_deadline: Duty,
    /// The period was locked and is open again for a correction (who, when, why).
    pub reopened: Option<ReopeningView>,
    /// The signed-in user may reopen this locked period for a correction (a deputy where the
    /// policy lets deputies edit); the reason is asked when they do.
    pub can_reopen: bool,
    /// The final that completes the list closes the period (the policy's «lock after finals»).
    pub locks_after_finals: bool,
    /// The first day finals are taken, where the policy keeps them to the period's last days.
    pub finals_open_from: Option<NaiveDate>,
    /// The exam's column, where the учебный план ends this period with one: its heading
    /// («Экзамен», «Квалификационный экзамен»).
    pub exam_column: Option<String>,
    /// The year's column («Год»): the year's last period where the policy keeps year finals.
    pub year_column: bool,
}

/// A locked period reopened for a correction by a deputy: shown on the grid and the lesson.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReopeningView {
    pub reason: String,
    pub reopened_at: NaiveDateTime,
    /// The full name of who reopened it («администрация» when this copy does not know them).
    pub reopened_by: String,
}

/// «Замечание по ведению журнала» from a deputy or the control group on one of the user's loads.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RemarkView {
    #[ts(type = "string")]
    pub id: uuid::Uuid,
    #[ts(type = "string")]
    pub load_id: LoadId,
    pub group_name: String,
    pub subject_name: String,
    pub author_name: String,
    pub created_at: NaiveDateTime,
    pub text: String,
    /// When the teacher marked it «Устранено».
    pub resolved_at: Option<NaiveDateTime>,
    /// Dealing with it is due within a week (journal_core::deadlines::remark_status).
    pub state: DeadlineState,
    pub state_ru: String,
    pub due: Option<NaiveDateTime>,
    /// written, fixed, confirmed, returned (journal-protocol `RemarkStatus`).
    pub status: String,
    /// «открыто», «устранено», «устранение подтверждено», «возвращено».
    pub status_ru: String,
    /// «Срок устранения».
    pub deadline: NaiveDate,
    /// Open past its deadline.
    pub overdue: bool,
    pub lesson_date: Option<NaiveDate>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    /// The teacher's answer and the author's comment on returning or confirming.
    pub answer: Option<String>,
    pub decision_comment: Option<String>,
    /// Every step: «дата — кто — статус — текст».
    pub history: Vec<String>,
    /// The user may answer it now (their load, open); a curator reads only.
    pub may_answer: bool,
}

/// A conflict or refusal the server answered for one of the user's edits, kept until resolved.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ConflictView {
    #[ts(type = "number")]
    pub id: i64,
    pub op_id: String,
    /// The journal field concerned, e.g. "cell:<lesson>:<student>".
    pub target: String,
    #[ts(type = "unknown")]
    pub local_value: serde_json::Value,
    #[ts(type = "unknown")]
    pub server_value: Option<serde_json::Value>,
    pub code: String,
    pub message: String,
    pub open: bool,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

/// The state of the local copy.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Status {
    pub user: UserInfo,
    pub institution_name: String,
    pub device_id: String,
    /// Edits not yet accepted by the server.
    pub pending_ops: u64,
    pub conflicts: u64,
    /// Last successful sync, on the institution's clock (as every time the teacher sees); None =
    /// never.
    pub last_sync: Option<NaiveDateTime>,
    /// Result of the last contact with the server: true = answered, false = unreachable,
    /// None = not tried since this copy was opened.
    pub online: Option<bool>,
    /// The server this copy syncs with (None for the demo copy).
    pub server_url: Option<String>,
    /// The device's outbox chain verifies.
    pub outbox_intact: bool,
    /// Every page of the copy's file reads back (SQLite's quick check; SQLCipher checks each
    /// page's HMAC): false means the copy is damaged. None: not checked — reading every page is
    /// for [`crate::Journal::status_checked`] (`journal status`), not for the header's polling.
    pub copy_intact: Option<bool>,
    pub store_path: String,
}

/// A change of a lesson as the teacher or deputy asks for it (the app's «Изменение урока» dialog,
/// `journal lesson-change`): the postponement's new lesson is made by [`crate::Journal`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum LessonChangeRequest {
    /// «Замена»: this teacher teaches the lesson.
    Substitute {
        #[ts(type = "string")]
        teacher_id: UserId,
    },
    NoSubstitute,
    /// «Перенос» to a date and bell.
    Postpone {
        #[ts(type = "string")]
        to: NaiveDate,
        bell_number: u8,
    },
    /// «Урок не проведён», with the reason.
    NotHeld {
        reason: String,
    },
    /// Back in the timetable.
    Restore,
}

/// A group whose day a user may look at («Посещаемость группы»).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GroupChoice {
    #[ts(type = "string")]
    pub id: journal_core::GroupId,
    pub name: String,
    /// The user is its curator.
    pub curated: bool,
}

/// One day of a group: its lessons and each student's cell in them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GroupDay {
    #[ts(type = "string")]
    pub group_id: journal_core::GroupId,
    pub group_name: String,
    pub date: NaiveDate,
    pub lessons: Vec<GroupDayLesson>,
    pub rows: Vec<GroupDayRow>,
    /// The user may give absences their reason here (the group's curator; the administration
    /// where the policy lets it).
    pub may_set_reasons: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GroupDayLesson {
    #[ts(type = "string")]
    pub id: LessonId,
    pub bell_number: u8,
    pub subject_name: String,
    pub subgroup_name: Option<String>,
    /// Who teaches it (the substitute, for a substitution).
    pub teacher_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GroupDayRow {
    #[ts(type = "string")]
    pub student_id: StudentId,
    pub full_name: String,
    /// The cell in each lesson, as typed («н», «б 4», ""); null: not on that lesson's list.
    pub cells: Vec<Option<String>>,
    /// «н» without a reason that day.
    pub unexcused: u32,
}

/// A user to choose (a substitute in the «Замена» dialog).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UserChoice {
    #[ts(type = "string")]
    pub id: UserId,
    pub full_name: String,
}

/// What a write returns: the outbox op it became.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EditReceipt {
    pub op_id: String,
    pub device_seq: u64,
    /// The entry time recorded for the edit (deadlines and no-backdating use it).
    pub entered_at: NaiveDateTime,
}

/// A topic to record for one hour of a lesson: a КТП topic, or free text checked by the rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct TopicInput {
    /// 1, or 2 for the second hour of a paired lesson; default 1.
    pub hour: Option<u8>,
    /// A topic of the load's КТП; its title, work type and number are taken unless given here.
    #[ts(type = "string | null")]
    pub plan_topic_id: Option<TopicId>,
    pub title: Option<String>,
    pub work_type: Option<WorkType>,
    pub work_number: Option<u32>,
    /// Make-up (отработка) of the topic missed at this lesson.
    #[ts(type = "string | null")]
    pub makeup_of: Option<LessonId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_type_twin_round_trips_every_variant() {
        for w in WorkType::ALL {
            let core: journal_core::WorkType = w.into();
            assert_eq!(WorkType::from(core), w, "the UI twin maps back to itself");
            assert_eq!(
                serde_json::to_value(w).ok(),
                serde_json::to_value(core).ok(),
                "the twin serialises exactly like the core type"
            );
        }
    }

    #[test]
    fn work_type_parses_code_and_russian_name() {
        assert_eq!(WorkType::parse("control"), Some(WorkType::Control));
        assert_eq!(
            WorkType::parse("Контрольная работа"),
            Some(WorkType::Control),
            "the Russian name is accepted"
        );
        assert_eq!(WorkType::parse("что-то"), None, "unknown names are refused");
    }
}

/// What one sync (or bundle push/import) did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SyncReportDto {
    /// Ops the server answered.
    pub pushed: u64,
    pub applied: u64,
    /// Ops the server already had (a resent batch after a lost reply).
    pub duplicates: u64,
    /// Ops refused or in conflict: each is a row in the conflicts list.
    pub refused: u64,
    /// Changes pulled from the server.
    pub pulled: u64,
    /// Pulled changes written into the local copy (the others are shadowed by pending edits or
    /// concern rows this copy does not hold).
    pub written: u64,
    /// Edits still waiting for the server after this sync.
    pub pending: u64,
    pub open_conflicts: u64,
}

/// A document to print from the local copy (the UI's print dialog and `journal print` send one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrintDocument {
    /// The whole-year journal of a group (archive copy).
    YearJournal {
        #[ts(type = "string")]
        group_id: journal_core::GroupId,
        /// Printed on both sides of the sheet (mirror margins, sheets = ⌈pages/2⌉).
        #[serde(default)]
        double_sided: bool,
    },
    /// One load's pages for a period.
    SubjectPeriod {
        #[ts(type = "string")]
        load_id: LoadId,
        #[ts(type = "string")]
        period_id: PeriodId,
    },
    /// One load's pages for a calendar month.
    SubjectMonth {
        #[ts(type = "string")]
        load_id: LoadId,
        year: i32,
        month: u32,
    },
    /// One load's pages between two dates (inclusive).
    SubjectRange {
        #[ts(type = "string")]
        load_id: LoadId,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// «Сводная ведомость итоговых оценок» of a group.
    FinalsSheet {
        #[ts(type = "string")]
        group_id: journal_core::GroupId,
    },
    /// «Журнал учета обучения по профессиональному модулю» of a group: its МДК and practices' pages
    /// and the module's «Сводная ведомость».
    ModuleJournal {
        #[ts(type = "string")]
        group_id: journal_core::GroupId,
        #[ts(type = "string")]
        module_id: journal_core::SubjectId,
    },
    /// «Выписка» of one student's marks and attendance for a period.
    Extract {
        #[ts(type = "string")]
        student_id: StudentId,
        #[ts(type = "string")]
        period_id: PeriodId,
    },
    /// The signed-in teacher's lessons of a day with empty cells (for an outage).
    OutagePages { date: NaiveDate },
    /// A control report over the loads this copy may print (a teacher: their own), from the local
    /// copy, offline: progress, attendance, timeliness… for a period or the year.
    Report {
        /// journal-reports' kind: control, timeliness, progress, attendance, marks_count, …
        #[ts(type = "string")]
        report: journal_reports::ReportKind,
        #[ts(type = "string | null")]
        #[serde(default)]
        period_id: Option<PeriodId>,
    },
}

impl PrintDocument {
    /// The document a printed PDF's stamp names. Outage pages of another teacher are refused:
    /// this copy cannot tell what they should show.
    pub fn from_request(
        req: &journal_print::PrintRequest,
        me: UserId,
    ) -> Result<PrintDocument, crate::ApiError> {
        use journal_print::PrintRequest as R;
        Ok(match *req {
            R::YearJournal {
                group_id,
                double_sided,
            } => PrintDocument::YearJournal {
                group_id,
                double_sided,
            },
            R::SubjectPages { load_id, from, to } => {
                PrintDocument::SubjectRange { load_id, from, to }
            }
            R::FinalsSheet { group_id } => PrintDocument::FinalsSheet { group_id },
            R::ModuleJournal {
                group_id,
                module_id,
            } => PrintDocument::ModuleJournal {
                group_id,
                module_id,
            },
            R::Extract {
                student_id,
                period_id,
            } => PrintDocument::Extract {
                student_id,
                period_id,
            },
            R::OutagePages { teacher_id, date } if teacher_id == me => {
                PrintDocument::OutagePages { date }
            }
            R::Report { report, ref filter } if filter.teacher_id == Some(me) => {
                PrintDocument::Report {
                    report,
                    period_id: filter.period_id,
                }
            }
            R::Report { .. } => {
                return Err(crate::ApiError::new(
                    "print_report_on_server",
                    "Распечатку отчёта сверяет с журналом сервер учреждения",
                ))
            }
            R::OutagePages { .. } => {
                return Err(crate::ApiError::new(
                    "print_other_teacher",
                    "Листы на время сбоя напечатаны для другого преподавателя: проверить их может он сам",
                ))
            }
        })
    }

    /// What the document is, in Russian (for messages and file dialogs).
    pub fn title_ru(&self) -> &'static str {
        match self {
            PrintDocument::YearJournal { .. } => "Журнал учебной группы за год",
            PrintDocument::SubjectPeriod { .. }
            | PrintDocument::SubjectMonth { .. }
            | PrintDocument::SubjectRange { .. } => "Страницы журнала по предмету",
            PrintDocument::FinalsSheet { .. } => "Сводная ведомость итоговых оценок",
            PrintDocument::ModuleJournal { .. } => {
                "Журнал учета обучения по профессиональному модулю"
            }
            PrintDocument::Extract { .. } => "Выписка из журнала",
            PrintDocument::OutagePages { .. } => "Листы учёта занятий на время сбоя",
            PrintDocument::Report { report, .. } => report.title_ru(),
        }
    }
}

/// A report of the user's own loads computed from the local copy, to read on screen: the same
/// figures and tables as its PDF, each value as printed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportView {
    pub title: String,
    /// The regulation point the report implements.
    pub regulation: String,
    /// The filter in words («Преподаватель: …; Период: 1 семестр; 01.09.2026 — 31.12.2026»).
    pub subject_line: String,
    /// When it was computed (the institution's local time).
    pub generated_at: NaiveDateTime,
    pub figures: Vec<ReportFigureView>,
    pub tables: Vec<ReportTableView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportFigureView {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportTableView {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column: whether every value is a number (shown right-aligned).
    pub numeric: Vec<bool>,
}

impl From<journal_reports::Report> for ReportView {
    fn from(r: journal_reports::Report) -> ReportView {
        use journal_reports::Value;
        ReportView {
            title: r.title,
            regulation: r.regulation,
            subject_line: r.subject_line,
            generated_at: r.generated_at,
            figures: r
                .figures
                .into_iter()
                .map(|f| ReportFigureView {
                    name: f.name,
                    value: f.value.text(),
                })
                .collect(),
            tables: r
                .tables
                .into_iter()
                .map(|t| ReportTableView {
                    numeric: (0..t.columns.len())
                        .map(|i| {
                            t.rows
                                .iter()
                                .all(|row| !matches!(row.get(i), Some(Value::Text(_))))
                        })
                        .collect(),
                    rows: t
                        .rows
                        .iter()
                        .map(|row| row.iter().map(Value::text).collect())
                        .collect(),
                    title: t.title,
                    columns: t.columns,
                })
                .collect(),
        }
    }
}

/// A document printed into a file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PrintedFile {
    /// «Журнал учебной группы за год», «Выписка из журнала»…
    pub title: String,
    pub path: String,
    pub pages: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Whether a printed document still shows what the local copy holds.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VerifyReportDto {
    pub document_id: uuid::Uuid,
    pub document: PrintDocument,
    pub title: String,
    /// When the document was printed (local time of the printing device).
    pub generated_at: NaiveDateTime,
    pub printed_pages: u32,
    pub current_pages: u32,
    /// Printed pages (1-based) whose content no longer matches the journal.
    pub changed_pages: Vec<u32>,
    pub matches: bool,
    /// «Документ соответствует журналу» or which pages changed.
    pub message: String,
}

impl VerifyReportDto {
    pub fn new(r: &journal_print::VerifyReport, document: PrintDocument) -> VerifyReportDto {
        let matches = r.matches();
        let changed: Vec<u32> = r.changed_pages.iter().map(|&p| p as u32).collect();
        let message = if matches {
            "Документ соответствует журналу".to_string()
        } else if changed.is_empty() {
            format!(
                "Документ не соответствует журналу: напечатано страниц {}, сейчас их {}",
                r.printed_pages, r.current_pages
            )
        } else {
            let list: Vec<String> = changed.iter().map(|p| p.to_string()).collect();
            format!(
                "Документ не соответствует журналу: изменились страницы {}",
                list.join(", ")
            )
        };
        VerifyReportDto {
            document_id: r.document_id,
            title: document.title_ru().to_string(),
            document,
            generated_at: r.generated_at,
            printed_pages: r.printed_pages as u32,
            current_pages: r.current_pages as u32,
            changed_pages: changed,
            matches,
            message,
        }
    }
}

/// What became of a suggestion («Предложение») written in the app.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SuggestionReceipt {
    /// The server took it (and every other one waiting).
    pub sent: bool,
    /// Suggestions still waiting in this copy: the next sync sends them.
    pub waiting: u32,
}

/// Whom to ask about the journal: the institution's support contact, as the server keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SupportView {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
}

/// What became of a message («Сообщения») written in the app.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MessageReceipt {
    /// The server took it (and every other one waiting).
    pub sent: bool,
    /// Messages still waiting in this copy: the next sync sends them.
    pub waiting: u32,
    /// Messages the server refused for good (e.g. the addressee no longer teaches the group): with
    /// the server's words; they are not kept.
    pub refused: Vec<String>,
}

/// A thread in the app's «Сообщения», as the server lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MessageThread {
    #[ts(type = "string")]
    pub id: uuid::Uuid,
    /// "message", "correction_request" or "announcement".
    pub kind: String,
    pub subject: String,
    /// The correspondent's name or the announcement's audience.
    pub with: String,
    pub unread: u32,
    #[ts(type = "string")]
    pub last_at: chrono::DateTime<chrono::Utc>,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ThreadMessage {
    pub author: String,
    /// Written by the signed-in user.
    pub mine: bool,
    pub body: String,
    #[ts(type = "string")]
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A thread opened in the app (reading marks it read on the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ThreadDetail {
    #[ts(type = "string")]
    pub id: uuid::Uuid,
    pub subject: String,
    pub with: String,
    pub messages: Vec<ThreadMessage>,
    pub may_reply: bool,
}

/// Someone the signed-in user may write to, in the server's words («Куратор группы ИС-21»).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MessageRecipient {
    #[ts(type = "string")]
    pub user_id: uuid::Uuid,
    pub full_name: String,
    pub role: String,
}

/// The app's «Сообщения»: the threads and the unread total (online), and what waits to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MessagesView {
    pub threads: Vec<MessageThread>,
    pub unread: u32,
    pub waiting: u32,
}

/// What the sign-in did with a damaged local copy (see `Journal::rescue_report`): the file was set
/// aside, a fresh copy came from the server, and the unsent edits still readable went into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RescueReport {
    /// Why the copy was found damaged.
    pub damage: String,
    /// The damaged file's new name beside the copy (kept, never deleted).
    pub kept_as: String,
    /// Unsent edits read from the damaged copy and kept: taken by the server at the sign-in, or
    /// waiting in the new copy's outbox for the next sync (under their own op ids).
    pub rescued: u64,
    /// Of them, those waiting in the new copy's outbox.
    pub queued: u64,
    /// Read, but refused by the server on their merits (with its reason).
    pub refused: Vec<LostEdit>,
    /// Unsent edits that could not be read (what is known of each).
    pub lost: Vec<LostEdit>,
}

/// An unsent edit of a damaged copy that could not be rescued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LostEdit {
    /// Its number in the device's sequence.
    pub device_seq: u64,
    /// What is known of it, in Russian: the number, and the kind and entry time when its row was
    /// read (its signature did not verify).
    pub description: String,
}

/// A student a teacher may write a note to the parents about: one of their loads' students.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NoteStudent {
    #[ts(type = "string")]
    pub id: uuid::Uuid,
    pub full_name: String,
    pub group_name: String,
}

/// A parent's «Ознакомлен» with a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NoteAcknowledgementView {
    pub parent_name: String,
    /// In the institution's time, with its offset (RFC 3339).
    #[ts(type = "string")]
    pub at: chrono::DateTime<chrono::FixedOffset>,
}

/// Where a note written by the teacher stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoteState {
    /// The server has it: the parents see it in the diary.
    Sent,
    /// Kept in this copy; the next sync sends it.
    Waiting,
    /// The server refused it for good (`refusal` says why); kept until the teacher dismisses it.
    Refused,
}

/// A note to parents («Замечания родителям») as the teacher's app lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ParentNoteEntry {
    /// The server's id of a sent note.
    #[ts(type = "string | null")]
    pub id: Option<uuid::Uuid>,
    /// This copy's id of a waiting or refused note (to dismiss a refused one).
    #[ts(type = "number | null")]
    pub local_id: Option<i64>,
    #[ts(type = "string")]
    pub student_id: uuid::Uuid,
    pub student: String,
    pub text: String,
    /// When it was written: the server's time of a sent note, the device's of a kept one.
    pub written_at: String,
    pub state: NoteState,
    pub acknowledgements: Vec<NoteAcknowledgementView>,
    /// The server's words for a refused note.
    pub refusal: Option<String>,
}

/// The app's «Замечания родителям»: the notes the teacher wrote (from the server when online) and
/// those kept in this copy, and the students they may write about.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ParentNotesView {
    pub notes: Vec<ParentNoteEntry>,
    /// Why the sent notes could not be read (offline): then only the kept ones are listed.
    pub unreachable: Option<String>,
    pub students: Vec<NoteStudent>,
}

/// What became of a note to parents written in the app.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ParentNoteReceipt {
    /// The server took it (and every other one waiting).
    pub sent: bool,
    /// Notes still waiting in this copy: the next sync sends them.
    pub waiting: u32,
    /// Notes the server refused for good, with its words (they stay listed as refused).
    pub refused: Vec<String>,
}
