// The REST client: JSON in and out, problem+json errors as ApiError, the bearer
// token on every call, and token refresh that is serialised — one refresh in flight
// at a time, shared by every caller — because two concurrent refreshes of one
// refresh token make the server revoke the session (docs/security.md).
import { ApiError, problemFrom } from "./problem";
import type { TokenPair } from "./types";
import type { TokenStore } from "../auth/tokenStore";

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A raw body (e.g. an image) sent as is with this content type. */
  raw?: { data: Blob | ArrayBuffer; contentType: string };
  /** Send the access token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export class ApiClient {
  private refreshing: Promise<string> | null = null;
  private readonly signedOutListeners = new Set<() => void>();

  constructor(
    readonly tokens: TokenStore,
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    private readonly baseUrl = "",
  ) {}

  /** Called when the session ends on the server's say-so (refresh refused). */
  onSignedOut(listener: () => void): () => void {
    this.signedOutListeners.add(listener);
    return () => this.signedOutListeners.delete(listener);
  }

  get hasSession(): boolean {
    return this.tokens.refreshToken !== null || this.tokens.accessToken !== null;
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const auth = options.auth ?? true;
    let token = auth ? await this.validAccessToken() : null;
    let res = await this.send(path, options, token);
    if (res.status === 401 && auth && token !== null) {
      // The token may have been revoked or expired on the server's clock: refresh once.
      token = await this.accessTokenNewerThan(token);
      res = await this.send(path, options, token);
    }
    if (!res.ok) throw new ApiError(res.status, await problemFrom(res));
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { signal });
  }

  /** Signs in; throws ApiError with `mfaRequired` when a second factor is needed. */
  async login(username: string, password: string, totp?: string): Promise<void> {
    const body: Record<string, string> = { username, password };
    if (totp) body.totp = totp;
    const pair = await this.request<TokenPair>("/api/v1/auth/login", { method: "POST", body, auth: false });
    this.tokens.set(pair.access_token, pair.expires_in, pair.refresh_token);
  }

  async logout(): Promise<void> {
    try {
      if (this.tokens.accessToken || this.tokens.refreshToken) {
        await this.request<void>("/api/v1/auth/logout", { method: "POST", body: {} });
      }
    } finally {
      this.tokens.clear();
    }
  }

  /** An access token that is not about to expire, refreshing first when it is. */
  async validAccessToken(): Promise<string> {
    const current = this.tokens.accessToken;
    if (current !== null && !this.tokens.accessExpiring()) return current;
    return this.refresh();
  }

  /**
   * A token different from `used`: when another caller already refreshed since
   * `used` was handed out, that result is reused instead of refreshing again.
   */
  async accessTokenNewerThan(used: string): Promise<string> {
    const current = this.tokens.accessToken;
    if (current !== null && current !== used) return current;
    return this.refresh();
  }

  /** Spends the refresh token for a new pair; concurrent callers share one request. */
  refresh(): Promise<string> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<string> {
    const refreshToken = this.tokens.refreshToken;
    if (!refreshToken) {
      this.endSession();
      throw new ApiError(401, { title: "Not signed in", detail: "Your session has ended. Please sign in again." });
    }
    const res = await this.send("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: refreshToken } }, null);
    if (!res.ok) {
      const problem = await problemFrom(res);
      // 4xx: the token is spent, expired or revoked; 5xx or 429: keep it and let the caller retry.
      if (res.status >= 400 && res.status < 500 && res.status !== 429) this.endSession();
      throw new ApiError(res.status, problem);
    }
    const pair = (await res.json()) as TokenPair;
    this.tokens.set(pair.access_token, pair.expires_in, pair.refresh_token);
    return pair.access_token;
  }

  private endSession(): void {
    this.tokens.clear();
    for (const l of this.signedOutListeners) l();
  }

  private send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    let body: BodyInit | undefined;
    if (options.raw) {
      headers["Content-Type"] = options.raw.contentType;
      body = options.raw.data;
    } else if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    return this.fetchImpl(this.baseUrl + path, { method: options.method ?? "GET", headers, body, signal: options.signal });
  }
}
