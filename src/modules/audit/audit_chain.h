// The chain itself: every entry carries HMAC-SHA256(key, entry fields || previous
// entry's MAC), and one head row records the last sequence number and MAC (with its
// own MAC). Editing a byte, deleting, reordering or truncating entries breaks a link
// that cannot be re-forged without the key, which lives apart from the database.
#pragma once

#include "modules/audit/audit.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tc::audit {

struct VerifyReport {
  bool ok = false;
  std::int64_t entries = 0;               // entries checked
  std::optional<std::int64_t> first_bad;  // sequence number of the first broken entry
  std::string problem;                    // what is wrong, naming the entry
  std::string head_mac;                   // the verified head, for keeping elsewhere
};

class AuditChain final : public AuditLog {
 public:
  explicit AuditChain(std::string key) : key_(std::move(key)) {}

  void append(infra::store::Connection& tx, const AuditEvent& event) override;
  // Checks every entry from the first to the head, in pages. Blocking.
  VerifyReport verify(infra::store::Store& store) const;

  // HMAC-SHA256 over the canonical form of one entry, hex.
  std::string entry_mac(std::int64_t seq, std::int64_t at_ms, const std::string& action, const std::string& actor_id,
                        const std::string& target_id, const std::string& ip, const std::string& details_json,
                        const std::string& prev_mac) const;
  std::string head_mac(std::int64_t seq, const std::string& last_mac) const;

 private:
  std::string key_;  // 32 bytes
};

}  // namespace tc::audit
