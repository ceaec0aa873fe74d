// The indicators the chart offers: overlays on the price pane and one pane of their own.
export interface IndicatorChoice {
  id: string;
  label: string;
  /** The server's indicator name and parameters. */
  name: string;
  params: Record<string, number>;
  /** Outputs drawn as lines. */
  outputs: string[];
  placement: "overlay" | "pane";
}

export const INDICATORS: readonly IndicatorChoice[] = [
  { id: "sma20", label: "SMA 20", name: "sma", params: { period: 20 }, outputs: ["value"], placement: "overlay" },
  { id: "ema50", label: "EMA 50", name: "ema", params: { period: 50 }, outputs: ["value"], placement: "overlay" },
  { id: "bb20", label: "Bollinger 20, 2", name: "bollinger", params: { period: 20, stddev: 2 }, outputs: ["upper", "middle", "lower"], placement: "overlay" },
  { id: "rsi14", label: "RSI 14", name: "rsi", params: { period: 14 }, outputs: ["value"], placement: "pane" },
  { id: "macd", label: "MACD 12, 26, 9", name: "macd", params: { fast: 12, slow: 26, signal: 9 }, outputs: ["macd", "signal"], placement: "pane" },
];

export function indicatorPath(symbol: string, timeframe: string, choice: IndicatorChoice, limit: number): string {
  const q = new URLSearchParams({ timeframe, limit: String(limit) });
  for (const [k, v] of Object.entries(choice.params)) q.set(k, String(v));
  return `/api/v1/instruments/${encodeURIComponent(symbol)}/indicators/${choice.name}?${q.toString()}`;
}
