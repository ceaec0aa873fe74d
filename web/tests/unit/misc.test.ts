import { describe, expect, it } from "vitest";
import { auditQuery } from "../../src/screens/admin/auditFilters";
import { svgDataUrl } from "../../src/screens/settings/qrImage";
import { isCurrentSection, navEntries } from "../../src/ui/layout";
import { describeUserAgent } from "../../src/ui/userAgent";
import type { Me } from "../../src/api/types";

const me = (role: Me["role"]): Me => ({ id: "u1", username: "ann", email: "a@x.io", role, created_at_ms: 0, display_name: "", bio: "", timezone: "UTC", mfa_enabled: false, avatar_url: null });

describe("navigation entries", () => {
  it("lists only working sections, admin only for admins", () => {
    expect(navEntries(null)).toEqual([]);
    const all = ["Home", "Markets", "Chat", "Assistant", "Alerts", "Inbox", "Settings"];
    expect(navEntries(me("user")).map((e) => e.label)).toEqual(all);
    expect(navEntries(me("moderator")).map((e) => e.label)).toEqual(all);
    expect(navEntries(me("admin")).map((e) => e.label)).toEqual([...all, "Admin"]);
    expect(navEntries(me("user")).find((e) => e.label === "Inbox")?.badge).toBe("unread");
  });
  it("marks the current section", () => {
    const [home, markets] = navEntries(me("user"));
    const settings = navEntries(me("user")).find((e) => e.label === "Settings");
    expect(isCurrentSection(markets!, "/chart")).toBe(true);
    expect(isCurrentSection(markets!, "/markets")).toBe(true);
    expect(isCurrentSection(home!, "/chart")).toBe(false);
    expect(isCurrentSection(home!, "/")).toBe(true);
    expect(isCurrentSection(home!, "/settings/profile")).toBe(false);
    expect(isCurrentSection(settings!, "/settings/sessions")).toBe(true);
    expect(isCurrentSection(settings!, "/settingsx")).toBe(false);
  });
});

describe("audit filters", () => {
  it("sends only the filters that are set, trimmed, with times in ms", () => {
    const q = auditQuery({ action: " auth.login.failed ", actorId: "", targetId: "u2", from: "2026-01-02T03:04", to: "" }, "c1", 25);
    expect(q.get("action")).toBe("auth.login.failed");
    expect(q.has("actor_id")).toBe(false);
    expect(q.get("target_id")).toBe("u2");
    expect(q.get("from_ms")).toBe(String(new Date("2026-01-02T03:04").getTime()));
    expect(q.has("to_ms")).toBe(false);
    expect(q.get("cursor")).toBe("c1");
    expect(q.get("limit")).toBe("25");
  });
});

describe("QR code image", () => {
  it("encodes the SVG into a data: URL so no markup reaches the document", () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(url).not.toContain("<");
    expect(decodeURIComponent(url.slice(url.indexOf(",") + 1))).toContain("<svg");
  });
});

describe("device names", () => {
  it("names browser and system", () => {
    expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")).toBe("Chrome on Linux");
    expect(describeUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1")).toBe("Safari on iOS");
    expect(describeUserAgent("")).toBe("Unknown device");
  });
});

describe("real-time endpoint", () => {
  it("uses ws: for http pages and wss: for https pages, on the page's own host", async () => {
    const { websocketUrl } = await import("../../src/realtime/link");
    expect(websocketUrl({ protocol: "http:", host: "127.0.0.1:8080" })).toBe("ws://127.0.0.1:8080/connection/websocket");
    expect(websocketUrl({ protocol: "https:", host: "trade.example.com" })).toBe("wss://trade.example.com/connection/websocket");
  });
});
