// The portal: signs the user in, routes #/… addresses to views, and keeps the shown view live by polling the
// central, marking what it shows as stale when the central stops answering.

import {configure, get} from "./api.js";
import {h, patch, show} from "./dom.js";
import {refreshTimes, relative, time} from "./format.js";
import * as session from "./session.js";
import deployView from "./views/deploy.js";
import deploymentView from "./views/deployment.js";
import fleetView from "./views/fleet.js";
import nodeView from "./views/node.js";
import siteView from "./views/site.js";

const REFRESH_MS = 3000;
const STALE_AFTER_MS = 10_000;

const main = document.getElementById("main");
const banner = document.getElementById("stale-banner");
const freshness = document.getElementById("freshness");
const announcer = document.getElementById("announcer");
const userBox = document.getElementById("user");
const deployLink = document.getElementById("nav-deploy");

const routes = [
  [/^#\/?$/, fleetView, () => ({})],
  [/^#\/sites\/([^/]+)$/, siteView, (match) => ({id: decodeURIComponent(match[1])})],
  [/^#\/nodes\/([^/]+)$/, nodeView, (match) => ({id: decodeURIComponent(match[1])})],
  [/^#\/deployments\/([^/]+)$/, deploymentView, (match) => ({name: decodeURIComponent(match[1])})],
  [/^#\/deploy$/, deployView, () => ({})],
];

const app = {
  config: null,
  user: null,
  shown: null,       // {view, params, data, settled}: settled once the central answered that it is not there
  lastGood: null,    // when the shown view last loaded
  failure: null,     // why the last load failed, when the central did not answer
  loadingFor: null,  // the shown view a load is under way for
  again: false,      // whether to load once more when the load under way ends
  bannerKey: null,   // what the stale banner says now, so it is rewritten (and announced) only when that changes
  /** Loads the shown view now, or right after the load under way. */
  async refresh() {
    if (app.loadingFor === app.shown) app.again = true;
    else await load(false);
  },
  /** Says `message` in the status line under the header until the next message or page. */
  announce(message, urgent = false) {
    announcer.textContent = message;
    announcer.classList.toggle("is-urgent", urgent);
    announcer.hidden = !message;
  },
  confirm(title, text, okLabel) {
    const dialog = document.getElementById("confirm");
    document.getElementById("confirm-title").textContent = title;
    document.getElementById("confirm-text").textContent = text;
    document.getElementById("confirm-ok").textContent = okLabel;
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), {once: true}));
  },
};

function resolve(hash) {
  for (const [pattern, view, params] of routes) {
    const match = pattern.exec(hash || "#/");
    if (!match) continue;
    try {
      return {view, params: params(match)};
    } catch {
      return null;  // a malformed escape in the address
    }
  }
  return null;
}

function signedOut(message) {
  session.signOut();
  app.user = null;
  app.shown = null;
  showSignIn(message);
}

function showSignIn(message) {
  userBox.replaceChildren();
  deployLink.hidden = true;
  banner.hidden = true;
  app.bannerKey = null;
  freshness.textContent = "";
  app.announce("");
  document.title = "Sign in · EOS";
  const tokenForm = h("form", {id: "token-form", class: "sign-in-form", onsubmit: async (event) => {
    event.preventDefault();
    const token = document.getElementById("token").value;
    if (!token.trim()) return;
    session.useToken(token);
    await start();
  }},
    h("div", {class: "field"}, h("label", {for: "token"}, "Access token"),
      h("input", {id: "token", name: "token", type: "password", autocomplete: "off", required: true,
        "aria-describedby": "token-help"})),
    h("p", {id: "token-help", class: "muted"}, app.config?.signIn === "oidc"
      ? "A bearer token for the central, such as a robot account's."
      : "The central's token: eosd dev prints it as \"dev token\"."),
    h("button", {id: "sign-in", type: "submit"}, "Sign in"));
  const oidc = app.config?.signIn === "oidc";
  show(main, [
    h("h1", {}, "Sign in to EOS"),
    message ? h("p", {id: "sign-in-error", class: "error", role: "alert"}, message) : null,
    oidc ? h("p", {}, h("button", {id: "sign-in-oidc", type: "button", class: "primary", onclick: async () => {
      try {
        await session.beginSignIn(app.config);
      } catch (error) {
        showSignIn(error.message);
      }
    }}, `Sign in with ${new URL(app.config.issuer).host}`)) : null,
    oidc ? h("details", {}, h("summary", {}, "Use an access token instead"), tokenForm) : tokenForm,
  ]);
  main.focus();
}

function showUser() {
  userBox.replaceChildren(
    h("span", {id: "user-name", title: `roles: ${app.user.roles.join(", ") || "none"}`}, app.user.name), " ",
    h("button", {id: "sign-out", type: "button", class: "link", onclick: () => signedOut(null)}, "Sign out"));
  deployLink.hidden = !app.user.permissions.includes("deploy");
}

function markFreshness() {
  const stale = Boolean(app.failure) && (!app.lastGood || Date.now() - app.lastGood > STALE_AFTER_MS);
  main.classList.toggle("is-stale", stale);
  const key = stale ? `${app.failure}|${app.lastGood}` : null;
  if (key !== app.bannerKey) {
    app.bannerKey = key;
    banner.hidden = !stale;
    if (stale) {
      banner.replaceChildren(h("strong", {}, "Stale: "), `the central is not answering (${app.failure}). `,
        ...(app.lastGood ? ["What you see was true ", time(new Date(app.lastGood).toISOString()), "."]
          : ["Nothing has loaded yet."]));
    }
  }
  freshness.classList.toggle("is-urgent", stale);
  if (stale) freshness.textContent = "Not updating";
  else if (app.shown?.view.live && app.lastGood && !app.shown.settled) {
    freshness.textContent = `Live · updated ${relative(new Date(app.lastGood))}`;
  } else freshness.textContent = "";
}

async function load(fresh) {
  const shown = app.shown;
  if (!shown || shown.settled || app.loadingFor === shown) return;
  app.loadingFor = shown;
  try {
    const data = shown.view.load ? await shown.view.load(shown.params, app) : null;
    if (app.shown !== shown || !app.user) return;
    shown.data = data;
    app.lastGood = Date.now();
    app.failure = null;
    if (fresh) {
      show(main, shown.view.render(data, shown.params, app));
      focusHeading();
    } else {
      patch(main, shown.view.render(data, shown.params, app));
    }
    refreshTimes(main);
  } catch (error) {
    if (app.shown !== shown || !app.user) return;
    if (error.status === 401) return;  // signed out already, with the central's reason
    if (error.status >= 400 && error.status < 500) {
      // The central answered: what was asked for is not there, or not for this user. Say so and stop asking.
      shown.settled = true;
      app.lastGood = Date.now();
      app.failure = null;
      show(main, [h("h1", {}, shown.view.title(shown.params)), h("p", {class: "error", id: "not-found"}, error.message),
        h("p", {}, h("a", {href: "#/"}, "Back to the fleet"))]);
      focusHeading();
    } else {
      app.failure = error.message;
      if (fresh) {
        show(main, [h("h1", {}, shown.view.title(shown.params)), h("p", {class: "error"}, error.message)]);
        focusHeading();
      }
    }
  } finally {
    if (app.loadingFor === shown) app.loadingFor = null;
    markFreshness();
    if (app.again && app.shown === shown) {
      app.again = false;
      load(false);
    }
  }
}

function focusHeading() {
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({preventScroll: true});
  }
}

async function route() {
  if (!app.user) return;
  const target = resolve(location.hash);
  const current = location.hash === "#/deploy" ? "#/deploy" : "#/";
  for (const link of document.querySelectorAll(".main-nav a")) {
    if (link.getAttribute("href") === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  app.lastGood = null;
  app.failure = null;
  app.again = false;
  app.announce(app.pendingAnnouncement ?? "");
  app.pendingAnnouncement = null;
  if (!target) {
    app.shown = null;
    show(main, [h("h1", {}, "Not found"), h("p", {}, `Nothing lives at ${location.hash}. `, h("a", {href: "#/"}, "Go to the fleet"))]);
    focusHeading();
    markFreshness();
    return;
  }
  app.shown = {...target, data: undefined, settled: false};
  document.title = `${target.view.title(target.params)} · EOS`;
  if (!target.view.live) {
    show(main, target.view.render(null, target.params, app));
    focusHeading();
    markFreshness();
    return;
  }
  show(main, [h("h1", {}, target.view.title(target.params)), h("p", {class: "loading"}, "Loading…")]);
  markFreshness();
  await load(true);
}

/** Announces `message` on the next page, after navigating there. */
app.announceNext = (message) => {
  app.pendingAnnouncement = message;
};

async function start() {
  try {
    app.user = await get("/me");
  } catch (error) {
    if (error.status === 401) return;  // signed out already, with the central's reason
    signedOut(error.status === 403
      ? `Signed in, but not allowed to read the fleet: ${error.message}`
      : `The central cannot be reached: ${error.message}`);
    return;
  }
  showUser();
  await route();
}

async function boot() {
  try {
    app.config = await session.loadConfig();
  } catch (error) {
    show(main, [h("h1", {}, "EOS"), h("p", {class: "error", role: "alert"}, error.message)]);
    return;
  }
  configure(app.config, (error) => signedOut(`The central refused the token: ${error.message}`));
  document.getElementById("skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  window.addEventListener("hashchange", route);
  setInterval(() => {
    if (!document.hidden && app.user && app.shown?.view.live) load(false);
    else if (app.user) markFreshness();
  }, REFRESH_MS);
  setInterval(() => refreshTimes(document.body), 15_000);
  try {
    const returnTo = await session.completeSignIn(app.config);
    if (returnTo) location.hash = returnTo;
  } catch (error) {
    showSignIn(error.message);
    return;
  }
  if (!session.current()) {
    showSignIn(null);
    return;
  }
  await start();
}

boot();
