// Signing up, signing in with MFA enrolled through the UI, sign-in errors, and the
// emailed password reset — in real headless Chromium against the real binary.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { freshStep, signIn, signUp, startSmtp, totp } from "../integration/lib/accounts.mjs";
import { newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, signUpViaUi, waitForLink } from "./lib/app.mjs";
import { password, startFixture, uniqueName } from "./lib/fixture.mjs";

describe("accounts in the browser", () => {
  let fx;
  let smtp;
  before(async () => {
    smtp = await startSmtp();
    fx = await startFixture({ env: { TRADECHAT_MAIL_SMTP_URL: smtp.url, TRADECHAT_MAIL_FROM: "tradechat <noreply@tradechat.test>" } });
  });
  after(async () => {
    await fx?.stop();
    smtp?.stop();
  });

  test("sign up lands signed in, with a live real-time link and only working sections", async () => {
    const { page, context, errors } = await newPage(fx.browser, fx.server.url);
    const username = uniqueName("ann");
    await signUpViaUi(page, { username, password: password(username) });
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), `Welcome, ${username}`);
    await waitForLink(page, "Live");
    // The Assistant shows once the server's OpenAPI document is read (this build has the ai module).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assistant" }).waitFor();
    assert.deepEqual(await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents(), ["Home", "Markets", "Chat", "Assistant", "Alerts", "Inbox", "Settings"]);
    // The refresh token sits in this tab's sessionStorage; the access token only in memory.
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem("tradechat.refresh_token"), local: Object.keys(localStorage) }));
    assert.ok(stored.session && stored.session.length > 20, "refresh token kept for reloads");
    assert.ok(!stored.local.some((k) => k.includes("token")), "no token in localStorage");
    // A reload restores the session from the refresh token.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: `Welcome, ${username}` }).waitFor();
    await waitForLink(page, "Live");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a refused sign-in shows the server's problem detail, and sign-up checks fields before sending", async () => {
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await signInViaUi(page, "nobody-here", "wrong password 123");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.textContent(), /invalid username or password/i);

    await page.goto("/#/sign-up");
    await page.getByLabel("Username").fill("x");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByLabel("Repeat the password").fill("different");
    await page.getByRole("button", { name: "Create account" }).click();
    assert.equal(await page.getByLabel("Username").getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByLabel("Email").getAttribute("aria-invalid"), "true");
    assert.match(await page.locator(".field-error").first().textContent(), /3 to 32 characters/);
    assert.ok(await page.getByLabel("Username").evaluate((el) => el === document.activeElement), "focus moves to the first bad field");

    // A taken username comes back from the server as problem+json and is shown.
    const taken = uniqueName("taken");
    await signUp(fx.api, taken);
    await page.getByLabel("Username").fill(taken);
    await page.getByLabel("Email").fill(`${taken}2@example.com`);
    await page.getByLabel("Password", { exact: true }).fill(password(taken));
    await page.getByLabel("Repeat the password").fill(password(taken));
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("alert").waitFor();
    assert.match(await page.getByRole("alert").textContent(), /that username is taken/);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Create your account");
    await context.close();
  });

  test("a signed-out visit to a page asks to sign in, then returns to that page", async () => {
    const user = await signUp(fx.api, uniqueName("back"));
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await page.goto("/#/settings/sessions");
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => location.hash), "#/sign-in?next=%2Fsettings%2Fsessions");
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 2, name: "Signed-in devices" }).waitFor();
    assert.equal(await page.evaluate(() => location.hash), "#/settings/sessions");
    await context.close();
  });

  test("MFA enrolled through the UI (QR code, confirm, recovery codes) is then asked for at sign-in", async () => {
    const { page, context, errors } = await newPage(fx.browser, fx.server.url);
    const username = uniqueName("mfa");
    await signUpViaUi(page, { username, password: password(username) });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Security" }).click();
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();

    const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
    await qr.waitFor();
    assert.match(await qr.getAttribute("src"), /^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), "the QR SVG renders as an image");
    const secret = (await page.getByTestId("totp-secret").textContent()).trim();
    assert.match(secret, /^[A-Z2-7]+=*$/);

    const step = await freshStep();
    await page.getByLabel("Code from the app").fill(totp(secret, step));
    await page.getByRole("button", { name: "Turn on" }).click();
    const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
    await codes.first().waitFor();
    assert.equal(await codes.count(), 10);
    const recovery = (await codes.allTextContents()).map((c) => c.trim());
    assert.ok(recovery.every((c) => /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i.test(c)), `recovery codes: ${recovery}`);
    await screenshot(page, "desktop-mfa-recovery-codes");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
    assert.equal(download.suggestedFilename(), "tradechat-recovery-codes.txt");
    const saved = readFileSync(await download.path(), "utf8");
    assert.ok(recovery.every((c) => saved.includes(c)), "the download holds every code");
    await page.getByRole("button", { name: "I have saved these codes" }).click();
    await page.getByText("Two-factor sign-in is on").waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    await signInViaUi(page, username, password(username));
    await page.getByRole("heading", { level: 1, name: "Two-factor authentication" }).waitFor();
    // A wrong code is refused with the server's detail, and the step stays.
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("alert").waitFor();
    // The code of the next 30-second step: the server allows one step of skew and never accepts a step twice.
    await page.getByLabel("Authentication code").fill(totp(secret, step + 30));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { level: 1, name: `Welcome, ${username}` }).waitFor();
    await waitForLink(page, "Live");

    // Turning it off needs the password and a code: a recovery code from the list works.
    await page.goto("/#/settings/security");
    await page.getByText("Turn off two-factor sign-in").click();
    const off = page.getByRole("form", { name: "Turn off two-factor sign-in" });
    await off.getByLabel("Password").fill(password(username));
    await off.getByLabel("Authentication code").fill(recovery[0].toUpperCase());
    await off.getByRole("button", { name: "Turn off" }).click();
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).waitFor();
    const plain = await signIn(fx.api, username, password(username)); // no second factor asked any more
    assert.ok(plain.access_token);
    assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
    await context.close();
  });

  test("a forgotten password is reset from the emailed link", async () => {
    const username = uniqueName("reset");
    await signUp(fx.api, username);
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await page.goto("/#/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(`${username}@example.com`);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByText("If an account uses that address").waitFor();

    const mail = await smtp.waitFor((m) => m.toLowerCase().includes(`${username}@example.com`));
    const token = mail.match(/reset-password\?token=([A-Za-z0-9_-]+)/)[1];
    await page.goto(`/#/reset-password?token=${token}`);
    const fresh = `brand new ${username} passphrase`;
    await page.getByLabel("New password", { exact: true }).fill(fresh);
    await page.getByLabel("Repeat the new password").fill(fresh);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByText("Your password is changed").waitFor();

    await signIn(fx.api, username, fresh); // throws unless the new password works
    await assert.rejects(signIn(fx.api, username, password(username)), /401/);
    // The link is single-use: a second try shows the server's refusal.
    await page.goto("/#/sign-in");
    await page.goto(`/#/reset-password?token=${token}`);
    await page.getByLabel("New password", { exact: true }).fill(`${fresh} again`);
    await page.getByLabel("Repeat the new password").fill(`${fresh} again`);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("alert").waitFor();
    await context.close();
  });
});
