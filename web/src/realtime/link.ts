// The real-time link: one Centrifuge client on /connection/websocket, authenticated
// with the access token. Its state drives the connection badge; close code 3503
// (session revoked) signs the user out.
import { Centrifuge, type Subscription } from "centrifuge";
import type { ApiClient } from "../api/client";
import { Observable } from "../ui/observable";

export type LinkState = "idle" | "connecting" | "connected" | "reconnecting" | "offline";

export const SESSION_REVOKED = 3503;

export function websocketUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/connection/websocket`;
}

export class RealtimeLink {
  readonly state = new Observable<LinkState>("idle");
  /** Publications on the personal channel (user#<id>) since the link started. */
  readonly personalMessages = new Observable<number>(0);
  private client: Centrifuge | null = null;
  private readonly personalListeners = new Set<(data: unknown) => void>();
  private everConnected = false;
  private handedToken: string | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly onRevoked: () => void,
    private readonly url = websocketUrl(window.location),
  ) {
    // The SDK itself drops the socket when the browser goes offline and reconnects when
    // it comes back; these only keep the badge in step with the browser's view.
    window.addEventListener("online", () => this.sync());
    window.addEventListener("offline", () => this.sync());
  }

  /** The badge's state from the SDK's state and whether the browser has a network. */
  private sync(): void {
    const client = this.client;
    if (!client) return this.state.set("idle");
    if (client.state === "disconnected" || !navigator.onLine) return this.state.set("offline");
    if (client.state === "connected") return this.state.set("connected");
    this.state.set(this.everConnected ? "reconnecting" : "connecting");
  }

  start(): void {
    if (this.client) return;
    this.everConnected = false;
    this.handedToken = null;
    const client = new Centrifuge(this.url, { getToken: () => this.token(), minReconnectDelay: 500, maxReconnectDelay: 10_000 });
    client.on("connecting", () => this.sync());
    client.on("connected", () => {
      this.everConnected = true;
      this.sync();
    });
    client.on("disconnected", (ctx) => {
      this.sync();
      if (ctx.code === SESSION_REVOKED) this.onRevoked();
    });
    client.on("publication", (ctx) => {
      if (!ctx.channel.startsWith("user#")) return;
      this.personalMessages.set(this.personalMessages.value + 1);
      for (const l of [...this.personalListeners]) l(ctx.data);
    });
    this.client = client;
    client.connect();
    this.sync();
  }

  /** Calls `listener` with each publication's data on the personal channel (user#<id>). */
  onPersonal(listener: (data: unknown) => void): () => void {
    this.personalListeners.add(listener);
    return () => this.personalListeners.delete(listener);
  }

  /**
   * Subscribes to `channel` until `signal` aborts: `onData` gets each publication's
   * data; `onState` its state, and whether a resubscription missed publications.
   * Returns null when the link is not running (signed out).
   */
  subscribe(
    channel: string,
    signal: AbortSignal,
    onData: (data: unknown) => void,
    onState?: (state: "subscribing" | "subscribed" | "unsubscribed", error?: string, missed?: boolean) => void,
  ): Subscription | null {
    const client = this.client;
    if (!client || signal.aborted) return null;
    const existing = client.getSubscription(channel);
    if (existing) client.removeSubscription(existing);
    const sub = client.newSubscription(channel);
    sub.on("publication", (ctx) => onData(ctx.data));
    sub.on("subscribing", () => onState?.("subscribing"));
    // `missed`: a resubscription that could not recover what was published meanwhile.
    sub.on("subscribed", (ctx) => onState?.("subscribed", undefined, ctx.wasRecovering && !ctx.recovered));
    sub.on("unsubscribed", (ctx) => onState?.("unsubscribed", ctx.reason));
    sub.on("error", (ctx) => onState?.("subscribing", ctx.error.message));
    sub.subscribe();
    signal.addEventListener("abort", () => {
      sub.removeAllListeners();
      if (this.client === client) client.removeSubscription(sub);
    });
    return sub;
  }

  /** A remote procedure call on the link (e.g. chat's `typing`). */
  async rpc(method: string, data: unknown): Promise<unknown> {
    if (!this.client) throw new Error("not connected");
    return (await this.client.rpc(method, data)).data;
  }

  stop(): void {
    const client = this.client;
    this.client = null;
    client?.removeAllListeners();
    client?.disconnect();
    this.state.set("idle");
    this.personalMessages.set(0);
  }

  // The SDK asks for a token when it connects and when the server says the one it
  // has expired (error 109): then a token newer than the one it had is needed.
  private async token(): Promise<string> {
    const token = this.handedToken === null ? await this.api.validAccessToken() : await this.api.accessTokenNewerThan(this.handedToken);
    this.handedToken = token;
    return token;
  }
}
