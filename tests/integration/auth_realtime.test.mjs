// Accounts and tokens over REST, then the real-time endpoint with the official
// Centrifugo JavaScript SDK (npm `centrifuge`) connecting with the access token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { startServer, assertCleanExit } from "./lib/server.mjs";

let server;
before(async () => {
  server = await startServer({ args: ["--set", "auth.login_attempts=5"] });
});
after(async () => assertCleanExit(assert, await server.stop()));

const api = (path, { method = "GET", body, token, headers = {} } = {}) =>
  fetch(server.url + path, {
    method,
    headers: {
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

async function signUp(username) {
  const password = `correct horse ${username} staple`;
  const reg = await api("/api/v1/auth/register", { method: "POST", body: { username, email: `${username}@example.com`, password } });
  assert.equal(reg.status, 201, await reg.clone().text());
  const login = await api("/api/v1/auth/login", { method: "POST", body: { username, password } });
  assert.equal(login.status, 200);
  return { password, ...(await login.json()) };
}

test("register, sign in, read /me, refresh rotates, reuse revokes the session", async () => {
  const alice = await signUp("alice");
  assert.equal(alice.token_type, "Bearer");
  assert.equal(alice.expires_in, 900);
  const me = await (await api("/api/v1/me", { token: alice.access_token })).json();
  assert.equal(me.username, "alice");
  assert.equal(me.email, "alice@example.com");

  const rotated = await api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: alice.refresh_token } });
  assert.equal(rotated.status, 200);
  const second = await rotated.json();
  assert.notEqual(second.refresh_token, alice.refresh_token);
  // The spent token comes back: the whole session ends, the newer token too.
  const reuse = await api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: alice.refresh_token } });
  assert.equal(reuse.status, 401);
  assert.match((await reuse.json()).detail, /already used/);
  const after = await api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: second.refresh_token } });
  assert.equal(after.status, 401);
});

test("bad input is refused with a clear problem and changes nothing", async () => {
  const cases = [
    [{ username: "bob", email: "bob@example.com", password: "password123" }, 422, /commonly used/],
    [{ username: "bob", email: "bob@example.com", password: "short" }, 422, /at least 8/],
    [{ username: "b", email: "bob@example.com", password: "a long enough secret" }, 422, /username/],
    [{ username: "bob", email: "not-an-email", password: "a long enough secret" }, 422, /email/],
    [{ username: "bob", email: "bob@example.com", password: "a long enough secret", role: "admin" }, 422, /unknown field "role"/],
    [{ username: 7, email: "bob@example.com", password: "a long enough secret" }, 422, /must be a string/],
    [["not", "an", "object"], 422, /JSON object/],
  ];
  for (const [body, status, detail] of cases) {
    const res = await api("/api/v1/auth/register", { method: "POST", body });
    assert.equal(res.status, status, JSON.stringify(body));
    assert.match(res.headers.get("content-type"), /problem\+json/);
    assert.match((await res.json()).detail, detail, JSON.stringify(body));
  }
  let res = await api("/api/v1/auth/register", { method: "POST", body: "{\"username\":" });
  assert.equal(res.status, 400);
  res = await api("/api/v1/auth/register", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } });
  assert.equal(res.status, 415);
  await signUp("carol");
  res = await api("/api/v1/auth/register", { method: "POST", body: { username: "CAROL", email: "c2@example.com", password: "another long secret" } });
  assert.equal(res.status, 409, "usernames are case-insensitive");
  const login = await api("/api/v1/auth/login", { method: "POST", body: { username: "bob", password: "a long enough secret" } });
  assert.equal(login.status, 401, "no account was created by the refused requests");
});

test("unknown users and wrong passwords get the same answer; repeated attempts are throttled", async () => {
  await signUp("dave");
  const wrong = await api("/api/v1/auth/login", { method: "POST", body: { username: "dave", password: "wrong password!!" } });
  const unknown = await api("/api/v1/auth/login", { method: "POST", body: { username: "nobody", password: "wrong password!!" } });
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  const a = await wrong.json();
  const b = await unknown.json();
  assert.equal(a.detail, b.detail);
  assert.equal(a.type, b.type);
  let throttled;
  for (let i = 0; i < 10 && !throttled; i++) {
    const r = await api("/api/v1/auth/login", { method: "POST", body: { username: "dave", password: "wrong password!!" } });
    if (r.status === 429) throttled = r;
  }
  assert.ok(throttled, "429 after the configured attempts");
  assert.ok(Number(throttled.headers.get("retry-after")) >= 1);
});

test("forged and missing tokens are refused", async () => {
  let res = await api("/api/v1/me");
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("www-authenticate"), "Bearer");
  const alg_none = `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString("base64url")}.${Buffer.from('{"sub":"x"}').toString("base64url")}.`;
  res = await api("/api/v1/me", { token: alg_none });
  assert.equal(res.status, 401);
  const jwks = await (await api("/.well-known/jwks.json")).json();
  assert.equal(jwks.keys[0].kty, "OKP");
  assert.equal(jwks.keys[0].crv, "Ed25519");
  assert.equal(jwks.keys[0].d, undefined, "no private part");
});

test("sessions are listed per user, and one user cannot end another's", async () => {
  const frank = await signUp("frank");
  const second = await (await api("/api/v1/auth/login", { method: "POST", body: { username: "frank", password: frank.password }, headers: { "User-Agent": "phone" } })).json();
  const grace = await signUp("grace");
  const list = await (await api("/api/v1/auth/sessions", { token: frank.access_token })).json();
  assert.equal(list.items.length, 2);
  assert.equal(list.items.filter((s) => s.current).length, 1);
  const phone = list.items.find((s) => s.user_agent === "phone");
  assert.ok(phone && !phone.current);
  // Grace tries to end Frank's session: same answer as for an id that does not exist.
  let res = await api(`/api/v1/auth/sessions/${phone.id}`, { method: "DELETE", token: grace.access_token });
  assert.equal(res.status, 404);
  res = await api("/api/v1/auth/sessions/does-not-exist", { method: "DELETE", token: grace.access_token });
  assert.equal(res.status, 404);
  assert.equal((await (await api("/api/v1/auth/sessions", { token: frank.access_token })).json()).items.length, 2, "nothing changed");
  // Frank ends his phone session: its refresh token stops working.
  res = await api(`/api/v1/auth/sessions/${phone.id}`, { method: "DELETE", token: frank.access_token });
  assert.equal(res.status, 204);
  res = await api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: second.refresh_token } });
  assert.equal(res.status, 401);
  assert.equal((await (await api("/api/v1/auth/sessions", { token: frank.access_token })).json()).items.length, 1);
});

function connect(token) {
  return new Centrifuge(`ws://127.0.0.1:${server.port}/connection/websocket`, { websocket: WebSocket, token, minReconnectDelay: 100 });
}

test("the centrifuge SDK connects with the access token and gets its personal channel", async () => {
  const erin = await signUp("erin");
  const me = await (await api("/api/v1/me", { token: erin.access_token })).json();
  const client = connect(erin.access_token);
  const connected = new Promise((resolve) => client.on("connected", resolve));
  const subscribed = new Promise((resolve) => client.on("subscribed", resolve));
  client.connect();
  const ctx = await connected;
  assert.ok(ctx.client);
  const sub = await subscribed;
  assert.equal(sub.channel, `user#${me.id}`);
  // Presence of the personal channel: exactly this client.
  const stats = await client.presenceStats(`user#${me.id}`);
  assert.equal(stats.numClients, 1);
  // Someone else's personal channel is refused.
  // The SDK ends a subscription the server refuses for good with the server's code.
  const other = client.newSubscription("user#somebody-else");
  const refused = new Promise((resolve) => other.on("unsubscribed", resolve));
  other.subscribe();
  assert.equal((await refused).code, 103, "permission denied");
  // A namespace nobody owns.
  const nowhere = client.newSubscription("nowhere:1");
  const unknown = new Promise((resolve) => nowhere.on("unsubscribed", resolve));
  nowhere.subscribe();
  assert.equal((await unknown).code, 102, "unknown channel");
  client.disconnect();
});

test("an invalid connection token is refused and the SDK reports it", async () => {
  const client = connect("not-a-token");
  const disconnected = new Promise((resolve) => client.on("disconnected", resolve));
  client.connect();
  const ctx = await disconnected;
  assert.equal(ctx.code, 3500);
  client.disconnect();
});
