// Restart safety on PostgreSQL (scripts/services): the scenario of
// AlertFireLog.RestartInTheMiddleOfABurstNeitherRepeatsNorLosesAFire (fire_log_test.cpp,
// SQLite) against the other backend, where ON CONFLICT and the transaction are
// PostgreSQL's.
#include "infra/store/migrations.h"
#include "infra/store/postgres_store.h"
#include "modules/alerts/alert_record.h"
#include "modules/alerts/alerts_module.h"
#include "modules/alerts/fire_log.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

namespace tc::alerts {
namespace {

using infra::store::Connection;

class PostgresFireLog : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("TRADECHAT_TEST_DATABASE_URL");
    if (!url) GTEST_SKIP() << "TRADECHAT_TEST_DATABASE_URL is not set (scripts/services env)";
    store_ = infra::store::open_postgres({.url = url, .pool_size = 2}, pool_, metrics_);
    auto reset = [](Connection& c) { c.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"); };
    store_->run_with_connection(reset);
    infra::store::migrate(*store_, migrations());
  }
  void add(const std::string& id, const std::string& expr, const std::string& freq) {
    AlertRecord r;
    r.id = id;
    r.user_id = "u1";
    r.symbol = "AAPL";
    r.expression = expr;
    r.frequency = freq;
    r.created_at_ms = r.updated_at_ms = 1;
    auto insert = [&r](Connection& c) { repo::insert(c, r); };
    store_->run_transaction(insert);
  }
  std::unique_ptr<Engine> rebuilt() {
    auto e = std::make_unique<Engine>();
    auto load = [](Connection& c) { return repo::active(c); };
    for (const auto& r : store_->run_with_connection(load)) e->upsert(to_rule(r));
    return e;
  }
  std::vector<std::string> feed(Engine& e, const std::vector<std::pair<std::int64_t, double>>& ticks) {
    std::vector<std::string> recorded;
    for (const auto& [time, price] : ticks) {
      std::vector<Fire> fires;
      e.on_tick("AAPL", time, price, 1, fires);
      for (const auto& f : fires) {
        auto record = [&f](Connection& c) { return record_fire(c, f, 5); };
        if (auto r = store_->run_transaction(record)) recorded.push_back(r->fire_key);
      }
    }
    return recorded;
  }
  std::int64_t count(const std::string& sql) {
    auto q = [&sql](Connection& c) { return c.execute(sql).rows.at(0).integer(0); };
    return store_->run_with_connection(q);
  }

  metrics::Registry metrics_;
  BlockingPool pool_{1, 4};
  std::unique_ptr<infra::store::Store> store_;
};

TEST_F(PostgresFireLog, RestartInTheMiddleOfABurstNeitherRepeatsNorLosesAFire) {
  const std::vector<std::pair<std::int64_t, double>> burst{
      {1000, 99}, {2000, 101}, {3000, 102}, {4000, 99}, {5000, 103}};
  add("once", "price crosses_above 100", "once");
  add("every", "price > 100", "every_time");
  std::set<std::string> seen;
  {
    auto before = rebuilt();
    for (const auto& k : feed(*before, {burst.begin(), burst.begin() + 3})) seen.insert(k);
  }  // the process stops after the third tick
  auto after = rebuilt();
  EXPECT_EQ(after->size(), 1u) << "the once rule fired and is not loaded again";
  for (const auto& k : feed(*after, burst)) EXPECT_TRUE(seen.insert(k).second) << "repeated " << k;
  EXPECT_EQ(seen, (std::set<std::string>{"once:once", "every:t:2000", "every:t:3000", "every:t:5000"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alert_fires WHERE delivered = 0"), 4) << "recorded, not yet pushed";
  EXPECT_EQ(count("SELECT fire_count FROM alerts WHERE id = 'every'"), 3);
}

}  // namespace
}  // namespace tc::alerts
