// «Урок»: the roster of the lesson with its cells, filled from the keyboard alone.
// Keys on a student's cell: 2–5 a mark, н/б/п an absence (also on the Latin layout's Y , G keys),
// Backspace/Delete clears, ↑ ↓ move, Esc goes back to «Сегодня». Every key that changes a cell is
// one set_cell call; the backend decides (the UI holds no rules) and its refusal is shown.

import { api, AppError } from "./api";
import { h, longDate, moment, time } from "./format";
import type { Route } from "./main";
import { dutyBadge } from "./today";
import type { LessonDetail, RosterRow, Session } from "./types";

/** What a key types into a cell, or null when the key is not a cell entry. */
export function cellInput(e: KeyboardEvent): string | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (["2", "3", "4", "5"].includes(e.key)) return e.key;
  const key = e.key.toLowerCase();
  if (key === "н" || e.code === "KeyY") return "н";
  if (key === "б" || e.code === "Comma") return "б";
  if (key === "п" || e.code === "KeyG") return "п";
  if (e.key === "Backspace" || e.key === "Delete") return "";
  return null;
}

function cellText(row: RosterRow): string {
  return row.cell.symbol;
}

export async function renderLesson(
  main: HTMLElement,
  session: Session,
  lessonId: string,
  navigate: (r: Route) => Promise<void>,
  afterEdit: () => Promise<void>,
): Promise<void> {
  let detail: LessonDetail = await api.lesson(lessonId);
  const s = detail.summary;
  const group = s.subgroup_name ? `${s.group_name}, ${s.subgroup_name}` : s.group_name;
  const editable = detail.read_only_reason === null;

  const hint =
    "Клавиши: 2–5 — отметка, н / б / п — отсутствие, Backspace — очистить, ↑ ↓ — ученик, Esc — к списку уроков.";
  const message = h(
    "div",
    { class: "message message-hint", role: "status", "aria-live": "polite", "data-testid": "lesson-message" },
    hint,
  );
  const say = (text: string, kind: "error" | "ok") => {
    message.className = `message message-${kind}`;
    message.textContent = text;
  };

  const body = h("tbody", {});
  const cells: HTMLTableCellElement[] = [];
  for (const row of detail.students) {
    const cell = h(
      "td",
      {
        class: "cell",
        tabindex: 0,
        "data-testid": "cell",
        "data-student-id": row.student_id,
        "aria-label": `Отметка: ${row.full_name}`,
      },
      cellText(row),
    );
    cells.push(cell);
    body.append(
      h(
        "tr",
        { class: "student-row", "data-testid": "student-row" },
        h("td", { class: "num" }, String(row.number)),
        h(
          "td",
          { class: "student-name" },
          row.full_name,
          row.individual_plan ? h("span", { class: "tag", title: "Индивидуальный учебный план" }, "ИУП") : null,
        ),
        cell,
      ),
    );
  }

  const focusRow = (i: number) => cells[Math.max(0, Math.min(cells.length - 1, i))]?.focus();

  async function enter(i: number, input: string): Promise<void> {
    const row = detail.students[i];
    try {
      await api.setCell(lessonId, row.student_id, input);
      detail = await api.lesson(lessonId);
      const fresh = detail.students.find((r) => r.student_id === row.student_id);
      cells[i].textContent = fresh ? cellText(fresh) : input;
      showDuties();
      say(input === "" ? `${row.full_name}: отметка удалена` : `${row.full_name}: ${cells[i].textContent}`, "ok");
      await afterEdit();
    } catch (e) {
      say(e instanceof AppError ? e.message : String(e), "error");
      cells[i].classList.add("refused");
      setTimeout(() => cells[i].classList.remove("refused"), 1200);
    }
  }

  cells.forEach((cell, i) => {
    cell.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "Enter") {
        e.preventDefault();
        focusRow(i + 1);
        return;
      }
      if (e.key === "ArrowUp") {
        e.preventDefault();
        focusRow(i - 1);
        return;
      }
      if (e.key === "Home") {
        e.preventDefault();
        focusRow(0);
        return;
      }
      if (e.key === "End") {
        e.preventDefault();
        focusRow(cells.length - 1);
        return;
      }
      const input = cellInput(e);
      if (input === null) return;
      e.preventDefault();
      if (!editable) {
        say(detail.read_only_reason?.message ?? "Урок доступен только для чтения", "error");
        return;
      }
      void enter(i, input).then(() => {
        if (input !== "") focusRow(i + 1);
      });
    });
  });

  const back = h("button", { class: "back", type: "button", "data-testid": "back" }, "← Сегодня");
  back.addEventListener("click", () => void navigate({ screen: "today" }));

  const topics =
    detail.topics.length > 0
      ? detail.topics.map((t) =>
          h(
            "div",
            { class: "topic-line" },
            detail.topics.length > 1 ? h("span", { class: "muted" }, `${t.hour}-й час: `) : null,
            t.title,
            h("span", { class: "muted" }, ` · ${t.work_type_ru}${t.work_number ? ` № ${t.work_number}` : ""}`),
          ),
        )
      : [
          h(
            "div",
            { class: "topic-line muted" },
            "Тема не записана",
            detail.suggested_topic ? ` · по КТП следующая: «${detail.suggested_topic.title}»` : "",
          ),
        ];
  const openDuties = (d: LessonDetail) => d.summary.duties.filter((x) => !x.done || x.state === "done_late");
  const dutyBadges = h("dd", { class: "badges", "data-testid": "lesson-duties" });
  const showDuties = () => {
    const open = openDuties(detail);
    dutyBadges.replaceChildren(
      ...(open.length > 0
        ? open.map((d) => dutyBadge(d, session.today))
        : [h("span", { class: "badge badge-done_in_time" }, "Всё заполнено")]),
    );
  };
  showDuties();

  const content = h(
    "section",
    { class: "screen lesson", "data-testid": "lesson-screen" },
    h("div", { class: "toolbar" }, back),
    h(
      "div",
      { class: "screen-head" },
      h("h1", {}, s.subject_name),
      h(
        "div",
        { class: "screen-sub" },
        `${group} · ${s.bell_number} урок, ${time(s.starts_at)}–${time(s.ends_at)}` +
          (s.room ? ` · каб. ${s.room}` : "") +
          ` · ${longDate(s.date)}`,
      ),
    ),
    h(
      "dl",
      { class: "lesson-facts" },
      h("dt", {}, "Тема"),
      h("dd", {}, ...topics),
      h("dt", {}, "Домашнее задание"),
      h(
        "dd",
        {},
        detail.homework
          ? detail.homework.text
          : h("span", { class: "muted" }, "не задано"),
      ),
      s.substitution
        ? h("dt", {}, "Замена")
        : null,
      s.substitution
        ? h("dd", {}, `ведёт ${s.substitution.substitute_name} вместо ${s.substitution.replaced_name}`)
        : null,
      h("dt", {}, "Не заполнено"),
      dutyBadges,
    ),
    detail.read_only_reason
      ? h("p", { class: "message message-info", "data-testid": "read-only" }, detail.read_only_reason.message)
      : null,
    message,
    h(
      "table",
      { class: "table roster", "data-testid": "roster" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { class: "num" }, "№"),
          h("th", {}, "Фамилия, имя, отчество"),
          h("th", { class: "cell-head" }, `${s.date.slice(8, 10)}.${s.date.slice(5, 7)}`),
        ),
      ),
      body,
    ),
    detail.students.length > 0 && detail.summary.filled_cells > 0
      ? h("p", { class: "muted small" }, `Последняя запись: ${lastEntry(detail, session.today)}`)
      : null,
  );
  content.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      void navigate({ screen: "today" });
    }
  });
  main.replaceChildren(content);
  focusRow(0);
}

function lastEntry(detail: LessonDetail, today: string): string {
  const times = detail.students.map((r) => r.cell.entered_at).filter((t): t is string => t !== null);
  if (times.length === 0) return "—";
  return moment(times.sort()[times.length - 1], today);
}
