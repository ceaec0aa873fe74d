#include "app/openapi.h"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace tc::app {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

boost::json::object problem_schema() {
  return boost::json::parse(R"({
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
      "type": {"type": "string", "format": "uri"},
      "title": {"type": "string"},
      "status": {"type": "integer"},
      "detail": {"type": "string"},
      "instance": {"type": "string"},
      "request_id": {"type": "string"}
    }
  })")
      .as_object();
}

}  // namespace

boost::json::object build_openapi(const http::Router& router, const std::string& version) {
  boost::json::object paths;
  for (const auto& route : router.routes()) {
    if (route.options.internal) continue;
    const auto& doc = route.doc;
    boost::json::object op;
    op["summary"] = doc.summary;
    op["operationId"] = lower(route.method) + route.pattern;
    if (!doc.tag.empty()) op["tags"] = boost::json::array{doc.tag};
    boost::json::array params;
    for (const auto& seg : route.segments) {
      if (seg.size() > 2 && seg.front() == '{') {
        params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
      }
    }
    for (const auto& q : doc.query_params) {
      params.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (doc.request_schema) {
      op["requestBody"] = {{"required", true},
                           {"content", {{doc.request_content_type, {{"schema", *doc.request_schema}}}}}};
    }
    boost::json::object responses;
    bool first_success = true;
    for (const auto& [status, description] : doc.responses) {
      boost::json::object r;
      r["description"] = description;
      if (status >= 400) {
        r["content"] = {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}};
      } else if (status < 300 && first_success && doc.response_schema) {
        r["content"] = {{"application/json", {{"schema", *doc.response_schema}}}};
        first_success = false;
      }
      responses[std::to_string(status)] = std::move(r);
    }
    responses["default"] = {
        {"description", "Error"},
        {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
    op["responses"] = std::move(responses);
    if (doc.auth) op["security"] = boost::json::array{{{"bearer", boost::json::array{}}}};
    auto& item = paths[route.pattern];
    if (!item.is_object()) item = boost::json::object{};
    item.as_object()[lower(route.method)] = std::move(op);
  }
  boost::json::object doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "tradechat API"},
                 {"version", version},
                 {"description", "REST API of tradechat. Errors are application/problem+json (RFC 9457)."}};
  doc["servers"] = boost::json::array{{{"url", "/"}}};
  doc["paths"] = std::move(paths);
  doc["components"] = {
      {"schemas", {{"Problem", problem_schema()}}},
      {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}};
  return doc;
}

}  // namespace tc::app
