// The control reports in the console: the demo institution's deputy signs in, lands on «Контроль
// ведения журнала», clicks through to one teacher's overdue list, opens «Отчёты» and shows one
// report of each kind (with its charts), the charts by group and subject readable at 1366 px and on
// a 390 px phone, and a CSV comes down over the API. Screenshots target/e2e-screenshots/reports-*.png.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { LOGS, SCREENSHOTS, byTestId, choose, find, freePort, startBrowser, type, waitText } from "./console.mjs";

const SERVER_BIN = process.env.JOURNAL_SERVER_BIN;
const PROTOCOL = { "x-journal-protocol": "6" };
const KINDS = {
  control: "Контроль ведения журнала",
  timeliness: "Своевременность и полнота заполнения журнала",
  progress: "Успеваемость и качество знаний",
  attendance: "Посещаемость",
  marks_count: "Накопляемость отметок по месяцам",
  curriculum: "Выполнение программы (часы по плану и фактически)",
  forecast: "Прогноз итоговых отметок",
  journal_data: "Данные журнала: отметки, пропуски, итоговые отметки",
  missed_topics: "Пропущенные темы (для отработки)",
  control_works: "Контрольные работы и их результаты",
  activity: "Активность ведения журнала по неделям",
  lesson_changes: "Замены, переносы, непроведённые уроки и расхождения с журналом",
};

let server;
let driver;

async function shot(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, `reports-${name}.png`), await driver.takeScreenshot(), "base64");
}

/** The demo institution on a free port (`init --demo`: logins admin, deputy, …, password «demo»). */
async function startDemoServer() {
  const dir = mkdtempSync(path.join(tmpdir(), "journal-web-reports-"));
  const db = path.join(dir, "server.db");
  execFileSync(SERVER_BIN, ["--db", db, "init", "--demo"], { stdio: ["ignore", "ignore", "pipe"], timeout: 120000 });
  const port = await freePort();
  mkdirSync(LOGS, { recursive: true });
  const log = openSync(path.join(LOGS, "web-reports-server.log"), "a");
  const child = spawn(SERVER_BIN, ["--db", db, "serve", "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", log, log] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("journal-server did not answer within 30 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

before(async () => {
  server = await startDemoServer();
  driver = await startBrowser(mkdtempSync(path.join(tmpdir(), "journal-web-dl-")));
  await driver.manage().window().setRect({ width: 1366, height: 1400 });
  await driver.get(server.url);
  await type(driver, "signin-login", "deputy");
  await (await type(driver, "signin-password", "demo")).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
});

after(async () => {
  try {
    if (driver) await driver.quit();
  } finally {
    if (server) await server.stop();
  }
});

test("the deputy starts on the control dashboard and clicks through to a teacher", async () => {
  await find(driver, "screen-control", 20000);
  await find(driver, "report-figures");
  const overdue = await driver.findElements(byTestId("control-teacher"));
  const empty = await driver.findElements(byTestId("control-by-teacher-empty"));
  assert.ok(overdue.length > 0 || empty.length > 0, "the overdue list by teacher, or the word that nothing is overdue");
  await find(driver, "control-chart");
  await shot("control");
  if (overdue.length > 0) {
    const name = (await overdue[0].getText()).trim();
    await overdue[0].click();
    await find(driver, "control-all");
    const line = await (await driver.findElement(By.css(".summary"))).getText();
    assert.ok(line.includes(`Преподаватель: ${name}`), `the dashboard narrowed to ${name}: «${line}»`);
    await shot("control-teacher");
  }
});

test("every kind of report opens with its tables", async () => {
  await (await find(driver, "nav-reports")).click();
  await find(driver, "reports-pick");
  for (const [kind, title] of Object.entries(KINDS)) {
    await choose(driver, "report-filter-kind", title);
    await choose(driver, "report-filter-group", "ИС-21");
    await (await find(driver, "report-filter-submit")).click();
    await waitText(driver, "report-title", title, 20000);
    // The first table, or the words that it has no rows.
    await driver.wait(until.elementLocated(By.css('[data-testid^="report-table-0"]')), 15000, `${kind}: the first table`);
    await find(driver, "report-figures");
    // The demo group's year has data for every kind: at least one of the report's tables has rows.
    const rows = await driver.findElements(By.css('table[data-testid^="report-table-"] tbody tr'));
    assert.ok(rows.length > 0, `${kind}: some table of «${title}» has rows for ИС-21`);
    for (const format of ["csv", "xlsx", "pdf"]) {
      const b = await driver.findElements(byTestId(`report-export-${format}`));
      assert.equal(b.length, 1, `${kind}: the ${format.toUpperCase()} export button is offered`);
    }
    const untitled = await driver.executeScript(
      "return Array.from(document.querySelectorAll('figure.chart')).filter((f) => f.querySelector('svg') && !f.querySelector('svg [data-axis=values]')?.textContent.trim()).map((f) => f.querySelector('figcaption').textContent)",
    );
    assert.deepEqual(untitled, [], `${kind}: every chart drawn has its value axis titled`);
    if (kind === "progress" || kind === "attendance") {
      const bars = await driver.findElements(By.css('[data-testid^="report-chart-"] svg rect'));
      assert.ok(bars.length > 0, `${kind}: a bar chart is drawn`);
    }
    await shot(kind);
  }
});

/** The chart whose caption begins with `title`: its bars, axis titles, and any two texts that overlap
 * or stick out of the screen. */
async function chartFacts(title) {
  return driver.executeScript(
    `const fig = Array.from(document.querySelectorAll('figure.chart')).find((f) => f.querySelector('figcaption').textContent.startsWith(arguments[0]));
    if (!fig) return null;
    fig.scrollIntoView({ block: "start" });
    const texts = Array.from(fig.querySelectorAll('svg text')).map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() })).filter((t) => t.box.width > 0);
    const overlaps = [];
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].box, b = texts[j].box;
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps.push(texts[i].text + " / " + texts[j].text);
      }
    const svg = fig.querySelector('svg').getBoundingClientRect();
    return {
      bars: fig.querySelectorAll('svg rect').length,
      labels: Array.from(fig.querySelectorAll('svg [data-label]')).map((t) => t.textContent),
      axes: Array.from(fig.querySelectorAll('svg [data-axis]')).map((t) => t.textContent),
      overlaps,
      outside: svg.right > window.innerWidth + 1 || texts.some((t) => t.box.right > window.innerWidth + 1 || t.box.left < -1),
      smallest: Math.min(...texts.map((t) => t.box.height)),
    };`,
    title,
  );
}

const CHARTS = [
  ["attendance", "Пропуски по группам", "attendance-groups", ["Группа", "Пропущено часов"], 3],
  ["attendance", "Пропуски по предметам", "attendance-subjects", ["Группа — предмет", "Пропущено часов"], 3],
  ["progress", "Успеваемость и качество по группам", "progress-groups", ["Группа", "Процент обучающихся"], 2],
];

async function checkCharts(width) {
  for (const [kind, title, name, axes, series] of CHARTS) {
    await driver.get(`${server.url}/reports?kind=${kind}`);
    await waitText(driver, "report-title", KINDS[kind], 20000);
    const facts = await chartFacts(title);
    assert.ok(facts, `${kind} at ${width} px: the chart «${title}» is drawn`);
    assert.ok(facts.labels.length >= 2, `${title} at ${width} px: a label per row of the table: ${facts.labels.join(", ")}`);
    assert.equal(facts.bars, facts.labels.length * series, `${title} at ${width} px: ${series} bars (н, б, п or успеваемость, качество) for each label`);
    assert.deepEqual(facts.axes.sort(), [...axes].sort(), `${title} at ${width} px: its axes are titled in Russian`);
    assert.deepEqual(facts.overlaps, [], `${title} at ${width} px: no label overlaps another`);
    assert.equal(facts.outside, false, `${title} at ${width} px: nothing sticks out of the screen`);
    assert.ok(facts.smallest >= 9, `${title} at ${width} px: the text is not shrunk below reading size (${facts.smallest}px)`);
    const fig = await driver.findElement(By.xpath(`//figure[contains(@class, "chart")][figcaption[starts-with(normalize-space(.), "${title}")]]`));
    writeFileSync(path.join(SCREENSHOTS, `reports-chart-${name}-${width}.png`), await fig.takeScreenshot(true), "base64");
  }
}

test("attendance by group and by subject, progress by group: charts readable on a wide screen and a phone", async () => {
  await driver.manage().window().setRect({ width: 1366, height: 1400 });
  await checkCharts(1366);
  await driver.manage().window().setRect({ width: 390, height: 844 });
  try {
    await checkCharts(390);
    await driver.get(`${server.url}/reports?kind=attendance`);
    await waitText(driver, "report-title", KINDS.attendance, 20000);
    await driver.executeScript("document.querySelector('.charts').scrollIntoView({ block: 'start' })");
    await shot("attendance-phone");
  } finally {
    await driver.manage().window().setRect({ width: 1366, height: 1400 });
  }
});

test("a report comes down as CSV", async () => {
  const resp = await fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { ...PROTOCOL, "content-type": "application/json" },
    body: JSON.stringify({ login: "deputy", password: "demo", device_id: "7a1c1e3a-5a2b-4c7d-9e8f-0a1b2c3d4e50" }),
  });
  assert.equal(resp.status, 200, "the deputy signs in over the API");
  const { token } = await resp.json();
  const csv = await fetch(`${server.url}/api/v1/reports/attendance?group=${encodeURIComponent("ИС-21")}&format=csv`, {
    headers: { ...PROTOCOL, authorization: `Bearer ${token}` },
  });
  assert.equal(csv.status, 200, "the CSV is made");
  assert.equal(csv.headers.get("content-type"), "text/csv; charset=utf-8", "as text/csv");
  const lines = (await csv.text()).split("\r\n");
  assert.equal(lines[0], "По группам", "the first table's title");
  assert.ok(lines[1].startsWith("Группа,Пропущено занятий,Пропущено часов"), `the header: «${lines[1]}»`);
  assert.ok(lines[2].startsWith("ИС-21,"), `the group's row: «${lines[2]}»`);
});
