// Starts the real app through tauri-driver (which starts WebKitWebDriver, which starts the app) and
// hands back a selenium-webdriver session. Everything runs on 127.0.0.1 under the caller's X display
// (Xvfb in CI). Stopping ends the app, WebKitWebDriver and tauri-driver — the whole process group.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, Capabilities, Key, until } from "selenium-webdriver";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SCREENSHOTS = path.join(REPO, "target", "e2e-screenshots");
export const LOGS = path.join(REPO, "target", "e2e-logs");

function appBinary() {
  if (process.env.JOURNAL_APP_BIN) return process.env.JOURNAL_APP_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(REPO, "target");
  return path.join(target, "debug", "journal-app");
}

function tauriDriver() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  return "tauri-driver";
}

/** The process and all its descendants (WebKitWebDriver, the app, WebKit's helpers). */
function processTree(pid) {
  let children = [];
  try {
    children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    // ps exits 1 when there are no children
  }
  return [pid, ...children.flatMap(processTree)];
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port, ms, what = "tauri-driver") {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not listen on ${port} within ${ms} ms`);
}

/**
 * Starts the app on a fresh data dir, or on `opts.dataDir` (a restart on the same PC). `env` adds
 * to the app's environment (JOURNAL_NOW, JOURNAL_SERVER_URL, …). Returns { driver, dataDir, stop }.
 */
export async function startApp(env = {}, opts = {}) {
  const dataDir = opts.dataDir || mkdtempSync(path.join(tmpdir(), "journal-e2e-"));
  const xdg = path.join(dataDir, "xdg");
  for (const d of ["data", "config", "cache"]) mkdirSync(path.join(xdg, d), { recursive: true });
  const port = 4444 + Math.floor(Math.random() * 500);
  const nativePort = port + 600;
  mkdirSync(LOGS, { recursive: true });
  const log = openSync(path.join(LOGS, "tauri-driver.log"), "a");
  const driverProcess = spawn(tauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], {
    env: {
      ...process.env,
      JOURNAL_DATA_DIR: path.join(dataDir, "journal"),
      // Keep WebKit's own caches inside the throwaway dir, not in the user's home.
      XDG_DATA_HOME: path.join(xdg, "data"),
      XDG_CONFIG_HOME: path.join(xdg, "config"),
      XDG_CACHE_HOME: path.join(xdg, "cache"),
      ...env,
    },
    // A log file, not the test's stdout: the driver's children must not hold the runner's pipe open.
    stdio: ["ignore", log, log],
    detached: true,
  });
  // The test's process must not wait for tauri-driver to end by itself.
  driverProcess.unref();
  const stop = async (driver) => {
    try {
      if (driver) await driver.quit();
    } catch {
      // the session may already be gone
    }
    // WebKitWebDriver does not always end with tauri-driver: end every descendant by its pid.
    for (const pid of processTree(driverProcess.pid).reverse()) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already ended
      }
    }
  };
  try {
    // tauri-driver answers before its WebKitWebDriver does; a session asked for too early fails.
    await waitForPort(port, 20000, "tauri-driver");
    await waitForPort(nativePort, 20000, "WebKitWebDriver");
    const caps = new Capabilities();
    caps.setBrowserName("wry");
    caps.set("tauri:options", { application: appBinary() });
    const driver = await new Builder().withCapabilities(caps).usingServer(`http://127.0.0.1:${port}`).build();
    return { driver, dataDir, stop: () => stop(driver) };
  } catch (e) {
    await stop(null);
    throw e;
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
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

function serverBinary() {
  if (process.env.JOURNAL_SERVER_BIN) return process.env.JOURNAL_SERVER_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(REPO, "target");
  return path.join(target, "debug", "journal-server");
}

/** The `journal` CLI (a second device in tests). */
export function cliBinary() {
  if (process.env.JOURNAL_CLI_BIN) return process.env.JOURNAL_CLI_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(REPO, "target");
  return path.join(target, "debug", "journal");
}

/**
 * The demo institution server (journal-server `init --demo`, then `serve`) on a free 127.0.0.1
 * port, its SQLite database in a throwaway dir; `policy` (an object) replaces the strict default
 * policy. `stop()` ends it, `start()` starts it again on the
 * same port and database (the server coming back). Returns { url, port, db, start, stop }.
 */
export async function startServer({ today, port, policy } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "journal-e2e-server-"));
  const db = path.join(dir, "server.db");
  const bin = serverBinary();
  const args = ["--db", db, "init", "--demo"];
  if (today) args.push("--today", today);
  // The institution's policy where the regulations differ (journal_core::Policy fields).
  if (policy) {
    const file = path.join(dir, "policy.json");
    writeFileSync(file, JSON.stringify(policy));
    args.push("--policy", file);
  }
  execFileSync(bin, args, { stdio: ["ignore", "ignore", "pipe"], timeout: 120000 });
  const chosen = port || (await freePort());
  mkdirSync(LOGS, { recursive: true });
  let child = null;
  const server = {
    url: `http://127.0.0.1:${chosen}`,
    port: chosen,
    db,
    async start() {
      if (child) return;
      const log = openSync(path.join(LOGS, "journal-server.log"), "a");
      // The server's clock on the demo's day, like the app's JOURNAL_NOW: entry times are judged
      // against what the server has recorded.
      const serveArgs = ["--db", db, "serve", "--addr", `127.0.0.1:${chosen}`];
      if (today) serveArgs.push("--today", today);
      child = spawn(bin, serveArgs, {
        stdio: ["ignore", log, log],
      });
      child.once("exit", () => {
        child = null;
      });
      await waitForPort(chosen, 30000, "journal-server");
    },
    async stop() {
      const c = child;
      if (!c) return;
      await new Promise((resolve) => {
        c.once("exit", resolve);
        c.kill("SIGTERM");
      });
    },
  };
  await server.start();
  return server;
}

/**
 * Signs in on the «Вход» screen from the keyboard (login, password, Enter) and waits for the
 * journal to open (the header names the teacher). `server` fills the address field when given.
 */
export async function signIn(driver, login, password, { server = null, timeout = 60000 } = {}) {
  const form = await driver.wait(until.elementLocated(By.css("[data-testid=signin-form]")), timeout,
    "the «Вход» screen appears");
  const loginInput = await form.findElement(By.css("[data-testid=signin-login]"));
  await loginInput.clear();
  await loginInput.sendKeys(login);
  if (server !== null) {
    const s = await form.findElement(By.css("[data-testid=signin-server]"));
    await s.clear();
    await s.sendKeys(server);
  }
  const pw = await form.findElement(By.css("[data-testid=signin-password]"));
  await pw.clear();
  await pw.sendKeys(password, Key.ENTER);
  let refused = null;
  await driver.wait(async () => {
    try {
      const names = await driver.findElements(By.css("[data-testid=teacher-name]"));
      if (names.length && (await names[0].getText()).trim()) return true;
      const errors = await driver.findElements(By.css("[data-testid=signin-error].message-error"));
      if (errors.length) refused = await errors[0].getText();
      return refused !== null;
    } catch {
      // the screen was re-rendered between finding and reading: look again
      return false;
    }
  }, timeout, `${login} signs in`);
  if (refused !== null) throw new Error(`sign-in refused: ${refused}`);
}

/** The screen as the X display shows it (WebDriver screenshots hang under Xvfb here). */
export async function screenshot(driver, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await driver.sleep(500);
  const file = path.join(SCREENSHOTS, name);
  execFileSync("import", ["-window", "root", file], { env: process.env, timeout: 20000 });
  return file;
}

/** Whether a file exists (for readable test conditions). */
export function exists(file) {
  return existsSync(file);
}

/** The `journal` CLI as `login` on another PC (data dir `dir`), its clock at `now`; its stdout. */
export function cli(dir, login, now, args) {
  return execFileSync(cliBinary(), ["--data-dir", dir, "--user", login, "--now", now, ...args], {
    env: { ...process.env, JOURNAL_PASSWORD: "demo" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60000,
  }).toString();
}

/** Finds `css` and does `fn` with it; the screen may be drawn anew meanwhile (a sync finishing
 *  redraws it), so a stale element is looked up again. */
export async function act(driver, css, fn, what) {
  let last = null;
  for (let i = 0; i < 20; i++) {
    try {
      const el = await driver.wait(until.elementLocated(By.css(css)), 30000, what);
      return await fn(el);
    } catch (e) {
      if (e.name !== "StaleElementReferenceError") throw e;
      last = e;
      await driver.sleep(300);
    }
  }
  throw last;
}

/** The text of `css`, looked up again if the screen was redrawn. */
export const textOf = (driver, css, what) => act(driver, css, (el) => el.getText(), what);

/** «Синхронизировать», then waits until nothing is left to send and the sync has ended. */
export async function waitSynced(driver) {
  await act(driver, "[data-testid=sync-now]", (el) => el.click(), "«Синхронизировать»");
  await driver.wait(async () => {
    try {
      const t = await driver.findElement(By.css("[data-testid=sync-pending]")).getText();
      const busy = await driver.findElement(By.css("[data-testid=sync-now]")).getAttribute("disabled");
      return t.trim() === "Всё отправлено" && busy === null;
    } catch {
      return false;
    }
  }, 60000, "the sync completes");
}

/** Clicks the element with `data-testid` = `id`, found again if the screen was redrawn meanwhile
 *  (the header is drawn anew when a background sync ends). */
export const click = (driver, id) => act(driver, `[data-testid=${id}]`, (el) => el.click(), `«${id}»`);

/**
 * The teacher's two PCs on one demo server: this app signed in on «Сегодня» (automatic sync off)
 * and the `journal` CLI signed in on another data dir. Runs `body({ driver, server, row, lessonId,
 * lesson, other })` — `row` the day's first lesson in the app, `lesson` that lesson as the other
 * PC reads it, `other(args)` a CLI command on the other PC — and stops both.
 */
export async function withTwoPCs(now, body) {
  const server = await startServer({ today: now.slice(0, 10) });
  const app = await startApp({ JOURNAL_NOW: now, JOURNAL_SERVER_URL: server.url, JOURNAL_SYNC_SECONDS: "3600" });
  const { driver } = app;
  try {
    await signIn(driver, "teacher", "demo");
    const table = await driver.wait(until.elementLocated(By.css("[data-testid=today-lessons]")), 30000);
    const row = (await table.findElements(By.css("[data-testid=lesson-row]")))[0];
    const lessonId = await row.getAttribute("data-lesson-id");
    const dir = mkdtempSync(path.join(tmpdir(), "journal-e2e-other-"));
    const other = (args) => cli(dir, "teacher", now, args);
    other(["--server", server.url, "login"]);
    const lesson = JSON.parse(other(["--json", "lesson", "--lesson", lessonId]));
    await body({ driver, server, row, lessonId, lesson, other });
  } finally {
    await app.stop();
    await server.stop();
  }
}
