// Helpers for tests that sign people up and in: a JSON API client, RFC 6238 TOTP
// codes, a real SMTP server (Debian's python3-aiosmtpd) collecting mail in a
// maildir, and the tradechat CLI against a server's data.
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { binary, sleep } from "./server.mjs";

export function apiClient(baseUrl) {
  return async (path, { method = "GET", body, token, headers = {}, raw } = {}) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined && raw === undefined ? { "Content-Type": "application/json" } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: raw !== undefined ? raw : body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

export async function signUp(api, username, { password = `correct horse ${username} staple`, userAgent } = {}) {
  const reg = await api("/api/v1/auth/register", { method: "POST", body: { username, email: `${username}@example.com`, password } });
  if (reg.status !== 201) throw new Error(`register ${username}: ${reg.status} ${reg.text}`);
  const tokens = await signIn(api, username, password, { userAgent });
  return { id: reg.json.id, username, password, ...tokens };
}

export async function signIn(api, username, password, { totp, userAgent } = {}) {
  const res = await api("/api/v1/auth/login", {
    method: "POST",
    body: { username, password, ...(totp ? { totp } : {}) },
    headers: userAgent ? { "User-Agent": userAgent } : {},
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  return res.json;
}

function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238: HMAC-SHA1, 30-second steps, 6 digits.
export function totp(base32Secret, atSeconds = Math.floor(Date.now() / 1000)) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atSeconds / 30)));
  const mac = createHmac("sha1", base32Decode(base32Secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, "0");
}

// Waits until the current 30-second step is fresh enough that a code made now is
// still the same code when the server checks it, then returns the step's start.
export async function freshStep() {
  const inStep = (Date.now() / 1000) % 30;
  if (inStep > 25) await sleep((30 - inStep + 0.2) * 1000);
  return Math.floor(Date.now() / 1000);
}

export async function freePort() {
  return new Promise((res) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export async function startSmtp() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "tc-mail-"));
  const child = spawn("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "aiosmtpd.handlers.Mailbox", join(dir, "box")], {
    stdio: "ignore",
  });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((res) => {
      const s = net.connect(port, "127.0.0.1", () => (s.destroy(), res(true)));
      s.on("error", () => res(false));
    });
    if (ok) break;
    await sleep(100);
  }
  const messages = () => {
    const out = [];
    for (const sub of ["new", "cur"]) {
      const d = join(dir, "box", sub);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d)) out.push(readFileSync(join(d, f), "utf8"));
    }
    return out;
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, ms = 10000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const found = messages().find(predicate);
        if (found) return found;
        await sleep(100);
      }
      throw new Error("no such email arrived");
    },
    stop: () => child.kill("SIGTERM"),
  };
}

// Runs `tradechat <args>` against the same data as a running server.
export function cli(server, args, extraEnv = {}) {
  return spawnSync(binary, [...args, "--set", `data.dir=${server.dataDir}`], {
    encoding: "utf8",
    env: { ...process.env, ...server.env, ...extraEnv, ASAN_OPTIONS: "detect_leaks=0" },
  });
}
