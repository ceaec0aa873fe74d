#include "core/metrics.h"
#include "modules/ai/tests/answer_watch_cases.h"

namespace tc::ai {
namespace {

TEST(AnswerWatch, InstancesOnTheInProcessBusAnswerWhetherAConversationIsFollowed) {
  metrics::Registry metrics;
  auto bus = infra::bus::open_memory(metrics);
  testing::run_answer_watch_cases(*bus);
}

}  // namespace
}  // namespace tc::ai
