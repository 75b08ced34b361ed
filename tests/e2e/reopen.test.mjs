// Reopening a closed period for a correction: on another PC (the `journal` CLI) the teacher sets
// every final and closes the period; in the app the deputy — where the institution's policy lets
// deputies edit — opens the period for a correction from «Журналы» with a required reason (Esc
// cancels), and the teacher, signed in again on the same PC, sees «Открыт для исправления: <причина>».

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, Key, until } from "selenium-webdriver";
import { act, cli as runCli, screenshot, signIn, startApp, startServer, textOf, waitSynced } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

const cli = (dir, args) => runCli(dir, "teacher", NOW, args);


/** Opens the load's journal from «Журналы» with the keyboard. */
async function openJournal(driver, loadId) {
  await act(driver, "[data-testid=header-nav-journal]", (el) => el.click(), "the «Журналы» tab");
  await act(driver, `[data-testid=load-row][data-load-id="${loadId}"]`, (el) => el.sendKeys(Key.ENTER),
    "«Журналы» lists the load");
  await driver.wait(until.elementLocated(By.css("[data-testid=journal-grid]")), 30000, "the journal opens");
}


test("a deputy reopens a closed period with a reason and the teacher sees it", async () => {
  const server = await startServer({ today: TODAY, policy: { deputy_may_edit: true, late_entry: "allowed_cases" } });
  // The teacher's other PC: every final set — the last one closes the period (the policy locks
  // after finals, 001 «Преподаватель» п. 5) —, synced.
  const other = mkdtempSync(path.join(tmpdir(), "journal-e2e-other-"));
  cli(other, ["--server", server.url, "login"]);
  const lessons = JSON.parse(cli(other, ["--json", "lessons", "--date", TODAY]));
  const lesson = JSON.parse(cli(other, ["--json", "lesson", "--lesson", lessons[0].id]));
  const load = lesson.summary.load_id;
  const period = lesson.period.id;
  for (const s of lesson.students) {
    cli(other, ["final", "--load", load, "--period", period, "--student", s.student_id, "5"]);
  }
  cli(other, ["--server", server.url, "sync"]);

  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    // The teacher has the app on this PC too: the closed period, no way to reopen it.
    await signIn(driver, "teacher", "demo");
    await openJournal(driver, load);
    const lockState = await textOf(driver, "[data-testid=lock-state]", "the lock state");
    assert.match(lockState, /Период закрыт/, `the teacher's journal is closed: «${lockState}»`);
    assert.equal((await driver.findElements(By.css("[data-testid=reopen-period]"))).length, 0,
      "the teacher is not offered the reopening");

    // The deputy signs in on the same PC.
    await act(driver, "[data-testid=switch-user]", (el) => el.click(), "«Сменить пользователя»");
    await signIn(driver, "deputy", "demo");
    const deputyName = (await textOf(driver, "[data-testid=teacher-name]", "the deputy's name")).trim();
    await openJournal(driver, load);
    assert.equal(await textOf(driver, "[data-testid=reopen-period]", "the deputy is offered the reopening"),
      "Открыть период для исправления", "the button says what it does");

    // Esc cancels: the period stays closed.
    await act(driver, "[data-testid=reopen-period]", (el) => el.sendKeys(Key.ENTER), "the reopen button");
    const reason = await driver.wait(until.elementLocated(By.css("[data-testid=reopen-reason]")), 10000,
      "the dialog asks for the reason");
    await screenshot(driver, "reopen-dialog.png");
    await reason.sendKeys(Key.ESCAPE);
    await driver.wait(async () => (await driver.findElements(By.css("[data-testid=reopen-dialog]"))).length === 0,
      10000, "Esc closes the dialog");
    assert.match(await textOf(driver, "[data-testid=lock-state]", "the lock state"), /Период закрыт/,
      "a cancelled reopening leaves the period closed");

    // An empty reason is refused; with a reason the period opens.
    await act(driver, "[data-testid=reopen-period]", (el) => el.sendKeys(Key.ENTER), "the reopen button");
    const input = await driver.wait(until.elementLocated(By.css("[data-testid=reopen-reason]")), 10000);
    await input.sendKeys(Key.TAB, Key.TAB, Key.ENTER);
    const error = await driver.wait(until.elementLocated(By.css("[data-testid=reopen-error]:not([hidden])")), 10000,
      "an empty reason is refused");
    assert.match(await error.getText(), /Укажите причину/, "the dialog says the reason is required");
    const why = "ошибка в итоговой отметке, служебная записка №12";
    await driver.findElement(By.css("[data-testid=reopen-reason]")).sendKeys(why, Key.TAB, Key.TAB, Key.ENTER);
    await driver.wait(async () => /Период открыт/.test(
      await textOf(driver, "[data-testid=lock-state]", "the lock state")), 20000, "the period is open");
    const badge = await textOf(driver, "[data-testid=reopened-badge]", "the reopened badge");
    assert.match(badge, /Открыт для исправления: ошибка в итоговой отметке/, `the reason is shown: «${badge}»`);
    await screenshot(driver, "reopen-deputy.png");
    await waitSynced(driver);

    // The teacher again: the sync brings the reopening with its reason and who reopened it.
    await act(driver, "[data-testid=switch-user]", (el) => el.click(), "«Сменить пользователя»");
    await signIn(driver, "teacher", "demo");
    await waitSynced(driver);
    await openJournal(driver, load);
    const text = await textOf(driver, "[data-testid=reopened-badge]", "the teacher's journal shows the reopening");
    assert.match(text, /Открыт для исправления: ошибка в итоговой отметке, служебная записка №12/,
      `the teacher sees the reason: «${text}»`);
    assert.ok(text.includes(`Открыл(а) ${deputyName}`), `and who reopened it (${deputyName}): «${text}»`);
    assert.equal((await driver.findElements(By.css("[data-testid=read-only]"))).length, 0,
      "the teacher's journal is editable again");
    await screenshot(driver, "reopen-teacher.png");

    // «Итоговые отметки», where the correction is made, says so too.
    await act(driver, "[data-testid=open-finals]", (el) => el.click(), "«Итоговые отметки и закрытие периода»");
    await driver.wait(until.elementLocated(By.css("[data-testid=finals-message]")), 20000, "the finals open");
    assert.match(await textOf(driver, "[data-testid=reopened-badge]", "the finals' badge"),
      /Открыт для исправления: ошибка в итоговой отметке/, "the finals screen shows the reopening");

    // The lesson of the reopened period says so too.
    await act(driver, "[data-testid=header-nav-today]", (el) => el.click(), "the «Сегодня» tab");
    await act(driver, `[data-testid=lesson-row][data-lesson-id="${lessons[0].id}"]`, (el) => el.sendKeys(Key.ENTER),
      "today's lesson is listed");
    await driver.wait(until.elementLocated(By.css("[data-testid=roster]")), 20000, "the lesson opens");
    const onLesson = await textOf(driver, "[data-testid=lesson-screen] [data-testid=reopened-badge]", "the lesson's badge");
    assert.match(onLesson, /Открыт для исправления: ошибка в итоговой отметке/, `the lesson shows it: «${onLesson}»`);
    await screenshot(driver, "reopen-lesson.png");
  } finally {
    await app.stop();
    await server.stop();
  }
});
