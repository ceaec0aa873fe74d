// The stock-analysis chart payload inside an answer, read tolerantly. The ai module
// writes `{"version":1,"symbol","timeframe","items":[…]}` with items of type `hline`
// (price, style, label), `trendline` (from/to {time_ms, price}), `marker` (time_ms,
// direction, label) and `zone` (from_ms, to_ms, direction, label); top-level
// `levels`/`markers`/`patterns`/`candles` are read too. Anything else is ignored.
// Pure; unit-tested.
import { isTimeframe, type Candle, type Timeframe } from "../market/types";

export interface AnswerChart {
  symbol: string;
  timeframe: Timeframe;
  candles: Candle[] | null;
  levels: { price: number; kind: string; label: string }[];
  markers: { time_ms: number; text: string; direction: string }[];
  trendlines: { from: { time_ms: number; price: number }; to: { time_ms: number; price: number }; label: string }[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function answerChart(payload: unknown): AnswerChart | null {
  if (typeof payload !== "object" || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const symbol = typeof p.symbol === "string" && /^[A-Za-z0-9.:_-]{1,32}$/.test(p.symbol) ? p.symbol.toUpperCase() : null;
  if (!symbol) return null;
  const tf = typeof p.timeframe === "string" && isTimeframe(p.timeframe) ? p.timeframe : "1h";
  const candles = Array.isArray(p.candles)
    ? p.candles
        .map((c) => c as Record<string, unknown>)
        .filter((c) => [c.time_ms, c.open, c.high, c.low, c.close].every((v) => num(v) !== null))
        .map((c) => ({ time_ms: c.time_ms as number, open: c.open as number, high: c.high as number, low: c.low as number, close: c.close as number, volume: num(c.volume) ?? 0 }))
    : null;
  const levels: AnswerChart["levels"] = [];
  for (const l of Array.isArray(p.levels) ? p.levels : []) {
    const o = l as Record<string, unknown>;
    const price = num(o?.price);
    if (price === null) continue;
    const kind = typeof o.kind === "string" ? o.kind : "level";
    levels.push({ price, kind, label: typeof o.label === "string" ? o.label : kind === "support" ? "S" : kind === "resistance" ? "R" : "" });
  }
  const markers: AnswerChart["markers"] = [];
  for (const key of ["markers", "patterns", "chart_patterns", "signals"]) {
    for (const m of Array.isArray(p[key]) ? (p[key] as unknown[]) : []) {
      const o = m as Record<string, unknown>;
      const time = num(o?.time_ms) ?? num(o?.end_time_ms);
      if (time === null) continue;
      const text = typeof o.text === "string" ? o.text : typeof o.label === "string" ? o.label : typeof o.name === "string" ? o.name.replace(/_/g, " ") : "";
      markers.push({ time_ms: time, text, direction: typeof o.direction === "string" ? o.direction : "neutral" });
    }
  }
  const trendlines: AnswerChart["trendlines"] = [];
  const point = (v: unknown) => {
    const o = v as Record<string, unknown> | null;
    const t = num(o?.time_ms);
    const price = num(o?.price);
    return t !== null && price !== null ? { time_ms: t, price } : null;
  };
  for (const item of Array.isArray(p.items) ? p.items : []) {
    const o = item as Record<string, unknown> | null;
    if (!o || typeof o !== "object") continue;
    const label = typeof o.label === "string" ? o.label.replace(/_/g, " ") : "";
    const direction = typeof o.direction === "string" ? o.direction : "neutral";
    if (o.type === "hline" && num(o.price) !== null) levels.push({ price: o.price as number, kind: typeof o.style === "string" ? o.style : "level", label });
    else if (o.type === "marker" && num(o.time_ms) !== null) markers.push({ time_ms: o.time_ms as number, text: label, direction });
    else if (o.type === "zone" && num(o.to_ms) !== null) markers.push({ time_ms: o.to_ms as number, text: label, direction });
    else if (o.type === "trendline") {
      const from = point(o.from);
      const to = point(o.to);
      if (from && to && to.time_ms > from.time_ms) trendlines.push({ from, to, label });
    }
  }
  markers.sort((a, b) => a.time_ms - b.time_ms);
  return { symbol, timeframe: tf, candles: candles && candles.length ? candles : null, levels, markers, trendlines };
}

/** The bar start (ms) each marker time falls in, for bars of the given starts. */
export function snapToBars(barStarts: readonly number[], timeMs: number): number | null {
  let found: number | null = null;
  for (const s of barStarts) {
    if (s <= timeMs) found = s;
    else break;
  }
  return found;
}
