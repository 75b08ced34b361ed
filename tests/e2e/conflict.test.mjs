// Two devices, one cell: the teacher's other PC (the `journal` CLI on another data dir) sends a 3
// for a student while this app, not yet synced, records a 5 for the same cell. The sync answers
// with a conflict; the header links to «Конфликты и отказы», which shows the lesson, the student,
// both values and the reason; «Принять значение сервера» resolves it and it stays listed as
// resolved — nothing disappears.

import { test } from "node:test";
import assert from "node:assert/strict";
import { By, Key, until } from "selenium-webdriver";
import { click, screenshot, waitSynced, withTwoPCs } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

test("a conflicting mark from another device is shown and resolved on «Конфликты и отказы»", () =>
  withTwoPCs(NOW, async ({ driver, server, row, lessonId, lesson, other }) => {
    // The other PC: marks the first student 3, syncs.
    const student = lesson.students[0];
    other(["mark", "--lesson", lessonId, "--student", student.student_id, "3"]);
    other(["--server", server.url, "sync"]);

    // This app, not synced since, marks the same cell 5 and syncs.
    await row.sendKeys(Key.ENTER);
    const roster = await driver.wait(until.elementLocated(By.css("[data-testid=roster]")), 20000);
    await (await roster.findElements(By.css("[data-testid=cell]")))[0].sendKeys("5");
    const message = await driver.findElement(By.css("[data-testid=lesson-message]"));
    await driver.wait(async () => /message-ok/.test(await message.getAttribute("class")), 10000, "the 5 is recorded");
    await click(driver, "sync-now");
    const link = await driver.wait(until.elementLocated(By.css("[data-testid=sync-conflicts]")), 30000,
      "the header shows the conflict with a link");
    assert.match(await link.getText(), /Конфликты и отказы: 1/, "one conflict");

    await link.click();
    const screen = await driver.wait(until.elementLocated(By.css("[data-testid=conflicts-screen]")), 20000);
    const rows = await screen.findElements(By.css("[data-testid=conflict-row]"));
    assert.equal(rows.length, 1, "the conflict is listed");
    const r = rows[0];
    const text = async (id) => (await r.findElement(By.css(`[data-testid=${id}]`)).getText()).trim();
    assert.equal(await text("conflict-local"), "5", "this PC's value");
    assert.equal(await text("conflict-server"), "3", "the server's value");
    assert.equal(await text("conflict-student"), student.full_name, "the student is named");
    assert.match(await text("conflict-place"), /\d\d\.\d\d\.\d{4}, \d урок/, "the lesson is named by date and bell");
    assert.ok((await text("conflict-reason")).length > 5, "the reason is given in words");
    await screenshot(driver, "conflicts.png");

    // Keyboard: the first action has focus; Enter takes the server's value.
    const take = await r.findElement(By.css("[data-testid=conflict-take-server]"));
    await take.sendKeys(Key.ENTER);
    await driver.wait(async () => /Все конфликты и отказы решены/.test(
      await driver.findElement(By.css("[data-testid=conflicts-summary]")).getText()), 10000, "resolved");
    const after = await driver.findElements(By.css("[data-testid=conflict-row]"));
    assert.ok(after.length >= 1, "the resolved conflict is still listed, not silently gone");
    await driver.wait(async () =>
      (await driver.findElements(By.css("[data-testid=sync-conflicts]"))).length === 0, 10000,
      "the header no longer counts it");
    await screenshot(driver, "conflicts-resolved.png");

    // The other screens of the shell, for their screenshots.
    await click(driver, "header-nav-remarks");
    await driver.wait(until.elementLocated(By.css("[data-testid=remarks-screen]")), 10000, "«Замечания» opens");
    await screenshot(driver, "remarks.png");
    await click(driver, "header-nav-settings");
    const minutes = await driver.wait(until.elementLocated(By.css("[data-testid=settings-lock-minutes]")), 10000);
    await minutes.clear();
    await minutes.sendKeys("15", Key.ENTER);
    await driver.wait(async () => /15 мин/.test(
      await driver.findElement(By.css("[data-testid=settings-message]")).getText()), 10000, "the setting is saved");
    await screenshot(driver, "settings.png");
  }),
);

// The other way round: this app's «4» reaches the server first; the other PC, which had marked the
// same cell «2» offline, gets the conflict and sends its value again. This app must not change the
// cell silently: its next sync lists the replacement with who entered the new value and when, and
// «Понятно, оставить новое» closes it from the keyboard.
test("a value of this PC replaced from another device after a conflict is shown, not changed silently", () =>
  withTwoPCs(NOW, async ({ driver, server, row, lessonId, lesson, other }) => {
    const student = lesson.students[1];
    other(["mark", "--lesson", lessonId, "--student", student.student_id, "2"]);

    // This app marks «4» and syncs first.
    await row.sendKeys(Key.ENTER);
    const roster = await driver.wait(until.elementLocated(By.css("[data-testid=roster]")), 20000);
    await (await roster.findElements(By.css("[data-testid=cell]")))[1].sendKeys("4");
    const message = await driver.findElement(By.css("[data-testid=lesson-message]"));
    await driver.wait(async () => /message-ok/.test(await message.getAttribute("class")), 10000, "the 4 is recorded");
    await waitSynced(driver);

    // The other PC: its «2» is a conflict; it sends it again and the server takes it.
    other(["--server", server.url, "sync"]);
    const conflicts = JSON.parse(other(["--json", "conflicts"])).filter((c) => c.open);
    assert.equal(conflicts.length, 1, "the other PC has the conflict");
    other(["resolve-conflict", "--id", String(conflicts[0].id), "--submit-again"]);
    other(["--server", server.url, "sync"]);

    await click(driver, "sync-now");
    const link = await driver.wait(until.elementLocated(By.css("[data-testid=sync-conflicts]")), 30000,
      "the header counts the replacement");
    assert.match(await link.getText(), /Конфликты и отказы: 1/, "one replacement to look at");
    await link.click();
    const screen = await driver.wait(until.elementLocated(By.css("[data-testid=conflicts-screen]")), 20000);
    const r = (await screen.findElements(By.css("[data-testid=conflict-row]")))[0];
    assert.equal(await r.getAttribute("data-code"), "replaced_elsewhere", "listed as replaced elsewhere");
    const text = async (id) => (await r.findElement(By.css(`[data-testid=${id}]`)).getText()).trim();
    assert.equal(await text("conflict-local"), "4", "this PC's value");
    assert.equal(await text("conflict-server"), "2", "the value that replaced it");
    assert.equal(await text("conflict-student"), student.full_name, "the student is named");
    const reason = await text("conflict-reason");
    assert.match(reason, /заменено/, `the replacement is said in words: ${reason}`);
    assert.match(reason, /\d\d\.\d\d\.\d{4} в \d\d:\d\d/, `when the new value was entered: ${reason}`);
    assert.match(reason, /на другом устройстве/, `where it came from: ${reason}`);
    await screenshot(driver, "conflicts-replaced.png");

    const ok = await r.findElement(By.css("[data-testid=conflict-take-server]"));
    assert.equal(await ok.getText(), "Понятно, оставить новое");
    await ok.sendKeys(Key.ENTER);
    await driver.wait(async () => /Все конфликты и отказы решены/.test(
      await driver.findElement(By.css("[data-testid=conflicts-summary]")).getText()), 10000, "closed");
    await driver.wait(async () =>
      (await driver.findElements(By.css("[data-testid=sync-conflicts]"))).length === 0, 10000,
      "the header no longer counts it");
  }),
);
