//! The institution's names, looked up the way files spell them: groups, subgroups, users, subjects
//! and loads of a [`Snapshot`], keyed by their normalised names. Ids in files are never used.

use crate::text::normalise_name;
use journal_core::{GroupId, LoadId, SubgroupId, SubjectId, UserId};
use journal_protocol::snapshot::{Group, Load, Snapshot, Subgroup, Subject, User};
use std::collections::HashMap;

/// Name lookups over one snapshot.
pub struct Directory<'a> {
    pub snapshot: &'a Snapshot,
    groups: HashMap<String, &'a Group>,
    users_by_name: HashMap<String, Vec<&'a User>>,
    users_by_login: HashMap<String, &'a User>,
    subjects: HashMap<String, &'a Subject>,
}

/// The number a name starts with: «1 подгруппа» → 1, «2. Grupa» → 2, «ИС-21» → None.
fn leading_number(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    NotFound,
    Ambiguous(usize),
}

impl<'a> Directory<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Directory<'a> {
        let mut users_by_name: HashMap<String, Vec<&User>> = HashMap::new();
        for u in &snapshot.users {
            users_by_name
                .entry(normalise_name(&u.full_name))
                .or_default()
                .push(u);
        }
        let mut subjects = HashMap::new();
        // Full names win over short names when both spell the same.
        for s in &snapshot.subjects {
            subjects.entry(normalise_name(&s.short_name)).or_insert(s);
        }
        for s in &snapshot.subjects {
            subjects.insert(normalise_name(&s.name), s);
        }
        Directory {
            snapshot,
            groups: snapshot
                .groups
                .iter()
                .map(|g| (normalise_name(&g.name), g))
                .collect(),
            users_by_name,
            users_by_login: snapshot
                .users
                .iter()
                .map(|u| (u.login.to_lowercase(), u))
                .collect(),
            subjects,
        }
    }

    pub fn group(&self, name: &str) -> Option<&'a Group> {
        self.groups.get(&normalise_name(name)).copied()
    }

    /// A subgroup of a group by its name. A name that starts with a number also finds the one
    /// subgroup starting with that number: «1», «1 группа» (aSc's default division names) and
    /// «1. Grupa» all find «1 подгруппа».
    pub fn subgroup(&self, group: GroupId, name: &str) -> Option<&'a Subgroup> {
        let key = normalise_name(name);
        let of_group = || {
            self.snapshot
                .subgroups
                .iter()
                .filter(move |s| s.group_id == group)
        };
        if let Some(exact) = of_group().find(|s| normalise_name(&s.name) == key) {
            return Some(exact);
        }
        let number = leading_number(&key)?;
        let mut same =
            of_group().filter(|s| leading_number(&normalise_name(&s.name)) == Some(number));
        let first = same.next()?;
        same.next().is_none().then_some(first)
    }

    pub fn user_by_name(&self, full_name: &str) -> Result<&'a User, Lookup> {
        match self.users_by_name.get(&normalise_name(full_name)) {
            Some(v) if v.len() == 1 => Ok(v[0]),
            Some(v) => Err(Lookup::Ambiguous(v.len())),
            None => Err(Lookup::NotFound),
        }
    }

    pub fn user_by_login(&self, login: &str) -> Option<&'a User> {
        self.users_by_login.get(&login.to_lowercase()).copied()
    }

    pub fn subject(&self, name: &str) -> Option<&'a Subject> {
        self.subjects.get(&normalise_name(name)).copied()
    }

    /// The load of a teacher in a group (subgroup) and subject.
    pub fn load(
        &self,
        teacher: UserId,
        group: GroupId,
        subgroup: Option<SubgroupId>,
        subject: SubjectId,
    ) -> Option<&'a Load> {
        self.snapshot.loads.iter().find(|l| {
            l.teacher_id == teacher
                && l.group_id == group
                && l.subgroup_id == subgroup
                && l.subject_id == subject
        })
    }

    /// Loads of a group (any subgroup) and subject, whoever teaches them.
    pub fn loads_of(&self, group: GroupId, subject: SubjectId) -> Vec<&'a Load> {
        self.snapshot
            .loads
            .iter()
            .filter(|l| l.group_id == group && l.subject_id == subject)
            .collect()
    }

    pub fn load_by_id(&self, id: LoadId) -> Option<&'a Load> {
        self.snapshot.loads.iter().find(|l| l.id == id)
    }
}
