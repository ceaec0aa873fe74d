// Platform tools: platform_search (the rooms the user may read, through chat's own
// rules, and the user's own conversations), activity_summary (Trade Buddy's tilt
// signals from the user's own recent activity) and trading_rules (the rules the
// user wrote for themselves, a user setting).
#include "core/errors.h"
#include "modules/ai/tools.h"
#include "modules/alerts/alert_service.h"
#include "modules/chat/chat.h"

#include <boost/json/parse.hpp>

namespace tc::ai {

namespace json = boost::json;

namespace {
json::object schema(const char* text) { return json::parse(text).as_object(); }
}  // namespace

boost::asio::awaitable<json::value> platform_search(std::string query, ToolContext ctx) {
  json::array rooms;
  if (ctx.chat) rooms = co_await ctx.chat->search_messages(ctx.who, query, 10);
  json::array results;
  for (const auto& m : rooms) {
    const auto& o = m.as_object();
    std::string text(o.at("text").as_string());
    if (text.size() > 300) text = text.substr(0, 300);
    results.push_back(json::object{{"kind", "room_message"},
                                   {"room_id", o.at("room_id")},
                                   {"room_name", o.at("room_name")},
                                   {"message_id", o.at("id")},
                                   {"author", o.at("author")},
                                   {"text", text}});
  }
  json::array mine;
  if (!ctx.in_room) mine = co_await ctx.store->search(ctx.who.user_id, query, 10);
  for (auto& c : mine) {
    // The conversation being answered is where the question itself lives: skip it.
    if (c.as_object().at("conversation_id").as_string() != ctx.conversation_id) results.push_back(std::move(c));
  }
  co_return json::object{{"query", query}, {"count", results.size()}, {"results", results}};
}

void add_platform_tools(ToolRegistry& registry) {
  registry.add(
      Tool{.spec = {"platform_search", "Search the chat rooms the user belongs to and the user's own conversations",
                    schema(R"({"type":"object","additionalProperties":false,"required":["query"],
                 "properties":{"query":{"type":"string","minLength":1,"maxLength":200}}})")},
           .fields = {"query"},
           .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             co_return co_await platform_search(args::required_string(a, "query", 200), ctx);
           }});

  registry.add(
      Tool{.spec = {"activity_summary",
                    "The user's own recent activity and tilt signals: message bursts to the assistant, alert churn",
                    schema(R"({"type":"object","additionalProperties":false,"properties":{}})")},
           .fields = {},
           .run = [](json::object, ToolContext ctx) -> boost::asio::awaitable<json::value> {
             const auto now = now_ms();
             const auto times = co_await ctx.store->own_message_times(ctx.who.user_id, now - 24LL * 3600 * 1000);
             std::int64_t last_15m = 0, last_hour = 0;
             for (auto t : times) {
               if (t >= now - std::int64_t{15} * 60 * 1000) ++last_15m;
               if (t >= now - std::int64_t{60} * 60 * 1000) ++last_hour;
             }
             json::object out{{"burst_window_minutes", 15},
                              {"window_hours", 24},
                              {"assistant_messages_15m", last_15m},
                              {"assistant_messages_1h", last_hour},
                              {"assistant_messages_24h", static_cast<std::int64_t>(times.size())}};
             json::array signals;
             if (last_15m >= 8) {
               signals.push_back(json::object{
                   {"signal", "message_burst"}, {"detail", "many messages in a short time"}, {"count_15m", last_15m}});
             }
             if (auto* alerts = ctx.alerts) {
               auto a = co_await alerts->activity(ctx.who.user_id, now - 24LL * 3600 * 1000);
               out["alerts_active"] = a.active;
               out["alerts_created_24h"] = a.created_recently;
               out["alerts_changed_24h"] = a.changed_recently;
               out["alerts_fired_24h"] = a.fired_recently;
               if (a.changed_recently >= 5) {
                 signals.push_back(json::object{{"signal", "alert_churn"},
                                                {"detail", "alerts created or changed often"},
                                                {"count_24h", a.changed_recently}});
               }
             }
             out["signals"] = std::move(signals);
             co_return out;
           }});

  registry.add(Tool{.spec = {"trading_rules", "The trading rules the user wrote for themselves (their own setting)",
                             schema(R"({"type":"object","additionalProperties":false,"properties":{}})")},
                    .fields = {},
                    .run = [](json::object, ToolContext ctx) -> boost::asio::awaitable<json::value> {
                      auto rules = co_await ctx.store->trading_rules(ctx.who.user_id);
                      co_return json::object{{"rules", std::move(rules)}};
                    }});
}

}  // namespace tc::ai
