//! Roles, actions and scopes; whether a role may do an action on a scope is one function,
//! [`crate::permissions::check`].

use serde::{Deserialize, Serialize};

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
    /// Write a message to a correspondent: a parent or a student to their teachers and curator (and
    /// back), staff to staff. Whom exactly is journal-protocol's `Snapshot::message_recipients`;
    /// the scope is the relation (a teacher's own load, a curator's group, a parent's child).
    WriteMessage,
    /// Send an announcement: the administration to the institution or a group, a curator to their
    /// group.
    SendAnnouncement,
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
    pub const ALL: [Action; 30] = [
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
        Action::WriteMessage,
        Action::SendAnnouncement,
    ];

    /// Whether the action only reads.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::ReadJournal | Action::ReadHomework | Action::ReadTopics | Action::ReadReports
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
    pub const ALL: [Scope; 5] = [
        Scope::OwnLoad,
        Scope::OwnGroup,
        Scope::OwnRecord,
        Scope::ChildRecord,
        Scope::Institution,
    ];
}
