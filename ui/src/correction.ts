// A cell corrected after the lesson's day: where the institution's policy allows corrections
// (001 Приложение, заместитель п. 9) the backend refuses one without a reason
// (`correction_reason_required`); the app then asks for the reason and sends the same value again
// with it. The reason travels in the signed op to the server's audit, where the deputy sees it.

import { api, AppError } from "./api";
import { askReason } from "./reason";
import type { EditReceipt } from "./types";

/** Sets a cell as typed; asks for the reason when the change is a correction after the day.
 *  Cancelling the question rejects with `correction_cancelled` (nothing is recorded). */
export async function setCellAskingReason(
  lessonId: string,
  studentId: string,
  input: string,
  who: string,
): Promise<EditReceipt> {
  try {
    return await api.setCell(lessonId, studentId, input);
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "correction_reason_required") throw e;
    const focused = document.activeElement as HTMLElement | null;
    const reason = await askReason({
      id: "correction",
      title: "Исправление после дня занятия",
      help:
        `${who}: ${input === "" ? "удаление записи" : `«${input}»`}. ` +
        "Исправление после дня занятия вносится с указанием причины; причина сохраняется " +
        "в журнале изменений и видна заместителю директора.",
      confirm: "Исправить",
    });
    focused?.focus();
    if (reason === null) {
      throw new AppError({ code: "correction_cancelled", message: "исправление отменено, запись не изменена" });
    }
    return api.setCell(lessonId, studentId, input, reason);
  }
}
