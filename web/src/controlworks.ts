// «График контрольных работ»: the deputy (director, administrator) schedules the ВТК and the
// administration's control works — group and subject (the load), date, form of control, the work's
// name and its criteria (the least points for «5», «4», «3» out of the maximum). The teacher's app
// shows the work on the lesson of its day and turns points into the mark by the criteria; this list
// shows what became of each work (held, marks due within the policy's days, overdue, not held).
// Teachers and curators read their own works here; families see the dates in the diary.

import { getJson, sendDelete, sendJson } from "./api";
import { button, formView, h, messageOf, notice, ruDate, table, today } from "./dom";
import type { Uuid } from "./types";

interface Criteria {
  max_points: number;
  five: number;
  four: number;
  three: number;
}

interface WorkView {
  id: Uuid;
  load_id: Uuid;
  group: string;
  subject: string;
  teacher: string;
  date: string;
  form: string;
  form_name: string;
  title: string;
  vtk: boolean;
  criteria: Criteria | null;
  criteria_text: string;
  state: string | null;
  state_name: string | null;
  students: number | null;
  marked: number | null;
  average: number | null;
}

interface WorkList {
  works: WorkView[];
  can_schedule: boolean;
  loads: { load_id: Uuid; label: string }[];
}

const FORMS = [
  { value: "control_work", label: "Контрольная работа" },
  { value: "testing", label: "Тестирование" },
  { value: "knowledge_cut", label: "Контрольный срез знаний" },
  { value: "dictation", label: "Диктант" },
  { value: "practical_work", label: "Практическая работа" },
];

/** The state's colour class in the list. */
function stateClass(state: string | null): string {
  if (state === "marks_overdue" || state === "not_held") return "state-bad";
  if (state === "marks_due") return "state-warn";
  if (state === "done") return "state-ok";
  return "";
}

export async function controlWorksScreen(main: HTMLElement): Promise<void> {
  main.append(
    h("h1", {}, "График контрольных работ"),
    h(
      "p",
      { class: "hint" },
      "Контрольные работы внутреннего контроля (ВТК) и запланированные администрацией: преподаватель видит работу на уроке в этот день и может ввести баллы — отметка выставится по критериям. Отметки выставляются в срок, установленный положением.",
    ),
  );
  const list = h("div", { "data-testid": "control-works-list" });
  const formSlot = h("div", {});
  main.append(list, formSlot);
  let editing: WorkView | null = null;

  const show = async (): Promise<WorkList | null> => {
    list.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
    try {
      const data = await getJson<WorkList>("/control-works");
      list.replaceChildren(
        h("h2", {}, "График на учебный год"),
        table(
          data.works,
          [
            { title: "Дата", cell: (w) => ruDate(w.date) },
            { title: "Группа", cell: (w) => w.group },
            { title: "Дисциплина", cell: (w) => w.subject },
            { title: "Преподаватель", cell: (w) => w.teacher },
            { title: "Форма", cell: (w) => (w.vtk ? `${w.form_name} (ВТК)` : w.form_name) },
            { title: "Работа", cell: (w) => w.title },
            { title: "Критерии", cell: (w) => w.criteria_text || "—" },
            {
              title: "Состояние",
              cell: (w) =>
                h(
                  "span",
                  { class: stateClass(w.state), "data-testid": `control-work-state-${w.id}` },
                  w.state_name ?? "—",
                  w.students !== null && w.marked !== null && w.state !== "planned" && w.state !== "not_held"
                    ? ` · отметки у ${w.marked} из ${w.students}`
                    : "",
                  w.average !== null ? ` · ср. ${w.average.toFixed(2).replace(".", ",")}` : "",
                ),
            },
            ...(data.can_schedule ? [{
              title: "",
              cell: (w: WorkView) =>
                data.can_schedule
                  ? h(
                      "span",
                      {},
                      button("Изменить", () => void openForm(data, w), `control-work-edit-${w.id}`),
                      " ",
                      button(
                        "Снять",
                        async () => {
                          if (!confirm(`Снять с графика «${w.title}» ${ruDate(w.date)} (${w.group})? Отметки урока останутся в журнале.`)) return;
                          try {
                            await sendDelete(`/control-works/${w.id}`);
                            await show();
                          } catch (err) {
                            list.prepend(notice("error", messageOf(err), "control-works-remove-error"));
                          }
                        },
                        `control-work-remove-${w.id}`,
                      ),
                    )
                  : "",
            }] : []),
          ],
          "В графике пока нет контрольных работ.",
          "control-works-table",
        ),
      );
      return data;
    } catch (err) {
      list.replaceChildren(notice("error", messageOf(err), "control-works-error"));
      return null;
    }
  };

  const openForm = async (data: WorkList, work: WorkView | null): Promise<void> => {
    editing = work;
    const c = work?.criteria;
    const f = formView({
      testid: "control-work",
      submit: work ? "Сохранить" : "Внести в график",
      fields: [
        {
          name: "load",
          label: "Группа и дисциплина",
          type: "select",
          required: true,
          options: data.loads.map((l) => ({ value: l.load_id, label: l.label })),
          value: work?.load_id ?? data.loads[0]?.load_id,
        },
        { name: "date", label: "Дата", type: "date", required: true, value: work?.date ?? today() },
        { name: "form", label: "Форма контроля", type: "select", options: FORMS, value: work?.form ?? "control_work" },
        { name: "title", label: "Работа", required: true, value: work?.title ?? "", hint: "Например, Входной контроль" },
        { name: "vtk", label: "Внутренний контроль (ВТК)", type: "checkbox", checked: work ? work.vtk : true },
        { name: "max", label: "Максимум баллов", type: "number", min: 1, value: c ? String(c.max_points) : "", hint: "Пусто — без критериев (баллы не вводятся)" },
        { name: "five", label: "«5» — от, баллов", type: "number", min: 1, value: c ? String(c.five) : "" },
        { name: "four", label: "«4» — от, баллов", type: "number", min: 1, value: c ? String(c.four) : "" },
        { name: "three", label: "«3» — от, баллов", type: "number", min: 1, value: c ? String(c.three) : "" },
      ],
      fieldOfCode: {
        invalid_criteria: "max",
        control_work_title: "title",
        forbidden_character: "title",
        control_work_outside_year: "date",
        control_work_outside_load: "date",
        control_work_no_lesson: "date",
        load_not_found: "load",
      },
      onSubmit: async (v) => {
        const numbers = ["max", "five", "four", "three"].map((n) => v.value(n).trim());
        const criteria = numbers.every((n) => n === "")
          ? null
          : { max_points: Number(numbers[0]), five: Number(numbers[1]), four: Number(numbers[2]), three: Number(numbers[3]) };
        const body = {
          load_id: v.value("load"),
          date: v.value("date"),
          form: v.value("form"),
          title: v.value("title"),
          vtk: v.checked("vtk"),
          criteria,
        };
        const saved = editing
          ? await sendJson<WorkView>("PUT", `/control-works/${editing.id}`, body)
          : await sendJson<WorkView>("POST", "/control-works", body);
        v.done(`«${saved.title}» ${ruDate(saved.date)} (${saved.group}) — в графике`, "control-work-saved");
        const fresh = await show();
        if (editing && fresh) await openForm(fresh, null);
      },
      extraButtons: work ? [button("Отмена", () => void openForm(data, null), "control-work-cancel")] : [],
    });
    formSlot.replaceChildren(h("h2", {}, work ? `Изменить: ${work.title}` : "Новая работа"), f.form);
    if (work) f.input("title").focus();
  };

  const data = await show();
  if (data?.can_schedule) {
    if (data.loads.length === 0) {
      formSlot.replaceChildren(notice("info", "Сначала внесите нагрузку (группа, дисциплина, преподаватель).", "control-works-no-loads"));
    } else {
      await openForm(data, null);
    }
  }
}
