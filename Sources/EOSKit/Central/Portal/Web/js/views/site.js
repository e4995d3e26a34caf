// One site: its Local Orchestrator, its nodes and what runs on them, and the site's metrics.

import {graphql} from "../api.js";
import {hostCharts} from "../chart.js";
import {facts, h, labelChips, table} from "../dom.js";
import {badge, bytes, severity, time} from "../format.js";

const QUERY = `query Site($id: String!, $since: DateTime) {
  site(id: $id) {
    id liveness unknownSince lastSeen endpoint labels { key value }
    capabilities { cpus memoryBytes storageBytes architecture runtimes }
    nodes {
      id liveness unknownSince lastSeen labels { key value }
      deployments { deployment generation state workloads { name state restarts health } observedAt }
    }
    metrics(since: $since) { name labels { key value } kind unit samples { timestamp value } }
  }
}`;

/** Since when a site's or node's liveness has been what it is, in words; `short` for a table cell. */
export function livenessLine(record, short = false) {
  if (record.liveness === "Ready") return short ? time(record.lastSeen) : ["last heard ", time(record.lastSeen)];
  return [`${record.liveness} since `, time(record.unknownSince ?? record.lastSeen)];
}

/** A host's capabilities in a line, or null when the host reported none. */
export function hostLine(capabilities) {
  if (!capabilities || !(capabilities.cpus > 0)) return null;
  return [`${capabilities.cpus} CPUs`, `${bytes(capabilities.memoryBytes)} memory`,
    capabilities.storageBytes > 0 ? `${bytes(capabilities.storageBytes)} storage` : null,
    capabilities.architecture || null].filter(Boolean).join(", ");
}

/** The workloads a node runs, as short text with their states. */
export function workloadSummary(deployments) {
  if (!deployments.length) return h("span", {class: "muted"}, "none");
  return h("ul", {class: "plain"}, deployments.map((deployment) => h("li", {},
    h("a", {href: `#/deployments/${encodeURIComponent(deployment.deployment)}`}, deployment.deployment),
    ` g${deployment.generation} `, badge(deployment.state),
    deployment.workloads.map((workload) => [" ", workload.name, " ", badge(workload.state),
      workload.restarts ? ` ${workload.restarts} restarts` : ""]))));
}

export default {
  title: ({id}) => `Site ${id}`,
  live: true,
  async load({id}) {
    const since = new Date(Date.now() - 30 * 60_000).toISOString();
    const {site} = await graphql(QUERY, {id, since});
    if (!site) throw Object.assign(new Error(`There is no site ${id}.`), {status: 404});
    return site;
  },
  render(site) {
    const nodes = [...site.nodes].sort((a, b) => severity(b.liveness) - severity(a.liveness) || a.id.localeCompare(b.id));
    const charts = hostCharts(site.metrics, {staleAfterMs: 90_000});
    return [
      h("nav", {"aria-label": "Breadcrumb", class: "breadcrumb"}, h("a", {href: "#/"}, "Fleet"), " / site"),
      h("h1", {}, "Site ", site.id, " ", badge(site.liveness)),
      h("p", {class: ["liveness-line", site.liveness !== "Ready" && "is-stale"]}, livenessLine(site)),
      facts([
        ["Local Orchestrator", site.endpoint],
        ["Labels", labelChips(site.labels)],
        ["Host", hostLine(site.capabilities)],
      ]),
      h("section", {"aria-labelledby": "nodes-title"},
        h("h2", {id: "nodes-title"}, `Nodes (${nodes.length})`),
        table(`Nodes of site ${site.id}, problems first`, ["Node", "Liveness", "Last heard", "Deployments and workloads"],
          nodes.map((node) => [
            h("a", {href: `#/nodes/${encodeURIComponent(node.id)}`}, node.id),
            badge(node.liveness),
            livenessLine(node, true),
            workloadSummary(node.deployments),
          ]), {empty: "No node has attached to this site yet.", id: "site-nodes"})),
      h("section", {"aria-labelledby": "site-metrics-title"},
        h("h2", {id: "site-metrics-title"}, "Metrics (sum over the site's nodes; ratios averaged)"),
        charts.length ? h("div", {class: "charts"}, charts) : h("p", {class: "muted"}, "No telemetry from this site yet.")),
    ];
  },
};
