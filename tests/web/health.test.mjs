// «Листок здоровья» in a real Chromium, on the demo institution: the curator fills a student's line
// from the keyboard (группа здоровья, медицинская группа, рекомендации, the note's dates), is refused
// a «действует до» before the note's date beside the line, goes down the column with Enter; the line
// is kept after a reload; the sheet on a phone; a teacher of the group reads the medical group and
// changes nothing; the sheet downloads as a PDF; the parent reads their child's line under
// «Успеваемость» on a phone; a teacher of other groups only is refused by the server. Screenshots
// target/e2e-screenshots/health-*.png.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By, Key } from "selenium-webdriver";
import { apiJson, choose, find, institutionDay, isoDate, open, screenshot, setViewport, signInAs, signOutOf, startBrowser, startDemoServer, type, waitFilled, waitText } from "./console.mjs";

let server;
let driver;
let downloads;

before(async () => {
  server = await startDemoServer("web-health-journal-server.log");
  downloads = mkdtempSync(path.join(tmpdir(), "journal-health-downloads-"));
  driver = await startBrowser(downloads);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

async function tokenOf(login) {
  const { status, body } = await apiJson(server.url, "POST", "/auth/login", null, { login, password: "demo", device_id: crypto.randomUUID() });
  assert.equal(status, 200, `${login} signs in`);
  return body;
}

/** A date field set as the browser's picker would, then left (its `change` saves the line). */
async function setDate(id, iso) {
  const el = await find(driver, id);
  await driver.executeScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true })); arguments[0].dispatchEvent(new Event('change', { bubbles: true }));", el, iso);
}

async function valueOf(id) {
  return await (await find(driver, id)).getAttribute("value");
}

test("the curator fills the group's health sheet; a teacher of the group and the parent read it", async () => {
  const admin = await tokenOf("admin");
  const snap = (await apiJson(server.url, "GET", "/sync/snapshot", admin.token)).body.snapshot;
  const curator = snap.users.find((u) => u.login === "curator");
  const groupId = curator.grants.find((g) => g.role === "curator").group_id;
  const group = snap.groups.find((g) => g.id === groupId);
  const child = (await tokenOf("parent")).user.grants.find((g) => g.role === "parent").student_id;
  const day = await institutionDay(server.url, "admin", "demo");
  const today = isoDate(day);
  const until = isoDate(new Date(day.getTime() + 180 * 86400000));
  const yesterday = isoDate(new Date(day.getTime() - 86400000));
  const teachesGroup = (u) => snap.loads.some((l) => l.teacher_id === u.id && l.group_id === groupId);
  const isTeacher = (u) => u.grants.some((g) => g.role === "teacher") && u.id !== curator.id;
  const groupTeacher = snap.users.find((u) => isTeacher(u) && teachesGroup(u));
  const otherTeacher = snap.users.find((u) => isTeacher(u) && !teachesGroup(u) && !u.grants.some((g) => g.role === "curator" && g.group_id === groupId));
  assert.ok(groupTeacher && otherTeacher, "the demo has a teacher of the curator's group and one of other groups only");

  await setViewport(driver, 1366, 768);
  await signInAs(driver, server.url, "curator", "demo");
  await open(driver, "health");
  await find(driver, "health-table", 20000);
  const groups = await driver.findElements(By.css("[data-testid=health-group] option"));
  // The curated group first (the curator may also teach in another group, whose sheet they read).
  assert.equal(await groups[0].getText(), `${group.name} (куратор)`, "the curator's own group comes first");

  // The line, from the keyboard.
  await choose(driver, `health-health_group-${child}`, "III");
  await waitText(driver, `health-status-${child}`, "Сохранено", 20000);
  await choose(driver, `health-pe_group-${child}`, "специальная «А»");
  await (await type(driver, `health-recommendation-${child}`, "Не сидеть у окна")).sendKeys(Key.TAB);
  await setDate(`health-note_date-${child}`, today);
  // A note valid until the day before it was written: refused beside the line, nothing kept.
  await setDate(`health-valid_until-${child}`, yesterday);
  const refusal = await waitFilled(driver, `health-error-${child}`, 20000);
  assert.match(refusal, /не раньше даты справки/, `a «действует до» before the note is refused: ${refusal}`);
  assert.equal(await (await find(driver, `health-valid_until-${child}`)).getAttribute("aria-invalid"), "true", "the field is marked");
  await setDate(`health-valid_until-${child}`, until);
  await waitText(driver, `health-status-${child}`, "Сохранено", 20000);
  assert.equal(await (await find(driver, `health-error-${child}`)).getText(), "", "the refusal is gone once saved");

  // Enter saves and goes down the same column, like a paper list.
  const rows = await driver.findElements(By.css("[data-testid=health-table] tbody tr"));
  const first = (await rows[0].getAttribute("data-testid")).replace("health-row-", "");
  const second = (await rows[1].getAttribute("data-testid")).replace("health-row-", "");
  const firstRec = `health-recommendation-${first}`;
  if (first !== child) {
    await (await type(driver, firstRec, "Очки при работе с доской")).sendKeys(Key.ENTER);
    await waitText(driver, `health-status-${first}`, "Сохранено", 20000);
    const focused = await driver.executeScript("return document.activeElement && document.activeElement.dataset.testid");
    assert.equal(focused, `health-recommendation-${second}`, "Enter moves to the next student's field");
  }
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", await find(driver, `health-row-${child}`));
  await screenshot(driver, "curator", "health");

  // Kept: the screen opened again shows the line.
  await driver.navigate().refresh();
  await find(driver, `health-row-${child}`, 20000);
  assert.equal(await valueOf(`health-health_group-${child}`), "3");
  assert.equal(await valueOf(`health-pe_group-${child}`), "special_a");
  assert.equal(await valueOf(`health-recommendation-${child}`), "Не сидеть у окна");
  assert.equal(await valueOf(`health-valid_until-${child}`), until);

  // The printable sheet, as a PDF download.
  await (await find(driver, "health-print")).click();
  const pdf = path.join(downloads, "listok-zdorovya.pdf");
  await driver.wait(async () => existsSync(pdf) && readFileSync(pdf).subarray(0, 4).toString() === "%PDF", 20000, "the sheet downloads as a PDF");

  // A phone: each student a card.
  await setViewport(driver, 390, 844);
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'start' })", await find(driver, `health-row-${child}`));
  await screenshot(driver, "phone", "health");
  await setViewport(driver, 1366, 768);
  await signOutOf(driver);

  // A teacher of the group reads the medical group, with nothing to change.
  await signInAs(driver, server.url, groupTeacher.login, "demo");
  await open(driver, "health");
  const options = await driver.findElements(By.css("[data-testid=health-group] option"));
  if (options.length > 1) await choose(driver, "health-group", group.name);
  const row = await find(driver, `health-row-${child}`, 20000);
  await driver.wait(async () => (await row.getText()).includes("специальная «А»"), 20000, "the teacher sees the medical group");
  assert.equal((await row.findElements(By.css("select, input"))).length, 0, "a teacher of the group changes nothing");
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", row);
  await screenshot(driver, "teacher", "health");
  await signOutOf(driver);

  // The parent finds their child's line under «Успеваемость», on a phone.
  const parent = await tokenOf("parent");
  const consent = await apiJson(server.url, "GET", "/diary/consent", parent.token);
  const agreed = await apiJson(server.url, "POST", "/diary/consent", parent.token, { version: consent.body.version });
  assert.equal(agreed.status, 200, `the parent consents: ${JSON.stringify(agreed.body)}`);
  await setViewport(driver, 390, 844);
  await signInAs(driver, server.url, "parent", "demo");
  await open(driver, "results");
  const card = await find(driver, "diary-health", 20000);
  await driver.wait(async () => (await card.getText()).includes("специальная «А»"), 20000, "the parent sees the medical group");
  assert.match(await card.getText(), /Не сидеть у окна/, "and the recommendation");
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'start' })", card);
  await screenshot(driver, "parent", "health");
  await signOutOf(driver);
  await setViewport(driver, 1366, 768);

  // A teacher of other groups only: the server refuses the sheet.
  const other = await tokenOf(otherTeacher.login);
  const refused = await apiJson(server.url, "GET", `/groups/${groupId}/health`, other.token);
  assert.equal(refused.status, 403, `a teacher of other groups reads no sheet: ${JSON.stringify(refused.body)}`);
  assert.equal(refused.body.code, "health_sheet_forbidden");
});
