// The web client's files: types, revalidation, caching, client-side routes, and
// no way out of the web root.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, assertCleanExit, rawRequest, parseResponses } from "./lib/server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => assertCleanExit(assert, await server.stop()));

test("files are served with their content types", async () => {
  const cases = [
    ["/", "text/html; charset=utf-8"],
    ["/assets/app-abc123.js", "text/javascript; charset=utf-8"],
    ["/assets/app-abc123.css", "text/css; charset=utf-8"],
    ["/logo.svg", "image/svg+xml"],
  ];
  for (const [path, type] of cases) {
    const res = await fetch(server.url + path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), type, path);
  }
  const html = await (await fetch(server.url + "/")).text();
  assert.match(html, /<title>tradechat<\/title>/);
});

test("hashed assets are immutable, the app shell is revalidated, ETags give 304", async () => {
  const asset = await fetch(server.url + "/assets/app-abc123.js");
  assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
  const shell = await fetch(server.url + "/");
  assert.equal(shell.headers.get("cache-control"), "no-cache");
  assert.match(shell.headers.get("content-security-policy"), /default-src 'self'/);
  const etag = asset.headers.get("etag");
  assert.ok(etag && asset.headers.get("last-modified"));
  const again = await fetch(server.url + "/assets/app-abc123.js", { headers: { "If-None-Match": etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
});

test("client-side routes get the app shell; missing files and unknown API paths do not", async () => {
  const route = await fetch(server.url + "/chart/AAPL");
  assert.equal(route.status, 200);
  assert.match(await route.text(), /<div id=app>/);
  const missing = await fetch(server.url + "/assets/missing-123.js");
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get("content-type"), /problem\+json/);
  const api = await fetch(server.url + "/api/v2/whatever");
  assert.equal(api.status, 404);
  assert.match(api.headers.get("content-type"), /problem\+json/);
});

test("traversal attempts never reach files outside the root", async () => {
  const attempts = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "//etc/passwd",
    "/.env",
    "/escape.txt",
    "/%2fetc%2fpasswd",
  ];
  for (const path of attempts) {
    const { data } = await rawRequest(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const [res] = parseResponses(data);
    assert.ok(res, `an answer for ${path}`);
    assert.doesNotMatch(res.body, /TOP-SECRET|SECRET=1|root:x:/, path);
    if (res.status === 200) {
      // "//etc/passwd" stays inside the root: it is a client-side route, so the app shell.
      assert.match(res.body, /<div id=app>/, path);
    } else {
      assert.ok([400, 404].includes(res.status), `${path} -> ${res.status}`);
      assert.match(res.headers["content-type"], /problem\+json/, path);
    }
  }
  const ok = await fetch(server.url + "/healthz");
  assert.equal(ok.status, 200);
});
