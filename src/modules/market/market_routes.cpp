#include "modules/market/market_routes.h"

#include "core/errors.h"
#include "modules/auth/permissions.h"
#include "modules/market/candle_store.h"
#include "modules/market/csv_import.h"
#include "modules/market/market_json.h"
#include "modules/market/query.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <charconv>
#include <cmath>

namespace tc::market {
namespace {

namespace json = boost::json;
using Awaitable = boost::asio::awaitable<http::Response>;

struct Deps {
  const Market* market;
  const auth::Authenticator* auth;
  infra::store::Store* store;
  BlockingPool* pool;
};

json::object schema(const char* text) { return json::parse(text).as_object(); }

json::value number_or_null(double v) { return std::isnan(v) ? json::value(nullptr) : json::value(v); }

const Instrument& instrument_or_404(const Market& m, const std::string& symbol) {
  const auto* in = symbol.size() <= 32 ? m.find(symbol) : nullptr;
  if (!in) throw errors::not_found(fmt::format("no instrument \"{}\"", symbol.substr(0, 32)));
  return *in;
}

// The handlers are coroutines taking their state by value (ARCHITECTURE §9); the
// route lambdas only forward to them.
Awaitable list_instruments(Deps d, http::Request req) {
  d.auth->require(req);
  const auto text = req.query_param("q").value_or("");
  const auto asset_class = req.query_param("asset_class");
  if (text.size() > 64) throw errors::bad_request("q is limited to 64 characters");
  if (asset_class && *asset_class != "stock" && *asset_class != "crypto" && *asset_class != "fx") {
    throw errors::bad_request("asset_class must be one of: stock, crypto, fx");
  }
  json::array items;
  for (const auto* in : d.market->search(text, 1000)) {
    if (asset_class && in->asset_class != *asset_class) continue;
    items.push_back(instrument_json(*in));
  }
  co_return http::Response::json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Awaitable get_instrument(Deps d, http::Request req) {
  d.auth->require(req);
  const auto& in = instrument_or_404(*d.market, req.param("symbol"));
  auto body = instrument_json(in);
  if (auto q = d.market->quote(in.symbol)) body["quote"] = quote_json(*q);
  co_return http::Response::json(body);
}

Awaitable get_quote(Deps d, http::Request req) {
  d.auth->require(req);
  const auto& in = instrument_or_404(*d.market, req.param("symbol"));
  auto q = d.market->quote(in.symbol);
  if (!q) throw errors::unavailable(fmt::format("no price for {} yet", in.symbol));
  co_return http::Response::json(quote_json(*q));
}

Awaitable get_ticks(Deps d, http::Request req) {
  d.auth->require(req);
  const auto& in = instrument_or_404(*d.market, req.param("symbol"));
  std::size_t limit = 100;
  if (auto v = req.query_param("limit")) {
    std::size_t parsed = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), parsed);
    if (ec != std::errc() || end != v->data() + v->size() || parsed < 1 || parsed > 100'000) {
      throw errors::bad_request(fmt::format("limit={} is out of range: 1 to 100000", v->substr(0, 32)));
    }
    limit = parsed;
  }
  json::array items;
  for (const auto& t : d.market->recent_ticks(in.symbol, limit)) {
    items.push_back({{"time_ms", t.time_ms}, {"price", t.price}, {"size", t.size}});
  }
  co_return http::Response::json(json::object{
      {"symbol", in.symbol}, {"simulated", in.simulated}, {"items", std::move(items)}, {"next_cursor", nullptr}});
}

Awaitable get_candles(Deps d, http::Request req) {
  d.auth->require(req);
  const auto& in = instrument_or_404(*d.market, req.param("symbol"));
  const auto tf = timeframe_param(req);
  const auto q = candle_query(req, tf);
  // source=live (default): the in-memory series the feed builds; source=stored:
  // the system of record (imported history and closed live candles).
  const auto source = req.query_param("source").value_or("live");
  if (source != "live" && source != "stored") throw errors::bad_request("source must be live or stored");
  std::vector<Candle> candles;
  if (source == "live") {
    candles = d.market->candles(in.symbol, tf, q);
  } else {
    auto read = [symbol = in.symbol, tf, q](infra::store::Connection& c) {
      return CandleStore::read(c, symbol, tf, q.from_ms, q.to_ms, q.limit);
    };
    candles = co_await d.store->with_connection(std::move(read));
  }
  json::array items;
  for (const auto& c : candles) items.push_back(candle_json(c));
  co_return http::Response::json(json::object{{"symbol", in.symbol},
                                              {"timeframe", name(tf)},
                                              {"source", source},
                                              {"simulated", in.simulated},
                                              {"items", std::move(items)},
                                              {"next_cursor", nullptr}});
}

Awaitable import_candles(Deps d, http::Request req) {
  auth::require_permission(d.auth->require(req), auth::Permission::import_market_data);
  const auto& in = instrument_or_404(*d.market, req.param("symbol"));
  const auto ct = req.header("Content-Type").value_or("");
  if (ct.substr(0, 8) != "text/csv" && ct.substr(0, 10) != "text/plain") {
    throw errors::unsupported_media_type("send the file as text/csv");
  }
  const auto tf = timeframe_param(req);
  auto parse = [body = std::move(req.body), tf, kind = in.calendar] { return parse_ohlcv_csv(body, tf, kind); };
  auto parsed = co_await d.pool->run(std::move(parse));
  if (parsed.error_count > 0) {
    json::array errors;
    for (const auto& e : parsed.errors) {
      errors.push_back({{"line", e.line}, {"column", e.column}, {"message", e.message}});
    }
    const auto& first = parsed.errors.front();
    throw errors::validation(fmt::format("{} bad row(s); nothing was imported; first: line {}{}: {}",
                                         parsed.error_count, first.line,
                                         first.column.empty() ? "" : ", column " + first.column, first.message))
        .with("errors", std::move(errors))
        .with("error_count", parsed.error_count);
  }
  std::vector<StoredCandle> rows;
  rows.reserve(parsed.candles.size());
  for (const auto& c : parsed.candles) rows.push_back({in.symbol, tf, c, false});
  const auto from = parsed.candles.front().time_ms, to = parsed.candles.back().time_ms;
  auto write = [rows = std::move(rows)](infra::store::Connection& c) { CandleStore::write(c, rows); };
  co_await d.store->transaction(std::move(write));
  co_return http::Response::json(json::object{{"symbol", in.symbol},
                                              {"timeframe", name(tf)},
                                              {"imported", parsed.candles.size()},
                                              {"from_ms", from},
                                              {"to_ms", to}},
                                 201);
}

Awaitable list_indicators(Deps d, http::Request req) {
  d.auth->require(req);
  json::array items;
  for (const auto& s : ind::indicator_specs()) {
    json::array params, outputs;
    for (const auto& p : s.params) {
      params.push_back({{"name", p.name},
                        {"default", p.default_value},
                        {"min", p.min},
                        {"max", p.max},
                        {"type", p.integer ? "integer" : "number"}});
    }
    for (const auto& o : s.outputs) outputs.emplace_back(o);
    items.push_back({{"name", s.name}, {"description", s.description}, {"params", params}, {"outputs", outputs}});
  }
  co_return http::Response::json(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Awaitable get_indicator(Deps d, http::Request req) {
  d.auth->require(req);
  const auto& in = instrument_or_404(*d.market, req.param("symbol"));
  const auto tf = timeframe_param(req);
  const auto q = candle_query(req, tf);
  std::vector<std::pair<std::string, std::string>> params;
  for (auto& [k, v] : query_pairs(req)) {
    if (k != "timeframe" && k != "from" && k != "to" && k != "limit") params.emplace_back(std::move(k), std::move(v));
  }
  const auto series = d.market->indicator(in.symbol, tf, req.param("name"), params, q);
  json::array items;
  const bool single = series.outputs.size() == 1;
  for (std::size_t i = 0; i < series.values.size(); ++i) {
    const auto& v = series.values[i];
    bool any = false;
    for (std::size_t k = 0; k < series.outputs.size(); ++k) any = any || !std::isnan(v[k]);
    if (!any) continue;  // warm-up bars carry no item
    json::object item{{"time_ms", series.times[i]}};
    if (single) {
      item["value"] = number_or_null(v[0]);
    } else {
      for (std::size_t k = 0; k < series.outputs.size(); ++k) item[series.outputs[k]] = number_or_null(v[k]);
    }
    items.push_back(std::move(item));
  }
  json::array outputs;
  for (const auto& o : series.outputs) outputs.emplace_back(o);
  co_return http::Response::json(json::object{{"symbol", in.symbol},
                                              {"timeframe", name(tf)},
                                              {"indicator", req.param("name")},
                                              {"outputs", std::move(outputs)},
                                              {"simulated", in.simulated},
                                              {"items", std::move(items)},
                                              {"next_cursor", nullptr}});
}

Awaitable get_analysis(Deps d, http::Request req) {
  d.auth->require(req);
  const auto& in = instrument_or_404(*d.market, req.param("symbol"));
  const auto tf = timeframe_param(req);
  auto body = d.market->analyze(in.symbol, tf);
  body["symbol"] = in.symbol;
  body["timeframe"] = name(tf);
  body["simulated"] = in.simulated;
  co_return http::Response::json(body);
}

}  // namespace

void add_routes(http::Router& router, const Market& market, const auth::Authenticator& auth, infra::store::Store& store,
                BlockingPool& pool) {
  const Deps d{&market, &auth, &store, &pool};
  const std::vector<std::pair<int, std::string>> common{{200, "OK"}, {401, "Not signed in"}};
  const auto candle_item = R"({"type":"object","properties":{"time_ms":{"type":"integer"},"open":{"type":"number"},
    "high":{"type":"number"},"low":{"type":"number"},"close":{"type":"number"},"volume":{"type":"number"}}})";

  router.add(
      "GET", "/api/v1/instruments", [d](http::Request req) { return list_instruments(d, std::move(req)); },
      {.summary = "Instruments, optionally searched by symbol or name (q) and filtered by asset_class",
       .tag = "market",
       .auth = true,
       .responses = {{200, "Instruments"}, {400, "Bad query"}, {401, "Not signed in"}},
       .response_schema = schema(R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object",
         "properties":{"symbol":{"type":"string"},"name":{"type":"string"},"asset_class":{"type":"string"},
         "exchange":{"type":"string"},"currency":{"type":"string"},"tick_size":{"type":"number"},
         "calendar":{"type":"object"},"simulated":{"type":"boolean"}}}},"next_cursor":{"type":["string","null"]}}})"),
       .query_params = {"q", "asset_class"}});
  router.add("GET", "/api/v1/instruments/{symbol}",
             [d](http::Request req) { return get_instrument(d, std::move(req)); },
             {.summary = "One instrument with its latest quote",
              .tag = "market",
              .auth = true,
              .responses = {{200, "The instrument"}, {401, "Not signed in"}, {404, "Unknown symbol"}}});
  router.add(
      "GET", "/api/v1/instruments/{symbol}/quote", [d](http::Request req) { return get_quote(d, std::move(req)); },
      {.summary = "Quote snapshot: last, bid/ask, the trading day's open/high/low/volume, previous close",
       .tag = "market",
       .auth = true,
       .responses = {{200, "The quote"}, {401, "Not signed in"}, {404, "Unknown symbol"}, {503, "No price yet"}}});
  router.add(
      "GET", "/api/v1/instruments/{symbol}/candles", [d](http::Request req) { return get_candles(d, std::move(req)); },
      {.summary = "OHLCV candles, oldest first; the newest may still be forming",
       .tag = "market",
       .auth = true,
       .responses = {{200, "Candles"},
                     {400, "Unknown timeframe, from after to, or a bound exceeded"},
                     {401, "Not signed in"},
                     {404, "Unknown symbol"}},
       .response_schema = schema(fmt::format(R"({{"type":"object","properties":{{"items":{{"type":"array","items":{}}},
         "next_cursor":{{"type":["string","null"]}}}}}})",
                                             candle_item)
                                     .c_str()),
       .query_params = {"timeframe", "from", "to", "limit", "source"}});
  router.add(
      "GET", "/api/v1/instruments/{symbol}/ticks", [d](http::Request req) { return get_ticks(d, std::move(req)); },
      {.summary = "The newest raw ticks, oldest first (kept in memory: market.tick_retention per instrument)",
       .tag = "market",
       .auth = true,
       .responses =
           {{200, "Ticks {time_ms, price, size}"}, {400, "Bad limit"}, {401, "Not signed in"}, {404, "Unknown symbol"}},
       .query_params = {"limit"}});
  router.add("POST", "/api/v1/instruments/{symbol}/candles/import",
             [d](http::Request req) { return import_candles(d, std::move(req)); },
             {.summary = "Import OHLCV history from CSV (text/csv) into the stored candles; all rows or none",
              .tag = "market",
              .auth = true,
              // The body is the CSV file itself (text/csv); docs/market.md lists the layouts.
              .request_schema = schema(R"({"type":"string","contentMediaType":"text/csv",
                "description":"OHLCV rows with a header (time, open, high, low, close, volume) or Binance klines"})"),
              .request_content_type = "text/csv",
              .responses = {{201, "Imported"},
                            {401, "Not signed in"},
                            {403, "Needs the import_market_data permission"},
                            {404, "Unknown symbol"},
                            {415, "Not text/csv"},
                            {422, "Bad rows: errors [{line, column, message}], nothing imported"}},
              .query_params = {"timeframe"}},
             {.max_body_bytes = 16ULL * 1024 * 1024});
  router.add("GET", "/api/v1/indicators", [d](http::Request req) { return list_indicators(d, std::move(req)); },
             {.summary = "The indicators the server computes, with their parameters and outputs",
              .tag = "market",
              .auth = true,
              .responses = common});
  router.add(
      "GET", "/api/v1/instruments/{symbol}/indicators/{name}",
      [d](http::Request req) { return get_indicator(d, std::move(req)); },
      {.summary = "An indicator over the candles that from/to/limit select (other query keys are its parameters)",
       .tag = "market",
       .auth = true,
       .responses = {{200, "Items {time_ms, value} or {time_ms, <output>...}"},
                     {400, "Bad timeframe, range or parameter"},
                     {401, "Not signed in"},
                     {404, "Unknown symbol or indicator"}},
       .query_params = {"timeframe", "from", "to", "limit"}});
  router.add(
      "GET", "/api/v1/instruments/{symbol}/analysis",
      [d](http::Request req) { return get_analysis(d, std::move(req)); },
      {.summary = "Support/resistance levels, trend and candlestick patterns over the last 300 candles",
       .tag = "market",
       .auth = true,
       .responses = {{200, "Analysis"}, {400, "Unknown timeframe"}, {401, "Not signed in"}, {404, "Unknown symbol"}},
       .query_params = {"timeframe"}});
}

}  // namespace tc::market
