// A watchlist row's numbers from the last price and the previous close, and how a
// tick moves them. Pure, so the rules are unit-tested.
import type { Quote, Tick } from "./types";

export type Direction = "up" | "down" | "flat";

export interface WatchRow {
  symbol: string;
  name: string;
  last: number | null;
  previousClose: number | null;
  change: number | null;
  changePct: number | null;
  /** Against the previous close: what the row is coloured by. */
  direction: Direction;
  /** Against the previous price: which way the last tick moved (for a flash). */
  tick: Direction;
  timeMs: number | null;
  bid: number | null;
  ask: number | null;
  simulated: boolean;
}

function direction(delta: number | null): Direction {
  if (delta === null || delta === 0) return "flat";
  return delta > 0 ? "up" : "down";
}

function withPrice(row: WatchRow, price: number, timeMs: number, simulated: boolean, bid: number | null, ask: number | null): WatchRow {
  const prev = row.previousClose;
  const change = prev === null ? null : price - prev;
  const changePct = prev === null || prev === 0 || change === null ? null : (change / prev) * 100;
  return {
    ...row,
    last: price,
    change,
    changePct,
    direction: direction(change),
    tick: direction(row.last === null ? null : price - row.last),
    timeMs,
    bid: Number.isFinite(bid) ? bid : row.bid,
    ask: Number.isFinite(ask) ? ask : row.ask,
    simulated: row.simulated || simulated,
  };
}

export function rowFromQuote(symbol: string, name: string, quote: Quote | undefined | null): WatchRow {
  const row: WatchRow = { symbol, name, last: null, previousClose: quote?.previous_close ?? null, change: null, changePct: null, direction: "flat", tick: "flat", timeMs: null, bid: null, ask: null, simulated: quote?.simulated ?? true };
  return quote ? { ...withPrice(row, quote.last, quote.time_ms, quote.simulated, quote.bid, quote.ask), tick: "flat" } : row;
}

/** Applies a `market:<SYMBOL>` tick; ticks for another symbol or older than the row's are ignored. */
export function applyTick(row: WatchRow, tick: Tick): WatchRow {
  if (tick.symbol !== row.symbol || !Number.isFinite(tick.price)) return row;
  if (row.timeMs !== null && tick.time_ms < row.timeMs) return row;
  return withPrice(row, tick.price, tick.time_ms, tick.simulated, tick.bid, tick.ask);
}

export function isTick(data: unknown): data is Tick {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d.symbol === "string" && typeof d.price === "number" && typeof d.time_ms === "number";
}

/** Prices with the digits the tick size needs (at least two). */
export function formatPrice(price: number | null, tickSize = 0.01): string {
  if (price === null) return "—";
  const digits = Math.min(8, Math.max(2, Math.ceil(-Math.log10(tickSize) - 1e-9)));
  return price.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatChange(row: WatchRow, tickSize = 0.01): string {
  if (row.change === null || row.changePct === null) return "—";
  const sign = row.change > 0 ? "+" : row.change < 0 ? "−" : "";
  return `${sign}${formatPrice(Math.abs(row.change), tickSize)} (${sign}${Math.abs(row.changePct).toFixed(2)}%)`;
}

const STORAGE_KEY = "tradechat.watchlist";
export const DEFAULT_WATCHLIST = ["AAPL", "MSFT", "NVDA", "SPY", "BTCUSD", "ETHUSD", "EURUSD", "GBPUSD"];

export function loadWatchlist(storage: Pick<Storage, "getItem"> = localStorage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? "null");
    if (Array.isArray(parsed) && parsed.every((s) => typeof s === "string")) return parsed.slice(0, 50);
  } catch {
    /* fall through */
  }
  return [...DEFAULT_WATCHLIST];
}

export function saveWatchlist(symbols: string[], storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(symbols));
}
