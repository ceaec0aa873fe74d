// The alerts screen: `#/alerts` (`?symbol=` preselects the builder's symbol). The
// builder with its expression, the backtest preview, and the list of alerts.
import type { Screen } from "../../app/context";
import { h } from "../../ui/dom";
import { alertForm } from "./alertForm";
import { alertList } from "./alertList";
import { backtestView } from "./backtestView";

export const alertsScreen: Screen = (ctx) => {
  const symbol = (ctx.location.query.get("symbol") ?? "BTCUSD").toUpperCase();
  const list = alertList(ctx);
  const preview = backtestView(ctx);
  const form = alertForm(ctx, { symbol, onCreated: () => list.reload(), onPreview: (body) => preview.run(body) });
  return h(
    "section",
    { class: "page alerts-page" },
    h("div", { class: "page-head" }, h("h1", {}, "Alerts"), h("span", { class: "pill sim-pill", title: "Prices come from the built-in market simulator, not a real exchange" }, "Simulated prices"), h("a", { href: "#/notifications", class: "back-link" }, "Inbox")),
    h("div", { class: "alerts-grid" }, h("section", { class: "card", "aria-labelledby": "alert-builder-title" }, h("h2", { id: "alert-builder-title" }, "New alert"), form), h("div", { class: "alerts-side" }, list.node)),
    preview.node,
  );
};
