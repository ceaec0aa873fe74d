// The tables the ai module owns, both dialects (written once in PostgreSQL's
// spelling; SQLite's is derived: BIGINT → INTEGER, BYTEA → BLOB).
//
// A conversation's `last_offset` is the top offset of its `ai:<id>` stream: every
// publication takes last_offset + 1 in the transaction that stores it in
// `ai_stream`, so a reconnecting client recovers exactly what it missed.
#include "modules/ai/ai_module.h"

#include <string>

namespace tc::ai {
namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

infra::store::Migration both(int version, const char* description, const std::string& postgres) {
  auto sqlite = replace_all(replace_all(postgres, "BIGINT", "INTEGER"), "BYTEA", "BLOB");
  return {"ai", version, description, sqlite, postgres};
}

constexpr const char* kV1 = R"sql(
CREATE TABLE ai_conversations (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  title TEXT NOT NULL,
  epoch TEXT NOT NULL,
  last_offset BIGINT NOT NULL DEFAULT 0,
  running_answer TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX ai_conversations_user ON ai_conversations(user_id, updated_at_ms);
CREATE TABLE ai_messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES ai_conversations(id),
  seq BIGINT NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  status TEXT NOT NULL,
  mode TEXT NOT NULL,
  tool_calls TEXT NOT NULL,
  marks TEXT NOT NULL,
  citations TEXT NOT NULL,
  annotations TEXT NOT NULL,
  file_ids TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  usage TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  UNIQUE (conversation_id, seq)
);
CREATE TABLE ai_proposals (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES ai_conversations(id),
  message_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  arguments TEXT NOT NULL,
  status TEXT NOT NULL,
  result_id TEXT,
  created_at_ms BIGINT NOT NULL,
  decided_at_ms BIGINT
);
CREATE INDEX ai_proposals_message ON ai_proposals(message_id);
CREATE TABLE ai_stream (
  conversation_id TEXT NOT NULL REFERENCES ai_conversations(id),
  stream_offset BIGINT NOT NULL,
  data TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, stream_offset)
);
CREATE TABLE ai_files (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  bytes BYTEA NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX ai_files_user ON ai_files(user_id, created_at_ms);
CREATE TABLE ai_learn_progress (
  user_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  exercise_id TEXT NOT NULL,
  correct BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  answered_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, lesson_id, exercise_id)
);
CREATE TABLE ai_user_settings (
  user_id TEXT PRIMARY KEY,
  trading_rules TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE TABLE ai_room_settings (
  room_id TEXT PRIMARY KEY,
  enabled BIGINT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
)sql";

}  // namespace

std::vector<infra::store::Migration> migrations() {
  return {both(1, "conversations, messages, proposals, the ai:<id> streams, files, learn progress, settings", kV1)};
}

}  // namespace tc::ai
