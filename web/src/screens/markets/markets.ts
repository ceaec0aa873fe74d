// Markets: the watchlist with live prices from `market:<SYMBOL>` and symbol search.
import type { Screen } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { h } from "../../ui/dom";
import { errorWithRetry, loading } from "../../ui/status";
import type { Instrument, Quote } from "../../market/types";
import { applyTick, isTick, loadWatchlist, rowFromQuote, saveWatchlist, type WatchRow } from "../../market/watchlist";
import { symbolSearch } from "./symbolSearch";
import { watchRowView, type WatchRowView } from "./watchRowView";

export const marketsScreen: Screen = (ctx) => {
  let symbols = loadWatchlist();
  const instruments = new Map<string, Instrument>();
  const body = h("tbody");
  const listSlot = h("div", { class: "watchlist-slot" }, loading("Loading the watchlist…"));
  const views = new Map<string, { view: WatchRowView; row: WatchRow; leave: AbortController }>();

  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table watchlist", "aria-label": "Watchlist" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Symbol"), h("th", { scope: "col", class: "num" }, "Last"), h("th", { scope: "col", class: "num" }, "Change"), h("th", { scope: "col", class: "num spread" }, "Bid / Ask"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))),
      body,
    ),
  );

  const remove = (symbol: string) => {
    symbols = symbols.filter((s) => s !== symbol);
    saveWatchlist(symbols);
    const entry = views.get(symbol);
    entry?.leave.abort();
    entry?.view.node.remove();
    views.delete(symbol);
    if (symbols.length === 0) listSlot.replaceChildren(h("p", { class: "muted" }, "Your watchlist is empty: add symbols with the search."));
  };

  const addRow = (symbol: string) => {
    if (views.has(symbol)) return;
    const inst = instruments.get(symbol);
    const leave = new AbortController();
    ctx.signal.addEventListener("abort", () => leave.abort());
    const view = watchRowView(symbol, inst?.name ?? "", inst?.tick_size ?? 0.01, () => remove(symbol));
    const entry = { view, row: rowFromQuote(symbol, inst?.name ?? "", null), leave };
    views.set(symbol, entry);
    body.append(view.node);
    view.update(entry.row);
    const fetchQuote = () =>
      ctx.api
        .get<Quote>(`/api/v1/instruments/${encodeURIComponent(symbol)}/quote`, leave.signal)
        .then((quote) => {
          // A newer tick may have arrived first: keep its price, take the previous close.
          const newer = entry.row.last !== null && entry.row.timeMs !== null && entry.row.timeMs > quote.time_ms;
          entry.row = rowFromQuote(symbol, entry.row.name, newer ? { ...quote, last: entry.row.last ?? quote.last, time_ms: entry.row.timeMs ?? quote.time_ms } : quote);
          view.update(entry.row);
        })
        .catch((err: unknown) => {
          if (!leave.signal.aborted) view.error(errorMessage(err));
        });
    void fetchQuote();
    let subscribedOnce = false;
    ctx.link.subscribe(
      `market:${symbol}`,
      leave.signal,
      (data) => {
        if (!isTick(data)) return;
        entry.row = applyTick(entry.row, data);
        view.update(entry.row);
      },
      (state) => {
        view.node.dataset.live = state;
        // No recovery on market channels: after a reconnect, catch up with a snapshot.
        if (state === "subscribed" && subscribedOnce) void fetchQuote();
        if (state === "subscribed") subscribedOnce = true;
      },
    );
  };

  const add = (symbol: string) => {
    if (!symbols.includes(symbol)) {
      symbols = [...symbols, symbol];
      saveWatchlist(symbols);
    }
    if (!listSlot.contains(table)) listSlot.replaceChildren(table);
    addRow(symbol);
  };

  ctx.api
    .get<{ items: Instrument[] }>("/api/v1/instruments", ctx.signal)
    .then((page) => {
      for (const inst of page.items) instruments.set(inst.symbol, inst);
      symbols = symbols.filter((s) => instruments.has(s));
      if (symbols.length === 0) listSlot.replaceChildren(h("p", { class: "muted" }, "Your watchlist is empty: add symbols with the search."));
      else listSlot.replaceChildren(table);
      for (const s of symbols) addRow(s);
    })
    .catch((err: unknown) => {
      if (!ctx.signal.aborted) listSlot.replaceChildren(errorWithRetry(errorMessage(err), () => ctx.navigate("/markets")));
    });

  return h(
    "section",
    { class: "page markets-page" },
    h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, "Markets"), h("span", { class: "pill sim-pill", title: "Prices come from the built-in market simulator, not a real exchange" }, "Simulated prices")),
    h("div", { class: "markets-grid" }, h("div", { class: "card" }, h("h2", {}, "Watchlist"), listSlot), h("div", { class: "card" }, symbolSearch(ctx, add))),
  );
};
