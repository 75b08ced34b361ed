// «Импорт»: choose what the file holds and the file; «Проверить» asks the server for a preview
// (`?dry_run=true`, nothing changes) and shows what would change or every refused row; «Применить»
// is offered only after a clean preview of the same file.

import { ApiFailure, sendFile } from "./api";
import { formView, h, notice, table } from "./dom";
import type { ImportReport } from "./types";
import { IMPORT_ACTIONS, IMPORT_ACTIONS_DONE, IMPORT_KINDS } from "./words";

export function contentType(file: File): string {
  const ext = file.name.toLowerCase().split(".").pop() || "";
  switch (ext) {
    case "csv":
    case "txt":
      return "text/csv";
    case "xlsx":
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case "xls":
      return "application/vnd.ms-excel";
    case "ods":
      return "application/vnd.oasis.opendocument.spreadsheet";
    case "xml":
    case "fet":
      return "application/xml";
    default:
      return file.type || "application/octet-stream";
  }
}

/** An older server answers without `applied`: it has no preview and has already imported. */
function isContractReport(r: unknown): r is ImportReport {
  return !!r && typeof r === "object" && "applied" in r && Array.isArray((r as ImportReport).items);
}

function reportView(r: ImportReport, words: Record<string, string>): HTMLElement {
  return h(
    "div",
    { "data-testid": "import-report" },
    h("p", { class: "summary", "data-testid": "import-counts" }, `Добавляется: ${r.created}. Изменяется: ${r.changed}. Без изменений: ${r.unchanged}.`),
    ...r.warnings.map((w) => notice("info", w)),
    table(
      r.items,
      [
        { title: "Строка", cell: (i) => (i.row === null ? "—" : String(i.row)), cls: "num" },
        { title: "Действие", cell: (i) => h("span", { class: `action-${i.action}` }, words[i.action] || i.action) },
        { title: "Что", cell: (i) => i.entity },
        { title: "Подробно", cell: (i) => i.text },
      ],
      "В файле нет ничего нового: данные уже совпадают.",
      "import-items",
    ),
  );
}

export async function importScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Импорт"), h("p", {}, "Загрузка перечней из таблиц (CSV, XLSX) и расписаний. Файл загружается целиком или не загружается совсем: сначала проверьте его."));
  const result = h("div", { class: "import-result", "data-testid": "import-result", "aria-live": "polite" });
  const hint = h("p", { class: "hint", "data-testid": "import-hint" }, IMPORT_KINDS[0].hint);
  /** The kind and file of the last clean preview; «Применить» sends exactly that. */
  let previewed: { kind: string; file: File } | null = null;
  const apply = h("button", { type: "button", class: "primary", disabled: true, "data-testid": "import-apply" }, "Применить");

  const f = formView({
    testid: "import",
    submit: "Проверить",
    fields: [
      { name: "kind", label: "Что загружается", type: "select", value: "groups", options: IMPORT_KINDS.map((k) => ({ value: k.value, label: k.label })) },
      { name: "file", label: "Файл", type: "file", required: true },
    ],
    fieldOfCode: { unsupported_media_type: "file", unknown_format: "file", unreadable_file: "file", empty_file: "file", unknown_import_kind: "kind" },
    extraButtons: [apply],
    onSubmit: async (v) => {
      const file = v.file("file");
      if (!file) return;
      previewed = null;
      apply.disabled = true;
      result.replaceChildren(h("p", { class: "loading" }, "Проверка…"));
      const kind = v.value("kind");
      try {
        const r = await sendFile<unknown>(`/admin/import/${kind}`, file, contentType(file), { file: file.name, dry_run: true });
        if (!isContractReport(r)) {
          const summary = r && typeof r === "object" && typeof (r as { summary?: unknown }).summary === "string" ? (r as { summary: string }).summary : "";
          result.replaceChildren(
            notice("info", "Этот сервер не умеет проверять файл без загрузки: файл уже загружен. Проверьте данные в разделах консоли.", "import-no-preview"),
            summary ? h("p", { class: "summary" }, summary.charAt(0).toUpperCase() + summary.slice(1)) : h("span"),
          );
          return;
        }
        if (r.applied) {
          result.replaceChildren(notice("info", "Сервер загрузил файл сразу, без проверки.", "import-applied"), reportView(r, IMPORT_ACTIONS_DONE));
          return;
        }
        previewed = { kind, file };
        apply.disabled = false;
        result.replaceChildren(notice("ok", "Ошибок нет. Проверьте, что изменится, и нажмите «Применить».", "import-clean"), reportView(r, IMPORT_ACTIONS));
      } catch (e) {
        if (e instanceof ApiFailure && e.rows.length > 0) {
          result.replaceChildren(
            notice("error", `${e.message}. Исправьте эти строки в файле и проверьте снова.`, "import-refused"),
            table(
              e.rows,
              [
                { title: "Строка", cell: (r) => String(r.row), cls: "num" },
                { title: "Столбец", cell: (r) => r.column || "—" },
                { title: "Причина", cell: (r) => r.reason },
              ],
              "",
              "import-rows",
            ),
          );
        } else {
          result.replaceChildren();
          throw e;
        }
      }
    },
  });
  const kindSelect = f.input("kind");
  const fileInput = f.input("file") as HTMLInputElement;
  const reset = () => {
    previewed = null;
    apply.disabled = true;
    result.replaceChildren();
    hint.textContent = IMPORT_KINDS.find((k) => k.value === kindSelect.value)?.hint || "";
  };
  kindSelect.addEventListener("change", reset);
  fileInput.addEventListener("change", reset);
  fileInput.setAttribute("accept", ".csv,.xlsx,.xls,.ods,.xml,.fet,.txt");

  apply.addEventListener("click", async () => {
    if (!previewed) return;
    const { kind, file } = previewed;
    apply.disabled = true;
    try {
      const r = await sendFile<unknown>(`/admin/import/${kind}`, file, contentType(file), { file: file.name });
      previewed = null;
      result.replaceChildren(notice("ok", `Файл «${file.name}» загружен.`, "import-done"), isContractReport(r) ? reportView(r, IMPORT_ACTIONS_DONE) : h("span"));
    } catch (e) {
      apply.disabled = false;
      f.showError(e);
    }
  });
  f.form.querySelector(".fields")!.after(hint);
  main.append(h("section", { class: "card" }, f.form), result);
}
