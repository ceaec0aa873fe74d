// The alert builder's model: conditions of a few kinds joined by "and" or "or",
// turned into the server's expression text (docs/alerts.md "Expression syntax"), and
// back again when a typed expression is one the builder can show. Pure; unit-tested.
import type { Timeframe } from "../market/types";

export type ConditionKind = "price_cross" | "price_level" | "change" | "rsi" | "ma_cross" | "macd_cross" | "bollinger" | "volume_spike";

export type Direction = "above" | "below";

export interface Condition {
  kind: ConditionKind;
  direction: Direction;
  /** Price threshold, percent, RSI level or volume ratio, as typed. */
  value: string;
  /** Timeframe of indicators; the window of `change` (e.g. 15m). */
  timeframe: string;
  /** RSI/MA period, or the bars of the volume average. */
  period: string;
  /** The slow period of a moving-average cross. */
  period2: string;
  /** sma or ema for a moving-average cross. */
  average: "sma" | "ema";
}

export const CONDITION_KINDS: { kind: ConditionKind; label: string }[] = [
  { kind: "price_cross", label: "Price crosses a level" },
  { kind: "price_level", label: "Price is above / below" },
  { kind: "change", label: "Percent change over a window" },
  { kind: "rsi", label: "RSI above / below" },
  { kind: "ma_cross", label: "Moving averages cross" },
  { kind: "macd_cross", label: "MACD crosses its signal" },
  { kind: "bollinger", label: "Price touches a Bollinger band" },
  { kind: "volume_spike", label: "Volume spike" },
];

export const WINDOWS = ["1m", "5m", "15m", "30m", "1h", "4h", "1d"];

export function defaultCondition(kind: ConditionKind = "price_cross", timeframe: Timeframe = "1h"): Condition {
  const base: Condition = { kind, direction: "above", value: "", timeframe, period: "14", period2: "200", average: "sma" };
  switch (kind) {
    case "change":
      return { ...base, value: "3", timeframe: "15m" };
    case "rsi":
      return { ...base, direction: "below", value: "30", period: "14" };
    case "ma_cross":
      return { ...base, period: "50", period2: "200" };
    case "volume_spike":
      return { ...base, value: "3", period: "20" };
    default:
      return base;
  }
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)$/;
const POSITIVE_INT = /^[1-9]\d{0,3}$/;

/** What is wrong with one condition (for the field), or null. */
export function conditionProblem(c: Condition): string | null {
  const needsValue = c.kind === "price_cross" || c.kind === "price_level" || c.kind === "change" || c.kind === "rsi" || c.kind === "volume_spike";
  if (needsValue && !NUMBER.test(c.value.trim())) return "Give a number.";
  if (c.kind === "rsi" && (Number(c.value) < 0 || Number(c.value) > 100)) return "RSI runs from 0 to 100.";
  if ((c.kind === "rsi" || c.kind === "volume_spike" || c.kind === "ma_cross") && !POSITIVE_INT.test(c.period.trim())) return "The period is a whole number of bars.";
  if (c.kind === "ma_cross" && !POSITIVE_INT.test(c.period2.trim())) return "The period is a whole number of bars.";
  if (c.kind === "ma_cross" && Number(c.period) === Number(c.period2)) return "The two averages need different periods.";
  return null;
}

function num(text: string): string {
  // The server takes numbers as written; normalise "1." and ".5".
  const n = Number(text.trim());
  return Number.isFinite(n) ? String(n) : text.trim();
}

export function conditionExpression(c: Condition): string {
  const cross = c.direction === "above" ? "crosses_above" : "crosses_below";
  const level = c.direction === "above" ? ">=" : "<=";
  switch (c.kind) {
    case "price_cross":
      return `price ${cross} ${num(c.value)}`;
    case "price_level":
      return `price ${c.direction === "above" ? ">" : "<"} ${num(c.value)}`;
    case "change":
      return c.direction === "above" ? `change(${c.timeframe}) >= ${num(c.value)}` : `change(${c.timeframe}) <= -${num(c.value).replace(/^-/, "")}`;
    case "rsi":
      return `rsi(${num(c.period)}, ${c.timeframe}) ${c.direction === "above" ? ">" : "<"} ${num(c.value)}`;
    case "ma_cross":
      return `${c.average}(${num(c.period)}, ${c.timeframe}) ${cross} ${c.average}(${num(c.period2)}, ${c.timeframe})`;
    case "macd_cross":
      return `macd(12, 26, 9, ${c.timeframe}) ${cross} macd(12, 26, 9, ${c.timeframe}).signal`;
    case "bollinger":
      return c.direction === "above" ? `price >= bollinger(20, 2, ${c.timeframe}).upper` : `price <= bollinger(20, 2, ${c.timeframe}).lower`;
    case "volume_spike":
      return `volume_ratio(${num(c.period)}, ${c.timeframe}) ${level} ${num(c.value)}`;
  }
}

export type Join = "and" | "or";

export function builderExpression(conditions: readonly Condition[], join: Join): string {
  return conditions.map(conditionExpression).join(` ${join} `);
}

// The reverse: each pattern matches exactly what conditionExpression writes (and the
// server's canonical text, which adds indicator outputs like `.value`).
const TF = "(1m|5m|15m|1h|4h|1d)";
const W = "(\\d+[smhd])";
const N = "(-?\\d+(?:\\.\\d+)?)";
const PATTERNS: { re: RegExp; make: (m: RegExpMatchArray) => Condition }[] = [
  { re: new RegExp(`^price (crosses_above|crosses_below) ${N}$`), make: (m) => ({ ...defaultCondition("price_cross"), direction: m[1] === "crosses_above" ? "above" : "below", value: m[2] }) },
  { re: new RegExp(`^price (>|<) ${N}$`), make: (m) => ({ ...defaultCondition("price_level"), direction: m[1] === ">" ? "above" : "below", value: m[2] }) },
  { re: new RegExp(`^change\\(${W}\\) (>=|<=) ${N}$`), make: (m) => ({ ...defaultCondition("change"), timeframe: m[1], direction: m[2] === ">=" ? "above" : "below", value: m[3].replace(/^-/, "") }) },
  { re: new RegExp(`^rsi\\((\\d+), ?${TF}\\)(?:\\.value)? (>|<) ${N}$`), make: (m) => ({ ...defaultCondition("rsi"), period: m[1], timeframe: m[2], direction: m[3] === ">" ? "above" : "below", value: m[4] }) },
  {
    re: new RegExp(`^(sma|ema)\\((\\d+), ?${TF}\\)(?:\\.value)? (crosses_above|crosses_below) (sma|ema)\\((\\d+), ?${TF}\\)(?:\\.value)?$`),
    make: (m) => (m[1] === m[5] && m[3] === m[7] ? { ...defaultCondition("ma_cross"), average: m[1] as "sma" | "ema", period: m[2], timeframe: m[3], direction: m[4] === "crosses_above" ? "above" : "below", period2: m[6] } : null) as Condition,
  },
  {
    re: new RegExp(`^macd\\(12, ?26, ?9, ?${TF}\\)(?:\\.macd)? (crosses_above|crosses_below) macd\\(12, ?26, ?9, ?${TF}\\)\\.signal$`),
    make: (m) => (m[1] === m[3] ? { ...defaultCondition("macd_cross"), timeframe: m[1], direction: m[2] === "crosses_above" ? "above" : "below" } : null) as Condition,
  },
  { re: new RegExp(`^price >= bollinger\\(20, ?2, ?${TF}\\)\\.upper$`), make: (m) => ({ ...defaultCondition("bollinger"), timeframe: m[1], direction: "above" }) },
  { re: new RegExp(`^price <= bollinger\\(20, ?2, ?${TF}\\)\\.lower$`), make: (m) => ({ ...defaultCondition("bollinger"), timeframe: m[1], direction: "below" }) },
  { re: new RegExp(`^volume_ratio\\((\\d+), ?${TF}\\) >= ${N}$`), make: (m) => ({ ...defaultCondition("volume_spike"), period: m[1], timeframe: m[2], value: m[3] }) },
];

/**
 * The builder's view of a typed expression, or null when the builder cannot show it
 * (parentheses, mixed and/or, other forms): then the text is sent as it is.
 */
export function parseBuilderExpression(expression: string): { conditions: Condition[]; join: Join } | null {
  const text = expression.trim().replace(/\s+/g, " ");
  if (!text) return null;
  if (/[()]/.test(text.replace(/\b(change|rsi|sma|ema|macd|bollinger|volume_ratio)\([^()]*\)/g, ""))) return null;
  const hasAnd = / and /.test(text);
  const hasOr = / or /.test(text);
  if (hasAnd && hasOr) return null;
  const join: Join = hasOr ? "or" : "and";
  const conditions: Condition[] = [];
  for (const part of text.split(` ${join} `)) {
    let found: Condition | null = null;
    for (const p of PATTERNS) {
      const m = part.match(p.re);
      if (m) {
        found = p.make(m);
        if (found) break;
      }
    }
    if (!found) return null;
    conditions.push(found);
  }
  return { conditions, join };
}

/** A byte offset in UTF-8 text (the server's `position`) as a string index. */
export function byteOffsetToIndex(text: string, byteOffset: number): number {
  const bytes = new TextEncoder().encode(text);
  const clamped = Math.max(0, Math.min(byteOffset, bytes.length));
  return new TextDecoder().decode(bytes.slice(0, clamped)).length;
}

/** The expression split at the error position, for showing a caret under it. */
export function errorSpot(text: string, byteOffset: number): { before: string; at: string; after: string; index: number } {
  const index = byteOffsetToIndex(text, byteOffset);
  const rest = text.slice(index);
  const token = rest.match(/^(\w+|\S)/)?.[0] ?? "";
  return { before: text.slice(0, index), at: token, after: rest.slice(token.length), index };
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/i;

/** "90s", "5m", "1h", "1d" → milliseconds, or null. */
export function parseDuration(text: string): number | null {
  const m = text.trim().match(DURATION);
  if (!m) return null;
  const unit = m[2].toLowerCase();
  const ms = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 0;
  return Math.round(Number(m[1]) * ms);
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
