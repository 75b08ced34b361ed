// «Замечания родителям» in the teacher's app (issue 12): the notes the teacher wrote to the parents
// of their loads' students, whether and when a parent acknowledged («Ознакомлен»), and a new note.
// A note is kept in the encrypted copy first and sent at once online or by the next sync; one the
// server refused stays listed with the server's words until the teacher removes it. Keyboard:
// the student list has the focus, Tab goes to the text, Ctrl+Enter sends.

import { AppError, call } from "./api";
import { h, shortDate, time } from "./format";
import type { ParentNoteEntry } from "./bindings/ParentNoteEntry";
import type { ParentNoteReceipt } from "./bindings/ParentNoteReceipt";
import type { ParentNotesView } from "./bindings/ParentNotesView";

const notesApi = {
  list: () => call<ParentNotesView>("parent_notes"),
  write: (studentId: string, text: string) => call<ParentNoteReceipt>("write_parent_note", { studentId, text }),
  dismiss: (localId: number) => call<null>("dismiss_parent_note", { localId }),
};

/** The student last written about: the screen opens on them again (notes often come in a row). */
let lastStudent = "";

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

/** «08.10.2026 16:05» from a time with or without its offset (the institution's or the device's). */
function when(at: string): string {
  return `${shortDate(at.slice(0, 10))} ${time(at)}`;
}

function receiptText(r: ParentNoteReceipt): string {
  if (r.refused.length) return `Сервер не принял: ${r.refused.join("; ")}`;
  if (r.sent) return "Отправлено: родители увидят замечание в дневнике";
  return `Сохранено в журнале и будет отправлено при следующей синхронизации (ждут отправки: ${r.waiting})`;
}

/** Where the note stands, in words. */
function stateOf(n: ParentNoteEntry): HTMLElement {
  if (n.state === "refused") return h("span", { class: "note-state refused" }, `Не принято сервером: ${n.refusal ?? ""}`);
  if (n.state === "waiting") return h("span", { class: "note-state waiting" }, "Ждёт отправки");
  if (!n.acknowledgements.length) return h("span", { class: "note-state unread" }, "Родители ещё не ознакомились");
  return h(
    "span",
    { class: "note-state acknowledged" },
    n.acknowledgements.map((a) => `Ознакомлен(а): ${a.parent_name}, ${when(a.at)}`).join("; "),
  );
}

export async function renderParentNotes(el: HTMLElement, refreshHeader: () => Promise<void>): Promise<void> {
  const status = h("p", { class: "message", role: "status", "data-testid": "notes-status" });
  const student = h("select", { "data-testid": "note-student", "aria-label": "Обучающийся" }) as HTMLSelectElement;
  const text = h("textarea", { rows: 4, maxlength: 2000, "data-testid": "note-text", "aria-label": "Текст замечания" }) as HTMLTextAreaElement;
  const result = h("p", { class: "message", role: "status", "data-testid": "note-result" });
  const send = h("button", { type: "submit", class: "primary", "data-testid": "note-send" }, "Отправить родителям") as HTMLButtonElement;
  const form = h(
    "form",
    { class: "message-form note-form" },
    h("h2", {}, "Новое замечание"),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Обучающийся"), student),
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Замечание"), text),
    h("div", { class: "form-actions" }, send, h("span", { class: "muted small" }, "Ctrl+Enter — отправить")),
    result,
  ) as HTMLFormElement;
  const list = h("div", { class: "notes-list", "data-testid": "notes-list" });
  el.replaceChildren(
    h("section", { class: "parent-notes", "data-testid": "notes-screen" }, h("h1", {}, "Замечания родителям"), status, form, h("h2", {}, "Написанные замечания"), list),
  );

  const load = async (): Promise<void> => {
    let v: ParentNotesView;
    try {
      v = await notesApi.list();
    } catch (e) {
      status.textContent = errorText(e);
      status.className = "message message-error";
      return;
    }
    const chosen = student.value || lastStudent;
    student.replaceChildren(...v.students.map((s) => h("option", { value: s.id }, `${s.full_name} — ${s.group_name}`)));
    if (chosen && v.students.some((s) => s.id === chosen)) student.value = chosen;
    send.disabled = v.students.length === 0;
    const waiting = v.notes.filter((n) => n.state === "waiting").length;
    status.textContent = v.unreachable
      ? "Сервер журнала сейчас недоступен, а отправленные замечания читаются с него. Новое замечание сохранится в журнале и уйдёт при синхронизации."
      : v.students.length === 0
        ? "В ваших нагрузках нет обучающихся."
        : waiting
          ? `Ждут отправки: ${waiting}`
          : "";
    status.className = v.unreachable ? "message message-error" : "message";
    // Why the server did not answer (the address, no connection or no reply in time) on hover.
    status.title = v.unreachable ?? "";
    if (v.unreachable) void refreshHeader();
    list.replaceChildren(
      v.notes.length
        ? h(
            "ul",
            { class: "note-list" },
            ...v.notes.map((n) => {
              const item = h(
                "li",
                { class: `note ${n.state}`, "data-testid": "note-item", "data-state": n.state },
                h("div", { class: "small muted" }, `${n.student}, ${when(n.written_at)}`),
                h("div", { class: "body" }, n.text),
                stateOf(n),
              );
              if (n.state === "refused" && n.local_id !== null) {
                const localId = n.local_id;
                const dismiss = h("button", { type: "button", class: "link-button", "data-testid": "note-dismiss" }, "Убрать из списка");
                dismiss.addEventListener("click", () => {
                  void (async () => {
                    try {
                      await notesApi.dismiss(localId);
                      await load();
                    } catch (e) {
                      status.textContent = errorText(e);
                      status.className = "message message-error";
                    }
                  })();
                });
                item.append(" ", dismiss);
              }
              return item;
            }),
          )
        : h("p", { class: "muted" }, "Замечаний пока нет."),
    );
  };

  student.addEventListener("change", () => {
    lastStudent = student.value;
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    lastStudent = student.value;
    send.disabled = true;
    void (async () => {
      try {
        const r = await notesApi.write(student.value, text.value);
        result.textContent = receiptText(r);
        result.className = r.refused.length ? "message message-error" : "message message-ok";
        if (!r.refused.length) text.value = "";
        await refreshHeader();
        await load();
      } catch (e) {
        result.textContent = errorText(e);
        result.className = "message message-error";
      } finally {
        send.disabled = false;
        text.focus();
      }
    })();
  });
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  await load();
  student.focus();
}
