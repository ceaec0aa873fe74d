// The chat module's shapes (docs/chat.md).
export interface Room {
  id: string;
  name: string;
  visibility: "public" | "private" | "direct";
  topic?: string;
  role?: string;
  unread?: number;
  last_seq?: number;
  last_read_seq?: number;
  member_count?: number;
}

export interface Mention {
  username: string;
  user_id: string;
}

export interface ChatMessage {
  type?: "message";
  id: string;
  room_id: string;
  seq: number;
  author: string;
  author_username?: string;
  text: string;
  client_msg_id?: string | null;
  reply_to?: string | null;
  mentions?: Mention[];
  cashtags?: string[];
  created_at_ms: number;
  edited_at_ms?: number | null;
  deleted?: boolean;
  pinned?: boolean;
  reactions?: Record<string, number>;
}

/** A message shown in the room: stored, or sent by this tab and not yet acknowledged. */
export interface ShownMessage extends ChatMessage {
  pending?: boolean;
  failed?: string;
}
