// One conformance suite for both buses (in-process in bus_memory_test.cpp, NATS in
// bus_nats_svctest.cpp).
#pragma once

#include "core/ids.h"
#include "infra/bus/bus.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace tc::infra::bus::testing {
namespace {

using Factory = std::function<std::unique_ptr<Bus>(metrics::Registry&)>;

// Collects what a handler received; waits for a condition with a deadline.
struct Inbox {
  std::mutex m;
  std::condition_variable cv;
  std::vector<Message> got;
  void add(Message msg) {
    std::lock_guard l(m);
    got.push_back(std::move(msg));
    cv.notify_all();
  }
  bool wait_for(std::size_t n, Millis timeout = Millis(5000)) {
    std::unique_lock l(m);
    return cv.wait_for(l, timeout, [&] { return got.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard l(m);
    return got.size();
  }
};

class BusConformance : public ::testing::TestWithParam<Factory> {
 protected:
  void SetUp() override { bus_ = GetParam()(metrics_); }
  // Names unique to this run, so runs against a shared NATS never see each other.
  std::string name(const std::string& base) { return base + "_" + suffix_; }
  StreamConfig stream(Millis ack_wait = Millis(30000)) {
    return {.name = name("CONF"),
            .subject = "conf." + suffix_ + ".>",
            .duplicate_window = Millis(60000),
            .ack_wait = ack_wait,
            .max_deliver = 5};
  }
  std::string subject(const std::string& leaf) { return "conf." + suffix_ + "." + leaf; }

  metrics::Registry metrics_;
  std::unique_ptr<Bus> bus_;
  std::string suffix_ = ids::random_hex(4);
};

TEST_P(BusConformance, EphemeralPublishReachesMatchingSubscribersOnly) {
  Inbox star, tail, exact;
  auto s1 = bus_->subscribe("eph." + suffix_ + ".*", [&](const std::string& s, const std::string& p) {
    star.add({s, p});
  });
  auto s2 = bus_->subscribe("eph." + suffix_ + ".>", [&](const std::string& s, const std::string& p) {
    tail.add({s, p});
  });
  auto s3 = bus_->subscribe("eph." + suffix_ + ".room.1", [&](const std::string& s, const std::string& p) {
    exact.add({s, p});
  });
  bus_->publish("eph." + suffix_ + ".room", "a");
  bus_->publish("eph." + suffix_ + ".room.1", std::string("b\0c", 3));
  ASSERT_TRUE(tail.wait_for(2));
  ASSERT_TRUE(exact.wait_for(1));
  ASSERT_TRUE(star.wait_for(1));
  std::this_thread::sleep_for(Millis(100));
  EXPECT_EQ(star.size(), 1u) << "* matches one token";
  EXPECT_EQ(exact.got[0].payload, std::string("b\0c", 3)) << "binary payloads";
  s3.reset();
  bus_->publish("eph." + suffix_ + ".room.1", "after unsubscribe");
  ASSERT_TRUE(tail.wait_for(3));
  std::this_thread::sleep_for(Millis(100));
  EXPECT_EQ(exact.size(), 1u);
}

TEST_P(BusConformance, DurableMessagesAreDeliveredOnceWhenAckedAndDeduplicatedById) {
  bus_->ensure_stream(stream());
  for (int i = 0; i < 10; ++i)
    bus_->publish_durable(subject("msg"), "id-" + std::to_string(i), "m" + std::to_string(i));
  bus_->publish_durable(subject("msg"), "id-3", "duplicate of 3");  // same id: stored once
  Inbox inbox;
  auto c = bus_->consume(name("CONF"), "g1", [&](std::unique_ptr<Delivery> d) {
    inbox.add(d->message());
    d->ack();
  });
  ASSERT_TRUE(inbox.wait_for(10));
  std::this_thread::sleep_for(Millis(300));
  EXPECT_EQ(inbox.size(), 10u);
  std::set<std::string> payloads;
  for (auto& m : inbox.got) payloads.insert(m.payload);
  EXPECT_EQ(payloads.count("duplicate of 3"), 0u);
  EXPECT_EQ(inbox.got[0].payload, "m0") << "in order";
}

TEST_P(BusConformance, UnacknowledgedMessagesAreRedeliveredAfterAckWait) {
  bus_->ensure_stream(stream(Millis(500)));
  bus_->publish_durable(subject("job"), "job-1", "work");
  Inbox inbox;
  auto c = bus_->consume(name("CONF"), "workers", [&](std::unique_ptr<Delivery> d) {
    inbox.add(d->message());
    if (d->message().delivery >= 2) d->ack();  // the first attempt "crashes" without an ack
  });
  ASSERT_TRUE(inbox.wait_for(2, Millis(10000)));
  EXPECT_EQ(inbox.got[0].delivery, 1u);
  EXPECT_EQ(inbox.got[1].delivery, 2u);
  EXPECT_EQ(inbox.got[1].payload, "work");
  std::this_thread::sleep_for(Millis(1200));
  EXPECT_EQ(inbox.size(), 2u) << "acknowledged: no third delivery";
}

TEST_P(BusConformance, GroupsEachSeeEverythingAndMembersShareTheWork) {
  bus_->ensure_stream(stream());
  Inbox a, b, audit;
  auto ack_into = [](Inbox* box) {
    return [box](std::unique_ptr<Delivery> d) {
      box->add(d->message());
      d->ack();
    };
  };
  auto c1 = bus_->consume(name("CONF"), "shared", ack_into(&a));
  auto c2 = bus_->consume(name("CONF"), "shared", ack_into(&b));
  auto c3 = bus_->consume(name("CONF"), "audit", ack_into(&audit));
  for (int i = 0; i < 200; ++i) bus_->publish_durable(subject("evt"), "e" + std::to_string(i), std::to_string(i));
  ASSERT_TRUE(audit.wait_for(200, Millis(10000)));
  for (int i = 0; i < 100 && a.size() + b.size() < 200; ++i) std::this_thread::sleep_for(Millis(50));
  std::set<std::string> shared;
  for (auto& m : a.got) shared.insert(m.payload);
  for (auto& m : b.got) shared.insert(m.payload);
  EXPECT_EQ(shared.size(), 200u) << "every message handled by the group";
  EXPECT_EQ(a.size() + b.size(), 200u) << "each by one member only";
}

}  // namespace
}  // namespace tc::infra::bus::testing
