// Time to first token through the whole server, against the same replay server asked
// directly, in the same run. tradechat: a signed-in client POSTs a question to
// /api/v1/ai/conversations/{id}/messages and waits for the first `token` publication
// on ai:<id> over the WebSocket (REST, the assistant, the router, the provider
// client, the persisted answer stream, the hub and the socket). Direct: a plain Node
// client POSTs to the replay server and waits for the first content delta. Both use
// a new provider connection per answer. The difference of the p50 columns is what
// tradechat adds to the first token (goal: ≤ 0.5 ms).
// Usage: TRADECHAT_BIN=build/release/tradechat node bench/ai/e2e.mjs [requests=200] [warmup=20]
import http from "node:http";
import { createRequire } from "node:module";
import { startReplay, openaiStream } from "../../tests/integration/lib/llm_replay.mjs";
import { startServer } from "../../tests/integration/lib/server.mjs";
import { apiClient, signUp } from "../../tests/integration/lib/accounts.mjs";

const require = createRequire(new URL("../../tests/package.json", import.meta.url));
const { Centrifuge } = require("centrifuge");
const WebSocket = require("ws");

const requests = Number(process.argv[2] ?? 200);
const warmup = Number(process.argv[3] ?? 20);
const answer = () => ({ body: openaiStream({ text: ["The answer ", "comes in ", "three pieces."] }) });

const llm = await startReplay({ fallback: answer() });
const providers = [{ name: "local", kind: "openai", base_url: `${llm.url}/v1`, models: ["replay-model"] }];
const server = await startServer({
  env: { TRADECHAT_AI_PROVIDERS: JSON.stringify(providers) },
  args: ["--set", "ai.chains.fast=local", "--set", "ai.budget.requests_per_hour=0", "--set", "ai.budget.tokens_per_day=0", "--set", "ai.max_conversations_per_user=100000", "--set", "realtime.commands_per_second=1000"],
}).catch(async (e) => {
  await llm.stop();
  throw e;
});
const api = apiClient(server.url);
const user = await signUp(api, "aibench");
const client = new Centrifuge(`ws://127.0.0.1:${server.port}/connection/websocket`, { websocket: WebSocket, token: user.access_token });
await new Promise((resolve) => {
  client.once("connected", resolve);
  client.connect();
});

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function throughTradechat() {
  const conv = await api("/api/v1/ai/conversations", { method: "POST", token: user.access_token, body: { mode: "fast" } });
  if (conv.status !== 201) throw new Error(`create conversation: ${conv.status} ${conv.text}`);
  const sub = client.newSubscription(`ai:${conv.json.id}`);
  let start;
  let first;
  const finished = new Promise((resolve, reject) => {
    sub.on("publication", (ctx) => {
      if (ctx.data.type === "token" && first === undefined) first = process.hrtime.bigint();
      if (ctx.data.type === "done") resolve(process.hrtime.bigint());
      if (ctx.data.type === "error") reject(new Error(JSON.stringify(ctx.data.problem)));
    });
  });
  await new Promise((resolve, reject) => {
    sub.once("subscribed", resolve);
    // A refused subscription (a limit, say) must end the run with its reason, not hang it.
    sub.once("error", (e) => reject(new Error(`subscribe ai:${conv.json.id}: ${JSON.stringify(e.error ?? e)}`)));
    sub.once("unsubscribed", (e) => reject(new Error(`unsubscribed from ai:${conv.json.id}: ${e.code} ${e.reason}`)));
    sub.subscribe();
  });
  start = process.hrtime.bigint();
  const sent = await api(`/api/v1/ai/conversations/${conv.json.id}/messages`, { method: "POST", token: user.access_token, body: { content: "Hello" } });
  if (sent.status !== 202) throw new Error(`post message: ${sent.status} ${sent.text}`);
  const end = await finished;
  sub.unsubscribe();
  client.removeSubscription(sub);
  return { first: Number(first - start) / 1e6, total: Number(end - start) / 1e6 };
}

const agent = new http.Agent({ keepAlive: false });
const directBody = JSON.stringify({ model: "replay-model", stream: true, messages: [{ role: "user", content: "Hello" }] });
function direct() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first;
    let buf = "";
    const req = http.request(`${llm.url}/v1/chat/completions`, { method: "POST", agent, headers: { "Content-Type": "application/json" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const data = buf.slice(0, i).replace(/^data: ?/, "");
          buf = buf.slice(i + 2);
          if (data && data !== "[DONE]" && first === undefined && JSON.parse(data).choices?.[0]?.delta?.content) first = process.hrtime.bigint();
        }
      });
      res.on("end", () => resolve({ first: Number(first - start) / 1e6, total: Number(process.hrtime.bigint() - start) / 1e6 }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(directBody);
  });
}

const results = { tradechat: [], direct: [] };
try {
  for (let i = 0; i < warmup + requests; i++) {
    // Interleaved, so both see the same machine state.
    const t = await throughTradechat();
    const d = await direct();
    if (i >= warmup) {
      results.tradechat.push(t);
      results.direct.push(d);
    }
  }
} finally {
  client.disconnect();
  await server.stop();
  await llm.stop();
}
const row = (name, xs) =>
  `| ${name} | ${pct(xs.map((x) => x.first), 50).toFixed(2)} | ${pct(xs.map((x) => x.first), 99).toFixed(2)} | ${pct(xs.map((x) => x.total), 50).toFixed(2)} | ${pct(xs.map((x) => x.total), 99).toFixed(2)} |`;
console.log(`${requests} answers (after ${warmup} warm-up), interleaved; binary: ${process.env.TRADECHAT_BIN ?? "build/test/tradechat"}`);
console.log("");
console.log("| path | first token p50 ms | p99 ms | whole answer p50 ms | p99 ms |");
console.log("| --- | ---: | ---: | ---: | ---: |");
console.log(row("through tradechat (REST → assistant → provider → ai:<id> over WebSocket)", results.tradechat));
console.log(row("replay server asked directly (Node http)", results.direct));
const added = pct(results.tradechat.map((x) => x.first), 50) - pct(results.direct.map((x) => x.first), 50);
console.log(`| **added to the first token (p50)** | **${added >= 0 ? "+" : ""}${added.toFixed(2)} ms** | | | |`);
