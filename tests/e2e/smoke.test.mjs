// Smoke test of the real app: the teacher signs in against the demo institution server (a fresh
// data dir: the first sign-in is online and makes the encrypted local copy), the app lists the
// teacher's lessons of a school day and opens a lesson with its roster. Then the sign-in screen's
// refusals, the lock screen (no journal data, unlock with the password) and «Сменить пользователя».
// Screenshots go to target/e2e-screenshots/.

import { test } from "node:test";
import assert from "node:assert/strict";
import { By, Key, until } from "selenium-webdriver";
import { screenshot, signIn, startApp, startServer } from "./app.mjs";

// A Thursday of the demo year's first semester at 13:00: the demo teacher has two lessons that day,
// both already given, so their cells are editable.
const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

test("the app signs in, lists today's lessons and opens a lesson", async () => {
  const server = await startServer({ today: TODAY });
  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url });
  const { driver } = app;
  try {
    await driver.wait(until.elementLocated(By.css("[data-testid=signin-form]")), 60000,
      "the app opens on «Вход»: no journal before sign-in");
    await screenshot(driver, "signin.png");
    await signIn(driver, "teacher", "demo");
    const table = await driver.wait(until.elementLocated(By.css("[data-testid=today-lessons]")), 60000,
      "the «Сегодня» table appears once the local copy is created and read");
    const rows = await table.findElements(By.css("[data-testid=lesson-row]"));
    assert.ok(rows.length >= 1, `the demo teacher has lessons on ${TODAY}, the screen lists ${rows.length}`);
    const subject = await rows[0].findElement(By.css("[data-testid=lesson-subject]")).getText();
    const group = await rows[0].findElement(By.css("[data-testid=lesson-group]")).getText();
    assert.ok(subject.trim().length > 0, "a lesson row names its subject");
    assert.ok(group.trim().length > 0, "a lesson row names its group");
    const teacher = await driver.findElement(By.css("[data-testid=teacher-name]")).getText();
    assert.ok(teacher.trim().split(/\s+/).length >= 2, `the header names the signed-in teacher: «${teacher}»`);
    const sync = await driver.findElement(By.css("[data-testid=sync-state]")).getText();
    assert.match(sync, /Автономная работа|На связи/, "the header shows whether the app is online");
    await screenshot(driver, "today.png");

    // Open the first lesson from the keyboard: the row has focus, Enter opens it.
    await rows[0].sendKeys(Key.ENTER);
    const roster = await driver.wait(until.elementLocated(By.css("[data-testid=roster]")), 20000,
      "Enter on a lesson opens «Урок» with the roster");
    const students = await roster.findElements(By.css("[data-testid=student-row]"));
    assert.ok(students.length >= 10, `the lesson lists the group's students (${students.length})`);
    const title = await driver.findElement(By.css("[data-testid=lesson-screen] h1")).getText();
    assert.equal(title, subject, "the lesson screen is the lesson that was opened");

    // Type a mark into the first cell: it is recorded (the header's pending count grows) or the
    // backend's refusal is shown — either way the UI reports what the backend decided.
    const firstCell = (await roster.findElements(By.css("[data-testid=cell]")))[0];
    await firstCell.sendKeys("5");
    const message = await driver.findElement(By.css("[data-testid=lesson-message]"));
    await driver.wait(async () => /message-(ok|error)/.test(await message.getAttribute("class")), 10000,
      "the lesson screen reports the outcome of the entry");
    const outcome = await message.getText();
    const cls = await message.getAttribute("class");
    if (cls.includes("message-ok")) {
      assert.equal(await firstCell.getText(), "5", "the recorded mark is shown in its cell");
      await driver.wait(async () => /Не отправлено: \d+/.test(
        await driver.findElement(By.css("[data-testid=sync-state]")).getText()), 10000,
        "a recorded edit waits in the outbox and the header says so");
    } else {
      assert.ok(outcome.length > 5, `a refusal is shown in Russian: «${outcome}»`);
    }
    await screenshot(driver, "lesson.png");
  } finally {
    await app.stop();
    await server.stop();
  }
});
