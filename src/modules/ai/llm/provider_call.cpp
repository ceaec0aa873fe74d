#include "modules/ai/llm/provider_call.h"

#include "modules/ai/llm/provider.h"
#include "net/http_stream_client.h"

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <charconv>
#include <ctime>

namespace tc::ai::llm {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '*' || c == '.';
}

}  // namespace

std::string redact(std::string text, const std::string& api_key, std::size_t max_len) {
  if (api_key.size() >= 4) {
    for (auto pos = text.find(api_key); pos != std::string::npos; pos = text.find(api_key, pos)) {
      text.replace(pos, api_key.size(), "[redacted]");
    }
  }
  // Providers echo (partly masked) keys back in 401 messages: "Incorrect API key
  // provided: sk-abc***xyz". Drop anything shaped like a key.
  for (auto pos = text.find("sk-"); pos != std::string::npos; pos = text.find("sk-", pos + 1)) {
    if (pos > 0 && is_key_char(text[pos - 1])) continue;
    std::size_t end = pos;
    while (end < text.size() && is_key_char(text[end])) ++end;
    text.replace(pos, end - pos, "[redacted]");
  }
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) clean.push_back(static_cast<unsigned char>(c) < ' ' ? ' ' : c);
  if (clean.size() > max_len) {
    clean.resize(max_len);
    while (!clean.empty() && (static_cast<unsigned char>(clean.back()) & 0xC0) == 0x80) clean.pop_back();
    if (!clean.empty() && static_cast<unsigned char>(clean.back()) >= 0xC0) clean.pop_back();
    clean += "…";
  }
  return clean;
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string* seconds_or_date,
                                                           const std::string* milliseconds, std::int64_t now_unix) {
  constexpr std::int64_t kMaxMs = 24LL * 3600 * 1000;
  if (milliseconds) {
    const std::string t = trim(*milliseconds);
    double ms = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), ms);
    if (ec == std::errc{} && p == t.data() + t.size() && ms >= 0) {
      return std::chrono::milliseconds(std::min<std::int64_t>(static_cast<std::int64_t>(ms), kMaxMs));
    }
  }
  if (!seconds_or_date) return std::nullopt;
  const std::string t = trim(*seconds_or_date);
  double secs = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), secs);
  if (ec == std::errc{} && p == t.data() + t.size() && secs >= 0) {
    return std::chrono::milliseconds(std::min<std::int64_t>(static_cast<std::int64_t>(secs * 1000), kMaxMs));
  }
  std::tm tm{};
  if (const char* end = strptime(t.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm); end && *end == '\0') {
    const std::int64_t at = timegm(&tm);
    return std::chrono::milliseconds(std::clamp<std::int64_t>((at - now_unix) * 1000, 0, kMaxMs));
  }
  return std::nullopt;
}

boost::asio::awaitable<Completion> call_provider(Endpoint endpoint, ModelSpec model, Request request, EventSink sink,
                                                 CallLimits limits) {
  using Kind = AttemptFailure::Kind;
  const ProviderApi& api = api_for(endpoint.kind);
  auto req = api.build_request(endpoint, model, request);
  req.connect_timeout = limits.connect_timeout;
  req.read_timeout = limits.read_timeout;
  const std::string where = endpoint.name;

  auto fail_client = [&](const http::ClientError& e) -> AttemptFailure {
    using CK = http::ClientError::Kind;
    const auto kind = e.kind() == CK::cancelled                          ? Kind::cancelled
                      : e.kind() == CK::timeout                          ? Kind::timeout
                      : (e.kind() == CK::io || e.kind() == CK::protocol) ? Kind::stream_cut
                                                                         : Kind::connect;
    return AttemptFailure(kind, where + ": " + redact(e.what(), endpoint.api_key));
  };

  std::unique_ptr<http::StreamingResponse> response;
  try {
    response = co_await http::open_stream(std::move(req));
  } catch (const http::ClientError& e) {
    throw fail_client(e);
  } catch (const boost::system::system_error& e) {
    const bool aborted = e.code() == boost::asio::error::operation_aborted;
    throw AttemptFailure(aborted ? Kind::cancelled : Kind::connect, where + ": " + e.code().message());
  }

  if (response->status() < 200 || response->status() > 299) {
    const int status = response->status();
    std::string body;
    try {
      body = co_await response->read_all(std::size_t{16} * 1024);
    } catch (const http::ClientError& e) {
      if (e.kind() == http::ClientError::Kind::cancelled) throw fail_client(e);
    }
    response->close();
    std::string message = redact(api.error_message(body), endpoint.api_key);
    std::optional<std::string> ra, ra_ms;
    if (auto h = response->header("retry-after")) ra = std::string(*h);
    if (auto h = response->header("retry-after-ms")) ra_ms = std::string(*h);
    const auto retry_after = parse_retry_after(ra ? &*ra : nullptr, ra_ms ? &*ra_ms : nullptr, std::time(nullptr));
    throw AttemptFailure(Kind::status,
                         where + ": HTTP " + std::to_string(status) + (message.empty() ? "" : " (" + message + ")"),
                         status, retry_after);
  }
  if (auto ct = response->header("content-type"); ct && ct->find("text/event-stream") == std::string_view::npos) {
    response->close();
    throw AttemptFailure(Kind::provider, where + ": the answer is " + std::string(ct->substr(0, 60)) +
                                             ", not a stream of server-sent events");
  }

  auto decoder = api.decoder(sink);
  bool cancelled = false;
  auto on_event = [&decoder](const SseEvent& ev) { decoder->on_event(ev); };
  SseParser parser(on_event, 1 << 20);
  std::size_t total = 0;
  try {
    while (!decoder->finished()) {
      auto piece = co_await response->read();
      if (!piece) break;
      total += piece->size();
      if (total > limits.max_response_bytes) {
        throw AttemptFailure(Kind::provider,
                             where + ": the answer exceeds " + std::to_string(limits.max_response_bytes) + " bytes");
      }
      parser.feed(*piece);
    }
  } catch (const http::ClientError& e) {
    throw fail_client(e);
  } catch (const StreamError& e) {
    throw AttemptFailure(Kind::provider, where + ": " + redact(e.what(), endpoint.api_key), 0, std::nullopt,
                         e.overloaded());
  } catch (const AttemptFailure&) {
    throw;
  } catch (const boost::system::system_error& e) {  // an awaitable that saw the cancellation
    cancelled = e.code() == boost::asio::error::operation_aborted;
    if (!cancelled) throw AttemptFailure(Kind::stream_cut, where + ": " + e.code().message());
  } catch (const std::exception& e) {  // the parser's size caps
    throw AttemptFailure(Kind::provider, where + ": " + e.what());
  }
  response->close();  // after the end marker (or the cancellation); the connection is not reused
  if (cancelled) throw AttemptFailure(Kind::cancelled, where + ": cancelled");
  if (!decoder->finished() && !decoder->complete_without_marker()) {
    throw AttemptFailure(Kind::stream_cut, where + ": the stream ended before the answer was complete");
  }
  Completion out = std::move(decoder->result());
  if (out.finish_reason.empty()) out.finish_reason = out.tool_calls.empty() ? "stop" : "tool_calls";
  // Some OpenAI-compatible servers (Ollama among them) finish a tool-calling turn
  // with "stop": the calls are what counts.
  if (!out.tool_calls.empty() && out.finish_reason == "stop") out.finish_reason = "tool_calls";
  out.provider = endpoint.name;
  if (out.model.empty()) out.model = model.name;
  out.usage.cost_usd = (static_cast<double>(out.usage.input_tokens) * model.input_price +
                        static_cast<double>(out.usage.output_tokens) * model.output_price) /
                       1e6;
  co_return out;
}

}  // namespace tc::ai::llm
