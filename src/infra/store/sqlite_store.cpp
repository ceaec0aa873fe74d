#include "infra/store/sqlite_store.h"

#include "infra/store/connection_pool.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <unordered_map>

namespace tc::infra::store {
namespace {

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const SqliteOptions& o, metrics::Histogram& latency, metrics::Counter& errors)
      : latency_(latency), errors_(errors) {
    int rc = sqlite3_open_v2(o.file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw errors::unavailable(fmt::format("store: cannot open SQLite database {}: {}", o.file.string(), why));
    }
    sqlite3_busy_timeout(db_, static_cast<int>(o.busy_timeout.count()));
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
      exec_simple(pragma);
    }
  }
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Result execute(std::string_view sql, std::span<const Value> params) override {
    auto started = std::chrono::steady_clock::now();
    sqlite3_stmt* stmt = prepare(sql);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (std::size_t i = 0; i < params.size(); ++i) bind(stmt, static_cast<int>(i + 1), params[i]);
    Result result;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        result.rows.push_back(read_row(stmt));
        continue;
      }
      if (rc == SQLITE_DONE) break;
      fail(sql, rc);
    }
    result.affected = sqlite3_changes64(db_);
    sqlite3_reset(stmt);
    latency_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return result;
  }

  // In-process: a loop over the cached statement is already as cheap as it gets.
  void execute_many(std::string_view sql, const std::vector<std::vector<Value>>& rows) override {
    for (const auto& row : rows) execute(sql, row);
  }

  void execute_script(std::string_view sql) override { exec_simple(std::string(sql).c_str()); }
  void begin() override { exec_simple("BEGIN IMMEDIATE"); }
  void commit() override { exec_simple("COMMIT"); }
  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool healthy() noexcept override { return db_ != nullptr && sqlite3_get_autocommit(db_); }

 private:
  [[noreturn]] void fail(std::string_view sql, int rc) {
    errors_.inc();
    std::string what = sqlite3_errmsg(db_);
    int ext = sqlite3_extended_errcode(db_);
    std::string head(sql.substr(0, std::min<std::size_t>(sql.size(), 80)));
    // Parameter values stay out of errors and logs: they may be personal data.
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
      throw errors::conflict(fmt::format("store: duplicate key ({})", what));
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      throw errors::unavailable(fmt::format("store: the database is busy ({}) in: {}", what, head));
    }
    throw errors::internal(fmt::format("store: SQLite error {} ({}) in: {}", ext, what, head));
  }

  void exec_simple(const char* sql) {
    auto started = std::chrono::steady_clock::now();
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string what = err ? err : "unknown";
      sqlite3_free(err);
      int rc = sqlite3_errcode(db_);
      errors_.inc();
      if (rc == SQLITE_BUSY) {
        throw errors::unavailable(fmt::format("store: {} failed: {}", std::string_view(sql).substr(0, 80), what));
      }
      throw errors::internal(fmt::format("store: {} failed: {}", std::string_view(sql).substr(0, 80), what));
    }
    latency_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }

  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      fail(sql, sqlite3_errcode(db_));
    }
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  static void bind(sqlite3_stmt* stmt, int i, const Value& v) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>)
            sqlite3_bind_null(stmt, i);
          else if constexpr (std::is_same_v<T, std::int64_t>)
            sqlite3_bind_int64(stmt, i, x);
          else if constexpr (std::is_same_v<T, double>)
            sqlite3_bind_double(stmt, i, x);
          else if constexpr (std::is_same_v<T, bool>)
            sqlite3_bind_int64(stmt, i, x ? 1 : 0);
          else if constexpr (std::is_same_v<T, std::string>)
            sqlite3_bind_text64(stmt, i, x.data(), x.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
          else
            sqlite3_bind_blob64(stmt, i, x.bytes.data(), x.bytes.size(), SQLITE_TRANSIENT);
        },
        v);
  }

  static Row read_row(sqlite3_stmt* stmt) {
    int n = sqlite3_column_count(stmt);
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL: values.emplace_back(nullptr); break;
        case SQLITE_INTEGER: values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c))); break;
        case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, c)); break;
        case SQLITE_BLOB: {
          const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          values.emplace_back(Blob{std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)))});
          break;
        }
        default: {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          values.emplace_back(std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    return Row(std::move(values));
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  metrics::Histogram& latency_;
  metrics::Counter& errors_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteOptions o, BlockingPool& pool, metrics::Registry& metrics)
      : options_(std::move(o)),
        pool_(pool),
        latency_(metrics.histogram("tradechat_store_query_duration_seconds", "Database statement latency",
                                   {{"engine", "sqlite"}})),
        errors_(
            metrics.counter("tradechat_store_errors_total", "Database statements that failed", {{"engine", "sqlite"}})),
        connections_([this] { return std::make_unique<SqliteConnection>(options_, latency_, errors_); },
                     options_.pool_size, std::chrono::seconds(10), metrics, "sqlite") {}

  Dialect dialect() const noexcept override { return Dialect::sqlite; }
  std::string describe() const override { return "sqlite:" + options_.file.string(); }

 protected:
  Lease acquire() override {
    return Lease(connections_.acquire(), [this](Connection* c) { connections_.release(c); });
  }
  BlockingPool& pool() override { return pool_; }

 private:
  SqliteOptions options_;
  BlockingPool& pool_;
  metrics::Histogram& latency_;
  metrics::Counter& errors_;
  ConnectionPool connections_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const SqliteOptions& options, BlockingPool& pool, metrics::Registry& metrics) {
  std::error_code ec;
  std::filesystem::create_directories(options.file.parent_path(), ec);
  if (ec) {
    throw errors::unavailable(
        fmt::format("store: cannot create {}: {}", options.file.parent_path().string(), ec.message()));
  }
  auto store = std::make_unique<SqliteStore>(options, pool, metrics);
  // Open one connection now, so a bad path fails at start-up, not at first use.
  auto probe = [](Connection& c) { c.execute("SELECT 1"); };
  store->run_with_connection(probe);
  return store;
}

}  // namespace tc::infra::store
