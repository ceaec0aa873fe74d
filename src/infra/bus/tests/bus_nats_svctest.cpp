#include "core/errors.h"
#include "infra/bus/tests/bus_conformance.h"
#include "infra/testing/services.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace tc::infra::bus::testing {
namespace {

std::string nats_url() {
  const char* url = std::getenv("TRADECHAT_TEST_NATS_URL");
  if (!url) throw std::runtime_error("TRADECHAT_TEST_NATS_URL is not set (scripts/services env)");
  return url;
}

INSTANTIATE_TEST_SUITE_P(Nats, BusConformance,
                         ::testing::Values(Factory([](metrics::Registry& m) { return open_nats(nats_url(), m); })),
                         [](const auto&) { return std::string("engine"); });

TEST(NatsOutage, DurablePublishesFailClearlyWhileDownAndNothingAcknowledgedIsLost) {
  metrics::Registry metrics;
  auto bus = open_nats(nats_url(), metrics);
  const std::string suffix = ids::random_hex(4);
  bus->ensure_stream({.name = "OUTAGE_" + suffix, .subject = "outage." + suffix + ".>"});
  std::set<std::string> acked;
  auto put = [&](const std::string& id) {
    bus->publish_durable("outage." + suffix + ".x", id, id);
    acked.insert(id);
  };
  for (int i = 0; i < 20; ++i) put("before-" + std::to_string(i));
  ASSERT_EQ(infra::testing::run_services("stop", "nats"), 0);
  int refused = 0;
  for (int i = 0; i < 3; ++i) {
    try {
      put("during-" + std::to_string(i));
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 503);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 3);
  ASSERT_EQ(infra::testing::run_services("start", "nats"), 0);
  // libnats reconnects by itself; give it a moment.
  for (int i = 0; i < 50; ++i) {
    try {
      bus->ping();
      break;
    } catch (const Error&) {
      std::this_thread::sleep_for(Millis(200));
    }
  }
  for (int i = 0; i < 20; ++i) put("after-" + std::to_string(i));
  Inbox inbox;
  auto c = bus->consume("OUTAGE_" + suffix, "check", [&](std::unique_ptr<Delivery> d) {
    inbox.add(d->message());
    d->ack();
  });
  // Wait for every acknowledged id (unacknowledged ones may or may not be there).
  std::set<std::string> got;
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard l(inbox.m);
      got.clear();
      for (auto& m : inbox.got) got.insert(m.payload);
    }
    if (std::includes(got.begin(), got.end(), acked.begin(), acked.end())) break;
    std::this_thread::sleep_for(Millis(100));
  }
  for (const auto& id : acked) EXPECT_TRUE(got.count(id)) << id << " was acknowledged but is gone";
}

}  // namespace
}  // namespace tc::infra::bus::testing
