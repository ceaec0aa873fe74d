// The real binary with ai.providers pointing at the local replay server
// (lib/llm_replay.mjs, recorded OpenAI/Anthropic transcript shapes from their
// public documentation): a Fast-mode question whose model turn calls the `quote`
// tool and whose second turn answers streams over ai:<id> (tokens, the tool call
// and its result, done); the replay server sees what tradechat sent (the tool
// result in the second turn); an Anthropic provider works the same way; a 429
// from the first provider falls back to the second; a cancelled answer closes the
// provider connection; no key reaches the logs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Centrifuge } from "centrifuge";
import WebSocket from "ws";
import { spawnSync } from "node:child_process";
import { startServer, assertCleanExit, binary } from "./lib/server.mjs";
import { apiClient, signUp } from "./lib/accounts.mjs";
import { startReplay, openaiStream, transcript } from "./lib/llm_replay.mjs";
import { answerText } from "./lib/ai_stream.mjs";

const KEY = "sk-integration-secret-4242";
let server;
let llm;
let backup;
let api;

before(async () => {
  llm = await startReplay();
  backup = await startReplay();
  const providers = [
    { name: "local", kind: "openai", base_url: `${llm.url}/v1`, api_key_env: "TC_IT_LLM_KEY", models: [{ name: "replay-small", input_price: 1, output_price: 2 }] },
    { name: "claude", kind: "anthropic", base_url: backup.url, models: ["claude-replay"] },
  ];
  server = await startServer({
    env: { TRADECHAT_AI_PROVIDERS: JSON.stringify(providers), TC_IT_LLM_KEY: KEY },
    args: ["--set", "ai.chains.fast=local,claude", "--set", "ai.chains.deep_thinking=claude", "--set", "ai.retries=0", "--set", "ai.retry_base=0ms"],
  });
  api = apiClient(server.url);
  // This file tests the provider layer through the ai module's REST route and
  // ai:<id> channel. On a branch without the ai module (src/modules/ai/ besides
  // llm/) the route is absent and the file says so instead of failing.
  const doc = await api("/api/openapi.json");
  aiModule = doc.status === 200 && Boolean(doc.json?.paths?.["/api/v1/ai/conversations/{id}/messages"]);
});
let aiModule = false;
const needsAi = () => (aiModule ? false : "the ai module's conversation routes are not in this build");

after(async () => {
  const result = await server.stop();
  await llm.stop();
  await backup.stop();
  assert.equal(result.stderr.includes(KEY), false, "the provider key appeared in the logs");
  assertCleanExit(assert, result);
});

function connect(token) {
  return new Centrifuge(`ws://127.0.0.1:${server.port}/connection/websocket`, { websocket: WebSocket, token, minReconnectDelay: 50, maxReconnectDelay: 200 });
}

// Subscribes to ai:<id> and collects publications until `done` or `error`.
async function watch(client, conversationId) {
  const events = [];
  const sub = client.newSubscription(`ai:${conversationId}`);
  const finished = new Promise((resolve) => {
    sub.on("publication", (ctx) => {
      // Live tokens come without an offset, ahead of the persisted events they may overtake.
      events.push(ctx.offset ? { ...ctx.data, durable: true } : ctx.data);
      if (ctx.data.type === "done" || ctx.data.type === "error") resolve(events);
    });
  });
  const ready = new Promise((resolve, reject) => {
    sub.once("subscribed", resolve);
    sub.once("unsubscribed", (e) => reject(new Error(`unsubscribed ${e.code} ${e.reason}`)));
  });
  sub.subscribe();
  await ready;
  return { sub, events, finished };
}

async function ask(user, mode, content) {
  const conv = await api("/api/v1/ai/conversations", { method: "POST", token: user.access_token, body: { mode } });
  assert.equal(conv.status, 201, conv.text);
  return conv.json;
}

test("a streamed answer with a tool call arrives over ai:<id> from an OpenAI-compatible provider", async (t) => {
  if (needsAi()) return t.skip(needsAi());
  const user = await signUp(api, "llmuser1");
  const client = connect(user.access_token);
  client.connect();
  try {
    const conv = await ask(user, "fast");
    const w = await watch(client, conv.id);
    llm.queue(
      { body: openaiStream({ toolCalls: [{ id: "call_q1", name: "quote", arguments: JSON.stringify({ symbol: "AAPL" }) }] }), piece: 17 },
      { body: openaiStream({ text: ["Apple ", "is trading ", "as the quote shows."] }), piece: 23 },
    );
    const before = llm.requests.length;
    const sent = await api(`/api/v1/ai/conversations/${conv.id}/messages`, { method: "POST", token: user.access_token, body: { content: "What is AAPL trading at?" } });
    assert.equal(sent.status, 202, sent.text);
    const events = await w.finished;
    const types = events.filter((e) => e.durable).map((e) => e.type);
    assert.equal(types[0], "start");
    assert.ok(types.includes("tool_call"), types.join(","));
    const call = events.find((e) => e.type === "tool_call");
    assert.equal(call.name, "quote");
    assert.deepEqual(typeof call.arguments === "string" ? JSON.parse(call.arguments) : call.arguments, { symbol: "AAPL" });
    assert.ok(types.indexOf("tool_result") > types.indexOf("tool_call"), types.join(","));
    const tokens = answerText(events);
    assert.equal(tokens, "Apple is trading as the quote shows.");
    const done = events.at(-1);
    assert.equal(done.type, "done", JSON.stringify(done));
    assert.equal(done.message.content, "Apple is trading as the quote shows.");
    assert.equal(done.message.provider, "local");
    assert.ok(done.message.usage.input_tokens > 0);
    // what tradechat sent: two turns, the second carrying the tool's result
    const mine = llm.requests.slice(before);
    assert.equal(mine.length, 2);
    assert.equal(mine[0].path, "/v1/chat/completions");
    assert.equal(mine[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(mine[0].body.stream, true);
    assert.ok(mine[0].body.tools.some((t) => t.function.name === "quote"));
    const toolTurn = mine[1].body.messages.find((m) => m.role === "tool");
    assert.equal(toolTurn.tool_call_id, "call_q1");
    assert.match(toolTurn.content, /AAPL/);
  } finally {
    client.disconnect();
  }
});

test("an Anthropic provider streams the same way, and a 429 from the first provider falls back to it", async (t) => {
  if (needsAi()) return t.skip(needsAi());
  const user = await signUp(api, "llmuser2");
  const client = connect(user.access_token);
  client.connect();
  try {
    const conv = await ask(user, "fast");
    const w = await watch(client, conv.id);
    llm.queue({ status: 429, headers: { "Retry-After": "30" }, body: transcript("openai_error_429.json") });
    backup.queue({ transcript: "anthropic_text.sse", piece: 9 });
    const sent = await api(`/api/v1/ai/conversations/${conv.id}/messages`, { method: "POST", token: user.access_token, body: { content: "Say hello" } });
    assert.equal(sent.status, 202, sent.text);
    const events = await w.finished;
    const done = events.at(-1);
    assert.equal(done.type, "done", JSON.stringify(done));
    assert.equal(answerText(events), "Hello!");
    assert.equal(done.message.provider, "claude");
    const sentToClaude = backup.requests.at(-1);
    assert.equal(sentToClaude.path, "/v1/messages");
    assert.equal(sentToClaude.headers["anthropic-version"], "2023-06-01");
    assert.equal(typeof sentToClaude.body.system, "string");  // the mode's instructions, top level
    assert.ok(sentToClaude.body.messages.every((m) => m.role !== "system"));
  } finally {
    client.disconnect();
  }
});

test("cancelling an answer closes the provider connection", async (t) => {
  if (needsAi()) return t.skip(needsAi());
  const user = await signUp(api, "llmuser3");
  const client = connect(user.access_token);
  client.connect();
  try {
    const conv = await ask(user, "deep_thinking");
    const w = await watch(client, conv.id);
    const body = transcript("anthropic_text.sse");
    backup.queue({ body, holdAfter: body.indexOf('"Hello"') + 40 });
    const closedBefore = backup.closedEarly;
    const sent = await api(`/api/v1/ai/conversations/${conv.id}/messages`, { method: "POST", token: user.access_token, body: { content: "Take your time" } });
    assert.equal(sent.status, 202, sent.text);
    // the first token has arrived: the provider is now holding the stream open
    await new Promise((resolve) => {
      const check = () => (w.events.some((e) => e.type === "token") ? resolve() : setTimeout(check, 20));
      check();
    });
    const cancel = await api(`/api/v1/ai/conversations/${conv.id}/cancel`, { method: "POST", token: user.access_token });
    assert.equal(cancel.status, 202, cancel.text);
    await w.finished;
    await new Promise((resolve) => {
      const check = () => (backup.closedEarly > closedBefore ? resolve() : setTimeout(check, 20));
      check();
    });
    assert.equal(backup.closedEarly, closedBefore + 1);
  } finally {
    client.disconnect();
  }
});

test("config check shows where a provider key comes from, never the key, and names a bad key path", () => {
  const providers = [{ name: "oa", kind: "openai", base_url: "https://api.openai.com/v1", api_key_env: "TC_IT_LLM_KEY", models: ["gpt-4o-mini"] }];
  const ok = spawnSync(binary, ["config", "check"], {
    env: { ...process.env, TRADECHAT_AI_PROVIDERS: JSON.stringify(providers), TC_IT_LLM_KEY: KEY, TRADECHAT_AI_CHAINS_FAST: "oa/gpt-4o-mini" },
    encoding: "utf8",
  });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ai\.providers = .*TC_IT_LLM_KEY/);
  assert.match(ok.stdout, /ai\.chains\.fast = \["oa\/gpt-4o-mini"\]/);
  assert.equal(ok.stdout.includes(KEY), false);
  const bad = spawnSync(binary, ["config", "check"], {
    env: { ...process.env, TRADECHAT_AI_PROVIDERS: JSON.stringify([{ ...providers[0], kind: "gpt" }]), TC_IT_LLM_KEY: KEY },
    encoding: "utf8",
  });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /config: ai\.providers\[0\]\.kind = "gpt" is invalid/);
  assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
});
