#include "modules/market/market_module.h"

#include "core/log.h"
#include "modules/auth/auth.h"
#include "modules/market/alpaca_feed.h"
#include "modules/market/binance_feed.h"
#include "modules/market/market_channels.h"
#include "modules/market/market_routes.h"
#include "modules/market/replay_feed.h"
#include "modules/market/sim_feed.h"
#include "modules/realtime/realtime.h"

#include <algorithm>
#include <chrono>

namespace tc::market {
namespace {

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// market.alpaca.*: a bad or missing value stops start-up naming the key (never its value).
AlpacaOptions alpaca_options(const Config& config) {
  AlpacaOptions o;
  auto url = http::parse_ws_url(config.str("market.alpaca.url"));
  if (!url) throw ConfigError("config: market.alpaca.url is not a ws:// or wss:// URL");
  o.url = std::move(*url);
  o.key_id = config.str("market.alpaca.key_id");
  o.secret_key = config.str("market.alpaca.secret_key");
  if (o.key_id.empty() || o.secret_key.empty()) {
    throw ConfigError(
        "config: market.feed = alpaca needs market.alpaca.key_id and market.alpaca.secret_key "
        "(or TRADECHAT_MARKET_ALPACA_KEY_ID / _SECRET_KEY, or their _file variants)");
  }
  const auto& channels = config.list("market.alpaca.channels");
  auto has = [&channels](const char* c) { return std::find(channels.begin(), channels.end(), c) != channels.end(); };
  o.trades = has("trades");
  o.quotes = has("quotes");
  o.bars = has("bars");
  if (!o.trades && !o.quotes && !o.bars) {
    throw ConfigError("config: market.alpaca.channels is empty; allowed: trades, quotes, bars");
  }
  return o;
}

class MarketModule final : public app::Module {
 public:
  void start(app::ModuleContext& ctx) override {
    auto* auth = ctx.services.find<auth::Authenticator>();
    auto* realtime = ctx.services.find<realtime::Realtime>();
    if (!auth || !realtime) throw std::logic_error("market needs the auth and realtime modules");

    const auto& feed_name = ctx.config.str("market.feed");
    const bool replay = feed_name == "replay";
    auto instruments = simulated_instruments();
    // Replayed prices are whatever was stored (imports are real data) and Binance's
    // and Alpaca's are real: none is labelled simulated.
    if (feed_name != "simulator") {
      for (auto& in : instruments) in.simulated = false;
    }
    state_ = std::make_unique<MarketState>(
        instruments,
        MarketStateOptions{.late_tick_window_ms = ctx.config.duration("market.late_tick_window").count(),
                           .tick_retention = static_cast<std::size_t>(ctx.config.integer("market.tick_retention"))});
    store_ = std::make_unique<CandleStore>(ctx.store);
    auto publish = [realtime](const std::string& channel, const boost::json::value& data) {
      // A reader that falls behind gets each symbol's newest tick, not a backlog;
      // candles are not conflated (a closed candle must not be replaced by the next).
      realtime->publish(channel, data, {.conflatable = channel.starts_with("market:")});
    };
    const FeedOptions feed_options{.tick_interval = ctx.config.duration("market.simulator.tick_interval")};
    if (feed_name == "binance") {
      auto url = http::parse_ws_url(ctx.config.str("market.binance.url"));
      if (!url) throw ConfigError("config: market.binance.url is not a ws:// or wss:// URL");
      feed_ = std::make_unique<BinanceFeed>(*state_, *store_, publish, wall_clock_ms, feed_options, *url);
    } else if (feed_name == "alpaca") {
      feed_ = std::make_unique<AlpacaFeed>(*state_, *store_, publish, wall_clock_ms, feed_options,
                                           alpaca_options(ctx.config));
    } else if (replay) {
      feed_ = std::make_unique<ReplayFeed>(
          *state_, *store_, publish, wall_clock_ms, feed_options,
          ReplayOptions{.timeframe = parse_timeframe(ctx.config.str("market.replay.timeframe")).value_or(Timeframe::m1),
                        .speed = ctx.config.integer("market.replay.speed"),
                        .from_ms = ctx.config.integer("market.replay.from_ms")});
    } else {
      feed_ = std::make_unique<SimFeed>(
          *state_, Simulator(instruments, static_cast<std::uint64_t>(ctx.config.integer("market.simulator.seed"))),
          *store_, publish, wall_clock_ms, feed_options,
          SimFeedOptions{.history_days = static_cast<int>(ctx.config.integer("market.simulator.history_days"))});
    }
    const auto began = std::chrono::steady_clock::now();
    feed_->backfill();
    log::info(
        "market: history ready",
        {{"feed", feed_name},
         {"instruments", instruments.size()},
         {"ms",
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count()}});

    auto channels = std::make_shared<MarketChannels>(*state_);
    realtime->register_namespace("market", channels);
    realtime->register_namespace("candles", channels);
    ctx.services.provide<Market>(state_.get());
    add_routes(ctx.router, *state_, *auth, ctx.store, ctx.pool);
    ctx.metrics.gauge_fn("tradechat_market_late_ticks_dropped", "Ticks dropped for arriving too late", {},
                         [s = state_.get()] { return static_cast<double>(s->late_ticks_dropped()); });
    feed_->start();
  }

  void stop() noexcept override {
    if (feed_) feed_->stop();
  }

 private:
  std::unique_ptr<MarketState> state_;
  std::unique_ptr<CandleStore> store_;
  std::unique_ptr<Feed> feed_;
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "market.simulator.seed",
              .kind = K::integer,
              .default_value = "42",
              .help = "seed of the simulated feed (same seed and start minute, same history)",
              .min = 0,
              .max = std::numeric_limits<std::int64_t>::max()});
  schema.add({.key = "market.simulator.tick_interval",
              .kind = K::duration,
              .default_value = "250ms",
              .help = "time between simulated ticks (one per open instrument per interval)",
              .min = 10,
              .max = 60'000});
  schema.add({.key = "market.simulator.history_days",
              .kind = K::integer,
              .default_value = "180",
              .help = "days of hourly history generated at start (plus two days of minute bars)",
              .min = 1,
              .max = 730});
  schema.add({.key = "market.binance.url",
              .kind = K::url,
              .default_value = "wss://stream.binance.com:9443",
              .help = "with market.feed = binance: the public stream service (the combined-stream path is added)",
              .allowed = {"ws", "wss"}});
  schema.add({.key = "market.alpaca.url",
              .kind = K::url,
              .default_value = "wss://stream.data.alpaca.markets/v2/iex",
              .help = "with market.feed = alpaca: the stock stream (v2/iex free, v2/sip paid, v2/test)",
              .allowed = {"ws", "wss"}});
  schema.add({.key = "market.alpaca.key_id",
              .kind = K::string,
              .default_value = "",
              .help = "with market.feed = alpaca: the API key id (or market.alpaca.key_id_file)",
              .secret = true});
  schema.add({.key = "market.alpaca.secret_key",
              .kind = K::string,
              .default_value = "",
              .help = "with market.feed = alpaca: the API secret key (or market.alpaca.secret_key_file)",
              .secret = true});
  schema.add({.key = "market.alpaca.channels",
              .kind = K::list,
              .default_value = "trades,quotes",
              .help = "with market.feed = alpaca: what to subscribe to for every stock (trades, quotes, bars; bars "
                      "make candles only without trades)",
              .allowed = {"trades", "quotes", "bars"}});
  schema.add({.key = "market.replay.timeframe",
              .kind = K::enumeration,
              .default_value = "1m",
              .help = "with market.feed = replay: which stored candles are replayed",
              .allowed = {"1m", "5m", "15m", "1h", "4h", "1d"}});
  schema.add({.key = "market.replay.speed",
              .kind = K::integer,
              .default_value = "60",
              .help = "with market.feed = replay: market milliseconds per wall-clock millisecond",
              .min = 1,
              .max = 100'000'000});
  schema.add({.key = "market.replay.from_ms",
              .kind = K::integer,
              .default_value = "0",
              .help = "with market.feed = replay: replay stored candles from this Unix time (ms) on",
              .min = 0,
              .max = 4'102'444'800'000});
  schema.add({.key = "market.tick_retention",
              .kind = K::integer,
              .default_value = "1000",
              .help = "raw ticks kept in memory per instrument (GET …/ticks); older ones are dropped",
              .min = 0,
              .max = 100'000});
  schema.add({.key = "market.late_tick_window",
              .kind = K::duration,
              .default_value = "2s",
              .help = "how far behind an instrument's newest tick a tick may arrive and still count",
              .min = 0,
              .max = 300'000});
}

app::ModuleSpec spec() {
  return {.name = "market",
          .description = "instruments, simulated feed, candles, indicators, chart analysis",
          .dependencies = {"auth", "realtime"},
          .create = [] { return std::make_unique<MarketModule>(); },
          .migrations = migrations()};
}

}  // namespace tc::market
