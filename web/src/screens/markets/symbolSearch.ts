// Symbol search: matches by symbol or name as one types (the server's `q`), each
// result with a chart link and "Add to watchlist".
import type { AppContext } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { h, uid } from "../../ui/dom";
import { errorBox, loading } from "../../ui/status";
import type { Instrument } from "../../market/types";

export function symbolSearch(ctx: AppContext, onAdd: (symbol: string) => void): HTMLElement {
  const inputId = uid("symbol-search");
  const input = h("input", { id: inputId, type: "search", autocomplete: "off", placeholder: "AAPL, bitcoin, EUR…" });
  const results = h("div", { class: "search-results", "aria-live": "polite" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: AbortController | null = null;

  const run = (q: string) => {
    current?.abort();
    if (!q.trim()) return results.replaceChildren();
    const leave = new AbortController();
    current = leave;
    ctx.signal.addEventListener("abort", () => leave.abort());
    results.replaceChildren(loading("Searching…"));
    ctx.api
      .get<{ items: Instrument[] }>(`/api/v1/instruments?q=${encodeURIComponent(q.trim())}`, leave.signal)
      .then((page) => {
        if (page.items.length === 0) return results.replaceChildren(h("p", { class: "muted" }, `No instrument matches “${q.trim()}”.`));
        const ul = h("ul", { class: "rows", "aria-label": "Search results" });
        for (const inst of page.items.slice(0, 20)) {
          const add = h("button", { type: "button", class: "ghost small", "aria-label": `Add ${inst.symbol} to the watchlist` }, "Add");
          add.addEventListener("click", () => {
            onAdd(inst.symbol);
            add.disabled = true;
            add.textContent = "Added";
          });
          ul.append(
            h(
              "li",
              { class: "row" },
              h("div", { class: "row-main" }, h("a", { href: `#/chart?symbol=${encodeURIComponent(inst.symbol)}` }, inst.symbol), " ", h("span", { class: "muted small" }, `${inst.name} · ${inst.asset_class}`)),
              add,
            ),
          );
        }
        results.replaceChildren(ul);
      })
      .catch((err: unknown) => {
        if (!leave.signal.aborted) results.replaceChildren(errorBox(errorMessage(err)));
      });
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 200);
  });
  return h("div", { class: "symbol-search" }, h("h2", {}, h("label", { for: inputId }, "Find a symbol")), input, results);
}
