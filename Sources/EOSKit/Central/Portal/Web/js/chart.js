// Metric charts as inline SVG: one line per series, its range and time span written out, and a text alternative
// that says what the line shows.

import {h} from "./dom.js";
import {quantity, relative} from "./format.js";

const WIDTH = 320;
const HEIGHT = 120;
const PAD = {left: 4, right: 4, top: 8, bottom: 8};

/**
 * The points a series draws: a gauge as it is; a counter as its rate per second between samples, skipping the
 * step where its source restarted (the total went down).
 */
export function points(series) {
  const samples = (series.samples ?? []).map((sample) => ({t: new Date(sample.timestamp).getTime(), v: sample.value}))
    .filter((point) => Number.isFinite(point.t) && Number.isFinite(point.v));
  if (series.kind !== "counter") return samples;
  const rates = [];
  for (let index = 1; index < samples.length; index += 1) {
    const [before, after] = [samples[index - 1], samples[index]];
    const seconds = (after.t - before.t) / 1000;
    if (seconds > 0 && after.v >= before.v) rates.push({t: after.t, v: (after.v - before.v) / seconds});
  }
  return rates;
}

/** The unit a series' points are in: a counter of bytes becomes bytes per second. */
export function pointUnit(series) {
  if (series.kind !== "counter") return series.unit ?? "";
  return series.name.includes("bytes") ? "bytes/s" : `${series.unit ?? ""}/s`;
}

/** A figure with a title, the latest value, and the line over time; `stale` marks a series that stopped. */
export function chart(title, series, {staleAfterMs = 60_000} = {}) {
  const data = points(series);
  const unit = pointUnit(series);
  const latest = data.at(-1);
  const stale = latest ? Date.now() - latest.t > staleAfterMs : true;
  const id = `chart-${series.name}-${(series.labels ?? []).map((label) => label.value).join("-")}`
    .replace(/[^A-Za-z0-9_-]/g, "_");
  const caption = h("figcaption", {},
    h("span", {class: "chart-title"}, title), " ",
    h("strong", {class: "chart-latest"}, latest ? quantity(latest.v, unit, series.name) : "no data"),
    latest && stale ? h("span", {class: "badge tone-warn"}, `stale: last sample ${relative(new Date(latest.t))}`) : null);
  if (data.length < 2) {
    return h("figure", {class: "chart", id}, caption, h("p", {class: "muted"}, "Not enough samples yet to draw a line."));
  }
  const times = data.map((point) => point.t);
  const values = data.map((point) => point.v);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  let [v0, v1] = [Math.min(0, ...values), Math.max(...values)];
  if (unit === "ratio" || series.name.endsWith("_ratio")) v1 = Math.max(v1, 1);
  if (v1 === v0) v1 = v0 + 1;
  const x = (t) => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - ((v - v0) / (v1 - v0)) * (HEIGHT - PAD.top - PAD.bottom);
  const line = data.map((point, index) => `${index ? "L" : "M"}${x(point.t).toFixed(1)},${y(point.v).toFixed(1)}`).join(" ");
  const description = `${title}: from ${quantity(Math.min(...values), unit, series.name)} to ` +
    `${quantity(Math.max(...values), unit, series.name)} over the last ${relative(new Date(t0)).replace(" ago", "")}, ` +
    `latest ${quantity(latest.v, unit, series.name)}`;
  return h("figure", {class: ["chart", stale && "is-stale"], id}, caption,
    h("svg:svg", {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": description, preserveAspectRatio: "none"},
      h("svg:title", {}, description),
      h("svg:line", {x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v0), y2: y(v0), class: "axis"}),
      h("svg:line", {x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v1), y2: y(v1), class: "grid"}),
      h("svg:path", {d: line, class: "line", fill: "none"})),
    h("div", {class: "chart-scale", "aria-hidden": "true"},
      h("span", {}, `max ${quantity(v1, unit, series.name)}`),
      h("span", {}, `${relative(new Date(t0))} → now`)));
}

/** The charts worth a look on a node or a site, in this order, when their series exist. */
export const HOST_CHARTS = [
  ["eos_host_cpu_utilization_ratio", "CPU"],
  ["eos_host_load", "Load"],
  ["eos_host_memory_available_bytes", "Memory available"],
  ["eos_host_filesystem_free_bytes", "Disk free"],
  ["eos_host_network_receive_bytes_total", "Network in"],
  ["eos_host_network_transmit_bytes_total", "Network out"],
  ["eos_workload_cpu_seconds_total", "Workload CPU"],
  ["eos_workload_memory_bytes", "Workload memory"],
];

/** Charts for the known series in `metrics`, one per labelled series (an interface, a workload). */
export function hostCharts(metrics, options) {
  const figures = [];
  for (const [name, title] of HOST_CHARTS) {
    for (const series of metrics.filter((candidate) => candidate.name === name)) {
      const detail = (series.labels ?? []).filter((label) => !["node", "site"].includes(label.key))
        .map((label) => label.value.length > 28 ? `…${label.value.slice(-27)}` : label.value).join(", ");
      figures.push(chart(detail ? `${title} (${detail})` : title, series, options));
    }
  }
  return figures;
}
