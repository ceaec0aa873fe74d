// SQLite in WAL mode with synchronous=FULL: a committed transaction is on disk
// (fsync'd) before commit returns, so it survives a crash of the process and of
// the machine. Write transactions start with BEGIN IMMEDIATE (no lock upgrades,
// no deadlocks between writers); busy_timeout makes writers queue.
#pragma once

#include "infra/store/store.h"

#include <filesystem>

namespace tc::infra::store {

struct SqliteOptions {
  std::filesystem::path file;
  std::size_t pool_size = 4;
  std::chrono::milliseconds busy_timeout{5000};
};

std::unique_ptr<Store> open_sqlite(const SqliteOptions& options, BlockingPool& pool, metrics::Registry& metrics);

}  // namespace tc::infra::store
