// Folding live candle publications into the candles a chart shows. Pure, so the
// rules are unit-tested: a publication for the newest bar replaces it, one for a
// later bucket appends, an amendment of an earlier bar replaces that bar, and
// anything older than what is held or for another series is ignored.
import type { Candle, CandleUpdate } from "./types";

export type MergeResult = { kind: "replaced" | "appended"; candles: Candle[]; candle: Candle } | { kind: "ignored"; candles: Candle[] };

export function toCandle(u: CandleUpdate): Candle {
  return { time_ms: u.time_ms, open: u.open, high: u.high, low: u.low, close: u.close, volume: u.volume };
}

export function isCandleUpdate(data: unknown): data is CandleUpdate {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return ["time_ms", "open", "high", "low", "close", "volume"].every((k) => typeof d[k] === "number" && Number.isFinite(d[k]));
}

/** Merges `update` into `candles` (oldest first) without changing the input array. */
export function mergeCandle(candles: readonly Candle[], update: CandleUpdate, expected?: { symbol: string; timeframe: string }): MergeResult {
  if (expected && (update.symbol !== expected.symbol || update.timeframe !== expected.timeframe)) return { kind: "ignored", candles: [...candles] };
  const candle = toCandle(update);
  const last = candles[candles.length - 1];
  if (!last || candle.time_ms > last.time_ms) return { kind: "appended", candles: [...candles, candle], candle };
  if (candle.time_ms === last.time_ms) return { kind: "replaced", candles: [...candles.slice(0, -1), candle], candle };
  // An amended closed candle: replace it where it is; never insert into history.
  const at = candles.findIndex((c) => c.time_ms === candle.time_ms);
  if (at < 0 || !update.closed) return { kind: "ignored", candles: [...candles] };
  const next = [...candles];
  next[at] = candle;
  return { kind: "replaced", candles: next, candle };
}
