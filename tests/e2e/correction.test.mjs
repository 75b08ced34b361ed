// A correction after the lesson's day (001 Приложение, заместитель п. 9), where the institution's
// policy allows corrections (`late_entry: allowed_cases`): in «Журналы» the teacher types another
// value over an earlier day's mark; the app asks for the reason (Esc cancels and the cell keeps its
// value), and with the reason the correction is recorded, synced and taken by the server, whose
// audit shows the deputy the value with its reason.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { act, cli as runCli, screenshot, signIn, startApp, startServer, textOf, waitSynced } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;
const PROTOCOL = { "x-journal-protocol": "6" };

/** The audit's op lines, read as the administrator over HTTP. */
async function auditOps(serverUrl) {
  const login = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { ...PROTOCOL, "content-type": "application/json" },
    body: JSON.stringify({ login: "admin", password: "demo", device_id: crypto.randomUUID() }),
  });
  assert.equal(login.status, 200, "the administrator signs in");
  const { token } = await login.json();
  const resp = await fetch(`${serverUrl}/api/v1/admin/audit?kind=op&limit=20`, {
    headers: { ...PROTOCOL, authorization: `Bearer ${token}` },
  });
  assert.equal(resp.status, 200, "the audit is read");
  return (await resp.json()).entries;
}

/** The grid cell of an earlier day that holds a mark: [row, col, text]. */
async function earlierMark(driver) {
  return driver.executeScript(`
    const [y, m, d] = arguments[0].split("-");
    const heads = [...document.querySelectorAll("[data-testid=journal-grid] th.date-head")];
    const before = (t) => { const [dd, mm] = t.trim().slice(0, 5).split("."); return mm + dd < m + d; };
    for (const cell of document.querySelectorAll("[data-testid=grid-cell]")) {
      const col = Number(cell.dataset.col);
      if (heads[col] && before(heads[col].textContent) && /^[2-5]$/.test(cell.textContent.trim()))
        return [Number(cell.dataset.row), col, cell.textContent.trim()];
    }
    return null;`, TODAY);
}

test("a correction after the lesson's day asks for its reason and reaches the server's audit", async () => {
  const server = await startServer({ today: TODAY, policy: { late_entry: "allowed_cases" } });
  const other = mkdtempSync(path.join(tmpdir(), "journal-e2e-other-"));
  runCli(other, "teacher", NOW, ["--server", server.url, "login"]);
  const lessons = JSON.parse(runCli(other, "teacher", NOW, ["--json", "lessons", "--date", TODAY]));
  const load = JSON.parse(runCli(other, "teacher", NOW, ["--json", "lesson", "--lesson", lessons[0].id])).summary.load_id;

  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo");
    await act(driver, "[data-testid=header-nav-journal]", (el) => el.click(), "the «Журналы» tab");
    await act(driver, `[data-testid=load-row][data-load-id="${load}"]`, (el) => el.sendKeys(Key.ENTER),
      "«Журналы» lists the load");
    await driver.wait(until.elementLocated(By.css("[data-testid=journal-grid]")), 30000, "the journal opens");
    const found = await earlierMark(driver);
    assert.ok(found, "the demo journal has a mark on an earlier day");
    const [row, col, old] = found;
    const value = old === "5" ? "4" : "5";
    const cell = `[data-testid=grid-cell][data-row="${row}"][data-col="${col}"]`;

    // Esc: nothing is recorded, the cell keeps its mark.
    await act(driver, cell, (el) => el.click(), "the earlier mark");
    await driver.actions().sendKeys(value).perform();
    const reason = await driver.wait(until.elementLocated(By.css("[data-testid=correction-reason]")), 15000,
      "a correction after the day asks for its reason");
    assert.match(await textOf(driver, "[data-testid=correction-help]", "the dialog's help"),
      new RegExp(`«${value}».*причин`), "the dialog names the new value and why it asks");
    await screenshot(driver, "correction-dialog.png");
    await reason.sendKeys(Key.ESCAPE);
    await driver.wait(async () => (await driver.findElements(By.css("[data-testid=correction-dialog]"))).length === 0,
      10000, "Esc closes the dialog");
    assert.match(await textOf(driver, "[data-testid=grid-message]", "the grid's message"), /исправление отменено/,
      "the teacher is told that nothing changed");
    assert.equal((await textOf(driver, cell, "the cell")).trim(), old, "a cancelled correction keeps the mark");

    // With the reason (Enter confirms) the correction is recorded and synced.
    const why = "ошибка ввода, проверено по тетради";
    await act(driver, cell, (el) => el.click(), "the earlier mark");
    await driver.actions().sendKeys(value).perform();
    const again = await driver.wait(until.elementLocated(By.css("[data-testid=correction-reason]")), 15000,
      "the reason is asked again");
    await again.sendKeys(why, Key.ENTER);
    await driver.wait(async () => (await textOf(driver, cell, "the cell")).trim() === value, 15000,
      "the corrected mark is shown");
    await screenshot(driver, "correction-done.png");
    await waitSynced(driver);
    assert.equal((await driver.findElements(By.css("[data-testid=sync-conflicts]"))).length, 0,
      "the server took the correction: no conflict or refusal to resolve");
    const lines = await auditOps(server.url);
    assert.ok(lines.some((l) => l.new === `${value} (исправление: ${why})`),
      `the deputy reads the value and its reason in the audit: ${JSON.stringify(lines.map((l) => l.new))}`);
  } finally {
    await app.stop();
    await server.stop();
  }
});
