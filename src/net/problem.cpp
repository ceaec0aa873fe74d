#include "net/problem.h"

#include <boost/json/serialize.hpp>

namespace tc::http {

Response problem_response(const Error& error, std::string_view instance, std::string_view request_id) {
  boost::json::object doc;
  doc["type"] = "https://tradechat.dev/problems/" + error.type();
  doc["title"] = error.title();
  doc["status"] = error.status();
  if (!error.detail().empty()) doc["detail"] = error.detail();
  if (!instance.empty()) doc["instance"] = instance;
  if (!request_id.empty()) doc["request_id"] = request_id;
  for (const auto& kv : error.extra()) doc[kv.key()] = kv.value();
  auto res = Response::text(boost::json::serialize(doc), "application/problem+json", error.status());
  // Extensions that HTTP clients also expect as headers.
  if (const auto* retry = error.extra().if_contains("retry_after"); retry && retry->is_int64()) {
    res.set_header("Retry-After", std::to_string(retry->as_int64()));
  }
  if (error.status() == 401) res.set_header("WWW-Authenticate", "Bearer");
  return res;
}

}  // namespace tc::http
