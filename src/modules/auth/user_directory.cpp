#include "modules/auth/user_directory.h"

#include <algorithm>

namespace tc::auth {

using infra::store::Connection;
using infra::store::Value;

boost::asio::awaitable<std::vector<UserRef>> UserDirectoryService::find_users(std::vector<std::string> ids,
                                                                              std::vector<std::string> usernames) {
  if (ids.size() > 100) ids.resize(100);
  if (usernames.size() > 100) usernames.resize(100);
  for (auto& u : usernames) u = lower(u);
  auto lookup = [ids = std::move(ids), usernames = std::move(usernames)](Connection& c) {
    std::vector<UserRef> found;
    auto add = [&found](const infra::store::Result& r) {
      for (const auto& row : r.rows) {
        auto id = row.text(0);
        if (std::none_of(found.begin(), found.end(), [&id](const UserRef& u) { return u.id == id; })) {
          found.push_back({std::move(id), row.text(1)});
        }
      }
    };
    for (const auto& id : ids) {
      add(c.execute("SELECT id, username FROM auth_users WHERE id = ?1 AND disabled = ?2",
                    std::vector<Value>{id, false}));
    }
    for (const auto& name : usernames) {
      add(c.execute("SELECT id, username FROM auth_users WHERE username = ?1 AND disabled = ?2",
                    std::vector<Value>{name, false}));
    }
    return found;
  };
  co_return co_await ctx_.store.with_connection(std::move(lookup));
}

boost::asio::awaitable<std::optional<std::string>> UserDirectoryService::email_of(std::string user_id) {
  auto lookup = [user_id](Connection& c) {
    return c.execute("SELECT email_sealed FROM auth_users WHERE id = ?1 AND disabled = ?2",
                     std::vector<Value>{user_id, false});
  };
  auto rows = co_await ctx_.store.with_connection(std::move(lookup));
  if (rows.rows.empty()) co_return std::nullopt;
  co_return ctx_.pii.decrypt(rows.rows.front().text(0), "auth_users.email:" + user_id);
}

}  // namespace tc::auth
