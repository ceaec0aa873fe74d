import { describe, expect, it } from "vitest";
import { chartHref, linkify } from "../../src/chat/linkify";
import { newClientMsgId, newestSeq, oldestSeq, removeMessage, upsertMessages } from "../../src/chat/messageList";
import type { ShownMessage } from "../../src/chat/types";

const msg = (seq: number, extra: Partial<ShownMessage> = {}): ShownMessage => ({ id: `m${seq}`, room_id: "r", seq, author: "u1", text: `hello ${seq}`, created_at_ms: seq * 1000, ...extra });

describe("message list", () => {
  it("keeps seq order whatever order pages and publications arrive in", () => {
    let list = upsertMessages([], [msg(5), msg(6)]);
    list = upsertMessages(list, [msg(2), msg(3), msg(4)]); // an older page
    list = upsertMessages(list, [msg(8), msg(7)]);
    expect(list.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it("does not duplicate a message seen twice (history and a publication)", () => {
    const list = upsertMessages(upsertMessages([], [msg(1), msg(2)]), [msg(2, { reactions: { "👍": 1 } })]);
    expect(list.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(list[1].reactions).toEqual({ "👍": 1 });
  });

  it("replaces a pending message by the stored one with the same client_msg_id", () => {
    const pending: ShownMessage = { id: "", room_id: "r", seq: 0, author: "u1", text: "hi", client_msg_id: "c1", created_at_ms: 99_000, pending: true };
    let list = upsertMessages([msg(1)], [pending]);
    expect(list.map((m) => m.pending ?? false)).toEqual([false, true]);
    list = upsertMessages(list, [msg(2, { client_msg_id: "c1", text: "hi" })]);
    expect(list).toHaveLength(2);
    expect(list[1]).toMatchObject({ id: "m2", seq: 2, pending: false });
    // A late retry of the pending form never downgrades the stored message.
    list = upsertMessages(list, [pending]);
    expect(list).toHaveLength(2);
    expect(list[1].pending).toBe(false);
  });

  it("does not merge another author's message with the same client_msg_id", () => {
    const pending: ShownMessage = { id: "", room_id: "r", seq: 0, author: "u1", text: "hi", client_msg_id: "c1", created_at_ms: 1, pending: true };
    const list = upsertMessages([pending], [msg(3, { author: "u2", client_msg_id: "c1" })]);
    expect(list).toHaveLength(2);
  });

  it("sorts pending messages after stored ones, in the order sent", () => {
    const p = (c: string, t: number): ShownMessage => ({ id: "", room_id: "r", seq: 0, author: "u1", text: c, client_msg_id: c, created_at_ms: t, pending: true });
    const list = upsertMessages([], [p("b", 2), msg(9), p("a", 1)]);
    expect(list.map((m) => m.client_msg_id ?? m.id)).toEqual(["m9", "a", "b"]);
  });

  it("gives the paging cursor and the newest seq from stored messages only", () => {
    const list = upsertMessages([], [msg(4), msg(7), { ...msg(0), id: "", client_msg_id: "x", pending: true }]);
    expect(oldestSeq(list)).toBe(4);
    expect(newestSeq(list)).toBe(7);
    expect(oldestSeq([])).toBeNull();
  });

  it("keeps a deleted message in place without its text", () => {
    const list = removeMessage([msg(1), msg(2, { reactions: { "👍": 2 } })], "m2");
    expect(list[1]).toMatchObject({ id: "m2", deleted: true, text: "", reactions: {} });
  });

  it("makes client_msg_ids the server accepts, unique per call", () => {
    const a = newClientMsgId(1);
    const b = newClientMsgId(1);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });
});

describe("linkify", () => {
  it("links cashtags to the chart, upper-cased, with class suffixes", () => {
    expect(linkify("buy $aapl and $brk.b now")).toEqual([
      { kind: "text", text: "buy " },
      { kind: "cashtag", symbol: "AAPL", text: "$AAPL", href: "#/chart?symbol=AAPL" },
      { kind: "text", text: " and " },
      { kind: "cashtag", symbol: "BRK.B", text: "$BRK.B", href: "#/chart?symbol=BRK.B" },
      { kind: "text", text: " now" },
    ]);
    expect(chartHref("BRK.B")).toBe("#/chart?symbol=BRK.B");
  });

  it("does not take prices or currency prefixes for cashtags", () => {
    expect(linkify("costs $5 or US$10").every((s) => s.kind === "text")).toBe(true);
  });

  it("finds mentions but not e-mail addresses", () => {
    expect(linkify("@bob see ann@example.com")).toEqual([
      { kind: "mention", username: "bob", text: "@bob" },
      { kind: "text", text: " see ann@example.com" },
    ]);
    expect(linkify("@ab is too short").every((s) => s.kind === "text")).toBe(true);
  });

  it("renders the markdown subset as segments, and markup as plain text", () => {
    expect(linkify("**up** *soft* `x<y`\n<b>hi</b>")).toEqual([
      { kind: "bold", text: "up" },
      { kind: "text", text: " " },
      { kind: "italic", text: "soft" },
      { kind: "text", text: " " },
      { kind: "code", text: "x<y" },
      { kind: "break" },
      { kind: "text", text: "<b>hi</b>" },
    ]);
  });

  it("leaves a cashtag inside code alone", () => {
    expect(linkify("`$AAPL`")).toEqual([{ kind: "code", text: "$AAPL" }]);
  });
});

describe("room channel events", () => {
  const record = () => {
    const seen: string[] = [];
    const on = {
      message: (m: { id: string }) => seen.push(`message ${m.id}`),
      edited: (m: { id: string }) => seen.push(`edited ${m.id}`),
      deleted: (id: string) => seen.push(`deleted ${id}`),
      reactions: (id: string, r: Record<string, number>) => seen.push(`reactions ${id} ${JSON.stringify(r)}`),
      typing: (u: string) => seen.push(`typing ${u}`),
      pinned: (id: string, p: boolean) => seen.push(`pinned ${id} ${p}`),
    };
    return { seen, on };
  };

  it("dispatches each kind and ignores malformed or unknown data", async () => {
    const { roomEvents } = await import("../../src/screens/chat/roomEvents");
    const { seen, on } = record();
    roomEvents({ type: "message", id: "m1", seq: 1, text: "hi" }, on);
    roomEvents({ type: "message.edited", message: { id: "m1" } }, on);
    roomEvents({ type: "message.deleted", id: "m1", seq: 1, by: "u" }, on);
    roomEvents({ type: "message.reactions", message_id: "m1", reactions: { "👍": 2 } }, on);
    roomEvents({ type: "typing", user_id: "u2" }, on);
    roomEvents({ type: "message.pinned", id: "m1", pinned: true }, on);
    roomEvents({ type: "message.pinned", id: "m1" }, on); // no state
    roomEvents({ type: "message", id: "m2" }, on); // no seq or text
    roomEvents({ type: "read", user_id: "u2", seq: 1 }, on);
    roomEvents("not an object", on);
    roomEvents(null, on);
    expect(seen).toEqual(["message m1", "edited m1", "deleted m1", 'reactions m1 {"👍":2}', "typing u2", "pinned m1 true"]);
  });
});
