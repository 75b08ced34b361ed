// Typed wrappers over the journal commands added for the lesson and journal screens (same argument
// names as in src-tauri/src/journal_commands.rs).

import { call } from "./api";
import type { MakeupCandidate } from "./bindings/MakeupCandidate";
import type { WorkType } from "./bindings/WorkType";

export type { MakeupCandidate };

export const journalCalls = {
  makeupCandidates: (lessonId: string) => call<MakeupCandidate[]>("makeup_candidates", { lessonId }),
};

/** The work types in the regulations' words, in the order a teacher picks them. */
export const WORK_TYPES: Array<[WorkType, string]> = [
  ["lesson", "Урок"],
  ["lecture", "Лекция"],
  ["practical", "Практическая работа"],
  ["laboratory", "Лабораторная работа"],
  ["control", "Контрольная работа"],
  ["written", "Письменная работа"],
  ["seminar", "Семинар"],
  ["test", "Зачёт"],
  ["independent", "Самостоятельная работа"],
];

/** Short labels for the grid's column heads. */
export const WORK_TYPE_SHORT: Record<WorkType, string> = {
  lesson: "",
  lecture: "лек",
  practical: "пр",
  laboratory: "лаб",
  control: "к/р",
  written: "п/р",
  seminar: "сем",
  test: "зач",
  independent: "с/р",
};
