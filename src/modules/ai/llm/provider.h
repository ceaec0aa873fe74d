// What one provider API (OpenAI Chat Completions, Anthropic Messages) contributes:
// the HTTP request for a turn, a decoder for its server-sent events, and how its
// error bodies read. The transport and the stream loop are shared (provider_call).
#pragma once

#include "modules/ai/llm/llm.h"
#include "modules/ai/llm/llm_config.h"
#include "modules/ai/llm/sse_parser.h"
#include "net/http_stream_client.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tc::ai::llm {

// The provider said something went wrong inside a 200 stream (Anthropic `error`
// events, an OpenAI chunk with "error"), or the stream broke its own rules.
class StreamError : public std::runtime_error {
 public:
  // `overloaded`: the provider asks to come back later (worth a fallback).
  StreamError(const std::string& what, bool overloaded) : std::runtime_error(what), overloaded_(overloaded) {}
  bool overloaded() const noexcept { return overloaded_; }

 private:
  bool overloaded_;
};

// Turns one provider's events into StreamEvents and the Completion. Throws
// StreamError for error events and malformed JSON.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  virtual void on_event(const SseEvent& event) = 0;
  // The provider's end-of-stream marker was seen ([DONE], message_stop).
  virtual bool finished() const = 0;
  // True when the body may end without an end marker and still be whole (some
  // OpenAI-compatible servers omit [DONE] after the finish_reason chunk).
  virtual bool complete_without_marker() const = 0;
  // The answer so far (text, tool calls in order, finish reason, token counts).
  virtual Completion& result() = 0;
};

class ProviderApi {
 public:
  virtual ~ProviderApi() = default;
  virtual http::ClientRequest build_request(const Endpoint& endpoint, const ModelSpec& model,
                                            const Request& request) const = 0;
  virtual std::unique_ptr<StreamDecoder> decoder(EventSink& sink) const = 0;
  // A short description from an error body ({"error":{"message":…}}), empty when
  // the body says nothing readable.
  virtual std::string error_message(std::string_view body) const = 0;
};

const ProviderApi& openai_api();
const ProviderApi& anthropic_api();
const ProviderApi& api_for(ProviderKind kind);

// Removes the key (and anything shaped like a provider key, sk-…) from text that
// may reach a log or a problem document, and caps its length.
std::string redact(std::string text, const std::string& api_key, std::size_t max_len = 300);

}  // namespace tc::ai::llm
