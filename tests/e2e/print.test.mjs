// «Печать» in the real app: the teacher signs in, opens «Печать», saves the сводная ведомость of a
// group as PDF to the path in the field, sees where it went, and «Проверить распечатку» says the
// printout matches the journal. Screenshot: target/e2e-screenshots/print.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, until } from "selenium-webdriver";
import { click, screenshot, signIn, startApp, startServer } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T13:00`;

async function messageOf(driver, testid) {
  let text = "";
  await driver.wait(async () => {
    const els = await driver.findElements(By.css(`[data-testid=${testid}].message-ok, [data-testid=${testid}].message-error`));
    if (!els.length) return false;
    text = (await els[0].getText()).trim();
    return text.length > 0;
  }, 60000, `${testid} shows an outcome`);
  return text;
}

test("print a document from the local copy and verify the printout", async () => {
  const server = await startServer({ today: TODAY });
  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo");
    await click(driver, "header-nav-print");
    const screen = await driver.wait(until.elementLocated(By.css("[data-testid=print-screen]")), 30000,
      "«Печать» opens");
    await screen.findElement(By.css("[data-testid=print-kind] option[value=finals_sheet]")).click();
    const out = path.join(mkdtempSync(path.join(tmpdir(), "journal-e2e-print-")), "ведомость.pdf");
    const field = await screen.findElement(By.css("[data-testid=print-path]"));
    await driver.wait(async () => (await field.getAttribute("value")).endsWith(".pdf"), 30000,
      "a default path is proposed");
    await field.clear();
    await field.sendKeys(out);
    await screen.findElement(By.css("[data-testid=print-save]")).click();
    const saved = await messageOf(driver, "print-message");
    assert.match(saved, /Сводная ведомость итоговых оценок: сохранено в/, `the screen says what was saved: «${saved}»`);
    assert.ok(saved.includes(out), `and where: «${saved}»`);
    assert.ok(readFileSync(out).subarray(0, 4).toString() === "%PDF", "the file is a PDF");

    await screen.findElement(By.css("[data-testid=verify-run]")).click();
    const verified = await messageOf(driver, "verify-message");
    assert.match(verified, /Документ соответствует журналу/, `a fresh printout matches: «${verified}»`);
    await screenshot(driver, "print.png");

    // A report of the teacher's own loads, from the local copy, with the server gone (issue 14:
    // «offline, from the local copy»): it is saved and verifies against the copy.
    await server.stop();
    await click(driver, "sync-now");
    await driver.wait(async () => (await driver.findElements(By.css(".sync-dot.offline"))).length > 0, 60000,
      "the app sees that the server does not answer");
    await screen.findElement(By.css("[data-testid=print-kind] option[value=report]")).click();
    await screen.findElement(By.css("[data-testid=print-report] option[value=attendance]")).click();
    const reportOut = path.join(path.dirname(out), "посещаемость.pdf");
    await field.clear();
    await field.sendKeys(reportOut);
    await screen.findElement(By.css("[data-testid=print-save]")).click();
    await driver.wait(async () => (await messageOf(driver, "print-message")).includes("Посещаемость: сохранено"), 30000,
      "the attendance report is saved");
    assert.ok(readFileSync(reportOut).subarray(0, 4).toString() === "%PDF", "the report is a PDF");
    await screen.findElement(By.css("[data-testid=verify-run]")).click();
    await driver.wait(async () => /Документ соответствует журналу/.test(
      await driver.findElement(By.css("[data-testid=verify-message]")).getText()), 30000,
      "the offline report verifies against the local copy");
    assert.equal((await driver.findElements(By.css(".sync-dot.offline"))).length, 1, "still offline");
    await screenshot(driver, "print-report.png");

    // The same report read on screen, offline: its title, the teacher's own loads, its tables.
    await screen.findElement(By.css("[data-testid=report-show]")).click();
    const title = await driver.wait(until.elementLocated(By.css("[data-testid=report-view-title]")), 30000,
      "the report is shown on screen");
    assert.equal(await title.getText(), "Посещаемость", "the chosen report");
    const view = await driver.findElement(By.css("[data-testid=report-view]")).getText();
    assert.match(view, /Преподаватель: Смирнова Елена Александровна/, "over the teacher's own loads");
    const rows = await driver.findElements(By.css("[data-testid=report-view-table-0] tbody tr"));
    assert.ok(rows.length > 0, "the report's first table has rows");
    await driver.executeScript("document.querySelector('[data-testid=report-view]').scrollIntoView({ block: 'start' })");
    await screenshot(driver, "print-report-screen.png");
  } finally {
    await app.stop();
    await server.stop();
  }
});
