// The backtest preview: the candles of the chosen timeframe with an arrow on each bar
// where the rule would have fired, a summary, and the list of fires.
import type { AppContext } from "../../app/context";
import { formatTime, h } from "../../ui/dom";
import { backtestSummary, fireBarTimes } from "../../alerts/backtest";
import type { AlertBody, BacktestResult } from "../../alerts/types";
import type { CandlePage } from "../../market/types";
import type { PriceChart } from "../markets/priceChart";

const BARS = 500;

export interface BacktestView {
  node: HTMLElement;
  run(body: AlertBody): Promise<void>;
}

export function backtestView(ctx: AppContext): BacktestView {
  const zone = ctx.session.me?.timezone;
  const summary = h("p", { class: "backtest-summary", "aria-live": "polite" });
  const holder = h("div", { class: "chart-holder backtest-chart", role: "img" });
  const list = h("ol", { class: "fire-history backtest-fires" });
  const node = h("section", { class: "card backtest-card", "aria-labelledby": "backtest-title", hidden: true }, h("h2", { id: "backtest-title" }, "Backtest preview"), summary, holder, h("details", {}, h("summary", {}, "Fires"), list));
  let chart: PriceChart | null = null;
  ctx.signal.addEventListener("abort", () => chart?.destroy());

  return {
    node,
    async run(b) {
      const timeframe = b.timeframe;
      const [result, candles, { PriceChart }] = await Promise.all([
        ctx.api.request<BacktestResult>("/api/v1/alerts/backtest", { method: "POST", body: { symbol: b.symbol, expression: b.expression, timeframe, evaluate_on: b.evaluate_on, frequency: b.frequency === "once" ? "every_time" : b.frequency, cooldown_ms: b.cooldown_ms ?? 0, limit: BARS }, signal: ctx.signal }),
        ctx.api.get<CandlePage>(`/api/v1/instruments/${encodeURIComponent(b.symbol)}/candles?timeframe=${timeframe}&limit=${BARS}`, ctx.signal),
        import("../markets/priceChart"),
      ]);
      if (ctx.signal.aborted) return;
      node.hidden = false;
      node.dataset.fires = String(result.items.length);
      summary.textContent = `${result.symbol} · ${result.expression}: ${backtestSummary(result.items.length, result.bars, result.timeframe)}`;
      holder.setAttribute("aria-label", `${result.symbol} ${timeframe} candles with ${result.items.length} backtest fires marked`);
      chart ??= new PriceChart(holder);
      chart.setCandles(candles.items);
      chart.setFireMarkers(
        fireBarTimes(
          candles.items.map((c) => c.time_ms),
          result.items,
        ),
      );
      list.replaceChildren(...result.items.slice(-200).reverse().map((f) => h("li", {}, h("time", { datetime: new Date(f.time_ms).toISOString() }, formatTime(f.time_ms, zone)), ` · ${f.price}`)));
      if (result.items.length === 0) list.replaceChildren(h("li", { class: "muted" }, "No fires."));
      node.scrollIntoView({ block: "nearest" });
    },
  };
}
