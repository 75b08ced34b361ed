// «Сводная ведомость» of a профессиональный модуль (000 пп. 1.5–1.7): each student's period and
// exam finals of its МДК and practices, the квалификационный экзамен and «ВПД освоен/не освоен» —
// the rows the module journal prints on its last sheet, read-only. P saves the module journal as
// PDF (from the local copy, offline); Esc goes back to «Журналы».

import { api, AppError } from "./api";
import { h } from "./format";
import type { Route } from "./main";
import { printApi } from "./print";

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

export async function renderModuleSummary(
  main: HTMLElement,
  groupId: string,
  moduleId: string,
  navigate: (r: Route) => Promise<void>,
): Promise<void> {
  const s = await api.moduleSummary(groupId, moduleId);
  const message = h("p", { class: "message", role: "status", "data-testid": "module-print-message" });
  const print = h("button", { class: "action", type: "button", "data-testid": "module-print" }, "Печать журнала модуля (P)") as HTMLButtonElement;
  const back = h("button", { class: "action", type: "button", "data-testid": "module-back" }, "К списку журналов (Esc)") as HTMLButtonElement;
  const doPrint = async () => {
    print.disabled = true;
    message.className = "message";
    message.textContent = "Формируется документ…";
    try {
      const path = await printApi.defaultPath(`Журнал ${s.module_name} ${s.group_name}`.replace(/\s+/g, " ").trim());
      const out = await printApi.print({ kind: "module_journal", group_id: s.group_id, module_id: s.module_id }, path);
      message.className = "message message-ok";
      message.textContent = `${out.title}: сохранено в ${out.path} (страниц: ${out.pages})`;
    } catch (e) {
      message.className = "message message-error";
      message.textContent = errorText(e);
    } finally {
      print.disabled = false;
    }
  };
  print.addEventListener("click", () => void doPrint());
  back.addEventListener("click", () => void navigate({ screen: "journal" }));

  const table =
    s.rows.length === 0
      ? h("p", { class: "summary" }, "В группе нет обучающихся.")
      : h(
          "table",
          { class: "table", "data-testid": "module-summary-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { class: "num" }, "№"),
              h("th", {}, "Обучающийся"),
              ...s.columns.map((c) => h("th", { class: "num" }, c)),
              h("th", { class: "num" }, "Квалификационный экзамен"),
              h("th", {}, "Вид профессиональной деятельности"),
            ),
          ),
          h(
            "tbody",
            {},
            ...s.rows.map((r) =>
              h(
                "tr",
                { "data-testid": "module-summary-line" },
                h("td", { class: "num" }, String(r.number)),
                h("td", {}, r.full_name),
                ...r.finals.map((f) => h("td", { class: "num" }, f)),
                h("td", { class: "num" }, r.qualifying_exam),
                h("td", { class: r.mastered === "ВПД не освоен" ? "mastered-no" : "", "data-testid": "module-mastered" }, r.mastered),
              ),
            ),
          ),
        );
  const content = h(
    "section",
    { class: "screen module-summary", "data-testid": "module-summary-screen", tabindex: -1 },
    h("div", { class: "screen-head" }, h("h1", { "data-testid": "module-summary-title" }, "Сводная ведомость"), h("div", { class: "actions" }, print, " ", back)),
    h("p", {}, `Профессиональный модуль ${s.module_name}, группа ${s.group_name}`),
    message,
    h("div", { class: "grid-scroll" }, table),
    h("p", { class: "hint muted small" }, "Только просмотр: итоговые оценки выставляются в журналах МДК и практик. P — печать журнала модуля, Esc — к списку журналов."),
  );
  content.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement) return;
    if (e.key === "Escape") {
      e.preventDefault();
      void navigate({ screen: "journal" });
    } else if ((e.key === "p" || e.key === "P" || e.key === "з" || e.key === "З") && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      void doPrint();
    }
  });
  main.replaceChildren(content);
  // Keys work at once; the page stays at its top.
  content.focus({ preventScroll: true });
}
