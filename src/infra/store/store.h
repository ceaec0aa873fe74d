// The system of record: SQLite (embedded, WAL) or PostgreSQL (libpq), behind one
// interface. SQL is written once with ?1, ?2 … placeholders (translated to $1, $2
// for PostgreSQL); every value is bound as a parameter, never spliced into SQL.
// Blocking driver calls run on the blocking pool: I/O threads only co_await.
#pragma once

#include "core/blocking_pool.h"
#include "core/config.h"
#include "core/metrics.h"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tc::infra::store {

enum class Dialect { sqlite, postgres };

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// A bound parameter or a column value.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string, Blob, bool>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const noexcept { return values_.size(); }
  bool is_null(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  std::int64_t integer(std::size_t i) const;
  double real(std::size_t i) const;
  std::string text(std::size_t i) const;
  std::string blob(std::size_t i) const;
  bool boolean(std::size_t i) const;
  std::optional<std::int64_t> opt_integer(std::size_t i) const;
  std::optional<std::string> opt_text(std::size_t i) const;
  const Value& value(std::size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct Result {
  std::vector<Row> rows;
  std::int64_t affected = 0;
};

// One database connection, used by one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  // Prepares (once per connection, then cached) and runs `sql` with `params`.
  virtual Result execute(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs one statement once per parameter row, in as few round trips as the
  // engine allows (PostgreSQL: pipeline mode). For group commit's batches.
  virtual void execute_many(std::string_view sql, const std::vector<std::vector<Value>>& rows) = 0;
  // Runs several statements with no parameters (migrations), in one round trip.
  virtual void execute_script(std::string_view sql) = 0;
  virtual void begin() = 0;  // a write transaction
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual bool healthy() noexcept = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Dialect dialect() const noexcept = 0;
  virtual std::string describe() const = 0;  // for logs: engine and location, no secrets

  // Runs `fn(Connection&)` on a pooled connection inside a transaction on a pool
  // thread; commits when fn returns, rolls back when it throws (and rethrows).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Connection&>> transaction(F fn) {
    auto work = [this, fn = std::move(fn)]() mutable { return run_transaction(fn); };
    co_return co_await pool().run(std::move(work));
  }
  // The same without a transaction (one statement, or reads).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Connection&>> with_connection(F fn) {
    auto work = [this, fn = std::move(fn)]() mutable { return run_with_connection(fn); };
    co_return co_await pool().run(std::move(work));
  }
  boost::asio::awaitable<Result> execute(std::string sql, std::vector<Value> params = {});

  // Blocking forms, for code already on a pool thread (group commit, migrations).
  template <class F>
  std::invoke_result_t<F&, Connection&> run_transaction(F& fn) {
    auto lease = acquire();
    lease->begin();
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
        fn(*lease);
        lease->commit();
      } else {
        auto r = fn(*lease);
        lease->commit();
        return r;
      }
    } catch (...) {
      lease->rollback();
      throw;
    }
  }
  template <class F>
  std::invoke_result_t<F&, Connection&> run_with_connection(F& fn) {
    auto lease = acquire();
    return fn(*lease);
  }

  // nullopt when the database answers, else why not (for /readyz).
  boost::asio::awaitable<std::optional<std::string>> health();

 protected:
  // A connection borrowed from the pool; returned when the lease dies.
  class Lease {
   public:
    Lease(Connection* c, std::function<void(Connection*)> release) : c_(c), release_(std::move(release)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { release_(c_); }
    Connection* operator->() const { return c_; }
    Connection& operator*() const { return *c_; }

   private:
    Connection* c_;
    std::function<void(Connection*)> release_;
  };
  virtual Lease acquire() = 0;
  virtual BlockingPool& pool() = 0;
};

void add_config_keys(ConfigSchema& schema);

// SQLite at <data.dir>/tradechat.db when database.url is empty, else PostgreSQL.
std::unique_ptr<Store> open(const Config& config, BlockingPool& pool, metrics::Registry& metrics);

// "?1 … ?N" -> "$1 … $N", leaving quoted strings and identifiers alone.
std::string to_postgres_placeholders(std::string_view sql);

}  // namespace tc::infra::store
