//! Opening the next academic year (issue 11 item 5): from the closing year's snapshot and the
//! administrator's choices, the plan (what a dry run shows) and the new year's live snapshot.
//! Pure: the server stores the closing snapshot in its archive and the new one as the live one.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use journal_core::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{AcademicYear, Holiday, Load, Period, PlanTopic, Snapshot};

/// The course a group graduates from when the request does not say (колледж: 4 курса).
pub const DEFAULT_LAST_COURSE: u8 = 4;

/// What the administrator asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RolloverRequest {
    /// The new year, e.g. «2027/2028».
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The new year's periods; absent: the closing year's periods shifted by a year.
    #[serde(default)]
    pub periods: Option<Vec<NewPeriod>>,
    /// The new year's holidays; absent: the closing year's shifted by a year.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub holidays: Option<Vec<Holiday>>,
    /// A group absent here is promoted, or graduated when its course is `last_course`.
    #[serde(default)]
    pub groups: Vec<GroupChoice>,
    /// Absent: [`DEFAULT_LAST_COURSE`].
    #[serde(default)]
    pub last_course: Option<u8>,
    /// Loads carried over to the new year (same teacher, subject, group).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub carry_loads: Vec<LoadId>,
    /// Copy the КТП (plan topics) of the carried loads; otherwise their КТП starts empty.
    #[serde(default)]
    pub copy_plans: bool,
    /// Close the year though some load's period with lessons is not locked.
    #[serde(default)]
    pub force_unlocked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPeriod {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupChoice {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub group_id: GroupId,
    pub step: GroupStep,
    /// The promoted group's new name; absent: computed from the old one.
    #[serde(default)]
    pub new_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupStep {
    Promote,
    Graduate,
    Keep,
}

/// What the rollover does (the dry run's answer, and the applied one's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolloverPlan {
    pub closing_year: String,
    pub new_year: String,
    pub periods: Vec<NewPeriod>,
    pub groups: Vec<GroupPlan>,
    pub loads: Vec<LoadPlan>,
    /// Students whose membership ends on the closing year's last day.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub students_graduated: Vec<StudentId>,
    /// Load periods with lessons and no lock (closing them needed `force_unlocked`).
    pub unlocked_periods: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupPlan {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub group_id: GroupId,
    pub old_name: String,
    pub old_course: u8,
    pub step: GroupStep,
    pub new_name: String,
    pub new_course: u8,
    pub students: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadPlan {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub old_load_id: LoadId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub new_load_id: LoadId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub teacher_id: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub subject_id: SubjectId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = "uuid"))]
    pub group_id: GroupId,
    pub topics_copied: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolloverError {
    #[error("Новый учебный год «{0}» совпадает с закрываемым")]
    SameYear(String),
    #[error("Даты учебного года или периода «{0}» неверны (начало позже конца или вне года)")]
    BadDates(String),
    #[error("Название не может быть пустым")]
    EmptyName,
    #[error(
        "Не закрыто периодов с уроками: {0}; закройте их или подтвердите закрытие года без них"
    )]
    PeriodsUnlocked(u32),
    #[error("Группа {0} не найдена")]
    UnknownGroup(GroupId),
    #[error("Нагрузка {0} не найдена")]
    UnknownLoad(LoadId),
    #[error("Нагрузка {0} — у выпускаемой группы, перенести её нельзя")]
    LoadOfGraduatedGroup(LoadId),
    #[error("Группа «{0}» получила бы имя уже занятой группы")]
    DuplicateGroupName(String),
}

impl RolloverError {
    pub fn code(&self) -> &'static str {
        match self {
            RolloverError::SameYear(_) => "year_same",
            RolloverError::BadDates(_) => "bad_dates",
            RolloverError::EmptyName => "empty_name",
            RolloverError::PeriodsUnlocked(_) => "periods_unlocked",
            RolloverError::UnknownGroup(_) => "unknown_group",
            RolloverError::UnknownLoad(_) => "unknown_load",
            RolloverError::LoadOfGraduatedGroup(_) => "load_of_graduated_group",
            RolloverError::DuplicateGroupName(_) => "duplicate_group_name",
        }
    }
}

/// The same day a year later (29 February becomes 28 February).
fn next_year(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(Months::new(12)).unwrap_or(d)
}

/// «ИС-21» course 2 → «ИС-31»: the first digit of the name that equals the old course becomes the
/// new course; a name without it keeps its name.
pub fn promoted_name(old: &str, old_course: u8, new_course: u8) -> String {
    let (from, to) = (old_course.to_string(), new_course.to_string());
    if from.len() != 1 || to.len() != 1 {
        return old.to_string();
    }
    match old.find(from.as_str()) {
        Some(i) => format!("{}{}{}", &old[..i], to, &old[i + 1..]),
        None => old.to_string(),
    }
}

/// The plan and the new year's live snapshot, or why the year cannot be closed.
pub fn roll_over(
    snap: &Snapshot,
    req: &RolloverRequest,
) -> Result<(RolloverPlan, Snapshot), RolloverError> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(RolloverError::EmptyName);
    }
    if name == snap.year.name {
        return Err(RolloverError::SameYear(name.into()));
    }
    if req.starts_on > req.ends_on || req.starts_on <= snap.year.ends_on {
        return Err(RolloverError::BadDates(name.into()));
    }
    let periods: Vec<NewPeriod> = match &req.periods {
        Some(p) => p.clone(),
        None => {
            let mut old = snap.periods.clone();
            old.sort_by_key(|p| p.ordinal);
            old.iter()
                .map(|p| NewPeriod {
                    name: p.name.clone(),
                    starts_on: next_year(p.starts_on),
                    ends_on: next_year(p.ends_on),
                })
                .collect()
        }
    };
    for p in &periods {
        if p.name.trim().is_empty() {
            return Err(RolloverError::EmptyName);
        }
        if p.starts_on > p.ends_on || p.starts_on < req.starts_on || p.ends_on > req.ends_on {
            return Err(RolloverError::BadDates(p.name.clone()));
        }
    }

    // A load's period that had lessons and no lock: the deputy has not checked it (001: the
    // journal is printed and archived after the check).
    let locked: BTreeSet<(LoadId, PeriodId)> = snap
        .locks
        .iter()
        .map(|l| (l.load_id, l.period_id))
        .collect();
    let taught: BTreeSet<(LoadId, PeriodId)> = snap
        .lessons
        .iter()
        .filter_map(|l| {
            snap.periods
                .iter()
                .find(|p| p.starts_on <= l.date && l.date <= p.ends_on)
                .map(|p| (l.load_id, p.id))
        })
        .collect();
    let unlocked_periods = taught.difference(&locked).count() as u32;
    if unlocked_periods > 0 && !req.force_unlocked {
        return Err(RolloverError::PeriodsUnlocked(unlocked_periods));
    }

    let choices: BTreeMap<GroupId, &GroupChoice> =
        req.groups.iter().map(|c| (c.group_id, c)).collect();
    for id in choices.keys() {
        if !snap.groups.iter().any(|g| g.id == *id) {
            return Err(RolloverError::UnknownGroup(*id));
        }
    }
    let last_course = req.last_course.unwrap_or(DEFAULT_LAST_COURSE);
    let old_end = snap.year.ends_on;
    let open = |group: GroupId| {
        snap.memberships
            .iter()
            .filter(move |m| m.group_id == group && m.to.is_none_or(|to| to >= old_end))
    };
    let mut groups = Vec::new();
    let mut graduated_groups = BTreeSet::new();
    let mut students_graduated = BTreeSet::new();
    for g in &snap.groups {
        let choice = choices.get(&g.id);
        let step = choice
            .map(|c| c.step)
            .unwrap_or(if g.course >= last_course {
                GroupStep::Graduate
            } else {
                GroupStep::Promote
            });
        let students = open(g.id).map(|m| m.student_id).collect::<BTreeSet<_>>();
        let (new_name, new_course) = match step {
            GroupStep::Promote => {
                let course = g.course.saturating_add(1);
                let given = choice.and_then(|c| c.new_name.as_deref()).map(str::trim);
                match given {
                    Some("") => return Err(RolloverError::EmptyName),
                    Some(n) => (n.to_string(), course),
                    None => (promoted_name(&g.name, g.course, course), course),
                }
            }
            GroupStep::Graduate => {
                graduated_groups.insert(g.id);
                students_graduated.extend(students.iter().copied());
                (g.name.clone(), g.course)
            }
            GroupStep::Keep => (g.name.clone(), g.course),
        };
        groups.push(GroupPlan {
            group_id: g.id,
            old_name: g.name.clone(),
            old_course: g.course,
            step,
            new_name,
            new_course,
            students: students.len() as u32,
        });
    }
    let mut names = BTreeSet::new();
    for g in &groups {
        if !names.insert(g.new_name.as_str()) {
            return Err(RolloverError::DuplicateGroupName(g.new_name.clone()));
        }
    }

    let mut loads = Vec::new();
    let mut new_loads = Vec::new();
    let mut new_topics = Vec::new();
    for id in req.carry_loads.iter().collect::<BTreeSet<_>>() {
        let load = snap
            .loads
            .iter()
            .find(|l| l.id == *id)
            .ok_or(RolloverError::UnknownLoad(*id))?;
        if graduated_groups.contains(&load.group_id) {
            return Err(RolloverError::LoadOfGraduatedGroup(*id));
        }
        let new_id = LoadId(Uuid::new_v4());
        let mut copied = 0;
        if req.copy_plans {
            for t in snap.plan_topics.iter().filter(|t| t.load_id == *id) {
                new_topics.push(PlanTopic {
                    id: TopicId(Uuid::new_v4()),
                    load_id: new_id,
                    ..t.clone()
                });
                copied += 1;
            }
        }
        new_loads.push(Load {
            id: new_id,
            from: req.starts_on,
            to: None,
            ..load.clone()
        });
        loads.push(LoadPlan {
            old_load_id: *id,
            new_load_id: new_id,
            teacher_id: load.teacher_id,
            subject_id: load.subject_id,
            group_id: load.group_id,
            topics_copied: copied,
        });
    }

    let mut next = snap.clone();
    next.year = AcademicYear {
        name: name.into(),
        starts_on: req.starts_on,
        ends_on: req.ends_on,
    };
    next.periods = periods
        .iter()
        .enumerate()
        .map(|(i, p)| Period {
            id: PeriodId(Uuid::new_v4()),
            name: p.name.clone(),
            ordinal: (i + 1) as u8,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
        })
        .collect();
    next.holidays = match &req.holidays {
        Some(h) => h.clone(),
        None => snap
            .holidays
            .iter()
            .map(|h| Holiday {
                name: h.name.clone(),
                starts_on: next_year(h.starts_on),
                ends_on: next_year(h.ends_on),
            })
            .collect(),
    };
    for g in &mut next.groups {
        if let Some(p) = groups.iter().find(|p| p.group_id == g.id) {
            g.name = p.new_name.clone();
            g.course = p.new_course;
        }
    }
    for m in &mut next.memberships {
        if graduated_groups.contains(&m.group_id) && m.to.is_none_or(|to| to > old_end) {
            m.to = Some(old_end);
        }
    }
    // The closed year's journal lives in the archive only.
    next.loads = new_loads;
    next.plan_topics = new_topics;
    next.lessons.clear();
    next.lesson_topics.clear();
    next.homework.clear();
    next.cells.clear();
    next.finals.clear();
    next.locks.clear();
    next.remarks.clear();
    next.reopenings.clear();
    next.curriculum.clear();
    next.individual_plans.clear();
    // A schedule of control works is the closed year's: the new year plans its own.
    next.control_works.clear();
    // The closed year's slots: the new year's timetable holds its own.
    next.busy_slots.clear();

    let plan = RolloverPlan {
        closing_year: snap.year.name.clone(),
        new_year: name.into(),
        periods,
        groups,
        loads,
        students_graduated: students_graduated.into_iter().collect(),
        unlocked_periods,
    };
    Ok((plan, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promoted_name_moves_the_course_digit() {
        assert_eq!(promoted_name("ИС-21", 2, 3), "ИС-31");
        assert_eq!(
            promoted_name("ИС-11", 1, 2),
            "ИС-21",
            "only the first digit changes"
        );
        assert_eq!(
            promoted_name("Повара", 1, 2),
            "Повара",
            "no digit: the name stays"
        );
    }

    #[test]
    fn next_year_keeps_the_day_and_survives_29_february() {
        let d = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert_eq!(next_year(d), NaiveDate::from_ymd_opt(2029, 2, 28).unwrap());
    }

    fn request(snap: &Snapshot) -> RolloverRequest {
        RolloverRequest {
            name: "2027/2028".into(),
            starts_on: next_year(snap.year.starts_on),
            ends_on: next_year(snap.year.ends_on),
            periods: None,
            holidays: None,
            groups: vec![],
            last_course: None,
            carry_loads: vec![],
            copy_plans: false,
            force_unlocked: false,
        }
    }

    #[test]
    fn unlocked_periods_with_lessons_refuse_unless_forced() {
        let snap = crate::snapshot::tests::sample();
        let req = request(&snap);
        let err = roll_over(&snap, &req).unwrap_err();
        assert_eq!(
            err,
            RolloverError::PeriodsUnlocked(3),
            "loads 2, 3, 4 have lessons and no lock"
        );
        assert_eq!(err.code(), "periods_unlocked");
        let forced = RolloverRequest {
            force_unlocked: true,
            ..req
        };
        let (plan, _) = roll_over(&snap, &forced).expect("forced rollover");
        assert_eq!(plan.unlocked_periods, 3);
    }

    #[test]
    fn promotes_graduates_and_carries_loads_into_an_empty_year() {
        let snap = crate::snapshot::tests::sample();
        let (g1, g2) = (snap.groups[0].id, snap.groups[1].id);
        let one = snap.loads[0].id;
        let req = RolloverRequest {
            groups: vec![GroupChoice {
                group_id: g2,
                step: GroupStep::Graduate,
                new_name: None,
            }],
            carry_loads: vec![one],
            copy_plans: true,
            force_unlocked: true,
            ..request(&snap)
        };
        let (plan, next) = roll_over(&snap, &req).expect("rollover");
        assert_eq!(plan.closing_year, "2026/2027");
        assert_eq!(next.year.name, "2027/2028");
        let promoted = plan.groups.iter().find(|g| g.group_id == g1).unwrap();
        assert_eq!(
            (promoted.new_name.as_str(), promoted.new_course),
            ("ИС-21", 2)
        );
        assert_eq!(next.groups[0].name, "ИС-21", "the live group is renamed");
        let graduated = plan.groups.iter().find(|g| g.group_id == g2).unwrap();
        assert_eq!(graduated.step, GroupStep::Graduate);
        assert_eq!(
            plan.students_graduated,
            vec![snap.memberships[2].student_id],
            "only S3 is still in БУ-11 on the last day (S4 moved to ИС-11)"
        );
        assert!(
            next.memberships
                .iter()
                .filter(|m| m.group_id == g2)
                .all(|m| m.to.is_some_and(|to| to <= snap.year.ends_on)),
            "the graduated group's memberships end with the old year"
        );
        assert_eq!(next.loads.len(), 1, "only the carried load lives on");
        assert_eq!(next.loads[0].teacher_id, snap.loads[0].teacher_id);
        assert_ne!(next.loads[0].id, one, "the carried load is a new load");
        assert_eq!(next.periods.len(), snap.periods.len());
        assert_eq!(
            next.periods[0].starts_on,
            next_year(snap.periods[0].starts_on)
        );
        assert!(next.lessons.is_empty() && next.cells.is_empty() && next.finals.is_empty());
        assert!(next.locks.is_empty() && next.remarks.is_empty() && next.homework.is_empty());
        assert_eq!(next.students.len(), snap.students.len(), "students stay");
        assert_eq!(next.users.len(), snap.users.len(), "users stay");
    }

    #[test]
    fn refuses_carrying_a_graduated_groups_load_and_unknown_ids() {
        let snap = crate::snapshot::tests::sample();
        let g2 = snap.groups[1].id;
        let of_g2 = snap.loads.iter().find(|l| l.group_id == g2).unwrap().id;
        let req = RolloverRequest {
            groups: vec![GroupChoice {
                group_id: g2,
                step: GroupStep::Graduate,
                new_name: None,
            }],
            carry_loads: vec![of_g2],
            force_unlocked: true,
            ..request(&snap)
        };
        assert_eq!(
            roll_over(&snap, &req).unwrap_err().code(),
            "load_of_graduated_group"
        );
        let same = RolloverRequest {
            name: snap.year.name.clone(),
            force_unlocked: true,
            ..request(&snap)
        };
        assert_eq!(roll_over(&snap, &same).unwrap_err().code(), "year_same");
        let clash = RolloverRequest {
            groups: vec![GroupChoice {
                group_id: snap.groups[0].id,
                step: GroupStep::Promote,
                new_name: Some("БУ-21".into()),
            }],
            force_unlocked: true,
            ..request(&snap)
        };
        assert_eq!(
            roll_over(&snap, &clash).unwrap_err().code(),
            "duplicate_group_name",
            "ИС-11 named БУ-21 clashes with БУ-11 promoted to БУ-21"
        );
    }
}
