// A local stand-in for language-model providers: replays recorded streaming
// transcripts (src/modules/ai/llm/tests/transcripts/, taken from the OpenAI and
// Anthropic public documentation) over HTTP on loopback, as either API would send
// them: `text/event-stream`, chunked, in pieces, optionally cut mid-stream or held
// open until the client closes. It records every request (path, headers, JSON
// body) and whether the client closed the connection before the answer ended
// (cancellation must reach the provider).
//
// In a test:   const llm = await startReplay(); llm.queue({ transcript: "openai_text.sse" });
//              ... llm.requests, llm.closedEarly, await llm.stop()
// For bench/ai: node tests/integration/lib/llm_replay.mjs --port 18095 --transcript openai_text.sse
import http from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const transcriptDir = resolve(here, "../../../src/modules/ai/llm/tests/transcripts");

export function transcript(name) {
  return readFileSync(join(transcriptDir, name), "utf8");
}

// An OpenAI Chat Completions stream built from the documented chunk shapes, for
// answers the recordings do not contain (a tool the assistant really offers).
export function openaiStream({ text = [], toolCalls = [], model = "replay-model", usage = { prompt_tokens: 12, completion_tokens: 8 } } = {}) {
  const base = { id: "chatcmpl-replay", object: "chat.completion.chunk", created: 1700000000, model };
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  let out = chunk({ role: "assistant", content: "" });
  for (const t of text) out += chunk({ content: t });
  toolCalls.forEach((call, index) => {
    out += chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] });
    const args = call.arguments;
    const half = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, half), args.slice(half)]) out += chunk({ tool_calls: [{ index, function: { arguments: part } }] });
  });
  out += chunk({}, toolCalls.length ? "tool_calls" : "stop");
  out += `data: ${JSON.stringify({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`;
  return out + "data: [DONE]\n\n";
}

function bodyOf(reply) {
  if (reply.body !== undefined) return typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  if (reply.transcript) return transcript(reply.transcript);
  return "";
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// reply: { status=200, headers={}, body | transcript, piece=0 (bytes per write; 0 = by event),
//          delayMs=0 (between pieces), cutAfter (bytes, then destroy), holdAfter (bytes, then wait) }
export async function startReplay({ port = 0, fallback } = {}) {
  const queue = [];
  const requests = [];
  let closedEarly = 0;
  const sockets = new Set();
  const server = http.createServer(async (req, res) => {
    let raw = "";
    for await (const part of req) raw += part;
    let json;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const seen = { method: req.method, path: req.url, headers: req.headers, body: json, closedEarly: false };
    requests.push(seen);
    const reply = queue.length ? queue.shift() : fallback ?? { status: 500, body: { error: { message: "no reply queued" } } };
    const status = reply.status ?? 200;
    const body = bodyOf(reply);
    let finished = false;
    res.on("close", () => {
      if (!finished) {
        seen.closedEarly = true;
        closedEarly += 1;
      }
    });
    res.writeHead(status, {
      "Content-Type": status === 200 ? "text/event-stream" : "application/json",
      "Cache-Control": "no-cache",
      ...(reply.headers ?? {}),
    });
    const limit = reply.cutAfter ?? reply.holdAfter ?? body.length;
    const pieces = [];
    if (reply.piece) {
      for (let i = 0; i < body.length; i += reply.piece) pieces.push(body.slice(i, i + reply.piece));
    } else {
      for (const ev of body.split(/(?<=\n\n)/)) if (ev) pieces.push(ev);
    }
    let sent = 0;
    for (const p of pieces) {
      if (res.destroyed) return;
      const room = limit - sent;
      if (room <= 0) break;
      res.write(p.slice(0, room));
      sent += Math.min(p.length, room);
      if (reply.delayMs) await sleep(reply.delayMs);
    }
    if (reply.cutAfter !== undefined) {
      finished = true;  // our own cut, not the client's
      res.socket?.destroy();
      return;
    }
    if (reply.holdAfter !== undefined) return;  // until the client gives up
    finished = true;
    res.end();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  const actualPort = server.address().port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    queue: (...replies) => queue.push(...replies),
    requests,
    get closedEarly() {
      return closedEarly;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

// CLI: every request gets the same transcript (bench/ai).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const replay = await startReplay({
    port: Number(opt("port", "0")),
    fallback: { transcript: opt("transcript", "openai_text.sse"), delayMs: Number(opt("delay-ms", "0")) },
  });
  console.log(JSON.stringify({ listening: replay.url }));
}
