// «Изменение урока» in the real app, from the keyboard: the teacher opens a lesson not yet given,
// opens the dialog, is refused a «не проведён» without a reason (beside the choice, the dialog
// stays), records it with the reason, sees «Урок не проведён: …» on the lesson and in the day's
// list, syncs, and the server has it (the teacher's other PC, the `journal` CLI, reads it back).
// Then the lesson comes back into the timetable. Screenshots: lesson-change-*.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { act, cli as runCli, screenshot, signIn, startApp, startServer, textOf, waitSynced } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
// Before the day's lessons: nothing is entered in them yet.
const NOW = `${TODAY}T07:30`;

const cli = (dir, args) => runCli(dir, "teacher", NOW, args);

test("a teacher records a lesson not held with its reason and brings it back", async () => {
  const server = await startServer({ today: TODAY });
  const other = mkdtempSync(path.join(tmpdir(), "journal-e2e-other-"));
  cli(other, ["--server", server.url, "login"]);
  const lessons = JSON.parse(cli(other, ["--json", "lessons", "--date", TODAY]));
  const lesson = lessons.find((l) => l.filled_cells === 0 && l.topics.length === 0 && l.state === "scheduled");
  assert.ok(lesson, `the teacher has a lesson not given yet today: ${JSON.stringify(lessons).slice(0, 300)}`);

  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo");
    await act(driver, `[data-testid=lesson-row][data-lesson-id="${lesson.id}"]`, (el) => el.sendKeys(Key.ENTER),
      "today's list has the lesson");
    await driver.wait(until.elementLocated(By.css("[data-testid=lesson-screen]")), 30000, "the lesson opens");

    // The dialog: the first choice has the focus; arrows move to «Урок не проведён».
    await act(driver, "[data-testid=lesson-change]", (el) => el.sendKeys(Key.ENTER), "«Изменение урока»");
    await driver.wait(until.elementLocated(By.css("[data-testid=lesson-change-dialog]")), 10000, "the dialog opens");
    const focused = await driver.switchTo().activeElement();
    assert.equal(await focused.getAttribute("data-testid"), "lesson-change-substitute", "«Замена» has the focus first");
    await focused.sendKeys(Key.ARROW_DOWN, Key.ARROW_DOWN);
    const notHeld = await driver.findElement(By.css("[data-testid=lesson-change-not_held]"));
    assert.equal(await notHeld.isSelected(), true, "two arrows down choose «Урок не проведён»");
    const reason = await driver.wait(until.elementLocated(By.css("[data-testid=lesson-change-reason]")), 10000,
      "the reason field appears");
    await reason.sendKeys(Key.ENTER);
    const error = await driver.wait(until.elementLocated(By.css("[data-testid=lesson-change-error]:not([hidden])")),
      10000, "an empty reason is refused");
    assert.match(await error.getText(), /Укажите причину/, "the dialog says the reason is required");
    await screenshot(driver, "lesson-change-dialog.png");
    await driver.findElement(By.css("[data-testid=lesson-change-reason]")).sendKeys("карантин в группе", Key.ENTER);
    await driver.wait(async () => (await driver.findElements(By.css("[data-testid=lesson-change-dialog]"))).length === 0,
      20000, "the dialog closes once the change is recorded");
    const state = await textOf(driver, "[data-testid=lesson-state]", "the lesson says what happened");
    assert.equal(state, "Урок не проведён: карантин в группе", "the lesson shows the reason");
    // Entries are refused: typing a mark records nothing (the state line says why).
    const active = await driver.switchTo().activeElement();
    await active.sendKeys("5");
    const said = await textOf(driver, "[data-testid=lesson-message]", "the lesson's message line");
    assert.match(said, /не проведён/, `a mark in a lesson not held is refused: «${said}»`);
    await screenshot(driver, "lesson-change-not-held.png");

    await waitSynced(driver);
    cli(other, ["--server", server.url, "sync"]);
    const after = JSON.parse(cli(other, ["--json", "lessons", "--date", TODAY])).find((l) => l.id === lesson.id);
    assert.equal(after.state, "cancelled", "the server has the lesson as not held");
    assert.equal(after.change_reason, "карантин в группе", "with its reason");

    // Back into the timetable: the only choice offered.
    await act(driver, "[data-testid=lesson-change]", (el) => el.sendKeys(Key.ENTER), "«Изменение урока»");
    const restore = await driver.wait(until.elementLocated(By.css("[data-testid=lesson-change-restore]")), 10000,
      "a lesson not held can be brought back");
    await restore.sendKeys(Key.ENTER);
    await driver.wait(async () => (await driver.findElements(By.css("[data-testid=lesson-state]"))).length === 0,
      20000, "the lesson is as timetabled again");
    // Before its bell the lesson is read-only for its time, no longer for having not been held.
    const readOnly = await textOf(driver, "[data-testid=read-only]", "the lesson's time");
    assert.doesNotMatch(readOnly, /не проведён/, `the lesson is no longer refused as not held: «${readOnly}»`);
    await screenshot(driver, "lesson-change-restored.png");
  } finally {
    await app.stop();
    await server.stop();
  }
});
