// Slow and idle clients are cut off on time; the server keeps serving others.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startServer, assertCleanExit, parseResponses, sleep } from "./lib/server.mjs";

let server;
before(async () => {
  server = await startServer({
    args: ["--set", "http.header_timeout=400ms", "--set", "http.body_timeout=400ms", "--set", "http.idle_timeout=600ms"],
  });
});
after(async () => assertCleanExit(assert, await server.stop()));

function connect() {
  return new Promise((res) => {
    const sock = net.connect(server.port, "127.0.0.1", () => res(sock));
    sock.data = "";
    sock.gone = new Promise((r) => sock.on("close", r));
    sock.on("data", (d) => (sock.data += d));
    sock.on("error", () => {});
  });
}

test("a client that sends headers too slowly gets 408 and is disconnected", async () => {
  const sock = await connect();
  sock.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
  await sock.gone;
  const [res] = parseResponses(sock.data);
  assert.equal(res.status, 408);
  assert.match(res.headers["content-type"], /problem\+json/);
});

test("a client that sends a body too slowly gets 408", async () => {
  const sock = await connect();
  sock.write("POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{");
  await sock.gone;
  const [res] = parseResponses(sock.data);
  assert.equal(res.status, 408);
});

test("an idle keep-alive connection is closed after the idle timeout", async () => {
  const sock = await connect();
  sock.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  await sleep(100);
  assert.equal(parseResponses(sock.data)[0].status, 200);
  const started = Date.now();
  await sock.gone;
  assert.ok(Date.now() - started < 5000, "closed by the server, not by the test's patience");
  assert.equal(parseResponses(sock.data).length, 1, "nothing else was sent");
});

test("a connection that never sends anything is closed", async () => {
  const sock = await connect();
  await sock.gone;
  assert.equal(sock.data, "");
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
});
