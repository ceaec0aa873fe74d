// A PostgreSQL database of one test's own on the shared test server
// (TRADECHAT_TEST_DATABASE_URL), so suites sharing the server are untouched.
// Returns its URL and a drop() to call when the test ends.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";

export function ownDatabase(testUrl, prefix) {
  const admin = new URL(testUrl);
  admin.username = "postgres";
  admin.password = "";
  admin.pathname = "/postgres";
  const psql = (sql) => spawnSync("psql", [admin.toString(), "-qc", sql], { encoding: "utf8" });
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const made = psql(`CREATE DATABASE ${name} OWNER tradechat`);
  assert.equal(made.status, 0, made.stderr);
  const url = new URL(testUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => {
      const r = psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      assert.equal(r.status, 0, r.stderr);
    },
  };
}
