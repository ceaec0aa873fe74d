#include "core/errors.h"
#include "modules/ai/tools.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <algorithm>

namespace tc::ai {

namespace json = boost::json;

ToolRegistry::ToolRegistry() {
  add_market_tools(*this);
  add_platform_tools(*this);
  add_learn_tools(*this);
  add_research_tools(*this);
}

void ToolRegistry::add(Tool tool) {
  auto name = tool.spec.name;
  tools_[name] = std::move(tool);
}

const Tool* ToolRegistry::find(const std::string& name) const {
  auto it = tools_.find(name);
  return it == tools_.end() ? nullptr : &it->second;
}

std::vector<llm::ToolSpec> ToolRegistry::specs(const std::vector<std::string>& names) const {
  std::vector<llm::ToolSpec> out;
  for (const auto& n : names) {
    if (const auto* t = find(n)) out.push_back(t->spec);
  }
  return out;
}

namespace {
json::object error_result(int status, const std::string& title, const std::string& detail) {
  return json::object{{"error", {{"status", status}, {"title", title}, {"detail", detail}}}};
}
}  // namespace

boost::asio::awaitable<json::value> ToolRegistry::call(std::string name, std::string arguments, ToolContext ctx) const {
  if (arguments.size() > std::size_t{16} * 1024)
    co_return error_result(413, "Arguments too large", "at most 16 KiB of arguments");
  boost::system::error_code ec;
  auto parsed = arguments.empty() ? json::value(json::object{}) : json::parse(arguments, ec);
  if (ec || !parsed.is_object()) co_return error_result(400, "Bad arguments", "arguments must be a JSON object");
  co_return co_await call(std::move(name), std::move(parsed.as_object()), std::move(ctx));
}

boost::asio::awaitable<json::value> ToolRegistry::call(std::string name, json::object arguments,
                                                       ToolContext ctx) const {
  const auto* tool = find(name);
  if (!tool) co_return error_result(404, "Unknown tool", fmt::format("no tool named \"{}\"", name.substr(0, 64)));
  for (const auto& [key, value] : arguments) {
    if (std::find(tool->fields.begin(), tool->fields.end(), std::string(key)) == tool->fields.end()) {
      co_return error_result(422, "Invalid arguments",
                             fmt::format("unknown argument \"{}\"", std::string(key).substr(0, 64)));
    }
  }
  std::optional<json::object> failure;
  try {
    co_return co_await tool->run(std::move(arguments), std::move(ctx));
  } catch (const Error& e) {
    failure = error_result(e.status(), e.title(), e.detail());
  } catch (const std::exception& e) {
    failure = error_result(500, "Tool failed", "the tool failed");
  }
  co_return *failure;
}

namespace args {

std::string required_string(const json::object& a, std::string_view name, std::size_t max_len) {
  auto v = optional_string(a, name, max_len);
  if (!v || v->empty()) throw errors::validation(fmt::format("argument \"{}\" is required", name));
  return *v;
}

std::optional<std::string> optional_string(const json::object& a, std::string_view name, std::size_t max_len) {
  const auto* v = a.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string() || v->as_string().size() > max_len) {
    throw errors::validation(fmt::format("argument \"{}\" must be a string of at most {} bytes", name, max_len));
  }
  return std::string(v->as_string());
}

std::optional<std::int64_t> optional_int(const json::object& a, std::string_view name, std::int64_t min,
                                         std::int64_t max) {
  const auto* v = a.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_double() && v->as_double() == static_cast<double>(static_cast<std::int64_t>(v->as_double()))) {
    n = static_cast<std::int64_t>(v->as_double());
  }
  if (!n || *n < min || *n > max) {
    throw errors::validation(fmt::format("argument \"{}\" must be an integer from {} to {}", name, min, max));
  }
  return n;
}

}  // namespace args

}  // namespace tc::ai
