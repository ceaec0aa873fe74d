#include "modules/ai/answer_stream.h"

#include "core/log.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tc::ai {

namespace json = boost::json;

namespace {

// UTF-16 code units of UTF-8 text: one per code point, two above U+FFFF.
std::uint64_t utf16_units(const std::string& text) {
  std::uint64_t n = 0;
  for (const char ch : text) {
    const auto b = static_cast<unsigned char>(ch);
    if ((b & 0xC0U) != 0x80U) ++n;  // a lead byte or ASCII
    if (b >= 0xF0U) ++n;            // a four-byte sequence: a surrogate pair
  }
  return n;
}

}  // namespace

AnswerStream::AnswerStream(const boost::asio::strand<boost::asio::any_io_executor>& strand, std::string message_id,
                           Writer writer, LivePublisher live)
    : strand_(strand),
      message_id_(std::move(message_id)),
      writer_(std::move(writer)),
      live_(std::move(live)),
      timer_(strand) {}

void AnswerStream::token(const std::string& text) {
  if (text.empty()) return;
  json::object live_event;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    const auto at = utf16_length_;
    utf16_length_ += utf16_units(text);
    if (!pending_.empty() && pending_.back().at("type").as_string() == "token") {
      auto& t = pending_.back()["text"].as_string();
      t.append(text);
    } else {
      pending_.push_back(json::object{{"type", "token"}, {"message_id", message_id_}, {"text", text}, {"at", at}});
    }
    if (live_) live_event = json::object{{"type", "token"}, {"message_id", message_id_}, {"text", text}, {"at", at}};
  }
  // Tokens come from one model stream at a time, so the live ones leave in order.
  if (live_) live_(live_event);
  wake();
}

void AnswerStream::event(json::object e) {
  e["message_id"] = message_id_;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    pending_.push_back(std::move(e));
  }
  wake();
}

void AnswerStream::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  wake();
}

void AnswerStream::wake() {
  if (wake_posted_.exchange(true)) return;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

boost::asio::awaitable<void> AnswerStream::flusher() {
  for (;;) {
    wake_posted_ = false;
    std::vector<json::object> batch;
    bool closed = false;
    {
      std::lock_guard lock(mutex_);
      batch.swap(pending_);
      closed = closed_;
    }
    if (!batch.empty()) {
      try {
        co_await writer_(std::move(batch));
      } catch (const std::exception& e) {
        log::warn("ai stream write failed", {{"message_id", message_id_}, {"error", e.what()}});
      }
      continue;  // more may have been queued while writing
    }
    if (closed) break;
    timer_.expires_at(boost::asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  // A wake posted after the last drain still runs on the strand and touches timer_:
  // give it a turn before the owner may destroy us.
  co_await boost::asio::post(strand_, boost::asio::use_awaitable);
}

}  // namespace tc::ai
