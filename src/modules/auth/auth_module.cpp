#include "modules/auth/auth_module.h"

#include "core/errors.h"
#include "core/key_file.h"
#include "core/log.h"
#include "modules/audit/audit.h"
#include "modules/audit/audit_chain.h"
#include "modules/audit/audit_module.h"
#include "modules/auth/auth_routes.h"
#include "modules/auth/pii_rotation.h"
#include "modules/auth/user_directory.h"
#include "net/json_fields.h"

#include <sodium.h>

#include <iostream>

namespace tc::auth {
namespace {

class AuthModule final : public app::Module, public SessionEvents {
 public:
  void start(app::ModuleContext& ctx) override {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    auto* audit_log = ctx.services.find<audit::AuditLog>();
    if (!audit_log) throw std::logic_error("auth needs the audit module");
    AuthSettings s;
    s.jwt = {ctx.config.str("auth.issuer"), "tradechat", std::chrono::seconds(30)};
    s.access_ttl = std::chrono::duration_cast<std::chrono::seconds>(ctx.config.duration("auth.access_ttl"));
    s.refresh_ttl = std::chrono::duration_cast<std::chrono::seconds>(ctx.config.duration("auth.refresh_ttl"));
    s.login_attempts = ctx.config.integer("auth.login_attempts");
    s.reset_ttl = ctx.config.duration("auth.reset_ttl");
    s.public_url = ctx.config.str("auth.public_url");
    auto smtp = infra::mail::settings_from(ctx.config);
    if (!smtp.url.empty()) mailer_ = std::make_unique<infra::mail::Mailer>(smtp, ctx.pool, ctx.metrics);
    // Aggregate construction in place: the context holds a mutex and is never moved.
    context_ = std::make_unique<AuthContext>(ctx.store, ctx.cache, ctx.pool, ctx.bus, *audit_log, mailer_.get(), s,
                                             pii_cipher_from(ctx.config));
    accounts_ = std::make_unique<AuthService>(*context_);
    mfa_ = std::make_unique<MfaService>(*context_);
    passwords_ = std::make_unique<PasswordService>(*context_);
    profiles_ = std::make_unique<ProfileService>(*context_);
    admin_ = std::make_unique<AdminService>(*context_);
    directory_ = std::make_unique<UserDirectoryService>(*context_);
    if (!ctx.config.list("auth.pii_old_keys").empty()) reseal_personal_data(ctx.store, context_->pii);
    accounts_->load_state();
    // Revocations made by other instances (and echoes of our own, which add nothing).
    AuthContext* shared = context_.get();
    revocations_ = ctx.bus.subscribe(kRevocationSubject, [shared](const std::string&, const std::string& payload) {
      try {
        shared->revocations.add(RevocationList::from_json(payload), now_ms());
      } catch (const std::exception& e) {
        log::warn("ignored a malformed session revocation message", {{"error", e.what()}});
      }
    });
    ctx.services.provide<Authenticator>(accounts_.get());
    ctx.services.provide<SessionEvents>(this);
    ctx.services.provide<UserDirectory>(directory_.get());
    ctx.services.provide<ContactDirectory>(directory_.get());
    AuthServices services{*accounts_, *mfa_, *passwords_, *profiles_, *admin_};
    add_account_routes(ctx.router, services);
    add_mfa_routes(ctx.router, services);
    add_password_routes(ctx.router, services);
    add_profile_routes(ctx.router, services);
    add_admin_routes(ctx.router, services);
  }

  void stop() noexcept override { revocations_.reset(); }

  void on_sessions_revoked(
      std::function<void(const std::string& user_id, const std::vector<std::string>& session_ids)> listener) override {
    context_->revocations.on_revoked(
        [listener = std::move(listener)](const RevokedSessions& r) { listener(r.user_id, r.session_ids); });
  }

 private:
  std::unique_ptr<infra::mail::Mailer> mailer_;
  std::unique_ptr<AuthContext> context_;
  std::unique_ptr<AuthService> accounts_;
  std::unique_ptr<MfaService> mfa_;
  std::unique_ptr<PasswordService> passwords_;
  std::unique_ptr<ProfileService> profiles_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<UserDirectoryService> directory_;
  std::unique_ptr<infra::bus::Subscription> revocations_;
};

}  // namespace

void add_config_keys(ConfigSchema& schema) {
  using K = ConfigKind;
  schema.add({.key = "auth.issuer",
              .kind = K::string,
              .default_value = "tradechat",
              .help = "the iss claim of access tokens (use the public URL in production)"});
  schema.add({.key = "auth.access_ttl",
              .kind = K::duration,
              .default_value = "15m",
              .help = "lifetime of access tokens",
              .min = 60'000,
              .max = 3'600'000});
  schema.add({.key = "auth.refresh_ttl",
              .kind = K::duration,
              .default_value = "720h",
              .help = "lifetime of refresh tokens (each use rotates them)",
              .min = 60'000,
              .max = 90LL * 24 * 3'600'000});
  schema.add({.key = "auth.login_attempts",
              .kind = K::integer,
              .default_value = "10",
              .help = "sign-in attempts per account per 15 minutes",
              .min = 1,
              .max = 10000});
  schema.add({.key = "auth.reset_ttl",
              .kind = K::duration,
              .default_value = "30m",
              .help = "lifetime of emailed password-reset links",
              .min = 60'000,
              .max = 24LL * 3'600'000});
  schema.add({.key = "auth.public_url",
              .kind = K::url,
              .default_value = "http://127.0.0.1:8080",
              .help = "the address people open tradechat at (links in emails)",
              .allowed = {"http", "https"}});
  schema.add({.key = "auth.pii_old_keys",
              .kind = K::list,
              .default_value = "",
              .help = "earlier auth.pii_key values: they only decrypt; values under them are re-sealed at start",
              .secret = true});
  schema.add({.key = "auth.pii_key",
              .kind = K::string,
              .default_value = "",
              .help = "64 bytes, base64url: encryption + index keys for personal data; empty = <data.dir>/keys/pii.key",
              .secret = true});
}

int set_role_command(const Config& config, const std::string& username, const std::string& role) {
  BlockingPool pool(1, 4);
  metrics::Registry metrics;
  auto store = infra::store::open(config, pool, metrics);
  audit::AuditChain chain(audit::load_audit_key(config));
  auto id = set_role_offline(*store, chain, username, role);
  std::cout << username << " (" << id << ") is now " << role
            << "; their sessions ended, so they sign in again to use it\n";
  return 0;
}

app::ModuleSpec spec() {
  return {.name = "auth",
          .description = "accounts, sign-in, MFA, sessions, tokens, profiles, roles, JWKS",
          .dependencies = {"audit"},
          .create = [] { return std::make_unique<AuthModule>(); },
          .migrations = migrations()};
}

}  // namespace tc::auth
