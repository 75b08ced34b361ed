// «Изменение урока» (issue 13): «Замена», «Перенос», «Урок не проведён» with its reason, and back
// into the timetable. One dialog, keyboard first: the choice is a radio group (arrow keys), its
// fields follow, Enter records, Esc cancels. The backend judges the change with the same function
// the server uses; a refusal stays in the dialog beside the choice and nothing is recorded.

import "./journal.css";
import { api, AppError } from "./api";
import { h, shortDate } from "./format";
import type { LessonChangeRequest, LessonDetail, UserChoice } from "./types";

type Kind = LessonChangeRequest["change"];

/** The lesson's state in words for the lesson screen and the list; null when it is as timetabled. */
export function lessonStateText(s: LessonDetail["summary"]): string | null {
  if (s.state === "postponed") return `Урок перенесён${s.moved_to ? ` на ${shortDate(s.moved_to)}` : ""}`;
  if (s.state === "cancelled") return `Урок не проведён${s.change_reason ? `: ${s.change_reason}` : ""}`;
  return null;
}

/** The choices the lesson allows now, in the dialog's order. */
function kinds(s: LessonDetail["summary"]): [Kind, string][] {
  if (s.state === "cancelled") return [["restore", "Вернуть урок в расписание"]];
  if (s.state === "postponed") return [];
  const v: [Kind, string][] = [["substitute", "Замена: урок ведёт другой преподаватель"]];
  if (s.substitution) v.push(["no_substitute", "Снять замену"]);
  v.push(["postpone", "Перенос на другой день или урок"], ["not_held", "Урок не проведён"]);
  return v;
}

/** The dialog; `record` sends the change and answers the refusal's text (the dialog stays open
 *  with it) or null (the dialog closes). Resolves with whether a change was recorded. */
function askChange(
  detail: LessonDetail,
  teachers: UserChoice[],
  record: (r: LessonChangeRequest) => Promise<string | null>,
): Promise<boolean> {
  const s = detail.summary;
  return new Promise((resolve) => {
    const choices = kinds(s);
    const radios = choices.map(([kind, label], i) =>
      h(
        "label",
        { class: "choice" },
        h("input", {
          type: "radio",
          name: "lesson-change",
          value: kind,
          "data-testid": `lesson-change-${kind}`,
          ...(i === 0 ? { checked: true } : {}),
        }),
        ` ${label}`,
      ),
    );
    const teacher = h(
      "select",
      { id: "lesson-change-teacher", "data-testid": "lesson-change-teacher" },
      ...teachers.map((t) => h("option", { value: t.id }, t.full_name)),
    ) as HTMLSelectElement;
    const date = h("input", { type: "date", id: "lesson-change-date", "data-testid": "lesson-change-date", value: s.date }) as HTMLInputElement;
    const bell = h("input", {
      type: "number",
      id: "lesson-change-bell",
      "data-testid": "lesson-change-bell",
      min: 1,
      max: 12,
      value: String(s.bell_number),
    }) as HTMLInputElement;
    const reason = h("input", {
      type: "text",
      id: "lesson-change-reason",
      "data-testid": "lesson-change-reason",
      maxlength: 200,
      placeholder: "болезнь преподавателя, карантин, …",
    }) as HTMLInputElement;
    const fields: Record<string, HTMLElement> = {
      substitute: h(
        "div",
        { class: "field" },
        h("label", { for: "lesson-change-teacher" }, "Кто ведёт урок"),
        teachers.length > 0
          ? teacher
          : h("p", { class: "muted" }, "На этом компьютере нет списка преподавателей: замену отмечает заместитель директора"),
      ),
      postpone: h(
        "div",
        { class: "field" },
        h("label", { for: "lesson-change-date" }, "Дата"),
        date,
        h("label", { for: "lesson-change-bell" }, "Урок по звонкам"),
        bell,
      ),
      not_held: h("div", { class: "field" }, h("label", { for: "lesson-change-reason" }, "Причина"), reason),
    };
    const error = h("p", { class: "message message-error", role: "alert", "data-testid": "lesson-change-error", hidden: true });
    const confirm = h("button", { class: "action", type: "submit", "data-testid": "lesson-change-confirm" }, "Записать");
    const cancel = h("button", { class: "back", type: "button", "data-testid": "lesson-change-cancel" }, "Отмена");
    const fieldBox = h("div", { class: "lesson-change-fields" });
    const chosen = (): Kind => {
      const r = radios.map((l) => l.querySelector("input") as HTMLInputElement).find((i) => i.checked);
      return (r?.value ?? choices[0]?.[0]) as Kind;
    };
    const showFields = () => {
      const f = fields[chosen()];
      fieldBox.replaceChildren(...(f ? [f] : []));
      error.hidden = true;
    };
    for (const l of radios) l.querySelector("input")?.addEventListener("change", showFields);
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", { id: "lesson-change-title" }, "Изменение урока"),
      h("p", {}, `${s.subject_name}, ${s.group_name}, ${shortDate(s.date)}, ${s.bell_number} урок`),
      h("fieldset", { class: "choices", "data-testid": "lesson-change-kinds" }, ...radios),
      fieldBox,
      error,
      h("div", { class: "dialog-buttons" }, cancel, confirm),
    );
    const dialog = h(
      "dialog",
      { class: "lock-dialog", "data-testid": "lesson-change-dialog", "aria-labelledby": "lesson-change-title" },
      form,
    ) as HTMLDialogElement;
    const done = (recorded: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(recorded);
    };
    const send = async (r: LessonChangeRequest) => {
      confirm.setAttribute("disabled", "");
      const refusal = await record(r);
      confirm.removeAttribute("disabled");
      if (refusal === null) done(true);
      else refuse(refusal, confirm);
    };
    const refuse = (text: string, focus: HTMLElement) => {
      error.textContent = text;
      error.hidden = false;
      focus.focus();
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      switch (chosen()) {
        case "substitute":
          if (!teacher.value) return refuse("Выберите преподавателя", teacher);
          return void send({ change: "substitute", teacher_id: teacher.value });
        case "no_substitute":
          return void send({ change: "no_substitute" });
        case "postpone": {
          const n = Number(bell.value);
          if (!date.value) return refuse("Укажите дату переноса", date);
          if (!Number.isInteger(n) || n < 1) return refuse("Укажите номер урока по звонкам", bell);
          return void send({ change: "postpone", to: date.value, bell_number: n });
        }
        case "not_held":
          if (!reason.value.trim()) return refuse("Укажите причину, по которой урок не проведён", reason);
          return void send({ change: "not_held", reason: reason.value.trim() });
        case "restore":
          return void send({ change: "restore" });
      }
    });
    cancel.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    showFields();
    (radios[0]?.querySelector("input") as HTMLInputElement | null)?.focus();
  });
}

/** «Изменение урока» for a user who may record one on this lesson; null otherwise. `after` runs
 *  once the change is recorded, `say` reports the outcome. */
export function lessonChangeButton(
  detail: LessonDetail,
  after: () => Promise<void>,
  say: (text: string, kind: "error" | "ok" | "hint") => void,
): HTMLElement | null {
  const s = detail.summary;
  if (!s.may_change || s.locked || kinds(s).length === 0) return null;
  const button = h("button", { class: "back", type: "button", "data-testid": "lesson-change" }, "Изменение урока");
  button.addEventListener("click", async () => {
    let teachers: UserChoice[] = [];
    try {
      teachers = await api.substitutes(s.id);
    } catch {
      // The dialog says the list is missing; the other changes still work.
    }
    const recorded = await askChange(detail, teachers, async (request) => {
      try {
        await api.changeLesson(s.id, request);
        return null;
      } catch (e) {
        return e instanceof AppError ? e.message : String(e);
      }
    });
    if (!recorded) {
      say("Урок не изменён", "hint");
      button.focus();
      return;
    }
    say("Изменение урока записано", "ok");
    await after();
  });
  return button;
}
