// «Замечания по ведению журнала»: the deputies' remarks on the teacher's subjects, each with its
// one-week deadline; «Устранено» records that it was dealt with (sent with the next sync).

import { api, AppError } from "./api";
import { h, moment, shortDate } from "./format";
import type { RemarkView, Session } from "./types";

function remarkRow(r: RemarkView, today: string, resolve: (r: RemarkView, b: HTMLButtonElement) => void): HTMLElement {
  const done = r.resolved_at !== null;
  const button = done
    ? null
    : (h("button", { type: "button", "data-testid": "remark-resolve" }, "Устранено") as HTMLButtonElement);
  button?.addEventListener("click", () => resolve(r, button));
  return h(
    "tr",
    { class: done ? "remark done" : "remark", "data-testid": "remark-row" },
    h("td", { class: "time" }, shortDate(r.created_at)),
    h("td", {}, h("div", { class: "subject-name" }, r.subject_name), h("div", { class: "small" }, r.group_name)),
    h("td", { "data-testid": "remark-text" }, r.text, h("div", { class: "muted small" }, r.author_name)),
    h(
      "td",
      {},
      h("span", { class: `badge badge-${r.state}` }, r.state_ru),
      r.due && !done ? h("div", { class: "muted small" }, `до ${moment(r.due, today)}`) : null,
      done && r.resolved_at ? h("div", { class: "muted small" }, `устранено ${moment(r.resolved_at, today)}`) : null,
    ),
    h("td", {}, button),
  );
}

export async function renderRemarks(el: HTMLElement, session: Session, refreshHeader: () => Promise<void>): Promise<void> {
  const message = h("p", { class: "message", role: "status", "data-testid": "remarks-message" });
  const body = h("tbody");
  const draw = (list: RemarkView[]) =>
    body.replaceChildren(
      ...(list.length
        ? list.map((r) => remarkRow(r, session.today, resolve))
        : [h("tr", {}, h("td", { colspan: 5, class: "muted" }, "Замечаний по ведению журнала нет."))]),
    );
  const resolve = (r: RemarkView, b: HTMLButtonElement) => {
    b.disabled = true;
    void api
      .resolveRemark(r.id)
      .then(async () => {
        message.textContent = "Замечание отмечено как устранённое";
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
      h("p", { class: "muted small" }, "Замечание нужно устранить в течение недели со дня записи."),
      message,
      h(
        "table",
        { class: "table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Дата"), h("th", {}, "Предмет"), h("th", {}, "Замечание"), h("th", {}, "Срок"), h("th", {}, ""))),
        body,
      ),
    ),
  );
  el.querySelector<HTMLButtonElement>("[data-testid=remark-resolve]")?.focus();
}
