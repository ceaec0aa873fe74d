// The events of one answer on their way to subscribers. Model tokens arrive through
// a synchronous callback (llm::EventSink), possibly on another thread. Each token
// goes out at once through the live publisher (not kept, no offset: nothing waits
// for the database before the user sees it), and is queued with the other events; a
// flusher coroutine writes the queue out in order (persist, then publish with
// offsets), coalescing the token deltas that arrived while the previous write was
// in flight, so a fast model costs one store write per batch, not per token.
// Every token event carries `at`, where its text starts in the answer (UTF-16 code
// units, as JavaScript counts): a client that sees a token twice (live, then in a
// persisted batch) or joins mid-answer (recovered batches, then live tokens) keeps
// the text exact by appending only what lies beyond what it has.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tc::ai {

class AnswerStream {
 public:
  // Writes a batch of events (persist + fan out); called by one coroutine at a time.
  using Writer = std::function<boost::asio::awaitable<void>(std::vector<boost::json::object>)>;

  // Publishes one token event now, from the thread that produced it; must not block.
  using LivePublisher = std::function<void(const boost::json::object&)>;

  AnswerStream(const boost::asio::strand<boost::asio::any_io_executor>& strand, std::string message_id, Writer writer,
               LivePublisher live = {});

  // Thread-safe. A token delta (merged with the token queued before it, if any).
  void token(const std::string& text);
  // Thread-safe. Any other event; its message_id is filled in.
  void event(boost::json::object e);
  // Thread-safe. No more events; the flusher writes what is queued and returns.
  void close();

  // Runs on the strand until close() and everything queued is written. Never throws
  // (a failed write is logged and the events dropped: the final message is stored
  // by the assistant regardless).
  boost::asio::awaitable<void> flusher();

  const std::string& message_id() const { return message_id_; }

 private:
  void wake();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::string message_id_;
  Writer writer_;
  LivePublisher live_;
  boost::asio::steady_timer timer_;
  std::mutex mutex_;
  std::vector<boost::json::object> pending_;
  bool closed_ = false;
  std::uint64_t utf16_length_ = 0;  // of the answer's text so far
  std::atomic<bool> wake_posted_{false};
};

}  // namespace tc::ai
