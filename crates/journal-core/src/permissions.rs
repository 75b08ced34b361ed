//! Who may do what: one function of role × action × scope × policy, called by the app and the server.

use crate::{Action, Policy, Role, RuleError, Scope};

/// Allows or refuses `action` by `role` on something in `scope`.
pub fn check(role: Role, action: Action, scope: Scope, policy: &Policy) -> Result<(), RuleError> {
    if allowed(role, action, scope, policy) {
        Ok(())
    } else {
        Err(RuleError::Forbidden(format!(
            "{} не может {} ({})",
            role_name_ru(role),
            action_name_ru(action),
            scope_name_ru(scope)
        )))
    }
}

/// The permission table itself (see [`check`]).
pub fn allowed(role: Role, action: Action, scope: Scope, policy: &Policy) -> bool {
    use Action::*;
    use Role::*;
    let read_only = matches!(action, ReadJournal);
    let teacher_writes = matches!(
        action,
        EditCells | EditTopic | EditHomework | SetFinals | LockPeriod | PrintDocuments
    );
    match role {
        Teacher => match scope {
            Scope::OwnLoad => read_only || teacher_writes || action == RecordSubstitution,
            _ => false,
        },
        Curator => match scope {
            Scope::OwnLoad => read_only || teacher_writes || action == RecordSubstitution,
            Scope::OwnGroup => read_only || action == PrintDocuments,
            _ => false,
        },
        Director | Deputy | DepartmentHead => {
            read_only
                || matches!(action, WriteRemark | PrintDocuments)
                || (policy.deputy_records_substitutions && action == RecordSubstitution)
                || (policy.deputy_may_edit
                    && matches!(action, EditCells | EditTopic | EditHomework | SetFinals))
        }
        Admin => matches!(
            action,
            ManageYear | ManageUsers | Import | Backup | ReadJournal | PrintDocuments
        ),
        ControlGroup => read_only || action == WriteRemark,
        Inspector => read_only,
        SocialPedagogue | HrOfficer => false,
        Student => read_only && scope == Scope::OwnRecord,
        Parent => read_only && scope == Scope::ChildRecord,
    }
}

fn role_name_ru(role: Role) -> &'static str {
    match role {
        Role::Director => "директор",
        Role::Deputy => "заместитель директора",
        Role::DepartmentHead => "заведующий отделением",
        Role::Curator => "куратор",
        Role::Teacher => "преподаватель",
        Role::SocialPedagogue => "социальный педагог",
        Role::HrOfficer => "специалист отдела кадров",
        Role::Admin => "администратор",
        Role::Inspector => "проверяющий",
        Role::ControlGroup => "рабочая группа по контролю",
        Role::Student => "обучающийся",
        Role::Parent => "родитель",
    }
}

fn action_name_ru(action: Action) -> &'static str {
    match action {
        Action::ReadJournal => "просматривать журнал",
        Action::EditCells => "выставлять отметки и посещаемость",
        Action::EditTopic => "записывать тему урока",
        Action::EditHomework => "записывать домашнее задание",
        Action::SetFinals => "выставлять итоговые отметки",
        Action::LockPeriod => "закрывать период",
        Action::WriteRemark => "писать замечания по ведению журнала",
        Action::RecordSubstitution => "записывать замену",
        Action::ManageYear => "настраивать учебный год",
        Action::ManageUsers => "управлять пользователями",
        Action::Import => "импортировать данные",
        Action::Backup => "делать резервные копии",
        Action::PrintDocuments => "печатать документы",
    }
}

fn scope_name_ru(scope: Scope) -> &'static str {
    match scope {
        Scope::OwnLoad => "своя нагрузка",
        Scope::OwnGroup => "своя группа",
        Scope::OwnRecord => "свои данные",
        Scope::ChildRecord => "данные своего ребёнка",
        Scope::Institution => "всё учреждение",
    }
}
