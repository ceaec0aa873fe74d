// The admin API over the audit log: filtered reading and on-demand verification.
#pragma once

#include "app/module.h"
#include "modules/audit/audit_chain.h"

namespace tc::audit {

// Callers need the read_audit_log permission; tokens are checked by the auth
// module's Authenticator, looked up when a request comes (auth itself appends here).
void add_audit_routes(http::Router& router, app::ServiceRegistry& services, BlockingPool& pool,
                      infra::store::Store& store, const AuditChain& chain);

}  // namespace tc::audit
