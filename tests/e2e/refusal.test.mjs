// A refusal shown to the teacher: this app records a mark without syncing while, on another PC
// (the `journal` CLI), the same teacher sets the period's finals and closes the period and syncs.
// The app's sync is refused for the closed period; the header counts it and «Конфликты и отказы»
// shows the lesson, the student, the value and the server's reason; withdrawing asks for a reason.

import { test } from "node:test";
import assert from "node:assert/strict";
import { By, Key, until } from "selenium-webdriver";
import { click, screenshot, withTwoPCs } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

test("a mark for a period closed meanwhile on another PC is refused and shown", () =>
  withTwoPCs(NOW, async ({ driver, server, row, lesson, other }) => {
    // This app records a mark and does not sync yet.
    await row.sendKeys(Key.ENTER);
    const roster = await driver.wait(until.elementLocated(By.css("[data-testid=roster]")), 20000);
    await (await roster.findElements(By.css("[data-testid=cell]")))[0].sendKeys("4");
    const message = await driver.findElement(By.css("[data-testid=lesson-message]"));
    await driver.wait(async () => /message-ok/.test(await message.getAttribute("class")), 10000, "the 4 is recorded");

    // The other PC: finals for everyone («н/а») — the last one closes the period (the policy locks
    // after finals, 001 «Преподаватель» п. 5) —, synced.
    const load = lesson.summary.load_id;
    const period = lesson.period.id;
    for (const s of lesson.students) {
      other(["final", "--load", load, "--period", period, "--student", s.student_id, "н/а"]);
    }
    other(["--server", server.url, "sync"]);

    // The app syncs: the mark is refused, and shown.
    await click(driver, "sync-now");
    const link = await driver.wait(until.elementLocated(By.css("[data-testid=sync-conflicts]")), 30000,
      "the header counts the refusal");
    await link.click();
    const screen = await driver.wait(until.elementLocated(By.css("[data-testid=conflicts-screen]")), 20000);
    const rows = await screen.findElements(By.css("[data-testid=conflict-row]"));
    assert.equal(rows.length, 1, "the refused mark is listed");
    const text = async (id) => (await rows[0].findElement(By.css(`[data-testid=${id}]`)).getText()).trim();
    assert.equal(await text("conflict-local"), "4", "the value typed on this PC is kept and shown");
    assert.equal(await text("conflict-student"), lesson.students[0].full_name, "the student is named");
    const reason = await text("conflict-reason");
    assert.match(reason, /[Пп]ериод|закрыт/, `the server's reason names the closed period: «${reason}»`);
    await screenshot(driver, "refusal.png");

    // Withdraw: the reason is required; Esc closes the form, then a reason withdraws it.
    await rows[0].findElement(By.css("[data-testid=conflict-withdraw]")).click();
    const input = await driver.findElement(By.css("[data-testid=withdraw-reason]"));
    await input.sendKeys(Key.ENTER);
    const msg = await driver.findElement(By.css("[data-testid=conflicts-message]"));
    await driver.wait(async () => /message-error/.test(await msg.getAttribute("class")), 10000,
      "an empty reason is refused");
    await input.sendKeys("период закрыт, отметка внесена в ведомость", Key.ENTER);
    await driver.wait(async () => /Все конфликты и отказы решены/.test(
      await driver.findElement(By.css("[data-testid=conflicts-summary]")).getText()), 10000, "withdrawn");
    await screenshot(driver, "refusal-withdrawn.png");
  }),
);
