// «Посещаемость группы» in the real app: the curator opens their group's day, finds a student with
// «н» in other teachers' lessons, presses «б» on the row (a parent's note: illness) and every «н» of
// that day becomes «б»; the sync delivers them and the server takes them (another copy reads them
// back through the `journal` CLI). Screenshot: target/e2e-screenshots/attendance.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { By, until } from "selenium-webdriver";
import { click, cli as runCli, screenshot, signIn, startApp, startServer } from "./app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const NOW = `${TODAY}T16:00`;

const cli = (dir, args) => runCli(dir, "curator", NOW, args);

/** The day before TODAY, going back, on which the curator's group has an «н»; with that student. */
function dayWithAbsence(dir) {
  for (let back = 1; back < 10; back++) {
    const d = new Date(`${TODAY}T12:00:00`);
    d.setDate(d.getDate() - back);
    const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    const day = JSON.parse(cli(dir, ["--json", "group-day", "--group", "ИС-11", "--date", date]));
    const row = day.rows.find((r) => r.unexcused > 0);
    if (row) return { date, row };
  }
  return null;
}

test("the curator gives a student's absences of a day their reason from a note", async () => {
  const server = await startServer({ today: TODAY });
  const other = mkdtempSync(path.join(tmpdir(), "journal-e2e-other-"));
  cli(other, ["--server", server.url, "login"]);
  const found = dayWithAbsence(other);
  assert.ok(found, "the demo's history has an «н» in the curator's group in the last days");

  const app = await startApp({ JOURNAL_NOW: NOW, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    await signIn(driver, "curator", "demo");
    await click(driver, "header-nav-attendance");
    await driver.wait(until.elementLocated(By.css("[data-testid=attendance-table]")), 30000, "the group's day opens");
    const group = await driver.findElement(By.css("[data-testid=attendance-group] option:checked")).getText();
    assert.match(group, /ИС-11 \(куратор\)/, `the curated group comes first: «${group}»`);
    const date = await driver.findElement(By.css("[data-testid=attendance-date]"));
    await driver.executeScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));", date, found.date);
    const row = await driver.wait(
      until.elementLocated(By.css(`[data-testid=attendance-row][data-student="${found.row.student_id}"]`)),
      30000,
      "the student's row on that day",
    );
    await driver.wait(async () => (await row.findElement(By.css("[data-testid=attendance-unexcused]")).getText()) === String(found.row.unexcused),
      30000, "the row counts the day's «н»");
    await driver.executeScript("arguments[0].focus()", row);
    await (await driver.switchTo().activeElement()).sendKeys("б");
    await driver.wait(async () => /как «б»/.test(await driver.findElement(By.css("[data-testid=attendance-message]")).getText()),
      30000, "the app says the absences were given the reason");
    const again = await driver.findElement(By.css(`[data-testid=attendance-row][data-student="${found.row.student_id}"]`));
    assert.equal(await again.findElement(By.css("[data-testid=attendance-unexcused]")).getText(), "0", "no «н» left that day");
    const cells = await again.findElements(By.css("[data-testid=attendance-cell]"));
    const texts = await Promise.all(cells.map((c) => c.getText()));
    assert.ok(texts.some((t) => t.includes("б")), `the cells show «б»: ${texts.join(" | ")}`);
    await screenshot(driver, "attendance.png");

    await click(driver, "sync-now");
    await driver.wait(async () => {
      try {
        return (await driver.findElement(By.css("[data-testid=sync-pending]")).getText()).trim() === "Всё отправлено";
      } catch {
        return false;
      }
    }, 60000, "the sync delivers the reasons");
    cli(other, ["--server", server.url, "sync"]);
    const day = JSON.parse(cli(other, ["--json", "group-day", "--group", "ИС-11", "--date", found.date]));
    const back = day.rows.find((r) => r.student_id === found.row.student_id);
    assert.equal(back.unexcused, 0, `the server has every reason: ${JSON.stringify(back.cells)}`);
  } finally {
    await app.stop();
    await server.stop();
  }
});
