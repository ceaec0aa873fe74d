// The audit chain's guarantees, run against both databases: an honest log verifies,
// and every kind of tampering (edit a byte, delete, reorder, truncate, forge the
// head) is detected and the first broken entry named.
#pragma once

#include "infra/store/migrations.h"
#include "modules/audit/audit_chain.h"
#include "modules/audit/audit_module.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <thread>

namespace tc::audit::testing {

using infra::store::Connection;
using infra::store::Value;
using StoreFactory = std::function<std::unique_ptr<infra::store::Store>(BlockingPool&, metrics::Registry&)>;

class AuditChainConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam()(pool_, metrics_);
    infra::store::migrate(*store_, migrations());
    auto seal = [this](Connection& c) {
      c.execute("UPDATE audit_head SET head_mac = ?1 WHERE id = 1", std::vector<Value>{chain_.head_mac(0, "genesis")});
    };
    store_->run_transaction(seal);
  }

  void append_n(int n) {
    for (int i = 0; i < n; ++i) {
      auto add = [this, i](Connection& c) {
        chain_.append(c, {.action = "auth.login.succeeded",
                          .actor_id = "user-" + std::to_string(i % 3),
                          .target_id = "user-" + std::to_string(i % 3),
                          .ip = "192.0.2.1",
                          .details = {{"n", i}}});
      };
      store_->run_transaction(add);
    }
  }
  void sql(const std::string& statement, std::vector<Value> params = {}) {
    auto run = [&](Connection& c) { c.execute(statement, params); };
    store_->run_transaction(run);
  }
  VerifyReport verify() { return chain_.verify(*store_); }

  BlockingPool pool_{1, 8};
  metrics::Registry metrics_;
  std::unique_ptr<infra::store::Store> store_;
  AuditChain chain_{std::string(32, 'k')};
};

TEST_P(AuditChainConformance, AnHonestLogVerifies) {
  EXPECT_TRUE(verify().ok) << "an empty log";
  append_n(20);
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 20);
  EXPECT_EQ(r.head_mac.size(), 64u);
}

TEST_P(AuditChainConformance, AnEntryRolledBackWithItsActionLeavesNoTrace) {
  append_n(3);
  auto failing = [this](Connection& c) {
    chain_.append(c, {.action = "auth.role.changed", .actor_id = "admin"});
    throw std::runtime_error("the action failed after its audit entry was written");
  };
  EXPECT_THROW(store_->run_transaction(failing), std::runtime_error);
  append_n(1);
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 4);
}

TEST_P(AuditChainConformance, EditingOneByteIsDetectedAtThatEntry) {
  append_n(20);
  sql("UPDATE audit_log SET details = '{\"n\":8}' WHERE seq = 7");  // was {"n":6}
  auto r = verify();
  EXPECT_FALSE(r.ok);
  ASSERT_TRUE(r.first_bad);
  EXPECT_EQ(*r.first_bad, 7);
  EXPECT_NE(r.problem.find("entry 7 was edited"), std::string::npos) << r.problem;
}

TEST_P(AuditChainConformance, EditingAnyFieldIsDetected) {
  append_n(5);
  for (const char* column : {"action", "actor_id", "target_id", "ip", "prev_mac", "mac"}) {
    sql(std::string("UPDATE audit_log SET ") + column + " = " + column + " || 'x' WHERE seq = 3");
    auto r = verify();
    EXPECT_FALSE(r.ok) << column;
    EXPECT_EQ(r.first_bad.value_or(0), 3) << column << ": " << r.problem;
    sql(std::string("UPDATE audit_log SET ") + column + " = substr(" + column + ", 1, length(" + column +
        ") - 1) WHERE seq = 3");
  }
  sql("UPDATE audit_log SET at_ms = at_ms + 1 WHERE seq = 3");
  EXPECT_EQ(verify().first_bad.value_or(0), 3);
  sql("UPDATE audit_log SET at_ms = at_ms - 1 WHERE seq = 3");
  EXPECT_TRUE(verify().ok) << "restoring the bytes restores the chain";
}

TEST_P(AuditChainConformance, DeletingAnEntryIsDetected) {
  append_n(10);
  sql("DELETE FROM audit_log WHERE seq = 5");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad.value_or(0), 5);
  EXPECT_NE(r.problem.find("entry 5 is missing"), std::string::npos) << r.problem;
}

TEST_P(AuditChainConformance, DeletingAnEntryAndRenumberingIsDetected) {
  append_n(10);
  sql("DELETE FROM audit_log WHERE seq = 5");
  for (int s = 6; s <= 10; ++s)
    sql("UPDATE audit_log SET seq = ?1 WHERE seq = ?2", {std::int64_t{s - 1}, std::int64_t{s}});
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad.value_or(0), 5) << r.problem;
}

TEST_P(AuditChainConformance, ReorderingIsDetected) {
  append_n(10);
  sql("UPDATE audit_log SET seq = 1000 WHERE seq = 3");
  sql("UPDATE audit_log SET seq = 3 WHERE seq = 4");
  sql("UPDATE audit_log SET seq = 4 WHERE seq = 1000");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad.value_or(0), 3) << r.problem;
}

TEST_P(AuditChainConformance, TruncationIsDetected) {
  append_n(20);
  sql("DELETE FROM audit_log WHERE seq > 17");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad.value_or(0), 18);
  EXPECT_NE(r.problem.find("truncated"), std::string::npos) << r.problem;
}

TEST_P(AuditChainConformance, ForgingTheHeadIsDetected) {
  append_n(20);
  sql("DELETE FROM audit_log WHERE seq > 17");
  sql("UPDATE audit_head SET seq = 17, last_mac = (SELECT mac FROM audit_log WHERE seq = 17)");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("head record was edited"), std::string::npos) << r.problem;
  sql("DELETE FROM audit_head");
  EXPECT_NE(verify().problem.find("head record is missing"), std::string::npos);
}

TEST_P(AuditChainConformance, ConcurrentAppendersKeepOneUnbrokenChain) {
  std::vector<std::thread> writers;
  writers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([this] {
      for (int i = 0; i < 25; ++i) {
        for (int attempt = 0;; ++attempt) {
          try {
            auto add = [this](Connection& c) { chain_.append(c, {.action = "chat.message.deleted"}); };
            store_->run_transaction(add);
            break;
          } catch (const Error&) {
            if (attempt > 50) throw;  // SQLite busy under contention: retry like a caller would
          }
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 100);
}

}  // namespace tc::audit::testing
