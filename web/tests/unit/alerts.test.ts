import { describe, expect, it } from "vitest";
import { builderExpression, byteOffsetToIndex, conditionExpression, conditionProblem, defaultCondition, errorSpot, formatDuration, parseBuilderExpression, parseDuration } from "../../src/alerts/builder";
import { backtestSummary, fireBarTimes } from "../../src/alerts/backtest";

describe("alert builder → expression", () => {
  it("writes each condition kind in the server's syntax", () => {
    expect(conditionExpression({ ...defaultCondition("price_cross"), value: "200" })).toBe("price crosses_above 200");
    expect(conditionExpression({ ...defaultCondition("price_cross"), direction: "below", value: "180.50" })).toBe("price crosses_below 180.5");
    expect(conditionExpression({ ...defaultCondition("price_level"), value: "5" })).toBe("price > 5");
    expect(conditionExpression(defaultCondition("change"))).toBe("change(15m) >= 3");
    expect(conditionExpression({ ...defaultCondition("change"), direction: "below" })).toBe("change(15m) <= -3");
    expect(conditionExpression(defaultCondition("rsi"))).toBe("rsi(14, 1h) < 30");
    expect(conditionExpression({ ...defaultCondition("ma_cross", "1d") })).toBe("sma(50, 1d) crosses_above sma(200, 1d)");
    expect(conditionExpression(defaultCondition("macd_cross"))).toBe("macd(12, 26, 9, 1h) crosses_above macd(12, 26, 9, 1h).signal");
    expect(conditionExpression({ ...defaultCondition("bollinger", "15m"), direction: "below" })).toBe("price <= bollinger(20, 2, 15m).lower");
    expect(conditionExpression({ ...defaultCondition("volume_spike", "5m") })).toBe("volume_ratio(20, 5m) >= 3");
  });

  it("joins conditions with and / or", () => {
    const a = { ...defaultCondition("price_cross"), value: "200" };
    const b = { ...defaultCondition("rsi"), direction: "below" as const, value: "70" };
    expect(builderExpression([a, b], "and")).toBe("price crosses_above 200 and rsi(14, 1h) < 70");
    expect(builderExpression([a, b], "or")).toBe("price crosses_above 200 or rsi(14, 1h) < 70");
  });

  it("refuses missing or impossible numbers before sending", () => {
    expect(conditionProblem({ ...defaultCondition("price_cross"), value: "" })).toMatch(/number/);
    expect(conditionProblem({ ...defaultCondition("price_cross"), value: "12abc" })).toMatch(/number/);
    expect(conditionProblem({ ...defaultCondition("rsi"), value: "120" })).toMatch(/0 to 100/);
    expect(conditionProblem({ ...defaultCondition("ma_cross"), period: "50", period2: "50" })).toMatch(/different/);
    expect(conditionProblem({ ...defaultCondition("rsi"), period: "0" })).toMatch(/whole number/);
    expect(conditionProblem(defaultCondition("macd_cross"))).toBeNull();
  });

  it("reads back what it writes, and the server's canonical form", () => {
    const conditions = [
      { ...defaultCondition("price_cross"), value: "200" },
      { ...defaultCondition("rsi"), direction: "above" as const, value: "70" },
      { ...defaultCondition("volume_spike", "5m") },
    ];
    const text = builderExpression(conditions, "or");
    const parsed = parseBuilderExpression(text);
    expect(parsed?.join).toBe("or");
    expect(parsed && builderExpression(parsed.conditions, parsed.join)).toBe(text);
    expect(parseBuilderExpression("rsi(14,1h).value < 30")?.conditions[0]).toMatchObject({ kind: "rsi", period: "14", timeframe: "1h", direction: "below", value: "30" });
    expect(parseBuilderExpression("macd(12,26,9,4h).macd crosses_below macd(12,26,9,4h).signal")?.conditions[0]).toMatchObject({ kind: "macd_cross", timeframe: "4h", direction: "below" });
  });

  it("leaves to the text what the builder cannot show", () => {
    expect(parseBuilderExpression("price crosses_above 200 and (rsi(14, 1h) < 70 or volume_ratio(20, 1h) > 2)")).toBeNull();
    expect(parseBuilderExpression("price > 1 and price < 2 or price > 5")).toBeNull();
    expect(parseBuilderExpression("sma(50, 1d) crosses_above ema(200, 1d)")).toBeNull();
    expect(parseBuilderExpression("stochastic(14, 3, 1h) < 20")).toBeNull();
    expect(parseBuilderExpression("")).toBeNull();
  });
});

describe("expression errors at their position", () => {
  it("turns the server's byte offset into a string index", () => {
    expect(byteOffsetToIndex("price crosses 200", 6)).toBe(6);
    // "é" is two bytes in UTF-8: the byte offset after it is one character less.
    expect(byteOffsetToIndex("é > 1", 3)).toBe(2);
    expect(byteOffsetToIndex("abc", 99)).toBe(3);
  });

  it("splits the text around the offending token", () => {
    expect(errorSpot("price crosses 200", 6)).toEqual({ before: "price ", at: "crosses", after: " 200", index: 6 });
    expect(errorSpot("rsi(14, 1h", 10)).toEqual({ before: "rsi(14, 1h", at: "", after: "", index: 10 });
    expect(errorSpot("price > (", 8).at).toBe("(");
  });
});

describe("durations", () => {
  it("parses cooldowns and writes them back", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("5 minutes")).toBeNull();
    expect(parseDuration("")).toBeNull();
    expect(formatDuration(60_000)).toBe("1m");
    expect(formatDuration(7_200_000)).toBe("2h");
    expect(formatDuration(45_000)).toBe("45s");
  });
});

describe("backtest preview", () => {
  const bars = [0, 3_600_000, 7_200_000, 10_800_000];
  it("puts each fire on the bar it was reported at (the bar's last millisecond)", () => {
    expect(fireBarTimes(bars, [{ time_ms: 3_600_000 - 1, price: 1 }, { time_ms: 10_800_000 + 3_599_999, price: 2 }])).toEqual([0, 10_800_000]);
  });
  it("drops fires outside the drawn bars and repeats on one bar", () => {
    expect(fireBarTimes(bars, [{ time_ms: -5, price: 1 }, { time_ms: 14_400_000 + 10, price: 1 }])).toEqual([]);
    expect(fireBarTimes(bars, [{ time_ms: 100, price: 1 }, { time_ms: 200, price: 1 }])).toEqual([0]);
    expect(fireBarTimes([], [{ time_ms: 1, price: 1 }])).toEqual([]);
  });
  it("summarises", () => {
    expect(backtestSummary(0, 500, "1h")).toMatch(/not have fired over the last 500 1h bars/);
    expect(backtestSummary(1, 500, "1h")).toMatch(/fired once/);
    expect(backtestSummary(7, 500, "1h")).toMatch(/fired 7 times/);
    expect(backtestSummary(0, 0, "1h")).toMatch(/No stored 1h candles/);
  });
});
