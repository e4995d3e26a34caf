// One node: its workloads with restarts and health, what it reported, and its metrics as charts.

import {graphql} from "../api.js";
import {hostCharts} from "../chart.js";
import {facts, h, labelChips, table} from "../dom.js";
import {badge, time} from "../format.js";
import {hostLine, livenessLine} from "./site.js";

const QUERY = `query Node($id: String!, $since: DateTime) {
  node(id: $id) {
    id siteId liveness unknownSince lastSeen updatedAt labels { key value }
    capabilities { cpus memoryBytes storageBytes architecture runtimes }
    deployments {
      deployment generation state message observedAt reportedBy
      workloads { name state exitCode restarts health startedAt message }
    }
    metrics(since: $since) { name labels { key value } kind unit samples { timestamp value } }
  }
}`;

export default {
  title: ({id}) => `Node ${id}`,
  live: true,
  async load({id}) {
    const since = new Date(Date.now() - 30 * 60_000).toISOString();
    const {node} = await graphql(QUERY, {id, since});
    if (!node) throw Object.assign(new Error(`There is no node ${id}.`), {status: 404});
    return node;
  },
  render(node) {
    const workloads = node.deployments.flatMap((deployment) =>
      deployment.workloads.map((workload) => ({deployment, workload})));
    const charts = hostCharts(node.metrics, {staleAfterMs: 90_000});
    return [
      h("nav", {"aria-label": "Breadcrumb", class: "breadcrumb"}, h("a", {href: "#/"}, "Fleet"), " / ",
        node.siteId ? h("a", {href: `#/sites/${encodeURIComponent(node.siteId)}`}, `site ${node.siteId}`) : "attached to the central",
        " / node"),
      h("h1", {}, "Node ", node.id, " ", badge(node.liveness)),
      h("p", {class: ["liveness-line", node.liveness !== "Ready" && "is-stale"]}, livenessLine(node),
        node.liveness !== "Ready" ? " — what follows is what it last reported" : ""),
      facts([
        ["Site", node.siteId ?? "none (attached to the central)"],
        ["Labels", labelChips(node.labels)],
        ["Host", hostLine(node.capabilities)],
        ["Runtimes", node.capabilities?.runtimes?.join(", ")],
      ]),
      h("section", {"aria-labelledby": "workloads-title"},
        h("h2", {id: "workloads-title"}, "Workloads"),
        table(`Workloads on node ${node.id}`,
          ["Workload", "Deployment", "State", "Health", "Restarts", "Started", "Detail"],
          workloads.map(({deployment, workload}) => [
            workload.name,
            h("span", {}, h("a", {href: `#/deployments/${encodeURIComponent(deployment.deployment)}`}, deployment.deployment),
              ` generation ${deployment.generation} `, badge(deployment.state)),
            h("span", {}, badge(workload.state), workload.exitCode !== null && workload.exitCode !== undefined
              ? ` exit code ${workload.exitCode}` : ""),
            badge(workload.health),
            String(workload.restarts),
            time(workload.startedAt),
            workload.message ?? deployment.message ?? "",
          ]), {empty: "No workload is deployed to this node.", id: "node-workloads"})),
      h("section", {"aria-labelledby": "reports-title"},
        h("h2", {id: "reports-title"}, "Reports"),
        table(`What node ${node.id} last reported per deployment`, ["Deployment", "Generation", "State", "Observed", "Reported by"],
          node.deployments.map((deployment) => [
            deployment.deployment, String(deployment.generation), badge(deployment.state),
            time(deployment.observedAt), deployment.reportedBy,
          ]), {empty: "No reports yet."})),
      h("section", {"aria-labelledby": "node-metrics-title"},
        h("h2", {id: "node-metrics-title"}, "Metrics (last 30 minutes)"),
        charts.length ? h("div", {class: "charts"}, charts) : h("p", {class: "muted"}, "No telemetry from this node yet.")),
    ];
  },
};
