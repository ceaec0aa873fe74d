// Shared by the ai module's unit tests: a store migrated for ai (and its
// neighbours), a market filled with deterministic hourly prices, a realtime double
// that records what is published, and a scripted llm::Router double.
#pragma once

#include "app/tests/test_context.h"
#include "core/errors.h"
#include "modules/ai/ai_module.h"
#include "modules/ai/assistant.h"
#include "modules/market/market_state.h"
#include "modules/realtime/realtime.h"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <deque>
#include <mutex>

namespace tc::ai::testing {

namespace json = boost::json;

class RecordingRealtime final : public realtime::Realtime {
 public:
  void register_namespace(std::string, std::shared_ptr<realtime::ChannelOwner>) override {}
  void register_rpc(std::string, realtime::RpcMethod) override {}
  std::uint64_t publish(const std::string&, const json::value&, realtime::PublishOptions) override { return 0; }
  void publish_at(const std::string& channel, std::uint64_t offset, const json::value& data,
                  const json::object&) override {
    std::lock_guard lock(mutex);
    published[channel].push_back({offset, data.as_object()});
  }
  void broadcast(const std::string& channel, const json::value& data, bool) override {
    std::lock_guard lock(mutex);
    broadcasts[channel].push_back(data.as_object());
  }
  void unsubscribe_user(const std::string& channel, const std::string& user) override {
    std::lock_guard lock(mutex);
    removed.push_back(channel + " " + user);
  }
  std::vector<json::object> events(const std::string& channel) {
    std::lock_guard lock(mutex);
    std::vector<json::object> out;
    for (const auto& [o, d] : published[channel]) out.push_back(d);
    return out;
  }
  std::vector<std::uint64_t> offsets(const std::string& channel) {
    std::lock_guard lock(mutex);
    std::vector<std::uint64_t> out;
    for (const auto& [o, d] : published[channel]) out.push_back(o);
    return out;
  }
  std::mutex mutex;
  std::map<std::string, std::vector<std::pair<std::uint64_t, json::object>>> published;
  std::map<std::string, std::vector<json::object>> broadcasts;
  std::vector<std::string> removed;
};

// 400 hours of prices for every simulated instrument: a gentle trend with waves, four
// ticks an hour, ending at `end_ms`.
inline std::unique_ptr<market::MarketState> filled_market() {
  auto m = std::make_unique<market::MarketState>(market::simulated_instruments(), market::MarketStateOptions{});
  const std::int64_t start = 1'767'225'600'000LL;  // 2026-01-01 00:00 UTC
  for (std::size_t i = 0; i < m->instruments().size(); ++i) {
    const double base = m->instruments()[i].start_price;
    for (int h = 0; h < 400; ++h) {
      for (int k = 0; k < 4; ++k) {
        const double t = h + k / 4.0;
        const double p =
            base * (1 + 0.0004 * t + 0.03 * std::sin(t / 9.0 + static_cast<double>(i)) + 0.01 * std::sin(t * 1.7));
        m->ingest_tick(i, start + static_cast<std::int64_t>(t * 3'600'000), p, 1 + k);
      }
    }
  }
  return m;
}

// A model double: each call pops the next scripted completion (or, when the script
// says so, waits until cancelled). Records every request it got.
class ScriptedRouter final : public llm::Router {
 public:
  struct Step {
    llm::Completion completion;
    std::vector<std::string> deltas;  // streamed before returning
    bool wait_for_cancel = false;
  };
  bool configured() const override { return true; }
  boost::asio::awaitable<llm::Completion> complete(llm::Request request, llm::EventSink on_event) override {
    Step step;
    {
      std::lock_guard lock(mutex);
      requests.push_back(request);
      if (script.empty()) throw errors::unavailable("script exhausted");
      step = script.front();
      script.pop_front();
    }
    for (const auto& d : step.deltas) on_event(llm::StreamEvent{llm::StreamEvent::Kind::text, d, {}});
    if (step.wait_for_cancel) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, std::chrono::hours(1));
      waiting = true;
      boost::system::error_code ec;
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      saw_cancel = ec == boost::asio::error::operation_aborted;
      throw Error(499, "cancelled", "Cancelled", "the request was cancelled");
    }
    co_return step.completion;
  }
  std::mutex mutex;
  std::deque<Step> script;
  std::vector<llm::Request> requests;
  std::atomic<bool> waiting{false};
  std::atomic<bool> saw_cancel{false};
};

}  // namespace tc::ai::testing
