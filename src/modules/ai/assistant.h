// The assistant loop. For one question it builds the prompt (the base rules, the
// mode's instructions, recent turns, the mode's tool specs), calls the router —
// streaming tokens out as they come — runs the tool calls the model asks for with
// the asking user's permissions, feeds their results back framed as data, and
// stores the final message with its grounded-number marks. With no provider
// configured it answers with the offline engine instead. Caps: tool-call rounds
// and calls per answer, output tokens, concurrent answers per user.
//
// Cancellation: the cancel route (and a conversation's deletion) flags the running
// answer and emits a terminal cancellation on the router call's slot (llm.h), which
// closes the provider connection; the partial answer is stored as "cancelled".
#pragma once

#include "modules/ai/answer_stream.h"
#include "modules/ai/conversation_store.h"
#include "modules/ai/llm/llm.h"
#include "modules/ai/modes.h"
#include "modules/ai/tools.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tc::ai {

struct AssistantLimits {
  std::size_t max_concurrent_per_user = 2;
  std::size_t max_tool_calls = 12;        // per answer, over all rounds
  std::int64_t max_output_tokens = 4096;  // per model turn (the mode's own limit if lower)
  std::size_t max_messages = 1000;        // per conversation
};

// What one answer produced, whatever wrote it.
struct Produced {
  std::string text;
  boost::json::array tool_calls;
  boost::json::array citations;
  boost::json::value annotations;
  std::vector<boost::json::object> proposals;
  std::vector<std::string> sources;  // texts the numbers may come from (grounding)
  std::string provider = "offline";
  std::string model = "offline-engine";
  llm::Usage usage;
  bool cancelled = false;
};

// One question to answer, wherever it came from (a conversation or a room).
struct Job {
  auth::Principal who;
  const Mode* mode = nullptr;
  std::string question;
  std::vector<Turn> history;         // oldest first, without the question
  std::vector<std::string> context;  // extra data for the prompt (room messages), framed as data
  std::vector<std::string> file_ids;
  std::string conversation_id;  // empty in rooms
  bool in_room = false;
};

// A running answer's controls.
struct Running {
  std::string user_id;
  std::string conversation_id;
  boost::asio::strand<boost::asio::any_io_executor> strand;
  std::atomic<bool> cancelled{false};
  boost::asio::cancellation_signal signal;  // emitted on the strand only
  explicit Running(boost::asio::strand<boost::asio::any_io_executor> s) : strand(std::move(s)) {}
};

class Assistant : public std::enable_shared_from_this<Assistant> {
 public:
  Assistant(std::shared_ptr<ConversationStore> store, std::shared_ptr<llm::Router> router, ToolContext services,
            AssistantLimits limits);

  // POST …/messages: stores the question and starts the answer on `executor`;
  // returns {"message", "answer_id"}. 409 while an answer runs in the conversation,
  // 429 when the user already has max_concurrent_per_user answers running.
  boost::asio::awaitable<boost::json::object> ask(auth::Principal who, std::string conversation_id, std::string content,
                                                  std::vector<std::string> file_ids,
                                                  boost::asio::any_io_executor executor);
  // True when an answer was running (and is now being stopped).
  bool cancel(const std::string& user_id, const std::string& conversation_id);
  // Someone stopped following the conversation: after `grace`, if the same answer
  // still runs here and `watched()` says nobody follows it on any instance, it is
  // cancelled (a quick reconnect keeps it). Does nothing when no answer runs here.
  void cancel_if_unwatched(const std::string& user_id, const std::string& conversation_id,
                           std::function<boost::asio::awaitable<bool>()> watched, std::chrono::milliseconds grace);
  void cancel_all();

  // Produces an answer for `job`, streaming through `out`. Never throws for a model
  // or tool failure (those throw tc::Error out of it); cancellation ends it early
  // with `cancelled` set.
  boost::asio::awaitable<Produced> produce(Job job, std::shared_ptr<Running> run, AnswerStream* out);

  // Reserves a slot for a user's answer (429 past the cap); registers it under `key`.
  std::shared_ptr<Running> reserve(const std::string& user_id, const std::string& key,
                                   const boost::asio::any_io_executor& executor);
  void release(const std::string& key);

  // Marks for the numbers of `text` that no source contains.
  static boost::json::array marks_for(const std::string& text, const std::vector<std::string>& sources);

  const ToolRegistry& tools() const { return registry_; }
  ConversationStore& store() { return *store_; }
  llm::Router& router() { return *router_; }

 private:
  static boost::asio::awaitable<void> run_answer(std::shared_ptr<Assistant> self, std::shared_ptr<Running> run, Job job,
                                                 std::string answer_id);
  // Pointers, not references: coroutine parameters (the pointees outlive the call).
  boost::asio::awaitable<void> produce_offline(Job* job, Running* run, AnswerStream* out, Produced* p);
  boost::asio::awaitable<void> produce_with_model(Job* job, Running* run, AnswerStream* out, Produced* p);
  boost::asio::awaitable<boost::json::value> run_tool(Job* job, AnswerStream* out, Produced* p, std::string call_id,
                                                      std::string name, boost::json::object args);

  std::shared_ptr<ConversationStore> store_;
  std::shared_ptr<llm::Router> router_;
  ToolContext services_;
  AssistantLimits limits_;
  ToolRegistry registry_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Running>> running_;  // key: conversation id or "room:<msg>"
};

}  // namespace tc::ai
