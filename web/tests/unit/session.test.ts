import { describe, expect, it } from "vitest";
import { ApiClient, type FetchLike } from "../../src/api/client";
import { Session, type SessionState } from "../../src/auth/session";
import { TokenStore, memoryStorage } from "../../src/auth/tokenStore";

const me = { id: "u1", username: "ann", email: "a@x.io", role: "user", created_at_ms: 0, display_name: "", bio: "", timezone: "UTC", mfa_enabled: false, avatar_url: null };
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });

function sessionWith(fetchImpl: FetchLike, refreshToken: string | null) {
  const storage = memoryStorage();
  if (refreshToken) storage.setItem("tradechat.refresh_token", refreshToken);
  const session = new Session(new ApiClient(new TokenStore(storage), fetchImpl));
  const states: SessionState[] = [];
  session.state.subscribe((s) => states.push(s));
  return { session, states, storage };
}

describe("Session.restore", () => {
  it("is signed out at once without a stored refresh token", async () => {
    const { session } = sessionWith(async () => {
      throw new Error("no request expected");
    }, null);
    await session.restore();
    expect(session.state.value.status).toBe("signed-out");
  });

  it("keeps the token and retries while the server cannot be reached, then signs in", async () => {
    let up = false;
    const { session, states, storage } = sessionWith(async (url) => {
      if (!up) throw new TypeError("Failed to fetch");
      if (url === "/api/v1/auth/refresh") return ok({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
      return ok(me);
    }, "r0");
    const waits: number[] = [];
    await session.restore(async (ms) => {
      waits.push(ms);
      expect(storage.getItem("tradechat.refresh_token")).toBe("r0");
      if (waits.length === 3) up = true;
    });
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(states.filter((s) => s.status === "loading").every((s) => s.status === "loading" && /cannot be reached/.test(s.message ?? ""))).toBe(true);
    expect(session.me?.username).toBe("ann");
  });

  it("ends the session when the server refuses the stored token", async () => {
    const { session, storage } = sessionWith(
      async () => new Response(JSON.stringify({ status: 401, title: "Unauthorized", detail: "invalid refresh token" }), { status: 401 }),
      "r-stale",
    );
    await session.restore(async () => {
      throw new Error("no retry expected");
    });
    const state = session.state.value;
    expect(state.status).toBe("signed-out");
    expect(state.status === "signed-out" && state.reason).toMatch(/session has ended/);
    expect(storage.getItem("tradechat.refresh_token")).toBeNull();
  });
});
