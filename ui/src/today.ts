// «Сегодня»: the teacher's lessons of the day in bell order, with what is still missing.

import { api } from "./api";
import { h, longDate, moment, plural, time } from "./format";
import type { Route } from "./main";
import type { Duty, LessonSummary, Session } from "./types";

/** A deadline badge for a duty that is not done (or done late). */
export function dutyBadge(duty: Duty, today: string): HTMLElement {
  const due = duty.due ? ` · до ${moment(duty.due, today)}` : "";
  return h(
    "span",
    { class: `badge badge-${duty.state}`, title: duty.state_ru, "data-testid": "duty" },
    h("span", { class: "badge-label" }, duty.label_ru),
    h("span", { class: "badge-state" }, `${duty.state_ru}${duty.done ? "" : due}`),
  );
}

function missingCell(lesson: LessonSummary, today: string): HTMLElement {
  if (lesson.state === "cancelled") return h("span", { class: "muted" }, "Урок не проведён");
  const open = lesson.duties.filter((d) => !d.done || d.state === "done_late");
  if (open.length === 0) return h("span", { class: "badge badge-done_in_time" }, "Всё заполнено");
  return h("div", { class: "badges" }, ...open.map((d) => dutyBadge(d, today)));
}

function lessonRow(lesson: LessonSummary, today: string, open: () => void): HTMLTableRowElement {
  const group = lesson.subgroup_name ? `${lesson.group_name}, ${lesson.subgroup_name}` : lesson.group_name;
  const substitution = lesson.substitution
    ? lesson.substitution.by_me
      ? `Замена: вместо ${lesson.substitution.replaced_name}`
      : `Замена: ведёт ${lesson.substitution.substitute_name}`
    : null;
  const stateNote =
    lesson.state === "postponed"
      ? `Перенесён${lesson.moved_to ? ` на ${lesson.moved_to.split("-").reverse().join(".")}` : ""}`
      : lesson.state === "cancelled"
        ? `Не проведён${lesson.change_reason ? `: ${lesson.change_reason}` : ""}`
        : null;
  const row = h(
    "tr",
    {
      class: `lesson-row state-${lesson.state}`,
      tabindex: 0,
      "data-testid": "lesson-row",
      "data-lesson-id": lesson.id,
      "aria-label": `${lesson.bell_number} урок, ${lesson.subject_name}, ${group}`,
    },
    h("td", { class: "num" }, String(lesson.bell_number)),
    h(
      "td",
      { class: "time" },
      `${time(lesson.starts_at)}–${time(lesson.ends_at)}`,
      lesson.hours > 1 ? h("div", { class: "muted small" }, `пара, ${lesson.hours} ч`) : null,
    ),
    h("td", { class: "group", "data-testid": "lesson-group" }, group),
    h(
      "td",
      { class: "subject" },
      h("div", { class: "subject-name", "data-testid": "lesson-subject" }, lesson.subject_name),
      lesson.topics.length > 0 ? h("div", { class: "topic muted small" }, lesson.topics.join("; ")) : null,
      substitution ? h("div", { class: "note small" }, substitution) : null,
      lesson.control_work ? h("div", { class: "note small", "data-testid": "today-control-work" }, lesson.control_work) : null,
      stateNote ? h("div", { class: "note small" }, stateNote) : null,
      lesson.locked ? h("div", { class: "note small" }, "Период закрыт") : null,
    ),
    h("td", { class: "room" }, lesson.room ?? "—"),
    h(
      "td",
      { class: "filled" },
      `${lesson.filled_cells} из ${lesson.student_count}`,
    ),
    h("td", { class: "missing" }, missingCell(lesson, today)),
  );
  row.addEventListener("click", open);
  row.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = e.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
      (next as HTMLElement | null)?.focus();
    }
  });
  return row;
}

export async function renderToday(
  main: HTMLElement,
  session: Session,
  navigate: (r: Route) => Promise<void>,
): Promise<void> {
  const lessons = await api.todayLessons(session.today);
  const missing = lessons.reduce((n, l) => n + l.missing, 0);
  const summary =
    lessons.length === 0
      ? "Сегодня уроков нет."
      : `${lessons.length} ${plural(lessons.length, "урок", "урока", "уроков")}` +
        (missing > 0 ? `, не заполнено: ${missing}` : ", всё заполнено");
  const content = h(
    "section",
    { class: "screen today", "data-testid": "today-screen" },
    h(
      "div",
      { class: "screen-head" },
      h("h1", {}, "Сегодня"),
      h("div", { class: "screen-sub" }, longDate(session.today)),
    ),
    h("p", { class: "summary", "data-testid": "today-summary" }, summary),
  );
  if (lessons.length > 0) {
    const body = h("tbody", {});
    for (const lesson of lessons) {
      body.append(lessonRow(lesson, session.today, () => void navigate({ screen: "lesson", lessonId: lesson.id })));
    }
    content.append(
      h(
        "table",
        { class: "table lessons", "data-testid": "today-lessons" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { class: "num" }, "№"),
            h("th", {}, "Время"),
            h("th", {}, "Группа"),
            h("th", {}, "Предмет"),
            h("th", {}, "Каб."),
            h("th", {}, "Отмечено"),
            h("th", {}, "Не заполнено"),
          ),
        ),
        body,
      ),
      h("p", { class: "hint muted small" }, "Откройте урок щелчком или клавишей Enter; ↑ ↓ — выбор урока."),
    );
  }
  main.replaceChildren(content);
  (main.querySelector("tr.lesson-row") as HTMLElement | null)?.focus();
  // The moment the journal first became usable (epoch ms), for the e2e cold-start figure.
  document.body.dataset.readyAt ??= String(Date.now());
}
