//! The institution data a device holds a copy of: the year, groups, students, loads, КТП, timetable,
//! and the journal content (cells, topics, homework, finals, locks, remarks). The demo generator
//! produces one, the server sends one (or pages of changes) to a device, the store keeps one.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use journal_core::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub institution: Institution,
    pub year: AcademicYear,
    pub periods: Vec<Period>,
    pub holidays: Vec<Holiday>,
    pub bells: Vec<Bell>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub subgroups: Vec<Subgroup>,
    pub students: Vec<Student>,
    pub memberships: Vec<Membership>,
    pub subjects: Vec<Subject>,
    pub loads: Vec<Load>,
    pub plan_topics: Vec<PlanTopic>,
    pub lessons: Vec<Lesson>,
    pub lesson_topics: Vec<LessonTopic>,
    pub homework: Vec<Homework>,
    pub cells: Vec<Cell>,
    pub finals: Vec<Final>,
    pub locks: Vec<PeriodLock>,
    pub remarks: Vec<Remark>,
    /// Locked periods open again for a correction (protocol 2; absent in older snapshots).
    #[serde(default)]
    pub reopenings: Vec<PeriodReopening>,
    /// The institution's rooms (absent in older snapshots).
    #[serde(default)]
    pub rooms: Vec<Room>,
    /// The bells of the second shift and later; `bells` holds the first shift's only, so that an
    /// older copy, which keeps one time per lesson number, still imports the snapshot.
    #[serde(default)]
    pub later_shift_bells: Vec<Bell>,
    /// The учебный план: hours of each subject in each period for each group (absent in older
    /// snapshots: none kept).
    #[serde(default)]
    pub curriculum: Vec<CurriculumLine>,
    /// Individual plans (ИУП) of students whose membership says `individual_plan` (absent in
    /// older snapshots: such a student is on every page of the group).
    #[serde(default)]
    pub individual_plans: Vec<IndividualPlan>,
    /// Departments (ПЦК/МО, отделения) with their heads and teachers (absent in older snapshots).
    #[serde(default)]
    pub departments: Vec<Department>,
    /// The schedule of control works (ВТК and the teachers' own), with their form and criteria
    /// (absent in older snapshots and left out of the JSON when there is none, so older copies and
    /// archives keep their bytes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub control_works: Vec<ControlWork>,
    /// The timetable slots of the user's groups held by lessons their copy does not keep (another
    /// teacher's load of the group): only the date, the bell and the group or subgroup, so that the
    /// device refuses a postponement into one as the server does (`lesson_change::facts`). Filled
    /// by [`Snapshot::for_user`] for a teacher's or curator's copy; empty otherwise, and then left
    /// out of the JSON so older copies and archives keep their bytes.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "busy_slots_wire"
    )]
    pub busy_slots: Vec<BusySlot>,
    /// Sign-ins of users (from the server's audit), filled by the server only for its own reports
    /// and their verification («Активность»: parents and students by week); empty in every
    /// snapshot a device or a family receives, and then left out of the JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sign_ins: Vec<SignIn>,
}

/// One sign-in: who, and when (the institution's local time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignIn {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub user_id: UserId,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Institution {
    pub id: InstitutionId,
    /// Full official name, as on the journal's title page.
    pub name: String,
    pub short_name: String,
    /// IANA zone, e.g. "Europe/Moscow".
    pub timezone: String,
    pub policy: Policy,
    /// Working week and shifts (absent in older snapshots: a five-day week, one shift).
    #[serde(default)]
    pub regime: WorkRegime,
    /// Whom users turn to with a question about the journal (absent: not given yet).
    #[serde(default, skip_serializing_if = "SupportContact::is_empty")]
    pub support: SupportContact,
}

/// The institution's support contact, shown in «Справка» of the console, the diary and the app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportContact {
    /// Who answers, e.g. «Администратор электронного журнала Петров Иван Сергеевич».
    pub name: String,
    pub phone: String,
    pub email: String,
    /// When and where, e.g. «пн–пт 9:00–17:00, каб. 214».
    pub hours: String,
}

impl SupportContact {
    pub fn is_empty(&self) -> bool {
        self.name.is_empty()
            && self.phone.is_empty()
            && self.email.is_empty()
            && self.hours.is_empty()
    }
}

/// The institution's work regime: a five- or six-day week and how many shifts (each shift has
/// its own bell schedule, [`Bell::shift`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkRegime {
    /// 5 or 6.
    pub days_per_week: u8,
    /// 1 or 2 (смены).
    pub shifts: u8,
}

impl Default for WorkRegime {
    fn default() -> Self {
        WorkRegime {
            days_per_week: 5,
            shifts: 1,
        }
    }
}

/// A room (кабинет, аудитория); a renamed room keeps its id, a room no longer used is deactivated
/// rather than removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: RoomId,
    /// e.g. «204» or «Лаборатория информатики»
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcademicYear {
    /// e.g. "2026/2027"
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl AcademicYear {
    /// Whether `date` is one of the year's days (first and last included).
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.starts_on <= date && date <= self.ends_on
    }

    /// «2026/2027 (01.09.2026 — 30.06.2027)», as refusals name the year.
    pub fn span_ru(&self) -> String {
        format!(
            "{} ({} — {})",
            self.name,
            self.starts_on.format("%d.%m.%Y"),
            self.ends_on.format("%d.%m.%Y")
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub id: PeriodId,
    /// e.g. «1 семестр»
    pub name: String,
    pub ordinal: u8,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holiday {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// One line of the bell schedule: lesson (or pair) number and its times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bell {
    pub number: u8,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    /// The shift (смена) whose schedule this line is, from 1 (absent in older snapshots: 1).
    #[serde(default = "first_shift")]
    pub shift: u8,
}

fn first_shift() -> u8 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub login: String,
    /// Full name, never initials: «Иванова Мария Петровна».
    pub full_name: String,
    pub grants: Vec<RoleGrant>,
}

/// A role of a user, optionally tied to a group (curator) or a student (student, parent), held
/// from `from` to `until` (both days included; absent: open on that side, as every grant recorded
/// before dates existed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub group_id: Option<GroupId>,
    pub student_id: Option<StudentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl RoleGrant {
    /// An undated grant (in force on every day).
    pub fn new(role: Role, group_id: Option<GroupId>, student_id: Option<StudentId>) -> Self {
        RoleGrant {
            role,
            group_id,
            student_id,
            from: None,
            until: None,
        }
    }

    /// The grant's days as journal-core's term (unchecked: a stored grant was checked when given).
    pub fn term(&self) -> GrantTerm {
        GrantTerm {
            from: self.from,
            until: self.until,
        }
    }

    /// Whether the role is held on `on` (journal-core's [`GrantTerm::in_force_on`]).
    pub fn in_force_on(&self, on: NaiveDate) -> bool {
        self.term().in_force_on(on)
    }
}

impl Snapshot {
    /// The institution as it stands on `on`: every user keeps only the grants in force that day
    /// (what permission, scope and correspondence decisions of that day read).
    /// A group names as its curator the user whose curator's grant for it is in force that day
    /// (a handover dated ahead takes effect on its day without anyone saving anything).
    pub fn keep_grants_in_force_on(&mut self, on: NaiveDate) {
        let curator_of = |u: &User, group: GroupId, on: Option<NaiveDate>| {
            u.grants.iter().any(|g| {
                g.role == Role::Curator
                    && g.group_id == Some(group)
                    && on.is_none_or(|day| g.in_force_on(day))
            })
        };
        for group in &mut self.groups {
            let dated = self.users.iter().any(|u| {
                u.grants.iter().any(|g| {
                    g.role == Role::Curator
                        && g.group_id == Some(group.id)
                        && (g.from.is_some() || g.until.is_some())
                })
            });
            if !dated {
                continue; // undated curators: the group's record is as it was kept
            }
            let holder = self
                .users
                .iter()
                .find(|u| curator_of(u, group.id, Some(on)))
                .map(|u| u.id);
            let named_held = group.curator_id.is_some_and(|c| {
                self.users
                    .iter()
                    .any(|u| u.id == c && curator_of(u, group.id, Some(on)))
            });
            if !named_held {
                group.curator_id = holder;
            }
        }
        for user in &mut self.users {
            user.grants.retain(|g| g.in_force_on(on));
        }
    }
}

impl User {
    /// The reference_version this user's device is told on `on`: the institution's `base`, moved
    /// also when one of the user's dated roles starts or ends. Nobody writes at midnight, yet what
    /// the user may read changed (a substitution's group from Monday, a curatorship that ended), so
    /// the device must fetch its copy again. The roles in force that day that carry a date are
    /// hashed into the high bits; a user with undated roles only is told `base` as it is.
    pub fn reference_version_on(&self, base: u64, on: NaiveDate) -> u64 {
        use sha2::{Digest, Sha256};
        let mut dated: Vec<String> = self
            .grants
            .iter()
            .filter(|g| (g.from.is_some() || g.until.is_some()) && g.in_force_on(on))
            .filter_map(|g| serde_json::to_string(g).ok())
            .collect();
        if dated.is_empty() {
            return base;
        }
        dated.sort();
        let digest = Sha256::digest(dated.join("\n").as_bytes());
        // 24 bits of the hash above the 32 bits any real count of reference changes stays within;
        // never 0, so the roles in force always move the number.
        let mark = u64::from(u32::from_be_bytes([0, digest[0], digest[1], digest[2]])).max(1);
        base.wrapping_add(mark << 32)
    }

    /// The user with only the grants in force on `on`: what every permission, sign-in and scope
    /// decision of that day reads.
    pub fn in_force_on(&self, on: NaiveDate) -> User {
        User {
            id: self.id,
            login: self.login.clone(),
            full_name: self.full_name.clone(),
            grants: self
                .grants
                .iter()
                .filter(|g| g.in_force_on(on))
                .cloned()
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    /// e.g. «ИС-21»
    pub name: String,
    pub course: u8,
    /// Specialty / profession, e.g. «09.02.07 Информационные системы и программирование».
    pub specialty: String,
    pub curator_id: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subgroup {
    pub id: SubgroupId,
    pub group_id: GroupId,
    /// e.g. «1 подгруппа»
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Student {
    pub id: StudentId,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub birth_date: Option<NaiveDate>,
}

impl Snapshot {
    /// Whether a student of the load's group is on the load's pages: yes, unless their membership
    /// of the group is by an individual plan that is kept and does not list the load (an ИУП not
    /// yet filled in keeps the student on every page, as before plans were kept).
    pub fn studies_load(&self, student: StudentId, load: &Load) -> bool {
        let by_plan = self
            .memberships
            .iter()
            .any(|m| m.student_id == student && m.group_id == load.group_id && m.individual_plan);
        if !by_plan {
            return true;
        }
        match self
            .individual_plans
            .iter()
            .find(|p| p.student_id == student)
        {
            Some(plan) => plan.loads.iter().any(|l| l.load_id == load.id),
            None => true,
        }
    }
}

impl Student {
    pub fn full_name(&self) -> String {
        match &self.patronymic {
            Some(p) => format!("{} {} {}", self.last_name, self.first_name, p),
            None => format!("{} {}", self.last_name, self.first_name),
        }
    }
}

/// A student's membership of a group (and optionally a subgroup) with dates: enrolment, transfer,
/// withdrawal. The journal shows a student only for lessons inside a membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub student_id: StudentId,
    pub group_id: GroupId,
    pub subgroup_id: Option<SubgroupId>,
    pub from: NaiveDate,
    /// Last day in the group (inclusive); None while still a member.
    pub to: Option<NaiveDate>,
    /// Individual curriculum (ИУП).
    pub individual_plan: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Дисциплина / предмет.
    Discipline,
    /// Междисциплинарный курс (МДК).
    Mdk,
    /// Профессиональный модуль (ПМ).
    Module,
    /// Учебная / производственная практика.
    Practice,
    /// Внеурочная деятельность (003 п. 3.1, п. 5.2.3): journaled like lessons (attendance, topics),
    /// usually «без отметок»; printed as «Журнал внеурочной деятельности», left out of the finals.
    Extracurricular,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub id: SubjectId,
    pub name: String,
    pub short_name: String,
    pub kind: SubjectKind,
    /// How finals are given in it (absent in older snapshots: five-point).
    #[serde(default)]
    pub grading: GradingScale,
    /// The профессиональный модуль (a subject of kind `Module`) an МДК or a practice belongs to
    /// (000 пп. 1.5–1.7: its journal is the module's). Absent in older snapshots and for every
    /// other kind, and then not written, so their bytes stay as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_id: Option<SubjectId>,
}

/// Teaching load: teacher × group × subject (× subgroup), with dates; a teacher replaced mid-year
/// keeps authorship of past entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    pub id: LoadId,
    pub teacher_id: UserId,
    pub group_id: GroupId,
    pub subject_id: SubjectId,
    pub subgroup_id: Option<SubgroupId>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Hours by the curriculum for the year.
    pub planned_hours: u32,
}

/// Form of промежуточная аттестация a curriculum line ends with in its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttestationForm {
    /// Экзамен.
    Exam,
    /// Зачёт.
    Credit,
    /// Дифференцированный зачёт.
    GradedCredit,
    /// Другие формы контроля (контрольная работа, …), as the plan names them.
    Other,
    /// Квалификационный экзамен по профессиональному модулю.
    QualifyingExam,
}

impl AttestationForm {
    pub fn ru(self) -> &'static str {
        match self {
            AttestationForm::Exam => "экзамен",
            AttestationForm::Credit => "зачёт",
            AttestationForm::GradedCredit => "дифференцированный зачёт",
            AttestationForm::Other => "другая форма контроля",
            AttestationForm::QualifyingExam => "квалификационный экзамен",
        }
    }

    /// The form as a column heading: «Экзамен», «Квалификационный экзамен», …
    pub fn heading_ru(self) -> String {
        let word = self.ru();
        let mut chars = word.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    /// The period ends with an exam, whose mark has its own column (`FinalColumn::Exam`).
    pub fn has_exam(self) -> bool {
        matches!(
            self,
            AttestationForm::Exam | AttestationForm::QualifyingExam
        )
    }
}

/// One cell of the учебный план: a group's hours of a subject in a period. Kept per group rather
/// than per specialty: groups of one specialty admitted in different years follow different plans,
/// and a group's loads are what the plan is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurriculumLine {
    pub group_id: GroupId,
    pub subject_id: SubjectId,
    pub period_id: PeriodId,
    pub hours: u32,
    /// None: no attestation in this period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<AttestationForm>,
}

/// The form of control of a scheduled work (001: «график контрольных работ … с учетом формы
/// контроля»).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ControlForm {
    /// Контрольная работа.
    ControlWork,
    /// Тестирование.
    Testing,
    /// Контрольный срез знаний.
    KnowledgeCut,
    /// Диктант.
    Dictation,
    /// Практическая (лабораторная) работа.
    PracticalWork,
}

impl ControlForm {
    pub const ALL: [ControlForm; 5] = [
        ControlForm::ControlWork,
        ControlForm::Testing,
        ControlForm::KnowledgeCut,
        ControlForm::Dictation,
        ControlForm::PracticalWork,
    ];

    /// As the schedule and the journal name it.
    pub fn name_ru(self) -> &'static str {
        match self {
            ControlForm::ControlWork => "Контрольная работа",
            ControlForm::Testing => "Тестирование",
            ControlForm::KnowledgeCut => "Контрольный срез знаний",
            ControlForm::Dictation => "Диктант",
            ControlForm::PracticalWork => "Практическая работа",
        }
    }
}

/// A timetable slot a lesson of a group holds: its date and bell, and the group (or its subgroup).
/// What the lesson is, who gives it and its id are not said: the slot is all a postponement into
/// it needs (the device keeps those of other teachers' lessons of its groups, [`Snapshot::busy_slots`]).
/// Ordered by the group, the subgroup, then the day and bell: the order the snapshot sends them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BusySlot {
    pub group_id: GroupId,
    /// The subgroup whose lesson it is; none for the whole group's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgroup_id: Option<SubgroupId>,
    pub date: NaiveDate,
    pub bell_number: u8,
}

/// The JSON of [`Snapshot::busy_slots`]: a teacher's groups hold thousands of slots a year, so each
/// run of one group's (or subgroup's) slots is sent once with its `[date, bell]` pairs — about a
/// fifth of the bytes of an object per slot — and read back in the same order.
mod busy_slots_wire {
    use super::BusySlot;
    use chrono::NaiveDate;
    use journal_core::{GroupId, SubgroupId};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct GroupSlots {
        group_id: GroupId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subgroup_id: Option<SubgroupId>,
        slots: Vec<(NaiveDate, u8)>,
    }

    pub fn serialize<S: Serializer>(slots: &[BusySlot], s: S) -> Result<S::Ok, S::Error> {
        let mut runs: Vec<GroupSlots> = Vec::new();
        for b in slots {
            match runs.last_mut() {
                Some(r) if r.group_id == b.group_id && r.subgroup_id == b.subgroup_id => {
                    r.slots.push((b.date, b.bell_number))
                }
                _ => runs.push(GroupSlots {
                    group_id: b.group_id,
                    subgroup_id: b.subgroup_id,
                    slots: vec![(b.date, b.bell_number)],
                }),
            }
        }
        runs.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<BusySlot>, D::Error> {
        Ok(Vec::<GroupSlots>::deserialize(d)?
            .into_iter()
            .flat_map(|r| {
                r.slots
                    .into_iter()
                    .map(move |(date, bell_number)| BusySlot {
                        group_id: r.group_id,
                        subgroup_id: r.subgroup_id,
                        date,
                        bell_number,
                    })
            })
            .collect())
    }
}

impl BusySlot {
    /// The slot `lesson` (of `load`) holds; none when the lesson is not held there (postponed or
    /// not held: its slot is free for another lesson).
    pub fn of(lesson: &Lesson, load: &Load) -> Option<BusySlot> {
        (lesson.status == LessonStatus::Scheduled).then_some(BusySlot {
            date: lesson.date,
            bell_number: lesson.bell_number,
            group_id: load.group_id,
            subgroup_id: load.subgroup_id,
        })
    }

    /// Whether a lesson of `load` at `date` and bell `bell` would meet the lesson in this slot: the
    /// same group, and the same subgroup or the whole group on either side.
    pub fn clashes(&self, load: &Load, date: NaiveDate, bell: u8) -> bool {
        self.date == date
            && self.bell_number == bell
            && self.group_id == load.group_id
            && (self.subgroup_id.is_none()
                || load.subgroup_id.is_none()
                || self.subgroup_id == load.subgroup_id)
    }
}

/// A work of the schedule of control works: ВТК (внутритехникумовский контроль, the
/// administration's monitoring of the quality of education, 001 «Заместитель директора» пп. 5–6,
/// 11) or a control work the administration plans for a load. Its marks are the cells of the
/// load's lesson on that date; the teacher sets them within `Policy::control_work_days` (001
/// «Преподаватель» п. 24); `criteria` turn a student's points into the mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlWork {
    pub id: journal_core::ControlWorkId,
    pub load_id: LoadId,
    pub date: NaiveDate,
    pub form: ControlForm,
    /// What the work is, e.g. «Входной контроль» or «Административная контрольная работа за 1
    /// семестр».
    pub title: String,
    /// Part of the ВТК (the administration's monitoring, reported on by the deputy).
    pub vtk: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<journal_core::MarkCriteria>,
}

/// A student's individual plan (ИУП): the loads (subjects) they study and their hours in each. A
/// student with an ИУП membership is on exactly these loads' pages of the group's journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndividualPlan {
    pub student_id: StudentId,
    pub loads: Vec<IndividualPlanLoad>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndividualPlanLoad {
    pub load_id: LoadId,
    /// The student's hours in the load for the year.
    pub hours: u32,
}

/// One topic of the КТП (календарно-тематический план) of a load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTopic {
    pub id: TopicId,
    pub load_id: LoadId,
    pub ordinal: u32,
    pub title: String,
    pub hours: u8,
    pub work_type: WorkType,
    /// Number of the control/lab/practical work, where the topic is one.
    pub work_number: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonStatus {
    Scheduled,
    /// Перенесён (postponed); `moved_to` on the lesson says where.
    Postponed,
    Cancelled,
}

/// A lesson of the timetable (one bell slot; `hours` = 2 for a paired lesson).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: LessonId,
    pub load_id: LoadId,
    pub date: NaiveDate,
    pub bell_number: u8,
    pub hours: u8,
    pub room: Option<String>,
    pub status: LessonStatus,
    pub moved_to: Option<NaiveDate>,
    /// «Замена»: who actually taught, instead of the load's teacher.
    pub substitute_teacher_id: Option<UserId>,
    /// Why a lesson was not held (status `Cancelled`), as the teacher or deputy wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_reason: Option<String>,
}

/// The topic recorded for one hour of a lesson (a paired lesson has one per hour).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonTopic {
    pub lesson_id: LessonId,
    /// 1 or 2.
    pub hour: u8,
    pub plan_topic_id: Option<TopicId>,
    pub title: String,
    pub work_type: WorkType,
    pub work_number: Option<u32>,
    /// Make-up (отработка) of a missed topic: the topic's original lesson.
    pub makeup_of: Option<LessonId>,
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Homework {
    pub lesson_id: LessonId,
    /// May be empty («не задано»), or «индивидуальные задания».
    pub text: String,
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

/// A journal cell: one student at one lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub lesson_id: LessonId,
    pub student_id: StudentId,
    pub value: CellValue,
    /// When the teacher entered it (device time), which the deadline and backdating rules use.
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Final {
    pub load_id: LoadId,
    pub period_id: PeriodId,
    pub student_id: StudentId,
    /// The period final, the exam's mark or the year final (in the year's last period); left out
    /// of the JSON for a period final, as before the other columns existed.
    #[serde(default, skip_serializing_if = "FinalColumn::is_period")]
    pub column: FinalColumn,
    pub value: FinalValue,
    pub entered_at: NaiveDateTime,
    pub author_id: UserId,
}

/// A period closed for editing in one load after its finals were set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodLock {
    pub load_id: LoadId,
    pub period_id: PeriodId,
    pub locked_at: NaiveDateTime,
    pub locked_by: UserId,
}

/// A locked period of a load reopened for a correction (the last `UnlockPeriod` applied while the
/// period is not locked again): who reopened it, when (their device time) and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReopening {
    pub load_id: LoadId,
    pub period_id: PeriodId,
    pub reason: String,
    pub reopened_at: NaiveDateTime,
    pub reopened_by: UserId,
}

/// «Замечания по ведению журнала» from a deputy, the director, a department head or the control
/// group to the teacher of a load (001 п. 4.13; 004 п. 4.2.1 «Еженедельно устранять замечания»). The
/// author writes it on the server; the teacher answers and marks it fixed («Устранено») on their
/// device, offline like any edit; the author confirms it or returns it. Fields after `resolved_at`
/// came later (serde defaults: older copies and snapshots still read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remark {
    pub id: uuid::Uuid,
    pub load_id: LoadId,
    pub author_id: UserId,
    pub created_at: NaiveDateTime,
    pub text: String,
    /// Set when the teacher marked it done («Устранено»); cleared when the author returns it.
    pub resolved_at: Option<NaiveDateTime>,
    /// The lesson the remark is about, if one.
    #[serde(default)]
    pub lesson_id: Option<LessonId>,
    /// The dates the remark is about, if a range («с … по …»).
    #[serde(default)]
    pub date_from: Option<NaiveDate>,
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    /// «Срок устранения»: by default `Policy::remark_deadline_days` after it was written.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub status: RemarkStatus,
    /// The teacher's answer, with the time they gave it (device time).
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub answered_at: Option<NaiveDateTime>,
    /// The author's last decision (confirmed or returned), its comment and time.
    #[serde(default)]
    pub decision_comment: Option<String>,
    #[serde(default)]
    pub decided_at: Option<NaiveDateTime>,
    /// Every step, oldest first.
    #[serde(default)]
    pub history: Vec<RemarkStep>,
}

/// Where a remark is in its cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemarkStatus {
    /// Written, waiting for the teacher.
    #[default]
    Written,
    /// The teacher answered and marked it «Устранено».
    Fixed,
    /// The author confirmed the fix.
    Confirmed,
    /// The author returned it: open again for the teacher.
    Returned,
}

impl RemarkStatus {
    /// Russian word for lists and documents.
    pub fn name_ru(self) -> &'static str {
        match self {
            RemarkStatus::Written => "открыто",
            RemarkStatus::Fixed => "устранено",
            RemarkStatus::Confirmed => "устранение подтверждено",
            RemarkStatus::Returned => "возвращено",
        }
    }
}

/// One step of a remark's cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemarkStep {
    pub at: NaiveDateTime,
    pub by: UserId,
    /// The status the step led to.
    pub status: RemarkStatus,
    /// The remark's, the answer's or the decision's text.
    #[serde(default)]
    pub text: String,
}

/// Why a remark's step was refused. Codes are stable; messages are Russian.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemarkError {
    #[error("Замечание уже устранено или закрыто: ответить можно только на открытое замечание")]
    NotOpen,
    #[error(
        "Решение принимается по устранённому замечанию, а это замечание не отмечено устранённым"
    )]
    NotFixed,
    #[error("Напишите ответ: что исправлено")]
    AnswerEmpty,
    #[error("Напишите, почему замечание возвращается")]
    ReturnReasonEmpty,
    /// A control or private-use character (journal_core::text::forbidden_char), which cannot be
    /// seen and which PostgreSQL's jsonb cannot keep (U+0000).
    #[error("В ответе недопустимый символ (U+{0:04X}): управляющие символы не допускаются")]
    AnswerForbiddenCharacter(u32),
}

impl RemarkError {
    pub fn code(&self) -> &'static str {
        match self {
            RemarkError::NotOpen => "remark_not_open",
            RemarkError::NotFixed => "remark_not_fixed",
            RemarkError::AnswerEmpty => "remark_answer_empty",
            RemarkError::ReturnReasonEmpty => "remark_return_reason_empty",
            RemarkError::AnswerForbiddenCharacter(_) => "remark_answer_forbidden_character",
        }
    }
}

impl Remark {
    /// A remark just written (status «открыто», no deadline, no lesson or dates).
    pub fn new(
        id: uuid::Uuid,
        load_id: LoadId,
        author_id: UserId,
        created_at: NaiveDateTime,
        text: String,
    ) -> Remark {
        Remark {
            id,
            load_id,
            author_id,
            created_at,
            history: vec![RemarkStep {
                at: created_at,
                by: author_id,
                status: RemarkStatus::Written,
                text: text.clone(),
            }],
            text,
            resolved_at: None,
            lesson_id: None,
            date_from: None,
            date_to: None,
            deadline: None,
            status: RemarkStatus::Written,
            answer: None,
            answered_at: None,
            decision_comment: None,
            decided_at: None,
        }
    }

    /// The status, reading a remark of an older copy (no `status`, only `resolved_at`) right.
    pub fn state(&self) -> RemarkStatus {
        if self.status == RemarkStatus::Written && self.resolved_at.is_some() {
            RemarkStatus::Fixed
        } else {
            self.status
        }
    }

    /// Whether the teacher still has to deal with it (written or returned).
    pub fn is_open(&self) -> bool {
        matches!(self.state(), RemarkStatus::Written | RemarkStatus::Returned)
    }

    /// The last day to deal with it: its deadline, or (older remarks, none set) journal-core's
    /// week after it was written.
    pub fn due_date(&self) -> NaiveDate {
        self.deadline.unwrap_or_else(|| {
            self.created_at.date() + chrono::Duration::days(journal_core::REMARK_DAYS)
        })
    }

    /// Open past its deadline on `today` (the institution's date).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due_date() < today
    }

    /// The teacher's answer with «Устранено»: the same function on the device and the server.
    pub fn answer(&mut self, by: UserId, text: &str, at: NaiveDateTime) -> Result<(), RemarkError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(RemarkError::AnswerEmpty);
        }
        if let Some(c) = journal_core::forbidden_char(text) {
            return Err(RemarkError::AnswerForbiddenCharacter(c as u32));
        }
        if !self.is_open() {
            return Err(RemarkError::NotOpen);
        }
        self.status = RemarkStatus::Fixed;
        self.answer = Some(text.to_string());
        self.answered_at = Some(at);
        self.resolved_at = Some(at);
        self.history.push(RemarkStep {
            at,
            by,
            status: RemarkStatus::Fixed,
            text: text.to_string(),
        });
        Ok(())
    }

    /// «Устранено» without an answer (the older `ResolveRemark` op).
    pub fn resolve(&mut self, by: UserId, at: NaiveDateTime) -> Result<(), RemarkError> {
        if !self.is_open() {
            return Err(RemarkError::NotOpen);
        }
        self.status = RemarkStatus::Fixed;
        self.resolved_at = Some(at);
        self.history.push(RemarkStep {
            at,
            by,
            status: RemarkStatus::Fixed,
            text: String::new(),
        });
        Ok(())
    }

    /// The author's decision on a fixed remark: confirm it, or return it (a comment required) —
    /// a returned remark is open again.
    pub fn decide(
        &mut self,
        by: UserId,
        confirm: bool,
        comment: &str,
        at: NaiveDateTime,
    ) -> Result<(), RemarkError> {
        if self.state() != RemarkStatus::Fixed {
            return Err(RemarkError::NotFixed);
        }
        let comment = comment.trim();
        if !confirm && comment.is_empty() {
            return Err(RemarkError::ReturnReasonEmpty);
        }
        let status = if confirm {
            RemarkStatus::Confirmed
        } else {
            self.resolved_at = None;
            RemarkStatus::Returned
        };
        self.status = status;
        self.decision_comment = (!comment.is_empty()).then(|| comment.to_string());
        self.decided_at = Some(at);
        self.history.push(RemarkStep {
            at,
            by,
            status,
            text: comment.to_string(),
        });
        Ok(())
    }
}

/// An отделение / ПЦК / методическое объединение: its head and its teachers. Reference data kept by
/// the administrator; a department head writes remarks to the loads of these teachers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: uuid::Uuid,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub head_id: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub teacher_ids: Vec<UserId>,
}

/// Roles that read the whole institution's journal.
fn reads_everything(role: Role) -> bool {
    matches!(
        role,
        Role::Admin
            | Role::Director
            | Role::Deputy
            | Role::DepartmentHead
            | Role::Inspector
            | Role::ControlGroup
    )
}

/// What one user may read, as rules over single values (a cell, a topic, a final…), made by
/// `Snapshot::read_scope` in the same pass as `Snapshot::for_user`, so that the snapshot a device
/// gets and the changes it pulls later are cut by one decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadScope {
    everything: bool,
    /// Lessons the user sees (own loads', curated group's, substituted in, a student's within
    /// their membership dates).
    lessons: std::collections::HashSet<LessonId>,
    /// Lessons the user sees as staff: every student's record and the topics.
    staff_lessons: std::collections::HashSet<LessonId>,
    /// Students whose own record the user reads (themself; a parent's children).
    own_students: std::collections::HashSet<StudentId>,
    /// Loads read in full (own, curated group's).
    full_loads: std::collections::HashSet<LoadId>,
    /// Loads whose finals and locks the user sees.
    period_loads: std::collections::HashSet<LoadId>,
    shows_topics: bool,
    shows_homework: bool,
}

impl ReadScope {
    fn everything() -> Self {
        ReadScope {
            everything: true,
            ..ReadScope::default()
        }
    }

    fn nothing() -> Self {
        ReadScope::default()
    }

    /// Whether the user reads the whole institution (director, deputies, admin, …).
    pub fn reads_everything(&self) -> bool {
        self.everything
    }

    /// Whether the user may read the value an op of load `load_id` wrote.
    pub fn sees(&self, load_id: LoadId, payload: &crate::OpPayload) -> bool {
        use crate::OpPayload as P;
        if self.everything {
            return true;
        }
        match payload {
            P::SetCell {
                lesson_id,
                student_id,
                ..
            } => {
                self.lessons.contains(lesson_id)
                    && (self.staff_lessons.contains(lesson_id)
                        || self.own_students.contains(student_id))
            }
            P::SetTopic { lesson_id, .. } => {
                self.staff_lessons.contains(lesson_id)
                    || (self.shows_topics && self.lessons.contains(lesson_id))
            }
            P::SetHomework { lesson_id, .. } => {
                self.staff_lessons.contains(lesson_id)
                    || (self.shows_homework && self.lessons.contains(lesson_id))
            }
            P::SetFinal {
                load_id,
                student_id,
                ..
            } => {
                self.period_loads.contains(load_id)
                    && (self.full_loads.contains(load_id) || self.own_students.contains(student_id))
            }
            P::LockPeriod { load_id, .. } | P::UnlockPeriod { load_id, .. } => {
                self.period_loads.contains(load_id)
            }
            // The teacher's and the curator's remarks (the curator reads them, 001 «Классный
            // руководитель»: «контроль за … журналом своей группы»).
            P::ResolveRemark { .. } | P::AnswerRemark { .. } | P::RemarkState { .. } => {
                self.full_loads.contains(&load_id)
            }
            // A lesson's change is part of the timetable everyone who has the lesson sees.
            P::ChangeLesson { lesson_id, .. } => self.lessons.contains(lesson_id),
        }
    }
}

impl Snapshot {
    /// The part of the institution a user's device keeps.
    ///
    /// * director, deputy, department head, admin, inspector, control group: everything;
    /// * teacher: their loads with the groups' (subgroups') students and memberships, the loads' КТП,
    ///   lessons, cells, topics, homework, finals, locks and remarks; for a lesson they substitute
    ///   in («Замена»), that lesson with its load, КТП and class list, but not the rest of that load;
    /// * curator: every load of their group (the app shows them read-only);
    /// * student / parent: the loads of the student's group (own subgroup only) and the student's
    ///   own record, cells and finals; lessons only within the student's membership dates; topics
    ///   (КТП and lesson topics) and homework only where the institution's policy lets the diary show
    ///   them (`diary_shows_topics`, `diary_shows_homework`); no remarks;
    /// * anyone else: the reference data (institution, year, periods, holidays, bells) and their own
    ///   user row; an unknown user: the reference data only.
    ///
    /// A user with several grants gets the union.
    pub fn for_user(&self, user_id: UserId) -> Snapshot {
        self.view_and_scope(user_id).0
    }

    /// What `user_id` may read, as rules over single values: the same decision as `for_user`
    /// (both come from `view_and_scope`), for filtering changes that are not in the snapshot yet
    /// (the server's `/sync/pull`).
    pub fn read_scope(&self, user_id: UserId) -> ReadScope {
        self.view_and_scope(user_id).1
    }

    /// The one place that decides what a user reads: their part of the institution, and the rules
    /// it was cut by.
    fn view_and_scope(&self, user_id: UserId) -> (Snapshot, ReadScope) {
        use std::collections::HashSet;
        let Some(user) = self.users.iter().find(|u| u.id == user_id) else {
            return (self.reference_only(), ReadScope::nothing());
        };
        if user.grants.iter().any(|g| reads_everything(g.role)) {
            return (self.clone(), ReadScope::everything());
        }

        // Loads read in full, lessons read one by one (substitutions), and whose records are
        // limited to a student's own (student, parent).
        let mut full_loads: HashSet<LoadId> = HashSet::new();
        let mut teaching: HashSet<LoadId> = HashSet::new();
        let mut own_students: HashSet<StudentId> = HashSet::new();
        for grant in &user.grants {
            match grant.role {
                Role::Teacher => {
                    for l in self.loads.iter().filter(|l| l.teacher_id == user_id) {
                        full_loads.insert(l.id);
                        teaching.insert(l.id);
                    }
                }
                Role::Curator => {
                    if let Some(g) = grant.group_id {
                        full_loads
                            .extend(self.loads.iter().filter(|l| l.group_id == g).map(|l| l.id));
                    }
                }
                Role::Student | Role::Parent => {
                    if let Some(s) = grant.student_id {
                        own_students.insert(s);
                    }
                }
                _ => {}
            }
        }
        // A student's loads: their groups' whole-group loads and their own subgroup's.
        let student_memberships: Vec<&Membership> = self
            .memberships
            .iter()
            .filter(|m| own_students.contains(&m.student_id))
            .collect();
        let mut student_loads: HashSet<LoadId> = HashSet::new();
        for l in &self.loads {
            if student_memberships.iter().any(|m| {
                m.group_id == l.group_id
                    && (l.subgroup_id.is_none() || l.subgroup_id == m.subgroup_id)
            }) {
                student_loads.insert(l.id);
            }
        }
        let load_by_id: std::collections::HashMap<LoadId, &Load> =
            self.loads.iter().map(|l| (l.id, l)).collect();
        // A substitute's lessons are theirs while they hold a teaching role (an ended one: none).
        let teaches = user
            .grants
            .iter()
            .any(|g| matches!(g.role, Role::Teacher | Role::Curator));
        let substituted: HashSet<LessonId> = self
            .lessons
            .iter()
            .filter(|l| {
                teaches
                    && l.substitute_teacher_id == Some(user_id)
                    && !full_loads.contains(&l.load_id)
            })
            .map(|l| l.id)
            .collect();
        let staff_visible_load = |id: &LoadId| full_loads.contains(id);

        // Lessons: staff see their loads' lessons; a student sees lessons inside their memberships.
        let student_sees = |lesson: &Lesson| {
            student_loads.contains(&lesson.load_id)
                && load_by_id.get(&lesson.load_id).is_some_and(|load| {
                    student_memberships.iter().any(|m| {
                        m.group_id == load.group_id
                            && (load.subgroup_id.is_none() || load.subgroup_id == m.subgroup_id)
                            && m.from <= lesson.date
                            && m.to.is_none_or(|t| lesson.date <= t)
                    })
                })
        };
        let lessons: Vec<Lesson> = self
            .lessons
            .iter()
            .filter(|l| {
                staff_visible_load(&l.load_id) || substituted.contains(&l.id) || student_sees(l)
            })
            .cloned()
            .collect();
        let lesson_ids: HashSet<LessonId> = lessons.iter().map(|l| l.id).collect();
        let staff_lessons: HashSet<LessonId> = lessons
            .iter()
            .filter(|l| staff_visible_load(&l.load_id) || substituted.contains(&l.id))
            .map(|l| l.id)
            .collect();

        let mut load_ids: HashSet<LoadId> = full_loads.clone();
        load_ids.extend(student_loads.iter().copied());
        load_ids.extend(lessons.iter().map(|l| l.load_id));
        let loads: Vec<Load> = self
            .loads
            .iter()
            .filter(|l| load_ids.contains(&l.id))
            .cloned()
            .collect();
        // Groups whose class lists the user sees (staff) and groups they only see by name.
        let staff_groups: HashSet<GroupId> = lessons
            .iter()
            .filter(|l| substituted.contains(&l.id))
            .map(|l| l.load_id)
            .chain(full_loads.iter().copied())
            .filter_map(|id| load_by_id.get(&id).map(|l| l.group_id))
            .chain(
                user.grants
                    .iter()
                    .filter(|g| g.role == Role::Curator)
                    .filter_map(|g| g.group_id),
            )
            .collect();
        let mut group_ids = staff_groups.clone();
        group_ids.extend(student_memberships.iter().map(|m| m.group_id));
        // The slots of the staff's groups held by lessons the copy does not keep: a postponement
        // into one is refused on the device as on the server, while the lesson itself (its
        // teacher, subject, topic, id) stays on the server. A family's copy changes no lesson.
        let mut busy_slots: Vec<BusySlot> = self
            .lessons
            .iter()
            .filter(|l| !lesson_ids.contains(&l.id))
            .filter_map(|l| {
                let load = load_by_id.get(&l.load_id)?;
                if !staff_groups.contains(&load.group_id) {
                    return None;
                }
                BusySlot::of(l, load)
            })
            .collect();
        // Sorted by group, so that the JSON sends each group's run once; each slot once.
        busy_slots.sort();
        busy_slots.dedup();

        let memberships: Vec<Membership> = self
            .memberships
            .iter()
            .filter(|m| staff_groups.contains(&m.group_id) || own_students.contains(&m.student_id))
            .cloned()
            .collect();
        let student_ids: HashSet<StudentId> = memberships.iter().map(|m| m.student_id).collect();
        let sees_student = |lesson: &LessonId, student: &StudentId| {
            staff_lessons.contains(lesson) || own_students.contains(student)
        };

        let mut subject_ids: HashSet<SubjectId> = loads.iter().map(|l| l.subject_id).collect();
        // An МДК's or a practice's профессиональный модуль: its journal is printed from the copy.
        subject_ids.extend(
            self.subjects
                .iter()
                .filter(|s| subject_ids.contains(&s.id))
                .filter_map(|s| s.module_id)
                .collect::<Vec<_>>(),
        );
        let mut user_ids: HashSet<UserId> = HashSet::from([user_id]);
        user_ids.extend(loads.iter().map(|l| l.teacher_id));
        user_ids.extend(lessons.iter().filter_map(|l| l.substitute_teacher_id));
        let remarks: Vec<Remark> = self
            .remarks
            .iter()
            .filter(|r| full_loads.contains(&r.load_id))
            .cloned()
            .collect();
        user_ids.extend(remarks.iter().map(|r| r.author_id));
        // A teacher's device names who reopened a locked period of theirs for a correction, and
        // knows the institution's teachers: a substitution names one, offline, and the device
        // judges it as the server does (the same `lesson_change::facts`).
        if !teaching.is_empty() {
            user_ids.extend(
                self.users
                    .iter()
                    .filter(|u| {
                        u.grants.iter().any(|g| {
                            matches!(
                                g.role,
                                Role::Director
                                    | Role::Deputy
                                    | Role::DepartmentHead
                                    | Role::Teacher
                            )
                        })
                    })
                    .map(|u| u.id),
            );
        }
        user_ids.extend(
            self.groups
                .iter()
                .filter(|g| group_ids.contains(&g.id))
                .filter_map(|g| g.curator_id),
        );
        // Loads staff work in (own, curated, substituted in): their КТП is needed to fill lessons.
        let staff_loads: HashSet<LoadId> = lessons
            .iter()
            .filter(|l| staff_lessons.contains(&l.id))
            .map(|l| l.load_id)
            .chain(full_loads.iter().copied())
            .collect();
        // What a student's or parent's diary shows beyond marks, attendance and timetable.
        let diary = &self.institution.policy;
        // Loads whose finals and locks the user sees (not those they only substituted in).
        let period_loads: HashSet<LoadId> = full_loads.union(&student_loads).copied().collect();
        let scope = ReadScope {
            everything: false,
            lessons: lesson_ids.clone(),
            staff_lessons: staff_lessons.clone(),
            own_students: own_students.clone(),
            full_loads: full_loads.clone(),
            period_loads: period_loads.clone(),
            shows_topics: diary.diary_shows_topics,
            shows_homework: diary.diary_shows_homework,
        };

        let view = Snapshot {
            institution: self.institution.clone(),
            year: self.year.clone(),
            periods: self.periods.clone(),
            holidays: self.holidays.clone(),
            bells: self.bells.clone(),
            users: self
                .users
                .iter()
                .filter(|u| user_ids.contains(&u.id))
                .cloned()
                .collect(),
            groups: self
                .groups
                .iter()
                .filter(|g| group_ids.contains(&g.id))
                .cloned()
                .collect(),
            subgroups: self
                .subgroups
                .iter()
                .filter(|s| group_ids.contains(&s.group_id))
                .cloned()
                .collect(),
            students: self
                .students
                .iter()
                .filter(|s| student_ids.contains(&s.id))
                .cloned()
                .collect(),
            memberships,
            subjects: self
                .subjects
                .iter()
                .filter(|s| subject_ids.contains(&s.id))
                .cloned()
                .collect(),
            plan_topics: self
                .plan_topics
                .iter()
                .filter(|t| {
                    staff_loads.contains(&t.load_id)
                        || (diary.diary_shows_topics && load_ids.contains(&t.load_id))
                })
                .cloned()
                .collect(),
            lesson_topics: self
                .lesson_topics
                .iter()
                .filter(|t| {
                    staff_lessons.contains(&t.lesson_id)
                        || (diary.diary_shows_topics && lesson_ids.contains(&t.lesson_id))
                })
                .cloned()
                .collect(),
            homework: self
                .homework
                .iter()
                .filter(|h| {
                    staff_lessons.contains(&h.lesson_id)
                        || (diary.diary_shows_homework && lesson_ids.contains(&h.lesson_id))
                })
                .cloned()
                .collect(),
            cells: self
                .cells
                .iter()
                .filter(|c| {
                    lesson_ids.contains(&c.lesson_id) && sees_student(&c.lesson_id, &c.student_id)
                })
                .cloned()
                .collect(),
            finals: self
                .finals
                .iter()
                .filter(|f| {
                    period_loads.contains(&f.load_id)
                        && (full_loads.contains(&f.load_id) || own_students.contains(&f.student_id))
                })
                .cloned()
                .collect(),
            locks: self
                .locks
                .iter()
                .filter(|l| period_loads.contains(&l.load_id))
                .cloned()
                .collect(),
            reopenings: self
                .reopenings
                .iter()
                .filter(|r| period_loads.contains(&r.load_id))
                .cloned()
                .collect(),
            remarks,
            loads,
            lessons,
            rooms: self.rooms.clone(),
            later_shift_bells: self.later_shift_bells.clone(),
            curriculum: self.curriculum.clone(),
            individual_plans: self
                .individual_plans
                .iter()
                .filter(|p| student_ids.contains(&p.student_id))
                .cloned()
                .collect(),
            departments: self.departments.clone(),
            control_works: self
                .control_works
                .iter()
                .filter(|w| period_loads.contains(&w.load_id))
                .cloned()
                .collect(),
            busy_slots,
            sign_ins: Vec::new(),
        };
        (view, scope)
    }

    /// The groups a student's or a parent's part of the institution can come from: every group
    /// of their own students' memberships, sorted. `None` for a user with any other grant (or no
    /// such user): their part is cut from the whole institution.
    pub fn family_groups(&self, user_id: UserId) -> Option<Vec<GroupId>> {
        let user = self.users.iter().find(|u| u.id == user_id)?;
        if user.grants.is_empty()
            || !user
                .grants
                .iter()
                .all(|g| matches!(g.role, Role::Student | Role::Parent))
        {
            return None;
        }
        let own: std::collections::HashSet<StudentId> =
            user.grants.iter().filter_map(|g| g.student_id).collect();
        let mut groups: Vec<GroupId> = self
            .memberships
            .iter()
            .filter(|m| own.contains(&m.student_id))
            .map(|m| m.group_id)
            .collect();
        groups.sort_by_key(|g| g.0);
        groups.dedup();
        Some(groups)
    }

    /// The institution with the journal (loads, their КТП, lessons, topics, homework, cells,
    /// finals, locks, remarks) of `groups` only, everything else whole. `for_user` of a user whose
    /// `family_groups` are `groups` reads the same from it as from the whole institution, at a
    /// fraction of the work (the server keeps one per group for the diary). It holds a subset of
    /// the institution, so no cut of it can show more than the whole would.
    pub fn part_for_groups(&self, groups: &[GroupId]) -> Snapshot {
        use std::collections::HashSet;
        let loads: Vec<Load> = self
            .loads
            .iter()
            .filter(|l| groups.contains(&l.group_id))
            .cloned()
            .collect();
        let load_ids: HashSet<LoadId> = loads.iter().map(|l| l.id).collect();
        let lessons: Vec<Lesson> = self
            .lessons
            .iter()
            .filter(|l| load_ids.contains(&l.load_id))
            .cloned()
            .collect();
        let lesson_ids: HashSet<LessonId> = lessons.iter().map(|l| l.id).collect();
        fn keep<T: Clone>(all: &[T], f: impl Fn(&T) -> bool) -> Vec<T> {
            all.iter().filter(|x| f(x)).cloned().collect()
        }
        Snapshot {
            institution: self.institution.clone(),
            year: self.year.clone(),
            periods: self.periods.clone(),
            holidays: self.holidays.clone(),
            bells: self.bells.clone(),
            users: self.users.clone(),
            groups: self.groups.clone(),
            subgroups: self.subgroups.clone(),
            students: self.students.clone(),
            memberships: self.memberships.clone(),
            subjects: self.subjects.clone(),
            plan_topics: keep(&self.plan_topics, |t| load_ids.contains(&t.load_id)),
            lesson_topics: keep(&self.lesson_topics, |t| lesson_ids.contains(&t.lesson_id)),
            homework: keep(&self.homework, |h| lesson_ids.contains(&h.lesson_id)),
            cells: keep(&self.cells, |c| lesson_ids.contains(&c.lesson_id)),
            finals: keep(&self.finals, |f| load_ids.contains(&f.load_id)),
            locks: keep(&self.locks, |l| load_ids.contains(&l.load_id)),
            reopenings: keep(&self.reopenings, |r| load_ids.contains(&r.load_id)),
            remarks: keep(&self.remarks, |r| load_ids.contains(&r.load_id)),
            loads,
            lessons,
            rooms: self.rooms.clone(),
            later_shift_bells: self.later_shift_bells.clone(),
            curriculum: self.curriculum.clone(),
            individual_plans: self.individual_plans.clone(),
            departments: self.departments.clone(),
            control_works: keep(&self.control_works, |w| load_ids.contains(&w.load_id)),
            // Cut from the lessons by `for_user`; the family's part has no staff.
            busy_slots: Vec::new(),
            sign_ins: Vec::new(),
        }
    }

    /// Reference data only (institution, year, periods, holidays, bells).
    fn reference_only(&self) -> Snapshot {
        Snapshot {
            institution: self.institution.clone(),
            year: self.year.clone(),
            periods: self.periods.clone(),
            holidays: self.holidays.clone(),
            bells: self.bells.clone(),
            users: Vec::new(),
            groups: Vec::new(),
            subgroups: Vec::new(),
            students: Vec::new(),
            memberships: Vec::new(),
            subjects: Vec::new(),
            loads: Vec::new(),
            plan_topics: Vec::new(),
            lessons: Vec::new(),
            lesson_topics: Vec::new(),
            homework: Vec::new(),
            cells: Vec::new(),
            finals: Vec::new(),
            locks: Vec::new(),
            remarks: Vec::new(),
            reopenings: Vec::new(),
            rooms: self.rooms.clone(),
            later_shift_bells: self.later_shift_bells.clone(),
            curriculum: Vec::new(),
            individual_plans: Vec::new(),
            departments: self.departments.clone(),
            control_works: Vec::new(),
            busy_slots: Vec::new(),
            sign_ins: Vec::new(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashSet;
    use uuid::Uuid;

    pub(crate) fn uid(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn the_reference_version_moves_when_a_dated_role_starts_or_ends_and_only_then() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default();
        let mut user = User {
            id: UserId(uid(1)),
            login: "teacher".into(),
            full_name: "Учитель".into(),
            grants: vec![RoleGrant::new(Role::Teacher, None, None)],
        };
        assert_eq!(
            user.reference_version_on(7, day(5)),
            7,
            "undated roles leave the institution's version as it is"
        );
        user.grants.push(RoleGrant {
            from: Some(day(6)),
            until: Some(day(9)),
            ..RoleGrant::new(Role::Curator, Some(GroupId(uid(2))), None)
        });
        let before = user.reference_version_on(7, day(5));
        let during = user.reference_version_on(7, day(6));
        let later = user.reference_version_on(7, day(8));
        let after = user.reference_version_on(7, day(10));
        assert_eq!(before, 7, "a role not yet in force changes nothing yet");
        assert_ne!(
            during, before,
            "the day the role starts, the device must refresh"
        );
        assert_eq!(later, during, "while it lasts, nothing moves");
        assert_eq!(
            after, 7,
            "the day after it ends, the device must refresh again"
        );
        assert_ne!(
            user.reference_version_on(8, day(6)),
            during,
            "an administrator's change still moves it while the role lasts"
        );
    }
    pub(crate) fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or(NaiveDate::MIN)
    }
    pub(crate) fn at(d: u32) -> NaiveDateTime {
        day(d).and_hms_opt(12, 0, 0).unwrap_or(NaiveDateTime::MIN)
    }
    pub(crate) fn grant(
        role: Role,
        group: Option<GroupId>,
        student: Option<StudentId>,
    ) -> RoleGrant {
        RoleGrant {
            role,
            group_id: group,
            student_id: student,
            from: None,
            until: None,
        }
    }
    #[test]
    fn an_older_grant_without_dates_reads_and_writes_as_before() {
        let old = r#"{"role":"teacher","group_id":null,"student_id":null}"#;
        let g: RoleGrant = serde_json::from_str(old).expect("a grant recorded before dates reads");
        assert_eq!(g, RoleGrant::new(Role::Teacher, None, None));
        assert!(g.in_force_on(day(1)), "an undated grant is in force");
        assert_eq!(
            serde_json::to_string(&g).expect("serialises"),
            old,
            "an undated grant is written without the date fields (older clients read it)"
        );
        let dated = RoleGrant {
            from: Some(day(2)),
            until: Some(day(5)),
            ..RoleGrant::new(Role::Curator, None, None)
        };
        let text = serde_json::to_string(&dated).expect("serialises");
        assert!(
            text.contains(r#""from":"2026-10-02""#) && text.contains(r#""until":"2026-10-05""#)
        );
    }

    /// An МДК names its профессиональный модуль; a subject without one is written as before, so
    /// older snapshots and JSON keep their bytes.
    #[test]
    fn a_subject_names_its_module_only_when_it_has_one() {
        let older = r#"{"id":"00000000-0000-0000-0000-000000000002","name":"МДК.01.01 Разработка","short_name":"МДК.01.01","kind":"mdk","grading":"five_point"}"#;
        let s: Subject = serde_json::from_str(older).expect("an older subject reads");
        assert_eq!(s.module_id, None, "no module in an older subject");
        assert_eq!(
            serde_json::to_string(&s).expect("serialises"),
            older,
            "a subject without a module keeps its bytes"
        );
        let module = SubjectId(Uuid::from_u128(7));
        let linked = Subject {
            module_id: Some(module),
            ..s
        };
        let text = serde_json::to_string(&linked).expect("serialises");
        let back: Subject = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back.module_id, Some(module), "the module is kept: {text}");
    }

    /// Внеурочная деятельность is a subject kind of its own, written `extracurricular`; subjects
    /// stored before it (and without a grading scale) read as they did.
    #[test]
    fn an_extracurricular_subject_reads_and_older_subjects_still_do() {
        let older = r#"{"id":"00000000-0000-0000-0000-000000000001","name":"Физика","short_name":"Физ.","kind":"practice"}"#;
        let s: Subject = serde_json::from_str(older).expect("an older subject reads");
        assert_eq!(
            (s.kind, s.grading),
            (SubjectKind::Practice, GradingScale::FivePoint)
        );
        let club = Subject {
            kind: SubjectKind::Extracurricular,
            grading: GradingScale::Ungraded,
            ..s
        };
        let text = serde_json::to_string(&club).expect("serialises");
        assert!(text.contains(r#""kind":"extracurricular""#), "{text}");
        let back: Subject = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, club);
    }

    #[test]
    fn only_the_grants_in_force_on_a_day_stay() {
        let ended = RoleGrant {
            until: Some(day(9)),
            ..RoleGrant::new(Role::Curator, Some(GroupId(uid(7))), None)
        };
        let later = RoleGrant {
            from: Some(day(20)),
            ..RoleGrant::new(Role::Deputy, None, None)
        };
        let u = user(
            1,
            "t",
            vec![
                grant(Role::Teacher, None, None),
                ended.clone(),
                later.clone(),
            ],
        );
        assert_eq!(
            u.in_force_on(day(10)).grants,
            vec![grant(Role::Teacher, None, None)],
            "the day after the last one and before the first one are not in force"
        );
        assert_eq!(u.in_force_on(day(9)).grants.len(), 2, "the last day is");
        assert_eq!(u.in_force_on(day(20)).grants.len(), 2, "the first day is");
    }

    #[test]
    fn a_dated_handover_names_the_curator_of_the_day() {
        let group = GroupId(uid(7));
        let old = user(
            1,
            "old",
            vec![RoleGrant {
                until: Some(day(9)),
                ..RoleGrant::new(Role::Curator, Some(group), None)
            }],
        );
        let new = user(
            2,
            "new",
            vec![RoleGrant {
                from: Some(day(10)),
                ..RoleGrant::new(Role::Curator, Some(group), None)
            }],
        );
        let base = Snapshot {
            users: vec![old.clone(), new.clone()],
            groups: vec![Group {
                id: group,
                name: "ИС-21".into(),
                course: 2,
                specialty: String::new(),
                curator_id: Some(old.id),
            }],
            ..sample()
        };
        let mut before = base.clone();
        before.keep_grants_in_force_on(day(9));
        assert_eq!(before.groups[0].curator_id, Some(old.id));
        let mut after = base.clone();
        after.keep_grants_in_force_on(day(10));
        assert_eq!(
            after.groups[0].curator_id,
            Some(new.id),
            "on the first day of the new curator's grant the group names them"
        );
        assert!(
            after.users[0].grants.is_empty(),
            "the old curator's grant ended"
        );
    }

    pub(crate) fn user(n: u128, login: &str, grants: Vec<RoleGrant>) -> User {
        User {
            id: UserId(uid(n)),
            login: login.into(),
            full_name: format!("Иванов Иван {login}"),
            grants,
        }
    }

    // Users
    const A: u128 = 1; // teacher of L1 (G1) — substituted once by B
    const B: u128 = 2; // teacher of L2 (G2)
    const C: u128 = 3; // teacher of L3 (G1, subgroup 1)
    const D: u128 = 4; // teacher of L4 (G1, subgroup 2)
    const CURATOR: u128 = 5; // curator of G1
    const DEPUTY: u128 = 6;
    pub(crate) const STUDENT: u128 = 7; // student S1 (G1, subgroup 1)
    pub(crate) const PARENT: u128 = 8;
    const OTHER: u128 = 9; // social pedagogue

    fn g1() -> GroupId {
        GroupId(uid(100))
    }
    pub(crate) fn g_unknown() -> GroupId {
        GroupId(uid(199))
    }
    fn g2() -> GroupId {
        GroupId(uid(101))
    }
    fn sg(n: u128) -> SubgroupId {
        SubgroupId(uid(110 + n))
    }
    pub(crate) fn st(n: u128) -> StudentId {
        StudentId(uid(200 + n))
    }
    pub(crate) fn ld(n: u128) -> LoadId {
        LoadId(uid(300 + n))
    }
    pub(crate) fn ls(n: u128) -> LessonId {
        LessonId(uid(400 + n))
    }

    pub(crate) fn sample() -> Snapshot {
        let subject = SubjectId(uid(50));
        let load = |n: u128, teacher: u128, group: GroupId, subgroup: Option<SubgroupId>| Load {
            id: ld(n),
            teacher_id: UserId(uid(teacher)),
            group_id: group,
            subject_id: subject,
            subgroup_id: subgroup,
            from: day(1),
            to: None,
            planned_hours: 4,
        };
        let lesson = |n: u128, load: u128, d: u32, substitute: Option<u128>| Lesson {
            id: ls(n),
            load_id: ld(load),
            date: day(d),
            bell_number: 1,
            hours: 2,
            room: None,
            status: LessonStatus::Scheduled,
            moved_to: None,
            substitute_teacher_id: substitute.map(|s| UserId(uid(s))),
            change_reason: None,
        };
        let member =
            |s: u128, group: GroupId, subgroup: Option<SubgroupId>, from: u32, to: Option<u32>| {
                Membership {
                    student_id: st(s),
                    group_id: group,
                    subgroup_id: subgroup,
                    from: day(from),
                    to: to.map(day),
                    individual_plan: false,
                }
            };
        let cell = |lesson: u128, s: u128| Cell {
            lesson_id: ls(lesson),
            student_id: st(s),
            value: CellValue::default(),
            entered_at: at(20),
            author_id: UserId(uid(A)),
        };
        let student = |n: u128| Student {
            id: st(n),
            last_name: "Петров".into(),
            first_name: "Пётр".into(),
            patronymic: None,
            birth_date: None,
        };
        let policy = Policy::default();
        Snapshot {
            institution: Institution {
                id: InstitutionId(uid(900)),
                name: "Колледж".into(),
                short_name: "К".into(),
                timezone: "Europe/Moscow".into(),
                policy,
                regime: Default::default(),
                support: Default::default(),
            },
            year: AcademicYear {
                name: "2026/2027".into(),
                starts_on: day(1),
                ends_on: day(31),
            },
            periods: vec![Period {
                id: PeriodId(uid(500)),
                name: "1 семестр".into(),
                ordinal: 1,
                starts_on: day(1),
                ends_on: day(31),
            }],
            holidays: vec![],
            bells: vec![],
            users: vec![
                user(A, "a", vec![grant(Role::Teacher, None, None)]),
                user(B, "b", vec![grant(Role::Teacher, None, None)]),
                user(C, "c", vec![grant(Role::Teacher, None, None)]),
                user(D, "d", vec![grant(Role::Teacher, None, None)]),
                user(
                    CURATOR,
                    "curator",
                    vec![grant(Role::Curator, Some(g1()), None)],
                ),
                user(DEPUTY, "deputy", vec![grant(Role::Deputy, None, None)]),
                user(
                    STUDENT,
                    "student",
                    vec![grant(Role::Student, Some(g1()), Some(st(1)))],
                ),
                user(
                    PARENT,
                    "parent",
                    vec![grant(Role::Parent, None, Some(st(1)))],
                ),
                user(
                    OTHER,
                    "other",
                    vec![grant(Role::SocialPedagogue, None, None)],
                ),
            ],
            groups: vec![
                Group {
                    id: g1(),
                    name: "ИС-11".into(),
                    course: 1,
                    specialty: "09.02.07".into(),
                    curator_id: Some(UserId(uid(CURATOR))),
                },
                Group {
                    id: g2(),
                    name: "БУ-11".into(),
                    course: 1,
                    specialty: "38.02.01".into(),
                    curator_id: None,
                },
            ],
            subgroups: vec![
                Subgroup {
                    id: sg(1),
                    group_id: g1(),
                    name: "1 подгруппа".into(),
                },
                Subgroup {
                    id: sg(2),
                    group_id: g1(),
                    name: "2 подгруппа".into(),
                },
            ],
            // S1, S2 in G1 (subgroups 1, 2); S3 in G2; S4 moved from G2 to G1 on the 15th.
            students: vec![student(1), student(2), student(3), student(4)],
            memberships: vec![
                member(1, g1(), Some(sg(1)), 1, None),
                member(2, g1(), Some(sg(2)), 1, None),
                member(3, g2(), None, 1, None),
                member(4, g2(), None, 1, Some(14)),
                member(4, g1(), Some(sg(2)), 15, None),
            ],
            subjects: vec![Subject {
                id: subject,
                name: "Математика".into(),
                short_name: "Мат.".into(),
                kind: SubjectKind::Discipline,
                grading: Default::default(),
                module_id: None,
            }],
            loads: vec![
                load(1, A, g1(), None),
                load(2, B, g2(), None),
                load(3, C, g1(), Some(sg(1))),
                load(4, D, g1(), Some(sg(2))),
            ],
            plan_topics: vec![PlanTopic {
                id: TopicId(uid(600)),
                load_id: ld(2),
                ordinal: 1,
                title: "Матрицы".into(),
                hours: 2,
                work_type: WorkType::Lesson,
                work_number: None,
            }],
            lessons: vec![
                lesson(1, 1, 5, None),
                lesson(2, 1, 6, Some(B)),
                lesson(3, 2, 5, None),
                lesson(4, 3, 5, None),
                lesson(5, 4, 5, None),
                lesson(6, 2, 16, None),
            ],
            lesson_topics: vec![],
            homework: vec![
                Homework {
                    lesson_id: ls(3),
                    text: "№ 1".into(),
                    entered_at: at(5),
                    author_id: UserId(uid(B)),
                },
                Homework {
                    lesson_id: ls(1),
                    text: "№ 2".into(),
                    entered_at: at(5),
                    author_id: UserId(uid(A)),
                },
            ],
            cells: vec![
                cell(1, 1),
                cell(1, 2),
                cell(2, 1),
                cell(2, 2),
                cell(3, 3),
                cell(4, 1),
                cell(5, 2),
            ],
            finals: vec![
                Final {
                    load_id: ld(1),
                    period_id: PeriodId(uid(500)),
                    student_id: st(1),
                    column: FinalColumn::Period,
                    value: FinalValue::Pass,
                    entered_at: at(30),
                    author_id: UserId(uid(A)),
                },
                Final {
                    load_id: ld(1),
                    period_id: PeriodId(uid(500)),
                    student_id: st(2),
                    column: FinalColumn::Period,
                    value: FinalValue::Pass,
                    entered_at: at(30),
                    author_id: UserId(uid(A)),
                },
            ],
            locks: vec![PeriodLock {
                load_id: ld(1),
                period_id: PeriodId(uid(500)),
                locked_at: at(30),
                locked_by: UserId(uid(A)),
            }],
            remarks: vec![Remark::new(
                uid(700),
                ld(1),
                UserId(uid(DEPUTY)),
                at(7),
                "Заполнить тему".into(),
            )],
            reopenings: [1, 2]
                .into_iter()
                .map(|n| PeriodReopening {
                    load_id: ld(n),
                    period_id: PeriodId(uid(501)),
                    reason: "ошибка в итоговой".into(),
                    reopened_at: at(40),
                    reopened_by: UserId(uid(DEPUTY)),
                })
                .collect(),
            rooms: Vec::new(),
            later_shift_bells: Vec::new(),
            curriculum: Vec::new(),
            individual_plans: Vec::new(),
            departments: Vec::new(),
            control_works: Vec::new(),
            busy_slots: Vec::new(),
            sign_ins: Vec::new(),
        }
    }

    fn lesson_ids(s: &Snapshot) -> HashSet<LessonId> {
        s.lessons.iter().map(|l| l.id).collect()
    }
    fn load_ids(s: &Snapshot) -> HashSet<LoadId> {
        s.loads.iter().map(|l| l.id).collect()
    }

    #[test]
    fn deputy_keeps_everything() {
        let snap = sample();
        assert_eq!(
            snap.for_user(UserId(uid(DEPUTY))),
            snap,
            "a deputy reads the whole institution"
        );
    }

    #[test]
    fn a_teacher_knows_who_may_reopen_their_periods() {
        let mut full = sample();
        full.users.push(user(
            1001,
            "director",
            vec![grant(Role::Director, None, None)],
        ));
        let teacher = full.for_user(UserId(uid(A)));
        assert!(
            teacher.users.iter().any(|u| u.login == "director"),
            "the teacher's copy names a director who may reopen their locked period"
        );
        let other = full.for_user(UserId(uid(OTHER)));
        assert_eq!(
            other.users.len(),
            1,
            "a user without loads still gets only their own row"
        );
    }

    #[test]
    fn teacher_keeps_own_loads_only() {
        let snap = sample().for_user(UserId(uid(A)));
        assert_eq!(
            load_ids(&snap),
            HashSet::from([ld(1)]),
            "teacher A keeps only load L1"
        );
        assert_eq!(
            lesson_ids(&snap),
            HashSet::from([ls(1), ls(2)]),
            "including the lesson B substituted"
        );
        assert_eq!(snap.cells.len(), 4, "all cells of L1's two lessons");
        assert_eq!(snap.finals.len(), 2, "L1's finals");
        assert_eq!(snap.locks.len(), 1, "L1's lock");
        assert_eq!(
            snap.reopenings
                .iter()
                .map(|r| r.load_id)
                .collect::<Vec<_>>(),
            vec![ld(1)],
            "L1's reopening, not B's"
        );
        assert_eq!(snap.remarks.len(), 1, "the remark addressed to L1");
        let groups: HashSet<GroupId> = snap.groups.iter().map(|g| g.id).collect();
        assert_eq!(groups, HashSet::from([g1()]), "only the group of L1");
        let students: HashSet<StudentId> = snap.students.iter().map(|s| s.id).collect();
        assert_eq!(
            students,
            HashSet::from([st(1), st(2), st(4)]),
            "G1's students incl. the one transferred in"
        );
        assert!(
            snap.memberships.iter().all(|m| m.group_id == g1()),
            "memberships in other groups are not sent"
        );
        assert!(
            snap.homework.iter().all(|h| h.lesson_id == ls(1)) && snap.plan_topics.is_empty(),
            "nothing of B's load"
        );
        assert_eq!(snap.homework.len(), 1, "own lesson's homework");
    }

    #[test]
    fn a_teacher_keeps_the_slots_of_the_groups_other_lessons_and_nothing_else_of_them() {
        let slot = |d: u32, subgroup: Option<u128>| BusySlot {
            date: day(d),
            bell_number: 1,
            group_id: g1(),
            subgroup_id: subgroup.map(sg),
        };
        let mut full = sample();
        // L4's lesson is postponed: its slot is free for another lesson.
        full.lessons.push(Lesson {
            id: ls(7),
            status: LessonStatus::Postponed,
            moved_to: Some(day(20)),
            date: day(7),
            ..full.lessons[4].clone()
        });
        let a = full.for_user(UserId(uid(A)));
        assert_eq!(
            a.busy_slots,
            vec![slot(5, Some(1)), slot(5, Some(2))],
            "A's group's subgroup lessons of C and D on the 5th; not B's group's, not a postponed one"
        );
        assert_eq!(lesson_ids(&a), HashSet::from([ls(1), ls(2)]));
        assert_eq!(load_ids(&a), HashSet::from([ld(1)]));
        let json = serde_json::to_string(&a).expect("the copy serializes");
        for id in [ls(4).0, ls(5).0, ls(7).0, ld(3).0, ld(4).0] {
            assert!(
                !json.contains(&id.to_string()),
                "no id of another teacher's lesson or load leaves the server: {id}"
            );
        }
        // The subgroup's teacher: the whole group's lessons of A (one substituted by B) and the
        // other subgroup's.
        let c = full.for_user(UserId(uid(C)));
        assert_eq!(
            c.busy_slots,
            vec![slot(5, None), slot(6, None), slot(5, Some(2))]
        );
        // Each group's (subgroup's) run is sent once with its [date, bell] pairs, and reads back
        // as it was.
        let wire = serde_json::to_value(&c).expect("the copy serializes");
        assert_eq!(
            wire["busy_slots"],
            serde_json::json!([
                {"group_id": g1(), "slots": [[day(5), 1], [day(6), 1]]},
                {"group_id": g1(), "subgroup_id": sg(2), "slots": [[day(5), 1]]},
            ])
        );
        let back: Snapshot = serde_json::from_value(wire).expect("the copy reads back");
        assert_eq!(back, c);
        // The curator keeps every lesson of the group: no slot is missing from the copy.
        assert!(full.for_user(UserId(uid(CURATOR))).busy_slots.is_empty());
        // A family changes no lesson; a deputy keeps everything.
        for family in [STUDENT, PARENT, DEPUTY, OTHER] {
            assert!(full.for_user(UserId(uid(family))).busy_slots.is_empty());
        }
        // Without slots the JSON is as before the field.
        let student =
            serde_json::to_value(full.for_user(UserId(uid(STUDENT)))).expect("the copy serializes");
        assert!(student.get("busy_slots").is_none());
    }

    #[test]
    fn substitute_keeps_the_substituted_lesson_not_the_whole_load() {
        let snap = sample().for_user(UserId(uid(B)));
        assert_eq!(
            load_ids(&snap),
            HashSet::from([ld(1), ld(2)]),
            "own load plus the substituted lesson's load"
        );
        assert_eq!(
            lesson_ids(&snap),
            HashSet::from([ls(2), ls(3), ls(6)]),
            "of A's load only the lesson B substituted in"
        );
        assert_eq!(
            snap.cells.iter().filter(|c| c.lesson_id == ls(2)).count(),
            2,
            "the substituted lesson's cells, to fill it in"
        );
        assert!(
            snap.finals.is_empty() && snap.locks.is_empty() && snap.remarks.is_empty(),
            "no finals, locks or remarks of a load only substituted in"
        );
        assert_eq!(snap.homework.len(), 1, "own lessons' homework");
        assert_eq!(snap.plan_topics.len(), 1, "own КТП");
    }

    #[test]
    fn subgroup_teacher_and_curator() {
        let c = sample().for_user(UserId(uid(C)));
        assert_eq!(
            lesson_ids(&c),
            HashSet::from([ls(4)]),
            "subgroup teacher keeps own subgroup load"
        );
        let cur = sample().for_user(UserId(uid(CURATOR)));
        assert_eq!(
            load_ids(&cur),
            HashSet::from([ld(1), ld(3), ld(4)]),
            "a curator keeps every load of their group"
        );
        assert_eq!(cur.finals.len(), 2, "a curator sees the group's finals");
        assert_eq!(
            cur.remarks.iter().map(|r| r.load_id).collect::<Vec<_>>(),
            vec![ld(1)],
            "the curator sees the remarks on their group's loads (read-only in the app)"
        );
    }

    #[test]
    fn a_remark_goes_written_fixed_returned_fixed_confirmed() {
        let (author, teacher) = (UserId(uid(1)), UserId(uid(2)));
        let mut r = Remark::new(
            uid(9),
            LoadId(uid(3)),
            author,
            at(5),
            "Заполнить тему".into(),
        );
        r.deadline = Some(day(12));
        assert!(
            r.is_open() && !r.is_overdue(day(12)),
            "due on the 12th itself"
        );
        assert!(r.is_overdue(day(13)), "open past the deadline is overdue");
        assert_eq!(
            r.decide(author, true, "", at(6)),
            Err(RemarkError::NotFixed),
            "nothing to confirm before the teacher's answer"
        );
        assert_eq!(
            r.answer(teacher, "  ", at(6)),
            Err(RemarkError::AnswerEmpty)
        );
        r.answer(teacher, "Тема записана", at(6))
            .expect("open remark answered");
        assert_eq!(r.state(), RemarkStatus::Fixed);
        assert!(!r.is_overdue(day(20)), "a fixed remark is not overdue");
        assert_eq!(r.answer(teacher, "ещё", at(7)), Err(RemarkError::NotOpen));
        assert_eq!(
            r.decide(author, false, " ", at(7)),
            Err(RemarkError::ReturnReasonEmpty),
            "returning needs a reason"
        );
        r.decide(author, false, "Тема не из КТП", at(7))
            .expect("returned");
        assert!(
            r.is_open() && r.resolved_at.is_none(),
            "returned = open again"
        );
        r.answer(teacher, "Тема из КТП", at(8))
            .expect("answered again");
        r.decide(author, true, "", at(9)).expect("confirmed");
        assert_eq!(r.state(), RemarkStatus::Confirmed);
        assert_eq!(
            r.history.iter().map(|s| s.status).collect::<Vec<_>>(),
            vec![
                RemarkStatus::Written,
                RemarkStatus::Fixed,
                RemarkStatus::Returned,
                RemarkStatus::Fixed,
                RemarkStatus::Confirmed
            ],
            "every step is in the history"
        );
        let old: Remark = serde_json::from_str(&format!(
            r#"{{"id":"{}","load_id":"{}","author_id":"{}","created_at":"2026-10-05T12:00:00","text":"т","resolved_at":"2026-10-06T12:00:00"}}"#,
            uid(9),
            uid(3),
            uid(1)
        ))
        .expect("a remark of an older copy reads");
        assert_eq!(
            old.state(),
            RemarkStatus::Fixed,
            "resolved_at alone means fixed"
        );
    }

    #[test]
    fn student_and_parent_keep_own_records() {
        for who in [STUDENT, PARENT] {
            let snap = sample().for_user(UserId(uid(who)));
            assert_eq!(
                load_ids(&snap),
                HashSet::from([ld(1), ld(3)]),
                "group load and own subgroup's load"
            );
            assert_eq!(
                lesson_ids(&snap),
                HashSet::from([ls(1), ls(2), ls(4)]),
                "the student's lessons"
            );
            assert!(
                snap.cells.iter().all(|c| c.student_id == st(1)),
                "only own cells"
            );
            assert_eq!(snap.cells.len(), 3, "own cells at the three lessons");
            assert_eq!(snap.students.len(), 1, "no classmates' records");
            assert_eq!(snap.finals.len(), 1, "own final only");
            assert!(snap.remarks.is_empty(), "no remarks");
            assert!(
                snap.homework.is_empty(),
                "by default the diary shows marks, attendance and timetable only"
            );
        }
        let mut open = sample();
        open.institution.policy.diary_shows_homework = true;
        open.institution.policy.diary_shows_topics = true;
        let snap = open.for_user(UserId(uid(STUDENT)));
        let homework: Vec<LessonId> = snap.homework.iter().map(|h| h.lesson_id).collect();
        assert_eq!(
            homework,
            vec![ls(1)],
            "with the policy, homework of the student's own lessons"
        );
    }

    #[test]
    fn transferred_student_sees_lessons_within_membership_dates() {
        let mut snap = sample();
        snap.users.push(user(
            10,
            "s4",
            vec![grant(Role::Student, None, Some(st(4)))],
        ));
        let mine = snap.for_user(UserId(uid(10)));
        assert!(
            mine.lessons.iter().any(|l| l.id == ls(3)),
            "G2 lesson on the 5th, before the transfer"
        );
        assert!(
            !mine.lessons.iter().any(|l| l.id == ls(6)),
            "G2 lesson on the 16th, after the transfer"
        );
        assert!(
            !mine.lessons.iter().any(|l| l.id == ls(5)),
            "G1 subgroup-2 lesson on the 5th, before joining"
        );
    }

    #[test]
    fn others_get_reference_data_only() {
        let snap = sample();
        let other = snap.for_user(UserId(uid(OTHER)));
        assert!(
            other.lessons.is_empty() && other.students.is_empty(),
            "no journal without a scope"
        );
        assert_eq!(other.users.len(), 1, "own user row");
        let unknown = snap.for_user(UserId(uid(9999)));
        assert!(
            unknown.users.is_empty() && unknown.loads.is_empty(),
            "an unknown user gets nothing"
        );
        assert_eq!(unknown.periods, snap.periods, "reference data stays");
    }
}
