#include "modules/ai/platform_research.h"

#include "modules/ai/learn.h"
#include "modules/ai/question.h"
#include "modules/ai/tools/web_search.h"
#include "modules/chat/chat.h"
#include "modules/market/market.h"

#include <fmt/format.h>

#include <set>

namespace tc::ai {

namespace json = boost::json;

namespace {

// One asking user's view of the platform as a search backend.
class PlatformBackend final : public tools::SearchBackend {
 public:
  explicit PlatformBackend(ToolContext ctx) : ctx_(std::move(ctx)) {}
  std::string name() const override { return "the platform's own content (no internet access)"; }

  boost::asio::awaitable<std::vector<tools::SearchHit>> search(std::string query, std::size_t limit) override {
    std::vector<tools::SearchHit> hits;
    std::set<std::string> seen;
    auto add = [&](std::string title, std::string url, std::string text) {
      if (hits.size() >= limit || !seen.insert(url).second) return;
      auto snippet = text.substr(0, 200);
      hits.push_back({std::move(title), std::move(url), std::move(snippet), std::move(text)});
    };
    auto q = parse_question(query, ctx_.market);
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
      if (ctx_.chat && term.size() <= 200) {
        auto found = co_await ctx_.chat->search_messages(ctx_.who, term, 5);
        for (const auto& m : found) {
          const auto& o = m.as_object();
          add(fmt::format("Room {}", std::string(o.at("room_name").as_string())),
              fmt::format("/rooms/{}?message={}", std::string(o.at("room_id").as_string()),
                          std::string(o.at("id").as_string())),
              std::string(o.at("text").as_string()));
        }
      }
      if (ctx_.store && !ctx_.in_room) {
        auto mine = co_await ctx_.store->search(ctx_.who.user_id, term, 5);
        for (const auto& c : mine) {
          const auto& o = c.as_object();
          if (o.at("conversation_id").as_string() == ctx_.conversation_id) continue;
          add(fmt::format("Your conversation \"{}\"", std::string(o.at("title").as_string())),
              fmt::format("/ai/conversations/{}", std::string(o.at("conversation_id").as_string())),
              std::string(o.at("text").as_string()));
        }
      }
      if (!hits.empty()) break;
    }
    co_return hits;
  }

 private:
  ToolContext ctx_;
};

}  // namespace

WebResearch platform_research() {
  return [](std::string query, ToolContext ctx) -> boost::asio::awaitable<json::object> {
    auto backend = std::make_shared<PlatformBackend>(ctx);
    tools::ResearchOptions options;
    options.max_sources = 8;
    auto result = co_await tools::research(backend, query, options);
    co_return tools::to_json(result);
  };
}

}  // namespace tc::ai
