// Chat between two people in two browser contexts: a room created in the UI, joined
// by the second user, a message sent by one (pending, then sent) and received live by
// the other, with its cashtag linked to the chart; presence, typing, reactions and
// replies. Screenshots of the chat screen are taken here.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { signUp } from "../integration/lib/accounts.mjs";
import { axeViolations } from "./lib/axe.mjs";
import { PHONE, horizontalOverflow, newPage, screenshot } from "./lib/browser.mjs";
import { signInViaUi, waitForLink } from "./lib/app.mjs";
import { startFixture, uniqueName } from "./lib/fixture.mjs";

/** Polls `check` until it is true; the test's own timeout bounds the wait. */
async function until(check) {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}

describe("chat", () => {
  let fx;
  let ann;
  let bob;
  before(async () => {
    fx = await startFixture();
    ann = await signUp(fx.api, uniqueName("ann"));
    bob = await signUp(fx.api, uniqueName("bob"));
  });
  after(async () => {
    await fx?.stop();
  });

  const signedIn = async (who, options) => {
    const opened = await newPage(fx.browser, fx.server.url, options);
    await signInViaUi(opened.page, who.username, who.password);
    await opened.page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
    await waitForLink(opened.page, "Live");
    return opened;
  };

  test("a message sent in one context is received live in another user's", async () => {
    const a = await signedIn(ann);
    const b = await signedIn(bob);

    // Ann creates a public room in the UI.
    await a.page.getByRole("link", { name: "Chat", exact: true }).click();
    await a.page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    await a.page.getByLabel("New room name").fill("traders");
    await a.page.getByRole("button", { name: "Create room" }).click();
    await a.page.waitForFunction(() => location.hash.startsWith("#/chat?room="));
    const roomId = new URLSearchParams((await a.page.evaluate(() => location.hash)).split("?")[1]).get("room");
    await a.page.locator('form.composer[data-live="subscribed"]').waitFor();
    await a.page.getByText("No messages yet").waitFor();

    // Bob joins with the id, in the UI.
    await b.page.goto("/#/chat");
    await b.page.getByLabel("Join a public room by id").fill(roomId);
    await b.page.getByRole("button", { name: "Join", exact: true }).click();
    await b.page.locator('form.composer[data-live="subscribed"]').waitFor();
    await a.page.locator('.presence[data-users="2"]').waitFor();

    // Bob typing shows on Ann's side.
    await b.page.getByLabel("Message", { exact: true }).fill("hmm");
    await a.page.getByText(/is typing…$/).waitFor();
    await b.page.getByLabel("Message", { exact: true }).fill("");

    // Ann sends; Bob receives it live, with the cashtag linked and the mention marked.
    const text = `Watching $btcusd here, @${bob.username} — **breakout**?`;
    await a.page.getByLabel("Message", { exact: true }).fill(text);
    await a.page.getByRole("button", { name: "Send", exact: true }).click();
    const mine = a.page.locator(".msg.own").filter({ hasText: "Watching" });
    await mine.locator('[data-state="sent"]').waitFor();
    assert.ok(await mine.getAttribute("data-id"), "the stored message's id replaces the pending one");
    assert.equal(await a.page.locator(".msg").filter({ hasText: "Watching" }).count(), 1, "shown once, not pending and stored");

    const received = b.page.locator(".msg").filter({ hasText: "Watching" }).first();
    await received.waitFor();
    assert.equal(await received.getByRole("link", { name: "$BTCUSD" }).getAttribute("href"), "#/chart?symbol=BTCUSD");
    assert.equal(await received.locator(".mention-me").textContent(), `@${bob.username}`);
    assert.equal(await received.locator("strong", { hasText: "breakout" }).count(), 1);

    // Bob reacts and replies; Ann sees both.
    await received.getByRole("button", { name: "React with 👍" }).click();
    await a.page.locator(".msg").filter({ hasText: "Watching" }).getByRole("button", { name: /👍, 1 so far/ }).waitFor();
    await received.getByRole("button", { name: "Reply" }).click();
    await b.page.getByLabel("Message", { exact: true }).fill("Agreed <b>not bold</b>");
    await b.page.getByLabel("Message", { exact: true }).press("Enter");
    const reply = a.page.locator(".msg").filter({ hasText: "Agreed" });
    await reply.waitFor();
    assert.match(await reply.locator(".msg-reply-to").textContent(), /Watching/);
    assert.equal(await reply.locator("b").count(), 0, "markup in a message stays text");
    assert.deepEqual(await axeViolations(a.page), [], "a room with messages passes axe-core");
    await screenshot(a.page, "desktop-chat");

    // Ann edits her message; Bob sees the new text, marked edited.
    await a.page.locator(".msg.own").filter({ hasText: "Watching" }).getByRole("button", { name: "Edit", exact: true }).click();
    await a.page.getByLabel("Message", { exact: true }).fill("Watching $BTCUSD closely");
    await a.page.getByRole("button", { name: "Save", exact: true }).click();
    await received.getByText("closely").waitFor();
    await received.getByText("(edited)").waitFor();

    // Ann owns the room and pins it; Bob sees the pin live and, a plain member, has no Pin button.
    await a.page.locator(".msg.own").filter({ hasText: "closely" }).getByRole("button", { name: "Pin", exact: true }).click();
    await received.getByText("📌 Pinned").waitFor();
    assert.equal(await received.getByRole("button", { name: "Pin", exact: true }).count(), 0);

    // The cashtag opens the chart.
    await received.getByRole("link", { name: "$BTCUSD" }).click();
    await b.page.getByRole("heading", { level: 1, name: "BTCUSD" }).waitFor();
    assert.deepEqual([...a.errors, ...b.errors], []);
    await a.context.close();
    await b.context.close();
  });

  test("history scrolls back by cursor pages and unread counts show in the room list", async () => {
    const created = await fx.api("/api/v1/rooms", { method: "POST", token: ann.access_token, body: { name: "history", visibility: "public" } });
    assert.equal(created.status, 201);
    const room = created.json.id;
    assert.equal((await fx.api(`/api/v1/rooms/${room}/join`, { method: "POST", token: bob.access_token, body: {} })).status, 200);
    for (let i = 1; i <= 60; i += 1) {
      const r = await fx.api(`/api/v1/rooms/${room}/messages`, { method: "POST", token: ann.access_token, body: { text: `note ${i}`, client_msg_id: `h-${i}` } });
      assert.equal(r.status, 201);
    }
    const b = await signedIn(bob);
    await b.page.goto("/#/chat");
    const link = b.page.locator(`[data-room-id="${room}"]`);
    assert.equal(await link.locator(".unread").textContent(), "60");
    // A mention arriving on Bob's personal channel refreshes the counts in the list.
    const mention = await fx.api(`/api/v1/rooms/${room}/messages`, { method: "POST", token: ann.access_token, body: { text: `@${bob.username} look`, client_msg_id: "h-mention" } });
    assert.equal(mention.status, 201);
    await link.locator(".unread", { hasText: /^61$/ }).waitFor();
    await link.click();
    await b.page.locator(".msg-text", { hasText: /^note 60$/ }).waitFor();
    assert.equal(await b.page.locator(".msg").count(), 50, "the first page");
    assert.equal(await b.page.locator(".unread-divider").count(), 0, "where the unread ones start is not loaded yet");
    // Scrolling to the top fetches the older page (the button does the same for keyboards).
    await b.page.locator(".message-scroll").evaluate((el) => {
      el.scrollTop = 0;
    });
    await b.page.locator(".msg-text", { hasText: /^note 1$/ }).waitFor();
    assert.equal(await b.page.locator(".msg").count(), 61);
    assert.equal(await b.page.locator(".unread-divider + .msg .msg-text").textContent(), "note 1", "New messages above the first unread");
    const order = await b.page.locator(".msg .msg-text").allTextContents();
    assert.deepEqual(order, [...Array.from({ length: 60 }, (_, i) => `note ${i + 1}`), `@${bob.username} look`], "oldest first, no duplicates");
    // Having seen the newest message, the read receipt clears the unread count on the server.
    await until(async () => {
      const rooms = await fx.api("/api/v1/rooms?limit=200", { token: bob.access_token });
      return rooms.json.items.find((r) => r.id === room)?.unread === 0;
    });
    await b.context.close();
  });

  test("messages sent while a reader is offline arrive when the link comes back", async () => {
    const created = await fx.api("/api/v1/rooms", { method: "POST", token: ann.access_token, body: { name: "away", visibility: "public" } });
    const room = created.json.id;
    assert.equal((await fx.api(`/api/v1/rooms/${room}/join`, { method: "POST", token: bob.access_token, body: {} })).status, 200);
    const b = await signedIn(bob);
    await b.page.goto(`/#/chat?room=${room}`);
    await b.page.locator('form.composer[data-live="subscribed"]').waitFor();
    await b.context.setOffline(true);
    await b.page.locator('form.composer[data-live="subscribing"]').waitFor();
    const sent = await fx.api(`/api/v1/rooms/${room}/messages`, { method: "POST", token: ann.access_token, body: { text: "while you were away", client_msg_id: "away-1" } });
    assert.equal(sent.status, 201);
    await b.context.setOffline(false);
    await b.page.locator(".msg-text", { hasText: /^while you were away$/ }).waitFor();
    assert.equal(await b.page.locator(".msg-text", { hasText: /^while you were away$/ }).count(), 1, "once");
    await b.context.close();
  });

  test("room tools: invitation to a private room, pinned list, search, edit history, moderation, direct messages", async () => {
    const created = await fx.api("/api/v1/rooms", { method: "POST", token: ann.access_token, body: { name: "desk", visibility: "private" } });
    assert.equal(created.status, 201, created.text);
    const room = created.json.id;
    const post = async (text, id) => {
      const r = await fx.api(`/api/v1/rooms/${room}/messages`, { method: "POST", token: ann.access_token, body: { text, client_msg_id: id } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const first = await post("levels: 64k support", "t-1");
    await post("the needle is here", "t-2");
    for (const text of ["levels: 63k support", "levels: 62.5k support"]) {
      const edit = await fx.api(`/api/v1/rooms/${room}/messages/${first.id}`, { method: "PATCH", token: ann.access_token, body: { text } });
      assert.equal(edit.status, 200, edit.text);
    }
    assert.equal((await fx.api(`/api/v1/rooms/${room}/pins/${first.id}`, { method: "PUT", token: ann.access_token, body: {} })).status, 200);

    const a = await signedIn(ann);
    const b = await signedIn(bob);
    await a.page.goto(`/#/chat?room=${room}`);
    await a.page.locator('form.composer[data-live="subscribed"]').waitFor();
    const tools = a.page.getByRole("toolbar", { name: "Room tools" });
    const panel = a.page.locator(".room-panel");

    // Ann invites Bob to her private room by username.
    await tools.getByRole("button", { name: "Members" }).click();
    await panel.getByLabel("Invite by username").fill(bob.username);
    await panel.getByRole("button", { name: "Invite" }).click();
    await panel.getByText(`@${bob.username} is now a member of the room.`).waitFor();
    await panel.locator(`.member[data-user-id="${bob.id}"][data-role="member"]`).waitFor();
    await b.page.goto(`/#/chat?room=${room}`);
    await b.page.locator('form.composer[data-live="subscribed"]').waitFor();
    assert.equal(await b.page.getByRole("toolbar", { name: "Room tools" }).count(), 1);

    // The pinned list, search and edit history.
    await tools.getByRole("button", { name: "Pinned" }).click();
    await panel.locator(".pins-list .msg-text", { hasText: "62.5k" }).waitFor();
    await tools.getByRole("button", { name: "Search" }).click();
    await panel.getByLabel("Find messages containing").fill("NEEDLE");
    await panel.getByRole("button", { name: "Search", exact: true }).click();
    await panel.getByText("1 message, newest first.").waitFor();
    assert.equal(await panel.locator(".panel-msg .msg-text").textContent(), "the needle is here");
    await panel.getByRole("button", { name: "Show" }).click();
    await a.page.waitForFunction(() => document.activeElement?.classList.contains("msg"));
    await a.page.locator(`.msg[data-id="${first.id}"]`).getByRole("button", { name: "(edited) — show the edit history" }).click();
    await panel.locator(".edit-history li").nth(2).waitFor();
    assert.deepEqual(await panel.locator(".edit-history .msg-text").allTextContents(), ["levels: 64k support", "levels: 63k support", "levels: 62.5k support"]);
    assert.deepEqual(await axeViolations(a.page), [], "the room with its panel passes axe-core");

    // Moderation: a mute refuses Bob's message; a role change; a ban ends his view of the room.
    await tools.getByRole("button", { name: "Members" }).click();
    const bobRow = panel.locator(`.member[data-user-id="${bob.id}"]`);
    await bobRow.getByRole("button", { name: `Mute user ${bob.id.slice(0, 8)}`, exact: true }).click();
    await bobRow.getByText(/muted for \d+ more minutes/).waitFor();
    await b.page.getByLabel("Message", { exact: true }).fill("can I talk?");
    await b.page.getByLabel("Message", { exact: true }).press("Enter");
    await b.page.locator('.msg[data-state="failed"]').waitFor();
    await bobRow.getByRole("button", { name: `Unmute user ${bob.id.slice(0, 8)}`, exact: true }).click();
    await bobRow.getByRole("button", { name: `Mute user ${bob.id.slice(0, 8)}`, exact: true }).waitFor();
    await bobRow.getByLabel(`Role of user ${bob.id.slice(0, 8)}`).selectOption("moderator");
    await panel.locator(`.member[data-user-id="${bob.id}"][data-role="moderator"]`).waitFor();
    await panel.locator(`.member[data-user-id="${bob.id}"]`).getByRole("button", { name: `Ban user ${bob.id.slice(0, 8)}`, exact: true }).click();
    await panel.getByText(`user ${bob.id.slice(0, 8)} is banned from the room.`).waitFor();
    await b.page.getByText(/You (were banned from this room|are no longer a member of this room)\./).waitFor();
    assert.equal((await fx.api(`/api/v1/rooms/${room}`, { token: bob.access_token })).status, 404, "the private room is gone for Bob");
    await panel.getByRole("button", { name: `Lift the ban on user ${bob.id.slice(0, 8)}`, exact: true }).click();
    await panel.getByText(`user ${bob.id.slice(0, 8)} may join or be invited again.`).waitFor();
    await screenshot(a.page, "desktop-chat-members");

    // A direct message: Ann opens the room of two by Bob's username; Bob reads it.
    await a.page.goto("/#/chat");
    await a.page.getByLabel("Direct message to (username)").fill(bob.username);
    await a.page.getByRole("button", { name: "Message", exact: true }).click();
    await a.page.getByRole("heading", { level: 2, name: `@ ${bob.username}` }).waitFor();
    await a.page.locator('form.composer[data-live="subscribed"]').waitFor();
    await a.page.getByLabel("Message", { exact: true }).fill("just between us");
    await a.page.getByLabel("Message", { exact: true }).press("Enter");
    await a.page.locator('.msg.own [data-state="sent"]').waitFor();
    const dmRoom = new URLSearchParams((await a.page.evaluate(() => location.hash)).split("?")[1]).get("room");
    await b.page.goto(`/#/chat?room=${dmRoom}`);
    await b.page.locator(".msg-text", { hasText: "just between us" }).waitFor();
    assert.equal(await a.page.getByRole("toolbar", { name: "Room tools" }).getByRole("button", { name: "Members" }).count(), 1);
    assert.deepEqual([...a.errors, ...b.errors], []);
    await a.context.close();
    await b.context.close();
  });

  test("phone width: chat fits without sideways scrolling", async () => {
    const { page, context } = await signedIn(ann, { viewport: PHONE });
    await page.goto("/#/chat");
    await page.getByRole("heading", { level: 1, name: "Chat" }).waitFor();
    await page.locator(".room-link").first().click();
    await page.locator('form.composer[data-live="subscribed"]').waitFor();
    const o = await horizontalOverflow(page);
    assert.equal(o.overflow, false, `chat is ${o.scrollWidth}px wide in a ${o.clientWidth}px viewport: ${o.offenders.join(", ")}`);
    await screenshot(page, "phone-chat");
    await context.close();
  });
});
