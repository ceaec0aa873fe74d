// Alerts and notifications in a real browser: an alert built in the form fires on the
// simulator's live price and its notification arrives live (toast, the unread badge in
// the navigation, the alert marked fired with its history) and in the inbox; an
// expression error is shown at the server's position; the backtest preview replays
// stored candles; alerts are disabled, re-enabled and deleted; notification
// preferences are saved. The README/docs image of the alerts screen is taken here.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signUp } from "../integration/lib/accounts.mjs";
import { axeViolations } from "./lib/axe.mjs";
import { PHONE, horizontalOverflow, newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

describe("alerts and notifications", () => {
  let fx;
  let user;
  before(async () => {
    fx = await startFixture({ env: { TRADECHAT_MARKET_SIMULATOR_TICK_INTERVAL: "20ms" } });
    user = await signUp(fx.api, uniqueName("alerter"));
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
  const condition = (page, i) => page.locator(`fieldset.condition[data-index="${i}"]`);

  test("an alert built in the form fires and its notification arrives live and in the inbox", async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole("link", { name: "Alerts", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Alerts" }).waitFor();
    await page.getByText("No alerts yet").waitFor();
    const inbox = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Inbox/ });
    assert.equal(await inbox.getAttribute("data-unread"), "0");

    // Two crossings just either side of the live price: the random walk soon takes one.
    const quote = await fx.api("/api/v1/instruments/BTCUSD/quote", { token: user.access_token });
    const last = quote.json.last;
    await page.getByLabel("Name").fill("BTC breakout");
    await condition(page, 0).getByLabel("Price").fill(String(+(last * 1.000001).toFixed(2)));
    await page.getByRole("button", { name: "Add a condition" }).click();
    await condition(page, 1).getByLabel("Kind").selectOption("price_cross");
    await condition(page, 1).getByLabel("When").selectOption("below");
    await condition(page, 1).getByLabel("Price").fill(String(+(last * 0.999999).toFixed(2)));
    await page.getByLabel("Combine").selectOption("or");
    const expression = await page.getByLabel("Expression").inputValue();
    assert.match(expression, /^price crosses_above [\d.]+ or price crosses_below [\d.]+$/, "the builder writes the expression");
    await page.getByText("✓ The server accepts this expression.").waitFor();
    await page.getByRole("button", { name: "Create alert" }).click();
    await page.getByText(/^Alert created: price crosses_above/).waitFor();
    const row = page.locator(".alert-row").first();
    await row.getByText("BTC breakout").waitFor();

    // The fire: a toast, the unread badge, the alert marked fired (frequency once).
    const toast = page.locator(".toast");
    await toast.waitFor();
    assert.match(await toast.textContent(), /BTC breakout/);
    await page.waitForFunction(() => document.querySelector('.main-nav a[href="#/notifications"]')?.dataset.unread === "1");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Inbox ?, 1 unread$/ }).waitFor();
    await page.locator('.alert-row[data-status="fired"][data-fire-count="1"]').waitFor();
    await row.getByRole("button", { name: "History" }).click();
    await row.locator(".fire-history li").first().waitFor();
    assert.match(await row.locator(".fire-history li").first().textContent(), /BTCUSD at [\d.]+/);
    assert.deepEqual(await axeViolations(page), [], "the alerts screen with an alert passes axe-core");

    // The inbox: unread, then marked read; the badge follows.
    await inbox.click();
    await page.getByRole("heading", { level: 1, name: "Inbox" }).waitFor();
    const item = page.locator('.inbox-item[data-kind="alert"]').first();
    assert.equal(await item.getAttribute("data-read"), "false");
    assert.match(await item.textContent(), /BTC breakout/);
    await item.getByRole("button", { name: /^Mark “.*BTC breakout.*” read$/ }).click();
    await page.locator('.inbox-item[data-read="true"]').first().waitFor();
    await page.waitForFunction(() => document.querySelector('.main-nav a[href="#/notifications"]')?.dataset.unread === "0");
    const unread = await fx.api("/api/v1/notifications/unread_count", { token: user.access_token });
    assert.equal(unread.json.unread_count, 0, "read on the server too");

    // Another alert fires while the inbox is open: its entry arrives live.
    const now = (await fx.api("/api/v1/instruments/BTCUSD/quote", { token: user.access_token })).json.last;
    const second = await fx.api("/api/v1/alerts", { method: "POST", token: user.access_token, body: { symbol: "BTCUSD", name: "second", expression: `price crosses_above ${now * 1.000001} or price crosses_below ${now * 0.999999}` } });
    assert.equal(second.status, 201, second.text);
    await page.locator('.inbox-item[data-read="false"]').first().waitFor();
    assert.equal(await page.locator(".inbox-item").count(), 2);
    await page.getByRole("button", { name: "Mark all read" }).click();
    await page.getByText(/notifications? marked read\.$/).waitFor();
    assert.equal(await page.locator('.inbox-item[data-read="false"]').count(), 0);
    await screenshot(page, "desktop-inbox");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an expression error is shown at the server's position; the backtest preview replays candles", async () => {
    const { page, context, errors } = await signedIn();
    await page.goto("/#/alerts?symbol=BTCUSD");
    await page.getByRole("heading", { level: 1, name: "Alerts" }).waitFor();
    const before = await fx.api("/api/v1/alerts", { token: user.access_token });
    const expression = page.getByLabel("Expression");
    await expression.fill("price crosses 200");
    await page.getByText("This expression goes beyond the builder").waitFor();
    const spot = page.locator(".expr-spot");
    await spot.waitFor();
    assert.equal(await spot.getAttribute("data-position"), "6");
    assert.equal(await spot.locator("mark").textContent(), "crosses");
    assert.match(await page.locator(".expr-reason").textContent(), /^At character 7: expected crosses_above/);
    assert.equal(await expression.getAttribute("aria-invalid"), "true");
    await page.getByRole("button", { name: "Create alert" }).click();
    await page.waitForFunction(() => document.activeElement?.classList.contains("expression"));
    assert.deepEqual(await page.evaluate(() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]), [6, 13], "the offending token is selected");
    const none = await fx.api("/api/v1/alerts", { token: user.access_token });
    assert.equal(none.json.items.length, before.json.items.length, "nothing was created");

    // A typed expression the builder can show fills the builder back.
    await expression.fill("rsi(14, 4h) > 55");
    assert.equal(await condition(page, 0).getByLabel("Kind").inputValue(), "rsi");
    assert.equal(await condition(page, 0).getByLabel("Timeframe").inputValue(), "4h");
    await page.getByText("✓ The server accepts this expression.").waitFor();

    // Backtest: price above 1 holds on every stored bar.
    await condition(page, 0).getByLabel("Kind").selectOption("price_level");
    await condition(page, 0).getByLabel("Price").fill("1");
    await page.getByLabel("Bar timeframe").selectOption("1h");
    await page.getByRole("button", { name: "Preview on history" }).click();
    const card = page.locator(".backtest-card");
    await card.locator(".backtest-summary", { hasText: /Would have fired \d+ times over the last \d+ 1h bars/ }).waitFor();
    assert.ok(Number(await card.getAttribute("data-fires")) > 10);
    await card.locator("canvas").first().waitFor();
    // The docs image: a rule with fewer fires, the whole screen in a tall window.
    await page.getByLabel("Expression").fill("rsi(14, 1h) < 35");
    await page.getByRole("button", { name: "Preview on history" }).click();
    await card.locator(".backtest-summary", { hasText: "rsi(14" }).waitFor();
    await page.setViewportSize({ width: 1280, height: 1500 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "desktop-alerts"); // docs/images/web-alerts.png
    // The refused checks and the refused create are the 422s this test asked for.
    assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
    await context.close();
  });

  test("the list disables, re-enables and deletes; preferences are saved", async () => {
    const created = await fx.api("/api/v1/alerts", { method: "POST", token: user.access_token, body: { symbol: "AAPL", name: "far away", expression: "price crosses_above 100000" } });
    assert.equal(created.status, 201, created.text);
    const { page, context, errors } = await signedIn({ viewport: PHONE });
    await page.goto("/#/alerts");
    const row = page.locator(`.alert-row[data-alert-id="${created.json.id}"]`);
    await row.getByRole("button", { name: "Disable far away" }).click();
    await page.locator(`.alert-row[data-alert-id="${created.json.id}"][data-status="disabled"]`).waitFor();
    assert.equal((await fx.api(`/api/v1/alerts/${created.json.id}`, { token: user.access_token })).json.status, "disabled");
    await row.getByRole("button", { name: "Enable far away" }).click();
    await page.locator(`.alert-row[data-alert-id="${created.json.id}"][data-status="active"]`).waitFor();
    const o = await horizontalOverflow(page);
    assert.equal(o.overflow, false, `alerts is ${o.scrollWidth}px wide in a ${o.clientWidth}px viewport: ${o.offenders.join(", ")}`);
    await screenshot(page, "phone-alerts");
    page.once("dialog", (d) => d.accept());
    await row.getByRole("button", { name: "Delete far away" }).click();
    await page.getByText("Alert deleted.").waitFor();
    assert.equal((await fx.api(`/api/v1/alerts/${created.json.id}`, { token: user.access_token })).status, 404);

    await page.goto("/#/settings/notifications");
    await page.getByRole("heading", { name: "Notifications" }).waitFor();
    await page.getByLabel("Email", { exact: true }).uncheck();
    await page.getByLabel("Quiet hours", { exact: true }).check();
    await page.getByLabel("From", { exact: true }).fill("22:30");
    await page.getByLabel("Until", { exact: true }).fill("06:15");
    await page.getByLabel("Time zone of quiet hours").selectOption("Europe/Berlin");
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Notification preferences saved.").waitFor();
    const prefs = await fx.api("/api/v1/notifications/preferences", { token: user.access_token });
    await page.getByLabel("Daily digest", { exact: true }).check();
    await page.getByLabel("Digest at", { exact: true }).fill("07:45");
    await page.getByRole("button", { name: "Save preferences" }).click();
    await page.getByText("Notification preferences saved.").waitFor();
    const withDigest = await fx.api("/api/v1/notifications/preferences", { token: user.access_token });
    const { in_app, email, webhook, quiet_hours, time_zone, digest, digest_time } = withDigest.json;
    assert.deepEqual(
      { in_app, email, webhook, quiet_hours, time_zone, digest, digest_time },
      { in_app: true, email: false, webhook: true, quiet_hours: { start: "22:30", end: "06:15" }, time_zone: "Europe/Berlin", digest: true, digest_time: "07:45" },
    );
    assert.equal(withDigest.json.web_push, prefs.json.web_push, "a field the form does not show is left as it was");
    await page.reload();
    await page.getByRole("heading", { name: "Notifications" }).waitFor();
    assert.equal(await page.getByLabel("From", { exact: true }).inputValue(), "22:30");
    assert.equal(await page.getByLabel("Email", { exact: true }).isChecked(), false);
    const o2 = await horizontalOverflow(page);
    assert.equal(o2.overflow, false, `preferences overflow: ${o2.offenders.join(", ")}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
