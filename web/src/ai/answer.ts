// An answer being written: the `ai:<conversation>` publications (start, plan, token,
// tool_call, tool_result, done, error) folded into the message list the screen shows.
// Pure; unit-tested.
import type { AiMessage, ToolCall } from "./types";

export type StreamEvent =
  | { type: "start"; message_id: string; mode?: string }
  | { type: "plan"; message_id: string; steps: string[] }
  | { type: "token"; message_id: string; text: string; at?: number }
  | { type: "tool_call"; message_id: string; call_id: string; name: string; arguments?: unknown }
  | { type: "tool_result"; message_id: string; call_id: string; name: string; result?: unknown }
  | { type: "done"; message: AiMessage }
  | { type: "error"; message_id: string; problem?: { title?: string; detail?: string; status?: number } };

/** A publication's data as a stream event, or null when it is not one. */
export function streamEvent(data: unknown): StreamEvent | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  const id = typeof d.message_id === "string" ? d.message_id : null;
  switch (d.type) {
    case "start":
      return id ? { type: "start", message_id: id, mode: typeof d.mode === "string" ? d.mode : undefined } : null;
    case "plan":
      return id && Array.isArray(d.steps) ? { type: "plan", message_id: id, steps: d.steps.map(String) } : null;
    case "token":
      if (!id || typeof d.text !== "string") return null;
      return Number.isInteger(d.at) && (d.at as number) >= 0 ? { type: "token", message_id: id, text: d.text, at: d.at as number } : { type: "token", message_id: id, text: d.text };
    case "tool_call":
      return id && typeof d.call_id === "string" && typeof d.name === "string" ? { type: "tool_call", message_id: id, call_id: d.call_id, name: d.name, arguments: d.arguments } : null;
    case "tool_result":
      return id && typeof d.call_id === "string" && typeof d.name === "string" ? { type: "tool_result", message_id: id, call_id: d.call_id, name: d.name, result: d.result } : null;
    case "done": {
      const m = d.message as Record<string, unknown> | undefined;
      return m && typeof m.id === "string" && typeof m.content === "string" ? { type: "done", message: m as unknown as AiMessage } : null;
    }
    case "error":
      return id ? { type: "error", message_id: id, problem: typeof d.problem === "object" && d.problem ? (d.problem as { title?: string; detail?: string }) : undefined } : null;
    default:
      return null;
  }
}

function placeholder(id: string): AiMessage {
  return { id, role: "assistant", content: "", created_at: Date.now(), status: "streaming", tool_calls: [] };
}

function upsertCall(calls: readonly ToolCall[], call: ToolCall): ToolCall[] {
  const at = calls.findIndex((c) => c.id === call.id);
  if (at < 0) return [...calls, call];
  const out = [...calls];
  out[at] = { ...out[at], ...call };
  return out;
}

/**
 * The answer's text after a token. A token with `at` (where it starts, in UTF-16
 * units) may arrive twice — live, then in the persisted batch that covers it — or
 * after a gap (a client that joined mid-answer): only what lies beyond the text so
 * far is appended, and a token past the end waits for the batch that fills the gap.
 */
export function withToken(content: string, e: { text: string; at?: number }): string {
  if (e.at === undefined) return content + e.text;
  if (e.at > content.length) return content;
  const end = e.at + e.text.length;
  return end <= content.length ? content : content + e.text.slice(content.length - e.at);
}

/** The message list after one event: the streaming answer grows; `done` replaces it by the stored one. */
export function applyStreamEvent(list: readonly AiMessage[], e: StreamEvent): AiMessage[] {
  if (e.type === "done") {
    const at = list.findIndex((m) => m.id === e.message.id);
    if (at < 0) return [...list, e.message];
    const out = [...list];
    out[at] = e.message;
    return out;
  }
  const at = list.findIndex((m) => m.id === e.message_id);
  const current = at < 0 ? placeholder(e.message_id) : list[at];
  // A stored, finished answer is never reopened by a late or replayed event.
  if (current.status !== "streaming") return [...list];
  let next: AiMessage = current;
  switch (e.type) {
    case "start":
      next = { ...current, mode: e.mode ?? current.mode };
      break;
    case "plan":
      next = { ...current, plan: e.steps };
      break;
    case "token":
      next = { ...current, content: withToken(current.content, e) };
      break;
    case "tool_call":
      next = { ...current, tool_calls: upsertCall(current.tool_calls ?? [], { id: e.call_id, name: e.name, arguments: e.arguments }) };
      break;
    case "tool_result":
      next = { ...current, tool_calls: upsertCall(current.tool_calls ?? [], { id: e.call_id, name: e.name, result: e.result === undefined ? null : e.result }) };
      break;
    case "error":
      next = { ...current, status: "failed", error: e.problem?.detail || e.problem?.title || "The answer failed." };
      break;
  }
  if (at < 0) return [...list, next];
  const out = [...list];
  out[at] = next;
  return out;
}

/** Whether an answer is being written (the Stop button shows, Send waits). */
export function answering(list: readonly AiMessage[]): boolean {
  return list.some((m) => m.role === "assistant" && m.status === "streaming");
}

/** "Looking up the quote…" style progress for a tool call. */
export function toolProgress(call: ToolCall): string {
  const done = call.result !== undefined;
  const name = call.name.replace(/_/g, " ");
  return done ? `Used ${name}` : `Running ${name}…`;
}
