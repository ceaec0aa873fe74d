#include "modules/market/alpaca.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>

namespace tc::market {
namespace json = boost::json;
namespace {

std::optional<double> number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  const double d = v->to_number<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<std::string> text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->get_string().empty() || v->get_string().size() > 64) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::int64_t> time_of(const json::object& o) {
  const auto t = text(o, "t");
  if (!t) return std::nullopt;
  return parse_rfc3339_ms(*t);
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& s : v->get_array()) {
      if (s.is_string()) out.emplace_back(s.get_string());
    }
  }
  return out;
}

std::optional<AlpacaMessage> item(const json::object& o) {
  const auto type = text(o, "T");
  if (!type) return std::nullopt;
  if (*type == "success") return AlpacaSuccess{text(o, "msg").value_or("")};
  if (*type == "subscription")
    return AlpacaSubscription{strings(o, "trades"), strings(o, "quotes"), strings(o, "bars")};
  if (*type == "error") {
    const auto code = number(o, "code");
    return AlpacaError{code ? static_cast<std::int64_t>(*code) : 0, text(o, "msg").value_or("")};
  }
  const auto symbol = text(o, "S");
  const auto t = time_of(o);
  if (!symbol || !t) return std::nullopt;
  if (*type == "t") {
    const auto p = number(o, "p"), s = number(o, "s");
    if (!p || !s || *p <= 0 || *s < 0) return std::nullopt;
    return AlpacaTrade{*symbol, *t, *p, *s};
  }
  if (*type == "q") {
    const auto bid = number(o, "bp"), ask = number(o, "ap");
    // A one-sided book (a zero price) or a crossed one says nothing usable.
    if (!bid || !ask || *bid <= 0 || *ask < *bid) return std::nullopt;
    return AlpacaQuote{*symbol, *t, *bid, *ask};
  }
  if (*type == "b") {
    const auto op = number(o, "o"), hi = number(o, "h"), lo = number(o, "l"), cl = number(o, "c"), v = number(o, "v");
    if (!op || !hi || !lo || !cl || !v || *lo <= 0 || *v < 0) return std::nullopt;
    if (*hi < std::max(*op, *cl) || *lo > std::min(*op, *cl)) return std::nullopt;
    return AlpacaBar{*symbol, *t, *op, *hi, *lo, *cl, *v};
  }
  return std::nullopt;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t at = 19;
  int ms = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    const std::size_t begin = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      if (at - begin < 3) ms = ms * 10 + (s[at] - '0');
      ++at;
    }
    if (at == begin || at - begin > 9) return std::nullopt;
    for (std::size_t k = at - begin; k < 3; ++k) ms *= 10;
  }
  std::int64_t offset_min = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, at + 1, 2, oh) || at + 3 >= s.size() || s[at + 3] != ':' || !digits(s, at + 4, 2, om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset_min = (s[at] == '+' ? 1 : -1) * (std::int64_t{oh} * 60 + om);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  const std::int64_t seconds =
      days_from_civil(y, mo, d) * 86'400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + se - offset_min * 60;
  return seconds * 1000 + ms;
}

std::vector<AlpacaMessage> parse_alpaca_message(std::string_view message) {
  std::vector<AlpacaMessage> out;
  boost::system::error_code ec;
  auto doc = json::parse(message, ec);
  if (ec || !doc.is_array()) return out;
  for (const auto& v : doc.get_array()) {
    if (!v.is_object()) continue;
    if (auto m = item(v.get_object())) out.push_back(std::move(*m));
  }
  return out;
}

std::string alpaca_auth_message(const std::string& key_id, const std::string& secret_key) {
  return json::serialize(json::object{{"action", "auth"}, {"key", key_id}, {"secret", secret_key}});
}

std::string alpaca_subscribe_message(const std::vector<std::string>& trades, const std::vector<std::string>& quotes,
                                     const std::vector<std::string>& bars) {
  json::object o{{"action", "subscribe"}};
  auto add = [&o](const char* key, const std::vector<std::string>& symbols) {
    if (symbols.empty()) return;
    json::array a;
    for (const auto& s : symbols) a.emplace_back(s);
    o[key] = std::move(a);
  };
  add("trades", trades);
  add("quotes", quotes);
  add("bars", bars);
  return json::serialize(o);
}

}  // namespace tc::market
