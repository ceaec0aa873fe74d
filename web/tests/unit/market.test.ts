import { describe, expect, it } from "vitest";
import { isCandleUpdate, mergeCandle } from "../../src/market/candleMerge";
import { patternMarkers, toLine } from "../../src/market/chartData";
import { indicatorPath, INDICATORS } from "../../src/market/indicators";
import type { Candle, CandleUpdate, Quote, Tick } from "../../src/market/types";
import { applyTick, formatChange, formatPrice, loadWatchlist, rowFromQuote, DEFAULT_WATCHLIST } from "../../src/market/watchlist";

const candle = (time_ms: number, close: number): Candle => ({ time_ms, open: 100, high: Math.max(100, close), low: Math.min(100, close), close, volume: 10 });
const update = (time_ms: number, close: number, closed = false, symbol = "BTCUSD", timeframe = "1m"): CandleUpdate => ({ ...candle(time_ms, close), symbol, timeframe, closed, simulated: true });
const series = { symbol: "BTCUSD", timeframe: "1m" };

describe("merging live candles", () => {
  const held = [candle(0, 100), candle(60_000, 101), candle(120_000, 102)];

  it("replaces the forming candle in place", () => {
    const r = mergeCandle(held, update(120_000, 105), series);
    expect(r.kind).toBe("replaced");
    expect(r.candles).toHaveLength(3);
    expect(r.candles[2].close).toBe(105);
    expect(held[2].close).toBe(102); // input untouched
  });

  it("appends the next bucket", () => {
    const r = mergeCandle(held, update(180_000, 99), series);
    expect(r.kind).toBe("appended");
    expect(r.candles.map((c) => c.time_ms)).toEqual([0, 60_000, 120_000, 180_000]);
  });

  it("replaces an amended closed candle but never inserts into history", () => {
    const amended = mergeCandle(held, update(60_000, 90, true), series);
    expect(amended.kind).toBe("replaced");
    expect(amended.candles[1].close).toBe(90);
    expect(mergeCandle(held, update(60_000, 90, false), series).kind).toBe("ignored");
    expect(mergeCandle(held, update(30_000, 90, true), series).kind).toBe("ignored");
  });

  it("ignores another symbol's or timeframe's publication", () => {
    expect(mergeCandle(held, update(180_000, 1, false, "ETHUSD"), series).kind).toBe("ignored");
    expect(mergeCandle(held, update(180_000, 1, false, "BTCUSD", "5m"), series).kind).toBe("ignored");
  });

  it("starts a series from nothing", () => {
    const r = mergeCandle([], update(0, 1), series);
    expect(r.kind).toBe("appended");
    expect(r.candles).toHaveLength(1);
  });

  it("accepts only publications with finite numbers", () => {
    expect(isCandleUpdate(update(0, 1))).toBe(true);
    expect(isCandleUpdate({ ...update(0, 1), close: "1" })).toBe(false);
    expect(isCandleUpdate({ ...update(0, 1), high: Number.NaN })).toBe(false);
    expect(isCandleUpdate(null)).toBe(false);
  });
});

describe("watchlist rows", () => {
  const quote: Quote = { last: 110, bid: 109.9, ask: 110.1, time_ms: 1000, previous_close: 100, change_pct: 10, simulated: true };
  const tick = (price: number, time_ms: number, symbol = "AAPL"): Tick => ({ symbol, price, time_ms, size: 1, bid: price, ask: price, simulated: true });

  it("takes change from the previous close", () => {
    const row = rowFromQuote("AAPL", "Apple", quote);
    expect(row.last).toBe(110);
    expect(row.change).toBe(10);
    expect(row.changePct).toBeCloseTo(10);
    expect(row.direction).toBe("up");
    expect(row).toMatchObject({ bid: 109.9, ask: 110.1 });
    expect(row.simulated).toBe(true);
  });

  it("moves with ticks: direction against the close, tick against the last price", () => {
    let row = rowFromQuote("AAPL", "Apple", quote);
    row = applyTick(row, tick(95, 2000));
    expect(row).toMatchObject({ last: 95, change: -5, direction: "down", tick: "down", bid: 95, ask: 95 });
    expect(row.changePct).toBeCloseTo(-5);
    row = applyTick(row, tick(96, 3000));
    expect(row).toMatchObject({ last: 96, direction: "down", tick: "up" });
    row = applyTick(row, tick(100, 4000));
    expect(row.direction).toBe("flat");
  });

  it("ignores older ticks and other symbols", () => {
    const row = applyTick(rowFromQuote("AAPL", "Apple", quote), tick(120, 5000));
    expect(applyTick(row, tick(50, 4000))).toBe(row);
    expect(applyTick(row, tick(50, 6000, "MSFT"))).toBe(row);
  });

  it("has no change without a previous close", () => {
    const row = applyTick(rowFromQuote("AAPL", "Apple", null), tick(120, 5000));
    expect(row.last).toBe(120);
    expect(row.change).toBeNull();
    expect(formatChange(row)).toBe("—");
  });

  it("formats with the tick size's digits and signs", () => {
    expect(formatPrice(1.23456, 0.00001)).toBe("1.23456");
    expect(formatPrice(64000, 0.01)).toBe("64,000.00");
    expect(formatPrice(null)).toBe("—");
    const row = applyTick(rowFromQuote("AAPL", "Apple", quote), tick(95, 2000));
    expect(formatChange(row)).toBe("−5.00 (−5.00%)");
  });

  it("loads the saved watchlist, or the default when none or broken", () => {
    expect(loadWatchlist({ getItem: () => '["AAPL","BTCUSD"]' })).toEqual(["AAPL", "BTCUSD"]);
    expect(loadWatchlist({ getItem: () => null })).toEqual(DEFAULT_WATCHLIST);
    expect(loadWatchlist({ getItem: () => "{not json" })).toEqual(DEFAULT_WATCHLIST);
    expect(loadWatchlist({ getItem: () => "[1,2]" })).toEqual(DEFAULT_WATCHLIST);
  });
});

describe("chart data", () => {
  it("turns indicator outputs into lines, skipping unseeded values", () => {
    const items = [{ time_ms: 1000, macd: 1, signal: null }, { time_ms: 2000, macd: 2, signal: 1.5 }];
    expect(toLine(items, "macd")).toEqual([{ time: 1, value: 1 }, { time: 2, value: 2 }]);
    expect(toLine(items, "signal")).toEqual([{ time: 2, value: 1.5 }]);
  });

  it("places pattern markers on bars the chart has, sorted by time", () => {
    const analysis = {
      patterns: [{ name: "bullish_engulfing", direction: "bullish" as const, confidence: 0.9, start_time_ms: 1000, end_time_ms: 3000 }, { name: "doji", direction: "neutral" as const, confidence: 0.5, start_time_ms: 9000, end_time_ms: 9000 }],
      chart_patterns: [{ name: "double_top", direction: "bearish" as const, confidence: 0.8, start_time_ms: 0, end_time_ms: 2000, level: 1, confirmed: true }],
    };
    const markers = patternMarkers(analysis, new Set([2, 3]));
    expect(markers).toEqual([
      { time: 2, position: "aboveBar", shape: "arrowDown", direction: "bearish", text: "Double top" },
      { time: 3, position: "belowBar", shape: "arrowUp", direction: "bullish", text: "Bullish engulfing" },
    ]);
  });

  it("asks for an indicator with its parameters", () => {
    const bb = INDICATORS.find((i) => i.id === "bb20")!;
    expect(indicatorPath("BTC/USD", "1h", bb, 500)).toBe("/api/v1/instruments/BTC%2FUSD/indicators/bollinger?timeframe=1h&limit=500&period=20&stddev=2");
  });
});
