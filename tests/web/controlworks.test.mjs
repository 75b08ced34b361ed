// «График контрольных работ» in a real Chromium, on the demo institution: the deputy schedules a ВТК
// work on a day without the load's lesson and with criteria that do not rise (each refused beside its
// field, nothing stored), then on a lesson's day with right ones; the list shows the criteria and the
// work's state; the teacher of the load reads it in their own menu, without the form. Screenshots:
// target/e2e-screenshots/console-control-works.png, console-control-works-teacher.png.

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import {
  apiJson,
  find,
  institutionDay,
  isoDate,
  open,
  screenshot,
  signInAs,
  signOutOf,
  startBrowser,
  startDemoServer,
  type,
  waitFilled,
  waitText,
} from "./console.mjs";

const PASSWORD = "demo";
let server;
let driver;

before(async () => {
  server = await startDemoServer("web-control-works-journal-server.log");
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-control-works-downloads-")));
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

async function token(login) {
  const r = await apiJson(server.url, "POST", "/auth/login", null, { login, password: PASSWORD, device_id: crypto.randomUUID() });
  assert.equal(r.status, 200, `${login} signs in`);
  return r.body.token;
}

test("the deputy schedules a ВТК work with criteria and the teacher reads it", async () => {
  const day = isoDate(await institutionDay(server.url, "deputy", PASSWORD));
  // The demo teacher's first load: the deputy schedules the work for it.
  const teacherSnap = await apiJson(server.url, "GET", "/sync/snapshot", await token("teacher"));
  const me = teacherSnap.body.snapshot.users.find((u) => u.login === "teacher");
  const load = teacherSnap.body.snapshot.loads.find((l) => l.teacher_id === me.id);
  const group = teacherSnap.body.snapshot.groups.find((g) => g.id === load.group_id).name;
  // A day with the load's lesson: the next one from today (the work is written at a lesson).
  const lessonDays = teacherSnap.body.snapshot.lessons
    .filter((l) => l.load_id === load.id && l.status === "scheduled")
    .map((l) => l.date)
    .sort();
  const workDay = lessonDays.find((d) => d >= day) ?? lessonDays[lessonDays.length - 1];
  assert.ok(workDay, "the demo load has lessons");
  const noLesson = ["2026-12-06", "2027-01-03", "2026-11-08"].find((d) => !lessonDays.includes(d));

  const demoWorks = (await apiJson(server.url, "GET", "/control-works", await token("deputy"))).body.works.length;
  await signInAs(driver, server.url, "deputy", PASSWORD);
  await open(driver, "control-works");
  // The demo's own ВТК schedule (entrance control and the semester's work) is listed.
  const demoList = await waitText(driver, "control-works-table", "Входной контроль", 20000);
  assert.ok(demoWorks > 0 && demoList.includes("Административная контрольная работа за 1 семестр"), `the demo's schedule: ${demoList}`);
  const select = await find(driver, "control-work-load");
  await select.findElement(By.css(`option[value="${load.id}"]`)).click();
  // A day without the load's lesson: refused beside the date.
  await driver.executeScript(`arguments[0].value = "${noLesson}"`, await find(driver, "control-work-date"));
  await select.findElement(By.xpath("//select[@data-testid='control-work-form']/option[@value='knowledge_cut']")).click();
  await type(driver, "control-work-title", "Административный срез знаний");
  await type(driver, "control-work-max", "20");
  await type(driver, "control-work-five", "18");
  await type(driver, "control-work-four", "14");
  await type(driver, "control-work-three", "10");
  await (await find(driver, "control-work-submit")).click();
  const noDay = await waitFilled(driver, "control-work-date-error");
  assert.match(noDay, /нет урока/, `a day without the load's lesson is refused beside the date: ${noDay}`);
  await driver.executeScript(`arguments[0].value = "${workDay}"`, await find(driver, "control-work-date"));
  await type(driver, "control-work-five", "12");
  await (await find(driver, "control-work-submit")).click();
  const refusal = await waitFilled(driver, "control-work-max-error");
  assert.match(refusal, /критерии/i, `criteria that do not rise are refused beside the field: ${refusal}`);
  const stored = await apiJson(server.url, "GET", "/control-works", await token("deputy"));
  assert.equal(stored.body.works.length, demoWorks, "a refused work is not stored");

  await type(driver, "control-work-five", "18");
  await (await find(driver, "control-work-submit")).click();
  await waitText(driver, "control-work-saved", "Административный срез знаний", 20000);
  const listed = await waitText(driver, "control-works-table", "Административный срез знаний", 20000);
  assert.equal((await apiJson(server.url, "GET", "/control-works", await token("deputy"))).body.works.length, demoWorks + 1);
  assert.ok(listed.includes(group) && listed.includes("(ВТК)"), `the list names the group and the ВТК: ${listed}`);
  assert.match(listed, /Запланирована|Проведена|Не проведена/, `the list says what became of the work: ${listed}`);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'start'})", await find(driver, "control-works-list"));
  await screenshot(driver, "control-works");

  await signOutOf(driver);
  await signInAs(driver, server.url, "teacher", PASSWORD);
  await open(driver, "control-works");
  const theirs = await waitText(driver, "control-works-table", "Административный срез знаний", 20000);
  assert.ok(theirs.includes("«4» — от 14"), `the teacher reads the criteria: ${theirs}`);
  assert.equal((await driver.findElements(By.css('[data-testid="control-work-submit"]'))).length, 0, "a teacher does not schedule");
  await screenshot(driver, "control-works-teacher");
});
