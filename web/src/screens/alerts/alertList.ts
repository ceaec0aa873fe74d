// The user's alerts: status, how often each fired, enable/disable (or re-arm a fired
// one), delete, and each alert's fire history (its notifications in the inbox).
import type { AppContext } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { formatTime, h } from "../../ui/dom";
import { MessageSlot, errorBox, errorWithRetry, loading } from "../../ui/status";
import { firesOf } from "../../notifications/inbox";
import type { Notification, NotificationPage } from "../../notifications/types";
import type { Alert } from "../../alerts/types";

const STATUS_LABEL: Record<Alert["status"], string> = { active: "Active", fired: "Fired", disabled: "Disabled", expired: "Expired" };
/** Inbox pages read for a history: the inbox keeps every fire, newest first. */
const HISTORY_PAGES = 5;

export interface AlertList {
  node: HTMLElement;
  reload(): void;
}

export function alertList(ctx: AppContext): AlertList {
  const zone = ctx.session.me?.timezone;
  const messages = new MessageSlot();
  const body = h("div", {}, loading("Loading your alerts…"));
  const openHistories = new Set<string>();
  let alerts: Alert[] = [];

  const history = async (alert: Alert, box: HTMLElement) => {
    box.replaceChildren(loading("Loading the fire history…"));
    let found: Notification[] = [];
    let cursor: string | null = null;
    try {
      for (let i = 0; i < HISTORY_PAGES; i += 1) {
        const q: string = cursor ? `limit=100&cursor=${encodeURIComponent(cursor)}` : "limit=100";
        const page: NotificationPage = await ctx.api.get<NotificationPage>(`/api/v1/notifications?${q}`, ctx.signal);
        found = found.concat(firesOf(page.items, alert.id));
        cursor = page.next_cursor;
        if (!cursor) break;
      }
    } catch (err) {
      if (!ctx.signal.aborted) box.replaceChildren(errorBox(errorMessage(err)));
      return;
    }
    if (found.length === 0) return box.replaceChildren(h("p", { class: "muted small" }, "It has not fired yet."));
    const ol = h("ol", { class: "fire-history", "aria-label": `Fires of ${alert.name || alert.expression}` });
    for (const n of found) {
      const price = typeof n.data.price === "number" ? n.data.price : null;
      const at = typeof n.data.time_ms === "number" ? n.data.time_ms : n.created_at_ms;
      ol.append(h("li", { "data-notification-id": n.id }, h("time", { datetime: new Date(at).toISOString() }, formatTime(at, zone)), price !== null ? ` · ${alert.symbol} at ${price}` : null));
    }
    box.replaceChildren(ol);
    if (cursor) box.append(h("p", { class: "muted small" }, "Older fires are further back in the inbox."));
  };

  const patch = (alert: Alert, enabled: boolean, button: HTMLButtonElement) => {
    button.disabled = true;
    button.textContent = enabled ? "Enabling…" : "Disabling…";
    ctx.api
      .request<Alert>(`/api/v1/alerts/${encodeURIComponent(alert.id)}`, { method: "PATCH", body: { enabled } })
      .then((updated) => {
        alerts = alerts.map((a) => (a.id === updated.id ? updated : a));
        render();
      })
      .catch((err: unknown) => {
        messages.error(errorMessage(err));
        render();
      });
  };

  const remove = (alert: Alert, button: HTMLButtonElement) => {
    if (!window.confirm(`Delete the alert “${alert.name || alert.expression}”?`)) return;
    button.disabled = true;
    button.textContent = "Deleting…";
    ctx.api
      .request(`/api/v1/alerts/${encodeURIComponent(alert.id)}`, { method: "DELETE" })
      .then(() => {
        alerts = alerts.filter((a) => a.id !== alert.id);
        messages.success("Alert deleted.");
        render();
      })
      .catch((err: unknown) => {
        messages.error(errorMessage(err));
        render();
      });
  };

  const row = (a: Alert) => {
    const title = a.name || a.expression;
    const fired = a.fire_count ? `Fired ${a.fire_count === 1 ? "once" : `${a.fire_count} times`}${a.last_fired_ms ? `, last ${formatTime(a.last_fired_ms, zone)}` : ""}` : "Not fired yet";
    const on = a.status === "active";
    const toggle = h("button", { type: "button", class: "secondary small", "aria-label": `${on ? "Disable" : a.status === "fired" ? "Re-arm" : "Enable"} ${title}` }, on ? "Disable" : a.status === "fired" ? "Re-arm" : "Enable");
    toggle.addEventListener("click", () => patch(a, !on, toggle));
    const del = h("button", { type: "button", class: "ghost small danger-text", "aria-label": `Delete ${title}` }, "Delete");
    del.addEventListener("click", () => remove(a, del));
    const historyBox = h("div", { class: "history-box", id: `history-${a.id}` });
    const showHistory = h("button", { type: "button", class: "ghost small", "aria-expanded": String(openHistories.has(a.id)), "aria-controls": historyBox.id }, "History");
    showHistory.addEventListener("click", () => {
      const open = !openHistories.has(a.id);
      if (open) openHistories.add(a.id);
      else openHistories.delete(a.id);
      showHistory.setAttribute("aria-expanded", String(open));
      if (open) void history(a, historyBox);
      else historyBox.replaceChildren();
    });
    if (openHistories.has(a.id)) void history(a, historyBox);
    const details = [`${a.evaluate_on === "close" ? `on ${a.timeframe} closes` : "on every trade"}`, a.frequency === "once" ? "once" : a.frequency === "once_per_bar" ? `once per ${a.timeframe} bar` : `every time (cooldown ${Math.round(a.cooldown_ms / 1000)}s)`, a.channels.map((c) => (c === "in_app" ? "in app" : c)).join(", ")];
    if (a.expires_at_ms) details.push(`expires ${formatTime(a.expires_at_ms, zone)}`);
    return h(
      "li",
      { class: "alert-row", "data-alert-id": a.id, "data-status": a.status, "data-fire-count": String(a.fire_count) },
      h(
        "div",
        { class: "row-main" },
        h("div", { class: "alert-title" }, h("a", { href: `#/chart?symbol=${encodeURIComponent(a.symbol)}`, class: "alert-symbol" }, a.symbol), h("strong", {}, a.name || null), h("span", { class: `pill status-pill ${a.status}` }, STATUS_LABEL[a.status])),
        h("p", {}, h("code", { class: "alert-expression" }, a.expression)),
        h("p", { class: "muted small" }, `${details.join(" · ")} · ${fired}`),
        historyBox,
      ),
      h("div", { class: "alert-actions" }, toggle, showHistory, del),
    );
  };

  const render = () => {
    if (alerts.length === 0) return body.replaceChildren(h("p", { class: "muted" }, "No alerts yet. Build one with the form."));
    body.replaceChildren(h("ul", { class: "rows alert-list", "aria-label": "Your alerts" }, ...alerts.map(row)));
  };

  const reload = () => {
    ctx.api
      .get<{ items: Alert[] }>("/api/v1/alerts", ctx.signal)
      .then((page) => {
        alerts = [...page.items].reverse(); // newest first
        render();
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) body.replaceChildren(errorWithRetry(errorMessage(err), reload));
      });
  };
  reload();
  // A fire changes the alert's count and status: read the list again when one is pushed.
  ctx.notifications.onArrival((n) => {
    if (n.kind === "alert") reload();
  }, ctx.signal);

  return { node: h("section", { class: "card alerts-card", "aria-labelledby": "alerts-list-title" }, h("h2", { id: "alerts-list-title" }, "Your alerts"), messages.node, body), reload };
}
