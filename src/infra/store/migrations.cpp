#include "infra/store/migrations.h"

#include "core/errors.h"
#include "core/log.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <map>

namespace tc::infra::store {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " module TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL, PRIMARY KEY (module, version))";

// Serialises migrators of several instances sharing one PostgreSQL database.
constexpr const char* kPostgresLock = "SELECT pg_advisory_xact_lock(724501337)";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string migration_checksum(const Migration& m, Dialect dialect) {
  const std::string& sql = dialect == Dialect::sqlite ? m.sqlite_sql : m.postgres_sql;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(sql.data(), sql.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

MigrationReport migrate(Store& store, const std::vector<Migration>& known) {
  const Dialect dialect = store.dialect();
  std::map<std::string, std::vector<const Migration*>> by_module;
  for (const auto& m : known) by_module[m.module].push_back(&m);
  for (auto& [module, list] : by_module) {
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->version < b->version; });
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i]->version != static_cast<int>(i + 1)) {
        throw std::logic_error(fmt::format("migrations of {} must be numbered 1, 2, 3 … without gaps", module));
      }
    }
  }

  auto create = [](Connection& c) { c.execute_script(kCreateTable); };
  store.run_with_connection(create);

  MigrationReport report;
  for (const auto& [module, list] : by_module) {
    for (const Migration* m : list) {
      auto apply_one = [&](Connection& c) {
        if (dialect == Dialect::postgres) c.execute(kPostgresLock);
        auto applied = c.execute("SELECT version, checksum FROM schema_migrations WHERE module = ?1 ORDER BY version",
                                 {{Value(module)}});
        for (const auto& row : applied.rows) {
          auto v = row.integer(0);
          if (v > static_cast<std::int64_t>(list.size())) {
            throw Error(503, "database-too-new", "Database Newer Than Binary",
                        fmt::format("the database has migration {} v{}, but this binary knows {} only up to v{}; "
                                    "run a newer tradechat",
                                    module, v, module, list.size()));
          }
        }
        for (const auto& row : applied.rows) {
          if (row.integer(0) == m->version) {
            if (row.text(1) != migration_checksum(*m, dialect)) {
              throw Error(503, "migration-changed", "Applied Migration Changed",
                          fmt::format("migration {} v{} ({}) differs from the one applied to this database", module,
                                      m->version, m->name));
            }
            return false;  // already applied
          }
        }
        c.execute_script(dialect == Dialect::sqlite ? m->sqlite_sql : m->postgres_sql);
        c.execute(
            "INSERT INTO schema_migrations (module, version, name, checksum, applied_at_ms) VALUES (?1, ?2, ?3, ?4, "
            "?5)",
            std::vector<Value>{module, static_cast<std::int64_t>(m->version), m->name, migration_checksum(*m, dialect),
                               now_ms()});
        return true;
      };
      if (store.run_transaction(apply_one)) {
        report.applied.push_back(fmt::format("{} v{} {}", module, m->version, m->name));
        log::info("migration applied", {{"module", module}, {"version", m->version}, {"name", m->name}});
      }
    }
  }
  // A module this binary does not know at all, but whose tables exist, is newer too.
  auto list_modules = [](Connection& c) { return c.execute("SELECT DISTINCT module FROM schema_migrations"); };
  for (const auto& row : store.run_with_connection(list_modules).rows) {
    if (!by_module.count(row.text(0))) {
      throw Error(503, "database-too-new", "Database Newer Than Binary",
                  fmt::format("the database has migrations of module {}, which this binary does not know; run a "
                              "newer tradechat",
                              row.text(0)));
    }
  }
  return report;
}

}  // namespace tc::infra::store
