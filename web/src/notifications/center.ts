// The signed-in user's notifications outside any one screen: the unread count for
// the badge in the navigation (fetched when the link connects, so pushes missed while
// offline are counted too; raised by each new push) and the live arrivals screens
// listen to (the inbox, the alerts list, the toast).
import type { ApiClient } from "../api/client";
import type { RealtimeLink } from "../realtime/link";
import { Observable } from "../ui/observable";
import { notificationFromEvent } from "./inbox";
import type { Notification } from "./types";

export class NotificationCenter {
  readonly unread = new Observable<number>(0);
  private readonly listeners = new Set<(n: Notification) => void>();
  /** Ids pushed since the start: a push may repeat (at-least-once), it counts once. */
  private readonly seen = new Set<string>();
  private stopLink: (() => void) | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly link: RealtimeLink,
  ) {}

  start(): void {
    if (this.stopLink) return;
    const offPersonal = this.link.onPersonal((data) => {
      const n = notificationFromEvent(data);
      if (!n || this.seen.has(n.id)) return;
      this.seen.add(n.id);
      if (!n.read) this.unread.set(this.unread.value + 1);
      for (const l of [...this.listeners]) l(n);
    });
    const offState = this.link.state.subscribe((state) => {
      if (state === "connected") this.refresh();
    });
    this.stopLink = () => (offPersonal(), offState());
    this.refresh();
  }

  stop(): void {
    this.stopLink?.();
    this.stopLink = null;
    this.seen.clear();
    this.unread.set(0);
  }

  /** Asks the server how many are unread (after a reconnect, or when the inbox changed them). */
  refresh(): void {
    this.api
      .get<{ unread_count: number }>("/api/v1/notifications/unread_count")
      .then((r) => {
        if (this.stopLink && typeof r.unread_count === "number") this.unread.set(r.unread_count);
      })
      .catch(() => undefined); // the badge keeps its count; the next connect asks again
  }

  /** Sets the count the server just reported (the inbox page carries it). */
  setUnread(count: number): void {
    this.unread.set(Math.max(0, count));
  }

  onArrival(listener: (n: Notification) => void, signal?: AbortSignal): () => void {
    this.listeners.add(listener);
    const off = () => this.listeners.delete(listener);
    signal?.addEventListener("abort", off);
    return off;
  }
}
