// The technicalindicators peer: the same bars (read from the file the C++ bench
// wrote), each indicator once in batch (`calculate`) and once streaming
// (`nextValue` per bar). Prints "<kind> <name> <ns>" lines like indicators_bench.
// Usage: node ti-peer.mjs <bars-file>
import { readFileSync } from "node:fs";
import ti from "technicalindicators";

const raw = readFileSync(process.argv[2]);
const all = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
const n = all.length / 5;
const col = (k) => Array.from(all.subarray(k * n, (k + 1) * n));
const [open, high, low, close, volume] = [0, 1, 2, 3, 4].map(col);
const hlc = { high, low, close };
const hlcv = { high, low, close, volume };

// name -> [constructor, batch input, per-bar streaming input]
const cases = {
  sma: [ti.SMA, { period: 20, values: close }, (i) => close[i]],
  ema: [ti.EMA, { period: 20, values: close }, (i) => close[i]],
  wma: [ti.WMA, { period: 20, values: close }, (i) => close[i]],
  macd: [ti.MACD, { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false, values: close }, (i) => close[i]],
  rsi: [ti.RSI, { period: 14, values: close }, (i) => close[i]],
  stochastic: [ti.Stochastic, { period: 14, signalPeriod: 3, ...hlc }, (i) => ({ high: high[i], low: low[i], close: close[i] })],
  stoch_rsi: [ti.StochasticRSI, { rsiPeriod: 14, stochasticPeriod: 14, kPeriod: 3, dPeriod: 3, values: close }, (i) => close[i]],
  williams_r: [ti.WilliamsR, { period: 14, ...hlc }, (i) => ({ high: high[i], low: low[i], close: close[i] })],
  roc: [ti.ROC, { period: 12, values: close }, (i) => close[i]],
  cci: [ti.CCI, { period: 20, ...hlc }, (i) => ({ high: high[i], low: low[i], close: close[i] })],
  mfi: [ti.MFI, { period: 14, ...hlcv }, (i) => ({ high: high[i], low: low[i], close: close[i], volume: volume[i] })],
  bollinger: [ti.BollingerBands, { period: 20, stdDev: 2, values: close }, (i) => close[i]],
  atr: [ti.ATR, { period: 14, ...hlc }, (i) => ({ high: high[i], low: low[i], close: close[i] })],
  keltner: [ti.KeltnerChannels, { maPeriod: 20, atrPeriod: 10, multiplier: 2, useSMA: false, ...hlc }, (i) => ({ high: high[i], low: low[i], close: close[i] })],
  obv: [ti.OBV, { close, volume }, (i) => ({ close: close[i], volume: volume[i] })],
  vwap: [ti.VWAP, hlcv, (i) => ({ high: high[i], low: low[i], close: close[i], volume: volume[i] })],
  adx: [ti.ADX, { period: 14, ...hlc }, (i) => ({ high: high[i], low: low[i], close: close[i] })],
  psar: [ti.PSAR, { step: 0.02, max: 0.2, high, low }, (i) => ({ high: high[i], low: low[i] })],
  ichimoku: [ti.IchimokuCloud, { conversionPeriod: 9, basePeriod: 26, spanPeriod: 52, displacement: 26, high, low }, (i) => ({ high: high[i], low: low[i] })],
};

const emptyInput = (input) => Object.fromEntries(Object.entries(input).map(([k, v]) => [k, Array.isArray(v) ? [] : v]));
let sink = 0;
const best = {};
for (let round = 0; round < 5; round++) {
  for (const [name, [Cls, input, tick]] of Object.entries(cases)) {
    let start = process.hrtime.bigint();
    const out = Cls.calculate(input);
    const batch = Number(process.hrtime.bigint() - start) / n;
    sink += out.length;
    const live = new Cls(emptyInput(input));
    start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const v = live.nextValue(tick(i));
      if (v !== undefined) sink++;
    }
    const stream = Number(process.hrtime.bigint() - start) / n;
    const prev = best[name] ?? [Infinity, Infinity];
    best[name] = [Math.min(prev[0], stream), Math.min(prev[1], batch)];
  }
}
// The best of five rounds, like the C++ side.
for (const [name, [stream, batch]] of Object.entries(best)) {
  console.log(`stream ${name} ${stream.toFixed(2)}\nbatch ${name} ${batch.toFixed(2)}`);
}
if (sink < 0) console.log(sink);
