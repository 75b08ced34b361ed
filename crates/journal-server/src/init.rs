//! `journal-server init --institution`: an empty institution (its policy, an academic year for the
//! current date and one administrator) added to the database, beside any institutions already in it.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use journal_core::{InstitutionId, PeriodKind, Policy, Role, UserId};
use journal_protocol::{AcademicYear, Institution, RoleGrant, Snapshot, User};
use uuid::Uuid;

use crate::auth::{hash_password, MIN_PASSWORD_CHARS};
use crate::error::StorageError;
use crate::storage::Storage;
use crate::year_routes::{check_year, YearPeriodInput, YearSetupInput};

/// What kind of institution: its default period kind and wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstitutionKind {
    /// Колледж, техникум: семестры, «группа/куратор».
    College,
    /// Школа: четверти, «класс/классный руководитель».
    School,
}

impl InstitutionKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "college" => Some(Self::College),
            "school" => Some(Self::School),
            _ => None,
        }
    }

    /// The strict default policy with this kind's periods and wording.
    pub fn base_policy(self) -> Policy {
        let mut policy = Policy::default();
        match self {
            Self::College => {
                policy.period_kind = PeriodKind::Semester;
                policy.school_wording = false;
            }
            Self::School => {
                policy.period_kind = PeriodKind::Quarter;
                policy.school_wording = true;
            }
        }
        policy
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("Вид учреждения «{0}» неизвестен: укажите college (колледж) или school (школа)")]
    UnknownKind(String),
    #[error("Укажите полное наименование учреждения")]
    EmptyName,
    #[error("Логин администратора не может быть пустым или содержать пробелы")]
    InvalidLogin,
    #[error("Учреждение «{0}» уже есть в базе данных; база не изменена")]
    NameTaken(String),
    #[error("Логин «{0}» уже занят в базе данных; база не изменена")]
    LoginTaken(String),
    #[error("Пароль администратора короче {0} символов")]
    PasswordTooShort(usize),
    #[error("В файле политики неизвестное поле «{0}» (опечатка?); база не изменена")]
    UnknownPolicyField(String),
    #[error("Файл политики не разобран: {0}")]
    PolicyInvalid(String),
    #[error("Учебный год не составлен: {0}")]
    Year(String),
    #[error("Пароль не сохранён: {0}")]
    Password(String),
    #[error("{0}")]
    Storage(#[from] StorageError),
}

impl InitError {
    pub fn code(&self) -> &'static str {
        match self {
            InitError::UnknownKind(_) => "unknown_institution_kind",
            InitError::EmptyName => "empty_institution_name",
            InitError::InvalidLogin => "invalid_login",
            InitError::NameTaken(_) => "institution_exists",
            InitError::LoginTaken(_) => "login_taken",
            InitError::PasswordTooShort(_) => "password_too_short",
            InitError::UnknownPolicyField(_) => "unknown_policy_field",
            InitError::PolicyInvalid(_) => "invalid_policy",
            InitError::Year(_) => "invalid_year",
            InitError::Password(_) => "password_hash_failed",
            InitError::Storage(e) => e.code(),
        }
    }
}

/// Reads a policy file (JSON with `journal_core::Policy` fields) over `base`: fields left out keep
/// the base value, an unknown (misspelt) field is refused by name. `Policy` itself keeps accepting
/// unknown fields so that older and newer snapshots still read.
pub fn policy_from_json(base: &Policy, text: &str) -> Result<Policy, InitError> {
    let given: serde_json::Value =
        serde_json::from_str(text).map_err(|e| InitError::PolicyInvalid(e.to_string()))?;
    let serde_json::Value::Object(given) = given else {
        return Err(InitError::PolicyInvalid(
            "ожидается объект JSON с полями политики".into(),
        ));
    };
    let serde_json::Value::Object(mut merged) =
        serde_json::to_value(base).map_err(|e| InitError::PolicyInvalid(e.to_string()))?
    else {
        return Err(InitError::PolicyInvalid("политика не объект".into()));
    };
    for (field, value) in given {
        if !merged.contains_key(&field) {
            return Err(InitError::UnknownPolicyField(field));
        }
        merged.insert(field, value);
    }
    let policy: Policy = serde_json::from_value(serde_json::Value::Object(merged))
        .map_err(|e| InitError::PolicyInvalid(e.to_string()))?;
    match policy.days_out_of_bounds() {
        Some(over) => Err(InitError::PolicyInvalid(format!(
            "поле «{}»: не больше {} дней, указано {}",
            over.field, over.max, over.value
        ))),
        None => Ok(policy),
    }
}

/// The institution to create.
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub name: String,
    pub short_name: Option<String>,
    pub timezone: String,
    pub policy: Policy,
    pub admin_login: String,
    pub admin_name: Option<String>,
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, InitError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| InitError::Year(format!("нет даты {d}.{m}.{y}")))
}

/// The academic year containing `today` (from 1 September), divided as the policy's period kind
/// asks; the administrator adjusts it later (`PUT /admin/year`).
pub fn default_year(kind: PeriodKind, today: NaiveDate) -> Result<YearSetupInput, InitError> {
    let y = if today.month() >= 7 {
        today.year()
    } else {
        today.year() - 1
    };
    let n = y + 1;
    let spans: Vec<(NaiveDate, NaiveDate)> = match kind {
        PeriodKind::Semester | PeriodKind::HalfYear => vec![
            (date(y, 9, 1)?, date(y, 12, 31)?),
            (date(n, 1, 9)?, date(n, 6, 30)?),
        ],
        PeriodKind::Quarter => vec![
            (date(y, 9, 1)?, date(y, 10, 26)?),
            (date(y, 11, 5)?, date(y, 12, 28)?),
            (date(n, 1, 9)?, date(n, 3, 22)?),
            (date(n, 4, 1)?, date(n, 5, 31)?),
        ],
        PeriodKind::Trimester => vec![
            (date(y, 9, 1)?, date(y, 11, 30)?),
            (date(y, 12, 1)?, date(n, 2, 28)?),
            (date(n, 3, 1)?, date(n, 5, 31)?),
        ],
    };
    Ok(YearSetupInput {
        name: format!("{y}/{n}"),
        starts_on: date(y, 9, 1)?,
        ends_on: date(n, 6, 30)?,
        periods: spans
            .into_iter()
            .map(|(starts_on, ends_on)| YearPeriodInput {
                id: None,
                name: None,
                starts_on,
                ends_on,
            })
            .collect(),
        holidays: Vec::new(),
    })
}

fn empty_snapshot(institution: Institution) -> Snapshot {
    Snapshot {
        institution,
        year: AcademicYear {
            name: String::new(),
            starts_on: NaiveDate::MIN,
            ends_on: NaiveDate::MIN,
        },
        periods: Vec::new(),
        holidays: Vec::new(),
        bells: Vec::new(),
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

/// Adds an empty institution with one administrator (`password`) to the database. Refuses, changing
/// nothing, a name or a login already in the database. Returns the new institution's id.
pub async fn create_institution(
    storage: &dyn Storage,
    new: NewInstitution,
    password: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<InstitutionId, InitError> {
    let name = new.name.trim().to_string();
    if name.is_empty() {
        return Err(InitError::EmptyName);
    }
    let login = new.admin_login.trim().to_string();
    if login.is_empty() || login.chars().any(char::is_whitespace) {
        return Err(InitError::InvalidLogin);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(InitError::PasswordTooShort(MIN_PASSWORD_CHARS));
    }
    for (id, _) in storage.institutions().await? {
        let (existing, _) = storage.snapshot(id).await?;
        if existing.institution.name.trim().to_lowercase() == name.to_lowercase() {
            return Err(InitError::NameTaken(existing.institution.name));
        }
    }
    if storage.account_by_login(&login).await?.is_some() {
        return Err(InitError::LoginTaken(login));
    }
    let id = InstitutionId(Uuid::now_v7());
    let institution = Institution {
        id,
        short_name: new
            .short_name
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| name.clone()),
        name,
        timezone: new.timezone,
        policy: new.policy,
        regime: Default::default(),
        support: Default::default(),
    };
    let mut snapshot = empty_snapshot(institution);
    let input = default_year(snapshot.institution.policy.period_kind, today)?;
    let (year, periods, holidays) =
        check_year(&input, &snapshot).map_err(|e| InitError::Year(e.message.clone()))?;
    snapshot.year = year;
    snapshot.periods = periods;
    snapshot.holidays = holidays;
    let admin_id = UserId(Uuid::now_v7());
    snapshot.users.push(User {
        id: admin_id,
        full_name: new
            .admin_name
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "Администратор".to_string()),
        login,
        grants: vec![RoleGrant {
            role: Role::Admin,
            group_id: None,
            student_id: None,
            from: None,
            until: None,
        }],
    });
    let password = password.to_string();
    // Argon2id is slow on purpose: off the async threads.
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| InitError::Password(e.to_string()))?
        .map_err(|e| InitError::Password(e.message))?;
    storage
        .import_institution(snapshot, vec![(admin_id, hash)], now)
        .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_policy_field_is_refused_by_name() {
        let base = InstitutionKind::College.base_policy();
        let err = policy_from_json(&base, r#"{"deputy_may_edti": true}"#)
            .expect_err("a misspelt field must not be dropped silently");
        assert!(
            matches!(&err, InitError::UnknownPolicyField(f) if f == "deputy_may_edti"),
            "the refusal names the field: {err}"
        );
        assert!(err.to_string().contains("deputy_may_edti"));
    }

    #[test]
    fn a_day_count_over_its_bound_is_refused_by_name() {
        let base = InstitutionKind::College.base_policy();
        let err = policy_from_json(&base, r#"{"control_work_days": 45}"#)
            .expect_err("45 days for a control work is a typo");
        assert_eq!(err.code(), "invalid_policy", "{err}");
        assert!(
            err.to_string().contains("control_work_days"),
            "the refusal names the field: {err}"
        );
        let policy = policy_from_json(&base, r#"{"finals_window_days": 7}"#)
            .expect("001 п. 11: the last week");
        assert_eq!(policy.finals_window_days, 7);
    }

    #[test]
    fn known_policy_fields_override_the_kind_and_the_rest_stays() {
        let base = InstitutionKind::School.base_policy();
        let policy = policy_from_json(&base, r#"{"deputy_may_edit": true}"#).expect("valid policy");
        assert!(policy.deputy_may_edit);
        assert_eq!(
            policy.period_kind,
            PeriodKind::Quarter,
            "the kind's periods stay"
        );
        assert!(policy.school_wording);
    }

    #[test]
    fn the_default_year_passes_the_year_check_for_every_kind() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        for kind in [
            PeriodKind::Semester,
            PeriodKind::HalfYear,
            PeriodKind::Quarter,
            PeriodKind::Trimester,
        ] {
            let policy = Policy {
                period_kind: kind,
                ..Policy::default()
            };
            let snap = empty_snapshot(Institution {
                id: InstitutionId(Uuid::now_v7()),
                name: "Тест".into(),
                short_name: "Тест".into(),
                timezone: "Europe/Moscow".into(),
                policy,
                regime: Default::default(),
                support: Default::default(),
            });
            let input = default_year(kind, today).expect("year");
            assert_eq!(input.name, "2026/2027");
            check_year(&input, &snap)
                .unwrap_or_else(|e| panic!("{kind:?}: the year check refused: {}", e.message));
        }
    }
}
