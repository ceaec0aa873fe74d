// One room: history (newest last, older pages by cursor as one scrolls up or asks),
// live messages over `room:<id>`, sending by publishing `{text, client_msg_id}` on
// the subscription (shown pending until the stored message comes back), typing,
// presence, reactions, replies, deletes and read receipts.
import type { Subscription } from "centrifuge";
import type { AppContext } from "../../app/context";
import { ApiError, errorMessage } from "../../api/problem";
import { h } from "../../ui/dom";
import { errorBox, errorWithRetry, loading } from "../../ui/status";
import { newClientMsgId, newestSeq, oldestSeq, removeMessage, upsertMessages } from "../../chat/messageList";
import type { ChatMessage, Room, ShownMessage } from "../../chat/types";
import { AI_AUTHOR, authorName, messageView, type Viewer } from "./messageView";
import { roomEvents } from "./roomEvents";
import { composer } from "./composer";
import { typingIndicator } from "./typingIndicator";
import { roomPanel } from "./roomPanel";
import { directName } from "../../chat/moderation";
import { serverHas } from "../../api/capabilities";

const PAGE = 50;

export function roomView(ctx: AppContext, roomId: string, onRoomsChanged: () => void): HTMLElement {
  const me = ctx.session.me;
  const viewer: Viewer = { id: me?.id ?? "", username: me?.username ?? "", timeZone: me?.timezone };
  const path = `/api/v1/rooms/${encodeURIComponent(roomId)}`;
  let messages: ShownMessage[] = [];
  let cursor: number | null = null;
  let hasOlder = true;
  let lastRead = 0;
  /** The read position when the room was opened, if there was anything unread. */
  let unreadAfter: number | null = null;
  const myReactions = new Map<string, Set<string>>();
  let sub: Subscription | null = null;

  const title = h("h2", {}, "Room");
  const topic = h("p", { class: "muted small" });
  const presence = h("span", { class: "presence muted small", "aria-live": "polite" });
  const roomIdNote = h("p", { class: "muted small room-id" }, "Room id: ", h("code", {}, roomId));
  const status = h("div", { class: "room-status" }, loading("Loading messages…"));
  const older = h("button", { type: "button", class: "ghost small", hidden: true }, "Load older messages");
  const list = h("ol", { class: "messages", "aria-label": "Messages" });
  const scroller = h("div", { class: "message-scroll", tabindex: "0", "aria-label": "Message history" }, older, list);
  const typing = typingIndicator((userId) => authorName(userId, viewer), ctx.signal);
  const showMessage = (id: string) => {
    const item = list.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
    if (!item) return status.replaceChildren(errorBox("That message is further back: scroll up to load older messages."));
    item.tabIndex = -1;
    item.classList.add("highlight");
    item.scrollIntoView({ block: "center" });
    item.focus({ preventScroll: true });
    setTimeout(() => item.classList.remove("highlight"), 2000);
  };
  const panel = roomPanel(ctx, roomId, viewer, showMessage);
  const box = composer({
    link: ctx.link,
    roomId,
    onSend: (text, replyTo) => sendMessage(text, replyTo),
    onSaveEdit: (m, text) =>
      ctx.api.request<ChatMessage>(`${path}/messages/${encodeURIComponent(m.id)}`, { method: "PATCH", body: { text } }).then((stored) => {
        messages = upsertMessages(messages, [stored]);
        render();
      }),
  });

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;

  const render = (keep: "bottom" | "position" | "auto" = "auto") => {
    const stick = keep === "bottom" || (keep === "auto" && atBottom());
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    const byId = new Map(messages.filter((m) => m.id).map((m) => [m.id, m]));
    list.replaceChildren(...messages.map((m) => messageView(m, viewer, m.reply_to ? byId.get(m.reply_to) : undefined, myReactions.get(m.id) ?? new Set(), actions)));
    // "New messages" above the first one unread when the room was opened (once its place is known).
    const first = unreadAfter === null ? -1 : messages.findIndex((m) => !m.pending && m.seq > (unreadAfter ?? 0) && m.author !== viewer.id);
    if (first > 0 || (first === 0 && !hasOlder)) list.children[first].before(h("li", { class: "unread-divider", role: "separator" }, "New messages"));
    if (messages.length === 0) list.append(h("li", { class: "muted empty" }, "No messages yet. Say hello."));
    older.hidden = !hasOlder;
    if (stick) scroller.scrollTop = scroller.scrollHeight;
    else if (keep === "position") scroller.scrollTop = scroller.scrollHeight - fromBottom;
    markRead();
  };

  let readTimer: ReturnType<typeof setTimeout> | undefined;
  const markRead = () => {
    const seq = newestSeq(messages);
    if (seq <= lastRead || document.hidden) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      ctx.api
        .request<{ last_read_seq: number }>(`${path}/read`, { method: "POST", body: { seq }, signal: ctx.signal })
        .then((r) => {
          lastRead = Math.max(lastRead, r.last_read_seq);
        })
        .catch(() => undefined); // a receipt is best effort; the next message retries
    }, 300);
  };

  const loadOlder = () => {
    older.disabled = true;
    older.textContent = "Loading older messages…";
    const q = cursor === null ? `limit=${PAGE}` : `limit=${PAGE}&cursor=${cursor}`;
    return ctx.api
      .get<{ items: ChatMessage[]; next_cursor: number | string | null }>(`${path}/messages?${q}`, ctx.signal)
      .then((page) => {
        messages = upsertMessages(messages, page.items);
        hasOlder = page.next_cursor !== null && page.next_cursor !== undefined && page.items.length > 0;
        cursor = hasOlder ? Number(page.next_cursor) : oldestSeq(messages);
        render("position");
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) status.replaceChildren(errorBox(errorMessage(err)));
      })
      .finally(() => {
        older.disabled = false;
        older.textContent = "Load older messages";
      });
  };
  older.addEventListener("click", () => void loadOlder());

  // After a reconnect that could not recover every missed message: the newest page again.
  const loadNewest = () =>
    ctx.api
      .get<{ items: ChatMessage[] }>(`${path}/messages?limit=${PAGE}`, ctx.signal)
      .then((page) => {
        messages = upsertMessages(messages, page.items);
        render();
      })
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) status.replaceChildren(errorBox(errorMessage(err)));
      });
  scroller.addEventListener("scroll", () => {
    if (scroller.scrollTop < 8 && hasOlder && !older.disabled && cursor !== null) void loadOlder();
    if (atBottom()) markRead();
  });

  const actions = {
    react(m: ShownMessage, emoji: string) {
      const mine = myReactions.get(m.id) ?? new Set<string>();
      const removing = mine.has(emoji);
      ctx.api
        .request<{ reactions: Record<string, number> }>(`${path}/messages/${encodeURIComponent(m.id)}/reactions/${encodeURIComponent(emoji)}`, { method: removing ? "DELETE" : "PUT", body: {} })
        .then((r) => {
          if (removing) mine.delete(emoji);
          else mine.add(emoji);
          myReactions.set(m.id, mine);
          messages = messages.map((x) => (x.id === m.id ? { ...x, reactions: r.reactions } : x));
          render();
        })
        .catch((err: unknown) => box.error(err));
    },
    reply(m: ShownMessage) {
      box.reply(m, `Replying to ${authorName(m.author, viewer)}: ${m.text.slice(0, 60)}`);
    },
    edit(m: ShownMessage) {
      box.edit(m);
    },
    pin: undefined as ((m: ShownMessage) => void) | undefined,
    history(m: ShownMessage) {
      panel.open("history", m);
    },
    remove(m: ShownMessage) {
      if (!window.confirm("Delete this message for everyone?")) return;
      ctx.api
        .request(`${path}/messages/${encodeURIComponent(m.id)}`, { method: "DELETE" })
        .then(() => {
          messages = removeMessage(messages, m.id);
          render();
        })
        .catch((err: unknown) => box.error(err));
    },
  };

  const refreshPresence = () => {
    sub
      ?.presenceStats()
      .then((s) => {
        presence.textContent = `${s.numUsers} online`;
        presence.dataset.users = String(s.numUsers);
      })
      .catch(() => {
        presence.textContent = "";
      });
  };

  const sendMessage = (text: string, replyTo: ShownMessage | null) => {
    if (!sub) return;
    const client_msg_id = newClientMsgId();
    const pending: ShownMessage = { id: "", room_id: roomId, seq: 0, author: viewer.id, text, client_msg_id, reply_to: replyTo?.id ?? null, created_at_ms: Date.now(), pending: true };
    messages = upsertMessages(messages, [pending]);
    render("bottom");
    const data: Record<string, string> = { text, client_msg_id };
    if (pending.reply_to) data.reply_to = pending.reply_to;
    sub.publish(data).catch((err: unknown) => {
      const reason = err && typeof err === "object" && "message" in err ? String((err as { message: unknown }).message) : "the server refused it";
      messages = messages.map((m) => (m.client_msg_id === client_msg_id && m.pending ? { ...m, failed: reason } : m));
      render();
    });
  };

  const follow = () => {
    sub = ctx.link.subscribe(
      `room:${roomId}`,
      ctx.signal,
      (data) =>
        roomEvents(data, {
          message(m) {
            // The bot's stored reply replaces its draft (the draft has an id of its own).
            if (m.author === AI_AUTHOR) messages = messages.filter((x) => !(x.pending && x.author === AI_AUTHOR && x.reply_to === (m.reply_to ?? null)));
            messages = upsertMessages(messages, [m]);
            typing.done(m.author);
            render(m.author === viewer.id ? "bottom" : "auto");
          },
          edited(m) {
            messages = upsertMessages(messages, [m]);
            render();
          },
          deleted(id) {
            messages = removeMessage(messages, id);
            render();
          },
          reactions(id, reactions) {
            messages = messages.map((x) => (x.id === id ? { ...x, reactions } : x));
            render();
          },
          pinned(id, pinned) {
            messages = messages.map((x) => (x.id === id ? { ...x, pinned } : x));
            render();
            panel.changed("pins");
          },
          member(kind, userId) {
            panel.changed("members");
            if (userId === viewer.id && (kind === "removed" || kind === "banned")) {
              box.setEnabled(false);
              status.replaceChildren(errorBox(kind === "banned" ? "You were banned from this room." : "You were removed from this room."));
              onRoomsChanged();
              removed = true;
            } else if (userId === viewer.id && kind === "muted") {
              status.replaceChildren(h("p", { class: "status status-warn", role: "status" }, "A moderator changed your mute in this room."));
            }
          },
          typing(userId) {
            if (userId !== viewer.id) typing.typing(userId);
          },
          aiToken(draftId, replyTo, text) {
            // The reply being written shows as a pending message of the bot until the stored one comes.
            const draft = messages.find((x) => x.id === draftId);
            const next: ShownMessage = draft ? { ...draft, text: draft.text + text } : { id: draftId, room_id: roomId, seq: 0, author: AI_AUTHOR, text, reply_to: replyTo, created_at_ms: Date.now(), pending: true };
            messages = upsertMessages(messages, [next]);
            render();
          },
        }),
      (state, error, missed) => {
        box.node.dataset.live = state;
        if (removed) return;
        if (state === "unsubscribed") {
          // The server ends the subscription of a member who is removed or banned.
          removed = true;
          box.setEnabled(false);
          status.replaceChildren(errorBox("You are no longer a member of this room."));
          onRoomsChanged();
          return;
        }
        if (missed) void loadNewest();
        box.setEnabled(state === "subscribed");
        if (state === "subscribed") {
          status.replaceChildren();
          refreshPresence();
        } else if (error) status.replaceChildren(errorBox(`Live messages: ${error}`));
        else if (state === "subscribing") status.replaceChildren(loading("Connecting to the room…"));
      },
    );
    sub?.on("join", refreshPresence);
    sub?.on("leave", refreshPresence);
  };

  const joinButton = (room: Room) => {
    const b = h("button", { type: "button" }, `Join ${room.name}`);
    b.addEventListener("click", () => {
      b.disabled = true;
      b.textContent = "Joining…";
      ctx.api
        .request(`${path}/join`, { method: "POST", body: {} })
        .then(() => {
          onRoomsChanged();
          start(room);
        })
        .catch((err: unknown) => {
          b.disabled = false;
          b.textContent = `Join ${room.name}`;
          status.append(errorBox(errorMessage(err)));
        });
    });
    return b;
  };

  const pin = (m: ShownMessage) => {
    ctx.api
      .request(`${path}/pins/${encodeURIComponent(m.id)}`, { method: m.pinned ? "DELETE" : "PUT", body: {} })
      .then(() => {
        messages = messages.map((x) => (x.id === m.id ? { ...x, pinned: !m.pinned } : x));
        render();
      })
      .catch((err: unknown) => box.error(err));
  };

  let removed = false;
  const aiBox = h("div", { class: "room-ai small" });
  const loadAiSetting = async () => {
    if (!(await serverHas("/api/v1/rooms/{id}/ai"))) return; // a server without the assistant
    ctx.api
      .get<{ enabled: boolean; can_change: boolean }>(`${path}/ai`, ctx.signal)
      .then((s) => {
        if (!s.can_change) {
          aiBox.replaceChildren(s.enabled ? h("span", { class: "muted" }, "@ai is on here: mention @ai to ask the assistant.") : "");
          return;
        }
        const id = `ai-${roomId}`;
        const box = h("input", { type: "checkbox", id, checked: s.enabled });
        const note = h("span", { class: "muted", "aria-live": "polite" });
        box.addEventListener("change", () => {
          box.disabled = true;
          ctx.api
            .request<{ enabled: boolean }>(`${path}/ai`, { method: "PUT", body: { enabled: box.checked } })
            .then((r) => {
              box.checked = r.enabled;
              note.textContent = r.enabled ? "On: members can mention @ai." : "Off.";
            })
            .catch((err: unknown) => {
              box.checked = !box.checked;
              note.textContent = errorMessage(err);
            })
            .finally(() => (box.disabled = false));
        });
        aiBox.replaceChildren(h("label", { for: id, class: "check" }, box, " @ai answers in this room"), " ", note);
      })
      .catch(() => aiBox.replaceChildren()); // a server without the assistant: no switch
  };
  const start = (room: Room) => {
    panel.setRoom(room);
    if (room.visibility !== "direct") void loadAiSetting();
    lastRead = room.last_read_seq ?? 0;
    unreadAfter = (room.unread ?? 0) > 0 ? lastRead : null;
    actions.pin = room.role === "owner" || room.role === "moderator" ? pin : undefined;
    status.replaceChildren(loading("Loading messages…"));
    void loadOlder().then(() => {
      render("bottom");
      follow();
    });
  };

  ctx.api
    .get<Room>(path, ctx.signal)
    .then((room) => {
      const direct = room.visibility === "direct" ? directName(room.id) : null;
      title.textContent = room.visibility === "direct" ? `@ ${direct ?? "Direct message"}` : `${room.visibility === "private" ? "🔒" : "#"} ${room.name}`;
      topic.textContent = room.topic ?? "";
      if (room.role) start(room);
      else status.replaceChildren(h("p", {}, "You are not in this public room yet."), joinButton(room));
    })
    .catch((err: unknown) => {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiError && err.status === 404) status.replaceChildren(errorBox("No such room, or it is private and you are not in it."));
      else status.replaceChildren(errorWithRetry(errorMessage(err), () => ctx.navigate(`/chat?room=${encodeURIComponent(roomId)}`)));
    });

  ctx.signal.addEventListener("abort", () => {
    clearTimeout(readTimer);
  });

  return h("div", { class: "card room-view" }, h("div", { class: "room-head" }, title, presence), topic, roomIdNote, h("div", { class: "room-bar" }, panel.toolbar, aiBox), panel.node, status, scroller, typing.node, box.node);
}
