// Opening the next academic year in a real Chromium, on the demo institution: the administrator
// opens «Новый учебный год», is refused while periods with lessons are not closed (beside the
// checkbox that overrides it), sees the plan as a table (groups promoted, loads carried), confirms in
// a dialog, and finds the closed year in «Архив учебных лет», whose year journal prints from the
// archive. Screenshots: console-rollover-plan.png, console-archive.png.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { byTestId, find, open, screenshot, startBrowser, startDemoServer, type, waitFilled, waitText } from "./console.mjs";

let server;
let driver;
const downloads = mkdtempSync(path.join(tmpdir(), "journal-rollover-downloads-"));

before(async () => {
  server = await startDemoServer("web-rollover-journal-server.log");
  driver = await startBrowser(downloads);
  await driver.get(server.url);
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", "admin");
  await (await type(driver, "signin-password", "demo")).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("the administrator closes the year after seeing the plan and prints it from the archive", async () => {
  await open(driver, "rollover");
  const name = await (await find(driver, "rollover-name")).getAttribute("value");
  assert.match(name, /^\d{4}\/\d{4}$/, `the next year's name is proposed: ${name}`);
  await (await find(driver, "carry-all")).click();
  await (await find(driver, "rollover-submit")).click();
  const refusal = await waitFilled(driver, "rollover-force_unlocked-error");
  assert.match(refusal, /Не закрыто периодов/, `unclosed periods are named beside the override: ${refusal}`);

  await (await find(driver, "rollover-force_unlocked")).click();
  await (await find(driver, "rollover-submit")).click();
  const groups = await waitText(driver, "rollover-plan-groups", "перевод на", 20000);
  assert.match(groups, /ИС-21 \(2 курс\)/, `the plan lists the groups as they are: ${groups}`);
  assert.match(groups, /ИС-31/, `and their names in the new year: ${groups}`);
  const summary = await (await find(driver, "rollover-plan-summary")).getText();
  assert.match(summary, /Переносится нагрузок: [1-9]/, `the marked loads are carried: ${summary}`);
  await screenshot(driver, "rollover-plan");

  await (await find(driver, "rollover-ask")).click();
  await find(driver, "rollover-confirm");
  await (await find(driver, "rollover-apply")).click();
  const done = await waitText(driver, "rollover-done", "сохранён в архиве", 30000);
  assert.ok(done.includes(name), `the new year is open: ${done}`);

  await open(driver, "archive");
  await find(driver, "archive-status");
  const printButtons = await driver.findElements({ css: '[data-testid^="archive-year_journal-"]' });
  assert.ok(printButtons.length >= 3, `every group of the closed year can be printed: ${printButtons.length}`);
  await printButtons[0].click();
  await waitText(driver, "archive-printed", "Документ сформирован", 60000);
  await driver.wait(() => readdirSync(downloads).some((f) => f.endsWith(".pdf")), 30000, "the closed year's journal is downloaded as a PDF");
  const pdf = readdirSync(downloads).filter((f) => f.endsWith(".pdf"));
  assert.match(pdf[0], /^year_journal-[a-z]+-\d+-\d{4}-\d{4}\.pdf$/, `named by group and year: ${pdf}`);
  const rows = await driver.findElements(byTestId("archive-empty"));
  assert.equal(rows.length, 0, "the archive is not empty after the rollover");
  const retention = await (await find(driver, `archive-retention-${name.replace(/^(\d+)\/(\d+)$/, (_, a, b) => `${a - 1}/${b - 1}`)}`)).getText();
  assert.match(retention, /журналы до .*сводные ведомости до/, `the retention dates are listed: ${retention}`);

  // The deputy checks a journal of the closed year and hands it over to the archive.
  await (await find(driver, "sign-out")).click();
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", "deputy");
  await (await type(driver, "signin-password", "demo")).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
  await open(driver, "archive");
  const accept = await driver.wait(async () => (await driver.findElements({ css: 'table[data-testid^="archive-2"] [data-testid^="accept-"]' }))[0], 20000, "a journal of the closed year waits for the deputy's check");
  const group = (await accept.getAttribute("data-testid")).replace(/^accept-/, "");
  await accept.click();
  await waitText(driver, "archive-done", "принят", 20000);
  await type(driver, `handover-ref-${group}`, "опись 3, дело 12");
  await (await find(driver, `handover-${group}`)).click();
  await waitText(driver, "archive-done", "сдан в архив", 20000);
  const table = await driver.findElement({ css: 'table[data-testid^="archive-2"]' }).getText();
  assert.match(table, /сдан .*опись 3, дело 12/, `the hand-over is recorded with its reference: ${table}`);
  // The times are the institution's (Moscow, the offset the server's timestamps carry), not the
  // browser's zone (this test's Chromium runs in the machine's, often UTC).
  const token = await driver.executeScript("return sessionStorage.getItem('journal-console-token')");
  const api = async (route) => (await fetch(`${server.url}/api/v1${route}`, { headers: { "x-journal-protocol": "6", authorization: `Bearer ${token}` } })).json();
  const [closed] = await api("/admin/archive");
  const state = (await api(`/archive/journals?year=${encodeURIComponent(closed.name)}`)).journals.find((j) => j.group === group);
  assert.match(state.accepted_at, /\+03:00$/, `the server gives the acceptance in the demo college's zone: ${state.accepted_at}`);
  assert.match(state.handed_over_at, /\+03:00$/, `and the hand-over: ${state.handed_over_at}`);
  const wall = (t) => t.replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}).*$/, "$3.$2.$1, $4:$5");
  assert.ok(table.includes(`принят ${wall(state.accepted_at)}`), `the acceptance is shown at the college's ${wall(state.accepted_at)}: ${table}`);
  assert.ok(table.includes(`сдан ${wall(state.handed_over_at)}`), `the hand-over is shown at the college's ${wall(state.handed_over_at)}: ${table}`);
  await driver.executeScript("window.scrollTo(0, 0)");
  await screenshot(driver, "archive");
});
