// Number extraction and the grounding check. The scanner works on bytes (UTF-8
// safe: every byte it inspects specially is ASCII, or a whole multi-byte sequence
// it names). The rules are documented in docs/ai.md, "Grounded numbers".
#include "modules/ai/tools/grounding.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace tc::ai::tools {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals_at(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (lower(text[at + k]) != lower(word[k])) return false;
  return true;
}

// The word (letters only) that ends at `end` (exclusive), skipping spaces before it.
std::string_view word_before(std::string_view text, std::size_t end) {
  while (end > 0 && text[end - 1] == ' ') --end;
  std::size_t b = end;
  while (b > 0 && (is_alpha(text[b - 1]) || text[b - 1] == '&' || text[b - 1] == '.')) --b;
  return text.substr(b, end - b);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (lower(a[k]) != lower(b[k])) return false;
  return true;
}

bool one_of(std::string_view w, std::initializer_list<std::string_view> words) {
  for (auto x : words)
    if (iequals(w, x)) return true;
  return false;
}

// Index and indicator names whose number is part of the name or a parameter, not a
// figure: "S&P 500", "RSI(14)", "EMA 20", "MACD(12, 26, 9)".
bool is_index_name(std::string_view w) {
  return one_of(w, {"S&P", "FTSE", "DAX", "Nasdaq", "Russell", "Nikkei", "CAC", "Stoxx", "ASX", "Hang Seng", "IBEX",
                    "MIB", "KOSPI", "Sensex", "Nifty"});
}
bool is_indicator_name(std::string_view w) {
  return one_of(w, {"RSI",   "EMA",      "SMA",       "MA",   "WMA", "ATR", "ADX",      "CCI",    "BB",      "MACD",
                    "Stoch", "StochRSI", "Bollinger", "VWMA", "ROC", "MFI", "Williams", "period", "periods", "length"});
}
bool is_month_or_quarter(std::string_view w) {
  return one_of(w, {"Jan", "January", "Feb", "February", "Mar", "March",    "Apr", "April", "May",
                    "Jun", "June",    "Jul", "July",     "Aug", "August",   "Sep", "Sept",  "September",
                    "Oct", "October", "Nov", "November", "Dec", "December", "FY",  "since", "in"});
}

struct Scanned {
  std::size_t end = 0;
  double value = 0;
  int decimals = 0;
};

// Digits with optional thousands groups ("1,234,567") and decimals, from `i`.
Scanned scan_plain(std::string_view t, std::size_t i) {
  std::string digits;
  std::size_t k = i;
  std::size_t lead = 0;
  while (k < t.size() && is_digit(t[k])) digits += t[k++], ++lead;
  if (lead >= 1 && lead <= 3) {
    while (k + 3 < t.size() && t[k] == ',' && is_digit(t[k + 1]) && is_digit(t[k + 2]) && is_digit(t[k + 3]) &&
           (k + 4 >= t.size() || !is_digit(t[k + 4]))) {
      digits.append(t.substr(k + 1, 3));
      k += 4;
    }
  }
  int decimals = 0;
  if (k + 1 < t.size() && t[k] == '.' && is_digit(t[k + 1])) {
    digits += '.';
    ++k;
    while (k < t.size() && is_digit(t[k])) digits += t[k++], ++decimals;
  }
  if (digits.empty()) return {i, 0, 0};
  if (digits.front() == '.') digits.insert(digits.begin(), '0');
  return {k, std::strtod(digits.c_str(), nullptr), decimals};
}

// Currency signs written before an amount: "$", "€", "£", "¥".
std::size_t currency_before(std::string_view t, std::size_t at) {
  if (at >= 1 && t[at - 1] == '$') return 1;
  static constexpr std::array<std::string_view, 3> signs{"\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5"};
  for (auto s : signs)
    if (at >= s.size() && t.substr(at - s.size(), s.size()) == s) return s.size();
  return 0;
}

// A sign written before the number (after any currency): '-', '+', U+2212 — only when
// what precedes it is not a word character, so "10-12" is a range, not 10 and -12.
std::size_t sign_before(std::string_view t, std::size_t at, bool* negative) {
  std::size_t n = 0;
  if (at >= 1 && (t[at - 1] == '-' || t[at - 1] == '+')) n = 1;
  if (at >= 3 && t.substr(at - 3, 3) == "\xE2\x88\x92") n = 3;
  if (n == 0) return 0;
  if (at > n && (is_word(t[at - n - 1]) || t[at - n - 1] == '.')) return 0;
  *negative = t[at - n] != '+';
  return n;
}

bool at_line_start(std::string_view t, std::size_t at) {
  while (at > 0 && (t[at - 1] == ' ' || t[at - 1] == '\t' || t[at - 1] == '#' || t[at - 1] == '>')) --at;
  return at == 0 || t[at - 1] == '\n';
}

// Dates and times as written: 2024-05-01, 2024-05-01T14:30, 14:30, 14:30:05,
// 05/01/2024. Returns the end of the token or `at` when there is none.
std::size_t date_or_time_end(std::string_view t, std::size_t at) {
  auto digits = [&](std::size_t k, std::size_t n) {
    if (k + n > t.size()) return false;
    for (std::size_t j = 0; j < n; ++j)
      if (!is_digit(t[k + j])) return false;
    return k + n == t.size() || !is_digit(t[k + n]);
  };
  auto time_from = [&](std::size_t k) -> std::size_t {  // HH:MM[:SS] at k
    std::size_t h = 0;
    while (k + h < t.size() && is_digit(t[k + h]) && h < 3) ++h;
    if (h < 1 || h > 2 || k + h >= t.size() || t[k + h] != ':' || !digits(k + h + 1, 2)) return k;
    std::size_t e = k + h + 3;
    if (e < t.size() && t[e] == ':' && digits(e + 1, 2)) e += 3;
    return e;
  };
  if (digits(at, 4) && at + 4 < t.size() && t[at + 4] == '-' && digits(at + 5, 2) && at + 7 < t.size() &&
      t[at + 7] == '-' && digits(at + 8, 2)) {
    std::size_t e = at + 10;
    if (e < t.size() && (t[e] == 'T' || t[e] == ' ')) {
      std::size_t te = time_from(e + 1);
      if (te != e + 1) e = te;
    }
    return e;
  }
  std::size_t te = time_from(at);
  if (te != at) return te;
  // d/m/y or m/d/y
  std::size_t k = at, parts = 0;
  while (parts < 3) {
    std::size_t n = 0;
    while (k + n < t.size() && is_digit(t[k + n])) ++n;
    if (n == 0 || n > 4) break;
    k += n;
    ++parts;
    if (parts < 3) {
      if (k >= t.size() || t[k] != '/') break;
      ++k;
    }
  }
  return parts == 3 ? k : at;
}

struct Multiplier {
  std::size_t length = 0;
  double factor = 1;
};

Multiplier multiplier_after(std::string_view t, std::size_t k) {
  auto standalone = [&](std::size_t e) { return e >= t.size() || !is_word(t[e]); };
  if (k < t.size()) {
    char c = t[k];
    if ((c == 'k' || c == 'K') && standalone(k + 1)) return {1, 1e3};
    if (c == 'M' && standalone(k + 1)) return {1, 1e6};
    if (c == 'B' && standalone(k + 1)) return {1, 1e9};
    if (c == 'T' && standalone(k + 1)) return {1, 1e12};
    if (iequals_at(t, k, "bn") && standalone(k + 2)) return {2, 1e9};
  }
  std::size_t s = k;
  if (s < t.size() && t[s] == ' ') ++s;
  for (auto [w, f] : std::array<std::pair<std::string_view, double>, 4>{
           {{"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9}, {"trillion", 1e12}}})
    if (iequals_at(t, s, w) && standalone(s + w.size())) return {s + w.size() - k, f};
  return {};
}

bool inside_indicator_parentheses(std::string_view t, std::size_t at) {
  std::size_t k = at;
  while (k > 0 && (is_digit(t[k - 1]) || t[k - 1] == ',' || t[k - 1] == ' ' || t[k - 1] == '.')) --k;
  if (k == 0 || t[k - 1] != '(') return false;
  return is_indicator_name(word_before(t, k - 1));
}

}  // namespace

std::vector<FoundNumber> extract_numbers(const std::string& input) {
  std::string_view t(input);
  std::vector<FoundNumber> out;
  std::size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    bool starts =
        is_digit(c) || (c == '.' && i + 1 < t.size() && is_digit(t[i + 1]) && (i == 0 || !is_digit(t[i - 1])));
    if (!starts) {
      ++i;
      continue;
    }
    // Digits glued to letters on their left are part of a name (RSI14, H1, BTC2x).
    if (i > 0 && (is_alpha(t[i - 1]) || t[i - 1] == '_')) {
      while (i < t.size() && (is_word(t[i]) || (t[i] == '.' && i + 1 < t.size() && is_digit(t[i + 1])))) ++i;
      continue;
    }
    if (std::size_t de = date_or_time_end(t, i); de != i) {
      out.push_back({i, de, 0, 0, true});
      i = de;
      continue;
    }
    Scanned s = scan_plain(t, i);
    if (s.end == i) {
      ++i;
      continue;
    }
    std::size_t start = i, end = s.end;
    // "-5", "$5", "-$5", "$-5": the sign and the currency sign belong to the span.
    bool negative = false;
    start -= sign_before(t, start, &negative);
    std::size_t currency = currency_before(t, start);
    start -= currency;
    if (currency > 0 && start == i - currency) start -= sign_before(t, start, &negative);
    double value = s.value;
    int decimals = s.decimals;
    double factor = 1;
    if (end < t.size() && t[end] == '%') {
      ++end;
    } else if (Multiplier m = multiplier_after(t, end); m.length > 0) {
      end += m.length;
      factor = m.factor;
    }
    FoundNumber n{start, end, (negative ? -value : value) * factor, decimals, false};
    // Each number remembers its precision in its own unit: 1.2M has one decimal of millions.
    if (factor != 1) n.decimals = decimals - static_cast<int>(std::lround(std::log10(factor)));

    bool integer = decimals == 0 && factor == 1;
    std::string_view before = word_before(t, start);
    if (integer && start > 0 && t[start - 1] == '[' && end < t.size() && t[end] == ']') n.structural = true;  // [1]
    if (integer && at_line_start(t, start) && end + 1 < t.size() && (t[end] == '.' || t[end] == ')') &&
        (t[end + 1] == ' ' || t[end + 1] == '\t') && value < 100)
      n.structural = true;  // "1. ", "2) " list markers
    if (integer && (is_index_name(before) || is_indicator_name(before))) n.structural = true;
    if (integer && inside_indicator_parentheses(t, start)) n.structural = true;
    if (integer && value >= 1900 && value <= 2100 && s.end - i == 4 && is_month_or_quarter(before))
      n.structural = true;  // "May 2024", "Q3 2024" (Q3 is a name), "FY 2025"
    if (integer && value >= 1900 && value <= 2100 && s.end - i == 4 && start >= 3 && t[start - 1] == ' ' &&
        t[start - 3] == 'Q' && t[start - 2] >= '1' && t[start - 2] <= '4')
      n.structural = true;  // "Q3 2024"
    if (integer && end + 1 < t.size() && t[end] == '-' && is_alpha(t[end + 1])) {
      for (auto unit : {"day", "week", "month", "period", "bar", "candle", "hour", "minute", "year"})
        if (iequals_at(t, end + 1, unit)) n.structural = true;  // "50-day", "14-period"
    }
    if (integer && end + 2 <= t.size() &&
        (iequals_at(t, end, "st") || iequals_at(t, end, "nd") || iequals_at(t, end, "rd") ||
         iequals_at(t, end, "th")) &&
        (end + 2 == t.size() || !is_word(t[end + 2])))
      n.structural = true;  // ordinals
    out.push_back(n);
    i = s.end > end ? s.end : end;
  }
  return out;
}

namespace {

void collect_json(const boost::json::value& v, std::vector<double>& out, int depth) {
  if (depth > 64) return;
  switch (v.kind()) {
    case boost::json::kind::int64: out.push_back(std::fabs(static_cast<double>(v.get_int64()))); break;
    case boost::json::kind::uint64: out.push_back(static_cast<double>(v.get_uint64())); break;
    case boost::json::kind::double_: out.push_back(std::fabs(v.get_double())); break;
    case boost::json::kind::string:
      for (const auto& n : extract_numbers(std::string(v.get_string()))) out.push_back(std::fabs(n.value));
      break;
    case boost::json::kind::array:
      for (const auto& e : v.get_array()) collect_json(e, out, depth + 1);
      break;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        for (const auto& n : extract_numbers(std::string(kv.key()))) out.push_back(std::fabs(n.value));
        collect_json(kv.value(), out, depth + 1);
      }
      break;
    default: break;
  }
}

void collect_source(const std::string& source, std::vector<double>& out) {
  std::size_t first = source.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (source[first] == '{' || source[first] == '[')) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(source, ec);
    if (!ec) {
      collect_json(v, out, 0);
      return;
    }
  }
  for (const auto& n : extract_numbers(source)) out.push_back(std::fabs(n.value));
}

}  // namespace

std::vector<NumberMark> ungrounded_numbers(const std::string& reply, const std::vector<std::string>& sources) {
  std::vector<double> known;
  for (const auto& s : sources) collect_source(s, known);
  std::sort(known.begin(), known.end());
  auto grounded_by = [&](double value, double tolerance) {
    auto it = std::lower_bound(known.begin(), known.end(), value - tolerance);
    return it != known.end() && *it <= value + tolerance;
  };

  std::vector<NumberMark> marks;
  for (const auto& n : extract_numbers(reply)) {
    if (n.structural) continue;
    double value = std::fabs(n.value);
    // Half a unit of the last written digit, plus a little for binary representation:
    // 187.2345 grounds "187.23" (±0.005) and "187.2" (±0.05), not "187.3".
    double tolerance = 0.5 * std::pow(10.0, -n.decimals) + std::fabs(value) * 1e-12;
    bool percent = reply[n.end - 1] == '%';
    bool ok = grounded_by(value, tolerance);
    // A percentage may stand for a fraction in a tool result: 0.0523 grounds "5.23%".
    if (!ok && percent) ok = grounded_by(value / 100, tolerance / 100);
    if (!ok) marks.push_back({n.start, n.end, reply.substr(n.start, n.end - n.start)});
  }
  return marks;
}

}  // namespace tc::ai::tools
