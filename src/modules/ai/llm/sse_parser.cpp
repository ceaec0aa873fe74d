#include "modules/ai/llm/sse_parser.h"

#include <stdexcept>

namespace tc::ai::llm {

SseParser::SseParser(Handler on_event, std::size_t max_event_bytes)
    : on_event_(std::move(on_event)), max_event_bytes_(max_event_bytes) {}

void SseParser::feed(std::string_view bytes) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        start = i + 1;
        continue;
      }
    }
    if (c != '\n' && c != '\r') continue;
    if (line_.empty()) {
      line(bytes.substr(start, i - start));
    } else {
      line_.append(bytes.substr(start, i - start));
      const std::string whole = std::move(line_);
      line_.clear();
      line(whole);
    }
    skip_lf_ = c == '\r';
    start = i + 1;
  }
  line_.append(bytes.substr(start));
  if (line_.size() > max_event_bytes_) throw std::runtime_error("server-sent event line too long");
}

void SseParser::line(std::string_view text) {
  if (text.empty()) {
    dispatch();
    return;
  }
  if (text.front() == ':') return;  // comment
  const auto colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
    if (data_.size() > max_event_bytes_) throw std::runtime_error("server-sent event too large");
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_.assign(value);
  }
  // "retry" and unknown fields: ignored.
}

void SseParser::dispatch() {
  if (!has_data_) {
    event_.clear();
    return;
  }
  SseEvent ev{std::move(event_), std::move(data_), id_};
  event_.clear();
  data_.clear();
  has_data_ = false;
  on_event_(ev);
}

}  // namespace tc::ai::llm
