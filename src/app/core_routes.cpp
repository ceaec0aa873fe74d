#include "app/core_routes.h"

#include "build_info.h"
#include "core/errors.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>

namespace tc::app {
namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

boost::json::object schema(const char* text) { return boost::json::parse(text).as_object(); }

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// Runs one check with a deadline, so one hung backend cannot hang /readyz.
asio::awaitable<std::optional<std::string>> run_check(ReadinessCheck check) {
  auto result = co_await (check() || sleep_for(std::chrono::seconds(2)));
  if (result.index() == 1) co_return std::string("no answer within 2s");
  co_return std::get<0>(result);
}

}  // namespace

void add_core_routes(http::Router& router, metrics::Registry& metrics, const Readiness& readiness,
                     std::shared_ptr<const std::string> openapi_json, const std::vector<std::string>& running_modules) {
  auto healthz = [](http::Request) -> asio::awaitable<http::Response> {
    co_return http::Response::json({{"status", "ok"}});
  };
  router.add("GET", "/healthz", healthz,
             {.summary = "Liveness: 200 while the process lives",
              .tag = "operations",
              .response_schema = schema(R"({"type":"object","properties":{"status":{"const":"ok"}}})")});

  auto readyz = [&readiness, running_modules](http::Request) -> asio::awaitable<http::Response> {
    boost::json::object checks;
    bool ready = true;
    for (const auto& [name, check] : readiness.checks()) {
      std::optional<std::string> failure;
      try {
        failure = co_await run_check(check);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      checks[name] = failure ? *failure : "ok";
      ready = ready && !failure;
    }
    boost::json::array modules;
    for (const auto& m : running_modules) modules.emplace_back(m);
    if (ready) co_return http::Response::json({{"status", "ready"}, {"modules", modules}, {"checks", checks}});
    Error err(503, "not-ready", "Not Ready", "a dependency of the running targets does not answer");
    err.extra()["checks"] = checks;
    err.extra()["modules"] = modules;
    throw err;
  };
  router.add(
      "GET", "/readyz", readyz,
      {.summary = "Readiness: 200 when every dependency of the running targets answers, else 503 naming it",
       .tag = "operations",
       .responses = {{200, "Ready"}, {503, "A dependency does not answer"}},
       .response_schema = schema(
           R"({"type":"object","properties":{"status":{"const":"ready"},"modules":{"type":"array"},"checks":{"type":"object"}}})")});

  auto metrics_handler = [&metrics](http::Request) -> asio::awaitable<http::Response> {
    co_return http::Response::text(metrics.render_prometheus(), "text/plain; version=0.0.4; charset=utf-8");
  };
  router.add("GET", "/metrics", metrics_handler,
             {.summary = "Prometheus metrics (text format 0.0.4)", .tag = "operations"});

  auto openapi = [openapi_json](http::Request) -> asio::awaitable<http::Response> {
    co_return http::Response::text(*openapi_json, "application/json");
  };
  router.add("GET", "/api/openapi.json", openapi, {.summary = "This OpenAPI 3.1 document", .tag = "operations"});

  auto version = [](http::Request) -> asio::awaitable<http::Response> {
    co_return http::Response::json({{"version", build::version}, {"commit", build::commit}});
  };
  router.add(
      "GET", "/api/v1/version", version,
      {.summary = "The server's version and build commit",
       .tag = "operations",
       .response_schema = schema(
           R"({"type":"object","required":["version","commit"],"properties":{"version":{"type":"string"},"commit":{"type":"string"}}})")});
}

}  // namespace tc::app
