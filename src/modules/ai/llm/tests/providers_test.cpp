// The two provider APIs without a network: recorded transcripts (see
// transcripts/README.md) through the SSE parser and each decoder, and the
// request bodies each API is sent.
#include "modules/ai/llm/provider.h"
#include "modules/ai/llm/provider_call.h"
#include "modules/ai/llm/tests/replay_server.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tc::ai::llm {
namespace {

namespace json = boost::json;
using testing::transcript;

struct Decoded {
  std::vector<StreamEvent> events;
  Completion result;
  bool finished = false;
};

Decoded decode(const ProviderApi& api, const std::string& text, std::size_t piece = 7) {
  Decoded out;
  EventSink sink = [&out](const StreamEvent& e) { out.events.push_back(e); };
  auto decoder = api.decoder(sink);
  SseParser parser([&](const SseEvent& e) { decoder->on_event(e); });
  for (std::size_t i = 0; i < text.size(); i += piece) parser.feed(std::string_view(text).substr(i, piece));
  out.finished = decoder->finished();
  out.result = decoder->result();
  return out;
}

std::string joined_text(const Decoded& d) {
  std::string s;
  for (const auto& e : d.events) {
    if (e.kind == StreamEvent::Kind::text) s += e.text;
  }
  return s;
}

TEST(OpenAiDecoder, PlainAnswerStreamsDeltasAndReadsTheUsageChunk) {
  auto d = decode(openai_api(), transcript("openai_text.sse"));
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(joined_text(d), "Hello! How can I assist you today?");
  EXPECT_EQ(d.events.size(), 3u);  // the empty first content is not an event
  EXPECT_EQ(d.result.text, "Hello! How can I assist you today?");
  EXPECT_EQ(d.result.finish_reason, "stop");
  EXPECT_EQ(d.result.usage.input_tokens, 9);
  EXPECT_EQ(d.result.usage.output_tokens, 9);
  EXPECT_EQ(d.result.model, "gpt-4o-mini");
}

TEST(OpenAiDecoder, ToolCallArgumentsSplitAcrossDeltasArriveAsOneCall) {
  auto d = decode(openai_api(), transcript("openai_tool_call.sse"), 3);
  ASSERT_EQ(d.events.size(), 1u);
  ASSERT_EQ(d.events[0].kind, StreamEvent::Kind::tool_call);
  EXPECT_EQ(d.events[0].call.id, "call_DdmO9pD3xa9XTPNJ32zg2hcA");
  EXPECT_EQ(d.events[0].call.name, "get_weather");
  EXPECT_EQ(d.events[0].call.arguments, R"({"location":"Paris, France"})");
  EXPECT_EQ(d.result.finish_reason, "tool_calls");
  ASSERT_EQ(d.result.tool_calls.size(), 1u);
  EXPECT_EQ(d.result.usage.input_tokens, 82);
}

TEST(OpenAiDecoder, TwoParallelToolCallsAreKeptApartByIndex) {
  const std::string text =
      R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"quote","arguments":"{\"sym"}},{"index":1,"id":"b","function":{"name":"candles","arguments":""}}]}}]})"
      "\n\n"
      R"(data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}},{"index":0,"function":{"arguments":"bol\":\"AAPL\"}"}}]}}]})"
      "\n\n"
      R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"
      "\n\ndata: [DONE]\n\n";
  auto d = decode(openai_api(), text, 5);
  ASSERT_EQ(d.result.tool_calls.size(), 2u);
  EXPECT_EQ(d.result.tool_calls[0].name, "quote");
  EXPECT_EQ(d.result.tool_calls[0].arguments, R"({"symbol":"AAPL"})");
  EXPECT_EQ(d.result.tool_calls[1].name, "candles");
  EXPECT_EQ(d.result.tool_calls[1].arguments, "{}");
}

TEST(OpenAiDecoder, AnErrorChunkInsideTheStreamThrows) {
  EXPECT_THROW(decode(openai_api(), "data: {\"error\":{\"message\":\"model overloaded\"}}\n\n"), StreamError);
  EXPECT_THROW(decode(openai_api(), "data: {not json\n\n"), StreamError);
}

TEST(OpenAiApi, ErrorBodiesGiveTheirMessage) {
  EXPECT_NE(openai_api().error_message(transcript("openai_error_429.json")).find("Rate limit reached"),
            std::string::npos);
  EXPECT_EQ(openai_api().error_message("<html>bad gateway</html>"), "");
  EXPECT_EQ(openai_api().error_message(R"({"error":"model not found"})"), "model not found");  // llama.cpp style
}

TEST(AnthropicDecoder, PlainAnswerWithPingAndUsage) {
  auto d = decode(anthropic_api(), transcript("anthropic_text.sse"));
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(joined_text(d), "Hello!");
  EXPECT_EQ(d.result.finish_reason, "stop");
  EXPECT_EQ(d.result.usage.input_tokens, 25);
  EXPECT_EQ(d.result.usage.output_tokens, 15);
  EXPECT_EQ(d.result.model, "claude-opus-4-1-20250805");
}

TEST(AnthropicDecoder, ToolUseInputJsonDeltasAssembleIntoOneCallAfterTheText) {
  auto d = decode(anthropic_api(), transcript("anthropic_tool_use.sse"), 11);
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(d.result.text, "Okay, let's check the weather for San Francisco, CA:");
  ASSERT_EQ(d.result.tool_calls.size(), 1u);
  EXPECT_EQ(d.result.tool_calls[0].id, "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  EXPECT_EQ(d.result.tool_calls[0].name, "get_weather");
  auto args = json::parse(d.result.tool_calls[0].arguments);
  EXPECT_EQ(args.at("location").as_string(), "San Francisco, CA");
  EXPECT_EQ(args.at("unit").as_string(), "fahrenheit");
  EXPECT_EQ(d.result.finish_reason, "tool_calls");
  EXPECT_EQ(d.result.usage.output_tokens, 89);
  ASSERT_FALSE(d.events.empty());
  EXPECT_EQ(d.events.back().kind, StreamEvent::Kind::tool_call);  // after every text delta
}

TEST(AnthropicDecoder, AnErrorEventThrowsAndSaysOverloaded) {
  try {
    decode(anthropic_api(), transcript("anthropic_error_event.sse"));
    FAIL() << "no error";
  } catch (const StreamError& e) {
    EXPECT_STREQ(e.what(), "Overloaded");
    EXPECT_TRUE(e.overloaded());
  }
}

TEST(AnthropicApi, ErrorBodiesGiveTheirMessage) {
  EXPECT_EQ(anthropic_api().error_message(transcript("anthropic_error_401.json")), "invalid x-api-key");
}

Request conversation() {
  Request r;
  r.max_output_tokens = 300;
  r.messages = {{Role::system, "You are terse.", {}, {}},
                {Role::system, "Never give advice.", {}, {}},
                {Role::user, "Price of AAPL?", {}, {}},
                {Role::assistant, "Checking.", {{"call_1", "quote", R"({"symbol":"AAPL"})"}}, {}},
                {Role::tool, R"({"price":189.5})", {}, "call_1"},
                {Role::user, "And in euros?", {}, {}}};
  r.tools = {{"quote", "Latest price", json::object{{"type", "object"}, {"properties", json::object{}}}}};
  return r;
}

Endpoint endpoint(ProviderKind kind, std::string base_url) {
  Endpoint e;
  e.name = "p";
  e.kind = kind;
  e.base_url = std::move(base_url);
  e.api_key = "sk-test-secret-123456";
  e.models = {{"m1", 8192, 1, 2}};
  return e;
}

TEST(OpenAiApi, RequestCarriesMessagesToolsStreamOptionsAndBearerKey) {
  auto e = endpoint(ProviderKind::openai, "http://127.0.0.1:11434/v1");
  auto req = openai_api().build_request(e, e.models[0], conversation());
  EXPECT_EQ(req.url.port, "11434");
  EXPECT_EQ(req.url.target, "/v1/chat/completions");
  EXPECT_EQ(http::find_header(req.headers, "authorization").value_or(""), "Bearer sk-test-secret-123456");
  auto body = json::parse(req.body).as_object();
  EXPECT_EQ(body.at("model").as_string(), "m1");
  EXPECT_TRUE(body.at("stream").as_bool());
  EXPECT_TRUE(body.at("stream_options").at("include_usage").as_bool());
  EXPECT_EQ(body.at("max_tokens").as_int64(), 300);
  const auto& msgs = body.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 6u);
  EXPECT_EQ(msgs[0].at("role").as_string(), "system");
  EXPECT_EQ(msgs[3].at("tool_calls").at(0).at("function").at("name").as_string(), "quote");
  EXPECT_EQ(msgs[3].at("tool_calls").at(0).at("function").at("arguments").as_string(), R"({"symbol":"AAPL"})");
  EXPECT_EQ(msgs[4].at("role").as_string(), "tool");
  EXPECT_EQ(msgs[4].at("tool_call_id").as_string(), "call_1");
  EXPECT_EQ(body.at("tools").at(0).at("function").at("name").as_string(), "quote");
}

TEST(AnthropicApi, SystemGoesTopLevelAndToolResultsAreUserBlocks) {
  auto e = endpoint(ProviderKind::anthropic, "https://api.anthropic.com");
  auto req = anthropic_api().build_request(e, e.models[0], conversation());
  EXPECT_TRUE(req.url.tls);
  EXPECT_EQ(req.url.target, "/v1/messages");
  EXPECT_EQ(http::find_header(req.headers, "x-api-key").value_or(""), "sk-test-secret-123456");
  EXPECT_EQ(http::find_header(req.headers, "anthropic-version").value_or(""), "2023-06-01");
  auto body = json::parse(req.body).as_object();
  EXPECT_EQ(body.at("system").as_string(), "You are terse.\n\nNever give advice.");
  const auto& msgs = body.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 3u);  // user, assistant (text + tool_use), user (tool_result + text) merged
  EXPECT_EQ(msgs[0].at("role").as_string(), "user");
  EXPECT_EQ(msgs[1].at("content").at(1).at("type").as_string(), "tool_use");
  EXPECT_EQ(msgs[1].at("content").at(1).at("input").at("symbol").as_string(), "AAPL");
  EXPECT_EQ(msgs[2].at("role").as_string(), "user");
  EXPECT_EQ(msgs[2].at("content").at(0).at("type").as_string(), "tool_result");
  EXPECT_EQ(msgs[2].at("content").at(0).at("tool_use_id").as_string(), "call_1");
  EXPECT_EQ(msgs[2].at("content").at(1).at("text").as_string(), "And in euros?");
  EXPECT_EQ(body.at("tools").at(0).at("input_schema").at("type").as_string(), "object");
}

TEST(Redact, KeysAndKeyShapedWordsNeverSurvive) {
  EXPECT_EQ(redact("bad key my-secret-key-1 here", "my-secret-key-1"), "bad key [redacted] here");
  const auto msg = redact(openai_api().error_message(transcript("openai_error_401.json")), "sk-other");
  EXPECT_EQ(msg.find("sk-abc"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Incorrect API key provided: [redacted]"), std::string::npos) << msg;
  EXPECT_EQ(redact(std::string(400, 'a'), "").size(), 300u + std::string("…").size());
  EXPECT_EQ(redact("line\nbreak", ""), "line break");
}

TEST(RetryAfter, SecondsDatesAndMilliseconds) {
  const std::string secs = "7";
  const std::string date = "Thu, 01 Jan 1970 00:01:40 GMT";  // 100 s after the epoch
  const std::string ms = "1500";
  const std::string junk = "soon";
  EXPECT_EQ(parse_retry_after(&secs, nullptr, 0)->count(), 7000);
  EXPECT_EQ(parse_retry_after(&date, nullptr, 40)->count(), 60'000);
  EXPECT_EQ(parse_retry_after(&secs, &ms, 0)->count(), 1500);
  EXPECT_FALSE(parse_retry_after(&junk, nullptr, 0));
  EXPECT_FALSE(parse_retry_after(nullptr, nullptr, 0));
}

TEST(ClientUrl, ParsesHostsPortsAndRefusesUserinfo) {
  auto u = http::parse_client_url("http://[::1]:8080/v1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->target, "/v1");
  EXPECT_EQ(http::parse_client_url("https://api.openai.com")->port, "443");
  EXPECT_FALSE(http::parse_client_url("http://user:pw@host/"));
  EXPECT_FALSE(http::parse_client_url("ftp://host/"));
  EXPECT_FALSE(http::parse_client_url("http://host:80x/"));
}

}  // namespace
}  // namespace tc::ai::llm
