// «Замечания по ведению журнала»: remarks from the deputies, the control group or the department
// head on the teacher's subjects, each with its lesson or dates, «Срок устранения», status and
// history. The teacher writes what was fixed and presses «Устранено» (an edit sent with the next
// sync, offline too); the author confirms it or returns it, and a returned remark is open again.
// The curator sees their group's remarks read-only.

import { api, AppError } from "./api";
import { h, shortDate } from "./format";
import type { RemarkView, Session } from "./types";

function about(r: RemarkView): string {
  if (r.lesson_date) return `Занятие ${shortDate(r.lesson_date)}. `;
  if (r.date_from && r.date_to) return `С ${shortDate(r.date_from)} по ${shortDate(r.date_to)}. `;
  if (r.date_from) return `С ${shortDate(r.date_from)}. `;
  if (r.date_to) return `По ${shortDate(r.date_to)}. `;
  return "";
}

function remarkRow(r: RemarkView, answer: (r: RemarkView, text: HTMLTextAreaElement, b: HTMLButtonElement) => void): HTMLElement {
  const open = r.status === "written" || r.status === "returned";
  let form: HTMLElement | null = null;
  if (r.may_answer) {
    const text = h("textarea", {
      rows: 2,
      "data-testid": "remark-answer",
      "aria-label": "Что исправлено",
      placeholder: "Что исправлено",
    }) as HTMLTextAreaElement;
    const button = h("button", { type: "button", "data-testid": "remark-resolve" }, "Устранено") as HTMLButtonElement;
    button.addEventListener("click", () => answer(r, text, button));
    form = h("div", { class: "remark-answer" }, text, button);
  }
  return h(
    "tr",
    { class: open ? "remark" : "remark done", "data-testid": "remark-row" },
    h("td", { class: "time" }, shortDate(r.created_at)),
    h("td", {}, h("div", { class: "subject-name" }, r.subject_name), h("div", { class: "small" }, r.group_name)),
    h(
      "td",
      { "data-testid": "remark-text" },
      `${about(r)}${r.text}`,
      h("div", { class: "muted small" }, r.author_name),
      r.answer ? h("div", { class: "small", "data-testid": "remark-answer-text" }, `Ответ: ${r.answer}`) : null,
      r.decision_comment ? h("div", { class: "small" }, `Комментарий: ${r.decision_comment}`) : null,
      r.history.length > 1
        ? h("details", { class: "small" }, h("summary", {}, "История"), ...r.history.map((s) => h("div", {}, s)))
        : null,
      form,
    ),
    h(
      "td",
      {},
      h("span", { class: `badge badge-${r.overdue ? "overdue" : r.state}`, "data-testid": "remark-status" }, r.status_ru),
      h("div", { class: "muted small" }, `срок до ${shortDate(r.deadline)}`),
      r.overdue ? h("div", { class: "small" }, "просрочено") : null,
    ),
  );
}

export async function renderRemarks(el: HTMLElement, _session: Session, refreshHeader: () => Promise<void>): Promise<void> {
  const message = h("p", { class: "message", role: "status", "data-testid": "remarks-message" });
  const body = h("tbody");
  const draw = (list: RemarkView[]) =>
    body.replaceChildren(
      ...(list.length
        ? list.map((r) => remarkRow(r, answer))
        : [h("tr", {}, h("td", { colspan: 4, class: "muted" }, "Замечаний по ведению журнала нет."))]),
    );
  const answer = (r: RemarkView, text: HTMLTextAreaElement, b: HTMLButtonElement) => {
    b.disabled = true;
    void api
      .answerRemark(r.id, text.value)
      .then(async () => {
        message.textContent = "Ответ записан, замечание отмечено как устранённое";
        message.className = "message message-ok";
        draw(await api.remarks());
        await refreshHeader();
      })
      .catch((e) => {
        b.disabled = false;
        message.textContent = e instanceof AppError ? e.message : String(e);
        message.className = "message message-error";
      });
  };
  draw(await api.remarks());
  el.replaceChildren(
    h(
      "section",
      { class: "remarks", "data-testid": "remarks-screen" },
      h("div", { class: "screen-head" }, h("h1", {}, "Замечания по ведению журнала")),
      h("p", { class: "muted small" }, "Напишите, что исправлено, и нажмите «Устранено»: ответ уйдёт при синхронизации, автор замечания подтвердит устранение или вернёт замечание."),
      message,
      h(
        "table",
        { class: "table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Дата"), h("th", {}, "Предмет"), h("th", {}, "Замечание"), h("th", {}, "Срок"))),
        body,
      ),
    ),
  );
  el.querySelector<HTMLTextAreaElement>("[data-testid=remark-answer]")?.focus();
}
