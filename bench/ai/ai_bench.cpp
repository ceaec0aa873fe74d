// Time to first token and total time of one streamed answer through tradechat's
// LLM router (HTTP client, SSE parser, OpenAI decoder, router bookkeeping)
// against the local replay server (tests/integration/lib/llm_replay.mjs). The
// peer, a plain Node client of the same server, runs in the same bench/ai/run.
// Sequential requests, one at a time, a new connection each (as the router does).
// Prints one line per measurement: <name> <value>
// Usage: ai_bench <replay base url, e.g. http://127.0.0.1:18095> [requests=300] [warmup=30]
#include "modules/ai/llm/llm_router.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ai_bench <replay url> [requests] [warmup]\n");
    return 2;
  }
  const std::string url = argv[1];
  const int requests = argc > 2 ? std::atoi(argv[2]) : 300;
  const int warmup = argc > 3 ? std::atoi(argv[3]) : 30;
  using namespace tc::ai::llm;
  RouterSettings s;
  s.endpoints = {{"replay", ProviderKind::openai, url + "/v1", "", "", {{"replay-model", 8192, 0, 0}}}};
  s.chains["default"] = {{0, 0}};
  s.requests_per_hour = 0;
  s.tokens_per_day = 0;
  s.retries = 0;
  auto router = make_router(s, nullptr);

  std::vector<double> first_ms, total_ms;
  std::string text;
  asio::io_context ioc(1);
  auto run = [&]() -> asio::awaitable<void> {
    for (int i = 0; i < warmup + requests; ++i) {
      Request req;
      req.mode = "fast";
      req.user_id = "bench";
      req.messages = {{Role::user, "Hello", {}, {}}};
      const auto start = Clock::now();
      auto first = std::make_shared<std::optional<Clock::time_point>>();
      EventSink sink = [first](const StreamEvent&) {
        if (!*first) *first = Clock::now();
      };
      auto c = co_await router->complete(req, sink);
      const auto end = Clock::now();
      if (i < warmup) continue;
      text = c.text;
      first_ms.push_back(std::chrono::duration<double, std::milli>(**first - start).count());
      total_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
  };
  int rc = 0;
  asio::co_spawn(ioc, run(), [&rc](std::exception_ptr ep) {
    if (!ep) return;
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ai_bench: %s\n", e.what());
      rc = 1;
    }
  });
  ioc.run();
  if (rc || first_ms.empty()) return 1;
  std::printf("requests %zu\n", first_ms.size());
  std::printf("answer_bytes %zu\n", text.size());
  std::printf("first_p50_ms %.3f\n", percentile(first_ms, 0.5));
  std::printf("first_p99_ms %.3f\n", percentile(first_ms, 0.99));
  std::printf("total_p50_ms %.3f\n", percentile(total_ms, 0.5));
  std::printf("total_p99_ms %.3f\n", percentile(total_ms, 0.99));
  return 0;
}
