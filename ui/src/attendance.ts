// «Посещаемость группы»: one day of a group — every lesson of the day and each student's cell —
// for the curator, who keeps the absences of their group (004), and for the group's teachers to
// look at. A note from a parent gives a student's absences of the day their reason at once: on the
// student's row «б» (болезнь) or «п» (уважительная причина) turns every «н» of the day into it,
// marks beside them kept. Keyboard first: ↑ ↓ move between students, б / п give the reason.

import { api, AppError } from "./api";
import { h, longDate } from "./format";
import type { GroupDay, Session } from "./types";

export async function renderAttendance(
  main: HTMLElement,
  session: Session,
  refreshHeader: () => Promise<void>,
): Promise<void> {
  const groups = await api.attendanceGroups();
  if (groups.length === 0) {
    main.replaceChildren(
      h(
        "section",
        { class: "screen", "data-testid": "attendance-screen" },
        h("h1", {}, "Посещаемость группы"),
        h("p", { class: "message message-info" }, "Посещаемость группы видят её куратор и преподаватели группы."),
      ),
    );
    return;
  }
  const select = h(
    "select",
    { id: "attendance-group", "data-testid": "attendance-group" },
    ...groups.map((g) => h("option", { value: g.id }, g.curated ? `${g.name} (куратор)` : g.name)),
  ) as HTMLSelectElement;
  const date = h("input", { type: "date", id: "attendance-date", "data-testid": "attendance-date", value: session.today }) as HTMLInputElement;
  const message = h("div", { class: "message message-hint", role: "status", "aria-live": "polite", "data-testid": "attendance-message" },
    "↑ ↓ — обучающийся; б — пропуски дня по болезни, п — по уважительной причине (по справке или заявлению)");
  const box = h("div", { "data-testid": "attendance-day" });
  const say = (text: string, kind: "ok" | "error" | "hint") => {
    message.className = `message message-${kind}`;
    message.textContent = text;
  };

  let focusStudent: string | null = null;
  const show = async () => {
    let day: GroupDay;
    try {
      day = await api.groupDay(select.value, date.value);
    } catch (e) {
      say(e instanceof AppError ? e.message : String(e), "error");
      return;
    }
    box.replaceChildren(table(day));
    const rows = Array.from(box.querySelectorAll<HTMLTableRowElement>("tr[data-student]"));
    const again = rows.find((r) => r.dataset.student === focusStudent) ?? rows[0];
    again?.focus();
  };

  const excuse = async (day: GroupDay, studentId: string, reason: "ill" | "excused") => {
    const row = day.rows.find((r) => r.student_id === studentId);
    if (!row) return;
    if (!day.may_set_reasons) {
      say("Причину пропусков по справке указывает куратор группы", "error");
      return;
    }
    if (row.unexcused === 0) {
      say(`У обучающегося ${row.full_name} нет пропусков «н» за этот день`, "hint");
      return;
    }
    try {
      const done = await api.excuseDay(day.group_id, day.date, studentId, reason);
      say(`${row.full_name}: ${done.length} ${done.length === 1 ? "пропуск отмечен" : "пропуска отмечены"} как «${reason === "ill" ? "б" : "п"}»`, "ok");
      focusStudent = studentId;
      await refreshHeader();
      await show();
    } catch (e) {
      say(e instanceof AppError ? e.message : String(e), "error");
    }
  };

  const table = (day: GroupDay): HTMLElement => {
    if (day.lessons.length === 0) {
      return h("p", { class: "muted", "data-testid": "attendance-empty" }, `${longDate(day.date)}: у группы ${day.group_name} нет уроков`);
    }
    const body = h("tbody", {});
    day.rows.forEach((r, i) => {
      const tr = h(
        "tr",
        { tabindex: 0, "data-student": r.student_id, "data-testid": "attendance-row", "aria-label": r.full_name },
        h("td", { class: "num" }, String(i + 1)),
        h("td", {}, r.full_name),
        ...r.cells.map((c) => h("td", { class: c === null ? "cell muted" : "cell", "data-testid": "attendance-cell" }, c === null ? "—" : c)),
        h("td", { class: r.unexcused > 0 ? "num unexcused" : "num", "data-testid": "attendance-unexcused" }, String(r.unexcused)),
      ) as HTMLTableRowElement;
      tr.addEventListener("keydown", (e) => {
        const rows = Array.from(body.querySelectorAll<HTMLTableRowElement>("tr"));
        const at = rows.indexOf(tr);
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          rows[Math.max(0, Math.min(rows.length - 1, at + (e.key === "ArrowDown" ? 1 : -1)))]?.focus();
        } else if (["б", "6", ",", "b"].includes(e.key.toLowerCase())) {
          e.preventDefault();
          void excuse(day, r.student_id, "ill");
        } else if (["п", "g", "p"].includes(e.key.toLowerCase())) {
          e.preventDefault();
          void excuse(day, r.student_id, "excused");
        }
      });
      body.append(tr);
    });
    return h(
      "table",
      { class: "table roster attendance", "data-testid": "attendance-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { class: "num" }, "№"),
          h("th", {}, "Фамилия, имя, отчество"),
          ...day.lessons.map((l) =>
            h(
              "th",
              { class: "cell-head", title: l.teacher_name },
              `${l.bell_number} урок`,
              h("div", { class: "muted small" }, l.subgroup_name ? `${l.subject_name} (${l.subgroup_name})` : l.subject_name),
            ),
          ),
          h("th", { class: "num", title: "Пропуски без причины за день" }, "«н»"),
        ),
      ),
      body,
    );
  };

  select.addEventListener("change", () => void show());
  date.addEventListener("change", () => void show());
  main.replaceChildren(
    h(
      "section",
      { class: "screen", "data-testid": "attendance-screen" },
      h("h1", {}, "Посещаемость группы"),
      h(
        "div",
        { class: "toolbar" },
        h("label", { for: "attendance-group" }, "Группа "),
        select,
        h("label", { for: "attendance-date" }, " Дата "),
        date,
      ),
      message,
      box,
    ),
  );
  await show();
}
