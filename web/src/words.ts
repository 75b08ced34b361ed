// The console's Russian words for the server's codes, in the regulations' terms.

import type { Role } from "./types";

export const ROLE_NAMES: Record<Role, string> = {
  director: "Директор",
  deputy: "Заместитель директора",
  department_head: "Заведующий отделением",
  curator: "Куратор",
  teacher: "Преподаватель",
  social_pedagogue: "Социальный педагог",
  hr_officer: "Специалист отдела кадров",
  admin: "Администратор",
  inspector: "Проверяющий",
  control_group: "Рабочая группа по контролю",
  student: "Студент",
  parent: "Родитель",
};

/** The roles an administrator gives a staff account here (students and parents get slips). */
export const STAFF_ROLES: Role[] = [
  "teacher",
  "curator",
  "deputy",
  "department_head",
  "director",
  "social_pedagogue",
  "hr_officer",
  "control_group",
  "inspector",
  "admin",
];

export const INSTITUTION_KINDS: Record<string, string> = {
  college: "Профессиональная образовательная организация (техникум, колледж)",
  school: "Общеобразовательная организация (школа)",
};

export const PERIOD_KINDS: Record<string, string> = {
  half_year: "Полугодие",
  semester: "Семестр",
  quarter: "Четверть",
  trimester: "Триместр",
};

export const IMPORT_KINDS: { value: string; label: string; hint: string }[] = [
  { value: "groups", label: "Группы", hint: "Столбцы: Группа*, Курс*, Специальность, Куратор, Подгруппы" },
  { value: "students", label: "Студенты", hint: "Столбцы: Фамилия*, Имя*, Отчество, Дата рождения, Группа*, Подгруппа, Дата зачисления" },
  { value: "teachers", label: "Педагогические работники", hint: "Столбцы: Фамилия*, Имя*, Отчество, Логин*, Роли, Группа" },
  { value: "loads", label: "Педагогическая нагрузка", hint: "Столбцы: Преподаватель*, Группа*, Подгруппа, Дисциплина*, Часы*, Дата начала" },
  { value: "timetable", label: "Расписание", hint: "Столбцы: День недели*, Номер урока*, Неделя, Группа*, Подгруппа, Дисциплина*, Преподаватель*, Аудитория, Часов" },
  { value: "plan", label: "КТП (календарно-тематический план)", hint: "Столбцы: Преподаватель*, Группа*, Подгруппа, Дисциплина*, №*, Тема*, Часы*, Вид занятия, Номер работы" },
  { value: "asc", label: "Расписание из aSc Timetables (XML)", hint: "Файл экспорта aSc Timetables (.xml)" },
  { value: "fet", label: "Расписание из FET (.fet)", hint: "Файл FET (.fet)" },
];

export const IMPORT_ACTIONS: Record<string, string> = {
  create: "Будет добавлено",
  change: "Будет изменено",
  keep: "Без изменений",
  remove: "Будет удалено",
};

export const IMPORT_ACTIONS_DONE: Record<string, string> = {
  create: "Добавлено",
  change: "Изменено",
  keep: "Без изменений",
  remove: "Удалено",
};

/** Policy fields (journal_core::Policy) with their labels and, for choices, the choices' names. */
export const POLICY_FIELDS: { key: string; label: string; choices?: Record<string, string>; days?: boolean }[] = [
  { key: "period_kind", label: "Деление учебного года на периоды", choices: PERIOD_KINDS },
  {
    key: "late_entry",
    label: "Отметки «задним числом»",
    choices: {
      strict: "Запрещены (кроме контрольных и письменных работ в сроки проверки)",
      allowed_cases: "Разрешены в оговорённых случаях: отработки и исправления с указанием причины",
    },
  },
  { key: "lock_after_finals", label: "Закрывать журнал периода после выставления итоговых отметок" },
  { key: "deputy_may_edit", label: "Заместитель директора может исправлять записи и открывать закрытый период" },
  { key: "deputy_records_substitutions", label: "Заместитель директора отмечает замены занятий" },
  { key: "double_mark_subjects", label: "Дисциплины с двойной отметкой (например, 5/4), по одной в строке" },
  { key: "multiple_entries_per_cell", label: "Пропуск и отметка за отработку в одной клетке" },
  { key: "school_wording", label: "Школьные названия: класс, классный руководитель, четверть" },
  {
    key: "final_rounding",
    label: "Округление предлагаемой итоговой отметки",
    choices: { half_up: "Арифметическое: 3,5 → 4", from_six_tenths: "С 0,6: 3,6 → 4, 3,5 → 3" },
  },
  {
    key: "diary_logins_issued_by",
    label: "Кто выдаёт логины студентам и родителям",
    choices: { curator: "Куратор группы", department_head: "Заведующий отделением" },
  },
  { key: "diary_shows_homework", label: "Студенты и родители видят домашнее задание" },
  { key: "diary_shows_topics", label: "Студенты и родители видят темы занятий" },
  { key: "parallel_paper_journal", label: "Бумажный журнал ведётся параллельно" },
  { key: "paper_copy_each_period", label: "Бумажная копия печатается после каждого периода (а не только в конце года)" },
  { key: "archive_print_after_acceptance", label: "Журнал за год печатается для архива только после проверки и приёмки заместителем директора" },
  { key: "control_work_days", label: "Отметки за контрольную работу выставляются в течение, дней", days: true },
  { key: "written_work_days", label: "Отметки за письменную работу (сочинение, изложение, диктант) выставляются в течение, дней", days: true },
  { key: "finals_window_days", label: "Итоговые отметки выставляются только в последние дни периода, дней (0 — в любой день периода)", days: true },
  { key: "remark_deadline_days", label: "Срок устранения замечания по ведению журнала, дней", days: true },
  { key: "plan_approval", label: "КТП, внесённый преподавателем, действует после утверждения заместителем директора" },
  { key: "year_finals", label: "Годовые отметки: в последнем периоде года графа «Год», предлагаемая по итоговым отметкам за периоды" },
];

/** Kinds of the audit chain's entries (the server's codes) in Russian. */
export const AUDIT_KINDS: Record<string, string> = {
  import: "Импорт файла",
  year_set: "Учебный год задан",
  group_created: "Группа создана",
  student_enrolled: "Студент зачислен",
  student_transferred: "Студент переведён",
  student_withdrawn: "Студент отчислен",
  load_created: "Нагрузка добавлена",
  load_reassigned: "Смена преподавателя",
  user_created: "Учётная запись создана",
  password_reset: "Пароль сброшен",
  password_change: "Пароль изменён",
  user_deactivated: "Учётная запись отключена",
  user_reactivated: "Учётная запись включена",
  policy_changed: "Настройки учреждения изменены",
  regime_set: "Звонки и режим заданы",
  subject_created: "Предмет добавлен",
  subject_changed: "Предмет изменён",
  room_created: "Кабинет добавлен",
  room_changed: "Кабинет изменён",
  backup_created: "Резервная копия сделана",
  login_slips: "Листки с логинами",
  op: "Запись в журнале",
  op_rejected: "Запись в журнале отклонена",
  reopen: "Период открыт для исправления",
  init: "Учреждение создано",
  login: "Вход в систему",
  device_clock_skew: "Часы устройства расходятся с сервером",
  suggestion: "Предложение пользователя",
  suggestion_done: "Предложение рассмотрено",
  health_sheet_changed: "«Листок здоровья» изменён",
  smtp_setting_changed: "Почтовый сервер учреждения изменён",
  smtp_setting_removed: "Почтовый сервер учреждения: по умолчанию",
};

/** journal_protocol::SubjectKind. */
export const SUBJECT_KINDS: Record<string, string> = {
  discipline: "Дисциплина (предмет)",
  mdk: "МДК",
  module: "Профессиональный модуль",
  practice: "Практика",
  extracurricular: "Внеурочная деятельность",
};

/** journal_core::GradingScale: how the period's final is given. */
export const GRADING_SCALES: Record<string, string> = {
  five_point: "Пятибалльная (2–5)",
  pass_fail: "Зачёт / незачёт",
  five_point_or_pass_fail: "Пятибалльная или зачёт / незачёт",
  ungraded: "Без отметок",
};
