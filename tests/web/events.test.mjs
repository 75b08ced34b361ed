// Events of the diary in a real Chromium, on the demo institution: the curator opens «События»,
// is refused a time written wrong (beside the field), announces a parents' meeting for their group;
// the parent of a student of that group opens the diary on a phone (390×844) and finds the meeting
// on its day. Screenshots: target/e2e-screenshots/console-events.png, diary-phone-event.png.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { SCREENSHOTS, byTestId, find, open, screenshot, startBrowser, startDemoServer, type, waitFilled, waitText } from "./console.mjs";

const PASSWORD = "demo";
let server;
let driver;

async function signIn(login) {
  await driver.get(server.url);
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", login);
  await (await type(driver, "signin-password", PASSWORD)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
}

before(async () => {
  server = await startDemoServer("web-events-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-events-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("the curator announces a meeting of their group and the parent finds it in the diary", async () => {
  await signIn("curator");
  await open(driver, "events");
  const group = await (await find(driver, "event-group")).getText();
  assert.match(group, /Группа/, `the curator announces for their group: ${group}`);
  assert.ok(!group.includes("Всё учреждение"), `a curator does not announce for the whole institution: ${group}`);
  await type(driver, "event-title", "Родительское собрание");
  await type(driver, "event-place", "Кабинет 210");
  await type(driver, "event-time", "25:70");
  await (await find(driver, "event-submit")).click();
  const refusal = await waitFilled(driver, "event-time-error");
  assert.match(refusal, /ЧЧ:ММ/, `a wrong time is refused beside its field: ${refusal}`);
  await type(driver, "event-time", "18:30");
  await (await find(driver, "event-submit")).click();
  await waitText(driver, "event-added", "Родительское собрание", 20000);
  const listed = await waitText(driver, "events-table", "Родительское собрание", 20000);
  assert.ok(listed.includes("18:30") && listed.includes("Кабинет 210"), `the list shows time and place: ${listed}`);
  await screenshot(driver, "events");

  // The parent on a phone: the meeting is on today's card of the week.
  await (await find(driver, "sign-out")).click();
  await driver.manage().window().setRect({ width: 390, height: 844 });
  await signIn("parent");
  const consent = await driver.findElements(byTestId("diary-consent"));
  if (consent.length) {
    await (await find(driver, "consent-agree")).click();
    await (await find(driver, "consent-submit")).click();
  }
  await find(driver, "diary-week", 20000);
  const event = await find(driver, "diary-event", 20000);
  const text = await event.getText();
  assert.ok(text.includes("18:30") && text.includes("Родительское собрание") && text.includes("Кабинет 210"), `the diary shows the meeting: ${text}`);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center', inline: 'start'})", event);
  await driver.sleep(300);
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, "diary-phone-event.png"), await driver.takeScreenshot(), "base64");
  await driver.manage().window().setRect({ width: 1366, height: 768 });
});
