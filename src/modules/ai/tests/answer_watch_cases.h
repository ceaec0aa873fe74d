// The cross-instance follow check, run against a given bus (in-process in the unit
// test, NATS in the service test): two AnswerWatch objects on one bus are two
// tradechat instances; `a` runs the answer, `b` holds the user's WebSocket.
#pragma once

#include "modules/ai/answer_watch.h"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace tc::ai::testing {

struct Instance {
  std::mutex mutex;
  std::map<std::string, std::size_t> local;  // conversation → subscribers here
  std::vector<std::pair<std::string, std::string>> released;
  std::unique_ptr<AnswerWatch> watch;

  explicit Instance(infra::bus::Bus& bus)
      : watch(std::make_unique<AnswerWatch>(
            bus,
            [this](const std::string& conv) {
              std::lock_guard lock(mutex);
              return local[conv];
            },
            [this](const std::string& user, const std::string& conv) {
              std::lock_guard lock(mutex);
              released.emplace_back(user, conv);
            })) {}
  void set(const std::string& conv, std::size_t n) {
    std::lock_guard lock(mutex);
    local[conv] = n;
  }
  std::size_t released_count() {
    std::lock_guard lock(mutex);
    return released.size();
  }
};

inline bool followed(AnswerWatch& watch, const std::string& conv, std::chrono::milliseconds wait) {
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(io, watch.watched_anywhere(conv, wait), boost::asio::use_future);
  io.run();
  return f.get();
}

// Waits (bounded) for a bus message to arrive; NATS delivers on its own thread.
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 200 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pred();
}

inline void run_answer_watch_cases(infra::bus::Bus& bus) {
  Instance a(bus);
  Instance b(bus);
  const std::chrono::milliseconds wait(500);

  // The user's socket is on b: a's question is answered by b.
  b.set("conv1", 1);
  EXPECT_TRUE(followed(*a.watch, "conv1", wait));
  // Followed on a itself: true without asking.
  a.set("conv2", 2);
  EXPECT_TRUE(followed(*a.watch, "conv2", wait));
  // Nobody anywhere: false once the wait is over.
  EXPECT_FALSE(followed(*a.watch, "conv3", wait));
  // b lost its last subscriber: every instance hears it (a runs the answer; b too).
  b.set("conv1", 0);
  b.watch->last_local_unsubscribed("alice", "conv1");
  ASSERT_TRUE(eventually([&] { return a.released_count() == 1 && b.released_count() == 1; }));
  EXPECT_EQ(a.released.front(), (std::pair<std::string, std::string>{"alice", "conv1"}));
  EXPECT_FALSE(followed(*a.watch, "conv1", wait));
  // Another tab on a third instance still follows it: the answer must go on.
  Instance c(bus);
  c.set("conv1", 1);
  EXPECT_TRUE(followed(*a.watch, "conv1", wait));
  // Forged or malformed messages change nothing and crash nothing.
  const auto before = a.released_count();
  bus.publish(AnswerWatch::kReleased, "not json");
  bus.publish(AnswerWatch::kReleased, R"({"user_id":1,"conversation_id":["x"]})");
  bus.publish(AnswerWatch::kQuery, R"({"conversation_id":"conv1","nonce":"n","instance":"../../x"})");
  bus.publish(std::string(AnswerWatch::kPresentPrefix) + "nobody", R"({"nonce":"unknown"})");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(a.released_count(), before);
  EXPECT_FALSE(followed(*b.watch, "conv-none", wait));
}

}  // namespace tc::ai::testing
