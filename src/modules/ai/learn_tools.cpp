// The learn tool: the curriculum (list), one lesson with the user's progress in it,
// and checking an answer to an exercise (stored as progress).
#include "core/errors.h"
#include "modules/ai/learn.h"
#include "modules/ai/tools.h"

#include <boost/json/parse.hpp>

#include <map>

namespace tc::ai {

namespace json = boost::json;

boost::asio::awaitable<json::object> learn_progress_json(ConversationStore& store, std::string user_id) {
  auto rows = co_await store.learn_progress(user_id);
  std::map<std::string, std::map<std::string, std::pair<bool, std::int64_t>>> done;
  for (const auto& [lesson, exercise, correct, attempts] : rows) done[lesson][exercise] = {correct, attempts};
  json::array lessons;
  std::int64_t solved_total = 0, total = 0;
  for (const auto& l : curriculum()) {
    json::array exercises;
    std::int64_t solved = 0;
    for (const auto& e : l.exercises) {
      ++total;
      auto it = done[l.id].find(e.id);
      const bool ok = it != done[l.id].end() && it->second.first;
      solved += ok ? 1 : 0;
      exercises.push_back(
          json::object{{"id", e.id}, {"solved", ok}, {"attempts", it == done[l.id].end() ? 0 : it->second.second}});
    }
    solved_total += solved;
    lessons.push_back(json::object{{"id", l.id},
                                   {"title", l.title},
                                   {"exercises", exercises},
                                   {"exercise_count", static_cast<std::int64_t>(l.exercises.size())},
                                   {"solved", solved},
                                   {"complete", solved == static_cast<std::int64_t>(l.exercises.size())}});
  }
  co_return json::object{{"lessons", lessons}, {"solved", solved_total}, {"total", total}};
}

void add_learn_tools(ToolRegistry& registry) {
  registry.add(Tool{
      .spec = {"learn",
               "The built-in trading curriculum: action \"list\" (lessons and progress), \"lesson\" (a lesson's "
               "steps and exercises), \"check\" (check the user's answer to an exercise; records progress)",
               json::parse(R"({"type":"object","additionalProperties":false,"required":["action"],
                 "properties":{"action":{"enum":["list","lesson","check"]},"lesson_id":{"type":"string"},
                 "exercise_id":{"type":"string"},"answer":{"type":"string","maxLength":200}}})")
                   .as_object()},
      .fields = {"action", "lesson_id", "exercise_id", "answer"},
      .run = [](json::object a, ToolContext ctx) -> boost::asio::awaitable<json::value> {
        const auto action = args::required_string(a, "action", 16);
        if (action == "list") co_return co_await learn_progress_json(*ctx.store, ctx.who.user_id);
        if (action == "lesson") {
          const auto* l = find_lesson(args::required_string(a, "lesson_id", 64));
          if (!l) throw errors::not_found("no such lesson");
          co_return lesson_json(*l, true);
        }
        if (action == "check") {
          auto found = find_exercise(args::required_string(a, "exercise_id", 64));
          if (!found) throw errors::not_found("no such exercise");
          const auto answer = args::required_string(a, "answer", 200);
          auto checked = check_answer(*found->second, answer);
          co_await ctx.store->record_exercise(ctx.who.user_id, found->first->id, found->second->id, checked.correct);
          co_return json::object{{"lesson_id", found->first->id},
                                 {"exercise_id", found->second->id},
                                 {"answer", answer},
                                 {"correct", checked.correct},
                                 {"expected", checked.expected},
                                 {"explanation", checked.explanation}};
        }
        throw errors::validation("argument \"action\" must be list, lesson or check");
      }});
}

}  // namespace tc::ai
