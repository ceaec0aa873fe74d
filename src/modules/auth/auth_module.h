// The auth module: accounts, login, access and refresh tokens, JWKS. It offers
// `Authenticator` to other modules through the ServiceRegistry.
#pragma once

#include "app/module.h"
#include "infra/store/migrations.h"

#include <vector>

namespace tc::auth {

app::ModuleSpec spec();
std::vector<infra::store::Migration> migrations();
void add_config_keys(ConfigSchema& schema);
// `tradechat users set-role USERNAME ROLE`: for operators on the server (the first admin).
int set_role_command(const Config& config, const std::string& username, const std::string& role);

}  // namespace tc::auth
