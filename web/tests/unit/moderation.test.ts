import { describe, expect, it } from "vitest";
import { directName, mayInvite, mayModerate, memberActions, mutedText, rememberDirect } from "../../src/chat/moderation";

describe("room moderation rights (docs/chat.md)", () => {
  it("a moderator acts on members only; the owner on anyone but self", () => {
    expect(memberActions("moderator", "member", false, false)).toEqual({ kick: true, ban: true, mute: true, changeRole: false });
    expect(memberActions("moderator", "moderator", false, false).kick).toBe(false);
    expect(memberActions("moderator", "owner", false, false).ban).toBe(false);
    expect(memberActions("owner", "moderator", false, false)).toEqual({ kick: true, ban: true, mute: true, changeRole: true });
    expect(memberActions("owner", "owner", true, false).kick).toBe(false);
    expect(memberActions("member", "member", false, false).kick).toBe(false);
  });
  it("site moderators act on anyone but the owner, never on roles", () => {
    expect(memberActions(null, "moderator", false, false, true)).toEqual({ kick: true, ban: true, mute: true, changeRole: false });
    expect(memberActions(null, "owner", false, false, true).kick).toBe(false);
  });
  it("direct rooms have no moderation or invitations", () => {
    expect(memberActions("owner", "member", false, true).kick).toBe(false);
    expect(mayInvite("member", "direct")).toBe(false);
  });
  it("invitations: anyone in a public room, moderators in a private one", () => {
    expect(mayInvite("member", "public")).toBe(true);
    expect(mayInvite("member", "private")).toBe(false);
    expect(mayInvite("moderator", "private")).toBe(true);
    expect(mayInvite(null, "public")).toBe(false);
    expect(mayModerate("member")).toBe(false);
    expect(mayModerate("member", true)).toBe(true);
  });
  it("mute text", () => {
    expect(mutedText(null)).toBeNull();
    expect(mutedText(1000, 2000)).toBeNull();
    expect(mutedText(2000 + 4 * 60_000, 2000)).toBe("muted for 4 more minutes");
    expect(mutedText(2000 + 3 * 3_600_000, 2000)).toBe("muted for about 3 more hours");
  });
  it("remembers whom a direct room is with", () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    expect(directName("r1", storage)).toBeNull();
    rememberDirect("r1", "bob", storage);
    expect(directName("r1", storage)).toBe("bob");
    data.set("tradechat.direct", "not json");
    expect(directName("r1", storage)).toBeNull();
  });
});
