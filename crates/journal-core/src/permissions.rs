//! Who may do what: one function of role × action × scope × policy, called by the app (to show or hide
//! a control) and by the server (to accept or reject an op), so the two cannot differ.
//!
//! The table, with the regulation points it follows:
//! * teacher — reads and writes only own loads (000 п. 3.6, 002 п. 7.7: «просматривать и фиксировать
//!   сведения … только в тех группах и по тем дисциплинам …, в которых преподает»); a substitute
//!   teacher's lesson is in their scope (004 п. 4.2.1); records the substitution with the entry
//!   (001 «Преподаватель» п. 8); sets finals and closes the period (п. 5); deals with remarks (004
//!   п. 4.2.1 «Еженедельно устранять замечания»);
//! * curator (классный руководитель, мастер п/о) — as a teacher for own loads; own group read-only
//!   (001 «Классный руководитель» п. 5: «просматривая журнал своей группы по всем предметам без права
//!   редактирования»); keeps the group's list (п. 6–7, 004 п. 4.3); prints extracts for parents (п. 2);
//!   issues diary logins where the policy says so (001 п. 3.2.1, 002 п. 6.3, 003 п. 4.2.2, 004 п. 3.1.2);
//!   records the reasons of absences in the group (004 п. 4.2.4 «Отражать … на странице
//!   «Посещаемость»», 000 п. 3.5: parents tell the group's leader the reason);
//! * deputy, director, department head — read everything (001 п. 3.1.5), write «Замечания по ведению
//!   журнала» (001 п. 4.13), print (000 п. 3.3); edit and reopen periods only where the policy lets
//!   deputies edit (001 Приложение, заместитель п. 9, 16; default view only — 000 п. 3.3, 002 п. 7.4);
//!   record substitutions where the policy says so (001 заместитель п. 4); the department head issues
//!   diary logins where the policy says so (000 п. 2.3); deputies export (001 заместитель п. 16);
//! * administrator — year, users, import/export, backups, lists, logins (000 п. 3.1–3.2, 002 п. 7.2–7.3,
//!   001 «Заместитель директора по ИТДО» п. 1–5, 003 п. 5.2.1); reads the journal (in 001 and 003 the
//!   administrator is a deputy director), never writes it; records substitutions where the policy
//!   lets the administration do so (001 п. 4.11: «ответственным за организацию бесперебойного
//!   функционирования электронного журнала»);
//! * administrator and director read the suggestions («Предложение») that any signed-in user sends
//!   to the administration (the regulations are silent; sending needs no right);
//! * HR officer — the staff list (003 п. 5.2.2); social pedagogue — no access (001 п. 4.12: the
//!   «Листок здоровья» goes on paper to the curator, who enters it: the curator and the
//!   administrator keep it, the teachers of the student's loads, the administration and the
//!   parent of the child read it);
//! * inspector — read only (001 п. 1.9 «проверяющие»); control working group — read and remarks
//!   (004 п. 1.3, 4.2.2);
//! * student / parent — own / own child's marks, attendance and timetable, read only (000 п. 2.7–2.8,
//!   002 п. 6.6–6.7, 003 п. 4.4–4.5, 004 п. 4.3 «только просмотр»); homework and topics where the
//!   policy shows them (001 п. 3.2.2, 004 п. 3.1.1).

use crate::policy::DiaryLoginIssuer;
use crate::{Action, GroupId, Policy, Role, RuleError, Scope, UserId};

/// Allows or refuses `action` by `role` on something in `scope`.
pub fn check(role: Role, action: Action, scope: Scope, policy: &Policy) -> Result<(), RuleError> {
    if allowed(role, action, scope, policy) {
        Ok(())
    } else {
        Err(RuleError::Forbidden(format!(
            "роль «{}» не может {} ({})",
            role_name_ru(role),
            action_name_ru(action),
            scope_name_ru(scope)
        )))
    }
}

/// Whether any of a user's roles allows the action (a curator is usually also a teacher; in 003 the
/// administrator is a deputy).
pub fn check_any(
    roles: &[Role],
    action: Action,
    scope: Scope,
    policy: &Policy,
) -> Result<(), RuleError> {
    if roles.iter().any(|&r| allowed(r, action, scope, policy)) {
        Ok(())
    } else {
        Err(RuleError::Forbidden(format!(
            "ни одна из ролей пользователя не позволяет {} ({})",
            action_name_ru(action),
            scope_name_ru(scope)
        )))
    }
}

/// The scope of a lesson for a user: their own load's lesson, or one they taught as the recorded
/// substitute (004 п. 4.2.1: «преподаватель …, замещающий коллегу, заполняет электронный журнал»);
/// anything else is the institution's.
pub fn lesson_scope(user: UserId, load_teacher: UserId, substitute: Option<UserId>) -> Scope {
    if substitute.map_or(user == load_teacher, |s| s == user) {
        Scope::OwnLoad
    } else {
        Scope::Institution
    }
}

/// The scope of a load for the user holding a grant of `role` (a curator's grant names
/// `grant_group`): their own load — or, for a lesson's entries (`lesson_substitute` given: the
/// lesson's recorded substitute, if any), the lesson they teach by [`lesson_scope`] —, else the
/// curated group's, else the institution's. The app and the server both ask this one function.
pub fn scope_for(
    user: UserId,
    role: Role,
    grant_group: Option<GroupId>,
    load_teacher: UserId,
    load_group: GroupId,
    lesson_substitute: Option<Option<UserId>>,
) -> Scope {
    let own = match lesson_substitute {
        Some(substitute) => lesson_scope(user, load_teacher, substitute),
        None if load_teacher == user => Scope::OwnLoad,
        None => Scope::Institution,
    };
    if own == Scope::OwnLoad {
        Scope::OwnLoad
    } else if role == Role::Curator && grant_group == Some(load_group) {
        Scope::OwnGroup
    } else {
        Scope::Institution
    }
}

/// The author of a lesson's entries is its teacher — the load's, or the recorded substitute. A
/// teacher who is neither must first record the substitution (001 «Преподаватель» п. 8: «факт замены
/// должен отражаться в момент внесения учетной записи»). Once a substitute is recorded, the load's
/// own teacher no longer writes that lesson.
pub fn check_lesson_author(
    author: UserId,
    load_teacher: UserId,
    substitute: Option<UserId>,
) -> Result<(), RuleError> {
    match substitute {
        None if author != load_teacher => Err(RuleError::SubstitutionNotRecorded),
        Some(s) if s != author => Err(RuleError::Forbidden(
            "урок провёл замещающий преподаватель, записи вносит он".into(),
        )),
        _ => Ok(()),
    }
}

/// The actions a role may do in a scope (for menus and for the permission table in the docs).
pub fn allowed_actions(role: Role, scope: Scope, policy: &Policy) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|&a| allowed(role, a, scope, policy))
        .collect()
}

/// The right whose holder gives (changes the dates of, ends) a grant of `role` (issue 11:
/// «the curator issues their group's student and parent logins, HR keeps the staff list, the
/// director assigns the administrator»): staff roles are the staff list's, students' and parents'
/// are diary logins, the administration's are the director's orders.
pub fn granting_action(role: Role) -> Action {
    match role {
        Role::Teacher | Role::Curator | Role::DepartmentHead | Role::SocialPedagogue => {
            Action::ManageStaffList
        }
        Role::Student | Role::Parent => Action::IssueDiaryLogins,
        Role::Admin => Action::AssignAdministrator,
        Role::Director | Role::Deputy | Role::HrOfficer | Role::Inspector | Role::ControlGroup => {
            Action::AssignAdministration
        }
    }
}

/// Whether a user may give (change the dates of, end) a grant of `role` today. `granter` is each
/// of the user's roles in force today with the scope the grant's object is in for that role: a
/// curator's group is `OwnGroup` for the curator of that group, everything else `Institution`.
/// Nobody gives a role above their own: a deputy neither an administrator nor a director, a
/// curator only their group's students' and parents' logins, HR only the staff roles. The server's
/// user routes (create, grants, deactivate, password) ask this for every grant they touch.
pub fn check_grant(
    granter: &[(Role, Scope)],
    role: Role,
    policy: &Policy,
) -> Result<(), RuleError> {
    let action = granting_action(role);
    if granter
        .iter()
        .any(|&(held, scope)| allowed(held, action, scope, policy))
    {
        return Ok(());
    }
    let who = match action {
        Action::ManageStaffList => "администратор или отдел кадров",
        Action::IssueDiaryLogins => match policy.diary_logins_issued_by {
            DiaryLoginIssuer::Curator => "администратор или куратор группы этого обучающегося",
            DiaryLoginIssuer::DepartmentHead => "администратор или заведующий отделением",
        },
        _ => "директор или администратор",
    };
    Err(RuleError::GrantNotAllowed(format!(
        "Роль «{}» назначает {who}",
        role_name_ru(role)
    )))
}

/// The permission table itself (see the module doc and [`check`]).
pub fn allowed(role: Role, action: Action, scope: Scope, policy: &Policy) -> bool {
    use Action::*;
    let own_load_work = matches!(
        action,
        ReadJournal
            | ReadHomework
            | ReadTopics
            | EditCells
            | EditTopic
            | EditHomework
            | SetFinals
            | LockPeriod
            | RecordSubstitution
            | PrintDocuments
            | ResolveRemark
            | SetAbsenceReason
            | ReadReports
            | ReadRemarks
    );
    // Correspondence is not journal work: its own table, by the relation the scope names.
    match action {
        WriteMessage => {
            return match role {
                Role::Student => scope == Scope::OwnRecord,
                Role::Parent => scope == Scope::ChildRecord,
                Role::Teacher => matches!(scope, Scope::OwnLoad | Scope::Institution),
                Role::Curator => {
                    matches!(scope, Scope::OwnLoad | Scope::OwnGroup | Scope::Institution)
                }
                // 001 п. 4.12: the social pedagogue works on paper; the inspector is from outside.
                Role::SocialPedagogue | Role::Inspector => false,
                _ => scope == Scope::Institution,
            };
        }
        SendAnnouncement => {
            return match role {
                Role::Admin | Role::Director | Role::Deputy => {
                    matches!(scope, Scope::OwnGroup | Scope::Institution)
                }
                Role::Curator => scope == Scope::OwnGroup,
                _ => false,
            };
        }
        // The check before the archive is the administration's own (001 п. 8.3), for the whole
        // institution.
        AcceptJournal => {
            return matches!(role, Role::Deputy | Role::Director) && scope == Scope::Institution;
        }
        // A remark to the parents is the curator's for the group and the teacher's for their own
        // load's students; nobody writes to the parents of a student they neither teach nor curate.
        SubmitPlan => return role == Role::Teacher && scope == Scope::OwnLoad,
        ScheduleControlWorks => {
            return matches!(role, Role::Deputy | Role::Director | Role::Admin)
                && scope == Scope::Institution;
        }
        ApprovePlan => {
            return matches!(role, Role::Deputy | Role::Director) && scope == Scope::Institution;
        }
        WriteParentNote => {
            return match role {
                Role::Teacher => scope == Scope::OwnLoad,
                Role::Curator => matches!(scope, Scope::OwnLoad | Scope::OwnGroup),
                _ => false,
            };
        }
        // Health data (a special category of personal data) is shown only to those who need it for
        // the student's lessons and care: not to inspectors, the control group or the student's
        // classmates' families; entered by the curator from the paper sheet and the administrator.
        KeepHealthSheet => {
            return match role {
                Role::Curator => scope == Scope::OwnGroup,
                Role::Admin => true,
                _ => false,
            };
        }
        ReadHealthSheet => {
            return match role {
                Role::Teacher => scope == Scope::OwnLoad,
                Role::Curator => matches!(scope, Scope::OwnLoad | Scope::OwnGroup),
                Role::Admin | Role::Director | Role::Deputy | Role::DepartmentHead => true,
                Role::Parent => scope == Scope::ChildRecord,
                _ => false,
            };
        }
        _ => {}
    }
    let reads = action.is_read();
    let supervisor = || {
        reads
            || matches!(action, WriteRemark | PrintDocuments)
            || (policy.deputy_may_edit
                && matches!(
                    action,
                    EditCells | EditTopic | EditHomework | SetFinals | LockPeriod | UnlockPeriod
                ))
            || (policy.deputy_records_substitutions && action == RecordSubstitution)
    };
    match role {
        Role::Teacher => scope == Scope::OwnLoad && own_load_work,
        Role::Curator => match scope {
            Scope::OwnLoad => own_load_work,
            Scope::OwnGroup => {
                reads
                    || matches!(
                        action,
                        EditStudentRoster
                            | PrintDocuments
                            | SetAbsenceReason
                            | ReadDiaryViews
                            | PublishEvents
                    )
                    || (action == IssueDiaryLogins
                        && policy.diary_logins_issued_by == DiaryLoginIssuer::Curator)
            }
            _ => false,
        },
        Role::Director => {
            supervisor()
                || matches!(
                    action,
                    Export
                        | ReadAudit
                        | ReadSuggestions
                        | ReadDiaryViews
                        | PublishEvents
                        | AssignAdministrator
                        | AssignAdministration
                )
        }
        Role::Deputy => {
            supervisor()
                || matches!(
                    action,
                    Export
                        | ReadAudit
                        | ReadDiaryViews
                        | KeepIndividualPlans
                        | PublishEvents
                        | EditStudentRoster
                )
        }
        // Reads the institution, but writes remarks only on their department's teachers' loads
        // (the administration's control split by ПЦК/МО: a head controls their own teachers).
        Role::DepartmentHead => {
            (supervisor()
                && (!matches!(action, WriteRemark | ReadRemarks | ReadReports)
                    || scope == Scope::Department))
                || (action == IssueDiaryLogins
                    && policy.diary_logins_issued_by == DiaryLoginIssuer::DepartmentHead)
        }
        Role::Admin => {
            matches!(
                action,
                ManageYear
                    | ManageUsers
                    | Import
                    | Export
                    | Backup
                    | ReadAudit
                    | EditStudentRoster
                    | KeepIndividualPlans
                    | IssueDiaryLogins
                    | ManageStaffList
                    | ReadJournal
                    | ReadHomework
                    | ReadTopics
                    | PrintDocuments
                    | ReadSuggestions
                    | ReadReports
                    | ReadDiaryViews
                    | PublishEvents
                    | AssignAdministrator
                    | AssignAdministration
            ) || (policy.deputy_records_substitutions && action == RecordSubstitution)
        }
        Role::HrOfficer => action == ManageStaffList,
        Role::SocialPedagogue => false,
        Role::Inspector => reads,
        Role::ControlGroup => reads || action == WriteRemark,
        Role::Student => scope == Scope::OwnRecord && diary_read(action, policy),
        Role::Parent => scope == Scope::ChildRecord && diary_read(action, policy),
    }
}

/// What the diary of a student or a parent shows.
fn diary_read(action: Action, policy: &Policy) -> bool {
    match action {
        Action::ReadJournal => true,
        Action::ReadHomework => policy.diary_shows_homework,
        Action::ReadTopics => policy.diary_shows_topics,
        _ => false,
    }
}

/// The role as the regulations name it (menus, refusals, the audit).
pub fn role_name_ru(role: Role) -> &'static str {
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
        Action::ReadRemarks => "читать замечания по ведению журнала",
        Action::RecordSubstitution => "записывать замену",
        Action::ManageYear => "настраивать учебный год",
        Action::ManageUsers => "управлять пользователями",
        Action::Import => "импортировать данные",
        Action::Backup => "делать резервные копии",
        Action::PrintDocuments => "печатать документы",
        Action::ResolveRemark => "отмечать устранение замечаний",
        Action::UnlockPeriod => "открывать закрытый период",
        Action::EditStudentRoster => "вести списки обучающихся",
        Action::IssueDiaryLogins => "выдавать доступ к электронному дневнику",
        Action::ReadHomework => "просматривать домашние задания",
        Action::ReadTopics => "просматривать темы уроков",
        Action::ManageStaffList => "вести список сотрудников",
        Action::Export => "выгружать данные",
        Action::SetAbsenceReason => "указывать причину отсутствия",
        Action::ReadAudit => "просматривать журнал действий",
        Action::ReadSuggestions => "читать предложения пользователей",
        Action::KeepIndividualPlans => "вести индивидуальные учебные планы",
        Action::ReadReports => "просматривать отчёты",
        Action::ReadDiaryViews => "видеть, кто из родителей не открывал дневник",
        Action::PublishEvents => "объявлять события в дневнике",
        Action::WriteMessage => "писать сообщения",
        Action::SendAnnouncement => "отправлять объявления",
        Action::AcceptJournal => "принимать журнал после проверки для сдачи в архив",
        Action::AssignAdministrator => "назначать администратора",
        Action::AssignAdministration => {
            "назначать директора, заместителей, отдел кадров и проверяющих"
        }
        Action::WriteParentNote => "писать замечания родителям",
        Action::KeepHealthSheet => "заполнять «Листок здоровья»",
        Action::ReadHealthSheet => "просматривать «Листок здоровья»",
        Action::SubmitPlan => "вносить календарно-тематический план своей нагрузки",
        Action::ApprovePlan => "утверждать календарно-тематические планы преподавателей",
        Action::ScheduleControlWorks => "составлять график контрольных работ",
    }
}

fn scope_name_ru(scope: Scope) -> &'static str {
    match scope {
        Scope::OwnLoad => "своя нагрузка",
        Scope::OwnGroup => "своя группа",
        Scope::OwnRecord => "свои данные",
        Scope::ChildRecord => "данные своего ребёнка",
        Scope::Institution => "всё учреждение",
        Scope::Department => "преподаватели своего отделения",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(role: Role, action: Action, scope: Scope, policy: &Policy) -> bool {
        check(role, action, scope, policy).is_ok()
    }

    /// Who may give whom (issue 11 item 3), every pair of roles: the administrator any role; the
    /// director the administration's roles and the administrator, not the staff list; HR the staff
    /// roles only; the curator their group's students' and parents' logins (the default policy);
    /// nobody else anything.
    #[test]
    fn who_gives_which_role_for_every_pair() {
        let p = Policy::default();
        let staff = [
            Role::Teacher,
            Role::Curator,
            Role::DepartmentHead,
            Role::SocialPedagogue,
        ];
        let administration = [
            Role::Director,
            Role::Deputy,
            Role::HrOfficer,
            Role::Inspector,
            Role::ControlGroup,
        ];
        let family = [Role::Student, Role::Parent];
        for granter in Role::ALL {
            for role in Role::ALL {
                for scope in [Scope::Institution, Scope::OwnGroup] {
                    let expected = match granter {
                        Role::Admin => true,
                        Role::Director => administration.contains(&role) || role == Role::Admin,
                        Role::HrOfficer => staff.contains(&role),
                        Role::Curator => family.contains(&role) && scope == Scope::OwnGroup,
                        _ => false,
                    };
                    let answer = check_grant(&[(granter, scope)], role, &p);
                    assert_eq!(
                        answer.is_ok(),
                        expected,
                        "{granter:?} giving {role:?} in {scope:?}: {answer:?}"
                    );
                    if let Err(e) = answer {
                        assert_eq!(e.code(), "grant_not_allowed");
                        assert!(
                            e.to_string().contains(role_name_ru(role)),
                            "the refusal names the role: {e}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn nobody_gives_a_role_above_their_own() {
        let p = Policy::default();
        for high in [Role::Admin, Role::Director] {
            assert!(
                check_grant(&[(Role::Deputy, Scope::Institution)], high, &p).is_err(),
                "a deputy does not make {high:?}"
            );
            assert!(
                check_grant(&[(Role::HrOfficer, Scope::Institution)], high, &p).is_err(),
                "HR does not make {high:?}"
            );
        }
        assert!(
            check_grant(&[(Role::Curator, Scope::Institution)], Role::Student, &p).is_err(),
            "a curator does not give another group's student a login"
        );
        assert!(
            check_grant(&[(Role::Curator, Scope::OwnGroup)], Role::Teacher, &p).is_err(),
            "a curator does not make teachers"
        );
        // A user with several roles: one that allows is enough.
        assert!(check_grant(
            &[
                (Role::Teacher, Scope::Institution),
                (Role::Curator, Scope::OwnGroup)
            ],
            Role::Parent,
            &p
        )
        .is_ok());
        // Where the policy gives diary logins to the department head, the curator gives none.
        let by_head = Policy {
            diary_logins_issued_by: DiaryLoginIssuer::DepartmentHead,
            ..Policy::default()
        };
        assert!(check_grant(&[(Role::Curator, Scope::OwnGroup)], Role::Student, &by_head).is_err());
        assert!(check_grant(
            &[(Role::DepartmentHead, Scope::Institution)],
            Role::Student,
            &by_head
        )
        .is_ok());
        let refusal = check_grant(&[(Role::Curator, Scope::OwnGroup)], Role::Student, &by_head)
            .expect_err("refused");
        assert!(
            refusal.to_string().contains("заведующий отделением"),
            "the refusal says who gives it: {refusal}"
        );
    }

    #[test]
    fn a_department_head_reads_the_reports_of_their_department_only() {
        let p = Policy::default();
        assert!(
            ok(
                Role::DepartmentHead,
                Action::ReadReports,
                Scope::Department,
                &p
            ) && !ok(
                Role::DepartmentHead,
                Action::ReadReports,
                Scope::Institution,
                &p
            ),
            "issue 14: «a department head their department»"
        );
        assert!(
            ok(Role::Deputy, Action::ReadReports, Scope::Institution, &p),
            "the deputy reads every report"
        );
    }

    #[test]
    fn only_the_deputy_and_the_director_accept_a_journal_for_the_archive() {
        let p = Policy::default();
        for r in Role::ALL {
            let expected = matches!(r, Role::Deputy | Role::Director);
            assert_eq!(
                ok(r, Action::AcceptJournal, Scope::Institution, &p),
                expected,
                "{r:?} accepts the year journal: 001 п. 8.3, the deputy's check"
            );
            assert!(
                !ok(r, Action::AcceptJournal, Scope::OwnGroup, &p),
                "{r:?}: acceptance is for the institution, not a group of one's own"
            );
        }
    }

    #[test]
    fn a_department_head_writes_remarks_only_for_their_department() {
        let p = Policy::default();
        assert!(
            ok(
                Role::DepartmentHead,
                Action::WriteRemark,
                Scope::Department,
                &p
            ),
            "a department head controls the teachers of their department"
        );
        assert!(
            !ok(
                Role::DepartmentHead,
                Action::WriteRemark,
                Scope::Institution,
                &p
            ),
            "another department's teacher is not theirs to write remarks to"
        );
        assert!(
            ok(
                Role::DepartmentHead,
                Action::ReadJournal,
                Scope::Institution,
                &p
            ),
            "001 п. 3.1.5: they still read the whole journal"
        );
        for r in [Role::Deputy, Role::Director, Role::ControlGroup] {
            assert!(
                ok(r, Action::WriteRemark, Scope::Institution, &p),
                "{r:?} writes remarks to anyone"
            );
        }
        assert!(
            !ok(Role::Teacher, Action::WriteRemark, Scope::OwnLoad, &p),
            "a teacher answers remarks, does not write them"
        );
        assert!(
            !ok(
                Role::DepartmentHead,
                Action::ReadRemarks,
                Scope::Institution,
                &p
            ) && ok(
                Role::DepartmentHead,
                Action::ReadRemarks,
                Scope::Department,
                &p
            ),
            "a department head reads the remarks of their department"
        );
        assert!(
            ok(Role::Curator, Action::ReadRemarks, Scope::OwnGroup, &p)
                && ok(Role::Teacher, Action::ReadRemarks, Scope::OwnLoad, &p),
            "the teacher and the group's curator read the load's remarks"
        );
    }

    #[test]
    fn diary_views_are_seen_by_the_curator_of_the_group_and_the_administration() {
        // 004 п. 4.3 and 001 «Классный руководитель»: the curator keeps contact with the parents;
        // the director, deputies and the administrator control the diary's use.
        let p = Policy::default();
        for role in Role::ALL {
            for scope in Scope::ALL {
                let expected = match role {
                    Role::Curator => scope == Scope::OwnGroup,
                    Role::Director | Role::Deputy | Role::Admin => true,
                    _ => false,
                };
                assert_eq!(
                    ok(role, Action::ReadDiaryViews, scope, &p),
                    expected,
                    "{role:?} reading the diary views in {scope:?}"
                );
            }
        }
    }

    #[test]
    fn audit_trail_is_read_by_the_administrator_and_the_directorate_only() {
        // 001: «Должно быть предусмотрено протоколирование действий»; the administrator keeps the
        // system, the director and deputies control the journal; nobody else reads who did what.
        let p = Policy::default();
        for role in Role::ALL {
            let expected = matches!(role, Role::Admin | Role::Director | Role::Deputy);
            assert_eq!(
                ok(role, Action::ReadAudit, Scope::Institution, &p),
                expected,
                "{role:?} reading the audit trail"
            );
        }
    }

    #[test]
    fn teacher_works_only_in_own_loads() {
        // 000 п. 3.6: «просматривать и фиксировать сведения … только в тех группах и по тем
        // дисциплинам …, в которых преподает».
        let p = Policy::default();
        for a in [
            Action::ReadJournal,
            Action::EditCells,
            Action::EditTopic,
            Action::EditHomework,
            Action::SetFinals,
            Action::LockPeriod,
        ] {
            assert!(
                ok(Role::Teacher, a, Scope::OwnLoad, &p),
                "000 п. 3.6: teacher may {a:?} in own load"
            );
            for s in [Scope::OwnGroup, Scope::Institution] {
                assert!(
                    !ok(Role::Teacher, a, s, &p),
                    "000 п. 3.6: teacher may not {a:?} in {s:?}"
                );
            }
        }
        assert!(
            !ok(Role::Teacher, Action::UnlockPeriod, Scope::OwnLoad, &p),
            "001 «Преподаватель» п. 5: no editing after finals — the teacher cannot reopen"
        );
        let e =
            check(Role::Teacher, Action::EditCells, Scope::Institution, &p).expect_err("refused");
        assert_eq!(e.code(), "forbidden", "refusal code");
        assert!(
            e.to_string().contains("преподаватель"),
            "Russian message names the role: {e}"
        );
    }

    #[test]
    fn curator_reads_own_group_without_editing() {
        // 001 «Классный руководитель» п. 5: «просматривая журнал своей группы по всем предметам без
        // права редактирования».
        let p = Policy::default();
        assert!(
            ok(Role::Curator, Action::ReadJournal, Scope::OwnGroup, &p),
            "001 п. 5: curator reads own group"
        );
        assert!(
            !ok(Role::Curator, Action::EditCells, Scope::OwnGroup, &p),
            "001 п. 5: «без права редактирования»"
        );
        assert!(
            !ok(Role::Curator, Action::ReadJournal, Scope::Institution, &p),
            "curator reads only own group"
        );
        assert!(
            ok(
                Role::Curator,
                Action::EditStudentRoster,
                Scope::OwnGroup,
                &p
            ),
            "001 п. 6: curator keeps the list"
        );
        assert!(
            ok(Role::Curator, Action::IssueDiaryLogins, Scope::OwnGroup, &p),
            "001 п. 3.2.1: logins via the curator"
        );
        let dept = Policy {
            diary_logins_issued_by: DiaryLoginIssuer::DepartmentHead,
            ..Policy::default()
        };
        assert!(
            !ok(
                Role::Curator,
                Action::IssueDiaryLogins,
                Scope::OwnGroup,
                &dept
            ),
            "000 п. 2.3: not the curator there"
        );
        assert!(
            ok(
                Role::DepartmentHead,
                Action::IssueDiaryLogins,
                Scope::Institution,
                &dept
            ),
            "000 п. 2.3: the department head"
        );
    }

    #[test]
    fn deputies_read_all_and_write_remarks_edit_only_by_policy() {
        // 001 п. 4.13: results of control «отражаются на странице «Замечания по ведению классного журнала»»;
        // 000 п. 3.3: «просматривать журналы … без права редактирования».
        let p = Policy::default();
        for r in [Role::Deputy, Role::DepartmentHead, Role::Director] {
            assert!(
                ok(r, Action::ReadJournal, Scope::Institution, &p),
                "001 п. 3.1.5: {r:?} reads all"
            );
            assert!(
                ok(r, Action::WriteRemark, Scope::Department, &p),
                "001 п. 4.13: {r:?} writes remarks"
            );
            assert!(
                !ok(r, Action::EditCells, Scope::Institution, &p),
                "000 п. 3.3: {r:?} has no edit right by default"
            );
            assert!(
                !ok(r, Action::RecordSubstitution, Scope::Institution, &p),
                "substitutions only by policy"
            );
        }
        let lenient = Policy {
            deputy_may_edit: true,
            deputy_records_substitutions: true,
            ..Policy::default()
        };
        assert!(
            ok(
                Role::Deputy,
                Action::EditCells,
                Scope::Institution,
                &lenient
            ),
            "001 заместитель п. 16: edit by policy"
        );
        assert!(
            ok(
                Role::Deputy,
                Action::RecordSubstitution,
                Scope::Institution,
                &lenient
            ),
            "001 заместитель п. 4"
        );
    }

    #[test]
    fn admin_inspector_control_group_students_parents() {
        let p = Policy::default();
        // 000 п. 3.1: the administrator creates logins, imports and exports, keeps user accounts.
        for a in [
            Action::ManageYear,
            Action::ManageUsers,
            Action::Import,
            Action::Export,
            Action::Backup,
        ] {
            assert!(
                ok(Role::Admin, a, Scope::Institution, &p),
                "000 п. 3.1: admin may {a:?}"
            );
        }
        assert!(
            !ok(Role::Admin, Action::EditCells, Scope::Institution, &p),
            "admin never writes the journal"
        );
        // 001 п. 1.9: «проверяющие» are users, read only.
        assert!(
            ok(Role::Inspector, Action::ReadJournal, Scope::Institution, &p),
            "001 п. 1.9: inspector reads"
        );
        assert!(
            !ok(Role::Inspector, Action::WriteRemark, Scope::Institution, &p),
            "inspector only reads"
        );
        // 004 п. 1.3: the working group controls the journal.
        assert!(
            ok(
                Role::ControlGroup,
                Action::WriteRemark,
                Scope::Institution,
                &p
            ),
            "004 п. 1.3: control group remarks"
        );
        // 000 п. 2.7–2.8: own / own child's progress, attendance and timetable only.
        assert!(
            ok(Role::Student, Action::ReadJournal, Scope::OwnRecord, &p),
            "000 п. 2.7: student reads own record"
        );
        assert!(
            !ok(Role::Student, Action::ReadJournal, Scope::ChildRecord, &p),
            "000 п. 2.7: only own"
        );
        assert!(
            ok(Role::Parent, Action::ReadJournal, Scope::ChildRecord, &p),
            "000 п. 2.8: parent reads child's"
        );
        assert!(
            !ok(Role::Parent, Action::ReadHomework, Scope::ChildRecord, &p),
            "000 п. 2.7: no homework by default"
        );
        let diary = Policy {
            diary_shows_homework: true,
            diary_shows_topics: true,
            ..Policy::default()
        };
        assert!(
            ok(
                Role::Parent,
                Action::ReadHomework,
                Scope::ChildRecord,
                &diary
            ),
            "001 п. 3.2.2: homework by policy"
        );
        assert!(
            ok(Role::Student, Action::ReadTopics, Scope::OwnRecord, &diary),
            "004 п. 3.1.1: topics by policy"
        );
        assert!(
            check_any(
                &[Role::Teacher, Role::Curator],
                Action::ReadJournal,
                Scope::OwnGroup,
                &p
            )
            .is_ok(),
            "a curator who also teaches reads the group through the curator role"
        );
        assert!(
            check_any(&[], Action::ReadJournal, Scope::OwnGroup, &p).is_err(),
            "no role, no access"
        );
        assert_eq!(
            allowed_actions(Role::SocialPedagogue, Scope::Institution, &p),
            vec![],
            "001 п. 4.12: the social pedagogue works on paper"
        );
    }

    #[test]
    fn substitute_writes_the_lesson_they_taught() {
        // 004 п. 4.2.1: «В случае болезни педагогического работника преподаватель …, замещающий коллегу,
        // заполняет электронный журнал»; 001 «Преподаватель» п. 8: «факт замены должен отражаться в
        // момент внесения учетной записи».
        let id = |n: u128| UserId(uuid::Uuid::from_u128(n));
        let (owner, sub, other) = (id(1), id(2), id(3));
        assert_eq!(lesson_scope(owner, owner, None), Scope::OwnLoad, "own load");
        assert_eq!(
            lesson_scope(sub, owner, Some(sub)),
            Scope::OwnLoad,
            "004 п. 4.2.1: the substitute's lesson"
        );
        assert_eq!(
            lesson_scope(owner, owner, Some(sub)),
            Scope::Institution,
            "replaced teacher does not write it"
        );
        assert_eq!(
            check_lesson_author(owner, owner, None),
            Ok(()),
            "the load's teacher"
        );
        assert_eq!(
            check_lesson_author(sub, owner, None),
            Err(RuleError::SubstitutionNotRecorded),
            "001 п. 8: the substitution is recorded with the entry"
        );
        assert_eq!(
            check_lesson_author(sub, owner, Some(sub)),
            Ok(()),
            "recorded substitute writes"
        );
        assert_eq!(
            check_lesson_author(other, owner, Some(sub)).map_err(|e| e.code()),
            Err("forbidden"),
            "someone else"
        );
    }

    fn any_policy() -> impl Strategy<Value = Policy> {
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(e, s, h, t, d)| Policy {
                deputy_may_edit: e,
                deputy_records_substitutions: s,
                diary_shows_homework: h,
                diary_shows_topics: t,
                diary_logins_issued_by: if d {
                    DiaryLoginIssuer::Curator
                } else {
                    DiaryLoginIssuer::DepartmentHead
                },
                ..Policy::default()
            })
    }

    #[test]
    fn reports_by_scope() {
        // 001 п. 4.13, Приложение «Заместитель директора» п. 13: the administration reads the
        // control reports of the institution; a teacher those of own loads, a curator the group's.
        let p = Policy::default();
        for role in [
            Role::Deputy,
            Role::Director,
            Role::Admin,
            Role::ControlGroup,
            Role::Inspector,
        ] {
            assert!(
                ok(role, Action::ReadReports, Scope::Institution, &p),
                "{role:?} reads every report"
            );
        }
        // A department head, their department's (issue 14: «a department head their department»).
        assert!(ok(
            Role::DepartmentHead,
            Action::ReadReports,
            Scope::Department,
            &p
        ));
        assert!(
            ok(Role::Teacher, Action::ReadReports, Scope::OwnLoad, &p),
            "a teacher: own loads"
        );
        assert!(
            !ok(Role::Teacher, Action::ReadReports, Scope::Institution, &p),
            "not another's load"
        );
        assert!(
            ok(Role::Curator, Action::ReadReports, Scope::OwnGroup, &p),
            "a curator: own group"
        );
        assert!(
            !ok(Role::Curator, Action::ReadReports, Scope::Institution, &p),
            "not another group"
        );
        for role in [
            Role::Student,
            Role::Parent,
            Role::SocialPedagogue,
            Role::HrOfficer,
        ] {
            for scope in Scope::ALL {
                assert!(
                    !ok(role, Action::ReadReports, scope, &p),
                    "{role:?} reads no report ({scope:?})"
                );
            }
        }
    }

    /// «Листок здоровья» (001 п. 4.12): the curator enters it for their group and the administrator
    /// for any; the teachers of the student, the administration and the parent read it; nobody
    /// else, whatever the policy.
    #[test]
    fn health_sheet_is_kept_by_the_curator_and_read_by_who_needs_it() {
        let p = Policy::default();
        assert!(ok(
            Role::Curator,
            Action::KeepHealthSheet,
            Scope::OwnGroup,
            &p
        ));
        assert!(ok(
            Role::Admin,
            Action::KeepHealthSheet,
            Scope::Institution,
            &p
        ));
        for (role, scope) in [
            (Role::Curator, Scope::OwnLoad),
            (Role::Curator, Scope::Institution),
            (Role::Teacher, Scope::OwnLoad),
            (Role::Deputy, Scope::Institution),
            (Role::SocialPedagogue, Scope::Institution),
            (Role::Parent, Scope::ChildRecord),
        ] {
            assert!(
                !ok(role, Action::KeepHealthSheet, scope, &p),
                "{role:?} does not enter the sheet ({scope:?})"
            );
        }
        for (role, scope) in [
            (Role::Curator, Scope::OwnGroup),
            (Role::Curator, Scope::OwnLoad),
            (Role::Teacher, Scope::OwnLoad),
            (Role::Admin, Scope::Institution),
            (Role::Director, Scope::Institution),
            (Role::Deputy, Scope::Institution),
            (Role::DepartmentHead, Scope::Institution),
            (Role::Parent, Scope::ChildRecord),
        ] {
            assert!(
                ok(role, Action::ReadHealthSheet, scope, &p),
                "{role:?} reads the sheet ({scope:?})"
            );
        }
        for (role, scope) in [
            (Role::Teacher, Scope::Institution),
            (Role::Curator, Scope::Institution),
            (Role::Student, Scope::OwnRecord),
            (Role::Parent, Scope::Institution),
            (Role::Inspector, Scope::Institution),
            (Role::ControlGroup, Scope::Institution),
            (Role::SocialPedagogue, Scope::Institution),
            (Role::HrOfficer, Scope::Institution),
        ] {
            assert!(
                !ok(role, Action::ReadHealthSheet, scope, &p),
                "{role:?} does not read the sheet ({scope:?})"
            );
        }
    }

    proptest! {
        // Rules combined over every role × action × scope × policy.
        #[test]
        fn invariants_of_the_table(
            role in prop::sample::select(Role::ALL.to_vec()),
            action in prop::sample::select(Action::ALL.to_vec()),
            scope in prop::sample::select(Scope::ALL.to_vec()),
            policy in any_policy(),
        ) {
            let yes = allowed(role, action, scope, &policy);
            // 004 п. 6: «Категорически запрещается допускать обучающихся к работе с электронным журналом».
            if matches!(role, Role::Student | Role::Parent | Role::Inspector) {
                prop_assert!(!yes || action.is_read() || action == Action::WriteMessage,
                    "{role:?} only reads (and writes messages to their teachers)");
            }
            // Journal content is written in own loads, or by supervisors only where the policy says so.
            if yes && action.edits_journal() {
                let by_teacher = matches!(role, Role::Teacher | Role::Curator) && scope == Scope::OwnLoad;
                let by_supervisor = matches!(role, Role::Deputy | Role::Director | Role::DepartmentHead) && policy.deputy_may_edit;
                prop_assert!(by_teacher || by_supervisor, "{role:?} edits {action:?} in {scope:?} only as the rules say");
            }
            // The strictest policy never allows more than a lenient one.
            let strict = Policy::default();
            let lenient = Policy { deputy_may_edit: true, deputy_records_substitutions: true,
                diary_shows_homework: true, diary_shows_topics: true, ..Policy::default() };
            prop_assert!(!allowed(role, action, scope, &strict) || allowed(role, action, scope, &lenient),
                "the strict default grants a subset of the lenient policy");
            prop_assert_eq!(check(role, action, scope, &policy).is_ok(), yes, "check agrees with the table");
        }
    }
}
