#include "modules/ai/question.h"

#include "modules/market/indicators/registry.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace tc::ai {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

struct Token {
  std::string text;  // as written
  bool cashtag = false;
  std::size_t pos = 0;
};

std::vector<Token> tokens(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const bool cash = s[i] == '$' && i + 1 < s.size() && std::isalpha(static_cast<unsigned char>(s[i + 1]));
    if (cash || std::isalnum(static_cast<unsigned char>(s[i]))) {
      std::size_t start = cash ? i + 1 : i;
      std::size_t j = start;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '/')) ++j;
      std::string t(s.substr(start, j - start));
      while (!t.empty() && (t.back() == '.' || t.back() == '/')) t.pop_back();
      out.push_back({t, cash, i});
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

const std::set<std::string>& stop_words() {
  static const std::set<std::string> words = {
      "the",     "and",   "for",   "what",   "whats", "what's", "how",   "is",    "are",    "was",
      "with",    "about", "show",  "me",     "tell",  "give",   "of",    "on",    "in",     "at",
      "to",      "a",     "an",    "please", "can",   "you",    "could", "would", "now",    "today",
      "current", "price", "value", "this",   "that",  "does",   "do",    "find",  "search", "any",
      "my",      "i",     "it",    "its",    "get",   "look",   "up",    "from",  "quote",  "latest"};
  return words;
}

}  // namespace

Question parse_question(std::string_view text, const market::Market* market) {
  Question q;
  const auto toks = tokens(text);
  const auto low = lower(text);
  auto add = [&q](const market::Instrument* in) {
    if (in && std::find(q.instruments.begin(), q.instruments.end(), in) == q.instruments.end()) {
      q.instruments.push_back(in);
    }
  };
  if (market) {
    for (const auto& t : toks) {
      if (t.text.size() < 2 || t.text.size() > 12) continue;
      const bool upper =
          std::all_of(t.text.begin(), t.text.end(), [](unsigned char c) { return std::isupper(c) || std::isdigit(c); });
      std::string cleaned;
      for (char c : t.text) {
        if (c != '/') cleaned += c;
      }
      if (t.cashtag || upper || (t.text.size() >= 4 && !stop_words().contains(lower(t.text)))) {
        if (const auto* in = market->find(cleaned)) {
          if (t.cashtag || upper || lower(cleaned) == lower(in->symbol)) {
            add(in);
            continue;
          }
        }
        // BTC → BTCUSD
        if ((t.cashtag || upper) && cleaned.size() <= 5) {
          if (const auto* in = market->find(cleaned + "USD"); in && in->asset_class == "crypto") {
            add(in);
            continue;
          }
        }
      }
      // Names: "bitcoin", "apple", "tesla" (the first word of the instrument's name).
      const auto lt = lower(t.text);
      if (lt.size() >= 4 && !stop_words().contains(lt)) {
        for (const auto& in : market->instruments()) {
          auto first = lower(in.name.substr(0, in.name.find_first_of(" ./,")));
          if (first == lt) {
            add(&in);
            break;
          }
        }
      }
    }
  }
  // Indicators: a known name as a word, with a period right after or before it.
  for (std::size_t i = 0; i < toks.size(); ++i) {
    auto name = lower(toks[i].text);
    if (name == "bollinger" || name == "bb") name = "bollinger";
    if (name == "stochastic" || name == "stoch") name = "stochastic";
    if (!market::ind::find_indicator(name)) continue;
    IndicatorAsk ask{name, std::nullopt};
    auto as_period = [](const std::string& s) -> std::optional<int> {
      if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), ::isdigit)) return std::nullopt;
      const int n = std::stoi(s);
      return n >= 2 && n <= 500 ? std::optional<int>(n) : std::nullopt;
    };
    if (i + 1 < toks.size()) ask.period = as_period(toks[i + 1].text);
    if (!ask.period && i > 0) {
      auto prev = toks[i - 1].text;
      if (prev.size() > 6 && lower(prev).ends_with("period")) prev = prev.substr(0, prev.size() - 6);
      ask.period = as_period(prev);
    }
    if (std::none_of(q.indicators.begin(), q.indicators.end(), [&](const auto& x) { return x.name == ask.name; })) {
      q.indicators.push_back(ask);
    }
  }
  // "moving average" without a name: the SMA.
  if (q.indicators.empty() && low.find("moving average") != std::string::npos) q.indicators.push_back({"sma", {}});
  // Timeframe.
  for (const auto& t : toks) {
    if (auto tf = market::parse_timeframe(lower(t.text))) {
      q.timeframe = tf;
      break;
    }
  }
  if (!q.timeframe) {
    if (low.find("daily") != std::string::npos || low.find(" day") != std::string::npos)
      q.timeframe = market::Timeframe::d1;
    else if (low.find("hourly") != std::string::npos)
      q.timeframe = market::Timeframe::h1;
  }
  // Alerts: "alert … above|below|crosses … <number>".
  if (low.find("alert") != std::string::npos || low.find("notify me") != std::string::npos) {
    const bool below = low.find("below") != std::string::npos || low.find("under") != std::string::npos ||
                       low.find("drops") != std::string::npos || low.find("falls") != std::string::npos;
    for (auto it = toks.rbegin(); it != toks.rend(); ++it) {
      const auto& s = it->text;
      const bool numeric =
          !s.empty() &&
          std::all_of(s.begin(), s.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }) &&
          std::isdigit(static_cast<unsigned char>(s.front())) && std::count(s.begin(), s.end(), '.') <= 1;
      if (numeric) {
        q.alert = AlertAsk{below ? "crosses_below" : "crosses_above", s};
        break;
      }
    }
  }
  for (const auto& t : toks) {
    auto w = lower(t.text);
    if (w.size() >= 3 && !stop_words().contains(w)) q.words.push_back(w);
  }
  return q;
}

std::string search_terms(std::string_view text) {
  std::string out;
  for (const auto& t : tokens(text)) {
    auto w = lower(t.text);
    if (w.size() < 3 || stop_words().contains(w)) continue;
    if (out.size() + w.size() + 1 > 200) break;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace tc::ai
