// Health, readiness, metrics, the OpenAPI document, the connection cap and a
// graceful shutdown with a request in flight.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startServer, assertCleanExit, parseResponses, assertProblem, sleep } from "./lib/server.mjs";

test("healthz, readyz and version answer", async () => {
  const server = await startServer();
  try {
    assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    const body = await ready.json();
    assert.equal(body.status, "ready");
    assert.ok(body.modules.includes("gateway"));
    assert.equal(body.checks.database, "ok");
    assert.equal(body.checks.cache, "ok");
    assert.equal(body.checks.bus, "ok");
    const version = await (await fetch(`${server.url}/api/v1/version`)).json();
    assert.match(version.version, /^\d+\.\d+\.\d+/);
  } finally {
    assertCleanExit(assert, await server.stop());
  }
});

test("metrics count requests by route pattern and expose process and pool gauges", async () => {
  const server = await startServer();
  try {
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/api/v1/version`);
    await fetch(`${server.url}/api/v1/nope`);
    const res = await fetch(`${server.url}/metrics`);
    assert.match(res.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /tradechat_http_requests_total\{route="\/api\/v1\/version",method="GET",status="200"\} 3\n/);
    assert.match(text, /tradechat_http_requests_total\{route="\(static\)",method="GET",status="404"\} 1\n/);
    assert.match(text, /tradechat_http_request_duration_seconds_bucket\{route="\/api\/v1\/version",le="\+Inf"\} 3\n/);
    for (const name of [
      "tradechat_http_connections",
      "tradechat_websocket_connections",
      "tradechat_blocking_pool_queue_depth",
      "tradechat_build_info",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
    ]) {
      assert.match(text, new RegExp(`^${name}`, "m"), name);
    }
    // Raw paths never become label values (bounded cardinality).
    assert.doesNotMatch(text, /\/api\/v1\/nope/);
  } finally {
    assertCleanExit(assert, await server.stop());
  }
});

test("the OpenAPI document is 3.1 and every operation in it exists", async () => {
  const server = await startServer();
  try {
    const doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(doc.components.schemas.Problem);
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => [m, path]));
    assert.ok(ops.length >= 5);
    for (const [method, path] of ops) {
      const op = doc.paths[path][method];
      assert.ok(op.summary, `${method} ${path} has a summary`);
      assert.ok(op.responses, `${method} ${path} has responses`);
      const concrete = path.replace(/\{[^}]+\}/g, "x");
      const res = await fetch(server.url + concrete, { method: method.toUpperCase() });
      assert.notEqual(res.status, 405, `${method} ${path} is routed`);
      if (res.status === 404) {
        const problem = await res.json();
        assert.notEqual(problem.type.endsWith("/not-found") && problem.detail.startsWith("no route"), true,
          `${method} ${path} is documented but has no route`);
      }
    }
  } finally {
    assertCleanExit(assert, await server.stop());
  }
});

test("connections beyond http.max_connections get 503 with Retry-After", async () => {
  const server = await startServer({ args: ["--set", "http.max_connections=2"] });
  const open = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = net.connect(server.port, "127.0.0.1");
      await new Promise((r) => s.on("connect", r));
      open.push(s);
    }
    await sleep(100);
    const third = net.connect(server.port, "127.0.0.1");
    let data = "";
    third.on("data", (d) => (data += d));
    await new Promise((r) => third.on("close", r));
    const [res] = parseResponses(data);
    assertProblem(assert, res, 503);
    assert.equal(res.headers["retry-after"], "1");
    for (const s of open) s.destroy();
    await sleep(100);
    const after = await fetch(`${server.url}/healthz`);
    assert.equal(after.status, 200, "capacity comes back when connections close");
  } finally {
    for (const s of open) s.destroy();
    assertCleanExit(assert, await server.stop());
  }
});

test("SIGTERM drains: the request in flight is answered, new connections are refused, exit 0", async () => {
  const server = await startServer({ args: ["--set", "http.shutdown_timeout=5s"] });
  const idle = net.connect(server.port, "127.0.0.1");
  const idleClosed = new Promise((r) => idle.on("close", r));
  idle.on("error", () => {});
  const busy = net.connect(server.port, "127.0.0.1");
  await new Promise((r) => busy.on("connect", r));
  let answer = "";
  busy.on("data", (d) => (answer += d));
  const busyClosed = new Promise((r) => busy.on("close", r));
  // Half a request: the server is reading its body when the signal arrives.
  busy.write("POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n{}");
  await sleep(200);
  server.child.kill("SIGTERM");
  await sleep(300);
  const refused = await new Promise((r) => {
    const s = net.connect(server.port, "127.0.0.1");
    s.on("connect", () => {
      s.destroy();
      r(false);
    });
    s.on("error", () => r(true));
  });
  assert.ok(refused, "no new connections after SIGTERM");
  busy.write("{}");
  await busyClosed;
  const [res] = parseResponses(answer);
  assert.ok(res, "the in-flight request got its answer");
  assert.equal(res.headers["connection"], "close");
  await idleClosed;
  const result = await server.stop();
  assertCleanExit(assert, result);
  assert.match(result.stderr, /"msg":"shutting down","signal":"SIGTERM"/);
});

test("on PostgreSQL, Redis and NATS: readiness reports each, and names the database while it is down", async () => {
  const url = process.env.TRADECHAT_TEST_DATABASE_URL;
  assert.ok(url, "TRADECHAT_TEST_DATABASE_URL is set by scripts/test (scripts/services env)");
  const { spawnSync } = await import("node:child_process");
  const { repoRoot } = await import("./lib/server.mjs");
  const services = (verb) => {
    const r = spawnSync(`${repoRoot}/scripts/services`, [verb, "postgres"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  };
  // A clean schema: the service tests share this database and drop their own tables.
  const reset = spawnSync("psql", [url, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"], { encoding: "utf8" });
  assert.equal(reset.status, 0, reset.stderr);
  // The distributed column: PostgreSQL, Redis and NATS together.
  const server = await startServer({
    env: {
      TRADECHAT_DATABASE_URL: url,
      TRADECHAT_REDIS_URL: process.env.TRADECHAT_TEST_REDIS_URL,
      TRADECHAT_NATS_URL: process.env.TRADECHAT_TEST_NATS_URL,
    },
  });
  try {
    let res = await fetch(`${server.url}/readyz`);
    assert.equal(res.status, 200);
    const ready = await res.json();
    assert.deepEqual(ready.checks, { database: "ok", cache: "ok", bus: "ok" });
    assert.match(server.stderr, /"store":"postgres:postgres:\/\/tradechat:\*\*\*\*@/, "engines logged, password masked");
    services("stop");
    res = await fetch(`${server.url}/readyz`);
    assert.equal(res.status, 503);
    const problem = await res.json();
    assert.match(res.headers.get("content-type"), /problem\+json/);
    assert.notEqual(problem.checks.database, "ok");
    assert.doesNotMatch(JSON.stringify(problem), /tradechat:tradechat@/, "no credentials in the answer");
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, "still alive");
  } catch (e) {
    services("start");
    await server.stop();  // a failed assertion must not leave the server holding the run
    throw e;
  }
  services("start");
  let res;
  try {
    res = await fetch(`${server.url}/readyz`);
  } catch (e) {
    await server.stop();
    throw e;
  }
  const result = await server.stop();
  assert.equal(res.status, 200, "ready again once PostgreSQL is back (the first check after the restart)");
  assertCleanExit(assert, result);
});
