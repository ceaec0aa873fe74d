// One real server (the built web client as its web root) and one Chromium per test
// file, plus an API client to arrange and check state from outside the browser.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { apiClient } from "../../integration/lib/accounts.mjs";
import { assertCleanExit, repoRoot, startServer } from "../../integration/lib/server.mjs";
import { launchBrowser } from "./browser.mjs";

export const webRoot = process.env.TRADECHAT_WEB_DIST ?? join(repoRoot, "web/dist");

export async function startFixture({ env = {} } = {}) {
  assert.ok(existsSync(join(webRoot, "index.html")), `no built web client at ${webRoot}: run scripts/build-web first`);
  const server = await startServer({ webRoot, env });
  const browser = await launchBrowser();
  return {
    server,
    browser,
    api: apiClient(server.url),
    async stop() {
      await browser.close();
      assertCleanExit(assert, await server.stop());
    },
  };
}

let counter = 0;
/** A username unique to this run. */
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}${counter}${Date.now().toString(36).slice(-4)}`;
}

export const password = (username) => `correct horse ${username} staple`;
