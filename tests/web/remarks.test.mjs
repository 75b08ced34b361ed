// «Замечания по ведению журнала», the whole cycle, on the demo institution: the deputy writes a
// remark in a real Chromium (a past deadline refused beside its field), the teacher's copy of the
// journal (the `journal` CLI over the same API as the desktop app) gets it at sync, answers and
// marks it fixed; the deputy returns it with a comment in a dialog; the teacher answers again; the
// deputy confirms. A remark on one lesson of the load (chosen from the load's lessons, newest
// first, by date, number and topic) names that lesson. Screenshots: console-remarks*.png.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Key } from "selenium-webdriver";
import { find, institutionDay, isoDate, journal, open, screenshot, startBrowser, startDemoServer, type, waitFilled, waitText } from "./console.mjs";

const PASSWORD = "demo";
let server;
let driver;

before(async () => {
  server = await startDemoServer("web-remarks-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-remarks-downloads-")));
  await driver.get(server.url);
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", "deputy");
  await (await type(driver, "signin-password", PASSWORD)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

function teacherRemark(data, text) {
  const all = JSON.parse(journal(data, ["--json", "--user", "teacher", "remarks"], PASSWORD));
  return all.find((r) => r.text === text);
}

async function showAll() {
  await driver.executeScript("const s = document.querySelector('[data-testid=remarks-status]'); s.value = ''; s.dispatchEvent(new Event('change'));");
}

test("a deputy's remark reaches the teacher's journal and comes back fixed", async () => {
  const data = mkdtempSync(path.join(tmpdir(), "journal-remarks-teacher-"));
  journal(data, ["--server", server.url, "--user", "teacher", "login"], PASSWORD);
  // The teacher's latest working day (today may be a Sunday in the institution).
  const day = await institutionDay(server.url, "teacher", PASSWORD);
  let lessons = [];
  for (let back = 0; back < 7 && lessons.length === 0; back++) {
    lessons = JSON.parse(journal(data, ["--json", "--user", "teacher", "lessons", "--date", isoDate(day)], PASSWORD));
    day.setDate(day.getDate() - 1);
  }
  const load = lessons[0]?.load_id;
  assert.ok(load, `the teacher has a lesson this week: ${JSON.stringify(lessons).slice(0, 200)}`);

  await open(driver, "remarks");
  const select = await find(driver, "remark-load");
  await (await select.findElement({ css: `option[value="${load}"]` })).click();
  const text = "Не записаны темы занятий за неделю";
  await type(driver, "remark-text", text);
  await driver.executeScript("const d = document.querySelector('[data-testid=remark-deadline]'); d.value = '2000-01-10';");
  await (await find(driver, "remark-submit")).click();
  const refusal = await waitFilled(driver, "remark-deadline-error");
  assert.match(refusal, /срок/i, `a past deadline is refused beside its field: ${refusal}`);
  const week = new Date(Date.now() + 7 * 86400000);
  await driver.executeScript(`const d = document.querySelector('[data-testid=remark-deadline]'); d.value = '${isoDate(week)}';`);
  await (await find(driver, "remark-submit")).click();
  await waitText(driver, "remark-written", "Замечание записано", 20000);
  await waitText(driver, "remarks-table", text, 20000);

  // The teacher's journal gets it at sync and answers it.
  journal(data, ["--user", "teacher", "sync"], PASSWORD);
  const got = teacherRemark(data, text);
  assert.ok(got, "the remark reached the teacher's copy");
  journal(data, ["--user", "teacher", "answer-remark", "--remark", got.id, "--answer", "Темы внесены"], PASSWORD);
  journal(data, ["--user", "teacher", "sync"], PASSWORD);

  // The deputy returns it with a comment.
  await driver.navigate().refresh();
  await find(driver, "screen-remarks", 20000);
  await showAll();
  const returnButton = await find(driver, `remark-return-${got.id}`, 20000);
  const table = await (await find(driver, "remarks-table")).getText();
  assert.ok(table.includes("Темы внесены"), `the teacher's answer is shown: ${table}`);
  await returnButton.click();
  await find(driver, "remark-return-dialog");
  await type(driver, "remark-return-comment", "Не внесены темы за 3 и 4 число");
  await (await find(driver, "remark-return-submit")).click();
  try {
    await driver.wait(async () => (await driver.findElements({ css: `[data-testid="remark-return-${got.id}"]` })).length === 0, 20000, "returned, nothing to decide");
  } catch (e) {
    await screenshot(driver, "remarks-failed");
    throw e;
  }

  journal(data, ["--user", "teacher", "sync"], PASSWORD);
  const back = teacherRemark(data, text);
  assert.equal(back.status, "returned", `the teacher's copy shows it returned: ${JSON.stringify(back)}`);
  journal(data, ["--user", "teacher", "answer-remark", "--remark", back.id, "--answer", "Внесены все темы"], PASSWORD);
  journal(data, ["--user", "teacher", "sync"], PASSWORD);

  await driver.navigate().refresh();
  await find(driver, "screen-remarks", 20000);
  await showAll();
  await (await find(driver, `remark-confirm-${got.id}`, 20000)).click();
  await driver.wait(async () => (await driver.findElements({ css: `[data-testid="remark-confirm-${got.id}"]` })).length === 0, 20000, "confirmed");
  const state = await (await find(driver, `remark-state-${got.id}`)).getText();
  assert.match(state, /подтвержд/i, `the state says confirmed: ${state}`);
  const done = await (await find(driver, "remarks-table")).getText();
  assert.match(done, /Внесены все темы/, `the last answer stays: ${done}`);
  await screenshot(driver, "remarks");
  journal(data, ["--user", "teacher", "sync"], PASSWORD);
  assert.equal(teacherRemark(data, text).status, "confirmed", "and the teacher's copy learns it is confirmed");
});

test("a remark on one lesson of the load names that lesson", async () => {
  const data = mkdtempSync(path.join(tmpdir(), "journal-remarks-lesson-"));
  journal(data, ["--server", server.url, "--user", "teacher", "login"], PASSWORD);
  const day = await institutionDay(server.url, "teacher", PASSWORD);
  let lessons = [];
  for (let back = 0; back < 7 && lessons.length === 0; back++) {
    lessons = JSON.parse(journal(data, ["--json", "--user", "teacher", "lessons", "--date", isoDate(day)], PASSWORD));
    day.setDate(day.getDate() - 1);
  }
  const lesson = lessons[0];
  assert.ok(lesson?.id, `the teacher has a lesson this week: ${JSON.stringify(lessons).slice(0, 200)}`);
  const [y, m, d] = lesson.date.split("-");
  const when = `${d}.${m}.${y}, ${lesson.bell_number} урок`;

  await open(driver, "remarks");
  const loadSelect = await find(driver, "remark-load");
  await (await loadSelect.findElement({ css: `option[value="${lesson.load_id}"]` })).click();
  // The lesson choice lists the chosen load's lessons, newest first, with their number and topic.
  const lessonSelect = await find(driver, "remark-lesson");
  const option = await lessonSelect.findElement({ css: `option[value="${lesson.id}"]` });
  const label = (await option.getText()).trim();
  assert.ok(label.startsWith(`${when}`) && label.includes(" — "), `the lesson is offered as «дд.мм.гггг, N урок — тема»: «${label}»`);
  const dates = await driver.executeScript(
    "return Array.from(document.querySelectorAll('[data-testid=remark-lesson] option')).map((o) => o.value ? o.textContent.slice(0, 10).split('.').reverse().join('-') : null).filter(Boolean)",
  );
  assert.deepEqual(dates, [...dates].sort().reverse(), "the lessons are listed newest first");
  await option.click();
  const text = "Не записано домашнее задание на уроке";
  await type(driver, "remark-text", text);
  await (await find(driver, "remark-submit")).click();
  await waitText(driver, "remark-written", "Замечание записано", 20000);
  await waitText(driver, "remarks-table", text, 20000);
  const row = await driver.executeScript(
    `return Array.from(document.querySelectorAll('[data-testid=remarks-table] tr')).map((r) => r.innerText).find((t) => t.includes(${JSON.stringify(text)}))`,
  );
  assert.ok(row.includes(`Урок: ${label}`), `the remark names its lesson: «${row}»`);
  await driver.executeScript(
    `Array.from(document.querySelectorAll('[data-testid^=remark-about-]')).find((e) => e.closest('tr').innerText.includes(${JSON.stringify(text)})).scrollIntoView({ block: "center" })`,
  );
  await screenshot(driver, "remarks-lesson");

  // The teacher's copy knows which lesson it is about.
  journal(data, ["--user", "teacher", "sync"], PASSWORD);
  const got = teacherRemark(data, text);
  assert.equal(got?.lesson_date, lesson.date, `the teacher's copy has the remark on that lesson's day: ${JSON.stringify(got)}`);
});
