#include "modules/ai/offline_engine.h"

#include "modules/ai/learn.h"
#include "modules/ai/numbers.h"
#include "modules/ai/question.h"
#include "modules/market/market.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace tc::ai {

namespace json = boost::json;
using Awaitable = boost::asio::awaitable<OfflineAnswer>;

const char* const kNeedsModel =
    "This answer was assembled by the offline engine from tool results only; free-form reasoning and "
    "open-ended questions need a configured language model (ai.providers).";

namespace {

// Values of a tool result as they are printed (every number is copied from it).
std::string str(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_double()) return num(v.as_double());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_bool()) return v.as_bool() ? "yes" : "no";
  return "";
}
std::string field(const json::value& result, std::string_view key) {
  if (!result.is_object()) return "";
  const auto* v = result.as_object().if_contains(key);
  return v ? str(*v) : "";
}
const json::object* error_of(const json::value& result) {
  if (!result.is_object()) return nullptr;
  const auto* e = result.as_object().if_contains("error");
  return e && e->is_object() ? &e->as_object() : nullptr;
}
std::string error_text(const json::object& e) { return field(e, "detail"); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string tf_name(const Question& q) {
  return std::string(market::name(q.timeframe.value_or(market::Timeframe::h1)));
}

json::object indicator_args(const market::Instrument& in, const IndicatorAsk& ask, const Question& q) {
  json::object a{{"symbol", in.symbol}, {"name", ask.name}, {"timeframe", tf_name(q)}};
  if (ask.period) a["params"] = json::object{{"period", *ask.period}};
  return a;
}

std::string describe_quote(const json::value& r) {
  std::string s = fmt::format("{} ({}): last {} {}, bid {} / ask {}", field(r, "symbol"), field(r, "name"),
                              field(r, "last"), field(r, "currency"), field(r, "bid"), field(r, "ask"));
  if (!field(r, "change_pct").empty()) {
    const bool down = field(r, "change").starts_with("-");
    auto change = field(r, "change");
    auto pct = field(r, "change_pct");
    if (down) {
      change = change.substr(1);
      pct = pct.substr(1);
    }
    s += fmt::format(", {} {} ({}%) since the {}", down ? "down" : "up", change, pct,
                     field(r, "reference") == "previous_close" ? "previous close" : "day's open");
  }
  s += fmt::format("; day range {} to {}", field(r, "day_low"), field(r, "day_high"));
  if (r.as_object().at("simulated").as_bool()) s += " (simulated feed)";
  return s + ".";
}

std::string describe_indicator(const json::value& r) {
  std::string params;
  for (const auto& [k, v] : r.at("params").as_object()) {
    if (!params.empty()) params += ", ";
    params += str(v);
  }
  std::string values;
  const auto& vals = r.at("values").as_object();
  for (const auto& [k, v] : vals) {
    if (!values.empty()) values += ", ";
    values += vals.size() == 1 ? str(v) : fmt::format("{} {}", std::string(k), str(v));
  }
  return fmt::format("{}({}) of {} on {}: {}.", field(r, "indicator"), params, field(r, "symbol"),
                     field(r, "timeframe"), values);
}

std::string no_instrument_hint(const market::Market* market) {
  std::string examples;
  if (market) {
    for (const auto& in : market->instruments()) {
      if (examples.size() > 40) break;
      if (!examples.empty()) examples += ", ";
      examples += "$" + in.symbol;
    }
  }
  return fmt::format("I did not find an instrument in your question. Name one by symbol or cashtag ({}).",
                     examples.empty() ? "e.g. $AAPL" : examples);
}

// An alert proposal from the user's own words ("alert me when AAPL crosses above 250").
// (Pointers: coroutine parameters; the pointees live in the caller's frame.)
boost::asio::awaitable<void> maybe_propose(OfflineRequest* r, const Question* qp, OfflineAnswer* outp) {
  const auto& q = *qp;
  auto& out = *outp;
  if (!q.alert || q.instruments.empty() || r->in_room) co_return;
  const auto* in = q.instruments.front();
  const auto expression = fmt::format("price {} {}", q.alert->direction, q.alert->level);
  json::object args1{
      {"symbol", in->symbol}, {"expression", expression}, {"name", in->symbol + " " + q.alert->direction}};
  auto result = co_await r->call_tool("propose_alert", std::move(args1));
  if (const auto* e = error_of(result)) {
    out.text += fmt::format("\n\nI could not prepare the alert: {}", error_text(*e));
    co_return;
  }
  out.proposals.push_back(result.at("proposal").as_object());
  out.text +=
      fmt::format("\n\nI prepared an alert for you to confirm: {} when `{}`. Nothing is created until you confirm it.",
                  in->symbol, expression);
}

// "what is (3 + 4) * 2?" → "(3 + 4) * 2": from the first to the last character that
// can be part of an arithmetic expression; nullopt when that has no operator.
std::optional<std::string> expression_in(const std::string& text) {
  const std::string allowed = "0123456789.+-*/^%(), ";
  const auto first = text.find_first_of("0123456789(.");
  if (first == std::string::npos) return std::nullopt;
  std::size_t start = first;
  // A function name right before: sqrt(…), round(…).
  while (start > 0 && std::isalpha(static_cast<unsigned char>(text[start - 1]))) --start;
  std::size_t end = start;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (allowed.find(c) != std::string::npos || std::isalpha(static_cast<unsigned char>(c))) {
      if (std::isdigit(static_cast<unsigned char>(c)) || c == ')') end = i + 1;
      continue;
    }
    break;
  }
  auto e = text.substr(start, end - start);
  if (e.find_first_of("+-*/^%") == std::string::npos && e.find('(') == std::string::npos) return std::nullopt;
  return e;
}

// "What is AAPL trading at", "price of", "quote": a quote besides any indicator asked.
bool asks_price(const std::string& question) {
  const auto low = lower(question);
  for (const char* w : {"price", "trading", "quote", "worth", "cost", "how much", "last"}) {
    if (low.find(w) != std::string::npos) return true;
  }
  return false;
}

Awaitable fast(OfflineRequest r) {
  OfflineAnswer out;
  const auto q = parse_question(r.question, r.market);
  if (q.instruments.empty()) {
    if (auto e = expression_in(r.question)) {
      json::object args2{{"expression", *e}};
      auto res = co_await r.call_tool("math", std::move(args2));
      if (!error_of(res)) {
        out.text = fmt::format("{} = {}", *e, field(res, "text"));
        co_return out;
      }
    }
    out.text = no_instrument_hint(r.market) + " " + kNeedsModel;
    co_return out;
  }
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < q.instruments.size() && i < 3; ++i) {
    const auto& in = *q.instruments[i];
    if (q.indicators.empty() || q.alert || asks_price(r.question)) {
      json::object args3{{"symbol", in.symbol}};
      auto res = co_await r.call_tool("quote", std::move(args3));
      lines.push_back(error_of(res) ? fmt::format("{}: {}", in.symbol, error_text(*error_of(res)))
                                    : describe_quote(res));
    }
    for (std::size_t k = 0; k < q.indicators.size() && k < 3; ++k) {
      auto res = co_await r.call_tool("indicator", indicator_args(in, q.indicators[k], q));
      lines.push_back(error_of(res)
                          ? fmt::format("{} {}: {}", in.symbol, q.indicators[k].name, error_text(*error_of(res)))
                          : describe_indicator(res));
    }
  }
  for (const auto& l : lines) out.text += (out.text.empty() ? "" : "\n") + l;
  co_await maybe_propose(&r, &q, &out);
  co_return out;
}

Awaitable deep_thinking(OfflineRequest r) {
  OfflineAnswer out;
  const auto q = parse_question(r.question, r.market);
  std::vector<std::string> steps;
  if (!q.instruments.empty()) {
    std::string names;
    for (const auto* in : q.instruments) names += (names.empty() ? "" : ", ") + in->symbol;
    steps.push_back("Identify the instruments: " + names);
    steps.push_back("Read the latest quote of each");
    steps.push_back("Chart analysis on " + tf_name(q) + ": trend, levels, patterns");
    steps.push_back(q.indicators.empty() ? "Momentum: the RSI" : "The indicators you asked for");
  } else {
    steps.push_back("No instrument named: search the platform for the question's terms");
  }
  if (!r.file_ids.empty()) steps.push_back("Analyse the attached files");
  steps.push_back("Write down the findings and what they do not answer");
  r.on_plan(steps);
  std::string text = "Plan:\n";
  for (const auto& s : steps) text += "- " + s + "\n";
  std::vector<std::string> shows, gaps;
  for (std::size_t i = 0; i < q.instruments.size() && i < 2; ++i) {
    const auto& in = *q.instruments[i];
    json::object args4{{"symbol", in.symbol}};
    auto quote = co_await r.call_tool("quote", std::move(args4));
    if (!error_of(quote)) shows.push_back(describe_quote(quote));
    json::object args5{{"symbol", in.symbol}, {"timeframe", tf_name(q)}};
    auto analysis = co_await r.call_tool("chart_analysis", std::move(args5));
    if (const auto* e = error_of(analysis)) {
      gaps.push_back(fmt::format("chart analysis of {}: {}", in.symbol, error_text(*e)));
    } else {
      const auto& t = analysis.at("trend");
      shows.push_back(fmt::format(
          "{} on {}: trend {} (strength {}, over {} bars); {} price levels, {} candlestick and "
          "{} chart patterns found.",
          in.symbol, tf_name(q), field(t, "direction"), field(t, "strength"), field(t, "bars"),
          field(analysis, "levels_count"), field(analysis, "patterns_count"), field(analysis, "chart_patterns_count")));
    }
    std::vector<IndicatorAsk> asks = q.indicators;
    if (asks.empty()) asks.push_back({"rsi", 14});
    for (const auto& ask : asks) {
      auto res = co_await r.call_tool("indicator", indicator_args(in, ask, q));
      if (const auto* e = error_of(res))
        gaps.push_back(fmt::format("{} of {}: {}", ask.name, in.symbol, error_text(*e)));
      else
        shows.push_back(describe_indicator(res));
    }
  }
  if (q.instruments.empty()) {
    const auto terms = search_terms(r.question);
    if (!terms.empty()) {
      json::object args6{{"query", terms}};
      auto found = co_await r.call_tool("platform_search", std::move(args6));
      if (!error_of(found)) {
        shows.push_back(fmt::format("The platform search for \"{}\" found {} item(s).", terms, field(found, "count")));
        for (const auto& item : found.at("results").as_array()) {
          if (shows.size() > 6) break;
          shows.push_back(fmt::format("\"{}\" ({})", field(item, "text"),
                                      field(item, "kind") == "room_message"
                                          ? "room " + field(item, "room_name")
                                          : "your conversation " + field(item, "title")));
        }
      }
    }
  }
  for (const auto& f : r.file_ids) {
    json::object args7{{"file_id", f}};
    auto res = co_await r.call_tool("file_analysis", std::move(args7));
    if (const auto* e = error_of(res))
      gaps.push_back(fmt::format("file {}: {}", f, error_text(*e)));
    else
      shows.push_back(fmt::format("File {} analysed ({}).", field(res, "filename"), field(res, "kind")));
  }
  text += "\nFindings, what the data shows:\n";
  if (shows.empty()) text += "- nothing the tools could measure for this question\n";
  for (const auto& s : shows) text += "- " + s + "\n";
  text += "\nWhat it does not show:\n";
  for (const auto& g : gaps) text += "- " + g + "\n";
  text += "- why the market moves, or what it will do next: the tools measure, they do not explain\n";
  text += std::string("\n") + kNeedsModel;
  out.text = std::move(text);
  co_return out;
}

bool asks_for_advice(const std::string& low) {
  for (const char* w : {"should i buy", "should i sell", "buy or sell", "should i short", "should i go long",
                        "is it a buy", "good buy", "should i hold", "should i enter", "should i exit"}) {
    if (low.find(w) != std::string::npos) return true;
  }
  return false;
}

Awaitable trade_buddy(OfflineRequest r) {
  OfflineAnswer out;
  const auto low = lower(r.question);
  std::string text;
  if (asks_for_advice(low)) {
    text +=
        "I won't tell you whether to buy or sell anything: that decision is yours, and your own rules are the "
        "best guide for it. Let's look at how you are doing instead.\n\n";
  }
  struct Mood {
    const char* word;
    const char* reply;
  };
  const Mood moods[] = {{"revenge", "Wanting to win it back right away is the classic tilt feeling."},
                        {"angry", "Anger makes every next trade feel urgent."},
                        {"frustrat", "Frustration is a signal to slow down, not to speed up."},
                        {"fomo", "Fear of missing out pushes entries you did not plan."},
                        {"anxious", "Anxiety narrows attention; a pause helps."},
                        {"nervous", "Nerves are normal; your plan exists for exactly this moment."},
                        {"tired", "Tired decisions are rarely your best ones."},
                        {"excited", "Excitement after a win can be as risky as frustration after a loss."},
                        {"great", "Good to hear. Staying with your process is what keeps it that way."},
                        {"lost", "Losses hurt; what matters now is the next decision, not the last one."}};
  std::string mood;
  for (const auto& m : moods) {
    if (low.find(m.word) != std::string::npos) {
      mood = m.reply;
      break;
    }
  }
  text += mood.empty() ? "How are you feeling right now, calm, frustrated, excited, tired? Naming it helps."
                       : mood + std::string(" How strong is that feeling right now?");
  json::object args8{};
  auto activity = co_await r.call_tool("activity_summary", std::move(args8));
  if (!error_of(activity)) {
    const auto& signals = activity.at("signals").as_array();
    text += "\n\nFrom your own recent activity:";
    text += fmt::format("\n- {} messages to the assistant in the last hour", field(activity, "assistant_messages_1h"));
    if (activity.as_object().contains("alerts_changed_24h")) {
      text += fmt::format("\n- {} alerts created or changed in the last {} hours ({} active)",
                          field(activity, "alerts_changed_24h"), field(activity, "window_hours"),
                          field(activity, "alerts_active"));
    }
    if (signals.empty()) {
      text += "\n- no tilt signals: no bursts of messages and no churn of alerts.";
    }
    for (const auto& s : signals) {
      const auto name = field(s, "signal");
      if (name == "message_burst") {
        text += fmt::format(
            "\n- tilt signal: {} messages in {} minutes. A burst like this often comes with "
            "urgency; consider a short break.",
            field(s, "count_15m"), field(activity, "burst_window_minutes"));
      } else if (name == "alert_churn") {
        text += fmt::format(
            "\n- tilt signal: {} alerts created or changed in {} hours. Changing levels often "
            "can mean chasing the price.",
            field(s, "count_24h"), field(activity, "window_hours"));
      }
    }
  }
  json::object args9{};
  auto rules = co_await r.call_tool("trading_rules", std::move(args9));
  if (!error_of(rules)) {
    const auto& list = rules.at("rules").as_array();
    if (list.empty()) {
      text +=
          "\n\nYou have not written down any trading rules yet. Rules you set for yourself (Settings, "
          "trading rules) are what I remind you of when things get heated.";
    } else {
      text += "\n\nYour own rules:";
      for (const auto& rule : list) text += "\n- " + str(rule);
    }
  }
  out.text = std::move(text);
  co_return out;
}

// The exercise the previous assistant turn asked, from its text ("Exercise rsi-1:").
std::optional<std::string> pending_exercise(const std::vector<Turn>& history) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->role != "assistant") continue;
    const auto pos = it->content.rfind("Exercise `");
    if (pos == std::string::npos) return std::nullopt;
    const auto end = it->content.find('`', pos + 10);
    if (end == std::string::npos) return std::nullopt;
    return it->content.substr(pos + 10, end - pos - 10);
  }
  return std::nullopt;
}

std::string present_exercise(const json::object& lesson, const json::object& progress) {
  // The first exercise of the lesson not solved yet (else the first).
  std::set<std::string> solved;
  for (const auto& l : progress.at("lessons").as_array()) {
    for (const auto& e : l.at("exercises").as_array()) {
      if (e.at("solved").as_bool()) solved.insert(std::string(e.at("id").as_string()));
    }
  }
  const auto& exercises = lesson.at("exercises").as_array();
  const json::value* pick = exercises.empty() ? nullptr : &exercises.front();
  for (const auto& e : exercises) {
    if (!solved.contains(std::string(e.at("id").as_string()))) {
      pick = &e;
      break;
    }
  }
  if (!pick) return "";
  std::string s = fmt::format("\n\nExercise `{}`: {}", field(*pick, "id"), field(*pick, "question"));
  if (const auto* c = pick->as_object().if_contains("choices")) {
    char letter = 'a';
    for (const auto& choice : c->as_array()) s += fmt::format("\n  {}) {}", letter++, str(choice));
  }
  return s + "\n\nReply with your answer.";
}

Awaitable learn(OfflineRequest r) {
  OfflineAnswer out;
  json::object args10{{"action", "list"}};
  auto progress = co_await r.call_tool("learn", std::move(args10));
  const Lesson* chosen = lesson_for(r.question);
  const auto pending = pending_exercise(r.history);
  if (!chosen && pending) {
    json::object args11{{"action", "check"}, {"exercise_id", *pending}, {"answer", r.question.substr(0, 200)}};
    auto checked = co_await r.call_tool("learn", std::move(args11));
    if (const auto* e = error_of(checked)) {
      out.text = "I could not check that answer: " + error_text(*e);
      co_return out;
    }
    const bool ok = checked.at("correct").as_bool();
    out.text =
        ok ? fmt::format("Correct. {}", field(checked, "explanation"))
           : fmt::format("Not quite: the answer is {}. {}", field(checked, "expected"), field(checked, "explanation"));
    co_return out;
  }
  if (!chosen) {
    std::string text = "The curriculum (say a lesson's name to start it):";
    const Lesson* next = nullptr;
    for (const auto& l : progress.at("lessons").as_array()) {
      text += fmt::format("\n- {}: {} of {} exercises solved", field(l, "title"), field(l, "solved"),
                          field(l, "exercise_count"));
      if (!next && !l.at("complete").as_bool()) next = find_lesson(field(l, "id"));
    }
    text += fmt::format("\n\nYou have solved {} of {} exercises.", field(progress, "solved"), field(progress, "total"));
    if (next) text += " Next up: " + next->title + ".";
    out.text = std::move(text);
    co_return out;
  }
  json::object args12{{"action", "lesson"}, {"lesson_id", chosen->id}};
  auto lesson = co_await r.call_tool("learn", std::move(args12));
  if (const auto* e = error_of(lesson)) {
    out.text = error_text(*e);
    co_return out;
  }
  std::string text = "Lesson: " + field(lesson, "title");
  for (const auto& s : lesson.at("steps").as_array()) text += "\n- " + str(s);
  text += present_exercise(lesson.as_object(), progress.as_object());
  out.text = std::move(text);
  co_return out;
}

Awaitable stock_analysis(OfflineRequest r) {
  OfflineAnswer out;
  const auto q = parse_question(r.question, r.market);
  if (q.instruments.empty()) {
    out.text = no_instrument_hint(r.market);
    co_return out;
  }
  const auto& in = *q.instruments.front();
  json::object a{{"symbol", in.symbol}, {"timeframe", tf_name(q)}};
  if (q.instruments.size() > 1) a["benchmark"] = q.instruments[1]->symbol;
  auto rep = co_await r.call_tool("stock_report", a);
  if (const auto* e = error_of(rep)) {
    out.text = fmt::format("I could not build the report for {}: {}", in.symbol, error_text(*e));
    co_return out;
  }
  const auto& s = rep.at("sections").as_object();
  std::string t = fmt::format("Deep analysis of {} ({}), {} candles, {} bars.", field(rep, "symbol"),
                              field(rep, "name"), field(rep, "timeframe"), field(rep, "bars"));
  const auto& trend = s.at("trend");
  t += fmt::format("\n\nTrend: {} (strength {}, fit over {} bars). Last close {}", field(trend, "direction"),
                   field(trend, "strength"), field(trend, "bars"), field(trend, "last_close"));
  if (trend.as_object().contains("sma20_vs_sma50")) {
    t += fmt::format(", {} its {}-bar average ({}); that average is {} the {}-bar average ({})",
                     field(trend, "close_vs_sma20"), field(trend, "sma_fast_period"), field(trend, "sma20"),
                     field(trend, "sma20_vs_sma50"), field(trend, "sma_slow_period"), field(trend, "sma50"));
  }
  t += ".";
  const auto& mom = s.at("momentum");
  t += "\n\nMomentum:";
  if (mom.as_object().contains("rsi14")) {
    t += fmt::format(" RSI(14) {} ({})", field(mom, "rsi14"), field(mom, "rsi_zone"));
  }
  if (mom.as_object().contains("macd")) {
    t += fmt::format("; MACD {}, signal {}, histogram {} ({})", field(mom.at("macd"), "macd"),
                     field(mom.at("macd"), "signal"), field(mom.at("macd"), "histogram"), field(mom, "macd_bias"));
  }
  if (mom.as_object().contains("roc10")) {
    t += fmt::format("; {}-bar rate of change {}%", field(mom, "roc_period"), field(mom, "roc10"));
  }
  t += ".";
  const auto& vol = s.at("volatility");
  t += "\n\nVolatility:";
  if (vol.as_object().contains("atr14")) {
    t += fmt::format(" ATR({}) {} ({}% of the price);", field(vol, "atr_period"), field(vol, "atr14"),
                     field(vol, "atr_pct_of_price"));
  }
  t += fmt::format(" bar returns vary by {}% (standard deviation over {} bars)",
                   field(vol, "stddev_return_pct_per_bar"), field(vol, "bars"));
  if (vol.as_object().contains("bollinger_width_pct")) {
    t += fmt::format("; Bollinger band width {}%", field(vol, "bollinger_width_pct"));
  }
  t += ".";
  const auto& lv = s.at("levels");
  t += "\n\nLevels:";
  if (lv.as_object().contains("nearest_support")) t += " nearest support " + field(lv, "nearest_support") + ";";
  if (lv.as_object().contains("nearest_resistance"))
    t += " nearest resistance " + field(lv, "nearest_resistance") + ";";
  t += fmt::format(" {} levels in all (drawn on the chart).", field(lv, "count"));
  const auto& pat = s.at("patterns");
  t += "\n\nPatterns:";
  const auto& candles = pat.at("candlestick").as_array();
  const auto& charts = pat.at("chart").as_array();
  if (candles.empty() && charts.empty()) t += " none recognised in the recent bars.";
  for (std::size_t i = candles.size() > 3 ? candles.size() - 3 : 0; i < candles.size(); ++i) {
    t += fmt::format(" {} ({}, confidence {});", field(candles[i], "name"), field(candles[i], "direction"),
                     field(candles[i], "confidence"));
  }
  for (const auto& c : charts) {
    t += fmt::format(" {} ({}, level {}, {});", field(c, "name"), field(c, "direction"), field(c, "level"),
                     c.at("confirmed").as_bool() ? "confirmed" : "not confirmed");
  }
  const auto& rs = s.at("relative_strength");
  t += fmt::format("\n\nRelative strength: {}% over {} bars", field(rs, "return_pct"), field(rs, "bars"));
  if (rs.as_object().contains("benchmark")) {
    t += fmt::format(" against {}% for {}: it {} by {} points", field(rs, "benchmark_return_pct"),
                     field(rs, "benchmark"), field(rs, "verdict"), field(rs, "difference_pct"));
  }
  t += ".";
  const auto& risk = s.at("risk");
  t += fmt::format("\n\nRisk: the deepest fall from a high over {} bars was {}%", field(risk, "bars"),
                   field(risk, "max_drawdown_pct"));
  if (risk.as_object().contains("support_distance_atr")) {
    t += fmt::format("; the nearest support is {} ATRs below the close", field(risk, "support_distance_atr"));
  }
  t += ".\n\nThis is a measurement of the chart, not advice to trade. ";
  t += kNeedsModel;
  out.text = std::move(t);
  out.annotations = rep.at("annotations");
  co_await maybe_propose(&r, &q, &out);
  co_return out;
}

Awaitable web_search(OfflineRequest r) {
  OfflineAnswer out;
  auto terms = search_terms(r.question);
  if (terms.empty()) terms = r.question.substr(0, 200);
  json::object args13{{"query", terms}};
  auto res = co_await r.call_tool("web_search", std::move(args13));
  if (const auto* e = error_of(res)) {
    out.text = "The research tool failed: " + error_text(*e);
    co_return out;
  }
  const auto& sources = res.at("sources").as_array();
  std::string t = fmt::format("Research for \"{}\" ({}):", terms, field(res, "backend"));
  if (sources.empty()) t += "\nNo source mentions it.";
  for (const auto& s : sources) {
    const auto& passages = s.at("passages").as_array();
    const auto excerpt = passages.empty() ? field(s, "snippet") : str(passages.front());
    t += fmt::format("\n- [{}] {}: \"{}\"", field(s, "number"), field(s, "title"), excerpt);
    out.citations.push_back(json::object{{"title", s.at("title")}, {"url", s.at("url")}});
  }
  t += std::string("\n\nThese are the sources' own words, cited as found. ") + kNeedsModel;
  out.text = std::move(t);
  co_return out;
}

Awaitable search(OfflineRequest r) {
  OfflineAnswer out;
  auto terms = search_terms(r.question);
  if (terms.empty()) {
    out.text = "What should I search for? Give me a word or two.";
    co_return out;
  }
  json::object args14{{"query", terms}};
  auto res = co_await r.call_tool("platform_search", std::move(args14));
  // Nothing for the whole phrase: each word on its own (the longest first).
  if (!error_of(res) && res.at("results").as_array().empty() && terms.find(' ') != std::string::npos) {
    auto q = parse_question(terms, nullptr);
    std::sort(q.words.begin(), q.words.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    terms = q.words.front();
    json::object args15{{"query", terms}};
    res = co_await r.call_tool("platform_search", std::move(args15));
  }
  if (const auto* e = error_of(res)) {
    out.text = "The search failed: " + error_text(*e);
    co_return out;
  }
  const auto& results = res.at("results").as_array();
  std::string t = fmt::format("Found {} result(s) for \"{}\":", field(res, "count"), terms);
  if (results.empty()) t = fmt::format("Nothing in your rooms or conversations mentions \"{}\".", terms);
  for (const auto& item : results) {
    if (field(item, "kind") == "room_message") {
      t += fmt::format("\n- in room {}: \"{}\"", field(item, "room_name"), field(item, "text"));
    } else {
      t += fmt::format("\n- in your conversation \"{}\": \"{}\"", field(item, "title"), field(item, "text"));
    }
  }
  out.text = std::move(t);
  co_return out;
}

}  // namespace

boost::asio::awaitable<OfflineAnswer> answer_offline(OfflineRequest request) {
  const auto& id = request.mode->id;
  if (id == "deep_thinking") co_return co_await deep_thinking(std::move(request));
  if (id == "trade_buddy") co_return co_await trade_buddy(std::move(request));
  if (id == "learn") co_return co_await learn(std::move(request));
  if (id == "stock_analysis") co_return co_await stock_analysis(std::move(request));
  if (id == "web_search") co_return co_await web_search(std::move(request));
  if (id == "search") co_return co_await search(std::move(request));
  co_return co_await fast(std::move(request));
}

}  // namespace tc::ai
