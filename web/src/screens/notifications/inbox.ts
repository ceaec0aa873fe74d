// The notification inbox: newest first, unread ones marked, "Mark read" per entry
// and "Mark all read", "Unread only", older pages by cursor, and live arrivals
// from the personal channel put on top as they come.
import type { Screen } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { formatTime, h, uid } from "../../ui/dom";
import { MessageSlot, errorWithRetry, loading } from "../../ui/status";
import { markAllRead, markRead, mergeNotifications } from "../../notifications/inbox";
import type { Notification, NotificationPage } from "../../notifications/types";

const PAGE = 30;

function describe(n: Notification): string | null {
  if (n.kind !== "alert") return null;
  const parts: string[] = [];
  if (typeof n.data.symbol === "string") parts.push(n.data.symbol);
  if (typeof n.data.price === "number") parts.push(`at ${n.data.price}`);
  if (typeof n.data.expression === "string") parts.push(`· ${n.data.expression}`);
  return parts.length ? parts.join(" ") : null;
}

export const inboxScreen: Screen = (ctx) => {
  const zone = ctx.session.me?.timezone;
  const messages = new MessageSlot();
  const list = h("ul", { class: "rows inbox", "aria-label": "Notifications" });
  const status = h("div", {}, loading("Loading your notifications…"));
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load older notifications");
  const allRead = h("button", { type: "button", class: "secondary" }, "Mark all read");
  const unreadOnlyId = uid("unread-only");
  const unreadOnly = h("input", { type: "checkbox", id: unreadOnlyId });
  const summary = h("p", { class: "muted small", "aria-live": "polite" });
  let items: Notification[] = [];
  let cursor: string | null = null;

  const render = () => {
    const shown = unreadOnly.checked ? items.filter((n) => !n.read) : items;
    const unread = items.filter((n) => !n.read).length;
    summary.textContent = items.length ? `${unread} unread of ${items.length} shown` : "";
    allRead.disabled = ctx.notifications.unread.value === 0 && unread === 0;
    if (shown.length === 0) {
      list.replaceChildren(h("li", { class: "muted empty" }, unreadOnly.checked ? "Nothing unread." : "No notifications yet. Alerts you create notify you here."));
      return;
    }
    list.replaceChildren(
      ...shown.map((n) => {
        const detail = describe(n);
        const row = h(
          "li",
          { class: "inbox-item", "data-id": n.id, "data-read": String(n.read), "data-kind": n.kind },
          h(
            "div",
            { class: "row-main" },
            h("strong", {}, n.read ? null : h("span", { class: "visually-hidden" }, "Unread: "), n.title),
            n.body ? h("p", {}, n.body) : null,
            detail ? h("p", { class: "muted small" }, detail) : null,
            h("p", { class: "muted small" }, h("time", { datetime: new Date(n.created_at_ms).toISOString() }, formatTime(n.created_at_ms, zone)), n.kind === "alert" && typeof n.data.symbol === "string" ? " · " : null, n.kind === "alert" && typeof n.data.symbol === "string" ? h("a", { href: `#/chart?symbol=${encodeURIComponent(n.data.symbol)}` }, `${n.data.symbol} chart`) : null),
          ),
        );
        if (!n.read) {
          const b = h("button", { type: "button", class: "ghost small", "aria-label": `Mark “${n.title}” read` }, "Mark read");
          b.addEventListener("click", () => {
            b.disabled = true;
            ctx.api
              .request(`/api/v1/notifications/${encodeURIComponent(n.id)}/read`, { method: "POST", body: {} })
              .then(() => {
                items = markRead(items, n.id);
                ctx.notifications.setUnread(ctx.notifications.unread.value - 1);
                render();
              })
              .catch((err: unknown) => {
                b.disabled = false;
                messages.error(errorMessage(err));
              });
          });
          row.append(b);
        }
        return row;
      }),
    );
  };

  const load = (first: boolean) => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (!first && cursor) q.set("cursor", cursor);
    if (unreadOnly.checked) q.set("unread", "true");
    more.disabled = true;
    more.textContent = "Loading…";
    return ctx.api
      .get<NotificationPage>(`/api/v1/notifications?${q.toString()}`, ctx.signal)
      .then((page) => {
        items = first ? mergeNotifications([], page.items) : mergeNotifications(items, page.items);
        cursor = page.next_cursor;
        more.hidden = !cursor;
        ctx.notifications.setUnread(page.unread_count);
        status.replaceChildren();
        render();
      })
      .catch((err: unknown) => {
        if (ctx.signal.aborted) return;
        if (first) status.replaceChildren(errorWithRetry(errorMessage(err), () => void load(true)));
        else messages.error(errorMessage(err));
      })
      .finally(() => {
        more.disabled = false;
        more.textContent = "Load older notifications";
      });
  };

  more.addEventListener("click", () => void load(false));
  unreadOnly.addEventListener("change", () => {
    status.replaceChildren(loading("Loading your notifications…"));
    void load(true);
  });
  allRead.addEventListener("click", () => {
    allRead.disabled = true;
    allRead.textContent = "Marking…";
    ctx.api
      .request<{ updated: number }>("/api/v1/notifications/read_all", { method: "POST", body: {} })
      .then((r) => {
        items = markAllRead(items);
        ctx.notifications.setUnread(0);
        messages.success(r.updated === 1 ? "1 notification marked read." : `${r.updated} notifications marked read.`);
        render();
      })
      .catch((err: unknown) => messages.error(errorMessage(err)))
      .finally(() => {
        allRead.textContent = "Mark all read";
        render();
      });
  });

  ctx.notifications.onArrival((n) => {
    items = mergeNotifications(items, [n]);
    render();
  }, ctx.signal);
  void load(true);

  return h(
    "section",
    { class: "page" },
    h("div", { class: "page-head" }, h("h1", {}, "Inbox"), h("a", { href: "#/settings/notifications", class: "back-link" }, "Notification settings")),
    h(
      "div",
      { class: "card" },
      h("div", { class: "inbox-tools" }, allRead, h("label", { for: unreadOnlyId }, unreadOnly, "Unread only"), summary),
      messages.node,
      status,
      list,
      h("div", { class: "actions" }, more),
    ),
  );
};
