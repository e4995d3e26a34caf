#!/usr/bin/env python3
"""A small OpenID Connect provider for EOS integration tests and local development.

NOT FOR PRODUCTION: users, passwords and keys live in memory and in a plain JSON file, there is no TLS, and the
/admin endpoints let anyone on loopback mint arbitrary tokens. It issues JWT access tokens shaped like Keycloak's,
over real HTTP, so the EOS token verifier (JWKS), `eosctl login` (device grant, client credentials) and the web
portal's browser sign-in (authorization code with PKCE) can be exercised against a separate process.

Run:
    python3 scripts/oidc-test-provider.py --config FILE [--host 127.0.0.1] [--port 0]
It binds, prints one line `listening http://HOST:PORT` to stdout, logs one line per request to stderr, and exits
cleanly on SIGTERM/SIGINT. The issuer is exactly `http://HOST:PORT`. Needs Python 3.11 and authlib 1.9 (whose JOSE
part is joserfc). A bad config exits with status 2 and a message naming the key.

Config (JSON; only "audience" and "clients" are required, defaults shown):
    {"audience": "eos", "extraAudiences": [],   # aud is a string, or a list when extraAudiences is not empty
     "accessTokenLifetime": 300, "refreshTokenLifetime": 1800, "keyType": "RSA",   # RSA (RS256) or EC (ES256)
     "deviceInterval": 5, "deviceCodeLifetime": 600,
     "clients": [{"id": "eosctl"},            # public: device grant, authorization code and refresh_token
                 {"id": "ci-robot", "secret": "s3cret", "realmRoles": ["eos-operator"], "clientRoles": {"eos": []}},
                 {"id": "eos-portal", "redirectUris": []}],   # absolute http(s) URLs accepted besides loopback ones
     "users": [{"username": "vera", "password": "pw", "realmRoles": ["eos-viewer"], "clientRoles": {}}]}

Endpoints (JSON answers; OAuth errors as {"error", "error_description"}, 400, or 401 for invalid_client; every
answer outside /admin carries `Access-Control-Allow-Origin: *` so a browser app on another origin can call them):
    OPTIONS any path but /admin/*            CORS preflight: 204, methods GET, POST, OPTIONS, headers Authorization,
                                             Content-Type, max age 600
    GET  /.well-known/openid-configuration   discovery document
    GET  /jwks                               public signing keys (every fetch is counted)
    POST /device/code                        RFC 8628 device authorization (form: client_id, scope)
    GET  /device[?user_code=X]               HTML form to approve or deny a user code
    POST /device                             form: user_code, username, password, action=approve|deny
    GET  /authorize                          RFC 6749 §4.1 with RFC 7636 PKCE: response_type=code, client_id,
                                             redirect_uri (any http://127.0.0.1|localhost|[::1][:port] URI, or one
                                             of the client's redirectUris), code_challenge (S256 only, required),
                                             code_challenge_method=S256, scope, state -> HTML sign-in form; a bad
                                             client_id or redirect_uri is a 400 text page, other errors redirect
                                             with error, error_description and state
    POST /authorize                          form: those parameters, username, password -> 303 to
                                             redirect_uri?code=CODE&state=STATE (one-time code, 60 s), or the form
                                             again with "Wrong username or password."
    POST /token                              grant_type authorization_code (code, redirect_uri, code_verifier) |
                                             client_credentials | refresh_token |
                                             urn:ietf:params:oauth:grant-type:device_code; client auth by HTTP
                                             Basic or client_id/client_secret form fields (public: client_id only)
Test control (only from loopback addresses, otherwise 403; no CORS):
    POST /admin/device/approve   {"user_code", "username", "action": "approve"|"deny"}, no password
    POST /admin/rotate-keys      {"keyType": "RSA"|"EC", "keepOld": false} -> {"kid"}; new tokens use the new key,
                                 /jwks keeps the old keys only with keepOld
    POST /admin/tokens           {"username" | "client", "claims": {...}, "remove": [...], "lifetime": 300,
                                 "header": {"kid": ...}} -> {"access_token"}; a user token (azp = "client" or the
                                 first client) or, with only "client", a service-account token; claims are set over
                                 the standard ones, then "remove" deletes
    POST /admin/config           {"accessTokenLifetime", "refreshTokenLifetime", "deviceInterval",
                                 "deviceCodeLifetime"} (any subset) changes them for later requests
    GET  /admin/stats            {"jwksFetches", "tokensIssued"} (tokensIssued counts /admin/tokens too)
"""

import argparse
import base64
import hashlib
import html
import ipaddress
import json
import secrets
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
GRANTS = ("authorization_code", "client_credentials", "refresh_token", DEVICE_GRANT)
ALGORITHMS = {"RSA": "RS256", "EC": "ES256"}
TUNABLE = ("accessTokenLifetime", "refreshTokenLifetime", "deviceInterval", "deviceCodeLifetime")
DEFAULTS = {"extraAudiences": [], "accessTokenLifetime": 300, "refreshTokenLifetime": 1800, "keyType": "RSA",
            "deviceInterval": 5, "deviceCodeLifetime": 600, "users": []}
SUBJECT_NAMESPACE = uuid.UUID("6f1b7a3e-5c2d-4e8f-9a0b-e05000000001")
USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"  # RFC 8628 §6.1: no vowels, no look-alikes
CODE_LIFETIME = 60  # seconds an authorization code can be redeemed
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
PKCE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")  # RFC 7636 §4.1
AUTHORIZE_PARAMETERS = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                        "code_challenge_method")
CORS_PREFLIGHT = (("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                  ("Access-Control-Allow-Headers", "Authorization, Content-Type"), ("Access-Control-Max-Age", "600"))


class ConfigError(Exception):
    """A bad config file: exit status 2."""


class OAuthError(Exception):
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


class AuthorizationError(OAuthError):
    """A bad client_id or redirect_uri at /authorize: a 400 page, never a redirect to that URI (RFC 6749 §4.1.2.1)."""


def http_url(uri):
    """An absolute http(s) URL in printable ASCII, without a fragment (RFC 6749 §3.1.2), and its parts."""
    if not isinstance(uri, str) or "#" in uri or not all(33 <= ord(c) < 127 for c in uri):
        return None
    try:
        url = urlsplit(uri)
        url.port  # raises ValueError for a bad port
    except ValueError:
        return None
    return url if url.scheme in ("http", "https") and url.hostname else None


def loopback_url(uri):
    url = http_url(uri)
    return url is not None and url.scheme == "http" and url.hostname in LOOPBACK_HOSTS


def pkce_shaped(value):
    """A code_verifier or code_challenge: 43 to 128 unreserved characters (RFC 7636 §4.1, §4.2)."""
    return 43 <= len(value) <= 128 and not set(value) - PKCE_CHARACTERS


def s256(verifier):
    """BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) without padding (RFC 7636 §4.2)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")


def with_query(uri, params):
    """uri with params added to its query (RFC 6749 §4.1.2: keep the query it has)."""
    separator = "" if uri.endswith(("?", "&")) else "&" if "?" in uri else "?"
    return uri + separator + urlencode(params)


def check_roles(owner, where):
    realm, clients = owner.setdefault("realmRoles", []), owner.setdefault("clientRoles", {})
    if not isinstance(realm, list) or not all(isinstance(r, str) for r in realm):
        raise ConfigError(f"{where}.realmRoles must be a list of strings")
    if not isinstance(clients, dict) or not all(
            isinstance(v, list) and all(isinstance(r, str) for r in v) for v in clients.values()):
        raise ConfigError(f"{where}.clientRoles must map client ids to lists of strings")


def check_number(config, key, minimum):
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{key} must be an integer >= {minimum}")


def load_config(path):
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read {path}: {error}")
    if not isinstance(config, dict):
        raise ConfigError("the config must be a JSON object")
    unknown = set(config) - set(DEFAULTS) - {"audience", "clients"}
    if unknown:
        raise ConfigError(f"unknown key {sorted(unknown)[0]}")
    config = {**DEFAULTS, **config}
    if not isinstance(config.get("audience"), str) or not config["audience"]:
        raise ConfigError("audience must be a non-empty string")
    extra = config["extraAudiences"]
    if not isinstance(extra, list) or not all(isinstance(a, str) and a for a in extra):
        raise ConfigError("extraAudiences must be a list of non-empty strings")
    for key in TUNABLE:
        check_number(config, key, 0 if key == "deviceInterval" else 1)
    if config["keyType"] not in ALGORITHMS:
        raise ConfigError('keyType must be "RSA" or "EC"')
    clients, users = config.get("clients"), config["users"]
    if not isinstance(clients, list) or not clients:
        raise ConfigError("clients must be a non-empty list")
    for i, client in enumerate(clients):
        if not isinstance(client, dict) or not isinstance(client.get("id"), str) or not client["id"]:
            raise ConfigError(f"clients[{i}].id must be a non-empty string")
        if not isinstance(client.get("secret", ""), str):
            raise ConfigError(f"clients[{i}].secret must be a string")
        uris = client.setdefault("redirectUris", [])
        if not isinstance(uris, list) or not all(http_url(u) for u in uris):
            raise ConfigError(f"clients[{i}].redirectUris must be a list of absolute http(s) URLs without fragments")
        check_roles(client, f"clients[{i}]")
    if len({c["id"] for c in clients}) != len(clients):
        raise ConfigError("clients: duplicate id")
    if not isinstance(users, list):
        raise ConfigError("users must be a list")
    for i, user in enumerate(users):
        if not isinstance(user, dict) or not isinstance(user.get("username"), str) or not user["username"]:
            raise ConfigError(f"users[{i}].username must be a non-empty string")
        if not isinstance(user.get("password"), str):
            raise ConfigError(f"users[{i}].password must be a string")
        check_roles(user, f"users[{i}]")
    config["clients"] = {c["id"]: c for c in clients}
    config["users"] = {u["username"]: u for u in users}
    return config


def new_key(key_type):
    params = {"use": "sig", "alg": ALGORITHMS[key_type]}
    key = (RSAKey.generate_key(2048, parameters=params, private=True) if key_type == "RSA"
           else ECKey.generate_key("P-256", parameters=params, private=True))
    key.ensure_kid()  # kid = the RFC 7638 thumbprint, new for every key
    return key


class Provider:
    """All state, behind one lock."""

    def __init__(self, config, issuer):
        self.config, self.issuer, self.lock = config, issuer, threading.Lock()
        self.keys = [new_key(config["keyType"])]  # the last one signs
        self.devices, self.user_codes, self.refresh_tokens, self.codes = {}, {}, {}, {}
        self.stats = {"jwksFetches": 0, "tokensIssued": 0}

    def discovery(self):
        i = self.issuer
        return {"issuer": i, "jwks_uri": f"{i}/jwks", "token_endpoint": f"{i}/token",
                "device_authorization_endpoint": f"{i}/device/code", "authorization_endpoint": f"{i}/authorize",
                "grant_types_supported": list(GRANTS), "code_challenge_methods_supported": ["S256"],
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
                "scopes_supported": ["openid", "profile", "email"]}

    def jwks(self):
        with self.lock:
            self.stats["jwksFetches"] += 1
            return {"keys": [k.as_dict(private=False) for k in self.keys]}

    def statistics(self):
        with self.lock:
            return dict(self.stats)

    def rotate(self, key_type, keep_old):
        key = new_key(key_type)
        with self.lock:
            self.keys = self.keys + [key] if keep_old else [key]
        return key.kid

    def authenticate(self, headers, form):
        """The client of a token or device request (RFC 6749 §2.3.1), or OAuthError invalid_client."""
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = headers.get("Authorization", "")
        if auth[:6].lower() == "basic ":
            try:
                user, _, password = base64.b64decode(auth[6:].strip(), validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                raise OAuthError("invalid_client", "malformed Basic credentials", 401)
            if client_id is not None and client_id != unquote_plus(user):
                raise OAuthError("invalid_request", "client_id differs from the Basic credentials")
            client_id, secret = unquote_plus(user), unquote_plus(password)
        client = self.config["clients"].get(client_id or "")
        if client is None:
            raise OAuthError("invalid_client", f"unknown client {client_id!r}", 401)
        if "secret" in client and not secrets.compare_digest(secret or "", client["secret"]):
            raise OAuthError("invalid_client", "wrong or missing client secret", 401)
        return client

    def mint(self, client_id, username=None, service_account=None, scope="profile email", lifetime=None,
             overrides=None, remove=(), header=None):
        """Signs an access token for a user or, with service_account (a client), for its service account."""
        if service_account is not None:
            owner, name = service_account, f"service-account-{service_account['id']}"
        else:
            owner, name = self.config["users"][username], username
        now = int(time.time())
        audiences = [self.config["audience"], *self.config["extraAudiences"]]
        claims = {
            "exp": now + (lifetime or self.config["accessTokenLifetime"]), "iat": now, "jti": str(uuid.uuid4()),
            "iss": self.issuer, "aud": audiences if len(audiences) > 1 else audiences[0],
            "sub": str(uuid.uuid5(SUBJECT_NAMESPACE, name if service_account else f"user:{name}")),
            "typ": "Bearer", "azp": client_id, "scope": scope, "preferred_username": name,
            "realm_access": {"roles": list(owner["realmRoles"])},
        }
        resource_access = {c: {"roles": list(r)} for c, r in owner["clientRoles"].items() if r}
        if resource_access:  # Keycloak leaves it out when empty
            claims["resource_access"] = resource_access
        if service_account is not None:
            claims["client_id"] = service_account["id"]  # Keycloak adds it to service-account tokens
        claims.update(overrides or {})
        for claim in remove:
            claims.pop(claim, None)
        with self.lock:
            key = self.keys[-1]
            self.stats["tokensIssued"] += 1
        protected = {"kid": key.kid, "typ": "JWT", **(header or {}), "alg": key.alg}
        return jwt.encode(protected, claims, key, algorithms=[key.alg])

    def token_answer(self, client_id, scope, username=None, service_account=None):
        answer = {"access_token": self.mint(client_id, username, service_account, scope), "token_type": "Bearer",
                  "expires_in": self.config["accessTokenLifetime"], "scope": scope}
        if username is not None:
            refresh = secrets.token_urlsafe(32)
            lifetime = self.config["refreshTokenLifetime"]
            with self.lock:
                self.refresh_tokens[refresh] = {"client": client_id, "username": username, "scope": scope,
                                                "expires": time.time() + lifetime}
            answer.update(refresh_token=refresh, refresh_expires_in=lifetime)
        return answer

    def device_code(self, client, form):
        device = secrets.token_urlsafe(32)
        letters = "".join(secrets.choice(USER_CODE_LETTERS) for _ in range(8))
        user_code = f"{letters[:4]}-{letters[4:]}"
        lifetime, interval = self.config["deviceCodeLifetime"], self.config["deviceInterval"]
        with self.lock:
            self.devices[device] = {"client": client["id"], "scope": form.get("scope") or "profile email",
                                    "user_code": user_code, "expires": time.time() + lifetime,
                                    "status": "pending", "username": None, "last_poll": None}
            self.user_codes[letters] = device
        return {"device_code": device, "user_code": user_code, "verification_uri": f"{self.issuer}/device",
                "verification_uri_complete": f"{self.issuer}/device?user_code={user_code}",
                "expires_in": lifetime, "interval": interval}

    def authorization_request(self, params):
        """The client of a GET or POST /authorize request (RFC 6749 §4.1.1, RFC 7636 §4.3). A bad client_id or
        redirect_uri raises AuthorizationError, any other problem OAuthError (to send back to redirect_uri)."""
        client, uri = self.config["clients"].get(params.get("client_id") or ""), params.get("redirect_uri")
        if client is None:
            raise AuthorizationError("invalid_request", f"unknown client {params.get('client_id')!r}")
        if not uri:
            raise AuthorizationError("invalid_request", "redirect_uri is missing")
        if not (loopback_url(uri) or (http_url(uri) and uri in client["redirectUris"])):
            raise AuthorizationError("invalid_request",
                                     f"redirect_uri {uri!r} is not allowed for client {client['id']!r}")
        if params.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "only response_type=code is supported")
        if params.get("code_challenge_method") != "S256":
            raise OAuthError("invalid_request", "code_challenge_method must be S256 (plain is not supported)")
        if not pkce_shaped(params.get("code_challenge") or ""):
            raise OAuthError("invalid_request", "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
        return client

    def authorization_code(self, client, params, username):
        """A one-time code for a signed-in user, bound to the authorization request (RFC 6749 §4.1.2)."""
        code, now = secrets.token_urlsafe(32), time.time()
        with self.lock:
            self.codes = {c: grant for c, grant in self.codes.items() if grant["expires"] > now}  # drop expired
            self.codes[code] = {"client": client["id"], "redirect_uri": params["redirect_uri"],
                                "challenge": params["code_challenge"], "username": username,
                                "scope": params.get("scope") or "profile email", "expires": now + CODE_LIFETIME,
                                "used": False, "refresh_token": None}
        return code

    def redeem(self, client, form):
        """The authorization code grant (RFC 6749 §4.1.3) with the PKCE check (RFC 7636 §4.6); a code is used up by
        its first token request, even a failed one."""
        verifier = form.get("code_verifier") or ""
        with self.lock:
            grant = self.codes.get(form.get("code") or "")
            if grant is None:
                raise OAuthError("invalid_grant", "unknown authorization code")
            if grant["used"]:
                self.refresh_tokens.pop(grant["refresh_token"] or "", None)  # RFC 6749 §4.1.2: revoke what it gave
                raise OAuthError("invalid_grant", "the authorization code was already used")
            grant["used"] = True
            if grant["expires"] < time.time():
                raise OAuthError("invalid_grant", "the authorization code has expired")
            if grant["client"] != client["id"]:
                raise OAuthError("invalid_grant", "the authorization code was issued to another client")
            if form.get("redirect_uri") != grant["redirect_uri"]:
                raise OAuthError("invalid_grant", "redirect_uri differs from the one in the authorization request")
            if not pkce_shaped(verifier):
                raise OAuthError("invalid_grant", "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
            if not secrets.compare_digest(s256(verifier), grant["challenge"]):
                raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        answer = self.token_answer(client["id"], grant["scope"], username=grant["username"])
        with self.lock:
            grant["refresh_token"] = answer["refresh_token"]
        return answer

    def decide(self, user_code, username, approve):
        """Approves or denies a pending user code; returns an error message or None."""
        normalized = "".join(c for c in (user_code or "").upper() if c.isalpha())
        if username not in self.config["users"]:
            return f"unknown user {username!r}"
        with self.lock:
            device = self.devices.get(self.user_codes.get(normalized, ""))
            if device is None or device["expires"] < time.time():
                return "unknown or expired user code"
            if device["status"] != "pending":
                return "this code was already used"
            device["status"], device["username"] = ("approved" if approve else "denied"), username
        return None

    def token(self, headers, form):
        grant = form.get("grant_type")
        if not grant:
            raise OAuthError("invalid_request", "grant_type is missing")
        if grant not in GRANTS:
            raise OAuthError("unsupported_grant_type", f"grant_type {grant!r} is not supported")
        client = self.authenticate(headers, form)
        if grant == "authorization_code":
            return self.redeem(client, form)
        if grant == "client_credentials":
            if "secret" not in client:
                raise OAuthError("unauthorized_client", "a public client cannot use client_credentials")
            return self.token_answer(client["id"], form.get("scope") or "profile email", service_account=client)
        if grant == "refresh_token":
            with self.lock:
                grant_state = self.refresh_tokens.pop(form.get("refresh_token") or "", None)
            if grant_state is None or grant_state["expires"] < time.time() or grant_state["client"] != client["id"]:
                raise OAuthError("invalid_grant", "unknown, used or expired refresh token")
            if grant_state["username"] not in self.config["users"]:
                raise OAuthError("invalid_grant", "the user no longer exists")
            return self.token_answer(client["id"], grant_state["scope"], username=grant_state["username"])
        code = form.get("device_code") or ""
        with self.lock:
            device, now = self.devices.get(code), time.monotonic()
            if device is None or device["client"] != client["id"]:
                raise OAuthError("invalid_grant", "unknown device code")
            if device["expires"] < time.time():
                raise OAuthError("expired_token", "the device code has expired")
            last, device["last_poll"] = device["last_poll"], now
            if last is not None and now - last < self.config["deviceInterval"]:
                raise OAuthError("slow_down", "polled sooner than the interval")
            if device["status"] == "denied":
                raise OAuthError("access_denied", "the user denied the request")
            if device["status"] == "pending":
                raise OAuthError("authorization_pending", "the user has not approved the request yet")
            del self.devices[code]  # approved: used up
            self.user_codes.pop(device["user_code"].replace("-", ""), None)
        return self.token_answer(client["id"], device["scope"], username=device["username"])

    def admin_tokens(self, body):
        clients, username, client_id = self.config["clients"], body.get("username"), body.get("client")
        if client_id is not None and client_id not in clients:
            raise OAuthError("invalid_request", f"unknown client {client_id!r}")
        if username is not None and username not in self.config["users"]:
            raise OAuthError("invalid_request", f"unknown user {username!r}")
        if username is None and client_id is None:
            raise OAuthError("invalid_request", "give username or client")
        claims, remove, header = body.get("claims", {}), body.get("remove", []), body.get("header", {})
        lifetime = body.get("lifetime")
        if not (isinstance(claims, dict) and isinstance(remove, list) and isinstance(header, dict)
                and (lifetime is None or isinstance(lifetime, int))):
            raise OAuthError("invalid_request", "claims and header are objects, remove a list, lifetime an integer")
        service_account = clients[client_id] if username is None else None
        token = self.mint(client_id or next(iter(clients)), username, service_account, lifetime=lifetime,
                          overrides=claims, remove=remove, header=header)
        return {"access_token": token}

    def admin_config(self, body):
        if not isinstance(body, dict) or set(body) - set(TUNABLE):
            raise OAuthError("invalid_request", f"only {', '.join(TUNABLE)} can be changed")
        try:
            for key in body:
                check_number(body, key, 0 if key == "deviceInterval" else 1)
        except ConfigError as error:
            raise OAuthError("invalid_request", str(error))
        with self.lock:
            self.config.update(body)
            return {key: self.config[key] for key in TUNABLE}


DEVICE_FORM = """<!doctype html><title>EOS test OIDC provider</title><h1>Approve a device</h1>
<form method="post" action="/device">
<p><label>Code <input name="user_code" value="{code}"></label></p>
<p><label>Username <input name="username"></label> <label>Password <input name="password" type="password"></label></p>
<p><button name="action" value="approve">Approve</button> <button name="action" value="deny">Deny</button></p>
</form>"""

LOGIN_FORM = """<!doctype html><title>EOS test OIDC provider</title><h1>Sign in to {client}</h1>{error}
<form method="post" action="/authorize">{hidden}
<p><label for="username">Username</label> <input id="username" name="username" value="{username}"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
<p><button id="sign-in" type="submit">Sign in</button></p>
</form>"""


def login_page(params, failed=False):
    hidden = "".join(f'\n<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
                     for name in AUTHORIZE_PARAMETERS if name in params)
    error = '\n<p id="error" role="alert">Wrong username or password.</p>' if failed else ""
    return LOGIN_FORM.format(client=html.escape(params["client_id"]), error=error, hidden=hidden,
                             username=html.escape(params.get("username", "")))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "eos-oidc-test-provider"
    provider: Provider  # set on the subclass made in main()

    def log_message(self, format, *args):
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def send(self, status, body, content_type="application/json", headers=()):
        data = (json.dumps(body) if content_type == "application/json" else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type if content_type == "application/json"
                         else f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if self.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        fields = parse_qs(self.raw_body.decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[0] for name, values in fields.items()}

    def json_body(self):
        try:
            value = json.loads(self.raw_body) if self.raw_body.strip() else {}
        except ValueError:
            raise OAuthError("invalid_request", "the body is not JSON")
        if not isinstance(value, dict):
            raise OAuthError("invalid_request", "the body must be a JSON object")
        return value

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_OPTIONS(self):
        self.dispatch("OPTIONS")

    def dispatch(self, method):
        self.raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))  # always: keep-alive
        url = urlsplit(self.path)
        path, query = url.path.rstrip("/") or "/", {k: v[0] for k, v in parse_qs(url.query).items()}
        self.cors = not path.startswith("/admin/")  # the admin endpoints stay loopback only, without CORS
        routes = {
            ("GET", "/.well-known/openid-configuration"): lambda: self.send(200, self.provider.discovery()),
            ("GET", "/jwks"): lambda: self.send(200, self.provider.jwks()),
            ("GET", "/authorize"): lambda: self.authorize(query),
            ("POST", "/authorize"): lambda: self.authorize(self.form()),
            ("GET", "/device"): lambda: self.send(200, DEVICE_FORM.format(
                code=html.escape(query.get("user_code", ""))), "text/html"),
            ("POST", "/device"): self.device_page,
            ("POST", "/device/code"): self.device_authorization,
            ("POST", "/token"): lambda: self.send(200, self.provider.token(self.headers, self.form()),
                                                  headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")]),
            ("POST", "/admin/device/approve"): self.admin_approve,
            ("POST", "/admin/rotate-keys"): self.admin_rotate,
            ("POST", "/admin/tokens"): lambda: self.send(200, self.provider.admin_tokens(self.json_body())),
            ("POST", "/admin/config"): lambda: self.send(200, self.provider.admin_config(self.json_body())),
            ("GET", "/admin/stats"): lambda: self.send(200, self.provider.statistics()),
        }
        try:
            if path.startswith("/admin/") and not ipaddress.ip_address(self.client_address[0]).is_loopback:
                return self.send(403, {"error": "forbidden", "error_description": "admin endpoints are loopback only"})
            if method == "OPTIONS" and self.cors:
                return self.preflight()
            route = routes.get((method, path))
            if route is None:
                known = any(p == path for _, p in routes)
                return self.send(405 if known else 404, {"error": "not_found" if not known else "method_not_allowed",
                                                         "error_description": f"{method} {path}"})
            route()
        except OAuthError as error:
            headers = [("WWW-Authenticate", 'Basic realm="eos-test"')] if error.status == 401 else []
            self.send(error.status, {"error": error.error, "error_description": error.description}, headers=headers)
        except Exception as error:  # a bug here must not kill the connection silently
            self.log_message("internal error: %r", error)
            self.send(500, {"error": "server_error", "error_description": str(error)})

    def preflight(self):
        """A CORS preflight (any OPTIONS outside /admin): the web portal calls discovery and /token from its origin."""
        self.send_response(204)
        for name, value in (("Access-Control-Allow-Origin", "*"), *CORS_PREFLIGHT):
            self.send_header(name, value)
        self.end_headers()

    def authorize(self, params):
        """GET shows the sign-in form for a valid request; POST checks the password and redirects with a code."""
        try:
            client = self.provider.authorization_request(params)
        except AuthorizationError as error:
            return self.send(400, f"{error.description}\n", "text/plain")
        except OAuthError as error:
            return self.redirect(params, error=error.error, error_description=error.description)
        if self.command == "GET":
            return self.send(200, login_page(params), "text/html", headers=[("Cache-Control", "no-store")])
        user = self.provider.config["users"].get(params.get("username", ""))
        password = params.get("password", "").encode()
        if user is None or not secrets.compare_digest(password, user["password"].encode()):
            return self.send(200, login_page(params, failed=True), "text/html", headers=[("Cache-Control", "no-store")])
        self.redirect(params, code=self.provider.authorization_code(client, params, user["username"]))

    def redirect(self, params, **answer):
        """303 to the checked redirect_uri with the answer and the request's state (RFC 6749 §4.1.2)."""
        if "state" in params:
            answer["state"] = params["state"]
        location = with_query(params["redirect_uri"], answer)
        self.send(303, "", "text/plain", headers=[("Location", location), ("Cache-Control", "no-store")])

    def device_authorization(self):
        form = self.form()
        client = self.provider.authenticate(self.headers, form)
        self.send(200, self.provider.device_code(client, form), headers=[("Cache-Control", "no-store")])

    def device_page(self):
        form = self.form()
        user = self.provider.config["users"].get(form.get("username", ""))
        if user is None or not secrets.compare_digest(form.get("password", ""), user["password"]):
            return self.send(400, "Wrong username or password.\n", "text/plain")
        approve = form.get("action", "approve") != "deny"
        error = self.provider.decide(form.get("user_code"), user["username"], approve)
        if error:
            return self.send(400, f"{error}\n", "text/plain")
        self.send(200, f"Device {'approved' if approve else 'denied'}; you can close this page.\n", "text/plain")

    def admin_approve(self):
        body = self.json_body()
        error = self.provider.decide(body.get("user_code"), body.get("username"), body.get("action") != "deny")
        if error:
            raise OAuthError("invalid_request", error)
        self.send(200, {"ok": True})

    def admin_rotate(self):
        body = self.json_body()
        key_type = body.get("keyType", self.provider.config["keyType"])
        if key_type not in ALGORITHMS:
            raise OAuthError("invalid_request", 'keyType must be "RSA" or "EC"')
        self.send(200, {"kid": self.provider.rotate(key_type, bool(body.get("keepOld", False)))})


def main():
    parser = argparse.ArgumentParser(description="OIDC provider for EOS tests and development (not for production)")
    parser.add_argument("--config", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"oidc-test-provider: bad config: {error}", file=sys.stderr)
        return 2

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # A parent may start this process with signals blocked (threads of some runtimes block them, and children
    # inherit the mask): unblock the two that stop it, or SIGTERM would stay pending forever.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    handler = type("BoundHandler", (Handler,), {})
    server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 128})  # default listen backlog: 5
    try:
        server = server_class((args.host, args.port), handler)
    except OSError as error:
        print(f"oidc-test-provider: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    issuer = f"http://{args.host}:{server.server_address[1]}"
    handler.provider = Provider(config, issuer)
    print(f"listening {issuer}", flush=True)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
