// Account lookups for other modules (auth::UserDirectory): ids and usernames to the
// enabled accounts they name, in one round trip each way; and (auth::ContactDirectory)
// an enabled account's email address for alert emails.
#pragma once

#include "modules/auth/auth.h"
#include "modules/auth/auth_context.h"

namespace tc::auth {

class UserDirectoryService final : public UserDirectory, public ContactDirectory {
 public:
  explicit UserDirectoryService(AuthContext& ctx) : ctx_(ctx) {}
  boost::asio::awaitable<std::vector<UserRef>> find_users(std::vector<std::string> ids,
                                                          std::vector<std::string> usernames) override;
  boost::asio::awaitable<std::optional<std::string>> email_of(std::string user_id) override;

 private:
  AuthContext& ctx_;
};

}  // namespace tc::auth
