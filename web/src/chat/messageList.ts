// The messages a room shows, kept in `seq` order with no duplicates: a message is
// the same one when its `id` matches, or when it is this tab's pending message and
// the stored one carries the same `client_msg_id`. Pure; unit-tested.
import type { ShownMessage } from "./types";

function sameMessage(a: ShownMessage, b: ShownMessage): boolean {
  if (a.id && b.id && a.id === b.id) return true;
  return !!a.client_msg_id && a.client_msg_id === b.client_msg_id && a.author === b.author;
}

/** Pending messages (no seq yet) sort after every stored one, in the order sent. */
function order(a: ShownMessage, b: ShownMessage): number {
  const ap = !!a.pending;
  const bp = !!b.pending;
  if (ap !== bp) return ap ? 1 : -1;
  if (ap) return a.created_at_ms - b.created_at_ms;
  return a.seq - b.seq;
}

/** Adds or replaces messages; a stored version replaces a pending one. */
export function upsertMessages(list: readonly ShownMessage[], incoming: readonly ShownMessage[]): ShownMessage[] {
  const out = [...list];
  for (const m of incoming) {
    const at = out.findIndex((x) => sameMessage(x, m));
    if (at < 0) out.push(m);
    else if (m.pending && !out[at].pending) continue; // never downgrade a stored message
    else out[at] = { ...out[at], ...m, pending: m.pending ?? false };
  }
  return out.sort(order);
}

export function removeMessage(list: readonly ShownMessage[], id: string): ShownMessage[] {
  return list.map((m) => (m.id === id ? { ...m, deleted: true, text: "", reactions: {} } : m));
}

/** The oldest stored seq: the cursor for the next older page. */
export function oldestSeq(list: readonly ShownMessage[]): number | null {
  const stored = list.filter((m) => !m.pending);
  return stored.length ? stored[0].seq : null;
}

export function newestSeq(list: readonly ShownMessage[]): number {
  let max = 0;
  for (const m of list) if (!m.pending && m.seq > max) max = m.seq;
  return max;
}

let counter = 0;
export function newClientMsgId(now = Date.now()): string {
  counter += 1;
  return `w-${now.toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
