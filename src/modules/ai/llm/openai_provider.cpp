// OpenAI-compatible Chat Completions, streamed (OpenAI, Ollama, llama.cpp's server,
// vLLM, LM Studio): POST {base_url}/chat/completions with "stream": true and
// "stream_options": {"include_usage": true}. Each `data:` line is a
// chat.completion.chunk; choices[0].delta carries `content` pieces and
// `tool_calls` pieces keyed by `index` (the id and name come once, the arguments
// in fragments); `finish_reason` ends the choice; a last chunk with empty
// `choices` carries `usage`; `data: [DONE]` ends the stream.
#include "modules/ai/llm/provider.h"

#include <boost/json.hpp>

#include <map>

namespace tc::ai::llm {
namespace {

namespace json = boost::json;

const char* role_name(Role role) {
  switch (role) {
    case Role::system: return "system";
    case Role::user: return "user";
    case Role::assistant: return "assistant";
    case Role::tool: return "tool";
  }
  return "user";
}

json::object message_json(const Message& m) {
  json::object o;
  o["role"] = role_name(m.role);
  if (m.role == Role::assistant && !m.tool_calls.empty()) {
    o["content"] = m.content.empty() ? json::value(nullptr) : json::value(m.content);
    json::array calls;
    for (const auto& c : m.tool_calls) {
      calls.push_back(json::object{{"id", c.id},
                                   {"type", "function"},
                                   {"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
    }
    o["tool_calls"] = std::move(calls);
  } else {
    o["content"] = m.content;
  }
  if (m.role == Role::tool) o["tool_call_id"] = m.tool_call_id;
  return o;
}

std::int64_t as_int(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

class OpenAiDecoder final : public StreamDecoder {
 public:
  explicit OpenAiDecoder(EventSink& sink) : sink_(sink) {}

  void on_event(const SseEvent& event) override {
    if (event.data == "[DONE]") {
      flush_calls();
      done_ = true;
      return;
    }
    boost::system::error_code ec;
    auto v = json::parse(event.data, ec);
    if (ec || !v.is_object()) throw StreamError("the provider sent a chunk that is not JSON", false);
    const auto& o = v.get_object();
    if (const auto* err = o.if_contains("error")) {
      std::string msg = "the provider reported an error";
      if (err->is_object()) {
        if (const auto* m = err->get_object().if_contains("message"); m && m->is_string()) msg = m->get_string();
      } else if (err->is_string()) {
        msg = err->get_string();
      }
      throw StreamError(msg, true);
    }
    if (const auto* model = o.if_contains("model"); model && model->is_string() && result_.model.empty()) {
      result_.model = model->get_string();
    }
    if (const auto* usage = o.if_contains("usage"); usage && usage->is_object()) {
      result_.usage.input_tokens = as_int(usage->get_object().if_contains("prompt_tokens"));
      result_.usage.output_tokens = as_int(usage->get_object().if_contains("completion_tokens"));
    }
    const auto* choices = o.if_contains("choices");
    if (!choices || !choices->is_array()) return;
    for (const auto& choice : choices->get_array()) {
      if (!choice.is_object()) continue;
      const auto& c = choice.get_object();
      if (as_int(c.if_contains("index")) != 0) continue;  // we ask for one choice
      if (const auto* delta = c.if_contains("delta"); delta && delta->is_object()) on_delta(delta->get_object());
      if (const auto* fr = c.if_contains("finish_reason"); fr && fr->is_string()) {
        result_.finish_reason = fr->get_string();
        flush_calls();
      }
    }
  }

  bool finished() const override { return done_; }
  bool complete_without_marker() const override { return !result_.finish_reason.empty(); }
  Completion& result() override {
    flush_calls();
    if (result_.finish_reason.empty() && !result_.tool_calls.empty()) result_.finish_reason = "tool_calls";
    return result_;
  }

 private:
  void on_delta(const json::object& delta) {
    if (const auto* content = delta.if_contains("content"); content && content->is_string()) {
      const auto& text = content->get_string();
      if (!text.empty()) {
        result_.text.append(text.data(), text.size());
        StreamEvent ev;
        ev.kind = StreamEvent::Kind::text;
        ev.text = std::string(text);
        sink_(ev);
      }
    }
    const auto* calls = delta.if_contains("tool_calls");
    if (!calls || !calls->is_array()) return;
    for (const auto& piece : calls->get_array()) {
      if (!piece.is_object()) continue;
      const auto& p = piece.get_object();
      const auto* index = p.if_contains("index");
      const std::int64_t i = index ? as_int(index) : static_cast<std::int64_t>(pending_.size());
      if (i < 0 || i > 128) throw StreamError("the provider sent a tool call index out of range", false);
      auto& call = pending_[i];
      if (const auto* id = p.if_contains("id"); id && id->is_string()) call.id = id->get_string();
      if (const auto* fn = p.if_contains("function"); fn && fn->is_object()) {
        const auto& f = fn->get_object();
        if (const auto* name = f.if_contains("name"); name && name->is_string()) call.name += name->get_string();
        if (const auto* args = f.if_contains("arguments"); args && args->is_string()) {
          call.arguments += args->get_string();
        }
      }
    }
  }

  // Tool calls are complete once the choice finishes; they go out in index order.
  void flush_calls() {
    for (auto& [index, call] : pending_) {
      if (call.arguments.empty()) call.arguments = "{}";
      if (call.id.empty()) call.id = "call_" + std::to_string(index);
      result_.tool_calls.push_back(call);
      StreamEvent ev;
      ev.kind = StreamEvent::Kind::tool_call;
      ev.call = std::move(call);
      sink_(ev);
    }
    pending_.clear();
  }

  EventSink& sink_;
  Completion result_;
  std::map<std::int64_t, ToolCall> pending_;
  bool done_ = false;
};

class OpenAiApi final : public ProviderApi {
 public:
  http::ClientRequest build_request(const Endpoint& endpoint, const ModelSpec& model,
                                    const Request& request) const override {
    json::object body;
    body["model"] = model.name;
    body["stream"] = true;
    body["stream_options"] = json::object{{"include_usage", true}};
    body["max_tokens"] = request.max_output_tokens;
    json::array messages;
    for (const auto& m : request.messages) messages.push_back(message_json(m));
    body["messages"] = std::move(messages);
    if (!request.tools.empty()) {
      json::array tools;
      for (const auto& t : request.tools) {
        tools.push_back(json::object{
            {"type", "function"},
            {"function",
             json::object{{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}}});
      }
      body["tools"] = std::move(tools);
    }
    http::ClientRequest req;
    req.url = *http::parse_client_url(endpoint.base_url + "/chat/completions");
    req.headers = {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}};
    if (!endpoint.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + endpoint.api_key);
    req.body = json::serialize(body);
    return req;
  }

  std::unique_ptr<StreamDecoder> decoder(EventSink& sink) const override {
    return std::make_unique<OpenAiDecoder>(sink);
  }

  std::string error_message(std::string_view body) const override {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    const auto* err = v.get_object().if_contains("error");
    if (!err) return {};
    if (err->is_string()) return std::string(err->get_string());  // llama.cpp, some proxies
    if (!err->is_object()) return {};
    const auto* m = err->get_object().if_contains("message");
    return m && m->is_string() ? std::string(m->get_string()) : std::string();
  }
};

}  // namespace

const ProviderApi& openai_api() {
  static const OpenAiApi api;
  return api;
}

}  // namespace tc::ai::llm
