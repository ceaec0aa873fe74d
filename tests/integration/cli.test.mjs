// The binary's subcommands and its configuration errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binary } from "./lib/server.mjs";

function run(args, env = {}) {
  const r = spawnSync(binary, args, { env: { ...process.env, ...env }, encoding: "utf8", timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("version and modules", () => {
  const v = run(["version"]);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^tradechat \d+\.\d+\.\d+ \(/);
  const m = run(["modules"]);
  assert.equal(m.code, 0);
  assert.match(m.stdout, /^gateway\tdepends on: -\t/m);
});

test("a bad value stops start-up with one line naming key, value and what is allowed", () => {
  const cases = [
    [{ TRADECHAT_HTTP_ADDR: "nonsense" }, /^config: http\.addr = "nonsense" is invalid: expected host:port/],
    [{ TRADECHAT_HTTP_MAX_CONNECTIONS: "lots" }, /^config: http\.max_connections = "lots" is invalid: expected a whole number between 1 and/],
    [{ TRADECHAT_HTTP_IDLE_TIMEOUT: "5 minutes" }, /^config: http\.idle_timeout = "5 minutes" is invalid: expected a duration/],
    [{ TRADECHAT_MARKET_FEED: "telegraph" }, /^config: market\.feed = "telegraph" is invalid: expected one of: simulator/],
    [{ TRADECHAT_DATABASE_URL: "mysql://root:pw@db/x" }, /^config: database\.url = \(secret\) is invalid: expected empty or a URL starting with postgres/],
  ];
  for (const [env, pattern] of cases) {
    const r = run(["serve"], env);
    assert.equal(r.code, 2, JSON.stringify(env));
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], pattern);
    assert.doesNotMatch(r.stderr, /root:pw/);
  }
});

test("unknown targets are refused with the list of modules", () => {
  const r = run(["serve", "--target", "gateway,chatt"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /target = "chatt" is invalid: unknown module; known modules: all, gateway/);
});

test("config files: unknown keys and syntax errors are refused with their location", () => {
  const dir = mkdtempSync(join(tmpdir(), "tc-cfg-"));
  writeFileSync(join(dir, "typo.toml"), '[http]\nadress = "127.0.0.1:1"\n');
  let r = run(["config", "check", "--config", join(dir, "typo.toml")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /http\.adress .* is not a known key/);
  writeFileSync(join(dir, "broken.toml"), "[http\naddr = 1\n");
  r = run(["config", "check", "--config", join(dir, "broken.toml")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.toml:1:/);
});

test("config check prints effective values with their source, secrets masked", () => {
  const dir = mkdtempSync(join(tmpdir(), "tc-cfg-"));
  writeFileSync(join(dir, "ok.toml"), '[http]\naddr = "127.0.0.1:9999"\n');
  writeFileSync(join(dir, "redis-url"), "redis://:sup3rs3cret@cache:6379/0\n");
  const r = run(["config", "check", "--config", join(dir, "ok.toml"), "--set", "log.level=warn"], {
    TRADECHAT_DATABASE_URL: "postgres://app:hunter2@db.internal/tc",
    TRADECHAT_REDIS_URL_FILE: join(dir, "redis-url"),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^http\.addr = "127\.0\.0\.1:9999"  # file/m);
  assert.match(r.stdout, /^log\.level = "warn"  # flag/m);
  assert.match(r.stdout, /^database\.url = "postgres:\/\/app:\*\*\*\*@db\.internal\/tc"  # env/m);
  assert.match(r.stdout, /^redis\.url = "redis:\/\/:\*\*\*\*@cache:6379\/0"  # env/m);
  assert.doesNotMatch(r.stdout, /hunter2|sup3rs3cret/);
  assert.match(r.stdout, /# configuration ok/);
});

test("a port already in use is reported and the process exits non-zero", async () => {
  const net = await import("node:net");
  const blocker = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => blocker.on("listening", r));
  const port = blocker.address().port;
  const r = run(["serve", "--set", `http.addr=127.0.0.1:${port}`]);
  blocker.close();
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
});
