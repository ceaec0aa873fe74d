// Restart safety against a real (SQLite) store: fires are recorded with their
// idempotency key before delivery; an engine rebuilt from storage in the middle of
// a burst, fed the burst again, records every fire exactly once.
#include "modules/alerts/fire_log.h"
#include "app/tests/test_context.h"
#include "infra/store/migrations.h"
#include "modules/alerts/alert_record.h"
#include "modules/alerts/alerts_module.h"
#include "modules/alerts/inbox.h"
#include "modules/alerts/preferences.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <set>

namespace tc::alerts {
namespace {

using infra::store::Connection;

struct Fixture {
  app::testing::TestContext t;
  Fixture() { infra::store::migrate(*t.store, migrations()); }

  void add(const std::string& id, const std::string& user, const std::string& expr, const std::string& freq) {
    AlertRecord r;
    r.id = id;
    r.user_id = user;
    r.symbol = "AAPL";
    r.expression = expr;
    r.frequency = freq;
    r.created_at_ms = r.updated_at_ms = 1;
    auto insert = [&r](Connection& c) { repo::insert(c, r); };
    t.store->run_transaction(insert);
  }
  std::unique_ptr<Engine> rebuilt() {
    auto e = std::make_unique<Engine>();
    auto load = [](Connection& c) { return repo::active(c); };
    for (const auto& r : t.store->run_with_connection(load)) e->upsert(to_rule(r));
    return e;
  }
  // Feeds ticks and records each fire as the runtime does; returns the keys recorded now.
  std::vector<std::string> feed(Engine& e, const std::vector<std::pair<std::int64_t, double>>& ticks) {
    std::vector<std::string> recorded;
    for (const auto& [time, price] : ticks) {
      std::vector<Fire> fires;
      e.on_tick("AAPL", time, price, 1, fires);
      for (const auto& f : fires) {
        auto record = [&f](Connection& c) { return record_fire(c, f, 5); };
        if (auto r = t.store->run_transaction(record)) recorded.push_back(r->fire_key);
      }
    }
    return recorded;
  }
  std::int64_t count(const std::string& sql) {
    auto q = [&sql](Connection& c) { return c.execute(sql).rows.at(0).integer(0); };
    return t.store->run_with_connection(q);
  }
};

TEST(AlertFireLog, RestartInTheMiddleOfABurstNeitherRepeatsNorLosesAFire) {
  const std::vector<std::pair<std::int64_t, double>> burst{
      {1000, 99}, {2000, 101}, {3000, 102}, {4000, 99}, {5000, 103}};
  // What one uninterrupted run records.
  std::set<std::string> expected;
  {
    Fixture ref;
    ref.add("once", "u1", "price crosses_above 100", "once");
    ref.add("every", "u1", "price > 100", "every_time");
    auto e = ref.rebuilt();
    for (const auto& k : ref.feed(*e, burst)) EXPECT_TRUE(expected.insert(k).second) << k;
  }
  ASSERT_EQ(expected, (std::set<std::string>{"once:once", "every:t:2000", "every:t:3000", "every:t:5000"}));

  Fixture f;
  f.add("once", "u1", "price crosses_above 100", "once");
  f.add("every", "u1", "price > 100", "every_time");
  std::set<std::string> seen;
  {
    auto before = f.rebuilt();
    for (const auto& k : f.feed(*before, {burst.begin(), burst.begin() + 3})) seen.insert(k);
  }                          // the process stops after the third tick
  auto after = f.rebuilt();  // state from storage: "once" is spent, "every" fired at 3000
  EXPECT_EQ(after->size(), 1u);
  for (const auto& k : f.feed(*after, burst)) EXPECT_TRUE(seen.insert(k).second) << "repeated " << k;
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(f.count("SELECT COUNT(*) FROM notifications"), 4);
  EXPECT_EQ(f.count("SELECT COUNT(*) FROM alert_fires WHERE delivered = 0"), 4) << "recorded, not yet pushed";
  EXPECT_EQ(f.count("SELECT fire_count FROM alerts WHERE id = 'every'"), 3);
}

TEST(AlertFireLog, ARecordedFireIsRefusedTheSecondTimeAndUndeliveredOnesAreListed) {
  Fixture f;
  f.add("a", "u1", "price > 1", "every_time");
  Fire fire{"a", "u1", "AAPL", 10, 2.5, -1, "a:t:10", false};
  auto record = [&fire](Connection& c) { return record_fire(c, fire, 11); };
  auto first = f.t.store->run_transaction(record);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->notification.at("kind").as_string(), "alert");
  EXPECT_EQ(first->notification.at("data").at("price").as_double(), 2.5);
  EXPECT_FALSE(f.t.store->run_transaction(record));
  auto pending = [](Connection& c) { return undelivered(c); };
  ASSERT_EQ(f.t.store->run_with_connection(pending).size(), 1u);
  auto done = [](Connection& c) { mark_delivered(c, "a:t:10"); };
  f.t.store->run_with_connection(done);
  EXPECT_TRUE(f.t.store->run_with_connection(pending).empty());
  // Another user's id never reads it.
  const auto seq = std::stoll(std::string(first->notification.at("id").as_string()));
  auto other = [seq](Connection& c) { return Inbox::load(c, "u2", seq); };
  EXPECT_FALSE(f.t.store->run_with_connection(other));
}

TEST(AlertFireLog, AFireOfADeletedAlertDeliversNothing) {
  Fixture f;
  Fire fire{"gone", "u1", "AAPL", 10, 2.5, -1, "gone:once", true};
  auto record = [&fire](Connection& c) { return record_fire(c, fire, 11); };
  EXPECT_FALSE(f.t.store->run_transaction(record));
  EXPECT_EQ(f.count("SELECT COUNT(*) FROM notifications"), 0);
}

TEST(AlertFireLog, WebPushQueuesOneMessagePerSubscriptionInTheFiresTransactionButNotInQuietHours) {
  Fixture f;
  f.add("p", "u1", "price > 1", "every_time");
  auto channels = [](Connection& c) {
    c.execute("UPDATE alerts SET channels = '[\"in_app\",\"web_push\"]' WHERE id = 'p'");
    for (const char* id : {"s1", "s2"}) {
      c.execute(
          "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at_ms) VALUES (?1, 'u1', ?2, "
          "'k', 'a', 1)",
          std::vector<infra::store::Value>{std::string(id), "https://push.example/" + std::string(id)});
    }
    c.execute(
        "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at_ms) VALUES ('other', 'u2', "
        "'https://push.example/other', 'k', 'a', 1)");
  };
  f.t.store->run_transaction(channels);
  Fire loud{"p", "u1", "AAPL", 10, 2.5, -1, "p:t:10", false};
  auto record = [&loud](Connection& c) { return record_fire(c, loud, 11); };
  ASSERT_TRUE(f.t.store->run_transaction(record));
  EXPECT_EQ(f.count("SELECT COUNT(*) FROM push_deliveries WHERE user_id = 'u1' AND status = 'pending'"), 2)
      << "one per subscription of the owner, none to another user's";
  EXPECT_EQ(f.count("SELECT COUNT(*) FROM push_deliveries WHERE delivery_key = 'p:t:10/s1'"), 1);

  // Quiet hours all day (00:00 to 23:59 UTC): the inbox gets it, no device buzzes.
  auto quiet = [](Connection& c) {
    Preferences p;
    apply_preferences(p, boost::json::parse(R"({"quiet_hours":{"start":"00:00","end":"23:59"}})"));
    save_preferences(c, "u1", p, 1);
  };
  f.t.store->run_transaction(quiet);
  Fire hushed{"p", "u1", "AAPL", 20, 2.5, -1, "p:t:20", false};
  auto record2 = [&hushed](Connection& c) { return record_fire(c, hushed, 21); };
  ASSERT_TRUE(f.t.store->run_transaction(record2));
  EXPECT_EQ(f.count("SELECT COUNT(*) FROM push_deliveries"), 2) << "nothing queued in quiet hours";
  EXPECT_EQ(f.count("SELECT COUNT(*) FROM notifications"), 2);
}

}  // namespace
}  // namespace tc::alerts
