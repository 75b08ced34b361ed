// The administrator's first day in the console, in a real Chromium: sign in, set the year, create a
// group, import groups, teachers, students (a refused row shown as a table, fixed, imported again),
// loads and the timetable, give a teacher a password — and that teacher, signed in with the
// `journal` CLI, sees the lessons. Every screen is photographed into
// target/e2e-screenshots/console-*.png.

import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { byTestId, choose, find, institutionDay, isoDate, journal, open, REPO, screenshot, startBrowser, startFirstDayServer, type, waitFilled, waitText } from "./console.mjs";
import { writeXlsx } from "./xlsx.mjs";

const INSTITUTION = "ГБПОУ «Тестовый технологический техникум»";
const ADMIN_PASSWORD = "Admin-first-day-2026";
const SUBJECT = "Веб-программирование";
const TEACHER = "Петрова Анна Сергеевна";

let server;
let driver;
const files = mkdtempSync(path.join(tmpdir(), "journal-web-files-"));

before(async () => {
  server = await startFirstDayServer({ institution: INSTITUTION, adminPassword: ADMIN_PASSWORD });
  driver = await startBrowser(files);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

/** A CSV file (UTF-8, «;») the administrator would export from a spreadsheet. */
function csv(name, rows) {
  const file = path.join(files, name);
  writeFileSync(file, rows.map((r) => r.join(";")).join("\r\n") + "\r\n");
  return file;
}

/** An .xlsx file as a spreadsheet program saves it (one sheet, the same columns as the CSV). */
function xlsx(name, rows) {
  return writeXlsx(path.join(files, name), rows);
}

/** Sets a date field (the browser's date picker takes no typed ISO text). */
async function setDate(id, iso) {
  const el = await find(driver, id);
  await driver.executeScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", el, iso);
}

/** Imports `file` as `kind` through «Проверить» and «Применить»; returns the preview's text. */
async function importFile(kind, label, file) {
  await choose(driver, "import-kind", label);
  await (await find(driver, "import-file")).sendKeys(file);
  await (await find(driver, "import-submit")).click();
  const outcome = await driver.wait(
    until.elementLocated(By.css('[data-testid="import-clean"], [data-testid="import-no-preview"], [data-testid="import-refused"], [data-testid="import-error"]')),
    20000,
    `the preview of ${kind} answers`,
  );
  const id = await outcome.getAttribute("data-testid");
  const text = await (await find(driver, "import-result")).getText();
  if (id === "import-clean") {
    assert.ok(!(await (await find(driver, "import-apply")).getAttribute("disabled")), "«Применить» is offered after a clean preview");
    await screenshot(driver, `import-preview-${kind}`);
    await (await find(driver, "import-apply")).click();
    await find(driver, "import-done", 20000);
  } else {
    assert.equal(id, "import-no-preview", `${kind} imports cleanly: ${text}`);
  }
  return text;
}

/** The first Monday after `today` (the institution's day) that is not in the winter holidays set below. */
function nextMonday(today) {
  const d = new Date(today);
  d.setDate(d.getDate() + 1);
  while (d.getDay() !== 1 || (d.getMonth() === 11 && d.getDate() >= 28) || (d.getMonth() === 0 && d.getDate() <= 10)) d.setDate(d.getDate() + 1);
  return d;
}

test("the administrator's first day in the console, and the teacher sees the lessons", async () => {
  await driver.get(server.url);
  await find(driver, "signin");
  assert.equal(await driver.executeScript("return document.activeElement.dataset.testid"), "signin-login", "the login field has the focus");
  await screenshot(driver, "signin");

  // A wrong password is shown beside the password field.
  await type(driver, "signin-login", "admin");
  await (await type(driver, "signin-password", "wrong-password")).sendKeys(Key.ENTER);
  const refusal = await waitFilled(driver, "signin-password-error");
  assert.ok(refusal.length > 0, "the refusal of a wrong password is shown beside the password");
  await screenshot(driver, "signin-refused");

  await (await type(driver, "signin-password", server.adminPassword)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
  await find(driver, "screen-readiness");
  const inst = await (await find(driver, "header-institution")).getText();
  assert.ok(inst.length > 0, "the header names the institution");
  await screenshot(driver, "readiness");

  await open(driver, "institution");
  await screenshot(driver, "institution");

  // «Учебный год»: a new institution gets its dates; an existing year is saved again as it is.
  await open(driver, "year");
  const yearName = await (await find(driver, "year-name")).getAttribute("value");
  if (!yearName) {
    const now = await institutionDay(server.url, "admin", server.adminPassword);
    const y = now.getMonth() >= 6 ? now.getFullYear() : now.getFullYear() - 1;
    await type(driver, "year-name", `${y}/${y + 1}`);
    await setDate("year-starts_on", `${y}-09-01`);
    await setDate("year-ends_on", `${y + 1}-06-30`);
    await (await find(driver, "period-add")).click();
    await setDate("period-1-starts", `${y}-09-01`);
    await setDate("period-1-ends", `${y}-12-27`);
    await (await find(driver, "period-add")).click();
    await setDate("period-2-starts", `${y + 1}-01-11`);
    await setDate("period-2-ends", `${y + 1}-06-30`);
    await (await find(driver, "holiday-add")).click();
    await type(driver, "holiday-1-name", "Зимние каникулы");
    await setDate("holiday-1-starts", `${y}-12-28`);
    await setDate("holiday-1-ends", `${y + 1}-01-10`);
  }
  await (await find(driver, "year-submit")).click();
  await find(driver, "year-saved", 20000);
  await screenshot(driver, "year");

  // «Звонки и режим»: a new institution has no bells; the timetable refers to lesson numbers.
  await open(driver, "bells");
  for (const [n, starts, ends] of [[1, "08:30", "10:00"], [2, "10:10", "11:40"], [3, "12:20", "13:50"]]) {
    await (await find(driver, "bells-1-add")).click();
    for (const [id, hhmm] of [[`bell-1-${n}-starts`, starts], [`bell-1-${n}-ends`, ends]]) {
      const el = await find(driver, id);
      await el.sendKeys(hhmm.replace(":", ""));
      assert.equal(await el.getAttribute("value"), hhmm, `«${id}» holds ${hhmm}`);
    }
  }
  await (await find(driver, "regime-submit")).click();
  await find(driver, "regime-saved", 15000);

  // «Группы»: one group by hand (Enter submits); the same name again is refused beside the field.
  await open(driver, "groups");
  await type(driver, "group-new-name", "ПР-11");
  await type(driver, "group-new-course", "1");
  await (await type(driver, "group-new-specialty", "08.01.08 Мастер отделочных строительных работ")).sendKeys(Key.ENTER);
  await waitText(driver, "groups", "ПР-11", 20000);
  await type(driver, "group-new-name", "ПР-11");
  await (await find(driver, "group-new-submit")).click();
  const taken = await waitFilled(driver, "group-new-name-error");
  assert.ok(taken.length > 0, "a second ПР-11 is refused beside the name");
  await screenshot(driver, "groups-refused");

  // «Импорт»: groups, teachers, students (one bad row first), loads, timetable.
  await open(driver, "import");
  await screenshot(driver, "import");
  await importFile("groups", "Группы", csv("groups.csv", [["Группа", "Курс", "Специальность", "Подгруппы"], ["ИС-11", "1", "09.02.07 Информационные системы и программирование", ""]]));
  await importFile("teachers", "Педагогические работники", xlsx("teachers.xlsx", [["Фамилия", "Имя", "Отчество", "Логин", "Роли"], ["Петрова", "Анна", "Сергеевна", "petrova", "преподаватель"]]));

  const badStudents = csv("students.csv", [
    ["Фамилия", "Имя", "Отчество", "Группа"],
    ["Смирнов", "Алексей", "Игоревич", "ИС-11"],
    ["Кузнецова", "Дарья", "Олеговна", "ИС-99"],
  ]);
  await choose(driver, "import-kind", "Студенты");
  await (await find(driver, "import-file")).sendKeys(badStudents);
  await (await find(driver, "import-submit")).click();
  await find(driver, "import-refused", 20000);
  const rows = await (await find(driver, "import-rows")).getText();
  assert.match(rows, /\b3\b/, `the refused row is named by its number: ${rows}`);
  assert.match(rows, /Группа/, `the refused column is named: ${rows}`);
  assert.ok(await (await find(driver, "import-apply")).getAttribute("disabled"), "«Применить» stays off after a refused preview");
  await screenshot(driver, "import-refused");
  const fixed = csv("students-fixed.csv", [
    ["Фамилия", "Имя", "Отчество", "Группа"],
    ["Смирнов", "Алексей", "Игоревич", "ИС-11"],
    ["Кузнецова", "Дарья", "Олеговна", "ИС-11"],
  ]);
  await importFile("students", "Студенты", fixed);
  await screenshot(driver, "import-done");

  await importFile("loads", "Педагогическая нагрузка", xlsx("loads.xlsx", [["Преподаватель", "Группа", "Дисциплина", "Часы"], [TEACHER, "ИС-11", SUBJECT, "72"]]));
  const days = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница"];
  await importFile(
    "timetable",
    "Расписание",
    csv("timetable.csv", [["День недели", "Номер урока", "Группа", "Дисциплина", "Преподаватель", "Аудитория"], ...days.map((d) => [d, "1", "ИС-11", SUBJECT, TEACHER, "204"])]),
  );

  // «Студенты»: the imported list; a withdrawal dialog closes with Esc and gives the focus back.
  await open(driver, "students");
  await choose(driver, "students-group", "ИС-11");
  await waitText(driver, "students", "Кузнецова Дарья Олеговна", 20000);
  await screenshot(driver, "students");
  const withdraw = await driver.findElement(By.css('[data-testid^="withdraw-"]'));
  await withdraw.click();
  await find(driver, "withdraw-dialog");
  await screenshot(driver, "students-withdraw-dialog");
  await driver.actions().sendKeys(Key.ESCAPE).perform();
  await driver.wait(async () => (await driver.findElements(byTestId("withdraw-dialog"))).length === 0, 5000, "Esc closes the dialog");

  // A student who comes later is enrolled from a date, and withdrawn on a last day.
  await choose(driver, "students-group", "ПР-11");
  await find(driver, "students-empty");
  await (await find(driver, "students-to-enrol")).click();
  assert.equal(await driver.executeScript("return document.activeElement.dataset.testid"), "enrol-last_name", "«Зачислить студента» takes the focus to the form");
  await type(driver, "enrol-last_name", "Новиков");
  await (await type(driver, "enrol-first_name", "Илья")).sendKeys(Key.ENTER);
  await waitText(driver, "students", "Новиков Илья", 20000);
  await screenshot(driver, "students-enrolled");
  await (await driver.findElement(By.css('[data-testid^="withdraw-"]'))).click();
  await (await find(driver, "withdraw-submit")).click();
  await driver.wait(async () => (await driver.findElements(By.css('[data-testid^="withdraw-"]'))).length === 0, 20000, "the withdrawn student has no «Отчислить» any more");
  const roster = await (await find(driver, "students")).getText();
  assert.doesNotMatch(roster, /обучается/, `the withdrawn student has a last day: ${roster}`);

  await open(driver, "loads");
  await waitText(driver, "loads", SUBJECT, 20000);
  await screenshot(driver, "loads");

  // «Пользователи»: the imported teacher gets a first password, shown once.
  await open(driver, "users");
  await waitText(driver, "users", TEACHER, 20000);
  await screenshot(driver, "users");
  await (await find(driver, "password-petrova")).click();
  await find(driver, "reset-dialog");
  await (await type(driver, "reset-password", "Petrova-first-2026")).sendKeys(Key.ENTER);
  await find(driver, "password-shown", 20000);
  const password = await (await find(driver, "shown-password")).getText();
  assert.ok(password.length >= 8, `a password is shown once: «${password}»`);
  await screenshot(driver, "users-password-shown");
  await (await find(driver, "password-shown-done")).click();
  await waitText(driver, "users", "работает");

  for (const [nav, name] of [["backups", "backups"], ["audit", "audit"], ["help", "help"]]) {
    await open(driver, nav);
    await screenshot(driver, name);
  }

  // A screen's address opens directly (the server answers it with the console's page).
  await driver.get(`${server.url}/loads`);
  await waitText(driver, "loads", SUBJECT, 20000);

  // The teacher signs in to the console once: a first password must be changed before anything else.
  await (await find(driver, "sign-out")).click();
  await find(driver, "signin");
  await type(driver, "signin-login", "petrova");
  await (await type(driver, "signin-password", password)).sendKeys(Key.ENTER);
  const next = await driver.wait(until.elementLocated(By.css('[data-testid="screen-password"], [data-testid="not-admin"]')), 20000, "the teacher is signed in");
  // A first password is changed before anything else (forced); otherwise the teacher changes it
  // by choice through «Сменить пароль» — the same screen either way.
  if ((await next.getAttribute("data-testid")) !== "screen-password") {
    await (await find(driver, "own-password")).click();
    await find(driver, "screen-password");
  }
  await screenshot(driver, "password-change");
  const teacherPassword = "Petrova-own-2026";
  await type(driver, "password-old", password);
  await type(driver, "password-new", teacherPassword);
  await type(driver, "password-repeat", "Petrova-typo-2026");
  await (await find(driver, "password-submit")).click();
  const mismatch = await waitFilled(driver, "password-repeat-error");
  assert.match(mismatch, /не совпадают/, "a repeat that differs is refused beside the repeat field");
  await (await type(driver, "password-repeat", teacherPassword)).sendKeys(Key.ENTER);
  await find(driver, "password-changed", 20000);
  await find(driver, "not-admin");
  await screenshot(driver, "not-admin");

  // The teacher's own PC: the `journal` CLI signs in to the same server and lists the lessons.
  const data = mkdtempSync(path.join(tmpdir(), "journal-web-cli-"));
  journal(data, ["--server", server.url, "--user", "petrova", "login"], teacherPassword);
  const day = isoDate(nextMonday(await institutionDay(server.url, "admin", server.adminPassword)));
  const lessons = journal(data, ["--user", "petrova", "lessons", "--date", day], teacherPassword);
  assert.ok(lessons.includes(SUBJECT) || lessons.includes("ИС-11"), `the teacher sees the lesson of ${day}: ${lessons}`);
});

// The same college's timetabler works in FET: the whole .fet file (years, groups and subgroups,
// teachers, activities, the placed timetable) goes in through the same preview, then the FET
// groups' students from an .xlsx list.
test("a FET file and an XLSX list of students go in through the console", async () => {
  await (await find(driver, "sign-out")).click();
  await find(driver, "signin");
  await type(driver, "signin-login", "admin");
  await (await type(driver, "signin-password", server.adminPassword)).sendKeys(Key.ENTER);
  await find(driver, "screen-readiness", 20000);

  const fet = path.join(REPO, "crates", "journal-import", "tests", "fixtures", "college.fet");
  /** «Проверить» on the .fet file; answers the outcome's test id and the result's text. */
  const checkFet = async () => {
    await open(driver, "import");
    await choose(driver, "import-kind", "Расписание из FET (.fet)");
    await (await find(driver, "import-file")).sendKeys(fet);
    await (await find(driver, "import-submit")).click();
    const outcome = await driver.wait(until.elementLocated(By.css('[data-testid="import-clean"], [data-testid="import-refused"], [data-testid="import-error"]')), 20000, "the FET preview answers");
    return [await outcome.getAttribute("data-testid"), await (await find(driver, "import-result")).getText()];
  };

  // The file names a teacher «Смирнова Е.А.» (no such person yet, and initials make no one) and a
  // fourth hour the college has no bell for: both refused, each on its row.
  const [refused, why] = await checkFet();
  await screenshot(driver, "import-refused-fet");
  assert.equal(refused, "import-refused", `the FET file with an unknown teacher is refused: ${why}`);
  assert.match(why, /Смирнова Е\.А\./, "the refusal names the teacher as the file writes her");
  assert.match(why, /14:00-15:30/, "the refusal names the hour with no bell");

  // The administrator fixes both: the fourth bell, and the teacher in full from the staff list.
  await open(driver, "bells");
  await (await find(driver, "bells-1-add")).click();
  for (const [id, hhmm] of [["bell-1-4-starts", "14:00"], ["bell-1-4-ends", "15:30"]]) await (await find(driver, id)).sendKeys(hhmm.replace(":", ""));
  await (await find(driver, "regime-submit")).click();
  await find(driver, "regime-saved", 15000);
  await open(driver, "import");
  await importFile("teachers-fet", "Педагогические работники", xlsx("teachers-fet.xlsx", [["Фамилия", "Имя", "Отчество", "Логин", "Роли"], ["Смирнова", "Елена", "Андреевна", "smirnova", "преподаватель"]]));

  const [clean, preview] = await checkFet();
  await screenshot(driver, "import-preview-fet");
  assert.equal(clean, "import-clean", `the fixed FET file is taken as it is: ${preview}`);
  for (const expected of ["ИС-21", "ИС-22", "Смирнова", "Математика"]) {
    assert.ok(preview.includes(expected), `the FET preview lists ${expected}: ${preview}`);
  }
  await (await find(driver, "import-apply")).click();
  await find(driver, "import-done", 20000);
  await screenshot(driver, "import-done-fet");

  await importFile(
    "students-xlsx",
    "Студенты",
    xlsx("students-fet.xlsx", [
      ["Фамилия", "Имя", "Отчество", "Дата рождения", "Группа"],
      ["Орлов", "Пётр", "Андреевич", "2009-04-12", "ИС-21"],
      ["Белова", "Ольга", "Ивановна", "2009-11-30", "ИС-21"],
      ["Зуев", "Кирилл", "", "2010-01-05", "ИС-22"],
    ]),
  );

  await open(driver, "groups");
  for (const g of ["ИС-21", "ИС-22"]) await waitText(driver, "groups", g, 20000);
  await open(driver, "students");
  await choose(driver, "students-group", "ИС-21");
  await waitText(driver, "students", "Орлов Пётр Андреевич", 20000);
  await waitText(driver, "students", "Белова Ольга Ивановна");
  await open(driver, "loads");
  await waitText(driver, "loads", "Смирнова", 20000);
  await screenshot(driver, "loads-fet");
});
