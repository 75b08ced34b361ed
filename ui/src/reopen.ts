// Reopening a locked period for a correction (DESIGN «Locks»; 001 Приложение, заместитель п. 9):
// a deputy, where the institution's policy lets deputies edit, opens a locked period of a load
// with a reason (required); the teacher then sees «Открыт для исправления: <причина>» on the
// journal and the lesson, corrects and locks the period again. The backend decides who may.

import "./journal.css";
import { api, AppError } from "./api";
import { h, shortDate } from "./format";
import { loadTitle } from "./grid";
import { askReason } from "./reason";
import type { Grid, ReopeningView } from "./types";

/** «Открыт для исправления: <причина>», with who reopened it and when; null if not reopened. */
export function reopenedBadge(reopened: ReopeningView | null): HTMLElement | null {
  if (!reopened) return null;
  const who = `Открыл(а) ${reopened.reopened_by} ${shortDate(reopened.reopened_at.slice(0, 10))}`;
  return h(
    "span",
    { class: "badge badge-reopened", "data-testid": "reopened-badge", title: who },
    `Открыт для исправления: ${reopened.reason}`,
    h("span", { class: "muted small" }, ` · ${who}`),
  );
}

/** Asks for the reason of the reopening; resolves with it, or null when cancelled (Esc, «Отмена»).
 *  The reason is required: «Открыть» stays refused until something is typed. */
export function askReopenReason(grid: Grid): Promise<string | null> {
  return askReason({
    id: "reopen",
    title: `Открыть период «${grid.period.name}» для исправления?`,
    help:
      `${loadTitle(grid.load)}, ${shortDate(grid.period.starts_on)}–${shortDate(grid.period.ends_on)}. ` +
      "Преподаватель сможет исправить отметки, темы и итоговые отметки и закрыть период снова. " +
      "Причина исправления обязательна, она сохраняется в журнале изменений.",
    confirm: "Открыть период",
    danger: true,
  });
}

/** «Открыть период для исправления» for a user who may reopen this locked period; null otherwise.
 *  `after` runs once the reopening is recorded, `say` reports the outcome. */
export function reopenButton(
  grid: Grid,
  after: () => Promise<void>,
  say: (text: string, kind: "error" | "ok" | "hint") => void,
): HTMLElement | null {
  if (!grid.can_reopen) return null;
  const button = h("button", { class: "action", type: "button", "data-testid": "reopen-period" }, "Открыть период для исправления");
  button.addEventListener("click", async () => {
    const reason = await askReopenReason(grid);
    if (reason === null) {
      say("Период остаётся закрытым", "hint");
      button.focus();
      return;
    }
    try {
      await api.unlockPeriod(grid.load.id, grid.period.id, reason);
      say(`Период «${grid.period.name}» открыт для исправления`, "ok");
      await after();
    } catch (e) {
      say(e instanceof AppError ? e.message : String(e), "error");
    }
  });
  return button;
}
