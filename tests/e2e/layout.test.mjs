// How the client looks and is used: the theme switch is remembered, phone widths
// never scroll sideways, keyboard users get a skip link and visible focus; the
// README screenshot is taken here.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cli, signUp } from "../integration/lib/accounts.mjs";
import { DESKTOP, PHONE, horizontalOverflow, newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { makePng } from "./lib/png.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

describe("layout, theme and accessibility", () => {
  let fx;
  let user;
  before(async () => {
    fx = await startFixture();
    user = await signUp(fx.api, uniqueName("desk"));
  });
  after(async () => {
    await fx?.stop();
  });

  const theme = (page) => page.evaluate(() => document.documentElement.dataset.theme);
  const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  test("dark by default; the light theme is chosen with the toggle and remembered", async () => {
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await page.goto("/#/sign-in");
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    assert.equal(await theme(page), "dark");
    const dark = await background(page);
    await page.getByRole("button", { name: "Switch to the light theme" }).click();
    assert.equal(await theme(page), "light");
    assert.notEqual(await background(page), dark, "the page colours change");
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    assert.equal(await theme(page), "light", "remembered across reloads");
    await signInViaUi(page, user.username, user.password);
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await waitForLink(page, "Live");
    await screenshot(page, "desktop-home-light");
    await page.getByRole("button", { name: "Switch to the dark theme" }).click();
    assert.equal(await theme(page), "dark");
    assert.equal(await background(page), dark);
    await context.close();
  });

  test("phone width: no page scrolls sideways", async () => {
    const { page, context, errors } = await newPage(fx.browser, fx.server.url, { viewport: PHONE });
    const check = async (hash, heading, shot) => {
      await page.goto(hash);
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      const o = await horizontalOverflow(page);
      assert.equal(o.overflow, false, `${hash} is ${o.scrollWidth}px wide in a ${o.clientWidth}px viewport: ${o.offenders.join(", ")}`);
      if (shot) await screenshot(page, shot);
    };
    await check("/#/sign-in", "Sign in", "phone-sign-in");
    await check("/#/sign-up", "Create your account");
    await signInViaUi(page, user.username, user.password);
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await waitForLink(page, "Live");
    await check("/#/", /^Welcome, /, "phone-home");
    await check("/#/settings/profile", "Settings", "phone-settings-profile");
    await check("/#/settings/security", "Settings");
    await check("/#/settings/sessions", "Settings", "phone-settings-sessions");
    await check("/#/notifications", "Inbox", "phone-inbox");
    await check("/#/settings/notifications", "Settings");
    await check("/#/assistant", "Assistant", "phone-assistant");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("keyboard: the skip link moves focus to the content and focus is visible", async () => {
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await page.goto("/#/sign-in");
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    assert.equal(await page.evaluate(() => location.hash), "#/sign-in", "the route stays");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return { label: el?.labels?.[0]?.textContent, outline: el ? getComputedStyle(el).outlineStyle : "" };
    });
    assert.equal(focused.label, "Username");
    assert.equal(focused.outline, "solid", "focus is visible");
    assert.equal(await page.getByRole("banner").count(), 1);
    assert.equal(await page.getByRole("main").count(), 1);
    await context.close();
  });

  test("desktop screenshots of the signed-in app (the README's comes from here)", async () => {
    const admin = await signUp(fx.api, uniqueName("morgan"));
    const role = cli(fx.server, ["users", "set-role", admin.username, "admin"]);
    assert.equal(role.status, 0, role.stderr);
    const { page, context } = await newPage(fx.browser, fx.server.url, { viewport: DESKTOP });
    await signInViaUi(page, admin.username, admin.password);
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await page.goto("/#/settings/profile");
    await page.getByLabel("Display name").fill("Morgan Lee");
    await page.getByLabel("Bio").fill("Futures and FX. Trades the London open; risk 0.5% per idea.");
    await page.getByLabel("Time zone").selectOption("Europe/London");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved.").waitFor();
    await page.getByLabel("Choose an image").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: makePng(48, 48, (x, y) => [20 + x * 2, 80 + y * 2, 200 - x]) });
    await page.getByRole("button", { name: "Upload picture" }).click();
    await page.getByText("Picture updated.").waitFor();
    await page.goto("/#/");
    await page.getByRole("heading", { level: 1, name: "Welcome, Morgan Lee" }).waitFor();
    await waitForLink(page, "Live");
    await page.locator(".link-state", { hasText: "Live" }).waitFor();
    await screenshot(page, "desktop-home"); // README.md shows this one (docs/images/web-home.png)
    await page.goto("/#/settings/security");
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
    await screenshot(page, "desktop-settings-mfa");
    await page.goto("/#/settings/sessions");
    await page.locator(".session-row").first().waitFor();
    await screenshot(page, "desktop-settings-sessions");
    await context.close();
  });
});
