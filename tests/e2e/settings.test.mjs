// Settings in the browser: profile changes that persist, an avatar with a preview,
// signed-in devices (revoke one, sign out everywhere else), and a session revoked
// elsewhere closing the real-time link with 3503 and signing the browser out.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signIn, signUp } from "../integration/lib/accounts.mjs";
import { newPage } from "./lib/browser.mjs";
import { makePng } from "./lib/png.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

const PNG = makePng(2, 2);

async function signedInPage(fx, prefix) {
  const user = await signUp(fx.api, uniqueName(prefix));
  const { page, context, errors } = await newPage(fx.browser, fx.server.url);
  await signInViaUi(page, user.username, user.password);
  await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
  return { user, page, context, errors };
}

describe("settings in the browser", () => {
  let fx;
  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx?.stop();
  });

  test("profile changes are saved and still there after a reload", async () => {
    const { user, page, context, errors } = await signedInPage(fx, "prof");
    await page.goto("/#/settings/profile");
    await page.getByLabel("Display name").fill("Ann the Trader");
    await page.getByLabel("Bio").fill("Swing trader.\nRisk 1% per trade.");
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved.").waitFor();
    assert.equal(await page.locator(".top-bar .who").textContent(), "Ann the Trader");

    await page.reload();
    await page.getByLabel("Display name").waitFor();
    assert.equal(await page.getByLabel("Display name").inputValue(), "Ann the Trader");
    assert.equal(await page.getByLabel("Bio").inputValue(), "Swing trader.\nRisk 1% per trade.");
    assert.equal(await page.getByLabel("Time zone").inputValue(), "Europe/Berlin");
    const me = await fx.api("/api/v1/me", { token: (await signIn(fx.api, user.username, user.password)).access_token });
    assert.equal(me.json.display_name, "Ann the Trader");
    assert.equal(me.json.timezone, "Europe/Berlin");

    // The server's refusal is shown with its detail (an unknown time zone cannot be picked, so use too long a name).
    await page.getByLabel("Display name").fill("x".repeat(65));
    await page.getByRole("button", { name: "Save profile" }).click();
    assert.equal(await page.getByLabel("Display name").getAttribute("aria-invalid"), "true");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the password is changed with the current one, and other devices are signed out", async () => {
    const { user, page, context } = await signedInPage(fx, "pwd");
    const other = await signIn(fx.api, user.username, user.password, { userAgent: "E2E-Other/1.0" });
    await page.goto("/#/settings/security");
    const f = page.getByRole("form", { name: "Change password" });
    await f.getByLabel("Current password").fill("not my password at all");
    await f.getByLabel("New password", { exact: true }).fill(`fresh ${user.password}`);
    await f.getByLabel("Repeat the new password").fill(`fresh ${user.password}`);
    await f.getByRole("button", { name: "Change password" }).click();
    await f.getByRole("alert").waitFor(); // the server's refusal, shown
    await f.getByLabel("Current password").fill(user.password);
    await f.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Password changed. Every other device was signed out.").waitFor();
    await signIn(fx.api, user.username, `fresh ${user.password}`);
    assert.equal((await fx.api("/api/v1/me", { token: other.access_token })).status, 401);
    // This tab stays signed in.
    await page.goto("/#/settings/sessions");
    await page.locator(".session-row", { hasText: "This device" }).waitFor();
    await context.close();
  });

  test("an avatar is previewed, uploaded and shown", async () => {
    const { page, context } = await signedInPage(fx, "pic");
    await page.goto("/#/settings/profile");
    await page.getByLabel("Choose an image").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: PNG });
    const preview = page.getByRole("img", { name: "Preview of the new picture" });
    await preview.waitFor();
    assert.match(await preview.getAttribute("src"), /^blob:/);
    await page.getByRole("button", { name: "Upload picture" }).click();
    await page.getByText("Picture updated.").waitFor();
    await page.goto("/#/");
    const avatar = page.locator(".profile-head img.avatar");
    await avatar.waitFor();
    assert.ok(await avatar.evaluate((img) => img.complete && img.naturalWidth === 2), "the uploaded picture loads from the server");

    await page.goto("/#/settings/profile");
    await page.getByLabel("Choose an image").setInputFiles({ name: "x.svg", mimeType: "image/svg+xml", buffer: Buffer.from("<svg/>") });
    await page.getByText("Choose a PNG, JPEG, GIF or WebP image.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Upload picture" }).isDisabled(), true);
    await context.close();
  });

  test("another device is listed and can be signed out; then everywhere else", async () => {
    const { user, page, context } = await signedInPage(fx, "dev");
    const other = await signIn(fx.api, user.username, user.password, { userAgent: "E2E-Tablet/1.0 (Android 14)" });
    await page.goto("/#/settings/sessions");
    const rows = page.locator(".session-row");
    const otherRow = rows.filter({ hasText: "E2E-Tablet/1.0" });
    await otherRow.waitFor();
    // signUp() signed in once too: that session, this browser and the tablet.
    assert.equal(await rows.count(), 3);
    assert.equal(await rows.filter({ hasText: "This device" }).count(), 1);
    await otherRow.getByRole("button", { name: /^Sign out/ }).click();
    await page.getByText(/^Signed out /).waitFor();
    await otherRow.waitFor({ state: "detached" });
    assert.equal(await rows.count(), 2);
    const refused = await fx.api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: other.refresh_token } });
    assert.equal(refused.status, 401, "the revoked device's refresh token no longer works");

    const a = await signIn(fx.api, user.username, user.password, { userAgent: "E2E-Phone/2.0" });
    const b = await signIn(fx.api, user.username, user.password, { userAgent: "E2E-Laptop/3.0" });
    await page.reload();
    await rows.filter({ hasText: "E2E-Laptop/3.0" }).waitFor();
    assert.equal(await rows.count(), 4);
    await page.getByRole("button", { name: "Sign out everywhere else" }).click();
    await page.getByText("3 other sessions were signed out.").waitFor();
    await rows.nth(1).waitFor({ state: "detached" });
    assert.equal(await rows.count(), 1);
    for (const t of [a, b]) {
      const res = await fx.api("/api/v1/me", { token: t.access_token });
      assert.equal(res.status, 401);
    }
    // This device stays signed in.
    await page.goto("/#/");
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await context.close();
  });

  test("a session ended from elsewhere closes the real-time link (3503) and signs the browser out", async () => {
    const { user, page, context } = await signedInPage(fx, "kick");
    await waitForLink(page, "Live");
    const admin = await signIn(fx.api, user.username, user.password, { userAgent: "E2E-Other/1.0" });
    const list = await fx.api("/api/v1/auth/sessions", { token: admin.access_token });
    const browserSession = list.json.items.find((s) => !s.current);
    assert.ok(browserSession, "the browser's session is listed");
    const res = await fx.api(`/api/v1/auth/sessions/${browserSession.id}`, { method: "DELETE", token: admin.access_token });
    assert.equal(res.status, 204);
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    assert.match(await page.getByRole("alert").textContent(), /signed out from another device/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("tradechat.refresh_token")), null);
    await context.close();
  });
});
