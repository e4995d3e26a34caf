// The deploy form: paste or load a FleetDeployment, see it checked by the central as you type with every problem at
// its line, then deploy it.

import {APIError, post} from "../api.js";
import {h} from "../dom.js";

const CHECK_DELAY_MS = 350;

function lineStart(text, line) {
  let index = 0;
  for (let current = 1; current < line && index !== -1; current += 1) {
    index = text.indexOf("\n", index);
    if (index !== -1) index += 1;
  }
  return index === -1 ? text.length : index;
}

export default {
  title: () => "Deploy",
  live: false,
  render(_data, _params, app) {
    if (!app.user.permissions.includes("deploy")) {
      return [h("h1", {}, "Deploy"), h("p", {id: "not-allowed"},
        `${app.user.name} may not deploy: that needs the eos-operator or eos-admin role.`)];
    }
    let checked = {text: null, ok: false};
    let sequence = 0;
    let timer = null;

    const gutter = h("ol", {class: "gutter", "aria-hidden": "true"});
    const editor = h("textarea", {
      id: "fleet-yaml", name: "fleet", rows: 22, spellcheck: "false", autocapitalize: "off", autocomplete: "off",
      wrap: "off", "aria-describedby": "validation", required: true,
      placeholder: "apiVersion: eos/v1\nkind: FleetDeployment\nmetadata:\n  name: …\nspec:\n  workloads: …",
    });
    const validation = h("div", {id: "validation", class: "validation", role: "status", "aria-live": "polite"},
      "Paste or load a FleetDeployment to check it.");
    const submit = h("button", {id: "deploy-submit", type: "submit", disabled: true}, "Deploy");
    const file = h("input", {id: "fleet-file", type: "file", accept: ".yaml,.yml,.json,application/yaml,application/json"});

    const drawGutter = (problemLines) => {
      const count = Math.max(1, editor.value.split("\n").length);
      gutter.replaceChildren(...Array.from({length: count}, (_, index) =>
        h("li", {class: problemLines.has(index + 1) ? "has-problem" : null}, String(index + 1))));
      gutter.scrollTop = editor.scrollTop;
    };

    const goTo = (line, column) => {
      const start = lineStart(editor.value, line);
      const end = editor.value.indexOf("\n", start);
      editor.focus();
      editor.setSelectionRange(start + Math.max(0, (column ?? 1) - 1), end === -1 ? editor.value.length : end);
      const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 20;
      editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
    };

    const show = (text, outcome) => {
      checked = {text, ok: outcome.ok};
      submit.disabled = !outcome.ok;
      const lines = new Set(outcome.problems.filter((problem) => problem.line).map((problem) => problem.line));
      drawGutter(lines);
      if (outcome.ok) {
        const {preview} = outcome;
        validation.className = "validation is-valid";
        validation.replaceChildren(h("p", {id: "validation-ok"}, "Valid. Deploying records ",
          h("strong", {}, preview.name), preview.changed
            ? ` generation ${preview.generation} (workloads: ${preview.workloads.join(", ")}).`
            : ` nothing new: generation ${preview.generation} already has this spec.`));
        return;
      }
      validation.className = "validation is-invalid";
      const problems = outcome.problems.length ? outcome.problems : [{message: outcome.detail}];
      validation.replaceChildren(
        h("p", {id: "validation-summary"}, problems.length === 1 ? "1 problem:" : `${problems.length} problems:`),
        h("ul", {id: "problems-list"}, problems.map((problem, index) => h("li", {class: "problem"},
          problem.line
            ? h("button", {type: "button", class: "link", id: `problem-${index}`, "data-line": problem.line,
              onclick: () => goTo(problem.line, problem.column)}, `Line ${problem.line}:${problem.column ?? 1}`)
            : null,
          " ", problem.path && problem.path !== "$" ? h("code", {}, problem.path) : null,
          problem.path && problem.path !== "$" ? ": " : "", problem.message))));
    };

    // Every edit starts a new check (sequence) and forgets the old answer; an answer is shown only while the editor
    // still holds the text it is about, so Deploy is never on for text the central has not checked.
    const check = async () => {
      clearTimeout(timer);
      const text = editor.value;
      if (!text.trim()) {
        checked = {text, ok: false};
        submit.disabled = true;
        validation.className = "validation";
        validation.replaceChildren("Paste or load a FleetDeployment to check it.");
        drawGutter(new Set());
        return;
      }
      const mine = ++sequence;
      validation.setAttribute("aria-busy", "true");
      try {
        const preview = await post("/deploy/fleet?dryRun=true", text, "application/yaml");
        if (mine === sequence && text === editor.value) show(text, {ok: true, preview, problems: []});
      } catch (error) {
        if (mine !== sequence || text !== editor.value) return;
        if (error instanceof APIError && error.status !== 0 && error.status < 500 && error.status !== 401) {
          show(text, {ok: false, problems: error.problems ?? [], detail: error.message});
        } else {
          validation.className = "validation is-invalid";
          validation.replaceChildren(`The central could not check it: ${error.message}`);
          submit.disabled = true;
        }
      } finally {
        if (mine === sequence) validation.removeAttribute("aria-busy");
      }
    };

    const schedule = () => {
      sequence += 1;
      checked = {text: null, ok: false};
      submit.disabled = true;
      drawGutter(new Set());
      clearTimeout(timer);
      timer = setTimeout(check, CHECK_DELAY_MS);
    };

    editor.addEventListener("input", schedule);
    editor.addEventListener("scroll", () => { gutter.scrollTop = editor.scrollTop; });
    file.addEventListener("change", async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      editor.value = await chosen.text();
      app.announce(`Loaded ${chosen.name}.`);
      schedule();
    });

    const form = h("form", {id: "deploy-form", class: "deploy-form", novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      const text = editor.value;
      if (checked.text !== text || !checked.ok) {
        await check();
        if (checked.text !== editor.value || !checked.ok) return;
      }
      submit.disabled = true;
      try {
        const accepted = await post("/deploy/fleet", text, "application/yaml");
        app.announceNext(`Deployed ${accepted.name} generation ${accepted.generation}.`);
        location.hash = `#/deployments/${encodeURIComponent(accepted.name)}`;
      } catch (error) {
        if (error.status >= 400 && error.status < 500) {
          show(text, {ok: false, problems: error.problems ?? [], detail: `The central refused it: ${error.message}`});
        } else {
          submit.disabled = false;  // the text is valid; the central was not there to take it
          app.announce(`Not deployed: ${error.message}. Try again.`, true);
        }
      }
    }},
      h("p", {}, "Paste a FleetDeployment in YAML or JSON, or load it from a file. The central checks it as you type; " +
        "a problem shows at its line, and Deploy stays off until there is none."),
      h("div", {class: "field"}, h("label", {for: "fleet-file"}, "Load from a file"), file),
      h("div", {class: "field"}, h("label", {for: "fleet-yaml"}, "FleetDeployment"),
        h("div", {class: "editor"}, gutter, editor)),
      validation,
      h("div", {class: "actions"}, submit));
    drawGutter(new Set());
    return [h("h1", {}, "Deploy a fleet"), form];
  },
};
