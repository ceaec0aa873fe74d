// The seam between the assistant (modes, tools, conversations, the offline engine)
// and the language models behind it: providers (OpenAI-compatible Chat Completions,
// Anthropic Messages) and the router that picks one per mode, falls back, breaks
// circuits and keeps budgets. The assistant sees only this header.
//
// Cancellation is Asio's per-operation cancellation: the caller co_spawns
// `complete` with a bound cancellation slot (boost::asio::bind_cancellation_slot);
// emitting the signal aborts the in-flight read, closes the provider connection (so
// the provider stops generating) and `complete` throws tc::Error 499
// "cancelled". No other cancellation type exists.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tc {
class Config;
namespace metrics {
class Registry;
}
}  // namespace tc

namespace tc::ai::llm {

struct ToolCall {
  std::string id;         // provider's call id, echoed back in the tool message
  std::string name;       // a ToolSpec name
  std::string arguments;  // JSON text as the model produced it (untrusted: parse and validate)
};

enum class Role { system, user, assistant, tool };

struct Message {
  Role role = Role::user;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant turns that called tools
  std::string tool_call_id;          // tool turns: the call this result answers
};

struct ToolSpec {
  std::string name;
  std::string description;
  boost::json::object parameters;  // JSON Schema of the arguments object
};

struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost_usd = 0;  // from the endpoint's configured prices
};

struct Request {
  std::string mode;     // "fast", "deep_thinking", … selects the model chain
  std::string user_id;  // budgets and per-user concurrency are kept per user
  std::vector<Message> messages;
  std::vector<ToolSpec> tools;
  std::int64_t max_output_tokens = 1024;
};

// Streamed while the completion runs, in order. `text` events carry deltas of the
// answer; a `tool_call` event carries one complete call (arguments fully assembled).
struct StreamEvent {
  enum class Kind { text, tool_call } kind = Kind::text;
  std::string text;
  ToolCall call;
};
using EventSink = std::function<void(const StreamEvent&)>;

struct Completion {
  std::string text;                  // the whole answer text (the deltas joined)
  std::vector<ToolCall> tool_calls;  // non-empty: the model wants these run, then another turn
  std::string finish_reason;         // "stop", "tool_calls", "length"
  Usage usage;
  std::string provider;  // endpoint name from config, for cost accounting and display
  std::string model;
};

class Router {
 public:
  virtual ~Router() = default;
  // False when ai.providers is empty: the assistant answers with its offline engine.
  virtual bool configured() const = 0;
  // One model turn, streamed through `on_event`. Tries the mode's chain in order,
  // falling back on connection errors, timeouts, 5xx and 429, skipping providers
  // whose circuit is open. Throws tc::Error: 429 "ai-budget" when the user's request
  // or token budget is spent, or too many of the user's answers run at once (with
  // retry_after, seconds), 503 "ai-unavailable" when every provider failed (detail
  // names each failure, never a key; retry_after when a provider asked to wait),
  // 502 "ai-interrupted" when a provider failed after part of the answer was
  // streamed (no fallback then: the text already sent would be repeated),
  // 499 "cancelled".
  virtual boost::asio::awaitable<Completion> complete(Request request, EventSink on_event) = 0;
};

// Builds the router from `ai.*` configuration (ai.providers and friends). Never
// throws for an empty provider list: the result then answers configured() == false.
std::shared_ptr<Router> make_router(const Config& config);
// The same, keeping tradechat_ai_* metrics (requests by provider and outcome,
// tokens, cost, time to first token) in `metrics`, which must outlive the router.
std::shared_ptr<Router> make_router(const Config& config, metrics::Registry& metrics);

}  // namespace tc::ai::llm
