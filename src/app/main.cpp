// The `tradechat` binary: serve, migrate, config check, modules, version.
#include "app/modules.h"
#include "app/server.h"
#include "build_info.h"
#include "core/config.h"
#include "core/log.h"
#include "infra/store/migrations.h"
#include "infra/store/store.h"
#include "modules/audit/audit_module.h"
#include "modules/auth/auth_module.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace {

struct CommonFlags {
  std::string config_file;
  std::vector<std::string> sets;
  std::string target;
};

void add_common(CLI::App* cmd, CommonFlags& flags, bool with_target) {
  cmd->add_option("--config", flags.config_file, "TOML configuration file (default: $TRADECHAT_CONFIG)");
  cmd->add_option("--set", flags.sets, "override a key: --set http.addr=0.0.0.0:8080 (repeatable)");
  if (with_target) cmd->add_option("--target", flags.target, "modules to run: all, or a comma-separated list");
}

tc::Config load_config(const CommonFlags& flags) {
  std::string file = flags.config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("TRADECHAT_CONFIG")) file = env;
  }
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& s : flags.sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw tc::ConfigError("config: --set " + s + " is invalid: expected key=value");
    }
    overrides.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  if (!flags.target.empty()) overrides.emplace_back("target", flags.target);
  return tc::Config::load(tc::app::full_config_schema(), file, tc::Config::process_env(), overrides);
}

int config_check(const CommonFlags& flags) {
  auto config = load_config(flags);
  tc::app::ModuleManager manager;
  tc::app::register_modules(manager);
  auto order = manager.resolve(config.list("target"));
  std::cout << config.render_effective();
  std::string modules;
  for (const auto& m : order) modules += (modules.empty() ? "" : ", ") + m;
  std::cout << "# modules to run: " << modules << "\n# configuration ok\n";
  return 0;
}

int run_migrations(const tc::Config& config) {
  tc::log::set_level(config.str("log.level"));
  tc::app::ModuleManager manager;
  tc::app::register_modules(manager);
  tc::BlockingPool pool(1, 16);
  tc::metrics::Registry metrics;
  auto store = tc::infra::store::open(config, pool, metrics);
  auto report = tc::infra::store::migrate(*store, tc::app::all_migrations(manager));
  std::cout << "database: " << store->describe() << "\n";
  for (const auto& line : report.applied) std::cout << "applied " << line << "\n";
  std::cout << (report.applied.empty() ? "up to date\n" : "done\n");
  return 0;
}

int list_modules() {
  tc::app::ModuleManager manager;
  tc::app::register_modules(manager);
  for (const auto& spec : manager.specs()) {
    std::string deps;
    for (const auto& d : spec.dependencies) deps += (deps.empty() ? "" : ",") + d;
    std::cout << spec.name << "\tdepends on: " << (deps.empty() ? "-" : deps) << "\t" << spec.description << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tradechat: live markets, alerts, chat rooms, discussions and an AI assistant for traders"};
  app.require_subcommand(1);
  CommonFlags flags;
  auto* serve = app.add_subcommand("serve", "run the server");
  add_common(serve, flags, true);
  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  add_common(migrate, flags, false);
  auto* config = app.add_subcommand("config", "configuration tools");
  config->require_subcommand(1);
  auto* check = config->add_subcommand("check", "validate the configuration and print the effective values");
  add_common(check, flags, true);
  auto* modules = app.add_subcommand("modules", "list the modules and their dependencies");
  auto* version = app.add_subcommand("version", "print the version");
  auto* audit = app.add_subcommand("audit", "audit log tools");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "check the whole audit chain; names the first tampered entry");
  add_common(audit_verify, flags, false);
  auto* users = app.add_subcommand("users", "account tools for operators");
  users->require_subcommand(1);
  auto* set_role =
      users->add_subcommand("set-role", "give an account a role (user, moderator, admin); ends its sessions");
  std::string role_user, role_name;
  set_role->add_option("username", role_user, "the account")->required();
  set_role->add_option("role", role_name, "user, moderator or admin")->required();
  add_common(set_role, flags, false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*version) {
      std::cout << "tradechat " << tc::build::version << " (" << tc::build::commit << ")\n";
      return 0;
    }
    if (*modules) return list_modules();
    if (*check) return config_check(flags);
    if (*serve) return tc::app::serve(load_config(flags));
    if (*migrate) return run_migrations(load_config(flags));
    if (*set_role) {
      auto cfg = load_config(flags);
      tc::log::set_level(cfg.str("log.level"));
      return tc::auth::set_role_command(cfg, role_user, role_name);
    }
    if (*audit_verify) {
      auto cfg = load_config(flags);
      tc::log::set_level(cfg.str("log.level"));
      return tc::audit::verify_command(cfg);
    }
  } catch (const tc::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const tc::Error& e) {
    std::cerr << "tradechat: " << (e.detail().empty() ? e.title() : e.detail()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tradechat: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
