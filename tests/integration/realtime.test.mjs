// The real-time gateway's transport rules against the real binary: the protocol's
// server pings (the official SDK answers them and stays connected; a client that
// does not is closed with 3012 and reconnects), and per-client conflation of market
// ticks (a reader that falls behind gets each symbol's newest tick instead of a
// backlog, and is not disconnected).
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { startServer, assertCleanExit, sleep } from "./lib/server.mjs";
import { apiClient, signUp } from "./lib/accounts.mjs";

const here = dirname(fileURLToPath(import.meta.url));

// Each test runs its own server: one pings every second, the other keeps the
// default interval (its slow reader, which cannot answer pings, must not be reaped
// for that) and ticks every 10 ms.
let server;
let api;
async function start(args) {
  server = await startServer({ args });
  api = apiClient(server.url);
}
afterEach(async () => assertCleanExit(assert, await server.stop()));

const url = () => `ws://127.0.0.1:${server.port}/connection/websocket`;

async function metric(name) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

test("server pings: the SDK answers and stays connected; a client that does not is closed with 3012", async () => {
  await start(["--set", "realtime.ping_interval=1s", "--set", "market.simulator.history_days=1"]);
  const user = await signUp(api, "pinger");
  // A raw client that never answers.
  const raw = new WebSocket(url());
  const got = [];
  const closed = new Promise((resolve) => raw.on("close", (code) => resolve(code)));
  raw.on("message", (m) => got.push(m.toString()));
  raw.on("open", () => raw.send(JSON.stringify({ id: 1, connect: { token: user.access_token } })));
  assert.equal(await closed, 3012, "no pong");
  const connect = JSON.parse(got.find((m) => m.includes('"connect"'))).connect;
  assert.equal(connect.ping, 1);
  assert.equal(connect.pong, true);
  assert.ok(got.indexOf("{}") > 0, "it was pinged after its connect reply");

  // The SDK answers every ping: one socket, connected throughout.
  const sockets = [];
  const pings = [];
  class Tracked extends WebSocket {
    constructor(...args) {
      super(...args);
      sockets.push(this);
      this.on("message", (m) => m.toString() === "{}" && pings.push(1));
    }
  }
  const c = new Centrifuge(url(), { websocket: Tracked, token: user.access_token });
  const states = [];
  c.on("state", (ctx) => states.push(ctx.newState));
  const connected = new Promise((resolve) => c.once("connected", resolve));
  c.connect();
  await connected;
  while (pings.length < 4) await sleep(50);
  assert.equal(c.state, "connected");
  assert.deepEqual(states, ["connecting", "connected"], "never dropped");
  assert.equal(sockets.length, 1);
  c.disconnect();
});

// Runs tests/integration/lib/slow_ws_reader.py: a client with a 4 KiB receive
// buffer that stops reading after its last command's reply until told to go on.
function slowReader(frames) {
  const child = spawn("python3", [join(here, "lib/slow_ws_reader.py"), String(server.port), "/connection/websocket", ...frames], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const waiters = [];
  const queue = [];
  lines.on("line", (l) => (waiters.length ? waiters.shift()(l) : queue.push(l)));
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r)));
  return { child, next, go: () => child.stdin.write("go\n") };
}

test("a reader that falls behind gets each symbol's newest tick, not a backlog, and stays connected", async () => {
  await start([
    "--set", "ws.max_outbox_bytes=64KiB",
    "--set", "market.simulator.tick_interval=10ms",
    "--set", "market.simulator.history_days=1",
  ]);
  const user = await signUp(api, "slowpoke");
  const { items } = (await api("/api/v1/instruments", { token: user.access_token })).json;
  const symbols = items.map((i) => i.symbol);
  const channels = symbols.map((s) => `market:${s}`);
  const frames = [JSON.stringify({ id: 1, connect: { token: user.access_token } })];
  channels.forEach((channel, i) => frames.push(JSON.stringify({ id: i + 2, subscribe: { channel } })));

  // A reader that keeps up, for comparison: it gets every tick.
  const fast = new Centrifuge(url(), { websocket: WebSocket, token: user.access_token });
  const fastTicks = new Map(symbols.map((s) => [s, []]));
  let fastCount = 0;
  for (const channel of channels) {
    const sub = fast.newSubscription(channel);
    sub.on("publication", (ctx) => {
      fastTicks.get(ctx.data.symbol).push(ctx.data.time_ms);
      fastCount++;
    });
    sub.subscribe();
  }
  fast.connect();

  const reader = slowReader(frames);
  assert.equal(await reader.next(), "ready");
  const fastAtReady = fastCount;
  // It reads nothing now. The kernel's socket buffers fill first (megabytes on
  // loopback once the send buffer has grown); then its outbox holds one tick per
  // symbol, replaced by each newer one. Wait until thousands were replaced.
  const before = await metric("tradechat_ws_conflated_messages_total");
  while ((await metric("tradechat_ws_conflated_messages_total")) < before + 3000) await sleep(100);
  const published = fastCount - fastAtReady;
  const newest = new Map([...fastTicks].filter(([, t]) => t.length).map(([s, t]) => [s, t.at(-1)]));
  assert.ok(newest.size > 0, "some instruments are trading");

  reader.go();
  const slowTicks = new Map(symbols.map((s) => [s, []]));
  let slowOld = 0;  // ticks up to the newest at resume: what a backlog would hold
  const caughtUp = () => [...newest].every(([s, t]) => slowTicks.get(s).some((x) => x >= t));
  let closed = null;
  while (!caughtUp()) {
    const line = await reader.next();
    if (line.startsWith("closed")) {
      closed = line;
      break;
    }
    for (const part of JSON.parse(line).split("\n")) {
      const pub = JSON.parse(part).push?.pub;
      if (!pub) continue;
      slowTicks.get(pub.data.symbol).push(pub.data.time_ms);
      if (pub.data.time_ms <= (newest.get(pub.data.symbol) ?? -1)) slowOld++;
    }
  }
  reader.child.kill();
  fast.disconnect();
  assert.equal(closed, null, "not disconnected as slow (3008)");
  // Each symbol's ticks still arrive oldest first, but the ones replaced while the
  // reader was behind never arrive: of the ticks published while it did not read,
  // it gets what the kernel buffered and then only the newest of each symbol.
  for (const [s, times] of slowTicks) {
    for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1], `${s} in order`);
  }
  assert.ok(published - slowOld >= 1000, `published ${published} while paused; the slow reader got ${slowOld} of them`);
  assert.equal(await metric("tradechat_ws_slow_disconnects_total"), 0);
});
