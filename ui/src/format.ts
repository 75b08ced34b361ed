// Russian display of the backend's dates ("2026-10-05") and local times ("2026-10-05T08:30:00").
// Written out rather than through Intl so the text is the same on every WebKit build.

const WEEKDAYS = ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"];
const MONTHS_GENITIVE = [
  "января",
  "февраля",
  "марта",
  "апреля",
  "мая",
  "июня",
  "июля",
  "августа",
  "сентября",
  "октября",
  "ноября",
  "декабря",
];

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.slice(0, 10).split("-").map(Number);
  return [y, m, d];
}

/** «пятница, 27 ноября 2026» */
export function longDate(date: string): string {
  const [y, m, d] = parts(date);
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${weekday}, ${d} ${MONTHS_GENITIVE[m - 1]} ${y}`;
}

/** «27.11.2026» */
export function shortDate(date: string): string {
  const [y, m, d] = parts(date);
  return `${String(d).padStart(2, "0")}.${String(m).padStart(2, "0")}.${y}`;
}

/** «08:30» */
export function time(dateTime: string): string {
  return dateTime.slice(11, 16);
}

/** «27.11 в 08:30», or only «08:30» when it is on `today`. */
export function moment(dateTime: string, today: string): string {
  if (dateTime.slice(0, 10) === today.slice(0, 10)) return time(dateTime);
  const [, m, d] = parts(dateTime);
  return `${String(d).padStart(2, "0")}.${String(m).padStart(2, "0")} в ${time(dateTime)}`;
}

/** Russian plural: plural(3, "урок", "урока", "уроков") → «урока». */
export function plural(n: number, one: string, few: string, many: string): string {
  const n10 = n % 10;
  const n100 = n % 100;
  if (n10 === 1 && n100 !== 11) return one;
  if (n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14)) return few;
  return many;
}

/** Builds an element: h("td", {class: "x"}, "text", child). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined> = {},
  ...children: Array<Node | string | null | undefined | false>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}
