// The app shell: the header (who, where, sync state) and the screen in view («Сегодня» or «Урок»).

import "./style.css";
import { api, AppError } from "./api";
import { h } from "./format";
import { renderHeader } from "./header";
import { renderToday } from "./today";
import { renderLesson } from "./lesson";
import { renderGrid, renderJournals } from "./grid";
import { renderFinals } from "./finals";
import type { Session } from "./types";

export type Route =
  | { screen: "today" }
  | { screen: "lesson"; lessonId: string }
  | { screen: "journal"; loadId?: string; periodId?: string }
  | { screen: "finals"; loadId: string; periodId?: string };

const header = document.getElementById("app-header") as HTMLElement;
const main = document.getElementById("app-main") as HTMLElement;

let session: Session | null = null;

/** Re-reads the journal's status into the header (after every edit: pending changes grow). */
export async function refreshHeader(): Promise<void> {
  try {
    renderHeader(header, await api.status(), session);
  } catch (e) {
    renderHeader(header, null, session);
    console.error(e);
  }
}

export async function navigate(route: Route): Promise<void> {
  if (!session) return;
  main.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
  try {
    if (route.screen === "today") {
      await renderToday(main, session, navigate);
    } else if (route.screen === "lesson") {
      await renderLesson(main, session, route.lessonId, navigate, refreshHeader);
    } else if (route.screen === "journal" && route.loadId) {
      await renderGrid(main, session, route.loadId, route.periodId ?? null, navigate, refreshHeader);
    } else if (route.screen === "journal") {
      await renderJournals(main, navigate);
    } else {
      await renderFinals(main, session, route.loadId, route.periodId ?? null, navigate, refreshHeader);
    }
  } catch (e) {
    showFatal(e);
  }
}

function showFatal(e: unknown): void {
  const message = e instanceof AppError ? e.message : String(e);
  const code = e instanceof AppError ? e.code : "unknown";
  main.replaceChildren(
    h(
      "section",
      { class: "fatal", role: "alert" },
      h("h1", {}, "Журнал не открылся"),
      h("p", {}, message),
      h("p", { class: "muted" }, `Код ошибки: ${code}`),
    ),
  );
}

async function start(): Promise<void> {
  try {
    session = await api.session();
  } catch (e) {
    renderHeader(header, null, null);
    showFatal(e);
    return;
  }
  await refreshHeader();
  await navigate({ screen: "today" });
}

void start();
