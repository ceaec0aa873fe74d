// The AI assistant in a real browser, with no language model configured (the ai
// module's offline engine answers from its tools): a question answered in a stream
// (the text grows while the answer is marked as being written, tool progress shown,
// the stored message the same as what streamed), an alert proposal confirmed into an
// alert, a stock analysis with its chart drawn, an answer written while the browser
// was offline recovered when it comes back, renaming and deleting a conversation; and
// `@ai` in a chat room switched on by its owner, the bot's reply arriving. The docs
// image of the assistant screen is taken here.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signUp } from "../integration/lib/accounts.mjs";
import { axeViolations } from "./lib/axe.mjs";
import { newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

describe("the AI assistant (offline engine)", () => {
  let fx;
  let user;
  before(async () => {
    fx = await startFixture({ env: { TRADECHAT_MARKET_SIMULATOR_TICK_INTERVAL: "50ms" } });
    user = await signUp(fx.api, uniqueName("asker"));
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
  const ask = async (page, text) => {
    await page.getByLabel("Your question").fill(text);
    await page.getByRole("button", { name: "Ask", exact: true }).click();
  };
  const conversationId = (page) => page.evaluate(() => new URLSearchParams(location.hash.split("?")[1] ?? "").get("c"));

  test("a question is answered in a stream, with tool progress; a proposed alert is confirmed", async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole("link", { name: "Assistant", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Assistant" }).waitFor();
    await page.getByLabel("Mode").selectOption("fast");
    await ask(page, "What is $AAPL trading at? And the rsi 14?");
    const answer = page.locator('.ai-msg.assistant[data-status="complete"]');
    await answer.waitFor();
    const id = await conversationId(page);
    assert.ok(id, "the address names the new conversation");
    assert.ok(Number(await page.locator(".ai-thread").getAttribute("data-tokens")) > 0, "the answer was written from streamed tokens");
    const stored = await fx.api(`/api/v1/ai/conversations/${id}/messages`, { token: user.access_token });
    const message = stored.json.items.at(-1);
    assert.equal(message.status, "complete");
    assert.ok(message.tool_calls.length > 0, "the offline engine answered from its tools");
    assert.deepEqual(await answer.locator(".tool-calls li").allTextContents(), message.tool_calls.map((c) => `Used ${c.name.replace(/_/g, " ")}`), "each tool call shown, done");
    // innerText keeps the line breaks between rendered paragraphs (textContent joins them).
    const shown = await answer.locator(".ai-bubble").evaluate((el) => el.innerText);
    assert.equal(shown.replace(/\s+/g, " ").trim(), message.content.replace(/\s+/g, " ").trim(), "the shown text is the stored answer");
    assert.equal(await answer.locator("mark.ungrounded").count(), message.marks.length);
    await page.locator(`.conversation-link[data-conversation-id="${id}"][aria-current="page"]`).waitFor();

    // A proposal: nothing is created until it is confirmed.
    const before = (await fx.api("/api/v1/alerts", { token: user.access_token })).json.items.length;
    await ask(page, "Set an alert when $AAPL drops below 90");
    const proposal = page.locator('.proposal[data-status="pending"]');
    await proposal.waitFor();
    assert.match(await proposal.textContent(), /AAPL/);
    assert.equal((await fx.api("/api/v1/alerts", { token: user.access_token })).json.items.length, before);
    await proposal.getByRole("button", { name: "Create this alert" }).click();
    await page.locator('.proposal[data-status="confirmed"]').waitFor();
    const alerts = (await fx.api("/api/v1/alerts", { token: user.access_token })).json.items;
    assert.equal(alerts.length, before + 1);
    assert.equal(alerts.at(-1).symbol, "AAPL");
    assert.deepEqual(await axeViolations(page), [], "the assistant with answers passes axe-core");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a stock analysis draws its chart; an answer written while offline is recovered", async () => {
    const { page, context, errors } = await signedIn();
    await page.goto("/#/assistant");
    await page.getByRole("heading", { level: 1, name: "Assistant" }).waitFor();
    await page.getByLabel("Mode").selectOption("stock_analysis");
    await ask(page, "analyse $MSFT");
    const answer = page.locator('.ai-msg.assistant[data-status="complete"]');
    await answer.locator('.answer-chart[data-ready="true"]').waitFor();
    assert.equal(await answer.locator(".answer-chart").getAttribute("data-symbol"), "MSFT");
    await answer.getByText("Trend:").first().waitFor();
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "desktop-assistant"); // docs/images/web-assistant.png
    await page.setViewportSize({ width: 1280, height: 800 });

    // Offline: the question is asked from elsewhere; the answer streams on ai:<id> unseen.
    const id = await conversationId(page);
    await context.setOffline(true);
    await page.locator('.ai-composer[data-live="subscribing"]').waitFor();
    const asked = await fx.api(`/api/v1/ai/conversations/${id}/messages`, { method: "POST", token: user.access_token, body: { content: "analyse $AAPL" } });
    assert.equal(asked.status, 202, asked.text);
    for (;;) {
      const page2 = await fx.api(`/api/v1/ai/conversations/${id}/messages`, { token: user.access_token });
      if (page2.json.items.at(-1).status === "complete") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await context.setOffline(false);
    await page.locator(`.ai-msg.assistant[data-id="${asked.json.answer_id}"][data-status="complete"]`).waitFor();
    assert.equal(await page.locator(".ai-msg.assistant").count(), 2);

    // Rename, then delete the conversation from the list.
    const row = page.locator(".conversation", { has: page.locator(`[data-conversation-id="${id}"]`) });
    await row.getByRole("button", { name: /^Rename / }).click();
    await page.getByLabel("New title").fill("Microsoft and Apple");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.locator(`[data-conversation-id="${id}"]`, { hasText: "Microsoft and Apple" }).waitFor();
    assert.equal((await fx.api(`/api/v1/ai/conversations/${id}`, { token: user.access_token })).json.title, "Microsoft and Apple");
    page.once("dialog", (d) => d.accept());
    await page.locator(".conversation", { has: page.locator(`[data-conversation-id="${id}"]`) }).getByRole("button", { name: "Delete Microsoft and Apple" }).click();
    await page.waitForFunction(() => location.hash === "#/assistant");
    assert.equal((await fx.api(`/api/v1/ai/conversations/${id}`, { token: user.access_token })).status, 404);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("@ai in a chat room: the owner switches it on and the bot's reply arrives", async () => {
    const room = await fx.api("/api/v1/rooms", { method: "POST", token: user.access_token, body: { name: "ai-room", visibility: "public" } });
    assert.equal(room.status, 201, room.text);
    const { page, context, errors } = await signedIn();
    await page.goto(`/#/chat?room=${room.json.id}`);
    await page.locator('form.composer[data-live="subscribed"]').waitFor();
    await page.getByLabel("@ai answers in this room").check();
    await page.getByText("On: members can mention @ai.").waitFor();
    assert.equal((await fx.api(`/api/v1/rooms/${room.json.id}/ai`, { token: user.access_token })).json.enabled, true);
    await page.getByLabel("Message", { exact: true }).fill("@ai what is $BTCUSD at?");
    await page.getByLabel("Message", { exact: true }).press("Enter");
    const reply = page.locator(".msg.ai-reply").filter({ has: page.locator(".pill", { hasText: "bot" }) });
    await reply.waitFor();
    assert.match(await reply.locator(".msg-meta strong").textContent(), /^AI assistant$/);
    assert.match(await reply.locator(".msg-text").textContent(), /BTCUSD/);
    assert.equal(await page.locator(".msg.ai-reply").count(), 1, "the draft was replaced by the stored reply");
    await screenshot(page, "desktop-chat-ai");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
