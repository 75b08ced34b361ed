// Small DOM helpers shared by the screens: elements, tables, forms whose refusals appear beside the
// field they concern, and dialogs (Esc closes them, focus returns to the opener).

import { ApiFailure, institutionToday } from "./api";

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** The message of any failure, in Russian. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiFailure) return e.message;
  return "Непредвиденная ошибка в консоли: обновите страницу и повторите";
}

/** A notice: «error» (refusal), «ok» (done), «info». */
export function notice(kind: "error" | "ok" | "info", text: string, testid?: string): HTMLElement {
  return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": testid }, text);
}

export interface Column<T> {
  title: string;
  cell: (row: T) => Child | Child[];
  cls?: string;
}

/** A table, or the explanation `empty` when there are no rows. */
export function table<T>(rows: T[], columns: Column<T>[], empty: string, testid?: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty", "data-testid": testid ? `${testid}-empty` : null }, empty);
  const head = h("tr", {}, ...columns.map((c) => h("th", { scope: "col", class: c.cls }, c.title)));
  const body = rows.map((r) => {
    const tr = h("tr");
    for (const c of columns) {
      const v = c.cell(r);
      const td = h("td", { class: c.cls });
      for (const x of Array.isArray(v) ? v : [v]) if (x !== null && x !== undefined && x !== false) td.append(x);
      tr.append(td);
    }
    return tr;
  });
  return h("div", { class: "table-wrap" }, h("table", { class: "data", "data-testid": testid }, h("thead", {}, head), h("tbody", {}, ...body)));
}

export interface Field {
  name: string;
  label: string;
  type?: "text" | "password" | "date" | "number" | "select" | "checkbox" | "file" | "textarea";
  value?: string;
  checked?: boolean;
  required?: boolean;
  options?: { value: string; label: string }[];
  hint?: string;
  autocomplete?: string;
  min?: number;
}

export interface FormView {
  form: HTMLFormElement;
  value(name: string): string;
  checked(name: string): boolean;
  file(name: string): File | null;
  input(name: string): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  clearErrors(): void;
  /** Shows a refusal beside its field (by `fieldOfCode`), otherwise at the form's top. */
  showError(e: unknown): void;
  /** Shows that the form's change was made, at the form's top, scrolled into view. */
  done(text: string, testid: string): void;
}

export interface FormSpec {
  testid: string;
  fields: Field[];
  submit: string;
  /** Error code → field name, for refusals that concern one field. */
  fieldOfCode?: Record<string, string>;
  onSubmit: (f: FormView) => Promise<void>;
  extraButtons?: HTMLElement[];
  inline?: boolean;
}

export function formView(spec: FormSpec): FormView {
  const top = h("div", { class: "form-error-slot" });
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  const errors = new Map<string, HTMLElement>();
  const rows: HTMLElement[] = [];
  for (const f of spec.fields) {
    const id = `${spec.testid}-${f.name}`;
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (f.type === "select") {
      input = h("select", { id, name: f.name, required: f.required, "data-testid": id });
      for (const o of f.options || []) input.append(h("option", { value: o.value }, o.label));
      if (f.value !== undefined) input.value = f.value;
    } else if (f.type === "textarea") {
      input = h("textarea", { id, name: f.name, rows: 3, "data-testid": id });
      input.value = f.value || "";
    } else {
      input = h("input", {
        id,
        name: f.name,
        type: f.type || "text",
        required: f.required,
        autocomplete: f.autocomplete || "off",
        min: f.min,
        "data-testid": id,
      });
      if (f.type === "checkbox") (input as HTMLInputElement).checked = !!f.checked;
      else if (f.value !== undefined) input.value = f.value;
    }
    const err = h("span", { class: "field-error", id: `${id}-error`, role: "alert", "data-testid": `${id}-error` });
    input.setAttribute("aria-describedby", `${id}-error`);
    inputs.set(f.name, input);
    errors.set(f.name, err);
    const label = h("label", { for: id }, f.label, f.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null);
    const row =
      f.type === "checkbox"
        ? h("div", { class: "field field-check" }, input, label, err)
        : h("div", { class: "field" }, label, input, f.hint ? h("small", { class: "hint" }, f.hint) : null, err);
    rows.push(row);
  }
  const button = h("button", { type: "submit", class: "primary", "data-testid": `${spec.testid}-submit` }, spec.submit);
  const form = h(
    "form",
    { class: spec.inline ? "form form-inline" : "form", "data-testid": spec.testid, novalidate: true },
    top,
    h("div", { class: "fields" }, ...rows),
    h("div", { class: "actions" }, button, ...(spec.extraButtons || [])),
  );
  const view: FormView = {
    form,
    value: (n) => (inputs.get(n)?.value ?? "").trim(),
    checked: (n) => !!(inputs.get(n) as HTMLInputElement | undefined)?.checked,
    file: (n) => (inputs.get(n) as HTMLInputElement | undefined)?.files?.[0] ?? null,
    input: (n) => {
      const i = inputs.get(n);
      if (!i) throw new Error(`no field ${n}`);
      return i;
    },
    clearErrors() {
      top.replaceChildren();
      for (const e of errors.values()) e.textContent = "";
      for (const i of inputs.values()) i.removeAttribute("aria-invalid");
    },
    showError(e: unknown) {
      const code = e instanceof ApiFailure ? e.code : "";
      // A refusal that names its field (a policy) goes there; otherwise by its code.
      const named = e instanceof ApiFailure && e.field && errors.has(e.field) ? e.field : undefined;
      const field = named ?? spec.fieldOfCode?.[code];
      const slot = field ? errors.get(field) : undefined;
      if (field && slot) {
        slot.textContent = messageOf(e);
        inputs.get(field)?.setAttribute("aria-invalid", "true");
        inputs.get(field)?.focus();
      } else {
        top.replaceChildren(notice("error", messageOf(e), `${spec.testid}-error`));
        top.scrollIntoView({ block: "nearest" });
      }
    },
    done(text: string, testid: string) {
      top.replaceChildren(notice("ok", text, testid));
      top.scrollIntoView({ block: "nearest" });
    },
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    view.clearErrors();
    // Required fields are checked here so that each gets its message beside it.
    let missing = false;
    for (const f of spec.fields) {
      if (f.required && f.type !== "checkbox" && !view.value(f.name) && !(f.type === "file" && view.file(f.name))) {
        errors.get(f.name)!.textContent = "Заполните это поле";
        inputs.get(f.name)?.setAttribute("aria-invalid", "true");
        if (!missing) inputs.get(f.name)?.focus();
        missing = true;
      }
    }
    if (missing) return;
    button.disabled = true;
    try {
      await spec.onSubmit(view);
    } catch (e) {
      view.showError(e);
    } finally {
      button.disabled = false;
    }
  });
  return view;
}

/** A modal dialog: Esc or «Закрыть» closes it and focus returns to where it was. */
export function openDialog(title: string, testid: string, content: (close: () => void) => Node, onClose?: () => void): void {
  const opener = document.activeElement as HTMLElement | null;
  const dialog = h("dialog", { class: "dialog", "data-testid": testid, "aria-label": title });
  const close = () => dialog.close();
  dialog.append(
    h("div", { class: "dialog-head" }, h("h2", {}, title), h("button", { type: "button", class: "link", onclick: close, "data-testid": `${testid}-close` }, "Закрыть")),
    content(close),
  );
  dialog.addEventListener("close", () => {
    dialog.remove();
    opener?.focus();
    onClose?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector<HTMLElement>("input, select, textarea, button.primary");
  first?.focus();
}

export function button(label: string, onclick: () => void, testid?: string, cls = ""): HTMLButtonElement {
  return h("button", { type: "button", class: cls, onclick, "data-testid": testid }, label);
}

/** Offers a Blob as a download under `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export function ruDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/**
 * «дд.мм.гггг, чч:мм» in the institution's time: a timestamp that carries an offset (the server
 * gives times in the institution's zone, e.g. «…T05:08:00+03:00») is shown on that clock, whatever
 * the browser's zone; one without an offset is the institution's local time already. Only a time in
 * UTC («Z») falls back to the browser's zone.
 */
export function ruDateTime(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?([+-]\d{2}:?\d{2})?$/.exec(iso);
  if (m) return `${m[3]}.${m[2]}.${m[1]}, ${m[4]}:${m[5]}`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString("ru-RU", { dateStyle: "short", timeStyle: "short" });
}

/** Today in the institution, not in the browser's zone. */
export function today(): string {
  return institutionToday();
}
