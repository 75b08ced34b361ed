// Opening the next academic year («Переход на новый учебный год», the administrator) and the archive
// of closed years («Архив», the administration): the plan is shown as a table before anything
// changes; the closed year stays read-only in the archive and prints from there.

import { download, getJson, sendJson, currentUser } from "./api";
import { button, formView, h, messageOf, notice, openDialog, ruDate, ruDateTime, saveBlob, table } from "./dom";
import { snapshot } from "./roster";
import type { Load, Snapshot, UserInfo, Uuid, YearSetup } from "./types";

interface GroupPlan {
  group_id: Uuid;
  old_name: string;
  old_course: number;
  step: "promote" | "graduate" | "keep";
  new_name: string;
  new_course: number;
  students: number;
}

interface RolloverPlan {
  closing_year: string;
  new_year: string;
  periods: { name: string; starts_on: string; ends_on: string }[];
  groups: GroupPlan[];
  loads: { old_load_id: Uuid; group_id: Uuid; subject_id: Uuid; teacher_id: Uuid; topics_copied: number }[];
  students_graduated: Uuid[];
  unlocked_periods: number;
}

interface ArchivedYear {
  name: string;
  starts_on: string;
  ends_on: string;
  closed_at: string;
  closed_by_name: string;
  groups: { id: Uuid; name: string; course: number; students: number; lessons: number }[];
  journal_keep_until: string;
  summary_keep_until: string;
  journal_retention_passed: boolean;
  summary_retention_passed: boolean;
}

interface JournalState {
  group_id: Uuid;
  group: string;
  course: number;
  accepted_at: string | null;
  accepted_by_name: string;
  handed_over_at: string | null;
  handed_over_by_name: string;
  archive_reference: string;
}

interface JournalsInArchive {
  year: string;
  closed: boolean;
  printout_due: string;
  print_after_acceptance: boolean;
  journals: JournalState[];
  /** Periods that have ended: 003 п. 4.4 makes an electronic copy of each half-year. */
  ended_periods: { id: Uuid; name: string; ends_on: string }[];
}

/** «2026/2027» → «2027/2028»; anything else stays for the administrator to type. */
function nextName(name: string): string {
  const m = /^(\d{4})\s*[/–-]\s*(\d{4})$/.exec(name.trim());
  return m ? `${Number(m[1]) + 1}/${Number(m[2]) + 1}` : "";
}

function yearLater(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return "";
  const y = Number(iso.slice(0, 4)) + 1;
  const md = iso.slice(5) === "02-29" ? "02-28" : iso.slice(5);
  return `${y}-${md}`;
}

const LATIN: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m", н: "n", о: "o",
  п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya",
};

/** A file name in Latin letters: a browser may drop a Cyrillic `download` name and save «download». */
function fileName(...parts: string[]): string {
  const latin = parts
    .join("-")
    .toLowerCase()
    .split("")
    .map((c) => LATIN[c] ?? c)
    .join("");
  return `${latin.replace(/[^a-z0-9_-]+/g, "-").replace(/-+/g, "-")}.pdf`;
}

function stepText(g: GroupPlan): string {
  if (g.step === "graduate") return "выпуск";
  if (g.step === "keep") return "остаётся на том же курсе";
  return `перевод на ${g.new_course} курс`;
}

export async function rolloverScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "Переход на новый учебный год"),
    h(
      "p",
      { class: "lead" },
      "Закрываемый год целиком сохраняется в архиве: его журналы только для чтения и печатаются из раздела «Архив». " +
        "Группы переводятся на следующий курс, группы последнего курса выпускаются; отмеченные нагрузки переносятся в новый год. " +
        "Перед переходом заместитель директора проверяет журналы и закрывает периоды.",
    ),
  );
  let year: YearSetup;
  let snap: Snapshot;
  try {
    [year, snap] = await Promise.all([getJson<YearSetup>("/admin/year"), snapshot()]);
  } catch (e) {
    main.append(notice("error", `Данные учебного года не прочитаны: ${messageOf(e)}`, "rollover-error"));
    return;
  }
  const groupName = new Map(snap.groups.map((g) => [g.id, g.name]));
  const subjectName = new Map(snap.subjects.map((s) => [s.id, s.name]));
  const userName = new Map(snap.users.map((u) => [u.id, u.full_name]));
  const current = snap.loads.filter((l) => !l.to || l.to >= year.ends_on);
  const carry = new Set<Uuid>();
  const planSlot = h("div", { "data-testid": "rollover-plan-slot" });

  const loadRows = [...current].sort(
    (a, b) => (groupName.get(a.group_id) || "").localeCompare(groupName.get(b.group_id) || "", "ru") || (subjectName.get(a.subject_id) || "").localeCompare(subjectName.get(b.subject_id) || "", "ru"),
  );
  const boxes: HTMLInputElement[] = [];
  const loadTable = table<Load>(
    loadRows,
    [
      {
        title: "Перенести",
        cell: (l) => {
          const box = h("input", { type: "checkbox", "aria-label": `Перенести: ${groupName.get(l.group_id) || ""}, ${subjectName.get(l.subject_id) || ""}`, "data-testid": `carry-${l.id}` });
          box.addEventListener("change", () => (box.checked ? carry.add(l.id) : carry.delete(l.id)));
          boxes.push(box);
          return box;
        },
      },
      { title: "Группа", cell: (l) => groupName.get(l.group_id) || "" },
      { title: "Дисциплина", cell: (l) => subjectName.get(l.subject_id) || "" },
      { title: "Преподаватель", cell: (l) => userName.get(l.teacher_id) || "" },
    ],
    "В закрываемом году нет нагрузки.",
    "rollover-loads",
  );

  const f = formView({
    testid: "rollover",
    submit: "Показать, что будет",
    fields: [
      { name: "name", label: "Новый учебный год", value: nextName(year.name), required: true, hint: `Закрывается ${year.name}` },
      { name: "starts_on", label: "Начало нового года", type: "date", value: yearLater(year.starts_on), required: true },
      { name: "ends_on", label: "Окончание нового года", type: "date", value: yearLater(year.ends_on), required: true },
      { name: "last_course", label: "Последний (выпускной) курс", type: "number", value: "4", required: true, min: 1 },
      { name: "copy_plans", label: "Скопировать КТП перенесённых нагрузок", type: "checkbox", checked: true },
      { name: "force_unlocked", label: "Закрыть год, хотя не все периоды с уроками закрыты", type: "checkbox" },
    ],
    fieldOfCode: {
      empty_name: "name",
      year_same: "name",
      year_archived: "name",
      bad_dates: "ends_on",
      periods_unlocked: "force_unlocked",
      duplicate_group_name: "last_course",
    },
    onSubmit: async (v) => {
      const body = {
        name: v.value("name"),
        starts_on: v.value("starts_on"),
        ends_on: v.value("ends_on"),
        last_course: Number(v.value("last_course")),
        carry_loads: [...carry],
        copy_plans: v.checked("copy_plans"),
        force_unlocked: v.checked("force_unlocked"),
      };
      const plan = await sendJson<RolloverPlan>("POST", "/admin/year/rollover/plan", body);
      showPlan(plan, body, v);
    },
  });

  function showPlan(plan: RolloverPlan, body: Record<string, unknown>, v: ReturnType<typeof formView>): void {
    planSlot.replaceChildren(
      h("h2", {}, `Что произойдёт: «${plan.closing_year}» → «${plan.new_year}»`),
      table(
        plan.groups,
        [
          { title: "Группа сейчас", cell: (g) => `${g.old_name} (${g.old_course} курс)` },
          { title: "Что будет", cell: (g) => stepText(g) },
          { title: "В новом году", cell: (g) => (g.step === "graduate" ? "—" : g.new_name) },
          { title: "Студентов", cell: (g) => String(g.students), cls: "num" },
        ],
        "В учреждении нет групп.",
        "rollover-plan-groups",
      ),
      h(
        "p",
        { "data-testid": "rollover-plan-summary" },
        `Выпускается студентов: ${plan.students_graduated.length}. Переносится нагрузок: ${plan.loads.length}` +
          (plan.loads.length ? ` (тем КТП: ${plan.loads.reduce((n, l) => n + l.topics_copied, 0)})` : "") +
          `. Периоды нового года: ${plan.periods.map((p) => `${p.name} ${ruDate(p.starts_on)} – ${ruDate(p.ends_on)}`).join("; ")}.` +
          (plan.unlocked_periods ? ` Не закрыто периодов с уроками: ${plan.unlocked_periods}.` : ""),
      ),
      button(
        `Закрыть ${plan.closing_year} и открыть ${plan.new_year}…`,
        () =>
          openDialog(`Закрыть учебный год ${plan.closing_year}?`, "rollover-confirm", (close) =>
            h(
              "div",
              {},
              h("p", {}, `Журналы ${plan.closing_year} перейдут в архив только для чтения; изменить их будет нельзя. Неотправленные изменения преподавателей за этот год сервер уже не примет.`),
              h(
                "div",
                { class: "toolbar" },
                button(
                  `Закрыть ${plan.closing_year} и открыть ${plan.new_year}`,
                  async () => {
                    close();
                    try {
                      const done = await sendJson<RolloverPlan>("POST", "/admin/year/rollover", body);
                      planSlot.replaceChildren(
                        notice("ok", `Учебный год ${done.closing_year} закрыт и сохранён в архиве. Открыт ${done.new_year}. Проверьте периоды, расписание и нагрузку нового года.`, "rollover-done"),
                      );
                    } catch (e) {
                      v.showError(e);
                    }
                  },
                  "rollover-apply",
                  "primary",
                ),
                button("Отмена", close, "rollover-cancel"),
              ),
            ),
          ),
        "rollover-ask",
        "primary",
      ),
    );
    planSlot.scrollIntoView({ block: "start" });
  }

  main.append(
    f.form,
    h("h2", {}, "Нагрузка, которая переносится в новый год"),
    h("div", { class: "toolbar" }, button("Отметить все", () => boxes.forEach((b) => { b.checked = true; b.dispatchEvent(new Event("change")); }), "carry-all"), button("Снять отметки", () => boxes.forEach((b) => { b.checked = false; b.dispatchEvent(new Event("change")); }), "carry-none")),
    loadTable,
    planSlot,
  );
}

/** «Принят 05.12.2026, Иванов И.И.» / «не принят». */
function acceptedText(j: JournalState): string {
  return j.accepted_at ? `принят ${ruDateTime(j.accepted_at)}${j.accepted_by_name ? `, ${j.accepted_by_name}` : ""}` : "не принят";
}

function handedText(j: JournalState): string {
  return j.handed_over_at ? `сдан ${ruDateTime(j.handed_over_at)}: ${j.archive_reference}` : "не сдан";
}

export async function archiveScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "Архив учебных лет"),
    h(
      "p",
      { class: "lead" },
      "Журнал группы за год проверяет и принимает заместитель директора, затем журнал печатается и сдаётся в архив (не позднее 30 июня). " +
        "Закрытые учебные годы хранятся целиком и не изменяются: журналы — 5 лет, сводные ведомости — 25 лет.",
    ),
  );
  let years: ArchivedYear[];
  let current: JournalsInArchive;
  let user: UserInfo;
  try {
    [years, current, user] = await Promise.all([getJson<ArchivedYear[]>("/admin/archive"), getJson<JournalsInArchive>("/archive/journals"), currentUser()]);
  } catch (e) {
    main.append(notice("error", `Архив не прочитан: ${messageOf(e)}`, "archive-error"));
    return;
  }
  const checker = user.roles.includes("deputy") || user.roles.includes("director");
  const status = h("div", { "data-testid": "archive-status" });
  main.append(status);
  const rerender = () => {
    main.replaceChildren();
    void archiveScreen(main);
  };
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      rerender();
      main.prepend(notice("ok", done, "archive-done"));
    } catch (e) {
      status.replaceChildren(notice("error", messageOf(e), "archive-action-error"));
    }
  };
  const save = async (path: string, name: string, what: string) => {
    try {
      saveBlob(await download("GET", path), name);
      status.replaceChildren(notice("ok", `Документ сформирован: ${what}`, "archive-printed"));
    } catch (e) {
      status.replaceChildren(notice("error", messageOf(e), "archive-print-error"));
    }
  };

  // The live year: the deputy's check before the year journal is printed for the archive.
  main.append(
    h("h2", {}, `Текущий учебный год ${current.year}: проверка журналов`),
    h(
      "p",
      { class: "muted" },
      `Распечатать и сдать журналы — до ${ruDate(current.printout_due)}.` +
        (current.print_after_acceptance ? " По правилам учреждения журнал за год печатается только после приёмки." : ""),
    ),
    table(
      current.journals,
      [
        { title: "Группа", cell: (j) => `${j.group} (${j.course} курс)` },
        { title: "Проверка", cell: (j) => acceptedText(j) },
        {
          title: "",
          cell: (j) => [
            !j.accepted_at && checker
              ? button("Журнал проверен и принят", () => void act(() => sendJson("POST", "/archive/journals/accept", { group_id: j.group_id }), `Журнал группы ${j.group} принят`), `accept-current-${j.group}`, "link")
              : null,
            " ",
            button("Электронная копия за год (ZIP)", () => void save(`/archive/export?${new URLSearchParams({ group: j.group_id })}`, fileName("kopiya", j.group, current.year).replace(/\.pdf$/, ".zip"), `электронная копия ${j.group}`), `export-${j.group}`, "link"),
            // The half-year's copy (003 п. 4.4), for each period that has ended.
            ...(current.ended_periods ?? []).flatMap((p) => [
              " ",
              button(
                `Копия за ${p.name} (ZIP)`,
                () => void save(`/archive/export?${new URLSearchParams({ group: j.group_id, period: p.id })}`, fileName(`kopiya-${p.name}`, j.group, current.year).replace(/\.pdf$/, ".zip"), `электронная копия ${j.group} за ${p.name}`),
                `export-${j.group}-${p.name}`,
                "link",
              ),
            ]),
          ],
          cls: "nowrap",
        },
      ],
      "В текущем году нет групп.",
      "archive-current",
    ),
  );

  if (years.length === 0) {
    main.append(h("p", { class: "empty", "data-testid": "archive-empty" }, "Закрытых учебных лет пока нет: год попадает в архив при переходе на новый учебный год."));
    return;
  }
  for (const y of years) {
    let states: JournalState[] = [];
    try {
      states = (await getJson<JournalsInArchive>("/archive/journals", { year: y.name })).journals;
    } catch (e) {
      status.replaceChildren(notice("error", messageOf(e), "archive-error"));
    }
    const stateOf = (id: Uuid) => states.find((s) => s.group_id === id);
    const print = (doc: "year_journal" | "finals", group: { id: Uuid; name: string }) =>
      button(
        doc === "year_journal" ? "Журнал за год (PDF)" : "Сводная ведомость (PDF)",
        () => void save(`/print/${doc}?${new URLSearchParams({ group: group.id, year: y.name })}`, fileName(doc, group.name, y.name), `${group.name}, ${y.name}`),
        `archive-${doc}-${group.name}`,
        "link",
      );
    const handOver = (g: { id: Uuid; name: string }) => {
      const input = h("input", { type: "text", placeholder: "опись 3, дело 12", "aria-label": `Шифр в архиве: ${g.name}`, "data-testid": `handover-ref-${g.name}`, size: 16 });
      return h(
        "span",
        { class: "nowrap" },
        input,
        " ",
        button("Сдан в архив", () => void act(() => sendJson("POST", "/archive/journals/handover", { year: y.name, group_id: g.id, reference: input.value }), `Журнал группы ${g.name} сдан в архив`), `handover-${g.name}`, "link"),
      );
    };
    const retention = y.summary_retention_passed
      ? "Сроки хранения истекли: год можно удалить из архива по акту."
      : y.journal_retention_passed
        ? `Срок хранения журналов истёк (их можно уничтожить по акту); сводные ведомости хранятся до ${ruDate(y.summary_keep_until)}.`
        : `Хранится: журналы до ${ruDate(y.journal_keep_until)}, сводные ведомости до ${ruDate(y.summary_keep_until)}.`;
    main.append(
      h("h2", {}, `${y.name} (${ruDate(y.starts_on)} – ${ruDate(y.ends_on)})`),
      h("p", { class: "muted", "data-testid": `archive-retention-${y.name}` }, `Закрыт ${ruDateTime(y.closed_at)}${y.closed_by_name ? `, ${y.closed_by_name}` : ""}. ${retention}`),
      table(
        y.groups,
        [
          { title: "Группа", cell: (g) => `${g.name} (${g.course} курс)` },
          { title: "Студентов", cell: (g) => String(g.students), cls: "num" },
          { title: "Уроков", cell: (g) => String(g.lessons), cls: "num" },
          { title: "Проверка", cell: (g) => { const j = stateOf(g.id); return j ? acceptedText(j) : "не принят"; } },
          {
            title: "Архив",
            cell: (g) => {
              const j = stateOf(g.id);
              if (j?.handed_over_at) return handedText(j);
              if (j?.accepted_at) return handOver(g);
              return checker
                ? button("Журнал проверен и принят", () => void act(() => sendJson("POST", "/archive/journals/accept", { year: y.name, group_id: g.id }), `Журнал группы ${g.name} принят`), `accept-${g.name}`, "link")
                : "ждёт проверки";
            },
          },
          { title: "Печать", cell: (g) => [print("year_journal", g), " ", print("finals", g)], cls: "nowrap" },
        ],
        "В этом году не было групп.",
        `archive-${y.name}`,
      ),
      ...(y.summary_retention_passed
        ? [button(`Удалить ${y.name} из архива`, () => void act(() => sendJson("POST", "/admin/archive/destroy", { year: y.name }), `Учебный год ${y.name} удалён из архива`), `destroy-${y.name}`)]
        : []),
    );
  }
}
