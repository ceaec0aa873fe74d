// The router against recorded transcripts replayed on loopback: fallback,
// Retry-After, circuit breaking, stream cuts, budgets, cancellation reaching the
// provider's connection, and keys kept out of every message.
#include "core/errors.h"
#include "core/metrics.h"
#include "modules/ai/llm/llm_router.h"
#include "modules/ai/llm/tests/replay_server.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace tc::ai::llm {
namespace {

namespace asio = boost::asio;
using testing::ReplayServer;
using testing::Reply;
using testing::transcript;
using Clock = std::chrono::steady_clock;

constexpr const char* kKeyA = "sk-live-AAAA1111secret";
constexpr const char* kKeyB = "sk-ant-BBBB2222secret";

struct Outcome {
  std::optional<Completion> completion;
  std::optional<Error> error;
  std::vector<StreamEvent> events;
};

class RouterTest : public ::testing::Test {
 protected:
  asio::io_context ioc;
  ReplayServer a{ioc};
  ReplayServer b{ioc};
  std::shared_ptr<Clock::time_point> now = std::make_shared<Clock::time_point>(Clock::now());
  metrics::Registry registry;

  void TearDown() override {
    a.stop();
    b.stop();
    ioc.restart();
    ioc.run();
  }

  RouterSettings settings() {
    RouterSettings s;
    Endpoint ea{"a", ProviderKind::openai, a.url() + "/v1", kKeyA, "env A", {{"small", 8192, 0.15, 0.60}}};
    Endpoint eb{"b", ProviderKind::anthropic, b.url(), kKeyB, "env B", {{"large", 200000, 3, 15}}};
    s.endpoints = {ea, eb};
    s.chains["default"] = {{0, 0}, {1, 0}};
    s.chains["deep_thinking"] = {{1, 0}};
    s.retries = 0;
    s.retry_base = std::chrono::milliseconds(0);
    s.breaker_failures = 2;
    s.breaker_cooldown = std::chrono::seconds(30);
    s.requests_per_hour = 0;
    s.tokens_per_day = 0;
    s.max_concurrent_per_user = 4;
    return s;
  }

  std::shared_ptr<Router> router(RouterSettings s) {
    auto clock = now;
    return make_router(std::move(s), &registry, [clock] { return *clock; });
  }

  static Request request(std::string user = "u1", std::string mode = "fast") {
    Request r;
    r.mode = std::move(mode);
    r.user_id = std::move(user);
    r.messages = {{Role::user, "Hello", {}, {}}};
    return r;
  }

  // Runs one completion to its end; `on_event` may look at each event as it comes.
  Outcome run(Router& r, const Request& req, const std::function<void(const StreamEvent&)>& on_event = {}) {
    auto out = std::make_shared<Outcome>();
    auto main = [&r, req, out, on_event]() -> asio::awaitable<void> {
      EventSink sink = [out, on_event](const StreamEvent& e) {
        out->events.push_back(e);
        if (on_event) on_event(e);
      };
      try {
        out->completion = co_await r.complete(req, sink);
      } catch (const Error& e) {
        out->error = e;
      }
    };
    auto done = std::make_shared<bool>(false);
    asio::co_spawn(ioc, main(), [done](const std::exception_ptr& ep) {
      *done = true;
      if (ep) std::rethrow_exception(ep);
    });
    while (!*done) ioc.run_one();  // the replay servers keep accepting: run until this answer ends
    return *out;
  }

  static Reply sse(const std::string& name, std::size_t piece = 0) {
    Reply r;
    r.body = transcript(name);
    r.piece = piece;
    return r;
  }
  static Reply status(int code, const std::string& body,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    Reply r;
    r.status = code;
    r.body = body;
    r.headers = std::move(headers);
    return r;
  }

  double counter(const std::string& provider, const std::string& outcome) {
    return registry.counter("tradechat_ai_requests_total", "", {{"provider", provider}, {"outcome", outcome}}).value();
  }
};

void expect_no_key(const std::string& text) {
  EXPECT_EQ(text.find(kKeyA), std::string::npos) << text;
  EXPECT_EQ(text.find(kKeyB), std::string::npos) << text;
  EXPECT_EQ(text.find("sk-"), std::string::npos) << text;
}

TEST_F(RouterTest, PlainAnswerStreamsInPiecesAndCostsWhatThePricesSay) {
  a.push(sse("openai_text.sse", 13));
  auto r = router(settings());
  auto out = run(*r, request());
  ASSERT_TRUE(out.completion) << (out.error ? out.error->detail() : "");
  EXPECT_EQ(out.completion->text, "Hello! How can I assist you today?");
  EXPECT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.completion->provider, "a");
  EXPECT_EQ(out.completion->usage.input_tokens, 9);
  EXPECT_DOUBLE_EQ(out.completion->usage.cost_usd, (9 * 0.15 + 9 * 0.60) / 1e6);
  ASSERT_EQ(a.requests().size(), 1u);
  EXPECT_NE(a.requests()[0].head.find("POST /v1/chat/completions"), std::string::npos);
  EXPECT_NE(a.requests()[0].head.find(std::string("Bearer ") + kKeyA), std::string::npos);
  EXPECT_EQ(counter("a", "ok"), 1);
  EXPECT_EQ(registry.histogram("tradechat_ai_first_token_seconds", "", {{"provider", "a"}}).count(), 1u);
}

TEST_F(RouterTest, TheModeChoosesItsChain) {
  b.push(sse("anthropic_tool_use.sse", 17));
  auto r = router(settings());
  auto out = run(*r, request("u1", "deep_thinking"));
  ASSERT_TRUE(out.completion) << (out.error ? out.error->detail() : "");
  EXPECT_TRUE(a.requests().empty());
  EXPECT_EQ(out.completion->provider, "b");
  ASSERT_EQ(out.completion->tool_calls.size(), 1u);
  EXPECT_EQ(out.completion->tool_calls[0].name, "get_weather");
  EXPECT_EQ(out.completion->finish_reason, "tool_calls");
  EXPECT_NE(b.requests()[0].head.find(std::string("x-api-key: ") + kKeyB), std::string::npos);
  EXPECT_NE(b.requests()[0].head.find("POST /v1/messages"), std::string::npos);
}

TEST_F(RouterTest, A429FallsBackAndItsRetryAfterKeepsTheProviderOutUntilThen) {
  a.push(status(429, transcript("openai_error_429.json"), {{"Retry-After", "7"}}));
  b.push(sse("anthropic_text.sse"));
  b.push(sse("anthropic_text.sse"));
  a.push(sse("openai_text.sse"));
  auto r = router(settings());
  auto first = run(*r, request());
  ASSERT_TRUE(first.completion) << (first.error ? first.error->detail() : "");
  EXPECT_EQ(first.completion->provider, "b");
  EXPECT_EQ(first.completion->text, "Hello!");
  EXPECT_EQ(counter("a", "rate_limited"), 1);

  *now += std::chrono::seconds(5);  // still inside Retry-After: a is not asked
  auto second = run(*r, request());
  ASSERT_TRUE(second.completion);
  EXPECT_EQ(second.completion->provider, "b");
  EXPECT_EQ(a.requests().size(), 1u);

  *now += std::chrono::seconds(3);  // past it
  auto third = run(*r, request());
  ASSERT_TRUE(third.completion);
  EXPECT_EQ(third.completion->provider, "a");
  EXPECT_EQ(a.requests().size(), 2u);
}

TEST_F(RouterTest, WhenEveryProviderFailsTheErrorNamesEachFailureButNoKey) {
  a.push(status(401, transcript("openai_error_401.json")));
  b.push(status(429, transcript("anthropic_error_429.json"), {{"retry-after", "20"}}));
  auto r = router(settings());
  ::testing::internal::CaptureStderr();
  auto out = run(*r, request());
  const std::string logs = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->status(), 503);
  EXPECT_EQ(out.error->type(), "ai-unavailable");
  EXPECT_NE(out.error->detail().find("a: HTTP 401 (Incorrect API key provided"), std::string::npos)
      << out.error->detail();
  EXPECT_NE(out.error->detail().find("b: HTTP 429"), std::string::npos) << out.error->detail();
  EXPECT_EQ(out.error->extra().at("retry_after").as_int64(), 20);
  expect_no_key(out.error->detail());
  expect_no_key(logs);
  EXPECT_NE(logs.find("ai: model request failed"), std::string::npos);  // the logs were captured
}

TEST_F(RouterTest, ConnectionRefusedFallsBack) {
  auto s = settings();
  asio::ip::tcp::acceptor closed(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  s.endpoints[0].base_url = "http://127.0.0.1:" + std::to_string(closed.local_endpoint().port()) + "/v1";
  closed.close();
  b.push(sse("anthropic_text.sse"));
  auto r = router(s);
  auto out = run(*r, request());
  ASSERT_TRUE(out.completion) << (out.error ? out.error->detail() : "");
  EXPECT_EQ(out.completion->provider, "b");
  EXPECT_EQ(counter("a", "connect_error"), 1);
}

TEST_F(RouterTest, A5xxIsRetriedOnTheSameProviderFirst) {
  auto s = settings();
  s.retries = 1;
  a.push(status(503, R"({"error":{"message":"loading model"}})"));
  a.push(sse("openai_text.sse"));
  auto r = router(s);
  auto out = run(*r, request());
  ASSERT_TRUE(out.completion) << (out.error ? out.error->detail() : "");
  EXPECT_EQ(out.completion->provider, "a");
  EXPECT_EQ(a.requests().size(), 2u);
  EXPECT_TRUE(b.requests().empty());
}

TEST_F(RouterTest, AStreamCutBeforeAnyEventFallsBack) {
  Reply cut = sse("openai_text.sse");
  cut.cut_after = 0;  // headers, then the connection closes
  a.push(cut);
  b.push(sse("anthropic_text.sse"));
  auto r = router(settings());
  auto out = run(*r, request());
  ASSERT_TRUE(out.completion) << (out.error ? out.error->detail() : "");
  EXPECT_EQ(out.completion->provider, "b");
  EXPECT_EQ(counter("a", "stream_cut"), 1);
}

TEST_F(RouterTest, AStreamCutAfterTextEndsTheRequestWithoutFallback) {
  Reply cut = sse("openai_text.sse", 50);
  const auto& body = cut.body;
  cut.cut_after = body.find("How can I") + 3;  // inside the third content chunk
  a.push(cut);
  b.push(sse("anthropic_text.sse"));
  auto r = router(settings());
  auto out = run(*r, request());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->status(), 502);
  EXPECT_EQ(out.error->type(), "ai-interrupted");
  EXPECT_NE(out.error->detail().find("after part of the answer"), std::string::npos) << out.error->detail();
  EXPECT_FALSE(out.events.empty());
  EXPECT_TRUE(b.requests().empty());  // nothing asked of b: the text would repeat
}

TEST_F(RouterTest, AnErrorEventBeforeAnyTextFallsBack) {
  b.push(sse("anthropic_error_event.sse"));
  a.push(sse("openai_text.sse"));
  auto s = settings();
  s.chains["default"] = {{1, 0}, {0, 0}};
  auto r = router(s);
  auto out = run(*r, request());
  ASSERT_TRUE(out.completion) << (out.error ? out.error->detail() : "");
  EXPECT_EQ(out.completion->provider, "a");
  EXPECT_EQ(counter("b", "provider_error"), 1);
}

TEST_F(RouterTest, CircuitOpensAfterConsecutiveFailuresThenProbesAndCloses) {
  auto r = router(settings());  // breaker_failures = 2, cooldown 30 s
  for (int i = 0; i < 2; ++i) {
    a.push(status(500, R"({"error":{"message":"boom"}})"));
    b.push(sse("anthropic_text.sse"));
    ASSERT_TRUE(run(*r, request()).completion);
  }
  EXPECT_EQ(circuit_state(*r, "a"), "open");
  b.push(sse("anthropic_text.sse"));
  ASSERT_TRUE(run(*r, request()).completion);
  EXPECT_EQ(a.requests().size(), 2u);  // skipped while open
  EXPECT_EQ(counter("a", "skipped"), 1);

  *now += std::chrono::seconds(31);
  EXPECT_EQ(circuit_state(*r, "a"), "half_open");
  a.push(status(500, R"({"error":{"message":"still down"}})"));  // the probe fails: open again
  b.push(sse("anthropic_text.sse"));
  ASSERT_TRUE(run(*r, request()).completion);
  EXPECT_EQ(a.requests().size(), 3u);
  EXPECT_EQ(circuit_state(*r, "a"), "open");

  *now += std::chrono::seconds(31);
  a.push(sse("openai_text.sse"));  // the probe succeeds: closed
  auto out = run(*r, request());
  ASSERT_TRUE(out.completion);
  EXPECT_EQ(out.completion->provider, "a");
  EXPECT_EQ(circuit_state(*r, "a"), "closed");
}

TEST_F(RouterTest, ABadRequestDoesNotOpenTheCircuit) {
  auto s = settings();
  s.chains["default"] = {{0, 0}};
  auto r = router(s);
  for (int i = 0; i < 3; ++i) {
    a.push(status(400, R"({"error":{"message":"context too long"}})"));
    auto out = run(*r, request());
    ASSERT_TRUE(out.error);
    EXPECT_NE(out.error->detail().find("context too long"), std::string::npos);
  }
  EXPECT_EQ(circuit_state(*r, "a"), "closed");
}

TEST_F(RouterTest, RequestBudgetGives429WithRetryAfter) {
  auto s = settings();
  s.requests_per_hour = 2;
  auto r = router(s);
  for (int i = 0; i < 2; ++i) {
    a.push(sse("openai_text.sse"));
    ASSERT_TRUE(run(*r, request()).completion);
  }
  auto out = run(*r, request());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->status(), 429);
  EXPECT_EQ(out.error->type(), "ai-budget");
  EXPECT_GT(out.error->extra().at("retry_after").as_int64(), 3500);
  EXPECT_EQ(a.requests().size(), 2u);
  a.push(sse("openai_text.sse"));  // another user is not affected
  EXPECT_TRUE(run(*r, request("u2")).completion);
  *now += std::chrono::minutes(61);  // a new hour
  a.push(sse("openai_text.sse"));
  EXPECT_TRUE(run(*r, request()).completion);
}

TEST_F(RouterTest, TokenBudgetCountsWhatTheProviderReported) {
  auto s = settings();
  s.tokens_per_day = 20;  // one answer is 9 + 9 tokens
  auto r = router(s);
  a.push(sse("openai_text.sse"));
  ASSERT_TRUE(run(*r, request()).completion);
  a.push(sse("openai_text.sse"));
  ASSERT_TRUE(run(*r, request()).completion);  // 18 < 20: allowed, now 36
  auto out = run(*r, request());
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->type(), "ai-budget");
  EXPECT_NE(out.error->detail().find("tokens per day"), std::string::npos);
}

TEST_F(RouterTest, CancellationClosesTheProviderConnection) {
  Reply held = sse("openai_text.sse", 40);
  held.hold_after = held.body.find("\"Hello\"") + 200;  // the first text chunk, then silence
  a.push(held);
  auto r = router(settings());
  asio::cancellation_signal signal;
  auto out = std::make_shared<Outcome>();
  auto main = [&]() -> asio::awaitable<void> {
    EventSink sink = [&](const StreamEvent& e) {
      out->events.push_back(e);
      asio::post(ioc, [&] { signal.emit(asio::cancellation_type::terminal); });
    };
    try {
      out->completion = co_await r->complete(request(), sink);
    } catch (const Error& e) {
      out->error = e;
    }
  };
  asio::co_spawn(ioc, main(), asio::bind_cancellation_slot(signal.slot(), [&](const std::exception_ptr&) {
                   // the server's held connection must see the close before we stop it
                   asio::post(ioc, [&] {
                     a.stop();
                     b.stop();
                   });
                 }));
  ioc.run();
  ASSERT_TRUE(out->error);
  EXPECT_EQ(out->error->status(), 499);
  EXPECT_EQ(out->error->type(), "cancelled");
  EXPECT_EQ(out->events.size(), 1u);
  EXPECT_EQ(a.client_closes(), 1);
  EXPECT_TRUE(b.requests().empty());  // a cancelled answer does not fall back
  EXPECT_EQ(circuit_state(*r, "a"), "closed");
}

TEST_F(RouterTest, TotalCancellationWorksToo) {
  Reply held = sse("anthropic_text.sse");
  held.hold_after = held.body.find("\"Hello\"") + 20;
  b.push(held);
  auto r = router(settings());
  asio::cancellation_signal signal;
  std::optional<Error> error;
  auto main = [&]() -> asio::awaitable<void> {
    EventSink sink = [&](const StreamEvent&) { asio::post(ioc, [&] { signal.emit(asio::cancellation_type::total); }); };
    try {
      co_await r->complete(request("u1", "deep_thinking"), sink);
    } catch (const Error& e) {
      error = e;
    }
  };
  asio::co_spawn(ioc, main(), asio::bind_cancellation_slot(signal.slot(), [&](const std::exception_ptr&) {
                   asio::post(ioc, [&] {
                     a.stop();
                     b.stop();
                   });
                 }));
  ioc.run();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status(), 499);
  EXPECT_EQ(b.client_closes(), 1);
}

TEST_F(RouterTest, OneUserHasAtMostTheConfiguredAnswersRunning) {
  auto s = settings();
  s.max_concurrent_per_user = 1;
  Reply held = sse("openai_text.sse");
  held.hold_after = held.body.find("\"Hello\"") + 200;
  a.push(held);
  a.push(sse("openai_text.sse"));
  auto r = router(s);
  asio::cancellation_signal signal;
  std::optional<Error> first_error, second_error, third_error;
  bool spawned = false;
  auto second = [&](std::string user, std::optional<Error>& slot) -> asio::awaitable<void> {
    try {
      co_await r->complete(request(user), [](const StreamEvent&) {});
    } catch (const Error& e) {
      slot = e;
    }
  };
  auto main = [&]() -> asio::awaitable<void> {
    EventSink sink = [&](const StreamEvent&) {
      if (spawned) return;
      spawned = true;
      asio::co_spawn(ioc, second("u1", second_error), [&](const std::exception_ptr&) {
        asio::co_spawn(ioc, second("u2", third_error),
                       [&](const std::exception_ptr&) { signal.emit(asio::cancellation_type::terminal); });
      });
    };
    try {
      co_await r->complete(request("u1"), sink);
    } catch (const Error& e) {
      first_error = e;
    }
  };
  asio::co_spawn(ioc, main(), asio::bind_cancellation_slot(signal.slot(), [&](const std::exception_ptr&) {
                   asio::post(ioc, [&] {
                     a.stop();
                     b.stop();
                   });
                 }));
  ioc.run();
  ASSERT_TRUE(second_error);
  EXPECT_EQ(second_error->status(), 429);
  EXPECT_EQ(second_error->type(), "ai-budget");
  EXPECT_FALSE(third_error) << third_error->detail();  // another user ran meanwhile
  ASSERT_TRUE(first_error);
  EXPECT_EQ(first_error->status(), 499);
}

TEST(OfflineRouter, NoProvidersMeansNotConfigured) {
  auto r = make_router(RouterSettings{}, nullptr);
  EXPECT_FALSE(r->configured());
}

}  // namespace
}  // namespace tc::ai::llm
