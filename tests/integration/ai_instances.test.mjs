// An answer and its followers on different instances: two tradechat processes
// sharing PostgreSQL and NATS, a replayed model that holds its stream open. The
// question goes to instance one; the user follows the conversation from one tab on
// each instance. Tokens reach both tabs. Closing the tab on the answering instance
// leaves the answer running (the other instance still has a follower); closing the
// last tab, on the other instance, stops it after the grace, and the provider's
// connection is closed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { startServer, assertCleanExit, sleep } from "./lib/server.mjs";
import { apiClient, signUp } from "./lib/accounts.mjs";
import { startReplay, openaiStream } from "./lib/llm_replay.mjs";
import { ownDatabase } from "./lib/postgres.mjs";

async function until(what, pred) {
  for (let i = 0; i < 500; i++) {
    if (await pred()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("an answer stops when its user's last tab closes, on whichever instance it was", async (t) => {
  const url = process.env.TRADECHAT_TEST_DATABASE_URL;
  const nats = process.env.TRADECHAT_TEST_NATS_URL;
  if (!url || !nats) {
    t.skip("TRADECHAT_TEST_DATABASE_URL / TRADECHAT_TEST_NATS_URL not set (scripts/services env)");
    return;
  }
  const db = ownDatabase(url, "tc_ai");

  const llm = await startReplay();
  const providers = [{ name: "local", kind: "openai", base_url: `${llm.url}/v1`, models: ["replay-model"] }];
  const env = {
    TRADECHAT_DATABASE_URL: db.url,
    TRADECHAT_NATS_URL: nats,
    TRADECHAT_AUTH_PII_KEY: randomBytes(64).toString("base64url"),
    TRADECHAT_AI_PROVIDERS: JSON.stringify(providers),
  };
  const args = ["--set", "ai.chains.fast=local", "--set", "ai.retries=0", "--set", "ai.disconnect_grace=300ms", "--set", "ai.follow_check_wait=300ms"];
  const servers = [];
  const clients = [];
  try {
    servers.push(await startServer({ env, args }));
    servers.push(await startServer({ env, args }));
    const [one, two] = servers;
    const api = apiClient(one.url);
    const user = await signUp(api, "twotabs");
    const conv = await api("/api/v1/ai/conversations", { method: "POST", token: user.access_token, body: { mode: "fast" } });
    assert.equal(conv.status, 201, conv.text);
    const tabs = [];
    for (const server of [one, two]) {
      const c = new Centrifuge(`ws://127.0.0.1:${server.port}/connection/websocket`, { websocket: WebSocket, token: user.access_token });
      clients.push(c);
      const events = [];
      const sub = c.newSubscription(`ai:${conv.json.id}`);
      sub.on("publication", (ctx) => events.push(ctx.data));
      const ready = new Promise((resolve) => sub.once("subscribed", resolve));
      c.connect();
      sub.subscribe();
      await ready;
      tabs.push({ client: c, events });
    }

    const body = openaiStream({ text: ["Still ", "thinking ", "about ", "it"] });
    llm.queue({ body, holdAfter: body.indexOf('"thinking "') + 60 });
    const sent = await api(`/api/v1/ai/conversations/${conv.json.id}/messages`, { method: "POST", token: user.access_token, body: { content: "Think slowly" } });
    assert.equal(sent.status, 202, sent.text);
    // the live tokens reach the tab on the other instance too
    await until("the first tokens on both tabs", () => tabs.every((tab) => tab.events.some((e) => e.type === "token")));

    // The tab on the answering instance closes; the one on instance two still follows.
    tabs[0].client.disconnect();
    await sleep(1500); // well past the grace (300 ms) and the follow check (300 ms)
    assert.equal(llm.closedEarly, 0, "the answer was stopped although a tab on another instance follows it");
    assert.equal(tabs[1].events.some((e) => e.type === "done"), false);

    // The last tab, on instance two, closes: instance one hears it and stops the answer.
    tabs[1].client.disconnect();
    await until("the provider connection to close", () => llm.closedEarly === 1);
    await until("the answer to be stored as cancelled", async () => {
      const res = await api(`/api/v1/ai/conversations/${conv.json.id}/messages`, { token: user.access_token });
      const answer = res.json.items?.find((m) => m.id === sent.json.answer_id);
      return answer?.status === "cancelled";
    });
  } finally {
    for (const c of clients) c.disconnect();
    const results = [];
    for (const s of servers) results.push(await s.stop());
    await llm.stop();
    db.drop();
    for (const r of results) assertCleanExit(assert, r);
  }
});
