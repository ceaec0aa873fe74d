// What every screen gets: the API, the session, the real-time link, where it is,
// and a signal that aborts when the user leaves the screen.
import type { ApiClient } from "../api/client";
import type { Session } from "../auth/session";
import type { RealtimeLink } from "../realtime/link";
import type { NotificationCenter } from "../notifications/center";
import type { Location } from "../router/resolve";

export interface AppContext {
  api: ApiClient;
  session: Session;
  link: RealtimeLink;
  notifications: NotificationCenter;
  location: Location;
  signal: AbortSignal;
  navigate(path: string): void;
}

export type Screen = (ctx: AppContext) => HTMLElement;
