#include "net/json_fields.h"

#include "core/errors.h"

#include <fmt/format.h>

#include <algorithm>

namespace tc::http {
namespace {

const boost::json::object& as_object(const boost::json::value& v) {
  if (!v.is_object()) throw errors::validation("the body must be a JSON object");
  return v.as_object();
}

}  // namespace

JsonFields::JsonFields(boost::json::value body, std::initializer_list<std::string_view> allowed)
    : body_(std::move(body)), object_(as_object(body_)) {
  for (const auto& kv : object_) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      std::string names;
      for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      throw errors::validation(
          fmt::format("unknown field \"{}\"; allowed fields: {}", std::string(kv.key()).substr(0, 64), names));
    }
  }
}

std::optional<std::string> JsonFields::optional_string(std::string_view name, std::size_t min_len,
                                                       std::size_t max_len) const {
  const auto* v = object_.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw errors::validation(fmt::format("field \"{}\" must be a string", name));
  const auto& s = v->as_string();
  if (s.size() < min_len || s.size() > max_len) {
    throw errors::validation(fmt::format("field \"{}\" must have {} to {} bytes", name, min_len, max_len));
  }
  return std::string(s);
}

std::string JsonFields::required_string(std::string_view name, std::size_t min_len, std::size_t max_len) const {
  auto v = optional_string(name, min_len, max_len);
  if (!v) throw errors::validation(fmt::format("field \"{}\" is required", name));
  return *v;
}

std::optional<bool> JsonFields::optional_bool(std::string_view name) const {
  const auto* v = object_.if_contains(name);
  if (!v) return std::nullopt;
  if (!v->is_bool()) throw errors::validation(fmt::format("field \"{}\" must be true or false", name));
  return v->as_bool();
}

}  // namespace tc::http
