// Where the client keeps its tokens. The access token (15 minutes) lives only in
// memory. The refresh token is kept in sessionStorage so a reload of the tab stays
// signed in; it is per tab, so two tabs never spend one refresh token at once (which
// the server treats as theft and answers by ending the session). The risk: script
// running in this origin (an XSS bug) could read it; the CSP and the rule that no
// server text is ever inserted as HTML are the defence. See docs/web.md.

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const REFRESH_KEY = "tradechat.refresh_token";

export class TokenStore {
  private access: { token: string; expiresAtMs: number } | null = null;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => number = Date.now,
  ) {}

  get accessToken(): string | null {
    return this.access?.token ?? null;
  }

  /** True when there is no access token or it expires within `marginMs`. */
  accessExpiring(marginMs = 30_000): boolean {
    return this.access === null || this.access.expiresAtMs - marginMs <= this.now();
  }

  get refreshToken(): string | null {
    try {
      return this.storage.getItem(REFRESH_KEY);
    } catch {
      return null;
    }
  }

  set(accessToken: string, expiresInSeconds: number, refreshToken: string): void {
    this.access = { token: accessToken, expiresAtMs: this.now() + expiresInSeconds * 1000 };
    try {
      this.storage.setItem(REFRESH_KEY, refreshToken);
    } catch {
      // storage full or blocked: the session lasts as long as the page
    }
  }

  clear(): void {
    this.access = null;
    try {
      this.storage.removeItem(REFRESH_KEY);
    } catch {
      // nothing stored
    }
  }
}

/** A storage that forgets everything (for when the browser blocks sessionStorage). */
export function memoryStorage(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}
