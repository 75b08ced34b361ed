// The installed app updates itself from the institution's server (scripts/update-e2e.sh sets the
// scene: the old .deb installed, the new one published with the update key, its public half in
// /etc/offline-journal/update-key, JOURNAL_UPDATES_DIR for the server). The teacher signs in and
// sees «Доступна новая версия» with the release notes; the package on the server with one byte
// flipped is refused with the message and dpkg still shows the old version; with the real package
// back, «Повторить» installs it and dpkg shows the new version. Screenshots update-*.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { By, until } from "selenium-webdriver";
import { screenshot, signIn, startApp, startServer } from "../app.mjs";

const TODAY = process.env.E2E_TODAY || "2026-10-08";
const OLD = process.env.UPDATE_OLD_VERSION;
const NEW = process.env.UPDATE_NEW_VERSION;
const PACKAGE = process.env.UPDATE_PACKAGE;

function installedVersion() {
  return execFileSync("dpkg-query", ["-W", "-f=${Version}", "offline-journal"], { encoding: "utf8" }).trim();
}

async function textOf(driver, css, timeout, what) {
  const el = await driver.wait(until.elementLocated(By.css(css)), timeout, what);
  await driver.wait(until.elementIsVisible(el), timeout, what);
  return el.getText();
}

test("the installed app offers the new version, refuses an altered package and installs the real one", async () => {
  assert.ok(OLD && NEW && PACKAGE, "scripts/update-e2e.sh sets the versions and the package");
  assert.equal(process.env.JOURNAL_APP_BIN, "/usr/bin/journal-app", "the test drives the installed binary");
  assert.equal(installedVersion(), OLD, "the old version is installed");
  const server = await startServer({ today: TODAY });
  const app = await startApp({ JOURNAL_NOW: `${TODAY}T13:00`, JOURNAL_SERVER_URL: server.url });
  const { driver } = app;
  const good = readFileSync(PACKAGE);
  try {
    await signIn(driver, "teacher", "demo");
    const offer = await textOf(driver, "[data-testid=update-offer]", 60000, "the bar offers the new version");
    assert.equal(offer, `Доступна новая версия ${NEW}`);
    const notes = await textOf(driver, "[data-testid=update-notes]", 5000, "the release notes are shown");
    assert.match(notes, /Проверка обновления/);
    await screenshot(driver, "update-offer.png");

    // One byte of the package flipped on the server: refused, nothing installed.
    const altered = Buffer.from(good);
    altered[Math.floor(altered.length / 2)] ^= 0x01;
    writeFileSync(PACKAGE, altered);
    await driver.findElement(By.css("[data-testid=update-install]")).click();
    const error = await driver.wait(until.elementLocated(By.css("[data-testid=update-error]")), 120000,
      "the altered package is refused");
    assert.equal(await error.getAttribute("data-code"), "update_package_altered");
    assert.match(await error.getText(), /изменён или повреждён; ничего не установлено/);
    assert.equal(installedVersion(), OLD, "nothing was installed");
    await screenshot(driver, "update-refused.png");

    // The real package back: «Повторить» installs it.
    writeFileSync(PACKAGE, good);
    const started = Date.now();
    await driver.findElement(By.css("[data-testid=update-install]")).click();
    const done = await textOf(driver, "[data-testid=update-installed]", 300000, "the new version is installed");
    console.log(`update: ${OLD} → ${NEW} downloaded, verified and installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(done, `Версия ${NEW} установлена`);
    assert.equal(installedVersion(), NEW, "dpkg shows the new version");
    await driver.findElement(By.css("[data-testid=update-restart]"));
    await screenshot(driver, "update-installed.png");
  } finally {
    writeFileSync(PACKAGE, good);
    await app.stop();
    await server.stop();
  }
});
