// One outbound POST to a URL a user gave (webhooks, Web Push endpoints), with the
// SSRF policy: the host is resolved once, every address must be public (unless the
// operator allows private targets), and the request connects to exactly the checked
// address (no second lookup, so DNS rebinding cannot swap it). Redirects are not
// followed. Blocking: call it on the blocking pool.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tc::alerts {

struct OutboundPolicy {
  bool allow_private = false;
  bool https_only = false;
  std::chrono::milliseconds timeout{5000};
  std::string ca_file;  // empty: the system's CA store
};

struct OutboundResult {
  bool refused = false;  // by policy (never sent): do not retry
  long status = 0;       // HTTP status when an answer came
  std::string error;     // empty when an answer came
};

// False for loopback, private (RFC 1918, fc00::/7), link-local, unspecified,
// multicast, CGNAT, documentation and other reserved IPv4/IPv6 addresses.
bool is_public_address(const std::string& ip);

// Why `url` may not be used (malformed, wrong scheme, resolves to a non-public
// address), or nullopt when it may. A name that does not resolve is allowed here
// (it is checked again on every send).
std::optional<std::string> refusal_reason(const std::string& url, const OutboundPolicy& policy);

OutboundResult post(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                    const OutboundPolicy& policy);

}  // namespace tc::alerts
