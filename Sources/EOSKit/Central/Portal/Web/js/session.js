// Who is signed in: a bearer token kept in this tab's sessionStorage (gone when the tab closes), obtained by pasting
// it (the dev token of `eosd dev`) or by the OAuth 2.0 authorization code grant with PKCE against the central's
// OpenID Connect provider, and renewed with the refresh token before it expires.

const STORE = "eos.session";
const PENDING = "eos.pkce";

/** The portal's sign-in configuration, from GET /portal/config.json. */
export async function loadConfig() {
  const response = await fetch("/portal/config.json", {cache: "no-cache"});
  if (!response.ok) throw new Error(`the central did not say how to sign in (HTTP ${response.status})`);
  return response.json();
}

export function current() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) ?? "null");
  } catch {
    return null;
  }
}

function save(session) {
  sessionStorage.setItem(STORE, JSON.stringify(session));
}

export function signOut() {
  sessionStorage.removeItem(STORE);
}

/** Keeps a pasted token. */
export function useToken(token) {
  save({kind: "token", accessToken: token.trim()});
}

function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function randomText(length) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

async function discover(config) {
  const response = await fetch(`${config.issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider at ${config.issuer} did not describe itself (HTTP ${response.status})`);
  const discovery = await response.json();
  if (!discovery.authorization_endpoint || !discovery.token_endpoint) {
    throw new Error(`the identity provider at ${config.issuer} names no authorization or token endpoint`);
  }
  return discovery;
}

function redirectURI() {
  return `${location.origin}/`;
}

/** Sends the browser to the identity provider to sign in; it comes back to / with a code. */
export async function beginSignIn(config) {
  if (!crypto.subtle) throw new Error("this page is not in a secure context (HTTPS or localhost), so PKCE cannot be used");
  const discovery = await discover(config);
  const verifier = randomText(48);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const state = randomText(16);
  sessionStorage.setItem(PENDING, JSON.stringify({verifier, state, returnTo: location.hash || "#/"}));
  const url = new URL(discovery.authorization_endpoint);
  for (const [name, value] of Object.entries({
    response_type: "code", client_id: config.clientId, redirect_uri: redirectURI(), scope: config.scope ?? "openid",
    state, code_challenge: base64url(new Uint8Array(digest)), code_challenge_method: "S256",
  })) url.searchParams.set(name, value);
  location.assign(url.toString());
}

async function tokenRequest(endpoint, fields) {
  const response = await fetch(endpoint, {
    method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"},
    body: new URLSearchParams(fields),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) {
    throw new Error(`the identity provider refused: ${body.error_description ?? body.error ?? `HTTP ${response.status}`}`);
  }
  return body;
}

function sessionFrom(answer, previous = {}) {
  return {
    kind: "oidc", accessToken: answer.access_token, refreshToken: answer.refresh_token ?? previous.refreshToken,
    expiresAt: Date.now() + 1000 * (answer.expires_in ?? 300),
  };
}

/**
 * Finishes a sign-in when the address carries the provider's answer (?code= or ?error=): checks the state, trades
 * the code and the PKCE verifier for tokens, and clears the answer from the address. Returns the route to show, or
 * null when there was nothing to finish.
 */
export async function completeSignIn(config) {
  const query = new URLSearchParams(location.search);
  if (!query.has("code") && !query.has("error")) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null");
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", `/${pending?.returnTo ?? "#/"}`);
  // Only an answer to a sign-in this tab started is believed: anything else could be a link someone else wrote.
  if (!pending || pending.state !== query.get("state")) {
    throw new Error("sign-in failed: the answer does not belong to a sign-in started in this tab; start again");
  }
  if (query.has("error")) {
    throw new Error(`sign-in failed: ${query.get("error_description") ?? query.get("error")}`);
  }
  const discovery = await discover(config);
  const answer = await tokenRequest(discovery.token_endpoint, {
    grant_type: "authorization_code", code: query.get("code"), redirect_uri: redirectURI(),
    client_id: config.clientId, code_verifier: pending.verifier,
  });
  save(sessionFrom(answer));
  return pending.returnTo;
}

/**
 * The token to send now: an OIDC session about to expire (within 30 s) is renewed first with its refresh token.
 * Returns null when there is no usable session.
 */
export async function accessToken(config) {
  const session = current();
  if (!session) return null;
  if (session.kind !== "oidc" || session.expiresAt - Date.now() > 30_000) return session.accessToken;
  if (!session.refreshToken || config?.signIn !== "oidc") return session.accessToken;
  // One renewal at a time: a provider that rotates refresh tokens ends the session when one is used twice.
  renewal ??= renew(config, session).finally(() => {
    renewal = null;
  });
  return renewal;
}

let renewal = null;

async function renew(config, session) {
  try {
    const discovery = await discover(config);
    const answer = await tokenRequest(discovery.token_endpoint, {
      grant_type: "refresh_token", refresh_token: session.refreshToken, client_id: config.clientId,
    });
    save(sessionFrom(answer, session));
    return answer.access_token;
  } catch {
    return session.accessToken;  // the central's 401 then ends the session with its own words
  }
}
