// The family diary in a real Chromium: on the demo institution a teacher enters a mark and a
// period final with the `journal` CLI (device time of the lesson, then sync), a parent signs in on
// a phone-sized window (390×844), consents to the processing of personal data, finds the mark in
// «Дневник», acknowledges the final in «Успеваемость», then the same on a PC-sized window
// (1366×768); the curator sees in «Родители» that this parent has looked and prints the list.
// Screenshots: target/e2e-screenshots/diary-*.png.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { SCREENSHOTS, byTestId, find, journal, startBrowser, startDemoServer, type, waitText } from "./console.mjs";

const PASSWORD = "demo";

let server;
let driver;
const downloads = mkdtempSync(path.join(tmpdir(), "journal-diary-downloads-"));

async function shot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, `diary-${name}.png`), await driver.takeScreenshot(), "base64");
}

/** A browser window whose page area is `width`×`height`. */
async function viewport(width, height) {
  await driver.manage().window().setRect({ width, height });
  const [w, h] = await driver.executeScript("return [window.innerWidth, window.innerHeight]");
  await driver.manage().window().setRect({ width: width + (width - w), height: height + (height - h) });
}

function isoDay(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function localNow() {
  const d = new Date();
  return `${isoDay(d)}T${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:00`;
}

/** `iso` (local YYYY-MM-DDTHH:MM:SS) plus `minutes`, in the same form. */
function plusMinutes(iso, minutes) {
  const d = new Date(`${iso.slice(0, 19)}`);
  d.setMinutes(d.getMinutes() + minutes);
  return `${isoDay(d)}T${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:00`;
}

/** The parent's name and child, from the server's answer to the parent's sign-in. */
async function parentAndChild() {
  const resp = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-journal-protocol": "6" },
    body: JSON.stringify({ login: "parent", password: PASSWORD, device_id: "5a2c1b7e-3f41-4d6a-9e21-0c7d5b9a8f10" }),
  });
  assert.equal(resp.status, 200, "the demo parent signs in over the API");
  const body = await resp.json();
  const grant = body.user.grants.find((g) => g.role === "parent");
  assert.ok(grant?.student_id, "the demo parent has a child");
  // The institution's day (this test's clock may be in another zone), at noon.
  return { parentName: body.user.full_name, child: grant.student_id, today: new Date(`${body.user.today}T12:00:00`) };
}

async function signIn(login, photo) {
  await driver.get(server.url);
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", login);
  if (photo) await shot(photo);
  await (await type(driver, "signin-password", PASSWORD)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
}

before(async () => {
  server = await startDemoServer("web-diary-journal-server.log");
  driver = await startBrowser(downloads);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("a parent consents, sees the teacher's mark and acknowledges the final; the curator sees who has looked", async () => {
  const { parentName, child, today } = await parentAndChild();

  // The teacher's PC: the latest lesson of the child's group that has begun, a 5 for the child
  // at that lesson's time, a period final, and a sync.
  const data = mkdtempSync(path.join(tmpdir(), "journal-diary-cli-"));
  journal(data, ["--server", server.url, "--user", "teacher", "login"], PASSWORD);
  const now = localNow();
  let lesson = null;
  for (let back = 0; back < 14 && !lesson; back++) {
    const d = new Date(today);
    d.setDate(d.getDate() - back);
    const lessons = JSON.parse(journal(data, ["--json", "--user", "teacher", "lessons", "--date", isoDay(d)], PASSWORD));
    for (const l of lessons.filter((x) => plusMinutes(x.starts_at, 10) <= now).reverse()) {
      const roster = journal(data, ["--json", "--user", "teacher", "lesson", "--lesson", l.id], PASSWORD);
      if (roster.includes(child)) {
        lesson = l;
        break;
      }
    }
  }
  assert.ok(lesson, "the demo teacher has had a lesson with the parent's child in the last two weeks");
  const at = plusMinutes(lesson.starts_at, 10);
  const marked = journal(data, ["--user", "teacher", "--now", at, "mark", "--lesson", lesson.id, "--student", child, "5"], PASSWORD);
  assert.match(marked, /«5»/, `the teacher's mark is written: ${marked}`);
  const periods = JSON.parse(journal(data, ["--json", "--user", "teacher", "periods"], PASSWORD));
  const period = periods.find((p) => p.starts_on <= lesson.date && lesson.date <= p.ends_on);
  assert.ok(period, `the lesson's date ${lesson.date} is in a period`);
  const finalOut = journal(data, ["--user", "teacher", "--now", at, "final", "--load", lesson.load_id, "--period", period.id, "--student", child, "5"], PASSWORD);
  assert.match(finalOut, /сохранена/, `the final is written: ${finalOut}`);
  const synced = journal(data, ["--user", "teacher", "sync"], PASSWORD);
  assert.match(synced, /принято 2/, `both changes are accepted by the server: ${synced}`);

  // A phone: sign in, consent first.
  await viewport(390, 844);
  await signIn("parent", "phone-signin");
  await find(driver, "diary-consent", 20000);
  await shot("phone-consent");
  await (await find(driver, "consent-submit")).click();
  await find(driver, "consent-error");
  await (await find(driver, "consent-agree")).click();
  await (await find(driver, "consent-submit")).click();
  await find(driver, "diary-week", 20000);
  await find(driver, "diary-child");

  // The lesson's week: the arrow back when the lesson was last week.
  const monday = new Date(today);
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
  if (lesson.date < isoDay(monday)) {
    await (await find(driver, "diary-prev")).click();
    await find(driver, `diary-day-${lesson.date}`, 20000);
  }
  const day = await find(driver, `diary-day-${lesson.date}`, 20000);
  await driver.executeScript("arguments[0].scrollIntoView({inline: 'start', block: 'nearest'})", day);
  const marks = await day.findElements(byTestId("diary-mark"));
  const symbols = await Promise.all(marks.map((m) => m.getText()));
  assert.ok(symbols.includes("5"), `the parent sees the teacher's 5 on ${lesson.date}: ${symbols.join(", ")}`);
  const dayText = await day.getText();
  assert.ok(dayText.includes(lesson.subject_name), `the day names the subject: ${dayText}`);
  await driver.sleep(400);
  await shot("phone-week");
  const width = await driver.executeScript("return document.documentElement.scrollWidth");
  assert.ok(width <= 392, `nothing sticks out sideways on a phone (page width ${width})`);

  // The keyboard moves a week and back.
  const label = await (await find(driver, "diary-week-label")).getText();
  await driver.actions().sendKeys(Key.ARROW_RIGHT).perform();
  await driver.wait(async () => (await (await find(driver, "diary-week-label")).getText()) !== label, 10000, "→ opens the next week");
  await driver.actions().sendKeys(Key.ARROW_LEFT).perform();
  await waitText(driver, "diary-week-label", label, 10000);

  // «Успеваемость»: the final, «Ознакомлен».
  await (await find(driver, "nav-results")).click();
  await find(driver, "screen-results", 20000);
  await waitText(driver, "results-period", period.name, 20000);
  const finals = await Promise.all((await driver.findElements(byTestId("results-final"))).map((e) => e.getText()));
  assert.ok(finals.includes("5"), `the period final is shown: ${finals.join(", ")}`);
  await shot("phone-results");
  await (await find(driver, "results-ack-button")).click();
  await waitText(driver, "results-acknowledged", "Ознакомлен", 20000);
  await shot("phone-acknowledged");

  // A PC: the same diary, the week by days side by side.
  await viewport(1366, 768);
  await (await find(driver, "nav-diary")).click();
  await find(driver, "diary-week", 20000);
  await shot("pc-week");
  await (await find(driver, "nav-results")).click();
  await waitText(driver, "results-acknowledged", "Ознакомлен", 20000);
  await shot("pc-results");

  // The curator: this parent has looked today; the list prints.
  await (await find(driver, "sign-out")).click();
  await signIn("curator");
  await (await find(driver, "nav-parents")).click();
  const summary = await waitText(driver, "parents-summary", "из", 20000);
  const table = await driver.findElements(byTestId("parents-table"));
  const listed = table.length ? await table[0].getText() : "";
  assert.ok(!listed.includes(parentName), `the parent who looked today (${parentName}) is not listed: ${summary}; ${listed}`);
  await shot("curator-parents");
  await (await find(driver, "parents-print")).click();
  await driver.wait(() => readdirSync(downloads).some((f) => f.endsWith(".pdf")), 20000, "the list is saved as a PDF");
});
