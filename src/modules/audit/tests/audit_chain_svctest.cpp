// The same guarantees on PostgreSQL (scripts/services), where concurrent appenders
// really run in parallel and the head row's lock orders them.
#include "infra/store/postgres_store.h"
#include "modules/audit/tests/audit_chain_conformance.h"

#include <cstdlib>

namespace tc::audit::testing {
namespace {

std::unique_ptr<infra::store::Store> postgres(BlockingPool& pool, metrics::Registry& metrics) {
  const char* url = std::getenv("TRADECHAT_TEST_DATABASE_URL");
  if (!url) throw std::runtime_error("TRADECHAT_TEST_DATABASE_URL is not set (scripts/services env)");
  auto store = infra::store::open_postgres({.url = url, .pool_size = 4}, pool, metrics);
  // A clean schema: the service tests share this database, and migrate() refuses
  // a database holding other modules' migrations this test does not load.
  auto reset = [](Connection& c) { c.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"); };
  store->run_with_connection(reset);
  return store;
}

INSTANTIATE_TEST_SUITE_P(Postgres, AuditChainConformance, ::testing::Values(StoreFactory(postgres)),
                         [](const auto&) { return std::string("engine"); });

}  // namespace
}  // namespace tc::audit::testing
