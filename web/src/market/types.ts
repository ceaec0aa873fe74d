// The market module's shapes, as docs/market.md describes them.
export const TIMEFRAMES = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export function isTimeframe(value: string | null): value is Timeframe {
  return value !== null && (TIMEFRAMES as readonly string[]).includes(value);
}

export interface Instrument {
  symbol: string;
  name: string;
  asset_class: "stock" | "crypto" | "fx";
  exchange: string;
  currency: string;
  tick_size: number;
  simulated: boolean;
}

export interface Quote {
  last: number;
  bid: number;
  ask: number;
  time_ms: number;
  previous_close: number;
  change_pct: number;
  simulated: boolean;
}

export interface InstrumentWithQuote extends Instrument {
  quote?: Quote;
}

/** A `market:<SYMBOL>` publication. */
export interface Tick {
  symbol: string;
  time_ms: number;
  price: number;
  size: number;
  bid: number;
  ask: number;
  simulated: boolean;
}

export interface Candle {
  time_ms: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A `candles:<SYMBOL>:<tf>` publication. */
export interface CandleUpdate extends Candle {
  symbol: string;
  timeframe: string;
  closed: boolean;
  simulated: boolean;
}

export interface CandlePage {
  symbol: string;
  timeframe: string;
  simulated: boolean;
  items: Candle[];
}

export interface Level {
  price: number;
  kind: "support" | "resistance";
  touches: number;
  strength: number;
}

export interface Pattern {
  name: string;
  direction: "bullish" | "bearish" | "neutral";
  confidence: number;
  start_time_ms: number;
  end_time_ms: number;
}

export interface ChartPattern extends Pattern {
  level: number;
  confirmed: boolean;
}

export interface Analysis {
  symbol: string;
  timeframe: string;
  levels: Level[];
  trend: { direction: "up" | "down" | "sideways"; strength: number };
  patterns: Pattern[];
  chart_patterns: ChartPattern[];
}

export type IndicatorItem = { time_ms: number } & Record<string, number | null>;
