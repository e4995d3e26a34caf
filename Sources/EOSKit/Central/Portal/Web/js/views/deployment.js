// One deployment: its rollout's waves and progress, every targeted node's status, the audit log, and for operators
// pause, resume, rollback and removal.

import {graphql, post, remove} from "../api.js";
import {facts, h, labelChips, table} from "../dom.js";
import {badge, fraction, severity, time} from "../format.js";

const QUERY = `query Deployment($name: String!) {
  deployment(name: $name) {
    name generation strategy workloads spec createdAt createdBy labels { key value }
    status {
      phase generation updatedAt
      nodes { targeted installed installing pending failed unreachable }
      rollout { strategy step steps rollbackOf reason released }
      sites { id targeted installed failed unreachable observedAt }
      nodeStatuses { nodeId siteId state generation message observedAt workloads { name state restarts health } }
    }
    audit(last: 100) { sequence at actor action generation detail }
  }
}`;

function waves(deployment) {
  const status = deployment.status;
  let spec = {};
  try {
    spec = JSON.parse(deployment.spec);
  } catch {
    spec = {};
  }
  const {step, steps} = status.rollout;
  const finished = ["Complete", "RolledBack"].includes(status.phase);
  const shares = status.rollout.strategy === "Canary" ? spec.rollout?.steps ?? [] : [];
  const items = [];
  for (let wave = 1; wave <= steps; wave += 1) {
    const state = finished || wave < step ? "done" : wave === step ? "current" : "waiting";
    const share = shares[wave - 1];
    items.push(h("li", {class: `wave wave-${state}`, "aria-current": state === "current" ? "step" : false},
      h("span", {class: "wave-number"}, `Wave ${wave}`),
      share ? ` up to ${share} of the nodes` : "",
      " — ", state === "done" ? "done" : state === "current" ? (status.phase === "Paused" ? "paused" : "in progress") : "waiting"));
  }
  return h("ol", {class: "waves", "aria-label": "Rollout waves"}, items);
}

function controls(deployment, app) {
  const status = deployment.status;
  const can = (permission) => app.user.permissions.includes(permission);
  const name = deployment.name;
  const path = `/deployments/${encodeURIComponent(name)}`;
  const act = async (label, question, okLabel, call) => {
    if (!(await app.confirm(label, question, okLabel))) return;
    try {
      await call();
      app.announce(`${label} ${name}: done.`);
      await app.refresh();
    } catch (error) {
      app.announce(`${label} failed: ${error.message}`, true);
    }
  };
  const buttons = [];
  if (can("pause") && status?.phase === "Progressing") {
    buttons.push(h("button", {id: "pause", type: "button", onclick: () => act("Pause", `Hold the rollout of ${name} where it is?`,
      "Pause", () => post(`${path}/pause`))}, "Pause"));
  }
  if (can("resume") && status?.phase === "Paused") {
    buttons.push(h("button", {id: "resume", type: "button", onclick: () => act("Resume", `Continue the rollout of ${name}?`,
      "Resume", () => post(`${path}/resume`))}, "Resume"));
  }
  if (can("rollback") && deployment.generation > 1 && status?.phase !== "RolledBack") {
    buttons.push(h("button", {id: "rollback", type: "button", class: "danger", onclick: () => act("Roll back",
      `Return every node of ${name} to the generation before ${deployment.generation}, all at once?`, "Roll back",
      () => post(`${path}/rollback`))}, "Roll back"));
  }
  if (can("remove")) {
    buttons.push(h("button", {id: "remove", type: "button", class: "danger", onclick: () => act("Remove",
      `Remove ${name} from every node it runs on?`, "Remove", async () => {
        await remove(path);
      })}, "Remove"));
  }
  if (buttons.length === 0) return null;
  return h("div", {class: "actions", role: "group", "aria-label": "Rollout control"}, buttons);
}

export default {
  title: ({name}) => `Deployment ${name}`,
  live: true,
  async load({name}) {
    const {deployment} = await graphql(QUERY, {name});
    if (!deployment) throw Object.assign(new Error(`There is no deployment ${name}.`), {status: 404});
    return deployment;
  },
  render(deployment, params, app) {
    const status = deployment.status;
    const nodes = status?.nodes ?? {targeted: 0, installed: 0, installing: 0, pending: 0, failed: 0, unreachable: 0};
    const percent = nodes.targeted ? Math.round((100 * nodes.installed) / nodes.targeted) : 0;
    const statuses = [...(status?.nodeStatuses ?? [])].sort((a, b) =>
      severity(b.state) - severity(a.state) || a.nodeId.localeCompare(b.nodeId));
    return [
      h("nav", {"aria-label": "Breadcrumb", class: "breadcrumb"}, h("a", {href: "#/"}, "Fleet"), " / deployment"),
      h("h1", {}, deployment.name, " ", badge(status?.phase ?? "pending")),
      controls(deployment, app),
      h("section", {"aria-labelledby": "rollout-title", id: "rollout"},
        h("h2", {id: "rollout-title"}, `Rollout of generation ${deployment.generation}`),
        h("p", {class: "big-progress"},
          h("progress", {id: "rollout-progress", max: Math.max(nodes.targeted, 1), value: nodes.installed,
            "aria-label": `${percent}% of targeted nodes installed`}),
          h("span", {id: "rollout-percent", class: "percent"}, `${percent}%`), " ",
          `${fraction(nodes.installed, nodes.targeted)} nodes installed`),
        h("ul", {class: "counts", "aria-label": "Nodes by state"},
          ["installed", "installing", "pending", "failed", "unreachable"].map((state) =>
            h("li", {id: `count-${state}`}, h("strong", {}, String(nodes[state])), " ", state))),
        status ? waves(deployment) : null,
        facts([
          ["Strategy", `${status?.rollout.strategy ?? deployment.strategy}`],
          ["Released", status?.rollout.released !== null && status?.rollout.released !== undefined
            ? `${fraction(status.rollout.released, nodes.targeted)} nodes` : null],
          ["Rolls back", status?.rollout.rollbackOf ? `generation ${status.rollout.rollbackOf}` : null],
          ["Why", status?.rollout.reason],
          ["Updated", status ? time(status.updatedAt) : null],
          ["Posted", h("span", {}, time(deployment.createdAt), ` by ${deployment.createdBy}`)],
          ["Workloads", deployment.workloads.join(", ")],
          ["Labels", labelChips(deployment.labels)],
        ])),
      h("section", {"aria-labelledby": "per-site-title"},
        h("h2", {id: "per-site-title"}, "Per site"),
        table(`Sites ${deployment.name} targets`, ["Site", "Installed", "Failed", "Unreachable", "Last report"],
          (status?.sites ?? []).map((site) => [
            site.id === "central" ? "attached to the central" : h("a", {href: `#/sites/${encodeURIComponent(site.id)}`}, site.id),
            fraction(site.installed, site.targeted), String(site.failed), String(site.unreachable), time(site.observedAt),
          ]), {empty: "No site is targeted."})),
      h("section", {"aria-labelledby": "per-node-title"},
        h("h2", {id: "per-node-title"}, "Per node"),
        table(`Nodes ${deployment.name} targets, problems first`,
          ["Node", "Site", "State", "Generation", "Workloads", "Observed", "Detail"],
          statuses.map((report) => [
            h("a", {href: `#/nodes/${encodeURIComponent(report.nodeId)}`}, report.nodeId),
            report.siteId ?? "–",
            badge(report.state),
            report.generation === deployment.generation ? String(report.generation) : `${report.generation} (not yet ${deployment.generation})`,
            report.workloads.map((workload) => [workload.name, " ", badge(workload.state),
              workload.restarts ? ` ${workload.restarts} restarts ` : " "]),
            time(report.observedAt),
            report.message ?? "",
          ]), {empty: "No node has reported on this deployment yet.", id: "node-statuses"})),
      h("section", {"aria-labelledby": "audit-title"},
        h("h2", {id: "audit-title"}, "Audit log"),
        table(`Changes to ${deployment.name}, latest first`, ["When", "Who", "Action", "Generation", "Detail"],
          [...deployment.audit].reverse().map((entry) => [
            time(entry.at), entry.actor, entry.action, String(entry.generation), entry.detail,
          ]), {empty: "No audit entries.", id: "audit"})),
    ];
  },
};
