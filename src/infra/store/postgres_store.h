// PostgreSQL through libpq. Statements are prepared once per connection; lost
// connections are dropped from the pool and re-opened with bounded retries; a
// COMMIT whose answer is lost raises "commit-outcome-unknown" (503), so callers
// that retry must make their writes idempotent with keys.
#pragma once

#include "infra/store/store.h"

namespace tc::infra::store {

struct PostgresOptions {
  std::string url;
  std::size_t pool_size = 8;
  int connect_attempts = 3;
  std::chrono::milliseconds connect_backoff{200};
};

std::unique_ptr<Store> open_postgres(const PostgresOptions& options, BlockingPool& pool, metrics::Registry& metrics);

}  // namespace tc::infra::store
