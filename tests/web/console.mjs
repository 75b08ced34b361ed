// Helpers of the console's browser tests: a journal-server of the test's own (free 127.0.0.1 port,
// throwaway database), headless Chromium through chromedriver at 1366×768, keyboard-style form
// filling, screenshots into target/e2e-screenshots/console-*.png and the `journal` CLI.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, Key, until } from "selenium-webdriver";
import chrome from "selenium-webdriver/chrome.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SCREENSHOTS = path.join(REPO, "target", "e2e-screenshots");
export const LOGS = path.join(REPO, "target", "e2e-logs");
const TARGET = process.env.CARGO_TARGET_DIR || path.join(REPO, "target");
const SERVER_BIN = process.env.JOURNAL_SERVER_BIN || path.join(TARGET, "debug", "journal-server");
const CLI_BIN = process.env.JOURNAL_CLI_BIN || path.join(TARGET, "debug", "journal");

export async function freePort() {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`journal-server did not listen on ${port} within ${ms} ms`);
}

/**
 * The first day: a new database with one institution and its administrator
 * (`init --institution … --kind college --admin admin`). Returns { url, dir, adminPassword, stop }.
 */
export async function startFirstDayServer({ institution, adminPassword }) {
  const dir = mkdtempSync(path.join(tmpdir(), "journal-web-e2e-"));
  const db = path.join(dir, "server.db");
  const help = execFileSync(SERVER_BIN, ["init", "--help"], { encoding: "utf8" });
  if (help.includes("--institution")) {
    execFileSync(SERVER_BIN, ["--db", db, "init", "--institution", institution, "--kind", "college", "--admin", "admin"], {
      input: `${adminPassword}\n${adminPassword}\n`,
      env: { ...process.env, JOURNAL_ADMIN_PASSWORD: adminPassword },
      stdio: ["pipe", "ignore", "pipe"],
      timeout: 120000,
    });
  } else {
    // Stand-in until `init --institution` is on main: the demo institution (admin / demo).
    execFileSync(SERVER_BIN, ["--db", db, "init", "--demo"], { stdio: ["ignore", "ignore", "pipe"], timeout: 120000 });
    adminPassword = "demo";
  }
  const port = await freePort();
  mkdirSync(LOGS, { recursive: true });
  const log = openSync(path.join(LOGS, "web-journal-server.log"), "a");
  const child = spawn(SERVER_BIN, ["--db", db, "serve", "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", log, log] });
  await waitForPort(port, 30000);
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    adminPassword,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

/** The demo institution as of today (`init --demo`), served on a free port; its log is `logName`. */
export async function startDemoServer(logName) {
  const dir = mkdtempSync(path.join(tmpdir(), "journal-web-demo-"));
  const db = path.join(dir, "server.db");
  execFileSync(SERVER_BIN, ["--db", db, "init", "--demo"], { stdio: ["ignore", "ignore", "pipe"], timeout: 120000 });
  const port = await freePort();
  mkdirSync(LOGS, { recursive: true });
  const log = openSync(path.join(LOGS, logName), "a");
  const child = spawn(SERVER_BIN, ["--db", db, "serve", "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", log, log] });
  await waitForPort(port, 30000);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

/** Headless Chromium at 1366×768 with a fresh profile; downloads go to `downloads`. */
export async function startBrowser(downloads) {
  const profile = mkdtempSync(path.join(tmpdir(), "journal-web-chromium-"));
  const options = new chrome.Options();
  options.setChromeBinaryPath(process.env.CHROMIUM_BIN || "/usr/bin/chromium");
  options.addArguments(
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    "--window-size=1366,768",
    "--lang=ru-RU",
  );
  options.setUserPreferences({ "download.default_directory": downloads, "download.prompt_for_download": false, "intl.accept_languages": "ru-RU,ru" });
  // A Russian administrator's browser: date fields as ДД.ММ.ГГГГ, the file field's own words in Russian.
  const service = new chrome.ServiceBuilder(process.env.CHROMEDRIVER_BIN || "/usr/bin/chromedriver")
    .setPort(await freePort())
    .setEnvironment({ ...process.env, LANG: "ru_RU.UTF-8", LANGUAGE: "ru" });
  const driver = await new Builder().forBrowser("chrome").setChromeOptions(options).setChromeService(service).build();
  await driver.manage().setTimeouts({ implicit: 0, pageLoad: 30000, script: 30000 });
  return driver;
}

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

export async function find(driver, id, timeout = 15000) {
  return await driver.wait(until.elementLocated(byTestId(id)), timeout, `«${id}» appears`);
}

/** Waits until the element `id` shows `text` (a fresh lookup each time: screens redraw). */
export async function waitText(driver, id, text, timeout = 15000) {
  let last = "";
  await driver.wait(
    async () => {
      try {
        last = await (await driver.findElement(byTestId(id))).getText();
        return last.includes(text);
      } catch {
        return false;
      }
    },
    timeout,
    `«${id}» shows «${text}»`,
  ).catch((e) => {
    throw new Error(`${e.message}; it showed: «${last}»`);
  });
  return last;
}

/** Waits until the element `id` shows some text, and returns it. */
export async function waitFilled(driver, id, timeout = 15000) {
  let text = "";
  await driver.wait(
    async () => {
      try {
        text = (await (await driver.findElement(byTestId(id))).getText()).trim();
        return text.length > 0;
      } catch {
        return false;
      }
    },
    timeout,
    `«${id}» shows a message`,
  );
  return text;
}

/** Types into a field as a person would: clear, then keys. */
export async function type(driver, id, text) {
  const el = await find(driver, id);
  await el.clear();
  await el.sendKeys(text);
  return el;
}

/** Picks the option whose text is `label` in a select. */
export async function choose(driver, id, label) {
  const select = await find(driver, id);
  const options = await select.findElements(By.css("option"));
  for (const o of options) {
    if ((await o.getText()).trim() === label) {
      await o.click();
      return;
    }
  }
  throw new Error(`«${id}» has no option «${label}»`);
}

export async function screenshot(driver, name, prefix = "console") {
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(path.join(SCREENSHOTS, `${prefix}-${name}.png`), await driver.takeScreenshot(), "base64");
}

/** A browser window whose page area is `width`×`height` (the window's frame added). */
export async function setViewport(driver, width, height) {
  await driver.manage().window().setRect({ width, height });
  const [w, h] = await driver.executeScript("return [window.innerWidth, window.innerHeight]");
  await driver.manage().window().setRect({ width: width + (width - w), height: height + (height - h) });
}

/** A JSON call of the API as `token` (none: anonymous): `{ status, body }`. */
export async function apiJson(serverUrl, method, route, token, body) {
  const resp = await fetch(`${serverUrl}/api/v1${route}`, {
    method,
    headers: { "content-type": "application/json", "x-journal-protocol": "6", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: resp.status, body: await resp.json().catch(() => null) };
}

/** Signs `login` in on the console's sign-in page and waits for the header. */
export async function signInAs(driver, serverUrl, login, password) {
  await driver.get(serverUrl);
  await find(driver, "signin", 20000);
  await type(driver, "signin-login", login);
  await (await type(driver, "signin-password", password)).sendKeys(Key.ENTER);
  await find(driver, "header-user", 20000);
}

/** Signs out and waits for the sign-in page. */
export async function signOutOf(driver) {
  await (await find(driver, "sign-out")).click();
  await find(driver, "signin", 20000);
}

/** Opens a console screen through its menu link and waits for the screen. */
export async function open(driver, nav, screen) {
  await (await find(driver, `nav-${nav}`)).click();
  await find(driver, `screen-${screen || nav}`);
}

/** The `journal` CLI on `dataDir`; the password, when given, goes through JOURNAL_PASSWORD. */
export function journal(dataDir, args, password) {
  return execFileSync(CLI_BIN, ["--data-dir", dataDir, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...(password ? { JOURNAL_PASSWORD: password } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60000,
  });
}

export function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The institution's day now, as its server says it (`today` of the sign-in's answer), as a local
 * Date at noon: this test's own clock may be in another zone (CI runs in UTC, the demo college in
 * Moscow), and around midnight the two dates differ. */
export async function institutionDay(serverUrl, login, password) {
  const resp = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-journal-protocol": "6" },
    body: JSON.stringify({ login, password, device_id: crypto.randomUUID() }),
  });
  if (resp.status !== 200) throw new Error(`${login} does not sign in: ${resp.status} ${await resp.text()}`);
  const today = (await resp.json()).user.today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today ?? "")) throw new Error(`the sign-in's answer names no day: ${today}`);
  return new Date(`${today}T12:00:00`);
}
