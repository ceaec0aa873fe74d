// One message in a room: author, time, the reply it answers, the text, reactions,
// and its state (sending…, not sent, edited, deleted).
import { formatTime, h } from "../../ui/dom";
import type { ShownMessage } from "../../chat/types";
import { messageText } from "./messageText";

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🚀", "👀"];

export interface MessageActions {
  react(message: ShownMessage, emoji: string): void;
  reply(message: ShownMessage): void;
  edit(message: ShownMessage): void;
  remove(message: ShownMessage): void;
  /** Present when the viewer may pin (room owner or moderator). */
  pin?(message: ShownMessage): void;
  /** Opens the edit history of an edited message. */
  history?(message: ShownMessage): void;
}

export interface Viewer {
  id: string;
  username: string;
  timeZone?: string;
}

/** The bot identity the ai module posts `@ai` replies as. */
export const AI_AUTHOR = "ai";

export function authorName(authorId: string, viewer: Viewer): string {
  if (authorId === AI_AUTHOR) return "AI assistant";
  return authorId === viewer.id ? "You" : `user ${authorId.slice(0, 8)}`;
}

function editedMark(m: ShownMessage, actions: MessageActions): HTMLElement {
  if (!actions.history || m.deleted) return h("span", { class: "muted small" }, "(edited)");
  const b = h("button", { type: "button", class: "link-button muted small", title: "Show the earlier versions", "aria-label": "(edited) — show the edit history" }, "(edited)");
  b.addEventListener("click", () => actions.history?.(m));
  return b;
}

export function messageView(m: ShownMessage, viewer: Viewer, repliedTo: ShownMessage | undefined, mine: ReadonlySet<string>, actions: MessageActions): HTMLElement {
  const own = m.author === viewer.id;
  const state = m.failed ? "failed" : m.pending ? "pending" : "sent";
  const meta = h(
    "div",
    { class: "msg-meta" },
    h("strong", {}, authorName(m.author, viewer)),
    h("time", { datetime: new Date(m.created_at_ms).toISOString(), class: "muted small" }, formatTime(m.created_at_ms, viewer.timeZone)),
    m.edited_at_ms ? editedMark(m, actions) : null,
    m.pinned ? h("span", { class: "pill pinned" }, "📌 Pinned") : null,
    own ? h("span", { class: `msg-state small ${state}`, "data-state": state }, m.failed ? `Not sent: ${m.failed}` : m.pending ? "Sending…" : "Sent") : null,
    m.author === AI_AUTHOR ? h("span", { class: "pill ai-pill" }, m.pending ? "writing…" : "bot") : null,
  );
  const node = h("li", { class: own ? "msg own" : m.author === AI_AUTHOR ? "msg ai-reply" : "msg", "data-id": m.id || null, "data-client-msg-id": m.client_msg_id ?? null, "data-state": state }, meta);
  if (m.reply_to) {
    const quoted = !repliedTo ? "an earlier message" : repliedTo.deleted ? `${authorName(repliedTo.author, viewer)}: (deleted)` : null;
    node.append(h("p", { class: "msg-reply-to muted small" }, "↪ ", quoted ?? `${authorName(repliedTo!.author, viewer)}: `, quoted ? null : messageText(repliedTo!.text.slice(0, 120), viewer.username)));
  }
  if (m.deleted) {
    node.append(h("p", { class: "msg-text muted" }, "This message was deleted."));
    return node;
  }
  node.append(h("p", { class: "msg-text" }, messageText(m.text, viewer.username)));
  if (m.pending) return node;

  const reactions = h("div", { class: "msg-reactions", role: "group", "aria-label": "Reactions" });
  const counts = m.reactions ?? {};
  for (const emoji of new Set([...Object.keys(counts), ...QUICK_REACTIONS])) {
    const n = counts[emoji] ?? 0;
    const pressed = mine.has(emoji);
    const b = h("button", { type: "button", class: n ? "reaction has" : "reaction", "aria-pressed": pressed ? "true" : "false", "aria-label": `${pressed ? "Remove" : "React with"} ${emoji}${n ? `, ${n} so far` : ""}` }, n ? `${emoji} ${n}` : emoji);
    b.addEventListener("click", () => actions.react(m, emoji));
    reactions.append(b);
  }
  const reply = h("button", { type: "button", class: "ghost small" }, "Reply");
  reply.addEventListener("click", () => actions.reply(m));
  reactions.append(reply);
  if (actions.pin) {
    const pin = h("button", { type: "button", class: "ghost small" }, m.pinned ? "Unpin" : "Pin");
    pin.addEventListener("click", () => actions.pin?.(m));
    reactions.append(pin);
  }
  if (own) {
    const edit = h("button", { type: "button", class: "ghost small" }, "Edit");
    edit.addEventListener("click", () => actions.edit(m));
    reactions.append(edit);
    const del = h("button", { type: "button", class: "ghost small danger-text" }, "Delete");
    del.addEventListener("click", () => actions.remove(m));
    reactions.append(del);
  }
  node.append(reactions);
  return node;
}
