// The offline engine: how every mode answers with no language model configured.
// It reads the question (question.h), runs the mode's tools through the same path
// a model's tool calls take (so the stored message lists them), and writes the
// answer only from their results: every number it prints is copied from a tool
// result, so the grounding check marks none. It says plainly where a configured
// model would be needed (free-form reasoning, open questions).
#pragma once

#include "modules/ai/conversation_store.h"
#include "modules/ai/modes.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <vector>

namespace tc::market {
class Market;
}

namespace tc::ai {

struct OfflineRequest {
  const Mode* mode = nullptr;
  std::string question;
  std::vector<Turn> history;  // earlier turns, oldest first
  std::vector<std::string> file_ids;
  const market::Market* market = nullptr;
  bool in_room = false;  // @ai in a chat room: no proposals (nobody could confirm them there)
  // Runs one tool (recording the call and its result, streaming both); returns the result.
  std::function<boost::asio::awaitable<boost::json::value>(std::string name, boost::json::object args)> call_tool;
  // Publishes the visible plan (Deep Thinking).
  std::function<void(std::vector<std::string> steps)> on_plan;
};

struct OfflineAnswer {
  std::string text;
  boost::json::array citations;
  boost::json::value annotations;
  std::vector<boost::json::object> proposals;  // [{kind, arguments}]
};

boost::asio::awaitable<OfflineAnswer> answer_offline(OfflineRequest request);

// The sentence every offline answer that would need a model ends with.
extern const char* const kNeedsModel;

}  // namespace tc::ai
