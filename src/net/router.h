// The route table: method + path pattern ("/api/v1/rooms/{id}/join") -> handler,
// with per-route body limits and the OpenAPI description of each operation.
#pragma once

#include "net/http.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tc::http {

// Handlers take the request by value: a coroutine must own what it reads.
using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

// What /api/openapi.json says about one operation.
struct OperationDoc {
  std::string summary;
  std::string tag;
  bool auth = false;                                    // needs a bearer token
  std::optional<boost::json::object> request_schema{};  // JSON Schema of the body
  std::string request_content_type = "application/json";
  // status -> description (and optional schema under "schema")
  std::vector<std::pair<int, std::string>> responses{{200, "OK"}};
  std::optional<boost::json::object> response_schema{};  // schema of the first 2xx response
  std::vector<std::string> query_params{};               // names of documented query parameters
};

struct RouteOptions {
  std::optional<std::uint64_t> max_body_bytes{};  // default: http.max_body_bytes
  bool internal = false;                          // true: not an API route (static files, ws)
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // "{name}" marks a parameter
  Handler handler;
  OperationDoc doc;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::string> allowed;  // methods the path accepts (for 405 and OPTIONS)
  bool path_known = false;
};

class Router {
 public:
  // Throws std::logic_error on a duplicate (method, pattern) or a malformed pattern.
  void add(std::string method, std::string pattern, Handler handler, OperationDoc doc, RouteOptions options = {});
  // Routes for static files or catch-alls: tried after the table when nothing matched.
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }

  RouteMatch match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const noexcept { return routes_; }
  const Handler& fallback() const noexcept { return fallback_; }
  // The largest body any route accepts (the parser's limit before a route is known).
  std::uint64_t max_body_limit(std::uint64_t default_limit) const;

 private:
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace tc::http
