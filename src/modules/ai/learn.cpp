#include "modules/ai/learn.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace tc::ai {

namespace json = boost::json;

const std::vector<Lesson>& curriculum() {
  static const std::vector<Lesson> lessons = {
      {"candles",
       "Reading candlesticks",
       {"candle", "candlestick", "ohlc", "wick"},
       {"A candle summarises one period: open, high, low and close (OHLC).",
        "The body spans open to close; it is green (up) when close > open, red (down) otherwise.",
        "The wicks reach the period's high and low: long wicks mean price was pushed away from there."},
       {{"candles-1",
         "A candle opened at 10 and closed at 12. Is it (a) up or (b) down?",
         {"up", "down"},
         "a",
         0,
         "Close above open: an up (green) candle."},
        {"candles-2",
         "A candle has high 15, low 9, open 10, close 14. How long is its range (high minus low)?",
         {},
         "6",
         0,
         "Range = high - low = 15 - 9."}}},
      {"trend",
       "Trends and moving averages",
       {"trend", "moving average", "sma", "ema", "average"},
       {"A trend is a run of higher highs and higher lows (up) or lower highs and lower lows (down).",
        "A simple moving average (SMA) is the mean of the last N closes; an EMA weights recent closes more.",
        "Price above a rising average is a common description of an uptrend; averages lag price."},
       {{"trend-1",
         "The last 4 closes are 10, 11, 12, 13. What is their simple moving average?",
         {},
         "11.5",
         0.001,
         "(10 + 11 + 12 + 13) / 4."},
        {"trend-2",
         "Which reacts faster to a new price: (a) SMA or (b) EMA of the same length?",
         {"SMA", "EMA"},
         "b",
         0,
         "The EMA weights the newest close most."}}},
      {"rsi",
       "Momentum and the RSI",
       {"rsi", "momentum", "overbought", "oversold", "relative strength index"},
       {"The Relative Strength Index compares average gains with average losses over N periods (14 by default).",
        "RSI = 100 - 100 / (1 + RS), where RS = average gain / average loss; it runs from 0 to 100.",
        "Readings above 70 are called overbought and below 30 oversold: descriptions, not signals."},
       {{"rsi-1",
         "If average gain equals average loss, RS is 1. What is the RSI?",
         {},
         "50",
         0.001,
         "100 - 100 / (1 + 1) = 50."},
        {"rsi-2",
         "An RSI of 78 is conventionally called (a) oversold, (b) neutral or (c) overbought?",
         {"oversold", "neutral", "overbought"},
         "c",
         0,
         "Above 70 is the overbought zone."}}},
      {"volatility",
       "Volatility and the ATR",
       {"volatility", "atr", "average true range", "bollinger"},
       {"Volatility is how much price moves. The true range of a bar is the largest of: high - low, |high - previous "
        "close|, |low - previous close|.",
        "The Average True Range (ATR) averages it over N bars; it is in price units, not percent.",
        "Bollinger Bands sit a number of standard deviations around a moving average; they widen as volatility grows."},
       {{"volatility-1",
         "High 105, low 100, previous close 98. What is the true range?",
         {},
         "7",
         0.001,
         "The largest of 5, |105 - 98| = 7 and |100 - 98| = 2."}}},
      {"support",
       "Support and resistance",
       {"support", "resistance", "level", "levels", "breakout"},
       {"Support is a price area where falls have repeatedly stopped; resistance where rises have stopped.",
        "A level is stronger the more often it was touched and the closer it is.",
        "When a level breaks, the old resistance often becomes support (and the reverse)."},
       {{"support-1",
         "Price bounced up from 50 three times. Is 50 (a) support or (b) resistance?",
         {"support", "resistance"},
         "a",
         0,
         "Falls stopped there: support."}}},
      {"risk",
       "Position sizing and risk",
       {"risk", "position size", "stop", "stop loss", "risk reward", "sizing"},
       {"Risk per trade is the amount lost if the stop is hit: (entry - stop) x quantity.",
        "Many traders cap it at a fixed share of their account, e.g. 1%.",
        "Risk/reward compares the distance to the target with the distance to the stop."},
       {{"risk-1",
         "Account 10000, risking 1% per trade. How much may one trade lose?",
         {},
         "100",
         0.001,
         "1% of 10000."},
        {"risk-2",
         "Entry 50, stop 48, target 56. What is the reward-to-risk ratio?",
         {},
         "3",
         0.001,
         "Reward 6, risk 2: 6 / 2 = 3."}}},
  };
  return lessons;
}

const Lesson* find_lesson(std::string_view id) {
  for (const auto& l : curriculum()) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

std::optional<std::pair<const Lesson*, const Exercise*>> find_exercise(std::string_view exercise_id) {
  for (const auto& l : curriculum()) {
    for (const auto& e : l.exercises) {
      if (e.id == exercise_id) return std::make_pair(&l, &e);
    }
  }
  return std::nullopt;
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
bool has_word(const std::string& text, const std::string& word) {
  for (auto pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    const bool left = pos == 0 || !std::isalnum(static_cast<unsigned char>(text[pos - 1]));
    const auto end = pos + word.size();
    const bool right =
        end >= text.size() || !std::isalnum(static_cast<unsigned char>(text[end])) ||
        (text[end] == 's' && (end + 1 >= text.size() || !std::isalnum(static_cast<unsigned char>(text[end + 1]))));
    if (left && right) return true;
  }
  return false;
}
}  // namespace

const Lesson* lesson_for(std::string_view text) {
  const auto t = lower(text);
  for (const auto& l : curriculum()) {
    if (has_word(t, l.id)) return &l;
    for (const auto& k : l.keywords) {
      if (has_word(t, k)) return &l;
    }
  }
  return nullptr;
}

Checked check_answer(const Exercise& e, std::string_view given) {
  auto g = lower(given);
  g.erase(0, g.find_first_not_of(" \t\r\n("));
  while (!g.empty() && std::string(" \t\r\n.)!%").find(g.back()) != std::string::npos) g.pop_back();
  Checked out;
  out.explanation = e.explanation;
  if (!e.choices.empty()) {
    const auto index = static_cast<std::size_t>(e.answer[0] - 'a');
    out.expected = e.answer + ") " + e.choices[index];
    out.correct =
        g == e.answer || g == lower(e.choices[index]) || g.starts_with(e.answer + ")") || g.starts_with(e.answer + " ");
    return out;
  }
  out.expected = e.answer;
  // The first number in the answer.
  auto pos = g.find_first_of("-0123456789.");
  double value = 0;
  if (pos != std::string::npos) {
    auto end = pos;
    while (end < g.size() &&
           (std::isdigit(static_cast<unsigned char>(g[end])) || g[end] == '.' || g[end] == '-' || g[end] == ',')) {
      ++end;
    }
    std::string digits;
    for (auto i = pos; i < end; ++i) {
      if (g[i] != ',') digits += g[i];
    }
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc()) {
      double expected = 0;
      std::from_chars(e.answer.data(), e.answer.data() + e.answer.size(), expected);
      out.correct = std::fabs(value - expected) <= std::max(e.tolerance, 1e-9);
    }
  }
  return out;
}

json::object lesson_json(const Lesson& l, bool with_steps) {
  json::object o{{"id", l.id}, {"title", l.title}};
  json::array ex;
  for (const auto& e : l.exercises) {
    json::object x{{"id", e.id}, {"question", e.question}};
    if (!e.choices.empty()) {
      json::array c;
      for (const auto& s : e.choices) c.push_back(json::value(s));
      x["choices"] = std::move(c);
    }
    ex.push_back(std::move(x));
  }
  o["exercises"] = std::move(ex);
  if (with_steps) {
    json::array s;
    for (const auto& t : l.steps) s.push_back(json::value(t));
    o["steps"] = std::move(s);
  }
  return o;
}

}  // namespace tc::ai
