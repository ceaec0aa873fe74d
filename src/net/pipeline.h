// What happens to every HTTP request between the socket and the handler, with no
// Beast in sight: request ids, routing (404/405/OPTIONS), CORS, security headers,
// error mapping to problem+json, metrics and the JSON access log.
#pragma once

#include "core/errors.h"
#include "core/metrics.h"
#include "net/router.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tc::http {

struct PipelineOptions {
  std::vector<std::string> cors_origins;  // exact origins, or "*"
  std::uint64_t default_max_body = 1024ULL * 1024;
  bool access_log = true;
};

class Pipeline {
 public:
  Pipeline(const Router& router, metrics::Registry& metrics, PipelineOptions options);

  // The body limit for a request, known once its headers have been read.
  std::uint64_t body_limit(std::string_view method, std::string_view path) const;
  // The largest body any route accepts (the parser's limit before routing).
  std::uint64_t max_body_limit() const { return max_body_; }

  // Runs a complete request: assigns its id, routes it, runs the handler, maps
  // errors to problem+json, adds the common headers, records metrics and the
  // access log. Never throws.
  boost::asio::awaitable<Response> process(Request req);
  // The finished response for a request refused before any handler ran (431, 413,
  // 400, 408, 503), recorded like any other.
  Response reject(Request& req, const Error& error);

 private:
  // What the access log and metrics need after the request was moved into a handler.
  struct Summary {
    std::string method, path, route, request_id, remote, origin;
    std::chrono::steady_clock::time_point start;
  };
  static Summary summarize(const Request& req);
  static void assign_request_id(Request& req);
  boost::asio::awaitable<Response> route_and_run(Request req, Summary& summary);
  void finish(const Summary& s, Response& res) const;
  void record(const Summary& s, const Response& res) const;
  bool cors_allows(std::string_view origin) const;

  // Metric handles per (route, method, status), so the hot path does one hash lookup
  // instead of building label strings in the registry.
  struct RouteMetrics {
    metrics::Counter* requests;
    metrics::Histogram* latency;
  };
  const RouteMetrics& route_metrics(const std::string& route, const std::string& method, int status) const;

  const Router& router_;
  metrics::Registry& metrics_;
  PipelineOptions options_;
  std::uint64_t max_body_;
  const std::string unmatched_ = "(unmatched)";
  const std::string other_method_ = "OTHER";
  mutable std::mutex metrics_mutex_;
  mutable std::unordered_map<std::string, RouteMetrics> metrics_cache_;
};

}  // namespace tc::http
