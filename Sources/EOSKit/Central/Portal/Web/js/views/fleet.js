// The fleet at a glance: sites with their nodes' liveness, deployments by phase, problems first.

import {graphql} from "../api.js";
import {h, table} from "../dom.js";
import {badge, fraction, severity, time} from "../format.js";

const LIMIT = 500;

const QUERY = `query Fleet {
  sites(limit: ${LIMIT}) { id liveness unknownSince lastSeen nodeCount nodes { id liveness unknownSince lastSeen } }
  nodes(limit: ${LIMIT}) { id siteId liveness unknownSince lastSeen }
  deployments(limit: ${LIMIT}) {
    name generation strategy createdAt createdBy
    status { phase generation nodes { targeted installed installing pending failed unreachable }
             rollout { step steps reason rollbackOf } updatedAt }
  }
}`;

const LIVENESS = ["Ready", "Unknown", "Offline"];
const PHASES = ["Failed", "Degraded", "Paused", "Progressing", "RolledBack", "Complete"];

function count(items, key, values) {
  const counts = Object.fromEntries(values.map((value) => [value, 0]));
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function tiles(label, counts, id) {
  return h("section", {class: "tiles", "aria-labelledby": `${id}-title`, id},
    h("h2", {id: `${id}-title`}, label),
    h("ul", {}, Object.entries(counts).map(([state, number]) =>
      h("li", {class: ["tile", number > 0 && severity(state) >= 3 && "is-problem"]},
        h("span", {class: "tile-number"}, number), " ", badge(state)))));
}

function siteName(site) {
  if (site.direct) return "nodes attached to the central";
  return h("a", {href: `#/sites/${encodeURIComponent(site.id)}`}, site.id);
}

function problems(sites, deployments) {
  const items = [];
  for (const deployment of deployments) {
    const phase = deployment.status?.phase;
    if (["Failed", "Degraded"].includes(phase)) {
      items.push([severity(phase), h("li", {}, badge(phase), " deployment ",
        h("a", {href: `#/deployments/${encodeURIComponent(deployment.name)}`}, deployment.name),
        deployment.status.rollout.reason ? `: ${deployment.status.rollout.reason}` : "")]);
    }
  }
  for (const site of sites) {
    if (site.liveness !== "Ready") {
      items.push([severity(site.liveness), h("li", {}, badge(site.liveness), " site ",
        h("a", {href: `#/sites/${encodeURIComponent(site.id)}`}, site.id), " last heard ", time(site.lastSeen))]);
      continue;
    }
    const silent = site.nodes.filter((node) => node.liveness !== "Ready");
    if (silent.length > 0) {
      items.push([3, h("li", {}, badge("Unknown"), site.direct ? " " : " site ", siteName(site),
        `: ${fraction(silent.length, site.nodes.length)} nodes not ready (`,
        silent.slice(0, 5).map((node, index) => [index ? ", " : "",
          h("a", {href: `#/nodes/${encodeURIComponent(node.id)}`}, node.id)]),
        silent.length > 5 ? ", …" : "", ")")]);
    }
  }
  items.sort((a, b) => b[0] - a[0]);
  return h("section", {"aria-labelledby": "problems-title", id: "problems", class: ["problems", !items.length && "is-clear"]},
    h("h2", {id: "problems-title"}, "Problems"),
    items.length ? h("ul", {}, items.map(([, item]) => item)) : h("p", {class: "good-news"}, "No problems: every site is ready and no deployment is failing."));
}

function progress(status) {
  if (!status) return h("span", {class: "muted"}, "no status yet");
  const {targeted, installed} = status.nodes;
  const percent = targeted ? Math.round((100 * installed) / targeted) : 0;
  return h("span", {class: "progress-cell"},
    h("progress", {max: Math.max(targeted, 1), value: installed, "aria-label": `${percent}% installed`}),
    ` ${fraction(installed, targeted)} installed`,
    status.nodes.failed ? h("span", {class: "badge tone-bad"}, `${status.nodes.failed} failed`) : null,
    status.nodes.unreachable ? h("span", {class: "badge tone-warn"}, `${status.nodes.unreachable} unreachable`) : null);
}

function wave(deployment) {
  const rollout = deployment.status?.rollout;
  if (!rollout) return "–";
  if (rollout.rollbackOf) return `rollback of generation ${rollout.rollbackOf}, all at once`;
  return `${rollout.step} of ${rollout.steps} (${deployment.strategy})`;
}

export default {
  title: () => "Fleet",
  live: true,
  async load() {
    return graphql(QUERY);
  },
  render({sites: registered, nodes: firstNodes, deployments}) {
    // Nodes attached to the central directly, without a site, are shown as one more row of the sites table.
    const direct = firstNodes.filter((node) => !node.siteId);
    const sites = direct.length === 0 ? registered : [...registered, {
      id: "", direct: true, liveness: "Ready",
      lastSeen: direct.map((node) => node.lastSeen).sort().at(-1), nodes: direct,
    }];
    const nodes = sites.flatMap((site) => site.nodes);
    const truncated = registered.length === LIMIT || deployments.length === LIMIT || firstNodes.length === LIMIT;
    const orderedDeployments = [...deployments].sort((a, b) =>
      severity(b.status?.phase) - severity(a.status?.phase) || a.name.localeCompare(b.name));
    const orderedSites = [...sites].sort((a, b) => {
      const worst = (site) => Math.max(severity(site.liveness), ...site.nodes.map((node) => severity(node.liveness)));
      return worst(b) - worst(a) || a.id.localeCompare(b.id);
    });
    return [
      h("h1", {}, "Fleet"),
      truncated ? h("p", {class: "note", id: "truncated"}, `This page shows the first ${LIMIT} sites, nodes and ` +
        "deployments; eosctl and the REST API page through all of them.") : null,
      problems(sites, deployments),
      h("div", {class: "tile-row"},
        tiles("Sites", count(registered, (site) => site.liveness, LIVENESS), "site-tiles"),
        tiles("Nodes", count(nodes, (node) => node.liveness, LIVENESS), "node-tiles"),
        tiles("Deployments", count(deployments, (deployment) => deployment.status?.phase ?? "Progressing", PHASES),
          "deployment-tiles")),
      h("section", {"aria-labelledby": "deployments-title"},
        h("h2", {id: "deployments-title"}, "Deployments"),
        table("Deployments, problems first", ["Deployment", "Phase", "Generation", "Progress", "Wave", "Updated"],
          orderedDeployments.map((deployment) => [
            h("a", {href: `#/deployments/${encodeURIComponent(deployment.name)}`}, deployment.name),
            badge(deployment.status?.phase ?? "pending"),
            String(deployment.generation),
            progress(deployment.status),
            wave(deployment),
            time(deployment.status?.updatedAt ?? deployment.createdAt),
          ]), {empty: "No deployments yet.", id: "deployments-table"})),
      h("section", {"aria-labelledby": "sites-title"},
        h("h2", {id: "sites-title"}, "Sites"),
        table("Sites, problems first", ["Site", "Liveness", "Nodes ready", "Unknown", "Offline", "Last heard"],
          orderedSites.map((site) => {
            const counts = count(site.nodes, (node) => node.liveness, LIVENESS);
            return [
              siteName(site),
              badge(site.liveness),
              fraction(counts.Ready, site.nodes.length),
              String(counts.Unknown),
              String(counts.Offline),
              time(site.lastSeen),
            ];
          }), {empty: "No site has registered yet.", id: "sites-table"})),
    ];
  },
};
