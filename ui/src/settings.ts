// «Настройки»: the auto-lock time and where this session's data and server are.

import { api, AppError } from "./api";
import { h } from "./format";
import type { Session } from "./types";

export async function renderSettings(el: HTMLElement, session: Session, onLockMinutes: (m: number) => void): Promise<void> {
  const minutes = h("input", {
    type: "number",
    min: 1,
    max: 240,
    step: 1,
    value: String(Math.max(1, Math.round(session.lock_minutes))),
    "data-testid": "settings-lock-minutes",
  }) as HTMLInputElement;
  const save = h("button", { type: "submit", class: "primary" }, "Сохранить");
  const message = h("p", { class: "message", role: "status", "data-testid": "settings-message" });
  const form = h(
    "form",
    { class: "settings-form" },
    h(
      "label",
      { class: "field" },
      h("span", { class: "field-label" }, "Блокировать журнал после бездействия, минут"),
      minutes,
    ),
    h("div", { class: "form-actions" }, save),
    message,
  ) as HTMLFormElement;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void api
      .setLockMinutes(Number(minutes.value))
      .then((m) => {
        onLockMinutes(m);
        message.textContent = `Сохранено: журнал блокируется после ${m} мин бездействия`;
        message.className = "message message-ok";
      })
      .catch((e) => {
        message.textContent = e instanceof AppError ? e.message : String(e);
        message.className = "message message-error";
      });
  });
  el.replaceChildren(
    h(
      "section",
      { class: "settings", "data-testid": "settings-screen" },
      h("div", { class: "screen-head" }, h("h1", {}, "Настройки")),
      form,
      h(
        "dl",
        { class: "lesson-facts" },
        h("dt", {}, "Пользователь"),
        h("dd", {}, `${session.full_name} (${session.login})`),
        h("dt", {}, "Сервер журнала"),
        h("dd", {}, session.server_url ?? "не задан"),
        h("dt", {}, "Синхронизация в фоне"),
        h("dd", {}, `каждые ${session.sync_seconds} с, когда сервер отвечает`),
        h("dt", {}, "Папка данных"),
        h("dd", {}, session.data_dir),
      ),
    ),
  );
  minutes.focus();
}
