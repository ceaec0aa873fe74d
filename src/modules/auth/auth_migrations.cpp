// The tables the auth module owns, both dialects.
#include "modules/auth/auth_module.h"

namespace tc::auth {

std::vector<infra::store::Migration> migrations() {
  return {
      {"auth", 1, "accounts, sessions, refresh tokens, signing keys",
       R"sql(
CREATE TABLE auth_users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  email_index TEXT NOT NULL UNIQUE,
  email_sealed TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'user',
  disabled INTEGER NOT NULL DEFAULT 0,
  not_before_ms INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  created_at_ms INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL,
  user_agent TEXT NOT NULL,
  revoked_at_ms INTEGER
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);
CREATE TABLE auth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES auth_sessions(id),
  expires_at_ms INTEGER NOT NULL,
  spent_at_ms INTEGER
);
CREATE TABLE auth_signing_keys (
  kid TEXT PRIMARY KEY,
  secret BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL
);
)sql",
       R"sql(
CREATE TABLE auth_users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  email_index TEXT NOT NULL UNIQUE,
  email_sealed TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'user',
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  not_before_ms BIGINT NOT NULL DEFAULT 0,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  created_at_ms BIGINT NOT NULL,
  last_used_ms BIGINT NOT NULL,
  user_agent TEXT NOT NULL,
  revoked_at_ms BIGINT
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);
CREATE TABLE auth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES auth_sessions(id),
  expires_at_ms BIGINT NOT NULL,
  spent_at_ms BIGINT
);
CREATE TABLE auth_signing_keys (
  kid TEXT PRIMARY KEY,
  secret BYTEA NOT NULL,
  created_at_ms BIGINT NOT NULL
);
)sql"},
      {"auth", 2, "profiles, MFA, recovery codes, password resets, avatars",
       R"sql(
ALTER TABLE auth_users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_users ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE auth_users ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE auth_users ADD COLUMN totp_secret_sealed TEXT;
ALTER TABLE auth_users ADD COLUMN totp_pending_sealed TEXT;
ALTER TABLE auth_users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
CREATE TABLE auth_recovery_codes (
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  code_hash TEXT NOT NULL,
  used_at_ms INTEGER,
  PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE auth_password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  expires_at_ms INTEGER NOT NULL,
  used_at_ms INTEGER
);
CREATE INDEX auth_password_resets_user ON auth_password_resets(user_id);
CREATE TABLE auth_avatars (
  user_id TEXT PRIMARY KEY REFERENCES auth_users(id),
  content_type TEXT NOT NULL,
  image BLOB NOT NULL,
  etag TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX auth_sessions_revoked ON auth_sessions(revoked_at_ms);
)sql",
       R"sql(
ALTER TABLE auth_users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_users ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE auth_users ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE auth_users ADD COLUMN totp_secret_sealed TEXT;
ALTER TABLE auth_users ADD COLUMN totp_pending_sealed TEXT;
ALTER TABLE auth_users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
CREATE TABLE auth_recovery_codes (
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  code_hash TEXT NOT NULL,
  used_at_ms BIGINT,
  PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE auth_password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES auth_users(id),
  expires_at_ms BIGINT NOT NULL,
  used_at_ms BIGINT
);
CREATE INDEX auth_password_resets_user ON auth_password_resets(user_id);
CREATE TABLE auth_avatars (
  user_id TEXT PRIMARY KEY REFERENCES auth_users(id),
  content_type TEXT NOT NULL,
  image BYTEA NOT NULL,
  etag TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX auth_sessions_revoked ON auth_sessions(revoked_at_ms);
)sql"},
  };
}

}  // namespace tc::auth
