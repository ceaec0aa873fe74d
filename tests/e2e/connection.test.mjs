// The real-time link's state is always visible: Offline when the browser loses the
// network, Live again when it returns, Reconnecting… when the server goes away, and
// Live again when it is back.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signUp } from "../integration/lib/accounts.mjs";
import { newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName, webRoot } from "./lib/fixture.mjs";
import { assertCleanExit, startServer } from "../integration/lib/server.mjs";

describe("real-time link state", () => {
  let fx;
  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx?.stop();
  });

  test("offline, back online, reconnecting while the server is down, live when it is back", async () => {
    const user = await signUp(fx.api, uniqueName("link"));
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await signInViaUi(page, user.username, user.password);
    await waitForLink(page, "Live");
    assert.equal(await page.locator(".conn-badge").getAttribute("data-state"), "connected");

    await context.setOffline(true);
    await waitForLink(page, "Offline");
    await context.setOffline(false);
    await waitForLink(page, "Live");

    const exit = await fx.server.stop();
    assert.equal(exit.code, 0);
    await waitForLink(page, "Reconnecting…");
    assert.equal(await page.locator(".conn-badge").getAttribute("aria-label"), "Real-time connection: Reconnecting…");
    await screenshot(page, "desktop-reconnecting");

    // The same server comes back (same address, same data): the SDK reconnects on its own.
    const again = await startServer({
      webRoot,
      args: ["--set", `http.addr=${fx.server.host}:${fx.server.port}`, "--set", `data.dir=${fx.server.dataDir}`],
    });
    try {
      await waitForLink(page, "Live");
    } finally {
      await context.close();
      assertCleanExit(assert, await again.stop());
    }
  });
});
