// HTTP/1.1 handling of the real server: bad requests get a clear problem response
// and the server keeps serving.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, assertCleanExit, rawRequest, parseResponses, assertProblem } from "./lib/server.mjs";

let server;
before(async () => {
  server = await startServer({ args: ["--set", "http.cors_origins=https://app.example"] });
});
after(async () => assertCleanExit(assert, await server.stop()));

async function stillServing() {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok" });
}

test("malformed request lines get 400 problems and the connection closes", async () => {
  const bad = [
    "GARBAGE\r\n\r\n",
    "GE(T / HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    "GET /\r\nHost: x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost x\r\n\r\n",
    "GET http://elsewhere.example/ HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
  ];
  for (const req of bad) {
    const { data, closed } = await rawRequest(server.port, req);
    const [res] = parseResponses(data);
    assert.ok(res, `an answer to ${JSON.stringify(req)}`);
    assertProblem(assert, res, 400);
    assert.ok(closed, `connection closed after ${JSON.stringify(req)}`);
  }
  await stillServing();
});

test("oversize headers get 431, oversize bodies 413, by length and by chunks", async () => {
  const big = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20000)}\r\n\r\n`;
  let [res] = parseResponses((await rawRequest(server.port, big)).data);
  assertProblem(assert, res, 431);

  const declared = "POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{";
  [res] = parseResponses((await rawRequest(server.port, declared)).data);
  assertProblem(assert, res, 413);

  const chunk = "x".repeat(65536);
  let chunked = "POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (let i = 0; i < 20; i++) chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  chunked += "0\r\n\r\n";
  [res] = parseResponses((await rawRequest(server.port, chunked)).data);
  assertProblem(assert, res, 413);
  await stillServing();
});

test("unknown routes are 404 problems, wrong methods 405 with Allow", async () => {
  let res = await fetch(`${server.url}/api/v1/no-such-thing`);
  const body = assertProblem(assert, { status: res.status, headers: res.headers, body: await res.json() }, 404);
  assert.equal(body.instance, "/api/v1/no-such-thing");
  res = await fetch(`${server.url}/healthz`, { method: "DELETE" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD, OPTIONS");
  assert.match(res.headers.get("content-type"), /problem\+json/);
  res = await fetch(`${server.url}/healthz`, { method: "OPTIONS" });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("allow"), "GET, HEAD, OPTIONS");
});

test("HEAD answers with the headers of GET and no body", async () => {
  const { data } = await rawRequest(server.port, "HEAD /api/v1/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const get = await fetch(`${server.url}/api/v1/version`);
  const getBody = await get.text();
  assert.match(data, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(data, new RegExp(`\r\nContent-Length: ${getBody.length}\r\n`));
  assert.ok(data.endsWith("\r\n\r\n"), "no body after the headers");
});

test("keep-alive serves many requests on one connection, pipelined requests in order", async () => {
  let many = "";
  for (let i = 0; i < 50; i++) many += `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-${i}\r\n\r\n`;
  const { data } = await rawRequest(server.port, many, { idleMs: 800 });
  const responses = parseResponses(data);
  assert.equal(responses.length, 50);
  responses.forEach((r, i) => {
    assert.equal(r.status, 200);
    assert.equal(r.headers["x-request-id"], `req-${i}`, "answers come back in request order");
  });
  // Three different requests written in one segment.
  const pipelined =
    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
    "GET /nope-at-all.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
    "GET /api/v1/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const piped = parseResponses((await rawRequest(server.port, pipelined)).data);
  assert.deepEqual(piped.map((r) => r.status), [200, 404, 200]);
  assert.equal(piped[2].headers["connection"], "close");
});

test("request ids are echoed when valid and replaced when not", async () => {
  let res = await fetch(`${server.url}/healthz`, { headers: { "X-Request-Id": "client-abc.123:x" } });
  assert.equal(res.headers.get("x-request-id"), "client-abc.123:x");
  res = await fetch(`${server.url}/healthz`, { headers: { "X-Request-Id": "bad id with spaces <script>" } });
  assert.match(res.headers.get("x-request-id"), /^[0-9a-f]{32}$/);
  res = await fetch(`${server.url}/healthz`);
  assert.match(res.headers.get("x-request-id"), /^[0-9a-f]{32}$/);
  assert.match(server.stderr, /"msg":"access".*"request_id":"client-abc\.123:x"/);
});

test("responses carry security headers", async () => {
  const res = await fetch(`${server.url}/api/v1/version`);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  assert.match(res.headers.get("content-security-policy"), /frame-ancestors 'none'/);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.ok(res.headers.get("date"));
  assert.equal(res.headers.get("server"), null, "no server banner");
});

test("CORS: the configured origin is allowed, others are not", async () => {
  let res = await fetch(`${server.url}/api/v1/version`, { headers: { Origin: "https://app.example" } });
  assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
  assert.equal(res.headers.get("vary"), "Origin");
  res = await fetch(`${server.url}/api/v1/version`, { headers: { Origin: "https://evil.example" } });
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  res = await fetch(`${server.url}/api/v1/version`, {
    method: "OPTIONS",
    headers: { Origin: "https://app.example", "Access-Control-Request-Method": "GET" },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
  assert.match(res.headers.get("access-control-allow-methods"), /GET/);
  assert.match(res.headers.get("access-control-allow-headers"), /Authorization/);
});

test("the WebSocket endpoint refuses upgrades when the realtime module does not run in this process", async () => {
  const edge = await startServer({ args: ["--target", "gateway"] });
  const req =
    "GET /connection/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const [res] = parseResponses((await rawRequest(edge.port, req)).data);
  const body = assertProblem(assert, res, 503);
  assert.match(body.detail, /realtime module/);
  assertCleanExit(assert, await edge.stop());
});
