//! The institution's names, looked up the way files spell them: groups, subgroups, users, subjects
//! and loads of a [`Snapshot`], keyed by their normalised names. Ids in files are never used.

use crate::text::{normalise_name, tidy};
use journal_core::Role;
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
    /// Several records fit: their descriptions («ФИО (логин)»).
    Ambiguous(Vec<String>),
    /// The login names a user whose name does not fit the file's: that user's description.
    LoginMismatch(String),
}

impl Lookup {
    /// The row error's reason, in Russian: `what` is «преподаватель», «куратор»…
    pub fn reason(&self, what: &str, name: &str) -> String {
        match self {
            Lookup::NotFound => format!("{what} «{name}» не найден(а) в учреждении"),
            Lookup::Ambiguous(found) => format!(
                "«{name}»: подходят {} сотрудника — {}; укажите логин (столбец «Логин преподавателя») или полное ФИО",
                found.len(),
                found.join(", ")
            ),
            Lookup::LoginMismatch(user) => {
                format!("по логину найден(а) {user}, а в файле указан(а) «{name}»")
            }
        }
    }
}

/// A staff member found by a file's name: `by_initials` when the file gave only the surname (and
/// initials) and exactly one staff member fits — the import says whom it took.
#[derive(Debug, Clone, Copy)]
pub struct StaffMatch<'a> {
    pub user: &'a User,
    pub by_initials: bool,
}

/// A name split into its surname and the other words, initials without their dots: «Иванова М.П.»,
/// «Иванова М. П.», «М.П. Иванова» → («иванова», [«м», «п»]); «Иванова» → («иванова», []).
fn name_parts(name: &str) -> Option<(String, Vec<String>)> {
    let n = normalise_name(name).replace('.', ". ");
    let words: Vec<String> = n
        .split_whitespace()
        .map(|w| w.trim_end_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let is_initial = |w: &String| w.chars().count() == 1;
    match words.as_slice() {
        [] => None,
        // «М. П. Иванова»: initials first, the surname last.
        [first, .., last] if is_initial(first) && !is_initial(last) => {
            Some((last.clone(), words[..words.len() - 1].to_vec()))
        }
        [first, rest @ ..] => Some((first.clone(), rest.to_vec())),
    }
}

/// Whether a user holds a staff role (a student's or a parent's account is never a teacher).
fn is_staff(u: &User) -> bool {
    u.grants
        .iter()
        .any(|g| !matches!(g.role, Role::Student | Role::Parent))
        || u.grants.is_empty()
}

/// «Иванова Мария Петровна (ivanova)».
pub fn describe_user(u: &User) -> String {
    format!("{} ({})", u.full_name, u.login)
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
            Some(v) => Err(Lookup::Ambiguous(
                v.iter().map(|u| describe_user(u)).collect(),
            )),
            None => Err(Lookup::NotFound),
        }
    }

    /// A staff member as a file names them: the full name (compared normalised: case, «ё», dashes,
    /// spaces), else a surname with initials or a surname alone that exactly one staff member fits.
    /// With `login` the login decides, and the name must fit that user. Two fitting are an error,
    /// never a choice.
    pub fn staff(&self, name: &str, login: Option<&str>) -> Result<StaffMatch<'a>, Lookup> {
        // Some(false): the same full name; Some(true): the surname with initials (or with fewer
        // words) of this user's name — a whole word must be equal, an initial must start it.
        let fits = |u: &User| -> Option<bool> {
            if normalise_name(&u.full_name) == normalise_name(name) {
                return Some(false);
            }
            let (s, p) = name_parts(name)?;
            let (us, up) = name_parts(&u.full_name)?;
            let fit = s == us
                && p.len() <= up.len()
                && p.iter().zip(&up).all(|(a, b)| {
                    if a.chars().count() == 1 {
                        b.starts_with(a.as_str())
                    } else {
                        a == b
                    }
                });
            fit.then_some(true)
        };
        if let Some(login) = login.map(str::trim).filter(|l| !l.is_empty()) {
            let u = self.user_by_login(login).ok_or(Lookup::NotFound)?;
            return match fits(u) {
                Some(by_initials) => Ok(StaffMatch {
                    user: u,
                    by_initials,
                }),
                None => Err(Lookup::LoginMismatch(describe_user(u))),
            };
        }
        if let Some(v) = self.users_by_name.get(&normalise_name(name)) {
            return match v.as_slice() {
                [u] => Ok(StaffMatch {
                    user: u,
                    by_initials: false,
                }),
                many => Err(Lookup::Ambiguous(
                    many.iter().map(|u| describe_user(u)).collect(),
                )),
            };
        }
        let found: Vec<&'a User> = self
            .snapshot
            .users
            .iter()
            .filter(|u| is_staff(u) && fits(u) == Some(true))
            .collect();
        match found.as_slice() {
            [] => Err(Lookup::NotFound),
            [u] => Ok(StaffMatch {
                user: u,
                by_initials: true,
            }),
            many => Err(Lookup::Ambiguous(
                many.iter().map(|u| describe_user(u)).collect(),
            )),
        }
    }

    /// A group as a file names it, refusing a name that only looks like the institution's: equal
    /// once case, «ё», dashes and quotes are normalised, but written otherwise («ИС–11» beside
    /// «ИС-11»). `Ok(None)`: no such group.
    pub fn group_exact(&self, name: &str) -> Result<Option<&'a Group>, String> {
        match self.group(name) {
            Some(g) if tidy(&g.name) != tidy(name) => Err(format!(
                "«{}» похоже на группу учреждения «{}», но записано иначе — напишите так же, как в учреждении",
                tidy(name),
                g.name
            )),
            found => Ok(found),
        }
    }

    /// A subject by its full or short name, refusing a look-alike as [`Directory::group_exact`] does.
    pub fn subject_exact(&self, name: &str) -> Result<Option<&'a Subject>, String> {
        match self.subject(name) {
            Some(s) if tidy(&s.name) != tidy(name) && tidy(&s.short_name) != tidy(name) => {
                Err(format!(
                    "«{}» похоже на дисциплину учреждения «{}», но записано иначе — напишите так же, как в учреждении",
                    tidy(name),
                    s.name
                ))
            }
            found => Ok(found),
        }
    }

    /// A subgroup by its name (or its leading number, as [`Directory::subgroup`]), refusing a
    /// look-alike of a subgroup's full name.
    pub fn subgroup_exact(
        &self,
        group: GroupId,
        name: &str,
    ) -> Result<Option<&'a Subgroup>, String> {
        match self.subgroup(group, name) {
            Some(s)
                if normalise_name(&s.name) == normalise_name(name)
                    && tidy(&s.name) != tidy(name) =>
            {
                Err(format!(
                    "«{}» похоже на подгруппу «{}», но записано иначе — напишите так же, как в учреждении",
                    tidy(name),
                    s.name
                ))
            }
            found => Ok(found),
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
