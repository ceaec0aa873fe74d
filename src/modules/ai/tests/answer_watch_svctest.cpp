// The follow check over a real NATS server (scripts/services): the subjects and the
// reply subject work across connections, as between two tradechat processes.
#include "core/metrics.h"
#include "modules/ai/tests/answer_watch_cases.h"

#include <cstdlib>
#include <stdexcept>

namespace tc::ai {
namespace {

TEST(AnswerWatchNats, InstancesOnNatsAnswerWhetherAConversationIsFollowed) {
  const char* url = std::getenv("TRADECHAT_TEST_NATS_URL");
  if (!url) throw std::runtime_error("TRADECHAT_TEST_NATS_URL is not set (scripts/services env)");
  metrics::Registry metrics;
  auto bus = infra::bus::open_nats(url, metrics);
  testing::run_answer_watch_cases(*bus);
}

}  // namespace
}  // namespace tc::ai
