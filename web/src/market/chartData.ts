// Market data → what the chart library draws. Times become UTC seconds (the
// library's UTCTimestamp); indicator items with nulls (not yet seeded) are skipped.
import type { Analysis, Candle, IndicatorItem, Pattern } from "./types";

export interface BarPoint {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}
export interface ValuePoint {
  time: number;
  value: number;
}
export interface VolumePoint extends ValuePoint {
  up: boolean;
}
export interface PatternMarker {
  time: number;
  position: "aboveBar" | "belowBar";
  shape: "arrowUp" | "arrowDown" | "circle";
  direction: Pattern["direction"];
  text: string;
}

export const seconds = (ms: number): number => Math.floor(ms / 1000);

export function toBar(c: Candle): BarPoint {
  return { time: seconds(c.time_ms), open: c.open, high: c.high, low: c.low, close: c.close };
}

export function toVolume(c: Candle): VolumePoint {
  return { time: seconds(c.time_ms), value: c.volume, up: c.close >= c.open };
}

/** One output of an indicator (`value`, `upper`, `macd`…) as a line. */
export function toLine(items: readonly IndicatorItem[], output = "value"): ValuePoint[] {
  const out: ValuePoint[] = [];
  for (const item of items) {
    const v = item[output];
    if (typeof v === "number" && Number.isFinite(v)) out.push({ time: seconds(item.time_ms), value: v });
  }
  return out;
}

export function patternLabel(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Candlestick and chart patterns as markers at the bar where each ends, sorted by
 * time (the library needs that), only for bars the chart has.
 */
export function patternMarkers(analysis: Pick<Analysis, "patterns" | "chart_patterns">, barTimes: ReadonlySet<number>): PatternMarker[] {
  const all = [...analysis.patterns, ...analysis.chart_patterns];
  const markers: PatternMarker[] = [];
  for (const p of all) {
    const time = seconds(p.end_time_ms);
    if (!barTimes.has(time)) continue;
    const bullish = p.direction === "bullish";
    const bearish = p.direction === "bearish";
    markers.push({
      time,
      position: bearish ? "aboveBar" : "belowBar",
      shape: bullish ? "arrowUp" : bearish ? "arrowDown" : "circle",
      direction: p.direction,
      text: patternLabel(p.name),
    });
  }
  return markers.sort((a, b) => a.time - b.time);
}
