// «Резервные копии» and «Журнал действий».

import { download, getJson, sendJson } from "./api";
import { button, formView, h, notice, ruDateTime, saveBlob, table } from "./dom";
import { go } from "./main";
import type { AuditPage, Backup, BackupCheck, UserListItem } from "./types";
import { AUDIT_KINDS } from "./words";

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1).replace(".", ",")} МБ`;
  return `${Math.max(1, Math.round(bytes / 1024))} КБ`;
}

export async function backupsScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Резервные копии"));
  const status = h("div", { "data-testid": "backups-status", "aria-live": "polite" });
  const make = button(
    "Сделать копию сейчас",
    async () => {
      make.disabled = true;
      try {
        const b = await sendJson<Backup>("POST", "/admin/backups", {});
        go("/backups");
        setTimeout(() => document.querySelector("[data-testid=backups-status]")?.replaceChildren(notice("ok", `Копия ${b.name} сделана`, "backup-made")), 300);
      } catch (e) {
        status.replaceChildren(notice("error", (e as Error).message, "backups-error"));
        make.disabled = false;
      }
    },
    "backup-make",
    "primary",
  );
  main.append(h("div", { class: "toolbar" }, make), status);
  let list: Backup[];
  try {
    list = await getJson<Backup[]>("/admin/backups");
  } catch (e) {
    main.append(notice("error", `Список копий недоступен: ${(e as Error).message}`, "backups-error"));
    return;
  }
  main.append(
    table(
      [...list].sort((a, b) => b.created_at.localeCompare(a.created_at)),
      [
        { title: "Копия", cell: (b) => h("code", {}, b.name) },
        { title: "Сделана", cell: (b) => ruDateTime(b.created_at) },
        { title: "Размер", cell: (b) => size(b.size_bytes), cls: "num" },
        {
          title: "",
          cell: (b) => [
            button(
              "Проверить",
              async () => {
                try {
                  const r = await sendJson<BackupCheck>("POST", `/admin/backups/${encodeURIComponent(b.name)}/verify`, {});
                  status.replaceChildren(notice(r.ok ? "ok" : "error", `${b.name}: ${r.message}`, "backup-verified"));
                } catch (e) {
                  status.replaceChildren(notice("error", `${b.name}: ${(e as Error).message}`));
                }
              },
              `backup-verify-${b.name}`,
              "link",
            ),
            " ",
            button(
              "Скачать",
              async () => {
                try {
                  saveBlob(await download("GET", `/admin/backups/${encodeURIComponent(b.name)}`), b.name);
                } catch (e) {
                  status.replaceChildren(notice("error", `${b.name}: ${(e as Error).message}`));
                }
              },
              `backup-download-${b.name}`,
              "link",
            ),
          ],
        },
      ],
      "Резервных копий пока нет. Сделайте первую кнопкой «Сделать копию сейчас».",
      "backups",
    ),
  );
}

const PAGE = 50;

export async function auditScreen(main: HTMLElement): Promise<void> {
  main.append(h("h1", {}, "Журнал действий"), h("p", { class: "hint" }, "Каждое действие администратора и каждая запись в журнале — с автором и временем, новые сверху."));
  const q = new URLSearchParams(location.search);
  let people: UserListItem[] = [];
  try {
    people = (await getJson<{ users: UserListItem[] }>("/admin/users")).users.filter((u) => !u.roles.every((r) => r === "student" || r === "parent"));
  } catch {
    // the filter by person then lists no one
  }
  const f = formView({
    testid: "audit-filter",
    submit: "Показать",
    inline: true,
    fields: [
      { name: "author", label: "Кто", type: "select", value: q.get("author") || "", options: [{ value: "", label: "— все —" }, ...people.sort((a, b) => a.full_name.localeCompare(b.full_name, "ru")).map((u) => ({ value: u.id, label: u.full_name }))] },
      { name: "from", label: "С", type: "date", value: q.get("from") || "" },
      { name: "to", label: "По", type: "date", value: q.get("to") || "" },
      {
        name: "kind",
        label: "Действие",
        type: "select",
        value: q.get("kind") || "",
        options: [{ value: "", label: "— все —" }, ...Object.entries(AUDIT_KINDS).map(([value, label]) => ({ value, label }))],
      },
    ],
    fieldOfCode: { invalid_date: "from", invalid_range: "to" },
    onSubmit: async (v) => {
      const p = new URLSearchParams();
      for (const k of ["author", "from", "to", "kind"]) if (v.value(k)) p.set(k, v.value(k));
      go(`/audit${p.toString() ? `?${p}` : ""}`);
    },
  });
  main.append(f.form);
  const offset = Number(q.get("offset") || 0) || 0;
  let page: AuditPage;
  try {
    page = await getJson<AuditPage>("/admin/audit", { author: q.get("author"), from: q.get("from"), to: q.get("to"), kind: q.get("kind"), limit: PAGE, offset });
  } catch (e) {
    f.showError(e);
    return;
  }
  const at = (o: number) => {
    const p = new URLSearchParams(q);
    p.set("offset", String(o));
    return `/audit?${p}`;
  };
  main.append(
    h("p", { class: "summary", "data-testid": "audit-total" }, page.total ? `Записей: ${page.total}; показаны ${offset + 1}–${Math.min(offset + PAGE, page.total)}.` : ""),
    table(
      page.entries,
      [
        { title: "№", cell: (e) => String(e.seq), cls: "num" },
        { title: "Когда", cell: (e) => ruDateTime(e.at) },
        { title: "Кто", cell: (e) => e.author_name || "система" },
        { title: "Действие", cell: (e) => AUDIT_KINDS[e.kind] || h("code", {}, e.kind) },
        { title: "Что", cell: (e) => e.target || "" },
        { title: "Было → стало", cell: (e) => (e.old || e.new ? `${e.old ?? "—"} → ${e.new ?? "—"}` : "") },
      ],
      "Записей с такими условиями нет.",
      "audit",
    ),
    h(
      "div",
      { class: "toolbar" },
      offset > 0 ? button("← Новее", () => go(at(Math.max(0, offset - PAGE))), "audit-newer") : null,
      offset + PAGE < page.total ? button("Старее →", () => go(at(offset + PAGE)), "audit-older") : null,
    ),
  );
}
