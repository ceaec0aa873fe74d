// One watchlist row: symbol (a link to its chart), last price, change against the
// previous close coloured up/down, and a remove button. Updated in place per tick.
import { h } from "../../ui/dom";
import { formatChange, formatPrice, type WatchRow } from "../../market/watchlist";

export interface WatchRowView {
  node: HTMLTableRowElement;
  update(row: WatchRow): void;
  error(message: string): void;
}

export function watchRowView(symbol: string, name: string, tickSize: number, onRemove: () => void): WatchRowView {
  const last = h("td", { class: "num price", "data-field": "last" }, "—");
  const change = h("td", { class: "num change", "data-field": "change" }, "—");
  const spread = h("td", { class: "num spread muted small", "data-field": "bid-ask" }, "—");
  const remove = h("button", { type: "button", class: "ghost small", "aria-label": `Remove ${symbol} from the watchlist` }, "✕");
  remove.addEventListener("click", onRemove);
  const node = h(
    "tr",
    { "data-symbol": symbol },
    h("th", { scope: "row" }, h("a", { href: `#/chart?symbol=${encodeURIComponent(symbol)}` }, symbol), h("span", { class: "muted small row-name" }, name)),
    last,
    change,
    spread,
    h("td", { class: "row-actions" }, remove),
  );
  return {
    node,
    update(row) {
      last.textContent = formatPrice(row.last, tickSize);
      change.textContent = formatChange(row, tickSize);
      spread.textContent = row.bid === null || row.ask === null ? "—" : `${formatPrice(row.bid, tickSize)} / ${formatPrice(row.ask, tickSize)}`;
      node.dataset.direction = row.direction;
      last.dataset.tick = row.tick;
      if (row.timeMs !== null) node.title = `Simulated price at ${new Date(row.timeMs).toISOString()}`;
    },
    error(message) {
      change.textContent = message;
    },
  };
}
