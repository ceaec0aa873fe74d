// Who follows a conversation, across instances. An answer runs on the instance that
// took the question; its user's WebSocket may be on another. When the last
// subscription of ai:<id> on any instance ends, that instance says so on the bus
// (tc.ai.watch.released); the instance running the answer waits out the grace and
// then asks every instance whether anyone follows the conversation now
// (tc.ai.watch.query); those with a subscriber answer on the asker's own subject
// (tc.ai.watch.present.<instance>). No answer within the wait: nobody follows, and
// the answer is stopped. With the in-process bus the same exchange runs inside one
// process. The cost of a lost message is only a wasted answer, never a lost one: a
// missed "released" leaves the answer running to its end.
#pragma once

#include "infra/bus/bus.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace tc::ai {

class AnswerWatch {
 public:
  // Live subscriptions of a conversation on this instance.
  using LocalCount = std::function<std::size_t(const std::string& conversation_id)>;
  // Some instance lost its last subscriber of the conversation (this one included).
  using Released = std::function<void(const std::string& user_id, const std::string& conversation_id)>;

  AnswerWatch(infra::bus::Bus& bus, LocalCount local, Released on_released);
  AnswerWatch(const AnswerWatch&) = delete;
  AnswerWatch& operator=(const AnswerWatch&) = delete;
  ~AnswerWatch();

  // The last subscription of the conversation on this instance ended.
  void last_local_unsubscribed(const std::string& user_id, const std::string& conversation_id);

  // True at once when the conversation has a subscriber here; else asks every
  // instance and waits up to `wait` for one to say it has.
  boost::asio::awaitable<bool> watched_anywhere(std::string conversation_id, std::chrono::milliseconds wait);

  static constexpr const char* kReleased = "tc.ai.watch.released";
  static constexpr const char* kQuery = "tc.ai.watch.query";
  static constexpr const char* kPresentPrefix = "tc.ai.watch.present.";

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace tc::ai
