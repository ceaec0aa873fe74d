// The chart itself: candles and volume on the price pane, indicator lines, price
// lines for support/resistance, pattern markers, and indicator panes below.
// Wraps lightweight-charts so the screen deals only in market data.
import { CandlestickSeries, ColorType, HistogramSeries, LineSeries, LineStyle, createChart, createSeriesMarkers, type IChartApi, type IPriceLine, type ISeriesApi, type ISeriesMarkersPluginApi, type Time, type UTCTimestamp } from "lightweight-charts";
import { patternMarkers, toBar, toLine, toVolume } from "../../market/chartData";
import type { Analysis, Candle, IndicatorItem } from "../../market/types";
import type { IndicatorChoice } from "../../market/indicators";

const LINE_COLOURS = ["#f59e0b", "#a855f7", "#06b6d4", "#ec4899"];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const t = (s: number) => s as UTCTimestamp;
/** More pattern labels than this overlap into noise; the newest are kept. */
const MAX_MARKERS = 10;

export class PriceChart {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<"Candlestick">;
  private readonly volume: ISeriesApi<"Histogram">;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private readonly lines = new Map<string, ISeriesApi<"Line">[]>();
  private priceLines: IPriceLine[] = [];
  private readonly up = cssVar("--up", "#22c55e");
  private readonly down = cssVar("--down", "#ef4444");
  /** Follows the theme switch: the chart draws on canvas, so CSS alone cannot recolour it. */
  private readonly themeWatch = new MutationObserver(() => this.applyTheme());

  constructor(readonly container: HTMLElement) {
    this.chart = createChart(container, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, attributionLogo: true },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    this.applyTheme();
    this.themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    this.candles = this.chart.addSeries(CandlestickSeries, { upColor: this.up, downColor: this.down, borderVisible: false, wickUpColor: this.up, wickDownColor: this.down });
    this.volume = this.chart.addSeries(HistogramSeries, { priceScaleId: "volume", priceFormat: { type: "volume" }, lastValueVisible: false, priceLineVisible: false });
    this.chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
    this.markers = createSeriesMarkers(this.candles, []);
  }

  private applyTheme(): void {
    const fg = cssVar("--muted", "#8d97a6");
    const grid = cssVar("--border", "#263040");
    this.chart.applyOptions({ layout: { textColor: fg }, grid: { vertLines: { color: grid }, horzLines: { color: grid } }, rightPriceScale: { borderColor: grid } });
  }

  /** Calls `listener` with the bar under the crosshair, or null when it leaves the bars. */
  onHover(listener: (bar: Candle | null) => void): void {
    this.chart.subscribeCrosshairMove((param) => {
      const bar = param.seriesData.get(this.candles) as { open: number; high: number; low: number; close: number } | undefined;
      const vol = param.seriesData.get(this.volume) as { value: number } | undefined;
      if (!bar || typeof param.time !== "number") return listener(null);
      listener({ time_ms: param.time * 1000, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: vol?.value ?? 0 });
    });
  }

  /** Shows the crosshair on a bar (keyboard stepping), or hides it with null. */
  pointAt(c: Candle | null): void {
    if (!c) return this.chart.clearCrosshairPosition();
    this.chart.setCrosshairPosition(c.close, t(Math.floor(c.time_ms / 1000)), this.candles);
  }

  setCandles(candles: readonly Candle[]): void {
    this.candles.setData(candles.map((c) => ({ ...toBar(c), time: t(toBar(c).time) })));
    this.volume.setData(candles.map((c) => this.volumePoint(c)));
    this.chart.timeScale().scrollToRealTime();
  }

  updateCandle(c: Candle): void {
    const bar = toBar(c);
    this.candles.update({ ...bar, time: t(bar.time) });
    this.volume.update(this.volumePoint(c));
  }

  private volumePoint(c: Candle) {
    const v = toVolume(c);
    return { time: t(v.time), value: v.value, color: `${v.up ? this.up : this.down}66` };
  }

  /** Draws (or replaces) an indicator's lines; pane indicators get their own pane. */
  setIndicator(choice: IndicatorChoice, items: readonly IndicatorItem[], paneIndex: number): void {
    this.removeIndicator(choice.id);
    const series = choice.outputs.map((output, i) => {
      const s = this.chart.addSeries(LineSeries, { color: LINE_COLOURS[i % LINE_COLOURS.length], lineWidth: choice.placement === "pane" ? 2 : 1, priceLineVisible: false, lastValueVisible: choice.placement === "pane", title: choice.placement === "pane" ? (choice.outputs.length > 1 ? output : choice.label) : "" }, choice.placement === "pane" ? paneIndex : 0);
      s.setData(toLine(items, output).map((p) => ({ time: t(p.time), value: p.value })));
      return s;
    });
    this.lines.set(choice.id, series);
  }

  removeIndicator(id: string): void {
    for (const s of this.lines.get(id) ?? []) this.chart.removeSeries(s);
    this.lines.delete(id);
  }

  setAnalysis(analysis: Analysis, candles: readonly Candle[]): void {
    for (const line of this.priceLines) this.candles.removePriceLine(line);
    this.priceLines = analysis.levels.map((level) =>
      this.candles.createPriceLine({ price: level.price, color: level.kind === "support" ? this.up : this.down, lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: `${level.kind === "support" ? "S" : "R"} ×${level.touches}` }),
    );
    const times = new Set(candles.map((c) => Math.floor(c.time_ms / 1000)));
    this.markers.setMarkers(
      patternMarkers(analysis, times).slice(-MAX_MARKERS).map((m) => ({ time: t(m.time), position: m.position, shape: m.shape, color: m.direction === "bullish" ? this.up : m.direction === "bearish" ? this.down : "#9aa4b2", text: m.text })),
    );
  }

  /** Arrows above the bars (start times in ms) where an alert fired, replacing pattern markers. */
  setFireMarkers(barTimesMs: readonly number[], label = "fired"): void {
    const colour = cssVar("--warn", "#f59e0b");
    // Past a few dozen fires the labels overlap into noise: arrows only.
    const text = barTimesMs.length > 24 ? "" : label;
    this.markers.setMarkers(barTimesMs.map((ms) => ({ time: t(Math.floor(ms / 1000)), position: "aboveBar" as const, shape: "arrowDown" as const, color: colour, text })));
  }

  /** Horizontal lines at given prices (the levels of an answer's chart). */
  setLevels(levels: readonly { price: number; kind: string; label?: string }[]): void {
    for (const line of this.priceLines) this.candles.removePriceLine(line);
    this.priceLines = levels.map((l) => this.candles.createPriceLine({ price: l.price, color: l.kind === "support" ? this.up : l.kind === "resistance" ? this.down : "#9aa4b2", lineWidth: 1, lineStyle: LineStyle.Dashed, axisLabelVisible: true, title: l.label ?? "" }));
  }

  /** Markers at bar start times (ms) with their own text and direction. */
  setMarkers(marks: readonly { time_ms: number; text: string; direction?: string; position?: "aboveBar" | "belowBar" }[]): void {
    this.markers.setMarkers(
      marks.map((m) => ({ time: t(Math.floor(m.time_ms / 1000)), position: m.position ?? (m.direction === "bearish" ? "aboveBar" : "belowBar"), shape: m.direction === "bearish" ? ("arrowDown" as const) : m.direction === "bullish" ? ("arrowUp" as const) : ("circle" as const), color: m.direction === "bullish" ? this.up : m.direction === "bearish" ? this.down : "#9aa4b2", text: m.text })),
    );
  }

  /** Straight lines between two points (an answer's trend line). */
  setTrendlines(lines: readonly { from: { time_ms: number; price: number }; to: { time_ms: number; price: number }; label: string }[]): void {
    for (const s of this.lines.get("trendlines") ?? []) this.chart.removeSeries(s);
    const series = lines.map((l) => {
      const s = this.chart.addSeries(LineSeries, { color: cssVar("--accent", "#3b82f6"), lineWidth: 2, lineStyle: LineStyle.Dotted, priceLineVisible: false, lastValueVisible: false, title: l.label });
      s.setData([
        { time: t(Math.floor(l.from.time_ms / 1000)), value: l.from.price },
        { time: t(Math.floor(l.to.time_ms / 1000)), value: l.to.price },
      ]);
      return s;
    });
    this.lines.set("trendlines", series);
  }

  destroy(): void {
    this.themeWatch.disconnect();
    this.chart.remove();
  }
}
