// The inbox's shapes (docs/alerts.md, "In-app and the inbox").
export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at_ms: number;
  read: boolean;
  read_at_ms: number | null;
}

export interface NotificationPage {
  items: Notification[];
  next_cursor: string | null;
  unread_count: number;
}

export interface Preferences {
  in_app: boolean;
  email: boolean;
  webhook: boolean;
  quiet_hours: { start: string; end: string } | null;
  time_zone: string;
  // Newer servers: a daily email digest of the day's notifications at a local time.
  digest?: boolean;
  digest_time?: string;
}
