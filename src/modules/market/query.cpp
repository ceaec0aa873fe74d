#include "modules/market/query.h"

#include "core/errors.h"

#include <fmt/format.h>

#include <charconv>

namespace tc::market {
namespace {

std::int64_t integer_param(const std::string& key, const std::string& text, std::int64_t min, std::int64_t max,
                           const char* bound_note) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw errors::bad_request(fmt::format("{}={} is not a whole number", key, text.substr(0, 64)));
  }
  if (v < min || v > max) {
    throw errors::bad_request(fmt::format("{}={} is out of range: {} to {}{}", key, text, min, max, bound_note));
  }
  return v;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> query_pairs(const http::Request& req) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view q = req.query;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = http::percent_decode(pair.substr(0, eq), true);
    auto value =
        eq == std::string_view::npos ? std::optional<std::string>("") : http::percent_decode(pair.substr(eq + 1), true);
    if (!key || !value) throw errors::bad_request("malformed percent-escape in the query string");
    if (key->size() > 64 || value->size() > 64) throw errors::bad_request("query parameters are limited to 64 bytes");
    if (out.size() == 32) throw errors::bad_request("at most 32 query parameters");
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

Timeframe timeframe_param(const http::Request& req) {
  const auto text = req.query_param("timeframe");
  if (!text) return Timeframe::m1;
  if (auto tf = parse_timeframe(*text)) return *tf;
  throw errors::bad_request(fmt::format("unknown timeframe \"{}\"; allowed: {}", text->substr(0, 16), kTimeframeList))
      .with("allowed", boost::json::array{"1m", "5m", "15m", "1h", "4h", "1d"});
}

CandleQuery candle_query(const http::Request& req, Timeframe tf) {
  CandleQuery q;
  q.limit = kDefaultLimit;
  q.from_ms = 0;
  q.to_ms = kMaxTimeMs;
  const char* note = " (Unix milliseconds up to 2100-01-01)";
  if (auto v = req.query_param("from")) q.from_ms = integer_param("from", *v, 0, kMaxTimeMs, note);
  if (auto v = req.query_param("to")) q.to_ms = integer_param("to", *v, 0, kMaxTimeMs, note);
  if (auto v = req.query_param("limit")) {
    q.limit = static_cast<std::size_t>(integer_param("limit", *v, 1, static_cast<std::int64_t>(kMaxLimit), ""));
  }
  if (q.from_ms > q.to_ms) {
    throw errors::bad_request(fmt::format("from ({}) is after to ({})", q.from_ms, q.to_ms));
  }
  const bool bounded = req.query_param("from").has_value() && req.query_param("to").has_value();
  const std::int64_t max_span = kMaxSpanBars * duration_ms(tf);
  if (bounded && q.to_ms - q.from_ms > max_span) {
    throw errors::bad_request(fmt::format("the range from..to spans {} ms; at most {} ms ({} bars of {})",
                                          q.to_ms - q.from_ms, max_span, kMaxSpanBars, name(tf)))
        .with("max_span_ms", max_span);
  }
  return q;
}

}  // namespace tc::market
