// The ai module's storage: conversations, their messages (tool calls, marks,
// citations, annotations and proposals kept as JSON), the persisted `ai:<id>`
// stream, uploaded files, Learn progress and per-user / per-room settings. Every
// read and write of a user's data is scoped to that user: another user's id is a
// 404, exactly as an id that does not exist. Blocking SQL runs on the store's pool.
#pragma once

#include "infra/store/store.h"
#include "modules/realtime/realtime.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace tc::ai {

std::int64_t now_ms();
// "2026-12-02T04:59:01.123Z"
std::string iso_time(std::int64_t ms);

struct Conversation {
  std::string id;
  std::string user_id;
  std::string mode;
  std::string title;
  std::string epoch;
  std::uint64_t last_offset = 0;
  std::optional<std::string> running_answer;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};
boost::json::object conversation_json(const Conversation& c);

// One earlier turn, as the prompt builder needs it.
struct Turn {
  std::string role;  // user, assistant
  std::string content;
};

// What a finished answer stores.
struct FinishedAnswer {
  std::string content;
  std::string status = "complete";             // complete, cancelled, failed
  boost::json::array tool_calls;               // [{id,name,arguments,result}]
  boost::json::array marks;                    // [{start,end,text}]
  boost::json::array citations;                // [{title,url}]
  boost::json::value annotations;              // null or the chart payload
  std::vector<boost::json::object> proposals;  // [{kind, arguments}] → stored pending with ids
  std::string provider = "offline";
  std::string model = "offline-engine";
  boost::json::object usage{{"input_tokens", 0}, {"output_tokens", 0}, {"cost_usd", 0.0}};
};

struct StartedAnswer {
  boost::json::object user_message;
  std::string answer_id;
  Conversation conversation;
};

struct StoredFile {
  std::string id;
  std::string user_id;
  std::string filename;
  std::string content_type;
  std::int64_t size = 0;
  std::string bytes;
};

struct Page {
  std::optional<std::string> cursor;
  std::size_t limit = 50;
};

inline constexpr std::size_t kMaxPage = 100;

class ConversationStore {
 public:
  // `realtime` may be null (no fan-out, in tests).
  ConversationStore(infra::store::Store& store, realtime::Realtime* realtime);

  // Conversations
  boost::asio::awaitable<boost::json::object> create(std::string user_id, std::string mode, std::string title,
                                                     std::int64_t max_per_user);
  boost::asio::awaitable<boost::json::object> list(std::string user_id, Page page);
  // 404 unless it exists and belongs to `user_id`.
  boost::asio::awaitable<Conversation> get(std::string user_id, std::string id);
  boost::asio::awaitable<boost::json::object> update(std::string user_id, std::string id,
                                                     std::optional<std::string> title, std::optional<std::string> mode);
  // 409 while an answer runs.
  boost::asio::awaitable<void> remove(std::string user_id, std::string id);

  // Messages
  // Stores the user's message and the assistant's (status "streaming") in one
  // transaction; 409 when an answer already runs in the conversation.
  boost::asio::awaitable<StartedAnswer> start_answer(std::string user_id, std::string conversation_id,
                                                     std::string content, std::vector<std::string> file_ids,
                                                     std::size_t max_messages);
  // Stores the answer's final state, clears the running mark; returns the message JSON.
  boost::asio::awaitable<boost::json::object> finish_answer(std::string conversation_id, std::string answer_id,
                                                            std::string user_id, FinishedAnswer answer);
  boost::asio::awaitable<boost::json::object> messages(std::string user_id, std::string conversation_id, Page page);
  // All messages, oldest first (export).
  boost::asio::awaitable<std::vector<boost::json::object>> all_messages(std::string user_id,
                                                                        std::string conversation_id);
  // The newest `n` complete turns before the running answer, oldest first.
  boost::asio::awaitable<std::vector<Turn>> recent_turns(std::string conversation_id, std::size_t n);
  // Answers left "streaming" by a process that stopped are marked failed (start-up).
  void fail_abandoned_answers();

  // The ai:<id> stream
  // Persists `events` at the conversation's next offsets and fans them out (in
  // offset order: the conversation's lock is held from assignment to fan-out).
  boost::asio::awaitable<void> append_stream(std::string conversation_id, std::vector<boost::json::object> events);
  // Sends `event` to the conversation's subscribers on every instance now, without an
  // offset and without keeping it (live tokens; their persisted copy follows).
  void publish_live(const std::string& conversation_id, const boost::json::object& event);
  boost::asio::awaitable<realtime::StreamPosition> stream_position(std::string user_id, std::string conversation_id);
  boost::asio::awaitable<std::vector<realtime::StoredPublication>> read_stream(std::string conversation_id,
                                                                               realtime::StreamQuery query);

  // Proposals: the pending proposal of `user_id` (404 otherwise), moved to
  // "confirming" so a second confirm cannot run it twice (409).
  boost::asio::awaitable<boost::json::object> claim_proposal(std::string user_id, std::string proposal_id);
  boost::asio::awaitable<void> settle_proposal(std::string proposal_id, std::string status,
                                               std::optional<std::string> result_id);
  boost::asio::awaitable<boost::json::object> decline_proposal(std::string user_id, std::string proposal_id);

  // Files
  boost::asio::awaitable<boost::json::object> add_file(StoredFile file, std::int64_t max_files_per_user);
  boost::asio::awaitable<StoredFile> file(std::string user_id, std::string file_id);

  // Learn progress: records an answer to an exercise; returns the progress document.
  boost::asio::awaitable<void> record_exercise(std::string user_id, std::string lesson_id, std::string exercise_id,
                                               bool correct);
  // lesson id → exercise id → correct
  boost::asio::awaitable<std::vector<std::tuple<std::string, std::string, bool, std::int64_t>>> learn_progress(
      std::string user_id);

  // Settings
  boost::asio::awaitable<boost::json::array> trading_rules(std::string user_id);
  boost::asio::awaitable<void> set_trading_rules(std::string user_id, boost::json::array rules);
  boost::asio::awaitable<bool> room_enabled(std::string room_id);
  boost::asio::awaitable<void> set_room_enabled(std::string room_id, bool enabled, std::string by);

  // The user's own recent activity for Trade Buddy: messages they wrote in the last
  // `window_ms` in conversations (counts per minute bucket come from the timestamps).
  boost::asio::awaitable<std::vector<std::int64_t>> own_message_times(std::string user_id, std::int64_t since_ms);
  // The user's conversations whose title or messages contain `text` (platform search).
  boost::asio::awaitable<boost::json::array> search(std::string user_id, std::string text, std::size_t limit);

  static std::string channel_of(const std::string& conversation_id) { return "ai:" + conversation_id; }

  infra::store::Store& store() { return store_; }

 private:
  std::mutex& lock_of(const std::string& conversation_id);

  infra::store::Store& store_;
  realtime::Realtime* realtime_;
  std::array<std::mutex, 32> locks_;
};

}  // namespace tc::ai
