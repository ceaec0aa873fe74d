#include "modules/audit/audit_module.h"

#include "core/errors.h"
#include "core/key_file.h"
#include "modules/audit/audit_chain.h"
#include "modules/audit/audit_routes.h"

#include <iostream>

namespace tc::audit {
namespace {

constexpr std::size_t kKeyBytes = 32;

// A fresh log's head gets its MAC once the key is known (migrations cannot know it).
void seal_empty_head(infra::store::Store& store, const AuditChain& chain) {
  auto seal = [&chain](infra::store::Connection& c) {
    c.execute("UPDATE audit_head SET head_mac = ?1 WHERE id = 1 AND seq = 0 AND head_mac = 'unset'",
              std::vector<infra::store::Value>{chain.head_mac(0, "genesis")});
  };
  store.run_transaction(seal);
}

class AuditModule final : public app::Module {
 public:
  void start(app::ModuleContext& ctx) override {
    chain_ = std::make_unique<AuditChain>(load_audit_key(ctx.config));
    seal_empty_head(ctx.store, *chain_);
    ctx.services.provide<AuditLog>(chain_.get());
    add_audit_routes(ctx.router, ctx.services, ctx.pool, ctx.store, *chain_);
  }

 private:
  std::unique_ptr<AuditChain> chain_;
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  schema.add({.key = "audit.key",
              .kind = ConfigKind::string,
              .default_value = "",
              .help = "32 bytes, base64url: the audit chain's MAC key; empty = <data.dir>/keys/audit.key",
              .secret = true});
}

std::string load_audit_key(const Config& config) {
  return load_or_create_key(config, "audit.key", "audit.key", kKeyBytes);
}

int verify_command(const Config& config) {
  BlockingPool pool(1, 4);
  metrics::Registry metrics;
  auto store = infra::store::open(config, pool, metrics);
  AuditChain chain(load_audit_key(config));
  auto report = chain.verify(*store);
  if (report.ok) {
    std::cout << "audit log intact: " << report.entries << " entries; head " << report.head_mac << "\n";
    return 0;
  }
  std::cout << "audit log TAMPERED: " << report.problem << " (checked " << report.entries << " entries before it)\n";
  return 1;
}

app::ModuleSpec spec() {
  return {.name = "audit",
          .description = "tamper-evident, hash-chained audit log of security events",
          .dependencies = {},
          .create = [] { return std::make_unique<AuditModule>(); },
          .migrations = migrations()};
}

}  // namespace tc::audit
