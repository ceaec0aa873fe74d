#include "infra/store/postgres_store.h"

#include "core/log.h"
#include "infra/store/connection_pool.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <optional>
#include <thread>
#include <unordered_map>

namespace tc::infra::store {
namespace {

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701;

struct ResultGuard {
  PGresult* r;
  ~ResultGuard() { PQclear(r); }
};

std::string redact(const std::string& url) { return Config::mask_url(url); }

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(const PostgresOptions& o, metrics::Histogram& latency, metrics::Counter& errors)
      : latency_(latency), errors_(errors) {
    std::string last_error;
    for (int attempt = 0; attempt < o.connect_attempts; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(o.connect_backoff * (1 << (attempt - 1)));
      conn_ = PQconnectdb(o.url.c_str());
      if (PQstatus(conn_) == CONNECTION_OK) return;
      last_error = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
    }
    while (!last_error.empty() && last_error.back() == '\n') last_error.pop_back();
    throw errors::unavailable(fmt::format("store: cannot connect to PostgreSQL at {} after {} attempts: {}",
                                          redact(o.url), o.connect_attempts, last_error));
  }
  ~PostgresConnection() override { PQfinish(conn_); }

  struct Params {
    std::vector<std::string> text;
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
  };
  static Params encode(std::span<const Value> params) {
    Params p;
    p.text.resize(params.size());
    p.values.resize(params.size());
    p.lengths.resize(params.size());
    p.formats.resize(params.size());
    auto& text = p.text;
    auto& values = p.values;
    auto& lengths = p.lengths;
    auto& formats = p.formats;
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::visit(
          [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
              values[i] = nullptr;
              return;
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
              text[i] = std::to_string(x);
            } else if constexpr (std::is_same_v<T, double>) {
              text[i] = fmt::format("{}", x);
            } else if constexpr (std::is_same_v<T, bool>) {
              text[i] = x ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::string>) {
              text[i] = x;
            } else {
              text[i] = x.bytes;
              formats[i] = 1;  // binary: bytea passes any byte, NUL included
            }
            values[i] = text[i].data();
            lengths[i] = static_cast<int>(text[i].size());
          },
          params[i]);
    }
    return p;
  }

  void execute_many(std::string_view sql, const std::vector<std::vector<Value>>& rows) override {
    if (rows.empty()) return;
    auto started = std::chrono::steady_clock::now();
    const std::string& name = prepare(sql);
    // Pipeline mode: every row is sent before any answer is read, so a batch costs
    // one round trip instead of one per row.
    if (PQenterPipelineMode(conn_) != 1) {
      for (const auto& row : rows) execute(sql, row);
      return;
    }
    bool send_failed = false;
    std::size_t sent = 0;
    for (const auto& row : rows) {
      auto p = encode(row);
      if (!PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(row.size()), p.values.data(), p.lengths.data(),
                               p.formats.data(), 0)) {
        send_failed = true;
        break;
      }
      ++sent;
    }
    PQpipelineSync(conn_);
    std::optional<Error> first_error;
    for (std::size_t i = 0; i < sent; ++i) {
      PGresult* r = PQgetResult(conn_);
      if (!r) break;
      if (!first_error) {
        try {
          check(r, sql);
        } catch (const Error& e) {
          first_error = e;
        }
      }
      PQclear(r);
      while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // the NULL after each query's result
    }
    // Up to and including the sync point.
    for (;;) {
      PGresult* r = PQgetResult(conn_);
      if (!r) {
        if (PQstatus(conn_) != CONNECTION_OK) break;
        continue;
      }
      bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
    PQexitPipelineMode(conn_);
    latency_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (send_failed || PQstatus(conn_) != CONNECTION_OK) {
      broken_ = true;
      errors_.inc();
      throw errors::unavailable("store: lost the PostgreSQL connection while sending a batch");
    }
    if (first_error) throw *first_error;
  }

  Result execute(std::string_view sql, std::span<const Value> params) override {
    auto started = std::chrono::steady_clock::now();
    const std::string& name = prepare(sql);
    auto p = encode(params);
    ResultGuard r{PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), p.values.data(),
                                 p.lengths.data(), p.formats.data(), 0)};
    check(r.r, sql);
    Result result;
    const int rows = PQntuples(r.r), cols = PQnfields(r.r);
    result.rows.reserve(static_cast<std::size_t>(rows));
    for (int row = 0; row < rows; ++row) {
      std::vector<Value> vals;
      vals.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) vals.push_back(column(r.r, row, c));
      result.rows.emplace_back(std::move(vals));
    }
    const char* affected = PQcmdTuples(r.r);
    result.affected = affected && *affected ? std::stoll(affected) : 0;
    latency_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return result;
  }

  void execute_script(std::string_view sql) override {
    std::string text(sql);
    ResultGuard r{PQexec(conn_, text.c_str())};
    check(r.r, sql);
  }
  void begin() override { simple("BEGIN"); }
  void commit() override {
    ResultGuard r{PQexec(conn_, "COMMIT")};
    if (!r.r || PQstatus(conn_) != CONNECTION_OK) {
      errors_.inc();
      broken_ = true;
      throw Error(503, "commit-outcome-unknown", "Commit Outcome Unknown",
                  "store: the connection was lost during COMMIT; the write may or may not have been applied");
    }
    check(r.r, "COMMIT");
  }
  void rollback() noexcept override {
    if (PQstatus(conn_) != CONNECTION_OK) return;
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
    PQclear(PQexec(conn_, "ROLLBACK"));
  }
  bool healthy() noexcept override {
    return !broken_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  const std::string& prepare(std::string_view sql) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return it->second;
    std::string name = "tc" + std::to_string(prepared_.size() + 1);
    std::string pg_sql = to_postgres_placeholders(sql);
    ResultGuard r{PQprepare(conn_, name.c_str(), pg_sql.c_str(), 0, nullptr)};
    check(r.r, sql);
    return prepared_.emplace(std::string(sql), std::move(name)).first->second;
  }

  void simple(const char* sql) {
    ResultGuard r{PQexec(conn_, sql)};
    check(r.r, sql);
  }

  void check(PGresult* r, std::string_view sql) {
    auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    errors_.inc();
    std::string head(sql.substr(0, std::min<std::size_t>(sql.size(), 80)));
    if (PQstatus(conn_) != CONNECTION_OK) {
      broken_ = true;
      throw errors::unavailable(fmt::format("store: lost the PostgreSQL connection in: {}", head));
    }
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    std::string message =
        r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : "" : "";
    if (sqlstate == "23505") throw errors::conflict(fmt::format("store: duplicate key ({})", message));
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate.starts_with("08") || sqlstate.starts_with("57P")) {
      throw errors::unavailable(fmt::format("store: PostgreSQL {} ({}) in: {}", sqlstate, message, head));
    }
    throw errors::internal(fmt::format("store: PostgreSQL {} ({}) in: {}", sqlstate, message, head));
  }

  static Value column(PGresult* r, int row, int c) {
    if (PQgetisnull(r, row, c)) return nullptr;
    const char* v = PQgetvalue(r, row, c);
    const int len = PQgetlength(r, row, c);
    switch (PQftype(r, c)) {
      case kInt2:
      case kInt4:
      case kInt8: return static_cast<std::int64_t>(std::stoll(v));
      case kFloat4:
      case kFloat8: return std::stod(v);
      case kBool: return v[0] == 't';
      case kBytea: {
        std::size_t n = 0;
        unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
        Blob b{std::string(reinterpret_cast<char*>(raw), n)};
        PQfreemem(raw);
        return b;
      }
      default: return std::string(v, static_cast<std::size_t>(len));
    }
  }

  PGconn* conn_ = nullptr;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;
  metrics::Histogram& latency_;
  metrics::Counter& errors_;
};

class PostgresStore final : public Store {
 public:
  PostgresStore(PostgresOptions o, BlockingPool& pool, metrics::Registry& metrics)
      : options_(std::move(o)),
        pool_(pool),
        latency_(metrics.histogram("tradechat_store_query_duration_seconds", "Database statement latency",
                                   {{"engine", "postgres"}})),
        errors_(metrics.counter("tradechat_store_errors_total", "Database statements that failed",
                                {{"engine", "postgres"}})),
        connections_([this] { return std::make_unique<PostgresConnection>(options_, latency_, errors_); },
                     options_.pool_size, std::chrono::seconds(10), metrics, "postgres") {}

  Dialect dialect() const noexcept override { return Dialect::postgres; }
  std::string describe() const override { return "postgres:" + redact(options_.url); }

 protected:
  Lease acquire() override {
    return Lease(connections_.acquire(), [this](Connection* c) { connections_.release(c); });
  }
  BlockingPool& pool() override { return pool_; }

 private:
  PostgresOptions options_;
  BlockingPool& pool_;
  metrics::Histogram& latency_;
  metrics::Counter& errors_;
  ConnectionPool connections_;
};

}  // namespace

std::unique_ptr<Store> open_postgres(const PostgresOptions& options, BlockingPool& pool, metrics::Registry& metrics) {
  auto store = std::make_unique<PostgresStore>(options, pool, metrics);
  auto probe = [](Connection& c) { c.execute("SELECT 1"); };
  store->run_with_connection(probe);
  return store;
}

}  // namespace tc::infra::store
