// The one dialog that asks why: the reason of reopening a locked period and the reason of
// correcting a cell after the lesson's day (001 Приложение, заместитель п. 9: corrections under the
// deputy's control). Keyboard first: the text box has the focus, Enter confirms (Shift+Enter is a
// new line), Esc cancels. The reason is required; the backend judges it again.

import "./journal.css";
import { h } from "./format";

export interface ReasonQuestion {
  /** Prefix of the test ids and element ids: `<id>-dialog`, `<id>-reason`, `<id>-confirm`, … */
  id: string;
  title: string;
  help: string;
  confirm: string;
  /** Refuse the confirm button's look as dangerous (reopening) or plain (a correction). */
  danger?: boolean;
}

/** Asks for a reason; resolves with it (trimmed, not empty), or null when cancelled. */
export function askReason(q: ReasonQuestion): Promise<string | null> {
  return new Promise((resolve) => {
    const reason = h("textarea", {
      id: `${q.id}-reason`,
      class: "reopen-reason",
      rows: 3,
      maxlength: 300,
      "aria-required": "true",
      "data-testid": `${q.id}-reason`,
      "aria-describedby": `${q.id}-help`,
    }) as HTMLTextAreaElement;
    const error = h("p", { class: "message message-error", role: "alert", "data-testid": `${q.id}-error`, hidden: true });
    const confirm = h(
      "button",
      { class: q.danger ? "action danger" : "action", type: "submit", "data-testid": `${q.id}-confirm` },
      q.confirm,
    );
    const cancel = h("button", { class: "back", type: "button", "data-testid": `${q.id}-cancel` }, "Отмена");
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", { id: `${q.id}-title` }, q.title),
      h("p", { id: `${q.id}-help`, "data-testid": `${q.id}-help` }, q.help),
      h("label", { for: `${q.id}-reason` }, "Причина исправления"),
      reason,
      error,
      h("div", { class: "dialog-buttons" }, cancel, confirm),
    );
    const dialog = h(
      "dialog",
      { class: "lock-dialog", "data-testid": `${q.id}-dialog`, "aria-labelledby": `${q.id}-title` },
      form,
    ) as HTMLDialogElement;
    const done = (value: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = reason.value.trim();
      if (text === "") {
        error.textContent = "Укажите причину исправления";
        error.hidden = false;
        reason.focus();
        return;
      }
      done(text);
    });
    reason.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    cancel.addEventListener("click", () => done(null));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}
