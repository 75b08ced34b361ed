//! The server's authority over one op: given what the storage read about the op's target (inside the
//! op's transaction), decide — with journal-core's rules, never rules of its own — whether the op is
//! applied, merges with an identical value, conflicts with the value accepted first, or is refused.
//! Pure, so both storage backends share it and it is tested without a database.

use journal_core::cell::classify_change;
use journal_core::permissions;
use journal_core::timing::EntryKind;
use journal_core::topic::validate_topic;
use journal_core::{
    check_can_unlock, check_unlocked, parse_cell, Action, CellValue, DeviceId, FinalValue,
    LessonInfo, Policy, Role, RuleError, Scope, WorkType,
};
use journal_protocol::{
    Bell, Lesson, Load, Membership, Op, OpPayload, Period, Remark, Subject, User,
};
use serde_json::json;

/// How far a device's clock may run ahead of the server's before its entry times are refused.
pub const DEVICE_CLOCK_TOLERANCE_MINUTES: i64 = 5;

/// How far an op's entry time may fall below what the device had already done or seen (its
/// previous op's entry time; the server time of the last change it was sent) before the rules stop
/// believing it: clocks drift and are corrected, but not by more than this.
pub const ENTRY_FLOOR_TOLERANCE_MINUTES: i64 = 10;

/// The device's latest entry time after an op entered at `device_time`: never lowered, and never
/// raised past the server's own clock (a clock running ahead would otherwise push the floor of
/// every later op into the future).
pub fn next_last_entry(
    previous: Option<chrono::NaiveDateTime>,
    device_time: chrono::NaiveDateTime,
    received_local: Option<chrono::NaiveDateTime>,
) -> chrono::NaiveDateTime {
    let believed = received_local.map_or(device_time, |now| device_time.min(now));
    previous.map_or(believed, |p| p.max(believed))
}

/// The earliest entry time an op of a device can truly have: the later of its previous op's entry
/// time and the (local) server time of the last change it had seen, less the tolerance.
pub fn entry_floor(
    previous_op: Option<chrono::NaiveDateTime>,
    seen_change: Option<chrono::NaiveDateTime>,
) -> Option<chrono::NaiveDateTime> {
    let latest = match (previous_op, seen_change) {
        (Some(a), Some(b)) => a.max(b),
        (a, b) => a.or(b)?,
    };
    Some(latest - chrono::Duration::minutes(ENTRY_FLOOR_TOLERANCE_MINUTES))
}

/// The institution's local time (the time devices sign into ops) at the UTC instant `utc`; None
/// if the institution's zone name is unknown.
pub fn local_time(timezone: &str, utc: chrono::NaiveDateTime) -> Option<chrono::NaiveDateTime> {
    use chrono::TimeZone;
    let tz: chrono_tz::Tz = timezone.parse().ok()?;
    Some(tz.from_utc_datetime(&utc).naive_local())
}

/// The current value of the op's target and which device wrote it (None: imported, not synced).
#[derive(Debug, Clone, PartialEq)]
pub struct Existing<T> {
    pub value: T,
    pub device_id: Option<DeviceId>,
    /// The server_seq of the change that wrote the value (None: imported, not synced): a device
    /// whose op had seen this far had the value on screen.
    pub server_seq: Option<u64>,
    /// Who entered the value and when: what an identical value merged into it keeps (see
    /// [`crate::merge`]).
    pub entered: Entered,
}

/// The author of a stored value and its entry time (by the author's device clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entered {
    pub author_id: journal_core::UserId,
    pub at: chrono::NaiveDateTime,
}

impl<T> Existing<T> {
    /// Whether `op` edits this value as a sequential edit: the value is its own device's, came
    /// with `init` or an import (no device and no server_seq: it is in every device's first
    /// snapshot), or the device had pulled it before the edit (`seen_seq`). Otherwise a different
    /// value is a concurrent edit, and the first accepted wins.
    ///
    /// `given_seq` is the last server_seq the server sent that device: what the op claims to have
    /// seen is capped at it, so a device cannot claim values it was never given.
    pub fn seen_by(&self, op: &Op, given_seq: Option<u64>) -> bool {
        let seen = given_seq.map_or(op.seen_seq, |given| op.seen_seq.min(given));
        (self.device_id.is_none() && self.server_seq.is_none())
            || self.device_id == Some(op.device_id)
            || self.server_seq.is_some_and(|seq| seen > 0 && seq <= seen)
    }
}

/// What the storage read for one op, inside the op's transaction.
#[derive(Debug, Clone, Default)]
pub struct OpContext {
    pub policy: Policy,
    /// When the server received the op, in the institution's local time (None: zone unknown).
    pub received_local: Option<chrono::NaiveDateTime>,
    /// The op's author as the server knows them now (current roles).
    pub author: Option<User>,
    pub lesson: Option<Lesson>,
    pub load: Option<Load>,
    pub subject: Option<Subject>,
    pub bell: Option<Bell>,
    /// The lesson's period (by date), or the period named by the op.
    pub period: Option<Period>,
    pub locked: bool,
    /// The work type recorded for the lesson (first hour's topic), which sets the marks' deadline.
    pub lesson_work_type: Option<WorkType>,
    /// Memberships of the op's student.
    pub memberships: Vec<Membership>,
    pub cell: Option<Existing<CellValue>>,
    pub final_value: Option<Existing<FinalValue>>,
    pub remark: Option<Remark>,
    /// The last server_seq the server sent the op's device (None: not recorded for this device).
    pub device_given_seq: Option<u64>,
    /// The name of whoever entered the value already there (cell or final), when it is not the
    /// op's author: a conflict says who entered the value that stays.
    pub kept_by: Option<String>,
    /// [`entry_floor`] for the op's device: an entry time below it is a clock set back, and the
    /// deadline rules judge the op at the floor instead (a mark for 26.11 sent on 05.12 after a
    /// pull on 05.12 is a 05.12 entry, whatever the device says).
    pub entry_floor: Option<chrono::NaiveDateTime>,
    /// For a lesson change: what `lesson_change::check` needs, read by the storage
    /// ([`lesson_facts`]).
    pub lesson_facts: Option<journal_protocol::LessonFacts>,
    /// For a lock: how many students on the load's list have no final of the period
    /// (`journal_protocol::students_needing_final` against the finals stored).
    pub students_without_final: Option<usize>,
    /// For a final in the exam's column: the учебный план ends the load's period with an exam.
    pub exam_in_period: bool,
    /// The op's period is the academic year's last (where a year final is given).
    pub last_period: bool,
}

impl OpContext {
    /// The entry time the rules judge the op by: its device time, raised to the floor.
    pub fn entry_time(&self, op: &Op) -> chrono::NaiveDateTime {
        self.entry_floor
            .map_or(op.device_time, |floor| op.device_time.max(floor))
    }
}

/// The value a final's column holds, as a conflict names it.
fn final_word(column: journal_core::FinalColumn) -> &'static str {
    match column {
        journal_core::FinalColumn::Period => "Итоговая отметка",
        journal_core::FinalColumn::Exam => "Отметка за экзамен",
        journal_core::FinalColumn::Year => "Годовая отметка",
    }
}

/// Who entered the value already at the op's target, when it is someone else than the op's
/// author (the storage then looks up their name for [`OpContext::kept_by`]).
pub fn kept_author(ctx: &OpContext, op: &Op) -> Option<journal_core::UserId> {
    let id = match (&ctx.cell, &ctx.final_value) {
        (Some(c), _) => c.entered.author_id,
        (None, Some(f)) => f.entered.author_id,
        (None, None) => return None,
    };
    (id != op.user_id).then_some(id)
}

/// «выставлено: Иванова Мария Петровна, 05.12.2026 в 10:15, на другом устройстве; сервер принял его
/// первым»: who entered the value a conflict keeps and when (their entry time); it stays because
/// it was accepted first, whatever the clocks say.
fn kept_phrase<T>(ex: &Existing<T>, ctx: &OpContext, op: &Op) -> String {
    let when = ex.entered.at.format("%d.%m.%Y в %H:%M");
    let who = match &ctx.kept_by {
        Some(name) => name.as_str(),
        None if ex.entered.author_id == op.user_id => "вы",
        None => "другой пользователь",
    };
    format!("выставлено: {who}, {when}, на другом устройстве; сервер принял его первым")
}

/// What to do with the op.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Write the op's value.
    Apply,
    /// The same value is already there: accept, change nothing.
    Merge,
    /// Another device's different value was accepted first; it stays.
    Conflict {
        server_value: serde_json::Value,
        message: String,
    },
    Reject {
        code: String,
        message: String,
    },
}

impl Decision {
    fn reject(code: &str, message: impl Into<String>) -> Self {
        Decision::Reject {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

impl From<RuleError> for Decision {
    fn from(e: RuleError) -> Self {
        Decision::Reject {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// The scope of `load` for the user holding `grant`.
fn scope_for(
    user: &User,
    role: Role,
    group_of_grant: Option<journal_core::GroupId>,
    load: &Load,
    lesson: Option<&Lesson>,
) -> Scope {
    // The app's decision too: once a substitute is recorded, the lesson is theirs to fill.
    permissions::scope_for(
        user.id,
        role,
        group_of_grant,
        load.teacher_id,
        load.group_id,
        lesson.map(|l| l.substitute_teacher_id),
    )
}

/// Whether any of the user's roles allows `action` on `load` (journal-core decides, per role).
pub fn authorise(
    user: &User,
    action: Action,
    load: &Load,
    lesson: Option<&Lesson>,
    policy: &Policy,
) -> Result<(), RuleError> {
    let mut first_refusal = None;
    for grant in &user.grants {
        let scope = scope_for(user, grant.role, grant.group_id, load, lesson);
        match permissions::check(grant.role, action, scope, policy) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_refusal.get_or_insert(e);
            }
        }
    }
    Err(first_refusal
        .unwrap_or_else(|| RuleError::Forbidden("у пользователя нет ни одной роли".to_string())))
}

/// Whether one of the user's roles may reopen `load`'s locked period with `reason`: journal-core's
/// `check_can_unlock` for the role, and the permission table for the role's scope on the load.
pub fn authorise_unlock(
    user: &User,
    load: &Load,
    reason: &str,
    policy: &Policy,
) -> Result<(), RuleError> {
    let mut first_refusal = None;
    for grant in &user.grants {
        let scope = scope_for(user, grant.role, grant.group_id, load, None);
        let checked = permissions::check(grant.role, Action::UnlockPeriod, scope, policy)
            .and_then(|()| check_can_unlock(grant.role, Some(reason), policy));
        match checked {
            Ok(()) => return Ok(()),
            // A missing reason is the answer for a role that may reopen, whatever came before.
            Err(e @ RuleError::CorrectionReasonRequired) => return Err(e),
            Err(e) => {
                first_refusal.get_or_insert(e);
            }
        }
    }
    Err(first_refusal
        .unwrap_or_else(|| RuleError::Forbidden("у пользователя нет ни одной роли".to_string())))
}

fn lesson_info(lesson: &Lesson, bell: Option<&Bell>, work_type: WorkType) -> LessonInfo {
    // Without a bell line the whole day counts as the lesson's time (the rules then only see dates).
    let (starts, ends) = match bell {
        Some(b) => (b.starts, b.ends),
        None => (
            chrono::NaiveTime::MIN,
            chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(chrono::NaiveTime::MIN),
        ),
    };
    LessonInfo {
        date: lesson.date,
        starts_at: lesson.date.and_time(starts),
        ends_at: lesson.date.and_time(ends),
        hours: lesson.hours,
        work_type,
    }
}

fn member_on(memberships: &[Membership], load: &Load, date: chrono::NaiveDate) -> bool {
    memberships.iter().any(|m| {
        m.group_id == load.group_id
            && m.from <= date
            && m.to.is_none_or(|to| date <= to)
            && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
    })
}

fn member_during(memberships: &[Membership], load: &Load, period: &Period) -> bool {
    memberships.iter().any(|m| {
        m.group_id == load.group_id
            && m.from <= period.ends_on
            && m.to.is_none_or(|to| period.starts_on <= to)
            && (load.subgroup_id.is_none() || m.subgroup_id == load.subgroup_id)
    })
}

macro_rules! try_rule {
    ($e:expr) => {
        if let Err(e) = $e {
            return Decision::from(e);
        }
    };
}

/// Decides one op. `ctx` must hold what the op's payload refers to (see the storage's reader).
pub fn decide(op: &Op, ctx: &OpContext) -> Decision {
    let Some(author) = ctx.author.as_ref() else {
        return Decision::reject("unknown_user", "Автор операции не найден на сервере");
    };
    let policy = &ctx.policy;
    // The entry time is the device's; a device clock ahead of the server's would let a teacher
    // enter a lesson that has not happened yet, so such a time is refused outright.
    if let Some(received) = ctx.received_local {
        try_rule!(journal_core::timing::check_device_time(
            op.device_time,
            received,
            chrono::Duration::minutes(DEVICE_CLOCK_TOLERANCE_MINUTES)
        ));
    }
    match &op.payload {
        OpPayload::SetCell { value, reason, .. } => {
            let (Some(lesson), Some(load)) = (ctx.lesson.as_ref(), ctx.load.as_ref()) else {
                return Decision::reject("unknown_lesson", "Урок не найден на сервере");
            };
            let stored = ctx
                .cell
                .as_ref()
                .map(|c| c.value.clone())
                .unwrap_or_default();
            try_rule!(journal_core::authorise_cell_change(
                &stored,
                value,
                |action| { authorise(author, action, load, Some(lesson), policy) }
            ));
            if !member_on(&ctx.memberships, load, lesson.date) {
                return RuleError::StudentNotInGroup.into();
            }
            try_rule!(check_unlocked(ctx.locked));
            if let Err(e) = journal_protocol::lesson_change::check_held(lesson) {
                return Decision::reject(e.code(), e.to_string());
            }
            // The value must be exactly what journal-core's parser makes of its own symbol: this
            // validates marks, double marks (by subject) and combinations with the one rule set.
            // Whether the subject allows a double mark matters only for a value with one (a
            // symbol with '/'); the check normalises subject names, too dear for every op.
            let symbol = value.symbol();
            let double_ok = symbol.contains('/')
                && ctx
                    .subject
                    .as_ref()
                    .is_some_and(|s| policy.allows_double_mark(&s.name));
            match parse_cell(&symbol, double_ok, policy) {
                Ok(parsed) if parsed == *value => {}
                Ok(_) => {
                    return Decision::reject(
                        "invalid_cell_value",
                        format!("Недопустимая запись в клетке: «{}»", value.symbol()),
                    )
                }
                Err(e) => return e.into(),
            }
            // A value the device wrote or had pulled before the edit is its history (a sequential
            // edit, a correction under check_entry's rules); a value from elsewhere that it never
            // saw and that differs is a concurrent edit: the first accepted wins.
            let (old, concurrent) = match &ctx.cell {
                Some(ex) if ex.seen_by(op, ctx.device_given_seq) => (ex.value.clone(), false),
                Some(ex) => (CellValue::default(), !ex.value.is_empty()),
                None => (CellValue::default(), false),
            };
            if let Some(ex) = &ctx.cell {
                if ex.value == *value {
                    return Decision::Merge;
                }
            }
            // Clearing a value another device entered is not a no-op to merge away: the device
            // never saw that value, so the teacher must see that their clearing was not taken (I7).
            if concurrent && value.is_empty() {
                if let Some(ex) = &ctx.cell {
                    return Decision::Conflict {
                        server_value: json!(ex.value),
                        message: format!(
                            "В клетке стоит «{}» ({}); очистка клетки не принята",
                            ex.value.symbol(),
                            kept_phrase(ex, ctx, op)
                        ),
                    };
                }
            }
            let Some(kind) = classify_change(&old, value) else {
                return Decision::Merge;
            };
            let info = lesson_info(
                lesson,
                ctx.bell.as_ref(),
                ctx.lesson_work_type.unwrap_or(WorkType::Lesson),
            );
            try_rule!(journal_core::timing::check_entry_with_reason(
                &info,
                ctx.entry_time(op),
                kind,
                policy,
                reason.as_deref()
            ));
            if concurrent {
                if let Some(ex) = &ctx.cell {
                    return Decision::Conflict {
                        server_value: json!(ex.value),
                        message: format!(
                            "В клетке уже стоит «{}» ({}); ваше значение «{}» не принято",
                            ex.value.symbol(),
                            kept_phrase(ex, ctx, op),
                            value.symbol()
                        ),
                    };
                }
            }
            Decision::Apply
        }
        OpPayload::SetTopic {
            hour,
            title,
            work_type,
            work_number,
            ..
        } => {
            let (Some(lesson), Some(load)) = (ctx.lesson.as_ref(), ctx.load.as_ref()) else {
                return Decision::reject("unknown_lesson", "Урок не найден на сервере");
            };
            try_rule!(authorise(
                author,
                Action::EditTopic,
                load,
                Some(lesson),
                policy
            ));
            try_rule!(check_unlocked(ctx.locked));
            if let Err(e) = journal_protocol::lesson_change::check_held(lesson) {
                return Decision::reject(e.code(), e.to_string());
            }
            if *hour == 0 || *hour > lesson.hours.max(1) {
                return Decision::reject(
                    "invalid_hour",
                    format!("У урока {} ч.; часа №{hour} нет", lesson.hours),
                );
            }
            try_rule!(validate_topic(title, *work_type, *work_number));
            let info = lesson_info(lesson, ctx.bell.as_ref(), *work_type);
            try_rule!(journal_core::timing::check_entry_without_reason(
                &info,
                ctx.entry_time(op),
                EntryKind::Topic,
                policy
            ));
            // Last writer by server order; the earlier values stay in the change history.
            Decision::Apply
        }
        OpPayload::SetHomework { .. } => {
            let (Some(lesson), Some(load)) = (ctx.lesson.as_ref(), ctx.load.as_ref()) else {
                return Decision::reject("unknown_lesson", "Урок не найден на сервере");
            };
            try_rule!(authorise(
                author,
                Action::EditHomework,
                load,
                Some(lesson),
                policy
            ));
            try_rule!(check_unlocked(ctx.locked));
            if let Err(e) = journal_protocol::lesson_change::check_held(lesson) {
                return Decision::reject(e.code(), e.to_string());
            }
            let info = lesson_info(
                lesson,
                ctx.bell.as_ref(),
                ctx.lesson_work_type.unwrap_or(WorkType::Lesson),
            );
            try_rule!(journal_core::timing::check_entry_without_reason(
                &info,
                ctx.entry_time(op),
                EntryKind::Homework,
                policy
            ));
            Decision::Apply
        }
        OpPayload::SetFinal { value, column, .. } => {
            let Some(load) = ctx.load.as_ref() else {
                return Decision::reject("unknown_load", "Нагрузка не найдена на сервере");
            };
            let Some(period) = ctx.period.as_ref() else {
                return Decision::reject("unknown_period", "Учебный период не найден на сервере");
            };
            try_rule!(authorise(author, Action::SetFinals, load, None, policy));
            try_rule!(journal_core::check_final_slot(
                journal_core::FinalSlot {
                    column: *column,
                    scale: ctx.subject.as_ref().map(|s| s.grading).unwrap_or_default(),
                    exam_in_period: ctx.exam_in_period,
                    year_final_open: ctx.last_period && policy.year_finals,
                },
                value.as_ref()
            ));
            if !member_during(&ctx.memberships, load, period) {
                return RuleError::StudentNotInGroup.into();
            }
            try_rule!(check_unlocked(ctx.locked));
            // 001 «Преподаватель» п. 11 where the policy sets a finals window: the app's check, here too.
            try_rule!(journal_core::timing::check_final_time(
                period.ends_on,
                ctx.entry_time(op),
                policy
            ));
            match (&ctx.final_value, value) {
                (Some(ex), Some(v)) if ex.value == *v => Decision::Merge,
                (None, None) => Decision::Merge,
                (Some(ex), _) if !ex.seen_by(op, ctx.device_given_seq) => Decision::Conflict {
                    server_value: json!(ex.value),
                    message: format!(
                        "{} «{}» уже выставлена ({}); ваше значение не принято",
                        final_word(*column),
                        ex.value.symbol(),
                        kept_phrase(ex, ctx, op)
                    ),
                },
                _ => Decision::Apply,
            }
        }
        OpPayload::LockPeriod { .. } => {
            let Some(load) = ctx.load.as_ref() else {
                return Decision::reject("unknown_load", "Нагрузка не найдена на сервере");
            };
            if ctx.period.is_none() {
                return Decision::reject("unknown_period", "Учебный период не найден на сервере");
            }
            try_rule!(authorise(author, Action::LockPeriod, load, None, policy));
            if ctx.locked {
                return Decision::Merge;
            }
            // 001 «Преподаватель» п. 5: a final for every student first — the app's check, here too.
            if let Some(n) = ctx.students_without_final {
                try_rule!(journal_core::check_can_lock(n));
            }
            Decision::Apply
        }
        OpPayload::UnlockPeriod { reason, .. } => {
            let Some(load) = ctx.load.as_ref() else {
                return Decision::reject("unknown_load", "Нагрузка не найдена на сервере");
            };
            if ctx.period.is_none() {
                return Decision::reject("unknown_period", "Учебный период не найден на сервере");
            }
            try_rule!(authorise_unlock(author, load, reason, policy));
            if ctx.locked {
                Decision::Apply
            } else {
                Decision::reject(
                    "period_not_locked",
                    "Период не закрыт: открывать для исправления нечего",
                )
            }
        }
        OpPayload::ResolveRemark { .. } | OpPayload::AnswerRemark { .. } => {
            let (Some(remark), Some(load)) = (ctx.remark.as_ref(), ctx.load.as_ref()) else {
                return Decision::reject("unknown_remark", "Замечание не найдено на сервере");
            };
            try_rule!(authorise(author, Action::ResolveRemark, load, None, policy));
            if let OpPayload::AnswerRemark { answer, .. } = &op.payload {
                if answer.trim().is_empty() {
                    let e = journal_protocol::RemarkError::AnswerEmpty;
                    return Decision::reject(e.code(), e.to_string());
                }
            }
            // Fixed already (from another device, or before the author's decision): the op's
            // answer is kept as the change, the stored remark stays.
            if remark.is_open() {
                Decision::Apply
            } else {
                Decision::Merge
            }
        }
        OpPayload::RemarkState { .. } => Decision::reject(
            "server_only_change",
            "Замечание пишет и решает его автор на сервере, а не устройство",
        ),
        OpPayload::ChangeLesson { change, .. } => {
            let (Some(lesson), Some(load), Some(facts)) = (
                ctx.lesson.as_ref(),
                ctx.load.as_ref(),
                ctx.lesson_facts.as_ref(),
            ) else {
                return Decision::reject("unknown_lesson", "Урок не найден на сервере");
            };
            // By the load, not the lesson: the load's teacher withdraws a substitution too.
            try_rule!(authorise(
                author,
                Action::RecordSubstitution,
                load,
                None,
                policy
            ));
            try_rule!(check_unlocked(ctx.locked));
            match journal_protocol::lesson_change::check(lesson, change, facts) {
                Ok(()) => Decision::Apply,
                Err(e) => Decision::reject(e.code(), e.to_string()),
            }
        }
    }
}

/// The remark after the teacher's op (`ResolveRemark` or `AnswerRemark`), by journal-protocol's
/// one transition — the same the teacher's copy applied.
pub fn remark_after(remark: &Remark, op: &Op) -> Remark {
    let mut r = remark.clone();
    // Applied only when the authority found the remark open, so the step cannot be refused here.
    let _ = match &op.payload {
        OpPayload::AnswerRemark { answer, .. } => r.answer(op.user_id, answer, op.device_time),
        _ => r.resolve(op.user_id, op.device_time),
    };
    r
}

/// The loads whose journal `user` may read (None: every load of the institution), decided per role
/// by journal-core's permission table. `memberships` are those of the students named in the
/// user's grants (a student's own record, a parent's child).
pub fn readable_loads(
    user: &User,
    loads: &[Load],
    memberships: &[Membership],
    policy: &Policy,
) -> Option<std::collections::HashSet<journal_core::LoadId>> {
    let readable: std::collections::HashSet<_> = loads
        .iter()
        .filter(|load| {
            user.grants.iter().any(|grant| {
                let student_in_group = grant.student_id.is_some_and(|sid| {
                    memberships
                        .iter()
                        .any(|m| m.student_id == sid && m.group_id == load.group_id)
                });
                let scope = if load.teacher_id == user.id {
                    Scope::OwnLoad
                } else if grant.role == Role::Curator && grant.group_id == Some(load.group_id) {
                    Scope::OwnGroup
                } else if grant.role == Role::Student && student_in_group {
                    Scope::OwnRecord
                } else if grant.role == Role::Parent && student_in_group {
                    Scope::ChildRecord
                } else {
                    Scope::Institution
                };
                permissions::allowed(grant.role, Action::ReadJournal, scope, policy)
            })
        })
        .map(|l| l.id)
        .collect();
    if readable.len() == loads.len() {
        None
    } else {
        Some(readable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use journal_core::{CellValue, UserId};
    use uuid::Uuid;

    #[test]
    fn a_conflict_names_who_entered_the_kept_value_and_when() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .and_then(|d| d.and_hms_opt(10, 15, 0))
            .unwrap_or_default();
        let ex = Existing {
            value: CellValue::default(),
            device_id: None,
            server_seq: Some(3),
            entered: Entered {
                author_id: UserId(Uuid::new_v4()),
                at,
            },
        };
        let op_author = UserId(Uuid::new_v4());
        let op = Op::seal(
            journal_core::OpId(Uuid::now_v7()),
            journal_core::DeviceId(Uuid::new_v4()),
            1,
            op_author,
            at,
            OpPayload::ResolveRemark {
                remark_id: Uuid::new_v4(),
            },
            String::new(),
            &ed25519_dalek::SigningKey::from_bytes(&[7; 32]),
        )
        .expect("the op seals");
        let named = OpContext {
            kept_by: Some("Иванова Мария Петровна".into()),
            ..OpContext::default()
        };
        assert_eq!(
            kept_phrase(&ex, &named, &op),
            "выставлено: Иванова Мария Петровна, 04.12.2026 в 10:15, на другом устройстве; сервер принял его первым"
        );
        assert!(
            kept_phrase(&ex, &OpContext::default(), &op).contains("другой пользователь"),
            "an author no longer on the server is still told apart from the op's own"
        );
    }
}
