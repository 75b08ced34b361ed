// «Итоговые отметки»: a load's period finals, one student a line with the period's marks, the
// average and the final journal-core suggests, pre-filled: Enter accepts it and moves on. Typed
// instead: 2–5, «зачёт», «незачёт», «н/а» (не аттестован), «отсрочка»; Backspace on an empty field
// clears the recorded final. Then «Закрыть период» with a confirmation naming what will be locked —
// or, where the policy locks after finals (001 «Преподаватель» п. 5), the final that completes the
// list closes the period by itself, which the screen says before the last one is typed.

import "./journal.css";
import { api, AppError } from "./api";
import { h, shortDate } from "./format";
import { average, finalColumns, loadTitle, lockBadge, readOnlyReason, type FinalCol } from "./grid";
import type { Route } from "./main";
import { reopenedBadge } from "./reopen";
import { dutyBadge } from "./today";
import type { Grid, Session } from "./types";

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

/** What a key on a final's grid cell records: 2–5, Enter = the suggestion, н = н/а, о = отсрочка,
 *  з = зачёт, Backspace = clear; null when the key is not an entry. */
export function finalInput(e: KeyboardEvent, suggested: string | null): string | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (["2", "3", "4", "5"].includes(e.key)) return e.key;
  if (e.key === "Enter") return suggested;
  const key = e.key.toLowerCase();
  if (key === "н" || e.code === "KeyY") return "н/а";
  if (key === "о" || e.code === "KeyJ") return "отсрочка";
  if (key === "з" || e.code === "KeyP") return "зачёт";
  if (e.key === "Backspace" || e.key === "Delete") return "";
  return null;
}

/** The period's marks of a student as one line: «5 4 н 5». */
function marksLine(cells: Array<string | null>): string {
  return cells.filter((c): c is string => c !== null && c !== "").join(" ");
}

/** Asks before locking; resolves true when the user confirmed. Enter confirms, Esc cancels. */
export function confirmLock(grid: Grid): Promise<boolean> {
  return new Promise((resolve) => {
    const lessons = grid.columns.length;
    const students = grid.rows.length;
    const confirm = h("button", { class: "action danger", type: "button", "data-testid": "lock-confirm" }, "Закрыть период");
    const cancel = h("button", { class: "back", type: "button", "data-testid": "lock-cancel" }, "Отмена");
    const dialog = h(
      "dialog",
      { class: "lock-dialog", "data-testid": "lock-dialog", "aria-labelledby": "lock-title" },
      h("h2", { id: "lock-title" }, `Закрыть период «${grid.period.name}»?`),
      h(
        "p",
        {},
        `${loadTitle(grid.load)}, ${shortDate(grid.period.starts_on)}–${shortDate(grid.period.ends_on)}.`,
      ),
      h(
        "p",
        {},
        `Будут закрыты для изменений: отметки и посещаемость ${students} учащихся на ${lessons} уроках, ` +
          "темы уроков, домашние задания и итоговые отметки за период. " +
          "Исправить их после закрытия можно будет только через администрацию, с указанием причины.",
      ),
      h("div", { class: "dialog-buttons" }, cancel, confirm),
    );
    const done = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    confirm.addEventListener("click", () => done(true));
    cancel.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    confirm.focus();
  });
}

export async function renderFinals(
  main: HTMLElement,
  session: Session,
  loadId: string,
  periodId: string | null,
  navigate: (r: Route) => Promise<void>,
  afterEdit: () => Promise<void>,
): Promise<void> {
  let grid: Grid = await api.grid(loadId, periodId);
  const message = h("div", { class: "message message-hint", role: "status", "aria-live": "polite", "data-testid": "finals-message" });
  const say = (text: string, kind: "error" | "ok" | "hint") => {
    message.className = `message message-${kind}`;
    message.textContent = text;
  };
  say("Enter — принять предлагаемую отметку и перейти к следующему; можно ввести 2–5, зачёт, незачёт, н/а, отсрочка.", "hint");
  const head = h("div", {});
  // The state, the policy's note and the message stay in view while the teacher goes down a long list.
  const state = h("div", {});
  const status = h("div", { class: "finals-status", "data-testid": "finals-status" }, state, message);
  const body = h("tbody", {});
  const inputs: HTMLInputElement[] = [];

  const missing = () => grid.rows.filter((r) => r.final_value === null).length;

  function drawHead(): void {
    const reason = readOnlyReason(grid);
    const lock = h("button", { class: "action danger", type: "button", "data-testid": "lock-period", disabled: reason !== null }, "Закрыть период");
    lock.addEventListener("click", () => void lockPeriod());
    head.replaceChildren(
      h(
        "div",
        { class: "screen-head" },
        h("h1", {}, `Итоговые отметки · ${grid.period.name}`),
        h("div", { class: "screen-sub" }, loadTitle(grid.load)),
      ),
    );
    state.replaceChildren(
      h(
        "div",
        { class: "grid-bar" },
        lockBadge(grid),
        reopenedBadge(grid.reopened),
        dutyBadge(grid.finals_deadline, session.today),
        h(
          "span",
          { class: "muted", "data-testid": "finals-missing" },
          missing() === 0 ? "Итоговые отметки выставлены всем" : `Без итоговой отметки: ${missing()}`,
        ),
        lock,
      ),
      ...(reason ? [h("p", { class: "message message-info read-only", "data-testid": "read-only" }, reason)] : []),
      ...(reason === null ? rulesNote() : []),
    );
  }

  /** What the institution's policy does with this period's finals, said before it happens. */
  function rulesNote(): HTMLElement[] {
    const notes: string[] = [];
    if (grid.finals_open_from !== null && session.today < grid.finals_open_from) {
      notes.push(`Итоговые отметки за этот период выставляются с ${shortDate(grid.finals_open_from)} — в последние дни периода.`);
    }
    if (grid.locks_after_finals) {
      notes.push(
        missing() === 1
          ? "Это последняя итоговая отметка: после неё период закроется для изменений. Проверьте отметки перед тем, как её поставить."
          : "Когда итоговые отметки будут выставлены всем, период закроется для изменений: так требует положение учреждения.",
      );
    }
    return notes.length === 0 ? [] : [h("p", { class: "message message-info", "data-testid": "finals-rule" }, notes.join(" "))];
  }

  async function lockPeriod(): Promise<void> {
    if (!(await confirmLock(grid))) {
      say("Период не закрыт", "hint");
      return;
    }
    try {
      await api.lockPeriod(loadId, grid.period.id);
      grid = await api.grid(loadId, grid.period.id);
      drawHead();
      drawRows();
      say(`Период «${grid.period.name}» закрыт`, "ok");
      await afterEdit();
    } catch (e) {
      say(errorText(e), "error");
    }
  }

  async function save(i: number, value: string): Promise<boolean> {
    const row = grid.rows[i];
    try {
      await api.setFinal(loadId, grid.period.id, row.student_id, value);
      const wasLocked = grid.locked;
      grid = await api.grid(loadId, grid.period.id);
      if (grid.locked && !wasLocked) {
        // The final completed the list and the policy closed the period: every field is read-only now.
        drawHead();
        drawRows();
        say(`${row.full_name}: ${value}. Итоговые отметки выставлены всем — период «${grid.period.name}» закрыт.`, "ok");
        await afterEdit();
        return false;
      }
      say(`${row.full_name}: ${value === "" ? "итоговая отметка удалена" : value}`, "ok");
      drawHead();
      const fresh = grid.rows[i];
      inputs[i].value = fresh.final_value ?? "";
      inputs[i].placeholder = fresh.suggested_final ?? "";
      inputs[i].classList.toggle("set", fresh.final_value !== null);
      await afterEdit();
      return true;
    } catch (e) {
      say(`${row.full_name}: ${errorText(e)}`, "error");
      return false;
    }
  }

  /** The exam's and the year's columns beside the period final: Enter records the typed value (the
   *  year's suggestion when empty) and goes down the same column; Backspace on an empty field
   *  clears the recorded value. */
  const others = new Map<string, HTMLInputElement[]>();
  async function saveOther(i: number, col: FinalCol, value: string): Promise<boolean> {
    const row = grid.rows[i];
    try {
      await api.setFinal(loadId, grid.period.id, row.student_id, value, col.column);
      grid = await api.grid(loadId, grid.period.id);
      say(`${row.full_name}: ${col.title.toLowerCase()} — ${value === "" ? "удалено" : value}`, "ok");
      const input = others.get(col.column)?.[i];
      if (input) {
        input.value = col.value(grid.rows[i]) ?? "";
        input.placeholder = col.suggested(grid.rows[i]) ?? "";
        input.classList.toggle("set", col.value(grid.rows[i]) !== null);
      }
      await afterEdit();
      return true;
    } catch (e) {
      say(`${row.full_name}: ${errorText(e)}`, "error");
      return false;
    }
  }
  function otherInput(r: Grid["rows"][number], i: number, col: FinalCol, disabled: boolean): HTMLElement {
    const column = others.get(col.column) ?? [];
    others.set(col.column, column);
    const input = h("input", {
      class: `final-input${col.value(r) !== null ? " set" : ""}`,
      type: "text",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: col.suggested(r) ?? "",
      "aria-label": `${col.title}: ${r.full_name}`,
      "data-testid": `final-input-${col.column}`,
      "data-student-id": r.student_id,
      disabled,
    });
    input.value = col.value(r) ?? "";
    input.addEventListener("keydown", async (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        column[Math.max(0, Math.min(column.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))]?.focus();
        return;
      }
      if (e.key === "Backspace" && input.value === "" && col.value(grid.rows[i]) !== null) {
        e.preventDefault();
        await saveOther(i, col, "");
        return;
      }
      if (e.key !== "Enter") return;
      e.preventDefault();
      const value = input.value.trim() || (col.suggested(grid.rows[i]) ?? "");
      if (value === "" || value === col.value(grid.rows[i])) {
        column[i + 1]?.focus();
        return;
      }
      if (await saveOther(i, col, value)) column[i + 1]?.focus();
    });
    column.push(input);
    return h("td", { class: "final-cell" }, input);
  }

  function drawRows(): void {
    const reason = readOnlyReason(grid);
    inputs.length = 0;
    others.clear();
    const [exam, year] = (["exam", "year"] as const).map((c) => finalColumns(grid).find((f) => f.column === c));
    body.replaceChildren(
      ...grid.rows.map((r, i) => {
        const input = h("input", {
          class: `final-input${r.final_value !== null ? " set" : ""}`,
          type: "text",
          autocomplete: "off",
          spellcheck: "false",
          placeholder: r.suggested_final ?? "",
          "aria-label": `Итоговая отметка: ${r.full_name}`,
          "data-testid": "final-input",
          "data-student-id": r.student_id,
          disabled: reason !== null,
        });
        input.value = r.final_value ?? "";
        input.addEventListener("keydown", async (e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            inputs[Math.max(0, Math.min(inputs.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))]?.focus();
            return;
          }
          if (e.key === "Backspace" && input.value === "" && grid.rows[i].final_value !== null) {
            e.preventDefault();
            await save(i, "");
            return;
          }
          if (e.key !== "Enter") return;
          e.preventDefault();
          const typed = input.value.trim();
          const current = grid.rows[i].final_value;
          const value = typed !== "" ? typed : (grid.rows[i].suggested_final ?? "");
          if (value === "") {
            say(`${r.full_name}: отметок за период нет — введите итоговую (например, н/а или отсрочка)`, "error");
            return;
          }
          if (value === current) {
            inputs[i + 1]?.focus();
            return;
          }
          if (await save(i, value)) inputs[i + 1]?.focus();
        });
        inputs.push(input);
        return h(
          "tr",
          { "data-testid": "final-row" },
          h("td", { class: "num" }, String(r.number)),
          h("td", { class: "student-name" }, r.full_name),
          h("td", { class: "marks-line" }, marksLine(r.cells)),
          h("td", { class: "avg" }, average(r.average)),
          h("td", { class: "suggested-final" }, r.suggested_final ?? "—"),
          exam ? otherInput(r, i, exam, reason !== null) : null,
          h("td", { class: "final-cell" }, input),
          year ? otherInput(r, i, year, reason !== null) : null,
        );
      }),
    );
  }

  const back = h("button", { class: "back", type: "button", "data-testid": "back" }, "← Журнал предмета");
  back.addEventListener("click", () => void navigate({ screen: "journal", loadId, periodId: grid.period.id }));
  drawHead();
  drawRows();
  const content = h(
    "section",
    { class: "screen finals-screen", "data-testid": "finals-screen" },
    h("div", { class: "toolbar" }, back),
    head,
    status,
    h(
      "table",
      { class: "table finals", "data-testid": "finals-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { class: "num" }, "№"),
          h("th", {}, "Фамилия, имя"),
          h("th", {}, "Отметки за период"),
          h("th", {}, "Ср. балл"),
          h("th", {}, "Предлагается"),
          grid.exam_column !== null ? h("th", { "data-testid": "finals-head-exam" }, grid.exam_column) : null,
          h("th", {}, "Итоговая"),
          grid.year_column ? h("th", { "data-testid": "finals-head-year" }, "Годовая") : null,
        ),
      ),
      body,
    ),
  );
  content.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !document.querySelector("dialog[open]")) {
      e.preventDefault();
      void navigate({ screen: "journal", loadId, periodId: grid.period.id });
    }
  });
  main.replaceChildren(content);
  (inputs.find((x) => x.value === "") ?? inputs[0])?.focus();
}
