// «Доступна новая версия»: after an online sign-in the app asks its server for a newer version
// (src-tauri update_commands.rs). The bar offers «Установить» with the release notes; the install
// downloads the package, checks it against the institution's signed manifest and hands it to the
// package manager, showing progress; then «Перезапустить». A refused update (unsigned, signature
// wrong, package altered) is told in words, and nothing is installed.

import "./update.css";
import { call, AppError } from "./api";
import { h } from "./format";
import type { UpdateInstalled } from "./bindings/UpdateInstalled";
import type { UpdateOffer } from "./bindings/UpdateOffer";
import type { UpdateProgress } from "./bindings/UpdateProgress";

/** Typed wrappers over src-tauri's update commands (kept here: the bar is their only user). */
const updateApi = {
  check: () => call<UpdateOffer | null>("update_check"),
  install: () => call<UpdateInstalled>("update_install"),
  progress: () => call<UpdateProgress>("update_progress"),
  restart: () => call<void>("update_restart"),
};

/** Codes of an update the app refuses: the teacher (and whoever maintains the PC) must know. */
const REFUSALS = new Set([
  "update_unsigned",
  "update_signature_invalid",
  "update_package_altered",
  "update_manifest_invalid",
  "update_key_invalid",
]);

function bar(): HTMLElement {
  let el = document.querySelector<HTMLElement>("[data-testid=update-bar]");
  if (!el) {
    el = h("section", { class: "update-bar", "data-testid": "update-bar", role: "status", hidden: true });
    const main = document.getElementById("app-main");
    document.body.insertBefore(el, main);
  }
  return el;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString("ru-RU", { maximumFractionDigits: 1 })} МБ`;
}

function showRefusal(el: HTMLElement, offer: UpdateOffer | null, e: AppError): void {
  el.className = "update-bar update-refused";
  el.hidden = false;
  const retry = offer
    ? h("button", { type: "button", "data-testid": "update-install" }, "Повторить")
    : null;
  retry?.addEventListener("click", () => void install(el, offer as UpdateOffer));
  el.replaceChildren(
    h("span", { class: "update-title" }, offer ? `Версия ${offer.version} не установлена` : "Обновление отклонено"),
    h("span", { class: "update-error", "data-testid": "update-error", "data-code": e.code }, e.message),
  );
  if (retry) el.append(retry);
}

function showOffer(el: HTMLElement, offer: UpdateOffer): void {
  el.className = "update-bar";
  el.hidden = false;
  const button = h("button", { type: "button", class: "primary", "data-testid": "update-install" }, "Установить");
  button.addEventListener("click", () => void install(el, offer));
  el.replaceChildren(
    h(
      "span",
      { class: "update-title", "data-testid": "update-offer" },
      `Доступна новая версия ${offer.version}`,
    ),
    h("span", { class: "muted" }, `установлена ${offer.current_version}; пакет ${megabytes(offer.size)}`),
    button,
  );
  if (offer.notes) el.append(h("p", { class: "update-notes", "data-testid": "update-notes" }, offer.notes));
}

function showProgress(el: HTMLElement, offer: UpdateOffer, p: UpdateProgress): void {
  const line =
    p.phase === "installing"
      ? "Пакет проверен, идёт установка…"
      : p.total > 0
        ? `Загрузка ${megabytes(p.done)} из ${megabytes(p.total)}…`
        : "Загрузка…";
  const progress = h("progress", { "data-testid": "update-progress", max: p.total || 1 });
  if (p.phase === "installing") progress.removeAttribute("value");
  else progress.value = p.done;
  el.replaceChildren(h("span", { class: "update-title" }, `Версия ${offer.version}`), progress, h("span", {}, line));
}

async function install(el: HTMLElement, offer: UpdateOffer): Promise<void> {
  el.className = "update-bar";
  showProgress(el, offer, { phase: "downloading", done: 0, total: offer.size });
  const poll = window.setInterval(async () => {
    try {
      const p = await updateApi.progress();
      if (p.phase === "downloading" || p.phase === "installing") showProgress(el, offer, p);
    } catch (e) {
      console.error(e);
    }
  }, 300);
  try {
    const done = await updateApi.install();
    window.clearInterval(poll);
    const restart = h("button", { type: "button", class: "primary", "data-testid": "update-restart" }, "Перезапустить");
    restart.addEventListener("click", () => void updateApi.restart());
    el.replaceChildren(
      h(
        "span",
        { class: "update-title", "data-testid": "update-installed" },
        `Версия ${done.version} установлена`,
      ),
      h("span", {}, "Перезапустите приложение, чтобы работать в новой версии: всё введённое сохранено."),
      restart,
    );
  } catch (e) {
    window.clearInterval(poll);
    const err = e instanceof AppError ? e : new AppError({ code: "unknown", message: String(e) });
    showRefusal(el, offer, err);
  }
}

/** Asks the server for a newer version and shows the bar if there is one (quiet otherwise). */
export async function checkForUpdate(): Promise<void> {
  const el = bar();
  try {
    // Installed but not restarted yet (or still installing): the bar already says what to do.
    const progress = await updateApi.progress();
    if (["downloading", "installing", "installed"].includes(progress.phase)) return;
    const offer = await updateApi.check();
    if (offer) showOffer(el, offer);
    else el.hidden = true;
  } catch (e) {
    // No network or an old server is no news; a refused update is.
    if (e instanceof AppError && REFUSALS.has(e.code)) showRefusal(el, null, e);
    else console.error(e);
  }
}
