// The tables the audit module owns, both dialects.
#include "modules/audit/audit_module.h"

namespace tc::audit {

std::vector<infra::store::Migration> migrations() {
  return {
      {"audit", 1, "hash-chained audit log and its head",
       R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_mac TEXT NOT NULL,
  mac TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_target ON audit_log(target_id, seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  last_mac TEXT NOT NULL,
  head_mac TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_mac, head_mac) VALUES (1, 0, 'genesis', 'unset');
)sql",
       R"sql(
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  action TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  ip TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_mac TEXT NOT NULL,
  mac TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_target ON audit_log(target_id, seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  last_mac TEXT NOT NULL,
  head_mac TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_mac, head_mac) VALUES (1, 0, 'genesis', 'unset');
)sql"},
  };
}

}  // namespace tc::audit
