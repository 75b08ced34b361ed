//! Roles, actions and scopes; whether a role may do an action on a scope is one function,
//! [`crate::permissions::check`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::RuleError;

/// The days a role is held (issue 11: role assignments are dated): from the first day to the last,
/// both included; an open end is `None`, so a grant recorded before dates existed is in force always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GrantTerm {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl GrantTerm {
    /// A term whose last day is not before its first; a reversed one is refused, not read as empty.
    pub fn new(from: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<Self, RuleError> {
        if let (Some(from), Some(until)) = (from, until) {
            if until < from {
                return Err(RuleError::GrantTermReversed { from, until });
            }
        }
        Ok(GrantTerm { from, until })
    }

    /// Whether the role is held on `on`: the server asks this with its today before any permission.
    pub fn in_force_on(&self, on: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= on) && self.until.is_none_or(|until| on <= until)
    }

    /// The same term ended with `last_day` as its last day in force (ending a role, not deleting it,
    /// so the audit and old journals still say who held it). An earlier end is kept: ending twice
    /// never extends a role.
    pub fn ended_on(self, last_day: NaiveDate) -> Result<Self, RuleError> {
        let until = match self.until {
            Some(until) if until <= last_day => until,
            _ => last_day,
        };
        GrantTerm::new(self.from, Some(until))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Director,
    /// Заместитель директора (по УР, УПР, УВР, НМР, ИТДО).
    Deputy,
    /// Заведующий отделением.
    DepartmentHead,
    /// Куратор / классный руководитель / мастер производственного обучения.
    Curator,
    Teacher,
    SocialPedagogue,
    HrOfficer,
    /// Технический администратор.
    Admin,
    /// Проверяющий (только чтение).
    Inspector,
    /// Рабочая группа по контролю ведения журнала (чтение + замечания).
    ControlGroup,
    Student,
    Parent,
}

/// What a user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ReadJournal,
    EditCells,
    EditTopic,
    EditHomework,
    SetFinals,
    LockPeriod,
    WriteRemark,
    RecordSubstitution,
    ManageYear,
    ManageUsers,
    Import,
    Backup,
    PrintDocuments,
    /// Mark a remark as dealt with («Устранено»).
    ResolveRemark,
    /// Reopen a period locked after its finals (an authorised correction).
    UnlockPeriod,
    /// Keep the group's list of students and their parents' data.
    EditStudentRoster,
    /// Give students and parents their diary logins.
    IssueDiaryLogins,
    /// See the homework in the diary (students and parents; staff see it as part of the journal).
    ReadHomework,
    /// See lesson topics in the diary (as above).
    ReadTopics,
    /// Keep the list of staff (отдел кадров).
    ManageStaffList,
    /// Export data to files (lists, reports).
    Export,
    /// Turn «н» into «б» or «п» once the reason of an absence is known (the curator does it for the
    /// group: 004 п. 4.2.4, 000 п. 3.5). The caller checks that the change is only that
    /// ([`crate::classify_change`] gives [`crate::EntryKind::AbsenceReason`]).
    SetAbsenceReason,
    /// Read the audit trail of the institution («протоколирование действий», 001): the
    /// administrator, and the director and deputies, who control the journal, read only.
    ReadAudit,
    /// Read the suggestions («Предложение») that users send to the administration, and mark them
    /// dealt with.
    ReadSuggestions,
    /// Keep students' individual plans (ИУП): the administrator, and the deputy, whose duty 001
    /// names «формирование списков лиц, обучающихся по индивидуальным учебным планам».
    KeepIndividualPlans,
    /// Read the control reports (journal-keeping control, timeliness, progress, attendance,
    /// programme, forecast) over what the scope covers: a teacher their loads, a curator their
    /// group, the administration and the control group the institution (001 п. 4.13, Приложение
    /// «Заместитель директора» п. 13; 004 п. 1.3).
    ReadReports,
    /// See which parents of a group have not opened the family diary lately (the group's curator,
    /// who answers for contact with the parents, and the administration).
    ReadDiaryViews,
    /// Announce events in the diary (собрания, экскурсии, мероприятия): the administration for
    /// the institution or any group, a curator for their group.
    PublishEvents,
    /// Read «Замечания по ведению журнала»: the teacher of the load, the curator of the group, the
    /// administration and the control group; a department head those of their department.
    ReadRemarks,
    /// Write a message to a correspondent: a parent or a student to their teachers and curator (and
    /// back), staff to staff. Whom exactly is journal-protocol's `Snapshot::message_recipients`;
    /// the scope is the relation (a teacher's own load, a curator's group, a parent's child).
    WriteMessage,
    /// Send an announcement: the administration to the institution or a group, a curator to their
    /// group.
    SendAnnouncement,
    /// Mark a group's year journal «проверен и принят» for the archive (001 п. 8.3: printed and
    /// handed to the archive after the deputy's check): the deputy and the director.
    AcceptJournal,
    /// Give (change the dates of, end) the administrator's role: the director, and the
    /// administrator (issue 11: «the director assigns the administrator»).
    AssignAdministrator,
    /// Give the administration's roles — director, deputy, HR officer, inspector, the control
    /// group: the director and the administrator, who enters the director's orders.
    AssignAdministration,
    /// Write a remark meant for a student's parents («замечания … родителям», acknowledged with
    /// «Ознакомлен»): the curator for their group's students, a teacher for the students of their
    /// loads (001 «Классный руководитель»: contact with the parents; 004 п. 4.3).
    WriteParentNote,
    /// Enter and correct the «Листок здоровья» of a group's students (группа здоровья, медицинская
    /// группа для занятий физической культурой, рекомендации): the curator for their group, from
    /// the social pedagogue's paper sheet (001 п. 4.12), and the administrator.
    KeepHealthSheet,
    /// Read the «Листок здоровья»: the curator of the group, the teachers of the student's loads (a
    /// PE teacher needs the medical group), the administration; a parent their own child's.
    ReadHealthSheet,
    /// Submit the КТП of a load (001 п. 3.1.4, 003 п. 5.2.3, 004 п. 3.2.4: the teacher enters the
    /// тематическое планирование): the load's teacher.
    SubmitPlan,
    /// Approve a teacher's КТП where the policy asks for approval (`Policy::plan_approval`): the
    /// deputy and the director, for the institution.
    ApprovePlan,
    /// Keep the schedule of control works (график контрольных работ, ВТК) with their form and
    /// criteria: the deputy, who makes the «сводный график» (001 «Заместитель директора» п. 6), the
    /// director, and the administrator, who enters it (001 «Администратор» п. 5).
    ScheduleControlWorks,
}

/// On what: the user's relation to the thing acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// A load the user teaches (or substitutes in).
    OwnLoad,
    /// The group the user is curator of.
    OwnGroup,
    /// The user's own record (student).
    OwnRecord,
    /// The user's child (parent).
    ChildRecord,
    /// Anything else in the institution.
    Institution,
    /// A load taught by a teacher of the department (ПЦК/МО, отделение) the user heads.
    Department,
}

impl Role {
    /// Every role, for tables and tests.
    pub const ALL: [Role; 12] = [
        Role::Director,
        Role::Deputy,
        Role::DepartmentHead,
        Role::Curator,
        Role::Teacher,
        Role::SocialPedagogue,
        Role::HrOfficer,
        Role::Admin,
        Role::Inspector,
        Role::ControlGroup,
        Role::Student,
        Role::Parent,
    ];
}

impl Action {
    /// Every action, for tables and tests.
    pub const ALL: [Action; 40] = [
        Action::ReadJournal,
        Action::EditCells,
        Action::EditTopic,
        Action::EditHomework,
        Action::SetFinals,
        Action::LockPeriod,
        Action::WriteRemark,
        Action::RecordSubstitution,
        Action::ManageYear,
        Action::ManageUsers,
        Action::Import,
        Action::Backup,
        Action::PrintDocuments,
        Action::ResolveRemark,
        Action::UnlockPeriod,
        Action::EditStudentRoster,
        Action::IssueDiaryLogins,
        Action::ReadHomework,
        Action::ReadTopics,
        Action::ManageStaffList,
        Action::Export,
        Action::SetAbsenceReason,
        Action::ReadAudit,
        Action::ReadSuggestions,
        Action::KeepIndividualPlans,
        Action::ReadReports,
        Action::ReadDiaryViews,
        Action::PublishEvents,
        Action::ReadRemarks,
        Action::WriteMessage,
        Action::SendAnnouncement,
        Action::AcceptJournal,
        Action::AssignAdministrator,
        Action::AssignAdministration,
        Action::WriteParentNote,
        Action::KeepHealthSheet,
        Action::ReadHealthSheet,
        Action::SubmitPlan,
        Action::ApprovePlan,
        Action::ScheduleControlWorks,
    ];

    /// Whether the action only reads.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::ReadJournal
                | Action::ReadHomework
                | Action::ReadTopics
                | Action::ReadReports
                | Action::ReadRemarks
                | Action::ReadHealthSheet
        )
    }

    /// Whether the action writes journal content (cells, topics, homework, finals, locks).
    pub fn edits_journal(self) -> bool {
        matches!(
            self,
            Action::EditCells
                | Action::EditTopic
                | Action::EditHomework
                | Action::SetFinals
                | Action::LockPeriod
                | Action::UnlockPeriod
        )
    }
}

impl Scope {
    /// Every scope, for tables and tests.
    pub const ALL: [Scope; 6] = [
        Scope::OwnLoad,
        Scope::OwnGroup,
        Scope::OwnRecord,
        Scope::ChildRecord,
        Scope::Institution,
        Scope::Department,
    ];
}

#[cfg(test)]
mod term_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a valid test date")
    }

    #[test]
    fn an_undated_grant_is_in_force_on_every_day() {
        let term = GrantTerm::default();
        assert!(
            term.in_force_on(d(2000, 1, 1)),
            "old data without dates keeps its roles"
        );
        assert!(term.in_force_on(d(2099, 12, 31)));
    }

    #[test]
    fn both_ends_are_days_in_force() {
        let term = GrantTerm::new(Some(d(2026, 9, 1)), Some(d(2026, 12, 31))).expect("ordered");
        assert!(
            !term.in_force_on(d(2026, 8, 31)),
            "the day before the first is not in force"
        );
        assert!(term.in_force_on(d(2026, 9, 1)), "the first day is in force");
        assert!(
            term.in_force_on(d(2026, 12, 31)),
            "the last day is in force"
        );
        assert!(
            !term.in_force_on(d(2027, 1, 1)),
            "the day after the last is not in force"
        );
    }

    #[test]
    fn an_open_end_holds_on_its_side() {
        let from_only = GrantTerm::new(Some(d(2026, 9, 1)), None).expect("open end");
        assert!(!from_only.in_force_on(d(2026, 8, 31)));
        assert!(from_only.in_force_on(d(2030, 6, 30)));
        let until_only = GrantTerm::new(None, Some(d(2026, 5, 31))).expect("open start");
        assert!(until_only.in_force_on(d(2020, 1, 1)));
        assert!(!until_only.in_force_on(d(2026, 6, 1)));
    }

    #[test]
    fn a_reversed_term_is_refused_with_its_code() {
        let err = GrantTerm::new(Some(d(2026, 9, 2)), Some(d(2026, 9, 1)))
            .expect_err("the last day before the first is refused");
        assert_eq!(err.code(), "grant_term_reversed");
        assert!(
            err.to_string().contains("01.09.2026") && err.to_string().contains("02.09.2026"),
            "the message names both dates as people write them: {err}"
        );
        let one_day = GrantTerm::new(Some(d(2026, 9, 1)), Some(d(2026, 9, 1)));
        assert!(
            one_day.is_ok(),
            "a one-day role (a substitute deputy) is allowed"
        );
    }

    #[test]
    fn ending_keeps_the_earlier_end_and_refuses_an_end_before_the_start() {
        let term = GrantTerm::new(Some(d(2026, 9, 1)), None).expect("open end");
        let ended = term
            .ended_on(d(2027, 1, 15))
            .expect("an end after the start");
        assert_eq!(ended.until, Some(d(2027, 1, 15)));
        assert!(!ended.in_force_on(d(2027, 1, 16)));
        let again = ended.ended_on(d(2027, 6, 30)).expect("ending again");
        assert_eq!(
            again.until,
            Some(d(2027, 1, 15)),
            "ending twice never extends a role"
        );
        let before = term
            .ended_on(d(2026, 8, 1))
            .expect_err("an end before the start");
        assert_eq!(before.code(), "grant_term_reversed");
    }
}
