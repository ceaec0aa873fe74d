// `@ai` in chat rooms. Chat tells every observer about each stored message (chat.h);
// when one mentions @ai in a room where moderators switched it on, the assistant
// answers the asking user's question with the asking user's permissions, using the
// room's recent messages (read through chat, as that user) as context framed as
// data. While it writes, the room gets {"type":"ai_token","message_id","reply_to",
// "text"} events; the reply is then stored as a chat message authored by the `ai`
// bot identity, replying to the question.
#pragma once

#include "modules/ai/assistant.h"
#include "modules/chat/chat.h"
#include "modules/realtime/realtime.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#include <thread>

namespace tc::ai {

class RoomAi {
 public:
  RoomAi(std::shared_ptr<Assistant> assistant, chat::RoomAssist& chat, realtime::Realtime* realtime);
  ~RoomAi();
  RoomAi(const RoomAi&) = delete;
  RoomAi& operator=(const RoomAi&) = delete;

  void start();  // registers the observer, starts the thread answers run on
  void stop() noexcept;

  // True when the text asks the assistant (a mention of @ai as a word).
  static bool mentions_ai(std::string_view text);
  // The mode a room question picks by its first word after @ai ("@ai analyze AAPL").
  static const Mode* mode_for(std::string_view text);

 private:
  static boost::asio::awaitable<void> answer(RoomAi* self, auth::Principal who, boost::json::object message);

  std::shared_ptr<Assistant> assistant_;
  chat::RoomAssist& chat_;
  realtime::Realtime* realtime_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
};

}  // namespace tc::ai
