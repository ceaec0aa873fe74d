// The real-time link: one Centrifuge client on /connection/websocket, authenticated
// with the access token. Its state drives the connection badge; close code 3503
// (session revoked) signs the user out.
import { Centrifuge } from "centrifuge";
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
  private everConnected = false;
  private handedToken: string | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly onRevoked: () => void,
    private readonly url = websocketUrl(window.location),
  ) {
    window.addEventListener("online", () => this.client?.connect());
    window.addEventListener("offline", () => {
      if (this.client) this.state.set("offline");
    });
  }

  start(): void {
    if (this.client) return;
    this.everConnected = false;
    this.handedToken = null;
    const client = new Centrifuge(this.url, { getToken: () => this.token(), minReconnectDelay: 500, maxReconnectDelay: 10_000 });
    client.on("connecting", () => this.state.set(this.everConnected ? "reconnecting" : "connecting"));
    client.on("connected", () => {
      this.everConnected = true;
      this.state.set("connected");
    });
    client.on("disconnected", (ctx) => {
      this.state.set("offline");
      if (ctx.code === SESSION_REVOKED) this.onRevoked();
    });
    client.on("publication", (ctx) => {
      if (ctx.channel.startsWith("user#")) this.personalMessages.set(this.personalMessages.value + 1);
    });
    this.client = client;
    this.state.set("connecting");
    client.connect();
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
