// Publications on `room:<id>` by kind: stored messages, edits, deletes, reaction
// counts and typing. Anything unknown is ignored.
import type { ChatMessage } from "../../chat/types";

export interface RoomEventHandlers {
  message(m: ChatMessage): void;
  edited(m: ChatMessage): void;
  deleted(id: string): void;
  reactions(id: string, reactions: Record<string, number>): void;
  typing(userId: string): void;
  pinned(id: string, pinned: boolean): void;
  /** member.joined, member.left, member.removed, member.banned, member.muted, member.role. */
  member?(kind: string, userId: string): void;
  /** A delta of the `@ai` reply being written (draft id, the question it answers). */
  aiToken?(draftId: string, replyTo: string | null, text: string): void;
}

export function roomEvents(data: unknown, on: RoomEventHandlers): void {
  if (typeof data !== "object" || data === null) return;
  const d = data as Record<string, unknown>;
  switch (d.type) {
    case "message":
    case undefined:
      if (typeof d.id === "string" && typeof d.seq === "number" && typeof d.text === "string") on.message(d as unknown as ChatMessage);
      break;
    case "message.edited":
      if (d.message && typeof d.message === "object") on.edited(d.message as ChatMessage);
      break;
    case "message.deleted":
      if (typeof d.id === "string") on.deleted(d.id);
      break;
    case "message.reactions":
      if (typeof d.message_id === "string" && d.reactions && typeof d.reactions === "object") on.reactions(d.message_id, d.reactions as Record<string, number>);
      break;
    case "message.pinned":
      if (typeof d.id === "string" && typeof d.pinned === "boolean") on.pinned(d.id, d.pinned);
      break;
    case "member.joined":
    case "member.left":
    case "member.removed":
    case "member.banned":
    case "member.muted":
    case "member.role":
      if (typeof d.user_id === "string") on.member?.(d.type.slice("member.".length), d.user_id);
      break;
    case "ai_token":
      if (typeof d.message_id === "string" && typeof d.text === "string") on.aiToken?.(d.message_id, typeof d.reply_to === "string" ? d.reply_to : null, d.text);
      break;
    case "typing":
      if (typeof d.user_id === "string") on.typing(d.user_id);
      break;
  }
}
