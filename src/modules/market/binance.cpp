#include "modules/market/binance.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <charconv>
#include <cmath>

namespace tc::market {
namespace {

std::optional<double> decimal(const boost::json::value* v) {
  if (!v || !v->is_string()) return std::nullopt;
  const auto& s = v->get_string();
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

}  // namespace

std::optional<BinanceTrade> parse_binance_trade(std::string_view message) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(message, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const boost::json::object* o = &doc.get_object();
  if (const auto* data = o->if_contains("data"); data && data->is_object()) o = &data->get_object();
  const auto* e = o->if_contains("e");
  if (!e || !e->is_string() || (e->get_string() != "trade" && e->get_string() != "aggTrade")) return std::nullopt;
  const auto* s = o->if_contains("s");
  const auto* t = o->if_contains("T");
  const auto price = decimal(o->if_contains("p"));
  const auto qty = decimal(o->if_contains("q"));
  if (!s || !s->is_string() || !t || !t->is_int64() || !price || !qty || *price <= 0 || *qty < 0) return std::nullopt;
  return BinanceTrade{std::string(s->get_string()), t->get_int64(), *price, *qty};
}

std::string symbol_from_binance(std::string_view b) {
  if (b.ends_with("USDT")) return std::string(b.substr(0, b.size() - 4)) + "USD";
  return std::string(b);
}

std::string binance_stream_target(const std::vector<std::string>& symbols) {
  std::string out = "/stream?streams=";
  bool first = true;
  for (const auto& s : symbols) {
    std::string b = s.ends_with("USD") ? s.substr(0, s.size() - 3) + "usdt" : s;
    for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (first ? "" : "/") + b + "@trade";
    first = false;
  }
  return out;
}

}  // namespace tc::market
