//! Who may write to whom (issue 12, «Сообщения»): one rule, over the institution's snapshot.
//! A parent ↔ the curator of their child's group and the teachers of their child's loads; a student
//! ↔ their teachers and curator; staff ↔ staff of the institution; announcements from the
//! administration to a group or the institution, and from a curator to their group. Each relation
//! is checked through journal-core's `permissions` (`WriteMessage`, `SendAnnouncement`) in the scope
//! the relation names. Nobody reaches outside the snapshot, which is one institution.

use chrono::NaiveDate;
use journal_core::{permissions, Action, GroupId, Role, Scope, StudentId, UserId};
use serde::{Deserialize, Serialize};

use crate::snapshot::{Load, Snapshot, User};

/// Someone the sender may write to, with why in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub user_id: UserId,
    pub full_name: String,
    /// «Куратор группы ИС-21», «Преподаватель: Математика», «Родитель: Петров Пётр (ИС-21)».
    pub role: String,
}

/// Who an announcement reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Audience {
    /// Everyone in the institution.
    Institution,
    /// A group's students, parents, or both.
    Group {
        group_id: GroupId,
        students: bool,
        parents: bool,
    },
}

impl Audience {
    /// The key the server keeps an announcement's audience under; [`Snapshot::audience_keys`]
    /// gives the keys that reach a user.
    pub fn key(&self) -> String {
        match self {
            Audience::Institution => "institution".into(),
            Audience::Group {
                group_id,
                students,
                parents,
            } => {
                let who = match (students, parents) {
                    (true, false) => "students",
                    (false, true) => "parents",
                    _ => "all",
                };
                format!("group:{group_id}:{who}")
            }
        }
    }
}

/// Why a message or an announcement is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageRefusal {
    #[error("Этому адресату вы писать не можете: родители и обучающиеся пишут куратору и преподавателям своей группы, сотрудники — сотрудникам своей организации")]
    NotYourCorrespondent,
    #[error("Объявления отправляют администрация (всем или группе) и куратор (своей группе)")]
    NotYourAudience,
    #[error("Запрос на исправление персональных данных направляется куратору группы ребёнка")]
    CorrectionNotToCurator,
}

impl MessageRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            MessageRefusal::NotYourCorrespondent => "recipient_not_allowed",
            MessageRefusal::NotYourAudience => "audience_not_allowed",
            MessageRefusal::CorrectionNotToCurator => "correction_not_to_curator",
        }
    }
}

fn on(from: NaiveDate, to: Option<NaiveDate>, today: NaiveDate) -> bool {
    from <= today && to.is_none_or(|t| today <= t)
}

fn role_words(role: Role) -> &'static str {
    match role {
        Role::Director => "Директор",
        Role::Deputy => "Заместитель директора",
        Role::DepartmentHead => "Заведующий отделением",
        Role::Curator => "Куратор",
        Role::Teacher => "Преподаватель",
        Role::SocialPedagogue => "Социальный педагог",
        Role::HrOfficer => "Отдел кадров",
        Role::Admin => "Администратор",
        Role::Inspector => "Проверяющий",
        Role::ControlGroup => "Рабочая группа по контролю",
        Role::Student => "Обучающийся",
        Role::Parent => "Родитель",
    }
}

impl Snapshot {
    fn user(&self, id: UserId) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    fn allows(&self, user: &User, action: Action, scope: Scope) -> bool {
        user.grants
            .iter()
            .any(|g| permissions::check(g.role, action, scope, &self.institution.policy).is_ok())
    }

    fn group_name(&self, group: GroupId) -> String {
        self.groups
            .iter()
            .find(|g| g.id == group)
            .map(|g| g.name.clone())
            .unwrap_or_default()
    }

    /// The curators of a group: its curator and whoever holds a curator's grant for it.
    fn curators_of(&self, group: GroupId) -> Vec<UserId> {
        let mut out: Vec<UserId> = self
            .groups
            .iter()
            .filter(|g| g.id == group)
            .filter_map(|g| g.curator_id)
            .collect();
        for u in &self.users {
            if u.grants
                .iter()
                .any(|g| g.role == Role::Curator && g.group_id == Some(group))
                && !out.contains(&u.id)
            {
                out.push(u.id);
            }
        }
        out
    }

    /// The loads a student is taught in today: their group's, whole-group or their subgroup's.
    fn loads_of_student(&self, student: StudentId, today: NaiveDate) -> Vec<&Load> {
        let mut out = Vec::new();
        for m in self
            .memberships
            .iter()
            .filter(|m| m.student_id == student && on(m.from, m.to, today))
        {
            for l in &self.loads {
                if l.group_id == m.group_id
                    && on(l.from, l.to, today)
                    && (l.subgroup_id.is_none() || l.subgroup_id == m.subgroup_id)
                {
                    out.push(l);
                }
            }
        }
        out
    }

    fn groups_of_student(&self, student: StudentId, today: NaiveDate) -> Vec<GroupId> {
        self.memberships
            .iter()
            .filter(|m| m.student_id == student && on(m.from, m.to, today))
            .map(|m| m.group_id)
            .collect()
    }

    /// The students whose record a user reads as a student or a parent.
    fn own_students(&self, user: &User, role: Role) -> Vec<StudentId> {
        user.grants
            .iter()
            .filter(|g| g.role == role)
            .filter_map(|g| g.student_id)
            .collect()
    }

    fn student_name(&self, student: StudentId) -> String {
        self.students
            .iter()
            .find(|s| s.id == student)
            .map(|s| format!("{} {}", s.last_name, s.first_name))
            .unwrap_or_default()
    }

    /// Whom `sender` may write to today, each once, with the relation in words; sorted by name.
    pub fn message_recipients(&self, sender: UserId, today: NaiveDate) -> Vec<Recipient> {
        let Some(me) = self.user(sender) else {
            return Vec::new();
        };
        let mut out: Vec<Recipient> = Vec::new();
        let mut add = |id: UserId, role: String| {
            if id == sender {
                return;
            }
            let Some(u) = self.user(id) else { return };
            match out.iter_mut().find(|r| r.user_id == id) {
                Some(r) if !r.role.split("; ").any(|x| x == role) => {
                    r.role = format!("{}; {role}", r.role);
                }
                Some(_) => {}
                None => out.push(Recipient {
                    user_id: id,
                    full_name: u.full_name.clone(),
                    role,
                }),
            }
        };
        let subject_name = |l: &Load| {
            self.subjects
                .iter()
                .find(|s| s.id == l.subject_id)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        // A parent or a student: their (child's) curator and teachers.
        for (role, scope) in [
            (Role::Parent, Scope::ChildRecord),
            (Role::Student, Scope::OwnRecord),
        ] {
            if !self.allows(me, Action::WriteMessage, scope) {
                continue;
            }
            for student in self.own_students(me, role) {
                for g in self.groups_of_student(student, today) {
                    for c in self.curators_of(g) {
                        add(c, format!("Куратор группы {}", self.group_name(g)));
                    }
                }
                for l in self.loads_of_student(student, today) {
                    add(l.teacher_id, format!("Преподаватель: {}", subject_name(l)));
                }
            }
        }
        // Staff: the students and parents of their loads and of the group they curate.
        let people_of_student = |student: StudentId, group: GroupId| {
            let gname = self.group_name(group);
            let mut v = Vec::new();
            for u in &self.users {
                for g in &u.grants {
                    if g.student_id != Some(student) {
                        continue;
                    }
                    match g.role {
                        Role::Student => v.push((u.id, format!("Обучающийся группы {gname}"))),
                        Role::Parent => v.push((
                            u.id,
                            format!("Родитель: {} ({gname})", self.student_name(student)),
                        )),
                        _ => {}
                    }
                }
            }
            v
        };
        let mut taught: Vec<(StudentId, GroupId)> = Vec::new();
        if self.allows(me, Action::WriteMessage, Scope::OwnLoad) {
            for l in self
                .loads
                .iter()
                .filter(|l| l.teacher_id == sender && on(l.from, l.to, today))
            {
                for m in self.memberships.iter().filter(|m| {
                    m.group_id == l.group_id
                        && on(m.from, m.to, today)
                        && (l.subgroup_id.is_none() || l.subgroup_id == m.subgroup_id)
                }) {
                    taught.push((m.student_id, m.group_id));
                }
            }
        }
        if self.allows(me, Action::WriteMessage, Scope::OwnGroup) {
            for g in self.groups.iter().filter(|g| {
                self.curators_of(g.id).contains(&sender)
                    && me.grants.iter().any(|gr| gr.role == Role::Curator)
            }) {
                for m in self
                    .memberships
                    .iter()
                    .filter(|m| m.group_id == g.id && on(m.from, m.to, today))
                {
                    taught.push((m.student_id, m.group_id));
                }
            }
        }
        for (student, group) in taught {
            for (id, role) in people_of_student(student, group) {
                add(id, role);
            }
        }
        // Staff ↔ staff.
        if self.allows(me, Action::WriteMessage, Scope::Institution) {
            for u in &self.users {
                if self.allows(u, Action::WriteMessage, Scope::Institution) {
                    let words: Vec<&str> = u.grants.iter().map(|g| role_words(g.role)).collect();
                    add(u.id, words.join(", "));
                }
            }
        }
        out.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        out
    }

    /// Whether `sender` may write to `to` today: the one rule the server applies.
    pub fn check_message(
        &self,
        sender: UserId,
        to: UserId,
        today: NaiveDate,
    ) -> Result<(), MessageRefusal> {
        if self
            .message_recipients(sender, today)
            .iter()
            .any(|r| r.user_id == to)
        {
            Ok(())
        } else {
            Err(MessageRefusal::NotYourCorrespondent)
        }
    }

    /// A parent's request to correct personal data goes to the curator of their child's group.
    pub fn check_correction_request(
        &self,
        sender: UserId,
        to: UserId,
        today: NaiveDate,
    ) -> Result<(), MessageRefusal> {
        let Some(me) = self.user(sender) else {
            return Err(MessageRefusal::CorrectionNotToCurator);
        };
        let to_curator = self.own_students(me, Role::Parent).into_iter().any(|s| {
            self.groups_of_student(s, today)
                .into_iter()
                .any(|g| self.curators_of(g).contains(&to))
        });
        if to_curator && self.allows(me, Action::WriteMessage, Scope::ChildRecord) {
            Ok(())
        } else {
            Err(MessageRefusal::CorrectionNotToCurator)
        }
    }

    /// The audiences `sender` may announce to: the administration the institution and every
    /// group, a curator their group.
    pub fn announcement_audiences(&self, sender: UserId) -> Vec<(Audience, String)> {
        let Some(me) = self.user(sender) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let whole = self.allows(me, Action::SendAnnouncement, Scope::Institution);
        if whole {
            out.push((Audience::Institution, "Вся организация".to_string()));
        }
        for g in &self.groups {
            let own = self.curators_of(g.id).contains(&sender)
                && me.grants.iter().any(|gr| gr.role == Role::Curator);
            if whole || (own && self.allows(me, Action::SendAnnouncement, Scope::OwnGroup)) {
                for (students, parents, who) in [
                    (true, true, "обучающиеся и родители"),
                    (true, false, "обучающиеся"),
                    (false, true, "родители"),
                ] {
                    out.push((
                        Audience::Group {
                            group_id: g.id,
                            students,
                            parents,
                        },
                        format!("Группа {}: {who}", g.name),
                    ));
                }
            }
        }
        out
    }

    /// Whether `sender` may announce to `audience`.
    pub fn check_announcement(
        &self,
        sender: UserId,
        audience: &Audience,
    ) -> Result<(), MessageRefusal> {
        if self
            .announcement_audiences(sender)
            .iter()
            .any(|(a, _)| a.key() == audience.key())
        {
            Ok(())
        } else {
            Err(MessageRefusal::NotYourAudience)
        }
    }

    /// The audience keys ([`Audience::key`]) whose announcements reach `user` today.
    pub fn audience_keys(&self, user: UserId, today: NaiveDate) -> Vec<String> {
        let mut out = vec![Audience::Institution.key()];
        let Some(me) = self.user(user) else {
            return out;
        };
        for (role, who) in [(Role::Student, "students"), (Role::Parent, "parents")] {
            for s in self.own_students(me, role) {
                for g in self.groups_of_student(s, today) {
                    for k in [format!("group:{g}:{who}"), format!("group:{g}:all")] {
                        if !out.contains(&k) {
                            out.push(k);
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::tests::{day, sample, uid, PARENT, STUDENT};

    fn u(n: u128) -> UserId {
        UserId(uid(n))
    }

    #[test]
    fn a_parent_writes_to_the_curator_and_the_childs_teachers_only() {
        let snap = sample();
        let today = day(20);
        let r = snap.message_recipients(u(PARENT), today);
        let ids: Vec<UserId> = r.iter().map(|r| r.user_id).collect();
        // S1 is in G1, subgroup 1: loads 1 (A, whole group) and 3 (C, subgroup 1); curator 5.
        assert!(
            ids.contains(&u(5)),
            "the curator of the child's group: {r:?}"
        );
        assert!(ids.contains(&u(1)), "the teacher of the whole group: {r:?}");
        assert!(
            ids.contains(&u(3)),
            "the teacher of the child's subgroup: {r:?}"
        );
        assert!(!ids.contains(&u(4)), "not the other subgroup's teacher");
        assert!(!ids.contains(&u(2)), "not another group's teacher");
        assert!(!ids.contains(&u(6)), "not the deputy");
        let curator = r.iter().find(|r| r.user_id == u(5));
        assert_eq!(
            curator.map(|r| r.role.as_str()),
            Some("Куратор группы ИС-11"),
            "the relation in words"
        );
        let teacher = r.iter().find(|r| r.user_id == u(1));
        assert_eq!(
            teacher.map(|r| r.role.as_str()),
            Some("Преподаватель: Математика")
        );
        assert_eq!(
            snap.check_message(u(PARENT), u(2), today),
            Err(MessageRefusal::NotYourCorrespondent),
            "a teacher who does not teach the child is refused"
        );
        assert!(snap.check_message(u(PARENT), u(5), today).is_ok());
    }

    #[test]
    fn teachers_and_curators_answer_their_students_and_parents() {
        let snap = sample();
        let today = day(20);
        assert!(
            snap.check_message(u(1), u(PARENT), today).is_ok(),
            "the teacher of the child's load answers the parent"
        );
        assert!(snap.check_message(u(5), u(PARENT), today).is_ok());
        assert!(snap.check_message(u(5), u(STUDENT), today).is_ok());
        assert!(
            snap.check_message(u(2), u(PARENT), today).is_err(),
            "another group's teacher does not write to the parent"
        );
        assert!(snap.check_message(u(4), u(STUDENT), today).is_err());
        assert!(snap.check_message(u(STUDENT), u(3), today).is_ok());
        assert!(
            snap.check_message(u(STUDENT), u(PARENT), today).is_err(),
            "students write to staff only"
        );
    }

    #[test]
    fn staff_write_to_staff() {
        let snap = sample();
        let today = day(20);
        assert!(
            snap.check_message(u(1), u(6), today).is_ok(),
            "teacher → deputy"
        );
        assert!(
            snap.check_message(u(6), u(2), today).is_ok(),
            "deputy → teacher"
        );
        assert!(
            snap.check_message(u(6), u(PARENT), today).is_err(),
            "the deputy writes to parents by announcements"
        );
        assert!(
            snap.check_message(u(1), u(9), today).is_err(),
            "the social pedagogue works on paper"
        );
        assert!(
            snap.check_message(u(1), u(1), today).is_err(),
            "not to oneself"
        );
        assert!(
            snap.check_message(u(1), UserId(uid(12345)), today).is_err(),
            "nobody outside the institution"
        );
    }

    #[test]
    fn announcements_by_the_administration_and_the_curator() {
        let snap = sample();
        let g1 = GroupId(uid(100));
        let g2 = GroupId(uid(101));
        let group = |g| Audience::Group {
            group_id: g,
            students: false,
            parents: true,
        };
        assert!(snap
            .check_announcement(u(6), &Audience::Institution)
            .is_ok());
        assert!(snap.check_announcement(u(6), &group(g2)).is_ok());
        assert!(snap.check_announcement(u(5), &group(g1)).is_ok());
        assert_eq!(
            snap.check_announcement(u(5), &group(g2)),
            Err(MessageRefusal::NotYourAudience),
            "a curator announces to their own group only"
        );
        assert!(snap
            .check_announcement(u(5), &Audience::Institution)
            .is_err());
        assert!(snap.check_announcement(u(1), &group(g1)).is_err());
        assert!(snap.check_announcement(u(PARENT), &group(g1)).is_err());
        let keys = snap.audience_keys(u(PARENT), day(20));
        assert!(keys.contains(&group(g1).key()), "{keys:?}");
        assert!(keys.contains(&Audience::Institution.key()));
        assert!(!keys.contains(&group(g2).key()));
        let students = Audience::Group {
            group_id: g1,
            students: true,
            parents: false,
        };
        assert!(
            !keys.contains(&students.key()),
            "a parent does not get the students' announcements"
        );
    }

    #[test]
    fn a_correction_request_goes_to_the_curator() {
        let snap = sample();
        let today = day(20);
        assert!(snap
            .check_correction_request(u(PARENT), u(5), today)
            .is_ok());
        assert_eq!(
            snap.check_correction_request(u(PARENT), u(1), today),
            Err(MessageRefusal::CorrectionNotToCurator)
        );
        assert!(
            snap.check_correction_request(u(STUDENT), u(5), today)
                .is_err(),
            "a parent's request"
        );
    }
}
