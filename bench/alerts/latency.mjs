// Tick to in-app notification, end to end: the real server (simulated feed) holding
// `alerts` background rules (crossings that never fire, spread over every symbol,
// loaded into the engine at start like any stored rule) plus one rule of the
// measuring user that fires on every BTCUSD tick (`price > 0`, every_time, no
// cooldown). Each fire goes through the whole path: the feed's tick listener, the
// engine thread, the fire's transaction in the store (fire row, rule state, inbox),
// the hub, and the WebSocket to a real Centrifuge client subscribed to user#<id>.
// Latency = the client's receive time − the tick's time (data.time_ms, stamped by
// the feed when it made the tick; both clocks are this machine's). The tick time is
// whole milliseconds (truncated), so figures can be up to 1 ms high, never low.
// Prints `<name> <value>` lines.
// Usage: node bench/alerts/latency.mjs [alerts=1000000] [samples=2000]   (TRADECHAT_BIN picks the binary)
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(join(root, "tests/package.json"));
const { Centrifuge } = require("centrifuge");
const WebSocket = require("ws");

const alerts = Number(process.argv[2] ?? 1_000_000);
const samples = Number(process.argv[3] ?? 2000);
const binary = process.env.TRADECHAT_BIN ?? join(root, "build/release/tradechat");
const dataDir = mkdtempSync(join(tmpdir(), "tc-alerts-latency-"));

async function serve() {
  const child = spawn(
    binary,
    ["serve", "--set", "http.addr=127.0.0.1:0", "--set", `data.dir=${dataDir}`],
    {
      env: {
        ...process.env,
        ASAN_OPTIONS: "detect_leaks=0",
        TRADECHAT_MARKET_SIMULATOR_TICK_INTERVAL: "20ms",
        TRADECHAT_MARKET_SIMULATOR_HISTORY_DAYS: "2",
        TRADECHAT_ALERTS_MAX_PER_USER: "100000",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  const started = Date.now();
  const addr = await new Promise((res, rej) => {
    child.stderr.on("data", (d) => {
      stderr += d;
      const m = stderr.match(/"msg":"listening","addr":"([^"]+)"/);
      if (m) res(m[1]);
    });
    child.on("exit", (code) => rej(new Error(`server exited with ${code}:\n${stderr.slice(-3000)}`)));
  });
  return {
    url: `http://${addr}`,
    ws: `ws://${addr}/connection/websocket`,
    startMs: Date.now() - started,
    stop: () => new Promise((res) => (child.on("exit", res), child.kill("SIGTERM"))),
  };
}

async function call(base, path, { method = "GET", token, body } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

// 1. An account and its firing rule, then the background rules written straight into the store.
let server = await serve();
const password = "correct horse bench staple";
const user = await call(server.url, "/api/v1/auth/register", {
  method: "POST",
  body: { username: "bench", email: "bench@example.com", password },
});
let tokens = await call(server.url, "/api/v1/auth/login", { method: "POST", body: { username: "bench", password } });
const symbols = (await call(server.url, "/api/v1/instruments", { token: tokens.access_token })).items.map((i) => i.symbol);
const template = await call(server.url, "/api/v1/alerts", {
  method: "POST",
  token: tokens.access_token,
  body: { symbol: "BTCUSD", expression: "price crosses_above 1000000000", frequency: "every_time", cooldown_ms: 0 },
});
await server.stop();
const db = join(dataDir, "tradechat.db");
const values = symbols.map((s, i) => `(${i}, '${s}')`).join(",");
const sql = `
CREATE TEMP TABLE syms(n INTEGER PRIMARY KEY, symbol TEXT);
INSERT INTO syms VALUES ${values};
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ${alerts})
INSERT INTO alerts SELECT printf('bg%08d', seq.n), 'bg-user-' || (seq.n % 5000), syms.symbol, '',
  CASE WHEN seq.n % 2 = 0 THEN 'price crosses_above ' || (1000000000 + seq.n % 997)
       ELSE 'price crosses_below 0.000' || (1 + seq.n % 997) END,
  a.evaluate_on, a.timeframe, a.frequency, a.cooldown_ms, a.expires_at_ms, a.channels, a.webhook_url,
  a.webhook_secret, a.status, a.created_at_ms, a.updated_at_ms, a.last_fired_ms, a.last_fired_bar, 0
FROM seq JOIN syms ON syms.n = seq.n % ${symbols.length} JOIN alerts a ON a.id = '${template.id}';
DELETE FROM alerts WHERE id = '${template.id}';`;
const filled = spawnSync("sqlite3", [db], { input: sql, encoding: "utf8" });
if (filled.status !== 0) throw new Error(`sqlite3: ${filled.stderr}`);

// 2. Start again: the engine is rebuilt from the stored rules.
server = await serve();
tokens = await call(server.url, "/api/v1/auth/login", { method: "POST", body: { username: "bench", password } });
const client = new Centrifuge(server.ws, { websocket: WebSocket, token: tokens.access_token });
const latencies = [];
let done;
const finished = new Promise((res) => (done = res));
const warmup = 50;
let seen = 0;
client.on("publication", (ctx) => {
  if (ctx.channel !== `user#${user.id}` || ctx.data.type !== "notification") return;
  const received = performance.timeOrigin + performance.now();
  if (++seen <= warmup) return;
  latencies.push(received - ctx.data.notification.data.time_ms);
  if (latencies.length >= samples) done();
});
await new Promise((res) => (client.on("connected", res), client.connect()));
await call(server.url, "/api/v1/alerts", {
  method: "POST",
  token: tokens.access_token,
  body: { symbol: "BTCUSD", expression: "price > 0", frequency: "every_time", cooldown_ms: 0, channels: ["in_app"] },
});
await finished;
client.disconnect();
await server.stop();

latencies.sort((a, b) => a - b);
console.log(`alerts ${alerts}`);
console.log(`symbols ${symbols.length}`);
console.log(`samples ${latencies.length}`);
console.log(`start_ms ${server.startMs}`);
console.log(`e2e_p50_ms ${percentile(latencies, 50).toFixed(2)}`);
console.log(`e2e_p99_ms ${percentile(latencies, 99).toFixed(2)}`);
console.log(`e2e_max_ms ${latencies[latencies.length - 1].toFixed(2)}`);
