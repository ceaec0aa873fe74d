// The admin pages: the users list with role change and disable, the audit log with
// filters and chain verification, and that non-admins cannot open them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cli, signIn, signUp } from "../integration/lib/accounts.mjs";
import { newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

describe("administration in the browser", () => {
  let fx;
  let admin;
  before(async () => {
    fx = await startFixture();
    admin = await signUp(fx.api, uniqueName("boss"));
    const res = cli(fx.server, ["users", "set-role", admin.username, "admin"]);
    assert.equal(res.status, 0, res.stderr);
  });
  after(async () => {
    await fx?.stop();
  });

  test("users: change a role, disable and enable an account; one's own account is locked", async () => {
    const target = await signUp(fx.api, uniqueName("zed"));
    const { page, context, errors } = await newPage(fx.browser, fx.server.url);
    await signInViaUi(page, admin.username, admin.password);
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { level: 2, name: "Users" }).waitFor();
    await page.getByRole("searchbox").fill(target.username);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const row = page.locator(`tr[data-user="${target.username}"]`);
    await row.waitFor();
    assert.equal(await page.locator("tbody tr").count(), 1, "the search filters by username prefix");
    assert.equal(await page.getByRole("button", { name: "Load more" }).isVisible(), false, "a short page is the last");

    await row.getByLabel(`Role of ${target.username}`).selectOption("moderator");
    await page.getByText(`${target.username} is now moderator.`, { exact: false }).waitFor();
    await row.getByRole("button", { name: `Disable ${target.username}` }).click();
    await page.locator(`tr[data-user="${target.username}"]`, { hasText: "Disabled" }).waitFor();
    await assert.rejects(signIn(fx.api, target.username, target.password), /401/, "a disabled account cannot sign in");
    await page.locator(`tr[data-user="${target.username}"]`).getByRole("button", { name: `Enable ${target.username}` }).click();
    await page.locator(`tr[data-user="${target.username}"]`, { hasText: "Active" }).waitFor();
    const back = await signIn(fx.api, target.username, target.password);
    const me = await fx.api("/api/v1/me", { token: back.access_token });
    assert.equal(me.json.role, "moderator");

    await page.getByRole("searchbox").fill(admin.username);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const own = page.locator(`tr[data-user="${admin.username}"]`);
    await own.waitFor();
    assert.equal(await own.getByLabel(`Role of ${admin.username}`).isDisabled(), true);
    await screenshot(page, "desktop-admin-users");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("audit log: entries, a filter, and an intact chain", async () => {
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await signInViaUi(page, admin.username, admin.password);
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await page.goto("/#/admin/audit");
    await page.locator(".audit-table tbody tr").first().waitFor();
    await page.getByLabel("Action").fill("auth.user.registered");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.locator(".audit-table tbody tr").first().waitFor();
    const actions = await page.locator(".audit-table tbody tr td:nth-child(3)").allTextContents();
    assert.ok(actions.length >= 1);
    assert.ok(actions.every((a) => a === "auth.user.registered"), `only the filtered action: ${actions}`);
    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText("The chain is intact").waitFor();
    await screenshot(page, "desktop-admin-audit");
    await context.close();
  });

  test("non-admins see no Admin entry and are refused the admin pages", async () => {
    const user = await signUp(fx.api, uniqueName("plain"));
    const { page, context } = await newPage(fx.browser, fx.server.url);
    await signInViaUi(page, user.username, user.password);
    await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    assert.equal(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).count(), 0);
    await page.goto("/#/admin/audit");
    await page.getByRole("heading", { level: 1, name: "Not allowed" }).waitFor();
    await context.close();
  });
});
