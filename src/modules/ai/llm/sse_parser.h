// A server-sent events parser (the WHATWG "event stream" format): bytes in any
// split, events out. Lines end in LF, CR or CRLF (a CR at the end of one chunk and
// the LF at the start of the next count once); `data:` lines accumulate joined by
// LF; `event:` names the event; lines starting with ':' are comments (keep-alives);
// a blank line dispatches. Unknown fields are ignored, as the format asks.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace tc::ai::llm {

struct SseEvent {
  std::string event;  // empty when the stream named none ("message")
  std::string data;   // the data lines joined by '\n'
  std::string id;
};

class SseParser {
 public:
  using Handler = std::function<void(const SseEvent&)>;
  // `max_event_bytes` caps one event's data (and a line without its end) so a
  // provider cannot grow memory without bound; beyond it feed() throws.
  explicit SseParser(Handler on_event, std::size_t max_event_bytes = 4 << 20);

  // Parses as much as possible; keeps an incomplete last line for the next call.
  void feed(std::string_view bytes);
  // The stream ended: an event without its blank line is dropped (per the format).
  // Returns true when nothing was pending (the stream ended on an event boundary).
  bool finish() const noexcept { return line_.empty() && data_.empty() && !has_data_; }

 private:
  void line(std::string_view text);
  void dispatch();

  Handler on_event_;
  std::size_t max_event_bytes_;
  std::string line_;  // incomplete line carried over
  bool skip_lf_ = false;
  std::string event_;
  std::string data_;
  std::string id_;
  bool has_data_ = false;
};

}  // namespace tc::ai::llm
