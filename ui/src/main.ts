// The app shell: sign-in or the lock screen until a teacher's copy is open; then the header (who,
// screens, sync state) and the screen in view. Background sync and the inactivity lock run here.

import "./style.css";
import { api, AppError, OFFLINE_EVENT } from "./api";
import { h } from "./format";
import { renderHeader } from "./header";
import { renderToday } from "./today";
import { renderLesson } from "./lesson";
import { renderGrid, renderJournals } from "./grid";
import { renderModuleSummary } from "./module";
import { renderFinals } from "./finals";
import { renderLockScreen, renderSignIn, rescueNotice } from "./signin";
import { renderConflicts } from "./sync";
import { renderRemarks } from "./remarks";
import { renderMessages } from "./messages";
import { renderParentNotes } from "./parent_notes";
import { renderAttendance } from "./attendance";
import { renderSettings } from "./settings";
import { renderPrint } from "./print";
import { renderHelp } from "./help";
import { checkForUpdate } from "./update";
import type { RescueReport, Session, SignInOutcome, SyncState } from "./types";

export type Route =
  | { screen: "today" }
  | { screen: "lesson"; lessonId: string }
  | { screen: "journal"; loadId?: string; periodId?: string; module?: { groupId: string; moduleId: string } }
  | { screen: "finals"; loadId: string; periodId?: string }
  | { screen: "conflicts" }
  | { screen: "remarks" }
  | { screen: "attendance" }
  | { screen: "messages" }
  | { screen: "notes" }
  | { screen: "print" }
  | { screen: "settings" }
  | { screen: "help" };

const header = document.getElementById("app-header") as HTMLElement;
const main = document.getElementById("app-main") as HTMLElement;

let session: Session | null = null;
let institution = "";
let syncState: SyncState | null = null;
let route: Route = { screen: "today" };
let timers: number[] = [];
let lastActivity = Date.now();

const actions = {
  go: (screen: string) => void navigate({ screen } as Route),
  syncNow: () => void syncNow(false),
  lock: () => void lockNow(),
  switchUser: () => void switchUser(),
};

function drawHeader(): void {
  renderHeader(header, session, institution, syncState, route.screen, actions);
}

/** Re-reads the sync state into the header (after every edit: pending changes grow). */
window.addEventListener(OFFLINE_EVENT, () => void refreshHeader());

export async function refreshHeader(): Promise<void> {
  if (!session) return;
  try {
    syncState = await api.syncState();
  } catch (e) {
    console.error(e);
  }
  drawHeader();
}

export async function navigate(next: Route): Promise<void> {
  if (!session) return;
  route = next;
  drawHeader();
  main.replaceChildren(h("p", { class: "loading" }, "Загрузка…"));
  try {
    switch (next.screen) {
      case "today":
        await renderToday(main, session, navigate);
        break;
      case "lesson":
        await renderLesson(main, session, next.lessonId, navigate, refreshHeader);
        break;
      case "journal":
        if (next.loadId) await renderGrid(main, session, next.loadId, next.periodId ?? null, navigate, refreshHeader);
        else if (next.module) await renderModuleSummary(main, next.module.groupId, next.module.moduleId, navigate);
        else await renderJournals(main, navigate);
        break;
      case "finals":
        await renderFinals(main, session, next.loadId, next.periodId ?? null, navigate, refreshHeader);
        break;
      case "conflicts":
        await renderConflicts(main, session, refreshHeader);
        break;
      case "remarks":
        await renderRemarks(main, session, refreshHeader);
        break;
      case "messages":
        await renderMessages(main, refreshHeader);
        break;
      case "notes":
        await renderParentNotes(main, refreshHeader);
        break;
      case "attendance":
        await renderAttendance(main, session, refreshHeader);
        break;
      case "print":
        await renderPrint(main, session);
        break;
      case "help":
        await renderHelp(main);
        break;
      case "settings":
        await renderSettings(main, session, (minutes) => {
          if (session) session.lock_minutes = minutes;
        });
        break;
    }
  } catch (e) {
    showFatal(e);
  }
}

function showFatal(e: unknown): void {
  const code = e instanceof AppError ? e.code : "unknown";
  if (code === "app_locked" || code === "not_signed_in") {
    void showSignIn();
    return;
  }
  const message = e instanceof AppError ? e.message : String(e);
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

function stopTimers(): void {
  for (const t of timers) window.clearInterval(t);
  timers = [];
}

/** One sync; `background` ones stay quiet unless something changed. */
async function syncNow(background: boolean): Promise<void> {
  if (!session) return;
  if (syncState) syncState = { ...syncState, running: true };
  drawHeader();
  // The sync holds the journal; the header asks for progress meanwhile.
  const poll = window.setInterval(() => void refreshHeader(), 700);
  try {
    syncState = await api.syncNow();
  } catch (e) {
    if (!background) console.error(e);
  } finally {
    window.clearInterval(poll);
  }
  await refreshHeader();
  // The sign-in's «server does not answer» note is out of date once a sync got through.
  if (syncState?.online) document.querySelector("[data-testid=signin-notice]")?.remove();
  // Screens about sync outcomes show the new state at once.
  if (session && (route.screen === "conflicts" || route.screen === "remarks")) await navigate(route);
}

function startTimers(): void {
  stopTimers();
  if (!session) return;
  lastActivity = Date.now();
  const syncMs = Math.max(1, Number(session.sync_seconds)) * 1000;
  timers.push(window.setInterval(() => void syncNow(true), syncMs));
  // The inactivity lock: checked every second against the setting (which may change meanwhile).
  timers.push(
    window.setInterval(() => {
      if (session && Date.now() - lastActivity > session.lock_minutes * 60_000) void lockNow();
    }, 1000),
  );
}

// F1 opens «Справка» from any screen of an open journal.
window.addEventListener("keydown", (e) => {
  if (e.key === "F1" && session) {
    e.preventDefault();
    void navigate({ screen: "help" });
  }
});

for (const ev of ["keydown", "mousedown", "mousemove", "wheel", "touchstart"]) {
  window.addEventListener(ev, () => (lastActivity = Date.now()), { passive: true, capture: true });
}

async function enterJournal(notice: string | null, rescue: RescueReport | null = null): Promise<void> {
  session = await api.session();
  try {
    institution = (await api.status()).institution_name;
  } catch {
    institution = "";
  }
  route = { screen: "today" };
  startTimers();
  await refreshHeader();
  await navigate(route);
  if (notice) {
    main.prepend(h("p", { class: "message message-info", role: "status", "data-testid": "signin-notice" }, notice));
  }
  if (rescue) main.prepend(rescueNotice(rescue));
  // An online sign-in has just talked to the server; an offline one tries once at once.
  void syncNow(true);
  void checkForUpdate();
}

function leaveJournal(): void {
  stopTimers();
  session = null;
  syncState = null;
  institution = "";
  drawHeader();
}

async function showSignIn(presetLogin: string | null = null): Promise<void> {
  leaveJournal();
  const state = await api.signInState();
  const onSignedIn = async (o: SignInOutcome) => enterJournal(o.notice, o.rescue);
  if (state.locked_login && presetLogin === null) renderLockScreen(main, state, onSignedIn);
  else renderSignIn(main, state, onSignedIn, presetLogin);
}

async function lockNow(): Promise<void> {
  if (!session) return;
  try {
    await api.lock();
  } catch (e) {
    console.error(e);
  }
  await showSignIn();
}

async function switchUser(): Promise<void> {
  try {
    await api.signOut();
  } catch (e) {
    console.error(e);
  }
  await showSignIn("");
}

async function start(): Promise<void> {
  try {
    const state = await api.signInState();
    if (state.signed_in) await enterJournal(null);
    else await showSignIn();
  } catch (e) {
    drawHeader();
    showFatal(e);
  }
}

void start();
