// The audit log's filters as query parameters (pure, so it is unit-tested).
export interface AuditFilterInput {
  action: string;
  actorId: string;
  targetId: string;
  /** datetime-local values ("2026-01-31T09:30"), read in the browser's zone */
  from: string;
  to: string;
}

export function auditQuery(input: AuditFilterInput, cursor: string | null, limit = 50): URLSearchParams {
  const q = new URLSearchParams({ limit: String(limit) });
  if (input.action.trim()) q.set("action", input.action.trim());
  if (input.actorId.trim()) q.set("actor_id", input.actorId.trim());
  if (input.targetId.trim()) q.set("target_id", input.targetId.trim());
  const from = input.from ? new Date(input.from).getTime() : NaN;
  const to = input.to ? new Date(input.to).getTime() : NaN;
  if (Number.isFinite(from)) q.set("from_ms", String(from));
  if (Number.isFinite(to)) q.set("to_ms", String(to));
  if (cursor) q.set("cursor", cursor);
  return q;
}
