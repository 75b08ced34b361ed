// Typed wrappers over every Tauri command of src-tauri (one per command, same argument names).
// A refused or failed command rejects with an `AppError` carrying the backend's {code, message}.

import { invoke } from "@tauri-apps/api/core";
import type {
  FinalColumn,
  ApiError,
  BundlePaths,
  ConflictAction,
  ConflictItem,
  EditReceipt,
  Grid,
  LessonChangeRequest,
  UserChoice,
  GroupChoice,
  GroupDay,
  GroupSummary,
  LessonDetail,
  LessonSummary,
  LoadSummary,
  ModuleSummaryView,
  PeriodView,
  RemarkView,
  Session,
  SignInOutcome,
  SignInState,
  Status,
  SuggestionReceipt,
  SupportView,
  SyncReportDto,
  SyncState,
  TopicInput,
} from "./types";

/** A backend refusal as the UI sees it: a stable code and a Russian message to show. */
export class AppError extends Error {
  readonly code: string;
  constructor(e: ApiError) {
    super(e.message);
    this.code = e.code;
  }
}

function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as ApiError).code === "string" &&
    typeof (e as ApiError).message === "string"
  );
}

/** Sent on `window` when a command found no server. */
export const OFFLINE_EVENT = "journal-offline";

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isApiError(e)) {
      // The backend now counts the server as unreachable; the header says so at once.
      if (e.code === "server_unreachable") window.dispatchEvent(new Event(OFFLINE_EVENT));
      throw new AppError(e);
    }
    // Not from journal-api: an IPC failure (e.g. a command argument that did not deserialize).
    throw new AppError({ code: "ipc_error", message: `Ошибка приложения: ${String(e)}` });
  }
}

export const api = {
  session: () => call<Session>("session"),
  status: () => call<Status>("status"),
  todayLessons: (date: string) => call<LessonSummary[]>("today_lessons", { date }),
  lesson: (lessonId: string) => call<LessonDetail>("lesson", { lessonId }),
  setCell: (lessonId: string, studentId: string, input: string, reason?: string) =>
    call<EditReceipt>("set_cell", { lessonId, studentId, input, reason: reason ?? null }),
  setTopic: (lessonId: string, input: TopicInput) =>
    call<EditReceipt>("set_topic", { lessonId, input }),
  setHomework: (lessonId: string, text: string) =>
    call<EditReceipt>("set_homework", { lessonId, text }),
  changeLesson: (lessonId: string, request: LessonChangeRequest) =>
    call<EditReceipt>("change_lesson", { lessonId, request }),
  substitutes: (lessonId: string) => call<UserChoice[]>("substitutes", { lessonId }),
  attendanceGroups: () => call<GroupChoice[]>("attendance_groups"),
  groupDay: (groupId: string, date: string) => call<GroupDay>("group_day", { groupId, date }),
  excuseDay: (groupId: string, date: string, studentId: string, reason: "ill" | "excused") =>
    call<EditReceipt[]>("excuse_day", { groupId, date, studentId, reason }),
  groups: () => call<GroupSummary[]>("groups"),
  loads: () => call<LoadSummary[]>("loads"),
  /** A профессиональный модуль's «Сводная ведомость» for a group (read-only). */
  moduleSummary: (groupId: string, moduleId: string) => call<ModuleSummaryView>("module_summary", { groupId, moduleId }),
  periods: () => call<PeriodView[]>("periods"),
  grid: (loadId: string, periodId: string | null) => call<Grid>("grid", { loadId, periodId }),
  /** A final in the page's column: "period" (default), "exam" or "year". */
  setFinal: (loadId: string, periodId: string, studentId: string, input: string, column: FinalColumn = "period") =>
    call<EditReceipt>("set_final", { loadId, periodId, studentId, input, column }),
  lockPeriod: (loadId: string, periodId: string) =>
    call<EditReceipt>("lock_period", { loadId, periodId }),
  unlockPeriod: (loadId: string, periodId: string, reason: string) =>
    call<EditReceipt>("unlock_period", { loadId, periodId, reason }),
  // sign-in, lock, switching user
  signInState: () => call<SignInState>("sign_in_state"),
  signIn: (login: string, password: string, serverUrl: string | null) =>
    call<SignInOutcome>("sign_in", { login, password, serverUrl }),
  unlock: (password: string) => call<SignInOutcome>("unlock", { password }),
  lock: () => call<void>("lock"),
  signOut: () => call<void>("sign_out"),
  setLockMinutes: (minutes: number) => call<number>("set_lock_minutes", { minutes }),
  // sync, conflicts, bundles
  syncState: () => call<SyncState>("sync_state"),
  syncNow: () => call<SyncState>("sync_now"),
  conflicts: () => call<ConflictItem[]>("conflicts"),
  resolveConflict: (id: number, action: ConflictAction) => call<void>("resolve_conflict", { id, action }),
  bundleDefaults: () => call<BundlePaths>("bundle_defaults"),
  exportBundle: (path: string) => call<number>("export_bundle", { path }),
  importBundleAnswer: (path: string) => call<SyncReportDto>("import_bundle_answer", { path }),
  pushBundle: (bundle: string, answer: string) => call<SyncReportDto>("push_bundle", { bundle, answer }),
  // remarks
  remarks: () => call<RemarkView[]>("remarks"),
  resolveRemark: (remarkId: string) => call<EditReceipt>("resolve_remark", { remarkId }),
  answerRemark: (remarkId: string, answer: string) => call<EditReceipt>("answer_remark", { remarkId, answer }),
  suggest: (text: string, screen: string) => call<SuggestionReceipt>("suggest", { text, screen }),
  waitingSuggestions: () => call<number>("waiting_suggestions"),
  supportContact: () => call<SupportView | null>("support_contact"),
};
