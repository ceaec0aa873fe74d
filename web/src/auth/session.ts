// Who is signed in. Restores a session from the stored refresh token at start,
// signs in and out, and keeps the signed-in user's profile (`GET /api/v1/me`).
import type { ApiClient } from "../api/client";
import { ApiError, errorMessage } from "../api/problem";
import type { Me } from "../api/types";
import { Observable } from "../ui/observable";

export type SessionState = { status: "loading"; message?: string } | { status: "signed-out"; reason?: string } | { status: "signed-in"; me: Me };

export class Session {
  readonly state = new Observable<SessionState>({ status: "loading" });

  constructor(readonly api: ApiClient) {
    api.onSignedOut(() => this.ended("Your session has ended. Please sign in again."));
  }

  get me(): Me | null {
    const s = this.state.value;
    return s.status === "signed-in" ? s.me : null;
  }

  /**
   * Picks up the session this tab had (a reload). While the server cannot be reached
   * or answers 5xx, it keeps the stored token and tries again, saying so.
   */
  async restore(wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (!this.api.tokens.refreshToken) {
        this.state.set({ status: "signed-out" });
        return;
      }
      try {
        await this.loadMe();
        return;
      } catch (err) {
        if (this.state.value.status !== "loading") return;
        const transient = !(err instanceof ApiError) || err.status >= 500 || err.status === 429;
        if (!transient) {
          this.ended("Your session has ended. Please sign in again.");
          return;
        }
        const delay = Math.min(15_000, 1000 * 2 ** attempt);
        this.state.set({ status: "loading", message: `${errorMessage(err)} Trying again in ${Math.round(delay / 1000)} s…` });
        await wait(delay);
      }
    }
  }

  async signIn(username: string, password: string, totp?: string): Promise<void> {
    await this.api.login(username, password, totp);
    await this.loadMe();
  }

  async register(username: string, email: string, password: string): Promise<void> {
    await this.api.request("/api/v1/auth/register", { method: "POST", body: { username, email, password }, auth: false });
    await this.signIn(username, password);
  }

  async loadMe(): Promise<Me> {
    const me = await this.api.get<Me>("/api/v1/me");
    this.state.set({ status: "signed-in", me });
    return me;
  }

  setMe(me: Me): void {
    this.state.set({ status: "signed-in", me });
  }

  async signOut(): Promise<void> {
    try {
      await this.api.logout();
    } catch {
      // the session may already be gone on the server; the tokens are cleared anyway
    }
    this.state.set({ status: "signed-out" });
  }

  /** The server ended the session (revoked elsewhere, refresh refused). */
  ended(reason: string): void {
    this.api.tokens.clear();
    if (this.state.value.status !== "signed-out") this.state.set({ status: "signed-out", reason });
  }
}
