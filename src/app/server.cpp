#include "app/server.h"

#include "app/core_routes.h"
#include "app/module_manager.h"
#include "app/modules.h"
#include "app/openapi.h"
#include "app/process_metrics.h"
#include "build_info.h"
#include "core/blocking_pool.h"
#include "core/log.h"
#include "net/http_server.h"

#include <boost/json/serialize.hpp>

#include <csignal>
#include <thread>

namespace tc::app {
namespace {

http::ServerOptions server_options(const Config& c) {
  http::ServerOptions o;
  o.addr = c.str("http.addr");
  auto threads = c.integer("http.io_threads");
  o.io_threads =
      threads > 0 ? static_cast<int>(threads) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.max_connections = static_cast<std::size_t>(c.integer("http.max_connections"));
  o.max_header_bytes = c.size("http.max_header_bytes");
  o.header_timeout = c.duration("http.header_timeout");
  o.body_timeout = c.duration("http.body_timeout");
  o.idle_timeout = c.duration("http.idle_timeout");
  o.write_timeout = c.duration("http.write_timeout");
  o.shutdown_timeout = c.duration("http.shutdown_timeout");
  o.trust_proxy = c.boolean("http.trust_proxy");
  o.ws_max_message_bytes = c.size("ws.max_message_bytes");
  o.ws_max_outbox_bytes = c.size("ws.max_outbox_bytes");
  o.ws_ping_interval = c.duration("ws.ping_interval");
  return o;
}

int wait_for_stop_signal(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

}  // namespace

int serve(const Config& config) {
  log::set_level(config.str("log.level"));

  // Block the stop signals before any thread starts, so every thread inherits the
  // mask and only the sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  metrics::Registry metrics;
  register_process_metrics(metrics);
  BlockingPool pool(static_cast<std::size_t>(config.integer("pool.threads")),
                    static_cast<std::size_t>(config.integer("pool.max_queue")));
  metrics.gauge_fn("tradechat_blocking_pool_queue_depth", "Blocking tasks queued or running", {},
                   [&pool] { return static_cast<double>(pool.queue_depth()); });
  metrics.gauge_fn("tradechat_blocking_pool_threads", "Threads of the blocking pool", {},
                   [&pool] { return static_cast<double>(pool.threads()); });

  ModuleManager manager;
  register_modules(manager);
  auto order = manager.resolve(config.list("target"));

  std::unique_ptr<infra::store::Store> store;
  std::unique_ptr<infra::cache::Cache> cache;
  std::unique_ptr<infra::bus::Bus> bus;
  try {
    cache = infra::cache::open(config, pool, metrics);
    bus = infra::bus::open(config, metrics);
    store = infra::store::open(config, pool, metrics);
    if (config.boolean("database.migrate_on_start")) {
      auto migrate = [&] { return infra::store::migrate(*store, all_migrations(manager)); };
      auto report = migrate();
      for (const auto& line : report.applied) log::info("migrated", {{"migration", line}});
    }
  } catch (const std::exception& e) {
    log::error("start-up failed", {{"error", e.what()}});
    return 1;
  }
  log::info("backends opened",
            {{"store", store->describe()}, {"cache", cache->backend().describe()}, {"bus", bus->describe()}});

  http::Router router;
  Readiness readiness;
  ServiceRegistry services;
  std::vector<std::pair<std::string, http::WsAccept>> websockets;
  ModuleContext ctx{
      config,
      metrics,
      pool,
      router,
      services,
      *store,
      *cache,
      *bus,
      [&websockets](std::string path, http::WsAccept accept) {
        websockets.emplace_back(std::move(path), std::move(accept));
      },
      [&readiness](std::string name, ReadinessCheck check) { readiness.add(std::move(name), std::move(check)); }};
  readiness.add("database", [&store]() { return store->health(); });
  readiness.add("cache", [&cache]() { return cache->health(); });
  readiness.add("bus", [&bus, &pool]() -> boost::asio::awaitable<std::optional<std::string>> {
    try {
      auto ping = [&bus] { bus->ping(); };
      co_await pool.run(std::move(ping));
    } catch (const std::exception& e) {
      co_return std::string(e.what());
    }
    co_return std::nullopt;
  });
  manager.start(order, ctx);

  auto openapi = std::make_shared<std::string>();
  add_core_routes(router, metrics, readiness, openapi, manager.running());
  *openapi = boost::json::serialize(build_openapi(router, build::version));

  http::PipelineOptions popts;
  popts.cors_origins = config.list("http.cors_origins");
  popts.default_max_body = config.size("http.max_body_bytes");
  http::Pipeline pipeline(router, metrics, popts);
  http::HttpServer server(server_options(config), pipeline, metrics);
  for (auto& [path, accept] : websockets) server.add_websocket(path, std::move(accept));
  try {
    server.start();
  } catch (const std::exception& e) {
    log::error("start-up failed", {{"error", e.what()}});
    manager.stop();
    return 1;
  }
  boost::json::array modules;
  for (const auto& m : manager.running()) modules.emplace_back(m);
  log::info("listening", {{"addr", server.local_address()},
                          {"version", build::version},
                          {"modules", modules},
                          {"pid", static_cast<std::int64_t>(getpid())}});

  int sig = wait_for_stop_signal(signals);
  log::info("shutting down",
            {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}, {"open_connections", server.open_connections()}});
  server.shutdown();
  manager.stop();
  pool.stop();
  log::info("stopped");
  return 0;
}

}  // namespace tc::app
