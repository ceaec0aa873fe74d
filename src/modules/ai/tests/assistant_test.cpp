// The assistant end to end against a real SQLite store, a filled market and a
// recording realtime: offline answers of every mode streamed on ai:<id> with
// strictly increasing offsets and stored, model turns with tool calls (a scripted
// router double), cancellation reaching the router, proposals, caps, and another
// user's conversation refused.
#include "modules/ai/tests/ai_test_support.h"

#include "modules/ai/ai_channel.h"
#include "modules/ai/learn.h"
#include "modules/ai/numbers.h"
#include "modules/ai/offline_engine.h"
#include "modules/ai/platform_research.h"

#include <gtest/gtest.h>

#include <future>

namespace tc::ai {
namespace {

namespace json = boost::json;
using testing::RecordingRealtime;
using testing::ScriptedRouter;

const auth::Principal kAlice{"a11ce", "s1", "user"};
const auth::Principal kBob{"b0b", "s2", "user"};

class AssistantTest : public ::testing::Test {
 protected:
  AssistantTest() {
    infra::store::migrate(*t.store, migrations());
    store = std::make_shared<ConversationStore>(*t.store, &realtime);
  }

  void make(std::shared_ptr<llm::Router> r, AssistantLimits limits = {}) {
    router = std::move(r);
    ToolContext services;
    services.market = market.get();
    services.web_research = platform_research();
    assistant = std::make_shared<Assistant>(store, router, services, limits);
  }

  template <class T>
  T run(boost::asio::awaitable<T> work) {
    auto f = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
    io.run();
    io.restart();
    return f.get();
  }
  void run(boost::asio::awaitable<void> work) {
    auto f = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
    io.run();
    io.restart();
    f.get();
  }

  std::string conversation(const std::string& mode, const auth::Principal& who = kAlice) {
    auto c = run(store->create(who.user_id, mode, "t", 100));
    return std::string(c.at("id").as_string());
  }

  // Asks and runs until the answer is stored; returns the stored assistant message.
  json::object ask(const std::string& conv, const std::string& text, const auth::Principal& who = kAlice) {
    auto started = run(assistant->ask(who, conv, text, {}, io.get_executor()));
    auto page = run(store->messages(who.user_id, conv, Page{}));
    const auto& items = page.at("items").as_array();
    for (const auto& m : items) {
      if (m.at("id") == started.at("answer_id")) return m.as_object();
    }
    ADD_FAILURE() << "answer not stored";
    return {};
  }

  app::testing::TestContext t;
  RecordingRealtime realtime;
  std::unique_ptr<market::MarketState> market = testing::filled_market();
  std::shared_ptr<ConversationStore> store;
  std::shared_ptr<llm::Router> router;
  std::shared_ptr<Assistant> assistant;
  boost::asio::io_context io;
};

class Offline final : public llm::Router {
 public:
  bool configured() const override { return false; }
  boost::asio::awaitable<llm::Completion> complete(llm::Request, llm::EventSink) override {
    throw errors::unavailable("offline");
    co_return llm::Completion{};
  }
};

std::string joined_tokens(const std::vector<json::object>& events) {
  std::string s;
  for (const auto& e : events) {
    if (e.at("type") == "token") s += e.at("text").as_string();
  }
  return s;
}

TEST_F(AssistantTest, OfflineFastQuoteStreamsInOrderAndIsStored) {
  make(std::make_shared<Offline>());
  const auto conv = conversation("fast");
  auto answer = ask(conv, "What is $AAPL trading at?");
  EXPECT_EQ(answer.at("status"), "complete");
  EXPECT_EQ(answer.at("provider"), "offline");
  const auto quote = *market->quote("AAPL");
  const std::string content(answer.at("content").as_string());
  EXPECT_NE(content.find("AAPL (Apple Inc.): last " + num(rounded(quote.last))), std::string::npos) << content;
  ASSERT_EQ(answer.at("tool_calls").as_array().size(), 1u);
  EXPECT_EQ(answer.at("tool_calls").as_array()[0].at("name"), "quote");
  EXPECT_TRUE(answer.at("marks").as_array().empty()) << json::serialize(answer.at("marks"));

  const auto events = realtime.events("ai:" + conv);
  ASSERT_GE(events.size(), 5u);
  EXPECT_EQ(events.front().at("type"), "start");
  EXPECT_EQ(events[1].at("type"), "tool_call");
  EXPECT_EQ(events[2].at("type"), "tool_result");
  EXPECT_EQ(events.back().at("type"), "done");
  EXPECT_EQ(events.back().at("message").at("content"), answer.at("content"));
  EXPECT_EQ(joined_tokens(events), content);
  const auto offsets = realtime.offsets("ai:" + conv);
  for (std::size_t i = 0; i < offsets.size(); ++i) EXPECT_EQ(offsets[i], i + 1);
  // The stream is persisted: a reader after the fact gets the same publications.
  auto stored = run(store->read_stream(conv, realtime::StreamQuery{.since = 0, .limit = 1000, .reverse = false}));
  EXPECT_EQ(stored.size(), events.size());
}

TEST_F(AssistantTest, FastReadsIndicatorsAndPeriodsFromTheQuestion) {
  make(std::make_shared<Offline>());
  auto answer = ask(conversation("fast"), "rsi 7 of tesla on 4h");
  const auto& calls = answer.at("tool_calls").as_array();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].at("name"), "indicator");
  EXPECT_EQ(calls[0].at("arguments").at("symbol"), "TSLA");
  EXPECT_EQ(calls[0].at("arguments").at("timeframe"), "4h");
  EXPECT_EQ(calls[0].at("result").at("params").at("period"), 7);
  const auto value = calls[0].at("result").at("values").at("value").as_double();
  EXPECT_NE(std::string(answer.at("content").as_string()).find("rsi(7) of TSLA on 4h: " + num(value)),
            std::string::npos)
      << answer.at("content");
}

TEST_F(AssistantTest, EveryModeAnswersOffline) {
  make(std::make_shared<Offline>());
  run(store->set_trading_rules(kAlice.user_id, json::array{"No trades in the first 15 minutes", "Max 3 trades a day"}));
  const std::vector<std::pair<std::string, std::string>> asks = {
      {"fast", "$BTCUSD price"},
      {"deep_thinking", "How is NVDA doing? Look at the rsi"},
      {"trade_buddy", "I am frustrated, lost twice today. Should I buy TSLA now to win it back?"},
      {"learn", "teach me about rsi"},
      {"stock_analysis", "deep analysis of AAPL"},
      {"web_search", "bitcoin"},
      {"search", "anything about bitcoin"}};
  for (const auto& [mode, question] : asks) {
    SCOPED_TRACE(mode);
    const auto conv = conversation(mode);
    auto answer = ask(conv, question);
    EXPECT_EQ(answer.at("status"), "complete");
    EXPECT_FALSE(answer.at("content").as_string().empty());
    EXPECT_TRUE(answer.at("marks").as_array().empty()) << json::serialize(answer.at("marks"));
    const auto events = realtime.events("ai:" + conv);
    EXPECT_EQ(events.back().at("type"), "done");
    const std::string content(answer.at("content").as_string());
    if (mode == "deep_thinking") {
      EXPECT_EQ(events[1].at("type"), "plan");
      EXPECT_NE(content.find(kNeedsModel), std::string::npos);
      EXPECT_NE(content.find("Findings"), std::string::npos);
    }
    if (mode == "trade_buddy") {
      // Never advice: no "you should buy/sell", no recommendation to trade.
      std::string low = content;
      for (auto& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      for (const char* advice : {"you should buy", "you should sell", "i recommend", "buy now", "sell now",
                                 "consider buying", "consider selling", "go long", "go short"}) {
        EXPECT_EQ(low.find(advice), std::string::npos) << advice << ": " << content;
      }
      EXPECT_NE(content.find("won't tell you whether to buy or sell"), std::string::npos);
      EXPECT_NE(content.find("No trades in the first 15 minutes"), std::string::npos) << content;
    }
    if (mode == "learn") {
      EXPECT_NE(content.find("Exercise `rsi-1`"), std::string::npos) << content;
    }
    if (mode == "stock_analysis") {
      ASSERT_TRUE(answer.at("annotations").is_object());
      EXPECT_EQ(answer.at("annotations").at("symbol"), "AAPL");
      EXPECT_FALSE(answer.at("annotations").at("items").as_array().empty());
      for (const char* section :
           {"Trend:", "Momentum:", "Volatility:", "Levels:", "Patterns:", "Relative strength:", "Risk:"}) {
        EXPECT_NE(content.find(section), std::string::npos) << section;
      }
      EXPECT_NE(content.find("against"), std::string::npos) << "relative strength names a benchmark";
    }
    if (mode == "web_search") {
      EXPECT_FALSE(answer.at("citations").as_array().empty()) << content;
    }
  }
}

TEST_F(AssistantTest, LearnChecksTheAnswerAndStoresProgress) {
  make(std::make_shared<Offline>());
  const auto conv = conversation("learn");
  ask(conv, "teach me about rsi");
  auto checked = ask(conv, "50");
  EXPECT_NE(std::string(checked.at("content").as_string()).find("Correct"), std::string::npos) << checked.at("content");
  auto progress = run(store->learn_progress(kAlice.user_id));
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(std::get<1>(progress[0]), "rsi-1");
  EXPECT_TRUE(std::get<2>(progress[0]));
  // The next lesson request offers the next unsolved exercise.
  auto next = ask(conv, "more on rsi please");
  EXPECT_NE(std::string(next.at("content").as_string()).find("Exercise `rsi-2`"), std::string::npos);
  auto wrong = ask(conv, "a");
  EXPECT_NE(std::string(wrong.at("content").as_string()).find("Not quite"), std::string::npos);
}

TEST_F(AssistantTest, AnAlertIsOnlyProposed) {
  make(std::make_shared<Offline>());
  const auto conv = conversation("fast");
  auto answer = ask(conv, "alert me when $AAPL crosses above 250");
  const auto& proposals = answer.at("proposals").as_array();
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].at("status"), "pending");
  EXPECT_EQ(proposals[0].at("kind"), "alert");
  EXPECT_EQ(proposals[0].at("arguments").at("symbol"), "AAPL");
  EXPECT_EQ(proposals[0].at("arguments").at("expression"), "price crosses_above 250");
  // Another user cannot claim it; the owner can, once.
  const std::string id(proposals[0].at("id").as_string());
  try {
    run(store->claim_proposal(kBob.user_id, id));
    ADD_FAILURE() << "bob claimed alice's proposal";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 404);
  }
  run(store->claim_proposal(kAlice.user_id, id));
  try {
    run(store->claim_proposal(kAlice.user_id, id));
    ADD_FAILURE() << "claimed twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 409);
  }
}

TEST_F(AssistantTest, AnotherUsersConversationIsNotFound) {
  make(std::make_shared<Offline>());
  const auto conv = conversation("fast");
  for (int i = 0; i < 2; ++i) {
    try {
      if (i == 0)
        run(assistant->ask(kBob, conv, "hi", {}, io.get_executor()));
      else
        run(store->messages(kBob.user_id, conv, Page{}));
      ADD_FAILURE() << "bob reached alice's conversation";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 404);
    }
  }
  auto page = run(store->messages(kAlice.user_id, conv, Page{}));
  EXPECT_TRUE(page.at("items").as_array().empty()) << "nothing was stored";
}

TEST_F(AssistantTest, ModelToolCallsRunAndTheirResultsAreFramedAsData) {
  auto scripted = std::make_shared<ScriptedRouter>();
  llm::Completion first;
  first.tool_calls.push_back({"c1", "quote", R"({"symbol":"MSFT"})"});
  first.finish_reason = "tool_calls";
  first.provider = "replay";
  first.model = "m1";
  first.usage = {10, 2, 0.001};
  llm::Completion second;
  const auto last = num(rounded(market->quote("MSFT")->last));
  second.text = "MSFT last traded at " + last + ".";
  second.finish_reason = "stop";
  second.provider = "replay";
  second.model = "m1";
  second.usage = {20, 8, 0.002};
  scripted->script.push_back({first, {}, false});
  scripted->script.push_back({second, std::vector<std::string>{"MSFT last traded at ", last + "."}, false});
  make(scripted);
  const auto conv = conversation("fast");
  auto answer = ask(conv, "msft?");
  EXPECT_EQ(answer.at("content").as_string(), second.text);
  EXPECT_EQ(answer.at("provider"), "replay");
  EXPECT_EQ(answer.at("usage").at("input_tokens"), 30);
  EXPECT_EQ(answer.at("usage").at("output_tokens"), 10);
  ASSERT_EQ(answer.at("tool_calls").as_array().size(), 1u);
  ASSERT_EQ(scripted->requests.size(), 2u);
  const auto& second_request = scripted->requests[1];
  EXPECT_EQ(second_request.messages.front().role, llm::Role::system);
  EXPECT_EQ(second_request.messages.back().role, llm::Role::tool);
  EXPECT_EQ(second_request.messages.back().tool_call_id, "c1");
  EXPECT_NE(second_request.messages.back().content.find("UNTRUSTED_DATA"), std::string::npos);
  EXPECT_EQ(scripted->requests[0].tools.size(), 4u) << "fast mode offers its own tools only";
  EXPECT_EQ(joined_tokens(realtime.events("ai:" + conv)), second.text);
  // Each model token also went out live, at once, saying where it starts; the
  // persisted batches say the same, so a client that gets both keeps the text exact.
  std::vector<json::object> live;
  {
    std::lock_guard lock(realtime.mutex);
    live = realtime.broadcasts["ai:" + conv];
  }
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].at("text"), "MSFT last traded at ");
  EXPECT_EQ(live[0].at("at").to_number<int>(), 0);
  EXPECT_EQ(live[1].at("text").as_string(), last + ".");
  EXPECT_EQ(live[1].at("at").to_number<int>(), 20);
  std::size_t expected_at = 0;
  for (const auto& e : realtime.events("ai:" + conv)) {
    if (e.at("type") != "token") continue;
    EXPECT_EQ(e.at("at").to_number<std::size_t>(), expected_at);
    expected_at += e.at("text").as_string().size();  // ASCII here: bytes are UTF-16 units
  }
}

TEST_F(AssistantTest, LiveTokenPositionsCountUtf16UnitsAsClientsDo) {
  auto scripted = std::make_shared<ScriptedRouter>();
  llm::Completion c;
  c.text = "\xF0\x9F\x93\x88 \xC3\xA9t\xC3\xA9 up";  // "📈 été up": a surrogate pair, two 2-byte letters
  c.finish_reason = "stop";
  scripted->script.push_back({c, std::vector<std::string>{"\xF0\x9F\x93\x88 ", "\xC3\xA9t\xC3\xA9", " up"}, false});
  make(scripted);
  const auto conv = conversation("fast");
  auto answer = ask(conv, "trend?");
  EXPECT_EQ(answer.at("content").as_string(), c.text);
  std::vector<json::object> live;
  {
    std::lock_guard lock(realtime.mutex);
    live = realtime.broadcasts["ai:" + conv];
  }
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].at("at").to_number<int>(), 0);
  EXPECT_EQ(live[1].at("at").to_number<int>(), 3);  // U+1F4C8 is two UTF-16 units, then a space
  EXPECT_EQ(live[2].at("at").to_number<int>(), 6);  // "été" is three
}

TEST_F(AssistantTest, AModelCannotCallAToolOutsideItsModeOrWithUnknownArguments) {
  auto scripted = std::make_shared<ScriptedRouter>();
  llm::Completion first;
  first.tool_calls.push_back({"c1", "trading_rules", "{}"});
  first.tool_calls.push_back({"c2", "quote", R"({"symbol":"MSFT","user_id":"b0b"})"});
  llm::Completion second;
  second.text = "done";
  scripted->script.push_back({first, {}, false});
  scripted->script.push_back({second, {}, false});
  make(scripted);
  auto answer = ask(conversation("fast"), "x");
  const auto& calls = answer.at("tool_calls").as_array();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].at("result").at("error").at("status"), 403);
  EXPECT_EQ(calls[1].at("result").at("error").at("status"), 422);
}

TEST_F(AssistantTest, CancelStopsTheRouterCallAndKeepsThePartialAnswer) {
  auto scripted = std::make_shared<ScriptedRouter>();
  scripted->script.push_back({llm::Completion{}, {"Partial "}, true});
  make(scripted);
  const auto conv = conversation("fast");
  auto f = boost::asio::co_spawn(io, assistant->ask(kAlice, conv, "long question", {}, io.get_executor()),
                                 boost::asio::use_future);
  while (!scripted->waiting) io.run_one();
  EXPECT_TRUE(assistant->cancel(kAlice.user_id, conv));
  EXPECT_FALSE(assistant->cancel(kBob.user_id, conv)) << "only the owner cancels";
  io.run();
  io.restart();
  auto started = f.get();
  EXPECT_TRUE(scripted->saw_cancel);
  auto page = run(store->messages(kAlice.user_id, conv, Page{}));
  const auto& m = page.at("items").as_array().back();
  EXPECT_EQ(m.at("id"), started.at("answer_id"));
  EXPECT_EQ(m.at("status"), "cancelled");
  EXPECT_EQ(realtime.events("ai:" + conv).back().at("type"), "done");
  // The conversation takes a new question afterwards.
  scripted->script.push_back({llm::Completion{.text = "ok"}, {}, false});
  EXPECT_EQ(ask(conv, "again").at("status"), "complete");
}

TEST_F(AssistantTest, OneAnswerPerConversationAndAPerUserCap) {
  auto scripted = std::make_shared<ScriptedRouter>();
  for (int i = 0; i < 3; ++i) scripted->script.push_back({llm::Completion{}, {}, true});
  make(scripted, AssistantLimits{.max_concurrent_per_user = 2});
  const auto a = conversation("fast"), b = conversation("fast"), c = conversation("fast");
  auto fa = boost::asio::co_spawn(io, assistant->ask(kAlice, a, "1", {}, io.get_executor()), boost::asio::use_future);
  while (!scripted->waiting) io.run_one();
  // The running answers keep the io_context busy: step it until this call is done.
  auto status = [&](const std::string& conv) {
    auto f = boost::asio::co_spawn(io, assistant->ask(kAlice, conv, "again", {}, io.get_executor()),
                                   boost::asio::use_future);
    while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
    try {
      f.get();
    } catch (const Error& e) {
      return e.status();
    }
    return 0;
  };
  EXPECT_EQ(status(a), 409);
  scripted->waiting = false;
  auto fb = boost::asio::co_spawn(io, assistant->ask(kAlice, b, "2", {}, io.get_executor()), boost::asio::use_future);
  while (!scripted->waiting) io.run_one();
  EXPECT_EQ(status(c), 429);
  assistant->cancel_all();
  io.run();
  io.restart();
  fa.get();
  fb.get();
}

TEST_F(AssistantTest, AnAnswerNobodyFollowsAnyMoreIsCancelledAfterTheGrace) {
  auto scripted = std::make_shared<ScriptedRouter>();
  scripted->script.push_back({llm::Completion{}, {"Partial "}, true});
  make(scripted);
  std::shared_ptr<AiChannel> channel;
  channel = std::make_shared<AiChannel>(*store, [this, &channel](const std::string& user, const std::string& conv) {
    auto* ch = channel.get();
    auto followed = [ch, conv]() -> boost::asio::awaitable<bool> { co_return ch->subscribers(conv) > 0; };
    assistant->cancel_if_unwatched(user, conv, followed, std::chrono::milliseconds(0));
  });
  const auto conv = conversation("fast");
  const realtime::Principal who{kAlice.user_id, kAlice.session_id, kAlice.role};
  // Two tabs follow the conversation; one closes: the answer goes on.
  channel->on_stream_subscribed(who, "ai:" + conv);
  channel->on_stream_subscribed(who, "ai:" + conv);
  auto f =
      boost::asio::co_spawn(io, assistant->ask(kAlice, conv, "long", {}, io.get_executor()), boost::asio::use_future);
  while (!scripted->waiting) io.run_one();
  channel->on_stream_unsubscribed(who, "ai:" + conv);
  io.poll();
  EXPECT_FALSE(scripted->saw_cancel);
  EXPECT_EQ(channel->subscribers(conv), 1u);
  // The last one goes: after the grace the answer is cancelled.
  channel->on_stream_unsubscribed(who, "ai:" + conv);
  io.run();
  io.restart();
  f.get();
  EXPECT_TRUE(scripted->saw_cancel);
  auto page = run(store->messages(kAlice.user_id, conv, Page{}));
  EXPECT_EQ(page.at("items").as_array().back().at("status"), "cancelled");
}

TEST(LearnCurriculum, ChecksChoicesAndNumbers) {
  const auto rsi = find_exercise("rsi-1");
  ASSERT_TRUE(rsi.has_value());
  EXPECT_TRUE(check_answer(*rsi->second, "50").correct);
  EXPECT_TRUE(check_answer(*rsi->second, "it is 50.").correct);
  EXPECT_FALSE(check_answer(*rsi->second, "70").correct);
  const auto zone = find_exercise("rsi-2");
  EXPECT_TRUE(check_answer(*zone->second, "c").correct);
  EXPECT_TRUE(check_answer(*zone->second, "overbought").correct);
  EXPECT_FALSE(check_answer(*zone->second, "a").correct);
  EXPECT_EQ(lesson_for("what is a stop loss?")->id, "risk");
}

}  // namespace
}  // namespace tc::ai
