// axe-core finds no WCAG 2.1 A/AA violations on any screen, in either theme.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cli, signUp } from "../integration/lib/accounts.mjs";
import { axeViolations } from "./lib/axe.mjs";
import { newPage } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

const guestScreens = [
  ["/#/sign-in", "Sign in"],
  ["/#/sign-up", "Create your account"],
  ["/#/forgot-password", "Forgot your password?"],
  ["/#/reset-password?token=abc", "Choose a new password"],
];
const userScreens = [
  ["/#/", /^Welcome, /],
  ["/#/settings/profile", "Settings"],
  ["/#/settings/security", "Settings"],
  ["/#/settings/sessions", "Settings"],
  ["/#/admin/users", "Administration"],
  ["/#/admin/audit", "Administration"],
  ["/#/markets", "Markets"],
  ["/#/chart?symbol=BTCUSD&tf=15m", "BTCUSD"],
  ["/#/chat", "Chat"],
  ["/#/alerts", "Alerts"],
  ["/#/notifications", "Inbox"],
  ["/#/settings/notifications", "Settings"],
  ["/#/assistant", "Assistant"],
];

describe("accessibility (axe-core)", () => {
  let fx;
  let admin;
  before(async () => {
    fx = await startFixture();
    admin = await signUp(fx.api, uniqueName("axe"));
    const res = cli(fx.server, ["users", "set-role", admin.username, "admin"]);
    assert.equal(res.status, 0, res.stderr);
  });
  after(async () => {
    await fx?.stop();
  });

  for (const theme of ["dark", "light"]) {
    test(`every screen in the ${theme} theme`, async () => {
      const { page, context } = await newPage(fx.browser, fx.server.url);
      await page.goto("/#/sign-in");
      await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
      if (theme === "light") await page.getByRole("button", { name: "Switch to the light theme" }).click();
      const found = [];
      const check = async (hash, heading) => {
        await page.goto(hash);
        await page.getByRole("heading", { level: 1, name: heading }).waitFor();
        await page.waitForFunction(() => !document.querySelector(".status-loading"));
        for (const v of await axeViolations(page)) found.push(`${hash}: ${v}`);
      };
      for (const [hash, heading] of guestScreens) await check(hash, heading);
      await signInViaUi(page, admin.username, admin.password);
      await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
      await waitForLink(page, "Live");
      for (const [hash, heading] of userScreens) await check(hash, heading);
      assert.deepEqual(found, []);
      await context.close();
    });
  }
});
