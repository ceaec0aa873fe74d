// Starts the real tradechat binary on a free port with a throwaway web root and
// data dir, and stops it with SIGTERM, checking it exits cleanly (and that the
// sanitizers of the test build found nothing).
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../..");
export const binary = process.env.TRADECHAT_BIN ?? join(repoRoot, "build/test/tradechat");

export function makeWebRoot() {
  const base = mkdtempSync(join(tmpdir(), "tc-web-"));
  const root = join(base, "dist");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><title>tradechat</title><div id=app></div>");
  writeFileSync(join(root, "assets/app-abc123.js"), "console.log('hi');");
  writeFileSync(join(root, "assets/app-abc123.css"), "body{}");
  writeFileSync(join(root, "logo.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(root, ".env"), "SECRET=1");
  writeFileSync(join(base, "secret.txt"), "TOP-SECRET-OUTSIDE-ROOT");
  symlinkSync(join(base, "secret.txt"), join(root, "escape.txt"));
  return root;
}

export async function startServer({ args = [], env = {}, webRoot } = {}) {
  const web = webRoot ?? makeWebRoot();
  const dataDir = mkdtempSync(join(tmpdir(), "tc-data-"));
  const child = spawn(
    binary,
    ["serve", "--set", "http.addr=127.0.0.1:0", "--set", `web.dir=${web}`, "--set", `data.dir=${dataDir}`, ...args],
    { env: { ...process.env, ASAN_OPTIONS: process.env.TC_ASAN_OPTIONS ?? "detect_leaks=1", ...env }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  const exited = new Promise((res) => child.on("exit", (code, signal) => res({ code, signal })));
  const addr = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${stderr}`)), 20000);
    child.stderr.on("data", (d) => {
      stderr += d;
      const m = stderr.match(/"msg":"listening","addr":"([^"]+)"/);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    exited.then(({ code }) => rej(new Error(`server exited with ${code} before listening:\n${stderr}`)));
  });
  const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), Number(addr.slice(addr.lastIndexOf(":") + 1))];
  return {
    host,
    port,
    url: `http://${addr}`,
    web,
    dataDir,
    env,
    child,
    get stderr() {
      return stderr;
    },
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const result = await exited;
      return { ...result, stderr };
    },
  };
}

// Asserts a clean exit: status 0 and no sanitizer reports.
export function assertCleanExit(assert, result) {
  assert.equal(result.code, 0, `exit status ${result.code} (${result.signal})\n${result.stderr.slice(-3000)}`);
  assert.doesNotMatch(result.stderr, /ERROR: AddressSanitizer|runtime error:|LeakSanitizer/);
}

// Sends raw bytes and collects everything the server answers until it closes the
// connection or `idleMs` pass without data.
export function rawRequest(port, bytes, { idleMs = 1500, host = "127.0.0.1" } = {}) {
  return new Promise((res, rej) => {
    const sock = net.connect(port, host);
    let data = "";
    let timer;
    const finish = (closed) => {
      clearTimeout(timer);
      sock.destroy();
      res({ data, closed });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), idleMs);
    };
    sock.on("connect", () => {
      if (bytes) sock.write(bytes);
      arm();
    });
    sock.on("data", (d) => {
      data += d;
      arm();
    });
    sock.on("end", () => finish(true));
    sock.on("close", () => finish(true));
    sock.on("error", (e) => (e.code === "ECONNRESET" ? finish(true) : rej(e)));
  });
}

// Splits a stream of HTTP/1.1 responses (Content-Length framed) into parts.
export function parseResponses(text) {
  const out = [];
  let rest = text;
  while (rest.length) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) break;
    const head = rest.slice(0, end);
    const [statusLine, ...lines] = head.split("\r\n");
    const headers = {};
    for (const l of lines) {
      const i = l.indexOf(":");
      headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    const len = Number(headers["content-length"] ?? 0);
    const body = rest.slice(end + 4, end + 4 + len);
    out.push({ status: Number(statusLine.split(" ")[1]), statusLine, headers, body });
    rest = rest.slice(end + 4 + len);
  }
  return out;
}

export function assertProblem(assert, res, status) {
  assert.equal(res.status, status);
  const ct = res.headers["content-type"] ?? res.headers.get?.("content-type");
  assert.match(ct, /^application\/problem\+json/);
  const body = typeof res.body === "string" ? JSON.parse(res.body) : res.body;
  assert.equal(body.status, status);
  assert.ok(body.type && body.title, "problem has type and title");
  assert.ok(body.request_id, "problem carries the request id");
  return body;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
