// The console's client of journal-server's /api/v1 (same origin): a bearer token from the sign-in,
// the protocol header every API call carries, and every refusal as an ApiFailure with the server's
// code and Russian message.

import type { ApiErrorBody, ImportRowError, LoginResponse, UserInfo } from "./types";

/** journal_protocol::PROTOCOL_VERSION: the server refuses other versions with a clear message. */
export const PROTOCOL_VERSION = 6;
const PROTOCOL_HEADER = "x-journal-protocol";
const TOKEN_KEY = "journal-console-token";
const DEVICE_KEY = "journal-console-device";

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  /** The bad rows of a refused import file (422 import_rows_invalid). */
  readonly rows: ImportRowError[];
  /** The field a refusal names (a refused policy names its field). */
  readonly field: string | null;

  constructor(status: number, code: string, message: string, rows: ImportRowError[] = [], field: string | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.rows = rows;
    this.field = field;
  }
}

/** Called when the server asks for a password change (403 password_change_required). */
let onPasswordChangeRequired: () => void = () => {};
/** Called when the token is no longer valid (401). */
let onSignedOut: () => void = () => {};

export function onSessionEvents(handlers: { passwordChange: () => void; signedOut: () => void }) {
  onPasswordChangeRequired = handlers.passwordChange;
  onSignedOut = handlers.signedOut;
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A v4 UUID from getRandomValues (randomUUID needs a secure context; a LAN address is not one). */
function newUuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The browser's device id: the server records each sign-in's device. */
export function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = newUuid();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

interface CallOptions {
  body?: unknown;
  /** A raw body (a file) with its content type. */
  raw?: { data: Blob; type: string };
  query?: Record<string, string | number | boolean | null | undefined>;
}

async function send(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  let body: BodyInit | undefined;
  if (opts.raw) {
    headers["content-type"] = opts.raw.type;
    body = opts.raw.data;
  } else if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  let url = `/api/v1${path}`;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  let resp: Response;
  try {
    resp = await fetch(url, { method, headers, body });
  } catch {
    throw new ApiFailure(0, "network", "Сервер не отвечает: проверьте, что journal-server запущен, и повторите");
  }
  if (resp.ok) return resp;
  throw await failureOf(resp);
}

async function failureOf(resp: Response): Promise<ApiFailure> {
  let parsed: Partial<ApiErrorBody & { rows: ImportRowError[]; field: string }> = {};
  try {
    parsed = await resp.json();
  } catch {
    // not JSON: a proxy or an old server
  }
  const code = typeof parsed.code === "string" ? parsed.code : `http_${resp.status}`;
  // A route this server does not have yet (an older journal-server) is named as such.
  const message =
    resp.status === 404 && (code === "not_found" || code === "http_404")
      ? "На этом сервере нет этой функции — обновите journal-server"
      : typeof parsed.message === "string" && parsed.message
        ? parsed.message
        : `Сервер ответил ошибкой ${resp.status}`;
  const failure = new ApiFailure(resp.status, code, message, Array.isArray(parsed.rows) ? parsed.rows : [], typeof parsed.field === "string" ? parsed.field : null);
  if (code === "password_change_required") onPasswordChangeRequired();
  else if (resp.status === 401 && token()) onSignedOut();
  return failure;
}

export async function getJson<T>(path: string, query?: CallOptions["query"]): Promise<T> {
  return (await (await send("GET", path, { query })).json()) as T;
}

export async function sendJson<T>(method: "POST" | "PUT", path: string, body: unknown, query?: CallOptions["query"]): Promise<T> {
  const resp = await send(method, path, { body, query });
  const text = await resp.text();
  return (text ? JSON.parse(text) : null) as T;
}

export async function sendFile<T>(path: string, data: Blob, type: string, query?: CallOptions["query"]): Promise<T> {
  return (await (await send("POST", path, { raw: { data, type }, query })).json()) as T;
}

/** A file the server makes (PDF, backup) as a Blob. */
export async function download(method: "GET" | "POST", path: string, body?: unknown): Promise<Blob> {
  return await (await send(method, path, { body })).blob();
}

export async function login(loginName: string, password: string): Promise<LoginResponse> {
  const r = await sendJson<LoginResponse>("POST", "/auth/login", {
    login: loginName,
    password,
    device_id: deviceId(),
  });
  noteInstitutionDay(r.user.today);
  return r;
}

/** The signed-in user as the server sees them now (roles in force today). */
export async function currentUser(): Promise<UserInfo> {
  const u = await getJson<UserInfo>("/auth/me");
  noteInstitutionDay(u.today);
  return u;
}

/** Days from this browser's date to the institution's, as of the server's last word on it: a PC
 * whose clock is set to UTC, or a parent in another zone, is a day off around midnight. */
let dayOffset = 0;

function noteInstitutionDay(iso: string | undefined) {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (!m) return;
  const local = new Date();
  const there = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const here = Date.UTC(local.getFullYear(), local.getMonth(), local.getDate());
  dayOffset = Math.round((there - here) / 86400000);
}

/** Today in the institution (YYYY-MM-DD). */
export function institutionToday(): string {
  const d = new Date();
  d.setDate(d.getDate() + dayOffset);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** DELETE of a resource (204, no body). */
export async function sendDelete(path: string): Promise<void> {
  await send("DELETE", path);
}
