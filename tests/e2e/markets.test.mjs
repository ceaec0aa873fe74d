// Markets and the chart in a real browser: the watchlist follows `market:<SYMBOL>`
// ticks, search adds a symbol, and the chart's forming candle moves with
// `candles:<SYMBOL>:<tf>` publications. Screenshots of the chart are taken here.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signUp } from "../integration/lib/accounts.mjs";
import { PHONE, horizontalOverflow, newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

describe("markets and chart", () => {
  let fx;
  let user;
  before(async () => {
    fx = await startFixture();
    user = await signUp(fx.api, uniqueName("chart"));
  });
  after(async () => {
    await fx?.stop();
  });

  const signedIn = async (options) => {
    const opened = await newPage(fx.browser, fx.server.url, options);
    await signInViaUi(opened.page, user.username, user.password);
    await opened.page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await waitForLink(opened.page, "Live");
    return opened;
  };

  test("the watchlist's crypto price follows live ticks; search adds a symbol", async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole("link", { name: "Markets" }).click();
    await page.getByRole("heading", { level: 1, name: "Markets" }).waitFor();
    await page.getByText("Simulated prices").waitFor();
    const last = page.locator('tr[data-symbol="BTCUSD"] [data-field="last"]');
    await page.waitForFunction(() => /\d/.test(document.querySelector('tr[data-symbol="BTCUSD"] [data-field="last"]')?.textContent ?? ""));
    const first = await last.textContent();
    // Crypto trades around the clock: the price text changes with a later tick.
    await page.waitForFunction((before) => {
      const now = document.querySelector('tr[data-symbol="BTCUSD"] [data-field="last"]')?.textContent;
      return now && now !== before;
    }, first);
    assert.match(await page.locator('tr[data-symbol="BTCUSD"] [data-field="change"]').textContent(), /%\)$/);
    assert.match(await page.locator('tr[data-symbol="BTCUSD"]').getAttribute("data-direction"), /^(up|down|flat)$/);
    assert.match(await page.locator('tr[data-symbol="BTCUSD"] [data-field="bid-ask"]').textContent(), /^[\d,.]+ \/ [\d,.]+$/);

    await page.getByLabel("Find a symbol").fill("solana");
    await page.getByRole("button", { name: "Add SOLUSD to the watchlist" }).click();
    await page.locator('tr[data-symbol="SOLUSD"]').waitFor();
    await page.reload();
    await page.locator('tr[data-symbol="SOLUSD"]').waitFor(); // kept in localStorage
    await page.getByRole("button", { name: "Remove SOLUSD from the watchlist" }).click();
    assert.equal(await page.locator('tr[data-symbol="SOLUSD"]').count(), 0);

    await page.getByLabel("Find a symbol").fill("zzzz-nothing");
    await page.getByText("No instrument matches").waitFor();
    await screenshot(page, "desktop-markets");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the chart's forming candle moves with channel updates; timeframe, indicators and analysis", async () => {
    const { page, context, errors } = await signedIn();
    await page.goto("/#/chart?symbol=BTCUSD&tf=1m");
    await page.getByRole("heading", { level: 1, name: "BTCUSD" }).waitFor();
    await page.locator(".chart-holder canvas").first().waitFor();
    await page.locator('.chart-holder[data-live="subscribed"]').waitFor();
    const legend = page.locator(".chart-legend");
    const before = { time: await legend.getAttribute("data-time"), close: await legend.getAttribute("data-close") };
    assert.ok(Number(before.time) > 0, "the last bar is shown");
    // A publication on candles:BTCUSD:1m changes the last bar's close (or opens the next bar).
    await page.waitForFunction(
      ({ time, close }) => {
        const el = document.querySelector(".chart-legend");
        return el && (el.getAttribute("data-time") !== time || el.getAttribute("data-close") !== close);
      },
      before,
    );
    assert.ok(Number(await legend.getAttribute("data-time")) >= Number(before.time), "never goes back in time");
    await page.locator(".analysis").getByText(/^Trend: (up|down|sideways)/).waitFor();
    await page.getByText("Support and resistance").waitFor();
    await screenshot(page, "desktop-chart");

    // Pointing at an earlier bar shows its numbers; leaving the chart shows the last bar's again.
    const legendShowsLast = () =>
      page.evaluate(() => {
        const el = document.querySelector(".chart-legend");
        const last = new Date(Number(el.getAttribute("data-time"))).toISOString().slice(0, 16).replace("T", " ");
        return el.textContent.startsWith(last);
      });
    await page.locator(".chart-holder").hover({ position: { x: 200, y: 150 } });
    await page.waitForFunction(() => {
      const el = document.querySelector(".chart-legend");
      return !el.textContent.startsWith(new Date(Number(el.getAttribute("data-time"))).toISOString().slice(0, 16).replace("T", " "));
    });
    assert.equal(await legendShowsLast(), false);
    await page.mouse.move(5, 5);
    await page.waitForFunction(() => {
      const el = document.querySelector(".chart-legend");
      return el.textContent.startsWith(new Date(Number(el.getAttribute("data-time"))).toISOString().slice(0, 16).replace("T", " "));
    });

    // The same from the keyboard: focus the chart, step back a bar, Escape returns to the last.
    await page.locator(".chart-holder").focus();
    await page.keyboard.press("ArrowLeft");
    assert.equal(await legendShowsLast(), false, "one bar back");
    await page.keyboard.press("Escape");
    assert.equal(await legendShowsLast(), true);
    await page.getByRole("button", { name: "Switch to the light theme" }).click();
    await screenshot(page, "desktop-chart-light");
    await page.getByRole("button", { name: "Switch to the dark theme" }).click();

    // Another timeframe loads its own candles.
    await page.getByRole("link", { name: "1h", exact: true }).click();
    await page.locator('.chart-holder[data-chart="BTCUSD 1h"][data-live="subscribed"]').waitFor();
    const hourly = Number(await legend.getAttribute("data-time"));
    assert.equal(hourly % 3_600_000, 0, "the last 1h bar starts on the hour");
    assert.equal(await page.getByRole("link", { name: "1h", exact: true }).getAttribute("aria-current"), "true");

    // After the link drops and comes back, the candles missed meanwhile are fetched again.
    const refetch = page.waitForRequest((r) => r.url().includes(`/candles?timeframe=1h`));
    await context.setOffline(true);
    await page.locator('.chart-holder[data-live="subscribing"]').waitFor();
    await page.getByText("Reconnecting live updates…").waitFor();
    await context.setOffline(false);
    await refetch;
    await page.locator('.chart-holder[data-live="subscribed"]').waitFor();
    await waitForLink(page, "Live");

    // Turning MACD on adds a pane (another canvas row).
    const canvases = await page.locator(".chart-holder canvas").count();
    await page.getByRole("checkbox", { name: "MACD 12, 26, 9" }).check();
    await page.waitForFunction((n) => document.querySelectorAll(".chart-holder canvas").length > n, canvases);
    await page.getByRole("checkbox", { name: "MACD 12, 26, 9" }).uncheck();

    // Another symbol from the chart's own box, keeping the timeframe.
    await page.getByRole("textbox", { name: "Symbol" }).fill("ethusd");
    await page.getByRole("button", { name: "Open", exact: true }).click();
    await page.locator('.chart-holder[data-chart="ETHUSD 1h"][data-live="subscribed"]').waitFor();

    // An unknown symbol shows the server's answer.
    await page.goto("/#/chart?symbol=NOPE");
    await page.locator(".chart-status [role=alert]").waitFor();
    assert.ok(errors.every((e) => /404/.test(e)), errors.join("\n"));
    await context.close();
  });

  test("a chart that cannot load while offline says so and loads with Try again", async () => {
    const { page, context } = await signedIn();
    await context.setOffline(true);
    await page.goto("/#/chart?symbol=ETHUSD&tf=15m").catch(() => undefined); // same document: only the hash changes
    await page.getByRole("heading", { level: 1, name: "ETHUSD" }).waitFor();
    await page.locator(".chart-status [role=alert]").waitFor();
    await context.setOffline(false);
    await page.getByRole("button", { name: "Try again" }).click();
    await page.locator('.chart-holder[data-chart="ETHUSD 15m"][data-live="subscribed"]').waitFor();
    assert.equal(await page.locator(".chart-status [role=alert]").count(), 0);
    await context.close();
  });

  test("phone width: markets and chart fit without sideways scrolling", async () => {
    const { page, context } = await signedIn({ viewport: PHONE });
    for (const [hash, heading, shot] of [
      ["/#/markets", "Markets", "phone-markets"],
      ["/#/chart?symbol=ETHUSD&tf=5m", "ETHUSD", "phone-chart"],
    ]) {
      await page.goto(hash);
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      if (hash.includes("chart")) await page.locator('.chart-holder[data-live="subscribed"]').waitFor();
      else await page.waitForFunction(() => /\d/.test(document.querySelector('tr[data-symbol="BTCUSD"] [data-field="last"]')?.textContent ?? ""));
      const o = await horizontalOverflow(page);
      assert.equal(o.overflow, false, `${hash} is ${o.scrollWidth}px wide in a ${o.clientWidth}px viewport: ${o.offenders.join(", ")}`);
      await screenshot(page, shot);
    }
    await context.close();
  });
});
