// One attempt at one provider: send the turn, read the server-sent events as they
// arrive, decode them into StreamEvents, and classify any failure so the router
// can decide between retrying, falling back and giving up.
#pragma once

#include "modules/ai/llm/llm.h"
#include "modules/ai/llm/llm_config.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace tc::ai::llm {

class AttemptFailure : public std::runtime_error {
 public:
  enum class Kind {
    connect,     // DNS, TCP, TLS: nothing reached the provider
    timeout,     // connect, headers or a gap in the stream took longer than allowed
    status,      // a non-2xx answer (status() says which)
    stream_cut,  // the body ended or broke before the provider's end marker
    provider,    // an error event inside the stream, or a stream that broke its rules
    cancelled,   // the caller's cancellation signal
  };
  AttemptFailure(Kind kind, const std::string& detail, int status = 0,
                 std::optional<std::chrono::milliseconds> retry_after = std::nullopt, bool overloaded = false)
      : std::runtime_error(detail), kind_(kind), status_(status), retry_after_(retry_after), overloaded_(overloaded) {}

  Kind kind() const noexcept { return kind_; }
  int status() const noexcept { return status_; }
  std::optional<std::chrono::milliseconds> retry_after() const noexcept { return retry_after_; }
  // Worth another try on the same provider (after a backoff).
  bool transient() const noexcept {
    return kind_ == Kind::connect || kind_ == Kind::timeout || kind_ == Kind::stream_cut ||
           (kind_ == Kind::status && status_ >= 500) || (kind_ == Kind::provider && overloaded_);
  }
  // Counts towards opening the provider's circuit (a 4xx other than 429 is our
  // request's fault, not the provider's health).
  bool provider_fault() const noexcept {
    return kind_ != Kind::cancelled && !(kind_ == Kind::status && status_ >= 400 && status_ < 500 && status_ != 429);
  }

 private:
  Kind kind_;
  int status_;
  std::optional<std::chrono::milliseconds> retry_after_;
  bool overloaded_;
};

struct CallLimits {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{60'000};
  std::size_t max_response_bytes = 8 << 20;
};

// Streams one turn from `endpoint`/`model`; events go to `sink` as they are
// decoded. The Completion's provider, model and usage (cost included) are filled.
// Throws AttemptFailure (its message carries no key).
boost::asio::awaitable<Completion> call_provider(Endpoint endpoint, ModelSpec model, Request request, EventSink sink,
                                                 CallLimits limits);

// Retry-After as seconds or an HTTP date, or retry-after-ms; nullopt when absent
// or unreadable. `now_unix` for the date form.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string* seconds_or_date,
                                                           const std::string* milliseconds, std::int64_t now_unix);

}  // namespace tc::ai::llm
