#include "net/router.h"

#include <algorithm>
#include <stdexcept>

namespace tc::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto next = path.find('/', i);
    if (next == std::string_view::npos) next = path.size();
    out.push_back(path.substr(i, next - i));
    i = next;
  }
  return out;
}

bool is_param(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, OperationDoc doc, RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') throw std::logic_error("route pattern must start with /: " + pattern);
  Route r;
  r.method = std::move(method);
  for (auto seg : split_path(pattern)) {
    if (seg.find_first_of("{}") != std::string_view::npos && !is_param(seg)) {
      throw std::logic_error("malformed route segment in " + pattern);
    }
    r.segments.emplace_back(seg);
  }
  for (const auto& existing : routes_) {
    if (existing.method == r.method && existing.segments.size() == r.segments.size()) {
      bool same = true;
      for (std::size_t i = 0; i < r.segments.size() && same; ++i) {
        bool both_params = is_param(existing.segments[i]) && is_param(r.segments[i]);
        same = both_params || existing.segments[i] == r.segments[i];
      }
      if (same) throw std::logic_error("duplicate route " + r.method + " " + pattern);
    }
  }
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  r.doc = std::move(doc);
  r.options = options;
  routes_.push_back(std::move(r));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  auto segs = split_path(path);
  // A literal segment beats a parameter: "/rooms/mine" wins over "/rooms/{id}".
  int best_score = -1;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    int score = 0;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      if (is_param(r.segments[i]))
        ok = !segs[i].empty();
      else if (r.segments[i] == segs[i])
        ++score;
      else
        ok = false;
    }
    if (!ok) continue;
    result.path_known = true;
    if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end()) {
      result.allowed.push_back(r.method);
      if (r.method == "GET") result.allowed.emplace_back("HEAD");
    }
    bool method_ok = r.method == method || (method == "HEAD" && r.method == "GET");
    if (method_ok && score > best_score) {
      best_score = score;
      result.route = &r;
      result.params.clear();
      for (std::size_t i = 0; i < segs.size(); ++i) {
        if (is_param(r.segments[i])) {
          result.params.emplace_back(r.segments[i].substr(1, r.segments[i].size() - 2), std::string(segs[i]));
        }
      }
    }
  }
  if (result.path_known) result.allowed.emplace_back("OPTIONS");
  return result;
}

std::uint64_t Router::max_body_limit(std::uint64_t default_limit) const {
  std::uint64_t m = default_limit;
  for (const auto& r : routes_) {
    if (r.options.max_body_bytes) m = std::max(m, *r.options.max_body_bytes);
  }
  return m;
}

}  // namespace tc::http
