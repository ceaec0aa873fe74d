// Shapes of the server's JSON answers used by the client (see GET /api/openapi.json).

export type Role = "user" | "moderator" | "admin";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface Me {
  id: string;
  username: string;
  email: string;
  role: Role;
  created_at_ms: number;
  display_name: string;
  bio: string;
  timezone: string;
  mfa_enabled: boolean;
  avatar_url: string | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface SessionInfo {
  id: string;
  created_at_ms: number;
  last_used_ms: number;
  user_agent: string;
  current: boolean;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface Account {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  mfa_enabled: boolean;
  created_at_ms: number;
}

export interface AuditEntry {
  seq: number;
  at_ms: number;
  action: string;
  actor_id: string;
  target_id: string;
  ip: string;
  details: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  head_mac?: string;
  first_bad_seq?: number;
  problem?: string;
}
