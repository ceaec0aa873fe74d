// The real-time link's state is always visible: Offline when the browser loses the
// network, Live again when it returns, Reconnecting… when the server goes away.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signUp } from "../integration/lib/accounts.mjs";
import { newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

describe("real-time link state", () => {
  let fx;
  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx?.stop();
  });

  test("offline, back online, and reconnecting after the server stops", async () => {
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
    await context.close();
  });
});
