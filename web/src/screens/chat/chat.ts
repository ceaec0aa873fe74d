// The chat screen: `#/chat` (room list) and `#/chat?room=<id>` (the list and the room).
import type { Screen } from "../../app/context";
import { h } from "../../ui/dom";
import { roomList } from "./roomList";
import { roomView } from "./roomView";

export const chatScreen: Screen = (ctx) => {
  const roomId = ctx.location.query.get("room");
  const rooms = roomList(ctx, roomId);
  const main = roomId ? roomView(ctx, roomId, () => rooms.reload()) : h("div", { class: "card room-empty" }, h("p", { class: "muted" }, "Choose a room, or create one."));
  return h("section", { class: "page chat-page" }, h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, "Chat")), h("div", { class: "chat-grid" }, rooms.node, main));
};
