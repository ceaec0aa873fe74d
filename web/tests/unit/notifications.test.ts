import { describe, expect, it } from "vitest";
import { badgeText, firesOf, isClock, markAllRead, markRead, mergeNotifications, notificationFromEvent } from "../../src/notifications/inbox";
import type { Notification } from "../../src/notifications/types";

const n = (id: string, at: number, extra: Partial<Notification> = {}): Notification => ({ id, kind: "alert", title: `t${id}`, body: "", data: {}, created_at_ms: at, read: false, read_at_ms: null, ...extra });

describe("notification events", () => {
  it("reads a pushed notification and ignores anything else", () => {
    const pushed = notificationFromEvent({ type: "notification", notification: { id: "a", kind: "alert", title: "BTCUSD", body: "crossed", data: { alert_id: "x" }, created_at_ms: 5, read: false } });
    expect(pushed).toMatchObject({ id: "a", kind: "alert", title: "BTCUSD", data: { alert_id: "x" }, read: false, read_at_ms: null });
    expect(notificationFromEvent({ type: "mention", room_id: "r" })).toBeNull();
    expect(notificationFromEvent({ type: "notification", notification: { id: 5, title: "x", created_at_ms: 1 } })).toBeNull();
    expect(notificationFromEvent({ type: "notification" })).toBeNull();
    expect(notificationFromEvent("notification")).toBeNull();
  });
});

describe("the inbox list", () => {
  it("keeps the newest first and each id once (a push may repeat)", () => {
    let list = mergeNotifications([], [n("a", 1), n("b", 3)]);
    list = mergeNotifications(list, [n("c", 2), n("b", 3)]);
    expect(list.map((x) => x.id)).toEqual(["b", "c", "a"]);
  });
  it("a repeated push does not make a read entry unread again", () => {
    const list = mergeNotifications(markRead([n("a", 1)], "a", 10), [n("a", 1)]);
    expect(list[0]).toMatchObject({ read: true, read_at_ms: 10 });
  });
  it("marks one or all read", () => {
    const list = [n("a", 2), n("b", 1)];
    expect(markRead(list, "b", 7).map((x) => x.read)).toEqual([false, true]);
    expect(markAllRead(list, 7).every((x) => x.read && x.read_at_ms === 7)).toBe(true);
  });
  it("finds one alert's fires", () => {
    const list = [n("a", 3, { data: { alert_id: "x" } }), n("b", 2, { data: { alert_id: "y" } }), n("c", 1, { kind: "other", data: { alert_id: "x" } })];
    expect(firesOf(list, "x").map((f) => f.id)).toEqual(["a"]);
  });
  it("badge text and clock checks", () => {
    expect(badgeText(3)).toBe("3");
    expect(badgeText(120)).toBe("99+");
    expect(isClock("22:00")).toBe(true);
    expect(isClock("07:05")).toBe(true);
    expect(isClock("24:00")).toBe(false);
    expect(isClock("7:00")).toBe(false);
  });
});
