// Where backtest fires land on the chart: each fire is reported at its candle's last
// millisecond (docs/alerts.md "Backtest"), so it belongs to the bar that starts at or
// before it. Pure; unit-tested.
export interface FirePoint {
  time_ms: number;
  price: number;
}

/** The start time (ms) of the bar each fire belongs to, dropping fires outside the bars. */
export function fireBarTimes(barStarts: readonly number[], fires: readonly FirePoint[]): number[] {
  const out: number[] = [];
  if (barStarts.length === 0) return out;
  const step = barStarts.length > 1 ? barStarts[barStarts.length - 1] - barStarts[barStarts.length - 2] : Infinity;
  for (const f of fires) {
    // Binary search: the last bar starting at or before the fire.
    let lo = 0;
    let hi = barStarts.length - 1;
    if (f.time_ms < barStarts[0]) continue;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (barStarts[mid] <= f.time_ms) lo = mid;
      else hi = mid - 1;
    }
    if (lo === barStarts.length - 1 && f.time_ms >= barStarts[lo] + step) continue;
    if (out[out.length - 1] !== barStarts[lo]) out.push(barStarts[lo]);
  }
  return out;
}

export function backtestSummary(fires: number, bars: number, timeframe: string): string {
  if (bars === 0) return `No stored ${timeframe} candles to replay yet.`;
  const f = fires === 1 ? "once" : `${fires} times`;
  return fires === 0 ? `Would not have fired over the last ${bars} ${timeframe} bars.` : `Would have fired ${f} over the last ${bars} ${timeframe} bars.`;
}
