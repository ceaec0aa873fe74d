// The audit module's interface: a tamper-evident, hash-chained log of security
// events. Other modules append inside their own transaction, so an action and its
// audit entry commit (or roll back) together.
#pragma once

#include "infra/store/store.h"

#include <boost/json/object.hpp>

#include <string>

namespace tc::audit {

struct AuditEvent {
  std::string action;     // dotted name, e.g. "auth.login.failed"
  std::string actor_id;   // who did it; empty when anonymous
  std::string target_id;  // whom or what it concerns; empty when nothing
  std::string ip;
  boost::json::object details{};  // never passwords, tokens, keys or codes
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Appends inside the caller's open write transaction `tx`.
  virtual void append(infra::store::Connection& tx, const AuditEvent& event) = 0;
};

}  // namespace tc::audit
