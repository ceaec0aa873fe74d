// The tables the chat module owns, both dialects. A room's `last_seq` is its
// stream's top offset: a message takes last_seq + 1 in the transaction that stores it.
#include "modules/chat/chat_module.h"

namespace tc::chat {

std::vector<infra::store::Migration> migrations() {
  return {
      {"chat", 1, "rooms, members, bans, messages, edits, reactions",
       R"sql(
CREATE TABLE chat_rooms (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  topic TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  direct_key TEXT UNIQUE,
  epoch TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE chat_members (
  room_id TEXT NOT NULL REFERENCES chat_rooms(id),
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  joined_at_ms INTEGER NOT NULL,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  muted_until_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members(user_id);
CREATE TABLE chat_bans (
  room_id TEXT NOT NULL REFERENCES chat_rooms(id),
  user_id TEXT NOT NULL,
  banned_by TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE TABLE chat_messages (
  id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES chat_rooms(id),
  seq INTEGER NOT NULL,
  author_id TEXT NOT NULL,
  text TEXT NOT NULL,
  client_msg_id TEXT,
  reply_to TEXT,
  mentions TEXT NOT NULL,
  cashtags TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  edited_at_ms INTEGER,
  deleted_at_ms INTEGER,
  pinned INTEGER NOT NULL DEFAULT 0,
  UNIQUE (room_id, seq),
  UNIQUE (room_id, author_id, client_msg_id)
);
CREATE INDEX chat_messages_reply ON chat_messages(room_id, reply_to);
CREATE TABLE chat_message_edits (
  message_id TEXT NOT NULL REFERENCES chat_messages(id),
  version INTEGER NOT NULL,
  text TEXT NOT NULL,
  replaced_at_ms INTEGER NOT NULL,
  PRIMARY KEY (message_id, version)
);
CREATE TABLE chat_reactions (
  message_id TEXT NOT NULL REFERENCES chat_messages(id),
  user_id TEXT NOT NULL,
  emoji TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (message_id, user_id, emoji)
);
)sql",
       R"sql(
CREATE TABLE chat_rooms (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  topic TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  direct_key TEXT UNIQUE,
  epoch TEXT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE chat_members (
  room_id TEXT NOT NULL REFERENCES chat_rooms(id),
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  joined_at_ms BIGINT NOT NULL,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  muted_until_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members(user_id);
CREATE TABLE chat_bans (
  room_id TEXT NOT NULL REFERENCES chat_rooms(id),
  user_id TEXT NOT NULL,
  banned_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE TABLE chat_messages (
  id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES chat_rooms(id),
  seq BIGINT NOT NULL,
  author_id TEXT NOT NULL,
  text TEXT NOT NULL,
  client_msg_id TEXT,
  reply_to TEXT,
  mentions TEXT NOT NULL,
  cashtags TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  edited_at_ms BIGINT,
  deleted_at_ms BIGINT,
  pinned BIGINT NOT NULL DEFAULT 0,
  UNIQUE (room_id, seq),
  UNIQUE (room_id, author_id, client_msg_id)
);
CREATE INDEX chat_messages_reply ON chat_messages(room_id, reply_to);
CREATE TABLE chat_message_edits (
  message_id TEXT NOT NULL REFERENCES chat_messages(id),
  version BIGINT NOT NULL,
  text TEXT NOT NULL,
  replaced_at_ms BIGINT NOT NULL,
  PRIMARY KEY (message_id, version)
);
CREATE TABLE chat_reactions (
  message_id TEXT NOT NULL REFERENCES chat_messages(id),
  user_id TEXT NOT NULL,
  emoji TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (message_id, user_id, emoji)
);
)sql"},
  };
}

}  // namespace tc::chat
