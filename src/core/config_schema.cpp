// The configuration keys of the server core. Modules declare theirs beside their code.
#include "core/config.h"

namespace tc {

ConfigSchema core_config_schema() {
  using K = ConfigKind;
  ConfigSchema s;
  s.add({.key = "target",
         .kind = K::list,
         .default_value = "all",
         .help = "modules to run: all, or a comma-separated list (see `tradechat modules`)"});
  s.add({.key = "log.level",
         .kind = K::enumeration,
         .default_value = "info",
         .help = "minimum log level",
         .allowed = {"debug", "info", "warn", "error"}});
  s.add({.key = "http.addr",
         .kind = K::address,
         .default_value = "127.0.0.1:8080",
         .help = "listen address (port 0 picks a free port)"});
  s.add({.key = "http.io_threads",
         .kind = K::integer,
         .default_value = "0",
         .help = "threads running network I/O; 0 = one per CPU core",
         .min = 0,
         .max = 256});
  s.add({.key = "http.max_connections",
         .kind = K::integer,
         .default_value = "10000",
         .help = "open connections (HTTP and WebSocket) beyond which new ones get 503",
         .min = 1,
         .max = 1'000'000});
  s.add({.key = "http.max_header_bytes",
         .kind = K::size,
         .default_value = "16KiB",
         .help = "request line plus headers; larger requests get 431",
         .min = 1024,
         .max = 1024LL * 1024});
  s.add({.key = "http.max_body_bytes",
         .kind = K::size,
         .default_value = "1MiB",
         .help = "default request body limit; routes may set their own; larger bodies get 413",
         .min = 0,
         .max = 1024LL * 1024LL * 1024});
  s.add({.key = "http.header_timeout",
         .kind = K::duration,
         .default_value = "10s",
         .help = "time a client has to send a request's headers",
         .min = 100,
         .max = 3'600'000});
  s.add({.key = "http.body_timeout",
         .kind = K::duration,
         .default_value = "30s",
         .help = "time a client has to send a request body",
         .min = 100,
         .max = 3'600'000});
  s.add({.key = "http.idle_timeout",
         .kind = K::duration,
         .default_value = "60s",
         .help = "a kept-alive connection with no request for this long is closed",
         .min = 100,
         .max = 3'600'000});
  s.add({.key = "http.write_timeout",
         .kind = K::duration,
         .default_value = "30s",
         .help = "time a client has to read a response",
         .min = 100,
         .max = 3'600'000});
  s.add({.key = "http.shutdown_timeout",
         .kind = K::duration,
         .default_value = "10s",
         .help = "on SIGTERM/SIGINT, how long in-flight requests may finish",
         .min = 0,
         .max = 600'000});
  s.add({.key = "http.cors_origins",
         .kind = K::list,
         .default_value = "",
         .help = "origins allowed to call the API from a browser (exact match, or *)"});
  s.add({.key = "http.trust_proxy",
         .kind = K::boolean,
         .default_value = "false",
         .help = "take the client address from X-Forwarded-For (only behind a trusted proxy)"});
  s.add({.key = "ws.max_message_bytes",
         .kind = K::size,
         .default_value = "64KiB",
         .help = "largest WebSocket message a client may send",
         .min = 128,
         .max = 16 * 1024LL * 1024});
  s.add({.key = "ws.max_outbox_bytes",
         .kind = K::size,
         .default_value = "1MiB",
         .help = "queued outbound bytes per connection before it is closed as too slow",
         .min = 1024,
         .max = 256 * 1024LL * 1024});
  s.add({.key = "ws.ping_interval",
         .kind = K::duration,
         .default_value = "25s",
         .help = "WebSocket ping interval; a peer silent for two intervals is closed",
         .min = 100,
         .max = 3'600'000});
  s.add({.key = "pool.threads",
         .kind = K::integer,
         .default_value = "4",
         .help = "threads for blocking work (database, hashing, files)",
         .min = 1,
         .max = 256});
  s.add({.key = "pool.max_queue",
         .kind = K::integer,
         .default_value = "4096",
         .help = "blocking tasks allowed to wait before requests get 503",
         .min = 1,
         .max = 1'000'000});
  s.add({.key = "web.dir",
         .kind = K::string,
         .default_value = "web/dist",
         .help = "directory of the built web client served at /"});
  s.add({.key = "data.dir",
         .kind = K::string,
         .default_value = "./data",
         .help = "embedded database, index and object files"});
  s.add({.key = "database.url",
         .kind = K::url,
         .default_value = "",
         .help = "empty = embedded SQLite in data.dir; postgres://… selects PostgreSQL",
         .secret = true,
         .allowed = {"postgres", "postgresql"}});
  s.add({.key = "redis.url",
         .kind = K::url,
         .default_value = "",
         .help = "empty = in-process cache; redis://… selects Redis",
         .secret = true,
         .allowed = {"redis", "rediss"}});
  s.add({.key = "nats.url",
         .kind = K::url,
         .default_value = "",
         .help = "empty = in-process bus; nats://… selects NATS JetStream",
         .secret = true,
         .allowed = {"nats", "tls"}});
  s.add({.key = "market.feed",
         .kind = K::enumeration,
         .default_value = "simulator",
         .help = "where live prices come from: simulator, replay of stored candles (market.replay.*), "
                 "binance (crypto trades from Binance public streams, market.binance.url), or alpaca (US stock "
                 "trades and quotes from Alpaca's stream, market.alpaca.*)",
         .allowed = {"simulator", "replay", "binance", "alpaca"}});
  return s;
}

}  // namespace tc
