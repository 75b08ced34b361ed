// The app as a classroom PC has it after `apt-get install ./offline-journal_….deb`: the installed
// /usr/bin/journal-app (JOURNAL_APP_BIN, set by scripts/package-e2e.sh) starts under Xvfb, the
// teacher signs in against a demo server and sees the day's lessons. The time from start to the
// sign-in screen is printed; screenshot target/e2e-screenshots/installed-app.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { By, until } from "selenium-webdriver";
import { screenshot, signIn, startApp, startServer } from "../app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";

test("the installed app starts, signs the teacher in and lists the lessons", async () => {
  assert.equal(process.env.JOURNAL_APP_BIN, "/usr/bin/journal-app", "the test drives the installed binary");
  const server = await startServer({ today: TODAY });
  const started = Date.now();
  const app = await startApp({ JOURNAL_NOW: `${TODAY}T13:00`, JOURNAL_SERVER_URL: server.url });
  const { driver } = app;
  try {
    await driver.wait(until.elementLocated(By.css("[data-testid=signin-form]")), 60000, "the installed app opens on «Вход»");
    console.log(`installed app: sign-in screen ${((Date.now() - started) / 1000).toFixed(1)} s after start`);
    await signIn(driver, "teacher", "demo");
    const table = await driver.wait(until.elementLocated(By.css("[data-testid=today-lessons]")), 60000, "the lessons of the day");
    const rows = await table.findElements(By.css("[data-testid=lesson-row]"));
    assert.ok(rows.length >= 1, `the teacher's lessons on ${TODAY} are listed (${rows.length})`);
    await screenshot(driver, "installed-app.png");
  } finally {
    await app.stop();
    await server.stop();
  }
});
