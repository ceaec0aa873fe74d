#include "infra/store/postgres_store.h"
#include "infra/store/tests/store_conformance.h"

#include <cstdlib>

namespace tc::infra::store::testing {
namespace {

std::string database_url() {
  const char* url = std::getenv("TRADECHAT_TEST_DATABASE_URL");
  return url ? url : "";
}

std::unique_ptr<Store> postgres(BlockingPool& pool, metrics::Registry& metrics) {
  if (database_url().empty()) {
    throw std::runtime_error("TRADECHAT_TEST_DATABASE_URL is not set (scripts/services env)");
  }
  return open_postgres({.url = database_url(), .pool_size = 4}, pool, metrics);
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance, ::testing::Values(Factory(postgres)),
                         [](const auto&) { return std::string("engine"); });

TEST(PostgresStore, UnreachableServerFailsWithAClearErrorAndNoPassword) {
  BlockingPool pool(1, 4);
  metrics::Registry metrics;
  try {
    open_postgres({.url = "postgres://app:hunter2@127.0.0.1:1/none",
                   .pool_size = 1,
                   .connect_attempts = 2,
                   .connect_backoff = std::chrono::milliseconds(10)},
                  pool, metrics);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 503);
    std::string what = e.what();
    EXPECT_NE(what.find("after 2 attempts"), std::string::npos) << what;
    EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace tc::infra::store::testing
