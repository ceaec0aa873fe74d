// The assistant's tools: each a JSON-Schema'd function a model (or the offline
// engine) calls, run with the asking user's permissions: market data through
// market::Market, rooms through chat's RoomAssist (chat decides what the user may
// read), the user's own conversations, files and settings through the store.
// Arguments are untrusted (a model wrote them): parsed strictly, unknown fields
// refused, every value bounded; a failing tool returns {"error": …} as its result
// instead of throwing, so the model sees what went wrong.
#pragma once

#include "modules/ai/conversation_store.h"
#include "modules/ai/llm/llm.h"
#include "modules/auth/auth.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tc::market {
class Market;
}
namespace tc::chat {
class RoomAssist;
}
namespace tc::alerts {
class AlertService;
}
namespace tc {
class BlockingPool;
}

namespace tc::ai {

// Research over several sources with citations (Deep Web Search): the ai-tools
// web_search library over the fetcher, or over the platform's own content when the
// process has no internet. Returns {"query","sources":[{title,url,excerpt}], …}.
struct ToolContext;
using WebResearch = std::function<boost::asio::awaitable<boost::json::object>(std::string query, ToolContext ctx)>;

struct ToolContext {
  auth::Principal who;
  std::string conversation_id;
  market::Market* market = nullptr;
  ConversationStore* store = nullptr;
  chat::RoomAssist* chat = nullptr;        // null when chat does not run in the process
  alerts::AlertService* alerts = nullptr;  // null when alerts do not run in the process
  BlockingPool* pool = nullptr;            // CPU-bound work (file analysis); null: run inline (tests)
  WebResearch web_research;                // empty: web_search answers "unavailable"
  bool in_room = false;  // answering in a chat room: nothing private to the asker (own conversations) is searched
};

struct Tool {
  llm::ToolSpec spec;
  std::vector<std::string> fields;  // the argument names it accepts
  std::function<boost::asio::awaitable<boost::json::value>(boost::json::object args, ToolContext ctx)> run;
};

class ToolRegistry {
 public:
  ToolRegistry();
  void add(Tool tool);
  const Tool* find(const std::string& name) const;
  // The specs of those of `names` that exist, in that order.
  std::vector<llm::ToolSpec> specs(const std::vector<std::string>& names) const;
  // Parses `arguments` (JSON text from a model), checks the fields and runs the tool.
  // Never throws for a bad call or a failing tool: the result is {"error": {...}}.
  boost::asio::awaitable<boost::json::value> call(std::string name, std::string arguments, ToolContext ctx) const;
  boost::asio::awaitable<boost::json::value> call(std::string name, boost::json::object arguments,
                                                  ToolContext ctx) const;

 private:
  std::map<std::string, Tool> tools_;
};

// Strict readers for tool arguments (422 naming the field).
namespace args {
std::string required_string(const boost::json::object& a, std::string_view name, std::size_t max_len);
std::optional<std::string> optional_string(const boost::json::object& a, std::string_view name, std::size_t max_len);
std::optional<std::int64_t> optional_int(const boost::json::object& a, std::string_view name, std::int64_t min,
                                         std::int64_t max);
}  // namespace args

// Registration of each group of tools (each in its own file).
void add_market_tools(ToolRegistry& registry);
void add_platform_tools(ToolRegistry& registry);
void add_learn_tools(ToolRegistry& registry);
void add_research_tools(ToolRegistry& registry);

}  // namespace tc::ai
