#include "infra/store/store.h"

#include "core/errors.h"
#include "infra/store/postgres_store.h"
#include "infra/store/sqlite_store.h"

#include <fmt/format.h>

#include <cmath>

namespace tc::infra::store {
namespace {

[[noreturn]] void wrong_type(std::size_t i, const char* want) {
  throw errors::internal(fmt::format("store: column {} is not {}", i, want));
}

}  // namespace

std::int64_t Row::integer(std::size_t i) const {
  const auto& v = value(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  if (const auto* s = std::get_if<std::string>(&v)) return std::stoll(*s);  // PostgreSQL NUMERIC, COUNT(*)
  wrong_type(i, "an integer");
}

double Row::real(std::size_t i) const {
  const auto& v = value(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::stod(*s);
  wrong_type(i, "a number");
}

std::string Row::text(std::size_t i) const {
  const auto& v = value(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  wrong_type(i, "text");
}

std::string Row::blob(std::size_t i) const {
  const auto& v = value(i);
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  wrong_type(i, "bytes");
}

// SQLite has no boolean type: booleans come back as 0/1 integers.
bool Row::boolean(std::size_t i) const {
  const auto& v = value(i);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n != 0;
  wrong_type(i, "a boolean");
}

std::optional<std::int64_t> Row::opt_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

std::optional<std::string> Row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

boost::asio::awaitable<Result> Store::execute(std::string sql, std::vector<Value> params) {
  auto run = [sql = std::move(sql), params = std::move(params)](Connection& c) { return c.execute(sql, params); };
  co_return co_await with_connection(std::move(run));
}

boost::asio::awaitable<std::optional<std::string>> Store::health() {
  // After the database restarts, every idle pooled connection is dead: a ping on one
  // fails with "lost the … connection" and the pool drops it, so the check tries again
  // (at most a pool's worth) instead of reporting an outage that is over. Any other
  // failure (cannot connect: the database is down) is the answer at once.
  constexpr int kAttempts = 9;
  std::string last_error;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    try {
      auto ping = [](Connection& c) { c.execute("SELECT 1"); };
      co_await with_connection(std::move(ping));
      co_return std::nullopt;
    } catch (const Error& e) {
      last_error = e.what();
      if (last_error.find("lost the") == std::string::npos) break;
    } catch (const std::exception& e) {
      last_error = e.what();
      break;
    }
  }
  co_return last_error;
}

std::string to_postgres_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      out.push_back(c);
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
      continue;
    }
    if (c == '?' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('$');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::unique_ptr<Store> open(const Config& config, BlockingPool& pool, metrics::Registry& metrics) {
  const auto& url = config.str("database.url");
  if (url.empty()) {
    SqliteOptions o;
    o.file = std::filesystem::path(config.str("data.dir")) / "tradechat.db";
    o.pool_size = static_cast<std::size_t>(config.integer("database.pool_size"));
    return open_sqlite(o, pool, metrics);
  }
  PostgresOptions o;
  o.url = url;
  o.pool_size = static_cast<std::size_t>(config.integer("database.pool_size"));
  return open_postgres(o, pool, metrics);
}

}  // namespace tc::infra::store
