// Offline first, in the real app: sign in online and mark a lesson, the server goes down, mark
// another lesson offline, restart the app (offline sign-in with the same data dir), the server
// comes back, «Синхронизировать» — and the server has both marks (read back by the `journal` CLI
// signing in on another data dir, i.e. another PC).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { click, cliBinary, screenshot, signIn, startApp, startServer } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

async function headerText(driver, testid) {
  try {
    return (await driver.findElement(By.css(`[data-testid=${testid}]`)).getText()).trim();
  } catch {
    return "";
  }
}

/** Waits until the header's `testid` says what `wanted` matches: the header is drawn anew when a
 *  background sync ends, so a read right after sign-in can find it between two drawings. */
async function waitHeader(driver, testid, wanted, what) {
  let last = "";
  await driver.wait(async () => {
    last = await headerText(driver, testid);
    return typeof wanted === "string" ? last === wanted : wanted.test(last);
  }, 20000, `${what} (the header says «${last}»)`);
}

/** Opens the n-th lesson of «Сегодня» and types `mark` into its first cell; returns the lesson id. */
async function markLesson(driver, n, mark) {
  const table = await driver.wait(until.elementLocated(By.css("[data-testid=today-lessons]")), 30000);
  const rows = await table.findElements(By.css("[data-testid=lesson-row]"));
  assert.ok(rows.length > n, `the teacher has at least ${n + 1} lessons on ${TODAY}`);
  const id = await rows[n].getAttribute("data-lesson-id");
  await rows[n].sendKeys(Key.ENTER);
  const roster = await driver.wait(until.elementLocated(By.css("[data-testid=roster]")), 20000);
  const cell = (await roster.findElements(By.css("[data-testid=cell]")))[0];
  await cell.sendKeys(mark);
  const message = await driver.findElement(By.css("[data-testid=lesson-message]"));
  await driver.wait(async () => /message-ok/.test(await message.getAttribute("class")), 10000,
    `the mark ${mark} is recorded`);
  return id;
}

async function waitAllSent(driver, what) {
  await driver.wait(async () => (await headerText(driver, "sync-pending")) === "Всё отправлено", 60000, what);
}

/** The first student's cell of `lessonId` as the server has it: the CLI signs in on a fresh dir. */
function serverCell(server, lessonId) {
  const dir = mkdtempSync(path.join(tmpdir(), "journal-e2e-cli-"));
  const env = { ...process.env, JOURNAL_PASSWORD: "demo" };
  const common = ["--data-dir", dir, "--user", "teacher", "--now", NOW];
  execFileSync(cliBinary(), [...common, "--server", server.url, "login"], { env, stdio: "pipe", timeout: 60000 });
  const out = execFileSync(cliBinary(), [...common, "--json", "lesson", "--lesson", lessonId], { env, timeout: 60000 });
  const lesson = JSON.parse(out.toString());
  return lesson.students[0].cell.symbol;
}

const SUGGESTION = "Прошу добавить в журнал печать по подгруппам";

/** The texts of the suggestions the server's administrator reads. */
async function suggestionsOnServer(server) {
  const protocol = { "x-journal-protocol": "6" };
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { ...protocol, "content-type": "application/json" },
    body: JSON.stringify({ login: "admin", password: "demo", device_id: "0b6c6a52-3d0e-4f57-9a53-3c2f8c1d9e41" }),
  });
  assert.equal(login.status, 200, "the administrator signs in over the API");
  const { token } = await login.json();
  const resp = await fetch(`${server.url}/api/v1/admin/suggestions`, { headers: { ...protocol, authorization: `Bearer ${token}` } });
  assert.equal(resp.status, 200, "the administrator reads the suggestions");
  return (await resp.json()).suggestions.map((s) => s.text);
}

test("marks made online and offline reach the server after a restart and a sync", async () => {
  const server = await startServer({ today: TODAY });
  // Background sync every hour: this test presses «Синхронизировать» itself.
  const env = { JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" };
  let app = await startApp(env);
  const dataDir = app.dataDir;
  try {
    await signIn(app.driver, "teacher", "demo");
    await waitHeader(app.driver, "sync-mode", "На связи", "an online sign-in shows «На связи»");
    const online = await markLesson(app.driver, 0, "5");
    await click(app.driver, "sync-now");
    await waitAllSent(app.driver, "the online mark is sent by «Синхронизировать»");

    // The server goes down; the teacher marks another lesson.
    await server.stop();
    await click(app.driver, "header-nav-today");
    const offline = await markLesson(app.driver, 1, "4");
    await click(app.driver, "sync-now");
    await app.driver.wait(async () => (await headerText(app.driver, "sync-mode")) === "Автономная работа", 30000,
      "a sync without the server turns the header to «Автономная работа»");
    await waitHeader(app.driver, "sync-pending", /Не отправлено: 1/, "the offline mark waits");
    await screenshot(app.driver, "sync-offline.png");

    // F1 → «Справка»: a suggestion written offline is kept on this PC, not refused.
    await app.driver.findElement(By.css("body")).sendKeys(Key.F1);
    const text = await app.driver.wait(until.elementLocated(By.css("[data-testid=suggestion-text]")), 20000,
      "F1 opens «Справка» with the «Предложение» form");
    await screenshot(app.driver, "help.png");
    await text.sendKeys(SUGGESTION);
    await click(app.driver, "suggestion-send");
    const said = await app.driver.findElement(By.css("[data-testid=suggestion-message]"));
    await app.driver.wait(async () => /сохранено на этом компьютере/.test(await said.getText()), 30000,
      "offline, the suggestion is kept for the next sync");
    await screenshot(app.driver, "help-offline.png");

    // The app is restarted on the same PC while the server is still down: offline sign-in.
    await app.stop();
    app = await startApp(env, { dataDir });
    await signIn(app.driver, "teacher", "demo");
    await app.driver.wait(until.elementLocated(By.css("[data-testid=signin-notice]")), 20000,
      "the offline sign-in says the server does not answer");
    await waitHeader(app.driver, "sync-pending", /Не отправлено: 1/, "the offline mark survived the restart");

    // The server is back: «Синхронизировать» signs in to it and sends the mark.
    await server.start();
    await click(app.driver, "sync-now");
    await waitAllSent(app.driver, "the offline mark is sent once the server answers");
    await waitHeader(app.driver, "sync-mode", "На связи", "the header is back to «На связи»");
    await screenshot(app.driver, "sync-online.png");

    assert.deepEqual(await suggestionsOnServer(server), [SUGGESTION],
      "the suggestion written offline survived the restart and reached the administrator with the sync");
    assert.equal(serverCell(server, online), "5", "the server has the mark made online");
    assert.equal(serverCell(server, offline), "4", "the server has the mark made offline");
  } finally {
    await app.stop();
    await server.stop();
  }
});
