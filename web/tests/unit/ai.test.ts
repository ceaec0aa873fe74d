import { describe, expect, it } from "vitest";
import { answering, applyStreamEvent, streamEvent, toolProgress } from "../../src/ai/answer";
import { byteRangesToIndexes, markPieces, parseInline, parseMarkdown } from "../../src/ai/markdown";
import { answerChart, snapToBars } from "../../src/ai/annotations";
import type { AiMessage } from "../../src/ai/types";

describe("the answer stream", () => {
  const ev = (d: unknown) => {
    const e = streamEvent(d);
    if (!e) throw new Error("not an event");
    return e;
  };
  it("grows the answer token by token, with tool progress, and the stored message replaces it", () => {
    let list: AiMessage[] = [{ id: "q", role: "user", content: "price?", created_at: 1, status: "complete" }];
    list = applyStreamEvent(list, ev({ type: "start", message_id: "a", mode: "fast" }));
    expect(answering(list)).toBe(true);
    list = applyStreamEvent(list, ev({ type: "tool_call", message_id: "a", call_id: "c1", name: "get_quote", arguments: { symbol: "BTCUSD" } }));
    expect(toolProgress(list[1].tool_calls![0])).toBe("Running get quote…");
    list = applyStreamEvent(list, ev({ type: "tool_result", message_id: "a", call_id: "c1", name: "get_quote", result: { last: 1 } }));
    expect(toolProgress(list[1].tool_calls![0])).toBe("Used get quote");
    expect(list[1].tool_calls![0].arguments).toEqual({ symbol: "BTCUSD" });
    list = applyStreamEvent(list, ev({ type: "token", message_id: "a", text: "BTC is " }));
    list = applyStreamEvent(list, ev({ type: "token", message_id: "a", text: "**up**" }));
    expect(list[1].content).toBe("BTC is **up**");
    list = applyStreamEvent(list, ev({ type: "done", message: { id: "a", role: "assistant", content: "BTC is **up** 2%", created_at: 2, status: "complete", marks: [] } }));
    expect(list).toHaveLength(2);
    expect(list[1]).toMatchObject({ content: "BTC is **up** 2%", status: "complete" });
    expect(answering(list)).toBe(false);
    // A replayed token after done does not reopen the answer.
    list = applyStreamEvent(list, ev({ type: "token", message_id: "a", text: "again" }));
    expect(list[1].content).toBe("BTC is **up** 2%");
  });
  it("keeps the text exact when tokens arrive live and again in persisted batches, or after a gap", () => {
    const tok = (text: string, at: number) => ev({ type: "token", message_id: "a", text, at });
    let list: AiMessage[] = [];
    // live tokens, then the persisted batch covering them, then one overlapping the end
    list = applyStreamEvent(list, tok("Gold ", 0));
    list = applyStreamEvent(list, tok("is ", 5));
    list = applyStreamEvent(list, tok("Gold is ", 0));
    list = applyStreamEvent(list, tok("is flat", 5));
    expect(list[0].content).toBe("Gold is flat");
    // a live token past the end (the client missed some) waits for the batch that fills the gap
    list = applyStreamEvent(list, tok(" today", 20));
    expect(list[0].content).toBe("Gold is flat");
    list = applyStreamEvent(list, tok(" — 2 % up", 12));
    expect(list[0].content).toBe("Gold is flat — 2 % up");
    // offsets count UTF-16 units, as the server sends them (an emoji is two)
    list = applyStreamEvent([], tok("📈 ", 0));
    list = applyStreamEvent(list, tok("up", 3));
    expect(list[0].content).toBe("📈 up");
    // a negative or fractional offset is not trusted: the token is appended as is
    expect(ev({ type: "token", message_id: "a", text: "x", at: -1 })).toEqual({ type: "token", message_id: "a", text: "x" });
  });
  it("an error fails the answer with the problem's detail", () => {
    const list = applyStreamEvent([], ev({ type: "error", message_id: "a", problem: { title: "Upstream", detail: "the model is unavailable", status: 503 } }));
    expect(list[0]).toMatchObject({ status: "failed", error: "the model is unavailable" });
  });
  it("ignores publications that are not events", () => {
    expect(streamEvent({ type: "token", text: "x" })).toBeNull();
    expect(streamEvent({ type: "done", message: { id: 1 } })).toBeNull();
    expect(streamEvent({ type: "what" })).toBeNull();
    expect(streamEvent(null)).toBeNull();
  });
});

describe("markdown", () => {
  it("parses blocks", () => {
    const blocks = parseMarkdown("# Title\n\nSome **bold** and *it* `code`.\nNext line\n\n- one\n- two\n\n1. first\n2. second\n\n```ts\nconst x = 1;\n```\n> quoted\n\n---\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(blocks.map((b) => b.kind)).toEqual(["heading", "paragraph", "list", "list", "code", "quote", "rule", "table"]);
    const table = blocks[7];
    expect(table.kind === "table" && table.rows[0].length).toBe(2);
    const code = blocks[4];
    expect(code.kind === "code" && code.text).toBe("const x = 1;");
  });
  it("links only to http and https", () => {
    expect(parseInline("[ok](https://example.com/a)")).toEqual([{ kind: "link", href: "https://example.com/a", children: [{ kind: "text", text: "ok", start: 1 }] }]);
    const bad = parseInline("[x](javascript:alert(1))");
    expect(bad.every((i) => i.kind === "text")).toBe(true);
  });
  it("keeps markup as text", () => {
    const inl = parseInline("<img src=x onerror=alert(1)>");
    expect(inl).toEqual([{ kind: "text", text: "<img src=x onerror=alert(1)>", start: 0 }]);
  });
  it("text pieces keep their source offsets, so marks land on the numbers", () => {
    const src = "Price is **64,012.5** now, up 3%.";
    const blocks = parseMarkdown(src);
    const para = blocks[0];
    if (para.kind !== "paragraph") throw new Error("paragraph expected");
    const strong = para.inlines[1];
    if (strong.kind !== "strong" || strong.children[0].kind !== "text") throw new Error("strong expected");
    expect(src.slice(strong.children[0].start, strong.children[0].start + strong.children[0].text.length)).toBe("64,012.5");
    const at = src.indexOf("3%");
    const tail = para.inlines[2];
    if (tail.kind !== "text") throw new Error("text expected");
    expect(markPieces(tail.text, tail.start, [{ start: at, end: at + 2 }])).toEqual([
      { text: " now, up ", marked: false },
      { text: "3%", marked: true },
      { text: ".", marked: false },
    ]);
  });
  it("converts byte offsets of marks to string indexes", () => {
    const text = "€ 5 and 7";
    // "€" is 3 bytes: "5" is at byte 4, index 2.
    expect(byteRangesToIndexes(text, [{ start: 4, end: 5 }])).toEqual([{ start: 2, end: 3 }]);
    expect(byteRangesToIndexes(text, [{ start: 3, end: 3 }])).toEqual([]);
  });
});

describe("charts inside answers", () => {
  it("reads the annotation payload tolerantly", () => {
    const chart = answerChart({ symbol: "aapl", timeframe: "1d", levels: [{ price: 180, kind: "support" }, { price: "x" }], patterns: [{ name: "double_bottom", direction: "bullish", end_time_ms: 5 }] });
    expect(chart).toMatchObject({ symbol: "AAPL", timeframe: "1d", candles: null, levels: [{ price: 180, kind: "support", label: "S" }], markers: [{ time_ms: 5, text: "double bottom", direction: "bullish" }] });
    expect(answerChart({ timeframe: "1d" })).toBeNull();
    expect(answerChart({ symbol: "<script>" })).toBeNull();
    expect(answerChart({ symbol: "BTCUSD", timeframe: "7m" })?.timeframe).toBe("1h");
  });
  it("reads the ai module's items: lines at levels, a trend line, markers and zones", () => {
    const chart = answerChart({
      version: 1,
      symbol: "BTCUSD",
      timeframe: "1d",
      items: [
        { type: "hline", price: 60000, style: "support", label: "support 60000" },
        { type: "trendline", from: { time_ms: 0, price: 1 }, to: { time_ms: 10, price: 2 }, label: "trend, last 50 bars" },
        { type: "trendline", from: { time_ms: 10, price: 1 }, to: { time_ms: 5, price: 2 }, label: "backwards" },
        { type: "marker", time_ms: 7, direction: "bearish", label: "shooting_star" },
        { type: "zone", from_ms: 1, to_ms: 4, direction: "bullish", label: "double_bottom" },
        { type: "other" },
      ],
    });
    expect(chart?.levels).toEqual([{ price: 60000, kind: "support", label: "support 60000" }]);
    expect(chart?.trendlines).toHaveLength(1);
    expect(chart?.markers.map((m) => [m.time_ms, m.text])).toEqual([
      [4, "double bottom"],
      [7, "shooting star"],
    ]);
  });
  it("snaps marker times to bars", () => {
    expect(snapToBars([0, 10, 20], 15)).toBe(10);
    expect(snapToBars([0, 10, 20], -1)).toBeNull();
  });
});
