// The inbox as the client keeps it: newest first, one entry per id (a push can repeat
// after a server crash: docs/alerts.md "Restart guarantees"), read state applied
// locally when the server confirms it. Pure; unit-tested.
import type { Notification } from "./types";

/** A `user#<id>` publication `{"type":"notification","notification":{…}}`, else null. */
export function notificationFromEvent(data: unknown): Notification | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.type !== "notification" || typeof d.notification !== "object" || d.notification === null) return null;
  const n = d.notification as Record<string, unknown>;
  if (typeof n.id !== "string" || typeof n.title !== "string" || typeof n.created_at_ms !== "number") return null;
  return {
    id: n.id,
    kind: typeof n.kind === "string" ? n.kind : "other",
    title: n.title,
    body: typeof n.body === "string" ? n.body : "",
    data: typeof n.data === "object" && n.data !== null ? (n.data as Record<string, unknown>) : {},
    created_at_ms: n.created_at_ms,
    read: n.read === true,
    read_at_ms: typeof n.read_at_ms === "number" ? n.read_at_ms : null,
  };
}

/** Adds or replaces notifications by id, newest first (ties by id, so the order is stable). */
export function mergeNotifications(list: readonly Notification[], incoming: readonly Notification[]): Notification[] {
  const byId = new Map(list.map((n) => [n.id, n]));
  for (const n of incoming) {
    const known = byId.get(n.id);
    // A repeated push of an entry already read here stays read.
    byId.set(n.id, known?.read && !n.read ? { ...n, read: true, read_at_ms: known.read_at_ms } : n);
  }
  return [...byId.values()].sort((a, b) => b.created_at_ms - a.created_at_ms || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export function markRead(list: readonly Notification[], id: string, at = Date.now()): Notification[] {
  return list.map((n) => (n.id === id && !n.read ? { ...n, read: true, read_at_ms: at } : n));
}

export function markAllRead(list: readonly Notification[], at = Date.now()): Notification[] {
  return list.map((n) => (n.read ? n : { ...n, read: true, read_at_ms: at }));
}

/** The fires of one alert among inbox entries (an alert's history), newest first. */
export function firesOf(list: readonly Notification[], alertId: string): Notification[] {
  return list.filter((n) => n.kind === "alert" && n.data.alert_id === alertId);
}

/** "3", or "99+" for a badge. */
export function badgeText(unread: number): string {
  return unread > 99 ? "99+" : String(unread);
}

/** Checks the quiet-hours clock form the server accepts ("HH:MM", 00:00–23:59). */
export function isClock(value: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}
