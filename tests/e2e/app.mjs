// Starts the real app through tauri-driver (which starts WebKitWebDriver, which starts the app) and
// hands back a selenium-webdriver session. Everything runs on 127.0.0.1 under the caller's X display
// (Xvfb in CI). Stopping ends the app, WebKitWebDriver and tauri-driver — the whole process group.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, Capabilities } from "selenium-webdriver";

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
async function waitForPort(port, ms) {
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
  throw new Error(`tauri-driver did not listen on ${port} within ${ms} ms`);
}

/**
 * Starts the app on a fresh data dir. `env` adds to the app's environment (JOURNAL_TODAY, …).
 * Returns { driver, dataDir, stop }.
 */
export async function startApp(env = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "journal-e2e-"));
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
    await waitForPort(port, 20000);
    await waitForPort(nativePort, 20000);
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
