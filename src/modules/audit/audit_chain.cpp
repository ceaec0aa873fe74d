#include "modules/audit/audit_chain.h"

#include "core/errors.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace tc::audit {
namespace {

using infra::store::Connection;
using infra::store::Value;

constexpr std::int64_t kPage = 1000;
constexpr const char* kGenesis = "genesis";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &len);
  return fmt::format("{:02x}", fmt::join(out, out + len, ""));
}

}  // namespace

std::string AuditChain::entry_mac(std::int64_t seq, std::int64_t at_ms, const std::string& action,
                                  const std::string& actor_id, const std::string& target_id, const std::string& ip,
                                  const std::string& details_json, const std::string& prev_mac) const {
  // A JSON array is an unambiguous encoding: no field can bleed into the next.
  boost::json::array fields{seq, at_ms, action, actor_id, target_id, ip, details_json, prev_mac};
  return hmac_hex(key_, "tradechat-audit-v1\n" + boost::json::serialize(fields));
}

std::string AuditChain::head_mac(std::int64_t seq, const std::string& last_mac) const {
  return hmac_hex(key_, fmt::format("tradechat-audit-head-v1\n{}\n{}", seq, last_mac));
}

void AuditChain::append(Connection& tx, const AuditEvent& event) {
  // Claiming the next number updates the head row first: on PostgreSQL that row lock
  // orders concurrent appenders; SQLite write transactions are serial already.
  auto head = tx.execute("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_mac");
  if (head.rows.empty()) throw errors::internal("audit: the head row is missing; run `tradechat audit verify`");
  const std::int64_t seq = head.rows[0].integer(0);
  const std::string prev = head.rows[0].text(1);
  const std::int64_t at = now_ms();
  const std::string details = boost::json::serialize(event.details);
  const std::string mac = entry_mac(seq, at, event.action, event.actor_id, event.target_id, event.ip, details, prev);
  tx.execute(
      "INSERT INTO audit_log (seq, at_ms, action, actor_id, target_id, ip, details, prev_mac, mac) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      std::vector<Value>{seq, at, event.action, event.actor_id, event.target_id, event.ip, details, prev, mac});
  tx.execute("UPDATE audit_head SET last_mac = ?1, head_mac = ?2 WHERE id = 1",
             std::vector<Value>{mac, head_mac(seq, mac)});
}

VerifyReport AuditChain::verify(infra::store::Store& store) const {
  VerifyReport report;
  auto fail = [&report](std::int64_t seq, std::string problem) {
    report.ok = false;
    report.first_bad = seq;
    report.problem = std::move(problem);
    return report;
  };
  auto read_head = [](Connection& c) {
    return c.execute("SELECT seq, last_mac, head_mac FROM audit_head WHERE id = 1");
  };
  auto head = store.run_with_connection(read_head);
  if (head.rows.empty()) return fail(0, "the head record is missing: the log was reset or truncated");
  const std::int64_t head_seq = head.rows[0].integer(0);
  const std::string head_last = head.rows[0].text(1);
  if (head.rows[0].text(2) != head_mac(head_seq, head_last)) {
    return fail(head_seq, "the head record was edited (its MAC does not match)");
  }

  std::string prev = kGenesis;
  std::int64_t expected = 1;
  for (;;) {
    auto page_of = [expected](Connection& c) {
      return c.execute(
          "SELECT seq, at_ms, action, actor_id, target_id, ip, details, prev_mac, mac FROM audit_log "
          "WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
          std::vector<Value>{expected, kPage});
    };
    auto page = store.run_with_connection(page_of);
    for (const auto& r : page.rows) {
      const std::int64_t seq = r.integer(0);
      if (seq != expected) {
        return fail(expected, seq > expected ? fmt::format("entry {} is missing (deleted)", expected)
                                             : fmt::format("entry {} appears twice", seq));
      }
      if (r.text(7) != prev) {
        return fail(seq, fmt::format("entry {} does not follow entry {} (reordered or replaced)", seq, seq - 1));
      }
      if (entry_mac(seq, r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7)) != r.text(8)) {
        return fail(seq, fmt::format("entry {} was edited (its MAC does not match its contents)", seq));
      }
      prev = r.text(8);
      ++expected;
      ++report.entries;
    }
    if (static_cast<std::int64_t>(page.rows.size()) < kPage) break;
  }
  if (report.entries < head_seq) {
    return fail(report.entries + 1,
                fmt::format("entries {} to {} are missing (the log was truncated)", report.entries + 1, head_seq));
  }
  if (report.entries > head_seq || prev != head_last) {
    return fail(head_seq + 1, fmt::format("entries after {} were added outside the log", head_seq));
  }
  report.ok = true;
  report.head_mac = head.rows[0].text(2);
  return report;
}

}  // namespace tc::audit
