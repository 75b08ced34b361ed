// The JSON bodies of journal-server's /api/v1 that the console reads and sends, as the server's
// DTOs define them (dto.rs, year_routes.rs, roster_routes.rs, admin_routes.rs, user_routes.rs) and
// the contracts between the server's admin endpoints and the console (import preview, first
// password, audit, backups, policy, readiness, login slips, institution).

export type Uuid = string;
/** YYYY-MM-DD */
export type IsoDate = string;

export type Role =
  | "director"
  | "deputy"
  | "department_head"
  | "curator"
  | "teacher"
  | "social_pedagogue"
  | "hr_officer"
  | "admin"
  | "inspector"
  | "control_group"
  | "student"
  | "parent";

export interface RoleGrant {
  role: Role;
  group_id?: Uuid | null;
  student_id?: Uuid | null;
  /** First day the role is held (YYYY-MM-DD); absent: since always. */
  from?: string | null;
  /** Last day the role is held; absent: until changed. */
  until?: string | null;
}

/** `GET /admin/users/{id}/grants`: a user's roles with their days. */
export interface UserGrants {
  user_id: Uuid;
  login: string;
  full_name: string;
  today: string;
  grants: (RoleGrant & { in_force: boolean })[];
}

export interface UserInfo {
  id: Uuid;
  login: string;
  full_name: string;
  roles: Role[];
  grants: RoleGrant[];
  /** Contract 2: the user must change the password before anything else. */
  must_change_password?: boolean;
  /** The institution's day (YYYY-MM-DD), which the browser's own date may not be. */
  today?: string;
}

export interface LoginResponse {
  token: string;
  expires_at: string;
  user: UserInfo;
  must_change_password?: boolean;
}

export interface ApiErrorBody {
  code: string;
  message: string;
}

export interface ImportRowError {
  row: number;
  column: string | null;
  reason: string;
}

export interface ImportRefusal extends ApiErrorBody {
  rows: ImportRowError[];
}

/** Contract 1. */
export interface ImportItem {
  row: number | null;
  action: "create" | "change" | "keep" | "remove";
  entity: string;
  text: string;
}

export interface ImportReport {
  applied: boolean;
  created: number;
  changed: number;
  unchanged: number;
  items: ImportItem[];
  warnings: string[];
}

export interface Institution {
  id: Uuid;
  name: string;
  kind?: string;
  short_name?: string;
  timezone?: string;
  [more: string]: unknown;
}

/** journal_core::Policy. */
export interface Policy {
  period_kind: "half_year" | "semester" | "quarter" | "trimester";
  late_entry: "strict" | "allowed_cases";
  lock_after_finals: boolean;
  deputy_may_edit: boolean;
  deputy_records_substitutions: boolean;
  double_mark_subjects: string[];
  multiple_entries_per_cell: boolean;
  school_wording: boolean;
  final_rounding: "half_up" | "from_six_tenths";
  diary_logins_issued_by: "curator" | "department_head";
  diary_shows_homework: boolean;
  diary_shows_topics: boolean;
  parallel_paper_journal: boolean;
  paper_copy_each_period: boolean;
  archive_print_after_acceptance?: boolean;
  control_work_days?: number;
  written_work_days?: number;
  finals_window_days?: number;
  remark_deadline_days?: number;
  year_finals?: boolean;
  plan_approval?: boolean;
  [more: string]: unknown;
}

export interface ReadinessItem {
  key: string;
  label: string;
  done: boolean;
  detail: string;
}

export interface Readiness {
  items: ReadinessItem[];
}

export interface YearPeriod {
  id?: Uuid | null;
  name: string;
  ordinal?: number;
  starts_on: IsoDate;
  ends_on: IsoDate;
}

export interface YearHoliday {
  name: string;
  starts_on: IsoDate;
  ends_on: IsoDate;
}

export interface YearSetup {
  name: string;
  starts_on: IsoDate;
  ends_on: IsoDate;
  period_kind: string;
  periods: YearPeriod[];
  holidays: YearHoliday[];
  /** After PUT: the scheduled lessons that fall on a holiday (they stay in the timetable). */
  warnings?: string[];
}

export interface Group {
  id: Uuid;
  name: string;
  course: number;
  specialty: string;
  curator_id: Uuid | null;
}

export interface Subgroup {
  id: Uuid;
  group_id: Uuid;
  name: string;
}

export interface Student {
  id: Uuid;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  birth_date: IsoDate | null;
}

export interface Membership {
  student_id: Uuid;
  group_id: Uuid;
  subgroup_id: Uuid | null;
  from: IsoDate;
  to: IsoDate | null;
  individual_plan: boolean;
}

export interface Subject {
  id: Uuid;
  name: string;
  short_name: string;
  kind: string;
}

export interface Load {
  id: Uuid;
  teacher_id: Uuid;
  group_id: Uuid;
  subject_id: Uuid;
  subgroup_id: Uuid | null;
  from: IsoDate;
  to: IsoDate | null;
  planned_hours: number;
}

export interface SnapshotUser {
  id: Uuid;
  login: string;
  full_name: string;
  grants: RoleGrant[];
}

/** The part of journal_protocol::Snapshot the console reads. */
export interface Snapshot {
  institution: { id: Uuid; name: string; short_name: string; timezone: string };
  users: SnapshotUser[];
  groups: Group[];
  subgroups: Subgroup[];
  students: Student[];
  memberships: Membership[];
  subjects: Subject[];
  loads: Load[];
  lessons: SnapshotLesson[];
  lesson_topics?: SnapshotLessonTopic[];
}

/** A цикловая (предметная) комиссия or методическое объединение (journal_protocol::Department). */
export interface Department {
  id: Uuid;
  name: string;
  head_id: Uuid | null;
  teacher_ids: Uuid[];
}

/** A lesson of the timetable (journal_protocol::Lesson). */
export interface SnapshotLesson {
  id: Uuid;
  load_id: Uuid;
  date: IsoDate;
  bell_number: number;
  hours: number;
  status: "scheduled" | "postponed" | "cancelled";
}

/** The topic recorded for one hour of a lesson. */
export interface SnapshotLessonTopic {
  lesson_id: Uuid;
  hour: number;
  title: string;
}

export interface SnapshotResponse {
  server_seq: number;
  reference_version: number;
  snapshot: Snapshot;
}

export interface UserListItem {
  id: Uuid;
  login: string;
  full_name: string;
  roles: Role[];
  grants: RoleGrant[];
  active: boolean;
  deactivated_at: string | null;
  has_password: boolean;
  must_change_password?: boolean;
  /** A staff member's e-mail for notices (kept by the administrator). */
  email?: string | null;
}

/** Contract 3. */
export interface AuditEntry {
  seq: number;
  at: string;
  author_id: Uuid | null;
  author_name: string | null;
  kind: string;
  target: string | null;
  old: string | null;
  new: string | null;
  detail: Record<string, unknown>;
}

export interface AuditPage {
  total: number;
  entries: AuditEntry[];
}

/** Contract 4. */
export interface Backup {
  name: string;
  created_at: string;
  size_bytes: number;
}

export interface BackupCheck {
  ok: boolean;
  message: string;
}

/** «Предложение» as the administration reads it (GET /admin/suggestions). */
export interface Suggestion {
  seq: number;
  at: string;
  author_id: Uuid | null;
  author_name: string | null;
  author_roles: Role[];
  text: string;
  screen: string;
  done: boolean;
  done_at: string | null;
  done_by_name: string | null;
}

export interface SuggestionList {
  suggestions: Suggestion[];
  open: number;
}

/** One line of a shift's bell schedule (GET|PUT /admin/regime); times «HH:MM» (the server answers «HH:MM:SS»). */
export interface BellLine {
  shift: number;
  number: number;
  starts: string;
  ends: string;
}

/** The work regime with every shift's bells. */
export interface Regime {
  days_per_week: number;
  shifts: number;
  bells: BellLine[];
}

/** A subject as /admin/subjects answers it. */
export interface SubjectRow {
  id: Uuid;
  name: string;
  short_name: string;
  kind: string;
  grading: "five_point" | "pass_fail" | "five_point_or_pass_fail" | "ungraded";
  /** The профессиональный модуль of an МДК or a practice. */
  module_id?: Uuid;
}

/** A room as /admin/rooms answers it. */
export interface RoomRow {
  id: Uuid;
  name: string;
  active: boolean;
}

/** Whom users ask about the journal (GET /help, PUT /admin/support). */
export interface SupportContact {
  name: string;
  phone: string;
  email: string;
  hours: string;
}

export interface HelpInfo {
  institution: string;
  support: SupportContact;
}
