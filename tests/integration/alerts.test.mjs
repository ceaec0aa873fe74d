// Issue 7 end to end, on both database backends: an alert that the simulator's
// live price crosses fires once, arrives on the owner's user#<id> channel (the npm
// centrifuge client) and in the inbox, and its webhook is signed and retried after
// 500s; another user's alert ids are 404; bad input is a problem document and
// changes nothing; backtests replay stored candles; webhooks to loopback are
// refused unless the operator allows private targets.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import http from "node:http";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { startServer, assertCleanExit, sleep } from "./lib/server.mjs";
import { apiClient, signUp, startSmtp } from "./lib/accounts.mjs";

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

// A local webhook target: answers the first `failures` requests with 500.
async function startHookServer(failures) {
  const requests = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      requests.push({ headers: req.headers, body });
      res.statusCode = requests.length <= failures ? 500 : 204;
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    requests,
    async waitFor(n) {
      while (requests.length < n) await new Promise((res) => waiters.push(res));
    },
    stop: () => new Promise((res) => server.close(res)),
  };
}

// Publications on the caller's personal channel (subscribed server-side on connect).
function personalFeed(server, user) {
  const client = new Centrifuge(`ws://${server.host}:${server.port}/connection/websocket`, {
    websocket: WebSocket,
    token: user.access_token,
  });
  const received = [];
  const waiters = [];
  client.on("publication", (ctx) => {
    if (ctx.channel !== `user#${user.id}`) return;
    received.push(ctx.data);
    for (const w of waiters.splice(0)) w();
  });
  const connected = new Promise((res) => client.on("connected", res));
  client.connect();
  return {
    client,
    connected,
    received,
    async next(predicate) {
      for (;;) {
        const found = received.find(predicate);
        if (found) return found;
        await new Promise((res) => waiters.push(res));
      }
    },
  };
}

// A rule the live random walk will satisfy soon: a crossing just above or just below the last price.
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

for (const [backend, env] of backends) {
  describe(`alerts on ${backend}`, () => {
    let server;
    let api;
    let hook;
    let deadHook;
    let smtp;
    before(async () => {
      if (env.TRADECHAT_DATABASE_URL) {
        const reset = spawnSync("psql", [env.TRADECHAT_DATABASE_URL, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], {
          encoding: "utf8",
        });
        assert.equal(reset.status, 0, reset.stderr);
        const flush = spawnSync("redis-cli", ["-u", env.TRADECHAT_REDIS_URL, "FLUSHDB"], { encoding: "utf8" });
        assert.equal(flush.status, 0, flush.stderr);
      }
      hook = await startHookServer(2);
      deadHook = await startHookServer(Infinity);
      smtp = await startSmtp();
      server = await startServer({
        env: {
          ...env,
          ...fastMarket,
          TRADECHAT_MAIL_SMTP_URL: smtp.url,
          TRADECHAT_MAIL_FROM: "tradechat <alerts@tradechat.test>",
          TRADECHAT_ALERTS_WEBHOOK_ALLOW_PRIVATE: "true",
          TRADECHAT_ALERTS_WEBHOOK_RETRY_BASE: "50ms",
          TRADECHAT_ALERTS_WEBHOOK_MAX_ATTEMPTS: "5",
          TRADECHAT_ALERTS_MAX_PER_USER: "5",
        },
      });
      api = apiClient(server.url);
    });
    after(async () => {
      await hook?.stop();
      await deadHook?.stop();
      smtp?.stop();
      if (server) assertCleanExit(assert, await server.stop());
    });

    test("a crossing fires once: pushed on user#<id>, stored in the inbox, webhook signed and retried after 500s", async () => {
      const ann = await signUp(api, "ann");
      const feed = personalFeed(server, ann);
      await feed.connected;
      const expression = await crossingExpression(api, "BTCUSD", ann.access_token);
      let res = await api("/api/v1/alerts", {
        method: "POST",
        token: ann.access_token,
        body: { symbol: "btcusd", name: "breakout", expression, channels: ["in_app", "webhook"], webhook_url: hook.url },
      });
      assert.equal(res.status, 201, res.text);
      const alert = res.json;
      assert.equal(alert.symbol, "BTCUSD");
      assert.equal(alert.status, "active");
      assert.match(alert.webhook_secret, /^[0-9a-f]{64}$/);

      const pushed = await feed.next((d) => d.type === "notification" && d.notification.data.alert_id === alert.id);
      const n = pushed.notification;
      assert.equal(n.kind, "alert");
      assert.equal(n.read, false);
      assert.ok(n.data.price > 0);

      res = await api("/api/v1/notifications", { token: ann.access_token });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json.items.map((i) => i.id), [n.id]);
      assert.equal(res.json.unread_count, 1);
      assert.equal(res.json.next_cursor, null);

      res = await api(`/api/v1/alerts/${alert.id}`, { token: ann.access_token });
      assert.equal(res.json.status, "fired");
      assert.equal(res.json.fire_count, 1);
      assert.equal(res.json.last_fired_ms, n.data.time_ms);

      // Two 500s, then accepted: three signed attempts of one delivery.
      await hook.waitFor(3);
      const ids = new Set();
      for (const r of hook.requests) {
        const ts = r.headers["x-tradechat-timestamp"];
        const expected = "v1=" + createHmac("sha256", alert.webhook_secret).update(`${ts}.${r.body}`).digest("hex");
        assert.equal(r.headers["x-tradechat-signature"], expected);
        assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 600);
        const body = JSON.parse(r.body);
        assert.equal(body.alert_id, alert.id);
        assert.equal(body.type, "alert.fired");
        ids.add(r.headers["x-tradechat-delivery"]);
      }
      assert.equal(ids.size, 1, "retries carry the same delivery id");
      const deliveries = await waitUntil(
        async () => (await api(`/api/v1/alerts/${alert.id}/deliveries`, { token: ann.access_token })).json.items,
        (items) => items[0]?.status === "delivered",
      );
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0].attempts, 3);

      res = await api(`/api/v1/notifications/${n.id}/read`, { method: "POST", token: ann.access_token });
      assert.equal(res.status, 204);
      res = await api("/api/v1/notifications/unread_count", { token: ann.access_token });
      assert.equal(res.json.unread_count, 0);
      // Frequency once: still exactly one notification.
      res = await api("/api/v1/notifications", { token: ann.access_token });
      assert.equal(res.json.items.length, 1);
      assert.equal(hook.requests.length, 3);
      feed.client.disconnect();
    });

    test("a webhook that always fails is dead-lettered after alerts.webhook.max_attempts attempts, one delivery id", async () => {
      const joe = await signUp(api, "joe");
      const res = await api("/api/v1/alerts", {
        method: "POST",
        token: joe.access_token,
        body: { symbol: "BTCUSD", expression: await crossingExpression(api, "BTCUSD", joe.access_token), channels: ["webhook"], webhook_url: deadHook.url },
      });
      assert.equal(res.status, 201, res.text);
      const deliveries = await waitUntil(
        async () => (await api(`/api/v1/alerts/${res.json.id}/deliveries`, { token: joe.access_token })).json.items,
        (items) => items[0]?.status === "dead",
      );
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0].attempts, 5);
      assert.equal(deliveries[0].next_attempt_ms, null);
      assert.equal(deliveries[0].last_error, "HTTP 500");
      const mine = deadHook.requests.filter((r) => JSON.parse(r.body).alert_id === res.json.id);
      assert.equal(mine.length, 5, "no attempt after the last");
      assert.equal(new Set(mine.map((r) => r.headers["x-tradechat-delivery"])).size, 1);
    });

    test("the per-user limit: the rule beyond alerts.max_per_user is a 409 and is not stored", async () => {
      const kim = await signUp(api, "kim");
      for (let i = 0; i < 5; i++) {
        const res = await api("/api/v1/alerts", { method: "POST", token: kim.access_token, body: { symbol: "AAPL", expression: `price crosses_above ${100000 + i}` } });
        assert.equal(res.status, 201, res.text);
      }
      problem(await api("/api/v1/alerts", { method: "POST", token: kim.access_token, body: { symbol: "AAPL", expression: "price crosses_above 1" } }), 409);
      assert.equal((await api("/api/v1/alerts", { token: kim.access_token })).json.items.length, 5);
    });

    test("another user's alerts and notifications are 404 and stay unchanged", async () => {
      const cat = await signUp(api, "cat");
      const dan = await signUp(api, "dan");
      let res = await api("/api/v1/alerts", {
        method: "POST",
        token: cat.access_token,
        body: { symbol: "AAPL", expression: "price crosses_above 100000" },
      });
      assert.equal(res.status, 201, res.text);
      const id = res.json.id;
      problem(await api(`/api/v1/alerts/${id}`, { token: dan.access_token }), 404);
      problem(await api(`/api/v1/alerts/${id}`, { method: "PATCH", token: dan.access_token, body: { name: "mine" } }), 404);
      problem(await api(`/api/v1/alerts/${id}`, { method: "DELETE", token: dan.access_token }), 404);
      problem(await api(`/api/v1/alerts/${id}/deliveries`, { token: dan.access_token }), 404);
      assert.deepEqual((await api("/api/v1/alerts", { token: dan.access_token })).json.items, []);
      res = await api(`/api/v1/alerts/${id}`, { token: cat.access_token });
      assert.equal(res.status, 200);
      assert.equal(res.json.name, "");
      // Notifications: ann's first notification is not dan's to read.
      problem(await api("/api/v1/notifications/1/read", { method: "POST", token: dan.access_token }), 404);
      problem(await api("/api/v1/alerts", { token: undefined }), 401);
      // The owner can change and delete it.
      res = await api(`/api/v1/alerts/${id}`, { method: "PATCH", token: cat.access_token, body: { enabled: false, name: "later" } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.status, "disabled");
      assert.equal((await api(`/api/v1/alerts/${id}`, { method: "DELETE", token: cat.access_token })).status, 204);
      problem(await api(`/api/v1/alerts/${id}`, { token: cat.access_token }), 404);
    });

    test("bad input is a problem document naming the field or the position, and creates nothing", async () => {
      const eve = await signUp(api, "eve");
      const post = (body) => api("/api/v1/alerts", { method: "POST", token: eve.access_token, body });
      let p = problem(await post({ symbol: "AAPL", expression: "price crosses 200" }), 422);
      assert.equal(p.position, 6);
      assert.match(p.reason, /crosses_above/);
      p = problem(await post({ symbol: "AAPL", expression: "rsi(14, 2h) < 30" }), 422);
      assert.equal(p.position, 8);
      p = problem(await post({ symbol: "AAPL", expression: "price > 1", colour: "red" }), 422);
      assert.equal(p.field, "colour");
      p = problem(await post({ symbol: "NOPE", expression: "price > 1" }), 422);
      assert.equal(p.field, "symbol");
      p = problem(await post({ symbol: "AAPL", condition: { left: "price", op: "~", right: 1 } }), 422);
      assert.equal(p.pointer, "/op");
      p = problem(await post({ symbol: "AAPL", expression: "price > 1", frequency: "sometimes" }), 422);
      assert.equal(p.field, "frequency");
      p = problem(await post({ symbol: "AAPL", expression: "price > 1", channels: ["webhook"] }), 422);
      assert.equal(p.field, "webhook_url");
      problem(await api("/api/v1/alerts", { method: "POST", token: eve.access_token, raw: "{", headers: { "Content-Type": "application/json" } }), 400);
      assert.deepEqual((await api("/api/v1/alerts", { token: eve.access_token })).json.items, []);
      // The JSON form is accepted and shown as the canonical expression.
      const ok = await post({
        symbol: "AAPL",
        condition: { all: [{ left: "price", op: "crosses_above", right: 500 }, { left: { indicator: "rsi", params: [14], timeframe: "1h" }, op: "<", right: 30 }] },
        evaluate_on: "close",
        timeframe: "1h",
        frequency: "once_per_bar",
      });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.json.expression, "price crosses_above 500 and rsi(14,1h).value < 30");
    });

    test("preferences: quiet hours keep a fire in the inbox only, webhook opt-out queues nothing", async () => {
      const hal = await signUp(api, "hal");
      const feed = personalFeed(server, hal);
      await feed.connected;
      let res = await api("/api/v1/notifications/preferences", { token: hal.access_token });
      assert.deepEqual(res.json, {
        in_app: true, email: true, webhook: true, web_push: true, quiet_hours: null, time_zone: "UTC", digest: false, digest_time: "08:00",
      });
      // A quiet window around now, in a zone with an offset: two hours either side.
      const hhmm = (ms) => {
        const d = new Date(ms + 5.5 * 3600_000); // Asia/Kolkata has no DST
        return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
      };
      const quiet = { start: hhmm(Date.now() - 2 * 3600_000), end: hhmm(Date.now() + 2 * 3600_000) };
      res = await api("/api/v1/notifications/preferences", {
        method: "PUT",
        token: hal.access_token,
        body: { quiet_hours: quiet, time_zone: "Asia/Kolkata", webhook: false },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, {
        in_app: true, email: true, webhook: false, web_push: true, quiet_hours: quiet, time_zone: "Asia/Kolkata", digest: false, digest_time: "08:00",
      });
      // The daily digest: opt in and pick a local time; a bad time names the field and changes nothing.
      res = await api("/api/v1/notifications/preferences", { method: "PUT", token: hal.access_token, body: { digest: true, digest_time: "18:30" } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.digest, true);
      assert.equal(res.json.digest_time, "18:30");
      for (const [body, field] of [[{ digest_time: "25:00" }, "digest_time"], [{ digest: "yes" }, "digest"], [{ web_push: 1 }, "web_push"]]) {
        const bad = problem(await api("/api/v1/notifications/preferences", { method: "PUT", token: hal.access_token, body }), 422);
        assert.equal(bad.field, field);
      }
      res = await api("/api/v1/notifications/preferences", { token: hal.access_token });
      assert.equal(res.json.digest_time, "18:30");
      assert.equal(res.json.web_push, true);
      const p = problem(
        await api("/api/v1/notifications/preferences", { method: "PUT", token: hal.access_token, body: { time_zone: "Moon/Base" } }),
        422,
      );
      assert.equal(p.field, "time_zone");

      res = await api("/api/v1/alerts", {
        method: "POST",
        token: hal.access_token,
        body: { symbol: "BTCUSD", expression: await crossingExpression(api, "BTCUSD", hal.access_token), channels: ["in_app", "webhook"], webhook_url: hook.url },
      });
      assert.equal(res.status, 201, res.text);
      const quietAlert = res.json.id;
      const inbox = await waitUntil(
        async () => (await api("/api/v1/notifications", { token: hal.access_token })).json.items,
        (items) => items.length === 1,
      );
      assert.equal(inbox[0].data.alert_id, quietAlert);
      res = await api(`/api/v1/alerts/${quietAlert}/deliveries`, { token: hal.access_token });
      assert.deepEqual(res.json.items, [], "webhook opted out: nothing queued (queued in the fire's own transaction)");

      // Quiet hours off: the next fire is pushed, and the quiet one never was.
      res = await api("/api/v1/notifications/preferences", { method: "PUT", token: hal.access_token, body: { quiet_hours: null } });
      assert.equal(res.status, 200, res.text);
      res = await api("/api/v1/alerts", {
        method: "POST",
        token: hal.access_token,
        body: { symbol: "BTCUSD", expression: await crossingExpression(api, "BTCUSD", hal.access_token) },
      });
      const loudAlert = res.json.id;
      await feed.next((d) => d.notification?.data.alert_id === loudAlert);
      assert.equal(feed.received.filter((d) => d.notification?.data.alert_id === quietAlert).length, 0);
      feed.client.disconnect();
    });

    test("the email channel: the alert email reaches the local SMTP server at the account's address", async () => {
      const ivy = await signUp(api, "ivy");
      const res = await api("/api/v1/alerts", {
        method: "POST",
        token: ivy.access_token,
        body: { symbol: "BTCUSD", name: "ivy mail", expression: await crossingExpression(api, "BTCUSD", ivy.access_token), channels: ["email"] },
      });
      assert.equal(res.status, 201, res.text);
      const mail = await smtp.waitFor((m) => m.includes(`Alert ${res.json.id} fired`), 30000);
      assert.match(mail, /^To: <ivy@example\.com>$/m);
      assert.match(mail, /^Subject: tradechat alert: BTCUSD: ivy mail/m);
      // email only: stored in the inbox as well (the inbox keeps every notification).
      const inbox = (await api("/api/v1/notifications", { token: ivy.access_token })).json.items;
      assert.equal(inbox.length, 1);
    });

    test("a backtest replays stored candles: every fire is a candle close", async () => {
      const fay = await signUp(api, "fay");
      const candles = (await api("/api/v1/instruments/BTCUSD/candles?timeframe=1h&limit=300", { token: fay.access_token })).json.items;
      const from = candles[0].time_ms;
      const to = candles[candles.length - 2].time_ms; // closed candles only: the forming one still moves
      let res = await api("/api/v1/alerts/backtest", {
        method: "POST",
        token: fay.access_token,
        body: { symbol: "BTCUSD", expression: "price > 0", timeframe: "1h", from_ms: from, to_ms: to, limit: 300 },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.items.length, res.json.bars, "every_time without cooldown: one fire per bar");
      const mid = candles[Math.floor(candles.length / 2)].close;
      res = await api("/api/v1/alerts/backtest", {
        method: "POST",
        token: fay.access_token,
        body: { symbol: "BTCUSD", expression: `price crosses_above ${mid}`, timeframe: "1h", from_ms: from, to_ms: to, limit: 300 },
      });
      assert.equal(res.status, 200, res.text);
      const byEnd = new Map(candles.map((c, i) => [c.time_ms + 3_600_000 - 1, { c, prev: candles[i - 1] }]));
      for (const f of res.json.items) {
        const hit = byEnd.get(f.time_ms);
        assert.ok(hit, `fire at ${f.time_ms} is a candle's end`);
        assert.equal(f.price, hit.c.close);
        assert.ok(hit.c.close >= mid && hit.prev.close < mid, "a crossing from below");
      }
      const p = problem(
        await api("/api/v1/alerts/backtest", { method: "POST", token: fay.access_token, body: { symbol: "BTCUSD", expression: "price >" } }),
        422,
      );
      assert.equal(p.position, 7);
    });
  });
}

describe("webhook SSRF policy (default configuration)", () => {
  let server;
  let api;
  let hook;
  before(async () => {
    hook = await startHookServer(0);
    server = await startServer({ env: fastMarket });
    api = apiClient(server.url);
  });
  after(async () => {
    await hook?.stop();
    if (server) assertCleanExit(assert, await server.stop());
  });

  test("a webhook to a loopback address is refused, not sent; the in-app notification still arrives", async () => {
    const gil = await signUp(api, "gil");
    const expression = await crossingExpression(api, "BTCUSD", gil.access_token);
    const res = await api("/api/v1/alerts", {
      method: "POST",
      token: gil.access_token,
      body: { symbol: "BTCUSD", expression, channels: ["in_app", "webhook"], webhook_url: hook.url },
    });
    assert.equal(res.status, 201, res.text);
    const deliveries = await waitUntil(
      async () => (await api(`/api/v1/alerts/${res.json.id}/deliveries`, { token: gil.access_token })).json.items,
      (items) => items.length > 0 && items[0].status !== "pending",
    );
    assert.equal(deliveries[0].status, "refused");
    assert.match(deliveries[0].last_error, /non-public address 127\.0\.0\.1/);
    assert.equal(hook.requests.length, 0);
    const inbox = await api("/api/v1/notifications", { token: gil.access_token });
    assert.equal(inbox.json.items.length, 1);
  });
});
