// The market module against the real binary: instruments, candles, indicators
// (checked number for number against the npm `technicalindicators` package on
// the same candles), analysis, bad input, and live ticks and forming candles on
// the real-time channels through the official centrifuge SDK.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Centrifuge } from "centrifuge";
import WebSocket, { WebSocketServer } from "ws";
import ti from "technicalindicators";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { startServer, assertCleanExit, binary } from "./lib/server.mjs";
import { cli } from "./lib/accounts.mjs";

let server;
let token;
before(async () => {
  server = await startServer({
    args: ["--set", "market.simulator.tick_interval=50ms", "--set", "market.simulator.history_days=60"],
  });
  token = await signUp("marketeer");
});
after(async () => assertCleanExit(assert, await server.stop()));

const api = (path, { tokenOverride } = {}) =>
  fetch(server.url + path, { headers: { Authorization: `Bearer ${tokenOverride ?? token}` } });

async function json(path) {
  const res = await api(path);
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return res.json();
}

async function problem(res, status) {
  assert.equal(res.status, status, await res.clone().text());
  assert.match(res.headers.get("content-type"), /^application\/problem\+json/);
  const body = await res.json();
  assert.equal(body.status, status);
  assert.ok(body.type && body.title && body.request_id);
  return body;
}

async function signUp(username) {
  const password = `correct horse ${username} staple`;
  const post = (path, body) =>
    fetch(server.url + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const reg = await post("/api/v1/auth/register", { username, email: `${username}@example.com`, password });
  assert.equal(reg.status, 201);
  return (await (await post("/api/v1/auth/login", { username, password })).json()).access_token;
}

test("instruments: about thirty across stocks, crypto and FX, all labelled simulated, searchable", async () => {
  const { items } = await json("/api/v1/instruments");
  assert.ok(items.length >= 30, `${items.length} instruments`);
  assert.deepEqual(new Set(items.map((i) => i.asset_class)), new Set(["stock", "crypto", "fx"]));
  for (const i of items) {
    assert.equal(i.simulated, true, i.symbol);
    assert.match(i.symbol, /^[A-Z]+$/);
    assert.ok(i.tick_size > 0 && i.name && i.exchange && i.currency && i.calendar.time_zone);
  }
  assert.equal(items.find((i) => i.symbol === "BTCUSD").calendar.trading_hours, "24/7");
  const search = await json("/api/v1/instruments?q=bitc");
  assert.deepEqual(search.items.map((i) => i.symbol), ["BTCUSD"]);
  const byName = await json("/api/v1/instruments?q=apple");
  assert.deepEqual(byName.items.map((i) => i.symbol), ["AAPL"]);
  const fx = await json("/api/v1/instruments?asset_class=fx");
  assert.ok(fx.items.length >= 5 && fx.items.every((i) => i.asset_class === "fx"));

  const one = await json("/api/v1/instruments/ETHUSD");
  assert.equal(one.symbol, "ETHUSD");
  assert.equal(one.quote.simulated, true);
  assert.ok(one.quote.bid < one.quote.ask);
  const quote = await json("/api/v1/instruments/BTCUSD/quote");
  assert.ok(quote.last > 0 && quote.day_high >= quote.day_low && quote.previous_close > 0);

  await problem(await api("/api/v1/instruments/NOPE"), 404);
  await problem(await api("/api/v1/instruments/NOPE/candles"), 404);
  await problem(await api("/api/v1/instruments", { tokenOverride: "not-a-token" }), 401);
});

test("candles: history is there at once, well formed, oldest first; daily buckets follow the exchange day", async () => {
  for (const tf of ["1m", "5m", "15m", "1h", "4h", "1d"]) {
    const { items } = await json(`/api/v1/instruments/BTCUSD/candles?timeframe=${tf}&limit=20`);
    assert.equal(items.length, 20, tf);
    for (const [k, c] of items.entries()) {
      assert.deepEqual(Object.keys(c).sort(), ["close", "high", "low", "open", "time_ms", "volume"]);
      assert.ok(c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close), `${tf} ${JSON.stringify(c)}`);
      assert.ok(c.volume > 0);
      if (k > 0) assert.ok(c.time_ms > items[k - 1].time_ms);
    }
  }
  // Simulated prices are labelled so on every response that carries them.
  assert.equal((await json("/api/v1/instruments/BTCUSD/candles?timeframe=1h&limit=1")).simulated, true);
  assert.equal((await json("/api/v1/instruments/BTCUSD/indicators/sma?timeframe=1h&limit=30")).simulated, true);
  // Crypto days start at UTC midnight; US stocks at New York midnight (UTC−4/−5).
  const btc = await json("/api/v1/instruments/BTCUSD/candles?timeframe=1d&limit=10");
  for (const c of btc.items) assert.equal(c.time_ms % 86_400_000, 0);
  const aapl = await json("/api/v1/instruments/AAPL/candles?timeframe=1d&limit=10");
  for (const c of aapl.items) assert.ok([4, 5].includes((c.time_ms % 86_400_000) / 3_600_000), String(c.time_ms));
  // A range selects by bucket start, and limit keeps the newest.
  const all = (await json("/api/v1/instruments/BTCUSD/candles?timeframe=1h&limit=50")).items;
  const from = all[10].time_ms, to = all[20].time_ms;
  const range = (await json(`/api/v1/instruments/BTCUSD/candles?timeframe=1h&from=${from}&to=${to}`)).items;
  assert.deepEqual(range.map((c) => c.time_ms), all.slice(10, 21).map((c) => c.time_ms));
  const limited = (await json(`/api/v1/instruments/BTCUSD/candles?timeframe=1h&from=${from}&to=${to}&limit=3`)).items;
  assert.deepEqual(limited.map((c) => c.time_ms), all.slice(18, 21).map((c) => c.time_ms));
});

test("bad input is refused with the reason and the bound", async () => {
  const cases = [
    ["/api/v1/instruments/BTCUSD/candles?timeframe=2m", 400, /unknown timeframe "2m"; allowed: 1m, 5m, 15m, 1h, 4h, 1d/],
    ["/api/v1/instruments/BTCUSD/candles?from=2000&to=1000", 400, /from \(2000\) is after to \(1000\)/],
    ["/api/v1/instruments/BTCUSD/candles?limit=0", 400, /limit=0 is out of range: 1 to 5000/],
    ["/api/v1/instruments/BTCUSD/candles?limit=100000", 400, /1 to 5000/],
    ["/api/v1/instruments/BTCUSD/candles?limit=ten", 400, /not a whole number/],
    ["/api/v1/instruments/BTCUSD/candles?from=-5", 400, /out of range: 0 to 4102444800000/],
    ["/api/v1/instruments/BTCUSD/candles?to=99999999999999999", 400, /out of range/],
    ["/api/v1/instruments/BTCUSD/candles?timeframe=1m&from=0&to=4000000000000", 400, /at most 6000000000 ms/],
    ["/api/v1/instruments/BTCUSD/indicators/magic", 404, /no indicator "magic"; known: sma, ema/],
    ["/api/v1/instruments/BTCUSD/indicators/sma?period=abc", 400, /period=abc is not a number/],
    ["/api/v1/instruments/BTCUSD/indicators/sma?period=0", 400, /period=0 is out of range: 1 to 1000/],
    ["/api/v1/instruments/BTCUSD/indicators/sma?period=2.5", 400, /whole number/],
    ["/api/v1/instruments/BTCUSD/indicators/sma?length=5", 400, /sma has no parameter "length"; its parameters: period/],
    ["/api/v1/instruments/BTCUSD/indicators/macd?fast=30&slow=10", 400, /fast must be smaller than slow/],
    ["/api/v1/instruments/BTCUSD/analysis?timeframe=1w", 400, /allowed/],
    ["/api/v1/instruments/NOPE/indicators/sma", 404, /no instrument "NOPE"/],
    ["/api/v1/instruments/BTCUSD/candles?source=guess", 400, /source must be live or stored/],
  ];
  for (const [path, status, detail] of cases) {
    const body = await problem(await api(path), status);
    assert.match(body.detail, detail, path);
  }
  const tf = await problem(await api("/api/v1/instruments/BTCUSD/candles?timeframe=1y"), 400);
  assert.deepEqual(tf.allowed, ["1m", "5m", "15m", "1h", "4h", "1d"]);
  const unknown = await problem(await api("/api/v1/instruments/BTCUSD/indicators/magic"), 404);
  assert.ok(unknown.known.includes("macd"));
  // Importing history needs the import_market_data permission (admins).
  const upload = await fetch(`${server.url}/api/v1/instruments/BTCUSD/candles/import?timeframe=1h`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
    body: "time,open,high,low,close,volume\n1704153600000,1,2,0.5,1.5,10\n",
  });
  assert.match((await problem(upload, 403)).detail, /import_market_data/);
  // The stored candles (system of record) are readable; nothing was imported.
  const stored = await json("/api/v1/instruments/BTCUSD/candles?timeframe=1h&source=stored&from=1704153600000&to=1704153600000");
  assert.equal(stored.source, "stored");
  assert.deepEqual(stored.items, []);
});

// Fetches a frozen window of closed candles and the server's indicator over the
// same window (explicit from/to, so a new bar cannot shift it).
async function window(symbol, tf, n) {
  const all = (await json(`/api/v1/instruments/${symbol}/candles?timeframe=${tf}&limit=${n + 1}`)).items;
  const closed = all.slice(0, -1);
  const q = `timeframe=${tf}&from=${closed[0].time_ms}&to=${closed.at(-1).time_ms}&limit=5000`;
  const again = (await json(`/api/v1/instruments/${symbol}/candles?${q}`)).items;
  assert.deepEqual(again, closed, "closed candles do not change");
  const input = {
    open: closed.map((c) => c.open),
    high: closed.map((c) => c.high),
    low: closed.map((c) => c.low),
    close: closed.map((c) => c.close),
    volume: closed.map((c) => c.volume),
  };
  const server = async (name, params = "") => (await json(`/api/v1/instruments/${symbol}/indicators/${name}?${q}${params}`)).items;
  return { closed, input, server };
}

function close(actual, expected, tolerance, label) {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance * scale, `${label}: server ${actual}, technicalindicators ${expected}`);
}

// technicalindicators returns only ready values: align its tail with ours.
function compareTail(items, expected, pick, tolerance, label) {
  assert.equal(items.length, expected.length, `${label}: ${items.length} values, technicalindicators ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    for (const [ours, theirs] of pick) close(items[i][ours], theirs(expected[i]), tolerance, `${label}[${i}].${ours}`);
  }
}

test("indicators agree with technicalindicators on the same candles", async () => {
  // Hourly history is long for every market; 15m only covers the last two days, which
  // for FX and stocks may be a weekend, so 15m is checked on crypto.
  for (const [symbol, tf] of [["BTCUSD", "1h"], ["BTCUSD", "15m"], ["EURUSD", "1h"], ["AAPL", "1h"]]) {
    const { input, closed, server } = await window(symbol, tf, 300);
    assert.ok(closed.length >= 150, `${symbol} ${tf}: ${closed.length} candles`);
    const at = (label) => `${symbol} ${tf} ${label}`;
    const value = [["value", (v) => v]];
    compareTail(await server("sma", "&period=20"), ti.SMA.calculate({ period: 20, values: input.close }), value, 1e-9, at("sma"));
    compareTail(await server("ema", "&period=20"), ti.EMA.calculate({ period: 20, values: input.close }), value, 1e-9, at("ema"));
    compareTail(await server("wma", "&period=10"), ti.WMA.calculate({ period: 10, values: input.close }), value, 1e-9, at("wma"));
    // technicalindicators rounds RSI to two decimals; we do not.
    compareTail(await server("rsi"), ti.RSI.calculate({ period: 14, values: input.close }), [["value", (v) => v]], 0.0051, at("rsi"));
    const macd = ti.MACD.calculate({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, values: input.close, SimpleMAOscillator: false, SimpleMASignal: false });
    const ours = await server("macd");
    assert.equal(ours.length, macd.length, at("macd length"));
    for (let i = 0; i < macd.length; i++) {
      close(ours[i].macd, macd[i].MACD, 1e-9, at(`macd[${i}]`));
      if (macd[i].signal === undefined) assert.equal(ours[i].signal, null);
      else close(ours[i].signal, macd[i].signal, 1e-9, at(`signal[${i}]`));
      if (macd[i].histogram !== undefined) close(ours[i].histogram, macd[i].histogram, 1e-9, at(`histogram[${i}]`));
    }
    compareTail(
      await server("bollinger", "&period=20&stddev=2"),
      ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: input.close }),
      [["middle", (v) => v.middle], ["upper", (v) => v.upper], ["lower", (v) => v.lower], ["pb", (v) => v.pb]],
      1e-9,
      at("bollinger"),
    );
    compareTail(await server("atr"), ti.ATR.calculate({ period: 14, ...input }), value, 1e-9, at("atr"));
    compareTail(
      await server("stochastic", "&period=14&signal=3"),
      ti.Stochastic.calculate({ period: 14, signalPeriod: 3, ...input }),
      [["k", (v) => v.k]],
      1e-9,
      at("stochastic k"),
    );
    const stoch = ti.Stochastic.calculate({ period: 14, signalPeriod: 3, ...input });
    const ourStoch = await server("stochastic");
    stoch.forEach((v, i) => v.d !== undefined && close(ourStoch[i].d, v.d, 1e-9, at(`stochastic d[${i}]`)));
    compareTail(await server("williams_r"), ti.WilliamsR.calculate({ period: 14, ...input }), value, 1e-9, at("williams_r"));
    compareTail(await server("roc", "&period=12"), ti.ROC.calculate({ period: 12, values: input.close }), value, 1e-9, at("roc"));
    compareTail(await server("obv"), ti.OBV.calculate(input), value, 1e-9, at("obv"));
    compareTail(await server("cci", "&period=20"), ti.CCI.calculate({ period: 20, ...input }), value, 1e-9, at("cci"));
    compareTail(
      await server("keltner", "&period=20&atr_period=10&multiplier=2"),
      ti.KeltnerChannels.calculate({ maPeriod: 20, atrPeriod: 10, multiplier: 2, useSMA: false, ...input }),
      [["middle", (v) => v.middle], ["upper", (v) => v.upper], ["lower", (v) => v.lower]],
      1e-9,
      at("keltner"),
    );
    const adx = (await server("adx", "&period=14")).filter((v) => v.adx !== null);
    compareTail(
      adx,
      ti.ADX.calculate({ period: 14, ...input }),
      [["adx", (v) => v.adx], ["pdi", (v) => v.pdi], ["mdi", (v) => v.mdi]],
      1e-9,
      at("adx"),
    );
    compareTail(await server("psar", "&step=0.02&max=0.2"), ti.PSAR.calculate({ step: 0.02, max: 0.2, ...input }), value, 1e-9, at("psar"));
    compareTail(
      await server("ichimoku"),
      ti.IchimokuCloud.calculate({ conversionPeriod: 9, basePeriod: 26, spanPeriod: 52, displacement: 26, ...input }),
      [["conversion", (v) => v.conversion], ["base", (v) => v.base], ["span_a", (v) => v.spanA], ["span_b", (v) => v.spanB]],
      1e-9,
      at("ichimoku"),
    );
    // Session VWAP restarts each trading day; technicalindicators' VWAP is
    // cumulative, so it is run once per session on that session's bars.
    const vwap = await server("vwap");
    const sessionOf = (c) => (symbol === "BTCUSD" ? Math.floor(c.time_ms / 86_400_000) : null);
    if (symbol === "BTCUSD") {
      let start = 0;
      for (let i = 1; i <= closed.length; i++) {
        if (i === closed.length || sessionOf(closed[i]) !== sessionOf(closed[start])) {
          const part = (k) => input[k].slice(start, i);
          const expected = ti.VWAP.calculate({ high: part("high"), low: part("low"), close: part("close"), volume: part("volume") });
          expected.forEach((v, j) => close(vwap[start + j].value, v, 1e-9, at(`vwap[${start + j}]`)));
          start = i;
        }
      }
    }
  }
});

test("analysis: levels, trend and patterns as JSON with confidence and span", async () => {
  const a = await json("/api/v1/instruments/BTCUSD/analysis?timeframe=1h");
  assert.equal(a.symbol, "BTCUSD");
  assert.equal(a.simulated, true);
  assert.equal(a.bars, 300);
  assert.ok(a.levels.length > 0);
  for (const l of a.levels) {
    assert.ok(["support", "resistance"].includes(l.kind));
    assert.equal(l.kind === "support", l.price <= a.last_close);
    assert.ok(l.strength >= 0 && l.strength <= 1 && l.touches >= 1);
  }
  assert.ok(["up", "down", "sideways"].includes(a.trend.direction));
  assert.ok(a.trend.strength >= 0 && a.trend.strength <= 1);
  assert.ok(a.patterns.length > 0, "300 simulated bars show some pattern");
  for (const p of a.patterns) {
    assert.ok(p.confidence >= 0 && p.confidence <= 1, JSON.stringify(p));
    assert.ok(p.start_time_ms <= p.end_time_ms && p.bars >= 1 && p.bars <= 3);
  }
  assert.ok(Array.isArray(a.chart_patterns));
  for (const p of a.chart_patterns) {
    assert.ok(p.confidence >= 0 && p.confidence <= 1 && p.level > 0 && typeof p.confirmed === "boolean", JSON.stringify(p));
    assert.ok(p.start_time_ms <= p.end_time_ms && p.bars >= 1);
  }
});

function connect() {
  return new Centrifuge(`ws://127.0.0.1:${server.port}/connection/websocket`, { websocket: WebSocket, token, minReconnectDelay: 100 });
}

function firstPublication(sub, predicate) {
  return new Promise((resolve) => {
    const onPub = (ctx) => {
      if (predicate(ctx.data)) {
        sub.removeListener("publication", onPub);
        resolve(ctx.data);
      }
    };
    sub.on("publication", onPub);
  });
}

// A guard against hanging on a publication that never comes (not a timed assertion).
test("live: ticks on market:<SYMBOL> and the forming candle on candles:<SYMBOL>:1m", { timeout: 60_000 }, async () => {
  const client = connect();
  client.connect();
  const ticks = client.newSubscription("market:BTCUSD");
  const tick = firstPublication(ticks, (d) => d.symbol === "BTCUSD");
  ticks.subscribe();
  const candles = client.newSubscription("candles:BTCUSD:1m");
  const forming = firstPublication(candles, (d) => d.closed === false);
  candles.subscribe();

  const t = await tick;
  assert.equal(t.simulated, true);
  assert.ok(t.price > 0 && t.size > 0 && t.bid < t.ask && Number.isInteger(t.time_ms));
  const c = await forming;
  assert.equal(c.symbol, "BTCUSD");
  assert.equal(c.timeframe, "1m");
  assert.equal(c.time_ms % 60_000, 0);
  assert.equal(c.simulated, true);
  assert.ok(c.low <= c.close && c.close <= c.high);
  // The retained raw ticks include the one we were sent.
  const recent = (await json("/api/v1/instruments/BTCUSD/ticks?limit=1000")).items;
  assert.ok(recent.some((r) => r.time_ms === t.time_ms && r.price === t.price), "the published tick is retained");
  for (let i = 1; i < recent.length; i++) assert.ok(recent[i].time_ms >= recent[i - 1].time_ms);
  assert.equal((await json("/api/v1/instruments/BTCUSD/ticks?limit=2")).items.length, 2);
  await problem(await api("/api/v1/instruments/BTCUSD/ticks?limit=0"), 400);
  // The REST view shows the same forming bucket (or a newer one).
  const rest = (await json("/api/v1/instruments/BTCUSD/candles?timeframe=1m&limit=1")).items[0];
  assert.ok(rest.time_ms >= c.time_ms);

  // Unknown symbols and timeframes are unknown channels; nobody may publish.
  for (const name of ["market:NOPE", "candles:BTCUSD:2m", "market:btcusd"]) {
    const sub = client.newSubscription(name);
    const gone = new Promise((resolve) => sub.on("unsubscribed", resolve));
    sub.subscribe();
    assert.equal((await gone).code, 102, name);
  }
  await assert.rejects(client.publish("market:BTCUSD", { price: 1 }), (e) => e.code === 103);
  client.disconnect();
});

// Import as an admin (a bad file changes nothing; a good one is stored in one
// piece), then restart on the same data with market.feed=replay: the live series
// are rebuilt from the stored candles, every timeframe, nothing labelled simulated.
test("CSV import is all or nothing, and market.feed=replay replays what was imported", { timeout: 120_000 }, async () => {
  let first, replay;
  const t0 = 1704153600000; // 2024-01-02T00:00:00Z
  const rows = Array.from({ length: 10 }, (_, i) => {
    const o = 42000 + 10 * i, c = i % 3 === 0 ? o - 4 : o + 6;
    return { time_ms: t0 + i * 60000, open: o, high: Math.max(o, c) + 2, low: Math.min(o, c) - 3, close: c, volume: 1 + i };
  });
  try {
    // Its own embedded database (a second server on a shared PostgreSQL database
    // would meet the first one's encrypted keys).
    first = await startServer({ args: ["--set", "market.feed=replay"], env: { TRADECHAT_DATABASE_URL: "" } });
    const post = (base, path, body) =>
      fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const password = "correct horse replay staple";
    assert.equal((await post(first.url, "/api/v1/auth/register", { username: "replayer", email: "r@example.com", password })).status, 201);
    assert.equal(cli(first, ["users", "set-role", "replayer", "admin"]).status, 0);
    const login = async (base) => (await (await post(base, "/api/v1/auth/login", { username: "replayer", password })).json()).access_token;
    let access = await login(first.url);
    const get = async (base, path) => (await fetch(base + path, { headers: { Authorization: `Bearer ${access}` } })).json();
    const upload = (csv, type = "text/csv") =>
      fetch(`${first.url}/api/v1/instruments/BTCUSD/candles/import?timeframe=1m`, {
        method: "POST",
        headers: { Authorization: `Bearer ${access}`, "Content-Type": type },
        body: csv,
      });
    const { items } = await get(first.url, "/api/v1/instruments");
    assert.ok(items.length >= 30 && items.every((i) => i.simulated === false));
    // A fresh database has nothing stored, so there is nothing to replay (yet).
    assert.deepEqual((await get(first.url, "/api/v1/instruments/BTCUSD/candles?timeframe=1m")).items, []);

    const header = "timestamp,open,high,low,close,volume\n";
    const line = (r) => `${r.time_ms},${r.open},${r.high},${r.low},${r.close},${r.volume}\n`;
    // Two bad rows among good ones: 422 naming each, and not even the good rows are stored.
    const bad = header + rows.slice(0, 2).map(line).join("") + `${t0 + 120000},1,abc,1,1,1\n` + line(rows[3]).replace(/^\d+/, String(t0 + 150000));
    const refused = await problem(await upload(bad), 422);
    assert.equal(refused.error_count, 2);
    assert.deepEqual(refused.errors.map((e) => [e.line, e.column]), [[4, "high"], [5, "timestamp"]]);
    assert.match(refused.detail, /2 bad row\(s\); nothing was imported; first: line 4, column high: "abc" is not a number/);
    const stored = `/api/v1/instruments/BTCUSD/candles?timeframe=1m&source=stored&from=${t0}&to=${t0 + 3600000}`;
    assert.deepEqual((await get(first.url, stored)).items, []);
    await problem(await upload(header + rows.map(line).join(""), "application/json"), 415);
    // The good file: 201, stored as given.
    const ok = await upload(header + rows.map(line).join(""));
    assert.equal(ok.status, 201, await ok.clone().text());
    assert.deepEqual(await ok.json(), { symbol: "BTCUSD", timeframe: "1m", imported: 10, from_ms: t0, to_ms: t0 + 540000 });
    assert.deepEqual((await get(first.url, stored)).items, rows);
    assertCleanExit(assert, await first.stop());
    const dataDir = first.dataDir;
    first = undefined;

    // 60,000 market ms per wall ms: the ten minutes replay within a step or two.
    replay = await startServer({
      args: ["--set", "market.feed=replay", "--set", "market.replay.speed=60000", "--set", "market.simulator.tick_interval=50ms", "--set", `data.dir=${dataDir}`],
      env: { TRADECHAT_DATABASE_URL: "" },
    });
    access = await login(replay.url);
    let live = [];
    while (live.length < rows.length) {
      live = (await get(replay.url, "/api/v1/instruments/BTCUSD/candles?timeframe=1m")).items;
      if (live.length < rows.length) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(live, rows);
    const five = (await get(replay.url, "/api/v1/instruments/BTCUSD/candles?timeframe=5m")).items;
    assert.deepEqual(five.map((c) => [c.time_ms, c.open, c.close, c.volume]), [
      [t0, rows[0].open, rows[4].close, 1 + 2 + 3 + 4 + 5],
      [t0 + 300000, rows[5].open, rows[9].close, 6 + 7 + 8 + 9 + 10],
    ]);
    const quote = await get(replay.url, "/api/v1/instruments/BTCUSD/quote");
    assert.equal(quote.last, rows[9].close);
    assert.equal(quote.simulated, false);
  } finally {
    if (first) assertCleanExit(assert, await first.stop());
    if (replay) assertCleanExit(assert, await replay.stop());
  }
});

// A stand-in for Binance's stream service on loopback (this machine has no
// internet): it sends trade events in the combined-stream format of Binance's
// documentation and drops the first connection after five, to make the feed reconnect.
test("market.feed=binance: streamed trades become ticks, and the feed reconnects", { timeout: 120_000 }, async () => {
  const fake = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => fake.on("listening", resolve));
  const paths = [];
  let reconnected;
  const second = new Promise((resolve) => (reconnected = resolve));
  fake.on("connection", (sock, req) => {
    paths.push(req.url);
    if (paths.length === 2) reconnected();
    let n = 0;
    const timer = setInterval(() => {
      n++;
      const now = Date.now();
      sock.send(JSON.stringify({ stream: "btcusdt@trade", data: { e: "trade", E: now, s: "BTCUSDT", t: n, p: "65000.50", q: "0.25", T: now, m: false, M: true } }));
      if (paths.length === 1 && n === 5) sock.close();
    }, 50);
    sock.on("close", () => clearInterval(timer));
  });
  let live;
  try {
    live = await startServer({
      args: ["--set", "market.feed=binance", "--set", `market.binance.url=ws://127.0.0.1:${fake.address().port}`, "--set", "market.simulator.tick_interval=50ms"],
      env: { TRADECHAT_DATABASE_URL: "" },
    });
    const post = (path, body) =>
      fetch(live.url + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const password = "correct horse binance staple";
    await post("/api/v1/auth/register", { username: "streamer", email: "s@example.com", password });
    const access = (await (await post("/api/v1/auth/login", { username: "streamer", password })).json()).access_token;
    const client = new Centrifuge(`ws://127.0.0.1:${live.port}/connection/websocket`, { websocket: WebSocket, token: access });
    client.connect();
    const sub = client.newSubscription("market:BTCUSD");
    const tick = firstPublication(sub, (d) => d.symbol === "BTCUSD");
    sub.subscribe();
    const t = await tick;
    assert.equal(t.price, 65000.5);
    assert.equal(t.size, 0.25);
    assert.equal(t.simulated, false);
    await second;  // the feed came back after the service dropped it
    assert.match(paths[0], /^\/stream\?streams=btcusdt@trade\/ethusdt@trade/);
    const res = await fetch(`${live.url}/api/v1/instruments/BTCUSD/quote`, { headers: { Authorization: `Bearer ${access}` } });
    const quote = await res.json();
    assert.equal(quote.last, 65000.5);
    assert.equal(quote.simulated, false);
    client.disconnect();
  } finally {
    // Whatever happened, nothing is left running (an open listener would keep the
    // test process alive).
    if (live) assertCleanExit(assert, await live.stop());
    for (const c of fake.clients) c.terminate();
    fake.close();
  }
});

// A stand-in for Alpaca's stock stream on loopback (this machine has no internet),
// speaking the protocol of Alpaca's "WebSocket Stream" documentation with its message
// samples: connected → auth → authenticated → subscribe → subscription, then a quote
// and a trade. The first connection is dropped after the data; the second is refused
// with the documented 406 error (the vendor still counts the old one); the third
// works again and sends a later trade.
test("market.feed=alpaca: authenticates, subscribes, streams trades and quotes, reconnects; the key is never shown", { timeout: 120_000 }, async () => {
  const secret = "alpaca-secret-never-shown-7f3a";
  const secretFile = join(mkdtempSync(join(tmpdir(), "tc-alpaca-")), "secret");
  writeFileSync(secretFile, `${secret}\n`);
  const env = { TRADECHAT_DATABASE_URL: "", TRADECHAT_MARKET_ALPACA_KEY_ID: "AKTESTKEY", TRADECHAT_MARKET_ALPACA_SECRET_KEY_FILE: secretFile };

  const fake = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => fake.on("listening", resolve));
  const auths = [];
  const subscribes = [];
  let connections = 0;
  let third;
  const thirdDone = new Promise((resolve) => (third = resolve));
  fake.on("connection", (sock, req) => {
    const n = ++connections;
    assert.equal(req.url, "/v2/iex");
    sock.send(JSON.stringify([{ T: "success", msg: "connected" }]));
    sock.on("message", (raw) => {
      const m = JSON.parse(String(raw));
      if (m.action === "auth") {
        auths.push(m);
        if (n === 2) {
          sock.send(JSON.stringify([{ T: "error", code: 406, msg: "connection limit exceeded" }]));
          sock.close();
          return;
        }
        sock.send(JSON.stringify([{ T: "success", msg: "authenticated" }]));
      } else if (m.action === "subscribe") {
        subscribes.push(m);
        sock.send(JSON.stringify([{ T: "subscription", trades: m.trades, quotes: m.quotes, bars: [], updatedBars: [], dailyBars: [], statuses: [], lulds: [], corrections: m.trades, cancelErrors: m.trades }]));
        if (n === 1) {
          sock.send(JSON.stringify([
            { T: "q", S: "AAPL", bx: "U", bp: 126.5, bs: 1, ax: "Q", ap: 126.56, as: 4, t: "2021-02-22T15:51:44.100Z", c: ["R"], z: "C" },
            { T: "t", i: 96921, S: "AAPL", x: "D", p: 126.55, s: 1, t: "2021-02-22T15:51:44.208Z", c: ["@", "I"], z: "C" },
          ]));
          setTimeout(() => sock.terminate(), 300);
        } else {
          sock.send(JSON.stringify([{ T: "t", i: 96922, S: "AAPL", x: "D", p: 126.6, s: 5, t: "2021-02-22T15:51:50.000Z", c: ["@"], z: "C" }]));
          third();
        }
      }
    });
  });
  let live;
  try {
    live = await startServer({
      args: ["--set", "market.feed=alpaca", "--set", `market.alpaca.url=ws://127.0.0.1:${fake.address().port}/v2/iex`, "--set", "market.simulator.tick_interval=50ms"],
      env,
    });
    const post = (path, body) =>
      fetch(live.url + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const password = "correct horse alpaca staple";
    await post("/api/v1/auth/register", { username: "stocker", email: "st@example.com", password });
    const access = (await (await post("/api/v1/auth/login", { username: "stocker", password })).json()).access_token;
    const client = new Centrifuge(`ws://127.0.0.1:${live.port}/connection/websocket`, { websocket: WebSocket, token: access });
    client.connect();
    const sub = client.newSubscription("market:AAPL");
    const later = firstPublication(sub, (d) => d.price === 126.6);
    sub.subscribe();
    await thirdDone;
    const t = await later;
    assert.equal(t.simulated, false);
    assert.equal(t.size, 5);
    assert.equal(t.bid, 126.5, "the vendor's quote, not a simulated spread");
    assert.equal(t.ask, 126.56);
    const get = async (path) => (await fetch(live.url + path, { headers: { Authorization: `Bearer ${access}` } })).json();
    const quote = await get("/api/v1/instruments/AAPL/quote");
    assert.equal(quote.last, 126.6);
    assert.equal(quote.simulated, false);
    const candles = (await get("/api/v1/instruments/AAPL/candles?timeframe=1m")).items;
    assert.deepEqual(candles, [{ time_ms: 1614009060000, open: 126.55, high: 126.6, low: 126.55, close: 126.6, volume: 6 }]);
    // Crypto gets nothing from a stock vendor.
    assert.deepEqual((await get("/api/v1/instruments/BTCUSD/candles?timeframe=1m")).items, []);
    client.disconnect();

    assert.ok(connections >= 3, `${connections} connections`);
    for (const a of auths) assert.deepEqual(a, { action: "auth", key: "AKTESTKEY", secret });
    const s = subscribes[0];
    assert.ok(s.trades.includes("AAPL") && s.trades.includes("SPY") && s.quotes.includes("MSFT") && !s.bars);
    assert.ok(!s.trades.includes("BTCUSD"));
    assert.match(live.stderr, /Alpaca stream error.*"code":406/);
  } finally {
    if (live) {
      const result = await live.stop();
      assertCleanExit(assert, result);
      assert.ok(!result.stderr.includes(secret), "the secret key is never logged");
    }
    for (const c of fake.clients) c.terminate();
    fake.close();
  }
  // config check masks both keys; a missing key stops start-up naming the key.
  const check = spawnSync(binary, ["config", "check", "--set", "market.feed=alpaca"], { encoding: "utf8", env: { ...process.env, ...env } });
  assert.equal(check.status, 0, check.stderr);
  assert.ok(!check.stdout.includes(secret) && !check.stdout.includes("AKTESTKEY"), check.stdout);
  assert.match(check.stdout, /market\.alpaca\.secret_key/);
  const dataDir = mkdtempSync(join(tmpdir(), "tc-alpaca-data-"));
  const missing = spawnSync(binary, ["serve", "--set", "market.feed=alpaca", "--set", "http.addr=127.0.0.1:0", "--set", `data.dir=${dataDir}`], {
    encoding: "utf8",
    env: { ...process.env, TRADECHAT_DATABASE_URL: "", ASAN_OPTIONS: "detect_leaks=0" },
    timeout: 60_000,
  });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /market\.alpaca\.key_id/);
});
