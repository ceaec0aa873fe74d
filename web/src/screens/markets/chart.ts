// The chart screen: `#/chart?symbol=BTCUSD&tf=1h`. Candles and volume from REST, then
// the forming candle from `candles:<SYMBOL>:<tf>`; indicator overlays and panes from
// the indicator route; support/resistance and patterns from `/analysis`.
import type { Screen } from "../../app/context";
import { ApiError, errorMessage } from "../../api/problem";
import { h, uid } from "../../ui/dom";
import { errorBox, errorWithRetry, loading } from "../../ui/status";
import { isCandleUpdate, mergeCandle } from "../../market/candleMerge";
import { patternLabel } from "../../market/chartData";
import { INDICATORS, indicatorPath, type IndicatorChoice } from "../../market/indicators";
import { TIMEFRAMES, isTimeframe, type Analysis, type Candle, type CandlePage, type IndicatorItem, type Instrument, type Timeframe } from "../../market/types";
import { formatPrice } from "../../market/watchlist";
import type { PriceChart } from "./priceChart";

const LIMIT = 500;
const ACTIVE_KEY = "tradechat.chart.indicators";

function activeIndicators(): Set<string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(ACTIVE_KEY) ?? "null");
    if (Array.isArray(v)) return new Set(v.filter((x): x is string => typeof x === "string"));
  } catch {
    /* default below */
  }
  return new Set(["sma20", "bb20", "rsi14"]);
}

export const chartScreen: Screen = (ctx) => {
  const symbol = (ctx.location.query.get("symbol") ?? "BTCUSD").toUpperCase();
  const tfParam = ctx.location.query.get("tf");
  const timeframe: Timeframe = isTimeframe(tfParam) ? tfParam : "1h";
  const active = activeIndicators();
  const base = `/api/v1/instruments/${encodeURIComponent(symbol)}`;

  const title = h("h1", { tabindex: "-1" }, symbol);
  const name = h("span", { class: "muted" });
  const legend = h("p", { class: "chart-legend", "aria-live": "off" }, "—");
  const status = h("div", { class: "chart-status" }, loading(`Loading ${symbol} ${timeframe} candles…`));
  const holder = h("div", { class: "chart-holder", "aria-label": `${symbol} ${timeframe} candlestick chart; left and right arrows step through the bars`, "data-chart": `${symbol} ${timeframe}`, role: "group", tabindex: "0" });
  const analysisBox = h("div", { class: "analysis" }, loading("Analysing the chart…"));
  let tickSize = 0.01;

  const tfNav = h("div", { class: "segmented", role: "group", "aria-label": "Timeframe" });
  for (const tf of TIMEFRAMES) {
    const a = h("a", { href: `#/chart?symbol=${encodeURIComponent(symbol)}&tf=${tf}`, class: "seg" }, tf);
    if (tf === timeframe) a.setAttribute("aria-current", "true");
    tfNav.append(a);
  }

  // Another symbol, same timeframe.
  const symbolInputId = uid("chart-symbol");
  const symbolInput = h("input", { id: symbolInputId, class: "symbol-input", autocomplete: "off", spellcheck: "false", placeholder: "ETHUSD", maxlength: 16 });
  const symbolForm = h("form", { class: "symbol-form", "aria-label": "Open another symbol" }, h("label", { for: symbolInputId, class: "visually-hidden" }, "Symbol"), symbolInput, h("button", { type: "submit", class: "small" }, "Open"));
  symbolForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const next = symbolInput.value.trim().toUpperCase();
    if (next) ctx.navigate(`/chart?symbol=${encodeURIComponent(next)}&tf=${timeframe}`);
  });

  let chart: PriceChart | null = null;
  let candles: Candle[] = [];
  ctx.signal.addEventListener("abort", () => chart?.destroy());

  // The legend shows the bar under the pointer, else the last bar; its data attributes
  // always describe the last bar.
  let hovered: Candle | null = null;
  const describe = (c: Candle) =>
    `${new Date(c.time_ms).toISOString().slice(0, 16).replace("T", " ")} UTC  O ${formatPrice(c.open, tickSize)}  H ${formatPrice(c.high, tickSize)}  L ${formatPrice(c.low, tickSize)}  C ${formatPrice(c.close, tickSize)}  V ${Math.round(c.volume).toLocaleString("en-US")}`;
  const showLegend = (c: Candle | undefined) => {
    if (!c) return (legend.textContent = "No candles yet");
    legend.dataset.time = String(c.time_ms);
    legend.dataset.close = String(c.close);
    legend.textContent = hovered ? describe(hovered) : describe(c);
  };

  const paneIndexOf = (choice: IndicatorChoice) => {
    const panes = INDICATORS.filter((i) => i.placement === "pane" && active.has(i.id));
    return 1 + panes.findIndex((i) => i.id === choice.id);
  };

  const loadIndicator = (choice: IndicatorChoice) =>
    ctx.api
      .get<{ items: IndicatorItem[] }>(indicatorPath(symbol, timeframe, choice, LIMIT), ctx.signal)
      .then((page) => {
        if (active.has(choice.id)) chart?.setIndicator(choice, page.items, paneIndexOf(choice));
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) status.replaceChildren(errorBox(`${choice.label}: ${errorMessage(err)}`));
      });

  // Pane indexes depend on which pane indicators are on, so redraw them all together.
  const reloadIndicators = () => {
    for (const choice of INDICATORS) chart?.removeIndicator(choice.id);
    for (const choice of INDICATORS) if (active.has(choice.id)) void loadIndicator(choice);
  };

  const toggles = h("fieldset", { class: "indicator-toggles" }, h("legend", {}, "Indicators"));
  for (const choice of INDICATORS) {
    const box = h("input", { type: "checkbox", checked: active.has(choice.id) });
    box.addEventListener("change", () => {
      if (box.checked) active.add(choice.id);
      else active.delete(choice.id);
      localStorage.setItem(ACTIVE_KEY, JSON.stringify([...active]));
      reloadIndicators();
    });
    toggles.append(h("label", { class: "check" }, box, ` ${choice.label}`));
  }

  const showAnalysis = (a: Analysis) => {
    chart?.setAnalysis(a, candles);
    const levels = h("ul", { class: "levels" });
    for (const l of [...a.levels].sort((x, y) => y.price - x.price)) {
      levels.append(h("li", { "data-kind": l.kind }, h("span", { class: `level-kind ${l.kind}` }, l.kind === "support" ? "Support" : "Resistance"), ` ${formatPrice(l.price, tickSize)} · ${l.touches} touches`));
    }
    const patterns = h("ul", { class: "patterns" });
    for (const p of [...a.patterns, ...a.chart_patterns].slice(-8).reverse()) {
      patterns.append(h("li", { "data-direction": p.direction }, `${patternLabel(p.name)} (${p.direction}, ${Math.round(p.confidence * 100)}%) · ${new Date(p.end_time_ms).toISOString().slice(0, 16).replace("T", " ")}`));
    }
    analysisBox.replaceChildren(
      h("p", {}, `Trend: ${a.trend.direction} (strength ${a.trend.strength.toFixed(2)})`),
      h("h3", {}, "Support and resistance"),
      a.levels.length ? levels : h("p", { class: "muted" }, "No levels found."),
      h("h3", {}, "Patterns"),
      patterns.childElementCount ? patterns : h("p", { class: "muted" }, "No recent patterns."),
    );
  };

  const loadAnalysis = () =>
    ctx.api
      .get<Analysis>(`${base}/analysis?timeframe=${timeframe}`, ctx.signal)
      .then(showAnalysis)
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) analysisBox.replaceChildren(errorBox(errorMessage(err)));
      });

  let subscribedOnce = false;
  const reloadCandles = () =>
    ctx.api
      .get<CandlePage>(`${base}/candles?timeframe=${timeframe}&limit=${LIMIT}`, ctx.signal)
      .then((page) => {
        candles = page.items;
        chart?.setCandles(candles);
        showLegend(candles[candles.length - 1]);
        reloadIndicators();
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) status.replaceChildren(errorBox(errorMessage(err)));
      });

  const follow = () => {
    ctx.link.subscribe(
      `candles:${symbol}:${timeframe}`,
      ctx.signal,
      (data) => {
        if (!isCandleUpdate(data) || !chart) return;
        const merged = mergeCandle(candles, data, { symbol, timeframe });
        if (merged.kind === "ignored") return;
        candles = merged.candles;
        chart.updateCandle(merged.candle);
        showLegend(candles[candles.length - 1]);
        if (data.closed) {
          reloadIndicators();
          void loadAnalysis();
        }
      },
      (state, error) => {
        holder.dataset.live = state;
        if (error) status.replaceChildren(errorBox(`Live updates: ${error}`));
        else if (state === "subscribing" && subscribedOnce) status.replaceChildren(loading("Reconnecting live updates…"));
        else if (state === "subscribed") {
          status.replaceChildren();
          // Market channels have no recovery: after a reconnect, reload what was missed.
          if (subscribedOnce) void reloadCandles();
          subscribedOnce = true;
        }
      },
    );
  };

  // The chart library is loaded with the first chart, not with the app.
  Promise.all([ctx.api.get<Instrument>(base, ctx.signal), ctx.api.get<CandlePage>(`${base}/candles?timeframe=${timeframe}&limit=${LIMIT}`, ctx.signal), import("./priceChart")])
    .then(([inst, page, { PriceChart }]) => {
      if (ctx.signal.aborted) return;
      tickSize = inst.tick_size || 0.01;
      name.textContent = `${inst.name} · ${inst.exchange} · ${inst.currency}`;
      candles = page.items;
      status.replaceChildren();
      chart = new PriceChart(holder);
      chart.onHover((bar) => {
        hovered = bar;
        showLegend(candles[candles.length - 1]);
      });
      chart.setCandles(candles);
      // Keyboard: arrows step the legend (and crosshair) through the bars, Home/End jump, Escape leaves.
      let cursor = -1;
      holder.addEventListener("keydown", (e) => {
        if (!chart || candles.length === 0) return;
        const last = candles.length - 1;
        const at = cursor < 0 ? last : Math.min(cursor, last);
        const moves: Record<string, number> = { ArrowLeft: Math.max(0, at - 1), ArrowRight: Math.min(last, at + 1), Home: 0, End: last };
        if (e.key === "Escape") cursor = -1;
        else if (e.key in moves) cursor = moves[e.key];
        else return;
        e.preventDefault();
        hovered = cursor < 0 ? null : candles[cursor];
        chart.pointAt(hovered);
        showLegend(candles[last]);
      });
      holder.addEventListener("blur", () => {
        cursor = -1;
        hovered = null;
        chart?.pointAt(null);
        showLegend(candles[candles.length - 1]);
      });
      showLegend(candles[candles.length - 1]);
      reloadIndicators();
      void loadAnalysis();
      follow();
    })
    .catch((err: unknown) => {
      if (ctx.signal.aborted) return;
      const notFound = err instanceof ApiError && err.status === 404;
      status.replaceChildren(notFound ? errorBox(errorMessage(err)) : errorWithRetry(errorMessage(err), () => ctx.navigate(`/chart?symbol=${encodeURIComponent(symbol)}&tf=${timeframe}`)));
      analysisBox.replaceChildren();
    });

  return h(
    "section",
    { class: "page chart-page" },
    h("div", { class: "page-head" }, title, name, h("span", { class: "pill sim-pill", title: "Prices come from the built-in market simulator, not a real exchange" }, "Simulated prices"), h("a", { href: "#/markets", class: "back-link" }, "← Markets"), h("a", { href: `#/alerts?symbol=${encodeURIComponent(symbol)}` }, `Alert on ${symbol}`)),
    h("div", { class: "chart-tools" }, symbolForm, tfNav, toggles),
    legend,
    status,
    holder,
    h("div", { class: "card" }, h("h2", {}, "Analysis"), analysisBox),
  );
};
