// PostgreSQL stops in the middle of a test: writes fail with a clear 503 during
// the outage, work again once it is back, and nothing acknowledged is lost.
#include "core/errors.h"
#include "infra/store/postgres_store.h"
#include "infra/testing/services.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace tc::infra::store {
namespace {

void services(const std::string& verb) { ASSERT_EQ(testing::run_services(verb, "postgres"), 0) << verb; }

TEST(PostgresOutage, FailsClearlyDuringTheOutageAndRecoversWithoutLosingAcknowledgedWrites) {
  const char* url = std::getenv("TRADECHAT_TEST_DATABASE_URL");
  ASSERT_NE(url, nullptr) << "TRADECHAT_TEST_DATABASE_URL is not set (scripts/services env)";
  BlockingPool pool(2, 64);
  metrics::Registry metrics;
  auto store = open_postgres(
      {.url = url, .pool_size = 2, .connect_attempts = 2, .connect_backoff = std::chrono::milliseconds(50)}, pool,
      metrics);
  auto reset = [](Connection& c) {
    c.execute_script("DROP TABLE IF EXISTS outage_log; CREATE TABLE outage_log (id BIGINT PRIMARY KEY)");
  };
  store->run_with_connection(reset);
  std::vector<std::int64_t> acked;
  auto write = [&](std::int64_t id) {
    auto insert = [id](Connection& c) { c.execute("INSERT INTO outage_log (id) VALUES (?1)", std::vector<Value>{id}); };
    store->run_transaction(insert);
    acked.push_back(id);
  };
  for (std::int64_t i = 1; i <= 50; ++i) write(i);

  services("stop");
  int refused = 0;
  for (std::int64_t i = 51; i <= 55; ++i) {
    try {
      write(i);
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 503) << e.what();
      ++refused;
    }
  }
  EXPECT_EQ(refused, 5) << "every write during the outage fails";
  services("start");

  for (std::int64_t i = 56; i <= 100; ++i) write(i);
  auto ids = [](Connection& c) { return c.execute("SELECT id FROM outage_log ORDER BY id"); };
  auto rows = store->run_with_connection(ids).rows;
  ASSERT_EQ(rows.size(), acked.size());
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].integer(0), acked[i]);
}

}  // namespace
}  // namespace tc::infra::store
