//! Roles, actions and scopes; whether a role may do an action on a scope is one function (see rules).

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
