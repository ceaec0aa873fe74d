#include "modules/ai/platform_research.h"

#include "modules/ai/learn.h"
#include "modules/ai/question.h"
#include "modules/chat/chat.h"
#include "modules/market/market.h"

#include <fmt/format.h>

#include <set>

namespace tc::ai {

namespace json = boost::json;

namespace {
std::string excerpt(std::string text) {
  if (text.size() > 280) {
    text.resize(280);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
    text += "…";
  }
  return text;
}
}  // namespace

WebResearch platform_research() {
  return [](std::string query, ToolContext services) -> boost::asio::awaitable<json::object> {
    const auto& who = services.who;
    json::array sources;
    std::set<std::string> seen;
    auto add = [&](std::string title, std::string url, std::string text) {
      if (sources.size() >= 8 || !seen.insert(url).second) return;
      sources.push_back(json::object{{"n", static_cast<std::int64_t>(sources.size() + 1)},
                                     {"title", std::move(title)},
                                     {"url", std::move(url)},
                                     {"excerpt", excerpt(std::move(text))}});
    };
    auto q = parse_question(query, services.market);
    std::vector<std::string> terms{query};
    for (const auto& w : q.words) {
      if (terms.size() < 4 && w != query) terms.push_back(w);
    }
    for (const auto* in : q.instruments) {
      add(fmt::format("{} ({}, {})", in->name, in->symbol, in->asset_class), "/markets/" + in->symbol,
          fmt::format("{} is listed on {} and quoted in {}.", in->name, in->exchange, in->currency));
    }
    if (const auto* lesson = lesson_for(query)) {
      std::string text;
      for (const auto& s : lesson->steps) text += (text.empty() ? "" : " ") + s;
      add("Lesson: " + lesson->title, "/ai/learn/" + lesson->id, text);
    }
    for (const auto& term : terms) {
      if (services.chat && term.size() <= 200) {
        auto found = co_await services.chat->search_messages(who, term, 5);
        for (const auto& m : found) {
          const auto& o = m.as_object();
          add(fmt::format("Room {}", std::string(o.at("room_name").as_string())),
              fmt::format("/rooms/{}?message={}", std::string(o.at("room_id").as_string()),
                          std::string(o.at("id").as_string())),
              std::string(o.at("text").as_string()));
        }
      }
      if (services.store && !services.in_room) {
        auto mine = co_await services.store->search(who.user_id, term, 5);
        for (const auto& c : mine) {
          const auto& o = c.as_object();
          if (o.at("conversation_id").as_string() == services.conversation_id) continue;
          add(fmt::format("Your conversation \"{}\"", std::string(o.at("title").as_string())),
              fmt::format("/ai/conversations/{}", std::string(o.at("conversation_id").as_string())),
              std::string(o.at("text").as_string()));
        }
      }
      if (!sources.empty()) break;
    }
    co_return json::object{{"query", query},
                           {"backend", "the platform's own content (no internet access)"},
                           {"sources", std::move(sources)}};
  };
}

}  // namespace tc::ai
