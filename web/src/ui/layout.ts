// The page frame: a skip link, the top bar (brand, main navigation, connection
// state, theme switch, account) and the main landmark the screens render into.
import type { Me } from "../api/types";
import type { RealtimeLink } from "../realtime/link";
import type { NotificationCenter } from "../notifications/center";
import { badgeText } from "../notifications/inbox";
import { serverHas } from "../api/capabilities";
import { connectionBadge } from "./connectionBadge";
import { h } from "./dom";
import { toggleTheme } from "./theme";

export interface NavEntry {
  href: string;
  label: string;
  /** The path prefix that marks this entry as the current section. */
  section: string;
  /** Other path prefixes that belong to the section (the chart belongs to Markets). */
  also?: string[];
  /** Shows the unread notification count next to the label. */
  badge?: "unread";
  /** A route the server must offer for the section to show (its module is optional). */
  requires?: string;
}

export function navEntries(me: Me | null): NavEntry[] {
  if (!me) return [];
  const entries: NavEntry[] = [
    { href: "#/", label: "Home", section: "/" },
    { href: "#/markets", label: "Markets", section: "/markets", also: ["/chart"] },
    { href: "#/chat", label: "Chat", section: "/chat" },
    { href: "#/assistant", label: "Assistant", section: "/assistant", requires: "/api/v1/ai/modes" },
    { href: "#/alerts", label: "Alerts", section: "/alerts" },
    { href: "#/notifications", label: "Inbox", section: "/notifications", badge: "unread" },
    { href: "#/settings/profile", label: "Settings", section: "/settings" },
  ];
  if (me.role === "admin") entries.push({ href: "#/admin/users", label: "Admin", section: "/admin" });
  return entries;
}

export function isCurrentSection(entry: NavEntry, path: string): boolean {
  if (entry.section === "/") return path === "/";
  return [entry.section, ...(entry.also ?? [])].some((s) => path === s || path.startsWith(`${s}/`));
}

function themeButton(): HTMLButtonElement {
  const button = h("button", { type: "button", class: "ghost theme-toggle" });
  const label = () => {
    const light = document.documentElement.dataset.theme === "light";
    button.textContent = light ? "☾" : "☀";
    button.title = light ? "Dark theme" : "Light theme";
    button.setAttribute("aria-label", light ? "Switch to the dark theme" : "Switch to the light theme");
  };
  label();
  button.addEventListener("click", () => {
    toggleTheme();
    label();
  });
  return button;
}

export interface LayoutOptions {
  me: Me | null;
  path: string;
  link: RealtimeLink;
  notifications?: NotificationCenter;
  signal: AbortSignal;
  onSignOut: () => void;
}

/** The unread count beside the Inbox entry; the link's name says it for screen readers. */
function unreadBadge(link: HTMLAnchorElement, center: NotificationCenter, signal: AbortSignal): void {
  // Read as "Inbox, 3 unread": the hidden words frame the visible count.
  const before = h("span", { class: "visually-hidden" });
  const badge = h("span", { class: "unread nav-unread" });
  const after = h("span", { class: "visually-hidden" });
  link.append(before, badge, after);
  const show = (n: number) => {
    // Empty at zero, so the link's text is just its label.
    before.textContent = n ? ", " : "";
    badge.textContent = n ? badgeText(n) : "";
    after.textContent = n ? " unread" : "";
    for (const el of [before, badge, after]) el.hidden = n === 0;
    link.dataset.unread = String(n);
  };
  show(center.unread.value);
  const off = center.unread.subscribe(show);
  signal.addEventListener("abort", off);
}

/** A notification pushed while the user is elsewhere in the app, shown for a few seconds. */
function toasts(center: NotificationCenter, signal: AbortSignal, path: string): HTMLElement {
  const region = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
  center.onArrival((n) => {
    if (path === "/notifications") return; // the inbox shows it itself
    const close = h("button", { type: "button", class: "ghost small", "aria-label": "Dismiss" }, "✕");
    const toast = h("div", { class: "toast", "data-notification-id": n.id }, h("div", { class: "toast-main" }, h("strong", {}, n.title), n.body ? h("p", { class: "small" }, n.body) : null, h("a", { href: "#/notifications", class: "small" }, "Open the inbox")), close);
    const timer = setTimeout(() => toast.remove(), 10_000);
    close.addEventListener("click", () => (clearTimeout(timer), toast.remove()));
    signal.addEventListener("abort", () => clearTimeout(timer));
    region.append(toast);
    while (region.childElementCount > 3) region.firstElementChild?.remove();
  }, signal);
  return region;
}

export function layout(options: LayoutOptions, content: HTMLElement): HTMLElement {
  const { me, path } = options;
  const nav = h("nav", { class: "main-nav", "aria-label": "Main" });
  const list = h("ul");
  for (const entry of navEntries(me)) {
    const a = h("a", { href: entry.href }, entry.label);
    if (isCurrentSection(entry, path)) a.setAttribute("aria-current", "page");
    if (entry.badge === "unread" && options.notifications) unreadBadge(a, options.notifications, options.signal);
    const li = h("li", {}, a);
    if (entry.requires) {
      li.hidden = true;
      void serverHas(entry.requires).then((yes) => (li.hidden = !yes));
    }
    list.append(li);
  }
  nav.append(list);

  const tools = h("div", { class: "top-tools" });
  if (me) {
    tools.append(connectionBadge(options.link, options.signal));
  }
  tools.append(themeButton());
  if (me) {
    const signOut = h("button", { type: "button", class: "ghost" }, "Sign out");
    signOut.addEventListener("click", options.onSignOut);
    tools.append(h("span", { class: "who", title: me.username }, me.display_name || me.username), signOut);
  }

  const main = h("main", { id: "main", tabindex: -1, class: me ? "app-main" : "app-main guest" }, content);
  // The hash holds the route, so the skip link moves focus itself instead of jumping to #main.
  const skip = h("a", { class: "skip-link", href: "#main" }, "Skip to content");
  skip.addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  return h(
    "div",
    { class: "shell" },
    skip,
    h("header", { class: "top-bar" }, h("a", { class: "brand", href: "#/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "▲"), "tradechat"), me ? nav : null, tools),
    main,
    me && options.notifications ? toasts(options.notifications, options.signal, path) : null,
  );
}

/** A section's own tabs (settings, admin). */
export function subNav(label: string, path: string, entries: { href: string; label: string; path: string }[]): HTMLElement {
  const list = h("ul");
  for (const e of entries) {
    const a = h("a", { href: e.href }, e.label);
    if (e.path === path) a.setAttribute("aria-current", "page");
    list.append(h("li", {}, a));
  }
  return h("nav", { class: "sub-nav", "aria-label": label }, list);
}
