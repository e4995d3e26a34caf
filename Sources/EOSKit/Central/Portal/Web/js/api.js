// The central's REST and GraphQL APIs, with the signed-in user's token on every call.

import {accessToken} from "./session.js";

/** A refused or failed call: the HTTP status, the problem's detail, and any validation problems. */
export class APIError extends Error {
  constructor(status, detail, problems = []) {
    super(detail);
    this.status = status;
    this.problems = problems;
  }
}

let config = null;
let onUnauthorized = () => {};

/** Sets how tokens are renewed and what happens when the central refuses the token. */
export function configure(signInConfig, unauthorized) {
  config = signInConfig;
  onUnauthorized = unauthorized;
}

async function call(method, path, {body, type} = {}) {
  const token = await accessToken(config);
  const headers = {Accept: "application/json"};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (type) headers["Content-Type"] = type;
  let response;
  try {
    response = await fetch(path, {method, headers, body, cache: "no-store"});
  } catch (error) {
    throw new APIError(0, `the central cannot be reached (${error.message})`);
  }
  const text = await response.text();
  let value = null;
  try {
    value = text ? JSON.parse(text) : null;
  } catch {
    value = null;
  }
  if (!response.ok) {
    const detail = value?.detail ?? `HTTP ${response.status}`;
    const error = new APIError(response.status, detail, value?.problems ?? []);
    if (response.status === 401) onUnauthorized(error);
    throw error;
  }
  return value;
}

export const get = (path) => call("GET", path);
export const post = (path, body, type) => call("POST", path, {body, type});
export const remove = (path) => call("DELETE", path);

/** A GraphQL query's data; GraphQL errors become one APIError naming them all. */
export async function graphql(query, variables = {}) {
  const answer = await call("POST", "/graphql", {
    body: JSON.stringify({query, variables}), type: "application/json",
  });
  if (answer?.errors?.length) {
    throw new APIError(200, answer.errors.map((error) => error.message).join("; "));
  }
  return answer.data;
}
