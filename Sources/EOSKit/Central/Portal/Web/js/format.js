// How times, quantities and states read: every time relative and absolute, every state with a word and a colour,
// never a colour alone.

import {h} from "./dom.js";

const absolute = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
  timeZoneName: "short",
});

/** "12 s ago", "3 min ago", "in 5 min". */
export function relative(date, now = Date.now()) {
  const seconds = Math.round((now - date.getTime()) / 1000);
  const magnitude = Math.abs(seconds);
  let text;
  if (magnitude < 5) return "just now";
  if (magnitude < 90) text = `${magnitude} s`;
  else if (magnitude < 90 * 60) text = `${Math.round(magnitude / 60)} min`;
  else if (magnitude < 36 * 3600) text = `${Math.round(magnitude / 3600)} h`;
  else text = `${Math.round(magnitude / 86400)} d`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

/** A <time> showing the relative time and the absolute one; app.js keeps the relative part current. */
export function time(iso) {
  if (!iso) return h("span", {class: "muted"}, "never");
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h("span", {}, iso);
  return h("time", {datetime: date.toISOString(), title: date.toISOString()},
    h("span", {class: "relative"}, relative(date)), " ",
    h("span", {class: "absolute"}, `(${absolute.format(date)})`));
}

/** Updates the relative part of every <time> under `root`. */
export function refreshTimes(root) {
  for (const element of root.querySelectorAll("time[datetime] .relative")) {
    element.textContent = relative(new Date(element.parentElement.getAttribute("datetime")));
  }
}

const units = ["B", "KiB", "MiB", "GiB", "TiB"];

/** 1536 -> "1.5 KiB". */
export function bytes(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  let index = 0;
  let scaled = value;
  while (Math.abs(scaled) >= 1024 && index < units.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  return `${scaled.toFixed(index === 0 || scaled >= 100 ? 0 : 1)} ${units[index]}`;
}

/** A metric's value in its unit: bytes, ratios as percentages, seconds, or a plain number. */
export function quantity(value, unit, name = "") {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (unit === "bytes" || name.endsWith("_bytes")) return bytes(value);
  if (unit === "bytes/s") return `${bytes(value)}/s`;
  if (unit === "ratio" || name.endsWith("_ratio")) return `${(value * 100).toFixed(1)} %`;
  if (unit === "seconds" || name.endsWith("_seconds") || name.endsWith("_seconds_total")) return `${value.toFixed(1)} s`;
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2).replace(/\.?0+$/, "");
}

const tones = {
  Ready: "good", Complete: "good", installed: "good", running: "good", healthy: "good", RolledBack: "note",
  Progressing: "busy", installing: "busy", pending: "idle", Paused: "note", removing: "busy", removed: "idle",
  Unknown: "warn", Degraded: "warn", unhealthy: "bad", exited: "warn", unknown: "idle",
  Offline: "bad", Failed: "bad", failed: "bad",
};

/** A state as a badge: its word, with a tone for colour. */
export function badge(state) {
  return h("span", {class: ["badge", `tone-${tones[state] ?? "idle"}`]}, state ?? "–");
}

/** How bad a state is, for "problems first" ordering: larger is worse. */
export function severity(state) {
  return {Failed: 5, Offline: 5, failed: 5, Degraded: 4, Unknown: 4, Paused: 3, Progressing: 2, installing: 2,
    pending: 1}[state] ?? 0;
}

/** "3 of 12". */
export function fraction(part, whole) {
  return `${part ?? 0} of ${whole ?? 0}`;
}
