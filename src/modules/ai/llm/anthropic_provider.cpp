// Anthropic Messages, streamed: POST {base_url}/v1/messages with "stream": true.
// Events: message_start (the message with input usage), then per content block
// content_block_start / content_block_delta (text_delta, input_json_delta for a
// tool_use block's input in fragments) / content_block_stop, then message_delta
// (stop_reason, cumulative output usage) and message_stop; `ping` keeps the
// connection alive; `error` reports a failure inside a 200 stream. System
// messages go to the top-level "system"; tool results are user turns made of
// tool_result blocks; consecutive turns of one role are merged (the API wants
// user and assistant to alternate).
#include "modules/ai/llm/provider.h"

#include <boost/json.hpp>

#include <map>

namespace tc::ai::llm {
namespace {

namespace json = boost::json;

std::int64_t as_int(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

json::value tool_input(const std::string& arguments) {
  boost::system::error_code ec;
  auto v = json::parse(arguments, ec);
  if (ec || !v.is_object()) return json::object{};  // the API accepts only an object
  return v;
}

json::array content_blocks(const Message& m) {
  json::array blocks;
  if (m.role == Role::tool) {
    blocks.push_back(json::object{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}, {"content", m.content}});
    return blocks;
  }
  if (!m.content.empty()) blocks.push_back(json::object{{"type", "text"}, {"text", m.content}});
  if (m.role == Role::assistant) {
    for (const auto& c : m.tool_calls) {
      blocks.push_back(
          json::object{{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", tool_input(c.arguments)}});
    }
  }
  return blocks;
}

std::string finish_reason(std::string_view stop_reason) {
  if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "max_tokens") return "length";
  return std::string(stop_reason);  // "refusal", "pause_turn", future values
}

class AnthropicDecoder final : public StreamDecoder {
 public:
  explicit AnthropicDecoder(EventSink& sink) : sink_(sink) {}

  void on_event(const SseEvent& event) override {
    boost::system::error_code ec;
    auto v = json::parse(event.data, ec);
    if (ec || !v.is_object()) throw StreamError("the provider sent an event that is not JSON", false);
    const auto& o = v.get_object();
    std::string type = event.event;
    if (const auto* t = o.if_contains("type"); t && t->is_string()) type = t->get_string();
    if (type == "ping") return;
    if (type == "error") {
      std::string msg = "the provider reported an error";
      bool overloaded = false;
      if (const auto* err = o.if_contains("error"); err && err->is_object()) {
        const auto& e = err->get_object();
        if (const auto* m = e.if_contains("message"); m && m->is_string()) msg = m->get_string();
        if (const auto* t = e.if_contains("type"); t && t->is_string()) {
          overloaded = t->get_string() == "overloaded_error" || t->get_string() == "rate_limit_error" ||
                       t->get_string() == "api_error";
        }
      }
      throw StreamError(msg, overloaded);
    }
    if (type == "message_start") {
      if (const auto* msg = o.if_contains("message"); msg && msg->is_object()) {
        const auto& m = msg->get_object();
        if (const auto* model = m.if_contains("model"); model && model->is_string())
          result_.model = model->get_string();
        if (const auto* usage = m.if_contains("usage"); usage && usage->is_object()) read_usage(usage->get_object());
      }
      return;
    }
    const std::int64_t index = as_int(o.if_contains("index"));
    if (type == "content_block_start") {
      const auto* block = o.if_contains("content_block");
      if (!block || !block->is_object()) return;
      const auto& b = block->get_object();
      const auto* bt = b.if_contains("type");
      if (bt && bt->is_string() && bt->get_string() == "tool_use") {
        if (tools_.size() > 128) throw StreamError("the provider started too many tool calls", false);
        ToolCall call;
        if (const auto* id = b.if_contains("id"); id && id->is_string()) call.id = id->get_string();
        if (const auto* name = b.if_contains("name"); name && name->is_string()) call.name = name->get_string();
        tools_[index] = std::move(call);
      } else if (bt && bt->is_string() && bt->get_string() == "text") {
        if (const auto* text = b.if_contains("text"); text && text->is_string()) emit_text(text->get_string());
      }
      return;
    }
    if (type == "content_block_delta") {
      const auto* delta = o.if_contains("delta");
      if (!delta || !delta->is_object()) return;
      const auto& d = delta->get_object();
      const auto* dt = d.if_contains("type");
      if (!dt || !dt->is_string()) return;
      if (dt->get_string() == "text_delta") {
        if (const auto* text = d.if_contains("text"); text && text->is_string()) emit_text(text->get_string());
      } else if (dt->get_string() == "input_json_delta") {
        auto it = tools_.find(index);
        if (it == tools_.end()) throw StreamError("the provider sent tool input for no tool_use block", false);
        if (const auto* pj = d.if_contains("partial_json"); pj && pj->is_string())
          it->second.arguments += pj->get_string();
      }
      // thinking_delta, signature_delta, citations_delta: not part of the answer text.
      return;
    }
    if (type == "content_block_stop") {
      auto it = tools_.find(index);
      if (it == tools_.end()) return;
      ToolCall call = std::move(it->second);
      tools_.erase(it);
      if (call.arguments.empty()) call.arguments = "{}";
      result_.tool_calls.push_back(call);
      StreamEvent ev;
      ev.kind = StreamEvent::Kind::tool_call;
      ev.call = std::move(call);
      sink_(ev);
      return;
    }
    if (type == "message_delta") {
      if (const auto* delta = o.if_contains("delta"); delta && delta->is_object()) {
        if (const auto* sr = delta->get_object().if_contains("stop_reason"); sr && sr->is_string()) {
          result_.finish_reason = finish_reason(sr->get_string());
        }
      }
      if (const auto* usage = o.if_contains("usage"); usage && usage->is_object()) read_usage(usage->get_object());
      return;
    }
    if (type == "message_stop") done_ = true;
  }

  bool finished() const override { return done_; }
  bool complete_without_marker() const override { return false; }
  Completion& result() override { return result_; }

 private:
  void emit_text(const json::string& text) {
    if (text.empty()) return;
    result_.text.append(text.data(), text.size());
    StreamEvent ev;
    ev.kind = StreamEvent::Kind::text;
    ev.text = std::string(text);
    sink_(ev);
  }
  // message_start carries input_tokens; message_delta's usage is cumulative.
  void read_usage(const json::object& usage) {
    if (const auto* in = usage.if_contains("input_tokens"); in && !in->is_null()) {
      result_.usage.input_tokens = as_int(in) + as_int(usage.if_contains("cache_creation_input_tokens")) +
                                   as_int(usage.if_contains("cache_read_input_tokens"));
    }
    if (const auto* out = usage.if_contains("output_tokens"); out && !out->is_null()) {
      result_.usage.output_tokens = as_int(out);
    }
  }

  EventSink& sink_;
  Completion result_;
  std::map<std::int64_t, ToolCall> tools_;
  bool done_ = false;
};

class AnthropicApi final : public ProviderApi {
 public:
  http::ClientRequest build_request(const Endpoint& endpoint, const ModelSpec& model,
                                    const Request& request) const override {
    json::object body;
    body["model"] = model.name;
    body["max_tokens"] = request.max_output_tokens;
    body["stream"] = true;
    std::string system;
    json::array messages;
    for (const auto& m : request.messages) {
      if (m.role == Role::system) {
        system += (system.empty() ? "" : "\n\n") + m.content;
        continue;
      }
      const char* role = m.role == Role::assistant ? "assistant" : "user";
      auto blocks = content_blocks(m);
      if (blocks.empty()) continue;
      if (!messages.empty() && messages.back().as_object().at("role").as_string() == role) {
        auto& prev = messages.back().as_object()["content"].as_array();
        for (auto& b : blocks) prev.push_back(std::move(b));
        continue;
      }
      messages.push_back(json::object{{"role", role}, {"content", std::move(blocks)}});
    }
    if (!system.empty()) body["system"] = system;
    body["messages"] = std::move(messages);
    if (!request.tools.empty()) {
      json::array tools;
      for (const auto& t : request.tools) {
        json::object schema = t.parameters;
        if (!schema.contains("type")) schema["type"] = "object";
        tools.push_back(json::object{{"name", t.name}, {"description", t.description}, {"input_schema", schema}});
      }
      body["tools"] = std::move(tools);
    }
    http::ClientRequest req;
    req.url = *http::parse_client_url(endpoint.base_url + "/v1/messages");
    req.headers = {
        {"Content-Type", "application/json"}, {"Accept", "text/event-stream"}, {"anthropic-version", "2023-06-01"}};
    if (!endpoint.api_key.empty()) req.headers.emplace_back("x-api-key", endpoint.api_key);
    req.body = json::serialize(body);
    return req;
  }

  std::unique_ptr<StreamDecoder> decoder(EventSink& sink) const override {
    return std::make_unique<AnthropicDecoder>(sink);
  }

  std::string error_message(std::string_view body) const override {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    const auto* err = v.get_object().if_contains("error");
    if (!err || !err->is_object()) return {};
    const auto* m = err->get_object().if_contains("message");
    return m && m->is_string() ? std::string(m->get_string()) : std::string();
  }
};

}  // namespace

const ProviderApi& anthropic_api() {
  static const AnthropicApi api;
  return api;
}

const ProviderApi& api_for(ProviderKind kind) {
  return kind == ProviderKind::anthropic ? anthropic_api() : openai_api();
}

}  // namespace tc::ai::llm
