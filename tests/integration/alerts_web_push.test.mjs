// Web Push end to end, on both database backends. No real push service can exist
// here (they are Google's, Mozilla's, Apple's servers on the internet), so a local
// HTTPS server stands in for one: it checks what a push service checks (the VAPID
// token's ES256 signature against the `k` key, its aud, exp and sub) and decrypts
// the body with the subscription's private key as the browser would (RFC 8291,
// written here independently with node:crypto). A 500 is retried, a 410 removes the
// subscription. Subscriptions are strict (https only, keys on the curve) and private
// to their owner.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import https from "node:https";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, assertCleanExit, sleep } from "./lib/server.mjs";
import { apiClient, signUp } from "./lib/accounts.mjs";

const backends = [["SQLite", {}]];
if (process.env.TRADECHAT_TEST_DATABASE_URL) {
  backends.push([
    "PostgreSQL + Redis + NATS",
    {
      TRADECHAT_DATABASE_URL: process.env.TRADECHAT_TEST_DATABASE_URL,
      TRADECHAT_REDIS_URL: process.env.TRADECHAT_TEST_REDIS_URL,
      TRADECHAT_NATS_URL: process.env.TRADECHAT_TEST_NATS_URL,
    },
  ]);
}

const fastMarket = { TRADECHAT_MARKET_SIMULATOR_TICK_INTERVAL: "20ms", TRADECHAT_MARKET_SIMULATOR_HISTORY_DAYS: "30" };
const b64 = (buf) => Buffer.from(buf).toString("base64url");
const unb64 = (text) => Buffer.from(text, "base64url");

// A certificate for 127.0.0.1 that the server is told to trust (alerts.web_push.ca_file).
function selfSignedCertificate() {
  const dir = mkdtempSync(join(tmpdir(), "tc-push-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const r = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  return { key: readFileSync(key), cert: readFileSync(cert), certFile: cert };
}

// The browser's side of RFC 8291: decrypt an aes128gcm body with the UA's keys.
function decryptPush(body, ua) {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const sealed = body.subarray(21 + idlen);
  assert.equal(rs, 4096);
  assert.equal(idlen, 65);
  const ecdhSecret = ua.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), ua.publicKey, asPublic]);
  const ikm = Buffer.from(crypto.hkdfSync("sha256", ecdhSecret, ua.auth, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(crypto.hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = crypto.createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  let plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  assert.equal(plain[end - 1], 2, "the last record's delimiter");
  plain = plain.subarray(0, end - 1);
  return JSON.parse(plain.toString("utf8"));
}

// What a push service checks in `Authorization: vapid t=<jwt>, k=<key>`.
function checkVapid(header, origin) {
  const m = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  assert.ok(m, `vapid authorization: ${header}`);
  const [token, k] = [m[1], m[2]];
  const [h, c, s] = token.split(".");
  assert.deepEqual(JSON.parse(unb64(h)), { typ: "JWT", alg: "ES256" });
  const claims = JSON.parse(unb64(c));
  assert.equal(claims.aud, origin);
  assert.equal(claims.sub, "mailto:ops@tradechat.test");
  const now = Date.now() / 1000;
  assert.ok(claims.exp > now && claims.exp <= now + 24 * 3600, `exp within 24 h: ${claims.exp}`);
  const point = unb64(k);
  assert.equal(point.length, 65);
  const key = crypto.createPublicKey({
    key: { kty: "EC", crv: "P-256", x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) },
    format: "jwk",
  });
  const ok = crypto.verify("sha256", Buffer.from(`${h}.${c}`), { key, dsaEncoding: "ieee-p1363" }, unb64(s));
  assert.ok(ok, "the ES256 signature verifies with k");
  return k;
}

// The stand-in push service: /push/<name> answers per `script[name]` (a list of
// statuses, the last repeating) and records every request.
async function startPushService(tls, script) {
  const requests = [];
  const waiters = [];
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks = [];
    req.on("data", (d) => chunks.push(d));
    req.on("end", () => {
      const name = req.url.split("/").pop();
      const seen = requests.filter((r) => r.name === name).length;
      const statuses = script[name] ?? [201];
      requests.push({ name, method: req.method, headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = statuses[Math.min(seen, statuses.length - 1)];
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  const origin = `https://127.0.0.1:${server.address().port}`;
  return {
    origin,
    endpoint: (name) => `${origin}/push/${name}`,
    requests,
    async waitFor(predicate) {
      while (!predicate(requests)) await new Promise((res) => waiters.push(res));
    },
    stop: () => new Promise((res) => server.close(res)),
  };
}

function userAgent() {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return { ecdh, auth, publicKey: ecdh.getPublicKey(), keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) } };
}

async function crossingExpression(api, symbol, token) {
  const quote = await api(`/api/v1/instruments/${symbol}/quote`, { token });
  assert.equal(quote.status, 200, quote.text);
  const last = quote.json.last;
  const step = last * 1e-6;
  return `price crosses_above ${last + step} or price crosses_below ${last - step}`;
}

async function waitUntil(read, predicate) {
  for (;;) {
    const value = await read();
    if (predicate(value)) return value;
    await sleep(50);
  }
}

function problem(res, status) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get("content-type"), /^application\/problem\+json/);
  return res.json;
}

const tls = selfSignedCertificate();

for (const [backend, env] of backends) {
  describe(`web push on ${backend}`, () => {
    let server;
    let api;
    let push;
    before(async () => {
      if (env.TRADECHAT_DATABASE_URL) {
        const reset = spawnSync("psql", [env.TRADECHAT_DATABASE_URL, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], {
          encoding: "utf8",
        });
        assert.equal(reset.status, 0, reset.stderr);
        const flush = spawnSync("redis-cli", ["-u", env.TRADECHAT_REDIS_URL, "FLUSHDB"], { encoding: "utf8" });
        assert.equal(flush.status, 0, flush.stderr);
      }
      push = await startPushService(tls, { flaky: [500, 201], gone: [410] });
      server = await startServer({
        env: {
          ...env,
          ...fastMarket,
          TRADECHAT_ALERTS_WEB_PUSH_ALLOW_PRIVATE: "true",
          TRADECHAT_ALERTS_WEB_PUSH_CA_FILE: tls.certFile,
          TRADECHAT_ALERTS_WEB_PUSH_SUBJECT: "mailto:ops@tradechat.test",
          TRADECHAT_ALERTS_WEBHOOK_RETRY_BASE: "50ms",
        },
      });
      api = apiClient(server.url);
    });
    after(async () => {
      await push?.stop();
      if (server) assertCleanExit(assert, await server.stop());
    });

    test("a fire reaches every subscription encrypted and VAPID-signed; a 500 is retried, a 410 removes the subscription", async () => {
      const ann = await signUp(api, "ann");
      let res = await api("/api/v1/notifications/web_push/key", { token: ann.access_token });
      assert.equal(res.status, 200, res.text);
      const serverKey = res.json.public_key;
      assert.equal(unb64(serverKey).length, 65);

      const uas = { ok: userAgent(), flaky: userAgent(), gone: userAgent() };
      const ids = {};
      for (const [name, ua] of Object.entries(uas)) {
        // The browser's PushSubscription.toJSON() shape, posted as is.
        res = await api("/api/v1/notifications/web_push/subscriptions", {
          method: "POST",
          token: ann.access_token,
          body: { endpoint: push.endpoint(name), expirationTime: null, keys: ua.keys },
        });
        assert.equal(res.status, 201, res.text);
        assert.equal(res.json.endpoint, push.endpoint(name));
        ids[name] = res.json.id;
      }
      // The same endpoint again: the same subscription, 200.
      res = await api("/api/v1/notifications/web_push/subscriptions", {
        method: "POST",
        token: ann.access_token,
        body: { endpoint: push.endpoint("ok"), keys: uas.ok.keys },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.id, ids.ok);

      const expression = await crossingExpression(api, "BTCUSD", ann.access_token);
      res = await api("/api/v1/alerts", {
        method: "POST",
        token: ann.access_token,
        body: { symbol: "BTCUSD", name: "push me", expression, channels: ["in_app", "web_push"] },
      });
      assert.equal(res.status, 201, res.text);
      const alert = res.json;
      assert.deepEqual(alert.channels, ["in_app", "web_push"]);

      const count = (name) => push.requests.filter((r) => r.name === name).length;
      await push.waitFor(() => count("ok") >= 1 && count("flaky") >= 2 && count("gone") >= 1);
      for (const r of push.requests) {
        assert.equal(r.method, "POST");
        assert.equal(r.headers["content-encoding"], "aes128gcm");
        assert.equal(r.headers["content-type"], "application/octet-stream");
        assert.equal(r.headers.ttl, "86400");
        assert.equal(checkVapid(r.headers.authorization, push.origin), serverKey);
        const message = decryptPush(r.body, uas[r.name]);
        assert.equal(message.type, "notification");
        assert.equal(message.notification.kind, "alert");
        assert.equal(message.notification.data.alert_id, alert.id);
        assert.equal(message.notification.title, "BTCUSD: push me");
      }
      // Each attempt is encrypted afresh (new salt and key), the plaintext is the same.
      const flaky = push.requests.filter((r) => r.name === "flaky");
      assert.notDeepEqual(flaky[0].body, flaky[1].body);
      assert.deepEqual(decryptPush(flaky[0].body, uas.flaky), decryptPush(flaky[1].body, uas.flaky));

      // 410 Gone: the subscription is deleted; the others stay.
      const left = await waitUntil(
        async () => (await api("/api/v1/notifications/web_push/subscriptions", { token: ann.access_token })).json.items,
        (items) => items.length === 2,
      );
      assert.deepEqual(left.map((s) => s.id).sort(), [ids.ok, ids.flaky].sort());
      // Frequency once: one fire, so exactly one message to ok and one (after a retry) to flaky.
      assert.equal(count("ok"), 1);
      assert.equal(count("flaky"), 2);
      assert.equal(count("gone"), 1);
    });

    test("subscriptions are validated, limited to https, and private to their owner", async () => {
      const bob = await signUp(api, "bob");
      const cat = await signUp(api, "cat");
      const post = (token, body) => api("/api/v1/notifications/web_push/subscriptions", { method: "POST", token, body });
      const ua = userAgent();
      let p = problem(await post(bob.access_token, { endpoint: push.endpoint("x").replace("https:", "http:"), keys: ua.keys }), 422);
      assert.equal(p.field, "endpoint");
      assert.match(p.detail ?? p.title, /https/);
      p = problem(await post(bob.access_token, { endpoint: push.endpoint("x"), keys: { ...ua.keys, p256dh: b64(Buffer.alloc(65, 4)) } }), 422);
      assert.equal(p.field, "keys.p256dh");
      p = problem(await post(bob.access_token, { endpoint: push.endpoint("x"), keys: { ...ua.keys, auth: b64(Buffer.alloc(8)) } }), 422);
      assert.equal(p.field, "keys.auth");
      p = problem(await post(bob.access_token, { endpoint: push.endpoint("x"), keys: ua.keys, colour: "red" }), 422);
      assert.equal(p.field, "colour");
      p = problem(await post(bob.access_token, { endpoint: push.endpoint("x") }), 422);
      assert.equal(p.field, "keys");
      problem(await post(undefined, { endpoint: push.endpoint("x"), keys: ua.keys }), 401);
      assert.deepEqual((await api("/api/v1/notifications/web_push/subscriptions", { token: bob.access_token })).json.items, []);

      const res = await post(bob.access_token, { endpoint: push.endpoint("bob"), keys: ua.keys });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual((await api("/api/v1/notifications/web_push/subscriptions", { token: cat.access_token })).json.items, []);
      problem(await api(`/api/v1/notifications/web_push/subscriptions/${res.json.id}`, { method: "DELETE", token: cat.access_token }), 404);
      assert.equal((await api("/api/v1/notifications/web_push/subscriptions", { token: bob.access_token })).json.items.length, 1);
      const del = await api(`/api/v1/notifications/web_push/subscriptions/${res.json.id}`, { method: "DELETE", token: bob.access_token });
      assert.equal(del.status, 204);
      assert.deepEqual((await api("/api/v1/notifications/web_push/subscriptions", { token: bob.access_token })).json.items, []);
    });
  });
}

describe("web push SSRF policy (default configuration)", () => {
  let server;
  let api;
  before(async () => {
    server = await startServer({ env: fastMarket });
    api = apiClient(server.url);
  });
  after(async () => {
    if (server) assertCleanExit(assert, await server.stop());
  });

  test("an endpoint on a loopback or private address is refused; the key is served", async () => {
    const dan = await signUp(api, "dan");
    const ua = userAgent();
    for (const endpoint of ["https://127.0.0.1:9/push", "https://10.0.0.1/push", "https://[::1]/push", "https://localhost/push"]) {
      const p = problem(
        await api("/api/v1/notifications/web_push/subscriptions", { method: "POST", token: dan.access_token, body: { endpoint, keys: ua.keys } }),
        422,
      );
      assert.equal(p.field, "endpoint");
      assert.match(p.detail ?? p.title, /non-public address/, endpoint);
    }
    const res = await api("/api/v1/notifications/web_push/key", { token: dan.access_token });
    assert.equal(unb64(res.json.public_key).length, 65);
  });
});
