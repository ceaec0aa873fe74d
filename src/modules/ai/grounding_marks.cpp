// Grounded-number marks of a reply: the numbers no source (tool results, the
// user's message, earlier turns, room context) contains, by ai-tools' grounding
// rules (docs/ai.md, "Grounded numbers").
#include "modules/ai/assistant.h"
#include "modules/ai/tools/grounding.h"

namespace tc::ai {

boost::json::array Assistant::marks_for(const std::string& text, const std::vector<std::string>& sources) {
  boost::json::array out;
  for (const auto& m : ::tc::ai::tools::ungrounded_numbers(text, sources)) {
    out.push_back(boost::json::object{{"start", m.start}, {"end", m.end}, {"text", m.text}});
  }
  return out;
}

}  // namespace tc::ai
