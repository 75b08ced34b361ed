// A ВТК work in the real app, from the keyboard: the deputy schedules a «Контрольный срез знаний»
// with criteria for the teacher's lesson of the day; the teacher's app gets it with the sync, the
// day's list and the lesson name it with its criteria; «=», the points and Enter record the mark the
// criteria give (15 of 20 → «4»), points over the maximum are refused and change nothing; synced,
// the server keeps «4», and the deputy's schedule counts the mark. The group's page marks the work's column. Screenshots: controlwork-lesson.png, controlwork-grid.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { act, cli as runCli, screenshot, signIn, startApp, startServer, textOf, waitSynced } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
// After the day's first lessons: marks are entered during or after the lesson.
const NOW = `${TODAY}T13:00`;
const PROTOCOL = { "x-journal-protocol": "6" };

async function call(serverUrl, token, method, route, body) {
  const resp = await fetch(`${serverUrl}/api/v1${route}`, {
    method,
    headers: { ...PROTOCOL, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await resp.text();
  assert.ok(resp.ok, `${method} ${route}: ${resp.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

test("points typed for a scheduled ВТК work become the mark its criteria give", async () => {
  const server = await startServer({ today: TODAY });
  const other = mkdtempSync(path.join(tmpdir(), "journal-e2e-vtk-"));
  runCli(other, "teacher", NOW, ["--server", server.url, "login"]);
  const lessons = JSON.parse(runCli(other, "teacher", NOW, ["--json", "lessons", "--date", TODAY]));
  const held = lessons.filter((l) => l.state === "scheduled" && !l.substitution && l.starts_at <= NOW);
  const lesson = held.find((l) => l.filled_cells === 0) ?? held[0];
  assert.ok(lesson, `the teacher has a lesson begun by ${NOW}: ${JSON.stringify(lessons).slice(0, 300)}`);
  const deputy = await call(server.url, null, "POST", "/auth/login", { login: "deputy", password: "demo", device_id: crypto.randomUUID() });
  const work = await call(server.url, deputy.token, "POST", "/control-works", {
    load_id: lesson.load_id, date: TODAY, form: "knowledge_cut", title: "Входной контроль", vtk: true,
    criteria: { max_points: 20, five: 18, four: 14, three: 10 },
  });

  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo");
    const badge = await textOf(driver, `[data-testid=lesson-row][data-lesson-id="${lesson.id}"] [data-testid=today-control-work]`,
      "the day's list names the work");
    assert.equal(badge, "ВТК: Контрольный срез знаний");
    await act(driver, `[data-testid=lesson-row][data-lesson-id="${lesson.id}"]`, (el) => el.sendKeys(Key.ENTER),
      "today's list has the lesson");
    await driver.wait(until.elementLocated(By.css("[data-testid=lesson-screen]")), 30000, "the lesson opens");
    const line = await textOf(driver, "[data-testid=control-work]", "the lesson names its work");
    assert.match(line, /Входной контроль/);
    assert.match(line, /«5» — от 18, «4» — от 14, «3» — от 10 баллов из 20/, "with its criteria");

    const cells = await driver.findElements(By.css("[data-testid=cell]"));
    const first = cells[0];
    const student = await first.getAttribute("data-student-id");
    const before = (await first.getText()).trim();
    await first.sendKeys("=", "2", "5", Key.ENTER);
    await driver.wait(async () => /больше, чем максимум/.test(await textOf(driver, "[data-testid=lesson-message]", "the message")),
      15000, "25 of 20 points is refused with the reason");
    assert.equal((await first.getText()).trim(), before, "a refused entry leaves the cell as it was");
    await first.click();
    await first.sendKeys("=", "1", "5");
    assert.equal((await first.getText()).trim(), "=15", "the points are shown as typed");
    await first.sendKeys(Key.ENTER);
    await driver.wait(async () => (await first.getText()).trim() === "4", 15000, "15 of 20 is recorded as «4»");
    const said = await textOf(driver, "[data-testid=lesson-message]", "the message");
    assert.match(said, /15 баллов — отметка «4»/, `the message says what the points gave: ${said}`);
    await screenshot(driver, "controlwork-lesson.png");
    await waitSynced(driver);
    // The group's page marks the work's column.
    await act(driver, "[data-testid=to-journal]", (el) => el.click(), "«Журнал группы»");
    const head = await driver.wait(until.elementLocated(By.css("[data-testid=grid-control-work]")), 30000,
      "the page marks the work's column");
    assert.equal((await head.getText()).includes("ВТК"), true, "the column says ВТК");
    assert.match(await head.getAttribute("title"), /Входной контроль/, "its title names the work");
    await screenshot(driver, "controlwork-grid.png");

    const { snapshot } = await call(server.url, deputy.token, "GET", "/sync/snapshot");
    const cell = snapshot.cells.find((c) => c.lesson_id === lesson.id && c.student_id === student);
    assert.ok(cell, "the server has the cell");
    assert.deepEqual(cell.value.entries, [{ kind: "mark", value: 4 }], `the server keeps «4»: ${JSON.stringify(cell.value)}`);
    const schedule = await call(server.url, deputy.token, "GET", "/control-works");
    const listed = schedule.works.find((w) => w.id === work.id);
    assert.equal(listed.marked, 1, `the deputy's schedule counts the mark: ${JSON.stringify(listed)}`);
  } finally {
    await app.stop();
    await server.stop();
  }
});
