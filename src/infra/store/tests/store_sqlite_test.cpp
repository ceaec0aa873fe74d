#include "infra/store/sqlite_store.h"
#include "infra/store/tests/store_conformance.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

namespace tc::infra::store::testing {
namespace {

std::unique_ptr<Store> sqlite_in_temp(BlockingPool& pool, metrics::Registry& metrics) {
  static std::atomic<int> n{0};
  auto dir =
      std::filesystem::temp_directory_path() / ("tc-store-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  std::filesystem::remove_all(dir);
  return open_sqlite({.file = dir / "tradechat.db", .pool_size = 4}, pool, metrics);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Values(Factory(sqlite_in_temp)),
                         [](const auto&) { return std::string("engine"); });

TEST(PostgresPlaceholders, TranslatesOutsideQuotesOnly) {
  EXPECT_EQ(to_postgres_placeholders("SELECT ?1, ?2 WHERE a = '?3' AND \"?4\" = ?10"),
            "SELECT $1, $2 WHERE a = '?3' AND \"?4\" = $10");
  EXPECT_EQ(to_postgres_placeholders("SELECT '?' || ?1"), "SELECT '?' || $1");
}

TEST(SqliteStore, AnUnwritableLocationFailsAtOpen) {
  BlockingPool pool(1, 4);
  metrics::Registry metrics;
  EXPECT_THROW(open_sqlite({.file = "/proc/nope/tradechat.db"}, pool, metrics), Error);
}

}  // namespace
}  // namespace tc::infra::store::testing
