// The signed-in user's rooms with unread counts, creating a room, and joining a
// public room by its id.
import type { AppContext } from "../../app/context";
import { errorMessage } from "../../api/problem";
import { h, uid } from "../../ui/dom";
import { MessageSlot, errorBox, loading } from "../../ui/status";
import type { Room } from "../../chat/types";
import { directName, rememberDirect } from "../../chat/moderation";

export interface RoomList {
  node: HTMLElement;
  reload(): void;
  /** Marks a room read in the list (the open room). */
  markRead(roomId: string): void;
}

export function roomList(ctx: AppContext, currentId: string | null): RoomList {
  const list = h("div", { class: "room-list" }, loading("Loading your rooms…"));
  const messages = new MessageSlot();

  const show = (rooms: Room[]) => {
    if (rooms.length === 0) return list.replaceChildren(h("p", { class: "muted" }, "You are in no rooms yet: create one, or join one by its id."));
    const ul = h("ul", { class: "rooms", "aria-label": "Your rooms" });
    for (const r of rooms) {
      const unread = r.id === currentId ? 0 : (r.unread ?? 0);
      const a = h(
        "a",
        { href: `#/chat?room=${encodeURIComponent(r.id)}`, class: "room-link", "data-room-id": r.id },
        h("span", { class: "room-name" }, r.visibility === "direct" ? `@ ${directName(r.id) ?? "Direct message"}` : `${r.visibility === "private" ? "🔒" : "#"} ${r.name}`),
        unread ? h("span", { class: "unread", "aria-label": `${unread} unread` }, String(unread)) : null,
      );
      if (r.id === currentId) a.setAttribute("aria-current", "page");
      ul.append(h("li", {}, a));
    }
    list.replaceChildren(ul);
  };

  const reload = () => {
    ctx.api
      .get<{ items: Room[] }>("/api/v1/rooms?limit=200", ctx.signal)
      .then((page) => show(page.items))
      .catch((err: unknown) => {
        if (!ctx.signal.aborted) list.replaceChildren(errorBox(errorMessage(err)));
      });
  };

  // Create a room.
  const nameId = uid("room-name");
  const visId = uid("room-vis");
  const name = h("input", { id: nameId, maxlength: 100, required: true, autocomplete: "off" });
  const vis = h("select", { id: visId }, h("option", { value: "public" }, "Public"), h("option", { value: "private" }, "Private"));
  const create = h("button", { type: "submit" }, "Create room");
  const createForm = h("form", { class: "stack small-form", "aria-label": "Create a room" }, h("label", { for: nameId }, "New room name"), name, h("label", { for: visId }, "Visibility"), vis, create);
  createForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!name.value.trim()) return messages.error("Give the room a name.");
    create.disabled = true;
    create.textContent = "Creating…";
    ctx.api
      .request<Room>("/api/v1/rooms", { method: "POST", body: { name: name.value.trim(), visibility: vis.value } })
      .then((room) => ctx.navigate(`/chat?room=${encodeURIComponent(room.id)}`))
      .catch((err: unknown) => messages.error(errorMessage(err)))
      .finally(() => {
        create.disabled = false;
        create.textContent = "Create room";
      });
  });

  // Join a public room by id.
  const joinId = uid("room-join");
  const id = h("input", { id: joinId, autocomplete: "off", required: true });
  const join = h("button", { type: "submit", class: "secondary" }, "Join");
  const joinForm = h("form", { class: "stack small-form", "aria-label": "Join a room" }, h("label", { for: joinId }, "Join a public room by id"), id, join);
  joinForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const roomId = id.value.trim();
    if (!roomId) return messages.error("Paste the room's id.");
    join.disabled = true;
    join.textContent = "Joining…";
    ctx.api
      .request(`/api/v1/rooms/${encodeURIComponent(roomId)}/join`, { method: "POST", body: {} })
      .then(() => ctx.navigate(`/chat?room=${encodeURIComponent(roomId)}`))
      .catch((err: unknown) => messages.error(errorMessage(err)))
      .finally(() => {
        join.disabled = false;
        join.textContent = "Join";
      });
  });

  // A direct message: the room of two, opened (or found) by the other's username.
  const dmId = uid("dm-user");
  const dmUser = h("input", { id: dmId, autocomplete: "off", required: true, maxlength: 64, spellcheck: "false" });
  const dm = h("button", { type: "submit", class: "secondary" }, "Message");
  const dmForm = h("form", { class: "stack small-form", "aria-label": "Send a direct message" }, h("label", { for: dmId }, "Direct message to (username)"), dmUser, dm);
  dmForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const user = dmUser.value.trim().replace(/^@/, "");
    if (!user) return messages.error("Give the username of the person to write to.");
    dm.disabled = true;
    dm.textContent = "Opening…";
    ctx.api
      .request<Room>("/api/v1/direct", { method: "POST", body: { user } })
      .then((room) => {
        rememberDirect(room.id, user);
        ctx.navigate(`/chat?room=${encodeURIComponent(room.id)}`);
      })
      .catch((err: unknown) => messages.error(errorMessage(err)))
      .finally(() => {
        dm.disabled = false;
        dm.textContent = "Message";
      });
  });

  reload();
  // Unread counts of other rooms: fetched again when a mention arrives on the personal
  // channel and when the tab comes back into view (rooms not open are not subscribed).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, 300);
  };
  const stop = ctx.link.personalMessages.subscribe(soon);
  const onVisible = () => {
    if (!document.hidden) soon();
  };
  document.addEventListener("visibilitychange", onVisible);
  ctx.signal.addEventListener("abort", () => {
    stop();
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisible);
  });
  return {
    // Creating and joining fold away while a room is open (they push it down on phones).
    node: h("div", { class: "card room-sidebar" }, h("h2", {}, "Rooms"), list, messages.node, h("details", { class: "room-forms", open: currentId === null }, h("summary", {}, "Create or join a room"), createForm, joinForm, dmForm)),
    reload,
    markRead(roomId) {
      list.querySelector(`[data-room-id="${CSS.escape(roomId)}"] .unread`)?.remove();
    },
  };
}
