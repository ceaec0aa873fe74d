import { describe, expect, it, vi } from "vitest";
import { ApiClient, type FetchLike } from "../../src/api/client";
import { ApiError } from "../../src/api/problem";
import { TokenStore, memoryStorage } from "../../src/auth/tokenStore";

function json(status: number, body: unknown, contentType = "application/json"): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType } });
}

/** A fake server: each refresh hands out the next pair and spends the old refresh token. */
function fakeServer() {
  let generation = 0;
  const spent = new Set<string>();
  let live = "refresh-0";
  let release: (() => void) | null = null;
  const refreshCalls: string[] = [];
  const apiCalls: { path: string; auth: string | null }[] = [];
  const gate = { hold: false };
  const fetchImpl: FetchLike = async (url, init) => {
    const headers = init.headers as Record<string, string>;
    if (url === "/api/v1/auth/refresh") {
      const { refresh_token } = JSON.parse(String(init.body)) as { refresh_token: string };
      refreshCalls.push(refresh_token);
      if (gate.hold) await new Promise<void>((r) => (release = r));
      if (spent.has(refresh_token) || refresh_token !== live) {
        return json(401, { type: "about:blank", title: "Unauthorized", status: 401, detail: "refresh token reused: session revoked" }, "application/problem+json");
      }
      spent.add(refresh_token);
      generation += 1;
      live = `refresh-${generation}`;
      return json(200, { access_token: `access-${generation}`, refresh_token: live, expires_in: 900 });
    }
    apiCalls.push({ path: url, auth: headers.Authorization ?? null });
    return json(200, { ok: true, path: url });
  };
  return { fetchImpl, refreshCalls, apiCalls, gate, releaseRefresh: () => release?.() };
}

describe("ApiClient token refresh", () => {
  it("serialises concurrent refreshes into one request and shares its result", async () => {
    const server = fakeServer();
    const storage = memoryStorage();
    storage.setItem("tradechat.refresh_token", "refresh-0");
    const client = new ApiClient(new TokenStore(storage), server.fetchImpl);
    server.gate.hold = true;

    const calls = [client.get("/api/v1/me"), client.get("/api/v1/auth/sessions"), client.get("/api/v1/admin/users")];
    await vi.waitFor(() => expect(server.refreshCalls.length).toBe(1));
    server.releaseRefresh();
    const results = await Promise.all(calls);

    expect(server.refreshCalls).toEqual(["refresh-0"]);
    expect(results).toHaveLength(3);
    expect(server.apiCalls.map((c) => c.auth)).toEqual(["Bearer access-1", "Bearer access-1", "Bearer access-1"]);
    expect(storage.getItem("tradechat.refresh_token")).toBe("refresh-1");
  });

  it("does not refresh while the access token is fresh", async () => {
    const server = fakeServer();
    const tokens = new TokenStore(memoryStorage());
    tokens.set("access-0", 900, "refresh-0");
    const client = new ApiClient(tokens, server.fetchImpl);
    await client.get("/api/v1/me");
    expect(server.refreshCalls).toEqual([]);
    expect(server.apiCalls[0]?.auth).toBe("Bearer access-0");
  });

  it("refreshes when the access token is about to expire", async () => {
    const server = fakeServer();
    let now = 1_000_000;
    const tokens = new TokenStore(memoryStorage(), () => now);
    tokens.set("access-0", 900, "refresh-0");
    const client = new ApiClient(tokens, server.fetchImpl);
    now += 890_000; // 10 s left: inside the 30 s margin
    await client.get("/api/v1/me");
    expect(server.refreshCalls).toEqual(["refresh-0"]);
    expect(server.apiCalls[0]?.auth).toBe("Bearer access-1");
  });

  it("after a 401 reuses a token another caller already refreshed instead of spending again", async () => {
    const server = fakeServer();
    const tokens = new TokenStore(memoryStorage());
    tokens.set("access-0", 900, "refresh-0");
    const client = new ApiClient(tokens, server.fetchImpl);
    const first = await client.accessTokenNewerThan("access-0");
    const second = await client.accessTokenNewerThan("access-0");
    expect(first).toBe("access-1");
    expect(second).toBe("access-1");
    expect(server.refreshCalls).toEqual(["refresh-0"]);
  });

  it("retries a request once with a new token when the server answers 401", async () => {
    const tokens = new TokenStore(memoryStorage());
    tokens.set("revoked-access", 900, "refresh-0");
    const seen: (string | null)[] = [];
    const fetchImpl: FetchLike = async (url, init) => {
      const auth = (init.headers as Record<string, string>).Authorization ?? null;
      if (url === "/api/v1/auth/refresh") return json(200, { access_token: "access-1", refresh_token: "refresh-1", expires_in: 900 });
      seen.push(auth);
      return auth === "Bearer access-1" ? json(200, { id: "u1" }) : json(401, { status: 401, title: "Unauthorized", detail: "token revoked" });
    };
    const client = new ApiClient(tokens, fetchImpl);
    await expect(client.get<{ id: string }>("/api/v1/me")).resolves.toEqual({ id: "u1" });
    expect(seen).toEqual(["Bearer revoked-access", "Bearer access-1"]);
  });

  it("ends the session when the refresh token is refused", async () => {
    const storage = memoryStorage();
    const tokens = new TokenStore(storage);
    tokens.set("access-0", 0, "refresh-stale");
    const fetchImpl: FetchLike = async () => json(401, { status: 401, title: "Unauthorized", detail: "invalid refresh token" }, "application/problem+json");
    const client = new ApiClient(tokens, fetchImpl);
    const signedOut = vi.fn();
    client.onSignedOut(signedOut);
    await expect(client.get("/api/v1/me")).rejects.toThrow("invalid refresh token");
    expect(signedOut).toHaveBeenCalledTimes(1);
    expect(storage.getItem("tradechat.refresh_token")).toBeNull();
    expect(tokens.accessToken).toBeNull();
  });

  it("keeps the session when refreshing fails for a server error", async () => {
    const storage = memoryStorage();
    const tokens = new TokenStore(storage);
    tokens.set("access-0", 0, "refresh-0");
    const client = new ApiClient(tokens, async () => json(503, { status: 503, title: "Service Unavailable", detail: "database not ready" }));
    const signedOut = vi.fn();
    client.onSignedOut(signedOut);
    await expect(client.get("/api/v1/me")).rejects.toThrow("database not ready");
    expect(signedOut).not.toHaveBeenCalled();
    expect(storage.getItem("tradechat.refresh_token")).toBe("refresh-0");
  });
});

describe("ApiClient errors", () => {
  it("turns a problem+json answer into an ApiError carrying the detail", async () => {
    const client = new ApiClient(new TokenStore(memoryStorage()), async () =>
      json(422, { type: "https://tradechat.dev/problems/invalid", title: "Unprocessable", status: 422, detail: "field role is not allowed", request_id: "r1" }, "application/problem+json"),
    );
    const err = await client.request("/api/v1/me", { method: "PATCH", body: { role: "admin" }, auth: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as ApiError).message).toBe("field role is not allowed");
    expect((err as ApiError).problem.request_id).toBe("r1");
  });

  it("recognises the MFA step of sign-in", async () => {
    const tokens = new TokenStore(memoryStorage());
    const client = new ApiClient(tokens, async () => json(401, { type: "mfa-required", title: "Second factor required", status: 401, mfa_required: true }, "application/problem+json"));
    const err = await client.login("ann", "pw").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).mfaRequired).toBe(true);
    expect((err as ApiError).message).toBe("Second factor required");
    expect(tokens.accessToken).toBeNull();
  });

  it("sends totp only when given and stores the pair on success", async () => {
    const bodies: unknown[] = [];
    const storage = memoryStorage();
    const tokens = new TokenStore(storage);
    const client = new ApiClient(tokens, async (_url, init) => {
      bodies.push(JSON.parse(String(init.body)));
      return json(200, { access_token: "a", refresh_token: "r", expires_in: 900 });
    });
    await client.login("ann", "pw");
    await client.login("ann", "pw", "123456");
    expect(bodies).toEqual([{ username: "ann", password: "pw" }, { username: "ann", password: "pw", totp: "123456" }]);
    expect(tokens.accessToken).toBe("a");
    expect(storage.getItem("tradechat.refresh_token")).toBe("r");
  });

  it("describes a non-JSON failure by its status", async () => {
    const client = new ApiClient(new TokenStore(memoryStorage()), async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    await expect(client.request("/x", { auth: false })).rejects.toThrow("Bad Gateway");
  });

  it("returns undefined for 204 No Content", async () => {
    const client = new ApiClient(new TokenStore(memoryStorage()), async () => new Response(null, { status: 204 }));
    await expect(client.request("/x", { method: "DELETE", auth: false })).resolves.toBeUndefined();
  });
});
