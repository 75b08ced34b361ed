// The shapes the backend exchanges with the UI: the ts-rs bindings generated from the Rust DTOs
// (journal-api's and src-tauri's Session) into ./bindings/ — never written by hand.

export type { ApiError } from "./bindings/ApiError";
export type { CellView } from "./bindings/CellView";
export type { DeadlineState } from "./bindings/DeadlineState";
export type { Duty } from "./bindings/Duty";
export type { DutyKind } from "./bindings/DutyKind";
export type { EditReceipt } from "./bindings/EditReceipt";
export type { Grid } from "./bindings/Grid";
export type { GridRow } from "./bindings/GridRow";
export type { GroupSummary } from "./bindings/GroupSummary";
export type { LessonDetail } from "./bindings/LessonDetail";
export type { LessonState } from "./bindings/LessonState";
export type { LessonSummary } from "./bindings/LessonSummary";
export type { LessonChangeRequest } from "./bindings/LessonChangeRequest";
export type { UserChoice } from "./bindings/UserChoice";
export type { GroupChoice } from "./bindings/GroupChoice";
export type { GroupDay } from "./bindings/GroupDay";
export type { LoadSummary } from "./bindings/LoadSummary";
export type { ModuleSummaryView } from "./bindings/ModuleSummaryView";
export type { ModuleSummaryRowView } from "./bindings/ModuleSummaryRowView";
export type { PeriodView } from "./bindings/PeriodView";
export type { RosterRow } from "./bindings/RosterRow";
export type { Session } from "./bindings/Session";
export type { Status } from "./bindings/Status";
export type { TopicInput } from "./bindings/TopicInput";
export type { BundlePaths } from "./bindings/BundlePaths";
export type { ConflictAction } from "./bindings/ConflictAction";
export type { ConflictItem } from "./bindings/ConflictItem";
export type { ConflictView } from "./bindings/ConflictView";
export type { RemarkView } from "./bindings/RemarkView";
export type { ReopeningView } from "./bindings/ReopeningView";
export type { SignInOutcome } from "./bindings/SignInOutcome";
export type { SignInState } from "./bindings/SignInState";
export type { SyncReportDto } from "./bindings/SyncReportDto";
export type { RescueReport } from "./bindings/RescueReport";
export type { LostEdit } from "./bindings/LostEdit";
export type { SuggestionReceipt } from "./bindings/SuggestionReceipt";
export type { SupportView } from "./bindings/SupportView";
export type { SyncState } from "./bindings/SyncState";
export type { UserInfo } from "./bindings/UserInfo";

/** The columns of a page's finals, by their stable names (journal_core::FinalColumn). */
export type FinalColumn = "period" | "exam" | "year";
