#include "net/pipeline.h"

#include "core/ids.h"
#include "core/log.h"
#include "net/problem.h"

#include <fmt/format.h>

#include <algorithm>

namespace tc::http {

Pipeline::Pipeline(const Router& router, metrics::Registry& metrics, PipelineOptions options)
    : router_(router),
      metrics_(metrics),
      options_(std::move(options)),
      max_body_(router.max_body_limit(options_.default_max_body)) {}

void Pipeline::assign_request_id(Request& req) {
  auto given = req.header("X-Request-Id");
  req.request_id = given && ids::is_valid_request_id(*given) ? std::string(*given) : ids::random_hex(16);
}

std::uint64_t Pipeline::body_limit(std::string_view method, std::string_view path) const {
  auto m = router_.match(method, path);
  if (m.route && m.route->options.max_body_bytes) return *m.route->options.max_body_bytes;
  return options_.default_max_body;
}

bool Pipeline::cors_allows(std::string_view origin) const {
  return std::any_of(options_.cors_origins.begin(), options_.cors_origins.end(),
                     [&](const std::string& o) { return o == "*" || o == origin; });
}

Pipeline::Summary Pipeline::summarize(const Request& req) {
  return {req.method,
          req.path,
          req.route,
          req.request_id,
          req.remote_addr,
          std::string(req.header("Origin").value_or("")),
          std::chrono::steady_clock::now()};
}

Response Pipeline::reject(Request& req, const Error& error) {
  if (req.request_id.empty()) assign_request_id(req);
  auto s = summarize(req);
  auto res = problem_response(error, req.path, req.request_id);
  finish(s, res);
  record(s, res);
  return res;
}

boost::asio::awaitable<Response> Pipeline::process(Request req) {
  assign_request_id(req);
  auto summary = summarize(req);
  Response res = co_await route_and_run(std::move(req), summary);
  finish(summary, res);
  record(summary, res);
  co_return res;
}

boost::asio::awaitable<Response> Pipeline::route_and_run(Request req, Summary& summary) {
  auto m = router_.match(req.method, req.path);
  std::string allow;
  for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
  if (req.method == "OPTIONS" && m.path_known) {
    summary.route = "(options)";
    Response res = Response::empty(204);
    res.set_header("Allow", allow);
    if (!summary.origin.empty() && cors_allows(summary.origin) && req.header("Access-Control-Request-Method")) {
      res.set_header("Access-Control-Allow-Methods", allow);
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
      res.set_header("Access-Control-Max-Age", "600");
    }
    co_return res;
  }
  const Handler* handler = nullptr;
  if (m.route) {
    req.route = summary.route = m.route->pattern;
    req.path_params = std::move(m.params);
    handler = &m.route->handler;
  } else if (m.path_known) {
    auto res = problem_response(Error(405, "method-not-allowed", "Method Not Allowed",
                                      fmt::format("{} is not allowed here; allowed: {}", req.method, allow)),
                                req.path, req.request_id);
    res.set_header("Allow", allow);
    co_return res;
  } else if (router_.fallback() && (req.method == "GET" || req.method == "HEAD")) {
    req.route = summary.route = "(static)";
    handler = &router_.fallback();
  } else {
    co_return problem_response(errors::not_found(fmt::format("no route for {} {}", req.method, req.path)), req.path,
                               req.request_id);
  }

  try {
    co_return co_await (*handler)(std::move(req));
  } catch (const Error& e) {
    if (e.status() >= 500) log::error("request failed", {{"request_id", summary.request_id}, {"error", e.what()}});
    co_return problem_response(e, summary.path, summary.request_id);
  } catch (const std::exception& e) {
    // The detail stays in the log: internals are not for clients.
    log::error("unhandled exception",
               {{"request_id", summary.request_id}, {"path", summary.path}, {"error", e.what()}});
    co_return problem_response(errors::internal("an unexpected error occurred; quote the request id"), summary.path,
                               summary.request_id);
  }
}

void Pipeline::finish(const Summary& s, Response& res) const {
  res.set_header("X-Request-Id", s.request_id);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  if (!res.header("Content-Security-Policy")) {
    res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  if (!res.header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  if (!s.origin.empty() && cors_allows(s.origin)) {
    res.set_header("Access-Control-Allow-Origin", s.origin);
    res.set_header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After, Location");
    res.set_header("Vary", "Origin");
  }
}

const Pipeline::RouteMetrics& Pipeline::route_metrics(const std::string& route, const std::string& method,
                                                      int status) const {
  // Unknown methods are folded into one label value so clients cannot mint series
  // (or cache entries).
  static constexpr std::string_view known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  const bool known_method = std::find(std::begin(known), std::end(known), method) != std::end(known);
  const std::string& label = known_method ? method : other_method_;
  std::string key;
  key.reserve(route.size() + label.size() + 6);
  key.append(route).push_back('\0');
  key.append(label).push_back('\0');
  key += std::to_string(status);
  std::lock_guard lock(metrics_mutex_);
  auto it = metrics_cache_.find(key);
  if (it != metrics_cache_.end()) return it->second;
  RouteMetrics m{&metrics_.counter("tradechat_http_requests_total", "HTTP requests by route, method and status",
                                   {{"route", route}, {"method", label}, {"status", std::to_string(status)}}),
                 &metrics_.histogram("tradechat_http_request_duration_seconds", "HTTP request latency by route",
                                     {{"route", route}})};
  return metrics_cache_.emplace(std::move(key), m).first->second;
}

void Pipeline::record(const Summary& s, const Response& res) const {
  const std::string& route = s.route.empty() ? unmatched_ : s.route;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.start).count();
  const auto& m = route_metrics(route, s.method, res.status);
  m.requests->inc();
  m.latency->observe(seconds);
  if (options_.access_log && log::enabled(log::Level::info)) {
    log::info("access", {{"request_id", s.request_id},
                         {"remote", s.remote},
                         {"method", s.method},
                         {"path", s.path},
                         {"route", route},
                         {"status", res.status},
                         {"bytes", res.body.size()},
                         {"duration_ms", seconds * 1000.0}});
  }
}

}  // namespace tc::http
