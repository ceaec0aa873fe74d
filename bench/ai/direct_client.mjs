// The peer of ai_bench: a plain Node client of the same replay server, doing what
// a minimal provider client must (POST, read the stream, find the first content
// delta, read to [DONE]). Same sequential pattern, a new connection per request.
// Prints <name> <value> lines like ai_bench.
// Usage: node bench/ai/direct_client.mjs <replay url> [requests=300] [warmup=30]
import http from "node:http";

const [url, requestsArg = "300", warmupArg = "30"] = process.argv.slice(2);
const requests = Number(requestsArg);
const warmup = Number(warmupArg);
const agent = new http.Agent({ keepAlive: false });
const body = JSON.stringify({ model: "replay-model", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hello" }] });

function once() {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first;
    let buf = "";
    let text = "";
    const req = http.request(`${url}/v1/chat/completions`, { method: "POST", agent, headers: { "Content-Type": "application/json", Accept: "text/event-stream" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const ev = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = ev.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          if (!data || data === "[DONE]") continue;
          const content = JSON.parse(data).choices?.[0]?.delta?.content;
          if (content) {
            if (first === undefined) first = process.hrtime.bigint();
            text += content;
          }
        }
      });
      res.on("end", () => resolve({ first: Number(first - start) / 1e6, total: Number(process.hrtime.bigint() - start) / 1e6, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const pct = (v, p) => [...v].sort((a, b) => a - b)[Math.floor(p * (v.length - 1))];
const first = [];
const total = [];
let text = "";
for (let i = 0; i < warmup + requests; i++) {
  const r = await once();
  if (i < warmup) continue;
  first.push(r.first);
  total.push(r.total);
  text = r.text;
}
console.log(`requests ${first.length}`);
console.log(`answer_bytes ${Buffer.byteLength(text)}`);
console.log(`first_p50_ms ${pct(first, 0.5).toFixed(3)}`);
console.log(`first_p99_ms ${pct(first, 0.99).toFixed(3)}`);
console.log(`total_p50_ms ${pct(total, 0.5).toFixed(3)}`);
console.log(`total_p99_ms ${pct(total, 0.99).toFixed(3)}`);
