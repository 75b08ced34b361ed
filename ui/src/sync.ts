// «Конфликты и отказы»: every edit the server did not take, with the local and the server value,
// the lesson and student, the reason, and what to do about it — nothing disappears silently.
// Below, the file bundles for a PC without network («Выгрузить пакет» / «Загрузить ответ»).

import { api, AppError } from "./api";
import { h, shortDate, time } from "./format";
import type { ConflictAction, ConflictItem, Session } from "./types";

function errorText(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

function when(dt: string): string {
  return `${shortDate(dt)} ${time(dt)}`;
}

/** A value entered on this PC and taken by the server was replaced from another device. */
const REPLACED_ELSEWHERE = "replaced_elsewhere";

function reasonRu(item: ConflictItem): string {
  const c = item.conflict;
  if (c.code === "conflict") return `Конфликт: ${c.message}`;
  return c.message;
}

function conflictRow(
  item: ConflictItem,
  say: (text: string, ok: boolean) => void,
  reload: () => Promise<void>,
): HTMLElement {
  const c = item.conflict;
  const act = async (action: ConflictAction, done: string) => {
    try {
      await api.resolveConflict(c.id, action);
      say(done, true);
      await reload();
    } catch (e) {
      say(errorText(e), false);
    }
  };
  const actions = h("div", { class: "conflict-actions" });
  if (c.open && c.code === REPLACED_ELSEWHERE) {
    // The server took the other device's value; the teacher either accepts it or enters theirs again.
    const ok = h("button", { type: "button", "data-testid": "conflict-take-server" }, "Понятно, оставить новое");
    const mine = h("button", { type: "button", "data-testid": "conflict-submit-again" }, "Вернуть своё значение");
    ok.addEventListener("click", () => void act({ action: "take_server" }, "Оставлено новое значение"));
    mine.addEventListener("click", () =>
      void act({ action: "submit_again" }, "Ваше значение записано снова и будет отправлено при синхронизации"),
    );
    actions.append(ok, mine);
  } else if (c.open) {
    const take = h("button", { type: "button", "data-testid": "conflict-take-server" }, "Принять значение сервера");
    const again = h("button", { type: "button", "data-testid": "conflict-submit-again" }, "Отправить снова");
    const withdraw = h("button", { type: "button", "data-testid": "conflict-withdraw" }, "Отозвать…");
    take.addEventListener("click", () => void act({ action: "take_server" }, "Принято значение сервера"));
    again.addEventListener("click", () =>
      void act({ action: "submit_again" }, "Значение записано снова и будет отправлено при синхронизации"),
    );
    withdraw.addEventListener("click", () => {
      const reason = h("input", {
        type: "text",
        class: "reason",
        placeholder: "Причина (обязательно)",
        "aria-label": "Причина отзыва",
        "data-testid": "withdraw-reason",
      }) as HTMLInputElement;
      const ok = h("button", { type: "submit", "data-testid": "withdraw-confirm" }, "Отозвать");
      const cancel = h("button", { type: "button" }, "Отмена");
      const form = h("form", { class: "withdraw-form" }, reason, ok, cancel) as HTMLFormElement;
      const back = () => {
        form.replaceWith(actions);
        withdraw.focus();
      };
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        void act({ action: "withdraw", reason: reason.value }, "Изменение отозвано");
      });
      form.addEventListener("keydown", (ev) => {
        if (ev.key === "Escape") back();
      });
      cancel.addEventListener("click", back);
      actions.replaceWith(form);
      reason.focus();
    });
    actions.append(take, again, withdraw);
  } else {
    actions.append(h("span", { class: "muted small" }, c.resolved_at ? `Решено ${when(c.resolved_at)}` : "Решено"));
  }
  return h(
    "tr",
    { class: c.open ? "conflict open" : "conflict closed", "data-testid": "conflict-row", "data-code": c.code },
    h(
      "td",
      {},
      h("div", { class: "subject-name" }, item.what),
      item.place ? h("div", { class: "small", "data-testid": "conflict-place" }, item.place) : null,
      item.student ? h("div", { class: "small", "data-testid": "conflict-student" }, item.student) : null,
    ),
    h("td", { class: "value", "data-testid": "conflict-local" }, item.local_text),
    h("td", { class: "value", "data-testid": "conflict-server" }, item.server_text ?? "—"),
    h(
      "td",
      {},
      h("div", { "data-testid": "conflict-reason" }, reasonRu(item)),
      h("div", { class: "muted small" }, when(c.created_at)),
    ),
    h("td", {}, actions),
  );
}

function bundlesSection(say: (text: string, ok: boolean) => void, exportPath: string, answerPath: string): HTMLElement {
  const out = h("input", { type: "text", class: "path", value: exportPath, "data-testid": "bundle-export-path", "aria-label": "Файл пакета" }) as HTMLInputElement;
  const exp = h("button", { type: "submit", "data-testid": "bundle-export" }, "Выгрузить пакет");
  const expForm = h("form", { class: "path-form" }, out, exp) as HTMLFormElement;
  expForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void api
      .exportBundle(out.value)
      .then((n) => say(`Пакет выгружен: ${n} изменений в файле ${out.value}`, true))
      .catch((e) => say(errorText(e), false));
  });
  const ans = h("input", { type: "text", class: "path", value: answerPath, "data-testid": "bundle-answer-path", "aria-label": "Файл ответа" }) as HTMLInputElement;
  const imp = h("button", { type: "submit", "data-testid": "bundle-import" }, "Загрузить ответ");
  const impForm = h("form", { class: "path-form" }, ans, imp) as HTMLFormElement;
  impForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void api
      .importBundleAnswer(ans.value)
      .then((r) =>
        say(
          `Ответ загружен: принято ${r.applied}, не принято ${r.refused}, получено изменений ${r.pulled}; ждут отправки ${r.pending}`,
          true,
        ),
      )
      .catch((e) => say(errorText(e), false));
  });
  return h(
    "section",
    { class: "bundles", "data-testid": "bundles" },
    h("h2", {}, "Обмен через файл"),
    h(
      "p",
      { class: "muted small" },
      "Для компьютера без связи с сервером: выгрузите пакет неотправленных изменений, отправьте его с компьютера, где есть связь (под тем же пользователем), и загрузите полученный ответ здесь.",
    ),
    expForm,
    impForm,
  );
}

export async function renderConflicts(el: HTMLElement, _session: Session, refreshHeader: () => Promise<void>): Promise<void> {
  const [items, paths] = await Promise.all([api.conflicts(), api.bundleDefaults()]);
  const message = h("p", { class: "message", role: "status", "data-testid": "conflicts-message" });
  const say = (text: string, ok: boolean) => {
    message.textContent = text;
    message.className = `message ${ok ? "message-ok" : "message-error"}`;
  };
  const reload = async () => {
    const fresh = await api.conflicts();
    body.replaceChildren(...rows(fresh));
    summary.textContent = summaryText(fresh);
    await refreshHeader();
  };
  const rows = (list: ConflictItem[]) =>
    list.length
      ? list.map((i) => conflictRow(i, say, reload))
      : [h("tr", {}, h("td", { colspan: 5, class: "muted" }, "Сервер принял все изменения: конфликтов, отказов и замен нет."))];
  const summaryText = (list: ConflictItem[]) => {
    const open = list.filter((i) => i.conflict.open).length;
    return open ? `Требуют решения: ${open}` : "Все конфликты и отказы решены";
  };
  const summary = h("p", { class: "screen-sub", "data-testid": "conflicts-summary" }, summaryText(items));
  const body = h("tbody", {}, ...rows(items));
  el.replaceChildren(
    h(
      "section",
      { class: "conflicts", "data-testid": "conflicts-screen" },
      h("div", { class: "screen-head" }, h("h1", {}, "Конфликты и отказы"), summary),
      h(
        "p",
        { class: "muted small" },
        "Здесь остаются все изменения, которые сервер не принял, и ваши значения, заменённые с другого устройства, пока вы не решите, что с ними делать.",
      ),
      message,
      h(
        "table",
        { class: "table conflicts-table", "data-testid": "conflicts-table" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", {}, "Что"), h("th", {}, "На этом компьютере"), h("th", {}, "На сервере"), h("th", {}, "Причина"), h("th", {}, "Действие")),
        ),
        body,
      ),
      bundlesSection(say, paths.export_path, paths.answer_path),
    ),
  );
  const first = el.querySelector<HTMLButtonElement>(".conflict.open button");
  (first ?? el.querySelector<HTMLInputElement>("input.path"))?.focus();
}
